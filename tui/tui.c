/* tui.c - `bcadmin` with no verb: choose the target (--db, BCADMIN_DB, else the demo database,
 * created on first run), open it and hand it to the app. */
#include "tui.h"

#include <langinfo.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "admin.h"
#include "app.h"
#include "demo.h"
#include "paths.h"
#include "state.h"
#include "target.h"
#include "trace.h"
#include "timefmt.h"
#include "xalloc.h"

static bc_status ensure_demo(const char *path, bool read_only, char *notice, size_t size,
                             bc_error *err)
{
    if (access(path, F_OK) == 0) {
        snprintf(notice, size, "No --db or BCADMIN_DB given: showing the demo database %s", path);
        return BC_OK;
    }
    bc_demo_opts opts = {.read_only = read_only};
    if (read_only) /* the same refusal bc_demo_create gives, before any directory is made */
        return bc_read_only_refuse(path, "making the demo database", err);
    bc_status st = bc_paths_make_parents(path, err);
    if (st != BC_OK)
        return st;
    fprintf(stderr, "bcadmin: creating the demo database %s ...\n", path);
    bc_demo_report report = {0};
    st = bc_demo_create(path, &opts, &report, err);
    if (st != BC_OK)
        return bc_error_prefix(err, "creating the demo database %s", path);
    snprintf(notice, size,
             "Created the demo database %s (%llu users; admin %s): use --db or BCADMIN_DB for "
             "a real one",
             path, (unsigned long long)report.users, report.first_admin_email);
    return BC_OK;
}

/* A non-empty environment variable, or NULL. */
static const char *env(const char *name)
{
    const char *v = getenv(name);
    return v && *v ? v : NULL;
}

/* The acting admin from --as or BCADMIN_AS; a refusal goes to the bottom line. */
static void set_actor(bc_admin *admin, const char *as, char *notice, size_t size)
{
    if (!as)
        return;
    bc_error err = {0};
    if (bc_admin_set_actor(admin, as, &err) != BC_OK) {
        char *msg = bc_xasprintf("%s (no acting admin: :as EMAIL sets one)", err.msg);
        snprintf(notice, size, "%s", msg);
        free(msg);
    }
}

/* The views need UTF-8 from curses; fall back to C.UTF-8 when the locale is not UTF-8. */
static void set_locale(void)
{
    setlocale(LC_ALL, "");
    const char *cs = nl_langinfo(CODESET);
    if (cs && strcmp(cs, "UTF-8") != 0)
        setlocale(LC_CTYPE, "C.UTF-8");
}

/* What the console has open, and what a switch replaces. */
typedef struct {
    bc_target target;
    bc_target_opts opts;
    bc_admin *admin;
    char *actor; /* --as / BCADMIN_AS, applied again after a switch */
    char label[512];
} console;

static void set_label(console *c)
{
    const char *path = c->target.path;
    const char *slash = path ? strrchr(path, '/') : NULL;
    snprintf(c->label, sizeof c->label, "%s",
             path ? (slash ? slash + 1 : path) : c->target.label);
}

/* BCADMIN_START=overview opens the Overview (screen 0) first; anything else, the users list. */
static bool start_overview(void)
{
    const char *v = env("BCADMIN_START");
    return v && strcmp(v, "overview") == 0;
}

/* tui_app_config.open_target: open the choice (on the console's worker thread: reads c->opts
 * only). */
static bc_status open_target(void *ctx, const bc_target_choice *choice, bc_target *next,
                             bc_error *err)
{
    const console *c = ctx;
    if (choice->kind == BC_CHOICE_SQLITE)
        return bc_target_open_sqlite(choice->name, &c->opts, next, err);
    bc_status st = bc_target_sources(&c->opts, &next->env, err);
    if (st == BC_OK)
        st = bc_target_open_convex(&c->opts, next, err);
    return st;
}

/* tui_app_config.use_target: once the new target opened, close the old one (keeping its state
 * database) and point the admin actions at the new one. */
static void use_target(void *ctx, const bc_target_choice *choice, bc_target *next,
                       bc_target **target, const char **label, bool *demo)
{
    console *c = ctx;
    bc_admin_release(c->admin);
    bc_target_take_state(next, &c->target);
    bc_target_close(&c->target);
    c->target = *next;
    *next = (bc_target){0};
    bc_error ignored = {0};
    bc_target_reconcile(&c->target, &ignored);
    bc_admin_init(c->admin, c->target.d, bc_target_state(&c->target, NULL), &ignored);
    if (c->actor)
        bc_admin_set_actor(c->admin, c->actor, &ignored);
    set_label(c);
    *target = &c->target;
    *label = c->label;
    *demo = strcmp(choice->from, "the demo database") == 0;
}

int tui_main(const tui_options *opts)
{
    int64_t started = tui_trace_now_us();
    set_locale();
    bc_error terr = {0};
    if (tui_time_from_env(&terr) != BC_OK) {
        fprintf(stderr, "bcadmin: %s\n", terr.msg);
        return bc_status_exit_code(terr.status);
    }
    console con = {.opts = {.db = opts->db_path && *opts->db_path ? opts->db_path : NULL,
                            .url = opts->url,
                            .admin_key = opts->admin_key,
                            .prod = opts->prod,
                            .url_for_key = opts->url_for_key,
                            .read_only = opts->read_only,
                            .auth_functions = opts->auth_functions,
                            .component = opts->component,
                            .state = opts->state,
                            .site_url = opts->site_url,
                            .auth_base_path = opts->auth_base_path,
                            .jwks_module = opts->jwks_module}};
    char *demo_path = NULL;
    char notice[1024] = "";
    bc_error err = {0};
    bc_status st = bc_target_open(&con.opts, &con.target, &err);
    bool demo = st != BC_OK && con.target.nothing;
    if (demo) {
        /* nothing selected: the demo database, made on first run */
        bc_target_close(&con.target);
        err = (bc_error){0};
        st = bc_paths_default_demo(&demo_path, &err);
        if (st == BC_OK)
            st = ensure_demo(demo_path, opts->read_only, notice, sizeof notice, &err);
        if (st == BC_OK)
            st = bc_target_open_sqlite(demo_path, &con.opts, &con.target, &err);
    }
    if (st != BC_OK) {
        fprintf(stderr, "bcadmin: %s\n", err.msg);
        bc_target_close(&con.target);
        free(demo_path);
        return bc_status_exit_code(err.status);
    }
    bc_error unsettled = {0};
    if (bc_target_reconcile(&con.target, &unsettled) != BC_OK)
        snprintf(notice, sizeof notice, "%s", unsettled.msg);
    else
        bc_reconcile_summary(&con.target.reconciled, notice, sizeof notice);
    if (!notice[0] && con.target.env.n_warnings)
        snprintf(notice, sizeof notice, "%s", con.target.env.warnings[0]);
    if (!notice[0] && con.target.path && !bc_target_has_indexes(&con.target))
        snprintf(notice, sizeof notice,
                 "%s has no browsing indexes (or no search index): sorting and search scan the "
                 "table (:db-index or `bcadmin db index` adds them)",
                 con.target.path);
    bc_admin admin;
    con.admin = &admin;
    bc_admin_init(&admin, con.target.d, bc_target_state(&con.target, NULL), &err);
    const char *as = opts->as ? opts->as : env("BCADMIN_AS");
    con.actor = as ? bc_xstrdup(as) : NULL;
    set_actor(&admin, as, notice, sizeof notice);
    set_label(&con);
    /* The app's secrets as it reads them; a malformed BETTER_AUTH_SECRETS is said, not fatal. */
    bc_secrets secrets = {0};
    const char *secrets_from = NULL;
    bc_error secrets_err = {0};
    if (bc_secrets_load(NULL, &secrets, &secrets_from, &secrets_err) != BC_OK && !notice[0])
        snprintf(notice, sizeof notice, "%s", secrets_err.msg);
    tui_app_config cfg = {.target = &con.target,
                          .label = con.label,
                          .notice = notice[0] ? notice : NULL,
                          .demo = demo,
                          .admin = &admin,
                          .secrets = &secrets,
                          .target_opts = &con.opts,
                          .open_target = open_target,
                          .use_target = use_target,
                          .switch_ctx = &con,
                          .started_us = started,
                          .start_overview = start_overview()};
    int code = tui_app_run(&cfg);
    bc_secrets_release(&secrets);
    bc_admin_release(&admin);
    free(con.actor);
    bc_target_close(&con.target);
    free(demo_path);
    return code;
}
