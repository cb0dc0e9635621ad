/* checklist.c - runbooks parsed from JSON, runs and step states in the state database, and the
 * engine that advances a run step by step so that it can stop anywhere and resume. */
#include "checklist.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "embedded.h"
#include "isotime.h"
#include "record_json.h"
#include "state_db.h"
#include "text.h"
#include "xalloc.h"

/* ---- runbooks ---------------------------------------------------------------------------- */

static const char *const kind_names[] = {"automatic", "confirm", "input"};
static const char *const state_names[] = {"pending", "running", "done", "failed", "skipped"};

const char *bc_step_kind_name(bc_step_kind k)
{
    return kind_names[k];
}
const char *bc_step_state_name(bc_step_state s)
{
    return state_names[s];
}

static bool state_by_name(const char *s, bc_step_state *out)
{
    for (size_t i = 0; i < sizeof state_names / sizeof state_names[0]; i++)
        if (s && strcmp(s, state_names[i]) == 0) {
            *out = (bc_step_state)i;
            return true;
        }
    return false;
}

void bc_checklist_free(bc_checklist *cl)
{
    if (!cl)
        return;
    for (size_t i = 0; i < cl->n; i++) {
        bc_checklist_step *s = &cl->steps[i];
        free(s->id);
        free(s->title);
        free(s->explanation);
        free(s->action);
        free(s->prompt);
    }
    free(cl->steps);
    free(cl->id);
    free(cl->title);
    free(cl->summary);
    free(cl);
}

/* A string member: required ones fail when absent or empty. */
static bc_status member_text(const json_t *obj, const char *name, bool required, char **out,
                             const char *where, bc_error *err)
{
    const json_t *v = json_object_get(obj, name);
    if (!v && !required)
        return BC_OK;
    if (!json_is_string(v) || (required && json_string_length(v) == 0))
        return bc_fail(err, BC_ERR, "%s: \"%s\" must be a%s string", where, name,
                       required ? " non-empty" : "");
    *out = bc_xstrdup(json_string_value(v));
    return BC_OK;
}

static bc_status member_bool(const json_t *obj, const char *name, bool *out, const char *where,
                             bc_error *err)
{
    const json_t *v = json_object_get(obj, name);
    if (!v)
        return BC_OK;
    if (!json_is_boolean(v))
        return bc_fail(err, BC_ERR, "%s: \"%s\" must be true or false", where, name);
    *out = json_is_true(v);
    return BC_OK;
}

static bc_status parse_step(const json_t *obj, size_t i, bc_checklist_step *s, bc_error *err)
{
    char where[96];
    const json_t *idv = json_object_get(obj, "id");
    snprintf(where, sizeof where, "step %zu%s%.40s%s", i + 1, json_is_string(idv) ? " (" : "",
             json_is_string(idv) ? json_string_value(idv) : "", json_is_string(idv) ? ")" : "");
    if (!json_is_object(obj))
        return bc_fail(err, BC_ERR, "%s is not an object", where);
    char *kind = NULL;
    bc_status st = member_text(obj, "id", true, &s->id, where, err);
    if (st == BC_OK)
        st = member_text(obj, "title", true, &s->title, where, err);
    if (st == BC_OK)
        st = member_text(obj, "explanation", true, &s->explanation, where, err);
    if (st == BC_OK)
        st = member_text(obj, "kind", true, &kind, where, err);
    if (st == BC_OK)
        st = member_text(obj, "action", false, &s->action, where, err);
    if (st == BC_OK)
        st = member_text(obj, "prompt", false, &s->prompt, where, err);
    if (st == BC_OK)
        st = member_bool(obj, "once", &s->once, where, err);
    if (st == BC_OK)
        st = member_bool(obj, "production_confirm", &s->production_confirm, where, err);
    if (st == BC_OK)
        st = member_bool(obj, "check", &s->check, where, err);
    if (st != BC_OK) {
        free(kind);
        return st;
    }
    size_t k = 0;
    while (k < 3 && strcmp(kind, kind_names[k]) != 0)
        k++;
    if (k == 3) {
        st =
            bc_fail(err, BC_ERR, "%s: kind \"%s\" is not automatic, confirm or input", where, kind);
        free(kind);
        return st;
    }
    free(kind);
    s->kind = (bc_step_kind)k;
    if (s->kind == BC_STEP_AUTOMATIC && !s->action)
        return bc_fail(err, BC_ERR, "%s: an automatic step needs an \"action\"", where);
    if (s->kind != BC_STEP_AUTOMATIC && s->action)
        return bc_fail(err, BC_ERR, "%s: only automatic steps have an \"action\"", where);
    const json_t *w = json_object_get(obj, "wait_minutes");
    if (w && (!json_is_integer(w) || json_integer_value(w) < 0 || json_integer_value(w) > 10080))
        return bc_fail(err, BC_ERR,
                       "%s: \"wait_minutes\" must be a whole number of minutes "
                       "from 0 to 10080",
                       where);
    if (w && s->kind == BC_STEP_AUTOMATIC)
        return bc_fail(err, BC_ERR, "%s: only operator steps wait", where);
    s->wait_minutes = w ? (int)json_integer_value(w) : 0;
    return BC_OK;
}

bc_status bc_checklist_parse(const char *text, size_t len, bc_checklist **out, bc_error *err)
{
    *out = NULL;
    json_error_t je;
    json_t *doc = json_loadb(text, len, 0, &je);
    if (!doc)
        return bc_fail(err, BC_ERR, "checklist is not valid JSON at line %d column %d: %s", je.line,
                       je.column, je.text);
    bc_checklist *cl = bc_xcalloc(1, sizeof *cl);
    bc_status st = BC_OK;
    const json_t *steps = json_object_get(doc, "steps");
    if (!json_is_object(doc))
        st = bc_fail(err, BC_ERR, "checklist is not a JSON object");
    if (st == BC_OK)
        st = member_text(doc, "id", true, &cl->id, "checklist", err);
    if (st == BC_OK)
        st = member_text(doc, "title", true, &cl->title, "checklist", err);
    if (st == BC_OK)
        st = member_text(doc, "summary", false, &cl->summary, "checklist", err);
    if (st == BC_OK && (!json_is_array(steps) || json_array_size(steps) == 0))
        st = bc_fail(err, BC_ERR, "checklist %s: \"steps\" must be a non-empty array", cl->id);
    if (st == BC_OK) {
        cl->steps = bc_xcalloc(json_array_size(steps), sizeof *cl->steps);
        for (size_t i = 0; st == BC_OK && i < json_array_size(steps); i++) {
            cl->n = i + 1;
            st = parse_step(json_array_get(steps, i), i, &cl->steps[i], err);
            for (size_t j = 0; st == BC_OK && j < i; j++)
                if (strcmp(cl->steps[j].id, cl->steps[i].id) == 0)
                    st = bc_fail(err, BC_ERR, "checklist %s: step id \"%s\" is used twice", cl->id,
                                 cl->steps[i].id);
        }
    }
    json_decref(doc);
    if (st != BC_OK) {
        bc_checklist_free(cl);
        return st;
    }
    *out = cl;
    return BC_OK;
}

bc_status bc_checklist_load(const char *id, bc_checklist **out, bc_error *err)
{
    *out = NULL;
    char name[128];
    snprintf(name, sizeof name, "%s.json", id);
    const struct bc_embedded *e = strchr(id, '/') ? NULL : bc_embedded_find(bc_assets, name);
    if (!e)
        return bc_fail(err, BC_NOT_FOUND,
                       "no checklist called \"%s\" (there are bootstrap, rotate and "
                       "replace-secret)",
                       id);
    bc_status st = bc_checklist_parse(e->data, e->len, out, err);
    if (st != BC_OK)
        bc_error_prefix(err, "checklist %s", name);
    return st;
}

/* ---- runs -------------------------------------------------------------------------------- */

static bc_status db_fail(sqlite3 *db, bc_error *err, const char *what)
{
    return bc_fail(err, BC_ERR, "checklist runs in the state database: %s: %s", what,
                   sqlite3_errmsg(db));
}

static void bind_text(sqlite3_stmt *st, int i, const char *s)
{
    if (s)
        sqlite3_bind_text(st, i, s, -1, SQLITE_TRANSIENT);
    else
        sqlite3_bind_null(st, i);
}

static char *column(sqlite3_stmt *st, int i)
{
    const unsigned char *t = sqlite3_column_text(st, i);
    return t ? bc_xstrdup((const char *)t) : NULL;
}

static void now_text(int64_t now_ms, char out[BC_ISO_LEN + 1])
{
    bc_iso_format(now_ms ? now_ms : bc_now_ms(), out);
}

/* One statement with text/integer parameters given as a printf-like list: 's' text, 'i' int64. */
static bc_status exec(sqlite3 *db, const char *sql, const char *types, const void *const *vals,
                      bc_error *err, const char *what)
{
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
        return db_fail(db, err, what);
    for (int i = 0; types[i]; i++) {
        if (types[i] == 's')
            bind_text(st, i + 1, (const char *)vals[i]);
        else
            sqlite3_bind_int64(st, i + 1, *(const int64_t *)vals[i]);
    }
    int rc = sqlite3_step(st);
    sqlite3_finalize(st);
    return rc == SQLITE_DONE ? BC_OK : db_fail(db, err, what);
}

bc_status bc_checklist_find_active(bc_state *state, const char *checklist, const char *target,
                                   int64_t *id, bc_error *err)
{
    sqlite3 *db = bc_state_db(state);
    static const char sql[] = "SELECT id FROM checklist_run WHERE state = 'active'"
                              " AND (?1 IS NULL OR checklist = ?1) AND (?2 IS NULL OR target = ?2)"
                              " ORDER BY id DESC LIMIT 1";
    sqlite3_stmt *st;
    *id = 0;
    if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
        return db_fail(db, err, "cannot look for unfinished runs");
    bind_text(st, 1, checklist);
    bind_text(st, 2, target);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW)
        *id = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    return rc == SQLITE_ROW || rc == SQLITE_DONE
               ? BC_OK
               : db_fail(db, err, "cannot look for unfinished runs");
}

bc_status bc_checklist_start(bc_state *state, const bc_checklist *cl, const bc_audit_who *who,
                             int64_t *id, bc_error *err)
{
    sqlite3 *db = bc_state_db(state);
    *id = 0;
    int64_t active;
    bc_status st = bc_checklist_find_active(state, cl->id, who->target, &active, err);
    if (st != BC_OK)
        return st;
    if (active)
        return bc_fail(err, BC_REFUSED,
                       "run %lld of the %s checklist on %s is unfinished: resume it with "
                       "`bcadmin checklist resume %lld`",
                       (long long)active, cl->id, who->target, (long long)active);
    if (sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK)
        return db_fail(db, err, "cannot start a run");
    char now[BC_ISO_LEN + 1];
    now_text(0, now);
    const void *v[] = {cl->id,
                       who->target_kind ? who->target_kind : "unknown",
                       who->target ? who->target : "",
                       who->os_user ? who->os_user : "unknown",
                       now,
                       now};
    st = exec(db,
              "INSERT INTO checklist_run (checklist, target_kind, target, os_user, state,"
              " started_at, updated_at) VALUES (?,?,?,?,'active',?,?)",
              "ssssss", v, err, "cannot start a run");
    int64_t run_id = sqlite3_last_insert_rowid(db);
    for (size_t i = 0; st == BC_OK && i < cl->n; i++) {
        int64_t idx = (int64_t)i;
        const void *sv[] = {&run_id, &idx, cl->steps[i].id};
        st = exec(db,
                  "INSERT INTO checklist_step (run_id, idx, step_id, state) VALUES (?,?,?,"
                  "'pending')",
                  "iis", sv, err, "cannot start a run");
    }
    if (st == BC_OK && sqlite3_exec(db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK)
        st = db_fail(db, err, "cannot start a run");
    if (st != BC_OK) {
        sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
        return st;
    }
    *id = run_id;
    return BC_OK;
}

void bc_checklist_run_release(bc_checklist_run *run)
{
    if (!run)
        return;
    char **f[] = {&run->checklist, &run->target_kind, &run->target,     &run->os_user,
                  &run->state,     &run->started_at,  &run->updated_at, &run->finished_at};
    for (size_t i = 0; i < sizeof f / sizeof f[0]; i++)
        free(*f[i]);
    for (size_t i = 0; i < run->n; i++) {
        bc_step_record *s = &run->steps[i];
        free(s->step_id);
        free(s->started_at);
        free(s->finished_at);
        free(s->output);
        free(s->note);
    }
    free(run->steps);
    json_decref(run->vars);
    *run = (bc_checklist_run){0};
}

void bc_checklist_runs_release(bc_checklist_runs *runs)
{
    for (size_t i = 0; i < runs->n; i++)
        bc_checklist_run_release(&runs->items[i]);
    free(runs->items);
    *runs = (bc_checklist_runs){0};
}

static bc_status read_steps(sqlite3 *db, bc_checklist_run *run, bc_error *err)
{
    static const char sql[] = "SELECT step_id, state, attempts, started_at, finished_at, output,"
                              " note FROM checklist_step WHERE run_id = ? ORDER BY idx";
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
        return db_fail(db, err, "cannot read the steps");
    sqlite3_bind_int64(st, 1, run->id);
    size_t cap = 0;
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        if (run->n == cap)
            run->steps = bc_xrealloc(run->steps, (cap = cap ? cap * 2 : 8) * sizeof *run->steps);
        bc_step_record *s = &run->steps[run->n++];
        *s = (bc_step_record){0};
        s->step_id = column(st, 0);
        char *state = column(st, 1);
        if (!state_by_name(state, &s->state))
            s->state = BC_SS_PENDING;
        free(state);
        s->attempts = sqlite3_column_int(st, 2);
        s->started_at = column(st, 3);
        s->finished_at = column(st, 4);
        s->output = column(st, 5);
        s->note = column(st, 6);
    }
    sqlite3_finalize(st);
    return rc == SQLITE_DONE ? BC_OK : db_fail(db, err, "cannot read the steps");
}

#define RUN_COLUMNS                                                                                \
    "id, checklist, target_kind, target, os_user, state, started_at, updated_at, finished_at,"     \
    " vars_json"

static void read_run(sqlite3_stmt *st, bc_checklist_run *run)
{
    *run = (bc_checklist_run){0};
    run->id = sqlite3_column_int64(st, 0);
    char **f[] = {&run->checklist, &run->target_kind, &run->target,     &run->os_user,
                  &run->state,     &run->started_at,  &run->updated_at, &run->finished_at};
    for (size_t i = 0; i < sizeof f / sizeof f[0]; i++)
        *f[i] = column(st, (int)i + 1);
    const unsigned char *vars = sqlite3_column_text(st, 9);
    run->vars = bc_record_json_parse((const char *)vars);
    if (!json_is_object(run->vars)) {
        json_decref(run->vars);
        run->vars = json_object();
    }
}

bc_status bc_checklist_run_get(bc_state *state, int64_t id, bc_checklist_run *out, bc_error *err)
{
    sqlite3 *db = bc_state_db(state);
    static const char sql[] = "SELECT " RUN_COLUMNS " FROM checklist_run WHERE id = ?";
    *out = (bc_checklist_run){0};
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
        return db_fail(db, err, "cannot read a run");
    sqlite3_bind_int64(st, 1, id);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW)
        read_run(st, out);
    sqlite3_finalize(st);
    if (rc == SQLITE_DONE)
        return bc_fail(err, BC_NOT_FOUND, "no checklist run %lld (see `bcadmin checklist list`)",
                       (long long)id);
    if (rc != SQLITE_ROW)
        return db_fail(db, err, "cannot read a run");
    bc_status s = read_steps(db, out, err);
    if (s != BC_OK)
        bc_checklist_run_release(out);
    return s;
}

bc_status bc_checklist_runs_list(bc_state *state, size_t limit, bc_checklist_runs *out, bc_error *err)
{
    sqlite3 *db = bc_state_db(state);
    static const char sql[] = "SELECT " RUN_COLUMNS " FROM checklist_run ORDER BY id DESC LIMIT ?";
    *out = (bc_checklist_runs){0};
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
        return db_fail(db, err, "cannot list runs");
    sqlite3_bind_int64(st, 1, limit ? (int64_t)limit : 100);
    size_t cap = 0;
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        if (out->n == cap)
            out->items = bc_xrealloc(out->items, (cap = cap ? cap * 2 : 8) * sizeof *out->items);
        read_run(st, &out->items[out->n++]);
    }
    sqlite3_finalize(st);
    bc_status s = rc == SQLITE_DONE ? BC_OK : db_fail(db, err, "cannot list runs");
    for (size_t i = 0; s == BC_OK && i < out->n; i++)
        s = read_steps(db, &out->items[i], err);
    if (s != BC_OK)
        bc_checklist_runs_release(out);
    return s;
}

static bc_status set_run_state(sqlite3 *db, int64_t id, const char *state, bool finished,
                               bc_error *err)
{
    char now[BC_ISO_LEN + 1];
    now_text(0, now);
    const void *v[] = {state, now, finished ? now : NULL, &id};
    return exec(db,
                "UPDATE checklist_run SET state = ?, updated_at = ?, finished_at = ? WHERE id = ?",
                "sssi", v, err, "cannot update a run");
}

bc_status bc_checklist_abandon(bc_state *state, int64_t run_id, bc_error *err)
{
    sqlite3 *db = bc_state_db(state);
    bc_checklist_run run;
    bc_status st = bc_checklist_run_get(state, run_id, &run, err);
    if (st != BC_OK)
        return st;
    bool active = strcmp(run.state, "active") == 0;
    bc_checklist_run_release(&run);
    if (!active)
        return bc_fail(err, BC_REFUSED, "run %lld is not unfinished: nothing to abandon",
                       (long long)run_id);
    return set_run_state(db, run_id, "abandoned", true, err);
}

bc_status bc_checklist_redo(bc_state *state, int64_t run_id, const bc_checklist *cl,
                            const char *step_id, const char *typed, bc_error *err)
{
    sqlite3 *db = bc_state_db(state);
    size_t idx = 0;
    while (idx < cl->n && strcmp(cl->steps[idx].id, step_id) != 0)
        idx++;
    if (idx == cl->n)
        return bc_fail(err, BC_USAGE, "the %s checklist has no step \"%s\"", cl->id, step_id);
    if (!typed || strcmp(typed, step_id) != 0)
        return bc_fail(err, BC_REFUSED,
                       "step %s is repeated only when its id is typed exactly (got \"%s\")%s",
                       step_id, typed ? typed : "",
                       cl->steps[idx].once ? ": it must not run twice by accident" : "");
    bc_checklist_run run;
    bc_status st = bc_checklist_run_get(state, run_id, &run, err);
    if (st != BC_OK)
        return st;
    bool matches = strcmp(run.checklist, cl->id) == 0;
    bc_checklist_run_release(&run);
    if (!matches)
        return bc_fail(err, BC_USAGE, "run %lld is not a %s run", (long long)run_id, cl->id);
    if (sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK)
        return db_fail(db, err, "cannot reset a step");
    char now[BC_ISO_LEN + 1];
    now_text(0, now);
    char *note = bc_xasprintf("redone by the operator's typed decision at %s", now);
    int64_t from = (int64_t)idx;
    const void *v[] = {&run_id, &from, &from, note};
    st = exec(db,
              "UPDATE checklist_step SET state = 'pending', started_at = NULL, finished_at ="
              " NULL, note = CASE WHEN idx = ?3 THEN ?4 ELSE NULL END WHERE run_id = ?1 AND"
              " idx >= ?2",
              "iiis", v, err, "cannot reset a step");
    free(note);
    if (st == BC_OK)
        st = set_run_state(db, run_id, "active", false, err);
    if (st == BC_OK && sqlite3_exec(db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK)
        st = db_fail(db, err, "cannot reset a step");
    if (st != BC_OK)
        sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
    return st;
}

bc_status bc_checklist_skip(bc_state *state, int64_t run_id, const bc_checklist *cl,
                            const char *step_id, const char *typed, bc_error *err)
{
    sqlite3 *db = bc_state_db(state);
    bc_checklist_run run;
    bc_status st = bc_checklist_run_get(state, run_id, &run, err);
    if (st != BC_OK)
        return st;
    size_t next = 0;
    while (next < run.n &&
           (run.steps[next].state == BC_SS_DONE || run.steps[next].state == BC_SS_SKIPPED))
        next++;
    if (strcmp(run.checklist, cl->id) != 0)
        st = bc_fail(err, BC_USAGE, "run %lld is not a %s run", (long long)run_id, cl->id);
    else if (strcmp(run.state, "active") != 0)
        st = bc_fail(err, BC_REFUSED, "run %lld is %s: nothing to skip", (long long)run_id,
                     run.state);
    else if (next == run.n || strcmp(run.steps[next].step_id, step_id) != 0)
        st = bc_fail(err, BC_REFUSED, "step %s is not the run's next step (%s)", step_id,
                     next < run.n ? run.steps[next].step_id : "none");
    else if (!typed || strcmp(typed, step_id) != 0)
        st = bc_fail(err, BC_REFUSED,
                     "step %s is skipped only when its id is typed exactly (got \"%s\")", step_id,
                     typed ? typed : "");
    bc_checklist_run_release(&run);
    if (st != BC_OK)
        return st;
    char now[BC_ISO_LEN + 1];
    now_text(0, now);
    char *note = bc_xasprintf("skipped by the operator's typed decision at %s", now);
    int64_t idx = (int64_t)next;
    const void *v[] = {now, note, &run_id, &idx};
    st = exec(db,
              "UPDATE checklist_step SET state = 'skipped', finished_at = ?1, note = ?2"
              " WHERE run_id = ?3 AND idx = ?4",
              "ssii", v, err, "cannot skip a step");
    free(note);
    if (st == BC_OK)
        st = set_run_state(db, run_id, "active", false, err);
    return st;
}

/* ---- the engine -------------------------------------------------------------------------- */

typedef struct {
    sqlite3 *db;
    const bc_checklist *cl;
    bc_checklist_run run;
    const bc_checklist_action *actions;
    size_t n_actions;
    const bc_checklist_ui *ui;
    const bc_checklist_opts *opts;
    bc_checklist_ctx ctx;
} engine;

static int64_t engine_now(const engine *e)
{
    return e->opts && e->opts->now_ms ? e->opts->now_ms : bc_now_ms();
}

/* Record a step's new state and the run's vars in one transaction, so a crash leaves either the
 * old state or the new one. started: also set started_at and count an attempt. */
static bc_status record_step(engine *e, size_t i, bc_step_state state, bool started,
                             const char *output, const char *note, bc_error *err)
{
    char now[BC_ISO_LEN + 1];
    now_text(engine_now(e), now);
    bool final = state == BC_SS_DONE || state == BC_SS_FAILED || state == BC_SS_SKIPPED;
    int64_t idx = (int64_t)i, started_flag = started;
    if (sqlite3_exec(e->db, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK)
        return db_fail(e->db, err, "cannot record a step");
    const void *v[] = {state_names[state], &started_flag, now, final ? now : NULL, output, note,
                       &e->run.id,         &idx};
    bc_status st = exec(e->db,
                        "UPDATE checklist_step SET state = ?1,"
                        " attempts = attempts + ?2,"
                        " started_at = CASE WHEN ?2 THEN ?3 ELSE started_at END,"
                        " finished_at = ?4, output = COALESCE(?5, output),"
                        " note = COALESCE(?6, note) WHERE run_id = ?7 AND idx = ?8",
                        "sissssii", v, err, "cannot record a step");
    char *vars = json_dumps(e->run.vars, JSON_COMPACT | JSON_SORT_KEYS);
    const void *rv[] = {vars, now, &e->run.id};
    if (st == BC_OK)
        st = exec(e->db, "UPDATE checklist_run SET vars_json = ?, updated_at = ? WHERE id = ?",
                  "ssi", rv, err, "cannot record a step");
    free(vars);
    if (st == BC_OK && sqlite3_exec(e->db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK)
        st = db_fail(e->db, err, "cannot record a step");
    if (st != BC_OK) {
        sqlite3_exec(e->db, "ROLLBACK", NULL, NULL, NULL);
        return st;
    }
    bc_step_record *r = &e->run.steps[i];
    r->state = state;
    if (started) {
        r->attempts++;
        free(r->started_at);
        r->started_at = bc_xstrdup(now);
    }
    if (output) {
        free(r->output);
        r->output = bc_xstrdup(output);
    }
    if (note) {
        free(r->note);
        r->note = bc_xstrdup(note);
    }
    if (e->ui && e->ui->progress)
        e->ui->progress(e->ui->ctx, &e->cl->steps[i], state, note ? note : output);
    return BC_OK;
}

static const bc_checklist_action *find_action(const engine *e, const char *name)
{
    for (size_t i = 0; i < e->n_actions; i++)
        if (strcmp(e->actions[i].name, name) == 0)
            return &e->actions[i];
    return NULL;
}

/* Ask the operator; BC_REFUSED (or no way to ask) pauses the run. */
static bc_status ask(engine *e, const bc_checklist_step *s, const char *prompt, bool typed,
                     char **answer, bc_error *err)
{
    *answer = NULL;
    if (!e->ui || !e->ui->ask)
        return bc_fail(err, BC_REFUSED, "step %s waits for the operator", s->id);
    bc_status st = e->ui->ask(e->ui->ctx, s, prompt, typed, answer, err);
    if (st == BC_OK && !*answer)
        st = bc_fail(err, BC_REFUSED, "step %s got no answer", s->id);
    return st;
}

typedef enum { STEP_NEXT, STEP_PAUSE, STEP_STOP } step_flow;

static bool is_yes(const char *a)
{
    return strcasecmp(a, "y") == 0 || strcasecmp(a, "yes") == 0;
}

static bc_status operator_step(engine *e, size_t i, step_flow *flow, bc_error *err)
{
    const bc_checklist_step *s = &e->cl->steps[i];
    bc_step_record *r = &e->run.steps[i];
    bc_status st;
    *flow = STEP_NEXT;
    if (s->wait_minutes > 0 && !(e->opts && e->opts->no_wait)) {
        /* A timed step: the watch starts when the run first reaches it, and the operator is
         * asked only once it is over, so resuming early keeps waiting. */
        int64_t started = 0;
        if (r->state != BC_SS_RUNNING || !r->started_at ||
            !bc_iso_parse(r->started_at, strlen(r->started_at), &started)) {
            st = record_step(e, i, BC_SS_RUNNING, true, NULL, NULL, err);
            if (st != BC_OK)
                return st;
            started = engine_now(e);
        }
        int64_t until = started + (int64_t)s->wait_minutes * 60000;
        if (engine_now(e) < until) {
            char when[BC_ISO_LEN + 1];
            bc_iso_format(until, when);
            *flow = STEP_PAUSE;
            return bc_fail(err, BC_REFUSED, "step %s: %s; resume after %s to confirm", s->id,
                           s->explanation, when);
        }
    }
    const char *prompt = s->prompt ? s->prompt : s->title;
    char *answer = NULL;
    st = ask(e, s, prompt, false, &answer, err);
    if (st == BC_REFUSED) {
        *flow = STEP_PAUSE;
        return st;
    }
    if (st != BC_OK)
        return st;
    if (s->kind == BC_STEP_CONFIRM && !is_yes(answer)) {
        *flow = STEP_PAUSE;
        st = bc_fail(err, BC_REFUSED, "step %s was not confirmed (answer \"%s\")", s->id, answer);
        free(answer);
        return st;
    }
    if (s->kind == BC_STEP_INPUT && !*answer) {
        free(answer);
        *flow = STEP_PAUSE;
        return bc_fail(err, BC_REFUSED, "step %s needs an answer", s->id);
    }
    st = record_step(e, i, BC_SS_DONE, r->state != BC_SS_RUNNING, answer, NULL, err);
    free(answer);
    return st;
}

/* A step found running or failed: did it take effect before the interruption? *rerun tells
 * whether it should run again. */
static bc_status examine_step(engine *e, size_t i, const bc_checklist_action *a, bool *rerun,
                              step_flow *flow, bc_error *err)
{
    const bc_checklist_step *s = &e->cl->steps[i];
    bc_step_record *r = &e->run.steps[i];
    *rerun = true;
    if (r->state != BC_SS_RUNNING && r->state != BC_SS_FAILED)
        return BC_OK;
    const char *was = r->state == BC_SS_RUNNING ? "was interrupted" : "failed";
    if (!a->examine) {
        if (!s->once)
            return BC_OK;
        *flow = STEP_STOP;
        *rerun = false;
        return bc_fail(err, BC_REFUSED,
                       "step %s %s and must not run twice; check by hand, then repeat it with "
                       "`bcadmin checklist resume %lld --redo %s`",
                       s->id, was, (long long)e->run.id, s->id);
    }
    bool happened = false;
    char *note = NULL;
    bc_status st = a->examine(&e->ctx, &happened, &note, err);
    if (st != BC_OK) {
        free(note);
        *flow = STEP_STOP;
        *rerun = false;
        return bc_error_prefix(err,
                               "step %s %s and bcadmin cannot tell whether it took effect "
                               "(resume again once it can)",
                               s->id, was);
    }
    if (happened) {
        char *full =
            bc_xasprintf("%s; found done on resume%s%s", was, note ? ": " : "", note ? note : "");
        st = record_step(e, i, BC_SS_DONE, false, NULL, full, err);
        free(full);
        *rerun = false;
    } else {
        char *full = bc_xasprintf("%s; examined on resume, had not taken effect%s%s: run again",
                                  was, note ? ": " : "", note ? note : "");
        free(r->note);
        r->note = full;
    }
    free(note);
    return st;
}

static bc_status automatic_step(engine *e, size_t i, step_flow *flow, bc_error *err)
{
    const bc_checklist_step *s = &e->cl->steps[i];
    *flow = STEP_NEXT;
    const bc_checklist_action *a = find_action(e, s->action);
    if (!a) {
        *flow = STEP_STOP;
        return bc_fail(err, BC_ERR, "step %s: no action \"%s\" for this target", s->id, s->action);
    }
    bool rerun;
    bc_status st = examine_step(e, i, a, &rerun, flow, err);
    if (st != BC_OK || !rerun)
        return st;
    if (a->satisfied) {
        bool yes = false;
        char *note = NULL;
        st = a->satisfied(&e->ctx, &yes, &note, err);
        if (st != BC_OK) {
            free(note);
            *flow = STEP_STOP;
            return bc_error_prefix(err, "step %s", s->id);
        }
        if (yes) {
            char *full = bc_xasprintf("already holds%s%s", note ? ": " : "", note ? note : "");
            st = record_step(e, i, BC_SS_SKIPPED, false, NULL, full, err);
            free(full);
            free(note);
            return st;
        }
        free(note);
    }
    if (s->production_confirm && e->opts && e->opts->production) {
        const char *name = e->opts->target_name ? e->opts->target_name : "";
        char *prompt = bc_xasprintf("%s runs on the PRODUCTION deployment %s: type its name to go "
                                    "on",
                                    s->title, name);
        char *answer = NULL;
        st = ask(e, s, prompt, true, &answer, err);
        free(prompt);
        if (st == BC_OK && !bc_text_typed_matches(answer, name))
            st = bc_fail(err, BC_REFUSED, "step %s: \"%s\" is not the deployment's name (%s)",
                         s->id, answer, name);
        free(answer);
        if (st != BC_OK) {
            *flow = STEP_PAUSE;
            return st;
        }
    }
    st = record_step(e, i, BC_SS_RUNNING, true, NULL, NULL, err);
    if (st != BC_OK)
        return st;
    char *output = NULL;
    bc_error aerr = {0};
    e->ctx.now_ms = engine_now(e);
    bc_status ast = a->run(&e->ctx, &output, &aerr);
    if (ast == BC_OK) {
        st = record_step(e, i, BC_SS_DONE, false, output ? output : "", NULL, err);
    } else {
        st = record_step(e, i, BC_SS_FAILED, false, aerr.msg, NULL, err);
        if (st == BC_OK) {
            *flow = STEP_STOP;
            *err = aerr;
            bc_error_prefix(err, "step %s failed", s->id);
            st = ast;
        }
    }
    free(output);
    return st;
}

/* Whether steps 0..i are all preconditions that only read (a stop there changed nothing). */
static bool only_checks_until(const bc_checklist *cl, size_t i)
{
    for (size_t k = 0; k <= i && k < cl->n; k++)
        if (!cl->steps[k].check)
            return false;
    return true;
}

bc_status bc_checklist_advance(bc_state *state, const bc_checklist *cl, int64_t run_id,
                               const bc_checklist_action *actions, size_t n_actions, void *target,
                               const bc_checklist_ui *ui, const bc_checklist_opts *opts,
                               const bc_audit_who *who, bc_run_outcome *outcome, bc_error *err)
{
    sqlite3 *db = bc_state_db(state);
    *outcome = BC_RUN_STOPPED;
    engine e = {
        .db = db, .cl = cl, .actions = actions, .n_actions = n_actions, .ui = ui, .opts = opts};
    bc_status st = bc_checklist_run_get(state, run_id, &e.run, err);
    if (st != BC_OK)
        return st;
    if (strcmp(e.run.checklist, cl->id) != 0 || e.run.n != cl->n) {
        st = bc_fail(err, BC_ERR,
                     "run %lld was made by a different %s checklist (%zu steps, "
                     "this one has %zu): it cannot be resumed by this bcadmin",
                     (long long)run_id, e.run.checklist, e.run.n, cl->n);
        bc_checklist_run_release(&e.run);
        return st;
    }
    for (size_t i = 0; st == BC_OK && i < cl->n; i++)
        if (strcmp(e.run.steps[i].step_id, cl->steps[i].id) != 0)
            st = bc_fail(err, BC_ERR, "run %lld: step %zu is %s here but %s in the run",
                         (long long)run_id, i + 1, cl->steps[i].id, e.run.steps[i].step_id);
    if (st == BC_OK && strcmp(e.run.state, "active") != 0) {
        if (strcmp(e.run.state, "done") == 0)
            *outcome = BC_RUN_DONE;
        else
            st = bc_fail(err, BC_REFUSED, "run %lld is %s", (long long)run_id, e.run.state);
    }
    e.ctx = (bc_checklist_ctx){
        .state = state, .who = who, .target = target, .vars = e.run.vars, .run = &e.run};
    bool finished = st == BC_OK && *outcome != BC_RUN_DONE;
    for (size_t i = 0; finished && i < cl->n; i++) {
        bc_step_state ss = e.run.steps[i].state;
        if (ss == BC_SS_DONE || ss == BC_SS_SKIPPED)
            continue;
        step_flow flow = STEP_NEXT;
        if (cl->steps[i].kind == BC_STEP_AUTOMATIC)
            st = automatic_step(&e, i, &flow, err);
        else
            st = operator_step(&e, i, &flow, err);
        if (flow != STEP_NEXT) {
            *outcome = flow == STEP_PAUSE ? BC_RUN_PAUSED : BC_RUN_STOPPED;
            finished = false;
            st = BC_OK; /* the reason is in err; the run is recorded as it stands */
            if (only_checks_until(cl, i))
                st = set_run_state(db, run_id, "not started", true, err);
        } else if (st != BC_OK) {
            finished = false;
        }
    }
    if (finished) {
        st = set_run_state(db, run_id, "done", true, err);
        if (st == BC_OK)
            *outcome = BC_RUN_DONE;
    }
    bc_checklist_run_release(&e.run);
    return st;
}
