/* envsync.h - convex/.env to a Convex deployment's environment variables, safely, as one change.
 *
 * The plan (pure: local entries + the deployment's variables + flags, no I/O) says what each
 * name does, what Convex would refuse, what must not be touched (a BETTER_AUTH_SECRET that
 * encrypts the deployment's JWKS), and which JWKS step follows. bc_envsync_apply carries it out:
 * the local file first (a generated secret), then every variable in ONE atomic request, a
 * re-list to verify, then JWKS in a second request once the secret is live; each step audited
 * with names and value hashes only. Views and verbs only draw a plan: every rule lives here.
 *
 * Every char * / array inside a struct declared here belongs to that struct; the _release
 * functions free them. Values are byte strings (value + value_len) and may hold any byte.
 */
#ifndef BC_ENVSYNC_H
#define BC_ENVSYNC_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "audit.h"
#include "convex_http.h"
#include "dotenv.h"
#include "jwks_convex.h"
#include "status.h"

#define BC_ENVSYNC_VALUE_MAX 8192 /* bytes: Convex refuses longer values */
#define BC_ENVSYNC_NAME_MAX 256   /* characters: Convex refuses longer names */
#define BC_ENVSYNC_SECRET_MIN 32  /* Better Auth 1.4.9 refuses shorter secrets outside tests */
#define BC_ENVSYNC_SECRET "BETTER_AUTH_SECRET"
#define BC_ENVSYNC_SECRETS "BETTER_AUTH_SECRETS" /* versioned secrets, 1.5+ */
#define BC_ENVSYNC_JWKS "JWKS"
#define BC_ENVSYNC_DEFAULT_FILE "convex/.env" /* the local file `env` verbs and the Env screen read */

/* ---- single rules ---------------------------------------------------------------------- */

/* BC_OK when Convex accepts name (^[a-zA-Z_]+[a-zA-Z0-9_]*$, at most 256 characters, not a
 * built-in such as CONVEX_SITE_URL); otherwise BC_USAGE with Convex's reason. */
bc_status bc_envsync_name_check(const char *name, bc_error *err);
/* BC_OK when Convex accepts a value of len bytes (at most 8 KiB), else BC_USAGE. */
bc_status bc_envsync_value_check(size_t len, bc_error *err);

/* A value as shown without --reveal: "<44 bytes, sha256:1a2b3c4d>" (length and the first 8 hex
 * digits of its SHA-256); "<empty>" for "". The caller frees. */
char *bc_envsync_mask(const char *value, size_t len);
/* The short hash alone ("1a2b3c4d"), for the audit log. The caller frees. */
char *bc_envsync_hash(const char *value, size_t len);

/* A new BETTER_AUTH_SECRET: 32 random bytes as standard base64 (44 characters), as
 * `openssl rand -base64 32` makes it. The caller frees. */
bc_status bc_envsync_secret_generate(char **out, bc_error *err);

/* ---- the plan --------------------------------------------------------------------------- */

typedef enum {
    BC_ENVSYNC_ADD,         /* in the file only: set on the deployment */
    BC_ENVSYNC_CHANGE,      /* both, values differ: the file's value replaces the deployment's */
    BC_ENVSYNC_UNCHANGED,   /* both, same bytes */
    BC_ENVSYNC_REMOTE_ONLY, /* on the deployment only: kept (without --prune, or protected) */
    BC_ENVSYNC_REMOVE,      /* on the deployment only, --prune (or `env unset`): deleted */
    BC_ENVSYNC_INVALID,     /* in the file, but Convex would refuse the name or the value */
    BC_ENVSYNC_EMPTY,       /* empty in the file: skipped, as better-convex skips it */
    BC_ENVSYNC_BLOCKED,     /* a change the safety rules refuse without --force */
} bc_envsync_kind;

/* "add", "change", "unchanged", "remote-only", "remove", "invalid", "empty", "blocked". */
const char *bc_envsync_kind_name(bc_envsync_kind kind);

typedef struct {
    char *name;
    bc_envsync_kind kind;
    char *local; /* the file's value (local_len bytes), NULL when the name is not in the file */
    size_t local_len;
    char *remote; /* the deployment's value, NULL when not set there */
    size_t remote_len;
    unsigned line; /* the file line of the entry, 0 when not from the file */
    char *note;    /* why (invalid, blocked, kept, generated...), or NULL */
    bool include;  /* sent in the batch; a view may clear it on ADD/CHANGE/REMOVE rows */
} bc_envsync_item;

typedef enum {
    BC_ENVSYNC_JWKS_NONE,   /* nothing to do with JWKS */
    BC_ENVSYNC_JWKS_CREATE, /* none: getLatestJwks once the secret is live, then set it */
    BC_ENVSYNC_JWKS_ROTATE, /* the secret changes under it (--force): rotateKeys, then set it */
    BC_ENVSYNC_JWKS_CHECK,  /* present: its key was checked against the final secret */
} bc_envsync_jwks_step;

typedef struct {
    bool auth;  /* --auth: BETTER_AUTH_SECRET and JWKS rules */
    bool force; /* --force: push a JWKS that fails its checks */
    /* Key rows in the deployment's jwks table (bc_jwks_deploy_rows); a caller that could not read
     * them passes 1: a secret with keys depending on it is never replaced in a batch. */
    size_t key_rows;
    /* --replace-secret: a changed BETTER_AUTH_SECRET under keys is left out of the batch and
     * marked for the replace-secret checklist (the secret, then rotateKeys and JWKS, audited as
     * one run) instead of refused. */
    bool replace_secret;
    bool prune; /* --prune: delete what only the deployment has (never the secret or JWKS) */
    /* Only the names in the local list matter (env set / env unset): remote-only names are
     * neither listed nor pruned. */
    bool only_local;
    /* The secret to use when one must be generated; NULL draws one (tests fix it). */
    const char *generated_secret;
} bc_envsync_opts;

typedef struct {
    char *path;             /* the local file, for messages (may be NULL) */
    bc_envsync_item *items; /* sorted by name */
    size_t n;
    char **warnings; /* "convex/.env:7: warning: ...", lint, JWKS findings */
    size_t n_warnings;
    char **refusals; /* why the plan must not be applied; empty when it may */
    size_t n_refusals;
    bc_envsync_jwks_step jwks;
    char *secret;          /* BETTER_AUTH_SECRET once the plan is applied, or NULL */
    char *secrets;         /* BETTER_AUTH_SECRETS (versioned, Better Auth 1.5+) then, or NULL */
    bool secret_generated; /* secret was generated: written to the file before pushing */
    bool secret_offer;     /* the deployment's secret is missing from the file: offer to copy it */
    bool force;            /* made with --force: a key that does not decrypt is rotated */
    /* With replace_secret: the new BETTER_AUTH_SECRET (owned), for the replace-secret checklist;
     * NULL when the secret does not change under keys. */
    char *replace_secret;
    json_t *final;         /* every variable as the deployment will hold it (name -> value) */
} bc_envsync_plan;

/* One local entry (what the file says, or what `env set` / `env unset` asks). */
typedef struct {
    const char *name;
    const char *value; /* NULL with remove */
    size_t value_len;
    unsigned line; /* 0 when not from a file */
    bool remove;   /* delete the name from the deployment (`env unset`) */
} bc_envsync_local;

/* The plan for local entries against remote ({"NAME":"value",...} as bc_convex_env_list gives
 * it). path names the file in messages (may be NULL). *out is the caller's even on failure:
 * bc_envsync_plan_release. Fails only on malformed input (BC_USAGE: a remote value that is not a
 * string, a duplicate local name) or when no random secret could be drawn. */
bc_status bc_envsync_plan_make(const bc_envsync_local *local, size_t n, const char *path,
                               const json_t *remote, const bc_envsync_opts *opts,
                               bc_envsync_plan *out, bc_error *err);
/* The same for a parsed file: the entries dotenv keeps, its diagnostics as warnings with
 * file:line. */
bc_status bc_envsync_plan_file(const bc_dotenv *env, const json_t *remote,
                               const bc_envsync_opts *opts, bc_envsync_plan *out, bc_error *err);
void bc_envsync_plan_release(bc_envsync_plan *plan);

/* The batch for update_environment_variables: [{"name","value"|null}] of the included
 * ADD/CHANGE/REMOVE items (the caller decrefs). */
json_t *bc_envsync_plan_changes(const bc_envsync_plan *plan);
/* How many items of a kind the plan has. */
size_t bc_envsync_plan_count(const bc_envsync_plan *plan, bc_envsync_kind kind);
/* The item for name, or NULL (owned by the plan). */
const bc_envsync_item *bc_envsync_plan_find(const bc_envsync_plan *plan, const char *name);
/* Names on which the file and the deployment differ (every item but UNCHANGED and EMPTY): the
 * drift the overview shows ("in sync" when 0). */
size_t bc_envsync_plan_differences(const bc_envsync_plan *plan);
/* Whether applying would change anything on the deployment or in the file. */
bool bc_envsync_plan_has_work(const bc_envsync_plan *plan);

/* ---- lint and JWKS checks (also part of every plan) -------------------------------------- */

/* Append to *lines (n of them; each the caller's, as is the array) what is wrong with the auth
 * variables in vars (name -> value): SITE_URL missing or not an http(s) URL, a social provider's
 * CLIENT_ID without its CLIENT_SECRET or the reverse, BETTER_AUTH_SECRET shorter than 32. */
void bc_envsync_lint(const json_t *vars, char ***lines, size_t *n);

/* Check a JWKS value against the secret it must decrypt with, by the JWKS doctor's key checks
 * (jwks_doctor.h: valid JSON in the Convex CLI's form, exactly one key, RS256 with RSA 2048+,
 * the private key decrypts with secret and matches the public key, a test token verifies).
 * BC_OK, or BC_ERR with the first failing check. */
bc_status bc_envsync_jwks_check(const char *jwks, size_t len, const char *secret,
                                const char *secrets, bc_error *err);

/* ---- comparing two deployments ------------------------------------------------------------ */

typedef enum {
    BC_ENVSYNC_SAME,
    BC_ENVSYNC_DIFFERENT,
    BC_ENVSYNC_ONLY_HERE,  /* only in the first */
    BC_ENVSYNC_ONLY_THERE, /* only in the second */
} bc_envsync_cmp_kind;

/* "same", "different", "only-here", "only-there". */
const char *bc_envsync_cmp_name(bc_envsync_cmp_kind kind);

typedef struct {
    char *name;
    bc_envsync_cmp_kind kind;
    char *here_mask, *there_mask; /* bc_envsync_mask of each side, NULL where absent */
} bc_envsync_cmp_item;

typedef struct {
    bc_envsync_cmp_item *items; /* sorted by name */
    size_t n;
} bc_envsync_cmp;

/* Compare two variable sets (name -> value); values compare by bytes, shown by hash. */
bc_status bc_envsync_compare(const json_t *here, const json_t *there, bc_envsync_cmp *out,
                             bc_error *err);
void bc_envsync_cmp_release(bc_envsync_cmp *cmp);

/* ---- applying --------------------------------------------------------------------------- */

typedef struct {
    bc_state *audit;  /* the state database: every request is audited (NULL: none) */
    bc_audit_who who; /* target_kind "convex", target = the deployment's label */
    bool write_offer; /* copy the deployment's secret into the file (secret_offer) */
    /* Where getLatestJwks/rotateKeys/findMany live and the site URL (the target's detected
     * layout, target.h), borrowed; NULL: auth:* on c and no site URL. */
    const bc_jwks_deploy *keys;
    const char *action;    /* audit action of the variables request; NULL: "env.sync" */
} bc_envsync_apply_opts;

/* What happened, step by step, for the caller to print. */
typedef struct {
    bool file_written;            /* the local file got the generated (or pulled) secret */
    bool batch_sent;              /* the variables request succeeded */
    size_t batch_changes;         /* how many changes it carried */
    bool verified;                /* a re-list showed every change */
    bool jwks_set;                /* JWKS was created (or rotated) and set */
    bool unchanged_after_failure; /* a failed request left the deployment as it was (re-listed) */
    bool doctor_failed;           /* the JWKS doctor, run after applying, found a failure */
    char **steps;                 /* human lines: "wrote BETTER_AUTH_SECRET to convex/.env" */
    size_t n_steps;
} bc_envsync_report;

void bc_envsync_report_release(bc_envsync_report *r);

/* Apply plan to the deployment c. BC_REFUSED (with every reason) when the plan has refusals.
 * Order: the file (a generated secret, or the deployment's when write_offer), then one atomic
 * update_environment_variables request, a re-list that must show every change, then the JWKS
 * step: getLatestJwks (or rotateKeys) runs on the deployment, which encrypts the key with the
 * BETTER_AUTH_SECRET it holds at that moment - so it can only run once the secret is live - and
 * its result, checked against the final secret, is set in a second request. With a JWKS step the
 * JWKS doctor then checks the deployment (its findings are report steps). On a failed request
 * the deployment is listed again and the report says whether it is unchanged. auth_path NULL
 * means "auth". */
bc_status bc_envsync_apply(bc_convex *c, bc_envsync_plan *plan, const bc_envsync_apply_opts *o,
                           bc_envsync_report *report, bc_error *err);

#endif
