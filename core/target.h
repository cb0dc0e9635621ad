/* target.h - what the operator points bcadmin at, opened once and then the only way either face
 * (the verbs, the console and every screen in it) reaches anything.
 *
 * A bc_target is chosen from the flags, the process environment, then .env.local and .env (the
 * Convex CLI's order, deployment.h) and OWNS, until bc_target_close:
 *  - the driver (a SQLite file or a Convex deployment) and, for Convex, the connection the driver
 *    borrows and the detected function layout: where findMany lives and where getLatestJwks /
 *    rotateKeys live (t->jwks), remembered per deployment URL + key fingerprint in the state
 *    database so the next process does not probe (a "function not found" answer re-detects);
 *  - the state database (bc_state *, audit log and checklist runs), opened once;
 *  - the audit identity: OS user, the target's kind and label (key fingerprint, never the key);
 *  - the production policy: whether it is production, its display name (label), the name an
 *    operator types to confirm (name: "happy-cat-123" from a deploy key, else the URL's host),
 *    what needs --yes without a terminal, and --read-only.
 * Every string and pointer in bc_target belongs to it; callers borrow them. Curses-free; prints
 * nothing (warnings are handed back in env.warnings).
 */
#ifndef BC_TARGET_H
#define BC_TARGET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "audit.h"
#include "audit_reconcile.h"
#include "checklist.h"
#include "deployment.h"
#include "driver.h"
#include "envsync.h"
#include "jwks_convex.h"
#include "jwks_doctor.h"
#include "jwks_rotate.h"
#include "progress.h"
#include "state.h"
#include "status.h"

typedef struct {
    const char *db; /* --db (wins); else --url/--admin-key; else BCADMIN_DB; else CONVEX_* */
    const char *url, *admin_key;
    bool prod, url_for_key, read_only;
    const char *auth_functions, *component;
    const char *dir;            /* where .env.local and .env are read; NULL: working directory */
    const char *state;          /* --state: the state database; NULL: the default path */
    const char *site_url;       /* --site-url: CONVEX_SITE_URL when the deployment has none; on
                                   SQLite the app's server (else BETTER_AUTH_URL) */
    const char *auth_base_path; /* --auth-base-path: Better Auth's basePath (default /api/auth) */
    const char *jwks_module;    /* --jwks-module: where the app wrote getLatestJwks/rotateKeys
                                   (else BCADMIN_JWKS_MODULE; else found: jwks_convex.h) */
    /* A Convex deployment whose auth functions do not answer still opens, with t->d NULL and
     * t->driver_error saying why: the key and env verbs must diagnose such a deployment (a
     * broken JWKS breaks every function). */
    bool connection_enough;
} bc_target_opts;

typedef struct {
    bc_driver *d;       /* the open driver; NULL only with connection_enough (driver_error) */
    char *driver_error; /* why the driver did not open, or NULL */
    bc_env_sources env; /* the variables' sources (CONVEX_SITE_URL...); warnings to show */
    char *path;         /* SQLite: the file; NULL for Convex */
    bool nothing;       /* set with BC_USAGE when nothing at all was selected */
    bool convex;        /* a Convex deployment was selected (even when opening it failed) */

    /* Convex */
    bc_convex *conn;     /* the connection (the driver borrows it); NULL for SQLite */
    char *url;           /* the deployment's URL */
    char *fingerprint;   /* "key:1a2b3c4d" (never the key) */
    char *how;           /* how the deployment was chosen (names, never values) */
    char *functions;     /* the layout: "auth:*", "generated/auth:*", "betterAuth/adapter:*" */
    bool layout_cached;  /* it came from the state database (no probe was sent) */
    bc_jwks_deploy jwks; /* the key actions' handle (getLatestJwks, rotateKeys, jwks rows) */
    char *jwks_module, *jwks_component, *site_url, *auth_base_path; /* what jwks points at */
    const char *site_url_from; /* "--site-url" or the env source site_url came from, or NULL */
    char *key_module; /* the operator's module of the key actions, or NULL */
    char *key_found;  /* where a search found them (kept while the layout stays) */

    /* policy */
    char *label; /* the display name (top bar, audit log, checklist runs) */
    char *name;  /* what an operator types to confirm on production, exactly as shown */
    bool production, read_only;

    /* the state database and the audit identity */
    bc_state *state;
    char *state_path, *state_error;
    bc_status state_status;         /* why it did not open (with state_error) */
    bool reconcile_tried;           /* bc_target_reconcile ran for this target */
    bc_reconcile_counts reconciled; /* what it settled */
    char *os_user;
} bc_target;

/* Load the variables' sources for o (bc_env_sources_release frees them). */
bc_status bc_target_sources(const bc_target_opts *o, bc_env_sources *out, bc_error *err);

/* Open what o selects into t (zeroed here). BC_USAGE with t->nothing when nothing is selected
 * (the message says what to give), BC_USAGE for a conflict; a driver's own errors otherwise (then
 * t holds the env warnings and, for Convex, what was chosen: bc_target_close is always safe). */
bc_status bc_target_open(const bc_target_opts *o, bc_target *t, bc_error *err);
/* A target with nothing selected yet: the state database path, the identity and --read-only
 * from o (the verbs that read only bcadmin's own records: audit, checklist list). */
void bc_target_init(const bc_target_opts *o, bc_target *t);
/* Open a SQLite file into a zeroed t (the console's demo database and switcher). */
bc_status bc_target_open_sqlite(const char *path, const bc_target_opts *o, bc_target *t,
                                bc_error *err);
/* Open the Convex deployment o and t->env select (t->env loaded first). */
bc_status bc_target_open_convex(const bc_target_opts *o, bc_target *t, bc_error *err);
/* The deployment a dotenv file names (env diff --against): connection only, no state. */
bc_status bc_target_open_file(const char *path, bc_target *t, bc_error *err);
void bc_target_close(bc_target *t);

/* The state database, opened on first use and kept (the same bc_state * every time). NULL with
 * err when it cannot be opened (the reason is kept in t->state_error too). */
bc_state *bc_target_state(bc_target *t, bc_error *err);
/* Move the open state database of from into to (the console's switcher keeps one). */
void bc_target_take_state(bc_target *to, bc_target *from);

/* Who and where, for audit entries: actor may be NULL. Points into t (and actor). */
bc_audit_who bc_target_who(const bc_target *t, const char *actor);

/* Settle the audit entries of this target that a stopped bcadmin left pending
 * (audit_reconcile.h), once per open target: the verbs and the console call it right after
 * opening. Needs the driver (nothing to do without one) and the state database (a state
 * database that cannot be opened is left for the verbs that need it to report). t->reconciled
 * gets what was settled. */
bc_status bc_target_reconcile(bc_target *t, bc_error *err);

/* --- production policy ------------------------------------------------------------------- */

/* BC_REFUSED under --read-only (bc_read_only_refuse: "LABEL is open read-only (--read-only): WHAT
 * refused; nothing was changed"). */
bc_status bc_target_check_write(const bc_target *t, const char *what, bc_error *err);
/* Whether a write needs the operator to type the target's name first (production). */
bool bc_target_needs_name(const bc_target *t);
/* The name to type, exactly as it must be typed. */
const char *bc_target_typed_name(const bc_target *t);
/* Whether typed is the name (surrounding blanks ignored). */
bool bc_target_name_matches(const bc_target *t, const char *typed);
/* For a write from a face that may have no terminal: BC_OK when it may go on without asking
 * (not production, or yes), *ask set when the operator must be asked on the terminal, and
 * BC_REFUSED naming --yes when there is no terminal to ask on. */
bc_status bc_target_confirm_rule(const bc_target *t, bool yes, bool terminal, const char *what,
                                 bool *ask, bc_error *err);

/* --- keys and checklists ----------------------------------------------------------------- */

/* The key actions' handle; BC_USAGE naming the target when it is not a Convex deployment. */
bc_status bc_target_keys(bc_target *t, const bc_jwks_deploy **out, bc_error *err);

/* Run the SQLite doctor over t's jwks table (a file without one fails rows.present), judged by
 * the line the file's schema shows. With the app's server known (--site-url, BETTER_AUTH_URL:
 * t->site_url) and key rows in the file, the keys the server publishes are read for its
 * configured algorithm (server.alg). secrets (the app's BETTER_AUTH_SECRETS / BETTER_AUTH_SECRET)
 * and secret_from may be NULL; alg NULL infers it; now_ms 0 is the clock. rows (may be NULL)
 * receives the rows looked at (the caller releases them). *out is the caller's (zero it first). */
bc_status bc_target_doctor_sqlite(bc_target *t, const bc_secrets *secrets,
                                  const char *secret_from, const char *alg, int64_t now_ms,
                                  bc_checks *out, bc_jwks_rows *rows, bc_error *err);

/* Rotate the SQLite key (jwks_rotate.h) of t: without opts->alg, the algorithm the app's server
 * publishes as configured (as the doctor reads it) wins over the inferred one. */
bc_status bc_target_rotate_sqlite(bc_target *t, const bc_jwks_rotate_opts *opts,
                                  bc_jwks_rotate_result *res, bc_error *err);

/* Start a run of checklist cl on t, or continue the unfinished run of the same checklist on the
 * same target (*continued set; the caller says so). */
bc_status bc_target_checklist_start(bc_target *t, const bc_checklist *cl, int64_t *run_id,
                                    bool *continued, bc_error *err);
/* The newest unfinished checklist run (of any checklist) recorded against t; *run_id = 0 when
 * none. Runs on other targets are theirs: the console's banner and overview name only t's. */
bc_status bc_target_checklist_active(bc_target *t, int64_t *run_id, bc_error *err);
/* Advance run_id of cl on t with the JWKS checklist actions, the production typed confirmation
 * included (t->name); see bc_checklist_advance for outcome and err. A run recorded against
 * another target is refused (BC_REFUSED). A run that stopped at its first step before changing
 * anything is recorded "not started" and blocks nothing. */
bc_status bc_target_checklist_advance(bc_target *t, const bc_checklist *cl, int64_t run_id,
                                      const bc_checklist_ui *ui, bool no_wait,
                                      bc_run_outcome *outcome, bc_error *err);

/* --- operations beyond the driver seam ---------------------------------------------------- */

/* SQLite files: bcadmin's browsing and search indexes (sqlite_driver.h). On a Convex target the
 * questions answer true (nothing to add) and the changes are refused with BC_USAGE. */
bool bc_target_has_indexes(bc_target *t);
bool bc_target_has_search_index(bc_target *t);
bool bc_target_has_any_index(bc_target *t);
/* Whether a stopped bc_target_add_indexes left the search index unfinished. */
bool bc_target_search_index_unfinished(bc_target *t);
/* The overview summary (per-day counts kept by triggers): present and filled; unfinished (a
 * stopped bc_target_add_indexes left its fill half done). */
bool bc_target_has_summary(bc_target *t);
bool bc_target_summary_unfinished(bc_target *t);
bc_status bc_target_add_indexes(bc_target *t, bc_error *err);
/* The same, reporting each part as it starts (progress.h; may be NULL). */
bc_status bc_target_add_indexes_progress(bc_target *t, const bc_progress *progress,
                                         bc_error *err);
bc_status bc_target_drop_indexes(bc_target *t, bc_error *err);
/* SQLite files: SQLite's integrity check (bc_sqlite_integrity_check; *problems NULL when sound,
 * else the caller's text). A Convex target has no file to check: BC_OK, *problems NULL. */
bc_status bc_target_integrity_check(bc_target *t, const bc_progress *progress, char **problems,
                                    bc_error *err);
/* Whether creating a user on t skips the app's triggers (convex_driver.h): warn first. */
bool bc_target_bypasses_triggers(const bc_target *t);
/* Rounds of HTTP requests sent so far (Convex), for tests. */
size_t bc_target_round_trips(const bc_target *t);

/* How many key rows the deployment's jwks table holds, for the secret guard (envsync.h's
 * key_rows): 1 when they cannot be read (a secret is never replaced on a guess). */
size_t bc_target_key_rows(bc_target *t);

/* The deployment's environment variables {"NAME":"value"} (caller's json_decref); BC_USAGE on
 * a SQLite target. */
bc_status bc_target_env_list(bc_target *t, json_t **vars, bc_error *err);
/* Apply an env plan to t (envsync.h) with t's layout, site URL, state database and identity;
 * action is the audit action ("env.sync", "env.set"...). The state database must open: nothing
 * is changed without the audit log. */
bc_status bc_target_env_apply(bc_target *t, bc_envsync_plan *plan, const char *action,
                              bool write_offer, bc_envsync_report *rep, bc_error *err);

/* --- the console's switcher -------------------------------------------------------------- */

/* One thing the switcher offers. Strings are owned (bc_target_choices_free). */
typedef enum { BC_CHOICE_CONVEX, BC_CHOICE_SQLITE } bc_choice_kind;
typedef struct {
    bc_choice_kind kind;
    char *name;        /* the deployment's label, or the file's path */
    char *from;        /* where it was found ("--db", "BCADMIN_DB", "the demo database", how) */
    char *fingerprint; /* Convex: "key:1a2b3c4d"; NULL for SQLite */
    char *problem;     /* why it cannot be opened (a conflict, a missing file), or NULL */
    bool production;
} bc_target_choice;

/* What o's flags, the environment and the files offer: the selected Convex deployment (or why
 * none can be), the --db file, BCADMIN_DB, the demo database when it exists. No network. *out
 * is the caller's. */
size_t bc_target_choices(const bc_target_opts *o, bc_target_choice **out);
void bc_target_choices_free(bc_target_choice *c, size_t n);

#endif
