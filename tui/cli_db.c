/* cli_db.c - the verbs that make or check database files: demo, db index, db check. */
#include <inttypes.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "demo.h"
#include "line.h"
#include "meter.h"
#include "paths.h"
#include "target.h"
#include "state.h"
#include "text.h"
#include "xalloc.h"

bc_status bc_cli_demo(bc_cli *c, bc_error *err)
{
    /* --db names the file to make; BCADMIN_DB is deliberately ignored, so a forced demo can
     * never overwrite the operator's usual target. */
    char *path = NULL;
    bc_status st = BC_OK;
    if (c->db) {
        path = bc_xstrdup(c->db);
    } else {
        st = bc_paths_default_demo(&path, err);
        if (st == BC_OK)
            st = bc_paths_make_parents(path, err);
    }
    bc_meter meter;
    bc_meter_start(&meter, "demo");
    bc_progress progress = bc_meter_progress(&meter);
    bc_demo_opts opts = {.users = c->demo_users,
                         .seed = c->seed,
                         .force = c->force,
                         .read_only = c->read_only,
                         .progress = &progress};
    bc_demo_report rep = {0};
    if (st == BC_OK)
        st = bc_demo_create(path, &opts, &rep, err);
    bc_meter_end(&meter);
    if (st == BC_OK) {
        bc_cli_line(c->out, "made demo database %s", path);
        bc_cli_line(c->out,
                    "  %" PRIu64 " users (%" PRIu64 " admins, %" PRIu64 " banned), %" PRIu64
                    " sessions, %" PRIu64 " accounts",
                    rep.users, rep.admins, rep.banned, rep.sessions, rep.accounts);
        bc_cli_line(c->out, "  password of every credential user: %s", BC_DEMO_PASSWORD);
        bc_cli_line(c->out, "  an admin: %s", rep.first_admin_email);
        bc_cli_line(c->out, "try: bcadmin --db %s users list", path);
    }
    free(path);
    return st;
}

static bc_driver *volatile stopping;

static void stop_build(int sig)
{
    (void)sig;
    bc_driver_interrupt(stopping);
}

bc_status bc_cli_db_index(bc_cli *c, bc_error *err)
{
    if (c->drop) {
        bool had = bc_target_has_any_index(&c->t);
        bc_status st = bc_target_drop_indexes(&c->t, err);
        if (st == BC_OK)
            bc_cli_line(c->out, "%s: %s", c->d->label,
                        had ? "bcadmin's indexes, search tables and triggers removed"
                            : "no bcadmin index was present");
        return st;
    }
    bool had = bc_target_has_indexes(&c->t);
    /* Ctrl-C or a TERM stops the build between two statements: what is done stays done. */
    stopping = c->d;
    struct sigaction sa = {.sa_handler = stop_build}, old_int, old_term;
    sigaction(SIGINT, &sa, &old_int);
    sigaction(SIGTERM, &sa, &old_term);
    bc_meter meter;
    bc_meter_start(&meter, "db index");
    bc_progress progress = bc_meter_progress(&meter);
    bc_status st = bc_target_add_indexes_progress(&c->t, &progress, err);
    bc_meter_end(&meter);
    sigaction(SIGINT, &old_int, NULL);
    sigaction(SIGTERM, &old_term, NULL);
    stopping = NULL;
    if (st == BC_OK)
        bc_cli_line(c->out, "%s: browsing and search indexes and the overview summary %s",
                    c->d->label, had ? "were already present" : "added");
    return st;
}

/* A SQLite file: SQLite's own integrity check of every page and index (a running count on a
 * terminal's stderr while it reads a large file). */
static bc_status check_integrity(bc_cli *c, bc_error *err)
{
    bc_meter meter;
    bc_meter_start(&meter, "db check");
    bc_progress progress = bc_meter_progress(&meter);
    char *problems = NULL;
    bc_status st = bc_target_integrity_check(&c->t, &progress, &problems, err);
    bc_meter_end(&meter);
    if (st != BC_OK || !problems)
        return st;
    /* The first findings, one a line (escaped: they quote names from the file). */
    size_t n = 0;
    for (char *line = problems; line && *line; n++) {
        size_t len = strcspn(line, "\n");
        if (n < 10) {
            bc_cli_line(stderr, "bcadmin: %s: %.*s", c->d->label, (int)len, line);
        }
        line = line[len] ? line + len + 1 : NULL;
    }
    if (n > 10)
        bc_cli_line(stderr, "bcadmin: %s: ... and %zu more", c->d->label, n - 10);
    free(problems);
    return bc_fail(err, BC_ERR,
                   "%s is damaged: SQLite's integrity check found %zu problem%s. Restore it from a "
                   "backup (or recover it with the sqlite3 shell's .recover) before writing to it",
                   c->d->label, n, n == 1 ? "" : "s");
}

bc_status bc_cli_db_check(bc_cli *c, bc_error *err)
{
    /* Opening the target already ran the schema check (SQLite) or found the auth functions
     * (Convex); reaching here means it passed. */
    bc_status st = check_integrity(c, err);
    if (st != BC_OK)
        return st;
    bool convex = c->t.convex;
    bc_cli_line(c->out, "%s: Better Auth %s OK%s", c->d->label, convex ? "functions" : "database",
                c->t.path ? " (integrity check passed)" : "");
    bc_cli_line(c->out, "  line: %s", bc_line_of_driver(c->d, false));
    if (convex) {
        bc_cli_line(c->out, "  functions: %s", c->t.functions ? c->t.functions : "-");
    } else {
        fprintf(c->out, "  browsing indexes: %s\n",
                bc_target_has_indexes(&c->t) ? "present" : "missing (run `bcadmin db index`)");
        static const struct {
            const char *what, *present, *unfinished, *missing;
        } parts[] = {
            {"search index", "present (triggers on \"user\" keep it current)",
             "unfinished (`bcadmin db index` finishes it; substring search scans until then)",
             "missing (substring search scans every user)"},
            {"overview summary", "present (triggers on \"user\" and \"session\" keep it current)",
             "unfinished (`bcadmin db index` finishes it; the overview counts over the indexes "
             "until then)",
             "missing (the overview counts over the createdAt and expiresAt indexes)"},
        };
        for (int i = 0; i < 2; i++) {
            bool present = i ? bc_target_has_summary(&c->t) : bc_target_has_search_index(&c->t);
            bool unfinished =
                i ? bc_target_summary_unfinished(&c->t) : bc_target_search_index_unfinished(&c->t);
            fprintf(c->out, "  %s: %s\n", parts[i].what,
                    present      ? parts[i].present
                    : unfinished ? parts[i].unfinished
                                 : parts[i].missing);
        }
    }
    bc_state *s = bc_target_state(&c->t, err);
    if (!s)
        return err->status ? err->status : BC_ERR;
    bc_cli_line(c->out, "state database %s: schema version %d", bc_state_path(s),
                bc_state_version(s));
    return BC_OK;
}
