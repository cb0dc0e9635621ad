/* sqlite_values.c - the SQLite driver's values: a column as stored to a bc_value (dates, booleans
 * by the declared type), a row to a bc_record, and the checks and WHERE terms of what it writes. */
#include "sqlite_internal.h"

#include <stdlib.h>
#include <string.h>

#include "isotime.h"

/* --- decoding ------------------------------------------------------------------------------ */

/* A column as stored, by storage class. */
bc_value sq_raw_value(sqlite3_stmt *st, int i)
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
    return sq_raw_value(st, i);
}

bc_record sq_decode_row(const table *t, sqlite3_stmt *st)
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

bc_status sq_check_fields(sq *s, bc_model m, const bc_record *r, bc_error *err)
{
    const table *t = &s->tables[m];
    for (size_t i = 0; i < r->n; i++)
        if (!sq_find_column(t, r->fields[i].name, NULL))
            return bc_fail(err, BC_USAGE, "table \"%s\" in %s has no column \"%s\"",
                           bc_model_get(m)->name, s->path, r->fields[i].name);
    return BC_OK;
}

/* Append `WHERE field IN (values[from..to))` (or `= ?`) for a match; nothing for NULL. */
bc_status sq_put_match(sq *s, bc_model m, qb *q, const bc_match *match, size_t from, size_t to,
                       bc_error *err)
{
    if (!match)
        return BC_OK;
    if (!match->field || !sq_find_column(&s->tables[m], match->field, NULL))
        return bc_fail(err, BC_USAGE, "table \"%s\" in %s has no column \"%s\"",
                       bc_model_get(m)->name, s->path, match->field ? match->field : "(null)");
    bc_buf_puts(&q->sql, " WHERE ");
    sq_put_ident(&q->sql, match->field);
    bc_buf_puts(&q->sql, to - from == 1 ? " = " : " IN (");
    for (size_t i = from; i < to; i++) {
        if (i > from)
            bc_buf_puts(&q->sql, ", ");
        sq_qb_param(q, bc_value_text(match->values[i]));
    }
    if (to - from != 1)
        bc_buf_puts(&q->sql, ")");
    return BC_OK;
}
