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
#include "sqlite_driver.h"
#include "state.h"
#include "trace.h"
#include "xalloc.h"

static bc_status ensure_demo(const char *path, char *notice, size_t size, bc_error *err)
{
    if (access(path, F_OK) == 0) {
        snprintf(notice, size, "No --db or BCADMIN_DB given: showing the demo database %s", path);
        return BC_OK;
    }
    bc_status st = bc_paths_make_parents(path, err);
    if (st != BC_OK)
        return st;
    fprintf(stderr, "bcadmin: creating the demo database %s ...\n", path);
    bc_demo_opts opts = {0};
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

/* The state database (the audit log) for the admin actions. Browsing works without it, so a
 * failure is kept in *why (the caller frees) for the bottom line instead of stopping. */
static bc_state *open_state(const char *path, char **why)
{
    bc_error err = {0};
    char *owned = NULL;
    bc_state *state = NULL;
    bc_status st = path ? BC_OK : bc_paths_default_state(&owned, &err);
    if (st == BC_OK)
        st = bc_paths_make_parents(path ? path : owned, &err);
    if (st == BC_OK)
        st = bc_state_open(path ? path : owned, &state, &err);
    if (st != BC_OK)
        *why = bc_xstrdup(err.msg);
    free(owned);
    return state;
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

int tui_main(const tui_options *opts)
{
    int64_t started = tui_trace_now_us();
    set_locale();
    const char *path = opts->db_path;
    if (!path || !*path)
        path = getenv("BCADMIN_DB");
    bool demo = !path || !*path;
    char *demo_path = NULL;
    char notice[1024] = "";
    bc_error err = {0};
    if (demo && (bc_paths_default_demo(&demo_path, &err) != BC_OK ||
                 ensure_demo(demo_path, notice, sizeof notice, &err) != BC_OK)) {
        fprintf(stderr, "bcadmin: %s\n", err.msg);
        free(demo_path);
        return bc_status_exit_code(err.status);
    }
    if (demo)
        path = demo_path;
    bc_sqlite_opts so = {.read_only = opts->read_only};
    bc_driver *driver = NULL;
    if (bc_sqlite_open(path, &so, &driver, &err) != BC_OK) {
        fprintf(stderr, "bcadmin: %s\n", err.msg);
        free(demo_path);
        return bc_status_exit_code(err.status);
    }
    if (!notice[0] && !bc_sqlite_has_indexes(driver))
        snprintf(notice, sizeof notice,
                 "%s has no browsing indexes: sorting and search scan the table (:db-index or "
                 "`bcadmin db index` adds them)",
                 path);
    char *state_error = NULL;
    bc_state *state = open_state(opts->state, &state_error);
    bc_admin admin;
    bc_admin_init(&admin, driver, state ? bc_state_db(state) : NULL, &err);
    set_actor(&admin, opts->as ? opts->as : env("BCADMIN_AS"), notice, sizeof notice);
    const char *slash = strrchr(path, '/');
    tui_app_config cfg = {.driver = driver,
                          .label = slash ? slash + 1 : path,
                          .notice = notice[0] ? notice : NULL,
                          .demo = demo,
                          .admin = &admin,
                          .state_error = state_error,
                          .secret = env("BETTER_AUTH_SECRET"),
                          .started_us = started};
    int code = tui_app_run(&cfg);
    bc_admin_release(&admin);
    bc_state_close(state);
    free(state_error);
    bc_driver_close(driver);
    free(demo_path);
    return code;
}
