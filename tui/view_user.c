/* view_user.c - one user: every field (extra columns too), its sessions and accounts as panes. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "admin_ui.h"
#include "app.h"
#include "fields.h"
#include "isotime.h"
#include "model.h"
#include "table.h"
#include "describe.h"
#include "users.h"
#include "timefmt.h"
#include "xalloc.h"

enum { PANE_FIELDS, PANE_SESSIONS, PANE_ACCOUNTS, PANE_COUNT };
static const char *const pane_titles[] = {"Fields", "Sessions", "Accounts"};

typedef tui_list pane;

typedef struct {
    char *key;
    bc_user_detail d;
    pane panes[PANE_COUNT];
    int focus;
    tui_view *view; /* this screen: its list is the focused pane */
} user_state;

/* The user, sessions and accounts, as tui_app_call runs it on the worker thread. */
typedef struct {
    bc_driver *driver;
    const char *key;
    bc_user_detail d;
} detail_call;

static bc_status run_detail_call(void *ctx, bc_error *err)
{
    detail_call *c = ctx;
    bc_status st = bc_users_detail(c->driver, c->key, false, &c->d, err);
    if (st != BC_OK)
        return st;
    st = bc_users_attach_emails(c->driver, &c->d.sessions, &c->d.user, err);
    if (st != BC_OK)
        bc_users_detail_release(&c->d);
    return st;
}

static bc_status load(user_state *s, tui_app *app, bc_error *err)
{
    detail_call c = {.driver = tui_app_driver(app), .key = s->key};
    bc_status st = tui_app_call(app, "reading the user", true, run_detail_call, &c, err);
    if (st != BC_OK)
        return st;
    bc_user_detail d = c.d;
    bc_users_detail_release(&s->d);
    s->d = d;
    /* 1 for the derived status line */
    size_t counts[PANE_COUNT] = {d.user.n + 1, d.sessions.n, d.accounts.n};
    for (int i = 0; i < PANE_COUNT; i++)
        tui_list_count(&s->panes[i], counts[i]);
    return BC_OK;
}

static bc_status user_open(tui_view *v, tui_app *app, const char *arg, bc_error *err)
{
    user_state *s = bc_xcalloc(1, sizeof *s);
    v->data = s;
    s->view = v;
    v->list = &s->panes[PANE_FIELDS];
    if (!arg || !*arg)
        return bc_fail(err, BC_USAGE, "which user? give an id or an email (:user EMAIL)");
    s->key = bc_xstrdup(arg);
    return load(s, app, err);
}

static void user_close(tui_view *v)
{
    user_state *s = v->data;
    if (!s)
        return;
    bc_users_detail_release(&s->d);
    free(s->key);
    free(s);
}

static void pane_title(user_state *s, int which, int y, tui_rect r, const char *extra)
{
    bool focused = s->focus == which;
    char title[160];
    snprintf(title, sizeof title, "%s %s %s", focused ? "\u25b8" : " ", pane_titles[which], extra);
    tui_style st = focused ? (TUI_A_BOLD | TUI_A_REVERSE) : TUI_A_BOLD;
    tui_draw_text(y, r.x, r.w, title, st, true);
}

static void draw_fields(user_state *s, tui_rect r, int y, int h)
{
    pane *p = &s->panes[PANE_FIELDS];
    char extra[64];
    snprintf(extra, sizeof extra, "(%zu)", s->d.user.n);
    pane_title(s, PANE_FIELDS, y, r, extra);
    tui_list_place(p, y + 1, h - 1);
    int64_t now = bc_now_ms();
    int label_w = 24;
    size_t idx;
    for (int i = 0; tui_list_row(p, i, &idx); i++) {
        bool sel = s->focus == PANE_FIELDS && tui_list_selected(p, idx);
        tui_style base = sel ? TUI_S_SELECTED : 0;
        int row = p->y + i;
        tui_draw_fill(row, r.x, r.w, base);
        char *value;
        char label[96];
        tui_style vstyle = base;
        if (idx == 0) {
            snprintf(label, sizeof label, "status (derived)");
            value = tui_user_status(&s->d.user, now, TUI_TIME_ZONE);
            bc_user_state state = bc_describe_user_state(&s->d.user, now, NULL);
            if (state != BC_USER_ACTIVE)
                vstyle |= state == BC_USER_BAN_EXPIRED ? TUI_S_WARN : TUI_S_DANGER;
        } else {
            const bc_field *f = &s->d.user.fields[idx - 1];
            bool known = bc_model_field(BC_MODEL_USER, f->name) != NULL;
            snprintf(label, sizeof label, "%s%s", f->name, known ? "" : " (extra)");
            value = tui_value_text(&f->value);
            if (f->value.kind == BC_V_NULL)
                vstyle |= TUI_S_DIM;
        }
        tui_draw_text(row, r.x + 2, label_w, label, base | TUI_A_BOLD, true);
        tui_draw_text(row, r.x + 2 + label_w + 1, r.w - label_w - 3, value, vstyle, true);
        free(value);
    }
}

static const tui_col session_cols[] = {
    {"state", 23, 0, 0, false},      {"created", 16, 0, 2, true},
    {"expires", 16, 0, 0, true},     {"ip", 15, 1, 3, false},
    {"user agent", 16, 3, 1, false}, {"impersonated by", 16, 2, 0, false},
    {"token", 8, 0, 4, false},
};
#define NSCOLS ((int)(sizeof session_cols / sizeof session_cols[0]))

static void draw_sessions(user_state *s, tui_rect r, int y, int h)
{
    pane *p = &s->panes[PANE_SESSIONS];
    int64_t now = bc_now_ms();
    size_t active = 0;
    for (size_t i = 0; i < s->d.sessions.n; i++)
        active += bc_describe_session_active(&s->d.sessions.items[i], now);
    char extra[96];
    snprintf(extra, sizeof extra, "(%zu, %zu active)", s->d.sessions.n, active);
    pane_title(s, PANE_SESSIONS, y, r, extra);
    int widths[NSCOLS];
    tui_table_layout(session_cols, NSCOLS, r.w, widths);
    tui_table_header(y + 1, r.x, r.w, session_cols, widths, NSCOLS, -1, false);
    tui_list_place(p, y + 2, h - 2);
    if (p->n == 0 && p->h > 0)
        tui_draw_text(p->y, r.x + 2, r.w - 2, "no sessions", TUI_S_DIM, false);
    size_t idx;
    for (int i = 0; tui_list_row(p, i, &idx); i++) {
        const bc_record *row = &s->d.sessions.items[idx];
        bool expired = !bc_describe_session_active(row, now);
        bool imp = bc_record_text(row, "impersonatedBy") != NULL;
        char created[TUI_TIME_TEXT], expires[TUI_TIME_TEXT];
        tui_date_field(row, "createdAt", created);
        tui_date_field(row, "expiresAt", expires);
        char *state = bc_describe_session_status(row, now);
        char *by = tui_record_cell(
            row, bc_record_text(row, "impersonatorEmail") ? "impersonatorEmail" : "impersonatedBy");
        char *ip = tui_record_cell(row, "ipAddress"), *agent = tui_record_cell(row, "userAgent");
        char *token = tui_record_cell(row, "token");
        const char *cells[NSCOLS] = {state, created, expires, ip, agent, by, token};
        tui_style styles[NSCOLS] = {expired ? TUI_S_DIM : TUI_S_GOOD};
        if (imp)
            styles[5] = TUI_S_WARN;
        tui_table_row(p->y + i, r.x, r.w, widths, NSCOLS, cells, styles,
                      s->focus == PANE_SESSIONS && tui_list_selected(p, idx));
        free(state);
        free(by);
        free(ip);
        free(agent);
        free(token);
    }
}

static const tui_col account_cols[] = {
    {"provider", 12, 1, 0, false}, {"account id", 16, 2, 0, false}, {"created", 16, 0, 1, true},
    {"scope", 10, 2, 2, false},    {"password", 10, 0, 3, false},
};
#define NACOLS ((int)(sizeof account_cols / sizeof account_cols[0]))

static void draw_accounts(user_state *s, tui_rect r, int y, int h)
{
    pane *p = &s->panes[PANE_ACCOUNTS];
    char extra[64];
    snprintf(extra, sizeof extra, "(%zu)", s->d.accounts.n);
    pane_title(s, PANE_ACCOUNTS, y, r, extra);
    int widths[NACOLS];
    tui_table_layout(account_cols, NACOLS, r.w, widths);
    tui_table_header(y + 1, r.x, r.w, account_cols, widths, NACOLS, -1, false);
    tui_list_place(p, y + 2, h - 2);
    if (!bc_users_has_password(&s->d.accounts) && p->h > (int)p->n)
        tui_draw_text(p->y + (int)p->n, r.x + 2, r.w - 2, BC_USERS_NO_PASSWORD, TUI_S_DIM, false);
    size_t idx;
    for (int i = 0; tui_list_row(p, i, &idx); i++) {
        const bc_record *row = &s->d.accounts.items[idx];
        char created[TUI_TIME_TEXT];
        tui_date_field(row, "createdAt", created);
        char *provider = tui_record_cell(row, "providerId");
        char *account = tui_record_cell(row, "accountId"), *scope = tui_record_cell(row, "scope");
        char *password = tui_record_cell(row, "password");
        const char *cells[NACOLS] = {provider, account, created, scope, password ? password : "-"};
        tui_table_row(p->y + i, r.x, r.w, widths, NACOLS, cells, NULL,
                      s->focus == PANE_ACCOUNTS && tui_list_selected(p, idx));
        free(provider);
        free(account);
        free(scope);
        free(password);
    }
}

static void user_draw(tui_view *v, tui_app *app, tui_rect r)
{
    (void)app;
    user_state *s = v->data;
    char *email = tui_record_cell(&s->d.user, "email");
    char *status = tui_user_status(&s->d.user, bc_now_ms(), TUI_TIME_ZONE);
    char title[512];
    snprintf(title, sizeof title, "User  %s  \u00b7  %s  \u00b7  Tab: next pane",
             email ? email : "?", status);
    free(status);
    free(email);
    tui_draw_text(r.y, r.x, r.w, title, TUI_S_TITLE, true);
    int h = r.h - 1, y = r.y + 1;
    int fields_h = (int)s->panes[PANE_FIELDS].n + 1;
    if (fields_h > h * 9 / 20)
        fields_h = h * 9 / 20;
    if (fields_h < 3)
        fields_h = 3;
    int rest = h - fields_h;
    int sessions_h = rest * 3 / 5;
    if (sessions_h < 3)
        sessions_h = 3;
    int accounts_h = rest - sessions_h;
    draw_fields(s, r, y, fields_h);
    draw_sessions(s, r, y + fields_h, sessions_h);
    if (accounts_h >= 3)
        draw_accounts(s, r, y + fields_h + sessions_h, accounts_h);
}

static void focus(user_state *s, int which)
{
    s->focus = which;
    s->view->list = &s->panes[which];
}

/* The user's admin actions; a session or an account from the focused pane's selection. */
static void start_admin(user_state *s, tui_app *app, tui_action a)
{
    char *email = tui_record_cell(&s->d.user, "email"); /* as the screen shows it */
    tui_admin_target t = {.user = bc_record_text(&s->d.user, "id"), .email = email};
    pane *ps = &s->panes[PANE_SESSIONS], *pa = &s->panes[PANE_ACCOUNTS];
    if (a == TUI_ACT_REVOKE_SESSION && s->focus == PANE_SESSIONS && ps->sel < s->d.sessions.n)
        t.session = bc_record_text(&s->d.sessions.items[ps->sel], "id");
    if (a == TUI_ACT_UNLINK_ACCOUNT && s->focus == PANE_ACCOUNTS && pa->sel < s->d.accounts.n)
        t.account = bc_record_text(&s->d.accounts.items[pa->sel], "id");
    tui_admin_start(app, a, &t);
    free(email);
}

static bool user_handle(tui_view *v, tui_app *app, tui_action a, const char *arg)
{
    (void)arg;
    user_state *s = v->data;
    switch (a) {
    case TUI_ACT_NEXT_PANE:
        focus(s, (s->focus + 1) % PANE_COUNT);
        return true;
    case TUI_ACT_PREV_PANE:
        focus(s, (s->focus + PANE_COUNT - 1) % PANE_COUNT);
        return true;
    case TUI_ACT_ACCOUNTS:
        focus(s, PANE_ACCOUNTS);
        return true;
    case TUI_ACT_SESSIONS_PANE:
        focus(s, PANE_SESSIONS);
        return true;
    case TUI_ACT_BAN:
    case TUI_ACT_UNBAN:
    case TUI_ACT_SET_ROLE:
    case TUI_ACT_IMPERSONATE:
    case TUI_ACT_STOP_IMPERSONATING:
    case TUI_ACT_REVOKE_SESSION:
    case TUI_ACT_REVOKE_SESSIONS:
    case TUI_ACT_REMOVE:
    case TUI_ACT_SET_PASSWORD:
    case TUI_ACT_EDIT_USER:
    case TUI_ACT_UNLINK_ACCOUNT:
        start_admin(s, app, a);
        return true;
    case TUI_ACT_REFRESH: {
        bc_error err = {0};
        if (load(s, app, &err) != BC_OK)
            tui_app_error(app, &err);
        else
            tui_app_message(app, "refreshed");
        return true;
    }
    default:
        return false;
    }
}

static void user_click(tui_view *v, tui_app *app, int y, int x)
{
    (void)app;
    (void)x;
    user_state *s = v->data;
    /* a click on a pane (its title, header or rows) focuses it; the app selects the row */
    for (int i = 0; i < PANE_COUNT; i++) {
        pane *p = &s->panes[i];
        if (y >= p->y - 2 && y < p->y + p->h) {
            focus(s, i);
            return;
        }
    }
}

/* The focused pane's row: the user (every field), a session or an account. */
static bool user_record(tui_view *v, tui_app *app, tui_fields *out)
{
    (void)app;
    user_state *s = v->data;
    char *email = tui_record_cell(&s->d.user, "email");
    const pane *p = &s->panes[s->focus];
    if (s->focus == PANE_FIELDS) {
        tui_fields_title(out, "User %s", email ? email : "?");
        free(email);
        char *status = tui_user_status(&s->d.user, bc_now_ms(), TUI_TIME_ZONE);
        tui_fields_add(out, "status (derived)", status);
        free(status);
        tui_fields_add_record(out, &s->d.user);
        return true;
    }
    const bc_rows *rows = s->focus == PANE_SESSIONS ? &s->d.sessions : &s->d.accounts;
    if (p->sel >= rows->n) {
        free(email);
        return false;
    }
    const bc_record *row = &rows->items[p->sel];
    char *id = tui_record_cell(row, "id");
    tui_fields_title(out, "%s %s of %s", s->focus == PANE_SESSIONS ? "Session" : "Account",
                     id ? id : "?", email ? email : "?");
    free(id);
    free(email);
    tui_fields_add_record(out, row);
    return true;
}

static const tui_action user_hints[] = {
    TUI_ACT_NEXT_PANE,       TUI_ACT_BAN,         TUI_ACT_UNBAN,
    TUI_ACT_SET_ROLE,        TUI_ACT_IMPERSONATE, TUI_ACT_REVOKE_SESSION,
    TUI_ACT_REVOKE_SESSIONS, TUI_ACT_REMOVE,      TUI_ACT_NONE};

const tui_view_ops tui_user_view = {
    .name = "user",
    .open = user_open,
    .draw = user_draw,
    .handle = user_handle,
    .click = user_click,
    .record = user_record,
    .hints = user_hints,
    .close = user_close,
};
