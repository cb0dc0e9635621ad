/* convex_driver.h - the driver ops of driver.h over a Convex deployment's auth functions.
 *
 * Talks to the internal functions better-convex's createApi exports (findMany, findOne, create,
 * updateMany, deleteMany...) at `auth:*` (better-convex <= 0.6), `generated/auth:*` (0.11) or a
 * component install (`adapter:*` in component betterAuth), detected at open. Convex has no
 * transactions for callers outside (txn is NULL), no cheap count (totals are lower bounds
 * unless the whole filter fits in one read) and no case-insensitive search (CONTAINS is
 * filtered here while paging, so a page may come back short with a next cursor).
 */
#ifndef BC_CONVEX_DRIVER_H
#define BC_CONVEX_DRIVER_H

#include <stdbool.h>
#include <stddef.h>

#include "convex_http.h"
#include "driver.h"

typedef struct {
    const char *auth_functions; /* --auth-functions MODULE ("auth", "generated/auth"): no probe */
    const char *component;      /* --component PATH ("betterAuth"): adapter:* in that component */
    const char *label;          /* what the operator sees (copied); default: the URL */
    bool production;            /* marked PROD */
    bool read_only;
    /* An open connection to use (borrowed: it must outlive the driver); url and admin_key are
     * then ignored. NULL: the driver makes and owns its own. */
    bc_convex *conn;
    /* A layout found earlier ("auth:*", "generated/auth:*", "betterAuth/adapter:*"), used
     * without a probe; a call that answers "function not found" then probes again once. */
    const char *cached_functions;
    /* Called with the layout whenever a probe finds one (at open, or after a stale cache). */
    void (*on_layout)(void *ctx, const char *functions);
    void *layout_ctx;
} bc_convex_opts;

/* Connect to url with admin_key (copied, never printed) and find the auth functions: one round
 * trip that asks every known layout at once and keeps the first that answers in the order
 * auth:, generated/auth:, component betterAuth. Errors name the deployment, what was tried and
 * why each failed (refused key, missing function...). *out is the caller's: bc_driver_close. */
bc_status bc_convex_open(const char *url, const char *admin_key, const bc_convex_opts *opts,
                         bc_driver **out, bc_error *err);

/* Whether d is a Convex driver (made by bc_convex_open). */
bool bc_driver_is_convex(const bc_driver *d);

/* Where the auth functions were found: "auth:*", "generated/auth:*" or "betterAuth/adapter:*"
 * (points into d). */
const char *bc_convex_functions(const bc_driver *d);

/* Whether creating rows through `create` skips the app's triggers on this deployment
 * (better-convex <= 0.6 and component installs run them only when the caller passes function
 * handles, which bcadmin cannot): the create-user verb must warn the operator first. */
bool bc_convex_bypasses_triggers(const bc_driver *d);

/* The deployment connection under d (NULL when d is not a Convex driver): for calls beyond the
 * driver ops (getLatestJwks, environment variables). Borrowed: it lives as long as d. */
bc_convex *bc_convex_driver_http(bc_driver *d);

/* Rounds of HTTP requests sent so far (concurrent calls count once), for tests and benchmarks. */
size_t bc_convex_driver_round_trips(const bc_driver *d);

#endif
