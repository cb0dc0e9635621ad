/* driver.h - the one seam: what a deployment (a SQLite file or a Convex deployment) can do.
 *
 * Drivers do data operations only; every admin rule (what a ban writes, what impersonation
 * creates) lives above this seam in core, so both drivers behave identically. Callers never use
 * `ops` directly: they call the bc_driver_* wrappers below, which enforce --read-only in one
 * place and fill in optional operations.
 *
 * Rows come back as records with Better Auth field names (record.h). Pages, rows and cursors
 * returned through out-parameters belong to the caller: release them with bc_page_release /
 * bc_rows_release / free.
 */
#ifndef BC_DRIVER_H
#define BC_DRIVER_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "model.h"
#include "progress.h"
#include "record.h"
#include "status.h"

/* --- queries ------------------------------------------------------------------------------ */

typedef enum {
    BC_BAN_ANY = 0,
    BC_BAN_ACTIVE,  /* not banned (banned is 0 or NULL) */
    BC_BAN_BANNED,  /* banned and the ban is in force: no expiry, or expiry in the future */
    BC_BAN_EXPIRED, /* banned with an expiry in the past: the next sign-in lifts it */
} bc_ban_filter;

typedef enum {
    BC_SORT_CREATED = 0,
    BC_SORT_UPDATED,
    BC_SORT_EMAIL,
    BC_SORT_NAME,
} bc_sort_key;

/* The field a users sort key orders by, as Better Auth names it ("createdAt"); NULL for an unknown
 * key. Static strings. */
const char *bc_sort_field(bc_sort_key k);

typedef enum {
    BC_SEARCH_CONTAINS = 0, /* case-insensitive substring of email or name (scans) */
    BC_SEARCH_PREFIX,       /* email starts with (uses the email index) */
} bc_search_mode;

#define BC_PAGE_DEFAULT 50
#define BC_PAGE_MAX 1000

/* A users query. Zero-initialised means: everyone, newest first, BC_PAGE_DEFAULT rows. */
typedef struct {
    const char *search; /* NULL or "" for none */
    bc_search_mode search_mode;
    const char *role; /* users whose role list contains this role */
    bc_ban_filter ban;
    int verified; /* BC_VERIFIED_ANY (0), _YES or _NO */
    bc_sort_key sort;
    bool ascending;     /* default false: newest / Z first */
    size_t limit;       /* 0 means BC_PAGE_DEFAULT; at most BC_PAGE_MAX */
    const char *cursor; /* a next_cursor or prev_cursor from an earlier page of the same query */
    bool want_total;    /* also count every row the filter matches */
    bool stream; /* every page will be read in turn (an export): a driver may return pages as
                  * large as its store's per-request limits allow instead of limit rows */
} bc_user_query;

enum { BC_VERIFIED_ANY = 0, BC_VERIFIED_YES = 1, BC_VERIFIED_NO = 2 };

/* What sessions are sorted by (ties by id). */
typedef enum {
    BC_SESSION_SORT_CREATED = 0, /* createdAt */
    BC_SESSION_SORT_EXPIRES,     /* expiresAt */
    BC_SESSION_SORT_UPDATED,     /* updatedAt: last active */
    BC_SESSION_SORT_COUNT
} bc_session_sort;

/* The field a sessions sort key orders by ("expiresAt"); NULL for an unknown key. Static. */
const char *bc_session_sort_field(bc_session_sort k);

/* Sessions. Zero-initialised means: every session, newest first. */
typedef struct {
    const char *user_id;     /* NULL: every user's sessions */
    bool active_only;        /* expiresAt in the future */
    bool expired_only;       /* expiresAt in the past */
    bool impersonation_only; /* impersonatedBy is set */
    /* NULL or "": none; else a substring, in any alphabet's case (bc_text_fold), of the owner's
     * email or name, the IP address or the user agent */
    const char *search;
    bc_session_sort sort;
    bool ascending; /* default false: newest / latest first */
    size_t limit;
    const char *cursor;
    bool want_total;
    bool stream; /* as in bc_user_query */
} bc_session_query;

/* One window of rows. Cursors are opaque, NUL-terminated and owned by the page. */
typedef struct {
    bc_rows rows;
    char *next_cursor;   /* NULL when this is the last page */
    char *prev_cursor;   /* NULL when this is the first page */
    int64_t total;       /* rows matching the filter; -1 when not counted */
    bool total_at_least; /* total is a lower bound ("1,000+") */
} bc_page;

void bc_page_release(bc_page *p);

/* Where the rows of a whole query go, in order, a batch at a time (bc_driver_users_each): the
 * sink may move rows out of *rows (what it leaves is released after it returns). BC_OK goes on;
 * any other status stops the reading and is returned. */
typedef bc_status (*bc_rows_sink)(void *ctx, bc_rows *rows, bc_error *err);

/* Rows whose `field` equals one of `values` (n == 1: equality; n > 1: IN). A NULL match means
 * every row of the model (used for the small jwks and verification tables). */
typedef struct {
    const char *field;
    const char *const *values;
    size_t n;
} bc_match;

/* One read of a batch (bc_driver_reads): rows of model matching match (match.field NULL: every
 * row), at most limit (0: no limit), in the store's natural order. rows is filled by the call and
 * is the caller's (bc_rows_release), also when the batch fails. A user.email match is lowercased
 * (the email rule) unless as_typed: bc_lookup_users' second look for a stored email that is not
 * lowercase (Better Auth's admin update-user stores an email as given). */
typedef struct {
    bc_model model;
    bc_match match;
    size_t limit;
    bool as_typed;
    bc_rows rows;
    bc_status status; /* this read's own outcome (BC_OK until it fails) */
} bc_read;

/* The email rule for what an operator typed as an email, or as the start of one (--prefix): the
 * forms a stored email is matched in. forms[0] is typed lowercased (bc_text_lower), as Better Auth
 * stores emails; forms[1] is typed as it is when that is not all lowercase (Better Auth's admin
 * update-user stores an email as given: "José@Example.COM"), else NULL. Returns how many forms
 * (1 or 2); both are the caller's (free). The one place that decides; bc_lookup_users' second
 * read and both drivers' prefix filters follow it. */
size_t bc_email_forms(const char *typed, char *forms[2]);

/* What a whole-query read (bc_driver_users_each_with) does beside handing rows to its sink. */
typedef struct {
    /* Independent reads sent in the query's first round (the acting admin's lookup beside a
     * bulk selection, so it costs no round of its own): filled as bc_driver_reads fills them
     * before the sink's first call (or before the each call returns when nothing matched);
     * their rows are the caller's, also when the query fails. */
    bc_read *reads;
    size_t n_reads;
    bc_status reads_status; /* how those reads went (BC_OK, or the failure that err got) */
    /* Called once after the sink's last batch (not after a failure), with the sink's ctx: a
     * caller that writes as rows arrive (bc_driver_writes_start) starts its last writes here,
     * so they go out beside the others. NULL: none. */
    bc_status (*end)(void *ctx, bc_error *err);
} bc_each_opts;

/* One write of a batch (bc_driver_writes): set patch on the rows of model matching match, or
 * delete them when patch is NULL. changed gets the count; after gets the row as written when the
 * write is a patch of exactly one row named by id and the store hands it back (Convex's
 * updateOne), else stays empty. after is the caller's (bc_record_release). */
typedef struct {
    bc_model model;
    bc_match match;
    const bc_record *patch;
    size_t changed;
    bc_record after;
    bc_status status; /* this write's own outcome (BC_OK until it fails) */
    bool sent;        /* a request for it may have been applied (false: nothing of it was sent) */
    bool uncertain;   /* it failed with its outcome unknown (an answer lost after it was sent) */
} bc_write;

/* --- counts (core/stats.h) ---------------------------------------------------------------- */

/* What a count takes: every row of a model, or the rows one of these rules selects. */
typedef enum {
    BC_COUNT_ROWS,            /* every row of the model */
    BC_COUNT_USERS_VERIFIED,  /* users whose emailVerified is true */
    BC_COUNT_USERS_BANNED,    /* users whose ban is in force at now_ms (BC_BAN_BANNED) */
    BC_COUNT_BANS_ENDING,     /* of those, bans with an expiry at or before until_ms */
    BC_COUNT_SESSIONS_ACTIVE, /* sessions whose expiresAt is after now_ms */
} bc_count_kind;

typedef struct {
    bc_model model; /* user for the USERS_ and BANS_ kinds, session for SESSIONS_ACTIVE */
    bc_count_kind kind;
    int64_t now_ms, until_ms;
} bc_count_query;

/* One value of a field and how many rows hold it. The value is owned by the list. */
typedef struct {
    char *value;
    int64_t n;
} bc_group_count;

/* Counts by value, largest first (ties by value); bc_group_counts_release. */
typedef struct {
    bc_group_count *items;
    size_t n;
} bc_group_counts;

void bc_group_counts_release(bc_group_counts *g);

/* --- the driver ---------------------------------------------------------------------------- */

typedef struct bc_driver bc_driver;

typedef enum { BC_TXN_BEGIN, BC_TXN_COMMIT, BC_TXN_ROLLBACK } bc_txn_op;

typedef struct {
    const char *kind; /* "sqlite" | "convex" */
    void (*close)(bc_driver *d);

    bc_status (*users_page)(bc_driver *d, const bc_user_query *q, bc_page *out, bc_error *err);
    bc_status (*sessions_page)(bc_driver *d, const bc_session_query *q, bc_page *out,
                               bc_error *err);
    /* Rows of model matching m, at most limit (0: no limit), in the store's natural order. */
    bc_status (*rows_get)(bc_driver *d, bc_model model, const bc_match *m, size_t limit,
                          bc_rows *out, bc_error *err);
    bc_status (*row_insert)(bc_driver *d, bc_model model, const bc_record *row, bc_error *err);
    /* Set the fields of patch on every matching row; *changed gets the count (may be NULL). */
    bc_status (*rows_update)(bc_driver *d, bc_model model, const bc_match *m,
                             const bc_record *patch, size_t *changed, bc_error *err);
    bc_status (*rows_delete)(bc_driver *d, bc_model model, const bc_match *m, size_t *deleted,
                             bc_error *err);
    /* Optional: every row a query selects (its cursor, limit, want_total and stream unused), in
     * its order, to sink a batch at a time, with memory bounded whatever the table's size: where
     * the store reads faster than page by page (Convex: concurrent _creationTime ranges). NULL:
     * the wrappers page through users_page / sessions_page. */
    bc_status (*users_each)(bc_driver *d, const bc_user_query *q, bc_rows_sink sink, void *ctx,
                            bc_each_opts *o, bc_error *err);
    bc_status (*sessions_each)(bc_driver *d, const bc_session_query *q, bc_rows_sink sink,
                               void *ctx, bc_error *err);
    /* Optional: bc_driver_writes_start's writes sent beside a users_each's reads when called
     * from its sink (else at once, as batch does). NULL: bc_driver_writes. */
    bc_status (*writes_start)(bc_driver *d, bc_write *w, size_t n, bc_error *err);
    /* Optional: independent reads and writes sent together (one round trip on Convex). NULL:
     * the wrappers run them one after another through rows_get / rows_update / rows_delete. */
    bc_status (*batch)(bc_driver *d, bc_read *r, size_t nr, bc_write *w, size_t nw,
                       bc_error *err);
    /* Optional: group writes atomically (SQLite). NULL where the store has no transactions. */
    bc_status (*txn)(bc_driver *d, bc_txn_op op, bc_error *err);

    /* Optional counting, for stores where a count is cheap (SQLite: index ranges, never a read
     * of every row). NULL where counting means reading every row (Convex): core/stats then
     * reads the newest rows through rows_page instead. All three or none. */
    bc_status (*count)(bc_driver *d, const bc_count_query *q, int64_t *n, bc_error *err);
    /* Rows of model created on each of `days` UTC days: counts[i] for createdAt in
     * [day0_ms + i days, day0_ms + (i + 1) days). */
    bc_status (*count_per_day)(bc_driver *d, bc_model model, int64_t day0_ms, int days,
                               int64_t *counts, bc_error *err);
    /* The rows q selects, counted by each value of field (NULL and "" are not counted). */
    bc_status (*count_groups)(bc_driver *d, const bc_count_query *q, const char *field,
                              bc_group_counts *out, bc_error *err);
    /* Optional: every row of model, newest first, limit (at most BC_PAGE_MAX) at a time; for
     * stores without the counting ops. */
    bc_status (*rows_page)(bc_driver *d, bc_model model, size_t limit, const char *cursor,
                           bc_page *out, bc_error *err);
    /* Optional: the caller will search users as they type (the console's live search): the
     * store may prepare for it in the background (SQLite: the search image, sqlite_image.c).
     * Safe from any thread, also while a call runs. */
    void (*prepare_search)(bc_driver *d);
} bc_driver_ops;

struct bc_driver {
    const bc_driver_ops *ops;
    char *label;     /* what the operator sees: a file path or a deployment name (owned) */
    bool production; /* a production deployment: marked PROD, destructive actions typed */
    bool read_only;  /* --read-only: every write is refused with BC_REFUSED */
    /* Set by bc_driver_interrupt from another thread; drivers poll it while a call runs. */
    atomic_bool cancel;
    /* A call that reads many batches (a Convex scan for a search or filter) reports the rows
     * read so far here; set by the caller around a call, NULL for none. Not owned. */
    const bc_progress *progress;
    /* A call that counts matches one by one (a SQLite search's scan) stores the matches found
     * so far here as it goes, so another thread can show them; set by the caller around a call,
     * NULL for none. Not owned. */
    atomic_size_t *found;
};

/* Close and free a driver (NULL is fine). */
void bc_driver_close(bc_driver *d);

/* --read-only, decided here for every write path (driver wrappers, index builds, key rotation,
 * the demo file, Convex mutations and environment changes): BC_REFUSED with the one message
 * "LABEL is open read-only (--read-only): WHAT refused; nothing was changed". */
bc_status bc_read_only_refuse(const char *label, const char *what, bc_error *err);
/* BC_OK when d may be written, else bc_read_only_refuse(d->label, what). */
bc_status bc_driver_writable(const bc_driver *d, const char *what, bc_error *err);

bc_status bc_driver_users_page(bc_driver *d, const bc_user_query *q, bc_page *out, bc_error *err);
bc_status bc_driver_sessions_page(bc_driver *d, const bc_session_query *q, bc_page *out,
                                  bc_error *err);
/* Every row of the query from q->cursor (NULL: the start) to the end, in order, to sink a batch
 * at a time (limit, want_total and stream are the wrapper's to set). */
bc_status bc_driver_users_each(bc_driver *d, const bc_user_query *q, bc_rows_sink sink,
                               void *ctx, bc_error *err);
/* bc_driver_users_each with what o asks beside the rows (o NULL: nothing). */
bc_status bc_driver_users_each_with(bc_driver *d, const bc_user_query *q, bc_rows_sink sink,
                                    void *ctx, bc_each_opts *o, bc_error *err);
bc_status bc_driver_sessions_each(bc_driver *d, const bc_session_query *q, bc_rows_sink sink,
                                  void *ctx, bc_error *err);
/* The each calls page by page through users_page / sessions_page (uq or sq, the other NULL),
 * o's reads first: what the wrappers do for a store without an each op, and what an each op may
 * hand a query over to when it cannot read it faster. */
bc_status bc_driver_each_by_pages(bc_driver *d, const bc_user_query *uq, const bc_session_query *sq,
                                  bc_rows_sink sink, void *ctx, bc_each_opts *o, bc_error *err);
/* Whether the store reads a whole query faster through the each calls than page by page (a
 * caller that only counts keeps to pages where the store counts cheaply). */
bool bc_driver_streams(const bc_driver *d);
bc_status bc_driver_rows_get(bc_driver *d, bc_model model, const bc_match *m, size_t limit,
                             bc_rows *out, bc_error *err);
/* One row by field = value: BC_NOT_FOUND (with a message naming model, field and value) when
 * there is none. *out is the caller's. */
bc_status bc_driver_row_get(bc_driver *d, bc_model model, const char *field, const char *value,
                            bc_record *out, bc_error *err);
bc_status bc_driver_row_insert(bc_driver *d, bc_model model, const bc_record *row, bc_error *err);
bc_status bc_driver_rows_update(bc_driver *d, bc_model model, const bc_match *m,
                                const bc_record *patch, size_t *changed, bc_error *err);
bc_status bc_driver_rows_delete(bc_driver *d, bc_model model, const bc_match *m, size_t *deleted,
                                bc_error *err);
bc_status bc_driver_txn(bc_driver *d, bc_txn_op op, bc_error *err);
/* Independent reads and writes (no order between any of them), together where the store can;
 * inside the caller's transaction where there is one. Every one is attempted and has its own
 * status; the first failure is returned (err names it). The write counts say what was applied,
 * also after a failure; a failed read's rows are released. */
bc_status bc_driver_batch(bc_driver *d, bc_read *r, size_t nr, bc_write *w, size_t nw,
                          bc_error *err);
/* bc_driver_batch with reads only: on failure every read's rows are released. */
bc_status bc_driver_reads(bc_driver *d, bc_read *r, size_t n, bc_error *err);
/* bc_driver_batch with writes only. */
bc_status bc_driver_writes(bc_driver *d, bc_write *w, size_t n, bc_error *err);
/* Writes started from inside a bc_driver_users_each_with sink (or its end hook): where the store
 * can (Convex), they go out beside the reads still running, a handful of requests in flight in
 * all, and the each call waits for them before it returns; until then w (the caller's) must stay
 * where it is, and each w[i] gets its count, status and sent flag by then. A failed write stops
 * the reading and is what the each call returns; writes started but not yet sent then stay
 * unsent (sent false, status BC_CANCELLED). Elsewhere (outside a sink, or a store without the
 * op) the same as bc_driver_writes: done when this returns. Returns a failure only when the
 * writes were refused or done at once and failed. */
bc_status bc_driver_writes_start(bc_driver *d, bc_write *w, size_t n, bc_error *err);

/* Whether the driver counts cheaply (the count ops exist); else the count calls fail (BC_ERR). */
bool bc_driver_counts(const bc_driver *d);
bc_status bc_driver_count(bc_driver *d, const bc_count_query *q, int64_t *n, bc_error *err);
bc_status bc_driver_count_per_day(bc_driver *d, bc_model model, int64_t day0_ms, int days,
                                  int64_t *counts, bc_error *err);
bc_status bc_driver_count_groups(bc_driver *d, const bc_count_query *q, const char *field,
                                 bc_group_counts *out, bc_error *err);
/* BC_ERR where the driver has no rows_page. */
bc_status bc_driver_rows_page(bc_driver *d, bc_model model, size_t limit, const char *cursor,
                              bc_page *out, bc_error *err);

/* See bc_driver_ops.prepare_search; nothing where the store has no such op. */
void bc_driver_prepare_search(bc_driver *d);

/* Stop the call running on d in another thread as soon as it can stop (a SQLite statement
 * between two steps, a Convex request between two reads): it returns BC_CANCELLED. Safe from any
 * thread. The request stays stopped until bc_driver_interrupt_clear, which the caller runs before
 * starting the next call; a write already sent may still have been applied (the error says so).
 */
void bc_driver_interrupt(bc_driver *d);
void bc_driver_interrupt_clear(bc_driver *d);

#endif
