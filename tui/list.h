/* list.h - one list position for every list view: the selected row, the first row drawn, paging,
 * clamping, clicks and the wheel.
 *
 * A view owns its tui_list (in its state) and points its tui_view.list at the one the movement
 * keys move (app.h); the app moves it for every movement action, click and wheel notch, so each
 * view only says how many rows it holds (tui_list_count) and draws the rows tui_list_place
 * leaves visible. A pager (the message log, the record view) has no selection: moving scrolls its
 * lines. Curses-free; the position holds no pointer, so it is copied freely.
 */
#ifndef TUI_LIST_H
#define TUI_LIST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "actions.h"

typedef struct {
    size_t n;        /* rows the list holds (the loaded ones, for a list fetched in pages) */
    size_t sel, top; /* the selected row; the first row drawn */
    int y, h;        /* where the rows were last drawn: the first row's screen line, how many */
    bool pager;      /* no selection: movement scrolls (sel follows top) */
} tui_list;

/* The list now holds n rows: the selection and the first row drawn stay inside them (after a
 * delete, the row now at the selection's place, or the last one). */
void tui_list_count(tui_list *l, size_t n);
/* The rows are drawn from screen line y, h of them: scrolls so the selection shows and, when rows
 * above are hidden while the end leaves space, fills the view. */
void tui_list_place(tui_list *l, int y, int h);
/* The row drawn on the i-th line (0-based) of the list's place: true and *row set, or false past
 * the last row. */
bool tui_list_row(const tui_list *l, int i, size_t *row);
/* Whether row is the selected one (never in a pager). */
bool tui_list_selected(const tui_list *l, size_t row);
/* Move the selection (a pager: the first line drawn) by delta, stopping at the ends. */
void tui_list_move(tui_list *l, int64_t delta);
/* Select row (clamped to the rows there are). */
void tui_list_select(tui_list *l, size_t row);
/* The rows a movement action moves the list by: j/k one, PgDn/PgUp a screen less one row, the
 * halves half that, g/G to an end (as far as the loaded rows go). false for other actions. */
bool tui_list_delta(const tui_list *l, tui_action a, int64_t *delta);
/* Whether a is one of the movement actions tui_list_delta knows. */
bool tui_list_is_move(tui_action a);
/* A click on screen line y: selects the row drawn there and returns true, or false when y is not
 * on a row (the header, space below the last row). */
bool tui_list_click(tui_list *l, int y);

#endif
