/* checklist.h - runbooks as data (assets/checklists/NAME.json) and the engine that runs them, with
 * every run and step state kept in bcadmin's state database (migrations/0002_checklists.sql).
 *
 * A step is marked running (committed) before its action starts and done/failed after, so a run
 * interrupted at any point resumes at the right step: a step found running or failed is first
 * examined (did it take effect?) rather than blindly repeated, a step whose goal already holds is
 * skipped with a note, and a done step marked `once` (rotateKeys) is only redone after the
 * operator types its id (bc_checklist_redo). The engine never prints: it asks and reports
 * through bc_checklist_ui, so the CLI and a TUI view only draw.
 */
#ifndef BC_CHECKLIST_H
#define BC_CHECKLIST_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "audit.h"
#include "state.h"
#include "status.h"

/* ---- runbooks ---- */

typedef enum { BC_STEP_AUTOMATIC, BC_STEP_CONFIRM, BC_STEP_INPUT } bc_step_kind;

typedef struct {
    char *id, *title, *explanation;
    bc_step_kind kind;
    char *action;            /* automatic steps: a name in the action table */
    char *prompt;            /* confirm / input steps: the question (defaults to the title) */
    bool once;               /* must never repeat without a typed decision (rotateKeys) */
    bool production_confirm; /* on a production target the operator types its name first */
    bool check;              /* a precondition that only reads: a run stopped at one before any
                                other step ran ends "not started" and blocks nothing */
    int wait_minutes;        /* a timed operator step: how long to watch before confirming */
} bc_checklist_step;

typedef struct {
    char *id, *title, *summary;
    bc_checklist_step *steps;
    size_t n;
} bc_checklist;

/* Parse a runbook; errors name the step and member ("step 3 (rotate): kind \"auto\" is not
 * automatic, confirm or input"). *out is the caller's: bc_checklist_free. */
bc_status bc_checklist_parse(const char *text, size_t len, bc_checklist **out, bc_error *err);
/* The embedded runbook called id ("bootstrap", "rotate"); BC_NOT_FOUND when there is none. */
bc_status bc_checklist_load(const char *id, bc_checklist **out, bc_error *err);
void bc_checklist_free(bc_checklist *cl);
const char *bc_step_kind_name(bc_step_kind k);

/* ---- runs in the state database ---- */

typedef enum {
    BC_SS_PENDING,
    BC_SS_RUNNING,
    BC_SS_DONE,
    BC_SS_FAILED,
    BC_SS_SKIPPED,
} bc_step_state;

const char *bc_step_state_name(bc_step_state s);

typedef struct {
    char *step_id;
    bc_step_state state;
    int attempts;
    char *started_at, *finished_at, *output, *note; /* NULL when not set */
} bc_step_record;

/* A run as stored. Everything is owned: bc_checklist_run_release. */
typedef struct {
    int64_t id;
    char *checklist, *target_kind, *target, *os_user;
    char *state; /* "active", "done", "failed", "abandoned" */
    char *started_at, *updated_at, *finished_at;
    json_t *vars; /* facts steps hand to later steps */
    bc_step_record *steps;
    size_t n;
} bc_checklist_run;

void bc_checklist_run_release(bc_checklist_run *run);

typedef struct {
    bc_checklist_run *items;
    size_t n;
} bc_checklist_runs;

void bc_checklist_runs_release(bc_checklist_runs *runs);

/* Start a run of cl on who's target with every step pending; *id gets its number. Refused
 * (BC_REFUSED, naming the run to resume) when an active run of the same checklist on the same
 * target exists. */
bc_status bc_checklist_start(bc_state *state, const bc_checklist *cl, const bc_audit_who *who,
                             int64_t *id, bc_error *err);
/* The newest active run of checklist (NULL: any) on target (NULL: any); *id = 0 when none. */
bc_status bc_checklist_find_active(bc_state *state, const char *checklist, const char *target,
                                   int64_t *id, bc_error *err);
bc_status bc_checklist_run_get(bc_state *state, int64_t id, bc_checklist_run *out, bc_error *err);
/* The newest runs first, at most limit (0: 100). */
bc_status bc_checklist_runs_list(bc_state *state, size_t limit, bc_checklist_runs *out, bc_error *err);
/* Put a done / skipped / failed step (and every later one) back to pending so the next advance
 * runs it again. typed must equal the step id: this is the operator's explicit decision to
 * repeat, required above all for `once` steps. BC_REFUSED when it does not match. */
bc_status bc_checklist_redo(bc_state *state, int64_t run_id, const bc_checklist *cl,
                            const char *step_id, const char *typed, bc_error *err);
/* Skip the run's next step (the first not done or skipped) by the operator's decision: typed must
 * equal its id (BC_REFUSED otherwise, and for a step that is not the next one or a run that is
 * not active). The step is recorded skipped with a note saying so; the next advance goes on
 * after it. */
bc_status bc_checklist_skip(bc_state *state, int64_t run_id, const bc_checklist *cl,
                            const char *step_id, const char *typed, bc_error *err);
/* Mark an active run abandoned (it no longer blocks a new one). */
bc_status bc_checklist_abandon(bc_state *state, int64_t run_id, bc_error *err);

/* ---- actions and the engine ---- */

/* What an action sees. */
typedef struct {
    bc_state *state;         /* the state database (audit log) */
    const bc_audit_who *who; /* for audit entries */
    void *target;            /* the action table's own context (a JWKS deployment...) */
    json_t *vars;            /* the run's facts; an action may add to them (saved after it) */
    const bc_checklist_run *run;
    int64_t now_ms;
} bc_checklist_ctx;

typedef struct {
    const char *name;
    /* Do the step. *output (may stay NULL; the engine frees it) is recorded with the step. */
    bc_status (*run)(bc_checklist_ctx *ctx, char **output, bc_error *err);
    /* Optional: whether the goal already holds, so the step is skipped; *note says why. */
    bc_status (*satisfied)(bc_checklist_ctx *ctx, bool *yes, char **note, bc_error *err);
    /* Optional: for a step found running or failed when a run resumes, whether it took effect
     * after all (*happened) — then it is recorded done without running again. Without it, a step
     * that is not `once` is run again and a `once` step needs bc_checklist_redo. */
    bc_status (*examine)(bc_checklist_ctx *ctx, bool *happened, char **note, bc_error *err);
} bc_checklist_action;

/* How the engine reaches the operator. Every member may be NULL. */
typedef struct {
    void *ctx;
    /* A confirm or input step (or a typed production confirmation) needs an answer: BC_OK
     * with *answer (malloc'd, the engine frees it), or BC_REFUSED to pause the run here. */
    bc_status (*ask)(void *ctx, const bc_checklist_step *step, const char *prompt, bool typed,
                     char **answer, bc_error *err);
    /* A step changed state (for progress output). */
    void (*progress)(void *ctx, const bc_checklist_step *step, bc_step_state state,
                     const char *text);
} bc_checklist_ui;

typedef enum {
    BC_RUN_DONE,    /* every step done or skipped */
    BC_RUN_PAUSED,  /* waiting for the operator: resume later */
    BC_RUN_STOPPED, /* a step failed, or a once step needs a decision; see err */
} bc_run_outcome;

typedef struct {
    bool production;         /* steps with production_confirm need the typed name */
    const char *target_name; /* what the operator types on production */
    int64_t now_ms;          /* 0: the clock */
    bool no_wait;            /* --yes: timed steps do not wait out their minutes */
} bc_checklist_opts;

/* Run the run's steps from the first that is not done or skipped until the end, a pause or a
 * failure. A run stopped at a `check` step with only check steps before it changed nothing: it
 * is recorded "not started" (finished, blocking nothing), the outcome still says why. *outcome says which; a failing step returns BC_OK with BC_RUN_STOPPED and its reason
 * in err (the step is recorded failed), so callers can show both. Errors of the state database
 * itself return BC_ERR. */
bc_status bc_checklist_advance(bc_state *state, const bc_checklist *cl, int64_t run_id,
                               const bc_checklist_action *actions, size_t n_actions, void *target,
                               const bc_checklist_ui *ui, const bc_checklist_opts *opts,
                               const bc_audit_who *who, bc_run_outcome *outcome, bc_error *err);

#endif
