/* jwks_convex.h - a better-convex deployment's signing keys: the thin gathering layer for the
 * doctor (environment, jwks rows, the site's published keys), the getLatestJwks / rotateKeys
 * actions, setting JWKS in the Convex CLI's exact form, and the checklist actions of the
 * bootstrap and rotation runbooks (assets/checklists), which audit every change.
 */
#ifndef BC_JWKS_CONVEX_H
#define BC_JWKS_CONVEX_H

#include <jansson.h>
#include <stddef.h>

#include "checklist.h"
#include "convex_http.h"
#include "jwk.h"
#include "jwks_doctor.h"
#include "status.h"

typedef struct {
    bc_convex *c;          /* borrowed */
    const char *module;    /* where getLatestJwks/rotateKeys/findMany live: NULL = "auth" */
    const char *component; /* componentPath of findMany (component installs: "betterAuth"), or
                              NULL; with it findMany is "adapter:findMany" */
    const char *site_url;  /* CONVEX_SITE_URL from bcadmin's environment, or NULL */
    const char *site_url_from; /* where site_url came from ("--site-url", ".env.local"), or NULL */
    /* The replace-secret checklist's new BETTER_AUTH_SECRET (borrowed, in memory only: never
     * stored in the run), or NULL. */
    const char *new_secret;
    const char *auth_base_path; /* Better Auth's basePath ("/api/auth" when NULL): the site
                                   publishes the keys at SITE + basePath + "/convex/jwks" */
    /* Where getLatestJwks / rotateKeys live. Beside findMany (module) unless the operator named
     * the module (key_module: --jwks-module, BCADMIN_JWKS_MODULE); on a component install the
     * app wrote them in a module of its choosing, found on first use (bc_jwks_key_module) and
     * kept in *found (a string its owner frees; found may be NULL: not kept). */
    const char *key_module;
    char **found;
} bc_jwks_deploy;

/* Everything the doctor looks at, gathered; bc_jwks_gathered_release frees it. */
typedef struct {
    json_t *env;
    char *env_error;
    bc_jwks_rows rows;
    bool have_rows;
    char *rows_error;
    char *site_url, *site_url_from;
    char *published;
    long published_status;
    char *published_error;
    bool published_unread; /* not fetched: the deployment had no key, and Better Auth makes one
                            * on the first read of its keys (a change, not a check) */
} bc_jwks_gathered;

void bc_jwks_gathered_release(bc_jwks_gathered *g);
/* Gather (never fails: what cannot be read is recorded with why). */
void bc_jwks_gather(const bc_jwks_deploy *dep, bc_jwks_gathered *g);
/* The doctor's inputs pointing into g. */
bc_jwks_convex_inputs bc_jwks_gathered_inputs(const bc_jwks_gathered *g);
/* Gather and run the Convex doctor. */
bc_status bc_jwks_doctor_deployment(const bc_jwks_deploy *dep, bc_checks *out, bc_error *err);

/* The site URL: the deployment's CONVEX_SITE_URL variable, else dep->site_url, else derived from
 * https://NAME.convex.cloud (-> .convex.site). *from says which (static). Caller frees. */
char *bc_jwks_site_url(const bc_jwks_deploy *dep, const json_t *env, const char **from);

/* The module holding the key actions (*module is the caller's). On a component install
 * without key_module, the first call searches in one round trip: the deployment's function list
 * (_system/cli/modules:apiSpec, what `npx convex function-spec` reads) names the root modules
 * with a getLatestJwks action; when the list cannot be read, the usual module names (auth, jwks,
 * keys, authKeys) are probed through /api/query, which tells an action apart without running it.
 * *how (static, may be NULL) says which. A failure names everything that was tried and the
 * option to give. */
bc_status bc_jwks_key_module(const bc_jwks_deploy *dep, char **module, const char **how,
                             bc_error *err);

/* The jwks rows in the deployment's database (findMany). */
bc_status bc_jwks_deploy_rows(const bc_jwks_deploy *dep, bc_jwks_rows *out, bc_error *err);
/* getLatestJwks / rotateKeys: the one-element array they return. getLatestJwks answers with the
 * newest row of the table as read after the action (a racing call may have made a newer one). */
bc_status bc_jwks_deploy_latest(const bc_jwks_deploy *dep, bc_jwks_rows *out, bc_error *err);
bc_status bc_jwks_deploy_rotate(const bc_jwks_deploy *dep, bc_jwks_rows *out, bc_error *err);
/* Set JWKS to rows in the CLI's form, in one batch. */
bc_status bc_jwks_deploy_set_env(const bc_jwks_deploy *dep, const bc_jwks_rows *rows,
                                 bc_error *err);

/* The checklist actions for a bc_jwks_deploy target (ctx->target): convex.reachable,
 * convex.secret_present, convex.get_latest_jwks, convex.set_jwks, jwks.doctor, convex.impact,
 * convex.rotate_keys, convex.verify_rotation, convex.replace_secret, record. */
extern const bc_checklist_action bc_jwks_actions[];
extern const size_t bc_jwks_n_actions;

#endif
