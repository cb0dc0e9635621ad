/* app_call.c - the console's calls on a worker thread (tui_app_call): the busy line's state, Esc
 * stopping a read, and the keys that wait for the call. */
#include "app_internal.h"

#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <string.h>
#include <time.h>

#include "input.h"
#include "trace.h"

/* A call that answers within this long never shows the busy line; a slower one shows it within
 * a frame of the key that started it. */
#define CALL_QUICK_MS 10
/* How often the busy loop looks at the call and the keyboard. */
#define CALL_TICK_MS 20
/* --- calls on a worker thread ---------------------------------------------------------------- */

typedef struct {
    tui_call_fn fn;
    void *ctx;
    bc_status st;
    bc_error err;
    bool done;
    pthread_mutex_t mu;
    pthread_cond_t cv;
} call_job;

static void *call_thread(void *arg)
{
    call_job *j = arg;
    bc_error err = {0};
    bc_status st = j->fn(j->ctx, &err);
    pthread_mutex_lock(&j->mu);
    j->st = st;
    j->err = err;
    j->done = true;
    pthread_cond_signal(&j->cv);
    pthread_mutex_unlock(&j->mu);
    return NULL;
}

/* Wait up to ms for the call; whether it is done. */
static bool call_wait(call_job *j, int ms)
{
    struct timespec until;
    clock_gettime(CLOCK_MONOTONIC, &until);
    until.tv_nsec += (long)ms * 1000000L;
    until.tv_sec += until.tv_nsec / 1000000000L;
    until.tv_nsec %= 1000000000L;
    pthread_mutex_lock(&j->mu);
    while (!j->done && pthread_cond_timedwait(&j->cv, &j->mu, &until) != ETIMEDOUT)
        ;
    bool done = j->done;
    pthread_mutex_unlock(&j->mu);
    return done;
}

void tui_app_cancel(tui_app *app)
{
    if (!app->busy || !app->busy_cancellable || app->busy_stopping)
        return;
    app->busy_stopping = true;
    bc_driver_interrupt(app->driver);
}

void tui_app_call_progress(tui_app *app, const bc_count_progress *progress)
{
    app->busy_found = progress;
}

void tui_app_call_background(tui_app *app)
{
    app->call_background = true;
}

bool tui_app_call_yielded(const tui_app *app)
{
    return app->busy_yielded;
}

bool tui_app_busy(const tui_app *app)
{
    return app->busy;
}

static void queue_key(tui_app *app, int key)
{
    if (app->nqueued < QUEUE_MAX)
        app->queued[app->nqueued++] = key;
}

/* A key while a call runs: the line editor edits at once; what would finish it, and every other
 * key, waits for the call (they may start calls of their own). Esc stops the call instead (a
 * write says it cannot be stopped). A call behind the screen (tui_app_call_background) makes no
 * key wait: Esc only stops it, any other key stops it and runs right after. */
static void busy_key(tui_app *app, int key)
{
    bool stop = key == TUI_KEY_ESC || key == TUI_KEY_CTRL('c') || key == TUI_KEY_CTRL('g');
    /* The line still open: a call its Enter started (`:sort ...`) runs after it closed, and
     * keys typed then are the next ones' (a `:` opens the next line), never its. */
    bool edits = app->prompt_on && app->prompt.on && !app->dialog_on && !app->nqueued;
    if (edits && !tui_prompt_key_waits(&app->prompt, key)) {
        app_prompt_key(app, key);
        return;
    }
    if (app->busy_background) {
        tui_app_cancel(app);
        if (!stop) {
            app->busy_yielded = true;
            queue_key(app, key);
        }
        return;
    }
    if (edits) {
        if (stop)
            tui_app_cancel(app);
        queue_key(app, key);
        return;
    }
    if (stop) { /* about the call, not a key to run afterwards (a dialog open now is its own) */
        if (app->busy_cancellable)
            tui_app_cancel(app);
        else
            app->busy_refused = true;
        return;
    }
    queue_key(app, key);
}

bc_status tui_app_call(tui_app *app, const char *doing, bool cancellable, tui_call_fn fn, void *ctx,
                       bc_error *err)
{
    bool background = app->call_background && cancellable;
    app->call_background = false;
    if (app->busy)
        return bc_fail(err, BC_ERR, "%s: %s is still running", doing, app->busy_doing);
    app->busy_yielded = false;
    bc_driver_interrupt_clear(app->driver);
    call_job j = {.fn = fn, .ctx = ctx};
    pthread_condattr_t ca;
    pthread_condattr_init(&ca);
    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
    pthread_cond_init(&j.cv, &ca);
    pthread_condattr_destroy(&ca);
    pthread_mutex_init(&j.mu, NULL);
    pthread_t thread;
    bool threaded = pthread_create(&thread, NULL, call_thread, &j) == 0;
    if (!threaded) /* no thread to be had: run it here, with the screen still */
        call_thread(&j);
    if (threaded && !call_wait(&j, CALL_QUICK_MS)) {
        app->busy = true;
        app->busy_cancellable = cancellable;
        app->busy_stopping = app->busy_refused = false;
        app->busy_background = background;
        app->busy_doing = doing;
        app->busy_since_us = tui_trace_now_us() - CALL_QUICK_MS * 1000;
        app_draw_frame(app);
        if (app->frame_t0 && !app->frame_first_us) /* the event's first answer on the screen */
            app->frame_first_us = tui_trace_now_us() - app->frame_t0;
        while (!call_wait(&j, 0)) {
            if (tui_term_stop_signal()) { /* SIGTERM and friends: stop reads, let writes end */
                app->quit = true;
                tui_app_cancel(app);
                call_wait(&j, CALL_TICK_MS);
                continue;
            }
            tui_input in = tui_input_read(CALL_TICK_MS);
            int64_t t0 = tui_trace_now_us();
            if (in.kind == TUI_IN_KEY)
                busy_key(app, in.key); /* mouse events mean nothing until the rows are back */
            int64_t t1 = tui_trace_now_us();
            app_draw_frame(app); /* the spinner turns */
            if (in.kind == TUI_IN_KEY) {
                char label[32];
                /* Typed ahead of a call: it may land in a field the call's answer opens. */
                tui_trace_key_label(in.key, true, label, sizeof label);
                tui_trace_frame(label, "(busy)", t1 - t0, tui_trace_now_us() - t1, 0);
            }
        }
        app->busy = app->busy_background = false;
    }
    app->busy_found = NULL;
    if (threaded)
        pthread_join(thread, NULL);
    pthread_cond_destroy(&j.cv);
    pthread_mutex_destroy(&j.mu);
    if (err) /* even on success: some calls leave a note there (a paused checklist's reason) */
        *err = j.err;
    return j.st;
}

/* The oldest key typed while a call ran. */
tui_input app_next_queued(tui_app *app)
{
    tui_input in = {.kind = TUI_IN_KEY, .key = app->queued[0]};
    memmove(app->queued, app->queued + 1, --app->nqueued * sizeof app->queued[0]);
    return in;
}
