/* dialog.c - editing, judging and drawing the console's modal dialogs. */
#include "dialog.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistr.h>

#include "keymap.h"
#include "text.h"
#include "xalloc.h"

void tui_dialog_line(tui_dialog *d, const char *fmt, ...)
{
    if (d->nlines >= TUI_DIALOG_LINES)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(d->lines[d->nlines++], TUI_DIALOG_TEXT, fmt, ap);
    va_end(ap);
}

void tui_dialog_error(tui_dialog *d, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(d->error, sizeof d->error, fmt, ap);
    va_end(ap);
}

int tui_dialog_field_add(tui_dialog *d, const char *label, const char *value, bool masked,
                         const char *expect)
{
    if (d->nfields >= TUI_DIALOG_FIELDS)
        return -1;
    tui_dialog_field *f = &d->fields[d->nfields];
    *f = (tui_dialog_field){.masked = masked};
    snprintf(f->label, sizeof f->label, "%s", label);
    tui_line_set(f->value, sizeof f->value, &f->pos, value, true);
    snprintf(f->expect, sizeof f->expect, "%s", expect ? expect : "");
    return d->nfields++;
}

int tui_dialog_field_add_yesno(tui_dialog *d, const char *label, bool yes)
{
    int i = tui_dialog_field_add(d, label, yes ? "yes" : "no", false, NULL);
    if (i >= 0) {
        d->fields[i].yesno = true;
        d->fields[i].pos.selected = false;
    }
    return i;
}

static void yesno_key(tui_dialog_field *f, int key)
{
    bool yes = strcmp(f->value, "yes") == 0;
    if (key == ' ')
        yes = !yes;
    else if (key == 'y' || key == 'Y')
        yes = true;
    else if (key == 'n' || key == 'N')
        yes = false;
    snprintf(f->value, sizeof f->value, "%s", yes ? "yes" : "no");
}

/* The first typed confirmation that does not match, or -1. */
static int mismatched(const tui_dialog *d)
{
    for (int i = 0; i < d->nfields; i++)
        if (d->fields[i].expect[0] && !bc_text_typed_matches(d->fields[i].value, d->fields[i].expect))
            return i;
    return -1;
}

static tui_dialog_result try_accept(tui_dialog *d)
{
    int bad = mismatched(d);
    if (bad < 0)
        return TUI_DLG_ACCEPT;
    /* The expected text may come from the target (an email): escape it for the dialog. */
    char *want = bc_text_escape(d->fields[bad].expect, strlen(d->fields[bad].expect));
    tui_dialog_error(d, "that is not \"%s\": nothing was changed (Esc cancels)", want);
    free(want);
    d->focus = bad;
    return TUI_DLG_KEEP;
}

static tui_dialog_result form_key(tui_dialog *d, int key)
{
    tui_dialog_field *f = d->nfields ? &d->fields[d->focus] : NULL;
    switch (key) {
    case TUI_KEY_ENTER:
    case TUI_KEY_ENTER_FN:
        if (d->focus + 1 < d->nfields) {
            d->focus++;
            return TUI_DLG_KEEP;
        }
        return try_accept(d);
    case TUI_KEY_TAB:
    case TUI_KEY_DOWN:
        if (d->nfields)
            d->focus = (d->focus + 1) % d->nfields;
        return TUI_DLG_KEEP;
    case TUI_KEY_BTAB:
    case TUI_KEY_UP:
        if (d->nfields)
            d->focus = (d->focus + d->nfields - 1) % d->nfields;
        return TUI_DLG_KEEP;
    default:
        if (f && f->yesno)
            yesno_key(f, key);
        else if (f)
            tui_line_key(f->value, sizeof f->value, &f->pos, key == 0x7f ? TUI_KEY_BACKSPACE : key);
        return TUI_DLG_KEEP;
    }
}

tui_dialog_result tui_dialog_key(tui_dialog *d, int key)
{
    d->error[0] = '\0';
    if (key == TUI_KEY_ESC || key == TUI_KEY_CTRL('c') || key == TUI_KEY_CTRL('g'))
        return TUI_DLG_CANCEL;
    switch (d->kind) {
    case TUI_DLG_YESNO: {
        /* a destructive question never takes Enter for yes: a stray Enter changes nothing */
        bool enter = key == TUI_KEY_ENTER || key == TUI_KEY_ENTER_FN;
        if (key == 'y' || key == 'Y' || (enter && !d->danger))
            return TUI_DLG_ACCEPT;
        if (key == 'n' || key == 'N' || key == 'q')
            return TUI_DLG_CANCEL;
        tui_dialog_error(d, "%s", d->danger ? "y: yes   n or Esc: no   (Enter does not confirm)"
                                            : "y or Enter: yes   n or Esc: no");
        return TUI_DLG_KEEP;
    }
    case TUI_DLG_INFO:
        if (key == TUI_KEY_ENTER || key == TUI_KEY_ENTER_FN || key == 'q')
            return TUI_DLG_ACCEPT;
        return TUI_DLG_KEEP;
    case TUI_DLG_FORM:
        break;
    }
    return form_key(d, key);
}

/* --- drawing -------------------------------------------------------------------------------- */

int tui_wrap_text(const char *text, int width, char **out, int max)
{
    char *safe = bc_text_escape(text, strlen(text));
    int n = 0;
    size_t len = strlen(safe), start = 0, i = 0, cols = 0;
    while (i < len && n < max) {
        ucs4_t c;
        int k = u8_mbtouc(&c, (const uint8_t *)safe + i, len - i);
        char one[8];
        memcpy(one, safe + i, (size_t)k);
        one[k] = '\0';
        size_t cw = bc_text_width(one);
        if (cols + cw > (size_t)width && i > start) {
            out[n++] = bc_xasprintf("%.*s", (int)(i - start), safe + start);
            start = i;
            cols = 0;
            continue;
        }
        cols += cw;
        i += (size_t)k;
    }
    if (n < max && (start < len || n == 0))
        out[n++] = bc_xstrdup(safe + start);
    free(safe);
    return n;
}

#define WRAP_MAX 8

/* Rows the body takes at inner width iw. */
static int body_rows(const tui_dialog *d, int iw)
{
    if (!d->wrap)
        return d->nlines;
    int rows = 0;
    for (int i = 0; i < d->nlines; i++) {
        char *parts[WRAP_MAX];
        int n = tui_wrap_text(d->lines[i], iw, parts, WRAP_MAX);
        rows += n;
        for (int k = 0; k < n; k++)
            free(parts[k]);
    }
    return rows;
}

static const char *hint_of(const tui_dialog *d)
{
    switch (d->kind) {
    case TUI_DLG_YESNO:
        return d->danger ? "y: yes    n or Esc: no" : "y or Enter: yes    n or Esc: no";
    case TUI_DLG_INFO:
        return "Enter or Esc: close    (mouse is released: drag to select and copy)";
    case TUI_DLG_FORM:
        break;
    }
    return d->nfields > 1
               ? "Enter: next field, then confirm    Tab/\u2191\u2193: move    Esc: cancel"
               : "Enter: confirm    Esc: cancel";
}

static int content_width(const tui_dialog *d, int label_w)
{
    char *title = bc_text_escape(d->title, strlen(d->title));
    int w = (int)bc_text_width(title) + 6;
    free(title);
    int hw = (int)bc_text_width(hint_of(d)) + 4;
    if (hw > w)
        w = hw;
    for (int i = 0; i < d->nlines; i++) {
        char *safe = bc_text_escape(d->lines[i], strlen(d->lines[i]));
        int lw = (int)bc_text_width(safe) + 4;
        free(safe);
        if (lw > w)
            w = lw;
    }
    char *error = bc_text_escape(d->error, strlen(d->error)); /* may quote typed text */
    int ew = (int)bc_text_width(error) + 4;
    free(error);
    if (ew > w)
        w = ew;
    if (d->nfields && label_w + 40 > w)
        w = label_w + 40;
    return w;
}

/* The fields drawn in a form too tall for its box: [first, end), and whether a marker row goes
 * above them (fields hidden above) and below (fields hidden below). The focused field is always
 * among them, the last one drawn when moving down. */
typedef struct {
    int first, end;
    bool above_row, below_row;
} field_window;

static field_window window_of(int n, int focus, int rows)
{
    if (n <= rows || n == 0)
        return (field_window){0, n, false, false};
    if (rows < 3) /* the focused field, and one row saying what is hidden when there is one */
        return (field_window){focus, focus + 1, rows == 2 && focus > 0, rows == 2 && focus == 0};
    for (int first = 0;; first++) {
        int end = first + rows - (first > 0);
        if (end < n)
            end--;
        if (focus < end)
            return (field_window){first, end, first > 0, end < n};
    }
}

/* "↑ 2 more fields above"; also_below: hidden fields below, said on the same row when there is
 * no room for a row of their own. The hint line says how to move. */
static void draw_more(int y, int x, int w, int hidden, const char *where, int also_below)
{
    char text[120];
    if (also_below)
        snprintf(text, sizeof text, "\u2191 %d more above, \u2193 %d below", hidden, also_below);
    else
        snprintf(text, sizeof text, "%s %d more field%s %s",
                 strcmp(where, "above") == 0 ? "\u2191" : "\u2193", hidden, hidden == 1 ? "" : "s",
                 where);
    tui_draw_text(y, x, w, text, TUI_S_DIM, true);
}

void tui_dialog_draw(const tui_dialog *d, int y0, int x0, int h0, int w0)
{
    int label_w = 0;
    for (int i = 0; i < d->nfields; i++) {
        int lw = (int)bc_text_width(d->fields[i].label) + 2;
        if (lw > label_w)
            label_w = lw;
    }
    int w = d->wrap ? w0 : content_width(d, label_w);
    if (w > w0 - 2 && !d->wrap)
        w = w0 - 2;
    if (w > w0)
        w = w0;
    int iw = w - 4;
    if (iw < 10)
        return;
    int rows = body_rows(d, iw) + (d->nfields ? d->nfields + 1 : 0) + 2 /* error, hint */;
    int h = rows + 3;
    if (h > h0)
        h = h0;
    int y = y0 + (h0 - h) / 3, x = x0 + (w0 - w) / 2;
    tui_style frame = d->danger ? TUI_S_DANGER : TUI_S_NORMAL;
    tui_draw_box(y, x, h, w, frame);
    char title[200];
    snprintf(title, sizeof title, " %s ", d->title);
    tui_draw_text(y, x + 2, w - 4, title, (d->danger ? TUI_S_DANGER : 0) | TUI_S_TITLE, false);
    int row = y + 1, last = y + h - 2;
    /* A box cut to the terminal's height gives up body lines, never the fields, the error or the
     * hint: a field that is not drawn would still take every key, typed blind. */
    int body_last = last - 1 - ((d->nfields ? d->nfields + 1 : 0) + 1);
    bool cut = false;
    for (int i = 0; i < d->nlines; i++) {
        if (!d->wrap) {
            if (row <= body_last)
                tui_draw_text(row++, x + 2, iw, d->lines[i], 0, false);
            else
                cut = true;
            continue;
        }
        char *parts[WRAP_MAX];
        int n = tui_wrap_text(d->lines[i], iw, parts, WRAP_MAX);
        for (int k = 0; k < n; k++) {
            /* already escaped: tui_draw_text leaves valid, control-free text as it is */
            if (row <= body_last)
                tui_draw_text(row++, x + 2, iw, parts[k], 0, false);
            else
                cut = true;
            free(parts[k]);
        }
    }
    if (cut && body_last > y)
        tui_draw_text(body_last, x + 2, iw, "\u2026 (a taller terminal shows the rest)", TUI_S_DIM,
                      true);
    int cursor_y = -1, cursor_x = 0;
    /* The fields get the rows down to the error row: a blank row first when there is room, and
     * when even then they do not all fit, a window that holds the focused one. */
    int avail = last - 1 - row;
    if (d->nfields && avail > d->nfields)
        row++;
    field_window win = window_of(d->nfields, d->focus, avail);
    if (win.above_row)
        draw_more(row++, x + 2, iw, win.first, "above",
                  win.end < d->nfields && !win.below_row ? d->nfields - win.end : 0);
    for (int i = win.first; i < win.end && row < last; i++, row++) {
        const tui_dialog_field *f = &d->fields[i];
        bool focused = i == d->focus;
        tui_draw_text(row, x + 2, label_w, f->label, TUI_A_BOLD, true);
        int vx = x + 2 + label_w, vw = iw - label_w;
        tui_style st = TUI_A_UNDERLINE | (focused ? TUI_A_BOLD : 0);
        tui_draw_fill(row, vx, vw, TUI_A_UNDERLINE);
        int cx;
        if (f->yesno) {
            cx = vx + tui_draw_text(row, vx, vw, f->value, st, false);
            if (focused)
                tui_draw_text(row, cx + 2, vx + vw - cx - 2, "Space, y or n", TUI_S_DIM, false);
        } else {
            cx = tui_line_draw(row, vx, vw, f->value, &f->pos, st, f->masked);
        }
        if (focused) {
            cursor_y = row;
            cursor_x = cx < vx + vw ? cx : vx + vw - 1;
        }
    }
    if (win.below_row)
        draw_more(row++, x + 2, iw, d->nfields - win.end, "below", 0);
    if (d->error[0] && row < last)
        tui_draw_text(row, x + 2, iw, d->error, TUI_S_DANGER, false);
    tui_draw_text(last, x + 2, iw, hint_of(d), TUI_S_DIM, false);
    tui_draw_cursor(cursor_y, cursor_x);
}
