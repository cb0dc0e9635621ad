/* view_messages.c - the message log (M): every message and error of the session, oldest first,
 * wrapped so nothing is cut; it opens at the newest. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "dialog.h"
#include "draw.h"
#include "isotime.h"
#include "timefmt.h"
#include "xalloc.h"

#define PIECES 64

typedef struct {
    tui_list list; /* a pager over the wrapped lines */
    bool opened;   /* drawn once (it opens at the newest line) */
} messages_state;

static bc_status messages_open(tui_view *v, tui_app *app, const char *arg, bc_error *err)
{
    (void)app;
    (void)arg;
    (void)err;
    messages_state *s = bc_xcalloc(1, sizeof *s);
    s->list.pager = true;
    v->data = s;
    v->list = &s->list;
    return BC_OK;
}

static void messages_close(tui_view *v)
{
    free(v->data);
}

/* "2026-03-15 12:04:31 UTC  error: ..." and its wrapped pieces; returns how many. */
static int pieces_of(const tui_logged *m, int width, char **out)
{
    char when[TUI_TIME_TEXT];
    tui_time_text(m->at_ms, TUI_TIME_ZONE | TUI_TIME_SECONDS, when, sizeof when);
    char *line = bc_xasprintf("%s  %s", when, m->text);
    int n = tui_wrap_text(line, width, out, PIECES);
    free(line);
    return n;
}

static void messages_draw(tui_view *v, tui_app *app, tui_rect r)
{
    messages_state *s = v->data;
    size_t n, dropped;
    const tui_logged *log = tui_app_log(app, &n, &dropped);
    char title[160];
    if (dropped)
        snprintf(title, sizeof title,
                 "Messages  the last %zu of this session's %zu, oldest first (%zu oldest let go)", n,
                 n + dropped, dropped);
    else
        snprintf(title, sizeof title, "Messages  %zu this session, oldest first", n);
    tui_draw_text(r.y, r.x, r.w, title, TUI_S_TITLE, true);
    if (r.h <= 1)
        return;
    /* count the wrapped lines, then draw the window of them; at the end, follow the newest */
    size_t total = 0;
    char *parts[PIECES];
    for (size_t i = 0; i < n; i++) {
        int k = pieces_of(&log[i], r.w - 1, parts);
        total += (size_t)k;
        for (int j = 0; j < k; j++)
            free(parts[j]);
    }
    bool at_end = !s->opened || s->list.top + (size_t)s->list.h >= s->list.n;
    s->opened = true;
    tui_list_count(&s->list, total);
    tui_list_place(&s->list, r.y + 1, r.h - 1);
    if (at_end)
        tui_list_move(&s->list, (int64_t)total);
    if (n == 0)
        tui_draw_text(r.y + 2, r.x + 2, r.w - 2, "No message yet.", TUI_S_DIM, false);
    size_t at = 0;
    for (size_t i = 0; i < n; i++) {
        int k = pieces_of(&log[i], r.w - 1, parts);
        for (int j = 0; j < k; j++, at++) {
            if (at >= s->list.top && at < s->list.top + (size_t)s->list.h)
                tui_draw_text(r.y + 1 + (int)(at - s->list.top), r.x + (j ? 1 : 0), r.w - 1, parts[j],
                              log[i].error ? TUI_S_DANGER : 0, false);
            free(parts[j]);
        }
    }
}

static const tui_action messages_hints[] = {TUI_ACT_MESSAGES, TUI_ACT_NONE};

const tui_view_ops tui_messages_view = {
    .name = "messages",
    .open = messages_open,
    .draw = messages_draw,
    .hints = messages_hints,
    .close = messages_close,
};
