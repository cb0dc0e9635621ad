/* view.c - the list position every view shares (view.h). */
#include "view.h"

#include <stdio.h>
#include <string.h>

#include "trace.h"

bool tui_view_navigate(tui_view *v, tui_app *app, tui_action a)
{
    int64_t delta;
    if (!v->list || !tui_list_delta(v->list, a, &delta))
        return false;
    if (v->ops->seek)
        v->ops->seek(v, app, a, delta);
    else
        tui_list_move(v->list, delta);
    return true;
}

bool tui_view_click(tui_view *v, tui_app *app, int y, int x)
{
    if (v->ops->click)
        v->ops->click(v, app, y, x);
    return v->list && tui_list_click(v->list, y);
}

void tui_view_seek_rows(tui_app *app, tui_rowwin *w, tui_action a, int64_t delta,
                        void (*reload)(void *ctx, bool to_end), void *ctx)
{
    bool reset;
    bc_error err = {0};
    if (tui_rowwin_seek(w, a, delta, &reset, &err) != BC_OK)
        tui_app_error(app, &err);
    else if (reset)
        reload(ctx, a == TUI_ACT_LAST);
    else if (a == TUI_ACT_LAST && tui_rowwin_more(w))
        tui_app_message(app, "paged forward as far as time allowed: press G again to go on");
}

void tui_view_search_prompt(
    tui_app *app, const char *text, void (*on_change)(void *ctx, tui_app *app, const char *text),
    void (*on_done)(void *ctx, tui_app *app, const char *text, bool accepted), void *ctx)
{
    tui_prompt_spec spec = {.prefix = "/",
                            .on_change = on_change,
                            .on_done = on_done,
                            .history = TUI_HISTORY_SEARCH,
                            .ctx = ctx};
    tui_app_prompt(app, &spec, text);
}

void tui_live_search_init(tui_live_search *ls, void (*reload)(void *ctx, bool to_end),
                          void (*typed)(void *ctx), void *ctx, int64_t delay_us)
{
    ls->reload = reload;
    ls->typed = typed;
    ls->ctx = ctx;
    ls->delay_us = delay_us;
}

/* The line editor changed the text: a fetch or count for an older text still running stops, the
 * next fetch is due delay_us from now. */
static void search_changed(void *ctx, tui_app *app, const char *text)
{
    tui_live_search *ls = ctx;
    snprintf(ls->text, sizeof ls->text, "%s", text);
    if (tui_app_busy(app)) /* a fetch for an older text is of no use any more */
        tui_app_cancel(app);
    ls->due_us = tui_trace_now_us() + ls->delay_us;
    ls->pending = true;
    if (ls->typed)
        ls->typed(ls->ctx);
}

/* The line closed (accepted, or Esc back to the search before it opened): read the rows again
 * unless they are for the text (e.g. its live search is still due). */
static void search_done(void *ctx, tui_app *app, const char *text, bool accepted)
{
    (void)app;
    tui_live_search *ls = ctx;
    snprintf(ls->text, sizeof ls->text, "%s", accepted ? text : ls->before);
    ls->pending = false;
    if (strcmp(ls->text, ls->fetched) != 0)
        ls->reload(ls->ctx, false);
}

void tui_live_search_open(tui_live_search *ls, tui_app *app, const char *arg)
{
    snprintf(ls->before, sizeof ls->before, "%s", ls->text);
    if (arg) {
        snprintf(ls->text, sizeof ls->text, "%s", arg);
        ls->reload(ls->ctx, false);
        return;
    }
    tui_view_search_prompt(app, ls->text, search_changed, search_done, ls);
}

int tui_live_search_idle_in(const tui_live_search *ls)
{
    if (!ls->pending)
        return -1;
    int64_t left = ls->due_us - tui_trace_now_us();
    return left > 0 ? (int)((left + 999) / 1000) : 0;
}

bool tui_live_search_idle(tui_live_search *ls)
{
    if (!ls->pending)
        return false;
    ls->reload(ls->ctx, false);
    return true;
}

bc_status tui_live_search_reload(tui_live_search *ls, tui_rowwin *w, bool to_end, bc_error *err)
{
    char wanted[sizeof ls->text];
    snprintf(wanted, sizeof wanted, "%s", ls->text);
    ls->pending = false;
    bc_status st = tui_rowwin_reset(w, to_end, err);
    if (st == BC_CANCELLED && ls->pending)
        return st; /* typing went on: the next fetch is due */
    if (st != BC_OK) {
        snprintf(ls->text, sizeof ls->text, "%s", ls->fetched);
        return st;
    }
    snprintf(ls->fetched, sizeof ls->fetched, "%s", wanted);
    return BC_OK;
}

bool tui_live_search_back(tui_live_search *ls, tui_app *app)
{
    if (!ls->text[0])
        return false;
    /* Esc drops an accepted search first; the next Esc goes back */
    ls->text[0] = '\0';
    ls->reload(ls->ctx, false);
    tui_app_message(app, "search cleared");
    return true;
}

bool tui_view_refresh_rows(tui_app *app, tui_rowwin *w)
{
    bc_error err = {0};
    if (tui_rowwin_refresh(w, "id", &err) != BC_OK) {
        tui_app_error(app, &err);
        return false;
    }
    tui_app_message(app, "refreshed");
    return true;
}

const char *tui_sort_direction(bool ascending)
{
    return ascending ? "\u25b2 ascending" : "\u25bc descending";
}

int tui_sort_arg(const char *arg, const char *const *names, int *ascending)
{
    for (int i = 0; names[i]; i++) {
        size_t len = strlen(names[i]);
        if (strncmp(arg, names[i], len) == 0 && (arg[len] == '\0' || arg[len] == ' ')) {
            const char *dir = arg + len;
            while (*dir == ' ')
                dir++;
            *ascending = *dir ? strncmp(dir, "asc", 3) == 0 : -1;
            return i;
        }
    }
    return -1;
}

void tui_sort_usage(tui_app *app, const char *what, const char *const *names)
{
    char keys[200] = "";
    size_t len = 0;
    for (int i = 0; names[i] && len < sizeof keys; i++)
        len += (size_t)snprintf(keys + len, sizeof keys - len, "%s%s",
                                i == 0 ? "" : names[i + 1] ? ", " : " or ", names[i]);
    tui_app_message(app, "sort %s by %s [asc|desc]", what, keys);
}

void tui_sort_menu_items(tui_menu *m, const char *const *labels, int width, bool ascending)
{
    for (int i = 0; i < m->n; i++)
        snprintf(m->items[i], sizeof m->items[i], "%-*s %s", width, labels[i],
                 i == m->sel ? tui_sort_direction(ascending) : "");
}
