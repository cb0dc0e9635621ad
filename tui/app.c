/* app.c - the main loop: input -> action -> view -> frame, with the bars, the line editor and
 * menus. Curses-free (draw.h and input.h are the terminal). */
#include "app.h"

#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistr.h>

#include "admin_ui.h"
#include "checklist.h"
#include "draw.h"
#include "input.h"
#include "isotime.h"
#include "line.h"
#include "prompt.h"
#include "table.h"
#include "text.h"
#include "trace.h"
#include "xalloc.h"

#define MIN_ROWS 10
#define MIN_COLS 60
#define STACK_MAX 8
#define DOUBLE_CLICK_US 400000
/* A call that answers within this long never shows the busy line; a slower one shows it within
 * a frame of the key that started it. */
#define CALL_QUICK_MS 10
/* How often the busy loop looks at the call and the keyboard. */
#define CALL_TICK_MS 20
#define QUEUE_MAX 64

struct tui_app {
    const tui_app_config *cfg;
    bc_target *target; /* the console's target (cfg->target, then the switched-to one) */
    bc_driver *driver; /* target->d */
    const char *label; /* cfg->label, then the switched-to target's */
    bool demo;
    bc_target_choice *choices; /* the deployment switcher's, while its menu is open */
    size_t n_choices;
    tui_keymap keymap;
    tui_view stack[STACK_MAX];
    int depth;
    char msg[1200];
    bool msg_error;
    tui_logged *log; /* every message of the session */
    size_t nlog;
    bool quit;
    int64_t total[2];
    bool total_at_least[2];
    /* the bottom line's editor (prompt_on mirrors prompt.on) */
    bool prompt_on;
    tui_prompt prompt;
    /* menu */
    bool menu_on;
    tui_menu menu;
    tui_rect menu_rect;
    /* dialog */
    bool dialog_on;
    tui_dialog dialog;
    unsigned dialog_gen;
    bool mouse_off; /* released to the terminal while a dialog shows text to copy */
    /* the resume banner: an unfinished checklist run (0: none) */
    int64_t banner_run;
    char banner[600];
    /* double click */
    int64_t last_click_us;
    int last_click_y;
    /* the call on the worker thread (tui_app_call), and keys that wait for it */
    bool busy, busy_cancellable, busy_stopping, busy_refused;
    const char *busy_doing;
    const atomic_size_t *busy_found; /* tui_app_call_progress: shown while the call runs */
    int64_t busy_since_us;
    int queued[QUEUE_MAX];
    size_t nqueued;
    /* the frame being handled: when it started, and when the screen first changed (trace) */
    int64_t frame_t0, frame_first_us;
};

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
    }
    app->log = bc_xrealloc(app->log, (app->nlog + 1) * sizeof *app->log);
    app->log[app->nlog++] =
        (tui_logged){.at_ms = bc_now_ms(), .error = app->msg_error, .text = bc_xstrdup(app->msg)};
}

const tui_logged *tui_app_log(const tui_app *app, size_t *n)
{
    *n = app->nlog;
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
static void refresh_banner(tui_app *app)
{
    app->banner_run = 0;
    app->banner[0] = '\0';
    sqlite3 *db = app->cfg->admin ? app->cfg->admin->state : NULL;
    int64_t id = 0;
    if (!db || bc_checklist_find_active(db, NULL, NULL, &id, NULL) != BC_OK || !id)
        return;
    bc_checklist_run run;
    if (bc_checklist_run_get(db, id, &run, NULL) != BC_OK)
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

static void pop_view(tui_app *app)
{
    if (app->depth == 0)
        return;
    tui_view *v = &app->stack[--app->depth];
    if (v->ops->close)
        v->ops->close(v);
    *v = (tui_view){0};
    if (app->depth == 1)
        refresh_banner(app);
}

static bool top_is(tui_app *app, const tui_view_ops *ops)
{
    return app->depth && app->stack[app->depth - 1].ops == ops;
}

static tui_view *top_view(tui_app *app)
{
    return app->depth ? &app->stack[app->depth - 1] : NULL;
}

void tui_app_after_write(tui_app *app, bool user_gone)
{
    tui_view *top = top_view(app);
    if (user_gone && top && top->ops == &tui_user_view && app->depth > 1)
        pop_view(app);
    for (int i = 0; i < app->depth; i++)
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

/* --- actions -------------------------------------------------------------------------------- */

static void run_action(tui_app *app, tui_action a, const char *arg);

static void user_prompt_done(void *ctx, tui_app *app, const char *text, bool accepted)
{
    (void)ctx;
    if (accepted && *text)
        run_action(app, TUI_ACT_SHOW_USER, text);
}

static void command_done(void *ctx, tui_app *app, const char *text, bool accepted);

static void act_as_done(void *ctx, tui_app *app, const char *text, bool accepted)
{
    (void)ctx;
    if (accepted && *text)
        tui_admin_act_as(app, text);
}

static void add_indexes(tui_app *app)
{
    if (!app->target->path) {
        tui_app_message(app, "db-index applies to SQLite files only");
        return;
    }
    bc_error err = {0};
    if (bc_driver_writable(app->driver, "db-index", &err) != BC_OK) {
        tui_app_error(app, &err);
        return;
    }
    if (bc_target_add_indexes(app->target, &err) != BC_OK)
        tui_app_error(app, &err);
    else
        tui_app_message(app, "browsing and search indexes are in place");
}

/* Actions that mean the same on every screen; false when the view should have it. */
static bool run_global(tui_app *app, tui_action a, const char *arg)
{
    tui_view *top = top_view(app);
    switch (a) {
    case TUI_ACT_QUIT:
        app->quit = true;
        return true;
    case TUI_ACT_HELP:
        if (top && top->ops == &tui_help_view)
            pop_view(app);
        else
            tui_app_push(app, &tui_help_view, NULL);
        return true;
    case TUI_ACT_COMMAND: {
        tui_prompt_spec spec = {.prefix = ":",
                                .on_done = command_done,
                                .complete_actions = true,
                                .history = TUI_HISTORY_COMMAND};
        tui_app_prompt(app, &spec, arg);
        return true;
    }
    case TUI_ACT_REDRAW:
        tui_draw_invalidate();
        return true;
    case TUI_ACT_MESSAGES:
        if (top && top->ops == &tui_messages_view)
            pop_view(app);
        else
            tui_app_push(app, &tui_messages_view, NULL);
        return true;
    case TUI_ACT_SUSPEND:
        tui_term_suspend();
        tui_draw_invalidate();
        return true;
    case TUI_ACT_VIEW_USERS:
        while (app->depth > 1)
            pop_view(app);
        return true;
    case TUI_ACT_VIEW_OVERVIEW:
        if (top_is(app, &tui_overview_view))
            return false; /* the view counts again */
        while (app->depth > 1)
            pop_view(app);
        tui_app_push(app, &tui_overview_view, NULL);
        return true;
    case TUI_ACT_VIEW_SESSIONS:
        if (top && top->ops == &tui_sessions_view)
            return true;
        while (app->depth > 1)
            pop_view(app);
        tui_app_push(app, &tui_sessions_view, NULL);
        return true;
    case TUI_ACT_SHOW_USER:
        if (arg && *arg) {
            tui_app_push(app, &tui_user_view, arg);
        } else {
            tui_prompt_spec spec = {.prefix = "user (id or email): ", .on_done = user_prompt_done};
            tui_app_prompt(app, &spec, "");
        }
        return true;
    case TUI_ACT_VIEW_AUDIT:
        if (top && top->ops == &tui_audit_view)
            return true;
        while (app->depth > 1)
            pop_view(app);
        tui_app_push(app, &tui_audit_view, NULL);
        return true;
    case TUI_ACT_JWKS_DOCTOR:
        if (top_is(app, &tui_jwks_view))
            return false; /* the view runs the doctor again */
        while (app->depth > 1)
            pop_view(app);
        tui_app_push(app, &tui_jwks_view, NULL);
        return true;
    case TUI_ACT_ENV_DIFF:
    case TUI_ACT_ENV_SYNC:
        if (top_is(app, &tui_env_view))
            return false; /* the view lists again, or applies */
        while (app->depth > 1)
            pop_view(app);
        if (tui_app_push(app, &tui_env_view, arg) && a == TUI_ACT_ENV_SYNC)
            tui_app_message(app, "the Env screen: check the included rows, then apply");
        return true;
    case TUI_ACT_CHECKLIST_LIST:
        if (top_is(app, &tui_checklists_view) || top_is(app, &tui_run_view))
            return true;
        while (app->depth > 1)
            pop_view(app);
        refresh_banner(app);
        if (tui_app_push(app, &tui_checklists_view, NULL) && app->banner_run) {
            char id[24];
            snprintf(id, sizeof id, "%lld", (long long)app->banner_run);
            tui_app_push(app, &tui_run_view, id);
        }
        return true;
    case TUI_ACT_CHECKLIST_STATUS:
        if (arg && *arg)
            tui_app_push(app, &tui_run_view, arg);
        else
            tui_app_message(app, "checklist: which run? (:checklist RUN)");
        return true;
    case TUI_ACT_JWKS_BOOTSTRAP:
    case TUI_ACT_JWKS_ROTATE:
        /* The checklist and JWKS screens start these; elsewhere open the screen that does. */
        if (top_is(app, &tui_checklists_view) || top_is(app, &tui_jwks_view))
            return false;
        while (app->depth > 1)
            pop_view(app);
        if (a == TUI_ACT_JWKS_ROTATE && strcmp(app->driver->ops->kind, "sqlite") == 0) {
            if (tui_app_push(app, &tui_jwks_view, NULL))
                run_action(app, a, arg);
        } else if (tui_app_push(app, &tui_checklists_view, NULL)) {
            run_action(app, a, arg);
        }
        return true;
    case TUI_ACT_ACT_AS:
        if (arg && *arg) {
            tui_admin_act_as(app, arg);
        } else {
            tui_prompt_spec spec = {.prefix = "act as (admin email or id): ",
                                    .on_done = act_as_done};
            tui_app_prompt(app, &spec, "");
        }
        return true;
    case TUI_ACT_CREATE_USER:
        tui_admin_start(app, a, NULL);
        return true;
    case TUI_ACT_DB_INDEX:
        add_indexes(app);
        return true;
    case TUI_ACT_DB_CHECK:
        tui_app_message(app,
                        "%s opened as a Better Auth database (`bcadmin db check` also opens "
                        "the state database)",
                        app->label);
        return true;
    case TUI_ACT_DEMO:
        tui_app_message(app, "run `bcadmin demo` in a shell to make a demo database");
        return true;
    case TUI_ACT_VERSION:
        tui_app_message(app, "bcadmin %s", BCADMIN_VERSION);
        return true;
    case TUI_ACT_COMPLETION:
        tui_app_message(app, "run `bcadmin completion bash` (or zsh, fish) in a shell");
        return true;
    case TUI_ACT_DEPLOYMENTS:
        tui_app_deployments(app);
        return true;
    default:
        return false;
    }
}

static void run_action(tui_app *app, tui_action a, const char *arg)
{
    if (a == TUI_ACT_NONE)
        return;
    if (tui_action_writes(a) && app->driver->read_only) {
        bc_error err = {0};
        bc_read_only_refuse(app->label, tui_action_get(a)->name, &err);
        tui_app_error(app, &err);
        return;
    }
    if (run_global(app, a, arg))
        return;
    tui_view *top = top_view(app);
    if (top && top->ops->handle(top, app, a, arg))
        return;
    if (a == TUI_ACT_BACK || a == TUI_ACT_CLOSE) {
        /* Only q leaves the program: a stray Esc (or an escape sequence the terminal description
         * does not know) must not quit. */
        if (app->depth > 1)
            pop_view(app);
        else if (a == TUI_ACT_CLOSE)
            app->quit = true;
        else
            tui_app_message(app, "this is the first screen: q quits");
        return;
    }
    tui_app_message(app, "%s: nothing to do on the %s screen", tui_action_get(a)->name,
                    top ? top->ops->name : "current");
}

void tui_app_run_action(tui_app *app, tui_action a, const char *arg)
{
    run_action(app, a, arg);
}

static void command_done(void *ctx, tui_app *app, const char *text, bool accepted)
{
    (void)ctx;
    if (!accepted)
        return;
    while (*text == ' ')
        text++;
    if (!*text)
        return;
    char name[64];
    size_t len = strcspn(text, " ");
    snprintf(name, sizeof name, "%.*s", (int)(len < sizeof name ? len : sizeof name - 1), text);
    const char *arg = text + len;
    while (*arg == ' ')
        arg++;
    /* `:q` quits, as in vi, less and k9s */
    bool q = strcmp(name, "q") == 0 || strcmp(name, "q!") == 0;
    tui_action a = q ? TUI_ACT_QUIT : tui_action_by_name(name);
    if (a == TUI_ACT_NONE && *arg) { /* a verb as the CLI spells it: "users show alice@x" */
        char verb[128];
        size_t vlen = len + 1 + strcspn(arg, " ");
        snprintf(verb, sizeof verb, "%.*s", (int)(vlen < sizeof verb ? vlen : sizeof verb - 1),
                 text);
        a = tui_action_by_verb(verb);
        if (a != TUI_ACT_NONE) {
            arg = text + vlen;
            while (*arg == ' ')
                arg++;
        }
    }
    if (a == TUI_ACT_NONE) {
        char *shown = bc_text_escape(name, strlen(name));
        bc_error err = {0};
        bc_fail(&err, BC_USAGE, "unknown action \"%s\" (Tab completes; ? lists every action)",
                shown);
        free(shown);
        tui_app_error(app, &err);
        return;
    }
    run_action(app, a, *arg ? arg : NULL);
}

/* --- line editor ---------------------------------------------------------------------------- */

static void prompt_key(tui_app *app, int key)
{
    tui_prompt_key(&app->prompt, app, key);
    /* on_done may have opened the next line */
    app->prompt_on = app->prompt.on;
}

/* --- menus ---------------------------------------------------------------------------------- */

static void menu_close(tui_app *app)
{
    app->menu_on = false;
    if (app->menu.on_close)
        app->menu.on_close(&app->menu, app);
}

static void menu_activate(tui_app *app, int dir)
{
    if (app->menu.activate && app->menu.activate(&app->menu, app, dir))
        menu_close(app);
}

static void menu_key(tui_app *app, int key)
{
    if (key == TUI_KEY_LEFT || key == 'h') {
        menu_activate(app, -1);
        return;
    }
    if (key == ' ') {
        menu_activate(app, +1);
        return;
    }
    tui_menu *m = &app->menu;
    switch (tui_keymap_lookup(&app->keymap, key)) {
    case TUI_ACT_MOVE_DOWN:
        m->sel = (m->sel + 1) % m->n;
        break;
    case TUI_ACT_MOVE_UP:
        m->sel = (m->sel + m->n - 1) % m->n;
        break;
    case TUI_ACT_FIRST:
        m->sel = 0;
        break;
    case TUI_ACT_LAST:
        m->sel = m->n - 1;
        break;
    case TUI_ACT_OPEN:
        menu_activate(app, +1);
        break;
    case TUI_ACT_QUIT:
        app->quit = true;
        break;
    case TUI_ACT_BACK:
    case TUI_ACT_CLOSE:
    case TUI_ACT_FILTER:
    case TUI_ACT_SORT:
        menu_close(app);
        break;
    default:
        break;
    }
}

static void draw_menu(tui_app *app, tui_rect r)
{
    tui_menu *m = &app->menu;
    int w = (int)bc_text_width(m->title) + 6;
    for (int i = 0; i < m->n; i++) {
        int iw = (int)bc_text_width(m->items[i]) + 6;
        if (iw > w)
            w = iw;
    }
    if (w > r.w)
        w = r.w;
    int h = m->n + 2 < r.h ? m->n + 2 : r.h;
    int y = r.y + (r.h - h) / 3, x = r.x + (r.w - w) / 2;
    app->menu_rect = (tui_rect){y, x, h, w};
    tui_draw_box(y, x, h, w, TUI_S_NORMAL);
    tui_draw_text(y, x + 2, w - 4, m->title, TUI_S_TITLE, false);
    for (int i = 0; i < m->n && i < h - 2; i++) {
        bool sel = i == m->sel;
        tui_draw_text(y + 1 + i, x + 1, 2, sel ? "\u25b8" : "", sel ? TUI_S_SELECTED : 0, true);
        tui_draw_text(y + 1 + i, x + 3, w - 4, m->items[i], sel ? TUI_S_SELECTED : 0, true);
    }
}

/* --- the deployment switcher --------------------------------------------------------------- */

/* Opening a target, as tui_app_call runs it on the worker thread. */
typedef struct {
    const tui_app_config *cfg;
    const bc_target_choice *choice;
    bc_target next;
} open_call;

static bc_status run_open_call(void *ctx, bc_error *err)
{
    open_call *o = ctx;
    return o->cfg->open_target(o->cfg->switch_ctx, o->choice, &o->next, err);
}

void tui_app_switch(tui_app *app, const bc_target_choice *choice)
{
    if (!app->cfg->open_target)
        return;
    /* The screens stay on the old target until the new one answers (or fails to). */
    open_call o = {.cfg = app->cfg, .choice = choice};
    bc_error err = {0};
    if (tui_app_call(app, "opening the target", false, run_open_call, &o, &err) != BC_OK) {
        bc_target_close(&o.next);
        tui_app_error(app, &err);
        return;
    }
    /* Every screen holds rows of the old target: close them all before it goes. */
    while (app->depth)
        pop_view(app);
    bc_target *target = NULL;
    const char *label = NULL;
    bool demo = false;
    app->cfg->use_target(app->cfg->switch_ctx, choice, &o.next, &target, &label, &demo);
    app->target = target;
    app->driver = target->d;
    app->label = label;
    app->demo = demo;
    app->total[0] = app->total[1] = -1;
    if (!tui_app_push(app, &tui_users_view, NULL)) {
        char why[sizeof app->msg];
        snprintf(why, sizeof why, "%s", app->msg);
        tui_app_message(app, "%s (press d to switch to another target)", why);
        app->msg_error = true;
        return;
    }
    tui_app_message(app, "switched to %s %s", app->driver->ops->kind, label);
}

static bool deployments_activate(tui_menu *m, tui_app *app, int dir)
{
    if (dir < 0 || m->sel < 0 || (size_t)m->sel >= app->n_choices)
        return dir >= 0;
    const bc_target_choice *c = &app->choices[m->sel];
    if (c->problem) {
        bc_error err = {0};
        bc_fail(&err, BC_REFUSED, "%s: %s", c->name, c->problem);
        tui_app_error(app, &err);
        return true;
    }
    tui_app_switch(app, c);
    return true;
}

static void deployments_close(tui_menu *m, tui_app *app)
{
    (void)m;
    bc_target_choices_free(app->choices, app->n_choices);
    app->choices = NULL;
    app->n_choices = 0;
}

void tui_app_deployments(tui_app *app)
{
    if (!app->cfg->target_opts || !app->cfg->open_target) {
        tui_app_message(app, "no deployment switcher here");
        return;
    }
    bc_target_choices_free(app->choices, app->n_choices);
    app->n_choices = bc_target_choices(app->cfg->target_opts, &app->choices);
    if (!app->n_choices) {
        tui_app_message(app, "nothing to switch to: give --db, set BCADMIN_DB, or select a Convex "
                             "deployment (CONVEX_DEPLOY_KEY, CONVEX_SELF_HOSTED_*)");
        return;
    }
    tui_menu m = {.activate = deployments_activate, .on_close = deployments_close};
    snprintf(m.title, sizeof m.title, "Switch to (Enter)");
    for (size_t i = 0; i < app->n_choices && i < TUI_MENU_MAX; i++) {
        const bc_target_choice *c = &app->choices[i];
        /* the Convex label carries PROD and the key's fingerprint, never the key */
        bool current = c->kind == BC_CHOICE_SQLITE
                           ? strcmp(app->driver->ops->kind, "sqlite") == 0 &&
                                 strcmp(c->name, app->driver->label) == 0
                           : strcmp(app->driver->ops->kind, "convex") == 0 &&
                                 strcmp(c->name, app->driver->label) == 0;
        snprintf(m.items[m.n++], sizeof m.items[0], "%s %-6s %s%s%s", current ? "*" : " ",
                 c->kind == BC_CHOICE_CONVEX ? "convex" : "sqlite", c->name, c->problem ? ": " : "",
                 c->problem ? c->problem : "");
        if (current)
            m.sel = (int)i;
    }
    tui_app_menu(app, &m);
}

/* --- frame ---------------------------------------------------------------------------------- */

static void format_total(char *out, size_t size, int64_t n, bool at_least, const char *what)
{
    char count[48];
    tui_format_count(count, sizeof count, n);
    snprintf(out, size, "%s%s %s", count, at_least ? "+" : "", what);
}

static void draw_top_bar(tui_app *app, int cols)
{
    tui_draw_fill(0, 0, cols, TUI_S_BAR);
    int x = 0;
    x += tui_draw_text(0, x, cols - x, " bcadmin ", TUI_S_BAR | TUI_A_BOLD, false);
    char part[512];
    /* the line the target shows (schema or functions), never assumed */
    snprintf(part, sizeof part, " %s \u2502 %s \u2502 %s ", app->driver->ops->kind, app->label,
             bc_line_of_driver(app->driver, true));
    x += tui_draw_text(0, x, cols - x, part, TUI_S_BAR, false);
    if (app->demo)
        x += 1 + tui_draw_text(0, x + 1, cols - x - 1, "[DEMO: no --db given]",
                               TUI_S_BAR | TUI_C_YELLOW, false);
    if (app->driver->production)
        x += 1 + tui_draw_text(0, x + 1, cols - x - 1, "[PROD]", TUI_S_BAR | TUI_A_BOLD | TUI_C_RED,
                               false);
    if (app->driver->read_only)
        x +=
            1 + tui_draw_text(0, x + 1, cols - x - 1, "[READ-ONLY]", TUI_S_BAR | TUI_A_BOLD, false);
    const bc_admin *admin = app->cfg->admin;
    if (admin && bc_admin_has_actor(admin)) {
        char as[300];
        snprintf(as, sizeof as, "as %s", bc_record_text(&admin->actor, "email"));
        x += 1 + tui_draw_text(0, x + 1, cols - x - 1, as, TUI_S_BAR, false);
    }
    char right[160] = "", buf[64];
    if (app->total[0] >= 0) {
        format_total(buf, sizeof buf, app->total[0], app->total_at_least[0], "users");
        snprintf(right, sizeof right, "%s", buf);
    }
    if (app->total[1] >= 0) {
        format_total(buf, sizeof buf, app->total[1], app->total_at_least[1], "sessions");
        size_t l = strlen(right);
        snprintf(right + l, sizeof right - l, "%s%s", l ? " \u00b7 " : "", buf);
    }
    size_t l = strlen(right);
    tui_view *top = top_view(app);
    snprintf(right + l, sizeof right - l, " \u2502 %s ", top ? top->ops->name : "");
    int rw = (int)bc_text_width(right);
    if (x + 1 + rw <= cols)
        tui_draw_text_right(0, x, cols - x, right, TUI_S_BAR);
}

static void draw_hints(tui_app *app, int y, int cols)
{
    tui_view *top = top_view(app);
    bc_buf line = {0};
    bc_buf_append(&line, "", 0);
    static const tui_action common[] = {TUI_ACT_HELP, TUI_ACT_COMMAND, TUI_ACT_CLOSE, TUI_ACT_NONE};
    const tui_action *lists[2] = {top ? top->ops->hints : NULL, common};
    for (int l = 0; l < 2; l++) {
        for (const tui_action *a = lists[l]; a && *a != TUI_ACT_NONE; a++) {
            if (app->driver->read_only && tui_action_writes(*a))
                continue;
            char *keys = tui_keymap_keys_of(&app->keymap, *a);
            if (*keys) {
                keys[strcspn(keys, " ")] = '\0';
                const char *name =
                    *a == TUI_ACT_CLOSE && app->depth <= 1 ? "quit" : tui_action_get(*a)->name;
                bc_buf_printf(&line, "%s%s %s", line.len ? "  " : "", keys, name);
            }
            free(keys);
        }
    }
    tui_draw_text(y, 0, cols, line.data, TUI_S_DIM, true);
    bc_buf_release(&line);
}

/* "⠹ searching… 2.4 s  Esc stops" while a call runs. */
static void busy_text(const tui_app *app, char *out, size_t size)
{
    static const char *const spin[] = {"\u280b", "\u2819", "\u2839", "\u2838", "\u283c",
                                       "\u2834", "\u2826", "\u2827", "\u2807", "\u280f"};
    int64_t ms = (tui_trace_now_us() - app->busy_since_us) / 1000;
    int len = snprintf(out, size, "%s %s\u2026", spin[(ms / 100) % 10],
                       app->busy_stopping ? "stopping" : app->busy_doing);
    if (app->busy_found && len > 0 && (size_t)len < size) {
        char n[32];
        tui_format_count(n, sizeof n, (int64_t)atomic_load(app->busy_found));
        len += snprintf(out + len, size - (size_t)len, " %s found so far", n);
    }
    if (ms >= 1000 && len > 0 && (size_t)len < size)
        len += snprintf(out + len, size - (size_t)len, " %.1f s", (double)ms / 1000);
    if (app->busy_cancellable && !app->busy_stopping && len > 0 && (size_t)len < size)
        snprintf(out + len, size - (size_t)len, "  Esc stops");
    if (app->busy_refused && len > 0 && (size_t)len < size)
        snprintf(out + len, size - (size_t)len, "  (a change is not stopped half way)");
}

static void draw_bottom(tui_app *app, int y, int cols)
{
    char busy[128] = "";
    if (app->busy)
        busy_text(app, busy, sizeof busy);
    if (app->prompt_on) {
        tui_prompt_draw(&app->prompt, y, cols, busy[0] ? busy : NULL);
        return;
    }
    tui_draw_cursor(-1, 0);
    if (busy[0])
        tui_draw_text(y, 0, cols, busy, TUI_A_BOLD, true);
    else if (app->msg[0])
        tui_draw_text(y, 0, cols, app->msg, app->msg_error ? TUI_S_DANGER : TUI_A_BOLD, true);
    else
        draw_hints(app, y, cols);
}

static void draw_too_small(int rows, int cols)
{
    char line[96];
    snprintf(line, sizeof line, "Terminal too small: %dx%d", cols, rows);
    const char *lines[] = {line, "bcadmin needs at least 60x10", "Enlarge it, or press Q to quit"};
    for (int i = 0; i < 3 && i < rows; i++) {
        int w = (int)bc_text_width(lines[i]);
        int x = w < cols ? (cols - w) / 2 : 0;
        tui_draw_text(rows / 2 - 1 + i >= 0 ? rows / 2 - 1 + i : i, x, cols - x, lines[i],
                      TUI_A_BOLD, false);
    }
}

static void draw_frame(tui_app *app)
{
    int rows, cols;
    tui_term_size(&rows, &cols);
    tui_draw_clear();
    if (rows < MIN_ROWS || cols < MIN_COLS) {
        tui_draw_cursor(-1, 0);
        draw_too_small(rows, cols);
        tui_draw_flush();
        return;
    }
    draw_top_bar(app, cols);
    tui_view *top = top_view(app);
    tui_rect r = {1, 0, rows - 2, cols};
    if (app->banner_run && app->depth == 1) {
        tui_draw_text(1, 0, cols, app->banner, TUI_A_REVERSE | TUI_A_BOLD | TUI_C_YELLOW, true);
        r = (tui_rect){2, 0, rows - 3, cols};
    }
    if (top) {
        top->rect = r;
        top->ops->draw(top, app, r);
    }
    if (app->menu_on)
        draw_menu(app, r);
    draw_bottom(app, rows - 1, cols);
    if (app->dialog_on)
        tui_dialog_draw(&app->dialog, r.y, r.x, r.h, r.w);
    /* Text to copy: let the terminal have the mouse so a drag selects it. */
    bool copy = app->dialog_on && app->dialog.kind == TUI_DLG_INFO;
    if (copy != app->mouse_off) {
        tui_term_mouse(!copy);
        app->mouse_off = copy;
    }
    tui_draw_flush();
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

static void on_key(tui_app *app, int key)
{
    if (app->dialog_on) {
        dialog_key(app, key);
        return;
    }
    if (app->prompt_on) {
        prompt_key(app, key);
        return;
    }
    app->msg[0] = '\0';
    if (app->menu_on) {
        menu_key(app, key);
        return;
    }
    tui_action a = tui_keymap_lookup(&app->keymap, key);
    if (a == TUI_ACT_NONE) {
        char name[32];
        tui_key_name(key, name, sizeof name);
        tui_app_message(app, "%s is not bound to anything (? lists the keys)", name);
        return;
    }
    run_action(app, a, NULL);
}

static void on_mouse(tui_app *app, const tui_input *in)
{
    if (app->prompt_on || app->dialog_on)
        return;
    app->msg[0] = '\0';
    if (in->mouse != TUI_MOUSE_CLICK) {
        tui_action a = in->mouse == TUI_MOUSE_WHEEL_UP ? TUI_ACT_MOVE_UP : TUI_ACT_MOVE_DOWN;
        if (app->menu_on) {
            menu_key(app, a == TUI_ACT_MOVE_UP ? TUI_KEY_UP : TUI_KEY_DOWN);
            return;
        }
        for (int i = 0; i < 3; i++)
            run_action(app, a, NULL);
        return;
    }
    if (app->menu_on) {
        tui_rect m = app->menu_rect;
        int item = in->y - m.y - 1;
        if (in->x > m.x && in->x < m.x + m.w - 1 && item >= 0 && item < app->menu.n) {
            app->menu.sel = item;
            menu_activate(app, +1);
        } else {
            menu_close(app);
        }
        return;
    }
    tui_view *top = top_view(app);
    if (!top || !top->ops->click || in->y < top->rect.y || in->y >= top->rect.y + top->rect.h)
        return;
    int64_t now = tui_trace_now_us();
    bool dbl = now - app->last_click_us < DOUBLE_CLICK_US && in->y == app->last_click_y;
    app->last_click_us = dbl ? 0 : now;
    app->last_click_y = in->y;
    top->ops->click(top, app, in->y, in->x);
    if (dbl)
        run_action(app, TUI_ACT_OPEN, NULL);
}

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

void tui_app_call_progress(tui_app *app, const atomic_size_t *found)
{
    app->busy_found = found;
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

/* Whether keys now go to a text field (the line editor or a dialog), for the trace. */
static bool in_text_field(const tui_app *app)
{
    return app->prompt_on || app->dialog_on;
}

/* A key while a call runs: the line editor edits at once; what would finish it, and every other
 * key, waits for the call (they may start calls of their own). Esc stops the call instead (a
 * write says it cannot be stopped). */
static void busy_key(tui_app *app, int key)
{
    bool stop = key == TUI_KEY_ESC || key == TUI_KEY_CTRL('c') || key == TUI_KEY_CTRL('g');
    if (app->prompt_on && !app->dialog_on && !app->nqueued) {
        if (!tui_prompt_key_waits(&app->prompt, key)) {
            prompt_key(app, key);
            return;
        }
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
    if (app->busy)
        return bc_fail(err, BC_ERR, "%s: %s is still running", doing, app->busy_doing);
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
        app->busy_doing = doing;
        app->busy_since_us = tui_trace_now_us() - CALL_QUICK_MS * 1000;
        draw_frame(app);
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
            draw_frame(app); /* the spinner turns */
            if (in.kind == TUI_IN_KEY) {
                char label[32];
                /* Typed ahead of a call: it may land in a field the call's answer opens. */
                tui_trace_key_label(in.key, true, label, sizeof label);
                tui_trace_frame(label, "(busy)", t1 - t0, tui_trace_now_us() - t1, 0);
            }
        }
        app->busy = false;
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
static tui_input next_queued(tui_app *app)
{
    tui_input in = {.kind = TUI_IN_KEY, .key = app->queued[0]};
    memmove(app->queued, app->queued + 1, --app->nqueued * sizeof app->queued[0]);
    return in;
}

static int idle_timeout(tui_app *app)
{
    tui_view *top = top_view(app);
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
    refresh_banner(app);
    if (!tui_app_push(app, &tui_users_view, NULL)) {
        tui_term_done();
        fprintf(stderr, "bcadmin: %s\n", app->msg);
        code = 1;
        goto out;
    }
    if (cfg->start_overview) /* over the users list: q goes back to it */
        tui_app_push(app, &tui_overview_view, NULL);
    draw_frame(app);
    tui_trace_startup(tui_trace_now_us() - t_start);
    while (!app->quit) {
        tui_input in = app->nqueued ? next_queued(app) : tui_input_read(idle_timeout(app));
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
            tui_view *top = top_view(app);
            if (top && top->ops->idle)
                top->ops->idle(top, app);
            break;
        }
        }
        if (app->quit)
            break;
        int64_t t1 = tui_trace_now_us();
        draw_frame(app);
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
        pop_view(app);
    tui_term_done();
    if (sig)
        code = 128 + sig;
out:
    while (app->depth)
        pop_view(app);
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
