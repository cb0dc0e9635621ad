/* convex_http.c - HTTPS requests to a Convex deployment with libcurl (easy handles driven by
 * one multi handle), retries for reads, and the deployment's error shapes turned into messages.
 *
 * A bc_convex keeps its multi handle from round to round: the multi handle owns libcurl's
 * connection cache, so a new round reuses the TCP (and TLS) connections of the last one instead
 * of paying for new handshakes; over HTTPS the requests of a round share one HTTP/2 connection
 * where the deployment offers it. Writes are the exception: each goes on a fresh connection (see
 * make_easy), so libcurl never resends one by itself. Every request goes through a queue
 * (queue_step): bc_convex_run, bc_convex_queue_* and the plain requests (perform) alike. */
#include "convex_http.h"

#include <curl/curl.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "driver.h"
#include "xalloc.h"

#define MAX_BODY (64u << 20) /* a hostile or broken peer cannot make us buffer more */
#define MAX_ATTEMPTS 4

struct bc_convex {
    char *url; /* without a trailing slash */
    char *auth_header;
    size_t round_trips;
    const atomic_bool *cancel; /* bc_convex_set_cancel; NULL: never stopped */
    char *read_only;           /* bc_convex_set_read_only: the label refusals name; NULL: writable */
    CURLM *multi;              /* kept between rounds: its connection cache (NULL until used) */
    atomic_flag multi_busy;    /* set while a round drives multi; another thread's round (if
                                * ever) then uses a multi of its own instead of waiting */
};

enum { MAX_CONNECTIONS = 16 }; /* kept open between rounds: twice the requests sent at once */

/* One HTTP exchange. */
typedef struct {
    const char *method; /* "GET" | "POST" */
    char *url;          /* owned */
    const char *auth;   /* an Authorization header line other than the deployment's, or NULL */
    char *body;         /* owned request body, or NULL */
    bool retry_safe;
    int attempts;
    /* results */
    CURLcode curl_code;
    char curl_msg[CURL_ERROR_SIZE];
    long http_status;
    bc_buf response;
    bool too_big;
    bool cancelled; /* the operator stopped it before it finished */
    bool maybe_ran; /* an attempt reached the deployment and was not turned away (429) */
    bool ran_earlier; /* maybe_ran before the attempt under way */
} request;

static bool curl_ready;

static void global_init(void)
{
    if (!curl_ready) {
        curl_global_init(CURL_GLOBAL_DEFAULT);
        curl_ready = true;
    }
}

/* Plain http is allowed only to this machine (self-hosted and test deployments). */
static bool url_allowed(const char *url)
{
    if (strncmp(url, "https://", 8) == 0)
        return url[8] != '\0';
    static const char *const local[] = {"http://127.0.0.1", "http://localhost", "http://[::1]"};
    for (size_t i = 0; i < sizeof local / sizeof *local; i++) {
        size_t n = strlen(local[i]);
        if (strncmp(url, local[i], n) == 0 && (url[n] == ':' || url[n] == '/' || !url[n]))
            return true;
    }
    return false;
}

bc_status bc_convex_new(const char *url, const char *admin_key, bc_convex **out, bc_error *err)
{
    *out = NULL;
    if (!url || !url_allowed(url))
        return bc_fail(err, BC_USAGE,
                       "deployment URL \"%s\" must be https:// (plain http only to this machine)",
                       url ? url : "");
    const char *host = strstr(url, "://");
    const char *path = host ? strchr(host + 3, '/') : NULL;
    if (path && path[strspn(path, "/")])
        return bc_fail(err, BC_USAGE,
                       "deployment URL \"%s\" has a path (%s): give the deployment's address "
                       "alone, e.g. %.*s",
                       url, path, (int)(path - url), url);
    if (!admin_key || !*admin_key)
        return bc_fail(err, BC_USAGE, "no admin or deploy key for %s", url);
    for (const char *p = admin_key; *p; p++)
        if ((unsigned char)*p < 0x20 || *p == 0x7f)
            return bc_fail(err, BC_USAGE, "the admin key holds a control character");
    global_init();
    bc_convex *c = bc_xcalloc(1, sizeof *c);
    atomic_flag_clear(&c->multi_busy);
    c->url = bc_xstrdup(url);
    size_t n = strlen(c->url);
    while (n > 0 && c->url[n - 1] == '/')
        c->url[--n] = '\0';
    c->auth_header = bc_xasprintf("Authorization: Convex %s", admin_key);
    *out = c;
    return BC_OK;
}

void bc_convex_free(bc_convex *c)
{
    if (!c)
        return;
    if (c->auth_header) /* wipe the key before the memory goes back */
        memset(c->auth_header, 0, strlen(c->auth_header));
    free(c->auth_header);
    if (c->multi)
        curl_multi_cleanup(c->multi); /* closes the connections it kept */
    free(c->url);
    free(c->read_only);
    free(c);
}

const char *bc_convex_url(const bc_convex *c)
{
    return c->url;
}

void bc_convex_set_read_only(bc_convex *c, const char *label)
{
    free(c->read_only);
    c->read_only = bc_xstrdup(label && *label ? label : c->url);
}

/* Under --read-only every call that is not a read, and the whole batch with it, is refused
 * before anything is sent. */
static bc_status refuse_writes(bc_convex *c, bc_convex_call *calls, size_t n)
{
    bc_status st = BC_OK;
    for (size_t i = 0; c->read_only && i < n; i++)
        if (!calls[i].read_only)
            st = bc_read_only_refuse(c->read_only, calls[i].path, &calls[i].err);
    for (size_t i = 0; st != BC_OK && i < n; i++) {
        calls[i].status = BC_REFUSED;
        if (calls[i].read_only)
            bc_read_only_refuse(c->read_only, "the batch with a write", &calls[i].err);
    }
    return st;
}

void bc_convex_set_cancel(bc_convex *c, const atomic_bool *flag)
{
    c->cancel = flag;
}

size_t bc_convex_round_trips(const bc_convex *c)
{
    return c->round_trips;
}

static size_t on_data(char *data, size_t size, size_t nmemb, void *userdata)
{
    request *r = userdata;
    size_t n = size * nmemb;
    if (r->response.len + n > MAX_BODY) {
        r->too_big = true;
        return 0; /* makes curl fail the transfer */
    }
    bc_buf_append(&r->response, data, n);
    return n;
}

static long timeout_ms(void)
{
    const char *s = getenv("BCADMIN_HTTP_TIMEOUT_MS");
    long v = s ? strtol(s, NULL, 10) : 0;
    return v > 0 ? v : 30000;
}

static CURL *make_easy(bc_convex *c, request *r, struct curl_slist **headers)
{
    CURL *h = curl_easy_init();
    if (!h)
        return NULL;
    *headers = NULL;
    if (c)
        *headers = curl_slist_append(*headers, c->auth_header);
    else if (r->auth)
        *headers = curl_slist_append(*headers, r->auth);
    *headers = curl_slist_append(*headers, "Content-Type: application/json");
    *headers = curl_slist_append(*headers, "Convex-Client: bcadmin-" BCADMIN_VERSION);
    curl_easy_setopt(h, CURLOPT_URL, r->url);
    curl_easy_setopt(h, CURLOPT_HTTPHEADER, *headers);
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_data);
    curl_easy_setopt(h, CURLOPT_WRITEDATA, r);
    curl_easy_setopt(h, CURLOPT_ERRORBUFFER, r->curl_msg);
    curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, 10000L);
    curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, timeout_ms());
    curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 0L);
    curl_easy_setopt(h, CURLOPT_SSL_VERIFYPEER, 1L);
    curl_easy_setopt(h, CURLOPT_SSL_VERIFYHOST, 2L);
    curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(h, CURLOPT_USERAGENT, "bcadmin/" BCADMIN_VERSION);
    if (strncmp(r->url, "https://", 8) == 0) /* wait to share an HTTP/2 connection */
        curl_easy_setopt(h, CURLOPT_PIPEWAIT, 1L);
    /* libcurl sends a request again by itself when a kept connection turns out closed before
     * any answer came: harmless for a read, a second run for a write whose answer was lost. So
     * a write goes on a connection of its own, where a lost answer is reported, never resent. */
    if (!r->retry_safe)
        curl_easy_setopt(h, CURLOPT_FRESH_CONNECT, 1L);
    if (strcmp(r->method, "POST") == 0) {
        curl_easy_setopt(h, CURLOPT_POST, 1L);
        curl_easy_setopt(h, CURLOPT_POSTFIELDS, r->body ? r->body : "");
    }
    return h;
}

/* Whether a finished request should be sent again: a read after a passing failure; any request
 * the deployment turned away with 429 (rate limited before running anything, so a write too). */
static bool should_retry(const request *r)
{
    if (r->attempts >= MAX_ATTEMPTS || r->too_big)
        return false;
    if (!r->retry_safe)
        return r->curl_code == CURLE_OK && r->http_status == 429;
    if (r->curl_code != CURLE_OK)
        return r->curl_code == CURLE_COULDNT_CONNECT || r->curl_code == CURLE_OPERATION_TIMEDOUT ||
               r->curl_code == CURLE_RECV_ERROR || r->curl_code == CURLE_SEND_ERROR ||
               r->curl_code == CURLE_GOT_NOTHING || r->curl_code == CURLE_PARTIAL_FILE;
    return r->http_status == 429 || r->http_status == 503;
}

static bool stopped(const bc_convex *c)
{
    return c && c->cancel && atomic_load(c->cancel);
}

static long long now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Sleep ms, in slices so that a stop request ends it early. */
static void sleep_ms(const bc_convex *c, long ms)
{
    while (ms > 0 && !stopped(c)) {
        long slice = ms < 50 ? ms : 50;
        struct timespec ts = {0, slice * 1000000L};
        while (nanosleep(&ts, &ts) != 0)
            ;
        ms -= slice;
    }
}

/* The multi handle a queue runs on: c's own, kept with its connections from queue to queue,
 * unless another queue holds it (then a fresh one, *own set: the caller cleans it up). */
static CURLM *take_multi(bc_convex *c, bool *own)
{
    *own = true;
    if (c && !atomic_flag_test_and_set(&c->multi_busy)) {
        if (!c->multi) {
            c->multi = curl_multi_init();
            if (c->multi)
                curl_multi_setopt(c->multi, CURLMOPT_MAXCONNECTS, (long)MAX_CONNECTIONS);
        }
        if (c->multi) {
            *own = false;
            return c->multi;
        }
        atomic_flag_clear(&c->multi_busy);
    }
    return curl_multi_init();
}

static void give_multi(bc_convex *c, CURLM *multi, bool own)
{
    if (own)
        curl_multi_cleanup(multi);
    else
        atomic_flag_clear(&c->multi_busy);
}

/* --- the queue: requests sent as places free up, answered one by one ---------------------- */

typedef enum { SLOT_WAITING, SLOT_RUNNING, SLOT_DONE } slot_state;

/* One request in a queue: waiting (first send, or a retry's backoff until due), running, done. */
typedef struct {
    request *r;
    bool own_r;           /* r was made by bc_convex_queue_add (else the caller's) */
    bc_convex_call *call; /* the call it carries, or NULL (a plain request) */
    slot_state state;
    long long due; /* waiting: not sent before this (monotonic ms) */
    CURL *easy;
    struct curl_slist *headers;
} slot;

struct bc_convex_queue {
    bc_convex *c; /* NULL for requests to other hosts (bc_http_get) */
    CURLM *multi;
    bool own_multi;
    size_t in_flight, running;
    slot **s; /* in the order they were added; a slot leaves once its answer is taken */
    size_t n, cap;
};

static bc_convex_queue *queue_new(bc_convex *c, size_t in_flight)
{
    bc_convex_queue *q = bc_xcalloc(1, sizeof *q);
    q->c = c;
    q->in_flight = in_flight ? in_flight : 1;
    q->multi = take_multi(c, &q->own_multi);
    return q;
}

static slot *queue_push(bc_convex_queue *q, request *r, bool own_r, bc_convex_call *call)
{
    if (q->n == q->cap) {
        q->cap = q->cap ? q->cap * 2 : 16;
        q->s = bc_xrealloc(q->s, q->cap * sizeof *q->s);
    }
    slot *sl = bc_xcalloc(1, sizeof *sl);
    *sl = (slot){.r = r, .own_r = own_r, .call = call, .state = SLOT_WAITING};
    q->s[q->n++] = sl;
    return sl;
}

static void slot_stop_transfer(bc_convex_queue *q, slot *sl)
{
    if (!sl->easy)
        return;
    curl_multi_remove_handle(q->multi, sl->easy);
    curl_easy_cleanup(sl->easy);
    curl_slist_free_all(sl->headers);
    sl->easy = NULL;
    sl->headers = NULL;
    q->running--;
}

/* Send a waiting request now. A request sent while none of the queue's is running starts a new
 * round (the round trips the caller waits on one after another). */
static void slot_start(bc_convex_queue *q, slot *sl)
{
    request *r = sl->r;
    bc_buf_release(&r->response);
    r->curl_msg[0] = '\0';
    r->http_status = 0;
    r->curl_code = CURLE_OK;
    r->attempts++;
    sl->easy = q->multi ? make_easy(q->c, r, &sl->headers) : NULL;
    if (!sl->easy) {
        r->curl_code = CURLE_FAILED_INIT;
        sl->state = SLOT_DONE;
        return;
    }
    if (q->c && q->running == 0)
        q->c->round_trips++;
    r->ran_earlier = r->maybe_ran;
    r->maybe_ran = true;
    curl_multi_add_handle(q->multi, sl->easy);
    sl->state = SLOT_RUNNING;
    q->running++;
}

/* How long a request turned away waits before it is sent again: the deployment's Retry-After
 * when it gave one (at most 60 s), else 200 ms doubling with each attempt, plus jitter. */
static long backoff_ms(const request *r, long retry_after_s)
{
    if (retry_after_s > 0)
        return (retry_after_s < 60 ? retry_after_s : 60) * 1000L;
    return (200L << (r->attempts > 1 ? r->attempts - 1 : 0)) + rand() % 100;
}

/* A transfer ended: done, or back to waiting for a retry. */
static void slot_finished(bc_convex_queue *q, slot *sl, CURLcode result)
{
    request *r = sl->r;
    r->curl_code = result;
    curl_easy_getinfo(sl->easy, CURLINFO_RESPONSE_CODE, &r->http_status);
    curl_off_t retry_after = 0;
    curl_easy_getinfo(sl->easy, CURLINFO_RETRY_AFTER, &retry_after);
    slot_stop_transfer(q, sl);
    if (result == CURLE_OK && r->http_status == 429) /* turned away: this attempt did not run */
        r->maybe_ran = r->ran_earlier;
    if (should_retry(r)) {
        sl->state = SLOT_WAITING;
        sl->due = now_ms() + backoff_ms(r, (long)retry_after);
    } else {
        sl->state = SLOT_DONE;
    }
}

/* Stop everything still waiting or running (the operator asked): each ends cancelled. */
static void queue_cancel(bc_convex_queue *q)
{
    for (size_t i = 0; i < q->n; i++) {
        slot *sl = q->s[i];
        if (sl->state == SLOT_DONE)
            continue;
        slot_stop_transfer(q, sl);
        sl->r->cancelled = true;
        sl->r->curl_code = CURLE_ABORTED_BY_CALLBACK;
        sl->state = SLOT_DONE;
    }
}

/* The next finished slot (taken out of the queue: the caller frees it), or NULL when none is
 * left. Sends waiting requests as places free up; retries wait out their backoff here. */
static slot *queue_step(bc_convex_queue *q)
{
    for (;;) {
        for (size_t i = 0; i < q->n; i++) {
            if (q->s[i]->state != SLOT_DONE)
                continue;
            slot *sl = q->s[i];
            memmove(&q->s[i], &q->s[i + 1], (q->n - i - 1) * sizeof *q->s);
            q->n--;
            return sl;
        }
        if (q->n == 0)
            return NULL;
        if (stopped(q->c)) {
            queue_cancel(q);
            continue;
        }
        long long now = now_ms(), next_due = -1;
        for (size_t i = 0; i < q->n && q->running < q->in_flight; i++) {
            slot *sl = q->s[i];
            if (sl->state != SLOT_WAITING)
                continue;
            if (sl->due <= now)
                slot_start(q, sl);
            else if (next_due < 0 || sl->due < next_due)
                next_due = sl->due;
        }
        if (q->running == 0) { /* only retries waiting out their backoff */
            if (next_due >= 0)
                sleep_ms(q->c, (long)(next_due - now));
            continue;
        }
        int still = 0;
        curl_multi_perform(q->multi, &still);
        CURLMsg *msg;
        int left;
        bool ended = false;
        while ((msg = curl_multi_info_read(q->multi, &left))) {
            if (msg->msg != CURLMSG_DONE)
                continue;
            for (size_t i = 0; i < q->n; i++)
                if (q->s[i]->easy == msg->easy_handle) {
                    slot_finished(q, q->s[i], msg->data.result);
                    ended = true;
                    break;
                }
        }
        if (ended)
            continue;
        long wait = q->c && q->c->cancel ? 50 : 1000;
        if (next_due >= 0 && next_due - now < wait)
            wait = (long)(next_due - now) > 0 ? (long)(next_due - now) : 1;
        curl_multi_poll(q->multi, NULL, 0, (int)wait, NULL);
    }
}

static void slot_free(slot *sl)
{
    if (sl->own_r) {
        free(sl->r->url);
        free(sl->r->body);
        bc_buf_release(&sl->r->response);
        free(sl->r);
    }
    free(sl);
}

/* Send n requests (at most n at once) and wait for all: the plain form of a queue. */
static void perform(bc_convex *c, request *reqs, size_t n)
{
    bc_convex_queue *q = queue_new(c, n);
    for (size_t i = 0; i < n; i++)
        queue_push(q, &reqs[i], false, NULL);
    slot *sl;
    while ((sl = queue_step(q)))
        slot_free(sl);
    bc_convex_queue_free(q);
}

/* A short, printable excerpt of a body for error messages. */
static void excerpt(const bc_buf *body, char *out, size_t size)
{
    size_t o = 0;
    for (size_t i = 0; i < body->len && o + 1 < size && i < 120; i++) {
        unsigned char ch = (unsigned char)body->data[i];
        out[o++] = ch >= 0x20 && ch < 0x7f ? (char)ch : '?';
    }
    out[o] = '\0';
}

/* What the operator must hear when a write's outcome is unknown: the request reached the
 * deployment but its answer did not come back whole. */
#define UNCERTAIN " (the change may or may not have been applied: check before repeating it)"

/* Flag err's write as one whose outcome is unknown (after bc_fail, which clears the flag). */
static bc_status mark_uncertain(bc_status st, bc_error *err, bool uncertain)
{
    if (err && uncertain)
        err->uncertain = true;
    return st;
}

/* Turn a transport failure or a non-200 answer into a message; BC_OK for HTTP 200. */
static bc_status transport_status(const request *r, const char *what, bc_error *err)
{
    if (r->too_big)
        return bc_fail(err, BC_ERR, "%s: the answer from %s is larger than %u MiB", what, r->url,
                       MAX_BODY >> 20);
    if (r->cancelled) {
        bool lost = !r->retry_safe && r->maybe_ran;
        bc_status st = bc_fail(err, BC_CANCELLED, "%s at %s%s", what, r->url,
                               lost            ? UNCERTAIN
                               : r->retry_safe ? ""
                                               : " (not sent)");
        return mark_uncertain(st, err, lost);
    }
    if (r->curl_code != CURLE_OK) {
        bool lost = !r->retry_safe &&
                    (r->curl_code == CURLE_OPERATION_TIMEDOUT || r->curl_code == CURLE_RECV_ERROR ||
                     r->curl_code == CURLE_GOT_NOTHING || r->curl_code == CURLE_PARTIAL_FILE);
        /* what is a function path (module:name) or an activity ("listing environment ..."). */
        bc_status st = bc_fail(err, BC_ERR, "cannot reach %s (%s)%s; while %s%s", r->url,
                               r->curl_msg[0] ? r->curl_msg : curl_easy_strerror(r->curl_code),
                               lost ? UNCERTAIN : "", strchr(what, ':') ? "calling " : "", what);
        return mark_uncertain(st, err, lost);
    }
    if (r->http_status == 200)
        return BC_OK;
    json_t *j = json_loadb(r->response.data ? r->response.data : "", r->response.len, 0, NULL);
    const char *code = json_string_value(json_object_get(j, "code"));
    const char *message = json_string_value(json_object_get(j, "message"));
    char raw[128];
    excerpt(&r->response, raw, sizeof raw);
    const char *hint = "";
    if (r->http_status == 401 || r->http_status == 403)
        hint = " (check the admin or deploy key)";
    else if (r->http_status == 429 || (r->http_status == 503 && r->retry_safe))
        hint = r->retry_safe ? " (retried with backoff; the deployment is overloaded)"
                             : " (retried with backoff; the deployment is still rate-limiting, "
                               "and the change was not applied by this request)";
    else if (r->http_status == 503)
        hint = " (the deployment is overloaded; the change was not applied by this request and "
               "was not retried)";
    else if (r->http_status >= 500 && !r->retry_safe)
        /* An internal error or a gateway's answer does not say whether the function ran. */
        hint = " (not retried; the change may or may not have been applied: check before "
               "repeating it)";
    else if (message && strstr(message, "Could not find"))
        hint = " (is the app deployed with better-convex's createApi, and is the function path "
               "right? see --auth-functions / --component)";
    bc_status st = bc_fail(err, BC_ERR, "%s: %s answered HTTP %ld%s%s%s%s%s", what, r->url,
                           r->http_status, code ? " " : "", code ? code : "", message ? ": " : "",
                           message ? message : (j ? "" : raw), hint);
    json_decref(j);
    return mark_uncertain(st, err,
                          r->http_status >= 500 && r->http_status != 503 && !r->retry_safe);
}

static const char *kind_endpoint(bc_call_kind kind)
{
    switch (kind) {
    case BC_CALL_QUERY:
        return "/api/query";
    case BC_CALL_MUTATION:
        return "/api/mutation";
    case BC_CALL_ACTION:
        return "/api/action";
    case BC_CALL_ENV_LIST:
        return "/api/v1/list_environment_variables";
    case BC_CALL_FUNCTION:
        break;
    }
    return "/api/function";
}

/* Read {"status":"success","value":..} / {"status":"error",...} into the call. */
static void read_function_answer(bc_convex_call *call, const request *r, const char *what)
{
    json_error_t jerr;
    /* A string may hold a NUL (a name a sign-up sent): it is data, not a malformed answer. */
    json_t *j = json_loadb(r->response.data ? r->response.data : "", r->response.len,
                           JSON_ALLOW_NUL, &jerr);
    const char *status = json_string_value(json_object_get(j, "status"));
    if (json_is_array(json_object_get(j, "logLines")))
        call->log_lines = json_incref(json_object_get(j, "logLines"));
    if (!j || !status) {
        char raw[128];
        excerpt(&r->response, raw, sizeof raw);
        /* HTTP 200 means the function ran: a write's outcome is unknown, not "failed". */
        call->status = bc_fail(&call->err, BC_ERR,
                               "%s: malformed answer from %s (HTTP 200, %zu bytes): \"%s\"%s", what,
                               r->url, r->response.len, raw, r->retry_safe ? "" : UNCERTAIN);
        mark_uncertain(call->status, &call->err, !r->retry_safe);
    } else if (strcmp(status, "success") == 0 && json_object_get(j, "value")) {
        call->value = json_incref(json_object_get(j, "value"));
        call->status = BC_OK;
    } else if (strcmp(status, "error") == 0) {
        const char *msg = json_string_value(json_object_get(j, "errorMessage"));
        json_t *data = json_object_get(j, "errorData");
        char *data_text = data ? json_dumps(data, JSON_COMPACT | JSON_ENCODE_ANY) : NULL;
        call->error_data = json_incref(data);
        call->status =
            bc_fail(&call->err, BC_ERR, "%s failed: %s%s%s", what, msg ? msg : "(no message)",
                    data_text ? " — errorData: " : "", data_text ? data_text : "");
        free(data_text);
    } else {
        call->status = bc_fail(&call->err, BC_ERR, "%s: unexpected status \"%s\" from %s", what,
                               status, r->url);
    }
    json_decref(j);
}

static json_t *env_of(const json_t *answer, const char *url, bc_error *err);

static void read_env_answer(bc_convex_call *call, const request *r, const char *url)
{
    json_t *j = json_loadb(r->response.data ? r->response.data : "", r->response.len,
                           JSON_ALLOW_NUL, NULL);
    call->value = j ? env_of(j, url, &call->err) : NULL;
    call->status = call->value ? BC_OK
                   : j         ? BC_ERR
                               : bc_fail(&call->err, BC_ERR,
                                         "listing environment variables: malformed JSON from %s",
                                         url);
    json_decref(j);
}

/* A finished request's outcome into its call: transport failure, HTTP error or the answer. */
static void read_answer(bc_convex_call *call, const request *r, const char *what)
{
    call->http_status = r->http_status;
    call->status = transport_status(r, what, &call->err);
    if (call->status == BC_OK && call->kind == BC_CALL_ENV_LIST)
        read_env_answer(call, r, r->url);
    else if (call->status == BC_OK)
        read_function_answer(call, r, what);
}

void bc_convex_answer(bc_convex_call *call, long http_status, const char *body, size_t len,
                      const char *url)
{
    call->value = call->error_data = call->log_lines = NULL;
    call->err = (bc_error){0};
    request r = {.url = (char *)url, .retry_safe = call->read_only, .http_status = http_status};
    bc_buf_append(&r.response, body, len);
    read_answer(call, &r, call->path);
    bc_buf_release(&r.response);
}

/* The request that carries a call (caller's: free its url, body and response). */
static request *call_request(const bc_convex *c, bc_convex_call *call)
{
    request *r = bc_xcalloc(1, sizeof *r);
    if (call->kind == BC_CALL_ENV_LIST) {
        *r = (request){.method = "GET",
                       .url = bc_xasprintf("%s%s", c->url, kind_endpoint(call->kind)),
                       .retry_safe = true};
        return r;
    }
    json_t *args = call->args ? json_incref(call->args) : json_object();
    json_t *body = json_pack("{s:s, s:o, s:s}", "path", call->path, "args", args, "format",
                             "convex_encoded_json");
    if (call->component)
        json_object_set_new(body, "componentPath", json_string(call->component));
    *r = (request){.method = "POST",
                   .url = bc_xasprintf("%s%s", c->url, kind_endpoint(call->kind)),
                   .body = json_dumps(body, JSON_COMPACT),
                   .retry_safe = call->read_only};
    json_decref(body);
    return r;
}

/* A finished call's outcome from its request. */
static void call_finish(bc_convex_call *call, const request *r)
{
    char what[256];
    bool env = call->kind == BC_CALL_ENV_LIST;
    snprintf(what, sizeof what, "%s%s%s", call->component ? call->component : "",
             call->component ? "/" : "", env ? "listing environment variables" : call->path);
    read_answer(call, r, what);
    call->sent = r->maybe_ran;
}

static void call_reset(bc_convex_call *call)
{
    call->value = call->error_data = call->log_lines = NULL;
    call->err = (bc_error){0};
    call->status = BC_OK;
    call->http_status = 0;
    call->sent = false;
}

bc_convex_queue *bc_convex_queue_new(bc_convex *c, size_t in_flight)
{
    return queue_new(c, in_flight);
}

void bc_convex_queue_add(bc_convex_queue *q, bc_convex_call *call)
{
    call_reset(call);
    if (q->c->read_only && !call->read_only) {
        call->status = bc_read_only_refuse(q->c->read_only, call->path, &call->err);
        request *none = bc_xcalloc(1, sizeof *none);
        queue_push(q, none, true, call)->state = SLOT_DONE;
        return;
    }
    queue_push(q, call_request(q->c, call), true, call);
}

bc_convex_call *bc_convex_queue_next(bc_convex_queue *q)
{
    slot *sl = queue_step(q);
    if (!sl)
        return NULL;
    bc_convex_call *call = sl->call;
    if (call->status != BC_REFUSED)
        call_finish(call, sl->r);
    slot_free(sl);
    return call;
}

size_t bc_convex_queue_busy(const bc_convex_queue *q)
{
    return q->n;
}

size_t bc_convex_queue_running(const bc_convex_queue *q)
{
    return q->running;
}

void bc_convex_queue_free(bc_convex_queue *q)
{
    if (!q)
        return;
    for (size_t i = 0; i < q->n; i++) {
        slot_stop_transfer(q, q->s[i]);
        slot_free(q->s[i]);
    }
    free(q->s);
    give_multi(q->c, q->multi, q->own_multi);
    free(q);
}

bc_status bc_convex_run(bc_convex *c, bc_convex_call *calls, size_t n)
{
    for (size_t i = 0; i < n; i++)
        call_reset(&calls[i]);
    if (refuse_writes(c, calls, n) != BC_OK)
        return BC_REFUSED;
    bc_convex_queue *q = bc_convex_queue_new(c, n);
    for (size_t i = 0; i < n; i++)
        bc_convex_queue_add(q, &calls[i]);
    while (bc_convex_queue_next(q))
        ;
    bc_convex_queue_free(q);
    bc_status first = BC_OK;
    for (size_t i = 0; i < n && first == BC_OK; i++)
        first = calls[i].status;
    return first;
}

void bc_convex_call_release(bc_convex_call *call)
{
    json_decref(call->value);
    json_decref(call->error_data);
    json_decref(call->log_lines);
    call->value = call->error_data = call->log_lines = NULL;
}

static bc_status single(bc_convex *c, request *r, const char *what, json_t **answer, bc_error *err)
{
    perform(c, r, 1);
    bc_status st = transport_status(r, what, err);
    if (st == BC_OK && answer) {
        *answer = json_loadb(r->response.data ? r->response.data : "", r->response.len, 0, NULL);
        if (!*answer)
            st = bc_fail(err, BC_ERR, "%s: malformed JSON from %s", what, r->url);
    }
    free(r->url);
    free(r->body);
    bc_buf_release(&r->response);
    return st;
}

/* The environmentVariables object of a list answer (a new reference), or NULL with err set. */
static json_t *env_of(const json_t *answer, const char *url, bc_error *err)
{
    json_t *env = json_object_get(answer, "environmentVariables");
    const char *name;
    json_t *value;
    bool ok = json_is_object(env);
    json_object_foreach(env, name, value) ok = ok && json_is_string(value);
    if (!ok) {
        bc_fail(err, BC_ERR,
                "listing environment variables: the answer from %s has no "
                "\"environmentVariables\" object of strings",
                url);
        return NULL;
    }
    return json_incref(env);
}

bc_status bc_convex_env_list(bc_convex *c, json_t **vars, bc_error *err)
{
    bc_convex_call call = {.kind = BC_CALL_ENV_LIST, .read_only = true};
    bc_status st = bc_convex_run(c, &call, 1);
    if (st != BC_OK) {
        *err = call.err;
        *vars = NULL;
    } else {
        *vars = call.value;
        call.value = NULL;
    }
    bc_convex_call_release(&call);
    return st;
}

bc_status bc_convex_env_update(bc_convex *c, json_t *changes, bc_error *err)
{
    if (c->read_only)
        return bc_read_only_refuse(c->read_only, "changing environment variables", err);
    json_t *body = json_pack("{s:O}", "changes", changes);
    request r = {.method = "POST",
                 .url = bc_xasprintf("%s/api/update_environment_variables", c->url),
                 .body = json_dumps(body, JSON_COMPACT),
                 .retry_safe = false};
    json_decref(body);
    return single(c, &r, "updating environment variables", NULL, err);
}

bc_status bc_http_get(const char *url, char **body, long *http_status, bc_error *err)
{
    *body = NULL;
    *http_status = 0;
    if (!url_allowed(url))
        return bc_fail(err, BC_USAGE,
                       "URL \"%s\" must be https:// (plain http only to this "
                       "machine)",
                       url);
    global_init();
    request r = {.method = "GET", .url = bc_xstrdup(url), .retry_safe = true};
    perform(NULL, &r, 1);
    *http_status = r.http_status;
    bc_status st = BC_OK;
    if (r.curl_code != CURLE_OK || r.too_big)
        st = transport_status(&r, "fetching", err);
    else
        *body = bc_buf_take(&r.response);
    free(r.url);
    bc_buf_release(&r.response);
    return st;
}

bc_status bc_http_post_json(const char *url, const char *bearer, const char *body, char **answer,
                            long *http_status, bc_error *err)
{
    *answer = NULL;
    *http_status = 0;
    if (!url_allowed(url))
        return bc_fail(err, BC_USAGE,
                       "URL \"%s\" must be https:// (plain http only to this "
                       "machine)",
                       url);
    global_init();
    char *auth = bearer ? bc_xasprintf("Authorization: Bearer %s", bearer) : NULL;
    request r = {.method = "POST",
                 .url = bc_xstrdup(url),
                 .auth = auth,
                 .body = bc_xstrdup(body ? body : "{}"),
                 .retry_safe = true};
    perform(NULL, &r, 1);
    *http_status = r.http_status;
    bc_status st = BC_OK;
    if (r.curl_code != CURLE_OK || r.too_big)
        st = transport_status(&r, "posting", err);
    else
        *answer = bc_buf_take(&r.response);
    if (auth) { /* the bearer is a secret: wipe it */
        memset(auth, 0, strlen(auth));
        free(auth);
    }
    free(r.url);
    free(r.body);
    bc_buf_release(&r.response);
    return st;
}
