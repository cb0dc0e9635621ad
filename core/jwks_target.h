/* jwks_target.h - what the key verbs (tui/cli_jwks.c) and the console's JWKS and checklist
 * screens share, so both reach the same code: the SQLite doctor run on an open driver, and the
 * Convex deployment the JWKS checklists act on (opened from the environment) with the engine
 * driven over it.
 */
#ifndef BC_JWKS_TARGET_H
#define BC_JWKS_TARGET_H

#include <sqlite3.h>
#include <stdbool.h>
#include <stdint.h>

#include "audit.h"
#include "checklist.h"
#include "convex_http.h"
#include "driver.h"
#include "jwk.h"
#include "jwks_convex.h"
#include "jwks_doctor.h"
#include "status.h"

/* Run the SQLite doctor over d's jwks table (a file without one fails rows.present), judged by
 * the line the file's schema shows. secrets and secret_from may be NULL (secret.present fails);
 * alg NULL infers it; now_ms 0 is the clock. When
 * rows is not NULL it receives the rows the checks looked at (the caller releases them, also on
 * failure). Fills *out (zero it first; the caller releases it). */
bc_status bc_jwks_target_doctor_sqlite(bc_driver *d, const bc_secrets *secrets,
                                       const char *secret_from,
                                       const char *alg, int64_t now_ms, bc_checks *out,
                                       bc_jwks_rows *rows, bc_error *err);

/* A Convex deployment as the JWKS checklists see it. Owned members; bc_jwks_target_close. */
typedef struct {
    bc_convex *conn;
    bc_jwks_deploy dep; /* points into conn */
    char *label;        /* the deployment's label (as every verb shows it): runs are recorded
                           against it */
    char *site_url;     /* CONVEX_SITE_URL from the environment or the .env files, or NULL */
    bool production;
} bc_jwks_target;

/* The Convex deployment the environment and the working directory's .env.local / .env select
 * (deployment.h: deploy key or self-hosted variables), with the guide's auth:* functions. The
 * errors of bc_deployment_choose say what to set. */
bc_status bc_jwks_target_open_env(bc_jwks_target *t, bc_error *err);
/* Safe on a zeroed or closed target. */
void bc_jwks_target_close(bc_jwks_target *t);

/* Advance run_id of cl on t with the JWKS checklist actions (bc_jwks_actions), production typed
 * confirmation included; see bc_checklist_advance for outcome and err. A run recorded against
 * another deployment is refused (BC_REFUSED): a run belongs to one deployment. */
bc_status bc_jwks_target_advance(sqlite3 *db, const bc_checklist *cl, int64_t run_id,
                                 bc_jwks_target *t, const bc_checklist_ui *ui, bool no_wait,
                                 const bc_audit_who *who, bc_run_outcome *outcome, bc_error *err);

#endif
