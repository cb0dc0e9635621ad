/* print.h - how the verbs write rows: aligned tables for people, RFC 4180 CSV and streamed JSON
 * for programs.
 *
 * Human output is always escaped (text.h) so nothing from the data can act on a terminal, even
 * through a pipe to cat or less -R, and columns are aligned by display width; on a terminal, long
 * cells are also cut with an ellipsis. JSON is escaped by jansson plus \uNNNN for DEL, C1, bidi
 * and invisible characters; CSV is quoted, control characters escaped and formulas neutralised. Tables can be
 * flushed page by page so an export of every row keeps one page in memory.
 */
#ifndef BC_PRINT_H
#define BC_PRINT_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "record.h"

/* The text of a value as the verbs print it: ISO dates, true/false, decimal numbers, base64
 * blobs; NULL for a NULL value. The caller frees it. */
char *bc_print_value(const bc_value *v);

/* --- aligned tables --------------------------------------------------------------------- */

typedef struct {
    const char *header; /* NULL for a table without a header line */
    size_t max;         /* on a terminal, cells wider than this are cut with "…"; 0: no limit */
    bool time; /* cells are times in the one format (timefmt.h): the header names their zone */
} bc_print_col;

typedef struct {
    FILE *f;
    bool tty; /* cut cells to their column's max */
    const bc_print_col *cols;
    size_t ncols;
    const char *indent; /* written before every line (default "") */
    size_t *width;      /* columns each column takes */
    char **cells;       /* nrows * ncols cells, owned */
    size_t nrows, cap;
    bool flushed; /* after the first flush the widths stay put */
    bool fixed;   /* a stream of pages (--all): columns with a max are that wide from the start,
                     and every cell is cut to its column, terminal or not: one layout throughout */
} bc_table;

void bc_table_init(bc_table *t, FILE *f, bool tty, const bc_print_col *cols, size_t ncols);
/* Add one row of ncols cells (NULL cells print empty); the table copies them. */
void bc_table_row(bc_table *t, const char *const *cells);
/* Print the header (on the first flush) and the rows held, then forget the rows. The first
 * flush fixes the column widths; later rows wider than that are cut on a terminal. */
void bc_table_flush(bc_table *t);
void bc_table_release(bc_table *t);

/* --- CSV ------------------------------------------------------------------------------------ */

/* One RFC 4180 record: each field made safe by bc_text_csv_cell (control characters escaped;
 * with neutralise, a formula-like start gets a leading '), quoted when it holds a comma, quote,
 * CR or LF (quotes doubled), NULL fields empty, CRLF at the end. */
void bc_csv_row(FILE *f, const char *const *fields, size_t n, bool neutralise);

/* --- JSON ----------------------------------------------------------------------------------- */

/* One JSON document {"key":[item,...],tail members...} written an item at a time. */
typedef struct {
    FILE *f;
    size_t items;
} bc_json_stream;

void bc_json_stream_open(bc_json_stream *s, FILE *f, const char *key);
/* Write one array item; steals the reference. */
void bc_json_stream_item(bc_json_stream *s, json_t *item);
/* Close the array and write tail's members (an object, may be NULL) after it; steals tail. */
void bc_json_stream_close(bc_json_stream *s, json_t *tail);

/* A whole document, indented, with a final newline; steals the reference. */
void bc_json_print(FILE *f, json_t *doc);

#endif
