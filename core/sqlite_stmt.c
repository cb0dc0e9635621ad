/* sqlite_stmt.c - the SQLite driver's statements: building them (qb), the prepared-statement
 * cache, binding, stepping with the busy and progress handlers (locks held by other connections,
 * bc_driver_interrupt), and turning SQLite's result codes into bc_errors. */
#include "sqlite_internal.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "isotime.h"

/* --- small helpers ----------------------------------------------------------------------- */

int64_t sq_mono_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void sq_put_ident(bc_buf *b, const char *name)
{
    bc_buf_puts(b, "\"");
    for (const char *p = name; *p; p++)
        bc_buf_puts(b, *p == '"' ? "\"\"" : (char[]){*p, '\0'});
    bc_buf_puts(b, "\"");
}

void sq_qb_param(qb *q, bc_value v)
{
    if (q->n == q->cap) {
        q->cap = q->cap ? q->cap * 2 : 16;
        q->params = bc_xrealloc(q->params, q->cap * sizeof *q->params);
    }
    q->params[q->n++] = v;
    bc_buf_puts(&q->sql, "?");
}

void sq_qb_release(qb *q)
{
    bc_buf_release(&q->sql);
    for (size_t i = 0; i < q->n; i++)
        bc_value_release(&q->params[i]);
    free(q->params);
    *q = (qb){0};
}

bool sq_is_busy(int rc)
{
    return (rc & 0xff) == SQLITE_BUSY || (rc & 0xff) == SQLITE_LOCKED;
}

/* SQLite's busy handler waits out most locks; some BUSY results come back without waiting
 * (a WAL snapshot in recovery, a read lock upgrade). Retry those until the timeout is spent. */
static bool retry_busy(sq *s, int rc, int64_t start)
{
    if (!sq_is_busy(rc) || sq_mono_ms() - start >= s->timeout_ms || atomic_load(&s->base.cancel))
        return false;
    sqlite3_sleep(10);
    return true;
}

/* The busy handler: wait out another connection's lock for up to timeout_ms with the backoff of
 * sqlite3_busy_timeout (retrying more often would keep taking the shared lock that a writer
 * without a busy handler of its own needs to commit), unless bc_driver_interrupt asks to stop. */
const int sq_delays[SQ_NDELAYS] = {1, 2, 5, 10, 15, 20, 25, 25, 25, 50, 50, 100};

int sq_wait_for_lock(void *arg, int tries)
{
    sq *s = arg;
    int64_t waited = 0;
    for (int i = 0; i < tries; i++)
        waited += sq_delays[i < SQ_NDELAYS ? i : SQ_NDELAYS - 1];
    int delay = sq_delays[tries < SQ_NDELAYS ? tries : SQ_NDELAYS - 1];
    if (atomic_load(&s->base.cancel) || waited >= s->timeout_ms)
        return 0;
    if (waited + delay > s->timeout_ms)
        delay = (int)(s->timeout_ms - waited);
    sqlite3_sleep(delay);
    return 1;
}

/* The progress handler: non-zero makes the running statement fail with SQLITE_INTERRUPT. */
int sq_interrupted(void *arg)
{
    const sq *s = arg; /* &s->base, its first member */
    if (s->slow_us > 0)
        usleep((useconds_t)s->slow_us);
    return atomic_load(&s->base.cancel);
}

bc_status sq_db_fail(sq *s, int rc, bc_error *err, const char *what)
{
    if ((rc & 0xff) == SQLITE_INTERRUPT || (sq_is_busy(rc) && atomic_load(&s->base.cancel)))
        return bc_fail(err, BC_CANCELLED, "%s in %s", what, s->path);
    if (sq_is_busy(rc))
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

bc_status sq_prepare(sq *s, const char *sql, sqlite3_stmt **out, bc_error *err)
{
    for (size_t i = 0; i < STMT_CACHE; i++) {
        if (s->stmts[i].sql && strcmp(s->stmts[i].sql, sql) == 0) {
            *out = s->stmts[i].st;
            return BC_OK;
        }
    }
    int64_t start = sq_mono_ms();
    int rc;
    sqlite3_stmt *st = NULL;
    while ((rc = sqlite3_prepare_v3(s->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &st, NULL)) !=
               SQLITE_OK &&
           retry_busy(s, rc, start))
        ;
    if (rc != SQLITE_OK)
        return sq_db_fail(s, rc, err, "preparing a query");
    cached_stmt *slot = &s->stmts[s->next_evict];
    s->next_evict = (s->next_evict + 1) % STMT_CACHE;
    sqlite3_finalize(slot->st);
    free(slot->sql);
    *slot = (cached_stmt){bc_xstrdup(sql), st};
    *out = st;
    return BC_OK;
}

void sq_bind_value(sqlite3_stmt *st, int i, const bc_value *v)
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
bc_status sq_start(sq *s, const qb *q, sqlite3_stmt **out, bc_error *err)
{
    bc_status st = sq_prepare(s, q->sql.data, out, err);
    if (st != BC_OK)
        return st;
    for (size_t i = 0; i < q->n; i++)
        sq_bind_value(*out, (int)i + 1, &q->params[i]);
    return BC_OK;
}

/* The first step of a statement, retrying a lock within the timeout. */
int sq_first_step(sq *s, sqlite3_stmt *st)
{
    int64_t t0 = sq_mono_ms();
    int rc;
    while ((rc = sqlite3_step(st)) != SQLITE_ROW && rc != SQLITE_DONE && retry_busy(s, rc, t0))
        sqlite3_reset(st);
    return rc;
}

/* Start the statement q describes and take its first step (sq_first_step): *rc is that step's
 * result, *out the statement to step on and hand to sq_finish. q is released either way. */
bc_status sq_query(sq *s, qb *q, sqlite3_stmt **out, int *rc, bc_error *err)
{
    bc_status status = sq_start(s, q, out, err);
    sq_qb_release(q);
    if (status == BC_OK)
        *rc = sq_first_step(s, *out);
    return status;
}

/* Reset right away: a statement left mid-iteration would hold a read transaction open. */
void sq_finish(sqlite3_stmt *st)
{
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
}

/* Run a statement that returns no rows; *changes (may be NULL) gets sqlite3_changes. */
bc_status sq_exec_qb(sq *s, const qb *q, size_t *changes, const char *what, bc_error *err)
{
    sqlite3_stmt *st;
    bc_status status = sq_start(s, q, &st, err);
    if (status != BC_OK)
        return status;
    int rc = sq_first_step(s, st);
    while (rc == SQLITE_ROW)
        rc = sqlite3_step(st);
    if (rc != SQLITE_DONE) {
        status = sq_db_fail(s, rc, err, what);
        sq_finish(st);
        return status;
    }
    if (changes)
        *changes = (size_t)sqlite3_changes(s->db);
    sq_finish(st);
    return BC_OK;
}

/* A single integer from a statement with no parameters (or q's). */
bc_status sq_query_int(sq *s, const qb *q, int64_t *out, const char *what, bc_error *err)
{
    sqlite3_stmt *st;
    bc_status status = sq_start(s, q, &st, err);
    if (status != BC_OK)
        return status;
    int rc = sq_first_step(s, st);
    if (rc == SQLITE_ROW) {
        *out = sqlite3_column_int64(st, 0);
        sq_finish(st);
        return BC_OK;
    }
    status = rc == SQLITE_DONE ? bc_fail(err, BC_ERR, "%s in %s: no result", what, s->path)
                               : sq_db_fail(s, rc, err, what);
    sq_finish(st);
    return status;
}
