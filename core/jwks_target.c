/* jwks_target.c - the SQLite doctor on a driver, the Convex checklist target, advancing runs. */
#include "jwks_target.h"

#include "deployment.h"

#include <stdlib.h>
#include <string.h>

#include "jwks_rotate.h"
#include "sqlite_driver.h"
#include "xalloc.h"

bc_status bc_jwks_target_doctor_sqlite(bc_driver *d, const bc_secrets *secrets,
                                       const char *secret_from,
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
                                    .secrets = secrets,
                                    .secret_from = secret_from,
                                    .alg_column = bc_sqlite_line(d) == BC_LINE_1_7,
                                    .alg = alg,
                                    .now_ms = now_ms};
        st = bc_jwks_doctor_sqlite(&in, out, err);
    }
    bc_jwks_rows_release(&own);
    return st;
}

bc_status bc_jwks_target_open_env(bc_jwks_target *t, bc_error *err)
{
    *t = (bc_jwks_target){0};
    /* The same choice every verb makes (environment, .env.local, .env), and the same label, so
     * a run started by a verb resumes from the console and the other way round. */
    bc_env_sources env;
    bc_status st = bc_env_sources_load(NULL, &env, err);
    if (st != BC_OK)
        return st;
    bc_deploy_opts opts = {0};
    bc_deployment dep = {0};
    st = bc_deployment_choose(&opts, env.src, env.n, &dep, err);
    if (st == BC_OK)
        st = bc_convex_new(dep.url, dep.key, &t->conn, err);
    if (st == BC_OK) {
        const char *site = bc_env_sources_get(&env, "CONVEX_SITE_URL", NULL);
        t->site_url = bc_xstrdup(site);
        t->dep = (bc_jwks_deploy){.c = t->conn, .site_url = t->site_url};
        t->label = bc_xstrdup(dep.label);
        t->production = dep.production;
    }
    bc_deployment_release(&dep);
    bc_env_sources_release(&env);
    return st;
}

void bc_jwks_target_close(bc_jwks_target *t)
{
    bc_convex_free(t->conn);
    free(t->label);
    free(t->site_url);
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
