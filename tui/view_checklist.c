/* view_checklist.c - the checklist screens: the list of runs (state, progress, next step) and a
 * run's steps (pending / running / done / failed / skipped) with the selected step's explanation
 * and recorded output in a pane below; r runs from the next step, S skips it, t retries the
 * selected step, B and K start a bootstrap or a rotation, A abandons a run.
 *
 * Everything goes through core/checklist, driven on the console's target (target.h). The engine
 * asks the operator through bc_checklist_ui; its ask is synchronous but the console is not, so an
 * ask without a prepared answer records the question and pauses the run (BC_REFUSED), the view
 * shows it as a dialog (yes/no, a field, or the production name to type), and the answer is handed
 * to the engine on the next advance.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "admin.h"
#include "app.h"
#include "checklist.h"
#include "describe.h"
#include "isotime.h"
#include "target.h"
#include "table.h"
#include "text.h"
#include "timefmt.h"
#include "xalloc.h"

/* --- shared: the deployment and the engine ---------------------------------------------------- */

#define MAX_ANSWERS 4

typedef struct {
    char *step, *prompt, *answer;
} answer;

/* What the engine asked and the console has not answered yet. */
typedef struct {
    bool set;
    char step[64], title[160], prompt[TUI_DIALOG_TEXT];
    bc_step_kind kind;
    bool typed;
} question;

typedef struct {
    bc_state *db;
    int64_t run_id;
    bc_checklist_run run;
    bc_checklist *cl; /* NULL when this bcadmin has no such runbook */
    tui_list list; /* over the run's steps */
    size_t follow; /* 1 + the step the engine last reported (0: none yet) */
    answer answers[MAX_ANSWERS];
    size_t nanswers;
    question q;
    char target_name[512]; /* the name typed to confirm on production (bc_target_typed_name) */
    char outcome[1100];    /* what the last advance ended with */
} run_state;

static bc_state *state_db(tui_app *app, bc_error *err)
{
    bc_state *state = bc_target_state(tui_app_target(app), NULL);
    if (!state) {
        const char *why = tui_app_state_error(app);
        bc_fail(err, BC_ERR, "no state database, so no checklist runs: %s",
                why ? why : "not opened");
        return NULL;
    }
    return state;
}

static bc_status ui_ask(void *ctx, const bc_checklist_step *step, const char *prompt, bool typed,
                        char **out, bc_error *err)
{
    run_state *s = ctx;
    *out = NULL;
    for (size_t i = 0; i < s->nanswers; i++) {
        answer *a = &s->answers[i];
        if (strcmp(a->step, step->id) == 0 && strcmp(a->prompt, prompt) == 0) {
            *out = a->answer;
            free(a->step);
            free(a->prompt);
            s->answers[i] = s->answers[--s->nanswers];
            return BC_OK;
        }
    }
    question *q = &s->q;
    *q = (question){.set = true, .kind = step->kind, .typed = typed};
    snprintf(q->step, sizeof q->step, "%s", step->id);
    snprintf(q->title, sizeof q->title, "%s", step->title);
    snprintf(q->prompt, sizeof q->prompt, "%s", prompt);
    return bc_fail(err, BC_REFUSED, "step %s waits for the operator", step->id);
}

static void ui_progress(void *ctx, const bc_checklist_step *step, bc_step_state state,
                        const char *text)
{
    (void)state;
    (void)text;
    run_state *s = ctx;
    /* Follow the engine: the output pane shows the step that just changed (once the engine is
     * back: it runs on the console's worker thread while the screen draws the selection). */
    for (size_t i = 0; s->cl && i < s->cl->n; i++)
        if (&s->cl->steps[i] == step)
            s->follow = i + 1;
}

static void clear_answers(run_state *s)
{
    for (size_t i = 0; i < s->nanswers; i++) {
        free(s->answers[i].step);
        free(s->answers[i].prompt);
        free(s->answers[i].answer);
    }
    s->nanswers = 0;
}

static bc_status run_load(run_state *s, bc_error *err)
{
    bc_checklist_run_release(&s->run);
    s->run = (bc_checklist_run){0};
    bc_status st = bc_checklist_run_get(s->db, s->run_id, &s->run, err);
    if (st == BC_OK && !s->cl && bc_checklist_load(s->run.checklist, &s->cl, NULL) != BC_OK)
        s->cl = NULL;
    tui_list_count(&s->list, s->run.n);
    return st;
}

/* Index of the run's next step (first not done or skipped), or run.n. */
static size_t next_step(const bc_checklist_run *run)
{
    size_t i = 0;
    while (i < run->n &&
           (run->steps[i].state == BC_SS_DONE || run->steps[i].state == BC_SS_SKIPPED))
        i++;
    return i;
}

static void show_question(run_state *s, tui_app *app);

/* One advance of the engine, as tui_app_call runs it on the worker thread. Never stopped half way:
 * a step such as rotateKeys must not be cut off in flight. */
typedef struct {
    run_state *s;
    bc_target *target; /* the console's */
    bool opened;       /* the target is a Convex deployment (else nothing ran) */
    char target_name[sizeof((run_state *)0)->target_name];
    bc_run_outcome outcome;
} advance_call;

static bc_status run_advance_call(void *ctx, bc_error *err)
{
    advance_call *c = ctx;
    run_state *s = c->s;
    const bc_jwks_deploy *keys;
    bc_status st = bc_target_keys(c->target, &keys, err);
    if (st != BC_OK)
        return st;
    c->opened = true;
    snprintf(c->target_name, sizeof c->target_name, "%s", bc_target_typed_name(c->target));
    bc_checklist_ui ui = {.ctx = s, .ask = ui_ask, .progress = ui_progress};
    return bc_target_checklist_advance(c->target, s->cl, s->run_id, &ui, false, &c->outcome, err);
}

/* Advance the run on the deployment; shows the question it stopped at, or the outcome. */
static void advance(run_state *s, tui_app *app)
{
    if (!s->cl) {
        tui_app_message(app, "this bcadmin has no \"%s\" checklist: it cannot run this run",
                        s->run.checklist);
        return;
    }
    bc_error err = {0};
    s->q.set = false;
    s->follow = 0;
    advance_call c = {.s = s, .target = tui_app_target(app), .outcome = BC_RUN_STOPPED};
    bc_status st = tui_app_call(app, "running the checklist", false, run_advance_call, &c, &err);
    if (!c.opened) {
        tui_app_error(app, &err);
        return;
    }
    snprintf(s->target_name, sizeof s->target_name, "%s", c.target_name);
    if (s->follow)
        tui_list_select(&s->list, s->follow - 1);
    bc_run_outcome outcome = c.outcome;
    /* Every open screen (this run, the list under it) shows the run as it now stands. */
    tui_app_after_write(app, false);
    if (st != BC_OK) {
        clear_answers(s);
        snprintf(s->outcome, sizeof s->outcome, "error: %s", err.msg);
        tui_app_error(app, &err);
        return;
    }
    if (outcome == BC_RUN_PAUSED && s->q.set) {
        snprintf(s->outcome, sizeof s->outcome, "waiting for the operator at step %s", s->q.step);
        show_question(s, app);
        return;
    }
    clear_answers(s);
    if (outcome == BC_RUN_DONE) {
        snprintf(s->outcome, sizeof s->outcome, "done: every step is done or skipped");
        tui_app_message(app, "run %lld is done", (long long)s->run_id);
    } else {
        snprintf(s->outcome, sizeof s->outcome, "%s: %s",
                 outcome == BC_RUN_PAUSED ? "paused" : "stopped", err.msg);
        tui_app_message(app, "run %lld %s: %s (r resumes)", (long long)s->run_id,
                        outcome == BC_RUN_PAUSED ? "paused" : "stopped", err.msg);
    }
    size_t next = next_step(&s->run);
    if (next < s->run.n)
        tui_list_select(&s->list, next);
}

static bool question_done(tui_dialog *d, tui_app *app, bool accepted)
{
    run_state *s = d->ctx;
    if (!accepted) {
        tui_app_message(app, "run %lld stays paused at step %s (r asks again)",
                        (long long)s->run_id, s->q.step);
        s->q.set = false;
        return true;
    }
    if (s->nanswers == MAX_ANSWERS)
        clear_answers(s);
    answer *a = &s->answers[s->nanswers++];
    a->step = bc_xstrdup(s->q.step);
    a->prompt = bc_xstrdup(s->q.prompt);
    a->answer = bc_xstrdup(d->kind == TUI_DLG_YESNO ? "yes" : d->fields[0].value);
    advance(s, app);
    return true;
}

static void show_question(run_state *s, tui_app *app)
{
    const question *q = &s->q;
    tui_dialog d = {.on_done = question_done, .ctx = s};
    snprintf(d.title, sizeof d.title, "Step %.40s: %.100s", q->step, q->title);
    d.wrap = true;
    tui_dialog_line(&d, "%s", q->prompt);
    const bc_checklist_step *def = NULL;
    for (size_t i = 0; s->cl && i < s->cl->n; i++)
        if (strcmp(s->cl->steps[i].id, q->step) == 0)
            def = &s->cl->steps[i];
    if (def && !q->typed)
        tui_dialog_line(&d, "%s", def->explanation);
    if (q->typed) {
        /* The engine checks the name as well; the dialog only keeps a typo from reaching it. */
        d.kind = TUI_DLG_FORM;
        d.danger = true;
        tui_dialog_field_add(&d, "type the deployment's name", NULL, false, s->target_name);
    } else if (q->kind == BC_STEP_INPUT) {
        d.kind = TUI_DLG_FORM;
        tui_dialog_field_add(&d, "answer", NULL, false, NULL);
    } else {
        d.kind = TUI_DLG_YESNO;
    }
    tui_app_dialog(app, &d);
}

/* --- the run view --------------------------------------------------------------------------------
 */

static bc_status run_open(tui_view *v, tui_app *app, const char *arg, bc_error *err)
{
    run_state *s = bc_xcalloc(1, sizeof *s);
    v->data = s;
    v->list = &s->list;
    s->db = state_db(app, err);
    if (!s->db)
        return err->status;
    char *end = NULL;
    long long id = arg ? strtoll(arg, &end, 10) : 0;
    if (!arg || !*arg || *end || id <= 0)
        return bc_fail(err, BC_USAGE, "\"%s\" is not a run number", arg ? arg : "");
    s->run_id = id;
    bc_status st = run_load(s, err);
    if (st == BC_OK) {
        size_t next = next_step(&s->run);
        tui_list_select(&s->list, next < s->run.n ? next : 0);
    }
    return st;
}

static void run_close(tui_view *v)
{
    run_state *s = v->data;
    if (!s)
        return;
    clear_answers(s);
    bc_checklist_run_release(&s->run);
    bc_checklist_free(s->cl);
    free(s);
}

static const tui_col step_cols[] = {
    {"#", 3, 0, 0, false},    {"state", 8, 0, 0, false},  {"step", 12, 0, 1, false},
    {"kind", 9, 0, 2, false}, {"title", 20, 1, 0, false},
};

static tui_style state_style(bc_step_state st)
{
    switch (st) {
    case BC_SS_DONE:
        return TUI_S_GOOD;
    case BC_SS_FAILED:
        return TUI_S_DANGER;
    case BC_SS_RUNNING:
        return TUI_S_WARN | TUI_A_BOLD;
    case BC_SS_SKIPPED:
        return TUI_S_DIM;
    default:
        return 0;
    }
}

/* Draw text wrapped over at most max lines from y; returns the lines used. */
static int draw_wrapped(int y, int x, int w, int max, const char *label, const char *text,
                        tui_style style)
{
    if (!text || !*text || max <= 0 || w <= 4)
        return 0;
    char *shown = bc_text_escape(text, strlen(text));
    bc_buf b = {0};
    bc_buf_printf(&b, "%s%s", label, shown);
    free(shown);
    int used = 0;
    const char *p = b.data;
    while (*p && used < max) {
        /* fill the width by characters, then go back to the last space; long words break */
        size_t bytes = 0, space = 0;
        int cols = 0;
        while (p[bytes] && cols < w - 1) {
            size_t n = 1;
            while (((unsigned char)p[bytes + n] & 0xc0) == 0x80)
                n++;
            char ch[8] = {0};
            memcpy(ch, p + bytes, n < sizeof ch ? n : sizeof ch - 1);
            cols += (int)bc_text_width(ch);
            if (p[bytes] == ' ')
                space = bytes;
            bytes += n;
        }
        bool cut = p[bytes] && p[bytes] != ' ' && space > 0;
        if (cut)
            bytes = space;
        char *part = bc_xstrndup(p, bytes);
        tui_draw_text(y + used, x, w, part, style, true);
        free(part);
        p += bytes;
        while (*p == ' ')
            p++;
        used++;
    }
    bc_buf_release(&b);
    return used;
}

static void draw_output(run_state *s, tui_rect r, int y, int h)
{
    tui_draw_hline(y, r.x, r.w, TUI_S_DIM);
    if (s->list.sel >= s->run.n || h < 2)
        return;
    const bc_step_record *rec = &s->run.steps[s->list.sel];
    const bc_checklist_step *def = s->cl && s->list.sel < s->cl->n ? &s->cl->steps[s->list.sel] : NULL;
    char line[512], started[TUI_TIME_TEXT], finished[TUI_TIME_TEXT];
    tui_time_iso(rec->started_at, TUI_TIME_ZONE | TUI_TIME_SECONDS, started, sizeof started);
    tui_time_iso(rec->finished_at, TUI_TIME_ZONE | TUI_TIME_SECONDS, finished, sizeof finished);
    snprintf(line, sizeof line, "Step %zu %s: %s  (%s, attempts %d, started %s, finished %s)",
             s->list.sel + 1, rec->step_id, bc_step_state_name(rec->state),
             def ? bc_step_kind_name(def->kind) : "?", rec->attempts, started, finished);
    tui_draw_text(y + 1, r.x + 1, r.w - 1, line, TUI_A_BOLD, true);
    int used = 2, x = r.x + 1, w = r.w - 1;
    if (def)
        used += draw_wrapped(y + used, x, w, 3, "", def->explanation, TUI_S_DIM);
    used +=
        draw_wrapped(y + used, x, w, h - used - 2,
                     "output: ", rec->output && *rec->output ? rec->output : "(none recorded)", 0);
    used += draw_wrapped(y + used, x, w, h - used - 1, "note: ", rec->note, TUI_S_WARN);
    draw_wrapped(y + used, x, w, h - used, "last: ", s->outcome, TUI_A_BOLD);
}

static void run_draw(tui_view *v, tui_app *app, tui_rect r)
{
    (void)app;
    run_state *s = v->data;
    size_t done = 0;
    for (size_t i = 0; i < s->run.n; i++)
        done += s->run.steps[i].state == BC_SS_DONE || s->run.steps[i].state == BC_SS_SKIPPED;
    char title[768];
    snprintf(title, sizeof title, "Run #%lld  %s  %s  on %s  %zu/%zu steps", (long long)s->run_id,
             s->cl ? s->cl->title : s->run.checklist, s->run.state, s->run.target, done, s->run.n);
    tui_draw_text(r.y, r.x, r.w, title, TUI_S_TITLE, true);
    int widths[5];
    tui_table_layout(step_cols, 5, r.w, widths);
    tui_table_header(r.y + 1, r.x, r.w, step_cols, widths, 5, -1, false);
    int pane = r.h >= 20 ? r.h / 2 : r.h - 2 - (int)s->run.n;
    if (pane < 4)
        pane = 0;
    tui_list_place(&s->list, r.y + 2, r.h - 2 - pane);
    if (s->list.h <= 0)
        return;
    size_t next = next_step(&s->run), idx;
    for (int i = 0; tui_list_row(&s->list, i, &idx); i++) {
        const bc_step_record *rec = &s->run.steps[idx];
        const bc_checklist_step *def = s->cl && idx < s->cl->n ? &s->cl->steps[idx] : NULL;
        char num[32], kind[16];
        snprintf(num, sizeof num, "%s%zu",
                 idx == next && strcmp(s->run.state, "active") == 0 ? "\u25b6" : "", idx + 1);
        snprintf(kind, sizeof kind, "%s", def ? bc_step_kind_name(def->kind) : "?");
        const char *cells[5] = {num, bc_step_state_name(rec->state), rec->step_id, kind,
                                def ? def->title : ""};
        tui_style styles[5] = {0, state_style(rec->state), 0, TUI_S_DIM, 0};
        tui_table_row(r.y + 2 + i, r.x, r.w, widths, 5, cells, styles,
                      tui_list_selected(&s->list, idx));
    }
    if (pane)
        draw_output(s, r, r.y + r.h - pane, pane);
}

static bool skip_done(tui_dialog *d, tui_app *app, bool accepted)
{
    run_state *s = d->ctx;
    if (!accepted || !s->cl)
        return true;
    bc_error err = {0};
    const char *step = d->fields[0].expect;
    if (bc_checklist_skip(s->db, s->run_id, s->cl, step, d->fields[0].value, &err) != BC_OK) {
        tui_app_error(app, &err);
        return true;
    }
    tui_app_after_write(app, false);
    tui_app_message(app, "skipped step %s (recorded as the operator's decision); r goes on", step);
    return true;
}

static void start_skip(run_state *s, tui_app *app)
{
    size_t next = next_step(&s->run);
    if (strcmp(s->run.state, "active") != 0 || next == s->run.n || !s->cl) {
        tui_app_message(app, "run %lld is %s: nothing to skip", (long long)s->run_id, s->run.state);
        return;
    }
    const char *id = s->run.steps[next].step_id;
    tui_dialog d = {.kind = TUI_DLG_FORM, .danger = true, .on_done = skip_done, .ctx = s};
    snprintf(d.title, sizeof d.title, "Skip step %s?", id);
    tui_dialog_line(&d, "%s", s->cl->steps[next].title);
    tui_dialog_line(&d, "The step is recorded skipped and the run goes on after it.");
    tui_dialog_field_add(&d, "type the step id", NULL, false, id);
    tui_app_dialog(app, &d);
}

static bool redo_done(tui_dialog *d, tui_app *app, bool accepted)
{
    run_state *s = d->ctx;
    if (!accepted || !s->cl)
        return true;
    bc_error err = {0};
    const char *step = d->fields[0].expect;
    if (bc_checklist_redo(s->db, s->run_id, s->cl, step, d->fields[0].value, &err) != BC_OK) {
        tui_app_error(app, &err);
        return true;
    }
    advance(s, app);
    return true;
}

static void start_retry(run_state *s, tui_app *app)
{
    if (s->list.sel >= s->run.n || !s->cl)
        return;
    const bc_step_record *rec = &s->run.steps[s->list.sel];
    if (rec->state == BC_SS_FAILED || rec->state == BC_SS_RUNNING) {
        if (s->list.sel != next_step(&s->run)) {
            tui_app_message(app, "an earlier step comes first: r runs the next step");
            return;
        }
        advance(s, app); /* the engine examines it first, then runs it again if needed */
        return;
    }
    if (rec->state == BC_SS_PENDING) {
        tui_app_message(app, "step %s has not run yet: r runs the next step", rec->step_id);
        return;
    }
    const bc_checklist_step *def = &s->cl->steps[s->list.sel];
    tui_dialog d = {.kind = TUI_DLG_FORM, .danger = true, .on_done = redo_done, .ctx = s};
    snprintf(d.title, sizeof d.title, "Run step %s again?", rec->step_id);
    tui_dialog_line(&d, "%s (%s)", def->title, bc_step_state_name(rec->state));
    if (def->once)
        tui_dialog_line(&d,
                        "This step must not run twice by accident (rotateKeys makes a new key).");
    tui_dialog_line(&d, "It and every later step go back to pending, then the run goes on.");
    tui_dialog_field_add(&d, "type the step id", NULL, false, rec->step_id);
    tui_app_dialog(app, &d);
}

static bool abandon_done(tui_dialog *d, tui_app *app, bool accepted)
{
    int64_t *id = d->ctx;
    if (!accepted)
        return true;
    bc_error err = {0};
    bc_state *db = state_db(app, &err);
    if (!db || bc_checklist_abandon(db, *id, &err) != BC_OK)
        tui_app_error(app, &err);
    else
        tui_app_message(app, "run %lld abandoned", (long long)*id);
    tui_app_after_write(app, false);
    return true;
}

/* The yes/no before abandoning run id. */
static void start_abandon(tui_app *app, int64_t id, const char *state)
{
    if (strcmp(state, "active") != 0) {
        tui_app_message(app, "run %lld is %s: only an unfinished run can be abandoned",
                        (long long)id, state);
        return;
    }
    int64_t *ctx = bc_xmalloc(sizeof *ctx);
    *ctx = id;
    tui_dialog d = {.kind = TUI_DLG_YESNO, .on_done = abandon_done, .ctx = ctx, .ctx_free = free};
    snprintf(d.title, sizeof d.title, "Abandon run %lld?", (long long)id);
    tui_dialog_line(&d, "It stays in the list as abandoned and no longer blocks a new run.");
    tui_dialog_line(&d, "Nothing on the deployment is undone.");
    tui_app_dialog(app, &d);
}

static bool run_handle(tui_view *v, tui_app *app, tui_action a, const char *arg)
{
    (void)arg;
    run_state *s = v->data;
    switch (a) {
    case TUI_ACT_CHECKLIST_RESUME:
        if (strcmp(s->run.state, "active") != 0)
            tui_app_message(app, "run %lld is %s: nothing to run", (long long)s->run_id,
                            s->run.state);
        else
            advance(s, app);
        return true;
    case TUI_ACT_SKIP_STEP:
        start_skip(s, app);
        return true;
    case TUI_ACT_RETRY_STEP:
        start_retry(s, app);
        return true;
    case TUI_ACT_ABANDON_RUN:
        start_abandon(app, s->run_id, s->run.state);
        return true;
    case TUI_ACT_REFRESH: {
        bc_error err = {0};
        if (run_load(s, &err) != BC_OK)
            tui_app_error(app, &err);
        return true;
    }
    default:
        return false;
    }
}

/* The selected step whole: its explanation, recorded output and note are never cut here. */
static bool run_record(tui_view *v, tui_app *app, tui_fields *out)
{
    (void)app;
    run_state *s = v->data;
    if (s->list.sel >= s->run.n)
        return false;
    const bc_step_record *rec = &s->run.steps[s->list.sel];
    const bc_checklist_step *def =
        s->cl && s->list.sel < s->cl->n ? &s->cl->steps[s->list.sel] : NULL;
    tui_fields_title(out, "Run #%lld step %zu %s", (long long)s->run_id, s->list.sel + 1,
                     rec->step_id);
    tui_fields_add(out, "step", rec->step_id);
    tui_fields_add(out, "title", def ? def->title : NULL);
    tui_fields_add(out, "state", bc_step_state_name(rec->state));
    tui_fields_add(out, "kind", def ? bc_step_kind_name(def->kind) : NULL);
    tui_fields_addf(out, "attempts", "%d", rec->attempts);
    tui_fields_add_time(out, "started", rec->started_at);
    tui_fields_add_time(out, "finished", rec->finished_at);
    tui_fields_add(out, "explanation", def ? def->explanation : NULL);
    tui_fields_add(out, "output", rec->output && *rec->output ? rec->output : "(none recorded)");
    tui_fields_add(out, "note", rec->note);
    tui_fields_add(out, "last outcome", s->outcome[0] ? s->outcome : NULL);
    return true;
}

static const tui_action run_hints[] = {TUI_ACT_CHECKLIST_RESUME, TUI_ACT_SKIP_STEP,
                                       TUI_ACT_RETRY_STEP, TUI_ACT_ABANDON_RUN, TUI_ACT_NONE};

const tui_view_ops tui_run_view = {
    .name = "run",
    .open = run_open,
    .draw = run_draw,
    .handle = run_handle,
    .record = run_record,
    .hints = run_hints,
    .close = run_close,
};

/* --- the list of runs ----------------------------------------------------------------------------
 */

typedef struct {
    bc_state *db;
    bc_checklist_runs runs;
    tui_list list; /* over runs */
} list_state;

static bc_status list_load(list_state *s, bc_error *err)
{
    int64_t keep = s->list.sel < s->runs.n ? s->runs.items[s->list.sel].id : 0;
    bc_checklist_runs_release(&s->runs);
    s->runs = (bc_checklist_runs){0};
    bc_status st = bc_checklist_runs_list(s->db, 0, &s->runs, err);
    tui_list_count(&s->list, s->runs.n);
    tui_list_select(&s->list, 0);
    for (size_t i = 0; keep && i < s->runs.n; i++)
        if (s->runs.items[i].id == keep)
            tui_list_select(&s->list, i);
    return st;
}

static bc_status list_open(tui_view *v, tui_app *app, const char *arg, bc_error *err)
{
    (void)arg;
    list_state *s = bc_xcalloc(1, sizeof *s);
    v->data = s;
    v->list = &s->list;
    s->db = state_db(app, err);
    return s->db ? list_load(s, err) : err->status;
}

static void list_close(tui_view *v)
{
    list_state *s = v->data;
    if (!s)
        return;
    bc_checklist_runs_release(&s->runs);
    free(s);
}

static const tui_col run_cols[] = {
    {"#", 4, 0, 0, false},       {"checklist", 9, 0, 0, false},  {"state", 9, 0, 0, false},
    {"steps", 5, 0, 1, false},   {"next step", 14, 0, 2, false}, {"started", 16, 0, 3, true},
    {"target", 16, 1, 1, false},
};
#define RUN_COLS ((int)(sizeof run_cols / sizeof run_cols[0]))

static void list_draw(tui_view *v, tui_app *app, tui_rect r)
{
    (void)app;
    list_state *s = v->data;
    char title[256];
    snprintf(title, sizeof title, "Checklists  %zu run%s, newest first   B: bootstrap  K: rotation",
             s->runs.n, s->runs.n == 1 ? "" : "s");
    tui_draw_text(r.y, r.x, r.w, title, TUI_S_TITLE, true);
    int widths[RUN_COLS];
    tui_table_layout(run_cols, RUN_COLS, r.w, widths);
    tui_table_header(r.y + 1, r.x, r.w, run_cols, widths, RUN_COLS, -1, false);
    tui_list_place(&s->list, r.y + 2, r.h - 2);
    if (!s->runs.n) {
        tui_draw_text(r.y + 3, r.x + 2, r.w - 2,
                      "No checklist runs yet. B starts the first-deploy bootstrap, K a key "
                      "rotation (on this Convex deployment).",
                      TUI_S_DIM, false);
        return;
    }
    size_t idx;
    for (int i = 0; tui_list_row(&s->list, i, &idx); i++) {
        const bc_checklist_run *run = &s->runs.items[idx];
        size_t next = next_step(run);
        char id[24], steps[32], nextc[96], started[TUI_TIME_TEXT];
        snprintf(id, sizeof id, "%lld", (long long)run->id);
        snprintf(steps, sizeof steps, "%zu/%zu", next, run->n);
        if (next < run->n && strcmp(run->state, "active") == 0)
            snprintf(nextc, sizeof nextc, "%s (%s)", run->steps[next].step_id,
                     bc_step_state_name(run->steps[next].state));
        else
            snprintf(nextc, sizeof nextc, "-");
        tui_time_iso(run->started_at, 0, started, sizeof started);
        const char *cells[RUN_COLS] = {id,    run->checklist, run->state, steps,
                                       nextc, started,        run->target};
        tui_style styles[RUN_COLS] = {0};
        styles[2] = strcmp(run->state, "done") == 0     ? TUI_S_GOOD
                    : strcmp(run->state, "active") == 0 ? TUI_S_WARN | TUI_A_BOLD
                    : strcmp(run->state, "failed") == 0 ? TUI_S_DANGER
                                                        : TUI_S_DIM;
        tui_table_row(r.y + 2 + i, r.x, r.w, widths, RUN_COLS, cells, styles,
                      tui_list_selected(&s->list, idx));
    }
}

/* Start a run of checklist id on the console's target (or continue its unfinished run of the
 * same checklist) and open it: it runs at once. */
static void start_checklist(tui_app *app, const char *id)
{
    bc_error err = {0};
    bc_target *t = tui_app_target(app);
    const bc_jwks_deploy *keys;
    bc_checklist *cl = NULL;
    int64_t run_id = 0;
    bool continued = false;
    bc_status st = bc_target_keys(t, &keys, &err);
    if (st == BC_OK)
        st = bc_checklist_load(id, &cl, &err);
    if (st == BC_OK)
        st = bc_target_checklist_start(t, cl, &run_id, &continued, &err);
    bc_checklist_free(cl);
    if (st != BC_OK) {
        tui_app_error(app, &err);
        return;
    }
    char arg[24];
    snprintf(arg, sizeof arg, "%lld", (long long)run_id);
    if (tui_app_push(app, &tui_run_view, arg))
        tui_app_run_action(app, TUI_ACT_CHECKLIST_RESUME, NULL);
    if (continued)
        tui_app_message(app, "continuing the unfinished %s run %lld", id, (long long)run_id);
}

typedef struct {
    char id[16];
} start_ctx;

static bool start_done(tui_dialog *d, tui_app *app, bool accepted)
{
    start_ctx *c = d->ctx;
    if (!accepted) {
        tui_app_message(app, "nothing was started");
        return true;
    }
    if (d->kind == TUI_DLG_FORM &&
        !bc_target_name_matches(tui_app_target(app), d->fields[0].value)) {
        tui_app_message(app, "\"%s\" is not %s: nothing was started", d->fields[0].value,
                        bc_target_typed_name(tui_app_target(app)));
        return true;
    }
    start_checklist(app, c->id);
    return true;
}

/* B and K change the deployment's keys: ask first (the name typed on production). */
static void confirm_start(tui_app *app, const char *id)
{
    bc_target *t = tui_app_target(app);
    const bc_jwks_deploy *keys;
    bc_error err = {0};
    if (bc_target_keys(t, &keys, &err) != BC_OK) {
        tui_app_error(app, &err);
        return;
    }
    start_ctx *c = bc_xcalloc(1, sizeof *c);
    snprintf(c->id, sizeof c->id, "%s", id);
    bool rotate = strcmp(id, "rotate") == 0;
    bool prod = bc_target_needs_name(t);
    tui_dialog d = {.kind = prod ? TUI_DLG_FORM : TUI_DLG_YESNO,
                    .danger = prod || rotate,
                    .on_done = start_done,
                    .ctx = c,
                    .ctx_free = free};
    snprintf(d.title, sizeof d.title, "%s on %.100s?",
             rotate ? "Start a key rotation" : "Start the JWKS bootstrap", t->label);
    d.wrap = true;
    tui_dialog_line(&d, "%s",
                    rotate ? "rotateKeys replaces the signing key: every token signed with the "
                             "old key is refused until the client refreshes it (up to 15 "
                             "minutes)."
                           : "getLatestJwks makes the first signing key and JWKS is set to it.");
    tui_dialog_line(&d, "An unfinished run of the same checklist on this deployment continues.");
    if (prod)
        tui_dialog_field_add(&d, "type the deployment's name", NULL, false,
                             bc_target_typed_name(t));
    tui_app_dialog(app, &d);
}

static bool list_handle(tui_view *v, tui_app *app, tui_action a, const char *arg)
{
    (void)arg;
    list_state *s = v->data;
    const bc_checklist_run *run = s->list.sel < s->runs.n ? &s->runs.items[s->list.sel] : NULL;
    switch (a) {
    case TUI_ACT_OPEN:
    case TUI_ACT_CHECKLIST_RESUME: {
        if (!run)
            return true;
        char id[24];
        snprintf(id, sizeof id, "%lld", (long long)run->id);
        if (tui_app_push(app, &tui_run_view, id) && a == TUI_ACT_CHECKLIST_RESUME)
            tui_app_run_action(app, a, NULL);
        return true;
    }
    case TUI_ACT_JWKS_BOOTSTRAP:
        confirm_start(app, "bootstrap");
        return true;
    case TUI_ACT_JWKS_ROTATE:
        confirm_start(app, "rotate");
        return true;
    case TUI_ACT_ABANDON_RUN:
        if (run)
            start_abandon(app, run->id, run->state);
        return true;
    case TUI_ACT_REFRESH: {
        bc_error err = {0};
        if (list_load(s, &err) != BC_OK)
            tui_app_error(app, &err);
        return true;
    }
    default:
        return false;
    }
}

static bool list_record(tui_view *v, tui_app *app, tui_fields *out)
{
    (void)app;
    list_state *s = v->data;
    if (s->list.sel >= s->runs.n)
        return false;
    const bc_checklist_run *run = &s->runs.items[s->list.sel];
    tui_fields_title(out, "Checklist run #%lld %s", (long long)run->id, run->checklist);
    tui_fields_add(out, "checklist", run->checklist);
    tui_fields_add(out, "state", run->state);
    tui_fields_addf(out, "target", "%s %s", run->target_kind, run->target);
    tui_fields_add(out, "by (os user)", run->os_user);
    tui_fields_add_time(out, "started", run->started_at);
    tui_fields_add_time(out, "updated", run->updated_at);
    tui_fields_add_time(out, "finished", run->finished_at);
    for (size_t i = 0; i < run->n; i++) {
        const bc_step_record *rec = &run->steps[i];
        tui_fields_addf(out, rec->step_id, "%s%s%s", bc_step_state_name(rec->state),
                        rec->note ? ": " : "", rec->note ? rec->note : "");
    }
    return true;
}

static const tui_action list_hints[] = {TUI_ACT_OPEN,           TUI_ACT_CHECKLIST_RESUME,
                                        TUI_ACT_JWKS_BOOTSTRAP, TUI_ACT_JWKS_ROTATE,
                                        TUI_ACT_ABANDON_RUN,    TUI_ACT_NONE};

const tui_view_ops tui_checklists_view = {
    .name = "checklists",
    .open = list_open,
    .draw = list_draw,
    .handle = list_handle,
    .record = list_record,
    .hints = list_hints,
    .close = list_close,
};
