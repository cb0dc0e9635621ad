/* fields.h - a whole record as the record view (v) shows it: a title and named values, each
 * value whole (the view wraps it, never cuts it). Views fill one from their selected row
 * (tui_view_ops.record). Curses-free. The fields own their copies; tui_fields_release frees them.
 */
#ifndef TUI_FIELDS_H
#define TUI_FIELDS_H

#include <stddef.h>

#include "record.h"

typedef struct {
    char *name, *value;
} tui_field;

typedef struct {
    char *title;
    tui_field *items;
    size_t n, cap;
} tui_fields;

void tui_fields_title(tui_fields *f, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Add name = value; a NULL value is shown as "-". */
void tui_fields_add(tui_fields *f, const char *name, const char *value);
void tui_fields_addf(tui_fields *f, const char *name, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Add an ISO 8601 time (as the state database keeps them) in the console's format with its zone. */
void tui_fields_add_time(tui_fields *f, const char *name, const char *iso);
/* Add a time in ms since the epoch the same way. */
void tui_fields_add_ms(tui_fields *f, const char *name, int64_t ms);
/* Add every field of r in its order (dates with their zone, extra columns too). */
void tui_fields_add_record(tui_fields *f, const bc_record *r);
/* A value as text as the console shows it (dates with the zone, blobs by size, text escaped by
 * bc_text_escape, NULs and all); the caller frees. */
char *tui_value_text(const bc_value *v);
/* A text field of r as the console's lists and titles draw it: escaped whole by bc_text_escape (a
 * NUL inside shows as \x00 instead of ending the value, as the CLI prints it); NULL when r has no
 * such field or it is null or not text. The caller frees. */
char *tui_record_cell(const bc_record *r, const char *name);
void tui_fields_release(tui_fields *f);

#endif
