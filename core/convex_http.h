/* convex_http.h - calling a Convex deployment over HTTPS (libcurl): functions and env variables.
 *
 * One bc_convex per deployment: URL, admin key (never printed or logged), and counters. Every
 * call goes through a bc_convex_queue: calls are added one by one, sent as soon as one of its
 * places (requests in flight at once) is free, and come back one by one as their answers
 * arrive, so a caller can send the next call an answer makes possible while others still run.
 * bc_convex_run is the simple form: send a set at once, wait for all (one round trip). Each call
 * is retried on its own, after the deployment's Retry-After (else a doubling backoff): reads on
 * 429, 503 and network failures, writes only on 429 (turned away before running); a write is
 * otherwise never repeated, and an uncertain write says so.
 *
 * Arguments and results are JSON already in the convex_encoded_json value encoding (see
 * convex_value.h). Every json_t * handed back is the caller's (json_decref).
 */
#ifndef BC_CONVEX_HTTP_H
#define BC_CONVEX_HTTP_H

#include <jansson.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>

#include "status.h"

typedef struct bc_convex bc_convex;

/* url: "https://name.convex.cloud" or a self-hosted URL (http allowed only for loopback hosts).
 * admin_key is copied. *out is the caller's: bc_convex_free. */
bc_status bc_convex_new(const char *url, const char *admin_key, bc_convex **out, bc_error *err);
void bc_convex_free(bc_convex *c);
const char *bc_convex_url(const bc_convex *c);
/* Requests stop (BC_CANCELLED) while *flag is true; it is polled every 50 ms and may be set from
 * another thread. The flag is borrowed and must outlive c (NULL: never stopped). */
void bc_convex_set_cancel(bc_convex *c, const atomic_bool *flag);
/* --read-only: from now on every call that is not marked read_only, and every environment
 * change, is refused (bc_read_only_refuse naming label) before a request is sent. */
void bc_convex_set_read_only(bc_convex *c, const char *label);

typedef enum {
    BC_CALL_QUERY,
    BC_CALL_MUTATION,
    BC_CALL_ACTION,
    BC_CALL_FUNCTION, /* /api/function: any kind, and the only way to reach a component */
    BC_CALL_ENV_LIST, /* not a function: the environment variables (value: {"NAME":"value"}), so
                       * they can be read in the same round trip as function calls */
} bc_call_kind;

/* One function call. Fill the first block; bc_convex_run fills the second. */
typedef struct {
    bc_call_kind kind;
    const char *path;      /* "auth:findMany" */
    const char *component; /* componentPath ("betterAuth") or NULL; needs BC_CALL_FUNCTION */
    json_t *args;          /* borrowed */
    bool read_only;        /* safe to repeat: retried on 429 / 503 / network failure */

    bc_status status;
    json_t *value;      /* on success: the function's return value (caller's) */
    json_t *error_data; /* on a function error: its errorData, if any (caller's) */
    bc_error err;       /* on failure: what happened, naming the function and deployment */
    long http_status;
    json_t *log_lines; /* the function's logLines when it sent any (caller's; NULL means []) */
    bool sent;         /* a request reached the deployment and was not turned away: it may have run
                        * (false: refused, stopped before sending, or only answered 429: nothing ran) */
    void *tag;         /* the caller's own (a queue's user: what the answer is for); left alone */
} bc_convex_call;

/* Calls sent as places free up and answered one by one. At most in_flight requests at once (a
 * retry waiting out its backoff holds no place). *out of _new is the caller's:
 * bc_convex_queue_free, which stops whatever still runs (a write still running must be waited for
 * with _next first). Only one queue of a bc_convex should run at a time (another uses connections
 * of its own). */
typedef struct bc_convex_queue bc_convex_queue;
bc_convex_queue *bc_convex_queue_new(bc_convex *c, size_t in_flight);
/* Add a call (borrowed until _next hands it back): sent when a place is free. Under --read-only a
 * write comes back refused without being sent. */
void bc_convex_queue_add(bc_convex_queue *q, bc_convex_call *call);
/* Wait for the next call to finish (any order), its results filled as bc_convex_run fills them;
 * NULL when none is left. A stop request (bc_convex_set_cancel) ends every call still waiting
 * or running as BC_CANCELLED (sent says whether it may have run). */
bc_convex_call *bc_convex_queue_next(bc_convex_queue *q);
/* Calls added and not yet handed back by _next; of them, requests running now. */
size_t bc_convex_queue_busy(const bc_convex_queue *q);
size_t bc_convex_queue_running(const bc_convex_queue *q);
void bc_convex_queue_free(bc_convex_queue *q);

/* Run n calls concurrently (a queue with n places: one round). Returns BC_OK when all
 * succeeded, else the first failure's status (each call has its own status and error). Under
 * --read-only a set holding a write is refused whole. */
bc_status bc_convex_run(bc_convex *c, bc_convex_call *calls, size_t n);
/* Read one call's HTTP answer (status and body, as received from url) into call exactly as
 * bc_convex_run does: value, function error or HTTP failure. For replaying recorded answers
 * (tests, the fuzzer). */
void bc_convex_answer(bc_convex_call *call, long http_status, const char *body, size_t len,
                      const char *url);
/* Release what a call's results hold (value, error_data, log_lines). */
void bc_convex_call_release(bc_convex_call *call);

/* Environment variables: {"NAME":"value",...} (caller's). */
bc_status bc_convex_env_list(bc_convex *c, json_t **vars, bc_error *err);
/* Apply a batch of changes atomically: changes is [{"name":..,"value":..|null},...]. */
bc_status bc_convex_env_update(bc_convex *c, json_t *changes, bc_error *err);

/* GET an absolute URL (the site's published JWKS, say): body is the caller's (free). */
bc_status bc_http_get(const char *url, char **body, long *http_status, bc_error *err);

/* POST a JSON body to an absolute URL with an optional "Authorization: Bearer" secret (never
 * logged); retried like a read. *answer (the body, for any HTTP status) is the caller's. */
bc_status bc_http_post_json(const char *url, const char *bearer, const char *body, char **answer,
                            long *http_status, bc_error *err);

/* Rounds of requests sent so far, for benchmarks: requests sent while none of their queue's was
 * running (a concurrent batch counts once; a queue kept busy counts once). */
size_t bc_convex_round_trips(const bc_convex *c);

#endif
