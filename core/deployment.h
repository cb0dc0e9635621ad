/* deployment.h - which Convex deployment to talk to, chosen exactly like the Convex CLI does.
 *
 * Order, first match wins: --url with --admin-key; CONVEX_DEPLOY_KEY (or CONVEX_DEPLOYMENT_TOKEN)
 * holding a prod: or dev: deploy key; CONVEX_SELF_HOSTED_URL with CONVEX_SELF_HOSTED_ADMIN_KEY.
 * Variables come from a list of sources searched in order (the process environment, then
 * .env.local, then .env); an empty value counts as unset and a later source never overrides an
 * earlier one. Keys are secrets: nothing here prints or logs them; a deployment carries a short
 * SHA-256 fingerprint instead, to tell deployments apart in labels and the audit log.
 */
#ifndef BC_DEPLOYMENT_H
#define BC_DEPLOYMENT_H

#include <stdbool.h>
#include <stddef.h>

#include "status.h"

/* One place variables come from: fn returns the value of name or NULL (borrowed, valid until the
 * choice is made). label names the place in messages ("the environment", ".env.local"). */
typedef const char *(*bc_env_lookup_fn)(void *ctx, const char *name);
typedef struct {
    const char *label;
    bc_env_lookup_fn fn;
    void *ctx;
} bc_env_source;

/* The process environment as a source (getenv). */
extern const bc_env_source bc_env_process;

/* Asks Convex's url_for_key service for a deploy key's URL; *url is the caller's (free). */
typedef bc_status (*bc_url_for_key_fn)(const char *deploy_key, char **url, bc_error *err);

typedef struct {
    const char *url;       /* --url: with --admin-key it selects; alone it overrides a key's URL */
    const char *admin_key; /* --admin-key */
    bool prod;             /* --prod: the operator means the production deployment */
    /* When set (--url-for-key / BCADMIN_CONVEX_URL_FOR_KEY=1), a deploy key's URL is asked
     * of this function first; otherwise https://NAME.convex.cloud is used. */
    bc_url_for_key_fn url_for_key;
} bc_deploy_opts;

typedef enum {
    BC_DEPLOY_FLAGS,       /* --url and --admin-key */
    BC_DEPLOY_KEY,         /* CONVEX_DEPLOY_KEY / CONVEX_DEPLOYMENT_TOKEN */
    BC_DEPLOY_SELF_HOSTED, /* CONVEX_SELF_HOSTED_URL + CONVEX_SELF_HOSTED_ADMIN_KEY */
} bc_deploy_via;

/* A chosen deployment. Every string is owned; bc_deployment_release frees them (and wipes the
 * key). */
typedef struct {
    bc_deploy_via via;
    char *url;
    char *key;         /* SECRET: pass to bc_convex_new, never print, log or store */
    char *name;        /* the deployment name ("happy-otter-123") or the URL's host */
    char *fingerprint; /* "key:1a2b3c4d": first 8 hex digits of SHA-256 of the key */
    char *label;       /* what the operator sees: "prod happy-otter-123 (key:1a2b3c4d)" */
    char *how;         /* how it was chosen: "CONVEX_DEPLOY_KEY from .env.local; URL
                          https://NAME.convex.cloud (fallback)" - names, never values */
    bool production;
} bc_deployment;

/* Choose a deployment. BC_NOT_FOUND when nothing is configured (the message says what to set);
 * BC_USAGE for a conflict or a refused key kind (preview:, project:), with the reason. */
bc_status bc_deployment_choose(const bc_deploy_opts *opts, const bc_env_source *sources,
                               size_t n_sources, bc_deployment *out, bc_error *err);

/* Whether any of the selecting variables is set in the sources (so a verb without --db knows a
 * deployment was meant). */
bool bc_deployment_configured(const bc_deploy_opts *opts, const bc_env_source *sources,
                              size_t n_sources);

void bc_deployment_release(bc_deployment *d);

/* "key:" and the first 8 hex digits of SHA-256 of key; the caller frees it. */
char *bc_key_fingerprint(const char *key);

/* The real url_for_key client: POST https://api.convex.dev/api/deployment/url_for_key (the base
 * can be changed with BCADMIN_CONVEX_API_URL, for tests). */
bc_status bc_deployment_url_for_key(const char *deploy_key, char **url, bc_error *err);

#endif
