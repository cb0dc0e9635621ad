/* rowwin.c - the keyset window: pages fetched by cursor at the edges, never the whole table. */
#include "rowwin.h"

#include <stdlib.h>
#include <string.h>

#include "trace.h"
#include "xalloc.h"

/* Paging forward to the end of a query that cannot be flipped stops after this long. */
#define LAST_BUDGET_US 300000

void tui_rowwin_init(tui_rowwin *w, tui_fetch_fn fetch, void *ctx, bool can_flip, size_t page_size)
{
    *w = (tui_rowwin){.fetch = fetch,
                      .ctx = ctx,
                      .can_flip = can_flip,
                      .page_size = page_size ? page_size : BC_PAGE_DEFAULT,
                      .base = -1,
                      .total = -1};
}

static void release_page(tui_rowwin_page *p)
{
    free(p->origin);
    free(p->before);
    free(p->after);
    *p = (tui_rowwin_page){0};
}

static void clear_rows(tui_rowwin *w)
{
    bc_rows_release(&w->rows);
    for (size_t i = 0; i < w->npages; i++)
        release_page(&w->pages[i]);
    w->npages = 0;
    w->pos.sel = w->pos.top = w->pos.n = 0;
}

void tui_rowwin_release(tui_rowwin *w)
{
    if (!w)
        return;
    clear_rows(w);
}

/* Fetch a page in display order; its cursors become `before`/`after` of the new page. */
static bc_status fetch_page(tui_rowwin *w, const char *cursor, bool want_total, bc_page *p,
                            tui_rowwin_page *meta, bc_error *err)
{
    int64_t t0 = tui_trace_now_us();
    bc_status st = w->fetch(w->ctx, w->flipped, cursor, want_total, w->page_size, p, err);
    tui_trace_fetch(tui_trace_now_us() - t0);
    if (st != BC_OK)
        return st;
    *meta = (tui_rowwin_page){.n = p->rows.n, .origin = bc_xstrdup(cursor)};
    if (p->rows.n == 0) { /* an empty page ends the list whatever its cursors say */
        return BC_OK;
    }
    if (w->flipped) {
        for (size_t i = 0, j = p->rows.n - 1; i < j; i++, j--) {
            bc_record t = p->rows.items[i];
            p->rows.items[i] = p->rows.items[j];
            p->rows.items[j] = t;
        }
        meta->before = p->next_cursor;
        meta->after = p->prev_cursor;
    } else {
        meta->before = p->prev_cursor;
        meta->after = p->next_cursor;
    }
    p->next_cursor = p->prev_cursor = NULL;
    return BC_OK;
}

static void drop_first_page(tui_rowwin *w)
{
    size_t k = w->pages[0].n;
    for (size_t i = 0; i < k; i++)
        bc_record_release(&w->rows.items[i]);
    memmove(w->rows.items, w->rows.items + k, (w->rows.n - k) * sizeof w->rows.items[0]);
    w->rows.n -= k;
    release_page(&w->pages[0]);
    memmove(w->pages, w->pages + 1, (w->npages - 1) * sizeof w->pages[0]);
    w->npages--;
    w->pos.sel = w->pos.sel >= k ? w->pos.sel - k : 0;
    w->pos.top = w->pos.top >= k ? w->pos.top - k : 0;
    if (w->base >= 0)
        w->base += (int64_t)k;
}

static void drop_last_page(tui_rowwin *w)
{
    tui_rowwin_page *last = &w->pages[w->npages - 1];
    for (size_t i = w->rows.n - last->n; i < w->rows.n; i++)
        bc_record_release(&w->rows.items[i]);
    w->rows.n -= last->n;
    release_page(last);
    w->npages--;
    if (w->pos.sel >= w->rows.n)
        w->pos.sel = w->rows.n ? w->rows.n - 1 : 0;
}

/* Append the page after the window; returns the rows added (0 at the end). */
static bc_status append_page(tui_rowwin *w, size_t *added, bc_error *err)
{
    *added = 0;
    tui_rowwin_page *last = &w->pages[w->npages - 1];
    if (!last->after)
        return BC_OK;
    bc_page p;
    tui_rowwin_page meta;
    bc_status st = fetch_page(w, last->after, false, &p, &meta, err);
    if (st != BC_OK)
        return st;
    if (meta.n == 0) { /* the cursor pointed past the end (rows deleted meanwhile) */
        free(last->after);
        last->after = NULL;
        release_page(&meta);
        bc_page_release(&p);
        return BC_OK;
    }
    for (size_t i = 0; i < p.rows.n; i++)
        bc_rows_push(&w->rows, &p.rows.items[i]);
    bc_page_release(&p);
    w->pages[w->npages++] = meta;
    *added = meta.n;
    if (w->npages == TUI_ROWWIN_PAGES)
        drop_first_page(w);
    return BC_OK;
}

static bc_status prepend_page(tui_rowwin *w, size_t *added, bc_error *err)
{
    *added = 0;
    if (!w->pages[0].before)
        return BC_OK;
    bc_page p;
    tui_rowwin_page meta;
    bc_status st = fetch_page(w, w->pages[0].before, false, &p, &meta, err);
    if (st != BC_OK)
        return st;
    if (meta.n == 0) {
        free(w->pages[0].before);
        w->pages[0].before = NULL;
        release_page(&meta);
        bc_page_release(&p);
        return BC_OK;
    }
    bc_rows joined = {0};
    for (size_t i = 0; i < p.rows.n; i++)
        bc_rows_push(&joined, &p.rows.items[i]);
    for (size_t i = 0; i < w->rows.n; i++)
        bc_rows_push(&joined, &w->rows.items[i]);
    bc_page_release(&p);
    bc_rows_release(&w->rows);
    w->rows = joined;
    memmove(w->pages + 1, w->pages, w->npages * sizeof w->pages[0]);
    w->pages[0] = meta;
    w->npages++;
    w->pos.sel += meta.n;
    w->pos.top += meta.n;
    if (w->base >= 0)
        w->base = w->base >= (int64_t)meta.n ? w->base - (int64_t)meta.n : 0;
    *added = meta.n;
    if (w->npages == TUI_ROWWIN_PAGES)
        drop_last_page(w);
    return BC_OK;
}

static bc_status load_first(tui_rowwin *w, const char *cursor, bc_error *err)
{
    bc_page p;
    tui_rowwin_page meta;
    bc_status st = fetch_page(w, cursor, true, &p, &meta, err);
    if (st != BC_OK)
        return st;
    w->total = p.total;
    w->total_at_least = p.total_at_least;
    for (size_t i = 0; i < p.rows.n; i++)
        bc_rows_push(&w->rows, &p.rows.items[i]);
    bc_page_release(&p);
    w->pages[0] = meta;
    w->npages = 1;
    return BC_OK;
}

/* Put the freshly loaded window n in place of w's rows; a failure releases n and keeps w. */
static bc_status take(tui_rowwin *w, tui_rowwin *n, bc_status st)
{
    if (st != BC_OK) {
        clear_rows(n);
        return st;
    }
    tui_list pos = w->pos; /* where the view draws it stays */
    clear_rows(w);
    *w = *n;
    w->pos.y = pos.y;
    w->pos.h = pos.h;
    w->pos.n = w->rows.n;
    return BC_OK;
}

static bc_status reset_into(tui_rowwin *w, bool to_end, bc_error *err)
{
    w->flipped = to_end && w->can_flip;
    w->base = -1;
    bc_status st = load_first(w, NULL, err);
    if (st != BC_OK)
        return st;
    if (!w->flipped) {
        w->base = 0;
        if (!to_end)
            return BC_OK;
        /* No reverse order to ask for: page forward, within a budget. */
        int64_t stop = tui_trace_now_us() + LAST_BUDGET_US;
        size_t added = 1;
        while (added && tui_trace_now_us() < stop) {
            st = append_page(w, &added, err);
            if (st != BC_OK)
                return st;
        }
    } else if (w->total >= 0 && !w->total_at_least) {
        w->base = w->total - (int64_t)w->rows.n;
    }
    w->pos.sel = w->rows.n ? (to_end ? w->rows.n - 1 : 0) : 0;
    return BC_OK;
}

/* The new rows are loaded beside the old ones, which stay on screen (and stay, if the fetch
 * fails or is stopped) until they can be replaced whole. */
/* An empty window over the same query as w. */
static tui_rowwin empty_like(const tui_rowwin *w)
{
    tui_rowwin n;
    tui_rowwin_init(&n, w->fetch, w->ctx, w->can_flip, w->page_size);
    n.flipped = w->flipped;
    return n;
}

bc_status tui_rowwin_reset(tui_rowwin *w, bool to_end, bc_error *err)
{
    tui_rowwin n = empty_like(w);
    return take(w, &n, reset_into(&n, to_end, err));
}

static bc_status move_by(tui_rowwin *w, int64_t delta, bc_error *err)
{
    if (w->npages == 0)
        return BC_OK;
    int64_t target = (int64_t)w->pos.sel + delta;
    while (target >= (int64_t)w->rows.n) {
        size_t before = w->rows.n, old_sel = w->pos.sel, added;
        w->pos.sel = w->rows.n - 1;
        bc_status st = append_page(w, &added, err);
        if (st != BC_OK) {
            w->pos.sel = old_sel;
            return st;
        }
        if (!added)
            break;
        /* Rows dropped from the front shift every index down. */
        target -= (int64_t)(before + added - w->rows.n);
    }
    while (target < 0) {
        size_t added;
        w->pos.sel = 0;
        bc_status st = prepend_page(w, &added, err);
        if (st != BC_OK)
            return st;
        if (!added)
            break;
        target += (int64_t)added;
    }
    if (target < 0)
        target = 0;
    if (target >= (int64_t)w->rows.n)
        target = w->rows.n ? (int64_t)w->rows.n - 1 : 0;
    w->pos.sel = (size_t)target;
    return BC_OK;
}

static bc_status refresh(tui_rowwin *w, const char *id_field, bc_error *err)
{
    if (w->npages == 0)
        return tui_rowwin_reset(w, false, err);
    size_t start = 0, pi = 0;
    while (pi + 1 < w->npages && w->pos.sel >= start + w->pages[pi].n)
        start += w->pages[pi++].n;
    const bc_record *cur = tui_rowwin_selected(w);
    char *id = cur ? bc_xstrdup(bc_record_text(cur, id_field)) : NULL;
    char *origin = bc_xstrdup(w->pages[pi].origin);
    size_t offset = w->pos.sel - start;
    size_t screen_row = w->pos.sel >= w->pos.top ? w->pos.sel - w->pos.top : 0;
    int64_t page_base = w->base >= 0 ? w->base + (int64_t)start : -1;
    tui_rowwin n = empty_like(w);
    bc_status st = take(w, &n, load_first(&n, origin, err));
    free(origin);
    if (st != BC_OK) {
        free(id);
        return st;
    }
    if (w->rows.n == 0 && w->pages[0].origin) {
        free(id);
        return tui_rowwin_reset(w, false, err);
    }
    w->base = !w->pages[0].origin ? (w->flipped ? -1 : 0) : page_base;
    if (w->flipped && !w->pages[0].origin && w->total >= 0 && !w->total_at_least)
        w->base = w->total - (int64_t)w->rows.n;
    w->pos.sel = w->rows.n ? (offset < w->rows.n ? offset : w->rows.n - 1) : 0;
    for (size_t i = 0; id && i < w->rows.n; i++) {
        const char *rid = bc_record_text(&w->rows.items[i], id_field);
        if (rid && strcmp(rid, id) == 0) {
            w->pos.sel = i;
            break;
        }
    }
    free(id);
    w->pos.top = w->pos.sel >= screen_row ? w->pos.sel - screen_row : 0;
    return st;
}

void tui_rowwin_set_total(tui_rowwin *w, int64_t total, bool at_least)
{
    w->total = total;
    w->total_at_least = at_least;
    if (w->flipped && w->npages == 1 && !w->pages[0].origin && total >= 0 && !at_least)
        w->base = total - (int64_t)w->rows.n;
}

bc_status tui_rowwin_move(tui_rowwin *w, int64_t delta, bc_error *err)
{
    bc_status st = move_by(w, delta, err);
    w->pos.n = w->rows.n;
    return st;
}

bc_status tui_rowwin_refresh(tui_rowwin *w, const char *id_field, bc_error *err)
{
    bc_status st = refresh(w, id_field, err);
    tui_list_count(&w->pos, w->rows.n);
    return st;
}

bc_status tui_rowwin_seek(tui_rowwin *w, tui_action a, int64_t delta, bool *reset, bc_error *err)
{
    *reset = false;
    bool first = a == TUI_ACT_FIRST;
    if (!first && a != TUI_ACT_LAST)
        return tui_rowwin_move(w, delta, err);
    const tui_rowwin_page *edge = w->npages ? &w->pages[first ? 0 : w->npages - 1] : NULL;
    if (edge && !(first ? edge->before : edge->after)) {
        tui_list_move(&w->pos, delta);
        return BC_OK;
    }
    if (first || w->can_flip || !edge) {
        *reset = true;
        return BC_OK;
    }
    /* no reverse order to ask for: page on from here, within the budget */
    int64_t stop = tui_trace_now_us() + LAST_BUDGET_US;
    bc_status st = BC_OK;
    while (st == BC_OK && tui_rowwin_more(w) && tui_trace_now_us() < stop)
        st = tui_rowwin_move(w, (int64_t)w->page_size, err);
    if (st == BC_OK)
        tui_list_move(&w->pos, (int64_t)w->rows.n);
    return st;
}

bool tui_rowwin_more(const tui_rowwin *w)
{
    return w->npages && w->pages[w->npages - 1].after;
}

const bc_record *tui_rowwin_selected(const tui_rowwin *w)
{
    return w->pos.sel < w->rows.n ? &w->rows.items[w->pos.sel] : NULL;
}

int64_t tui_rowwin_position(const tui_rowwin *w)
{
    return w->base >= 0 ? w->base + (int64_t)w->pos.sel : -1;
}
