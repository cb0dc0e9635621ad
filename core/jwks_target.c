/* jwks_target.c - the SQLite doctor on a driver, the Convex checklist target, advancing runs. */
#include "jwks_target.h"

#include <stdlib.h>
#include <string.h>

#include "jwks_rotate.h"
#include "sqlite_driver.h"
#include "xalloc.h"

bc_status bc_jwks_target_doctor_sqlite(bc_driver *d, const char *secret, const char *secret_from,
                                       const char *alg, int64_t now_ms, bc_checks *out,
                                       bc_jwks_rows *rows, bc_error *err)
{
    bc_jwks_rows own = {0};
    bc_jwks_rows *r = rows ? rows : &own;
    *r = (bc_jwks_rows){0};
    bool have_table = bc_sqlite_has_model(d, BC_MODEL_JWKS);
    bc_status st = have_table ? bc_jwks_sqlite_rows(d, r, err) : BC_OK;
    if (st == BC_OK) {
        bc_jwks_sqlite_inputs in = {.rows = have_table ? r : NULL,
                                    .secret = secret,
                                    .secret_from = secret_from,
                                    .alg = alg,
                                    .now_ms = now_ms};
        st = bc_jwks_doctor_sqlite(&in, out, err);
    }
    bc_jwks_rows_release(&own);
    return st;
}

static const char *env_value(const char *name)
{
    const char *v = getenv(name);
    return v && *v ? v : NULL;
}

bc_status bc_jwks_target_open_env(bc_jwks_target *t, bc_error *err)
{
    *t = (bc_jwks_target){0};
    const char *url = env_value("CONVEX_SELF_HOSTED_URL");
    const char *key = env_value("CONVEX_SELF_HOSTED_ADMIN_KEY");
    if (!url || !key)
        return bc_fail(err, BC_USAGE,
                       "no target: pass --db PATH (a SQLite app) or set CONVEX_SELF_HOSTED_URL "
                       "and CONVEX_SELF_HOSTED_ADMIN_KEY (a Convex deployment)");
    bc_status st = bc_convex_new(url, key, &t->conn, err);
    if (st != BC_OK)
        return st;
    t->dep = (bc_jwks_deploy){.c = t->conn,
                              .module = env_value("BCADMIN_AUTH_FUNCTIONS"),
                              .site_url = env_value("CONVEX_SITE_URL")};
    t->label = bc_xstrdup(url);
    return BC_OK;
}

void bc_jwks_target_close(bc_jwks_target *t)
{
    bc_convex_free(t->conn);
    free(t->label);
    *t = (bc_jwks_target){0};
}

bc_status bc_jwks_target_advance(sqlite3 *db, const bc_checklist *cl, int64_t run_id,
                                 bc_jwks_target *t, const bc_checklist_ui *ui, bool no_wait,
                                 const bc_audit_who *who, bc_run_outcome *outcome, bc_error *err)
{
    *outcome = BC_RUN_STOPPED;
    bc_checklist_run run;
    bc_status st = bc_checklist_run_get(db, run_id, &run, err);
    if (st != BC_OK)
        return st;
    bool same = strcmp(run.target, t->label) == 0;
    if (!same)
        st = bc_fail(err, BC_REFUSED, "run %lld is on %s but bcadmin now points at %s",
                     (long long)run_id, run.target, t->label);
    bc_checklist_run_release(&run);
    if (st != BC_OK)
        return st;
    bc_checklist_opts opts = {
        .production = t->production, .target_name = t->label, .no_wait = no_wait};
    return bc_checklist_advance(db, cl, run_id, bc_jwks_actions, bc_jwks_n_actions, &t->dep, ui,
                                &opts, who, outcome, err);
}
