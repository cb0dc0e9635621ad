/* sqlite_schema.c - the SQLite driver's reading of the file's schema at open (pragma_table_info):
 * which Better Auth tables and columns are there, in select order, and what line they belong to. */
#include "sqlite_internal.h"

#include <stdlib.h>
#include <string.h>

#include "text.h"

/* --- schema ------------------------------------------------------------------------------- */

void sq_table_release(table *t)
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
    sq_qb_param(&q, bc_value_text(def->name));
    bc_buf_puts(&q.sql, ") ORDER BY cid");
    sqlite3_stmt *st;
    int rc;
    bc_status status = sq_query(s, &q, &st, &rc, err);
    if (status != BC_OK)
        return status;

    size_t found_n = 0, cap = 0;
    column *found = NULL;
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
    sq_finish(st);
    if (rc != SQLITE_DONE) {
        for (size_t i = 0; i < found_n; i++)
            free(found[i].name), free(found[i].decl);
        free(found);
        return sq_db_fail(s, rc, err, "reading the schema");
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
        sq_put_ident(&list, t->cols[i].name);
    }
    t->select_list = bc_buf_take(&list);
    t->present = complete;
    return BC_OK;
}

bc_status sq_load_schema(sq *s, bc_error *err)
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

const column *sq_find_column(const table *t, const char *name, size_t *index)
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

bc_status sq_need_table(sq *s, bc_model m, bc_error *err)
{
    if (s->tables[m].present)
        return BC_OK;
    return bc_fail(err, BC_NOT_FOUND, "%s has no \"%s\" table", s->path, bc_model_get(m)->name);
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
