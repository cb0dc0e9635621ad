/* sqlite_rows.c - the SQLite driver's row reads and writes by match (get, insert, update,
 * delete, in chunks of IN lists) and its transactions. */
#include "sqlite_internal.h"

#include <stdlib.h>

/* --- transactions -------------------------------------------------------------------------- */

bc_status sq_run_plain(sq *s, const char *sql, const char *what, bc_error *err)
{
    qb q = {0};
    bc_buf_puts(&q.sql, sql);
    bc_status st = sq_exec_qb(s, &q, NULL, what, err);
    sq_qb_release(&q);
    return st;
}

/* A count walks every entry of an index range: memory-mapped, each page is read in place instead
 * of copied through the page cache (a third of the time for the sessions' ranges at two million
 * rows). The mapping is dropped after the count (on false), so it is resident only while the count
 * runs; not inside a transaction (the mapping size cannot change there): false then. */
bool sq_map_file(sq *s, bool on)
{
    if (s->in_txn)
        return false;
    return sq_run_plain(s, on ? "PRAGMA mmap_size = 1099511627776" : "PRAGMA mmap_size = 0",
                        on ? "mapping the file" : "unmapping the file", NULL) == BC_OK;
}

bc_status sqlite_txn(bc_driver *d, bc_txn_op op, bc_error *err)
{
    sq *s = (sq *)d;
    bc_status st;
    switch (op) {
    case BC_TXN_BEGIN:
        if (s->in_txn)
            return bc_fail(err, BC_USAGE, "a transaction is already open on %s", s->path);
        /* IMMEDIATE takes the write lock now, so a later statement cannot fail half way. */
        st = sq_run_plain(s, "BEGIN IMMEDIATE", "starting a transaction", err);
        s->in_txn = st == BC_OK;
        return st;
    case BC_TXN_COMMIT:
        if (!s->in_txn)
            return bc_fail(err, BC_USAGE, "no transaction is open on %s", s->path);
        st = sq_run_plain(s, "COMMIT", "committing", err);
        if (st == BC_OK)
            s->in_txn = false;
        return st;
    case BC_TXN_ROLLBACK:
        s->in_txn = false;
        if (sqlite3_get_autocommit(s->db))
            return BC_OK;
        return sq_run_plain(s, "ROLLBACK", "rolling back", err);
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

bc_status sqlite_rows_get(bc_driver *d, bc_model model, const bc_match *m, size_t limit,
                          bc_rows *out, bc_error *err)
{
    sq *s = (sq *)d;
    bc_status status = sq_need_table(s, model, err);
    if (status != BC_OK || (m && m->n == 0))
        return status;
    const table *t = &s->tables[model];
    for (size_t c = 0; c < chunks(m) && status == BC_OK; c++) {
        if (limit && out->n >= limit)
            break;
        qb q = {0};
        bc_buf_printf(&q.sql, "SELECT %s FROM ", t->select_list);
        sq_put_ident(&q.sql, bc_model_get(model)->name);
        size_t from = c * IN_CHUNK, to = m ? (m->n < from + IN_CHUNK ? m->n : from + IN_CHUNK) : 0;
        status = sq_put_match(s, model, &q, m, from, to, err);
        bc_buf_puts(&q.sql, " LIMIT ");
        sq_qb_param(&q, bc_value_int(limit ? (int64_t)(limit - out->n) : -1));
        sqlite3_stmt *st = NULL;
        if (status == BC_OK)
            status = sq_start(s, &q, &st, err);
        sq_qb_release(&q);
        if (status != BC_OK)
            break;
        int rc = sq_first_step(s, st);
        for (; rc == SQLITE_ROW; rc = sqlite3_step(st)) {
            bc_record r = sq_decode_row(t, st);
            bc_rows_push(out, &r);
        }
        if (rc != SQLITE_DONE)
            status = sq_db_fail(s, rc, err, "reading rows");
        sq_finish(st);
    }
    if (status != BC_OK)
        bc_rows_release(out);
    return status;
}

bc_status sqlite_row_insert(bc_driver *d, bc_model model, const bc_record *row, bc_error *err)
{
    sq *s = (sq *)d;
    bc_status status = sq_need_table(s, model, err);
    if (status == BC_OK)
        status = sq_check_fields(s, model, row, err);
    if (status != BC_OK)
        return status;
    if (row->n == 0)
        return bc_fail(err, BC_USAGE, "nothing to insert into \"%s\"", bc_model_get(model)->name);
    qb q = {0};
    bc_buf_puts(&q.sql, "INSERT INTO ");
    sq_put_ident(&q.sql, bc_model_get(model)->name);
    bc_buf_puts(&q.sql, " (");
    for (size_t i = 0; i < row->n; i++) {
        if (i)
            bc_buf_puts(&q.sql, ", ");
        sq_put_ident(&q.sql, row->fields[i].name);
    }
    bc_buf_puts(&q.sql, ") VALUES (");
    for (size_t i = 0; i < row->n; i++) {
        if (i)
            bc_buf_puts(&q.sql, ", ");
        sq_qb_param(&q, bc_value_copy(&row->fields[i].value));
    }
    bc_buf_puts(&q.sql, ")");
    char *what = bc_xasprintf("inserting into \"%s\"", bc_model_get(model)->name);
    status = sq_exec_qb(s, &q, NULL, what, err);
    free(what);
    sq_qb_release(&q);
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
        sq_put_ident(&q.sql, name);
        if (patch) {
            bc_buf_puts(&q.sql, " SET ");
            for (size_t i = 0; i < patch->n; i++) {
                if (i)
                    bc_buf_puts(&q.sql, ", ");
                sq_put_ident(&q.sql, patch->fields[i].name);
                bc_buf_puts(&q.sql, " = ");
                sq_qb_param(&q, bc_value_copy(&patch->fields[i].value));
            }
        }
        size_t from = c * IN_CHUNK, to = m ? (m->n < from + IN_CHUNK ? m->n : from + IN_CHUNK) : 0;
        status = sq_put_match(s, model, &q, m, from, to, err);
        size_t n = 0;
        if (status == BC_OK)
            status = sq_exec_qb(s, &q, &n, what, err);
        total += n;
        sq_qb_release(&q);
    }
    free(what);
    status = write_end(s, own, status, err);
    if (count)
        *count = status == BC_OK ? total : 0;
    return status;
}

bc_status sqlite_rows_update(bc_driver *d, bc_model model, const bc_match *m,
                             const bc_record *patch, size_t *changed, bc_error *err)
{
    sq *s = (sq *)d;
    bc_status status = sq_need_table(s, model, err);
    if (status == BC_OK)
        status = sq_check_fields(s, model, patch, err);
    if (status != BC_OK || patch->n == 0 || (m && m->n == 0)) {
        if (changed)
            *changed = 0;
        return status;
    }
    return write_rows(s, model, m, patch, changed, err);
}

bc_status sqlite_rows_delete(bc_driver *d, bc_model model, const bc_match *m, size_t *deleted,
                             bc_error *err)
{
    sq *s = (sq *)d;
    bc_status status = sq_need_table(s, model, err);
    if (status != BC_OK || (m && m->n == 0)) {
        if (deleted)
            *deleted = 0;
        return status;
    }
    return write_rows(s, model, m, NULL, deleted, err);
}
