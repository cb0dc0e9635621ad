/* view_audit.c - the audit log, newest first: state, action, subject (its email), what changed;
 * `/` filters it; z undoes a reversible entry not undone yet (a bulk entry as one), through
 * core/admin, audited as well. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "admin.h"
#include "admin_ui.h"
#include "app.h"
#include "audit.h"
#include "describe.h"
#include "isotime.h"
#include "table.h"
#include "text.h"
#include "view.h"
#include "timefmt.h"
#include "xalloc.h"

#define AUDIT_PAGE 200
#define DETAIL_ROWS 5

typedef struct {
    bc_state *db;
    bc_audit_entry *items;
    size_t n, cap;
    bool more; /* older entries may exist beyond the loaded ones */
    size_t *shown; /* indices of the entries the search matches (all without one) */
    size_t nshown;
    tui_list list; /* over shown */
    char search[128];
} audit_state;

static char *changes_text(const bc_audit_entry *e);

static const bc_audit_entry *selected(const audit_state *s)
{
    return s->list.sel < s->nshown ? &s->items[s->shown[s->list.sel]] : NULL;
}

static bool matches(const bc_audit_entry *e, const char *needle, size_t nn)
{
    char *changes = changes_text(e);
    const char *fields[] = {e->label, e->subject, e->action, e->state, e->actor, changes};
    bool hit = false;
    for (size_t i = 0; i < sizeof fields / sizeof *fields && !hit; i++)
        hit = fields[i] && bc_text_contains_folded(fields[i], strlen(fields[i]), needle, nn);
    free(changes);
    return hit;
}

/* Select the entry keep (the newest one at or below it when it is gone), else the first. */
static void select_entry(audit_state *s, int64_t keep)
{
    tui_list_count(&s->list, s->nshown);
    tui_list_select(&s->list, 0);
    for (size_t i = 0; keep && i < s->nshown; i++)
        if (s->items[s->shown[i]].id <= keep) {
            tui_list_select(&s->list, i);
            break;
        }
}

/* The entries the search matches, keeping the selected one selected when it still shows. */
static void apply_search(audit_state *s)
{
    int64_t keep = selected(s) ? selected(s)->id : 0;
    free(s->shown);
    s->shown = bc_xcalloc(s->n + 1, sizeof *s->shown);
    s->nshown = 0;
    size_t nn;
    char *needle = bc_text_fold(s->search, strlen(s->search), &nn);
    for (size_t i = 0; i < s->n; i++)
        if (!nn || matches(&s->items[i], needle, nn))
            s->shown[s->nshown++] = i;
    free(needle);
    select_entry(s, keep);
}

static void release_items(audit_state *s)
{
    for (size_t i = 0; i < s->n; i++)
        bc_audit_entry_release(&s->items[i]);
    s->n = 0;
}

/* Append the next page (entries older than the last loaded one). */
static bc_status load_more(audit_state *s, bc_error *err)
{
    bc_audit_entries page = {0};
    int64_t before = s->n ? s->items[s->n - 1].id : 0;
    bc_status st = bc_audit_list(s->db, AUDIT_PAGE, before, &page, err);
    if (st != BC_OK)
        return st;
    if (s->n + page.n > s->cap)
        s->items = bc_xrealloc(s->items, (s->cap = s->n + page.n + AUDIT_PAGE) * sizeof *s->items);
    memcpy(s->items + s->n, page.items, page.n * sizeof *page.items);
    s->n += page.n;
    s->more = page.n == AUDIT_PAGE;
    free(page.items); /* the entries moved into s->items */
    apply_search(s);
    return BC_OK;
}

/* Load again from the newest, as many as before, keeping the selected entry when it is there. */
static bc_status reload(audit_state *s, bc_error *err)
{
    int64_t keep = selected(s) ? selected(s)->id : 0;
    size_t want = s->n > AUDIT_PAGE ? s->n : AUDIT_PAGE;
    release_items(s);
    bc_status st = BC_OK;
    while (st == BC_OK && (s->n == 0 || (s->more && s->n < want))) {
        st = load_more(s, err);
        if (!s->more)
            break;
    }
    select_entry(s, keep);
    return st;
}

static bc_status audit_open(tui_view *v, tui_app *app, const char *arg, bc_error *err)
{
    (void)arg;
    audit_state *s = bc_xcalloc(1, sizeof *s);
    v->data = s;
    v->list = &s->list;
    s->db = tui_app_admin(app)->state;
    if (!s->db) {
        const char *why = tui_app_state_error(app);
        return bc_fail(err, BC_ERR, "no state database, so no audit log: %s",
                       why ? why : "not opened");
    }
    return reload(s, err);
}

static void audit_close(tui_view *v)
{
    audit_state *s = v->data;
    if (!s)
        return;
    release_items(s);
    free(s->items);
    free(s->shown);
    free(s);
}

/* What e changed (core's one rule, bc_audit_changes_text), after "undo of #N: " for an undo. The
 * caller frees. */
static char *changes_text(const bc_audit_entry *e)
{
    char *changes = bc_audit_changes_text(e, "\u2192");
    if (!e->undo_of)
        return changes;
    char *text =
        bc_xasprintf("undo of #%lld%s%s", (long long)e->undo_of, *changes ? ": " : "", changes);
    free(changes);
    return text;
}

static const tui_col columns[] = {
    {"#", 5, 0, 0, false},        {"started", 16, 0, 2, true},  {"state", 14, 0, 0, false},
    {"action", 19, 0, 0, false},  {"subject", 24, 3, 1, false}, {"undo", 4, 0, 3, false},
    {"changes", 20, 3, 0, false},
};
#define NCOLS ((int)(sizeof columns / sizeof columns[0]))

static void draw_detail(const audit_state *s, tui_rect r, int y)
{
    tui_draw_hline(y, r.x, r.w, TUI_S_DIM);
    const bc_audit_entry *e = selected(s);
    if (!e)
        return;
    char line[1024], started[TUI_TIME_TEXT], finished[TUI_TIME_TEXT];
    tui_time_iso(e->started_at, TUI_TIME_ZONE | TUI_TIME_SECONDS, started, sizeof started);
    tui_time_iso(e->finished_at, TUI_TIME_ZONE | TUI_TIME_SECONDS, finished, sizeof finished);
    snprintf(line, sizeof line, "#%lld %s %s  started %s  finished %s", (long long)e->id, e->action,
             e->state, started, finished);
    tui_draw_text(y + 1, r.x + 1, r.w - 1, line, TUI_A_BOLD, false);
    snprintf(line, sizeof line, "by %s as %s on %s %s", e->os_user,
             e->actor ? e->actor : "(no acting admin)", e->target_kind, e->target);
    tui_draw_text(y + 2, r.x + 1, r.w - 1, line, 0, false);
    if (e->members)
        snprintf(line, sizeof line, "%lld users (z undoes them all as one): %s",
                 (long long)e->members, e->label ? e->label : "");
    else
        snprintf(line, sizeof line, "before: %s", e->before_json ? e->before_json : "-");
    tui_draw_text(y + 3, r.x + 1, r.w - 1, line, 0, false);
    snprintf(line, sizeof line, "after:  %s", e->after_json ? e->after_json : "-");
    tui_draw_text(y + 4, r.x + 1, r.w - 1, line, 0, false);
    if (e->error)
        tui_draw_text(y + 5, r.x + 1, r.w - 1, e->error, TUI_S_DANGER, false);
}

static void audit_draw(tui_view *v, tui_app *app, tui_rect r)
{
    (void)app;
    audit_state *s = v->data;
    char title[400];
    if (s->nshown)
        snprintf(title, sizeof title, "Audit log  entry %zu of %zu%s%s%s%s   newest first   z: undo",
                 s->list.sel + 1, s->nshown, s->more ? "+" : "", s->search[0] ? "   search: " : "",
                 s->search, s->search[0] ? " (Esc clears)" : "");
    else if (s->search[0])
        snprintf(title, sizeof title, "Audit log  no entry matches \"%s\" (Esc clears)", s->search);
    else
        snprintf(title, sizeof title, "Audit log  no entries yet");
    tui_draw_text(r.y, r.x, r.w, title, TUI_S_TITLE, true);
    int widths[NCOLS];
    tui_table_layout(columns, NCOLS, r.w, widths);
    tui_table_header(r.y + 1, r.x, r.w, columns, widths, NCOLS, -1, false);
    int detail = r.h > 14 ? DETAIL_ROWS + 1 : 0;
    tui_list_place(&s->list, r.y + 2, r.h - 2 - detail);
    size_t idx;
    for (int i = 0; tui_list_row(&s->list, i, &idx); i++) {
        const bc_audit_entry *e = &s->items[s->shown[idx]];
        char id[24], started[TUI_TIME_TEXT];
        snprintf(id, sizeof id, "%lld", (long long)e->id);
        tui_time_iso(e->started_at, 0, started, sizeof started);
        char *changes = changes_text(e);
        const char *cells[NCOLS] = {
            id,      started, e->state, e->action, e->label ? e->label : e->subject,
            bc_admin_undoable(e) ? "z" : (e->undone ? "done" : ""), changes};
        tui_style styles[NCOLS] = {0};
        styles[2] = strcmp(e->state, "done") == 0 || strcmp(e->state, "applied") == 0 ? TUI_S_GOOD
                    : strcmp(e->state, "failed") == 0 ? TUI_S_DANGER
                                                      : TUI_S_WARN;
        tui_table_row(r.y + 2 + i, r.x, r.w, widths, NCOLS, cells, styles,
                      tui_list_selected(&s->list, idx));
        free(changes);
    }
    if (detail && s->list.h > 0)
        draw_detail(s, r, r.y + r.h - detail);
}

/* Moving past the loaded entries loads older ones until the move fits or there are no more
 * (G reaches the true end). */
static void audit_seek(tui_view *v, tui_app *app, tui_action a, int64_t delta)
{
    audit_state *s = v->data;
    if (a == TUI_ACT_LAST)
        delta = INT64_MAX / 2;
    while (delta > 0 && s->more && s->list.sel + (size_t)delta >= s->nshown) {
        bc_error err = {0};
        int64_t keep = selected(s) ? selected(s)->id : 0;
        if (load_more(s, &err) != BC_OK) {
            tui_app_error(app, &err);
            break;
        }
        select_entry(s, keep);
    }
    tui_list_move(&s->list, delta);
}

/* The search reads every entry: an audit log is small next to a user table. */
static void search_changed(void *ctx, tui_app *app, const char *text)
{
    audit_state *s = ctx;
    snprintf(s->search, sizeof s->search, "%s", text);
    bc_error err = {0};
    while (*text && s->more)
        if (load_more(s, &err) != BC_OK) {
            tui_app_error(app, &err);
            break;
        }
    apply_search(s);
}

static void search_done(void *ctx, tui_app *app, const char *text, bool accepted)
{
    search_changed(ctx, app, accepted ? text : "");
}

static bool audit_handle(tui_view *v, tui_app *app, tui_action a, const char *arg)
{
    audit_state *s = v->data;
    switch (a) {
    case TUI_ACT_SEARCH:
        if (arg) {
            search_changed(s, app, arg);
            return true;
        }
        tui_view_search_prompt(app, s->search, search_changed, search_done, s);
        return true;
    case TUI_ACT_BACK:
    case TUI_ACT_CLEAR:
        if (!s->search[0])
            return false;
        search_changed(s, app, ""); /* Esc drops the search first; the next goes back */
        return true;
    case TUI_ACT_OPEN: {
        /* the subject of a user action is a user id */
        const bc_audit_entry *e = selected(s);
        if (e && e->subject && strncmp(e->action, "users.", 6) == 0 &&
            strcmp(e->action, "users.remove") != 0)
            tui_app_push(app, &tui_user_view, e->subject);
        else
            tui_app_message(app, "this entry's subject is not a user that can be opened");
        return true;
    }
    case TUI_ACT_UNDO: {
        int64_t id = 0;
        if (arg)
            id = strtoll(arg, NULL, 10);
        else if (selected(s))
            id = selected(s)->id;
        if (id <= 0) {
            tui_app_message(app, "undo: select an entry (or :undo ID)");
            return true;
        }
        if (!arg && selected(s)->undone) {
            tui_app_message(app, "entry #%lld is already undone", (long long)id);
            return true;
        }
        /* what it did, escaped as the list draws it (the selected entry's; none for :undo ID) */
        const bc_audit_entry *e = arg ? NULL : selected(s);
        const char *what = e ? (e->label ? e->label : e->subject) : NULL;
        char *entry = NULL;
        if (e) {
            char *raw = bc_xasprintf("%s %s", e->action, what ? what : "");
            entry = bc_text_escape(raw, strlen(raw));
            free(raw);
        }
        tui_admin_target t = {.audit_id = id, .entry = entry};
        tui_admin_start(app, a, &t);
        free(entry);
        return true;
    }
    case TUI_ACT_REFRESH: {
        bc_error err = {0};
        if (reload(s, &err) != BC_OK)
            tui_app_error(app, &err);
        else
            tui_app_message(app, "refreshed");
        return true;
    }
    default:
        return false;
    }
}

static bool audit_record(tui_view *v, tui_app *app, tui_fields *out)
{
    (void)app;
    audit_state *s = v->data;
    const bc_audit_entry *e = selected(s);
    if (!e)
        return false;
    tui_fields_title(out, "Audit entry #%lld %s", (long long)e->id, e->action);
    tui_fields_add(out, "action", e->action);
    tui_fields_add(out, "state", e->state);
    tui_fields_add_time(out, "started", e->started_at);
    tui_fields_add_time(out, "finished", e->finished_at);
    tui_fields_add(out, "subject", e->subject);
    tui_fields_add(out, "label", e->label);
    tui_fields_add(out, "by (os user)", e->os_user);
    tui_fields_add(out, "acting admin", e->actor);
    tui_fields_addf(out, "target", "%s %s", e->target_kind, e->target);
    char *changes = changes_text(e);
    tui_fields_add(out, "changes", changes);
    free(changes);
    tui_fields_add(out, "before", e->before_json);
    tui_fields_add(out, "after", e->after_json);
    if (e->members)
        tui_fields_addf(out, "members", "%lld (z undoes them all as one)", (long long)e->members);
    if (e->group_id)
        tui_fields_addf(out, "member of", "#%lld", (long long)e->group_id);
    if (e->undo_of)
        tui_fields_addf(out, "undo of", "#%lld", (long long)e->undo_of);
    tui_fields_add(out, "undone", e->undone ? "yes" : "no");
    tui_fields_add(out, "error", e->error);
    return true;
}

static const tui_action audit_hints[] = {TUI_ACT_UNDO,    TUI_ACT_OPEN,       TUI_ACT_SEARCH,
                                         TUI_ACT_REFRESH, TUI_ACT_VIEW_USERS, TUI_ACT_NONE};

const tui_view_ops tui_audit_view = {
    .name = "audit",
    .open = audit_open,
    .draw = audit_draw,
    .handle = audit_handle,
    .seek = audit_seek,
    .record = audit_record,
    .hints = audit_hints,
    .close = audit_close,
};
