/* sqlite_driver.c - the driver ops of driver.h over a Better Auth SQLite file.
 *
 * The schema is read once at open (pragma_table_info), so every row is selected with an explicit
 * column list: Better Auth's fields first, then the app's extra columns, which are kept. Pages are
 * keyset windows over (sort key, id), matching the browse indexes of assets/browse-indexes.sql;
 * nothing ever uses OFFSET. A substring search is answered by one statement over every row, or
 * over the candidates of the trigram index of assets/search-index.sql when the file has it and
 * the needle is selective (search_match), that counts the matches and keeps the page in a
 * bounded heap (scan_page). Statements are
 * prepared once, cached, and reset right after use so no read transaction stays open between calls
 * while a live server writes the same file.
 */
#include "sqlite_driver.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <sqlite3.h>
#include <unicase.h>

#include "cursor.h"
#include "embedded.h"
#include "isotime.h"
#include "text.h"

enum {
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
} sq;

/* A statement under construction: SQL text and its parameters, bound in order. */
typedef struct {
    bc_buf sql;
    bc_value *params;
    size_t n, cap;
} qb;

static const bc_driver_ops sqlite_ops;
static char *search_match(sq *s, const char *search);

/* --- small helpers ----------------------------------------------------------------------- */

static int64_t mono_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void put_ident(bc_buf *b, const char *name)
{
    bc_buf_puts(b, "\"");
    for (const char *p = name; *p; p++)
        bc_buf_puts(b, *p == '"' ? "\"\"" : (char[]){*p, '\0'});
    bc_buf_puts(b, "\"");
}

static void qb_param(qb *q, bc_value v)
{
    if (q->n == q->cap) {
        q->cap = q->cap ? q->cap * 2 : 16;
        q->params = bc_xrealloc(q->params, q->cap * sizeof *q->params);
    }
    q->params[q->n++] = v;
    bc_buf_puts(&q->sql, "?");
}

static void qb_release(qb *q)
{
    bc_buf_release(&q->sql);
    for (size_t i = 0; i < q->n; i++)
        bc_value_release(&q->params[i]);
    free(q->params);
    *q = (qb){0};
}

static bool is_busy(int rc)
{
    return (rc & 0xff) == SQLITE_BUSY || (rc & 0xff) == SQLITE_LOCKED;
}

/* SQLite's busy handler waits out most locks; some BUSY results come back without waiting
 * (a WAL snapshot in recovery, a read lock upgrade). Retry those until the timeout is spent. */
static bool retry_busy(sq *s, int rc, int64_t start)
{
    if (!is_busy(rc) || mono_ms() - start >= s->timeout_ms || atomic_load(&s->base.cancel))
        return false;
    sqlite3_sleep(10);
    return true;
}

/* The busy handler: wait out another connection's lock for up to timeout_ms with the backoff of
 * sqlite3_busy_timeout (retrying more often would keep taking the shared lock that a writer
 * without a busy handler of its own needs to commit), unless bc_driver_interrupt asks to stop. */
static const int delays[] = {1, 2, 5, 10, 15, 20, 25, 25, 25, 50, 50, 100};
enum { NDELAYS = sizeof delays / sizeof delays[0] };

static int wait_for_lock(void *arg, int tries)
{
    sq *s = arg;
    int64_t waited = 0;
    for (int i = 0; i < tries; i++)
        waited += delays[i < NDELAYS ? i : NDELAYS - 1];
    int delay = delays[tries < NDELAYS ? tries : NDELAYS - 1];
    if (atomic_load(&s->base.cancel) || waited >= s->timeout_ms)
        return 0;
    if (waited + delay > s->timeout_ms)
        delay = (int)(s->timeout_ms - waited);
    sqlite3_sleep(delay);
    return 1;
}

/* The progress handler: non-zero makes the running statement fail with SQLITE_INTERRUPT. */
static int interrupted(void *arg)
{
    return atomic_load(&((bc_driver *)arg)->cancel);
}

static bc_status db_fail(sq *s, int rc, bc_error *err, const char *what)
{
    if ((rc & 0xff) == SQLITE_INTERRUPT || (is_busy(rc) && atomic_load(&s->base.cancel)))
        return bc_fail(err, BC_CANCELLED, "%s in %s", what, s->path);
    if (is_busy(rc))
        return bc_fail(err, BC_ERR, "database is locked by another process (file %s) while %s",
                       s->path, what);
    if ((rc & 0xff) == SQLITE_NOTADB)
        return bc_fail(err, BC_ERR, "%s is not a SQLite database (or it is encrypted)", s->path);
    if ((rc & 0xff) == SQLITE_CORRUPT)
        return bc_fail(err, BC_ERR,
                       "%s is damaged (SQLite found corruption while %s); the change was not "
                       "made. Run `bcadmin db check` and restore the file from a backup",
                       s->path, what);
    return bc_fail(err, BC_ERR, "%s in %s: %s", what, s->path, sqlite3_errmsg(s->db));
}

/* --- statements ---------------------------------------------------------------------------- */

static bc_status prepare(sq *s, const char *sql, sqlite3_stmt **out, bc_error *err)
{
    for (size_t i = 0; i < STMT_CACHE; i++) {
        if (s->stmts[i].sql && strcmp(s->stmts[i].sql, sql) == 0) {
            *out = s->stmts[i].st;
            return BC_OK;
        }
    }
    int64_t start = mono_ms();
    int rc;
    sqlite3_stmt *st = NULL;
    while ((rc = sqlite3_prepare_v3(s->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &st, NULL)) !=
               SQLITE_OK &&
           retry_busy(s, rc, start))
        ;
    if (rc != SQLITE_OK)
        return db_fail(s, rc, err, "preparing a query");
    cached_stmt *slot = &s->stmts[s->next_evict];
    s->next_evict = (s->next_evict + 1) % STMT_CACHE;
    sqlite3_finalize(slot->st);
    free(slot->sql);
    *slot = (cached_stmt){bc_xstrdup(sql), st};
    *out = st;
    return BC_OK;
}

static void bind_value(sqlite3_stmt *st, int i, const bc_value *v)
{
    switch (v->kind) {
    case BC_V_NULL:
        sqlite3_bind_null(st, i);
        break;
    case BC_V_TEXT:
        sqlite3_bind_text(st, i, v->u.text, (int)v->len, SQLITE_TRANSIENT);
        break;
    case BC_V_BLOB:
        sqlite3_bind_blob(st, i, v->u.text, (int)v->len, SQLITE_TRANSIENT);
        break;
    case BC_V_INT:
        sqlite3_bind_int64(st, i, v->u.i);
        break;
    case BC_V_REAL:
        sqlite3_bind_double(st, i, v->u.r);
        break;
    case BC_V_BOOL:
        sqlite3_bind_int(st, i, v->u.b ? 1 : 0);
        break;
    case BC_V_DATE: {
        char iso[BC_ISO_LEN + 1];
        bc_iso_format(v->u.ms, iso);
        sqlite3_bind_text(st, i, iso, BC_ISO_LEN, SQLITE_TRANSIENT);
        break;
    }
    }
}

/* Prepare q and bind its parameters. */
static bc_status start(sq *s, const qb *q, sqlite3_stmt **out, bc_error *err)
{
    bc_status st = prepare(s, q->sql.data, out, err);
    if (st != BC_OK)
        return st;
    for (size_t i = 0; i < q->n; i++)
        bind_value(*out, (int)i + 1, &q->params[i]);
    return BC_OK;
}

/* The first step of a statement, retrying a lock within the timeout. */
static int first_step(sq *s, sqlite3_stmt *st)
{
    int64_t t0 = mono_ms();
    int rc;
    while ((rc = sqlite3_step(st)) != SQLITE_ROW && rc != SQLITE_DONE && retry_busy(s, rc, t0))
        sqlite3_reset(st);
    return rc;
}

/* Reset right away: a statement left mid-iteration would hold a read transaction open. */
static void finish(sqlite3_stmt *st)
{
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
}

/* Run a statement that returns no rows; *changes (may be NULL) gets sqlite3_changes. */
static bc_status exec_qb(sq *s, const qb *q, size_t *changes, const char *what, bc_error *err)
{
    sqlite3_stmt *st;
    bc_status status = start(s, q, &st, err);
    if (status != BC_OK)
        return status;
    int rc = first_step(s, st);
    while (rc == SQLITE_ROW)
        rc = sqlite3_step(st);
    if (rc != SQLITE_DONE) {
        status = db_fail(s, rc, err, what);
        finish(st);
        return status;
    }
    if (changes)
        *changes = (size_t)sqlite3_changes(s->db);
    finish(st);
    return BC_OK;
}

/* A single integer from a statement with no parameters (or q's). */
static bc_status query_int(sq *s, const qb *q, int64_t *out, const char *what, bc_error *err)
{
    sqlite3_stmt *st;
    bc_status status = start(s, q, &st, err);
    if (status != BC_OK)
        return status;
    int rc = first_step(s, st);
    if (rc == SQLITE_ROW) {
        *out = sqlite3_column_int64(st, 0);
        finish(st);
        return BC_OK;
    }
    status = rc == SQLITE_DONE ? bc_fail(err, BC_ERR, "%s in %s: no result", what, s->path)
                               : db_fail(s, rc, err, what);
    finish(st);
    return status;
}

/* --- schema ------------------------------------------------------------------------------- */

static void table_release(table *t)
{
    for (size_t i = 0; i < t->n; i++) {
        free(t->cols[i].name);
        free(t->cols[i].decl);
    }
    free(t->cols);
    free(t->select_list);
    *t = (table){0};
}

static bool is_required_model(bc_model m)
{
    return m == BC_MODEL_USER || m == BC_MODEL_SESSION || m == BC_MODEL_ACCOUNT;
}

/* Read one table's columns; note what Better Auth needs and the table lacks in *missing. */
static bc_status load_table(sq *s, bc_model m, bc_buf *missing, bc_error *err)
{
    const bc_model_def *def = bc_model_get(m);
    table *t = &s->tables[m];
    qb q = {0};
    bc_buf_puts(&q.sql, "SELECT name, coalesce(type, ''), \"notnull\" FROM pragma_table_info(");
    qb_param(&q, bc_value_text(def->name));
    bc_buf_puts(&q.sql, ") ORDER BY cid");
    sqlite3_stmt *st;
    bc_status status = start(s, &q, &st, err);
    qb_release(&q);
    if (status != BC_OK)
        return status;

    size_t found_n = 0, cap = 0;
    column *found = NULL;
    int rc = first_step(s, st);
    for (; rc == SQLITE_ROW; rc = sqlite3_step(st)) {
        if (found_n == cap) {
            cap = cap ? cap * 2 : 16;
            found = bc_xrealloc(found, cap * sizeof *found);
        }
        const char *decl = (const char *)sqlite3_column_text(st, 1);
        found[found_n++] = (column){
            .name = bc_xstrdup((const char *)sqlite3_column_text(st, 0)),
            .decl = bc_text_lower(decl ? decl : "", decl ? strlen(decl) : 0, NULL),
            .def = bc_model_field(m, (const char *)sqlite3_column_text(st, 0)),
            .notnull = sqlite3_column_int(st, 2) != 0,
        };
    }
    finish(st);
    if (rc != SQLITE_DONE) {
        for (size_t i = 0; i < found_n; i++)
            free(found[i].name), free(found[i].decl);
        free(found);
        return db_fail(s, rc, err, "reading the schema");
    }

    if (found_n == 0) {
        if (is_required_model(m))
            bc_buf_printf(missing, "%smissing table \"%s\"", missing->len ? "; " : "", def->name);
        free(found);
        return BC_OK;
    }

    /* Known fields in model order, each moved out of `found`; what remains are extras. */
    t->cols = bc_xcalloc(found_n + def->n_fields, sizeof *t->cols);
    bc_buf lacking = {0};
    for (size_t f = 0; f < def->n_fields; f++) {
        size_t i = 0;
        while (i < found_n && !(found[i].name && strcmp(found[i].name, def->fields[f].name) == 0))
            i++;
        if (i == found_n) {
            bc_buf_printf(&lacking, "%s\"%s\"", lacking.len ? ", " : "", def->fields[f].name);
            continue;
        }
        t->cols[t->n++] = found[i];
        found[i].name = NULL;
    }
    bool complete = lacking.len == 0;
    if (!complete)
        bc_buf_printf(missing, "%stable \"%s\" lacks columns %s", missing->len ? "; " : "",
                      def->name, lacking.data);
    bc_buf_release(&lacking);
    for (size_t i = 0; i < found_n; i++)
        if (found[i].name)
            t->cols[t->n++] = found[i];
    free(found);

    bc_buf list = {0};
    for (size_t i = 0; i < t->n; i++) {
        if (i)
            bc_buf_puts(&list, ", ");
        put_ident(&list, t->cols[i].name);
    }
    t->select_list = bc_buf_take(&list);
    t->present = complete;
    return BC_OK;
}

static bc_status load_schema(sq *s, bc_error *err)
{
    bc_buf missing = {0};
    for (int m = 0; m < BC_MODEL_COUNT; m++) {
        bc_status st = load_table(s, (bc_model)m, &missing, err);
        if (st != BC_OK) {
            bc_buf_release(&missing);
            return st;
        }
    }
    if (missing.len) {
        bc_fail(err, BC_ERR, "%s is not a Better Auth database: %s", s->path, missing.data);
        bc_buf_release(&missing);
        return BC_ERR;
    }
    return BC_OK;
}

static const column *find_column(const table *t, const char *name, size_t *index)
{
    for (size_t i = 0; i < t->n; i++) {
        if (strcmp(t->cols[i].name, name) == 0) {
            if (index)
                *index = i;
            return &t->cols[i];
        }
    }
    return NULL;
}

static bc_status need_table(sq *s, bc_model m, bc_error *err)
{
    if (s->tables[m].present)
        return BC_OK;
    return bc_fail(err, BC_NOT_FOUND, "%s has no \"%s\" table", s->path, bc_model_get(m)->name);
}

/* --- decoding ------------------------------------------------------------------------------ */

/* A column as stored, by storage class. */
static bc_value raw_value(sqlite3_stmt *st, int i)
{
    switch (sqlite3_column_type(st, i)) {
    case SQLITE_INTEGER:
        return bc_value_int(sqlite3_column_int64(st, i));
    case SQLITE_FLOAT:
        return bc_value_real(sqlite3_column_double(st, i));
    case SQLITE_TEXT:
        return bc_value_textn((const char *)sqlite3_column_text(st, i),
                              (size_t)sqlite3_column_bytes(st, i));
    case SQLITE_BLOB: {
        const void *p = sqlite3_column_blob(st, i);
        bc_value v = bc_value_textn(p ? p : "", (size_t)sqlite3_column_bytes(st, i));
        v.kind = BC_V_BLOB;
        return v;
    }
    default:
        return bc_value_null();
    }
}

static bool decl_is_date(const char *decl)
{
    return strstr(decl, "date") || strstr(decl, "time");
}

static bool decl_is_bool(const char *decl)
{
    return strstr(decl, "bool") != NULL;
}

/* Decode by the field's Better Auth type (or an extra column's declared type). A value that does
 * not fit its type is kept as stored, never dropped. */
static bc_value decode(const column *c, sqlite3_stmt *st, int i)
{
    bc_ftype type = c->def                  ? c->def->type
                    : decl_is_date(c->decl) ? BC_FT_DATE
                    : decl_is_bool(c->decl) ? BC_FT_BOOL
                                            : BC_FT_TEXT;
    int storage = sqlite3_column_type(st, i);
    if (type == BC_FT_DATE && storage == SQLITE_TEXT) {
        int64_t ms;
        if (bc_iso_parse((const char *)sqlite3_column_text(st, i),
                         (size_t)sqlite3_column_bytes(st, i), &ms))
            return bc_value_date(ms);
    } else if (type == BC_FT_DATE && storage == SQLITE_INTEGER) {
        return bc_value_date(sqlite3_column_int64(st, i));
    } else if (type == BC_FT_BOOL && storage == SQLITE_INTEGER) {
        int64_t b = sqlite3_column_int64(st, i);
        if (b == 0 || b == 1)
            return bc_value_bool(b == 1);
    }
    return raw_value(st, i);
}

static bc_record decode_row(const table *t, sqlite3_stmt *st)
{
    bc_record r = {0};
    r.cap = t->n;
    r.fields = bc_xcalloc(t->n ? t->n : 1, sizeof *r.fields);
    /* Column names are unique, so append directly instead of bc_record_set's lookup. */
    for (size_t i = 0; i < t->n; i++)
        r.fields[r.n++] = (bc_field){bc_xstrdup(t->cols[i].name), decode(&t->cols[i], st, (int)i)};
    return r;
}

/* --- writing values ------------------------------------------------------------------------ */

static bc_status check_fields(sq *s, bc_model m, const bc_record *r, bc_error *err)
{
    const table *t = &s->tables[m];
    for (size_t i = 0; i < r->n; i++)
        if (!find_column(t, r->fields[i].name, NULL))
            return bc_fail(err, BC_USAGE, "table \"%s\" in %s has no column \"%s\"",
                           bc_model_get(m)->name, s->path, r->fields[i].name);
    return BC_OK;
}

/* Append `WHERE field IN (values[from..to))` (or `= ?`) for a match; nothing for NULL. */
static bc_status put_match(sq *s, bc_model m, qb *q, const bc_match *match, size_t from, size_t to,
                           bc_error *err)
{
    if (!match)
        return BC_OK;
    if (!match->field || !find_column(&s->tables[m], match->field, NULL))
        return bc_fail(err, BC_USAGE, "table \"%s\" in %s has no column \"%s\"",
                       bc_model_get(m)->name, s->path, match->field ? match->field : "(null)");
    bc_buf_puts(&q->sql, " WHERE ");
    put_ident(&q->sql, match->field);
    bc_buf_puts(&q->sql, to - from == 1 ? " = " : " IN (");
    for (size_t i = from; i < to; i++) {
        if (i > from)
            bc_buf_puts(&q->sql, ", ");
        qb_param(q, bc_value_text(match->values[i]));
    }
    if (to - from != 1)
        bc_buf_puts(&q->sql, ")");
    return BC_OK;
}

/* --- transactions -------------------------------------------------------------------------- */

static bc_status run_plain(sq *s, const char *sql, const char *what, bc_error *err)
{
    qb q = {0};
    bc_buf_puts(&q.sql, sql);
    bc_status st = exec_qb(s, &q, NULL, what, err);
    qb_release(&q);
    return st;
}

static bc_status sqlite_txn(bc_driver *d, bc_txn_op op, bc_error *err)
{
    sq *s = (sq *)d;
    bc_status st;
    switch (op) {
    case BC_TXN_BEGIN:
        if (s->in_txn)
            return bc_fail(err, BC_USAGE, "a transaction is already open on %s", s->path);
        /* IMMEDIATE takes the write lock now, so a later statement cannot fail half way. */
        st = run_plain(s, "BEGIN IMMEDIATE", "starting a transaction", err);
        s->in_txn = st == BC_OK;
        return st;
    case BC_TXN_COMMIT:
        if (!s->in_txn)
            return bc_fail(err, BC_USAGE, "no transaction is open on %s", s->path);
        st = run_plain(s, "COMMIT", "committing", err);
        if (st == BC_OK)
            s->in_txn = false;
        return st;
    case BC_TXN_ROLLBACK:
        s->in_txn = false;
        if (sqlite3_get_autocommit(s->db))
            return BC_OK;
        return run_plain(s, "ROLLBACK", "rolling back", err);
    }
    return bc_fail(err, BC_USAGE, "unknown transaction operation");
}

/* Writes spanning several statements (long IN lists) run in one transaction of their own. */
static bc_status write_begin(sq *s, size_t statements, bool *own, bc_error *err)
{
    *own = statements > 1 && !s->in_txn;
    return *own ? sqlite_txn(&s->base, BC_TXN_BEGIN, err) : BC_OK;
}

static bc_status write_end(sq *s, bool own, bc_status st, bc_error *err)
{
    if (!own)
        return st;
    if (st != BC_OK) {
        sqlite_txn(&s->base, BC_TXN_ROLLBACK, NULL);
        return st;
    }
    st = sqlite_txn(&s->base, BC_TXN_COMMIT, err);
    if (st != BC_OK)
        sqlite_txn(&s->base, BC_TXN_ROLLBACK, NULL);
    return st;
}

/* --- rows ---------------------------------------------------------------------------------- */

static size_t chunks(const bc_match *m)
{
    return m && m->n > IN_CHUNK ? (m->n + IN_CHUNK - 1) / IN_CHUNK : 1;
}

static bc_status sqlite_rows_get(bc_driver *d, bc_model model, const bc_match *m, size_t limit,
                                 bc_rows *out, bc_error *err)
{
    sq *s = (sq *)d;
    bc_status status = need_table(s, model, err);
    if (status != BC_OK || (m && m->n == 0))
        return status;
    const table *t = &s->tables[model];
    for (size_t c = 0; c < chunks(m) && status == BC_OK; c++) {
        if (limit && out->n >= limit)
            break;
        qb q = {0};
        bc_buf_printf(&q.sql, "SELECT %s FROM ", t->select_list);
        put_ident(&q.sql, bc_model_get(model)->name);
        size_t from = c * IN_CHUNK, to = m ? (m->n < from + IN_CHUNK ? m->n : from + IN_CHUNK) : 0;
        status = put_match(s, model, &q, m, from, to, err);
        bc_buf_puts(&q.sql, " LIMIT ");
        qb_param(&q, bc_value_int(limit ? (int64_t)(limit - out->n) : -1));
        sqlite3_stmt *st = NULL;
        if (status == BC_OK)
            status = start(s, &q, &st, err);
        qb_release(&q);
        if (status != BC_OK)
            break;
        int rc = first_step(s, st);
        for (; rc == SQLITE_ROW; rc = sqlite3_step(st)) {
            bc_record r = decode_row(t, st);
            bc_rows_push(out, &r);
        }
        if (rc != SQLITE_DONE)
            status = db_fail(s, rc, err, "reading rows");
        finish(st);
    }
    if (status != BC_OK)
        bc_rows_release(out);
    return status;
}

static bc_status sqlite_row_insert(bc_driver *d, bc_model model, const bc_record *row,
                                   bc_error *err)
{
    sq *s = (sq *)d;
    bc_status status = need_table(s, model, err);
    if (status == BC_OK)
        status = check_fields(s, model, row, err);
    if (status != BC_OK)
        return status;
    if (row->n == 0)
        return bc_fail(err, BC_USAGE, "nothing to insert into \"%s\"", bc_model_get(model)->name);
    qb q = {0};
    bc_buf_puts(&q.sql, "INSERT INTO ");
    put_ident(&q.sql, bc_model_get(model)->name);
    bc_buf_puts(&q.sql, " (");
    for (size_t i = 0; i < row->n; i++) {
        if (i)
            bc_buf_puts(&q.sql, ", ");
        put_ident(&q.sql, row->fields[i].name);
    }
    bc_buf_puts(&q.sql, ") VALUES (");
    for (size_t i = 0; i < row->n; i++) {
        if (i)
            bc_buf_puts(&q.sql, ", ");
        qb_param(&q, bc_value_copy(&row->fields[i].value));
    }
    bc_buf_puts(&q.sql, ")");
    char *what = bc_xasprintf("inserting into \"%s\"", bc_model_get(model)->name);
    status = exec_qb(s, &q, NULL, what, err);
    free(what);
    qb_release(&q);
    return status;
}

/* UPDATE (patch set) or DELETE (patch NULL) the rows of m, IN lists split into chunks inside one
 * write transaction; *count gets the rows touched. */
static bc_status write_rows(sq *s, bc_model model, const bc_match *m, const bc_record *patch,
                            size_t *count, bc_error *err)
{
    const char *name = bc_model_get(model)->name;
    size_t total = 0;
    bool own;
    bc_status status = write_begin(s, chunks(m), &own, err);
    char *what = bc_xasprintf(patch ? "updating \"%s\"" : "deleting from \"%s\"", name);
    for (size_t c = 0; c < chunks(m) && status == BC_OK; c++) {
        qb q = {0};
        bc_buf_puts(&q.sql, patch ? "UPDATE " : "DELETE FROM ");
        put_ident(&q.sql, name);
        if (patch) {
            bc_buf_puts(&q.sql, " SET ");
            for (size_t i = 0; i < patch->n; i++) {
                if (i)
                    bc_buf_puts(&q.sql, ", ");
                put_ident(&q.sql, patch->fields[i].name);
                bc_buf_puts(&q.sql, " = ");
                qb_param(&q, bc_value_copy(&patch->fields[i].value));
            }
        }
        size_t from = c * IN_CHUNK, to = m ? (m->n < from + IN_CHUNK ? m->n : from + IN_CHUNK) : 0;
        status = put_match(s, model, &q, m, from, to, err);
        size_t n = 0;
        if (status == BC_OK)
            status = exec_qb(s, &q, &n, what, err);
        total += n;
        qb_release(&q);
    }
    free(what);
    status = write_end(s, own, status, err);
    if (count)
        *count = status == BC_OK ? total : 0;
    return status;
}

static bc_status sqlite_rows_update(bc_driver *d, bc_model model, const bc_match *m,
                                    const bc_record *patch, size_t *changed, bc_error *err)
{
    sq *s = (sq *)d;
    bc_status status = need_table(s, model, err);
    if (status == BC_OK)
        status = check_fields(s, model, patch, err);
    if (status != BC_OK || patch->n == 0 || (m && m->n == 0)) {
        if (changed)
            *changed = 0;
        return status;
    }
    return write_rows(s, model, m, patch, changed, err);
}

static bc_status sqlite_rows_delete(bc_driver *d, bc_model model, const bc_match *m,
                                    size_t *deleted, bc_error *err)
{
    sq *s = (sq *)d;
    bc_status status = need_table(s, model, err);
    if (status != BC_OK || (m && m->n == 0)) {
        if (deleted)
            *deleted = 0;
        return status;
    }
    return write_rows(s, model, m, NULL, deleted, err);
}

/* --- pages --------------------------------------------------------------------------------- */

/* `col` is a date after now. Better Auth writes ISO text, which compares in time order; integer
 * epoch milliseconds written by other tools are compared as numbers. SQLite orders any number
 * before any text and any text before any blob, so the type tests are range bounds ('' is the
 * least text, X'' the least blob) instead of typeof() calls: a count over the ban index then
 * evaluates no function per row. NULL is never after now (also under NOT). */
static void put_date_after(qb *q, const char *col, int64_t now, bool unindexed)
{
    /* A unary + keeps SQLite from driving the query by this column's index. */
    const char *p = unindexed ? "+" : "";
    char iso[BC_ISO_LEN + 1];
    bc_iso_format(now, iso);
    bc_buf_printf(&q->sql, "(%s\"%s\" IS NOT NULL AND ((%s\"%s\" > ", p, col, p, col);
    qb_param(q, bc_value_text(iso));
    bc_buf_printf(&q->sql, " AND %s\"%s\" < X'') OR (%s\"%s\" > ", p, col, p, col);
    qb_param(q, bc_value_int(now));
    bc_buf_printf(&q->sql, " AND %s\"%s\" < '')))", p, col);
}

static void put_date_after_now(qb *q, const char *col, int64_t now)
{
    put_date_after(q, col, now, false);
}

/* The user's ban is in force at now: banned, with no expiry or one after now. */
static void put_ban_in_force(qb *q, int64_t now)
{
    bc_buf_puts(&q->sql, "\"banned\" = 1 AND (\"banExpires\" IS NULL OR ");
    put_date_after_now(q, "banExpires", now);
    bc_buf_puts(&q->sql, ")");
}

static void put_and(qb *q, size_t *terms)
{
    bc_buf_puts(&q->sql, (*terms)++ ? " AND " : " WHERE ");
}

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
    size_t limit;
    const char *cursor;
    bool want_total;
} page_spec;

static void put_sort_expr(bc_buf *b, const page_spec *p)
{
    put_ident(b, p->column);
    if (p->nocase)
        bc_buf_puts(b, " COLLATE NOCASE");
}

static void qb_append(qb *dst, const qb *src)
{
    if (src->sql.len)
        bc_buf_puts(&dst->sql, src->sql.data);
    for (size_t i = 0; i < src->n; i++) {
        if (dst->n == dst->cap) {
            dst->cap = dst->cap ? dst->cap * 2 : 16;
            dst->params = bc_xrealloc(dst->params, dst->cap * sizeof *dst->params);
        }
        dst->params[dst->n++] = bc_value_copy(&src->params[i]);
    }
}

static bool column_nullable(const table *t, const char *name)
{
    const column *col = find_column(t, name, NULL);
    return !col || !col->notnull;
}

/* The rows past cursor c in read order. SQLite sorts NULL before every value, so reading
 * ascending the NULL keys come first and reading descending they come last; a cursor on a NULL
 * key continues among the NULLs by id. Without NULLs (a NOT NULL column):
 * key <= ?k AND (key < ?k OR id < ?id), not the row value (key, id) < (?k, ?id): SQLite turns
 * the first term into an index range even when the key carries a COLLATE, which it does not do
 * for a row value, so a deep page never scans the rows before it. */
static void put_past_cursor(qb *q, const page_spec *p, const bc_cursor *c, bool descending,
                            bool nullable)
{
    const char *op = descending ? "<" : ">";
    if (c->key.kind == BC_V_NULL) {
        bc_buf_puts(&q->sql, "(");
        put_sort_expr(&q->sql, p);
        bc_buf_puts(&q->sql, descending ? " IS NULL AND \"id\" < " : " IS NOT NULL OR \"id\" > ");
        qb_param(q, bc_value_copy(&c->id));
        bc_buf_puts(&q->sql, ")");
        return;
    }
    bc_buf_puts(&q->sql, "(");
    put_sort_expr(&q->sql, p);
    bc_buf_printf(&q->sql, " %s= ", op);
    qb_param(q, bc_value_copy(&c->key));
    bc_buf_puts(&q->sql, " AND (");
    put_sort_expr(&q->sql, p);
    bc_buf_printf(&q->sql, " %s ", op);
    qb_param(q, bc_value_copy(&c->key));
    bc_buf_printf(&q->sql, " OR \"id\" %s ", op);
    qb_param(q, bc_value_copy(&c->id));
    bc_buf_puts(&q->sql, ")");
    if (descending && nullable) {
        bc_buf_puts(&q->sql, " OR ");
        put_sort_expr(&q->sql, p);
        bc_buf_puts(&q->sql, " IS NULL");
    }
    bc_buf_puts(&q->sql, ")");
}

/* SELECT ... WHERE filter [AND past the cursor] ORDER BY key, id LIMIT n+1. */
static void build_page_sql(sq *s, const page_spec *p, const bc_cursor *c, qb *q)
{
    const table *t = &s->tables[p->model];
    bool backward = c && c->backward;
    bool descending = p->ascending == backward; /* !ascending XOR backward */
    const char *dir = descending ? " DESC" : " ASC";
    if (p->deferred) {
        /* The outer loop is the subquery (CROSS JOIN keeps SQLite from reordering the join), so
         * rows come out in its order; "bc_k" has no column named like the table's. */
        bc_buf_printf(&q->sql, "SELECT %s FROM (SELECT rowid AS \"bc_r\" FROM ", t->select_list);
        put_ident(&q->sql, bc_model_get(p->model)->name);
    } else {
        bc_buf_printf(&q->sql, "SELECT %s FROM ", t->select_list);
        put_ident(&q->sql, bc_model_get(p->model)->name);
    }
    qb_append(q, p->where);
    if (c) {
        bc_buf_puts(&q->sql, p->where->sql.len ? " AND " : " WHERE ");
        put_past_cursor(q, p, c, descending, column_nullable(t, p->column));
    }
    bc_buf_puts(&q->sql, " ORDER BY ");
    put_sort_expr(&q->sql, p);
    bc_buf_printf(&q->sql, "%s, \"id\"%s LIMIT ", dir, dir);
    qb_param(q, bc_value_int((int64_t)p->limit + 1));
    if (p->deferred) {
        bc_buf_puts(&q->sql, ") AS \"bc_k\" CROSS JOIN ");
        put_ident(&q->sql, bc_model_get(p->model)->name);
        bc_buf_puts(&q->sql, " ON ");
        put_ident(&q->sql, bc_model_get(p->model)->name);
        bc_buf_puts(&q->sql, ".rowid = \"bc_k\".\"bc_r\"");
    }
}

static bc_status decode_cursor(sq *s, const page_spec *p, bc_cursor *c, bool *have, bc_error *err)
{
    *have = false;
    if (!p->cursor || !*p->cursor)
        return BC_OK;
    if (!bc_cursor_decode(p->cursor, c))
        return bc_fail(err, BC_USAGE, "invalid cursor: it is damaged or not a bcadmin cursor");
    if (c->kind != p->kind || c->sort != p->sort || c->ascending != p->ascending ||
        c->filter != bc_cursor_fingerprint(p->canonical)) {
        bc_cursor_release(c);
        return bc_fail(err, BC_USAGE,
                       "invalid cursor: it belongs to another query (sort, order or filter)");
    }
    *have = true;
    return BC_OK;
}

static bool has_object(sq *s, const char *type, const char *name)
{
    qb q = {0};
    bc_buf_puts(&q.sql, "SELECT count(*) FROM sqlite_schema WHERE type = ");
    qb_param(&q, bc_value_text(type));
    bc_buf_puts(&q.sql, " AND name = ");
    qb_param(&q, bc_value_text(name));
    int64_t n = 0;
    bool found = query_int(s, &q, &n, "looking for an index", NULL) == BC_OK && n == 1;
    qb_release(&q);
    return found;
}

/* The count cache's key for a filter; a filter comparing with now ages by the minute. */
static char *count_key(const page_spec *p)
{
    return p->time_dependent
               ? bc_xasprintf("%s|%lld", p->canonical, (long long)(bc_now_ms() / 60000))
               : bc_xstrdup(p->canonical);
}

static bc_status data_version(sq *s, int64_t *version, bc_error *err)
{
    qb v = {0};
    bc_buf_puts(&v.sql, "PRAGMA data_version");
    bc_status st = query_int(s, &v, version, "reading the data version", err);
    qb_release(&v);
    return st;
}

/* Keep total as the count of key (taken) at data version `version`. */
static void remember_count(sq *s, char *key, int64_t version, int64_t total)
{
    free(s->count_key);
    s->count_key = key;
    s->count_data_version = version;
    s->count_changes = sqlite3_total_changes64(s->db);
    s->count_value = total;
}

static bc_status count_rows(sq *s, const page_spec *p, int64_t *total, bc_error *err)
{
    int64_t version;
    bc_status st = data_version(s, &version, err);
    if (st != BC_OK)
        return st;
    char *key = count_key(p);
    if (s->count_key && strcmp(s->count_key, key) == 0 && s->count_data_version == version &&
        s->count_changes == sqlite3_total_changes64(s->db)) {
        *total = s->count_value;
        free(key);
        return BC_OK;
    }
    qb q = {0};
    bc_buf_puts(&q.sql, "SELECT count(*) FROM ");
    put_ident(&q.sql, bc_model_get(p->model)->name);
    qb_append(&q, p->where);
    /* An unfiltered count reads every page of the narrowest index: through the page cache that
     * is one read() and one copy per page, 5 to 20 ms for a million users on a new connection;
     * memory-mapped, about 1 ms. Only for the users table with the ban index of
     * browse-indexes.sql, which SQLite picks for it and which is small (10 MB per million
     * users, mostly NULL or 0): the pages a mapped count touches count as resident while it
     * runs, and the mapping is dropped right after. Without it (another index, 45 MB, or the
     * sessions' expiresAt index, 65 MB for two million) the count reads through the cache. */
    bool mapped =
        !p->where->sql.len && p->model == BC_MODEL_USER && !s->in_txn &&
        has_object(s, "index", "bcadmin_user_banned") &&
        run_plain(s, "PRAGMA mmap_size = 1099511627776", "mapping the file", NULL) == BC_OK;
    st = query_int(s, &q, total, "counting rows", err);
    if (mapped)
        run_plain(s, "PRAGMA mmap_size = 0", "unmapping the file", NULL);
    qb_release(&q);
    if (st != BC_OK) {
        free(key);
        return st;
    }
    remember_count(s, key, version, *total);
    return BC_OK;
}

/* Keys of the first and last rows of a page, as stored, for the cursors. */
typedef struct {
    bc_value first_key, first_id, last_key, last_id;
} page_edges;

/* The rows of one page in read order by one sorted statement (build_page_sql). */
static bc_status sorted_page(sq *s, const page_spec *p, const bc_cursor *c, bc_page *out,
                             page_edges *e, bool *more, bc_error *err)
{
    const table *t = &s->tables[p->model];
    size_t key_col = 0, id_col = 0;
    find_column(t, p->column, &key_col);
    find_column(t, "id", &id_col);
    qb q = {0};
    build_page_sql(s, p, c, &q);
    sqlite3_stmt *st;
    bc_status status = start(s, &q, &st, err);
    qb_release(&q);
    if (status != BC_OK)
        return status;
    int rc = first_step(s, st);
    for (; rc == SQLITE_ROW; rc = sqlite3_step(st)) {
        if (out->rows.n == p->limit) {
            *more = true;
            break;
        }
        bc_record r = decode_row(t, st);
        bc_rows_push(&out->rows, &r);
        bc_value_release(&e->last_key);
        bc_value_release(&e->last_id);
        e->last_key = raw_value(st, (int)key_col);
        e->last_id = raw_value(st, (int)id_col);
        if (out->rows.n == 1) {
            e->first_key = bc_value_copy(&e->last_key);
            e->first_id = bc_value_copy(&e->last_id);
        }
    }
    finish(st);
    if (rc != SQLITE_DONE && rc != SQLITE_ROW)
        status = db_fail(s, rc, err, "reading a page");
    return status;
}

/* --- pages in one scan ---------------------------------------------------------------------- */

/* A filter that must look at every row (substring search) is answered by one scan that counts
 * every match and keeps the best limit + 1 (sort key, id) past the cursor in a bounded heap;
 * then only those rows are read, by rowid. Two statements (a sorted page and a count) would
 * scan the table twice. The heap orders as SQLite's ORDER BY does: NULL, numbers, text, blobs;
 * text by bytes, or ASCII-case-folded for COLLATE NOCASE. */

typedef struct {
    int64_t rowid;
    bc_value key, id;
} hit;

static int value_rank(const bc_value *v)
{
    switch (v->kind) {
    case BC_V_NULL:
        return 0;
    case BC_V_TEXT:
        return 2;
    case BC_V_BLOB:
        return 3;
    default:
        return 1;
    }
}

static long double value_number(const bc_value *v)
{
    switch (v->kind) {
    case BC_V_INT:
        return (long double)v->u.i;
    case BC_V_REAL:
        return v->u.r;
    case BC_V_BOOL:
        return v->u.b;
    case BC_V_DATE:
        return (long double)v->u.ms;
    default:
        return 0;
    }
}

static unsigned char ascii_lower(unsigned char c)
{
    return c >= 'A' && c <= 'Z' ? (unsigned char)(c + 32) : c;
}

static int cmp_value(const bc_value *a, const bc_value *b, bool nocase)
{
    int ra = value_rank(a), rb = value_rank(b);
    if (ra != rb)
        return ra < rb ? -1 : 1;
    if (ra == 0)
        return 0;
    if (ra == 1) {
        if (a->kind == BC_V_INT && b->kind == BC_V_INT)
            return (a->u.i > b->u.i) - (a->u.i < b->u.i);
        long double x = value_number(a), y = value_number(b);
        return (x > y) - (x < y);
    }
    size_t n = a->len < b->len ? a->len : b->len;
    const unsigned char *x = (const unsigned char *)a->u.text,
                        *y = (const unsigned char *)b->u.text;
    int c = 0;
    if (nocase && ra == 2) {
        for (size_t i = 0; i < n && !c; i++)
            c = ascii_lower(x[i]) - ascii_lower(y[i]);
    } else if (n) {
        c = memcmp(x, y, n);
    }
    if (c)
        return c < 0 ? -1 : 1;
    return (a->len > b->len) - (a->len < b->len);
}

/* <0 when (ka, ia) comes before (kb, ib) in the order the page is read. */
static int read_order(const page_spec *p, bool descending, const bc_value *ka, const bc_value *ia,
                      const bc_value *kb, const bc_value *ib)
{
    int c = cmp_value(ka, kb, p->nocase);
    if (!c)
        c = cmp_value(ia, ib, false);
    return descending ? -c : c;
}

/* A column as stored, pointing into the statement's memory (valid until the next step; never
 * released): compared for every match, copied only when kept. */
static bc_value column_view(sqlite3_stmt *st, int i)
{
    int type = sqlite3_column_type(st, i);
    if (type != SQLITE_TEXT && type != SQLITE_BLOB)
        return raw_value(st, i);
    const void *data =
        type == SQLITE_TEXT ? (const void *)sqlite3_column_text(st, i) : sqlite3_column_blob(st, i);
    return (bc_value){.kind = type == SQLITE_TEXT ? BC_V_TEXT : BC_V_BLOB,
                      .u.text = (char *)(data ? data : ""),
                      .len = (size_t)sqlite3_column_bytes(st, i)};
}

/* A max-heap in read order: the root is the worst row kept, the first to give way. */
typedef struct {
    hit *items;
    size_t n, cap;
    const page_spec *p;
    bool descending;
} hit_heap;

static int heap_cmp(const hit_heap *h, size_t i, size_t j)
{
    return read_order(h->p, h->descending, &h->items[i].key, &h->items[i].id, &h->items[j].key,
                      &h->items[j].id);
}

static void heap_swap(hit_heap *h, size_t i, size_t j)
{
    hit tmp = h->items[i];
    h->items[i] = h->items[j];
    h->items[j] = tmp;
}

static void heap_down(hit_heap *h, size_t i)
{
    for (;;) {
        size_t l = 2 * i + 1, r = l + 1, m = i;
        if (l < h->n && heap_cmp(h, l, m) > 0)
            m = l;
        if (r < h->n && heap_cmp(h, r, m) > 0)
            m = r;
        if (m == i)
            return;
        heap_swap(h, i, m);
        i = m;
    }
}

static void heap_up(hit_heap *h, size_t i)
{
    while (i && heap_cmp(h, i, (i - 1) / 2) > 0) {
        heap_swap(h, i, (i - 1) / 2);
        i = (i - 1) / 2;
    }
}

static void hit_release(hit *x)
{
    bc_value_release(&x->key);
    bc_value_release(&x->id);
}

/* Offer a match (views into the statement) to the heap. */
static void heap_offer(hit_heap *h, int64_t rowid, const bc_value *key, const bc_value *id)
{
    if (h->n == h->cap) {
        hit *worst = &h->items[0];
        if (read_order(h->p, h->descending, key, id, &worst->key, &worst->id) >= 0)
            return;
        hit_release(worst);
        *worst = (hit){rowid, bc_value_copy(key), bc_value_copy(id)};
        heap_down(h, 0);
        return;
    }
    h->items[h->n] = (hit){rowid, bc_value_copy(key), bc_value_copy(id)};
    heap_up(h, h->n++);
}

/* SELECT rowid, key, id FROM table WHERE filter: every match, in no particular order. */
static void build_scan_sql(const page_spec *p, qb *q)
{
    bc_buf_puts(&q->sql, "SELECT rowid, ");
    put_ident(&q->sql, p->column);
    bc_buf_puts(&q->sql, ", \"id\" FROM ");
    put_ident(&q->sql, bc_model_get(p->model)->name);
    qb_append(q, p->where);
    if (p->match) {
        /* Only the candidates of the trigram index; the filter above still checks each one
         * against the row, so the answer is the scan's. */
        bc_buf_puts(&q->sql, " AND \"id\" IN (SELECT \"id\" FROM \"bcadmin_user_search_doc\" "
                             "WHERE \"docid\" IN (SELECT rowid FROM \"bcadmin_user_search\" "
                             "WHERE \"bcadmin_user_search\" MATCH ");
        qb_param(q, bc_value_text(p->match));
        bc_buf_puts(&q->sql, "))");
    }
}

/* The rows of one page by a scan (see above): out->rows in read order, *more when a row follows
 * them, *total every match of the filter (cursor or not). */
static bc_status scan_page(sq *s, const page_spec *p, const bc_cursor *c, bool descending,
                           bc_page *out, page_edges *e, bool *more, int64_t *total, bc_error *err)
{
    /* One read transaction for the scan and the reads after it, so they see the same rows. */
    bool own = !s->in_txn && run_plain(s, "BEGIN", "starting a read", err) == BC_OK;
    if (!s->in_txn && !own)
        return BC_ERR;
    hit_heap h = {.cap = p->limit + 1, .p = p, .descending = descending};
    h.items = bc_xcalloc(h.cap, sizeof *h.items);
    qb q = {0};
    build_scan_sql(p, &q);
    sqlite3_stmt *st;
    bc_status status = start(s, &q, &st, err);
    qb_release(&q);
    int64_t n = 0;
    if (status == BC_OK) {
        int rc = first_step(s, st);
        for (; rc == SQLITE_ROW; rc = sqlite3_step(st)) {
            n++;
            bc_value key = column_view(st, 1), id = column_view(st, 2);
            if (!c || read_order(p, descending, &key, &id, &c->key, &c->id) > 0)
                heap_offer(&h, sqlite3_column_int64(st, 0), &key, &id);
        }
        if (rc != SQLITE_DONE)
            status = db_fail(s, rc, err, "searching rows");
        finish(st);
    }
    /* Pop the worst first: the array ends up in read order. */
    size_t kept = h.n;
    for (size_t i = kept; i > 1; i--) {
        heap_swap(&h, 0, i - 1);
        h.n = i - 1;
        heap_down(&h, 0);
    }
    *more = kept > p->limit;
    if (*more)
        kept = p->limit;
    if (kept) {
        e->first_key = bc_value_copy(&h.items[0].key);
        e->first_id = bc_value_copy(&h.items[0].id);
        e->last_key = bc_value_copy(&h.items[kept - 1].key);
        e->last_id = bc_value_copy(&h.items[kept - 1].id);
    }
    /* The kept rows themselves, by rowid. */
    qb fetch = {0};
    const table *t = &s->tables[p->model];
    bc_buf_printf(&fetch.sql, "SELECT %s FROM ", t->select_list);
    put_ident(&fetch.sql, bc_model_get(p->model)->name);
    bc_buf_puts(&fetch.sql, " WHERE rowid = ?");
    if (status == BC_OK)
        status = prepare(s, fetch.sql.data, &st, err);
    for (size_t i = 0; i < kept && status == BC_OK; i++) {
        sqlite3_bind_int64(st, 1, h.items[i].rowid);
        int rc = first_step(s, st);
        if (rc == SQLITE_ROW) {
            bc_record r = decode_row(t, st);
            bc_rows_push(&out->rows, &r);
        } else if (rc != SQLITE_DONE) {
            status = db_fail(s, rc, err, "reading a page");
        }
        finish(st);
    }
    qb_release(&fetch);
    for (size_t i = 0; i < h.cap; i++)
        hit_release(&h.items[i]);
    free(h.items);
    if (own)
        run_plain(s, "COMMIT", "ending a read", NULL);
    *total = n;
    return status;
}

static char *make_cursor(const page_spec *p, bool backward, const bc_value *key, const bc_value *id)
{
    bc_cursor c = {.kind = p->kind,
                   .sort = p->sort,
                   .ascending = p->ascending,
                   .backward = backward,
                   .filter = bc_cursor_fingerprint(p->canonical),
                   .key = *key,
                   .id = *id};
    return bc_cursor_encode(&c);
}

static void reverse_rows(bc_rows *rows)
{
    for (size_t i = 0, j = rows->n ? rows->n - 1 : 0; i < j; i++, j--) {
        bc_record tmp = rows->items[i];
        rows->items[i] = rows->items[j];
        rows->items[j] = tmp;
    }
}

static bc_status run_page(sq *s, const page_spec *p, bc_page *out, bc_error *err)
{
    if (p->limit > BC_PAGE_MAX)
        return bc_fail(err, BC_USAGE, "page size %zu is over the maximum of %d", p->limit,
                       BC_PAGE_MAX);
    page_spec spec = *p;
    if (!spec.limit)
        spec.limit = BC_PAGE_DEFAULT;
    bc_cursor c = {0};
    bool have;
    bc_status status = decode_cursor(s, &spec, &c, &have, err);
    if (status != BC_OK)
        return status;
    page_edges e = {0};
    bool more = false;
    bool descending = spec.ascending == (have && c.backward); /* as build_page_sql reads */
    if (spec.scan) {
        int64_t version, total = -1;
        status = data_version(s, &version, err);
        if (status == BC_OK)
            status = scan_page(s, &spec, have ? &c : NULL, descending, out, &e, &more, &total, err);
        if (status == BC_OK) {
            remember_count(s, count_key(&spec), version, total);
            if (spec.want_total)
                out->total = total;
        }
    } else {
        status = sorted_page(s, &spec, have ? &c : NULL, out, &e, &more, err);
    }
    bc_value first_key = e.first_key, first_id = e.first_id, last_key = e.last_key,
             last_id = e.last_id;

    bool backward = have && c.backward;
    if (status == BC_OK && backward && !more && out->rows.n < spec.limit) {
        /* Paged back past the start (rows were added or removed): show a full first page. */
        bc_page_release(out);
        *out = (bc_page){.total = -1};
        spec.cursor = NULL;
        status = run_page(s, &spec, out, err);
    } else if (status == BC_OK && backward) {
        reverse_rows(&out->rows);
        /* Rows are now in query order; the first row read is the last one shown. */
        out->next_cursor = make_cursor(&spec, false, &first_key, &first_id);
        if (more)
            out->prev_cursor = make_cursor(&spec, true, &last_key, &last_id);
    } else if (status == BC_OK) {
        if (more)
            out->next_cursor = make_cursor(&spec, false, &last_key, &last_id);
        if (have && out->rows.n)
            out->prev_cursor = make_cursor(&spec, true, &first_key, &first_id);
        else if (have) /* an empty page after a cursor: the way back starts at the cursor */
            out->prev_cursor = make_cursor(&spec, true, &c.key, &c.id);
    }
    bc_value_release(&first_key);
    bc_value_release(&first_id);
    bc_value_release(&last_key);
    bc_value_release(&last_id);
    bc_cursor_release(&c);
    if (status == BC_OK && spec.want_total && out->total < 0)
        status = count_rows(s, &spec, &out->total, err);
    if (status != BC_OK)
        bc_page_release(out);
    return status;
}

static const char *const sort_columns[] = {
    [BC_SORT_CREATED] = "createdAt",
    [BC_SORT_UPDATED] = "updatedAt",
    [BC_SORT_EMAIL] = "email",
    [BC_SORT_NAME] = "name",
};

/* The WHERE clause of a users query and a canonical description of it for cursors and counts. */
static bc_status build_user_filter(sq *s, const bc_user_query *q, qb *w, bc_buf *canon,
                                   bc_error *err)
{
    size_t terms = 0;
    const char *search = q->search ? q->search : "";
    const char *role = q->role ? q->role : "";
    bc_buf_printf(canon, "U|%d|%zu:%s|%zu:%s|%d|%d", (int)q->search_mode, strlen(search), search,
                  strlen(role), role, (int)q->ban, q->verified);
    if (*search && q->search_mode == BC_SEARCH_PREFIX) {
        /* A range on the unique email index: [prefix, prefix with its last byte + 1). Emails
         * are stored lowercased, so lowercase the prefix the same way. */
        size_t n;
        char *lo = bc_text_lower(search, strlen(search), &n);
        put_and(w, &terms);
        bc_buf_puts(&w->sql, "\"email\" >= ");
        qb_param(w, bc_value_textn(lo, n));
        while (n && (unsigned char)lo[n - 1] == 0xff)
            n--;
        if (n) {
            lo[n - 1] = (char)((unsigned char)lo[n - 1] + 1);
            bc_buf_puts(&w->sql, " AND \"email\" < ");
            qb_param(w, bc_value_textn(lo, n));
        }
        free(lo);
    } else if (*search && q->search_mode == BC_SEARCH_CONTAINS) {
        /* Like Better Auth's list-users "contains" (nothing is special), but letters of every
         * alphabet match either case (bc_text_fold), by bcadmin_contains (registered at open). */
        size_t n;
        char *needle = bc_text_fold(search, strlen(search), &n);
        put_and(w, &terms);
        bc_buf_puts(&w->sql, "bcadmin_contains(");
        qb_param(w, bc_value_textn(needle, n));
        bc_buf_puts(&w->sql, ", \"email\", \"name\")");
        free(needle);
    } else if (*search) {
        return bc_fail(err, BC_USAGE, "unknown search mode %d", (int)q->search_mode);
    }
    if (*role) {
        /* role holds a comma-separated list ("user,admin"): match one whole entry. */
        char *needle = bc_xasprintf(",%s,", role);
        put_and(w, &terms);
        bc_buf_puts(&w->sql, "instr(',' || \"role\" || ',', ");
        qb_param(w, bc_value_text(needle));
        bc_buf_puts(&w->sql, ") > 0");
        free(needle);
    }
    int64_t now = bc_now_ms();
    switch (q->ban) {
    case BC_BAN_ANY:
        break;
    case BC_BAN_ACTIVE:
        put_and(w, &terms);
        bc_buf_puts(&w->sql, "\"banned\" IS NOT 1");
        break;
    case BC_BAN_BANNED:
        put_and(w, &terms);
        put_ban_in_force(w, now);
        break;
    case BC_BAN_EXPIRED:
        put_and(w, &terms);
        bc_buf_puts(&w->sql, "\"banned\" = 1 AND \"banExpires\" IS NOT NULL AND NOT ");
        put_date_after_now(w, "banExpires", now);
        break;
    default:
        return bc_fail(err, BC_USAGE, "unknown ban filter %d", (int)q->ban);
    }
    if (q->verified == BC_VERIFIED_YES) {
        put_and(w, &terms);
        bc_buf_puts(&w->sql, "\"emailVerified\" = 1");
    } else if (q->verified == BC_VERIFIED_NO) {
        put_and(w, &terms);
        bc_buf_puts(&w->sql, "\"emailVerified\" IS NOT 1");
    } else if (q->verified != BC_VERIFIED_ANY) {
        return bc_fail(err, BC_USAGE, "unknown verified filter %d", q->verified);
    }
    if ((unsigned)q->sort > BC_SORT_NAME)
        return bc_fail(err, BC_USAGE, "unknown sort key %d", (int)q->sort);
    return BC_OK;
}

static bc_status user_spec(sq *s, const bc_user_query *q, qb *w, bc_buf *canon, page_spec *p,
                           bc_error *err)
{
    bc_status st = build_user_filter(s, q, w, canon, err);
    if (st != BC_OK)
        return st;
    *p = (page_spec){
        .model = BC_MODEL_USER,
        .kind = 'U',
        .sort = (uint8_t)q->sort,
        .column = sort_columns[q->sort],
        .nocase = q->sort == BC_SORT_NAME,
        .ascending = q->ascending,
        .where = w,
        .canonical = canon->data,
        .time_dependent = q->ban == BC_BAN_BANNED || q->ban == BC_BAN_EXPIRED,
        .scan = q->search && *q->search && q->search_mode == BC_SEARCH_CONTAINS,
        .deferred = q->search && *q->search && q->search_mode == BC_SEARCH_PREFIX,
        .limit = q->limit,
        .cursor = q->cursor,
        .want_total = q->want_total,
    };
    return BC_OK;
}

static bc_status sqlite_users_page(bc_driver *d, const bc_user_query *q, bc_page *out,
                                   bc_error *err)
{
    sq *s = (sq *)d;
    qb w = {0};
    bc_buf canon = {0};
    page_spec p;
    char *match = NULL;
    bc_status st = user_spec(s, q, &w, &canon, &p, err);
    if (st == BC_OK && p.scan)
        p.match = match = search_match(s, q->search);
    if (st == BC_OK)
        st = run_page(s, &p, out, err);
    free(match);
    qb_release(&w);
    bc_buf_release(&canon);
    return st;
}

static bc_status sqlite_sessions_page(bc_driver *d, const bc_session_query *q, bc_page *out,
                                      bc_error *err)
{
    sq *s = (sq *)d;
    if (q->active_only && q->expired_only)
        return bc_fail(err, BC_USAGE, "sessions cannot be both active and expired");
    qb w = {0};
    bc_buf canon = {0};
    size_t terms = 0;
    const char *user = q->user_id ? q->user_id : "";
    bc_buf_printf(&canon, "S|%zu:%s|%d%d%d", strlen(user), user, q->active_only, q->expired_only,
                  q->impersonation_only);
    if (q->user_id) {
        put_and(&w, &terms);
        bc_buf_puts(&w.sql, "\"userId\" = ");
        qb_param(&w, bc_value_text(q->user_id));
    }
    if (q->active_only || q->expired_only) {
        put_and(&w, &terms);
        bc_buf_puts(&w.sql, q->active_only ? "" : "NOT ");
        put_date_after_now(&w, "expiresAt", bc_now_ms());
    }
    if (q->impersonation_only) {
        put_and(&w, &terms);
        bc_buf_puts(&w.sql, "\"impersonatedBy\" IS NOT NULL AND \"impersonatedBy\" <> ''");
    }
    page_spec p = {
        .model = BC_MODEL_SESSION,
        .kind = 'S',
        .column = "createdAt",
        .where = &w,
        .canonical = canon.data,
        .time_dependent = q->active_only || q->expired_only,
        .limit = q->limit,
        .cursor = q->cursor,
        .want_total = q->want_total,
    };
    bc_status st = run_page(s, &p, out, err);
    qb_release(&w);
    bc_buf_release(&canon);
    return st;
}

/* --- substring search -------------------------------------------------------------------- */

/* bcadmin_contains(needle, text...): 1 when one of the texts contains needle (already folded by
 * bc_text_fold), compared as bc_text_contains_folded does: `text LIKE '%needle%'` with the
 * needle's % _ and \ taken as text and every alphabet's letters matching either case, checked in
 * order so a match on the email skips the name. NULLs never match; numbers are matched as their
 * text, as LIKE does. */
static void contains_fn(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    const unsigned char *needle = sqlite3_value_text(argv[0]);
    size_t nn = (size_t)sqlite3_value_bytes(argv[0]);
    if (!needle) {
        sqlite3_result_null(ctx);
        return;
    }
    for (int i = 1; i < argc; i++) {
        const unsigned char *h = sqlite3_value_text(argv[i]);
        if (h && bc_text_contains_folded((const char *)h, (size_t)sqlite3_value_bytes(argv[i]),
                                         (const char *)needle, nn)) {
            sqlite3_result_int(ctx, 1);
            return;
        }
    }
    sqlite3_result_int(ctx, 0);
}

/* --- counts for the overview (driver.h count ops) ----------------------------------------- */

/* Every statement here is a count over an index range of assets/browse-indexes.sql (or the
 * table's own count), never a read of every row; dates are compared in both stored forms, ISO
 * text and epoch milliseconds (see put_date_after_now). */

/* The WHERE clause (with " WHERE ") of a count query; false for an unknown kind or model.
 * unindexed: another column's index drives the query (count_groups). */
static bool put_count_filter(qb *w, const bc_count_query *q, bool unindexed)
{
    switch (q->kind) {
    case BC_COUNT_ROWS:
        return true;
    case BC_COUNT_USERS_VERIFIED:
        /* verified = every user minus the unverified, whose partial index is small */
        return q->model == BC_MODEL_USER;
    case BC_COUNT_USERS_BANNED:
        bc_buf_puts(&w->sql, " WHERE ");
        put_ban_in_force(w, q->now_ms);
        return q->model == BC_MODEL_USER;
    case BC_COUNT_BANS_ENDING: {
        char now[BC_ISO_LEN + 1], until[BC_ISO_LEN + 1];
        bc_iso_format(q->now_ms, now);
        bc_iso_format(q->until_ms, until);
        bc_buf_puts(&w->sql, " WHERE \"banned\" = 1 AND ((\"banExpires\" > ");
        qb_param(w, bc_value_text(now));
        bc_buf_puts(&w->sql, " AND \"banExpires\" <= ");
        qb_param(w, bc_value_text(until));
        bc_buf_puts(&w->sql, ") OR (\"banExpires\" > ");
        qb_param(w, bc_value_int(q->now_ms));
        bc_buf_puts(&w->sql, " AND \"banExpires\" <= ");
        qb_param(w, bc_value_int(q->until_ms));
        bc_buf_puts(&w->sql, "))");
        return q->model == BC_MODEL_USER;
    }
    case BC_COUNT_SESSIONS_ACTIVE:
        bc_buf_puts(&w->sql, " WHERE ");
        put_date_after(w, "expiresAt", q->now_ms, unindexed);
        return q->model == BC_MODEL_SESSION;
    }
    return false;
}

static bc_status check_count(sq *s, const bc_count_query *q, qb *w, bool unindexed,
                             bc_error *err)
{
    if ((unsigned)q->model >= BC_MODEL_COUNT)
        return bc_fail(err, BC_USAGE, "count: unknown model %d", (int)q->model);
    bc_status st = need_table(s, q->model, err);
    if (st == BC_OK && !put_count_filter(w, q, unindexed))
        st = bc_fail(err, BC_USAGE, "count: kind %d does not apply to \"%s\"", (int)q->kind,
                     bc_model_get(q->model)->name);
    return st;
}

/* A count walks every entry of an index range: memory-mapped, each page is read in place instead
 * of copied through the page cache (a third of the time for the sessions' ranges at two million
 * rows). The mapping is dropped after the count, so it is resident only while the count runs;
 * not inside a transaction (the mapping size cannot change there). */
static bool map_file(sq *s, bool on)
{
    if (s->in_txn)
        return false;
    return run_plain(s, on ? "PRAGMA mmap_size = 1099511627776" : "PRAGMA mmap_size = 0",
                     on ? "mapping the file" : "unmapping the file", NULL) == BC_OK;
}

/* Sessions whose expiresAt is after now: the ISO-text range and the epoch-ms range of the
 * expiresAt index counted apart and added (they cannot overlap); one range ORed with the other
 * makes SQLite collect every matching rowid to remove duplicates, three times the work. */
static bc_status count_active_sessions(sq *s, int64_t now, int64_t *n, bc_error *err)
{
    char iso[BC_ISO_LEN + 1];
    bc_iso_format(now, iso);
    qb q = {0};
    bc_buf_puts(&q.sql, "SELECT (SELECT count(*) FROM \"session\" WHERE \"expiresAt\" > ");
    qb_param(&q, bc_value_text(iso));
    bc_buf_puts(&q.sql, " AND \"expiresAt\" < X'') + (SELECT count(*) FROM \"session\" WHERE "
                        "\"expiresAt\" > ");
    qb_param(&q, bc_value_int(now));
    bc_buf_puts(&q.sql, " AND \"expiresAt\" < '')");
    bc_status st = query_int(s, &q, n, "counting active sessions", err);
    qb_release(&q);
    return st;
}

static bc_status sqlite_count(bc_driver *d, const bc_count_query *q, int64_t *n, bc_error *err)
{
    sq *s = (sq *)d;
    qb w = {0};
    bc_status st = check_count(s, q, &w, false, err);
    bool mapped = st == BC_OK && map_file(s, true);
    if (st == BC_OK && q->kind == BC_COUNT_SESSIONS_ACTIVE) {
        st = count_active_sessions(s, q->now_ms, n, err);
    } else if (st == BC_OK && q->kind == BC_COUNT_USERS_VERIFIED) {
        /* One statement, so both counts see the same rows. */
        qb c = {0};
        bc_buf_puts(&c.sql, "SELECT (SELECT count(*) FROM \"user\") - (SELECT count(*) FROM "
                            "\"user\" WHERE \"emailVerified\" IS NOT 1)");
        st = query_int(s, &c, n, "counting verified users", err);
        qb_release(&c);
    } else if (st == BC_OK) {
        /* count_rows: the cached count, and the mapped count of every user. */
        char *canon = bc_xasprintf("N|%d|%d|%lld|%lld", (int)q->model, (int)q->kind,
                                   (long long)q->now_ms, (long long)q->until_ms);
        if (q->kind == BC_COUNT_ROWS && q->model == BC_MODEL_USER) {
            free(canon); /* the same key as the unfiltered users list, whose count it is */
            canon = bc_xstrdup("U|0|0:|0:|0|0");
        }
        page_spec p = {.model = q->model, .where = &w, .canonical = canon};
        st = count_rows(s, &p, n, err);
        free(canon);
    }
    if (mapped)
        map_file(s, false);
    qb_release(&w);
    return st;
}

/* Whether an index of table starts with column (bcadmin's, or the app's own). */
static bool has_index_on(sq *s, const char *table_name, const char *column_name)
{
    qb q = {0};
    bc_buf_puts(&q.sql, "SELECT count(*) FROM pragma_index_list(");
    qb_param(&q, bc_value_text(table_name));
    bc_buf_puts(&q.sql, ") AS l, pragma_index_info(l.name) AS i WHERE i.seqno = 0 AND i.name = ");
    qb_param(&q, bc_value_text(column_name));
    int64_t n = 0;
    bool yes = query_int(s, &q, &n, "looking for an index", NULL) == BC_OK && n > 0;
    qb_release(&q);
    return yes;
}

/* Without an index on createdAt, a count per day would read the table once a day: read it once
 * instead, the rows from the first day on, and put each in its day here. */
static bc_status days_by_scan(sq *s, bc_model model, int64_t day0_ms, int days, int64_t *counts,
                              bc_error *err)
{
    char day0[BC_ISO_LEN + 1];
    bc_iso_format(day0_ms, day0);
    qb q = {0};
    bc_buf_puts(&q.sql, "SELECT \"createdAt\" FROM ");
    put_ident(&q.sql, bc_model_get(model)->name);
    bc_buf_puts(&q.sql, " WHERE \"createdAt\" >= ");
    qb_param(&q, bc_value_textn(day0, 10));
    bc_buf_puts(&q.sql, " OR (\"createdAt\" >= ");
    qb_param(&q, bc_value_int(day0_ms));
    bc_buf_puts(&q.sql, " AND \"createdAt\" < '')");
    sqlite3_stmt *st;
    bc_status status = start(s, &q, &st, err);
    qb_release(&q);
    if (status != BC_OK)
        return status;
    int rc = first_step(s, st);
    for (; rc == SQLITE_ROW; rc = sqlite3_step(st)) {
        int64_t ms;
        if (sqlite3_column_type(st, 0) == SQLITE_INTEGER)
            ms = sqlite3_column_int64(st, 0);
        else if (!bc_iso_parse((const char *)sqlite3_column_text(st, 0),
                               (size_t)sqlite3_column_bytes(st, 0), &ms))
            continue;
        int64_t i = ms >= day0_ms ? (ms - day0_ms) / BC_DAY_MS : -1;
        if (i >= 0 && i < days)
            counts[i]++;
    }
    if (rc != SQLITE_DONE)
        status = db_fail(s, rc, err, "counting rows per day");
    finish(st);
    return status;
}

/* Rows created on each day: one count over each day's range of the createdAt index, for the
 * ISO text form ('YYYY-MM-DD' <= text < the next day's) and the epoch-millisecond form. */
static bc_status sqlite_count_per_day(bc_driver *d, bc_model model, int64_t day0_ms, int days,
                                      int64_t *counts, bc_error *err)
{
    sq *s = (sq *)d;
    bc_status st = (unsigned)model < BC_MODEL_COUNT ? need_table(s, model, err)
                                                   : bc_fail(err, BC_USAGE, "unknown model");
    if (st == BC_OK && !find_column(&s->tables[model], "createdAt", NULL))
        st = bc_fail(err, BC_USAGE, "\"%s\" has no createdAt column", bc_model_get(model)->name);
    if (st == BC_OK && !has_index_on(s, bc_model_get(model)->name, "createdAt"))
        return days_by_scan(s, model, day0_ms, days, counts, err);
    bool mapped = st == BC_OK && map_file(s, true);
    for (int i = 0; i < days && st == BC_OK; i++) {
        int64_t from = day0_ms + (int64_t)i * BC_DAY_MS, to = from + BC_DAY_MS;
        char a[BC_ISO_LEN + 1], b[BC_ISO_LEN + 1];
        bc_iso_format(from, a);
        bc_iso_format(to, b);
        qb q = {0};
        for (int form = 0; form < 2; form++) {
            bc_buf_puts(&q.sql, form ? " + (SELECT count(*) FROM " : "SELECT (SELECT count(*) FROM ");
            put_ident(&q.sql, bc_model_get(model)->name);
            bc_buf_puts(&q.sql, " WHERE \"createdAt\" >= ");
            qb_param(&q, form ? bc_value_int(from) : bc_value_textn(a, 10));
            bc_buf_puts(&q.sql, " AND \"createdAt\" < ");
            qb_param(&q, form ? bc_value_int(to) : bc_value_textn(b, 10));
            bc_buf_puts(&q.sql, ")");
        }
        st = query_int(s, &q, &counts[i], "counting rows per day", err);
        qb_release(&q);
    }
    if (mapped)
        map_file(s, false);
    return st;
}

static int cmp_group(const void *a, const void *b)
{
    const bc_group_count *x = a, *y = b;
    if (x->n != y->n)
        return x->n > y->n ? -1 : 1;
    return strcmp(x->value, y->value);
}

static void push_group(bc_group_counts *out, size_t *cap, const char *value, size_t len,
                       int64_t n)
{
    if (out->n == *cap)
        out->items = bc_xrealloc(out->items, (*cap = *cap ? *cap * 2 : 8) * sizeof *out->items);
    out->items[out->n++] = (bc_group_count){bc_xstrndup(value, len), n};
}

/* SELECT field, count(*) ... GROUP BY field over the rows the filter selects, driven by the
 * field's index (the filter's own columns are kept off their indexes): a few impersonation
 * sessions among millions of active ones are found by impersonatedBy, not by expiresAt. */
static bc_status groups_by_statement(sq *s, const bc_count_query *q, const char *field,
                                     bc_group_counts *out, bc_error *err)
{
    qb w = {0}, g = {0};
    bc_status st = check_count(s, q, &w, true, err);
    if (st != BC_OK) {
        qb_release(&w);
        return st;
    }
    bc_buf_puts(&g.sql, "SELECT ");
    put_ident(&g.sql, field);
    bc_buf_puts(&g.sql, ", count(*) FROM ");
    put_ident(&g.sql, bc_model_get(q->model)->name);
    qb_append(&g, &w);
    bc_buf_puts(&g.sql, w.sql.len ? " AND " : " WHERE ");
    put_ident(&g.sql, field);
    bc_buf_puts(&g.sql, " > '' GROUP BY 1"); /* text only: not NULL, not "" */
    sqlite3_stmt *stmt = NULL;
    st = start(s, &g, &stmt, err);
    size_t cap = 0;
    int rc = st == BC_OK ? first_step(s, stmt) : SQLITE_DONE;
    for (; st == BC_OK && rc == SQLITE_ROW; rc = sqlite3_step(stmt)) {
        const unsigned char *v = sqlite3_column_text(stmt, 0);
        push_group(out, &cap, v ? (const char *)v : "", (size_t)sqlite3_column_bytes(stmt, 0),
                   sqlite3_column_int64(stmt, 1));
    }
    if (st == BC_OK && rc != SQLITE_DONE)
        st = db_fail(s, rc, err, "counting rows by value");
    if (stmt)
        finish(stmt);
    qb_release(&g);
    qb_release(&w);
    return st;
}

enum { GROUP_CHUNK = 65536, GROUPS_MAX = 256 };

/* Rows of the table in one range of the field's index ("<= ''": numbers and ""), all of them. */
static bc_status count_range(sq *s, bc_model m, const char *field, const char *op, int64_t *n,
                             bc_error *err)
{
    qb q = {0};
    bc_buf_puts(&q.sql, "SELECT count(*) FROM ");
    put_ident(&q.sql, bc_model_get(m)->name);
    bc_buf_puts(&q.sql, " WHERE ");
    put_ident(&q.sql, field);
    bc_buf_printf(&q.sql, " %s", op);
    bc_status st = query_int(s, &q, n, "counting rows by value", err);
    qb_release(&q);
    return st;
}

/* "FROM t WHERE field = ? (or IS NULL) AND rowid > ?" of one value's range. */
static void put_value_range(qb *q, bc_model m, const char *field, const char *value,
                            int64_t after)
{
    bc_buf_puts(&q->sql, " FROM ");
    put_ident(&q->sql, bc_model_get(m)->name);
    bc_buf_puts(&q->sql, " WHERE ");
    put_ident(&q->sql, field);
    if (value) {
        bc_buf_puts(&q->sql, " = ");
        qb_param(q, bc_value_text(value));
    } else {
        bc_buf_puts(&q->sql, " IS NULL");
    }
    bc_buf_puts(&q->sql, " AND rowid > ");
    qb_param(q, bc_value_int(after));
}

/* The rest of one value's range after rowid `after`, added to *n. */
static bc_status count_rest(sq *s, bc_model m, const char *field, const char *value,
                           int64_t after, int64_t *n, bc_error *err)
{
    qb q = {0};
    bc_buf_puts(&q.sql, "SELECT count(*)");
    put_value_range(&q, m, field, value, after);
    int64_t rest = 0;
    bc_status st = query_int(s, &q, &rest, "counting rows by value", err);
    qb_release(&q);
    *n += rest;
    return st;
}

/* The rowid of the row `skip` rows into one value's range after rowid `after` (rowid order is
 * the index's order within one value), or *found false when the range is shorter. */
static bc_status rowid_at(sq *s, bc_model m, const char *field, const char *value, int64_t after,
                          int64_t skip, int64_t *rowid, bool *found, bc_error *err)
{
    qb q = {0};
    bc_buf_puts(&q.sql, "SELECT rowid");
    put_value_range(&q, m, field, value, after);
    bc_buf_puts(&q.sql, " ORDER BY rowid LIMIT 1 OFFSET ");
    qb_param(&q, bc_value_int(skip));
    sqlite3_stmt *st;
    bc_status status = start(s, &q, &st, err);
    qb_release(&q);
    if (status != BC_OK)
        return status;
    int rc = first_step(s, st);
    *found = rc == SQLITE_ROW;
    if (*found)
        *rowid = sqlite3_column_int64(st, 0);
    else if (rc != SQLITE_DONE)
        status = db_fail(s, rc, err, "counting rows by value");
    finish(st);
    return status;
}

/* The first GROUP_CHUNK rows of one value's range (value NULL: the NULL range): when the range is
 * that long, *after is the chunk's last rowid, *first its first and *more true; else the whole
 * range is counted into *n. Skipping is cheaper than counting row by row in a subquery. */
static bc_status count_chunk(sq *s, bc_model m, const char *field, const char *value,
                             int64_t *after, int64_t *first, int64_t *n, bool *more, bc_error *err)
{
    bool found = false;
    bc_status st = rowid_at(s, m, field, value, *after, GROUP_CHUNK - 1, after, &found, err);
    *more = found;
    if (st == BC_OK && found) {
        *n += GROUP_CHUNK;
        st = rowid_at(s, m, field, value, INT64_MIN, 0, first, &found, err);
    } else if (st == BC_OK) {
        st = count_rest(s, m, field, value, INT64_MIN, n, err);
    }
    return st;
}

/* The distinct text values of field, by skipping through its index (one seek per value);
 * false when there are more than GROUPS_MAX. */
static bc_status distinct_values(sq *s, bc_model m, const char *field, bc_group_counts *out,
                                 bool *few, bc_error *err)
{
    qb q = {0};
    bc_buf_puts(&q.sql, "SELECT ");
    put_ident(&q.sql, field);
    bc_buf_puts(&q.sql, " FROM ");
    put_ident(&q.sql, bc_model_get(m)->name);
    bc_buf_puts(&q.sql, " WHERE ");
    put_ident(&q.sql, field);
    bc_buf_puts(&q.sql, " > ? ORDER BY 1 LIMIT 1");
    sqlite3_stmt *stmt;
    bc_status st = prepare(s, q.sql.data, &stmt, err);
    qb_release(&q);
    size_t cap = 0;
    char *last = bc_xstrdup("");
    *few = true;
    while (st == BC_OK) {
        sqlite3_bind_text(stmt, 1, last, -1, SQLITE_TRANSIENT);
        int rc = first_step(s, stmt);
        if (rc == SQLITE_ROW && out->n == GROUPS_MAX) {
            *few = false;
        } else if (rc == SQLITE_ROW) {
            const char *v = (const char *)sqlite3_column_text(stmt, 0);
            size_t len = (size_t)sqlite3_column_bytes(stmt, 0);
            push_group(out, &cap, v ? v : "", len, -1);
            free(last);
            last = bc_xstrndup(v ? v : "", len);
        } else if (rc != SQLITE_DONE) {
            st = db_fail(s, rc, err, "reading the values of an index");
        }
        finish(stmt);
        if (rc != SQLITE_ROW || !*few)
            break;
    }
    free(last);
    return st;
}

/* Every row of the table by field, through its index without reading it all: the distinct
 * values one seek each, then the first chunk of every value's range; of the values that go on
 * past it, all but the (likely) largest are counted to the end, and the largest is the table's
 * count minus all the others. So the cost is about the rows outside the largest value, however
 * many rows that one has: "credential" among a million accounts is never walked. One read
 * transaction. */
static bc_status groups_by_index(sq *s, bc_model m, const char *field, bc_group_counts *out,
                                 bool *done, bc_error *err)
{
    *done = false;
    bool mapped = map_file(s, true);
    bool own = !s->in_txn && run_plain(s, "BEGIN", "starting a read", err) == BC_OK;
    bc_status st = s->in_txn || own ? BC_OK : BC_ERR;
    bool few = true;
    if (st == BC_OK)
        st = distinct_values(s, m, field, out, &few, err);
    /* ranges: each value, then NULL; numbers and "" are counted whole (they are rare) */
    size_t n = out->n, ranges = n + 1, open = ranges;
    int64_t *counts = bc_xcalloc(ranges, sizeof *counts), *after = bc_xcalloc(ranges, sizeof *after);
    bool *more = bc_xcalloc(ranges, sizeof *more);
    for (size_t i = 0; i < ranges; i++) {
        more[i] = true;
        after[i] = INT64_MIN;
    }
    int64_t low = 0;
    if (st == BC_OK && few)
        st = count_range(s, m, field, "<= ''", &low, err);
    int64_t *first = bc_xcalloc(ranges, sizeof *first);
    for (size_t i = 0; i < ranges && st == BC_OK && few; i++) {
        st = count_chunk(s, m, field, i < n ? out->items[i].value : NULL, &after[i], &first[i],
                         &counts[i], &more[i], err);
        open -= !more[i];
    }
    if (st == BC_OK && few && open > 1) {
        /* Several values go on past the first chunk: guess which is largest from how densely
         * its first chunk lies among the rowids (rows are mostly in insertion order), count
         * the rest of the others whole, and leave that one to the subtraction below. */
        qb t = {0};
        bc_buf_puts(&t.sql, "SELECT max(rowid) FROM ");
        put_ident(&t.sql, bc_model_get(m)->name);
        int64_t last = 0;
        st = query_int(s, &t, &last, "reading the last rowid", err);
        qb_release(&t);
        size_t guess = 0;
        double best = -1;
        for (size_t i = 0; i < ranges && st == BC_OK; i++) {
            double est = more[i] ? (double)GROUP_CHUNK * (double)(last - first[i] + 1) /
                                       (double)(after[i] - first[i] + 1)
                                 : -1;
            if (est > best)
                best = est, guess = i;
        }
        for (size_t i = 0; i < ranges && st == BC_OK; i++) {
            if (!more[i] || i == guess)
                continue;
            st = count_rest(s, m, field, i < n ? out->items[i].value : NULL, after[i], &counts[i],
                            err);
            more[i] = false;
            open--;
        }
    }
    free(first);
    if (st == BC_OK && few && open == 1) {
        /* The one range still going on: what the others leave of the table. */
        qb t = {0};
        bc_buf_puts(&t.sql, "SELECT count(*) FROM ");
        put_ident(&t.sql, bc_model_get(m)->name);
        int64_t total = 0, others = low;
        st = query_int(s, &t, &total, "counting rows", err);
        qb_release(&t);
        size_t big = 0;
        for (size_t i = 0; i < ranges; i++) {
            if (more[i])
                big = i;
            else
                others += counts[i];
        }
        counts[big] = total - others;
    }
    for (size_t i = 0; i < n; i++)
        out->items[i].n = counts[i];
    free(counts);
    free(after);
    free(more);
    if (own)
        run_plain(s, "COMMIT", "ending a read", NULL);
    if (mapped)
        map_file(s, false);
    *done = st == BC_OK && few;
    return st;
}

static bc_status sqlite_count_groups(bc_driver *d, const bc_count_query *q, const char *field,
                                     bc_group_counts *out, bc_error *err)
{
    sq *s = (sq *)d;
    qb w = {0};
    bc_status st = check_count(s, q, &w, true, err);
    qb_release(&w);
    if (st == BC_OK && (q->kind == BC_COUNT_USERS_VERIFIED ||
                        !find_column(&s->tables[q->model], field, NULL)))
        st = bc_fail(err, BC_USAGE, "cannot count \"%s\" rows by \"%s\"",
                     bc_model_get(q->model)->name, field);
    if (st != BC_OK)
        return st;
    char *index = bc_xasprintf("bcadmin_%s_%s", bc_model_get(q->model)->name, field);
    bool done = false;
    if (q->kind == BC_COUNT_ROWS && has_object(s, "index", index))
        st = groups_by_index(s, q->model, field, out, &done, err);
    free(index);
    if (st == BC_OK && !done) {
        bc_group_counts_release(out);
        st = groups_by_statement(s, q, field, out, err);
    }
    if (st != BC_OK)
        bc_group_counts_release(out);
    else if (out->n > 1)
        qsort(out->items, out->n, sizeof *out->items, cmp_group);
    return st;
}

/* --- open / close -------------------------------------------------------------------------- */

static bool sidecar_exists(const char *path, const char *suffix)
{
    char *name = bc_xasprintf("%s%s", path, suffix);
    bool there = access(name, F_OK) == 0;
    free(name);
    return there;
}

/* A read-only connection to a WAL file makes its -wal and -shm files when they are missing and
 * cannot remove them. After closing, remove the ones we made when no other connection has the
 * file open (every WAL connection holds a read lock on the -shm "DMS" byte, offset 128, the lock
 * SQLite itself uses to find the first connection) and the -wal holds nothing. An open file
 * description lock conflicts with those even inside this process. */
static void remove_sidecars_we_made(const char *path)
{
    char *shm = bc_xasprintf("%s-shm", path), *wal = bc_xasprintf("%s-wal", path);
    int fd = open(shm, O_RDWR | O_CLOEXEC | O_NOFOLLOW);
    struct flock lk = {.l_type = F_WRLCK, .l_whence = SEEK_SET, .l_start = 128, .l_len = 1};
    struct stat sb;
    if (fd >= 0 && fcntl(fd, F_OFD_SETLK, &lk) == 0 &&
        (stat(wal, &sb) != 0 || (S_ISREG(sb.st_mode) && sb.st_size == 0))) {
        unlink(wal);
        unlink(shm);
    }
    if (fd >= 0)
        close(fd); /* drops the lock */
    free(shm);
    free(wal);
}

static void sqlite_close(bc_driver *d)
{
    sq *s = (sq *)d;
    for (size_t i = 0; i < STMT_CACHE; i++) {
        sqlite3_finalize(s->stmts[i].st);
        free(s->stmts[i].sql);
    }
    for (int m = 0; m < BC_MODEL_COUNT; m++)
        table_release(&s->tables[m]);
    if (s->in_txn)
        sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
    sqlite3_close_v2(s->db);
    if (s->base.read_only && !s->wal_was_there)
        remove_sidecars_we_made(s->path);
    free(s->count_key);
    free(s->path);
    free(s);
}

static const bc_driver_ops sqlite_ops = {
    .kind = "sqlite",
    .close = sqlite_close,
    .users_page = sqlite_users_page,
    .sessions_page = sqlite_sessions_page,
    .rows_get = sqlite_rows_get,
    .row_insert = sqlite_row_insert,
    .rows_update = sqlite_rows_update,
    .rows_delete = sqlite_rows_delete,
    .txn = sqlite_txn,
    .count = sqlite_count,
    .count_per_day = sqlite_count_per_day,
    .count_groups = sqlite_count_groups,
};

bc_status bc_sqlite_open(const char *path, const bc_sqlite_opts *opts, bc_driver **out,
                         bc_error *err)
{
    *out = NULL;
    if (!path || !*path)
        return bc_fail(err, BC_USAGE, "no database file given (--db PATH or BCADMIN_DB)");
    struct stat sb;
    if (stat(path, &sb) != 0) {
        if (errno == ENOENT)
            return bc_fail(err, BC_NOT_FOUND, "no such database file: %s", path);
        return bc_fail(err, BC_ERR, "cannot open %s: %s", path, strerror(errno));
    }
    if (S_ISDIR(sb.st_mode))
        return bc_fail(err, BC_ERR, "%s is a directory, not a database file", path);

    bool ro = opts && opts->read_only;
    bool wal_was_there = sidecar_exists(path, "-wal") || sidecar_exists(path, "-shm");
    sqlite3 *db = NULL;
    /* No SQLITE_OPEN_CREATE: a mistyped path must not leave an empty database behind. */
    int rc = sqlite3_open_v2(path, &db, ro ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE, NULL);
    if (rc != SQLITE_OK) {
        bc_fail(err, BC_ERR, "cannot open %s: %s", path, db ? sqlite3_errmsg(db) : "no memory");
        sqlite3_close_v2(db);
        return BC_ERR;
    }
    sq *s = bc_xcalloc(1, sizeof *s);
    s->base.ops = &sqlite_ops;
    s->base.label = bc_xstrdup(path);
    s->base.read_only = ro;
    s->db = db;
    s->path = bc_xstrdup(path);
    s->wal_was_there = wal_was_there;
    s->timeout_ms = opts && opts->busy_timeout_ms > 0 ? opts->busy_timeout_ms : DEFAULT_BUSY_MS;
    sqlite3_busy_handler(db, wait_for_lock, s);
    /* bc_driver_interrupt: a long scan stops within a thousand VM steps. */
    sqlite3_progress_handler(db, 1000, interrupted, &s->base);

    /* better-sqlite3 (Better Auth's SQLite driver) enforces foreign keys, and the schema's
     * ON DELETE CASCADE relies on it. This is a connection setting, not a change to the file. */
    rc = sqlite3_create_function_v2(db, "bcadmin_contains", -1,
                                    SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_INNOCUOUS, NULL,
                                    contains_fn, NULL, NULL, NULL);
    bc_status st = rc == SQLITE_OK ? BC_OK : db_fail(s, rc, err, "registering bcadmin_contains");
    if (st == BC_OK)
        st = run_plain(s, "PRAGMA foreign_keys = ON", "enabling foreign keys", err);
    if (st == BC_OK)
        st = load_schema(s, err);
    if (st != BC_OK) {
        char *label = s->base.label;
        sqlite_close(&s->base);
        free(label);
        return st;
    }
    *out = &s->base;
    return BC_OK;
}

/* --- integrity ---------------------------------------------------------------------------- */

typedef struct {
    bc_driver *d;
    const bc_progress *progress;
    uint64_t ticks;
} check_ctx;

/* The progress handler while the check runs: a count for the meter, and Esc / signals stop. */
static int check_tick(void *arg)
{
    check_ctx *c = arg;
    bc_progress_report(c->progress, "checking integrity", ++c->ticks, 0);
    return atomic_load(&c->d->cancel);
}

bc_status bc_sqlite_integrity_check(bc_driver *d, const bc_progress *progress, char **problems,
                                    bc_error *err)
{
    sq *s = (sq *)d;
    *problems = NULL;
    check_ctx ctx = {d, progress, 0};
    sqlite3_progress_handler(s->db, 100000, check_tick, &ctx);
    sqlite3_stmt *st = NULL;
    int rc = sqlite3_prepare_v2(s->db, "PRAGMA integrity_check(100)", -1, &st, NULL);
    bc_buf out = {0};
    if (rc == SQLITE_OK)
        while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
            const char *line = (const char *)sqlite3_column_text(st, 0);
            if (line && strcmp(line, "ok") != 0 && strncmp(line, "*** in database ", 16) != 0)
                bc_buf_printf(&out, "%s%s", out.len ? "\n" : "", line);
        }
    if (rc == SQLITE_DONE)
        rc = SQLITE_OK;
    sqlite3_finalize(st);
    sqlite3_progress_handler(s->db, 1000, interrupted, &s->base);
    /* A file too damaged to walk fails the check itself: that is a finding, not an error. */
    if (rc != SQLITE_OK && (rc & 0xff) == SQLITE_CORRUPT)
        bc_buf_printf(&out, "%s%s", out.len ? "\n" : "", sqlite3_errmsg(s->db));
    else if (rc != SQLITE_OK) {
        bc_buf_release(&out);
        return db_fail(s, rc, err, "checking integrity");
    }
    *problems = out.len ? bc_buf_take(&out) : NULL;
    bc_buf_release(&out);
    return BC_OK;
}

/* --- browse and search indexes ------------------------------------------------------------ */

/* The scripts `bcadmin db index` runs, in order: the browse indexes, then the substring-search
 * index (an FTS5 table, its doc table and the triggers on "user" that keep them in step). */
static const char *const index_assets[] = {"browse-indexes.sql", "search-index.sql"};
/* What each asset is, for progress reports. */
static const char *const index_parts[] = {"the browsing indexes", "the search index"};

static const struct bc_embedded *index_asset(const char *name, bc_error *err)
{
    const struct bc_embedded *e = bc_embedded_find(bc_assets, name);
    if (!e)
        bc_fail(err, BC_ERR, "%s is missing from this build", name);
    return e;
}

/* One object a script makes, read from its `CREATE <kind> IF NOT EXISTS "name"` statements:
 * the scripts themselves are the one list of what bcadmin adds to a file. */
typedef struct {
    const char *type; /* as sqlite_schema says: index, table (also virtual) or trigger */
    const char *drop; /* DROP INDEX / TABLE / TRIGGER */
    char *name;
} index_object;

typedef struct {
    index_object *items;
    size_t n;
} index_objects;

static void index_objects_release(index_objects *o)
{
    for (size_t i = 0; i < o->n; i++)
        free(o->items[i].name);
    free(o->items);
    *o = (index_objects){0};
}

static void parse_objects(const char *sql, index_objects *out)
{
    static const struct {
        const char *marker, *type, *drop;
    } kinds[] = {
        {"CREATE INDEX IF NOT EXISTS \"", "index", "DROP INDEX"},
        {"CREATE TABLE IF NOT EXISTS \"", "table", "DROP TABLE"},
        {"CREATE VIRTUAL TABLE IF NOT EXISTS \"", "table", "DROP TABLE"},
        {"CREATE TRIGGER IF NOT EXISTS \"", "trigger", "DROP TRIGGER"},
    };
    for (const char *p = strstr(sql, "CREATE "); p; p = strstr(p + 1, "CREATE ")) {
        for (size_t k = 0; k < sizeof kinds / sizeof kinds[0]; k++) {
            size_t len = strlen(kinds[k].marker);
            if (strncmp(p, kinds[k].marker, len) != 0)
                continue;
            const char *name = p + len, *end = strchr(name, '"');
            if (!end)
                break;
            out->items = bc_xrealloc(out->items, (out->n + 1) * sizeof *out->items);
            out->items[out->n++] = (index_object){kinds[k].type, kinds[k].drop,
                                                  bc_xstrndup(name, (size_t)(end - name))};
            break;
        }
    }
}

/* Whether every object of the script `asset` is in the file. */
static bool has_asset_objects(sq *s, const char *asset)
{
    const struct bc_embedded *e = index_asset(asset, NULL);
    if (!e)
        return false;
    index_objects o = {0};
    parse_objects(e->data, &o);
    bool all = o.n > 0;
    for (size_t i = 0; i < o.n && all; i++)
        all = has_object(s, o.items[i].type, o.items[i].name);
    index_objects_release(&o);
    return all;
}

/* --- building the indexes on a live file ----------------------------------------------------
 *
 * `db index` runs while the app writes the same file, and SQLite builds an index only under the
 * write lock, so the build is cut into short transactions with a pause after each one in which
 * an app write that waited gets the lock (pause_between): each browse index in a transaction of
 * its own, then the search index's tables and triggers in one, then its fill over successive
 * rowid ranges of the user table (search-index.sql's :lo/:hi statements), each range a
 * transaction of about FILL_MS.
 *
 * Fill state: while the fill is unfinished, the search doc table holds one row whose id is a
 * BLOB (never equal to a user's text id, so no trigger and no search ever meets it) holding the
 * next rowid to fill, at the docid one above the user table's largest rowid when the fill
 * began. That docid makes the triggers number the documents of users written meanwhile above
 * every rowid the fill still gives out as a docid. The row goes in the transaction that fills
 * the last range. While it exists, the plan does not use the index (has_search_index is false)
 * and the next `db index` resumes at the recorded rowid. */
enum {
    FILL_FIRST = 2000,       /* rowids in the first fill transaction */
    FILL_MS = 150,           /* what each fill transaction aims to take */
    INDEX_PAUSE_MARGIN = 10, /* ms a pause lasts beyond a waiting writer's sleep */
};

static const char fill_state_sql[] =
    "SELECT \"docid\", CAST(CAST(\"id\" AS TEXT) AS INTEGER) FROM \"bcadmin_user_search_doc\" "
    "WHERE \"id\" >= X'' LIMIT 1";

/* The fill state (reserved docid, next rowid): false when there is none (or no doc table). */
static bool fill_state(sq *s, int64_t *reserved, int64_t *next)
{
    sqlite3_stmt *st = NULL;
    bool found = false;
    if (sqlite3_prepare_v2(s->db, fill_state_sql, -1, &st, NULL) == SQLITE_OK &&
        sqlite3_step(st) == SQLITE_ROW) {
        *reserved = sqlite3_column_int64(st, 0);
        *next = sqlite3_column_int64(st, 1);
        found = true;
    }
    sqlite3_finalize(st);
    return found;
}

static bool has_search_index(sq *s)
{
    int64_t reserved, next;
    return has_asset_objects(s, "search-index.sql") && !fill_state(s, &reserved, &next);
}

static bc_status exec_script(sq *s, const char *sql, const char *what, bc_error *err)
{
    char *msg = NULL;
    int rc = sqlite3_exec(s->db, sql, NULL, NULL, &msg);
    bc_status st = BC_OK;
    if (rc != SQLITE_OK)
        st = is_busy(rc) || (rc & 0xff) == SQLITE_INTERRUPT
                 ? db_fail(s, rc, err, what)
                 : bc_fail(err, BC_ERR, "%s in %s: %s", what, s->path,
                           msg ? msg : sqlite3_errstr(rc));
    sqlite3_free(msg);
    return st;
}

/* DROP ... IF EXISTS for every object of the script, last made first (triggers before the
 * tables they write). */
static bc_status drop_asset_objects(sq *s, const char *asset, bc_error *err)
{
    const struct bc_embedded *e = index_asset(asset, err);
    if (!e)
        return BC_ERR;
    index_objects o = {0};
    parse_objects(e->data, &o);
    bc_buf sql = {0};
    for (size_t i = o.n; i > 0; i--) {
        bc_buf_printf(&sql, "%s IF EXISTS ", o.items[i - 1].drop);
        put_ident(&sql, o.items[i - 1].name);
        bc_buf_puts(&sql, ";\n");
    }
    index_objects_release(&o);
    bc_status st = sql.len ? exec_script(s, sql.data, "removing indexes", err) : BC_OK;
    bc_buf_release(&sql);
    return st;
}

/* One statement of an asset (split with SQLite's own tokenizer); parameters :lo and :hi get the
 * rowid range. */
static bc_status run_bound(sq *s, sqlite3_stmt *st, int64_t lo, int64_t hi, const char *what,
                           bc_error *err)
{
    int plo = sqlite3_bind_parameter_index(st, ":lo"), phi = sqlite3_bind_parameter_index(st, ":hi");
    if (plo)
        sqlite3_bind_int64(st, plo, lo);
    if (phi)
        sqlite3_bind_int64(st, phi, hi);
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW)
        ;
    sqlite3_reset(st);
    return rc == SQLITE_DONE ? BC_OK : db_fail(s, rc, err, what);
}

/* The statements of an asset, prepared in order; those with parameters (the fill) apart. */
typedef struct {
    sqlite3_stmt *plain[32], *fill[4];
    size_t n_plain, n_fill;
} asset_stmts;

static void asset_stmts_release(asset_stmts *a)
{
    for (size_t i = 0; i < a->n_plain; i++)
        sqlite3_finalize(a->plain[i]);
    for (size_t i = 0; i < a->n_fill; i++)
        sqlite3_finalize(a->fill[i]);
    *a = (asset_stmts){0};
}

/* Prepared one at a time, each only once the ones before it ran (a trigger needs its table):
 * call with run set to execute the plain statements as they are prepared. */
static bc_status asset_prepare(sq *s, const char *name, bool run, asset_stmts *a, bc_error *err)
{
    const struct bc_embedded *e = index_asset(name, err);
    if (!e)
        return BC_ERR;
    const char *p = e->data;
    bc_status st = BC_OK;
    while (st == BC_OK && *p) {
        sqlite3_stmt *stmt = NULL;
        const char *tail = NULL;
        int rc = sqlite3_prepare_v2(s->db, p, -1, &stmt, &tail);
        if (rc != SQLITE_OK)
            return db_fail(s, rc, err, "preparing bcadmin's index script");
        p = tail;
        if (!stmt)
            continue;
        bool fill = sqlite3_bind_parameter_count(stmt) > 0;
        size_t cap = fill ? sizeof a->fill / sizeof a->fill[0] : sizeof a->plain / sizeof a->plain[0];
        if ((fill ? a->n_fill : a->n_plain) == cap) {
            sqlite3_finalize(stmt);
            return bc_fail(err, BC_ERR, "%s has too many statements", name);
        }
        if (fill)
            a->fill[a->n_fill++] = stmt;
        else
            a->plain[a->n_plain++] = stmt;
        if (run && !fill)
            st = run_bound(s, stmt, 0, 0, "adding the search index", err);
    }
    return st;
}

static bc_status txn_end(sq *s, bc_status st, bc_error *err)
{
    if (st != BC_OK) {
        sqlite_txn(&s->base, BC_TXN_ROLLBACK, NULL);
        return st;
    }
    return sqlite_txn(&s->base, BC_TXN_COMMIT, err);
}

/* The pause after a transaction that took took_ms: longer than the sleep that a writer which
 * waited through all of it is in (the busy handlers' backoff, delays[] above), so it gets the
 * lock before the next transaction. Stopped by bc_driver_interrupt. */
static bc_status pause_between(sq *s, int64_t took_ms, bc_error *err)
{
    int64_t waited = 0;
    int i = 0;
    while (i < NDELAYS - 1 && waited + delays[i] <= took_ms)
        waited += delays[i++];
    sqlite3_sleep(delays[i] + INDEX_PAUSE_MARGIN);
    return atomic_load(&s->base.cancel) ? bc_fail(err, BC_CANCELLED, "stopped") : BC_OK;
}

/* Each browse index in a transaction of its own. */
static bc_status add_browse_indexes(sq *s, const bc_progress *pr, bc_error *err)
{
    const struct bc_embedded *e = index_asset("browse-indexes.sql", err);
    if (!e)
        return BC_ERR;
    index_objects o = {0};
    parse_objects(e->data, &o);
    bc_status st = BC_OK;
    const char *p = e->data;
    for (size_t i = 0; st == BC_OK && *p;) {
        sqlite3_stmt *stmt = NULL;
        const char *tail = NULL;
        int rc = sqlite3_prepare_v2(s->db, p, -1, &stmt, &tail);
        if (rc != SQLITE_OK) {
            st = db_fail(s, rc, err, "preparing bcadmin's index script");
            break;
        }
        p = tail;
        if (!stmt)
            continue;
        index_objects one = {0};
        parse_objects(sqlite3_sql(stmt), &one);
        bool present = one.n == 1 && has_object(s, one.items[0].type, one.items[0].name);
        index_objects_release(&one);
        if (!present) {
            bc_progress_report(pr, index_parts[0], i, o.n);
            st = sqlite_txn(&s->base, BC_TXN_BEGIN, err);
            int64_t t0 = mono_ms();
            if (st == BC_OK)
                st = txn_end(s, run_bound(s, stmt, 0, 0, "adding a browse index", err), err);
            if (st == BC_OK)
                st = pause_between(s, mono_ms() - t0, err);
        }
        sqlite3_finalize(stmt);
        i++;
    }
    if (st == BC_OK)
        bc_progress_report(pr, index_parts[0], o.n, o.n);
    index_objects_release(&o);
    return st;
}

static bc_status set_fill_state(sq *s, int64_t reserved, int64_t next, bc_error *err)
{
    qb q = {0};
    bc_buf_puts(&q.sql, "INSERT OR REPLACE INTO \"bcadmin_user_search_doc\" (\"docid\", \"id\") "
                        "VALUES (");
    qb_param(&q, bc_value_int(reserved));
    bc_buf_puts(&q.sql, ", CAST(CAST(");
    qb_param(&q, bc_value_int(next));
    bc_buf_puts(&q.sql, " AS TEXT) AS BLOB))");
    bc_status st = exec_qb(s, &q, NULL, "recording the search index's progress", err);
    qb_release(&q);
    return st;
}

/* The search index's tables and triggers, with the fill state, in one transaction (a partial
 * index, an object removed by hand, is removed first). */
static bc_status start_search_index(sq *s, bc_error *err)
{
    bc_status st = sqlite_txn(&s->base, BC_TXN_BEGIN, err);
    if (st != BC_OK)
        return st;
    st = drop_asset_objects(s, "search-index.sql", err);
    asset_stmts a = {0};
    if (st == BC_OK)
        st = asset_prepare(s, "search-index.sql", true, &a, err);
    asset_stmts_release(&a);
    qb q = {0};
    bc_buf_puts(&q.sql, "SELECT coalesce(max(rowid), 0) FROM \"user\"");
    int64_t max = 0;
    if (st == BC_OK)
        st = query_int(s, &q, &max, "reading the user table", err);
    qb_release(&q);
    qb q2 = {0};
    bc_buf_puts(&q2.sql, "SELECT coalesce(min(rowid), 1) FROM \"user\"");
    int64_t min = 1;
    if (st == BC_OK)
        st = query_int(s, &q2, &min, "reading the user table", err);
    qb_release(&q2);
    if (st == BC_OK)
        st = set_fill_state(s, max + 1, min, err);
    return txn_end(s, st, err);
}

/* How many rowids the next fill transaction takes: BCADMIN_INDEX_BATCH when set (tests), else
 * scaled so a transaction takes about FILL_MS (at most doubling or halving at a time). */
static int64_t next_batch(int64_t batch, int64_t took_ms)
{
    const char *fixed = getenv("BCADMIN_INDEX_BATCH");
    if (fixed && atoll(fixed) > 0)
        return atoll(fixed);
    int64_t want = took_ms > 0 ? batch * FILL_MS / took_ms : batch * 2;
    if (want > batch * 2)
        want = batch * 2;
    if (want < batch / 2)
        want = batch / 2;
    return want < 100 ? 100 : want;
}

/* Fill the search index from the recorded rowid to the reserved one, a range per transaction. */
static bc_status fill_search_index(sq *s, const bc_progress *pr, bc_error *err)
{
    int64_t reserved = 0, next = 0;
    if (!fill_state(s, &reserved, &next))
        return bc_fail(err, BC_ERR, "the search index in %s has no fill state", s->path);
    asset_stmts a = {0};
    bc_status st = asset_prepare(s, "search-index.sql", false, &a, err);
    int64_t first = next, batch = next_batch(FILL_FIRST, FILL_MS);
    while (st == BC_OK) {
        bc_progress_report(pr, index_parts[1], (uint64_t)(next - first), (uint64_t)(reserved - first));
        int64_t hi = next + batch - 1 < reserved - 1 ? next + batch - 1 : reserved - 1;
        st = sqlite_txn(&s->base, BC_TXN_BEGIN, err);
        int64_t t0 = mono_ms();
        for (size_t i = 0; st == BC_OK && i < a.n_fill && next <= hi; i++)
            st = run_bound(s, a.fill[i], next, hi, "filling the search index", err);
        bool last = hi >= reserved - 1;
        if (st == BC_OK && last)
            st = exec_script(s,
                             "DELETE FROM \"bcadmin_user_search_doc\" WHERE \"id\" >= X''",
                             "finishing the search index", err);
        else if (st == BC_OK)
            st = set_fill_state(s, reserved, hi + 1, err);
        st = txn_end(s, st, err);
        if (st != BC_OK || last)
            break;
        next = hi + 1;
        int64_t took = mono_ms() - t0;
        batch = next_batch(batch, took);
        st = pause_between(s, took, err);
    }
    asset_stmts_release(&a);
    if (st == BC_OK)
        bc_progress_report(pr, index_parts[1], (uint64_t)(reserved - first),
                           (uint64_t)(reserved - first));
    return st;
}

static bc_status add_all_indexes(sq *s, const bc_progress *pr, bc_error *err)
{
    bc_status st = add_browse_indexes(s, pr, err);
    if (st != BC_OK || has_search_index(s))
        return st;
    int64_t reserved, next;
    bool resume = has_asset_objects(s, "search-index.sql") && fill_state(s, &reserved, &next);
    int64_t t0 = mono_ms();
    if (!resume)
        st = start_search_index(s, err);
    if (st == BC_OK)
        st = pause_between(s, mono_ms() - t0, err);
    return st == BC_OK ? fill_search_index(s, pr, err) : st;
}

bc_status bc_sqlite_add_indexes(bc_driver *d, bc_error *err)
{
    return bc_sqlite_add_indexes_progress(d, NULL, err);
}

bc_status bc_sqlite_add_indexes_progress(bc_driver *d, const bc_progress *progress, bc_error *err)
{
    sq *s = (sq *)d;
    if (d->read_only)
        return bc_driver_writable(d, "adding indexes", err);
    if (s->in_txn)
        return bc_fail(err, BC_USAGE, "a transaction is already open on %s", s->path);
    bc_status st = add_all_indexes(s, progress, err);
    if (st == BC_CANCELLED)
        bc_fail(err, st,
                "building the indexes of %s was stopped; what was built is kept and the search "
                "index is not used until it is finished: run `bcadmin db index` again",
                s->path);
    return st;
}

bc_status bc_sqlite_drop_indexes(bc_driver *d, bc_error *err)
{
    sq *s = (sq *)d;
    if (d->read_only)
        return bc_driver_writable(d, "removing indexes", err);
    bc_status st = sqlite_txn(d, BC_TXN_BEGIN, err);
    if (st != BC_OK)
        return st;
    for (size_t i = sizeof index_assets / sizeof index_assets[0]; i > 0 && st == BC_OK; i--)
        st = drop_asset_objects(s, index_assets[i - 1], err);
    if (st != BC_OK) {
        sqlite_txn(d, BC_TXN_ROLLBACK, NULL);
        return st;
    }
    return sqlite_txn(d, BC_TXN_COMMIT, err);
}

bool bc_sqlite_has_indexes(bc_driver *d)
{
    sq *s = (sq *)d;
    return has_asset_objects(s, "browse-indexes.sql") && has_search_index(s);
}

bool bc_sqlite_has_search_index(bc_driver *d)
{
    return has_search_index((sq *)d);
}

bool bc_sqlite_search_index_unfinished(bc_driver *d)
{
    int64_t reserved, next;
    return fill_state((sq *)d, &reserved, &next);
}

bool bc_sqlite_has_any_index(bc_driver *d)
{
    sq *s = (sq *)d;
    for (size_t i = 0; i < sizeof index_assets / sizeof index_assets[0]; i++) {
        const struct bc_embedded *e = index_asset(index_assets[i], NULL);
        index_objects o = {0};
        if (e)
            parse_objects(e->data, &o);
        bool any = false;
        for (size_t j = 0; j < o.n && !any; j++)
            any = has_object(s, o.items[j].type, o.items[j].name);
        index_objects_release(&o);
        if (any)
            return true;
    }
    return false;
}

/* --- substring search by the trigram index -------------------------------------------------- */

enum {
    SEARCH_PROBES = 8,  /* trigrams of a long needle whose document counts are looked up */
    SEARCH_TERMS = 3,   /* the rarest of them ANDed in the index query */
    SEARCH_SHARE = 16,  /* the index is used while the rarest matches under 1/16 of the rows */
    SEARCH_SMALL = 256, /* ... or fewer rows than this whatever the table's size */
};

/* The index query for a substring search (search as given; folded here by bc_text_fold as the
 * matcher folds it), or NULL when the scan is the better plan or the only one: no index in the
 * file, fewer than 3 characters, or even the rarest trigram in over 1/16 of the users (then
 * checking the candidates one by one costs more than reading every row: about 5 us a candidate
 * against 0.3 us a row).
 *
 * Only trigrams of three ASCII characters are used. The index is a superset of the matches
 * only where a needle's trigrams are tokenized as they are in the row: for ASCII that holds
 * whatever surrounds them (invalid UTF-8 after a multi-byte character changes how the tokenizer
 * decodes it), and the trigram tokenizer folds case per character as bc_text_fold does, so an
 * ASCII trigram of the folded needle is in the index wherever the row's folded text has it
 * ("ştefan" probes "tef", which "ŞTEFAN" was indexed under). The exceptions are characters whose
 * lowercase is longer than themselves (U+0130 İ); a needle without an ASCII trigram (all
 * non-ASCII) is scanned. */
static char *search_match(sq *s, const char *search)
{
    size_t n = search ? strlen(search) : 0;
    if (n < 3 || !has_search_index(s))
        return NULL;
    char *folded = bc_text_fold(search, n, &n);
    /* Distinct ASCII trigrams of the folded needle, in needle order. */
    char(*grams)[4] = bc_xcalloc(n + 1, sizeof *grams);
    size_t ng = 0;
    for (size_t i = 0; i + 3 <= n; i++) {
        const unsigned char *g = (const unsigned char *)folded + i;
        if (g[0] >= 0x80 || g[1] >= 0x80 || g[2] >= 0x80)
            continue;
        char t[4] = {(char)g[0], (char)g[1], (char)g[2]};
        bool seen = false;
        for (size_t j = 0; j < ng && !seen; j++)
            seen = memcmp(grams[j], t, 3) == 0;
        if (!seen)
            memcpy(grams[ng++], t, 4);
    }
    /* A long needle: probe trigrams spread over it, first and last included. */
    size_t probes = ng < SEARCH_PROBES ? ng : SEARCH_PROBES;
    int64_t docs[SEARCH_PROBES];
    size_t pick[SEARCH_PROBES];
    bool ok = probes > 0 &&
              run_plain(s,
                        "CREATE VIRTUAL TABLE IF NOT EXISTS temp.\"bcadmin_user_search_vocab\" "
                        "USING fts5vocab(main, bcadmin_user_search, row)",
                        "opening the search index's vocabulary", NULL) == BC_OK;
    for (size_t i = 0; i < probes && ok; i++) {
        pick[i] = probes > 1 ? i * (ng - 1) / (probes - 1) : 0;
        qb q = {0};
        bc_buf_puts(&q.sql,
                    "SELECT coalesce(max(\"doc\"), 0) FROM temp.\"bcadmin_user_search_vocab\" "
                    "WHERE \"term\" = ");
        qb_param(&q, bc_value_text(grams[pick[i]]));
        ok = query_int(s, &q, &docs[i], "reading the search index", NULL) == BC_OK;
        qb_release(&q);
    }
    /* The rarest few, rarest first (a handful: selection sort). */
    for (size_t i = 0; i < probes && ok; i++)
        for (size_t j = i + 1; j < probes; j++)
            if (docs[j] < docs[i]) {
                int64_t d = docs[i];
                size_t k = pick[i];
                docs[i] = docs[j], pick[i] = pick[j];
                docs[j] = d, pick[j] = k;
            }
    int64_t rows = 0;
    if (ok && docs[0] > SEARCH_SMALL) {
        qb q = {0};
        bc_buf_puts(&q.sql, "SELECT coalesce(max(\"docid\"), 0) FROM \"bcadmin_user_search_doc\"");
        ok = query_int(s, &q, &rows, "reading the search index", NULL) == BC_OK &&
             docs[0] * SEARCH_SHARE <= rows;
        qb_release(&q);
    }
    char *match = NULL;
    if (ok) {
        /* "abc" AND "bcd": detail=none refuses phrases, so each term is one quoted trigram
         * (a double quote inside is doubled). */
        bc_buf m = {0};
        for (size_t i = 0; i < probes && i < SEARCH_TERMS; i++) {
            bc_buf_puts(&m, i ? " AND \"" : "\"");
            for (const char *c = grams[pick[i]]; *c; c++)
                bc_buf_puts(&m, *c == '"' ? "\"\"" : (char[]){*c, '\0'});
            bc_buf_puts(&m, "\"");
        }
        match = bc_buf_take(&m);
    }
    free(grams);
    free(folded);
    return match;
}

bool bc_sqlite_has_model(bc_driver *d, bc_model m)
{
    return ((sq *)d)->tables[m].present;
}

bool bc_sqlite_has_column(bc_driver *d, bc_model m, const char *name)
{
    const table *t = &((sq *)d)->tables[m];
    for (size_t i = 0; t->present && i < t->n; i++)
        if (strcmp(t->cols[i].name, name) == 0)
            return true;
    return false;
}

bc_ba_line bc_sqlite_line(bc_driver *d)
{
    if (bc_sqlite_has_column(d, BC_MODEL_JWKS, "alg") &&
        bc_sqlite_has_column(d, BC_MODEL_JWKS, "crv"))
        return BC_LINE_1_7;
    if (bc_sqlite_has_model(d, BC_MODEL_JWKS))
        return BC_LINE_1_4_TO_1_6;
    return BC_LINE_UNKNOWN;
}

char *bc_sqlite_users_plan(bc_driver *d, const bc_user_query *q, bc_error *err)
{
    sq *s = (sq *)d;
    qb w = {0}, full = {0};
    bc_buf canon = {0}, plan = {0};
    page_spec p;
    bc_cursor c = {0};
    bool have = false;
    char *match = NULL;
    bc_status st = user_spec(s, q, &w, &canon, &p, err);
    if (st == BC_OK && p.scan)
        p.match = match = search_match(s, q->search);
    if (st == BC_OK) {
        if (!p.limit)
            p.limit = BC_PAGE_DEFAULT;
        st = decode_cursor(s, &p, &c, &have, err);
    }
    if (st == BC_OK) {
        bc_buf_puts(&full.sql, "EXPLAIN QUERY PLAN ");
        if (p.scan)
            build_scan_sql(&p, &full);
        else
            build_page_sql(s, &p, have ? &c : NULL, &full);
        sqlite3_stmt *stmt = NULL;
        int rc = sqlite3_prepare_v2(s->db, full.sql.data, -1, &stmt, NULL);
        if (rc != SQLITE_OK) {
            st = db_fail(s, rc, err, "explaining a query");
        } else {
            for (size_t i = 0; i < full.n; i++)
                bind_value(stmt, (int)i + 1, &full.params[i]);
            while ((rc = sqlite3_step(stmt)) == SQLITE_ROW)
                bc_buf_printf(&plan, "%s\n", (const char *)sqlite3_column_text(stmt, 3));
            if (rc != SQLITE_DONE)
                st = db_fail(s, rc, err, "explaining a query");
        }
        sqlite3_finalize(stmt);
    }
    free(match);
    bc_cursor_release(&c);
    qb_release(&w);
    qb_release(&full);
    bc_buf_release(&canon);
    if (st != BC_OK) {
        bc_buf_release(&plan);
        return NULL;
    }
    return bc_buf_take(&plan);
}
