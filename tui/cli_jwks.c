/* cli_jwks.c - the key verbs (jwks doctor, bootstrap, rotate) and the checklist verbs (list,
 * status, resume). They choose the target, gather options, call core and print; the doctor's
 * checks, the rotation rules and the checklist engine all live in core. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "checklist.h"
#include "cli.h"
#include "isotime.h"
#include "timefmt.h"
#include "jwks_convex.h"
#include "jwks_doctor.h"
#include "jwks_rotate.h"
#include "print.h"
#include "target.h"
#include "state.h"
#include "text.h"
#include "xalloc.h"

/* --- targets ------------------------------------------------------------------------------ */

/* The state database of the target, or of the options when no target is open yet. */
static bc_state *state_of(bc_cli *c, bc_error *err)
{
    if (!c->t.os_user) {
        bc_target_opts o = {.state = c->state};
        bc_target_init(&o, &c->t);
    }
    return bc_target_state(&c->t, err);
}

/* --- printing ----------------------------------------------------------------------------- */

static void print_checks(bc_cli *c, const char *target, const bc_checks *checks)
{
    if (c->format == BC_OUT_JSON) {
        bc_json_print(c->out, bc_checks_to_json(checks));
        return;
    }
    bc_cli_line(c->out, "JWKS doctor: %s", target ? target : "");
    size_t bad = 0;
    for (size_t i = 0; i < checks->n; i++) {
        const bc_check *k = &checks->items[i];
        bc_cli_line(c->out, "  %-4s  %-18s %s", bc_check_status_name(k->status), k->id,
                    k->message ? k->message : "");
        if (k->status != BC_CHECK_OK && k->fix && *k->fix)
            bc_cli_line(c->out, "  %-4s  %-18s fix: %s", "", "", k->fix);
        bad += k->status == BC_CHECK_FAIL;
    }
    bc_cli_line(c->out, "%zu check%s, %zu failed", checks->n, checks->n == 1 ? "" : "s", bad);
}

static json_t *run_json(const bc_checklist_run *run, const bc_checklist *cl)
{
    json_t *steps = json_array();
    for (size_t i = 0; i < run->n; i++) {
        const bc_step_record *s = &run->steps[i];
        const bc_checklist_step *d = cl && i < cl->n ? &cl->steps[i] : NULL;
        json_t *o = json_pack("{s:s, s:s, s:i}", "id", s->step_id, "state",
                              bc_step_state_name(s->state), "attempts", s->attempts);
        if (d) {
            json_object_set_new(o, "title", json_string(d->title));
            json_object_set_new(o, "kind", json_string(bc_step_kind_name(d->kind)));
        }
        json_object_set_new(o, "startedAt",
                            s->started_at ? json_string(s->started_at) : json_null());
        json_object_set_new(o, "finishedAt",
                            s->finished_at ? json_string(s->finished_at) : json_null());
        json_object_set_new(o, "output", s->output ? json_string(s->output) : json_null());
        json_object_set_new(o, "note", s->note ? json_string(s->note) : json_null());
        json_array_append_new(steps, o);
    }
    return json_pack(
        "{s:I, s:s, s:s, s:s, s:s, s:s, s:s, s:o, s:o}", "run", (json_int_t)run->id, "checklist",
        run->checklist, "state", run->state, "targetKind", run->target_kind, "target", run->target,
        "startedAt", run->started_at, "updatedAt", run->updated_at, "finishedAt",
        run->finished_at ? json_string(run->finished_at) : json_null(), "steps", steps);
}

static void print_run_human(bc_cli *c, const bc_checklist_run *run, const bc_checklist *cl)
{
    bc_cli_line(c->out, "run %lld: %s checklist on %s (%s) - %s", (long long)run->id,
                run->checklist, run->target, run->target_kind, run->state);
    for (size_t i = 0; i < run->n; i++) {
        const bc_step_record *s = &run->steps[i];
        const char *title = cl && i < cl->n ? cl->steps[i].title : s->step_id;
        bc_cli_line(c->out, "  %zu. [%-7s] %-12s %s", i + 1, bc_step_state_name(s->state),
                    s->step_id, title);
        if (s->output && *s->output)
            bc_cli_line(c->out, "       %s", s->output);
        if (s->note)
            bc_cli_line(c->out, "       note: %s", s->note);
    }
}

/* --- the doctor --------------------------------------------------------------------------- */

static bc_status doctor_sqlite(bc_cli *c, const char *path, bc_error *err)
{
    bc_secrets secrets = {0};
    const char *from = NULL;
    bc_status st = bc_secrets_load(c->secret_file, &secrets, &from, err);
    if (st != BC_OK) {
        bc_secrets_release(&secrets);
        return st;
    }
    bc_checks checks = {0};
    st = bc_target_doctor_sqlite(&c->t, &secrets, from, c->alg, c->now, &checks, NULL, err);
    if (st == BC_OK) {
        print_checks(c, path, &checks);
        if (bc_checks_failed(&checks))
            st = bc_fail(err, BC_ERR, "the JWKS doctor found problems in %s", path);
    }
    bc_checks_release(&checks);
    bc_secrets_release(&secrets);
    return st;
}

bc_status bc_cli_jwks_doctor(bc_cli *c, bc_error *err)
{
    bc_status st = bc_cli_open_conn(c, true, err);
    if (st != BC_OK)
        return st;
    if (c->t.path)
        return doctor_sqlite(c, c->t.path, err);
    if (c->secret_file || c->alg)
        return bc_fail(err, BC_USAGE,
                       "--secret-file and --alg are for SQLite apps (--db): a "
                       "Convex deployment's secret is read from the deployment");
    const bc_jwks_deploy *keys;
    st = bc_target_keys(&c->t, &keys, err);
    if (st != BC_OK)
        return st;
    bc_checks checks = {0};
    st = bc_jwks_doctor_deployment(keys, &checks, err);
    if (st == BC_OK) {
        print_checks(c, c->t.label, &checks);
        if (bc_checks_failed(&checks))
            st = bc_fail(err, BC_ERR, "the JWKS doctor found problems on %s", c->t.label);
    }
    bc_checks_release(&checks);
    return st;
}

/* --- checklists --------------------------------------------------------------------------- */

typedef struct {
    bc_cli *c;
} ui_ctx;

/* One line from stdin after a prompt on stderr (stdout may be JSON). */
static bc_status read_line(const char *prompt, char **answer, bc_error *err)
{
    char *shown = bc_text_escape(prompt, strlen(prompt));
    fprintf(stderr, "%s: ", shown);
    free(shown);
    fflush(stderr);
    *answer = bc_cli_read_line();
    if (!*answer)
        return bc_fail(err, BC_REFUSED, "no answer to \"%s\"", prompt);
    return BC_OK;
}

static bc_status cli_ask(void *ctx, const bc_checklist_step *step, const char *prompt, bool typed,
                         char **answer, bc_error *err)
{
    ui_ctx *u = ctx;
    *answer = NULL;
    if (typed && (u->c->yes || u->c->name_confirmed)) {
        /* the operator confirmed production for this run already (--yes, or the name typed) */
        *answer = bc_xstrdup(bc_target_typed_name(&u->c->t));
        return BC_OK;
    }
    if (u->c->yes && !typed) {
        *answer = bc_xstrdup(step->kind == BC_STEP_INPUT ? "not given (--yes)" : "yes");
        return BC_OK;
    }
    if (!typed && !isatty(STDIN_FILENO))
        return bc_fail(err, BC_REFUSED,
                       "step %s waits for the operator (%s): run on a terminal or pass --yes",
                       step->id, prompt);
    fputc('\n', stderr);
    bc_cli_line(stderr, "%s", step->title);
    bc_cli_line(stderr, "  %s", step->explanation);
    char *full =
        bc_xasprintf("%s%s", prompt, step->kind == BC_STEP_CONFIRM && !typed ? " [y/N]" : "");
    bc_status st = read_line(full, answer, err);
    free(full);
    return st;
}

static void cli_progress(void *ctx, const bc_checklist_step *step, bc_step_state state,
                         const char *text)
{
    ui_ctx *u = ctx;
    if (u->c->format == BC_OUT_JSON || state == BC_SS_RUNNING)
        return;
    /* Progress goes to stderr so that stdout holds only the run's report. A failure's reason is
     * the verb's final message: said once. */
    if (state == BC_SS_FAILED) {
        bc_cli_line(stderr, "[%s] %s", bc_step_state_name(state), step->id);
        return;
    }
    bc_cli_line(stderr, "[%s] %s: %s", bc_step_state_name(state), step->id, text ? text : "");
}

/* Advance run_id of cl on the Convex target and print the run; with --json and a non-NULL
 * run_doc, the run's document goes to *run_doc (the caller's) for the caller's one document. */
static bc_status advance_and_print(bc_cli *c, const bc_checklist *cl, int64_t run_id,
                                   json_t **run_doc, bc_error *err)
{
    ui_ctx u = {c};
    bc_checklist_ui ui = {.ctx = &u, .ask = cli_ask, .progress = cli_progress};
    bc_run_outcome outcome;
    bc_error why = {0};
    bc_status st = bc_target_checklist_advance(&c->t, cl, run_id, &ui, c->yes, &outcome, &why);
    if (st != BC_OK) {
        *err = why;
        return st;
    }
    bc_checklist_run run;
    st = bc_checklist_run_get(bc_target_state(&c->t, NULL), run_id, &run, err);
    if (st != BC_OK)
        return st;
    static const char *const names[] = {"done", "paused", "stopped"};
    bool not_started = strcmp(run.state, "not started") == 0;
    if (c->format == BC_OUT_JSON) {
        json_t *doc = run_json(&run, cl);
        json_object_set_new(doc, "outcome",
                            json_string(not_started ? "not started" : names[outcome]));
        json_object_set_new(doc, "message",
                            outcome == BC_RUN_DONE ? json_null() : json_string(why.msg));
        if (run_doc)
            *run_doc = doc;
        else
            bc_json_print(c->out, doc);
    } else {
        print_run_human(c, &run, cl);
    }
    bc_checklist_run_release(&run);
    if (not_started)
        return bc_fail(err, BC_REFUSED,
                       "%s; run %lld did not start (it blocks nothing): run "
                       "the same command again once that is done",
                       why.msg, (long long)run_id);
    if (outcome == BC_RUN_PAUSED)
        return bc_fail(err, BC_REFUSED, "%s; run %lld is paused: `bcadmin checklist resume %lld`",
                       why.msg, (long long)run_id, (long long)run_id);
    if (outcome == BC_RUN_STOPPED)
        return bc_fail(err, BC_ERR, "%s; after fixing it: `bcadmin checklist resume %lld`", why.msg,
                       (long long)run_id);
    return BC_OK;
}

/* Start a run of checklist id on the Convex deployment, or continue its unfinished run of the
 * same checklist (saying so), and advance it. */
static bc_status start_convex_checklist(bc_cli *c, const char *id, bc_error *err)
{
    return bc_cli_run_checklist(c, id, false, NULL, err);
}

bc_status bc_cli_run_checklist(bc_cli *c, const char *id, bool costly, json_t **run_doc,
                               bc_error *err)
{
    const bc_jwks_deploy *keys;
    bc_status st = bc_target_keys(&c->t, &keys, err);
    if (st != BC_OK)
        return st;
    bc_checklist *cl = NULL;
    st = bc_checklist_load(id, &cl, err);
    if (st == BC_OK) {
        char *q = bc_xasprintf("Run the %s checklist on %s?", cl->id, c->t.label);
        st = bc_cli_confirm(c, q, costly, err);
        free(q);
    }
    int64_t run_id = 0;
    bool continued = false;
    if (st == BC_OK)
        st = bc_target_checklist_start(&c->t, cl, &run_id, &continued, err);
    if (st == BC_OK && continued)
        bc_cli_line(stderr, "bcadmin: continuing the unfinished %s run %lld on %s", cl->id,
                    (long long)run_id, c->t.label);
    if (st == BC_OK)
        st = advance_and_print(c, cl, run_id, run_doc, err);
    bc_checklist_free(cl);
    return st;
}

bc_status bc_cli_jwks_bootstrap(bc_cli *c, bc_error *err)
{
    bc_status st = bc_cli_open_conn(c, false, err);
    if (st != BC_OK)
        return st;
    if (c->t.path)
        return bc_fail(err, BC_USAGE,
                       "jwks bootstrap is for Convex deployments; a SQLite app's "
                       "server makes its first key itself (see `bcadmin jwks doctor --db`)");
    return start_convex_checklist(c, "bootstrap", err);
}

static bc_status rotate_sqlite(bc_cli *c, const char *path, bc_error *err)
{
    bc_status st = BC_OK;
    bc_secrets secrets = {0};
    const char *from = NULL;
    if (st == BC_OK)
        st = bc_secrets_load(c->secret_file, &secrets, &from, err);
    bc_state *s = NULL;
    if (st == BC_OK)
        st = bc_target_check_write(&c->t, "jwks rotate", err);
    if (st == BC_OK) {
        char *q = bc_xasprintf("Rotate the signing key of %s?", c->t.label);
        st = bc_cli_confirm(c, q, false, err);
        free(q);
    }
    if (st == BC_OK && !(s = bc_target_state(&c->t, err)))
        st = err->status ? err->status : BC_ERR;
    bc_audit_who who = bc_target_who(&c->t, NULL);
    bc_jwks_rotate_result res;
    if (st == BC_OK) {
        bc_jwks_rotate_opts o = {.secrets = &secrets,
                                 .alg = c->alg,
                                 .revoke_old = c->revoke_old,
                                 .audit_db = s,
                                 .who = &who};
        st = bc_target_rotate_sqlite(&c->t, &o, &res, err);
    }
    if (st == BC_OK && c->format == BC_OUT_JSON) {
        bc_json_print(c->out, json_pack("{s:s, s:s, s:s, s:i, s:i, s:i, s:b}", "kid", res.kid,
                                        "alg", res.alg, "algFrom", res.alg_why, "expired",
                                        (int)res.expired, "deleted", (int)res.deleted, "kept",
                                        (int)res.kept, "secretChecked", res.secret_checked));
    } else if (st == BC_OK) {
        bc_cli_line(c->out, "new key %s (%s, %s) is now the newest row of %s", res.kid, res.alg,
                    res.alg_why, path);
        if (res.deleted)
            bc_cli_line(c->out, "  %zu older key%s deleted (--revoke-old)", res.deleted,
                        res.deleted == 1 ? "" : "s");
        if (res.expired)
            bc_cli_line(c->out,
                        "  %zu older key%s signing now and stay%s published for the server's "
                        "grace period (30 days by default)",
                        res.expired, res.expired == 1 ? " stops" : "s stop",
                        res.expired == 1 ? "s" : "");
        if (!res.secret_checked)
            bc_cli_line(c->out, "  note: there were no keys to check the secret against");
    }
    bc_secrets_release(&secrets);
    return st;
}

bc_status bc_cli_jwks_rotate(bc_cli *c, bc_error *err)
{
    bc_status st = bc_cli_open_conn(c, false, err);
    if (st != BC_OK)
        return st;
    if (c->t.path)
        return rotate_sqlite(c, c->t.path, err);
    if (c->secret_file || c->alg || c->revoke_old)
        return bc_fail(err, BC_USAGE,
                       "--secret-file, --alg and --revoke-old are for SQLite apps "
                       "(--db): rotateKeys on Convex always makes one RS256 key");
    return start_convex_checklist(c, "rotate", err);
}

bc_status bc_cli_checklist_list(bc_cli *c, bc_error *err)
{
    bc_state *s = state_of(c, err);
    bc_status st = s ? BC_OK : err->status;
    bc_checklist_runs runs = {0};
    if (st == BC_OK)
        st = bc_checklist_runs_list(s, 100, &runs, err);
    if (st == BC_OK && c->format == BC_OUT_JSON) {
        json_t *arr = json_array();
        for (size_t i = 0; i < runs.n; i++)
            json_array_append_new(arr, run_json(&runs.items[i], NULL));
        bc_json_print(c->out, json_pack("{s:o}", "runs", arr));
    } else if (st == BC_OK) {
        if (!runs.n)
            fprintf(c->out, "no checklist runs\n");
        static const bc_print_col cols[] = {{"run", 0, false},    {"checklist", 0, false},
                                            {"state", 0, false},  {"steps", 0, false},
                                            {"started", 0, true}, {"target", 60, false}};
        bc_table t;
        bc_table_init(&t, c->out, c->columns, cols, sizeof cols / sizeof cols[0]);
        for (size_t i = 0; i < runs.n; i++) {
            const bc_checklist_run *r = &runs.items[i];
            size_t done = 0;
            for (size_t j = 0; j < r->n; j++)
                done += r->steps[j].state == BC_SS_DONE || r->steps[j].state == BC_SS_SKIPPED;
            char id[24], steps[48], started[TUI_TIME_TEXT];
            snprintf(id, sizeof id, "%lld", (long long)r->id);
            snprintf(steps, sizeof steps, "%zu/%zu", done, r->n);
            tui_time_iso(r->started_at, TUI_TIME_ABSOLUTE, started, sizeof started);
            const char *cells[] = {id, r->checklist, r->state, steps, started, r->target};
            bc_table_row(&t, cells, NULL);
        }
        if (runs.n)
            bc_table_flush(&t);
        bc_table_release(&t);
    }
    bc_checklist_runs_release(&runs);
    return st;
}

static bc_status run_arg(const bc_cli *c, bc_state *db, bool active_only, int64_t *id,
                         bc_error *err)
{
    if (c->nargs) {
        char *end;
        long long v = strtoll(c->args[0], &end, 10);
        if (!*c->args[0] || *end || v <= 0)
            return bc_fail(err, BC_USAGE, "RUN \"%s\" is not a run number", c->args[0]);
        *id = v;
        return BC_OK;
    }
    if (active_only) {
        bc_status st = bc_checklist_find_active(db, NULL, NULL, id, err);
        if (st == BC_OK && !*id)
            st = bc_fail(err, BC_NOT_FOUND, "no unfinished checklist run to resume");
        return st;
    }
    bc_checklist_runs runs;
    bc_status st = bc_checklist_runs_list(db, 1, &runs, err);
    if (st != BC_OK)
        return st;
    *id = runs.n ? runs.items[0].id : 0;
    bc_checklist_runs_release(&runs);
    return *id ? BC_OK : bc_fail(err, BC_NOT_FOUND, "no checklist runs yet");
}

bc_status bc_cli_checklist_status(bc_cli *c, bc_error *err)
{
    bc_state *s = state_of(c, err);
    bc_status st = s ? BC_OK : err->status;
    int64_t id = 0;
    if (st == BC_OK)
        st = run_arg(c, s, false, &id, err);
    bc_checklist_run run = {0};
    if (st == BC_OK)
        st = bc_checklist_run_get(s, id, &run, err);
    bc_checklist *cl = NULL;
    if (st == BC_OK && bc_checklist_load(run.checklist, &cl, NULL) != BC_OK)
        cl = NULL;
    if (st == BC_OK && c->format == BC_OUT_JSON)
        bc_json_print(c->out, run_json(&run, cl));
    else if (st == BC_OK)
        print_run_human(c, &run, cl);
    bc_checklist_free(cl);
    bc_checklist_run_release(&run);
    return st;
}

bc_status bc_cli_checklist_resume(bc_cli *c, bc_error *err)
{
    bc_status st = bc_cli_open_conn(c, false, err);
    bc_state *s = st == BC_OK ? bc_target_state(&c->t, err) : NULL;
    if (st == BC_OK && !s)
        st = err->status ? err->status : BC_ERR;
    int64_t id = 0;
    if (st == BC_OK)
        st = run_arg(c, s, true, &id, err);
    bc_checklist_run run = {0};
    if (st == BC_OK)
        st = bc_checklist_run_get(s, id, &run, err);
    bc_checklist *cl = NULL;
    if (st == BC_OK)
        st = bc_checklist_load(run.checklist, &cl, err);
    /* A run belongs to one deployment: never finish it on another. */
    if (st == BC_OK && strcmp(c->t.label, run.target) != 0)
        st = bc_fail(err, BC_REFUSED, "run %lld is on %s but bcadmin now points at %s",
                     (long long)id, run.target, c->t.label);
    if (st == BC_OK) {
        char *q =
            bc_xasprintf("Resume run %lld (%s) on %s?", (long long)id, run.checklist, c->t.label);
        st = bc_cli_confirm(c, q, false, err);
        free(q);
    }
    if (st == BC_OK && c->redo) {
        /* Repeating a finished step is the operator's typed decision, read from stdin. */
        char *typed = NULL;
        char *prompt = bc_xasprintf("Type the step id (%s) to run it again", c->redo);
        st = read_line(prompt, &typed, err);
        free(prompt);
        if (st == BC_OK)
            st = bc_checklist_redo(s, id, cl, c->redo, typed, err);
        free(typed);
    }
    if (st == BC_OK)
        st = advance_and_print(c, cl, id, NULL, err);
    bc_checklist_free(cl);
    bc_checklist_run_release(&run);
    return st;
}
