/* view_record.c - the record view (v): the selected row of the screen under it, every field whole,
 * long values wrapped under their name; a pager (j/k, pages, g/G scroll it). v or q goes back. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "dialog.h"
#include "draw.h"
#include "fields.h"
#include "text.h"
#include "view.h"
#include "xalloc.h"

/* Long values wrap into at most this many lines (a 64 KiB value at 80 columns fits). */
#define PIECES 1024

typedef struct {
    tui_fields f;
    tui_list list; /* a pager over the wrapped lines */
} record_state;

/* The fields handed from tui_view_show_record to record_open (the console is single-threaded). */
static tui_fields pending;

static bc_status record_open(tui_view *v, tui_app *app, const char *arg, bc_error *err)
{
    (void)app;
    (void)arg;
    (void)err;
    record_state *s = bc_xcalloc(1, sizeof *s);
    s->f = pending;
    pending = (tui_fields){0};
    s->list.pager = true;
    v->data = s;
    v->list = &s->list;
    return BC_OK;
}

static void record_close(tui_view *v)
{
    record_state *s = v->data;
    if (!s)
        return;
    tui_fields_release(&s->f);
    free(s);
}

/* The width of the name column: the longest name, within reason. */
static int name_width(const tui_fields *f, int w)
{
    int nw = 4;
    for (size_t i = 0; i < f->n; i++) {
        int k = (int)bc_text_width(f->items[i].name);
        nw = k > nw ? k : nw;
    }
    return nw > w / 3 ? w / 3 : nw;
}

/* Draw (or, with draw false, count) the wrapped lines from line `from` on; returns how many
 * there are in all. */
static size_t lay_out(const record_state *s, tui_rect r, size_t from, int rows, bool draw)
{
    int nw = name_width(&s->f, r.w), vw = r.w - nw - 3;
    if (vw < 8)
        vw = 8;
    size_t at = 0;
    char *parts[PIECES];
    for (size_t i = 0; i < s->f.n; i++) {
        const tui_field *fd = &s->f.items[i];
        int k = tui_wrap_text(*fd->value ? fd->value : " ", vw, parts, PIECES);
        for (int j = 0; j < k; j++, at++) {
            if (draw && at >= from && at < from + (size_t)rows) {
                int y = r.y + 1 + (int)(at - from);
                if (j == 0)
                    tui_draw_text(y, r.x + 1, nw, fd->name, TUI_A_BOLD, true);
                tui_draw_text(y, r.x + nw + 3, vw, parts[j], 0, false);
            }
            free(parts[j]);
        }
    }
    return at;
}

static void record_draw(tui_view *v, tui_app *app, tui_rect r)
{
    (void)app;
    record_state *s = v->data;
    char title[512];
    snprintf(title, sizeof title, "%s   (whole; v or q: back)", s->f.title ? s->f.title : "Record");
    tui_draw_text(r.y, r.x, r.w, title, TUI_S_TITLE, true);
    if (r.h <= 1)
        return;
    tui_list_count(&s->list, lay_out(s, r, 0, 0, false));
    tui_list_place(&s->list, r.y + 1, r.h - 1);
    lay_out(s, r, s->list.top, s->list.h, true);
}

static const tui_action record_hints[] = {TUI_ACT_RECORD, TUI_ACT_NONE};

const tui_view_ops tui_record_view = {
    .name = "record",
    .open = record_open,
    .draw = record_draw,
    .hints = record_hints,
    .close = record_close,
};

bool tui_view_show_record(tui_view *v, tui_app *app)
{
    if (!v || !v->ops->record)
        return false;
    tui_fields f = {0};
    if (!v->ops->record(v, app, &f)) {
        tui_fields_release(&f);
        tui_app_message(app, "no row is selected");
        return true;
    }
    tui_fields_release(&pending);
    pending = f;
    tui_app_push(app, &tui_record_view, NULL);
    return true;
}
