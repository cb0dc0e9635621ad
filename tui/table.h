/* table.h - column layout and row drawing shared by the list views (curses-free). */
#ifndef TUI_TABLE_H
#define TUI_TABLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "draw.h"
#include "record.h"
#include "timefmt.h"

typedef struct {
    const char *title;
    int width; /* fixed width, or the minimum of a flexible column */
    int flex;  /* share of the spare width (0: fixed) */
    int drop;  /* 0: always shown; columns with the highest drop go first when narrow */
    bool time; /* a time column (timefmt.h): its header names the zone */
} tui_col;

#define TUI_TABLE_MAX_COLS 12

/* Give each column a width (0 for dropped ones) so they fit in total columns. */
void tui_table_layout(const tui_col *cols, int n, int total, int *widths);
/* The header; sort_col (-1: none) gets an arrow that says the direction in text. */
void tui_table_header(int y, int x, int total, const tui_col *cols, const int *widths, int n,
                      int sort_col, bool ascending);
/* One row: cells may be NULL; styles may be NULL (all normal). */
void tui_table_row(int y, int x, int total, const int *widths, int n, const char *const *cells,
                   const tui_style *styles, bool selected);

/* "1,234,567" into out. */
void tui_format_count(char *out, size_t size, int64_t n);

/* "row 12 of 1,000,000" for the selection at 0-based pos (-1: unknown), "no rows" when the
 * window holds none. */
void tui_list_position(char *out, size_t size, int64_t pos, size_t rows, int64_t total,
                       bool at_least);

#endif
