/* print.h - how the verbs write rows: aligned tables for people, RFC 4180 CSV and streamed JSON
 * for programs.
 *
 * Human output is always escaped (text.h) so nothing from the data can act on a terminal, even
 * through a pipe to cat or less -R, and columns are aligned by display width. The one table rule
 * of every verb: a column with a limit cuts longer cells with "…", on a terminal and in a pipe
 * alike (the whole value is in --json, --csv and `users show`), and on a terminal such columns
 * also narrow, widest first, until a line fits the terminal's width. JSON is escaped by jansson
 * plus \uNNNN for DEL, C1, bidi and invisible characters; CSV is quoted, control characters
 * escaped (a NUL as \x00) and formulas neutralised. Values may hold NULs: cells carry their
 * length. Tables can be flushed page by page so an export of every row keeps one page in memory.
 */
#ifndef BC_PRINT_H
#define BC_PRINT_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "record.h"

/* The text of a value as the verbs print it: ISO dates, true/false, decimal numbers, base64
 * blobs, text as stored (NULs and all); NULL for a NULL value. *len (may be NULL) gets its length.
 * The caller frees it. */
char *bc_print_value(const bc_value *v, size_t *len);

/* --- aligned tables --------------------------------------------------------------------- */

typedef struct {
    const char *header; /* NULL for a table without a header line */
    /* Cells wider than this are cut with "…" (terminal or not), and on a terminal the column may
     * narrow further to fit the line; 0: never cut (values shown whole, like `users show`'s). */
    size_t max;
    bool time; /* cells are times in the one format (timefmt.h): the header names their zone */
} bc_print_col;

typedef struct {
    FILE *f;
    size_t screen; /* the terminal's width when f is one (lines fit it), 0: not a terminal */
    const bc_print_col *cols;
    size_t ncols;
    const char *indent; /* written before every line (default "") */
    size_t *width;      /* columns each column takes */
    char **cells;       /* nrows * ncols cells, owned, escaped */
    size_t nrows, cap;
    bool flushed; /* after the first flush the widths stay put */
    bool fixed;   /* a stream of pages (--all): columns with a max are that wide from the start
                     (then fitted to the terminal): one layout throughout */
} bc_table;

/* screen: the terminal's width when f is a terminal (bc_cli's columns), else 0. */
void bc_table_init(bc_table *t, FILE *f, size_t screen, const bc_print_col *cols, size_t ncols);
/* Add one row of ncols cells (NULL cells print "-"); the table copies them. lens gives each cell's
 * length (cells may hold NULs), or is NULL for NUL-terminated cells. */
void bc_table_row(bc_table *t, const char *const *cells, const size_t *lens);
/* Print the header (on the first flush) and the rows held, then forget the rows. The first
 * flush fixes the column widths; later rows wider than that are cut. */
void bc_table_flush(bc_table *t);
void bc_table_release(bc_table *t);

/* --- CSV ------------------------------------------------------------------------------------ */

/* One RFC 4180 record: each field made safe by bc_text_csv_cell (control characters escaped, a NUL
 * as \x00; with neutralise, a formula-like start gets a leading '), quoted when it holds a comma,
 * quote, CR or LF (quotes doubled), NULL fields empty, CRLF at the end. lens as in bc_table_row. */
void bc_csv_row(FILE *f, const char *const *fields, const size_t *lens, size_t n, bool neutralise);

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
