/* sqlite_internal.h - what the pieces of the SQLite driver share: the connection (sq), the
 * statement builder (qb), the page spec, and the functions one piece calls in another. Private to
 * core/sqlite_*.c; everyone else uses sqlite_driver.h. Ownership as in each function's comment in
 * its .c file. */
#ifndef BC_SQLITE_INTERNAL_H
#define BC_SQLITE_INTERNAL_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include <sqlite3.h>

#include "cursor.h"
#include "sqlite_driver.h"
#include "xalloc.h"

enum {
    SQ_WALK_ROWS = 16384,
    SQ_IMAGE_SET_MAX = 32768,
    DEFAULT_BUSY_MS = 5000,
    STMT_CACHE = 48,
    IN_CHUNK = 500, /* values per IN (...) list, well under SQLite's variable limit */
};

typedef struct {
    char *name;              /* column name as the table declares it */
    char *decl;              /* declared type, lowercased ("" when none) */
    const bc_field_def *def; /* the Better Auth field, or NULL for an extra column */
    bool notnull;            /* declared NOT NULL: keyset pages need no NULL terms */
} column;

typedef struct {
    bool present;
    column *cols; /* select order: known fields in model order, then extras in table order */
    size_t n;
    char *select_list; /* quoted, comma-separated column names in that order */
} table;

typedef struct {
    char *sql;
    sqlite3_stmt *st;
} cached_stmt;

typedef struct {
    bc_driver base; /* first: the driver pointer is this struct's pointer */
    sqlite3 *db;
    char *path;
    bool wal_was_there; /* read-only: the -wal or -shm file existed before we opened the file */
    int timeout_ms;
    bool in_txn;
    table tables[BC_MODEL_COUNT];
    cached_stmt stmts[STMT_CACHE];
    size_t next_evict;
    /* The last count, reused while the filter, the file (data_version, which other connections'
     * commits change) and our own writes (total_changes) are unchanged. */
    char *count_key;
    int64_t count_data_version, count_changes, count_value;
    /* A substring search's first look in the sort order visits at most this many rows (see
     * run_page in sqlite_pages.c); bc_sqlite_opts.walk_rows, else SQ_WALK_ROWS. */
    int64_t walk_rows;
    /* bc_sqlite_opts.image_set_max, else SQ_IMAGE_SET_MAX (see sqlite_image.c). */
    size_t image_set_max;
    /* BCADMIN_SQLITE_SLOW_US (tests): microseconds slept every thousand VM steps, so a long
     * statement is long enough to watch and stop. 0: none. */
    int slow_us;
    /* The search image (sqlite_image.c): asked for by bc_driver_prepare_search from any thread,
     * then made, read and used on the connection's. NULL until then. */
    atomic_bool image_wanted;
    struct sq_image *image;
    /* The rowids bcadmin_in_set() holds, ascending, while a page with page_spec.set is read. */
    const int64_t *in_set;
    size_t in_set_n;
} sq;

/* A statement under construction: SQL text and its parameters, bound in order. */
typedef struct {
    bc_buf sql;
    bc_value *params;
    size_t n, cap;
} qb;

/* The keyset page machinery shared by users and sessions. */
typedef struct {
    bc_model model;
    char kind;          /* cursor kind */
    uint8_t sort;       /* cursor sort id */
    const char *column; /* the sort column */
    bool nocase;        /* compare the sort column with COLLATE NOCASE */
    bool ascending;
    const qb *where; /* " WHERE ..." or empty, with its parameters */
    const char *canonical;
    bool time_dependent; /* the filter compares with now: the cached count ages */
    /* A statement counting the rows the filter selects a cheaper way (SELECT n), or NULL for
     * count(*) with the WHERE clause. */
    const qb *count;
    /* The filter has to look at every row anyway (substring search): one scan of the table in
     * storage order, counting and keeping the page in a heap (scan_page), beats walking the
     * sort index, which visits the rows in random order (measured 0.46 s against 4.8 s for a
     * search without matches in a million users), and a second scan for the count. */
    bool scan;
    /* The filter is a range on an index that also holds the sort key and id (prefix search on
     * ("email", "createdAt", "id")): pick the page's rowids from that index alone, then read
     * only those rows, instead of reading every matching row to sort it (7,900 random row reads
     * for a three-letter prefix in a million users). */
    bool deferred;
    /* With scan: the FTS5 query (search_match) whose matches in bcadmin_user_search are the
     * only rows the scan has to look at, or NULL to look at every row. */
    const char *match;
    /* With scan: the only rows the filter can match (their rowids, ascending: the search image's
     * matches, sqlite_image.c), or NULL. The scan reads only these rows; the walk steps over
     * the sort index reading only these rows (bcadmin_in_set). */
    const int64_t *set;
    size_t set_n;
    /* With scan, for a page without its total: first walk the sort index from the cursor,
     * checking each row, and stop at limit + 1 matches (a needle common enough finds its page
     * in a few hundred rows); only when walk_rows rows did not fill the page, or the first rows'
     * matches say they would not (or the file has no index for the sort), answer by the scan or
     * the candidates. */
    bool walk;
    size_t limit;
    const char *cursor;
    bool want_total;
} page_spec;
/* Keys of the first and last rows of a page, as stored, for the cursors. */
typedef struct {
    bc_value first_key, first_id, last_key, last_id;
} page_edges;

/* The busy handler's backoff (sqlite_stmt.c), also what pauses between index builds wait out. */
enum { SQ_NDELAYS = 12 };

/* sqlite_stmt.c */
int64_t sq_mono_ms(void);
void sq_put_ident(bc_buf *b, const char *name);
void sq_qb_param(qb *q, bc_value v);
void sq_qb_release(qb *q);
bool sq_is_busy(int rc);
extern const int sq_delays[];
int sq_wait_for_lock(void *arg, int tries);
int sq_interrupted(void *arg);
bc_status sq_db_fail(sq *s, int rc, bc_error *err, const char *what);
bc_status sq_prepare(sq *s, const char *sql, sqlite3_stmt **out, bc_error *err);
void sq_bind_value(sqlite3_stmt *st, int i, const bc_value *v);
bc_status sq_start(sq *s, const qb *q, sqlite3_stmt **out, bc_error *err);
int sq_first_step(sq *s, sqlite3_stmt *st);
bc_status sq_query(sq *s, qb *q, sqlite3_stmt **out, int *rc, bc_error *err);
void sq_finish(sqlite3_stmt *st);
bc_status sq_exec_qb(sq *s, const qb *q, size_t *changes, const char *what, bc_error *err);
bc_status sq_query_int(sq *s, const qb *q, int64_t *out, const char *what, bc_error *err);

/* sqlite_schema.c */
void sq_table_release(table *t);
bc_status sq_load_schema(sq *s, bc_error *err);
const column *sq_find_column(const table *t, const char *name, size_t *index);
bc_status sq_need_table(sq *s, bc_model m, bc_error *err);

/* sqlite_values.c */
bc_value sq_raw_value(sqlite3_stmt *st, int i);
bc_record sq_decode_row(const table *t, sqlite3_stmt *st);
bc_status sq_check_fields(sq *s, bc_model m, const bc_record *r, bc_error *err);
bc_status sq_put_match(sq *s, bc_model m, qb *q, const bc_match *match, size_t from, size_t to,
                       bc_error *err);

/* sqlite_rows.c */
bc_status sq_run_plain(sq *s, const char *sql, const char *what, bc_error *err);
bool sq_map_file(sq *s, bool on);
bc_status sqlite_txn(bc_driver *d, bc_txn_op op, bc_error *err);
bc_status sqlite_rows_get(bc_driver *d, bc_model model, const bc_match *m, size_t limit,
                          bc_rows *out, bc_error *err);
bc_status sqlite_row_insert(bc_driver *d, bc_model model, const bc_record *row, bc_error *err);
bc_status sqlite_rows_update(bc_driver *d, bc_model model, const bc_match *m,
                             const bc_record *patch, size_t *changed, bc_error *err);
bc_status sqlite_rows_delete(bc_driver *d, bc_model model, const bc_match *m, size_t *deleted,
                             bc_error *err);

/* sqlite_pages.c */
void sq_put_date_after(qb *q, const char *col, int64_t now, bool unindexed);
void sq_put_date_after_now(qb *q, const char *col, int64_t now);
void sq_put_ban_in_force(qb *q, int64_t now);
void sq_qb_append(qb *dst, const qb *src);
bool sq_has_object(sq *s, const char *type, const char *name);
char *sq_count_key(const page_spec *p);
bc_status sq_data_version(sq *s, int64_t *version, bc_error *err);
bc_status sq_count_rows(sq *s, const page_spec *p, int64_t *total, bc_error *err);
bc_status sqlite_users_page(bc_driver *d, const bc_user_query *q, bc_page *out, bc_error *err);
bc_status sqlite_sessions_page(bc_driver *d, const bc_session_query *q, bc_page *out,
                               bc_error *err);

/* sqlite_search.c */
void sq_build_scan_sql(const page_spec *p, qb *q);
bc_status sq_scan_page(sq *s, const page_spec *p, const bc_cursor *c, bool descending, bc_page *out,
                       page_edges *e, bool *more, int64_t *total, bc_error *err);
void sq_contains_fn(sqlite3_context *ctx, int argc, sqlite3_value **argv);
char *sq_search_match(sq *s, const char *search, int64_t *docs, int64_t *rows);
bool sq_search_walks(sq *s, const char *match, int64_t docs, int64_t rows, size_t limit);

/* sqlite_image.c */
/* Make, adopt or renew the search image if it was asked for (see sqlite_image.c). */
void sq_image_tend(sq *s);
/* How a search's page is best read, by the number of its matches (see sqlite_image.c). */
typedef enum {
    SQ_IMAGE_NONE, /* no search image fresh for the file as it is now: the other plans */
    SQ_IMAGE_FEW,  /* read the page from the matches' rows (page_spec.set, walk off) */
    SQ_IMAGE_SOME, /* walk the sort order over the matches' rows only (page_spec.set, walk) */
    SQ_IMAGE_MANY, /* walk the sort order checking every row (no set, walk) */
} sq_image_plan;
/* The rowids of the users whose email or name holds search (folded here), ascending, from a
 * fresh search image: for FEW and SOME in *rowids (the caller frees), *n their number; for MANY
 * *n is a lower bound and *rowids NULL. */
sq_image_plan sq_image_matches(sq *s, const char *search, size_t limit, int64_t **rowids,
                               size_t *n);
/* The number of users whose email or name holds search, from a fresh search image; false when
 * there is none, or the call was stopped (bc_driver_interrupt) while it counted. */
bool sq_image_count(sq *s, const char *search, size_t *n);
/* bcadmin_in_set(rowid): 1 when rowid is in s->in_set (registered at open, user data s). */
void sq_in_set_fn(sqlite3_context *ctx, int argc, sqlite3_value **argv);
/* Stop a reading in progress and free the image. */
void sq_image_close(sq *s);

/* sqlite_counts.c */
void sq_put_active_sessions(sq *s, qb *q, int64_t now);
bc_status sq_count_table(sq *s, bc_model m, const qb *where, int64_t *n, const char *what,
                         bc_error *err);
bc_status sqlite_count(bc_driver *d, const bc_count_query *q, int64_t *n, bc_error *err);
bc_status sqlite_count_per_day(bc_driver *d, bc_model model, int64_t day0_ms, int days,
                               int64_t *counts, bc_error *err);
bc_status sqlite_count_groups(bc_driver *d, const bc_count_query *q, const char *field,
                              bc_group_counts *out, bc_error *err);

/* sqlite_indexes.c */
bool sq_has_search_index(sq *s);
/* Whether the overview summary (assets/stats-summary.sql) is present and filled. */
bool sq_has_summary(sq *s);

#endif
