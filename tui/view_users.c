/* view_users.c - the users table: live search, filter and sort menus, keyset paging.
 *
 * A filtered list on a driver that counts (SQLite) shows its first page first and its count
 * after it: the page is fetched without the total, then the count runs as a call of its own
 * behind the screen (tui_app_call_background) and fills in the position line when it is ready.
 * A new letter drops it, Esc stops it (the rows stay), any other key stops it and runs, and it
 * starts again once the keys pause. */
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "admin_ui.h"
#include "app.h"
#include "isotime.h"
#include "rowwin.h"
#include "table.h"
#include "trace.h"
#include "describe.h"
#include "users.h"
#include "view.h"
#include "xalloc.h"

/* Live search waits for a pause in the typing as long as the last fetch took, at most this:
 * a pasted text is one fetch, and every letter's rows are on the screen soon after it (a fetch
 * that a new letter makes useless is stopped at once). */
#define SEARCH_DELAY_MAX_US 5000
/* A count stopped by a key (not Esc) starts again after the keys pause this long. */
#define COUNT_RETRY_US 300000

static const char *const role_values[] = {NULL, "admin", "user"};
static const char *const ban_labels[] = {"any", "active", "banned", "ban expired"};
static const char *const verified_labels[] = {"any", "yes", "no"};
/* Sort keys as `:sort` and the title name them (bc_sort_key order). */
static const char *const sort_names[] = {"created", "updated", "email", "name", NULL};

typedef struct {
    bc_driver *driver;
    tui_app *app;
    tui_rowwin win;
    /* accepting or cancelling a live search refetches only when the rows are not for its text
     * (a refetch costs ~450 ms at a million users) */
    tui_live_search search;
    int role; /* index into role_values */
    bc_ban_filter ban;
    int verified;
    bc_sort_key sort;
    bool ascending;
    int menu_before[3]; /* filter values when the filter menu opened */
    /* marks for bulk actions: user ids, or every user the search and filters match */
    char **marks;
    size_t nmarks, marks_cap;
    bool mark_all;
    char mark_query[320]; /* the search and filters when m marked every match (query_key) */
    /* The count after the rows: due at count_due_us while count_pending. */
    bool count_pending;
    int64_t count_due_us;
    /* When the search text changed (the letter typed), for the trace's time to rows and to the
     * count; 0 when the rows on screen are not a live search's. */
    int64_t typed_us, count_typed_us;
} users_state;

static bool filtered(const users_state *s)
{
    return s->search.text[0] || s->role || s->ban || s->verified;
}

/* Whether the first page comes without its total and the count follows it (see above). */
static bool counts_after_rows(const users_state *s)
{
    return filtered(s) && bc_driver_counts(s->driver);
}

/* The query of search (a `^` in front: email prefix), the filters and the sort; search stays
 * the caller's. */
static bc_user_query build_query(const users_state *s, const char *search)
{
    bool prefix = search[0] == '^';
    return (bc_user_query){
        .search = search[0] ? search + (prefix ? 1 : 0) : NULL,
        .search_mode = prefix ? BC_SEARCH_PREFIX : BC_SEARCH_CONTAINS,
        .role = role_values[s->role],
        .ban = s->ban,
        .verified = s->verified,
        .sort = s->sort,
        .ascending = s->ascending,
    };
}

/* One page, as tui_app_call runs it on the worker thread: it owns a copy of the search text,
 * which the line editor keeps changing meanwhile. */
typedef struct {
    bc_driver *driver;
    char search[256];
    bc_user_query q;
    bc_page *out;
} page_call;

static bc_status run_page_call(void *ctx, bc_error *err)
{
    page_call *c = ctx;
    return bc_driver_users_page(c->driver, &c->q, c->out, err);
}

static bc_status fetch_users(void *ctx, bool flipped, const char *cursor, bool want_total,
                             size_t limit, bc_page *out, bc_error *err)
{
    users_state *s = ctx;
    page_call c = {.driver = s->driver, .out = out};
    snprintf(c.search, sizeof c.search, "%s", s->search.text);
    c.q = build_query(s, c.search);
    c.q.ascending = flipped ? !s->ascending : s->ascending;
    c.q.limit = limit;
    c.q.cursor = cursor;
    c.q.want_total = want_total && !counts_after_rows(s);
    int64_t t0 = tui_trace_now_us();
    bool prefix = c.search[0] == '^';
    bc_status st = tui_app_call(s->app, c.search[0] && !prefix ? "searching" : "reading users",
                                true, run_page_call, &c, err);
    if (st != BC_CANCELLED) {
        /* the next letter's fetch waits as long as this one took, at most SEARCH_DELAY_MAX_US */
        int64_t took = tui_trace_now_us() - t0;
        s->search.delay_us = took < SEARCH_DELAY_MAX_US ? took : SEARCH_DELAY_MAX_US;
    }
    return st;
}

/* After the window was loaded: the top bar's total, or the count due behind the rows (the
 * driver may have counted anyway, when it had to read every row to find the page). */
static void loaded(users_state *s)
{
    if (!filtered(s) && s->win.total >= 0)
        tui_app_set_total(s->app, false, s->win.total, s->win.total_at_least);
    s->count_pending = s->win.total < 0 && counts_after_rows(s);
    s->count_due_us = tui_trace_now_us();
}

/* Fetch the first page (or the last) for the search, filters and sort. A failed or stopped
 * fetch keeps the rows there were, the search they were read for and the sort they were read
 * with (sort_was, ascending_was: a sort the deployment refuses is said and not kept, as on the
 * sessions screen). */
static void reload_sorted(users_state *s, bool to_end, bc_sort_key sort_was, bool ascending_was)
{
    bc_error err = {0};
    bc_status st = tui_live_search_reload(&s->search, &s->win, to_end, &err);
    if (st == BC_CANCELLED && s->search.pending)
        return; /* typing went on: search_changed has the next fetch due */
    if (st != BC_OK) {
        s->sort = sort_was;
        s->ascending = ascending_was;
        tui_app_error(s->app, &err);
        return;
    }
    loaded(s);
    if (s->typed_us) /* a live search's rows: drawn in this frame, the count too when known */
        tui_trace_rows_since(s->typed_us);
    if (s->typed_us && s->win.total >= 0)
        tui_trace_count_since(s->typed_us);
    s->count_typed_us = s->typed_us;
    s->typed_us = 0;
}

static void reload(users_state *s, bool to_end)
{
    reload_sorted(s, to_end, s->sort, s->ascending);
}

static void reload_at(void *ctx, bool to_end)
{
    reload(ctx, to_end);
}

static void search_typed(void *ctx);

/* arg: NULL for everyone; "banned" opens the list filtered to bans in force (the overview). */
static bc_status users_open(tui_view *v, tui_app *app, const char *arg, bc_error *err)
{
    users_state *s = bc_xcalloc(1, sizeof *s);
    v->data = s;
    s->driver = tui_app_driver(app);
    s->app = app;
    if (arg && strcmp(arg, "banned") == 0)
        s->ban = BC_BAN_BANNED;
    /* live search: the store may get ready for it behind the screen (SQLite: the search image) */
    bc_driver_prepare_search(s->driver);
    tui_live_search_init(&s->search, reload_at, search_typed, s, 0);
    tui_rowwin_init(&s->win, fetch_users, s, true, tui_app_page_size(app));
    v->list = &s->win.pos;
    bc_status st = tui_rowwin_reset(&s->win, false, err);
    if (st != BC_OK)
        return bc_error_prefix(err, "reading users");
    loaded(s);
    return BC_OK;
}

static void clear_marks(users_state *s)
{
    bc_admin_ids_free(s->marks, s->nmarks);
    s->marks = NULL;
    s->nmarks = s->marks_cap = 0;
    s->mark_all = false;
}

static bool is_marked(const users_state *s, const char *id)
{
    if (s->mark_all)
        return true;
    for (size_t i = 0; id && i < s->nmarks; i++)
        if (strcmp(s->marks[i], id) == 0)
            return true;
    return false;
}

static void toggle_mark(users_state *s, const char *id)
{
    for (size_t i = 0; i < s->nmarks; i++) {
        if (strcmp(s->marks[i], id) == 0) {
            free(s->marks[i]);
            s->marks[i] = s->marks[--s->nmarks];
            return;
        }
    }
    if (s->nmarks == s->marks_cap)
        s->marks = bc_xrealloc(s->marks, (s->marks_cap = s->marks_cap ? s->marks_cap * 2 : 16) *
                                             sizeof *s->marks);
    s->marks[s->nmarks++] = bc_xstrdup(id);
}

/* Marks outside the current list (the search and filters hide them): counted when every row of
 * the list is loaded, else *unknown says some marks are not among the loaded rows. */
static size_t hidden_marks(const users_state *s, bool *unknown)
{
    *unknown = false;
    if (s->mark_all || !s->nmarks || !filtered(s))
        return 0;
    size_t shown = 0;
    for (size_t i = 0; i < s->win.rows.n; i++)
        if (is_marked(s, bc_record_text(&s->win.rows.items[i], "id")))
            shown++;
    bool whole = s->win.npages && !s->win.pages[0].before && !s->win.pages[s->win.npages - 1].after;
    if (whole)
        return s->nmarks - shown;
    *unknown = shown < s->nmarks;
    return 0;
}

/* The search and filters as one text: what "every match" means. */
static void query_key(const users_state *s, char *out, size_t size)
{
    snprintf(out, size, "%s\n%d\n%d\n%d", s->search.text, s->role, (int)s->ban, s->verified);
}

/* "Every match" was marked for the search and filters of then: once they change it would mean
 * other users, so the mark is dropped, and said. */
static void drop_stale_mark_all(users_state *s, tui_app *app)
{
    if (!s->mark_all)
        return;
    char now[sizeof s->mark_query];
    query_key(s, now, sizeof now);
    if (strcmp(now, s->mark_query) == 0)
        return;
    clear_marks(s);
    tui_app_message(app, "marks cleared: the search or filters changed since m marked every "
                         "match (m marks the new matches)");
}

static void marks_done(void *ctx)
{
    clear_marks(ctx);
}

static void users_close(tui_view *v)
{
    users_state *s = v->data;
    if (!s)
        return;
    clear_marks(s);
    tui_rowwin_release(&s->win);
    free(s);
}

static void describe(const users_state *s, char *out, size_t size)
{
    char range[96];
    tui_list_position(range, sizeof range, tui_rowwin_position(&s->win), s->win.rows.n,
                      s->win.total, s->win.total_at_least);
    bc_buf b = {0};
    bc_buf_printf(&b, "Users  %s%s", range,
                  s->count_pending && s->win.total < 0 && s->win.rows.n ? " (counting)" : "");
    const char *search = s->search.text;
    if (search[0])
        bc_buf_printf(&b, "   search%s: %s", search[0] == '^' ? " (email prefix)" : "",
                      search + (search[0] == '^'));
    if (s->search.pending)
        bc_buf_puts(&b, " \u2026");
    if (s->role)
        bc_buf_printf(&b, "   role: %s", role_values[s->role]);
    if (s->ban)
        bc_buf_printf(&b, "   status: %s", ban_labels[s->ban]);
    if (s->verified)
        bc_buf_printf(&b, "   verified: %s", verified_labels[s->verified]);
    bc_buf_printf(&b, "   sort: %s %s", sort_names[s->sort], tui_sort_direction(s->ascending));
    if (s->mark_all)
        bc_buf_puts(&b, "   marked: every match");
    else if (s->nmarks)
        bc_buf_printf(&b, "   marked: %zu", s->nmarks);
    bool unknown;
    size_t hidden = hidden_marks(s, &unknown);
    if (hidden)
        bc_buf_printf(&b, " (%zu outside this list)", hidden);
    else if (unknown)
        bc_buf_puts(&b, " (some may be outside this list)");
    snprintf(out, size, "%s", b.data);
    bc_buf_release(&b);
}

static const tui_col columns[] = {
    {"email", 20, 3, 0, false},  {"name", 12, 2, 0, false},    {"role", 10, 0, 3, false},
    {"status", 29, 0, 0, true}, {"verified", 8, 0, 2, false}, {"created", 16, 0, 1, true},
};
#define NCOLS ((int)(sizeof columns / sizeof columns[0]))

static int sort_column(bc_sort_key k)
{
    switch (k) {
    case BC_SORT_EMAIL:
        return 0;
    case BC_SORT_NAME:
        return 1;
    case BC_SORT_CREATED:
        return 5;
    default:
        return -1;
    }
}

static void draw_user_row(int y, const tui_rect *r, const int *widths, const bc_record *u,
                          int64_t now, bool selected, bool marked)
{
    char *status = tui_user_status(u, now, 0);
    char created[TUI_TIME_TEXT];
    tui_date_field(u, "createdAt", created);
    char *email = tui_record_cell(u, "email"), *name = tui_record_cell(u, "name");
    char *role = tui_record_cell(u, "role");
    const char *verified = bc_record_bool(u, "emailVerified") ? "yes" : "no";
    const char *cells[NCOLS] = {email, name, role, status, verified, created};
    tui_style styles[NCOLS] = {0};
    bc_user_state state = bc_describe_user_state(u, now, NULL);
    styles[3] = state == BC_USER_ACTIVE        ? 0
                : state == BC_USER_BAN_EXPIRED ? TUI_S_WARN
                                               : TUI_S_DANGER;
    if (role && strstr(role, "admin"))
        styles[2] = TUI_A_BOLD;
    tui_table_row(y, r->x, r->w, widths, NCOLS, cells, styles, selected);
    /* The gutter says "marked" in text, not only by style. */
    if (marked)
        tui_draw_text(y, r->x, 1, "*", (selected ? TUI_S_SELECTED : 0) | TUI_A_BOLD, false);
    free(status);
    free(email);
    free(name);
    free(role);
}

static void users_draw(tui_view *v, tui_app *app, tui_rect r)
{
    users_state *s = v->data;
    drop_stale_mark_all(s, app);
    char line[1024];
    describe(s, line, sizeof line);
    tui_draw_text(r.y, r.x, r.w, line, TUI_S_TITLE, true);
    int widths[NCOLS];
    tui_table_layout(columns, NCOLS, r.w, widths);
    tui_table_header(r.y + 1, r.x, r.w, columns, widths, NCOLS, sort_column(s->sort), s->ascending);
    tui_list_place(&s->win.pos, r.y + 2, r.h - 2);
    if (s->win.rows.n == 0) {
        tui_draw_text(r.y + 3, r.x + 2, r.w - 2,
                      filtered(s) ? "No user matches. F clears the search and filters."
                                  : "No users in this database.",
                      TUI_S_DIM, false);
        return;
    }
    int64_t now = bc_now_ms();
    size_t idx;
    for (int i = 0; tui_list_row(&s->win.pos, i, &idx); i++) {
        const bc_record *u = &s->win.rows.items[idx];
        draw_user_row(r.y + 2 + i, &r, widths, u, now, tui_list_selected(&s->win.pos, idx),
                      is_marked(s, bc_record_text(u, "id")));
    }
}

static void users_seek(tui_view *v, tui_app *app, tui_action a, int64_t delta)
{
    users_state *s = v->data;
    tui_view_seek_rows(app, &s->win, a, delta, reload_at, s);
}

/* --- search --------------------------------------------------------------------------------- */

/* After each letter (tui_live_search.typed): the count of the text before is of no use. */
static void search_typed(void *ctx)
{
    users_state *s = ctx;
    s->count_pending = false;
    s->typed_us = tui_trace_now_us();
}

static int users_idle_in(tui_view *v, tui_app *app)
{
    (void)app;
    users_state *s = v->data;
    if (s->search.pending || !s->count_pending)
        return tui_live_search_idle_in(&s->search);
    int64_t left = s->count_due_us - tui_trace_now_us();
    return left > 0 ? (int)((left + 999) / 1000) : 0;
}

static void count_rows(users_state *s, tui_app *app, bool asked);

static void users_idle(tui_view *v, tui_app *app)
{
    users_state *s = v->data;
    if (!tui_live_search_idle(&s->search) && s->count_pending &&
        s->count_due_us <= tui_trace_now_us())
        count_rows(s, app, false);
}

/* --- menus ---------------------------------------------------------------------------------- */

static void label_filters(tui_menu *m, const users_state *s)
{
    snprintf(m->items[0], sizeof m->items[0], "Role:     %s",
             s->role ? role_values[s->role] : "any");
    snprintf(m->items[1], sizeof m->items[1], "Status:   %s", ban_labels[s->ban]);
    snprintf(m->items[2], sizeof m->items[2], "Verified: %s", verified_labels[s->verified]);
    snprintf(m->items[3], sizeof m->items[3], "Clear all filters");
}

static int cycle(int v, int n, int dir)
{
    return ((v + dir) % n + n) % n;
}

static bool filter_activate(tui_menu *m, tui_app *app, int dir)
{
    (void)app;
    users_state *s = m->ctx;
    switch (m->sel) {
    case 0:
        s->role = cycle(s->role, 3, dir);
        break;
    case 1:
        s->ban = (bc_ban_filter)cycle((int)s->ban, 4, dir);
        break;
    case 2:
        s->verified = cycle(s->verified, 3, dir);
        break;
    default:
        s->role = 0;
        s->ban = BC_BAN_ANY;
        s->verified = BC_VERIFIED_ANY;
        label_filters(m, s);
        return true;
    }
    label_filters(m, s);
    return false;
}

static void filter_closed(tui_menu *m, tui_app *app)
{
    (void)app;
    users_state *s = m->ctx;
    if (s->menu_before[0] != s->role || s->menu_before[1] != (int)s->ban ||
        s->menu_before[2] != s->verified)
        reload(s, false);
}

static void open_filter_menu(users_state *s, tui_app *app)
{
    tui_menu m = {.n = 4, .activate = filter_activate, .on_close = filter_closed, .ctx = s};
    snprintf(m.title, sizeof m.title, "Filter users (Enter/\u2190\u2192 change, Esc done)");
    s->menu_before[0] = s->role;
    s->menu_before[1] = (int)s->ban;
    s->menu_before[2] = s->verified;
    label_filters(&m, s);
    tui_app_menu(app, &m);
}

static bool sort_activate(tui_menu *m, tui_app *app, int dir)
{
    (void)app;
    (void)dir;
    users_state *s = m->ctx;
    bc_sort_key k = (bc_sort_key)m->sel, was = s->sort;
    bool was_ascending = s->ascending;
    if (k == s->sort)
        s->ascending = !s->ascending;
    else
        s->ascending = k == BC_SORT_EMAIL || k == BC_SORT_NAME;
    s->sort = k;
    reload_sorted(s, false, was, was_ascending);
    return true;
}

static void open_sort_menu(users_state *s, tui_app *app)
{
    tui_menu m = {.n = 4, .sel = (int)s->sort, .activate = sort_activate, .ctx = s};
    snprintf(m.title, sizeof m.title, "Sort users by (again: reverse)");
    tui_sort_menu_items(&m, sort_names, 8, s->ascending);
    tui_app_menu(app, &m);
}

static bool parse_sort(users_state *s, const char *arg)
{
    int ascending, k = tui_sort_arg(arg, sort_names, &ascending);
    if (k < 0)
        return false;
    s->sort = (bc_sort_key)k;
    s->ascending = ascending >= 0 ? ascending == 1 : (k == BC_SORT_EMAIL || k == BC_SORT_NAME);
    return true;
}

/* --- admin actions ------------------------------------------------------------------------- */

/* Bulk-capable actions work on the marks (or every match); the others on the selected row. */
static void start_admin(users_state *s, tui_app *app, tui_action a)
{
    const bc_record *u = tui_rowwin_selected(&s->win);
    bc_user_query q = build_query(s, s->search.text);
    char *email = u ? tui_record_cell(u, "email") : NULL; /* as the list shows it */
    tui_admin_target t = {
        .user = u ? bc_record_text(u, "id") : NULL,
        .email = email,
        .ids = s->nmarks && !s->mark_all ? s->marks : NULL,
        .n = s->mark_all ? 0 : s->nmarks,
        .filter = s->mark_all ? &q : NULL,
        .done = marks_done,
        .done_ctx = s,
    };
    t.hidden = hidden_marks(s, &t.hidden_unknown);
    tui_admin_start(app, a, &t);
    free(email);
}

/* --- actions -------------------------------------------------------------------------------- */

/* The exact count, as tui_app_call runs it on the worker thread (the search text copied). */
typedef struct {
    bc_driver *driver;
    char search[256];
    bc_user_query q;
    bc_count_progress progress;
    int64_t total;
} count_call;

static bc_status run_count_call(void *ctx, bc_error *err)
{
    count_call *c = ctx;
    return bc_users_count(c->driver, &c->q, &c->progress, &c->total, err);
}

/* Count the search and filters: asked (`#`) finishes a count and says the number (a scan on
 * Convex, with progress); else it is the count after the rows, behind the screen (see the top).
 * Esc stops either: the rows stay, with what was found so far as a lower bound. */
static void count_rows(users_state *s, tui_app *app, bool asked)
{
    char n[32];
    if (s->win.total >= 0 && !s->win.total_at_least) {
        s->count_pending = false;
        tui_format_count(n, sizeof n, s->win.total);
        if (asked)
            tui_app_message(app, "%s users match (an exact count)", n);
        return;
    }
    count_call *c = bc_xcalloc(1, sizeof *c);
    c->driver = s->driver;
    snprintf(c->search, sizeof c->search, "%s", s->search.text);
    c->q = build_query(s, c->search);
    atomic_init(&c->progress.found, 0);
    atomic_init(&c->progress.scanned, 0);
    atomic_init(&c->progress.table_estimate, 0);
    tui_app_call_progress(app, &c->progress);
    if (!asked)
        tui_app_call_background(app);
    bc_error err = {0};
    /* count_pending stays set while it runs: the position line says "(counting)" */
    bc_status st = tui_app_call(app, "counting", true, run_count_call, c, &err);
    /* A changed search has its own rows and count due; a key that stopped the count to run
     * (not Esc) has it counted again once the keys pause. */
    bool changed = strcmp(c->search, s->search.text) != 0;
    bool again = !changed && st == BC_CANCELLED && !asked && tui_app_call_yielded(app);
    if (!changed)
        s->count_pending = again;
    if (again) {
        s->count_due_us = tui_trace_now_us() + COUNT_RETRY_US;
        free(c);
        return;
    }
    if (changed) {
        /* nothing to show */
    } else if (st == BC_OK) {
        tui_rowwin_set_total(&s->win, c->total, false);
        if (!filtered(s))
            tui_app_set_total(app, false, c->total, false);
        tui_format_count(n, sizeof n, c->total);
        if (asked)
            tui_app_message(app, "%s users match (an exact count)", n);
        if (s->count_typed_us) /* filled in on the screen in this frame */
            tui_trace_count_since(s->count_typed_us);
    } else if (st == BC_CANCELLED) {
        int64_t found = (int64_t)atomic_load(&c->progress.found);
        char scanned[32];
        if (s->win.base == 0 && found < (int64_t)s->win.rows.n) /* the rows shown match too */
            found = (int64_t)s->win.rows.n;
        tui_rowwin_set_total(&s->win, found, true);
        tui_format_count(n, sizeof n, found);
        tui_format_count(scanned, sizeof scanned, (int64_t)atomic_load(&c->progress.scanned));
        if (atomic_load(&c->progress.scanned))
            tui_app_message(app, "count stopped: %s found so far in %s rows read (# counts them all)",
                            n, scanned);
        else
            tui_app_message(app, "count stopped: %s found so far (# counts them all)", n);
    } else {
        tui_app_error(app, &err);
    }
    s->count_typed_us = 0;
    free(c);
}

static bool users_handle(tui_view *v, tui_app *app, tui_action a, const char *arg)
{
    users_state *s = v->data;
    drop_stale_mark_all(s, app); /* before any action could act on the marks */
    switch (a) {
    case TUI_ACT_OPEN: {
        const bc_record *u = tui_rowwin_selected(&s->win);
        if (u)
            tui_app_push(app, &tui_user_view, bc_record_text(u, "id"));
        return true;
    }
    case TUI_ACT_SEARCH: {
        tui_live_search_open(&s->search, app, arg);
        return true;
    }
    case TUI_ACT_FILTER:
        open_filter_menu(s, app);
        return true;
    case TUI_ACT_SORT:
        if (arg) {
            bc_sort_key was = s->sort;
            bool was_ascending = s->ascending;
            if (!parse_sort(s, arg)) {
                tui_sort_usage(app, "users", sort_names);
                return true;
            }
            reload_sorted(s, false, was, was_ascending);
            return true;
        }
        open_sort_menu(s, app);
        return true;
    case TUI_ACT_REVERSE:
        s->ascending = !s->ascending;
        reload_sorted(s, false, s->sort, !s->ascending);
        return true;
    case TUI_ACT_BACK:
        return tui_live_search_back(&s->search, app);
    case TUI_ACT_CLEAR:
        s->search.text[0] = '\0';
        s->role = 0;
        s->ban = BC_BAN_ANY;
        s->verified = BC_VERIFIED_ANY;
        reload(s, false);
        return true;
    case TUI_ACT_MARK: {
        const bc_record *u = tui_rowwin_selected(&s->win);
        if (!u)
            return true;
        if (s->mark_all) {
            tui_app_message(app, "every match is marked: m clears the marks");
            return true;
        }
        toggle_mark(s, bc_record_text(u, "id"));
        tui_view_navigate(v, app, TUI_ACT_MOVE_DOWN);
        return true;
    }
    case TUI_ACT_MARK_FILTER:
        if (s->mark_all || s->nmarks) {
            clear_marks(s);
            tui_app_message(app, "marks cleared");
        } else {
            s->mark_all = true;
            query_key(s, s->mark_query, sizeof s->mark_query);
            tui_app_message(app, "marked every user the search and filters match: b u R X act "
                                 "on all of them");
        }
        return true;
    case TUI_ACT_BAN:
    case TUI_ACT_UNBAN:
    case TUI_ACT_SET_ROLE:
    case TUI_ACT_IMPERSONATE:
    case TUI_ACT_STOP_IMPERSONATING:
    case TUI_ACT_REVOKE_SESSIONS:
    case TUI_ACT_REMOVE:
    case TUI_ACT_SET_PASSWORD:
    case TUI_ACT_EDIT_USER:
        start_admin(s, app, a);
        return true;
    case TUI_ACT_COUNT_ALL:
        count_rows(s, app, true);
        return true;
    case TUI_ACT_REFRESH:
        if (tui_view_refresh_rows(app, &s->win))
            loaded(s);
        return true;
    default:
        return false;
    }
}

static bool users_record(tui_view *v, tui_app *app, tui_fields *out)
{
    (void)app;
    users_state *s = v->data;
    const bc_record *u = tui_rowwin_selected(&s->win);
    if (!u)
        return false;
    char *email = tui_record_cell(u, "email");
    tui_fields_title(out, "User %s", email ? email : "?");
    free(email);
    tui_fields_add_record(out, u);
    return true;
}

static const tui_action users_hints[] = {TUI_ACT_OPEN,    TUI_ACT_SEARCH,        TUI_ACT_FILTER,
                                         TUI_ACT_SORT,    TUI_ACT_MARK,          TUI_ACT_BAN,
                                         TUI_ACT_REFRESH, TUI_ACT_VIEW_SESSIONS, TUI_ACT_NONE};

const tui_view_ops tui_users_view = {
    .name = "users",
    .open = users_open,
    .draw = users_draw,
    .handle = users_handle,
    .seek = users_seek,
    .record = users_record,
    .idle_in = users_idle_in,
    .idle = users_idle,
    .hints = users_hints,
    .sort_keys = sort_names,
    .close = users_close,
};
