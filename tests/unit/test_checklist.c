/* Unit tests for the checklist engine: runbook parsing and refusals, a real crash (the child
 * process _exits inside an action, before or after its effect) at every step boundary followed
 * by a resume that finishes consistently, a done once-step never repeated without the typed id,
 * a satisfied step skipped with a note, and the embedded runbooks. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "checklist.h"
#include "state_db.h"
#include "xalloc.h"

/* The "deployment": shared with the crashing child. */
typedef struct {
    int newest, jwks, rotate_calls, set_calls;
    int crash_step;  /* index of the step whose action crashes, -1 none */
    int crash_after; /* crash after the effect (1) or before it (0) */
} world;

static world *W;

static void maybe_crash(int step, int after)
{
    if (W->crash_step == step && W->crash_after == after)
        _exit(9); /* like kill -9: no cleanup, no commit */
}

static bc_status impact(bc_checklist_ctx *ctx, char **out, bc_error *err)
{
    maybe_crash(0, 0);
    if (!json_object_get(ctx->vars, "old"))
        json_object_set_new(ctx->vars, "old", json_integer(W->newest));
    maybe_crash(0, 1);
    *out = bc_xstrdup("impact noted");
    return BC_OK;
}

static bc_status rotate(bc_checklist_ctx *ctx, char **out, bc_error *err)
{
    maybe_crash(2, 0);
    W->newest++;
    W->rotate_calls++;
    maybe_crash(2, 1);
    return BC_OK;
}

static bc_status rotate_examine(bc_checklist_ctx *ctx, bool *happened, char **note, bc_error *err)
{
    *happened = W->newest != json_integer_value(json_object_get(ctx->vars, "old"));
    return BC_OK;
}

static bc_status set_jwks(bc_checklist_ctx *ctx, char **out, bc_error *err)
{
    maybe_crash(3, 0);
    W->jwks = W->newest;
    W->set_calls++;
    maybe_crash(3, 1);
    return BC_OK;
}

static bc_status jwks_current(bc_checklist_ctx *ctx, bool *yes, char **note, bc_error *err)
{
    *yes = W->jwks == W->newest;
    *note = bc_xstrdup("JWKS matches");
    return BC_OK;
}

static bc_status record(bc_checklist_ctx *ctx, char **out, bc_error *err)
{
    maybe_crash(5, 0);
    maybe_crash(5, 1);
    return BC_OK;
}

static const bc_checklist_action actions[] = {
    {"t.impact", impact, NULL, NULL},
    {"t.rotate", rotate, NULL, rotate_examine},
    {"t.set", set_jwks, jwks_current, jwks_current},
    {"t.record", record, NULL, NULL},
};

static const char runbook[] =
    "{\"id\":\"rot\",\"title\":\"t\",\"steps\":["
    "{\"id\":\"impact\",\"title\":\"a\",\"explanation\":\"e\",\"kind\":\"automatic\",\"action\":"
    "\"t.impact\"},"
    "{\"id\":\"notice\",\"title\":\"b\",\"explanation\":\"e\",\"kind\":\"confirm\"},"
    "{\"id\":\"rotate\",\"title\":\"c\",\"explanation\":\"e\",\"kind\":\"automatic\",\"action\":"
    "\"t.rotate\",\"once\":true},"
    "{\"id\":\"set\",\"title\":\"d\",\"explanation\":\"e\",\"kind\":\"automatic\",\"action\":"
    "\"t.set\"},"
    "{\"id\":\"window\",\"title\":\"w\",\"explanation\":\"e\",\"kind\":\"input\"},"
    "{\"id\":\"record\",\"title\":\"r\",\"explanation\":\"e\",\"kind\":\"automatic\",\"action\":"
    "\"t.record\"}]}";

static bc_status answer(void *ctx, const bc_checklist_step *s, const char *prompt, bool typed,
                        char **a, bc_error *err)
{
    /* A crash while the operator is being asked: the boundary after the previous step. */
    if (W->crash_step == 1 && s->kind == BC_STEP_CONFIRM)
        _exit(9);
    *a = bc_xstrdup(s->kind == BC_STEP_CONFIRM ? "yes" : "tonight");
    return BC_OK;
}

static const bc_checklist_ui ui = {.ask = answer};
static const bc_audit_who who = {"tester", NULL, "convex", "https://t.example"};

typedef struct {
    char path[64];
    bc_checklist *cl;
} fx;

static int setup(void **state)
{
    fx *f = bc_xcalloc(1, sizeof *f);
    snprintf(f->path, sizeof f->path, "/tmp/bc-checklist-%d-XXXXXX", (int)getpid());
    int fd = mkstemp(f->path);
    assert_true(fd >= 0);
    close(fd);
    unlink(f->path);
    assert_int_equal(bc_checklist_parse(runbook, strlen(runbook), &f->cl, NULL), BC_OK);
    *W = (world){.newest = 1, .jwks = 1, .crash_step = -1};
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fx *f = *state;
    unlink(f->path);
    bc_checklist_free(f->cl);
    free(f);
    return 0;
}

static bc_status advance(fx *f, int64_t run, bc_run_outcome *out, bc_error *err)
{
    bc_state *s = NULL;
    assert_int_equal(bc_state_open(f->path, &s, NULL), BC_OK);
    bc_status st = bc_checklist_advance(s, f->cl, run, actions, 4, NULL, &ui, NULL,
                                        &who, out, err);
    bc_state_close(s);
    return st;
}

static int64_t start(fx *f)
{
    bc_state *s = NULL;
    int64_t id = 0;
    assert_int_equal(bc_state_open(f->path, &s, NULL), BC_OK);
    assert_int_equal(bc_checklist_start(s, f->cl, &who, &id, NULL), BC_OK);
    bc_state_close(s);
    return id;
}

static bc_checklist_run get(fx *f, int64_t id)
{
    bc_state *s = NULL;
    bc_checklist_run run;
    assert_int_equal(bc_state_open(f->path, &s, NULL), BC_OK);
    assert_int_equal(bc_checklist_run_get(s, id, &run, NULL), BC_OK);
    bc_state_close(s);
    return run;
}

static void crash_everywhere(void **state)
{
    fx *f = *state;
    int steps[] = {0, 1, 2, 3, 5};
    for (size_t k = 0; k < sizeof steps / sizeof steps[0]; k++)
        for (int after = 0; after < 2; after++) {
            unlink(f->path);
            *W = (world){.newest = 1, .jwks = 1, .crash_step = steps[k], .crash_after = after};
            int64_t run = start(f);
            pid_t pid = fork();
            assert_true(pid >= 0);
            if (pid == 0) {
                bc_run_outcome o;
                bc_error e = {0};
                advance(f, run, &o, &e);
                _exit(0);
            }
            int status;
            waitpid(pid, &status, 0);
            assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 9);
            W->crash_step = -1;
            bc_run_outcome o;
            bc_error e = {0};
            assert_int_equal(advance(f, run, &o, &e), BC_OK);
            if (o != BC_RUN_DONE)
                fail_msg("crash at step %d (after=%d): outcome %d: %s", steps[k], after, o, e.msg);
            assert_int_equal(W->rotate_calls, 1); /* never twice, never zero */
            assert_int_equal(W->newest, 2);
            assert_int_equal(W->jwks, 2);
            bc_checklist_run r = get(f, run);
            assert_string_equal(r.state, "done");
            for (size_t i = 0; i < r.n; i++)
                assert_true(r.steps[i].state == BC_SS_DONE || r.steps[i].state == BC_SS_SKIPPED);
            if (steps[k] == 2 && after)
                assert_non_null(strstr(r.steps[2].note, "found done on resume"));
            if (steps[k] == 3 && after) /* JWKS was set before the crash */
                assert_non_null(strstr(r.steps[3].note, "found done on resume"));
            bc_checklist_run_release(&r);
        }
}

static void done_once_step_needs_typed_id(void **state)
{
    fx *f = *state;
    int64_t run = start(f);
    bc_run_outcome o;
    bc_error e = {0};
    assert_int_equal(advance(f, run, &o, &e), BC_OK);
    assert_int_equal(o, BC_RUN_DONE);
    assert_int_equal(W->rotate_calls, 1);
    assert_int_equal(advance(f, run, &o, &e), BC_OK); /* resuming a done run does nothing */
    assert_int_equal(W->rotate_calls, 1);
    bc_state *s = NULL;
    assert_int_equal(bc_state_open(f->path, &s, NULL), BC_OK);
    assert_int_equal(bc_checklist_redo(s, run, f->cl, "rotate", "yes", &e),
                     BC_REFUSED);
    assert_int_equal(bc_checklist_redo(s, run, f->cl, "rotate", NULL, &e), BC_REFUSED);
    assert_int_equal(bc_checklist_redo(s, run, f->cl, "nope", "nope", &e), BC_USAGE);
    bc_state_close(s);
    assert_int_equal(advance(f, run, &o, &e), BC_OK);
    assert_int_equal(W->rotate_calls, 1);
    assert_int_equal(bc_state_open(f->path, &s, NULL), BC_OK);
    assert_int_equal(bc_checklist_redo(s, run, f->cl, "rotate", "rotate", &e), BC_OK);
    bc_state_close(s);
    assert_int_equal(advance(f, run, &o, &e), BC_OK);
    assert_int_equal(o, BC_RUN_DONE);
    assert_int_equal(W->rotate_calls, 2);
    assert_int_equal(W->jwks, 3);
}

static void satisfied_step_is_skipped(void **state)
{
    fx *f = *state;
    /* Someone set JWKS by hand already: after rotateKeys, make it match before the set step. */
    int64_t run = start(f);
    bc_state *s = NULL;
    assert_int_equal(bc_state_open(f->path, &s, NULL), BC_OK);
    sqlite3_exec(bc_state_db(s), "UPDATE checklist_step SET state = 'done' WHERE idx < 3", NULL,
                 NULL, NULL);
    bc_state_close(s);
    W->newest = 5;
    W->jwks = 5;
    bc_run_outcome o;
    bc_error e = {0};
    assert_int_equal(advance(f, run, &o, &e), BC_OK);
    assert_int_equal(o, BC_RUN_DONE);
    assert_int_equal(W->set_calls, 0);
    bc_checklist_run r = get(f, run);
    assert_int_equal(r.steps[3].state, BC_SS_SKIPPED);
    assert_non_null(strstr(r.steps[3].note, "already holds: JWKS matches"));
    bc_checklist_run_release(&r);
}

static bc_status refuse(void *ctx, const bc_checklist_step *s, const char *prompt, bool typed,
                        char **a, bc_error *err)
{
    return bc_fail(err, BC_REFUSED, "no terminal");
}

static void pauses_and_refusals(void **state)
{
    fx *f = *state;
    int64_t run = start(f);
    bc_state *s = NULL;
    assert_int_equal(bc_state_open(f->path, &s, NULL), BC_OK);
    int64_t other;
    bc_error e = {0};
    /* one active run per checklist and target */
    assert_int_equal(bc_checklist_start(s, f->cl, &who, &other, &e), BC_REFUSED);
    assert_non_null(strstr(e.msg, "checklist resume"));
    bc_checklist_ui no = {.ask = refuse};
    bc_run_outcome o;
    assert_int_equal(
        bc_checklist_advance(s, f->cl, run, actions, 4, NULL, &no, NULL, &who, &o, &e),
        BC_OK);
    assert_int_equal(o, BC_RUN_PAUSED);
    assert_int_equal(W->rotate_calls, 0);
    /* a once step without examine found running stops for a decision */
    bc_checklist_action blind[4];
    memcpy(blind, actions, sizeof blind);
    blind[1].examine = NULL;
    sqlite3_exec(bc_state_db(s),
                 "UPDATE checklist_step SET state = CASE WHEN idx < 2 THEN 'done'"
                 " WHEN idx = 2 THEN 'running' ELSE 'pending' END",
                 NULL, NULL, NULL);
    assert_int_equal(
        bc_checklist_advance(s, f->cl, run, blind, 4, NULL, &ui, NULL, &who, &o, &e),
        BC_OK);
    assert_int_equal(o, BC_RUN_STOPPED);
    assert_non_null(strstr(e.msg, "--redo rotate"));
    assert_int_equal(W->rotate_calls, 0);
    /* production: the typed name */
    bc_checklist *prod = NULL;
    assert_int_equal(bc_checklist_parse(runbook, strlen(runbook), &prod, NULL), BC_OK);
    prod->steps[2].production_confirm = true;
    bc_checklist_opts opts = {.production = true, .target_name = "prod-deploy"};
    assert_int_equal(bc_checklist_abandon(s, run, &e), BC_OK);
    assert_int_equal(bc_checklist_start(s, prod, &who, &run, &e), BC_OK);
    assert_int_equal(
        bc_checklist_advance(s, prod, run, actions, 4, NULL, &ui, &opts, &who, &o, &e),
        BC_OK);
    assert_int_equal(o, BC_RUN_PAUSED); /* "yes" is not the deployment's name */
    assert_non_null(strstr(e.msg, "not the deployment's name"));
    assert_int_equal(W->rotate_calls, 0);
    bc_checklist_free(prod);
    bc_state_close(s);
}

static bc_status refused_check(bc_checklist_ctx *ctx, char **out, bc_error *err)
{
    return bc_fail(err, BC_REFUSED, "the precondition does not hold");
}

/* A run stopped at a precondition (a `check` step with only checks before it) changed nothing:
 * it ends "not started", blocks nothing, and a new run of the same checklist starts at once;
 * a stop after a step that is not a check leaves the run active. */
static void refused_precondition_is_not_started(void **state)
{
    fx *f = *state;
    bc_checklist *cl = NULL;
    assert_int_equal(bc_checklist_parse(runbook, strlen(runbook), &cl, NULL), BC_OK);
    cl->steps[0].check = true;
    bc_checklist_action acts[4];
    memcpy(acts, actions, sizeof acts);
    acts[0].run = refused_check;
    bc_state *s = NULL;
    assert_int_equal(bc_state_open(f->path, &s, NULL), BC_OK);
    int64_t run = 0, next = 0, active = 0;
    bc_error e = {0};
    bc_run_outcome o;
    assert_int_equal(bc_checklist_start(s, cl, &who, &run, &e), BC_OK);
    assert_int_equal(
        bc_checklist_advance(s, cl, run, acts, 4, NULL, &ui, NULL, &who, &o, &e),
        BC_OK);
    assert_int_equal(o, BC_RUN_STOPPED);
    assert_non_null(strstr(e.msg, "precondition does not hold"));
    bc_checklist_run r;
    assert_int_equal(bc_checklist_run_get(s, run, &r, NULL), BC_OK);
    assert_string_equal(r.state, "not started");
    bc_checklist_run_release(&r);
    assert_int_equal(bc_checklist_find_active(s, cl->id, NULL, &active, &e), BC_OK);
    assert_int_equal(active, 0);
    assert_int_equal(bc_checklist_start(s, cl, &who, &next, &e), BC_OK);
    assert_true(next > run);
    /* The same refusal at a step that is not a check: the run stays active (it may resume). */
    cl->steps[0].check = false;
    assert_int_equal(
        bc_checklist_advance(s, cl, next, acts, 4, NULL, &ui, NULL, &who, &o, &e),
        BC_OK);
    assert_int_equal(bc_checklist_run_get(s, next, &r, NULL), BC_OK);
    assert_string_equal(r.state, "active");
    bc_checklist_run_release(&r);
    bc_checklist_free(cl);
    bc_state_close(s);
}

/* Skipping the next step is the operator's typed decision: a wrong or missing id, a step that
 * is not the next one, or a finished run are refused; a skipped step is not run and the run goes
 * on after it. */
static void skip_needs_typed_next_step(void **state)
{
    fx *f = *state;
    int64_t run = start(f);
    bc_checklist_ui no = {.ask = refuse};
    bc_state *s = NULL;
    assert_int_equal(bc_state_open(f->path, &s, NULL), BC_OK);
    bc_run_outcome o;
    bc_error e = {0};
    /* impact runs, then the run pauses at the notice confirmation */
    assert_int_equal(
        bc_checklist_advance(s, f->cl, run, actions, 4, NULL, &no, NULL, &who, &o, &e), BC_OK);
    assert_int_equal(o, BC_RUN_PAUSED);
    assert_int_equal(bc_checklist_skip(s, run, f->cl, "notice", "notic", &e), BC_REFUSED);
    assert_non_null(strstr(e.msg, "typed exactly"));
    assert_int_equal(bc_checklist_skip(s, run, f->cl, "notice", NULL, &e), BC_REFUSED);
    assert_int_equal(bc_checklist_skip(s, run, f->cl, "rotate", "rotate", &e), BC_REFUSED);
    assert_non_null(strstr(e.msg, "not the run's next step (notice)"));
    assert_int_equal(bc_checklist_skip(s, run, f->cl, "impact", "impact", &e), BC_REFUSED);
    assert_int_equal(bc_checklist_skip(s, run, f->cl, "notice", "notice", &e), BC_OK);
    bc_checklist_run r = get(f, run);
    assert_int_equal(r.steps[1].state, BC_SS_SKIPPED);
    assert_non_null(strstr(r.steps[1].note, "skipped by the operator's typed decision"));
    assert_string_equal(r.state, "active");
    bc_checklist_run_release(&r);
    /* the run goes on after it: rotate, set, then the window input pauses again */
    assert_int_equal(
        bc_checklist_advance(s, f->cl, run, actions, 4, NULL, &no, NULL, &who, &o, &e), BC_OK);
    assert_int_equal(o, BC_RUN_PAUSED);
    assert_int_equal(W->rotate_calls, 1);
    assert_int_equal(bc_checklist_skip(s, run, f->cl, "window", "window", &e), BC_OK);
    assert_int_equal(
        bc_checklist_advance(s, f->cl, run, actions, 4, NULL, &no, NULL, &who, &o, &e), BC_OK);
    assert_int_equal(o, BC_RUN_DONE);
    /* nothing is left to skip in a done run, and another runbook's steps are not this run's */
    assert_int_equal(bc_checklist_skip(s, run, f->cl, "record", "record", &e), BC_REFUSED);
    assert_non_null(strstr(e.msg, "is done: nothing to skip"));
    bc_checklist *other = NULL;
    assert_int_equal(bc_checklist_load("bootstrap", &other, NULL), BC_OK);
    assert_int_equal(bc_checklist_skip(s, run, other, "record", "record", &e), BC_USAGE);
    bc_checklist_free(other);
    assert_int_equal(bc_checklist_skip(s, 9999, f->cl, "x", "x", &e), BC_NOT_FOUND);
    bc_state_close(s);
}

static void parse_errors(void **state)
{
    (void)state;
    const struct {
        const char *text, *msg;
    } cases[] = {
        {"", "not valid JSON"},
        {"[]", "not a JSON object"},
        {"{\"id\":\"x\",\"title\":\"t\",\"steps\":[]}", "non-empty array"},
        {"{\"id\":\"x\",\"title\":\"t\",\"steps\":[{\"id\":\"a\",\"title\":\"t\","
         "\"explanation\":\"e\",\"kind\":\"auto\"}]}",
         "step 1 (a): kind \"auto\""},
        {"{\"id\":\"x\",\"title\":\"t\",\"steps\":[{\"id\":\"a\",\"title\":\"t\","
         "\"explanation\":\"e\",\"kind\":\"automatic\"}]}",
         "needs an \"action\""},
        {"{\"id\":\"x\",\"title\":\"t\",\"steps\":[{\"id\":\"a\",\"title\":\"t\","
         "\"explanation\":\"e\",\"kind\":\"confirm\"},{\"id\":\"a\",\"title\":\"t\","
         "\"explanation\":\"e\",\"kind\":\"confirm\"}]}",
         "used twice"},
        {"{\"id\":\"x\",\"title\":\"t\",\"steps\":[{\"id\":\"a\",\"title\":\"t\","
         "\"explanation\":\"e\",\"kind\":\"confirm\",\"wait_minutes\":-1}]}",
         "wait_minutes"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        bc_checklist *cl = (bc_checklist *)1;
        bc_error e = {0};
        assert_int_equal(bc_checklist_parse(cases[i].text, strlen(cases[i].text), &cl, &e), BC_ERR);
        assert_null(cl);
        if (!strstr(e.msg, cases[i].msg))
            fail_msg("case %zu: \"%s\" lacks \"%s\"", i, e.msg, cases[i].msg);
    }
}

static void embedded_runbooks(void **state)
{
    (void)state;
    bc_checklist *cl = NULL;
    assert_int_equal(bc_checklist_load("bootstrap", &cl, NULL), BC_OK);
    const char *boot[] = {"reachable", "secret", "latest-jwks", "set-jwks", "verify", "record"};
    assert_int_equal(cl->n, 6);
    for (size_t i = 0; i < cl->n; i++)
        assert_string_equal(cl->steps[i].id, boot[i]);
    bc_checklist_free(cl);
    assert_int_equal(bc_checklist_load("rotate", &cl, NULL), BC_OK);
    const char *rot[] = {"impact",   "window", "notice",  "rotate",
                         "set-jwks", "verify", "monitor", "record"};
    assert_int_equal(cl->n, 8);
    for (size_t i = 0; i < cl->n; i++)
        assert_string_equal(cl->steps[i].id, rot[i]);
    assert_true(cl->steps[3].once && cl->steps[3].production_confirm);
    assert_int_equal(cl->steps[6].wait_minutes, 15);
    bc_checklist_free(cl);
    assert_int_equal(bc_checklist_load("nope", &cl, NULL), BC_NOT_FOUND);
    assert_int_equal(bc_checklist_load("../x", &cl, NULL), BC_NOT_FOUND);
}

int main(void)
{
    W = mmap(NULL, sizeof *W, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(crash_everywhere, setup, teardown),
        cmocka_unit_test_setup_teardown(done_once_step_needs_typed_id, setup, teardown),
        cmocka_unit_test_setup_teardown(satisfied_step_is_skipped, setup, teardown),
        cmocka_unit_test_setup_teardown(pauses_and_refusals, setup, teardown),
        cmocka_unit_test_setup_teardown(refused_precondition_is_not_started, setup, teardown),
        cmocka_unit_test_setup_teardown(skip_needs_typed_next_step, setup, teardown),
        cmocka_unit_test(parse_errors),
        cmocka_unit_test(embedded_runbooks),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
