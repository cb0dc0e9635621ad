/* table.c - column layout and rows for the list views. */
#include "table.h"

#include "describe.h"
#include "text.h"
#include "xalloc.h"

#include <stdio.h>
#include <string.h>

void tui_table_layout(const tui_col *cols, int n, int total, int *widths)
{
    bool shown[TUI_TABLE_MAX_COLS];
    for (int i = 0; i < n; i++)
        shown[i] = true;
    for (;;) {
        int need = 1, flex = 0, worst = -1;
        for (int i = 0; i < n; i++) {
            if (!shown[i])
                continue;
            need += cols[i].width + 1;
            flex += cols[i].flex;
            if (cols[i].drop && (worst < 0 || cols[i].drop > cols[worst].drop))
                worst = i;
        }
        if (need <= total || worst < 0) {
            int spare = total - need > 0 ? total - need : 0, given = 0, last_flex = -1;
            for (int i = 0; i < n; i++) {
                widths[i] = shown[i] ? cols[i].width : 0;
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

void tui_date_field(const bc_record *r, const char *field, char out[TUI_TIME_TEXT])
{
    int64_t ms;
    if (bc_record_date(r, field, &ms))
        tui_time_text(ms, 0, out, TUI_TIME_TEXT);
    else
        snprintf(out, TUI_TIME_TEXT, "-");
}

char *tui_user_status(const bc_record *user, int64_t now, unsigned flags)
{
    int64_t until = 0;
    if (bc_describe_user_state(user, now, &until) != BC_USER_BANNED_UNTIL)
        return bc_describe_user_status(user, now);
    char when[TUI_TIME_TEXT];
    tui_time_text(until, flags, when, sizeof when);
    if (tui_time_get_mode() == TUI_TIME_RELATIVE)
        return bc_xasprintf("banned, ends %s", when);
    return bc_xasprintf("banned until %s", when);
}
