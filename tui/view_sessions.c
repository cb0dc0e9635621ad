/* view_sessions.c - every user's sessions: filter (f), live search of the owner's email or name,
 * the IP address and the user agent (/), sort by created, expires or last active (o, O, :sort);
 * Enter opens the owner. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "admin_ui.h"
#include "app.h"
#include "isotime.h"
#include "model.h"
#include "rowwin.h"
#include "table.h"
#include "describe.h"
#include "users.h"
#include "view.h"
#include "xalloc.h"

enum { SHOW_ALL, SHOW_ACTIVE, SHOW_EXPIRED, SHOW_IMPERSONATION, SHOW_COUNT };
static const char *const show_labels[] = {"all sessions", "active only", "expired only",
                                          "impersonation only"};

/* Sort keys as `:sort` names them, and as the menu and title do (bc_session_sort order). */
static const char *const sort_names[BC_SESSION_SORT_COUNT + 1] = {"created", "expires", "active",
                                                                  NULL};
static const char *const sort_labels[BC_SESSION_SORT_COUNT] = {"created", "expires", "last active"};

/* A live search waits this long after the last letter before it fetches. */
#define SEARCH_DELAY_US 150000

typedef struct {
    bc_driver *driver;
    tui_app *app;
    tui_rowwin win;
    int show;
    tui_live_search search;
    bc_session_sort sort;
    bool ascending;
} sessions_state;

/* One page with its users' emails, as tui_app_call runs it on the worker thread. */
typedef struct {
    bc_driver *driver;
    char search[256];
    bc_session_query q;
    bc_page *out;
} page_call;

static bc_status run_page_call(void *ctx, bc_error *err)
{
    page_call *c = ctx;
    bc_status st = bc_driver_sessions_page(c->driver, &c->q, c->out, err);
    if (st != BC_OK)
        return st;
    st = bc_users_attach_emails(c->driver, &c->out->rows, NULL, err);
    if (st != BC_OK)
        bc_page_release(c->out);
    return st;
}

static bc_status fetch_sessions(void *ctx, bool flipped, const char *cursor, bool want_total,
                                size_t limit, bc_page *out, bc_error *err)
{
    sessions_state *s = ctx;
    page_call c = {.driver = s->driver,
                   .q = {.active_only = s->show == SHOW_ACTIVE,
                         .expired_only = s->show == SHOW_EXPIRED,
                         .impersonation_only = s->show == SHOW_IMPERSONATION,
                         .sort = s->sort,
                         .ascending = flipped ? !s->ascending : s->ascending,
                         .limit = limit,
                         .cursor = cursor,
                         .want_total = want_total},
                   .out = out};
    /* the worker reads its own copy: the line editor keeps changing s->search.text */
    snprintf(c.search, sizeof c.search, "%s", s->search.text);
    c.q.search = c.search[0] ? c.search : NULL;
    return tui_app_call(s->app, c.search[0] ? "searching sessions" : "reading sessions", true,
                        run_page_call, &c, err);
}

static bool filtered(const sessions_state *s)
{
    return s->show != SHOW_ALL || s->search.text[0];
}

/* Fetch from the first row (or the last) for the filter, search and sort. On failure the rows
 * there were stay, and so do the search and sort they were read with (a sort the deployment
 * refuses is said and not kept). */
static void reload_sorted(sessions_state *s, bool to_end, bc_session_sort sort_was,
                          bool ascending_was)
{
    bc_error err = {0};
    bc_status st = tui_live_search_reload(&s->search, &s->win, to_end, &err);
    if (st == BC_CANCELLED && s->search.pending)
        return; /* typing went on: the next search is due */
    if (st != BC_OK) {
        s->sort = sort_was;
        s->ascending = ascending_was;
        tui_app_error(s->app, &err);
        return;
    }
    if (to_end && tui_rowwin_more(&s->win))
        tui_app_message(s->app, "paged forward as far as time allowed: press G again to go on");
    if (!filtered(s) && s->win.total >= 0)
        tui_app_set_total(s->app, true, s->win.total, s->win.total_at_least);
}

static void reload(sessions_state *s, bool to_end)
{
    reload_sorted(s, to_end, s->sort, s->ascending);
}

static void reload_at(void *ctx, bool to_end)
{
    reload(ctx, to_end);
}

/* arg: NULL for every session; "active" or "impersonation" opens the list filtered so. */
static bc_status sessions_open(tui_view *v, tui_app *app, const char *arg, bc_error *err)
{
    sessions_state *s = bc_xcalloc(1, sizeof *s);
    v->data = s;
    s->driver = tui_app_driver(app);
    s->app = app;
    if (arg && strcmp(arg, "active") == 0)
        s->show = SHOW_ACTIVE;
    else if (arg && strcmp(arg, "impersonation") == 0)
        s->show = SHOW_IMPERSONATION;
    tui_live_search_init(&s->search, reload_at, NULL, s, SEARCH_DELAY_US);
    tui_rowwin_init(&s->win, fetch_sessions, s, true, tui_app_page_size(app));
    v->list = &s->win.pos;
    if (tui_rowwin_reset(&s->win, false, err) != BC_OK)
        return bc_error_prefix(err, "reading sessions");
    if (s->show == SHOW_ALL && s->win.total >= 0)
        tui_app_set_total(app, true, s->win.total, s->win.total_at_least);
    return BC_OK;
}

static void sessions_close(tui_view *v)
{
    sessions_state *s = v->data;
    if (!s)
        return;
    tui_rowwin_release(&s->win);
    free(s);
}

static const tui_col columns[] = {
    {"state", 23, 0, 0, false},
    {"user", 20, 3, 0, false},
    {"created", 16, 0, 3, true},
    {"expires", 16, 0, 0, true},
    {"ip", 15, 0, 4, false},
    {"user agent", 12, 2, 2, false},
    {"impersonated by", 16, 2, 1, false},
    {"last active", 16, 0, 5, true},
};
/* The column of each sort key (bc_session_sort order). */
static const int sort_column[BC_SESSION_SORT_COUNT] = {2, 3, 7};
#define NCOLS ((int)(sizeof columns / sizeof columns[0]))

static void sessions_draw(tui_view *v, tui_app *app, tui_rect r)
{
    (void)app;
    sessions_state *s = v->data;
    char pos[96];
    tui_list_position(pos, sizeof pos, tui_rowwin_position(&s->win), s->win.rows.n, s->win.total,
                      s->win.total_at_least);
    bc_buf b = {0};
    bc_buf_printf(&b, "Sessions  %s   showing: %s", pos, show_labels[s->show]);
    if (s->search.text[0])
        bc_buf_printf(&b, "   search: %s%s", s->search.text, s->search.pending ? " \u2026" : "");
    bc_buf_printf(&b, "   sort: %s %s", sort_labels[s->sort], tui_sort_direction(s->ascending));
    tui_draw_text(r.y, r.x, r.w, b.data, TUI_S_TITLE, true);
    bc_buf_release(&b);
    int widths[NCOLS];
    tui_table_layout(columns, NCOLS, r.w, widths);
    tui_table_header(r.y + 1, r.x, r.w, columns, widths, NCOLS, sort_column[s->sort], s->ascending);
    tui_list_place(&s->win.pos, r.y + 2, r.h - 2);
    if (s->win.rows.n == 0)
        tui_draw_text(r.y + 3, r.x + 2, r.w - 2,
                      filtered(s) ? "No session matches. F clears the search and filter."
                                  : "No sessions to show.",
                      TUI_S_DIM, false);
    int64_t now = bc_now_ms();
    size_t idx;
    for (int i = 0; tui_list_row(&s->win.pos, i, &idx); i++) {
        const bc_record *row = &s->win.rows.items[idx];
        bool expired = !bc_describe_session_active(row, now);
        bool imp = bc_record_text(row, "impersonatedBy") != NULL;
        char *by = tui_record_cell(
            row, bc_record_text(row, "impersonatorEmail") ? "impersonatorEmail" : "impersonatedBy");
        char *owner =
            tui_record_cell(row, bc_record_text(row, "userEmail") ? "userEmail" : "userId");
        char *ip = tui_record_cell(row, "ipAddress"), *agent = tui_record_cell(row, "userAgent");
        char created[TUI_TIME_TEXT], expires[TUI_TIME_TEXT], active[TUI_TIME_TEXT];
        tui_date_field(row, "createdAt", created);
        tui_date_field(row, "expiresAt", expires);
        tui_date_field(row, "updatedAt", active);
        char *state = bc_describe_session_status(row, now);
        const char *cells[NCOLS] = {state, owner, created, expires, ip, agent, by, active};
        tui_style styles[NCOLS] = {expired ? TUI_S_DIM : TUI_S_GOOD};
        if (imp)
            styles[6] = TUI_S_WARN;
        tui_table_row(r.y + 2 + i, r.x, r.w, widths, NCOLS, cells, styles,
                      tui_list_selected(&s->win.pos, idx));
        free(state);
        free(by);
        free(owner);
        free(ip);
        free(agent);
    }
}

static bool filter_activate(tui_menu *m, tui_app *app, int dir)
{
    (void)app;
    (void)dir;
    sessions_state *s = m->ctx;
    if (s->show != m->sel) {
        s->show = m->sel;
        reload(s, false);
    }
    return true;
}

/* --- search and sort ------------------------------------------------------------------------ */

static int sessions_idle_in(tui_view *v, tui_app *app)
{
    (void)app;
    return tui_live_search_idle_in(&((sessions_state *)v->data)->search);
}

static void sessions_idle(tui_view *v, tui_app *app)
{
    (void)app;
    tui_live_search_idle(&((sessions_state *)v->data)->search);
}

/* Sort by k: again reverses; a new key starts with the newest / latest first. */
static void sort_by(sessions_state *s, bc_session_sort k, bool ascending)
{
    bc_session_sort was = s->sort;
    bool was_ascending = s->ascending;
    s->sort = k;
    s->ascending = ascending;
    reload_sorted(s, false, was, was_ascending);
}

static bool sort_activate(tui_menu *m, tui_app *app, int dir)
{
    (void)app;
    (void)dir;
    sessions_state *s = m->ctx;
    bc_session_sort k = (bc_session_sort)m->sel;
    sort_by(s, k, k == s->sort ? !s->ascending : false);
    return true;
}

static void open_sort_menu(sessions_state *s, tui_app *app)
{
    tui_menu m = {
        .n = BC_SESSION_SORT_COUNT, .sel = (int)s->sort, .activate = sort_activate, .ctx = s};
    snprintf(m.title, sizeof m.title, "Sort sessions by (again: reverse)");
    tui_sort_menu_items(&m, sort_labels, 12, s->ascending);
    tui_app_menu(app, &m);
}

/* `:sort KEY [asc|desc]` */
static bool parse_sort(sessions_state *s, const char *arg)
{
    int ascending, k = tui_sort_arg(arg, sort_names, &ascending);
    if (k < 0)
        return false;
    sort_by(s, (bc_session_sort)k, ascending == 1);
    return true;
}

static void sessions_seek(tui_view *v, tui_app *app, tui_action a, int64_t delta)
{
    sessions_state *s = v->data;
    tui_view_seek_rows(app, &s->win, a, delta, reload_at, s);
}

static bool sessions_handle(tui_view *v, tui_app *app, tui_action a, const char *arg)
{
    (void)arg;
    sessions_state *s = v->data;
    switch (a) {
    case TUI_ACT_OPEN: {
        const bc_record *row = tui_rowwin_selected(&s->win);
        if (row)
            tui_app_push(app, &tui_user_view, bc_record_text(row, "userId"));
        return true;
    }
    case TUI_ACT_FILTER: {
        tui_menu m = {.n = SHOW_COUNT, .sel = s->show, .activate = filter_activate, .ctx = s};
        snprintf(m.title, sizeof m.title, "Show");
        for (int i = 0; i < SHOW_COUNT; i++)
            snprintf(m.items[i], sizeof m.items[i], "%s", show_labels[i]);
        tui_app_menu(app, &m);
        return true;
    }
    case TUI_ACT_REVOKE_SESSION: {
        const bc_record *row = tui_rowwin_selected(&s->win);
        if (!row) {
            tui_app_message(app, "no session is selected");
            return true;
        }
        char *email = tui_record_cell(row, "userEmail"); /* as the list shows it */
        tui_admin_target t = {.user = bc_record_text(row, "userId"),
                              .email = email,
                              .session = bc_record_text(row, "id")};
        tui_admin_start(app, a, &t);
        free(email);
        return true;
    }
    case TUI_ACT_SEARCH:
        tui_live_search_open(&s->search, app, arg);
        return true;
    case TUI_ACT_SORT:
        if (!arg)
            open_sort_menu(s, app);
        else if (!parse_sort(s, arg))
            tui_sort_usage(app, "sessions", sort_names);
        return true;
    case TUI_ACT_REVERSE:
        sort_by(s, s->sort, !s->ascending);
        return true;
    case TUI_ACT_BACK:
        return tui_live_search_back(&s->search, app);
    case TUI_ACT_CLEAR:
        s->show = SHOW_ALL;
        s->search.text[0] = '\0';
        reload(s, false);
        return true;
    case TUI_ACT_REFRESH:
        tui_view_refresh_rows(app, &s->win);
        return true;
    default:
        return false;
    }
}

static bool sessions_record(tui_view *v, tui_app *app, tui_fields *out)
{
    (void)app;
    sessions_state *s = v->data;
    const bc_record *row = tui_rowwin_selected(&s->win);
    if (!row)
        return false;
    char *owner = tui_record_cell(row, bc_record_text(row, "userEmail") ? "userEmail" : "userId");
    char *id = tui_record_cell(row, "id");
    tui_fields_title(out, "Session %s of %s", id ? id : "?", owner ? owner : "?");
    free(owner);
    free(id);
    /* the list's rows hold the token as stored: masked here as everywhere (the user's sessions
     * pane gets its rows masked from core) */
    bc_record copy = bc_record_copy(row);
    bc_record_mask(BC_MODEL_SESSION, &copy);
    tui_fields_add_record(out, &copy);
    bc_record_release(&copy);
    return true;
}

static const tui_action sessions_hints[] = {
    TUI_ACT_OPEN,           TUI_ACT_SEARCH,  TUI_ACT_FILTER,     TUI_ACT_SORT,
    TUI_ACT_REVOKE_SESSION, TUI_ACT_REFRESH, TUI_ACT_VIEW_USERS, TUI_ACT_NONE};

const tui_view_ops tui_sessions_view = {
    .name = "sessions",
    .open = sessions_open,
    .draw = sessions_draw,
    .handle = sessions_handle,
    .seek = sessions_seek,
    .record = sessions_record,
    .idle_in = sessions_idle_in,
    .idle = sessions_idle,
    .hints = sessions_hints,
    .sort_keys = sort_names,
    .close = sessions_close,
};
