/* actions.h - every action of bcadmin, named once.
 *
 * One X-macro list gives each action its id, its name (typed after `:` and used in the keymap
 * file), its default keys (space-separated key names, see keymap.h), its help group, the
 * `bcadmin` verb that reaches the same core call (NULL when there is none) and its help line.
 * The enum, the help screen, the `:` completion, the keymap file and the CLI verb check are all
 * generated from it. Curses-free.
 *
 * The ADMIN group holds every action that changes the target (or undoes a change): the console
 * hides their keys and refuses them under --read-only (tui_action_writes).
 */
#ifndef TUI_ACTIONS_H
#define TUI_ACTIONS_H

#include <stdbool.h>
#include <stddef.h>

/* Help groups, in the order the help screen lists them. */
#define TUI_GROUPS(G)                                                                              \
    G(NAV, "Moving around")                                                                        \
    G(VIEW, "Screens")                                                                             \
    G(LIST, "Lists: users and sessions")                                                           \
    G(DETAIL, "User detail")                                                                       \
    G(PROMPT, "Command line and search")                                                           \
    G(OPS, "JWKS, checklists and environment variables")                                                                  \
    G(ADMIN, "Admin actions (change the target; audited; hidden with --read-only)")                \
    G(CLI, "Command-line only")

/* X(ID, name, default keys, group, verb, help) */
#define TUI_ACTIONS(X)                                                                             \
    X(MOVE_DOWN, "move-down", "j Down", NAV, NULL, "Move the selection down one row")              \
    X(MOVE_UP, "move-up", "k Up", NAV, NULL, "Move the selection up one row")                      \
    X(PAGE_DOWN, "page-down", "C-f PgDn", NAV, NULL, "Move down one screen")                       \
    X(PAGE_UP, "page-up", "C-b PgUp", NAV, NULL, "Move up one screen")                             \
    X(HALF_DOWN, "half-page-down", "C-d", NAV, NULL, "Move down half a screen")                    \
    X(HALF_UP, "half-page-up", "C-u", NAV, NULL, "Move up half a screen")                          \
    X(FIRST, "first", "g Home", NAV, NULL, "Go to the first row")                                  \
    X(LAST, "last", "G End", NAV, NULL, "Go to the last row (fetched from the end, not paged)")    \
    X(OPEN, "open", "Enter l Right", NAV, NULL, "Open the selected row")                           \
    X(RECORD, "record", "v", NAV, NULL,                                                            \
      "Show the selected row's whole record: every field, nothing cut, long values wrapped")       \
    X(CLOSE, "close", "q", NAV, NULL, "Close this screen; on the first screen, quit")              \
    X(BACK, "back", "Esc h Left", NAV, NULL, "Go back to the previous screen")                     \
    X(NEXT_PANE, "next-pane", "Tab", NAV, NULL, "Focus the next pane")                             \
    X(PREV_PANE, "prev-pane", "S-Tab", NAV, NULL, "Focus the previous pane")                       \
    X(VIEW_OVERVIEW, "overview", "0", VIEW, "stats",                                               \
      "Overview: sign-ups per day, users, bans, sessions, accounts, keys, audit at a glance")      \
    X(VIEW_USERS, "users", "1", VIEW, "users list", "Show the users table")                        \
    X(VIEW_SESSIONS, "sessions", "2", VIEW, "sessions list", "Show every user's sessions")         \
    X(SHOW_USER, "user", "", VIEW, "users show", "Open a user by id or email (:user EMAIL)")       \
    X(HELP, "help", "? F1", VIEW, "help", "Show this help (type / to search it)")                  \
    X(REDRAW, "redraw", "C-l", VIEW, NULL, "Redraw the whole screen")                              \
    X(QUIT, "quit", "Q C-c", VIEW, NULL, "Quit bcadmin from any screen")                           \
    X(SUSPEND, "suspend", "C-z", VIEW, NULL, "Suspend to the shell (fg comes back)")               \
    X(MESSAGES, "messages", "M", VIEW, NULL, "Every message and error of this session, whole")     \
    X(TIMES, "times", "T", VIEW, NULL,                                                             \
      "Times: local with its zone, UTC, or relative (\"3 min ago\"); BCADMIN_TIMES sets the "      \
      "first")                                                                                     \
    X(DEPLOYMENTS, "deployments", "d", VIEW, NULL,                                                 \
      "Switch target: the Convex deployment and SQLite files the environment and files offer")     \
    X(SEARCH, "search", "/", LIST, NULL,                                                           \
      "Search as you type (users: email, name; sessions: owner, IP, agent)")                       \
    X(FILTER, "filter", "f", LIST, NULL,                                                           \
      "Filter menu (users: role, status, verified; sessions: state)")                              \
    X(SORT, "sort", "o", LIST, NULL, "Sort menu: column and direction")                            \
    X(REVERSE, "reverse", "O", LIST, NULL, "Reverse the sort direction")                           \
    X(CLEAR, "clear", "F", LIST, NULL, "Clear the search and every filter")                        \
    X(REFRESH, "refresh", "C-r F5", LIST, NULL, "Fetch again, keeping the selected row")           \
    X(COUNT_ALL, "count", "#", LIST, NULL,                                                         \
      "Count every user the search and filters match (on Convex a scan: progress shown, Esc "      \
      "stops)")                                                                                    \
    X(ACCOUNTS, "accounts", "a", DETAIL, "accounts list", "Focus the user's accounts pane")        \
    X(SESSIONS_PANE, "sessions-pane", "s", DETAIL, NULL, "Focus the user's sessions pane")         \
    X(VIEW_AUDIT, "audit", "3", VIEW, "audit", "Show the audit log (newest first; z undoes)")      \
    X(MARK, "mark", "Space", LIST, NULL,                                                           \
      "Mark or unmark the selected user for a bulk action (Env screen: include the row or not)")   \
    X(MARK_FILTER, "mark-filter", "m", LIST, NULL,                                                 \
      "Mark every user the search and filters match (again: clear marks)")                         \
    X(COMMAND, "command", ":", PROMPT, NULL, "Type an action name (Tab completes, Enter runs)")    \
    X(ACT_AS, "as", "", PROMPT, NULL, "Act as this admin (:as EMAIL; default $BCADMIN_AS)")        \
    X(BAN, "ban", "b", ADMIN, "users ban",                                                         \
      "Ban the user or the marked users (reason, expiry); revokes sessions")                       \
    X(UNBAN, "unban", "u", ADMIN, "users unban", "Lift the ban of the user or the marked users")   \
    X(SET_ROLE, "set-role", "R", ADMIN, "users set-role",                                          \
      "Set the role(s) of the user or the marked users (user,admin)")                              \
    X(IMPERSONATE, "impersonate", "i", ADMIN, "users impersonate",                                 \
      "Make a session for the user as the acting admin; shows its token")                          \
    X(STOP_IMPERSONATING, "stop-impersonating", "I", ADMIN, "users stop-impersonating",            \
      "Delete the user's impersonation sessions")                                                  \
    X(REVOKE_SESSION, "revoke-session", "x", ADMIN, "sessions revoke",                             \
      "Revoke the selected session (sessions screen or pane)")                                     \
    X(REVOKE_SESSIONS, "revoke-sessions", "X", ADMIN, "sessions revoke-all",                       \
      "Revoke every session of the user or the marked users")                                      \
    X(REMOVE, "remove", "D", ADMIN, "users remove",                                                \
      "Delete the user with sessions and accounts (type the email)")                               \
    X(SET_PASSWORD, "set-password", "p", ADMIN, "users set-password",                              \
      "Set the user's password (masked, twice; type the email)")                                   \
    X(CREATE_USER, "create-user", "c", ADMIN, "users create",                                      \
      "Create a user with a password account")                                                     \
    X(EDIT_USER, "edit-user", "e", ADMIN, "users update",                                          \
      "Edit the user's name, email, verification or image")                                        \
    X(UNLINK_ACCOUNT, "unlink-account", "U", ADMIN, "accounts unlink",                             \
      "Unlink the selected account (accounts pane; never the last one)")                           \
    X(UNDO, "undo", "z", ADMIN, "audit undo",                                                      \
      "Undo the selected audit entry (bans, roles, edits)")                                        \
    X(JWKS_DOCTOR, "jwks", "4", VIEW, "jwks doctor",                                               \
      "JWKS screen: the doctor's checks, the key rows of a SQLite app")                            \
    X(CHECKLIST_LIST, "checklists", "5", VIEW, "checklist list",                                   \
      "Checklist runs (opens the unfinished one when there is one)")                               \
    X(CHECKLIST_STATUS, "checklist", "", VIEW, "checklist status",                                 \
      "Open a checklist run and its steps (:checklist RUN)")                                       \
    X(ABANDON_RUN, "abandon-run", "A", OPS, NULL,                                                  \
      "Abandon the selected unfinished run (it stops blocking a new one)")                         \
    X(JWKS_BOOTSTRAP, "jwks-bootstrap", "B", ADMIN, "jwks bootstrap",                              \
      "First-deploy checklist: secret, getLatestJwks, set JWKS, verify")                           \
    X(JWKS_ROTATE, "jwks-rotate", "K", ADMIN, "jwks rotate",                                       \
      "Key rotation (a checklist on Convex; a new key row on SQLite, typed confirmation)")         \
    X(CHECKLIST_RESUME, "run-step", "r", ADMIN, "checklist resume",                                \
      "Run the checklist from its next step (resume an interrupted run)")                          \
    X(SKIP_STEP, "skip-step", "S", ADMIN, NULL, "Skip the run's next step (type its id)")          \
    X(RETRY_STEP, "retry-step", "t", ADMIN, NULL,                                                  \
      "Run the selected step again (a done step: type its id), then go on")                        \
    X(DB_INDEX, "db-index", "", CLI, "db index", "Add bcadmin's browsing indexes to the file")     \
    X(DB_CHECK, "db-check", "", CLI, "db check",                                                   \
      "Check that the target is a Better Auth database")                                           \
    X(DEMO, "demo", "", CLI, "demo", "Create a demo database (run `bcadmin demo`)")                \
    X(ENV_LIST, "env-list", "", CLI, "env list", "List a Convex deployment's variables")           \
    X(ENV_DIFF, "env", "6", VIEW, "env diff",                                                      \
      "Env screen: convex/.env against the deployment's variables (:env FILE for another file)")   \
    X(ENV_REVEAL, "reveal", "V", OPS, NULL,                                                        \
      "Env screen: show the values instead of their hashes (v on a row then shows them whole)")    \
    X(ENV_SYNC, "env-sync", "P", ADMIN, "env sync",                                                \
      "Env screen: apply the included rows in one request (typed name on production)")             \
    X(ENV_SET, "env-set", "", CLI, "env set", "Set one variable from standard input")              \
    X(ENV_UNSET, "env-unset", "", CLI, "env unset", "Remove one variable from the deployment")     \
    X(VERSION, "version", "", CLI, "version", "Show bcadmin's version")                            \
    X(COMPLETION, "completion", "", CLI, "completion",                                             \
      "Print a shell completion script (run `bcadmin completion bash|zsh|fish`)")

typedef enum {
    TUI_ACT_NONE = 0,
#define TUI_ACT_ENUM(id, name, keys, group, verb, help) TUI_ACT_##id,
    TUI_ACTIONS(TUI_ACT_ENUM)
#undef TUI_ACT_ENUM
        TUI_ACT_COUNT
} tui_action;

typedef enum {
#define TUI_GROUP_ENUM(id, title) TUI_GROUP_##id,
    TUI_GROUPS(TUI_GROUP_ENUM)
#undef TUI_GROUP_ENUM
        TUI_GROUP_COUNT
} tui_group;

typedef struct {
    tui_action id;
    const char *name;
    const char *keys; /* default key names, space-separated; "" for none */
    tui_group group;
    const char *verb; /* `bcadmin` verb reaching the same core call, or NULL */
    const char *help;
} tui_action_info;

/* The row of an action (TUI_ACT_NONE < a < TUI_ACT_COUNT), or NULL. Static: never free. */
const tui_action_info *tui_action_get(tui_action a);
/* The action called name (exact), or TUI_ACT_NONE. */
tui_action tui_action_by_name(const char *name);
/* The action whose verb is exactly verb ("users list"), or TUI_ACT_NONE. */
tui_action tui_action_by_verb(const char *verb);
const char *tui_group_title(tui_group g);

/* Whether the action changes the target (its group is ADMIN): hidden and refused read-only. */
bool tui_action_writes(tui_action a);

/* Names of the actions starting with prefix, in table order; returns how many matched and
 * writes at most max of them to out. *common (may be NULL) gets the length of the longest
 * prefix they all share. */
size_t tui_action_complete(const char *prefix, const char **out, size_t max, size_t *common);

#endif
