/* jwks_rotate.h - `bcadmin jwks rotate` for a SQLite app: a new jwks row the real Better Auth
 * server will sign with, in one transaction that never leaves a newest row it cannot use.
 *
 * The new key has the app's configured algorithm (opts.alg, else inferred as
 * bc_jwks_configured_alg does), is encrypted with the app's secret, and is checked (decrypts
 * with the secret, fits the algorithm, stored and read back as the newest row) before the commit.
 * Older rows stop signing and stay published for the plugin's grace period: their expiresAt is
 * set to now (the jwt plugin publishes a key until expiresAt + jwks.gracePeriod, 30 days by
 * default), or they are deleted with revoke_old.
 */
#ifndef BC_JWKS_ROTATE_H
#define BC_JWKS_ROTATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "audit.h"
#include "driver.h"
#include "ids.h"
#include "jwk.h"
#include "status.h"

/* The jwks rows of a SQLite driver (BC_NOT_FOUND when the file has no jwks table). */
bc_status bc_jwks_sqlite_rows(bc_driver *d, bc_jwks_rows *out, bc_error *err);

typedef struct {
    const bc_secrets *secrets; /* the app's secrets (required): new rows use the current one */
    const char *alg;         /* --alg, or NULL: the app's current key type */
    const char *server_alg;  /* without alg: what the app's server publishes as its configured
                                algorithm (bc_target_rotate_sqlite asks it), or NULL */
    bool revoke_old;         /* delete the older rows instead of expiring them */
    int64_t now_ms;          /* 0: the clock */
    bc_state *audit_db;      /* the state database for the audit entry, or NULL */
    const bc_audit_who *who; /* with audit_db */
} bc_jwks_rotate_opts;

typedef struct {
    char kid[BC_ID_LEN + 1];
    char alg[8];         /* the algorithm the new key is for */
    const char *alg_why; /* why that algorithm (static text) */
    size_t expired;      /* older rows given an expiresAt */
    size_t deleted;      /* older rows deleted (revoke_old) */
    size_t kept;         /* older rows whose expiresAt had already passed, left alone */
    bool secret_checked; /* an existing row opened with the secret (false: no rows to try) */
} bc_jwks_rotate_result;

/* Rotate. BC_REFUSED when the secret opens none of the existing rows (it is probably not the
 * server's secret, and a key encrypted with it would break every get-session) or the driver is
 * read-only; BC_USAGE for an unknown --alg. Nothing is written unless everything checked out. */
bc_status bc_jwks_rotate_sqlite(bc_driver *d, const bc_jwks_rotate_opts *opts,
                                bc_jwks_rotate_result *res, bc_error *err);

#endif
