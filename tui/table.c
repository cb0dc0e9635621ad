/* table.c - column layout and rows for the list views. */
#include "table.h"

#include "describe.h"
#include "text.h"
#include "xalloc.h"

#include <stdio.h>
#include <string.h>

/* A column's width: a time column is at least as wide as its header with the zone and a sort
 * arrow ("created CET/CEST \u25bc"), so the header is never cut. */
static int col_width(const tui_col *c, const char *zone)
{
    if (!c->time || !*zone)
        return c->width;
    int head = (int)(bc_text_width(c->title) + 1 + bc_text_width(zone) + 2);
    return head > c->width ? head : c->width;
}

void tui_table_layout(const tui_col *cols, int n, int total, int *widths)
{
    bool shown[TUI_TABLE_MAX_COLS];
    int width[TUI_TABLE_MAX_COLS];
    const char *zone = tui_time_zone();
    for (int i = 0; i < n; i++) {
        shown[i] = true;
        width[i] = col_width(&cols[i], zone);
    }
    for (;;) {
        int need = 1, flex = 0, worst = -1;
        for (int i = 0; i < n; i++) {
            if (!shown[i])
                continue;
            need += width[i] + 1;
            flex += cols[i].flex;
            if (cols[i].drop && (worst < 0 || cols[i].drop > cols[worst].drop))
                worst = i;
        }
        if (need <= total || worst < 0) {
            int spare = total - need > 0 ? total - need : 0, given = 0, last_flex = -1;
            for (int i = 0; i < n; i++) {
                widths[i] = shown[i] ? width[i] : 0;
                if (shown[i] && cols[i].flex && flex) {
                    int extra = spare * cols[i].flex / flex;
                    widths[i] += extra;
                    given += extra;
                    last_flex = i;
                }
            }
            if (last_flex >= 0)
                widths[last_flex] += spare - given;
            return;
        }
        shown[worst] = false;
    }
}

void tui_table_header(int y, int x, int total, const tui_col *cols, const int *widths, int n,
                      int sort_col, bool ascending)
{
    tui_draw_fill(y, x, total, TUI_S_HEADER);
    int cx = x + 1;
    for (int i = 0; i < n; i++) {
        if (!widths[i])
            continue;
        char title[96];
        const char *zone = cols[i].time ? tui_time_zone() : "";
        snprintf(title, sizeof title, "%s%s%s%s", cols[i].title, *zone ? " " : "", zone,
                 i == sort_col ? (ascending ? " \u25b2" : " \u25bc") : "");
        tui_draw_text(y, cx, widths[i], title, TUI_S_HEADER, true);
        cx += widths[i] + 1;
    }
}

void tui_table_row(int y, int x, int total, const int *widths, int n, const char *const *cells,
                   const tui_style *styles, bool selected)
{
    tui_style base = selected ? TUI_S_SELECTED : TUI_S_NORMAL;
    tui_draw_fill(y, x, total, base);
    if (selected)
        tui_draw_text(y, x, 1, "\u25b8", base | TUI_A_BOLD, false);
    int cx = x + 1;
    for (int i = 0; i < n; i++) {
        if (!widths[i])
            continue;
        tui_style s = base | (styles ? styles[i] : 0);
        tui_draw_text(y, cx, widths[i], cells[i], s, true);
        cx += widths[i] + 1;
    }
}

void tui_format_count(char *out, size_t size, int64_t n)
{
    bc_text_count(out, size, n);
}

void tui_list_position(char *out, size_t size, int64_t pos, size_t rows, int64_t total,
                       bool at_least)
{
    char p[32], t[32];
    if (rows == 0) {
        snprintf(out, size, "no rows");
        return;
    }
    /* A lower bound is never below what is on screen: the rows seen are rows found. */
    if (at_least && pos >= 0 && total < pos + 1)
        total = pos + 1;
    if (total >= 0)
        tui_format_count(t, sizeof t, total);
    else
        snprintf(t, sizeof t, "?");
    if (pos >= 0)
        tui_format_count(p, sizeof p, pos + 1);
    else
        snprintf(p, sizeof p, "?");
    snprintf(out, size, "row %s of %s%s", p, t, at_least ? "+ so far" : "");
}
