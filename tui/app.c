/* app.c - the console's main loop: input -> action -> view -> frame; the app's state, messages,
 * the view stack, dialogs, keys and clicks. Curses-free (draw.h and input.h are the terminal).
 * The rest of the app: app_actions.c (what an action means), app_call.c (calls on the worker
 * thread), app_frame.c (drawing), app_menu.c (menus), app_switch.c (the deployment switcher). */
#include "app_internal.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "checklist.h"
#include "draw.h"
#include "input.h"
#include "isotime.h"
#include "trace.h"
#include "view.h"
#include "xalloc.h"

#define DOUBLE_CLICK_US 400000

bc_driver *tui_app_driver(tui_app *app)
{
    return app->driver;
}

const tui_keymap *tui_app_keymap(tui_app *app)
{
    return &app->keymap;
}

#define LOG_MAX 5000

static void log_message(tui_app *app)
{
    if (!app->msg[0])
        return;
    if (app->nlog == LOG_MAX) { /* the oldest goes */
        free(app->log[0].text);
        memmove(app->log, app->log + 1, (LOG_MAX - 1) * sizeof *app->log);
        app->nlog--;
        app->log_dropped++;
    }
    app->log = bc_xrealloc(app->log, (app->nlog + 1) * sizeof *app->log);
    app->log[app->nlog++] =
        (tui_logged){.at_ms = bc_now_ms(), .error = app->msg_error, .text = bc_xstrdup(app->msg)};
}

const tui_logged *tui_app_log(const tui_app *app, size_t *n, size_t *dropped)
{
    *n = app->nlog;
    *dropped = app->log_dropped;
    return app->log;
}

void tui_app_message(tui_app *app, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(app->msg, sizeof app->msg, fmt, ap);
    va_end(ap);
    app->msg_error = false;
    log_message(app);
}

void tui_app_error(tui_app *app, const bc_error *err)
{
    /* Stopping was the operator's own doing: news, not an error. */
    bool stopped = err->status == BC_CANCELLED;
    snprintf(app->msg, sizeof app->msg, "%s: %s", stopped ? "stopped" : "error", err->msg);
    app->msg_error = !stopped;
    log_message(app);
}

void tui_app_set_total(tui_app *app, bool sessions, int64_t total, bool at_least)
{
    app->total[sessions] = total;
    app->total_at_least[sessions] = at_least;
}

bc_admin *tui_app_admin(tui_app *app)
{
    return app->cfg->admin;
}

bc_target *tui_app_target(tui_app *app)
{
    return app->target;
}

const char *tui_app_state_error(tui_app *app)
{
    return app->target->state_error;
}

const char *tui_app_secret(tui_app *app)
{
    return bc_secrets_current(app->cfg->secrets);
}

const bc_secrets *tui_app_secrets(tui_app *app)
{
    static const bc_secrets none = {0};
    return app->cfg->secrets ? app->cfg->secrets : &none;
}

const char *tui_app_label(tui_app *app)
{
    return app->label;
}

void tui_app_dialog(tui_app *app, const tui_dialog *d)
{
    app->dialog = *d;
    app->dialog_on = true;
    app->dialog_gen++;
    /* Keys typed while a call ran were meant for the screen as it was then, not for a question
     * that opened after them: a queued y or Enter must never answer a confirmation unseen. */
    if (app->nqueued) {
        tui_app_message(app,
                        "%zu key%s typed while bcadmin was busy went unused: answer this dialog "
                        "with keys typed now",
                        app->nqueued, app->nqueued == 1 ? "" : "s");
        app->nqueued = 0;
    }
}

size_t tui_app_page_size(tui_app *app)
{
    (void)app;
    return 100;
}

bool tui_app_push(tui_app *app, const tui_view_ops *ops, const char *arg)
{
    if (app->depth == STACK_MAX) {
        tui_app_message(app, "too many screens open: go back first (q)");
        return false;
    }
    tui_view *v = &app->stack[app->depth];
    *v = (tui_view){.ops = ops};
    bc_error err = {0};
    if (ops->open(v, app, arg, &err) != BC_OK) {
        if (ops->close)
            ops->close(v);
        tui_app_error(app, &err);
        return false;
    }
    app->depth++;
    return true;
}

/* Look for an unfinished checklist run for the banner of the first screen. A failure to look
 * only hides the banner: browsing does not need the state database. */
void app_refresh_banner(tui_app *app)
{
    app->banner_run = 0;
    app->banner[0] = '\0';
    bc_state *state = app->cfg->admin ? app->cfg->admin->state : NULL;
    int64_t id = 0;
    if (!state || !app->target || bc_target_checklist_active(app->target, &id, NULL) != BC_OK ||
        !id)
        return;
    bc_checklist_run run;
    if (bc_checklist_run_get(state, id, &run, NULL) != BC_OK)
        return;
    size_t i = 0;
    while (i < run.n && (run.steps[i].state == BC_SS_DONE || run.steps[i].state == BC_SS_SKIPPED))
        i++;
    char key[32] = "5";
    char *keys = tui_keymap_keys_of(&app->keymap, TUI_ACT_CHECKLIST_LIST);
    if (*keys)
        snprintf(key, sizeof key, "%.*s", (int)strcspn(keys, " "), keys);
    free(keys);
    /* The key first, so a narrow terminal cuts the target, not the way out. */
    snprintf(app->banner, sizeof app->banner,
             "\u25b2 %s opens the unfinished checklist run #%lld: %s at step %s (%s) on %s", key,
             (long long)id, run.checklist, i < run.n ? run.steps[i].step_id : "-",
             i < run.n ? bc_step_state_name(run.steps[i].state) : "-", run.target);
    app->banner_run = id;
    bc_checklist_run_release(&run);
}

void app_pop_view(tui_app *app)
{
    if (app->depth == 0)
        return;
    tui_view *v = &app->stack[--app->depth];
    if (v->ops->close)
        v->ops->close(v);
    *v = (tui_view){0};
    if (app->depth == 1)
        app_refresh_banner(app);
}

bool app_top_is(tui_app *app, const tui_view_ops *ops)
{
    return app->depth && app->stack[app->depth - 1].ops == ops;
}

tui_view *app_top_view(tui_app *app)
{
    return app->depth ? &app->stack[app->depth - 1] : NULL;
}

const char *const *tui_app_sort_keys(tui_app *app)
{
    tui_view *top = app_top_view(app);
    return top ? top->ops->sort_keys : NULL;
}

void tui_app_after_write(tui_app *app, bool user_gone)
{
    tui_view *top = app_top_view(app);
    if (user_gone && top && top->ops == &tui_user_view && app->depth > 1)
        app_pop_view(app);
    for (int i = 0; i < app->depth; i++)
        if (app->stack[i].ops->handle)
            app->stack[i].ops->handle(&app->stack[i], app, TUI_ACT_REFRESH, NULL);
}

void tui_app_prompt(tui_app *app, const tui_prompt_spec *spec, const char *text)
{
    tui_prompt_open(&app->prompt, spec, text);
    app->prompt_on = true;
}

void tui_app_menu(tui_app *app, const tui_menu *menu)
{
    app->menu = *menu;
    app->menu_on = true;
}

/* --- line editor ---------------------------------------------------------------------------- */

void app_prompt_key(tui_app *app, int key)
{
    tui_prompt_key(&app->prompt, app, key);
    /* on_done may have opened the next line */
    app->prompt_on = app->prompt.on;
}

/* --- events --------------------------------------------------------------------------------- */

/* --- dialogs -------------------------------------------------------------------------------- */

static void dialog_finish(tui_app *app, bool accepted)
{
    /* The callback may open the next dialog (replacing this one): it works on a copy. */
    tui_dialog d = app->dialog;
    unsigned gen = app->dialog_gen;
    bool close = !d.on_done || d.on_done(&d, app, accepted) || !accepted;
    bool replaced = app->dialog_gen != gen;
    if (!replaced && !close) {
        app->dialog = d;
        explicit_bzero(&d, sizeof d);
        return;
    }
    if (!replaced) {
        app->dialog_on = false;
        explicit_bzero(&app->dialog, sizeof app->dialog); /* typed passwords */
    }
    if (d.ctx && d.ctx_free && !(replaced && app->dialog.ctx == d.ctx))
        d.ctx_free(d.ctx);
    explicit_bzero(&d, sizeof d);
}

static void dialog_key(tui_app *app, int key)
{
    switch (tui_dialog_key(&app->dialog, key)) {
    case TUI_DLG_ACCEPT:
        dialog_finish(app, true);
        break;
    case TUI_DLG_CANCEL:
        dialog_finish(app, false);
        break;
    case TUI_DLG_KEEP:
        break;
    }
}

/* Whether key is a control key no text field or dialog uses (C-l...): Enter, Tab, Esc and
 * Backspace are theirs. */
static bool plain_control(int key)
{
    return key > 0 && key < 0x20 && key != TUI_KEY_ENTER && key != TUI_KEY_TAB &&
           key != TUI_KEY_ESC && key != TUI_KEY_CTRL('h');
}

static void on_key(tui_app *app, int key)
{
    app->last_click_us = 0; /* a double-click is two clicks with no key between them */
    tui_action global = tui_keymap_lookup(&app->keymap, key);
    /* A repaint works everywhere, over a dialog and in the line editor too: a screen another
     * program wrote over must never leave the operator typing into something they cannot see. */
    if (global == TUI_ACT_REDRAW && plain_control(key)) {
        tui_draw_invalidate();
        return;
    }
    /* Below the minimum size nothing but the notice is on the screen: a hidden dialog or line
     * must not take keys (they would be typed blind), and Q quits as the notice says. */
    if (app->too_small) {
        if (global == TUI_ACT_QUIT)
            app->quit = true;
        return;
    }
    if (app->dialog_on) {
        dialog_key(app, key);
        return;
    }
    if (app->prompt_on) {
        app_prompt_key(app, key);
        return;
    }
    app->msg[0] = '\0';
    if (app->menu_on) {
        app_menu_key(app, key);
        return;
    }
    tui_action a = tui_keymap_lookup(&app->keymap, key);
    if (a == TUI_ACT_NONE) {
        char name[32];
        tui_key_name(key, name, sizeof name);
        tui_app_message(app, "%s is not bound to anything (? lists the keys)", name);
        return;
    }
    app_run_action(app, a, NULL);
}

static void on_mouse(tui_app *app, const tui_input *in)
{
    if (app->prompt_on || app->dialog_on || app->too_small)
        return;
    app->msg[0] = '\0';
    if (in->mouse != TUI_MOUSE_CLICK) {
        tui_action a = in->mouse == TUI_MOUSE_WHEEL_UP ? TUI_ACT_MOVE_UP : TUI_ACT_MOVE_DOWN;
        if (app->menu_on) {
            app_menu_key(app, a == TUI_ACT_MOVE_UP ? TUI_KEY_UP : TUI_KEY_DOWN);
            return;
        }
        for (int i = 0; i < 3; i++)
            app_run_action(app, a, NULL);
        return;
    }
    if (app->menu_on) {
        tui_rect m = app->menu_rect;
        int item = in->y - m.y - 1;
        if (in->x > m.x && in->x < m.x + m.w - 1 && item >= 0 && item < app->menu.n) {
            app->menu.sel = item;
            app_menu_activate(app, +1);
        } else {
            app_menu_close(app);
        }
        return;
    }
    tui_view *top = app_top_view(app);
    if (!top || (!top->ops->click && !top->list) || in->y < top->rect.y ||
        in->y >= top->rect.y + top->rect.h)
        return;
    int64_t now = tui_trace_now_us();
    bool dbl = now - app->last_click_us < DOUBLE_CLICK_US && in->y == app->last_click_y;
    app->last_click_us = dbl ? 0 : now;
    app->last_click_y = in->y;
    bool on_row = tui_view_click(top, app, in->y, in->x);
    if (dbl && (on_row || !top->list)) /* a list opens the row double-clicked, not a header */
        app_run_action(app, TUI_ACT_OPEN, NULL);
}

/* Whether keys now go to a text field (the line editor or a dialog), for the trace. */
static bool in_text_field(const tui_app *app)
{
    return app->prompt_on || app->dialog_on;
}

static int idle_timeout(tui_app *app)
{
    tui_view *top = app_top_view(app);
    return top && top->ops->idle_in ? top->ops->idle_in(top, app) : -1;
}

static void event_label(const tui_input *in, bool in_text, char *out, size_t size)
{
    switch (in->kind) {
    case TUI_IN_KEY:
        tui_trace_key_label(in->key, in_text, out, size);
        return;
    case TUI_IN_MOUSE:
        snprintf(out, size, "mouse");
        return;
    case TUI_IN_RESIZE:
        snprintf(out, size, "resize");
        return;
    default:
        snprintf(out, size, "idle");
    }
}

static void load_keymap(tui_app *app)
{
    tui_keymap_defaults(&app->keymap);
    char *path =
        app->cfg->keymap_path ? bc_xstrdup(app->cfg->keymap_path) : tui_keymap_default_path();
    bc_error err = {0};
    bool loaded;
    if (tui_keymap_load(&app->keymap, path, &loaded, &err) != BC_OK)
        tui_app_error(app, &err);
    free(path);
}

int tui_app_run(const tui_app_config *cfg)
{
    /* Time to the first screen counts from opening the target, not only from here. */
    int64_t t_start = cfg->started_us ? cfg->started_us : tui_trace_now_us();
    tui_app *app = bc_xcalloc(1, sizeof *app);
    app->cfg = cfg;
    app->target = cfg->target;
    app->driver = cfg->target->d;
    app->label = cfg->label;
    app->demo = cfg->demo;
    app->total[0] = app->total[1] = -1;
    if (cfg->notice)
        tui_app_message(app, "%s", cfg->notice);
    load_keymap(app);
    const char *why;
    if (!tui_trace_open(&why) && why)
        tui_app_message(app, "%s", why);

    bc_error err = {0};
    int code = 0;
    if (tui_term_init(&err) != BC_OK) {
        fprintf(stderr, "bcadmin: %s\n", err.msg);
        code = bc_status_exit_code(err.status);
        goto out;
    }
    app_refresh_banner(app);
    if (!tui_app_push(app, &tui_users_view, NULL)) {
        tui_term_done();
        fprintf(stderr, "bcadmin: %s\n", app->msg);
        code = 1;
        goto out;
    }
    if (cfg->start_overview) /* over the users list: q goes back to it */
        tui_app_push(app, &tui_overview_view, NULL);
    app_draw_frame(app);
    tui_trace_startup(tui_trace_now_us() - t_start);
    while (!app->quit) {
        tui_input in = app->nqueued ? app_next_queued(app) : tui_input_read(idle_timeout(app));
        int64_t t0 = tui_trace_now_us();
        app->frame_t0 = t0;
        app->frame_first_us = 0;
        tui_action traced = TUI_ACT_NONE;
        bool in_text = in_text_field(app); /* where the key goes, before it moves the focus */
        switch (in.kind) {
        case TUI_IN_INTERRUPT:
            app->quit = true;
            continue;
        case TUI_IN_KEY:
            if (!app->prompt_on && !app->menu_on && !app->dialog_on)
                traced = tui_keymap_lookup(&app->keymap, in.key);
            on_key(app, in.key);
            break;
        case TUI_IN_MOUSE:
            on_mouse(app, &in);
            break;
        case TUI_IN_RESIZE:
            break;
        case TUI_IN_TIMEOUT: {
            tui_view *top = app_top_view(app);
            if (top && top->ops->idle)
                top->ops->idle(top, app);
            break;
        }
        }
        if (app->quit)
            break;
        int64_t t1 = tui_trace_now_us();
        app_draw_frame(app);
        char label[32];
        event_label(&in, in_text, label, sizeof label);
        tui_trace_frame(label, traced ? tui_action_get(traced)->name : "-", t1 - t0,
                        tui_trace_now_us() - t1, app->frame_first_us);
    }
    int sig = tui_term_stop_signal();
    if (app->dialog_on) {
        if (app->dialog.ctx && app->dialog.ctx_free)
            app->dialog.ctx_free(app->dialog.ctx);
        explicit_bzero(&app->dialog, sizeof app->dialog);
        app->dialog_on = false;
    }
    while (app->depth)
        app_pop_view(app);
    tui_term_done();
    if (sig)
        code = 128 + sig;
out:
    while (app->depth)
        app_pop_view(app);
    bc_target_choices_free(app->choices, app->n_choices);
    tui_keymap_release(&app->keymap);
    tui_prompt_release(&app->prompt);
    for (size_t i = 0; i < app->nlog; i++)
        free(app->log[i].text);
    free(app->log);
    tui_trace_close();
    free(app);
    return code;
}
