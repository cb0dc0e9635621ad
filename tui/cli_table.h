/* cli_table.h - the command line's two tables: every option and every verb, named once.
 *
 * cli.c holds the rows and parses argv against them; the usage text, per-verb help, did-you-mean
 * suggestions, the JSON description (`bcadmin help --json`, from which the man page is built) and
 * the shell completion scripts (cli_help.c, cli_complete.c) are all generated from the same rows.
 * A new verb or option is one row here and nothing else.
 */
#ifndef BC_CLI_TABLE_H
#define BC_CLI_TABLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cli.h"

typedef enum {
    /* global: accepted before or after any verb */
    O_DB,
    O_URL,
    O_ADMIN_KEY,
    O_PROD,
    O_AUTH_FUNCTIONS,
    O_COMPONENT,
    O_URL_FOR_KEY,
    O_STATE,
    O_READ_ONLY,
    O_HELP,
    O_VERSION,
    O_AS,
    O_YES,
    O_SITE_URL,
    O_AUTH_BASE_PATH,
    O_JWKS_MODULE,
    /* users list */
    O_SEARCH,
    O_PREFIX,
    O_ROLE,
    O_BANNED,
    O_ACTIVE_USERS,
    O_BAN_EXPIRED,
    O_VERIFIED,
    O_SORT,
    /* sessions list */
    O_SESSION_SEARCH,
    O_SESSION_SORT,
    O_ACTIVE_SESSIONS,
    O_EXPIRED,
    O_IMPERSONATION,
    /* lists */
    O_LIMIT,
    O_AUDIT_LIMIT, /* audit: how many entries (its own default) */
    O_CURSOR,
    O_ALL,
    O_JSON,        /* plain --json: the verb's result as one JSON document */
    O_JSON_FIELDS, /* --json [FIELDS]: rows, optionally only the named fields */
    O_CSV,
    O_CSV_FORMULAS,
    O_REVEAL,
    /* demo */
    O_USERS,
    O_SEED,
    O_FORCE,
    /* db index */
    O_DROP,
    /* stats */
    O_DAYS,
    /* env */
    O_FILE,
    O_AGAINST,
    O_AUTH,
    O_ENV_FORCE,
    O_PRUNE,
    O_DRY_RUN,
    O_ENV_YES,
    O_REPLACE_SECRET,
    O_EXIT_CODE,
    /* jwks, checklist */
    O_SECRET_FILE,
    O_ALG,
    O_REVOKE_OLD,
    O_REDO,
    /* admin verbs */
    O_REASON,
    O_EXPIRES,
    O_DURATION,
    O_ALLOW_ADMIN_TARGET,
    O_EVERY_USER,
    O_EMAIL,
    O_NAME,
    O_NEW_ROLE,
    O_EMAIL_VERIFIED,
    O_IMAGE,
    O_COUNT
} opt_id;
/* A set of options: one bit per opt_id. 128 bits (GCC and Clang's unsigned __int128, usable in
 * the constant initialisers of the verb table, which a struct of words is not); the assertion
 * stops the build the day the options outgrow it, and O_COUNT itself is checked against the
 * type's width rather than a number written here. */
typedef unsigned __int128 opt_mask;
_Static_assert(O_COUNT <= (int)(sizeof(opt_mask) * 8), "a verb's options no longer fit opt_mask");

#define BIT(o) ((opt_mask)1 << (o))
#define GLOBAL_OPTS                                                                                \
    (BIT(O_DB) | BIT(O_URL) | BIT(O_ADMIN_KEY) | BIT(O_PROD) | BIT(O_AUTH_FUNCTIONS) |             \
     BIT(O_COMPONENT) | BIT(O_URL_FOR_KEY) | BIT(O_STATE) | BIT(O_READ_ONLY) | BIT(O_HELP) |       \
     BIT(O_VERSION) | BIT(O_AS) | BIT(O_YES) | BIT(O_SITE_URL) | BIT(O_AUTH_BASE_PATH) |     \
     BIT(O_JWKS_MODULE))

typedef struct {
    opt_id id;
    const char *name; /* without the leading "--" */
    const char *arg;  /* the value's placeholder (see below), NULL for a flag */
    const char *help;
} opt_def;
/* The placeholder is also the value's grammar for completion (cli_complete.c): lowercase words
 * joined by '|' are the values ("true|false"); PATH and FILE complete file names; ROLE the roles,
 * USER the emails of a SQLite target. */

typedef struct {
    const char *name; /* one or two words */
    const char *args; /* positional arguments for the usage text */
    int min_args, max_args;
    opt_mask opts; /* BIT(opt_id) of the verb's own options */
    bool target;   /* opens --db / BCADMIN_DB before running */
    const char *summary;
    bc_status (*run)(bc_cli *c, bc_error *err);
} verb_def;

/* The rows (cli.c); static, never freed. */
extern const opt_def bc_cli_options[];
extern const size_t bc_cli_n_options;
extern const verb_def bc_cli_verbs[];
extern const size_t bc_cli_n_verbs;

/* The verb called name ("users list"), or NULL. */
const verb_def *bc_cli_verb_named(const char *name);
/* Whether some verb starts with the words in prefix followed by a space ("users"). */
bool bc_cli_verb_prefix(const char *prefix);

#endif
