/* cli.h - bcadmin's command line: the verbs, their options, and what the verb modules share.
 *
 * cli.c parses argv against one table of verbs and one table of options (the usage text is
 * generated from them) and runs the verb; cli_rows.c holds the verbs that read users, sessions
 * and accounts, cli_db.c those that make or check database files, cli_admin.c those that change
 * rows (audited), cli_jwks.c the key and checklist verbs, cli_env.c the env verbs. Verbs only
 * translate options into core calls and print: every rule lives in core.
 */
#ifndef BC_CLI_H
#define BC_CLI_H

#include <jansson.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "driver.h"
#include "status.h"
#include "target.h"

typedef enum { BC_OUT_HUMAN, BC_OUT_JSON, BC_OUT_CSV } bc_out_format;

/* How many entries `bcadmin audit` shows without --limit; BC_CLI_STR puts it in the help. */
#define BC_CLI_AUDIT_DEFAULT_LIMIT 20
#define BC_CLI_STR_(x) #x
#define BC_CLI_STR(x) BC_CLI_STR_(x)

/* Everything parsed from the command line, plus the open target while a verb runs. */
typedef struct {
    /* global options */
    const char *db;  /* --db, else BCADMIN_DB */
    const char *url; /* --url, --admin-key, --prod...: a Convex deployment (deployment.h) */
    const char *admin_key;
    bool prod;
    const char *auth_functions, *component;
    bool url_for_key;
    const char *state; /* --state */
    bool read_only;
    const char *as; /* --as, else BCADMIN_AS: the acting admin */
    bool yes;       /* --yes: no confirmation prompts */
    const char *site_url, *auth_base_path; /* --site-url, --auth-base-path */
    const char *jwks_module;               /* --jwks-module */

    /* the verb's positional arguments */
    const char *args[2];
    int nargs;

    /* verb options */
    bc_user_query users; /* users list: search, filters, sort, limit, cursor */
    bc_session_query sessions;
    const char *cursor; /* --cursor, for either list */
    size_t limit;       /* --limit, 0 when not given */
    bool all;
    bc_out_format format;
    const char *json_fields; /* --json FIELDS: a comma list; NULL for every field */
    bool csv_formulas; /* --csv-formulas: cells starting with = + - @ are not neutralised */
    bool reveal;
    uint64_t demo_users; /* demo --users */
    uint64_t seed;
    bool force;
    bool drop; /* db index --drop */
    int days;  /* stats --days, 0 when not given */
    /* env verbs */
    const char *env_file; /* --file */
    const char *against;  /* --against: a file naming another deployment */
    bool auth, prune, dry_run;
    bool replace_secret; /* --replace-secret: the replace-secret checklist (secret + rotation) */
    bool exit_code; /* env diff --exit-code: differences are a failure */
    const char *secret_file; /* --secret-file: jwks verbs, impersonation cookies */
    const char *alg;         /* --alg */
    bool revoke_old;
    const char *redo; /* --redo STEP */

    /* admin verbs (cli_admin.c) */
    const char *reason, *expires, *duration;
    const char *email, *name, *new_role, *image;
    int email_verified; /* -1 not given, 0 false, 1 true */
    bool allow_admin_target;
    bool every_user; /* users stop-impersonating --all */
    bool filtered;   /* a users-list filter was given: the verb works on a selection */

    /* while running */
    const char *verb; /* the verb's name ("users ban") */
    FILE *out;
    bool tty;       /* stdout is a terminal (footers on stdout, prompts) */
    size_t columns; /* stdout's terminal width (print.h's tables fit it); 0: not a terminal */
    int64_t now;  /* one clock reading for the whole run */
    bc_driver *d; /* the target, opened for verbs that need one (t.d) */
    bc_target t;  /* what bc_cli_open_target opened; closed after the verb */
    bool name_confirmed; /* the operator typed the production target's name in this run */
} bc_cli;

/* The name of verb i ("users list"), or NULL past the last one. */
const char *bc_cli_verb_name(size_t i);

/* Open the target the options and environment select into c->t and c->d (read_only forces
 * read-only); prints the dotenv files' warnings to stderr. */
bc_status bc_cli_open_target(bc_cli *c, bool read_only, bc_error *err);

/* The same for the key and env verbs: a Convex deployment whose auth functions do not answer
 * still opens (c->d NULL, a note on stderr says why), so they can diagnose it. */
bc_status bc_cli_open_conn(bc_cli *c, bool read_only, bc_error *err);

/* Before a write: on a production target (target.h's policy) ask question with y/N and then
 * the deployment's name on the terminal; without a terminal refuse unless --yes. ask_anyway:
 * ask the y/N on any target (a costly change), still refusing without a terminal and --yes.
 * BC_REFUSED (nothing was changed) when not confirmed. */
bc_status bc_cli_confirm(bc_cli *c, const char *question, bool ask_anyway, bc_error *err);

/* Start (or continue) checklist id on the open Convex target and advance it, printing the run
 * (cli_jwks.c). costly: ask y/N on any target (the name too on production); else only on
 * production. With --json and run_doc non-NULL the run is not printed: *run_doc gets its
 * document (the caller's; it stays NULL when the run did not get that far), so a verb that runs a
 * checklist inside its own work prints one JSON document. */
bc_status bc_cli_run_checklist(bc_cli *c, const char *id, bool costly, json_t **run_doc,
                               bc_error *err);

/* Run bcadmin with argv; returns the process exit code (bc_status_exit_code). */
int bc_cli_main(int argc, char **argv);

/* Whether word is a comma list of field names of users, sessions or accounts ("id,email"): the
 * word after --json is then its FIELDS rather than an argument (cli_rows.c). */
bool bc_cli_looks_like_fields(const char *word);
/* The first name in the comma list word that is no field of users, sessions or accounts (its
 * length in *len), or NULL: a pointer into word. */
const char *bc_cli_unknown_field(const char *word, size_t *len);

/* The verbs (cli_rows.c, cli_db.c). They print to c->out and fail through err. */
bc_status bc_cli_users_list(bc_cli *c, bc_error *err);
bc_status bc_cli_users_show(bc_cli *c, bc_error *err);
bc_status bc_cli_sessions_list(bc_cli *c, bc_error *err);
bc_status bc_cli_accounts_list(bc_cli *c, bc_error *err);
bc_status bc_cli_demo(bc_cli *c, bc_error *err);
bc_status bc_cli_db_index(bc_cli *c, bc_error *err);
bc_status bc_cli_db_check(bc_cli *c, bc_error *err);
/* cli_stats.c */
bc_status bc_cli_stats(bc_cli *c, bc_error *err);
/* The env verbs (cli_env.c). */
bc_status bc_cli_env_list(bc_cli *c, bc_error *err);
bc_status bc_cli_env_diff(bc_cli *c, bc_error *err);
bc_status bc_cli_env_sync(bc_cli *c, bc_error *err);
bc_status bc_cli_env_set(bc_cli *c, bc_error *err);
bc_status bc_cli_env_unset(bc_cli *c, bc_error *err);
/* cli_jwks.c */
bc_status bc_cli_jwks_doctor(bc_cli *c, bc_error *err);
bc_status bc_cli_jwks_bootstrap(bc_cli *c, bc_error *err);
bc_status bc_cli_jwks_rotate(bc_cli *c, bc_error *err);
bc_status bc_cli_checklist_list(bc_cli *c, bc_error *err);
bc_status bc_cli_checklist_status(bc_cli *c, bc_error *err);
bc_status bc_cli_checklist_resume(bc_cli *c, bc_error *err);

/* The admin verbs (cli_admin.c): every one opens the state database and is audited. */
bc_status bc_cli_users_ban(bc_cli *c, bc_error *err);
bc_status bc_cli_users_unban(bc_cli *c, bc_error *err);
bc_status bc_cli_users_set_role(bc_cli *c, bc_error *err);
bc_status bc_cli_users_impersonate(bc_cli *c, bc_error *err);
bc_status bc_cli_users_stop_impersonating(bc_cli *c, bc_error *err);
bc_status bc_cli_users_remove(bc_cli *c, bc_error *err);
bc_status bc_cli_users_set_password(bc_cli *c, bc_error *err);
bc_status bc_cli_users_create(bc_cli *c, bc_error *err);
bc_status bc_cli_users_update(bc_cli *c, bc_error *err);
bc_status bc_cli_sessions_revoke(bc_cli *c, bc_error *err);
bc_status bc_cli_sessions_revoke_all(bc_cli *c, bc_error *err);
bc_status bc_cli_accounts_unlink(bc_cli *c, bc_error *err);
bc_status bc_cli_audit_list(bc_cli *c, bc_error *err);
bc_status bc_cli_audit_undo(bc_cli *c, bc_error *err);

/* What bcadmin says about itself (cli_help.c, cli_complete.c). */
bc_status bc_cli_help(bc_cli *c, bc_error *err);
bc_status bc_cli_version(bc_cli *c, bc_error *err);
bc_status bc_cli_completion(bc_cli *c, bc_error *err);

/* One line from stdin without its line end; NULL at end of input. The caller frees. */
char *bc_cli_read_line(void);
/* The same after prompt (on stderr), typed without echo on a terminal (cli_admin.c). The caller
 * frees. */
char *bc_cli_read_masked(const char *prompt);

/* Print one formatted line to f (the newline is added) with every character that is not plain
 * text shown visibly (bc_text_escape: escape sequences, controls, bidi and zero-width
 * characters): the one way verbs print lines that hold text from a target, a deployment, a file
 * or the state database. */
void bc_cli_line(FILE *f, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void bc_cli_vline(FILE *f, const char *fmt, va_list ap) __attribute__((format(printf, 2, 0)));

#endif
