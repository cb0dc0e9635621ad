/* view_sessions.c - every user's sessions, newest first, filterable; Enter opens the owner. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "admin_ui.h"
#include "app.h"
#include "isotime.h"
#include "rowwin.h"
#include "table.h"
#include "describe.h"
#include "users.h"
#include "view.h"
#include "xalloc.h"

enum { SHOW_ALL, SHOW_ACTIVE, SHOW_EXPIRED, SHOW_IMPERSONATION, SHOW_COUNT };
static const char *const show_labels[] = {"all sessions", "active only", "expired only",
                                          "impersonation only"};

typedef struct {
    bc_driver *driver;
    tui_app *app;
    tui_rowwin win;
    int show;
} sessions_state;

/* One page with its users' emails, as tui_app_call runs it on the worker thread. */
typedef struct {
    bc_driver *driver;
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
    (void)flipped; /* sessions come newest first only: the window pages forward instead */
    sessions_state *s = ctx;
    page_call c = {.driver = s->driver,
                   .q = {.active_only = s->show == SHOW_ACTIVE,
                         .expired_only = s->show == SHOW_EXPIRED,
                         .impersonation_only = s->show == SHOW_IMPERSONATION,
                         .limit = limit,
                         .cursor = cursor,
                         .want_total = want_total},
                   .out = out};
    return tui_app_call(s->app, "reading sessions", true, run_page_call, &c, err);
}

static void reload(sessions_state *s, bool to_end)
{
    bc_error err = {0};
    if (tui_rowwin_reset(&s->win, to_end, &err) != BC_OK)
        tui_app_error(s->app, &err);
    else if (to_end && s->win.npages && s->win.pages[s->win.npages - 1].after)
        tui_app_message(s->app, "paged forward as far as time allowed: press G again to go on");
    if (s->show == SHOW_ALL && s->win.total >= 0)
        tui_app_set_total(s->app, true, s->win.total, s->win.total_at_least);
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
    tui_rowwin_init(&s->win, fetch_sessions, s, false, tui_app_page_size(app));
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
};
#define NCOLS ((int)(sizeof columns / sizeof columns[0]))

static void sessions_draw(tui_view *v, tui_app *app, tui_rect r)
{
    (void)app;
    sessions_state *s = v->data;
    char pos[96], line[256];
    tui_list_position(pos, sizeof pos, tui_rowwin_position(&s->win), s->win.rows.n, s->win.total,
                      s->win.total_at_least);
    snprintf(line, sizeof line, "Sessions  %s   showing: %s   (f: filter, Enter: owner)", pos,
             show_labels[s->show]);
    tui_draw_text(r.y, r.x, r.w, line, TUI_S_TITLE, true);
    int widths[NCOLS];
    tui_table_layout(columns, NCOLS, r.w, widths);
    tui_table_header(r.y + 1, r.x, r.w, columns, widths, NCOLS, 2, false);
    tui_list_place(&s->win.pos, r.y + 2, r.h - 2);
    if (s->win.rows.n == 0)
        tui_draw_text(r.y + 3, r.x + 2, r.w - 2, "No sessions to show.", TUI_S_DIM, false);
    int64_t now = bc_now_ms();
    size_t idx;
    for (int i = 0; tui_list_row(&s->win.pos, i, &idx); i++) {
        const bc_record *row = &s->win.rows.items[idx];
        bool expired = !bc_describe_session_active(row, now);
        const char *imp = bc_record_text(row, "impersonatedBy");
        const char *by = bc_record_text(row, "impersonatorEmail");
        const char *owner = bc_record_text(row, "userEmail");
        char created[TUI_TIME_TEXT], expires[TUI_TIME_TEXT];
        tui_date_field(row, "createdAt", created);
        tui_date_field(row, "expiresAt", expires);
        char *state = bc_describe_session_status(row, now);
        const char *cells[NCOLS] = {state,
                                    owner ? owner : bc_record_text(row, "userId"),
                                    created,
                                    expires,
                                    bc_record_text(row, "ipAddress"),
                                    bc_record_text(row, "userAgent"),
                                    by ? by : imp};
        tui_style styles[NCOLS] = {expired ? TUI_S_DIM : TUI_S_GOOD};
        if (imp)
            styles[6] = TUI_S_WARN;
        tui_table_row(r.y + 2 + i, r.x, r.w, widths, NCOLS, cells, styles,
                      tui_list_selected(&s->win.pos, idx));
        free(state);
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

static void reload_at(void *ctx, bool to_end)
{
    reload(ctx, to_end);
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
        tui_admin_target t = {.user = bc_record_text(row, "userId"),
                              .email = bc_record_text(row, "userEmail"),
                              .session = bc_record_text(row, "id")};
        tui_admin_start(app, a, &t);
        return true;
    }
    case TUI_ACT_CLEAR:
        s->show = SHOW_ALL;
        reload(s, false);
        return true;
    case TUI_ACT_REFRESH: {
        bc_error err = {0};
        if (tui_rowwin_refresh(&s->win, "id", &err) != BC_OK)
            tui_app_error(app, &err);
        else
            tui_app_message(app, "refreshed");
        return true;
    }
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
    tui_fields_title(out, "Session %s of %s", bc_record_text(row, "id"),
                     bc_record_text(row, "userEmail") ? bc_record_text(row, "userEmail")
                                                      : bc_record_text(row, "userId"));
    tui_fields_add_record(out, row);
    return true;
}

static const tui_action sessions_hints[] = {TUI_ACT_OPEN,           TUI_ACT_FILTER,
                                            TUI_ACT_REVOKE_SESSION, TUI_ACT_REFRESH,
                                            TUI_ACT_VIEW_USERS,     TUI_ACT_NONE};

const tui_view_ops tui_sessions_view = {
    .name = "sessions",
    .open = sessions_open,
    .draw = sessions_draw,
    .handle = sessions_handle,
    .seek = sessions_seek,
    .record = sessions_record,
    .hints = sessions_hints,
    .close = sessions_close,
};
