/* fields.c - a whole record for the record view (fields.h). */
#include "fields.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "text.h"
#include "timefmt.h"
#include "xalloc.h"

void tui_fields_title(tui_fields *f, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    free(f->title);
    f->title = bc_xvasprintf(fmt, ap);
    va_end(ap);
}

void tui_fields_add(tui_fields *f, const char *name, const char *value)
{
    if (f->n == f->cap)
        f->items = bc_xrealloc(f->items, (f->cap = f->cap ? f->cap * 2 : 16) * sizeof *f->items);
    f->items[f->n++] = (tui_field){bc_xstrdup(name), bc_xstrdup(value ? value : "-")};
}

void tui_fields_addf(tui_fields *f, const char *name, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *v = bc_xvasprintf(fmt, ap);
    va_end(ap);
    tui_fields_add(f, name, v);
    free(v);
}

void tui_fields_add_time(tui_fields *f, const char *name, const char *iso)
{
    char when[TUI_TIME_TEXT];
    tui_time_iso(iso, TUI_TIME_ZONE | TUI_TIME_SECONDS, when, sizeof when);
    tui_fields_add(f, name, when);
}

void tui_fields_add_ms(tui_fields *f, const char *name, int64_t ms)
{
    char when[TUI_TIME_TEXT];
    tui_time_text(ms, TUI_TIME_ZONE | TUI_TIME_SECONDS, when, sizeof when);
    tui_fields_add(f, name, when);
}

char *tui_value_text(const bc_value *v)
{
    char when[TUI_TIME_TEXT];
    switch (v->kind) {
    case BC_V_NULL:
        return bc_xstrdup("null");
    case BC_V_TEXT: /* escaped whole: a NUL inside shows as \x00 instead of ending the value */
        return bc_text_escape(v->u.text, v->len);
    case BC_V_INT:
        return bc_xasprintf("%" PRId64, v->u.i);
    case BC_V_REAL:
        return bc_xasprintf("%g", v->u.r);
    case BC_V_BOOL:
        return bc_xstrdup(v->u.b ? "true" : "false");
    case BC_V_DATE:
        tui_time_text(v->u.ms, TUI_TIME_ZONE | TUI_TIME_SECONDS, when, sizeof when);
        return bc_xstrdup(when);
    case BC_V_BLOB:
        return bc_xasprintf("<%zu bytes of binary data>", v->len);
    }
    return bc_xstrdup("?");
}

void tui_fields_add_record(tui_fields *f, const bc_record *r)
{
    for (size_t i = 0; i < r->n; i++) {
        char *v = tui_value_text(&r->fields[i].value);
        tui_fields_add(f, r->fields[i].name, v);
        free(v);
    }
}

char *tui_record_cell(const bc_record *r, const char *name)
{
    const bc_value *v = bc_record_get(r, name);
    return v && v->kind == BC_V_TEXT ? bc_text_escape(v->u.text, v->len) : NULL;
}

void tui_fields_release(tui_fields *f)
{
    for (size_t i = 0; i < f->n; i++) {
        free(f->items[i].name);
        free(f->items[i].value);
    }
    free(f->items);
    free(f->title);
    *f = (tui_fields){0};
}
