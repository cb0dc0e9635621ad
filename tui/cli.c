/* cli.c - argument parsing and verb dispatch for bcadmin, from one table of verbs and one of
 * options; `bcadmin --help` is generated from the same tables, so it cannot drift. */
#include "cli.h"
#include "cli_complete.h"
#include "cli_help.h"
#include "cli_table.h"
#include "actions.h"
#include "target.h"
#include "tui.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "isotime.h"
#include "timefmt.h"
#include "stats.h"
#include "paths.h"
#include "text.h"
#include "xalloc.h"

/* --- options ------------------------------------------------------------------------------- */


/* Options sharing a name (--active) differ by verb; a verb's mask says which one it takes. */
const opt_def bc_cli_options[] = {
    {O_DB, "db", "PATH", "the Better Auth SQLite file to work on (default: $BCADMIN_DB)"},
    {O_URL, "url", "URL",
     "a Convex deployment's URL (with --admin-key; or overrides a deploy key's)"},
    {O_ADMIN_KEY, "admin-key", "KEY",
     "the deployment's admin key (prefer CONVEX_DEPLOY_KEY: argv is visible to other users)"},
    {O_PROD, "prod", NULL, "act on the production deployment (refuses a dev: deploy key)"},
    {O_AUTH_FUNCTIONS, "auth-functions", "MODULE",
     "where better-convex's createApi functions live (default: detect auth, generated/auth)"},
    {O_COMPONENT, "component", "NAME",
     "a component install's path (adapter:* in it, e.g. betterAuth)"},
    {O_URL_FOR_KEY, "url-for-key", NULL,
     "ask Convex's url_for_key service for a deploy key's URL (default: "
     "https://NAME.convex.cloud)"},
    {O_STATE, "state", "PATH",
     "bcadmin's state database (default: "
     "$XDG_STATE_HOME/bcadmin/state.db)"},
    {O_READ_ONLY, "read-only", NULL, "open the target read-only and refuse every change"},
    {O_HELP, "help", NULL, "show this help (also -h)"},
    {O_VERSION, "version", NULL, "print bcadmin's version"},
    {O_AS, "as", "EMAIL|ID",
     "the acting admin, recorded in the audit log and as impersonatedBy (default: $BCADMIN_AS)"},
    {O_YES, "yes", NULL,
     "do not ask for confirmation (scripts; required for writes on production without a "
     "terminal)"},
    {O_SITE_URL, "site-url", "URL",
     "the deployment's site URL (CONVEX_SITE_URL) for the key checks, when the deployment does "
     "not say (it wins over CONVEX_SITE_URL in the environment or .env.local); on SQLite the app's server (default $BETTER_AUTH_URL), whose "
     "published keys show its configured algorithm"},
    {O_AUTH_BASE_PATH, "auth-base-path", "PATH",
     "Better Auth's basePath where the app serves its routes (default /api/auth): the keys are "
     "published at SITE PATH/convex/jwks"},
    {O_JWKS_MODULE, "jwks-module", "MODULE",
     "the app's module holding getLatestJwks and rotateKeys on a component install (default: "
     "$BCADMIN_JWKS_MODULE, else found in the deployment's function list)"},
    {O_SEARCH, "search", "S", "case-insensitive substring of email or name"},
    {O_PREFIX, "prefix", "P", "email starts with P (fast: uses the email index)"},
    {O_ROLE, "role", "ROLE", "users whose roles include ROLE"},
    {O_BANNED, "banned", NULL, "users banned now (no expiry, or expiry in the future)"},
    {O_ACTIVE_USERS, "active", NULL, "users not banned"},
    {O_BAN_EXPIRED, "ban-expired", NULL, "users whose ban expiry has passed"},
    {O_VERIFIED, "verified", "true|false", "users whose email is (not) verified"},
    {O_SORT, "sort", "created|updated|email|name[:asc|desc]",
     "created (default, newest first), updated, email or "
     "name (A to Z first)"},
    {O_SESSION_SEARCH, "search", "S",
     "case-insensitive substring of the owner's email or name, the IP address or the user agent"},
    {O_SESSION_SORT, "sort", "created|expires|lastActive[:asc|desc]",
     "created (default), expires or lastActive (updatedAt), newest / latest first"},
    {O_ACTIVE_SESSIONS, "active", NULL, "sessions that have not expired"},
    {O_EXPIRED, "expired", NULL, "sessions that have expired"},
    {O_IMPERSONATION, "impersonation", NULL, "impersonation sessions only"},
    {O_LIMIT, "limit", "N", "rows per page, 1 to 1000 (default 50)"},
    {O_AUDIT_LIMIT, "limit", "N",
     "how many entries, newest first, 1 to 1000 (default " BC_CLI_STR(BC_CLI_AUDIT_DEFAULT_LIMIT) ")"},
    {O_CURSOR, "cursor", "C", "start at the page a previous nextCursor names (same filters)"},
    {O_ALL, "all", NULL, "every page, streamed one page at a time (for export)"},
    {O_JSON, "json", NULL, "print the result as JSON (ISO dates, real booleans)"},
    {O_JSON_FIELDS, "json", "[FIELDS]",
     "print JSON (Better Auth field names, ISO dates, real booleans); FIELDS (id,email,...) "
     "keeps only those fields of each row"},
    {O_CSV, "csv", NULL, "print CSV (RFC 4180): the known fields, then extra columns"},
    {O_CSV_FORMULAS, "csv-formulas", NULL,
     "CSV: keep cells starting with = + - @ as they are (default: a leading ' so a spreadsheet "
     "never runs them)"},
    {O_REVEAL, "reveal", NULL,
     "show secrets (tokens, password hashes, variable values) instead of masking them"},
    {O_USERS, "users", "N", "how many users to make (default 10000)"},
    {O_SEED, "seed", "S", "random seed: the same seed makes the same data (default 0)"},
    {O_FORCE, "force", NULL, "replace an existing file"},
    {O_DROP, "drop", NULL,
     "remove bcadmin's indexes, search tables and triggers from the target instead"},
    {O_DAYS, "days", "N", "days of sign-ups and new sessions per day, 1 to 366 (default 30)"},
    {O_FILE, "file", "FILE", "the local .env file (default convex/.env)"},
    {O_AGAINST, "against", "FILE",
     "compare with the deployment that FILE names (CONVEX_DEPLOY_KEY, or "
     "CONVEX_SELF_HOSTED_URL and CONVEX_SELF_HOSTED_ADMIN_KEY, in dotenv form)"},
    {O_AUTH, "auth", NULL,
     "BETTER_AUTH_SECRET (generated only when set nowhere) and JWKS (created after the secret "
     "is live)"},
    {O_ENV_FORCE, "force", NULL, "push a JWKS that fails its checks"},
    {O_REPLACE_SECRET, "replace-secret", NULL,
     "replace BETTER_AUTH_SECRET although keys depend on it: the replace-secret checklist sets "
     "it and rotates the key right after, as one audited run"},
    {O_PRUNE, "prune", NULL,
     "remove what only the deployment has (never BETTER_AUTH_SECRET or JWKS)"},
    {O_DRY_RUN, "dry-run", NULL, "show the plan, change nothing"},
    {O_EXIT_CODE, "exit-code", NULL,
     "exit 1 when the two sides differ (a CI gate); 0 when they match"},
    {O_ENV_YES, "yes", NULL,
     "apply without asking (and copy a deployment-only secret into the file)"},
    {O_SECRET_FILE, "secret-file", "FILE",
     "read the app's secret from FILE (default: $BETTER_AUTH_SECRET, then $AUTH_SECRET): for "
     "JWKS keys and signed session cookies"},
    {O_ALG, "alg", "EdDSA|RS256|PS256|ES256|ES512",
     "the algorithm the app signs with (default: its "
     "current keys')"},
    {O_REVOKE_OLD, "revoke-old", NULL,
     "delete the older keys instead of keeping them published for the grace period"},
    {O_REDO, "redo", "STEP", "repeat a finished step of the run (you type its id to confirm)"},
    {O_REASON, "reason", "R", "the ban reason (default \"No reason\")"},
    {O_EXPIRES, "expires", "D",
     "when the ban ends: a duration (30m, 12h, 7d, 2w), an ISO-8601 time, or never (default)"},
    {O_DURATION, "duration", "D", "how long the session lasts (default 1h)"},
    {O_ALLOW_ADMIN_TARGET, "allow-admin-target", NULL, "allow impersonating an admin"},
    {O_EVERY_USER, "all", NULL, "every impersonation session, of every user"},
    {O_EMAIL, "email", "E", "email address (stored lowercased; must be unused)"},
    {O_NAME, "name", "N", "display name"},
    {O_NEW_ROLE, "role", "ROLE[,ROLE]", "the new user's role(s) (default user)"},
    {O_EMAIL_VERIFIED, "email-verified", "true|false", "whether the email is verified"},
    {O_IMAGE, "image", "URL", "the user's image URL (\"\" clears it)"},
};
const size_t bc_cli_n_options = sizeof bc_cli_options / sizeof bc_cli_options[0];

/* --- verbs ---------------------------------------------------------------------------------- */


#define LIST_OPTS                                                                                  \
    (BIT(O_LIMIT) | BIT(O_CURSOR) | BIT(O_ALL) | BIT(O_JSON_FIELDS) | BIT(O_CSV) |                 \
     BIT(O_CSV_FORMULAS))
/* The users-list filters, which the bulk forms of the admin verbs take to select users. */
#define FILTER_OPTS                                                                                \
    (BIT(O_SEARCH) | BIT(O_PREFIX) | BIT(O_ROLE) | BIT(O_BANNED) | BIT(O_ACTIVE_USERS) |           \
     BIT(O_BAN_EXPIRED) | BIT(O_VERIFIED))

const verb_def bc_cli_verbs[] = {
    {"users list", "", 0, 0, FILTER_OPTS | BIT(O_SORT) | LIST_OPTS, true,
     "list users a page at a time (newest first)", bc_cli_users_list},
    {"users show", "USER", 1, 1, BIT(O_JSON_FIELDS) | BIT(O_REVEAL), true,
     "every field of one user (USER: id or email), then sessions and accounts", bc_cli_users_show},
    {"sessions list", "[USER]", 0, 1,
     BIT(O_SESSION_SEARCH) | BIT(O_SESSION_SORT) | BIT(O_ACTIVE_SESSIONS) | BIT(O_EXPIRED) |
         BIT(O_IMPERSONATION) | BIT(O_REVEAL) | LIST_OPTS,
     true, "sessions of every user, or of USER, newest first", bc_cli_sessions_list},
    {"accounts list", "USER", 1, 1,
     BIT(O_JSON_FIELDS) | BIT(O_CSV) | BIT(O_CSV_FORMULAS) | BIT(O_REVEAL), true,
     "the accounts (credential, social) of USER", bc_cli_accounts_list},
    {"demo", "", 0, 0, BIT(O_USERS) | BIT(O_SEED) | BIT(O_FORCE), false,
     "make a demo Better Auth database (at --db PATH, default "
     "$XDG_DATA_HOME/bcadmin/demo.db)",
     bc_cli_demo},
    {"db index", "", 0, 0, BIT(O_DROP), true,
     "add bcadmin's browsing and search indexes to the target (idempotent)", bc_cli_db_index},
    {"stats", "", 0, 0, BIT(O_DAYS) | BIT(O_JSON), true,
     "the Overview's numbers: sign-ups and sessions per day, users, active sessions, accounts by "
     "provider (exact on SQLite; on Convex from the newest rows, and says so)",
     bc_cli_stats},
    {"db check", "", 0, 0, 0, true,
     "check that the target is a Better Auth database and open the state database",
     bc_cli_db_check},
    {"env list", "", 0, 0, BIT(O_FILE) | BIT(O_REVEAL) | BIT(O_JSON), false,
     "the deployment's environment variables (or with --file, a .env file as dotenv reads it)",
     bc_cli_env_list},
    {"env diff", "", 0, 0, BIT(O_FILE) | BIT(O_AGAINST) | BIT(O_REVEAL) | BIT(O_JSON) | BIT(O_EXIT_CODE),
     false,
     "what `env sync` would change; with --against, two deployments compared by value hash",
     bc_cli_env_diff},
    {"env sync", "", 0, 0,
     BIT(O_FILE) | BIT(O_AUTH) | BIT(O_ENV_FORCE) | BIT(O_PRUNE) | BIT(O_DRY_RUN) | BIT(O_ENV_YES) |
         BIT(O_REVEAL) | BIT(O_JSON) | BIT(O_REPLACE_SECRET),
     false, "push the .env file to the deployment as ONE atomic change, verified and audited",
     bc_cli_env_sync},
    {"env set", "NAME", 1, 1, BIT(O_ENV_FORCE) | BIT(O_REPLACE_SECRET) | BIT(O_ENV_YES), false,
     "set NAME to standard input's bytes (minus one trailing newline); on a terminal, one line "
     "typed twice, not shown",
     bc_cli_env_set},
    {"env unset", "NAME", 1, 1, 0, false, "remove NAME from the deployment",
     bc_cli_env_unset},
    {"jwks doctor", "", 0, 0, BIT(O_JSON) | BIT(O_SECRET_FILE) | BIT(O_ALG), false,
     "check the signing keys (Convex: JWKS, secret, database, site; SQLite: --db rows) with a fix "
     "for each problem",
     bc_cli_jwks_doctor},
    {"jwks bootstrap", "", 0, 0, BIT(O_YES) | BIT(O_JSON), false,
     "first-deploy checklist on a Convex deployment: getLatestJwks, then JWKS set to it",
     bc_cli_jwks_bootstrap},
    {"jwks rotate", "", 0, 0,
     BIT(O_YES) | BIT(O_JSON) | BIT(O_ALG) | BIT(O_REVOKE_OLD) | BIT(O_SECRET_FILE), false,
     "Convex: the key rotation checklist; SQLite (--db): a new key row the server signs with",
     bc_cli_jwks_rotate},
    {"checklist list", "", 0, 0, BIT(O_JSON), false, "checklist runs, newest first",
     bc_cli_checklist_list},
    {"checklist status", "[RUN]", 0, 1, BIT(O_JSON), false,
     "the steps of a run (default: the newest)", bc_cli_checklist_status},
    {"checklist resume", "[RUN]", 0, 1, BIT(O_YES) | BIT(O_JSON) | BIT(O_REDO), false,
     "go on with an unfinished run (default: the newest) from the step where it stopped",
     bc_cli_checklist_resume},
    {"users ban", "USER | FILTERS", 0, 1,
     FILTER_OPTS | BIT(O_REASON) | BIT(O_EXPIRES) | BIT(O_JSON), true,
     "ban USER, or every user the filters select, and revoke their sessions", bc_cli_users_ban},
    {"users unban", "USER | FILTERS", 0, 1, FILTER_OPTS | BIT(O_JSON), true,
     "lift the ban of USER, or of every user the filters select", bc_cli_users_unban},
    {"users set-role", "[USER] ROLE[,ROLE]", 1, 2, FILTER_OPTS | BIT(O_JSON), true,
     "set the roles of USER, or of every user the filters select", bc_cli_users_set_role},
    {"users impersonate", "USER", 1, 1,
     BIT(O_DURATION) | BIT(O_ALLOW_ADMIN_TARGET) | BIT(O_SECRET_FILE) | BIT(O_JSON), true,
     "make a session for USER as the acting admin (--as) and print its token",
     bc_cli_users_impersonate},
    {"users stop-impersonating", "USER | --all", 0, 1, BIT(O_EVERY_USER) | BIT(O_JSON), true,
     "delete the impersonation sessions of USER, or of everyone", bc_cli_users_stop_impersonating},
    {"users remove", "USER", 1, 1, BIT(O_JSON), true,
     "delete USER with their sessions and accounts (asks for the email on a terminal)",
     bc_cli_users_remove},
    {"users set-password", "USER", 1, 1, BIT(O_JSON), true,
     "set USER's password, read from standard input (a masked prompt on a terminal)",
     bc_cli_users_set_password},
    {"users create", "", 0, 0, BIT(O_EMAIL) | BIT(O_NAME) | BIT(O_NEW_ROLE) | BIT(O_JSON), true,
     "create a user with a password read from standard input", bc_cli_users_create},
    {"users update", "USER", 1, 1,
     BIT(O_EMAIL) | BIT(O_NAME) | BIT(O_EMAIL_VERIFIED) | BIT(O_IMAGE) | BIT(O_JSON), true,
     "change USER's name, email, email verification or image", bc_cli_users_update},
    {"sessions revoke", "SESSION", 1, 1, BIT(O_JSON), true,
     "delete one session (SESSION: its id or its token)", bc_cli_sessions_revoke},
    {"sessions revoke-all", "USER | FILTERS", 0, 1, FILTER_OPTS | BIT(O_JSON), true,
     "delete every session of USER, or of every user the filters select",
     bc_cli_sessions_revoke_all},
    {"accounts unlink", "USER ACCOUNT", 2, 2, BIT(O_JSON), true,
     "delete one account of USER (ACCOUNT: its id, PROVIDER:ACCOUNT_ID, or the provider id when "
     "USER has one account of it); never the last one",
     bc_cli_accounts_unlink},
    {"audit", "", 0, 0, BIT(O_AUDIT_LIMIT) | BIT(O_JSON), false,
     "the newest entries of the audit log (default " BC_CLI_STR(BC_CLI_AUDIT_DEFAULT_LIMIT) ")",
     bc_cli_audit_list},
    {"audit undo", "ID", 1, 1, BIT(O_JSON), true,
     "undo a ban, unban, role change or field update recorded as audit entry ID",
     bc_cli_audit_undo},
    {"help", "[VERB [SUBVERB]]", 0, 2, BIT(O_JSON), false,
     "the help of VERB only (`users`, `users list`); every verb without one; with --json the "
     "verbs and options as JSON",
     bc_cli_help},
    {"version", "", 0, 0, 0, false, "print bcadmin's version (also -V, --version)", bc_cli_version},
    {"completion", "bash|zsh|fish", 1, 1, 0, false,
     "print the shell completion script (verbs, options, values, emails of a SQLite target)",
     bc_cli_completion},
};
const size_t bc_cli_n_verbs = sizeof bc_cli_verbs / sizeof bc_cli_verbs[0];
#define N_VERBS bc_cli_n_verbs
#define verbs bc_cli_verbs

/* The verb names, for the check that each one is in the console's action table (actions.h). */
const char *bc_cli_verb_name(size_t i)
{
    return i < N_VERBS ? verbs[i].name : NULL;
}

/* What `bcadmin` does with no verb. */
static const char *const default_verb = "users list";

const verb_def *bc_cli_verb_named(const char *name)
{
    for (size_t i = 0; i < N_VERBS; i++)
        if (strcmp(verbs[i].name, name) == 0)
            return &verbs[i];
    return NULL;
}

/* Whether some verb starts with the words in `prefix` followed by a space. */
bool bc_cli_verb_prefix(const char *prefix)
{
    size_t n = strlen(prefix);
    for (size_t i = 0; i < N_VERBS; i++)
        if (strncmp(verbs[i].name, prefix, n) == 0 && verbs[i].name[n] == ' ')
            return true;
    return false;
}

/* --- parsing -------------------------------------------------------------------------------- */

typedef struct {
    const verb_def *verb;
    bool help, version;
    bool seen[O_COUNT];
    char words[64]; /* verb words gathered so far */
    bool console;   /* no verb: the interactive console (tui.h) */
} parse_state;

static bc_status usage(bc_error *err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static bc_status usage(bc_error *err, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    bc_vfail(err, BC_USAGE, fmt, ap);
    va_end(ap);
    return BC_USAGE;
}

static bc_status parse_count(const char *opt, const char *s, uint64_t min, uint64_t max,
                             uint64_t *out, bc_error *err)
{
    char *end;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 10);
    if (!*s || *end || s[0] == '-' || s[0] == '+' || errno || v < min || v > max)
        return usage(err, "--%s: \"%s\" is not a whole number from %llu to %llu", opt, s,
                     (unsigned long long)min, (unsigned long long)max);
    *out = v;
    return BC_OK;
}

/* A --sort value: KEY or KEY:asc / KEY:desc, KEY one of the n names in keys (the natural
 * direction first: dates newest first, names A to Z); the key's index and the direction. */
typedef struct {
    const char *name;
    bool ascending;
} sort_name;

static bc_status parse_sort(const char *s, const sort_name *keys, size_t n, int *key,
                            bool *ascending, bc_error *err)
{
    const char *colon = strchr(s, ':');
    size_t len = colon ? (size_t)(colon - s) : strlen(s);
    for (size_t i = 0; i < n; i++) {
        if (strlen(keys[i].name) != len || strncmp(keys[i].name, s, len) != 0)
            continue;
        *key = (int)i;
        *ascending = keys[i].ascending;
        if (!colon)
            return BC_OK;
        if (strcmp(colon + 1, "asc") == 0)
            *ascending = true;
        else if (strcmp(colon + 1, "desc") == 0)
            *ascending = false;
        else
            return usage(err, "--sort: direction \"%s\" is not asc or desc", colon + 1);
        return BC_OK;
    }
    bc_buf names = {0};
    for (size_t i = 0; i < n; i++)
        bc_buf_printf(&names, "%s%s", i ? ", " : "", keys[i].name);
    bc_status st = usage(err, "--sort: \"%.*s\" is not a sort field (%s)", (int)len, s,
                         names.data);
    bc_buf_release(&names);
    return st;
}

/* The users list's sort keys, in bc_sort_key order. */
static const sort_name user_sorts[] = {
    [BC_SORT_CREATED] = {"created", false},
    [BC_SORT_UPDATED] = {"updated", false},
    [BC_SORT_EMAIL] = {"email", true},
    [BC_SORT_NAME] = {"name", true},
};
/* The sessions list's, in bc_session_sort order (lastActive: updatedAt). */
static const sort_name session_sorts[BC_SESSION_SORT_COUNT] = {
    [BC_SESSION_SORT_CREATED] = {"created", false},
    [BC_SESSION_SORT_EXPIRES] = {"expires", false},
    [BC_SESSION_SORT_UPDATED] = {"lastActive", false},
};

static bc_status apply_option(bc_cli *c, parse_state *p, const opt_def *o, const char *val,
                              bc_error *err)
{
    uint64_t n = 0;
    int key = 0;
    bc_status st = BC_OK;
    switch (o->id) {
    case O_DB:
        c->db = val;
        break;
    case O_STATE:
        c->state = val;
        break;
    case O_URL:
        c->url = val;
        break;
    case O_ADMIN_KEY:
        c->admin_key = val;
        break;
    case O_PROD:
        c->prod = true;
        break;
    case O_AUTH_FUNCTIONS:
        c->auth_functions = val;
        break;
    case O_COMPONENT:
        c->component = val;
        break;
    case O_URL_FOR_KEY:
        c->url_for_key = true;
        break;
    case O_READ_ONLY:
        c->read_only = true;
        break;
    case O_HELP:
        p->help = true;
        break;
    case O_VERSION:
        p->version = true;
        break;
    case O_AS:
        c->as = val;
        break;
    case O_YES:
        c->yes = true;
        break;
    case O_SITE_URL:
        c->site_url = val;
        break;
    case O_AUTH_BASE_PATH:
        c->auth_base_path = val;
        break;
    case O_JWKS_MODULE:
        c->jwks_module = val;
        break;
    case O_SEARCH:
        c->users.search = val;
        c->users.search_mode = BC_SEARCH_CONTAINS;
        break;
    case O_PREFIX:
        c->users.search = val;
        c->users.search_mode = BC_SEARCH_PREFIX;
        break;
    case O_ROLE:
        c->users.role = val;
        break;
    case O_BANNED:
        c->users.ban = BC_BAN_BANNED;
        break;
    case O_ACTIVE_USERS:
        c->users.ban = BC_BAN_ACTIVE;
        break;
    case O_BAN_EXPIRED:
        c->users.ban = BC_BAN_EXPIRED;
        break;
    case O_VERIFIED:
        if (strcmp(val, "true") == 0)
            c->users.verified = BC_VERIFIED_YES;
        else if (strcmp(val, "false") == 0)
            c->users.verified = BC_VERIFIED_NO;
        else
            st = usage(err, "--verified: \"%s\" is not true or false", val);
        break;
    case O_SORT:
        st = parse_sort(val, user_sorts, sizeof user_sorts / sizeof user_sorts[0], &key,
                        &c->users.ascending, err);
        c->users.sort = (bc_sort_key)key;
        break;
    case O_SESSION_SEARCH:
        c->sessions.search = val;
        break;
    case O_SESSION_SORT:
        st = parse_sort(val, session_sorts, BC_SESSION_SORT_COUNT, &key, &c->sessions.ascending,
                        err);
        c->sessions.sort = (bc_session_sort)key;
        break;
    case O_ACTIVE_SESSIONS:
        c->sessions.active_only = true;
        break;
    case O_EXPIRED:
        c->sessions.expired_only = true;
        break;
    case O_IMPERSONATION:
        c->sessions.impersonation_only = true;
        break;
    case O_LIMIT:
    case O_AUDIT_LIMIT:
        st = parse_count(o->name, val, 1, BC_PAGE_MAX, &n, err);
        if (st == BC_OK)
            c->limit = (size_t)n;
        break;
    case O_DAYS:
        st = parse_count(o->name, val, 1, BC_STATS_DAYS_MAX, &n, err);
        c->days = (int)n;
        break;
    case O_CURSOR:
        c->cursor = val;
        break;
    case O_ALL:
        c->all = true;
        break;
    case O_JSON:
    case O_JSON_FIELDS:
        c->format = BC_OUT_JSON;
        c->json_fields = val;
        break;
    case O_CSV_FORMULAS:
        c->csv_formulas = true;
        break;
    case O_CSV:
        c->format = BC_OUT_CSV;
        break;
    case O_REVEAL:
        c->reveal = true;
        break;
    case O_USERS:
        st = parse_count(o->name, val, 1, 100000000, &c->demo_users, err);
        break;
    case O_SEED:
        st = parse_count(o->name, val, 0, UINT64_MAX, &c->seed, err);
        break;
    case O_FORCE:
    case O_ENV_FORCE:
        c->force = true;
        break;
    case O_DROP:
        c->drop = true;
        break;
    case O_FILE:
        c->env_file = val;
        break;
    case O_AGAINST:
        c->against = val;
        break;
    case O_AUTH:
        c->auth = true;
        break;
    case O_PRUNE:
        c->prune = true;
        break;
    case O_DRY_RUN:
        c->dry_run = true;
        break;
    case O_REPLACE_SECRET:
        c->replace_secret = true;
        break;
    case O_SECRET_FILE:
        c->secret_file = val;
        break;
    case O_ALG:
        c->alg = val;
        break;
    case O_REVOKE_OLD:
        c->revoke_old = true;
        break;
    case O_ENV_YES:
        c->yes = true;
        break;
    case O_EXIT_CODE:
        c->exit_code = true;
        break;
    case O_REDO:
        c->redo = val;
        break;
    case O_REASON:
        c->reason = val;
        break;
    case O_EXPIRES:
        c->expires = val;
        break;
    case O_DURATION:
        c->duration = val;
        break;
    case O_ALLOW_ADMIN_TARGET:
        c->allow_admin_target = true;
        break;
    case O_EVERY_USER:
        c->every_user = true;
        break;
    case O_EMAIL:
        c->email = val;
        break;
    case O_NAME:
        c->name = val;
        break;
    case O_NEW_ROLE:
        c->new_role = val;
        break;
    case O_EMAIL_VERIFIED:
        if (strcmp(val, "true") == 0)
            c->email_verified = 1;
        else if (strcmp(val, "false") == 0)
            c->email_verified = 0;
        else
            st = usage(err, "--email-verified: \"%s\" is not true or false", val);
        break;
    case O_IMAGE:
        c->image = val;
        break;
    case O_COUNT:
        break;
    }
    p->seen[o->id] = true;
    return st;
}

/* The option called name among the global ones and those of the verb named so far. */
static const opt_def *find_option(const parse_state *p, const char *name, size_t len)
{
    opt_mask mask = GLOBAL_OPTS | (p->verb ? p->verb->opts : 0);
    for (size_t i = 0; i < bc_cli_n_options; i++)
        if ((mask & BIT(bc_cli_options[i].id)) && strlen(bc_cli_options[i].name) == len &&
            strncmp(bc_cli_options[i].name, name, len) == 0)
            return &bc_cli_options[i];
    return NULL;
}

static bc_status parse_long(bc_cli *c, parse_state *p, int argc, char **argv, int *i, bc_error *err)
{
    const char *name = argv[*i] + 2, *eq = strchr(name, '=');
    size_t len = eq ? (size_t)(eq - name) : strlen(name);
    const opt_def *o = find_option(p, name, len);
    if (!o)
        return bc_cli_unknown_option(p->verb ? p->verb->name : NULL,
                                     GLOBAL_OPTS | (p->verb ? p->verb->opts : 0), name, len, err);
    if (p->seen[o->id])
        return usage(err, "--%s is given twice", o->name);
    const char *val = NULL;
    if (o->id == O_JSON || o->id == O_JSON_FIELDS) {
        /* an optional value: --json=FIELDS, or a next word made of fields (taken by a verb of
         * plain --json too, so that check_combination says what FIELDS are for) */
        if (eq)
            val = eq + 1;
        else if (*i + 1 < argc && bc_cli_looks_like_fields(argv[*i + 1]))
            val = argv[++*i];
    } else if (o->arg && eq) {
        val = eq + 1;
    } else if (o->arg) {
        if (*i + 1 >= argc)
            return usage(err, "--%s needs a value (%s)", o->name, o->arg);
        val = argv[++*i];
    } else if (eq) {
        return usage(err, "--%s takes no value (got \"%s\")", o->name, eq + 1);
    }
    return apply_option(c, p, o, val, err);
}

static bc_status parse_word(bc_cli *c, parse_state *p, const char *word, bc_error *err)
{
    if (p->verb && c->nargs == 0 && *p->words) {
        /* "audit" is a verb and so is "audit undo": a longer verb wins over an argument. */
        char longer[sizeof p->words];
        int n = snprintf(longer, sizeof longer, "%s %s", p->words, word);
        const verb_def *v = n > 0 && (size_t)n < sizeof longer ? bc_cli_verb_named(longer) : NULL;
        if (v) {
            memcpy(p->words, longer, sizeof longer);
            p->verb = v;
            return BC_OK;
        }
    }
    if (p->verb) {
        if (c->nargs >= p->verb->max_args)
            return usage(err, "unexpected argument \"%s\" for `bcadmin %s`", word, p->verb->name);
        c->args[c->nargs++] = word;
        return BC_OK;
    }
    char words[sizeof p->words];
    int n = snprintf(words, sizeof words, "%s%s%s", p->words, *p->words ? " " : "", word);
    if (n < 0 || (size_t)n >= sizeof words)
        return bc_cli_unknown_verb(word, err);
    memcpy(p->words, words, sizeof words);
    p->verb = bc_cli_verb_named(words);
    if (!p->verb && !bc_cli_verb_prefix(words))
        return bc_cli_unknown_verb(words, err);
    return BC_OK;
}

/* The verb's own consistency rules: exclusive options and argument counts. */
static bc_status check_combination(bc_cli *c, const parse_state *p, bc_error *err)
{
    const verb_def *v = p->verb;
    int bans = p->seen[O_BANNED] + p->seen[O_ACTIVE_USERS] + p->seen[O_BAN_EXPIRED];
    if (bans > 1)
        return usage(err, "--banned, --active and --ban-expired exclude each other");
    if (p->seen[O_SEARCH] && p->seen[O_PREFIX])
        return usage(err, "--search and --prefix exclude each other");
    if (c->json_fields && !p->seen[O_JSON_FIELDS])
        return usage(err, "--json FIELDS picks fields of rows (users list, users show, sessions "
                          "list, accounts list); `bcadmin %s` takes a plain --json",
                     v->name);
    if (c->json_fields && !*c->json_fields)
        return usage(err, "--json=: name at least one field (id,email...)");
    if ((p->seen[O_JSON] || p->seen[O_JSON_FIELDS]) && p->seen[O_CSV])
        return usage(err, "--json and --csv exclude each other");
    if (p->seen[O_ACTIVE_SESSIONS] && p->seen[O_EXPIRED])
        return usage(err, "--active and --expired exclude each other");
    for (opt_id o = O_SEARCH; o <= O_VERIFIED; o++)
        c->filtered |= p->seen[o];
    if (p->seen[O_AGAINST] && p->seen[O_FILE])
        return usage(err, "--against compares two deployments; --file compares a file with one: "
                          "give one of them");
    if (c->nargs < v->min_args)
        return usage(err, "`bcadmin %s` needs %s", v->name, v->args);
    return BC_OK;
}

/* A word after --json that was no argument either: names, one of them mistyped (`--json
 * id,emial`), are told as such; anything else keeps parse_word's error. */
static bc_status json_word(const char *word, bc_error *err)
{
    size_t len;
    const char *bad = bc_cli_unknown_field(word, &len);
    if (!bad || word[strspn(word, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_,")])
        return BC_USAGE;
    return usage(err,
                 "--json %s: \"%.*s\" is not a Better Auth field of users, sessions or accounts "
                 "(a column of your app's own goes in --json=%s)",
                 word, (int)len, bad, word);
}

static bc_status parse(bc_cli *c, parse_state *p, int argc, char **argv, bc_error *err)
{
    bool options_done = false;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        bc_status st;
        if (!options_done && strcmp(a, "--") == 0) {
            options_done = true;
            continue;
        }
        if (!options_done && strcmp(a, "-h") == 0)
            st = apply_option(c, p, find_option(p, "help", 4), NULL, err);
        else if (!options_done && strcmp(a, "-V") == 0)
            st = apply_option(c, p, find_option(p, "version", 7), NULL, err);
        else if (!options_done && strncmp(a, "--", 2) == 0)
            st = parse_long(c, p, argc, argv, &i, err);
        else if (!options_done && a[0] == '-' && a[1])
            st = usage(err,
                       "unknown option \"%s\": bcadmin's only short options are -h (help) and -V "
                       "(version); every other option is a long one, listed by `bcadmin help%s%s`",
                       a, p->verb ? " " : "", p->verb ? p->verb->name : "");
        else
            st = parse_word(c, p, a, err);
        if (st == BC_USAGE && p->seen[O_JSON_FIELDS] && strcmp(argv[i - 1], "--json") == 0)
            st = json_word(a, err);
        if (st != BC_OK)
            return st;
    }
    if (p->help || p->version)
        return BC_OK;
    if (!p->verb && *p->words) {
        char subverbs[256];
        bc_cli_subverbs(p->words, subverbs, sizeof subverbs);
        return usage(err, "`bcadmin %s` needs one of its verbs after it: %s (`bcadmin help %s`)",
                     p->words, subverbs, p->words);
    }
    if (!p->verb) {
        p->console = true;
        p->verb = bc_cli_verb_named(default_verb);
    }
    return check_combination(c, p, err);
}

/* --- running -------------------------------------------------------------------------------- */

static bc_target_opts target_opts(const bc_cli *c)
{
    return (bc_target_opts){.db = c->db,
                            .url = c->url,
                            .admin_key = c->admin_key,
                            .prod = c->prod,
                            .url_for_key = c->url_for_key,
                            .read_only = c->read_only,
                            .auth_functions = c->auth_functions,
                            .component = c->component,
                            .state = c->state,
                            .site_url = c->site_url,
                            .auth_base_path = c->auth_base_path,
                            .jwks_module = c->jwks_module};
}

static void print_warnings(const bc_cli *c)
{
    /* dotenv's diagnostics: the operator should know a line was not read as meant. */
    for (size_t i = 0; i < c->t.env.n_warnings; i++) {
        const char *w = c->t.env.warnings[i];
        char *safe = bc_text_escape(w, strlen(w));
        fprintf(stderr, "bcadmin: %s\n", safe);
        free(safe);
    }
}

static void print_note(const char *note)
{
    char *safe = bc_text_escape(note, strlen(note));
    fprintf(stderr, "bcadmin: note: %s\n", safe);
    free(safe);
}

static bc_status open_target(bc_cli *c, bool read_only, bool connection_enough, bc_error *err)
{
    bc_target_opts o = target_opts(c);
    o.read_only = o.read_only || read_only;
    o.connection_enough = connection_enough;
    bc_status st = bc_target_open(&o, &c->t, err);
    print_warnings(c);
    c->d = c->t.d;
    bc_error unsettled = {0};
    char note[1024];
    if (st == BC_OK && bc_target_reconcile(&c->t, &unsettled) != BC_OK)
        print_note(unsettled.msg);
    else if (st == BC_OK && bc_reconcile_summary(&c->t.reconciled, note, sizeof note))
        print_note(note);
    return st;
}

/* The one way verbs open their target (target.h): --db, --url/--admin-key, BCADMIN_DB, then a
 * Convex deployment from the environment, .env.local and .env. */
bc_status bc_cli_open_target(bc_cli *c, bool read_only, bc_error *err)
{
    return open_target(c, read_only, false, err);
}

bc_status bc_cli_open_conn(bc_cli *c, bool read_only, bc_error *err)
{
    bc_status st = open_target(c, read_only, true, err);
    if (st == BC_OK && c->t.driver_error)
        print_note(c->t.driver_error);
    return st;
}

/* One line from stdin without its line end; NULL at end of input. The caller frees. */
char *bc_cli_read_line(void)
{
    char *line = NULL;
    size_t cap = 0;
    ssize_t n = getline(&line, &cap, stdin);
    if (n < 0) {
        free(line);
        return NULL;
    }
    while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
        line[--n] = '\0';
    return line;
}

void bc_cli_vline(FILE *f, const char *fmt, va_list ap)
{
    char *line = NULL;
    if (vasprintf(&line, fmt, ap) < 0)
        return;
    char *safe = bc_text_escape(line, strlen(line));
    fprintf(f, "%s\n", safe);
    free(safe);
    free(line);
}

void bc_cli_line(FILE *f, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    bc_cli_vline(f, fmt, ap);
    va_end(ap);
}

static bool is_yes(const char *s)
{
    return s && (strcmp(s, "y") == 0 || strcmp(s, "Y") == 0 || strcmp(s, "yes") == 0);
}

bc_status bc_cli_confirm(bc_cli *c, const char *question, bool ask_anyway, bc_error *err)
{
    bool terminal = isatty(STDIN_FILENO) == 1;
    bool name = false;
    bc_status st = bc_target_confirm_rule(&c->t, c->yes, terminal, question, &name, err);
    if (st != BC_OK || c->yes || (!name && !ask_anyway))
        return st;
    if (!terminal)
        return bc_fail(err, BC_REFUSED,
                       "not applied: standard input is not a terminal, so nobody can confirm; "
                       "pass --yes to go on without asking");
    char *q = bc_text_escape(question, strlen(question));
    fprintf(stderr, "%s [y/N] ", q);
    free(q);
    fflush(stderr);
    char *line = bc_cli_read_line();
    bool yes = is_yes(line);
    free(line);
    if (!yes)
        return bc_fail(err, BC_REFUSED, "not applied: not confirmed (nothing was changed)");
    if (!name)
        return BC_OK;
    char *shown = bc_text_escape(bc_target_typed_name(&c->t), strlen(bc_target_typed_name(&c->t)));
    fprintf(stderr, "This is a PRODUCTION deployment: type its name (%s) to go on: ", shown);
    fflush(stderr);
    line = bc_cli_read_line();
    bool ok = line && bc_target_name_matches(&c->t, line);
    if (!ok) {
        char *typed = bc_text_escape(line ? line : "", strlen(line ? line : ""));
        st = bc_fail(err, BC_REFUSED,
                     "not applied: \"%s\" is not the deployment's name (%s); nothing was "
                     "changed",
                     typed, shown);
        free(typed);
    } else {
        c->name_confirmed = true;
    }
    free(line);
    free(shown);
    return st;
}

/* report: the error on stderr; a usage error of the command line (hint) adds where to read the
 * usage: the verb's own help when VERB is set, else the list of verbs. */
static void report(bc_status st, const bc_error *err, const verb_def *verb, bool hint)
{
    const char *msg = err->msg[0] ? err->msg : "failed";
    /* Messages can quote data from the target: keep escape sequences off a terminal. */
    char *safe = isatty(STDERR_FILENO) ? bc_text_escape(msg, strlen(msg)) : bc_xstrdup(msg);
    fprintf(stderr, "bcadmin: %s\n", safe);
    free(safe);
    if (st == BC_USAGE && hint && verb && verb->run != bc_cli_help)
        fprintf(stderr, "Try `bcadmin help %s` for its arguments and options.\n", verb->name);
    else if (st == BC_USAGE && hint)
        fputs("Try `bcadmin --help` for the verbs and options.\n", stderr);
}

/* The width of the terminal standard output is, or 0 when it is not one: the terminal's own size,
 * else $COLUMNS (a terminal that reports none, like a pty nobody sized), else 80. */
static size_t terminal_columns(void)
{
    if (isatty(STDOUT_FILENO) != 1)
        return 0;
    struct winsize ws;
    if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0)
        return ws.ws_col;
    const char *env = getenv("COLUMNS");
    char *end;
    long n = env && *env ? strtol(env, &end, 10) : 0;
    return n > 0 && n < 100000 && !*end ? (size_t)n : 80;
}

int bc_cli_main(int argc, char **argv)
{
    bc_cli c = {.out = stdout,
                .tty = isatty(STDOUT_FILENO) == 1,
                .columns = terminal_columns(),
                .now = bc_now_ms(),
                .email_verified = -1};
    /* The shells' completion scripts ask here (cli_complete.c); not a verb of the table. */
    if (argc >= 2 && strcmp(argv[1], "__complete") == 0)
        return bc_cli_complete_main(argc - 2, argv + 2, stdout);
    parse_state p = {0};
    bc_error err = {0};
    bc_status st = parse(&c, &p, argc, argv, &err);
    bool parse_error = st != BC_OK; /* the hint then names the verb's own help */
    if (st == BC_OK && p.help) {
        const char *words = p.verb ? p.verb->name : p.words;
        if (!*words || !bc_cli_verb_help(stdout, words))
            bc_cli_usage(stdout);
        return 0;
    }
    if (st == BC_OK && p.version) {
        puts("bcadmin " BCADMIN_VERSION);
        return 0;
    }
    /* No verb on a terminal opens the console; in a pipe or script it lists users as before. */
    if (st == BC_OK && p.console && isatty(STDIN_FILENO) && isatty(STDOUT_FILENO))
        return tui_main(&(tui_options){.db_path = c.db,
                                       .read_only = c.read_only,
                                       .state = c.state,
                                       .as = c.as,
                                       .url = c.url,
                                       .admin_key = c.admin_key,
                                       .prod = c.prod,
                                       .url_for_key = c.url_for_key,
                                       .auth_functions = c.auth_functions,
                                       .component = c.component,
                                       .site_url = c.site_url,
                                       .auth_base_path = c.auth_base_path,
                                       .jwks_module = c.jwks_module});
    /* The verbs of the console's write actions (actions.h) are refused before anything opens;
     * the rest write only through core, which refuses there (bc_read_only_refuse). */
    if (st == BC_OK && c.read_only && tui_action_writes(tui_action_by_verb(p.verb->name)) &&
        !c.dry_run)
        st = bc_read_only_refuse(c.db, p.verb->name, &err);
    if (st == BC_OK)
        c.verb = p.verb->name;
    bool hint = true;
    if (st == BC_OK) { /* plain-text times, as the console writes them */
        st = tui_time_from_env(&err);
        hint = st == BC_OK; /* the error names the variable and its values; --help would not */
    }
    if (st == BC_OK && p.verb->target)
        st = bc_cli_open_target(&c, false, &err);
    if (st == BC_OK)
        st = p.verb->run(&c, &err);
    bc_target_close(&c.t);
    if (fflush(stdout) != 0 || ferror(stdout)) {
        if (st == BC_OK)
            st = bc_fail(&err, BC_ERR, "writing to standard output failed: %s", strerror(errno));
    }
    if (st != BC_OK)
        report(st, &err, parse_error && !p.console ? p.verb : NULL, hint);
    return bc_status_exit_code(st);
}
