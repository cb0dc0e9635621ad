/* view_overview.c - screen 0, the Overview: sign-ups per day as a chart, users, bans, sessions
 * (active now, per day, impersonations by whom), accounts by provider, the JWKS doctor's verdict,
 * env drift on Convex, the latest audit entries and an unfinished checklist run. Enter on a panel
 * opens the screen behind it (bans: the users filtered to banned...).
 *
 * The numbers are core/stats.h's. The screen opens at once and fills in: each idle turn runs one
 * unit of work (a stats step: one panel on SQLite, one page of rows on Convex; then the doctor;
 * then the env plan) through tui_app_call on the worker thread, and the panels are formatted
 * again on this thread in between, so drawing never reads what the worker is writing.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "audit.h"
#include "checklist.h"
#include "target.h"
#include "describe.h"
#include "dotenv.h"
#include "draw.h"
#include "envsync.h"
#include "isotime.h"
#include "stats.h"
#include "table.h"
#include "text.h"
#include "timefmt.h"
#include "xalloc.h"

#define LINES_MAX 8
#define AUDIT_SHOWN 5
#define IMPERSONATORS_SHOWN 3

typedef enum {
    P_SIGNUPS,
    P_SESSIONS_CHART,
    P_USERS,
    P_BANS,
    P_SESSIONS,
    P_ACCOUNTS,
    P_KEYS,
    P_ENV,
    P_AUDIT,
    P_CHECKLIST,
    P_COUNT
} panel_id;

typedef struct {
    char title[96];
    char lines[LINES_MAX][200];
    tui_style styles[LINES_MAX];
    int n;
    tui_rect rect; /* where it was last drawn (h 0: not shown) */
} panel;

typedef enum { L_STATS, L_DOCTOR, L_ENV, L_DONE } load_phase;

typedef struct {
    tui_app *app;
    bc_driver *driver;
    bool convex;
    int days;
    bc_stats stats; /* the worker's, between calls; read here only while no call runs */
    load_phase phase;
    char *stats_error, *doctor_line, *env_line;
    bc_check_status doctor_status;
    bool doctor_done;
    /* what the panels draw: formatted on this thread after each step */
    panel panels[P_COUNT];
    int64_t *per_day[2]; /* sign-ups, new sessions: days entries each */
    int busiest[2];
    char chart_note[2][160];
    int64_t audit_run; /* an unfinished checklist run, 0: none */
    int sel;
} overview_state;

/* --- loading ----------------------------------------------------------------------------------- */

typedef struct {
    bc_driver *driver;
    bc_stats *stats;
} step_call;

static bc_status run_step_call(void *ctx, bc_error *err)
{
    step_call *c = ctx;
    return bc_stats_step(c->driver, c->stats, err);
}

static void set_text(char **slot, char *text)
{
    free(*slot);
    *slot = text;
}

/* The doctor in one line: ok, or the first failing (else warning) check and why. */
static void doctor_verdict(overview_state *s, const bc_checks *checks, const char *target)
{
    const bc_check *worst = NULL;
    for (size_t i = 0; i < checks->n; i++)
        if (checks->items[i].status != BC_CHECK_OK &&
            (!worst || checks->items[i].status > worst->status))
            worst = &checks->items[i];
    s->doctor_status = worst ? worst->status : BC_CHECK_OK;
    if (!worst)
        set_text(&s->doctor_line, bc_xasprintf("ok: %zu checks passed%s%s", checks->n,
                                               target ? " on " : "", target ? target : ""));
    else
        set_text(&s->doctor_line, bc_xasprintf("%s: %s: %s", bc_check_status_name(worst->status),
                                               worst->id, worst->message));
}

static void load_doctor(overview_state *s)
{
    bc_checks checks = {0};
    char *target = NULL;
    bc_error err = {0};
    const bc_secrets *secrets = tui_app_secrets(s->app);
    bool any = bc_secrets_any(secrets);
    bc_status st = tui_jwks_doctor(s->app, any ? secrets : NULL,
                                   any ? bc_secrets_env_name(secrets) : NULL, &checks, NULL,
                                   &target, &err);
    if (st == BC_OK)
        doctor_verdict(s, &checks, target);
    else
        set_text(&s->doctor_line, bc_xasprintf("not checked: %s", err.msg));
    if (st != BC_OK)
        s->doctor_status = BC_CHECK_WARN;
    s->doctor_done = true;
    bc_checks_release(&checks);
    free(target);
}

typedef struct {
    bc_target *target;
    json_t *vars;
} env_call;

static bc_status run_env_call(void *ctx, bc_error *err)
{
    env_call *c = ctx;
    return bc_target_env_list(c->target, &c->vars, err);
}

/* convex/.env against the deployment, as the Env screen plans it: how many names differ. */
static void load_env(overview_state *s)
{
    bc_dotenv *env = NULL;
    bc_error err = {0};
    env_call c = {.target = tui_app_target(s->app)};
    bc_status st = bc_dotenv_load(BC_ENVSYNC_DEFAULT_FILE, &env, &err);
    if (st == BC_OK)
        st = tui_app_call(s->app, "listing the deployment's variables", true, run_env_call, &c,
                          &err);
    bc_envsync_plan plan = {0};
    bc_envsync_opts o = {0};
    if (st == BC_OK)
        st = bc_envsync_plan_file(env, c.vars, &o, &plan, &err);
    size_t n = st == BC_OK ? bc_envsync_plan_differences(&plan) : 0;
    if (st != BC_OK)
        set_text(&s->env_line, bc_xasprintf("not compared: %s", err.msg));
    else if (n == 0)
        set_text(&s->env_line, bc_xasprintf("in sync with %s", BC_ENVSYNC_DEFAULT_FILE));
    else
        set_text(&s->env_line, bc_xasprintf("%zu difference%s against %s", n, n == 1 ? "" : "s",
                                            BC_ENVSYNC_DEFAULT_FILE));
    bc_envsync_plan_release(&plan);
    json_decref(c.vars);
    bc_dotenv_free(env);
}

/* --- the panels' text ------------------------------------------------------------------------- */

static void line(panel *p, tui_style style, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void line(panel *p, tui_style style, const char *fmt, ...)
{
    if (p->n == LINES_MAX)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(p->lines[p->n], sizeof p->lines[0], fmt, ap);
    va_end(ap);
    p->styles[p->n++] = style;
}

static const char *count_text(char *buf, size_t size, int64_t n, bool at_least)
{
    bc_text_count(buf, size, n);
    if (at_least)
        strncat(buf, "+", size - strlen(buf) - 1);
    return buf;
}

static void basis_line(overview_state *s, panel *p, bc_stats_part part)
{
    const bc_stats_basis *b = &s->stats.basis[part];
    if (!b->done && !s->stats_error) {
        char n[32];
        bc_text_count(n, sizeof n, b->read);
        line(p, TUI_S_DIM, "counting\u2026 %s rows read", n);
        return;
    }
    if (!b->exact) { /* bc_stats_basis_text's words, short enough for a panel */
        static const char *const what[BC_STATS_PARTS] = {"users", "sessions", "accounts"};
        char n[32];
        bc_text_count(n, sizeof n, b->read);
        line(p, TUI_S_WARN, "newest %s %s read", n, what[part]);
    }
}

static void format_users(overview_state *s)
{
    const bc_stats *t = &s->stats;
    bool lb = !t->basis[BC_STATS_USERS].exact;
    char a[32];
    panel *p = &s->panels[P_USERS];
    *p = (panel){.title = "Users"};
    if (t->basis[BC_STATS_USERS].done || t->basis[BC_STATS_USERS].read) {
        line(p, TUI_A_BOLD, "total     %s", count_text(a, sizeof a, t->users, lb));
        line(p, 0, "verified  %s", count_text(a, sizeof a, t->verified, lb));
        line(p, 0, "admins    %s", count_text(a, sizeof a, t->admins, lb));
    }
    basis_line(s, p, BC_STATS_USERS);
    p = &s->panels[P_BANS];
    *p = (panel){.title = "Bans"};
    if (t->basis[BC_STATS_USERS].done || t->basis[BC_STATS_USERS].read) {
        line(p, t->banned ? TUI_S_DANGER : 0, "banned now    %s",
             count_text(a, sizeof a, t->banned, lb));
        line(p, t->bans_ending ? TUI_S_WARN : 0, "ending \u2264 7d   %s",
             count_text(a, sizeof a, t->bans_ending, lb));
    }
    basis_line(s, p, BC_STATS_USERS);
}

static void format_sessions(overview_state *s)
{
    const bc_stats *t = &s->stats;
    bool lb = !t->basis[BC_STATS_SESSIONS].exact;
    char a[32];
    panel *p = &s->panels[P_SESSIONS];
    *p = (panel){.title = "Sessions"};
    if (t->basis[BC_STATS_SESSIONS].done || t->basis[BC_STATS_SESSIONS].read) {
        line(p, TUI_A_BOLD, "active now     %s", count_text(a, sizeof a, t->active_sessions, lb));
        int today = t->days - 1;
        line(p, 0, "new today      %s", count_text(a, sizeof a, t->sessions_per_day[today], lb));
        line(p, t->impersonation_sessions ? TUI_S_WARN : 0, "impersonating  %s",
             count_text(a, sizeof a, t->impersonation_sessions, lb));
        for (size_t i = 0; i < t->n_impersonators && i < IMPERSONATORS_SHOWN; i++)
            line(p, 0, "  by %s (%lld)",
                 t->impersonators[i].email ? t->impersonators[i].email : t->impersonators[i].user_id,
                 (long long)t->impersonators[i].sessions);
        if (t->n_impersonators > IMPERSONATORS_SHOWN)
            line(p, TUI_S_DIM, "  and %zu more", t->n_impersonators - IMPERSONATORS_SHOWN);
    }
    basis_line(s, p, BC_STATS_SESSIONS);
}

static void format_accounts(overview_state *s)
{
    const bc_stats *t = &s->stats;
    bool lb = !t->basis[BC_STATS_ACCOUNTS].exact;
    char a[32];
    panel *p = &s->panels[P_ACCOUNTS];
    *p = (panel){.title = "Accounts by provider"};
    if (t->basis[BC_STATS_ACCOUNTS].done || t->basis[BC_STATS_ACCOUNTS].read) {
        for (size_t i = 0; i < t->providers.n && p->n < LINES_MAX - 1; i++)
            line(p, 0, "%-12s %s", t->providers.items[i].value,
                 count_text(a, sizeof a, t->providers.items[i].n, lb));
        if (!t->providers.n)
            line(p, TUI_S_DIM, "no accounts");
    }
    basis_line(s, p, BC_STATS_ACCOUNTS);
}

/* The two charts: sign-ups (c 0) and new sessions (c 1) per day. */
static void format_chart(overview_state *s, int c)
{
    const bc_stats *t = &s->stats;
    const int64_t *counts = c ? t->sessions_per_day : t->signups;
    bc_stats_part part = c ? BC_STATS_SESSIONS : BC_STATS_USERS;
    memcpy(s->per_day[c], counts, (size_t)t->days * sizeof *counts);
    s->busiest[c] = bc_stats_busiest(t, counts);
    panel *p = &s->panels[c ? P_SESSIONS_CHART : P_SIGNUPS];
    snprintf(p->title, sizeof p->title, "%s per day, last %d days (UTC)",
             c ? "New sessions" : "Sign-ups", t->days);
    s->chart_note[c][0] = '\0';
    if (s->busiest[c] >= 0) {
        char day[11], n[32];
        bc_stats_day(t, s->busiest[c], day);
        bc_text_count(n, sizeof n, counts[s->busiest[c]]);
        snprintf(s->chart_note[c], sizeof s->chart_note[c], "busiest %s: %s%s", day, n,
                 t->basis[part].days_exact ? "" : " (days before the rows read are incomplete)");
    } else if (t->basis[part].done) {
        snprintf(s->chart_note[c], sizeof s->chart_note[c], "none in these days");
    } else {
        snprintf(s->chart_note[c], sizeof s->chart_note[c], "counting\u2026");
    }
}

static void format_ops(overview_state *s)
{
    panel *p = &s->panels[P_KEYS];
    *p = (panel){.title = "Signing keys (JWKS doctor)"};
    if (!s->doctor_done)
        line(p, TUI_S_DIM, "checking\u2026");
    else
        line(p,
             s->doctor_status == BC_CHECK_OK     ? TUI_S_GOOD
             : s->doctor_status == BC_CHECK_WARN ? TUI_S_WARN
                                                 : TUI_S_DANGER,
             "%s", s->doctor_line);
    p = &s->panels[P_ENV];
    *p = (panel){.title = "Environment (convex/.env)"};
    if (!s->convex)
        line(p, TUI_S_DIM, "a SQLite file has no deployment variables");
    else if (!s->env_line)
        line(p, TUI_S_DIM, "comparing\u2026");
    else
        line(p, strncmp(s->env_line, "in sync", 7) == 0 ? TUI_S_GOOD : TUI_S_WARN, "%s",
             s->env_line);
}

/* The latest audit entries and an unfinished checklist run: the state database, read here. */
static void format_local(overview_state *s)
{
    bc_state *db = tui_app_admin(s->app)->state;
    panel *p = &s->panels[P_AUDIT];
    *p = (panel){.title = "Latest admin actions (audit log)"};
    bc_audit_entries list = {0};
    if (!db) {
        line(p, TUI_S_DIM, "no state database: %s",
             tui_app_state_error(s->app) ? tui_app_state_error(s->app) : "not opened");
    } else if (bc_audit_list(db, AUDIT_SHOWN, 0, &list, NULL) == BC_OK) {
        for (size_t i = 0; i < list.n; i++) {
            const bc_audit_entry *e = &list.items[i];
            char when[TUI_TIME_TEXT];
            tui_time_iso(e->started_at, 0, when, sizeof when);
            line(p, strcmp(e->state, "failed") == 0 ? TUI_S_DANGER : 0, "#%lld %s %-22s %-7s %s",
                 (long long)e->id, when, e->action, e->state, e->subject ? e->subject : "");
        }
        if (!list.n)
            line(p, TUI_S_DIM, "no admin actions yet");
    }
    bc_audit_entries_release(&list);
    p = &s->panels[P_CHECKLIST];
    *p = (panel){.title = "Checklist runs"};
    s->audit_run = 0;
    int64_t id = 0;
    bc_checklist_run run;
    if (db && bc_target_checklist_active(tui_app_target(s->app), &id, NULL) == BC_OK && id &&
        bc_checklist_run_get(db, id, &run, NULL) == BC_OK) {
        size_t i = 0;
        while (i < run.n &&
               (run.steps[i].state == BC_SS_DONE || run.steps[i].state == BC_SS_SKIPPED))
            i++;
        line(p, TUI_S_WARN, "unfinished run #%lld: %s at step %s (%s)", (long long)id,
             run.checklist, i < run.n ? run.steps[i].step_id : "-",
             i < run.n ? bc_step_state_name(run.steps[i].state) : "-");
        s->audit_run = id;
        bc_checklist_run_release(&run);
    } else {
        line(p, TUI_S_DIM, "no unfinished run");
    }
}

static void format_all(overview_state *s)
{
    format_chart(s, 0);
    format_chart(s, 1);
    format_users(s);
    format_sessions(s);
    format_accounts(s);
    format_ops(s);
    if (s->stats_error) {
        panel *p = &s->panels[P_USERS];
        line(p, TUI_S_DANGER, "%s", s->stats_error);
    }
}

static void restart(overview_state *s)
{
    bc_stats_release(&s->stats);
    bc_stats_begin(&s->stats, s->days, 0, 0, NULL);
    for (int c = 0; c < 2; c++) {
        free(s->per_day[c]);
        s->per_day[c] = bc_xcalloc((size_t)s->days, sizeof *s->per_day[c]);
    }
    set_text(&s->stats_error, NULL);
    set_text(&s->doctor_line, NULL);
    set_text(&s->env_line, NULL);
    s->doctor_done = false;
    s->phase = L_STATS;
    format_local(s);
    format_all(s);
}

/* One unit of loading work. */
static void load_next(overview_state *s)
{
    bc_error err = {0};
    switch (s->phase) {
    case L_STATS: {
        step_call c = {s->driver, &s->stats};
        bc_status st = tui_app_call(s->app, "counting", true, run_step_call, &c, &err);
        if (st != BC_OK) {
            set_text(&s->stats_error, bc_xasprintf("%s: %s", st == BC_CANCELLED ? "stopped" : "error",
                                                   err.msg));
            s->phase = L_DOCTOR;
        } else if (bc_stats_done(&s->stats)) {
            s->phase = L_DOCTOR;
            tui_app_set_total(s->app, false, s->stats.users, !s->stats.basis[0].exact);
        }
        break;
    }
    case L_DOCTOR:
        load_doctor(s);
        s->phase = s->convex ? L_ENV : L_DONE;
        break;
    case L_ENV:
        load_env(s);
        s->phase = L_DONE;
        break;
    case L_DONE:
        break;
    }
    format_all(s);
}

static bc_status overview_open(tui_view *v, tui_app *app, const char *arg, bc_error *err)
{
    (void)arg;
    (void)err;
    overview_state *s = bc_xcalloc(1, sizeof *s);
    v->data = s;
    s->app = app;
    s->driver = tui_app_driver(app);
    s->convex = strcmp(s->driver->ops->kind, "convex") == 0;
    s->days = BC_STATS_DAYS_DEFAULT;
    restart(s);
    return BC_OK;
}

static void overview_close(tui_view *v)
{
    overview_state *s = v->data;
    if (!s)
        return;
    bc_stats_release(&s->stats);
    free(s->per_day[0]);
    free(s->per_day[1]);
    free(s->stats_error);
    free(s->doctor_line);
    free(s->env_line);
    free(s);
}

static int overview_idle_in(tui_view *v, tui_app *app)
{
    (void)app;
    overview_state *s = v->data;
    return s->phase == L_DONE ? -1 : 0;
}

static void overview_idle(tui_view *v, tui_app *app)
{
    (void)app;
    load_next(v->data);
}

/* --- drawing ----------------------------------------------------------------------------------- */

static void draw_panel(overview_state *s, panel_id id, tui_rect r)
{
    panel *p = &s->panels[id];
    p->rect = r;
    if (r.h < 3 || r.w < 10) {
        p->rect.h = 0;
        return;
    }
    bool sel = s->sel == (int)id;
    tui_draw_box(r.y, r.x, r.h, r.w, sel ? TUI_A_BOLD : TUI_S_DIM);
    char title[128];
    snprintf(title, sizeof title, "%s%s ", sel ? " \u25b8 " : " ", p->title);
    tui_draw_text(r.y, r.x + 1, r.w - 2, title, sel ? TUI_S_SELECTED : TUI_S_TITLE, false);
    for (int i = 0; i < p->n && i < r.h - 2; i++)
        tui_draw_text(r.y + 1 + i, r.x + 2, r.w - 3, p->lines[i], p->styles[i], false);
}

/* Columns of block characters, one to three cells per day (eighths of a cell high), with the
 * scale on the left and the first and last dates below; '#' when drawing is plain (NO_COLOR or
 * no colours); the totals as text when the panel is too narrow for a column per day. */
static void draw_chart(overview_state *s, int c, tui_rect r)
{
    static const char *const eighths[] = {" ",      "\u2581", "\u2582", "\u2583", "\u2584",
                                          "\u2585", "\u2586", "\u2587", "\u2588"};
    panel_id id = c ? P_SESSIONS_CHART : P_SIGNUPS;
    draw_panel(s, id, r);
    if (!s->panels[id].rect.h)
        return;
    const bc_stats *t = &s->stats;
    const int64_t *counts = s->per_day[c];
    int days = t->days, inner_w = r.w - 4, h = r.h - 4; /* border, note line, dates line */
    int64_t max = s->busiest[c] >= 0 ? counts[s->busiest[c]] : 0;
    char top[32];
    bc_text_count(top, sizeof top, max);
    int label_w = (int)strlen(top) + 1, cw = (inner_w - label_w) / days;
    tui_draw_text(r.y + 1, r.x + 2, inner_w, s->chart_note[c], TUI_A_BOLD, false);
    if (cw < 1 || h < 2) {
        int64_t total = 0;
        for (int i = 0; i < days; i++)
            total += counts[i];
        char a[32], b[32], y[32], text[200];
        bc_text_count(a, sizeof a, total);
        bc_text_count(b, sizeof b, counts[days - 1]);
        bc_text_count(y, sizeof y, days > 1 ? counts[days - 2] : 0);
        snprintf(text, sizeof text, "%s in %d days \u00b7 today %s \u00b7 yesterday %s", a, days, b,
                 y);
        tui_draw_text(r.y + 2, r.x + 2, inner_w, text, 0, false);
        return;
    }
    if (cw > 3)
        cw = 3;
    int bar = cw > 1 ? cw - 1 : 1; /* a gap between days when there is room */
    bool plain = tui_draw_plain();
    int x0 = r.x + 2 + label_w;
    tui_draw_text_right(r.y + 2, r.x + 2, label_w - 1, top, TUI_S_DIM);
    tui_draw_text_right(r.y + 1 + h, r.x + 2, label_w - 1, "0", TUI_S_DIM);
    for (int i = 0; i < days; i++) {
        /* eighths of the chart's height, rounded up so a day with any count shows */
        int64_t units = max ? (counts[i] * h * 8 + max - 1) / max : 0;
        tui_style st = i == s->busiest[c] ? TUI_A_BOLD | TUI_C_CYAN : TUI_C_CYAN;
        for (int row = 0; row < h; row++) {
            int64_t cell = units - (int64_t)(h - 1 - row) * 8;
            if (cell <= 0)
                continue;
            const char *glyph = plain ? "#" : eighths[cell >= 8 ? 8 : cell];
            for (int k = 0; k < bar; k++)
                tui_draw_text(r.y + 2 + row, x0 + i * cw + k, 1, glyph, st, false);
        }
    }
    char first[11], last[11];
    bc_stats_day(t, 0, first);
    bc_stats_day(t, days - 1, last);
    int y = r.y + 2 + h;
    tui_draw_text(y, x0, 10, first, TUI_S_DIM, false);
    if (days * cw >= 22)
        tui_draw_text_right(y, x0, days * cw, last, TUI_S_DIM);
}

static void overview_draw(tui_view *v, tui_app *app, tui_rect r)
{
    (void)app;
    overview_state *s = v->data;
    char title[200];
    bool sampled = false;
    for (int i = 0; i < BC_STATS_PARTS; i++)
        sampled |= s->stats.basis[i].read && !s->stats.basis[i].exact;
    snprintf(title, sizeof title, "Overview  last %d days   f: 30/90 days   Enter: open the panel%s%s",
             s->days, s->phase == L_DONE ? "" : "   filling in\u2026",
             sampled ? "   N+: at least N, counted from the newest rows" : "");
    tui_draw_text(r.y, r.x, r.w, title, TUI_S_TITLE, true);
    for (int i = 0; i < P_COUNT; i++)
        s->panels[i].rect.h = 0;
    int y = r.y + 1, h = r.h - 1;
    /* the charts side by side when each still has a column per day, else one above the other
     * when there is height (else the sessions chart gives way) */
    int chart_h = h >= 34 ? 12 : h >= 26 ? 9 : 6;
    if (r.w >= 140 && r.w / 2 >= s->days + 14) {
        draw_chart(s, 0, (tui_rect){y, r.x, chart_h, r.w / 2});
        draw_chart(s, 1, (tui_rect){y, r.x + r.w / 2, chart_h, r.w - r.w / 2});
        y += chart_h;
    } else {
        draw_chart(s, 0, (tui_rect){y, r.x, chart_h, r.w});
        y += chart_h;
        if (h >= 34) {
            draw_chart(s, 1, (tui_rect){y, r.x, 8, r.w});
            y += 8;
        }
    }
    /* four numbers panels side by side when wide, else two rows of two */
    int rows = r.w >= 100 ? 1 : 2, per = rows == 1 ? 4 : 2, ph = 7;
    static const panel_id nums[] = {P_USERS, P_BANS, P_SESSIONS, P_ACCOUNTS};
    for (int i = 0; i < 4; i++) {
        int col = i % per, row = i / per, w = r.w / per;
        int x = r.x + col * w, pw = col == per - 1 ? r.w - col * w : w;
        int py = y + row * ph, left = r.y + r.h - py;
        draw_panel(s, nums[i], (tui_rect){py, x, ph < left ? ph : left, pw});
    }
    y += rows * ph;
    int half = r.w / 2, left = r.y + r.h - y;
    draw_panel(s, P_KEYS, (tui_rect){y, r.x, 3 < left ? 3 : left, half});
    draw_panel(s, P_ENV, (tui_rect){y, r.x + half, 3 < left ? 3 : left, r.w - half});
    y += 3;
    left = r.y + r.h - y;
    int audit_w = r.w * 2 / 3;
    int ah = left < AUDIT_SHOWN + 2 ? left : AUDIT_SHOWN + 2;
    draw_panel(s, P_AUDIT, (tui_rect){y, r.x, ah, audit_w});
    draw_panel(s, P_CHECKLIST, (tui_rect){y, r.x + audit_w, ah, r.w - audit_w});
}

/* --- keys -------------------------------------------------------------------------------------- */

/* Enter on a panel: the screen behind it. */
static void open_panel(overview_state *s, tui_app *app)
{
    switch ((panel_id)s->sel) {
    case P_SIGNUPS:
    case P_USERS:
    case P_ACCOUNTS:
        tui_app_push(app, &tui_users_view, NULL);
        break;
    case P_BANS:
        tui_app_push(app, &tui_users_view, "banned");
        break;
    case P_SESSIONS_CHART:
        tui_app_push(app, &tui_sessions_view, NULL);
        break;
    case P_SESSIONS:
        tui_app_push(app, &tui_sessions_view,
                     s->stats.impersonation_sessions ? "impersonation" : "active");
        break;
    case P_KEYS:
        tui_app_push(app, &tui_jwks_view, NULL);
        break;
    case P_ENV:
        tui_app_push(app, &tui_env_view, NULL);
        break;
    case P_AUDIT:
        tui_app_push(app, &tui_audit_view, NULL);
        break;
    case P_CHECKLIST:
        tui_app_push(app, &tui_checklists_view, NULL);
        if (s->audit_run) {
            char id[24];
            snprintf(id, sizeof id, "%lld", (long long)s->audit_run);
            tui_app_push(app, &tui_run_view, id);
        }
        break;
    case P_COUNT:
        break;
    }
}

static bool overview_handle(tui_view *v, tui_app *app, tui_action a, const char *arg)
{
    (void)arg;
    overview_state *s = v->data;
    switch (a) {
    case TUI_ACT_MOVE_DOWN:
    case TUI_ACT_NEXT_PANE:
        s->sel = (s->sel + 1) % P_COUNT;
        return true;
    case TUI_ACT_MOVE_UP:
    case TUI_ACT_PREV_PANE:
        s->sel = (s->sel + P_COUNT - 1) % P_COUNT;
        return true;
    case TUI_ACT_FIRST:
        s->sel = 0;
        return true;
    case TUI_ACT_LAST:
        s->sel = P_COUNT - 1;
        return true;
    case TUI_ACT_OPEN:
        open_panel(s, app);
        return true;
    case TUI_ACT_FILTER:
        s->days = s->days == BC_STATS_DAYS_DEFAULT ? 90 : BC_STATS_DAYS_DEFAULT;
        restart(s);
        return true;
    case TUI_ACT_REFRESH:
    case TUI_ACT_VIEW_OVERVIEW:
        restart(s);
        return true;
    default:
        return false;
    }
}

static void overview_click(tui_view *v, tui_app *app, int y, int x)
{
    (void)app;
    overview_state *s = v->data;
    for (int i = 0; i < P_COUNT; i++) {
        tui_rect r = s->panels[i].rect;
        if (r.h && y >= r.y && y < r.y + r.h && x >= r.x && x < r.x + r.w)
            s->sel = i;
    }
}

static const tui_action overview_hints[] = {TUI_ACT_OPEN,   TUI_ACT_NEXT_PANE, TUI_ACT_FILTER,
                                            TUI_ACT_REFRESH, TUI_ACT_VIEW_USERS, TUI_ACT_NONE};

const tui_view_ops tui_overview_view = {
    .name = "overview",
    .open = overview_open,
    .draw = overview_draw,
    .handle = overview_handle,
    .click = overview_click,
    .idle_in = overview_idle_in,
    .idle = overview_idle,
    .hints = overview_hints,
    .close = overview_close,
};
