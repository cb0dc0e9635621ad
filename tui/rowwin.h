/* rowwin.h - a window of rows over a query that may match millions: keyset pages only.
 *
 * The window holds at most TUI_ROWWIN_PAGES pages in display order. Moving the selection past
 * either edge fetches the neighbouring page with that page's cursor (never OFFSET) and drops the
 * page farthest away. "Last" runs the query in the opposite direction (flipped) and shows it
 * reversed, so the end of a million rows is one fetch away; a query that cannot be flipped is
 * paged forward within a time budget instead. Curses-free.
 */
#ifndef TUI_ROWWIN_H
#define TUI_ROWWIN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "driver.h"
#include "list.h"

#define TUI_ROWWIN_PAGES 4

/* Fetch one page: flipped runs the query in reverse order; cursor is NULL for the first page. */
typedef bc_status (*tui_fetch_fn)(void *ctx, bool flipped, const char *cursor, bool want_total,
                                  size_t limit, bc_page *out, bc_error *err);

typedef struct {
    size_t n;     /* rows of this page in the window */
    char *origin; /* the cursor it was fetched with (NULL: the first page) */
    char *before; /* cursor of the page before it in display order, or NULL */
    char *after;  /* cursor of the page after it, or NULL */
} tui_rowwin_page;

typedef struct {
    tui_fetch_fn fetch;
    void *ctx;
    bool can_flip;
    size_t page_size;
    bool flipped;
    bc_rows rows; /* display order */
    tui_rowwin_page pages[TUI_ROWWIN_PAGES];
    size_t npages;
    int64_t base;  /* absolute position of rows.items[0], or -1 when unknown */
    int64_t total; /* rows matching, or -1 */
    bool total_at_least;
    /* the selection among the loaded rows: the view points its tui_view.list here (pos.n is
     * rows.n after every call) */
    tui_list pos;
} tui_rowwin;

void tui_rowwin_init(tui_rowwin *w, tui_fetch_fn fetch, void *ctx, bool can_flip, size_t page_size);
void tui_rowwin_release(tui_rowwin *w);
/* Start again at the first row (or the last, to_end), counting the total. */
bc_status tui_rowwin_reset(tui_rowwin *w, bool to_end, bc_error *err);
/* Move the selection by delta rows, fetching pages as needed; stops at the ends. */
bc_status tui_rowwin_move(tui_rowwin *w, int64_t delta, bc_error *err);
/* A movement action of the view's list (list.h) by delta: j/k and pages fetch past the loaded rows;
 * g/G move within the window when its end is loaded. Otherwise *reset asks the caller to start the
 * window again at that end (tui_rowwin_reset), except G on a query that cannot be flipped, which
 * pages on from here within a time budget (tui_rowwin_more then says whether rows follow). */
bc_status tui_rowwin_seek(tui_rowwin *w, tui_action a, int64_t delta, bool *reset, bc_error *err);
/* Whether rows follow the last loaded one. */
bool tui_rowwin_more(const tui_rowwin *w);
/* Fetch the rows around the selection again; select the row whose id_field equals the selected
 * one's if it still exists, else the row now at the same place. */
bc_status tui_rowwin_refresh(tui_rowwin *w, const char *id_field, bc_error *err);
/* The total counted after the rows (a search's count, filled in when ready): also places a
 * window read from the end (its position was unknown without it). */
void tui_rowwin_set_total(tui_rowwin *w, int64_t total, bool at_least);
/* The selected record or NULL when empty. */
const bc_record *tui_rowwin_selected(const tui_rowwin *w);
/* Absolute position of the selection (0-based), or -1 when unknown. */
int64_t tui_rowwin_position(const tui_rowwin *w);

#endif
