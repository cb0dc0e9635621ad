/* jwks_doctor.h - the JWKS doctor: checks of a deployment's signing keys, each ok / warn / fail
 * with one line of why and the fix.
 *
 * The checks are pure functions over gathered inputs (environment map, jwks rows, secret,
 * published key set), so every broken state can be tested without a deployment; gathering them
 * is jwks_convex.h's job (Convex) or the caller's (rows of a SQLite file).
 */
#ifndef BC_JWKS_DOCTOR_H
#define BC_JWKS_DOCTOR_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "jwk.h"
#include "status.h"

typedef enum { BC_CHECK_OK, BC_CHECK_WARN, BC_CHECK_FAIL } bc_check_status;

typedef struct {
    char *id; /* stable: "jwks.set", "secret.present"... */
    bc_check_status status;
    char *message; /* one line: what was found */
    char *fix;     /* one line: what to do ("" when nothing) */
} bc_check;

/* A list of checks; owns its strings (bc_checks_release). */
typedef struct {
    bc_check *items;
    size_t n, cap;
} bc_checks;

void bc_checks_release(bc_checks *checks);
const char *bc_check_status_name(bc_check_status s); /* "ok", "warn", "fail" */
/* Whether any check failed (the doctor's exit status is non-zero then). */
bool bc_checks_failed(const bc_checks *checks);
/* The check with this id, or NULL (points into checks). */
const bc_check *bc_checks_find(const bc_checks *checks, const char *id);
/* {"checks":[{"id","status","message","fix"}]} (the caller decrefs). */
json_t *bc_checks_to_json(const bc_checks *checks);

/* What the Convex doctor looks at. NULL members were not gathered; the *_error members say why. */
typedef struct {
    const json_t *env; /* the deployment's variables {"NAME":"value"} */
    const char *env_error;
    const bc_jwks_rows *db_rows; /* the jwks rows in the deployment's database */
    const char *db_error;
    const char *site_url;        /* CONVEX_SITE_URL as found (NULL: unknown) */
    const char *site_url_from;   /* where it came from, for the message */
    const char *published;       /* body of {site}/api/auth/convex/jwks */
    long published_status;       /* its HTTP status */
    const char *published_error; /* why it could not be fetched */
    bool published_unread;       /* not fetched on purpose: reading them would make a key */
    int64_t now_ms;              /* 0: the clock */
} bc_jwks_convex_inputs;

/* The Convex checks, in this order: jwks.set, jwks.one_key, jwks.algorithm, jwks.public_key,
 * jwks.private_key, secret.present, jwks.current, site.urls, site.published, jwks.test_token.
 * Fills *out (zero it first); BC_OK unless the inputs themselves are unusable. */
bc_status bc_jwks_doctor_convex(const bc_jwks_convex_inputs *in, bc_checks *out, bc_error *err);

/* What the SQLite doctor looks at. */
typedef struct {
    const bc_jwks_rows *rows;   /* the jwks table (NULL: the file has none) */
    const bc_secrets *secrets;  /* the app's secrets, or NULL when none was given */
    const char *secret_from;    /* "BETTER_AUTH_SECRET", "--secret-file F" */
    bool alg_column;            /* the table has 1.7's alg/crv columns */
    const char *alg;          /* the server's configured algorithm, NULL to infer it */
    int64_t grace_ms;         /* the plugin's jwks.gracePeriod; 0 = its default, 30 days */
    int64_t now_ms;           /* 0: the clock */
    /* The app's server, when its URL is known: the key set it publishes at {base}/jwks, where
     * the jwt plugin fills in its configured algorithm for every row without an alg of its own
     * (every row up to 1.6). NULL server_url: not asked (server.alg is left out). */
    const char *server_url;      /* what was fetched */
    const char *published;       /* its body, or NULL */
    long published_status;       /* its HTTP status */
    const char *published_error; /* why it could not be fetched, or NULL */
} bc_jwks_sqlite_inputs;

/* The algorithm the app is taken to be configured with, and why: alg when given; else the newest
 * row's alg column (1.7.x); else the default algorithm of the OLDEST row's key type (the server
 * made that one itself); else EdDSA, the plugin's default. *why points to static text. */
const char *bc_jwks_configured_alg(const bc_jwks_rows *rows, const char *alg, const char **why);

/* The newest row (greatest createdAt), or NULL. */
const bc_jwks_row *bc_jwks_rows_newest(const bc_jwks_rows *rows);

/* The row the server signs with, per line. Up to 1.6 (alg_column false): the newest live row,
 * signed as the configured alg. 1.7 (alg_column true): the newest live row whose alg is the
 * configured one or NULL, else the newest live row, signed with the row's own alg (NULL: the
 * configured one). Live = no expiresAt or one after now. *sign_alg gets the algorithm it signs
 * with. NULL when no row is live (the server then makes a new key). */
const bc_jwks_row *bc_jwks_signing_row(const bc_jwks_rows *rows, const char *configured_alg,
                                       bool alg_column, int64_t now_ms, const char **sign_alg);

/* The algorithm a server's published key set (the body of its {base}/jwks) shows it is
 * configured with: the alg published for a row of rows that has none of its own (the jwt plugin
 * fills in keyPairConfig.alg there). Copied into buf; NULL when the set shows none, with *why
 * (static) saying why. */
const char *bc_jwks_published_alg(const char *published, const bc_jwks_rows *rows, char *buf,
                                  size_t size, const char **why);

/* The SQLite checks, in this order: schema.line (the Better Auth line the table shows),
 * secret.present, rows.present, rows.decrypt, server.alg (only with server_url: what the
 * server's published keys say of its configured algorithm, which then wins over the inferred
 * one), newest.usable (the row the server signs with, chosen and judged as the file's line does:
 * bc_jwks_signing_row), newest.expiry. */
bc_status bc_jwks_doctor_sqlite(const bc_jwks_sqlite_inputs *in, bc_checks *out, bc_error *err);

#define BC_JWKS_GRACE_DEFAULT_MS (30LL * 24 * 3600 * 1000)

#endif
