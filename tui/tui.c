/* tui.c - `bcadmin` with no verb: choose the target (--db, BCADMIN_DB, else the demo database,
 * created on first run), open it and hand it to the app. */
#include "tui.h"

#include <errno.h>
#include <langinfo.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "app.h"
#include "demo.h"
#include "sqlite_driver.h"
#include "xalloc.h"

char *tui_demo_path(void)
{
    const char *xdg = getenv("XDG_DATA_HOME");
    if (xdg && *xdg == '/')
        return bc_xasprintf("%s/bcadmin/demo.db", xdg);
    const char *home = getenv("HOME");
    return bc_xasprintf("%s/.local/share/bcadmin/demo.db", home && *home ? home : ".");
}

/* mkdir -p for the directory part of path, private to the user. */
static bc_status make_parent_dirs(const char *path, bc_error *err)
{
    char *dir = bc_xstrdup(path);
    char *slash = strrchr(dir, '/');
    bc_status st = BC_OK;
    if (slash && slash != dir) {
        *slash = '\0';
        for (char *p = dir + 1; st == BC_OK && p; p = strchr(p + 1, '/')) {
            char *next = strchr(p, '/');
            if (next)
                *next = '\0';
            if (mkdir(dir, 0700) != 0 && errno != EEXIST)
                st = bc_fail(err, BC_ERR, "cannot create directory %s: %s", dir, strerror(errno));
            if (next)
                *next = '/';
            p = next;
            if (!p)
                break;
        }
    }
    free(dir);
    return st;
}

static bc_status ensure_demo(const char *path, char *notice, size_t size, bc_error *err)
{
    if (access(path, F_OK) == 0) {
        snprintf(notice, size, "No --db or BCADMIN_DB given: showing the demo database %s", path);
        return BC_OK;
    }
    bc_status st = make_parent_dirs(path, err);
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
    set_locale();
    const char *path = opts->db_path;
    if (!path || !*path)
        path = getenv("BCADMIN_DB");
    bool demo = !path || !*path;
    char *demo_path = demo ? tui_demo_path() : NULL;
    char notice[1024] = "";
    bc_error err = {0};
    if (demo && ensure_demo(demo_path, notice, sizeof notice, &err) != BC_OK) {
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
    const char *slash = strrchr(path, '/');
    tui_app_config cfg = {.driver = driver,
                          .label = slash ? slash + 1 : path,
                          .notice = notice[0] ? notice : NULL,
                          .demo = demo};
    int code = tui_app_run(&cfg);
    bc_driver_close(driver);
    free(demo_path);
    return code;
}
