/* app_actions.c - the console's actions: the ones that mean the same on every screen, routing the
 * rest to the view on top, and the `:` command line. */
#include "app_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "admin_ui.h"
#include "draw.h"
#include "text.h"
#include "timefmt.h"
#include "view.h"
#include "xalloc.h"

/* --- actions -------------------------------------------------------------------------------- */

static void user_prompt_done(void *ctx, tui_app *app, const char *text, bool accepted)
{
    (void)ctx;
    if (accepted && *text)
        app_run_action(app, TUI_ACT_SHOW_USER, text);
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
    tui_view *top = app_top_view(app);
    switch (a) {
    case TUI_ACT_QUIT:
        app->quit = true;
        return true;
    case TUI_ACT_HELP:
        if (top && top->ops == &tui_help_view)
            app_pop_view(app);
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
    case TUI_ACT_RECORD:
        if (top && top->ops == &tui_record_view) {
            app_pop_view(app);
            return true;
        }
        if (tui_view_show_record(top, app))
            return true;
        tui_app_message(app, "record: the %s screen has no rows to show whole",
                        top ? top->ops->name : "current");
        return true;
    case TUI_ACT_TIMES: {
        tui_time_mode m = (tui_time_mode)((tui_time_get_mode() + 1) % TUI_TIME_MODES);
        tui_time_set_mode(m);
        if (m == TUI_TIME_RELATIVE)
            tui_app_message(app, "times: relative (\"3 min ago\"); T again: local");
        else if (m == TUI_TIME_UTC)
            tui_app_message(app, "times: UTC");
        else
            tui_app_message(app, "times: local (%s)", tui_time_zone());
        return true;
    }
    case TUI_ACT_MESSAGES:
        if (top && top->ops == &tui_messages_view)
            app_pop_view(app);
        else
            tui_app_push(app, &tui_messages_view, NULL);
        return true;
    case TUI_ACT_SUSPEND:
        tui_term_suspend();
        tui_draw_invalidate();
        return true;
    case TUI_ACT_VIEW_USERS:
        while (app->depth > 1)
            app_pop_view(app);
        return true;
    case TUI_ACT_VIEW_OVERVIEW:
        if (app_top_is(app, &tui_overview_view))
            return false; /* the view counts again */
        while (app->depth > 1)
            app_pop_view(app);
        tui_app_push(app, &tui_overview_view, NULL);
        return true;
    case TUI_ACT_VIEW_SESSIONS:
        if (top && top->ops == &tui_sessions_view)
            return true;
        while (app->depth > 1)
            app_pop_view(app);
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
            app_pop_view(app);
        tui_app_push(app, &tui_audit_view, NULL);
        return true;
    case TUI_ACT_JWKS_DOCTOR:
        if (app_top_is(app, &tui_jwks_view))
            return false; /* the view runs the doctor again */
        while (app->depth > 1)
            app_pop_view(app);
        tui_app_push(app, &tui_jwks_view, NULL);
        return true;
    case TUI_ACT_ENV_DIFF:
    case TUI_ACT_ENV_SYNC:
        if (app_top_is(app, &tui_env_view))
            return false; /* the view lists again, or applies */
        while (app->depth > 1)
            app_pop_view(app);
        if (tui_app_push(app, &tui_env_view, arg) && a == TUI_ACT_ENV_SYNC)
            tui_app_message(app, "the Env screen: check the included rows, then apply");
        return true;
    case TUI_ACT_CHECKLIST_LIST:
        if (app_top_is(app, &tui_checklists_view) || app_top_is(app, &tui_run_view))
            return true;
        while (app->depth > 1)
            app_pop_view(app);
        app_refresh_banner(app);
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
        if (app_top_is(app, &tui_checklists_view) || app_top_is(app, &tui_jwks_view))
            return false;
        while (app->depth > 1)
            app_pop_view(app);
        if (a == TUI_ACT_JWKS_ROTATE && strcmp(app->driver->ops->kind, "sqlite") == 0) {
            if (tui_app_push(app, &tui_jwks_view, NULL))
                app_run_action(app, a, arg);
        } else if (tui_app_push(app, &tui_checklists_view, NULL)) {
            app_run_action(app, a, arg);
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

void app_run_action(tui_app *app, tui_action a, const char *arg)
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
    tui_view *top = app_top_view(app);
    /* every list view moves through its one list position (view.h) */
    if (top && tui_view_navigate(top, app, a))
        return;
    if (top && top->ops->handle && top->ops->handle(top, app, a, arg))
        return;
    if (a == TUI_ACT_BACK || a == TUI_ACT_CLOSE) {
        /* Only q leaves the program: a stray Esc (or an escape sequence the terminal description
         * does not know) must not quit. */
        if (app->depth > 1)
            app_pop_view(app);
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
    app_run_action(app, a, arg);
}

static void run_command(tui_app *app, const char *text);

static void command_done(void *ctx, tui_app *app, const char *text, bool accepted)
{
    (void)ctx;
    if (!accepted)
        return;
    /* Blanks after the line are no part of its argument: Tab's lone candidate ends with one. */
    char *line = bc_xstrdup(text);
    size_t end = strlen(line);
    while (end && line[end - 1] == ' ')
        line[--end] = '\0';
    run_command(app, line);
    free(line);
}

/* Run one `:` line: an action's name (or its CLI verb) and its argument. */
static void run_command(tui_app *app, const char *text)
{
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
    app_run_action(app, a, *arg ? arg : NULL);
}
