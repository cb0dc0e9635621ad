/* Unit tests for the one list position every list view shares (tui/list.c): moves, pages and ends
 * stop at the rows there are, a shrinking list keeps the selection on a row, placing keeps the
 * selection visible and the view full, clicks map screen lines to rows, a pager scrolls. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "list.h"

static void act(tui_list *l, tui_action a)
{
    int64_t delta;
    assert_true(tui_list_delta(l, a, &delta));
    tui_list_move(l, delta);
}

static void moves_stop_at_the_ends(void **state)
{
    (void)state;
    tui_list l = {0};
    tui_list_count(&l, 40);
    tui_list_place(&l, 3, 12);
    act(&l, TUI_ACT_MOVE_UP);
    assert_int_equal(l.sel, 0);
    act(&l, TUI_ACT_PAGE_DOWN);
    assert_int_equal(l.sel, 11); /* a screen less one row */
    act(&l, TUI_ACT_HALF_DOWN);
    assert_int_equal(l.sel, 16);
    act(&l, TUI_ACT_LAST);
    assert_int_equal(l.sel, 39);
    act(&l, TUI_ACT_MOVE_DOWN);
    assert_int_equal(l.sel, 39);
    act(&l, TUI_ACT_FIRST);
    assert_int_equal(l.sel, 0);
    int64_t delta;
    assert_false(tui_list_delta(&l, TUI_ACT_OPEN, &delta));
}

static void placing_shows_the_selection_and_fills_the_view(void **state)
{
    (void)state;
    tui_list l = {0};
    tui_list_count(&l, 40);
    tui_list_place(&l, 3, 12);
    tui_list_select(&l, 39);
    tui_list_place(&l, 3, 12);
    assert_int_equal(l.top, 28);
    /* rows deleted at the end: the selection clamps to the last row, the view stays full */
    tui_list_count(&l, 30);
    tui_list_place(&l, 3, 12);
    assert_int_equal(l.sel, 29);
    assert_int_equal(l.top, 18);
    size_t row;
    assert_true(tui_list_row(&l, 11, &row));
    assert_int_equal(row, 29);
    assert_false(tui_list_row(&l, 12, &row));
    /* everything deleted */
    tui_list_count(&l, 0);
    tui_list_place(&l, 3, 12);
    assert_int_equal(l.sel, 0);
    assert_int_equal(l.top, 0);
    assert_false(tui_list_row(&l, 0, &row));
    assert_false(tui_list_selected(&l, 0));
}

static void clicks_select_the_row_under_them(void **state)
{
    (void)state;
    tui_list l = {0};
    tui_list_count(&l, 5);
    tui_list_place(&l, 3, 12);
    assert_true(tui_list_click(&l, 5));
    assert_int_equal(l.sel, 2);
    assert_false(tui_list_click(&l, 2));  /* the header */
    assert_false(tui_list_click(&l, 8));  /* below the last row */
    assert_false(tui_list_click(&l, 15)); /* below the list */
    assert_int_equal(l.sel, 2);
}

static void a_pager_scrolls_its_lines(void **state)
{
    (void)state;
    tui_list l = {.pager = true};
    tui_list_count(&l, 30);
    tui_list_place(&l, 1, 10);
    act(&l, TUI_ACT_PAGE_DOWN);
    assert_int_equal(l.top, 9);
    act(&l, TUI_ACT_LAST);
    assert_int_equal(l.top, 20); /* the last line at the bottom, no further */
    act(&l, TUI_ACT_MOVE_DOWN);
    assert_int_equal(l.top, 20);
    assert_false(tui_list_selected(&l, 20));
    assert_false(tui_list_click(&l, 3));
    act(&l, TUI_ACT_FIRST);
    assert_int_equal(l.top, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(moves_stop_at_the_ends),
        cmocka_unit_test(placing_shows_the_selection_and_fills_the_view),
        cmocka_unit_test(clicks_select_the_row_under_them),
        cmocka_unit_test(a_pager_scrolls_its_lines),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
