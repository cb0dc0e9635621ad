/* record.c - ordered, typed field lists for Better Auth rows. */
#include "record.h"

#include <stdlib.h>
#include <string.h>

bc_value bc_value_null(void)
{
    return (bc_value){.kind = BC_V_NULL};
}

bc_value bc_value_textn(const char *s, size_t len)
{
    if (!s)
        return bc_value_null();
    bc_value v = {.kind = BC_V_TEXT, .len = len};
    v.u.text = bc_xmalloc(len + 1);
    memcpy(v.u.text, s, len);
    v.u.text[len] = '\0';
    return v;
}

bc_value bc_value_text(const char *s)
{
    return s ? bc_value_textn(s, strlen(s)) : bc_value_null();
}

bc_value bc_value_int(int64_t i)
{
    return (bc_value){.kind = BC_V_INT, .u.i = i};
}

bc_value bc_value_real(double r)
{
    return (bc_value){.kind = BC_V_REAL, .u.r = r};
}

bc_value bc_value_bool(bool b)
{
    return (bc_value){.kind = BC_V_BOOL, .u.b = b};
}

bc_value bc_value_date(int64_t ms)
{
    return (bc_value){.kind = BC_V_DATE, .u.ms = ms};
}

bc_value bc_value_copy(const bc_value *v)
{
    if (v->kind == BC_V_TEXT || v->kind == BC_V_BLOB) {
        bc_value c = bc_value_textn(v->u.text, v->len);
        c.kind = v->kind;
        return c;
    }
    return *v;
}

void bc_value_release(bc_value *v)
{
    if (v->kind == BC_V_TEXT || v->kind == BC_V_BLOB)
        free(v->u.text);
    *v = bc_value_null();
}

bool bc_value_equal(const bc_value *a, const bc_value *b)
{
    if (a->kind != b->kind)
        return false;
    switch (a->kind) {
    case BC_V_NULL:
        return true;
    case BC_V_TEXT:
    case BC_V_BLOB:
        return a->len == b->len && memcmp(a->u.text, b->u.text, a->len) == 0;
    case BC_V_INT:
        return a->u.i == b->u.i;
    case BC_V_REAL:
        return a->u.r == b->u.r;
    case BC_V_BOOL:
        return a->u.b == b->u.b;
    case BC_V_DATE:
        return a->u.ms == b->u.ms;
    }
    return false;
}

static bc_field *find(const bc_record *r, const char *name)
{
    for (size_t i = 0; i < r->n; i++)
        if (strcmp(r->fields[i].name, name) == 0)
            return &r->fields[i];
    return NULL;
}

void bc_record_set(bc_record *r, const char *name, bc_value value)
{
    bc_field *f = find(r, name);
    if (f) {
        bc_value_release(&f->value);
        f->value = value;
        return;
    }
    if (r->n == r->cap) {
        r->cap = r->cap ? r->cap * 2 : 16;
        r->fields = bc_xrealloc(r->fields, r->cap * sizeof *r->fields);
    }
    r->fields[r->n++] = (bc_field){.name = bc_xstrdup(name), .value = value};
}

void bc_record_set_text(bc_record *r, const char *name, const char *text)
{
    bc_record_set(r, name, bc_value_text(text));
}

void bc_record_set_bool(bc_record *r, const char *name, bool b)
{
    bc_record_set(r, name, bc_value_bool(b));
}

void bc_record_set_date(bc_record *r, const char *name, int64_t ms)
{
    bc_record_set(r, name, bc_value_date(ms));
}

void bc_record_set_null(bc_record *r, const char *name)
{
    bc_record_set(r, name, bc_value_null());
}

bool bc_record_unset(bc_record *r, const char *name)
{
    bc_field *f = find(r, name);
    if (!f)
        return false;
    free(f->name);
    bc_value_release(&f->value);
    size_t i = (size_t)(f - r->fields);
    memmove(f, f + 1, (r->n - i - 1) * sizeof *f);
    r->n--;
    return true;
}

const bc_value *bc_record_get(const bc_record *r, const char *name)
{
    bc_field *f = find(r, name);
    return f ? &f->value : NULL;
}

const char *bc_record_text(const bc_record *r, const char *name)
{
    const bc_value *v = bc_record_get(r, name);
    return v && v->kind == BC_V_TEXT ? v->u.text : NULL;
}

bool bc_record_bool(const bc_record *r, const char *name)
{
    const bc_value *v = bc_record_get(r, name);
    if (!v)
        return false;
    if (v->kind == BC_V_BOOL)
        return v->u.b;
    return v->kind == BC_V_INT && v->u.i != 0;
}

bool bc_record_date(const bc_record *r, const char *name, int64_t *ms)
{
    const bc_value *v = bc_record_get(r, name);
    if (!v || v->kind != BC_V_DATE)
        return false;
    *ms = v->u.ms;
    return true;
}

bool bc_record_holds(const bc_record *row, const bc_record *fields)
{
    bc_value null = bc_value_null();
    for (size_t i = 0; i < fields->n; i++) {
        const bc_value *v = bc_record_get(row, fields->fields[i].name);
        if (!bc_value_equal(v ? v : &null, &fields->fields[i].value))
            return false;
    }
    return true;
}

bc_record bc_record_copy(const bc_record *r)
{
    bc_record c = {0};
    for (size_t i = 0; i < r->n; i++)
        bc_record_set(&c, r->fields[i].name, bc_value_copy(&r->fields[i].value));
    return c;
}

void bc_record_release(bc_record *r)
{
    for (size_t i = 0; i < r->n; i++) {
        free(r->fields[i].name);
        bc_value_release(&r->fields[i].value);
    }
    free(r->fields);
    *r = (bc_record){0};
}

void bc_rows_push(bc_rows *rows, bc_record *r)
{
    if (rows->n == rows->cap) {
        rows->cap = rows->cap ? rows->cap * 2 : 16;
        rows->items = bc_xrealloc(rows->items, rows->cap * sizeof *rows->items);
    }
    rows->items[rows->n++] = *r;
    *r = (bc_record){0};
}

void bc_rows_release(bc_rows *rows)
{
    for (size_t i = 0; i < rows->n; i++)
        bc_record_release(&rows->items[i]);
    free(rows->items);
    *rows = (bc_rows){0};
}
