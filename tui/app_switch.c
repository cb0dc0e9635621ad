/* app_switch.c - the console's deployment switcher (`d`): the menu of targets, and opening the
 * chosen one on the worker thread before the old one goes. */
#include "app_internal.h"

#include <stdio.h>
#include <string.h>

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
        app_pop_view(app);
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
    char settled[512];
    if (bc_reconcile_summary(&target->reconciled, settled, sizeof settled))
        tui_app_message(app, "switched to %s %s; %s", app->driver->ops->kind, label, settled);
    else
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
