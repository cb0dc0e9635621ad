/* list.c - the one list position (list.h): selection, scrolling, paging, clamping, clicks. */
#include "list.h"

static size_t max_top(const tui_list *l)
{
    size_t h = l->h > 0 ? (size_t)l->h : 1;
    return l->n > h ? l->n - h : 0;
}

void tui_list_count(tui_list *l, size_t n)
{
    l->n = n;
    if (l->sel >= n)
        l->sel = n ? n - 1 : 0;
    if (l->top > l->sel && !l->pager)
        l->top = l->sel;
    if (l->pager && l->top > max_top(l))
        l->top = max_top(l);
}

void tui_list_place(tui_list *l, int y, int h)
{
    l->y = y;
    l->h = h > 0 ? h : 0;
    if (h <= 0)
        return;
    if (l->pager) {
        if (l->top > max_top(l))
            l->top = max_top(l);
        l->sel = l->top;
        return;
    }
    if (l->sel < l->top)
        l->top = l->sel;
    if (l->sel >= l->top + (size_t)h)
        l->top = l->sel - (size_t)h + 1;
    /* fill the view when rows above are hidden and the end leaves space (after G, a delete) */
    if (l->top > max_top(l))
        l->top = max_top(l);
}

bool tui_list_row(const tui_list *l, int i, size_t *row)
{
    if (i < 0 || i >= l->h || l->top + (size_t)i >= l->n)
        return false;
    *row = l->top + (size_t)i;
    return true;
}

bool tui_list_selected(const tui_list *l, size_t row)
{
    return !l->pager && l->n && row == l->sel;
}

void tui_list_move(tui_list *l, int64_t delta)
{
    size_t *at = l->pager ? &l->top : &l->sel;
    int64_t last = l->pager ? (int64_t)max_top(l) : (int64_t)l->n - 1;
    int64_t t = (int64_t)*at + delta;
    if (t > last)
        t = last;
    if (t < 0)
        t = 0;
    *at = (size_t)t;
    if (l->pager)
        l->sel = l->top;
}

void tui_list_select(tui_list *l, size_t row)
{
    tui_list_move(l, (int64_t)row - (int64_t)(l->pager ? l->top : l->sel));
}

bool tui_list_is_move(tui_action a)
{
    switch (a) {
    case TUI_ACT_MOVE_DOWN:
    case TUI_ACT_MOVE_UP:
    case TUI_ACT_PAGE_DOWN:
    case TUI_ACT_PAGE_UP:
    case TUI_ACT_HALF_DOWN:
    case TUI_ACT_HALF_UP:
    case TUI_ACT_FIRST:
    case TUI_ACT_LAST:
        return true;
    default:
        return false;
    }
}

bool tui_list_delta(const tui_list *l, tui_action a, int64_t *delta)
{
    int64_t page = l->h > 1 ? l->h - 1 : 1;
    int64_t at = (int64_t)(l->pager ? l->top : l->sel);
    switch (a) {
    case TUI_ACT_MOVE_DOWN:
        *delta = 1;
        return true;
    case TUI_ACT_MOVE_UP:
        *delta = -1;
        return true;
    case TUI_ACT_PAGE_DOWN:
        *delta = page;
        return true;
    case TUI_ACT_PAGE_UP:
        *delta = -page;
        return true;
    case TUI_ACT_HALF_DOWN:
        *delta = page / 2 ? page / 2 : 1;
        return true;
    case TUI_ACT_HALF_UP:
        *delta = -(page / 2 ? page / 2 : 1);
        return true;
    case TUI_ACT_FIRST:
        *delta = -at;
        return true;
    case TUI_ACT_LAST:
        *delta = (int64_t)l->n - 1 - at;
        return true;
    default:
        return false;
    }
}

bool tui_list_click(tui_list *l, int y)
{
    size_t row;
    if (l->pager || !tui_list_row(l, y - l->y, &row))
        return false;
    l->sel = row;
    return true;
}
