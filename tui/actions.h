/* actions.h - every action of bcadmin, named once.
 *
 * One X-macro list gives each action its id, its name (typed after `:` and used in the keymap
 * file), its default keys (space-separated key names, see keymap.h), its help group, the
 * `bcadmin` verb that reaches the same core call (NULL when there is none) and its help line.
 * The enum, the help screen, the `:` completion, the keymap file and the CLI verb check are all
 * generated from it. Curses-free.
 *
 * Later actions (ban, unban, set-role, impersonate, revoke, remove...) are added as lines here
 * with keys that are still free: b u i x D p c e m R are left unbound on purpose.
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
    X(CLOSE, "close", "q", NAV, NULL, "Close this screen; on the first screen, quit")              \
    X(BACK, "back", "Esc h Left", NAV, NULL, "Go back to the previous screen")                     \
    X(NEXT_PANE, "next-pane", "Tab", NAV, NULL, "Focus the next pane")                             \
    X(PREV_PANE, "prev-pane", "S-Tab", NAV, NULL, "Focus the previous pane")                       \
    X(VIEW_USERS, "users", "1", VIEW, "users list", "Show the users table")                        \
    X(VIEW_SESSIONS, "sessions", "2", VIEW, "sessions list", "Show every user's sessions")         \
    X(SHOW_USER, "user", "", VIEW, "users show", "Open a user by id or email (:user EMAIL)")       \
    X(HELP, "help", "? F1", VIEW, NULL, "Show this help (type / to search it)")                    \
    X(REDRAW, "redraw", "C-l", VIEW, NULL, "Redraw the whole screen")                              \
    X(QUIT, "quit", "Q C-c", VIEW, NULL, "Quit bcadmin from any screen")                           \
    X(SEARCH, "search", "/", LIST, NULL, "Search as you type (users: email or name)")              \
    X(FILTER, "filter", "f", LIST, NULL, "Filter menu (users: role, status, verified)")            \
    X(SORT, "sort", "o", LIST, NULL, "Sort menu: column and direction")                            \
    X(REVERSE, "reverse", "O", LIST, NULL, "Reverse the sort direction")                           \
    X(CLEAR, "clear", "F", LIST, NULL, "Clear the search and every filter")                        \
    X(REFRESH, "refresh", "C-r F5", LIST, NULL, "Fetch again, keeping the selected row")           \
    X(ACCOUNTS, "accounts", "a", DETAIL, "accounts list", "Focus the user's accounts pane")        \
    X(SESSIONS_PANE, "sessions-pane", "s", DETAIL, NULL, "Focus the user's sessions pane")         \
    X(COMMAND, "command", ":", PROMPT, NULL, "Type an action name (Tab completes, Enter runs)")    \
    X(DB_INDEX, "db-index", "", CLI, "db index", "Add bcadmin's browsing indexes to the file")     \
    X(DB_CHECK, "db-check", "", CLI, "db check",                                                   \
      "Check that the target is a Better Auth database")                                           \
    X(DEMO, "demo", "", CLI, "demo", "Create a demo database (run `bcadmin demo`)")             \
    X(ENV_LIST, "env-list", "", CLI, "env list", "List a Convex deployment's variables")          \
    X(ENV_DIFF, "env-diff", "", CLI, "env diff", "Show what `env sync` would change")             \
    X(ENV_SYNC, "env-sync", "", CLI, "env sync", "Push convex/.env in one atomic change")          \
    X(ENV_SET, "env-set", "", CLI, "env set", "Set one variable from standard input")             \
    X(ENV_UNSET, "env-unset", "", CLI, "env unset", "Remove one variable from the deployment")     \
    X(JWKS_DOCTOR, "jwks-doctor", "", CLI, "jwks doctor",                                          \
      "Check the signing keys, the secret and what the site publishes")                           \
    X(JWKS_BOOTSTRAP, "jwks-bootstrap", "", CLI, "jwks bootstrap",                                 \
      "First-deploy checklist: secret, getLatestJwks, set JWKS, verify")                          \
    X(JWKS_ROTATE, "jwks-rotate", "", CLI, "jwks rotate",                                          \
      "Key rotation (a checklist on Convex; a new key row on SQLite)")                            \
    X(CHECKLIST_LIST, "checklist-list", "", CLI, "checklist list", "List checklist runs")          \
    X(CHECKLIST_STATUS, "checklist-status", "", CLI, "checklist status",                           \
      "Show a checklist run and its steps")                                                        \
    X(CHECKLIST_RESUME, "checklist-resume", "", CLI, "checklist resume",                           \
      "Resume an interrupted checklist run where it stopped")

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

/* Names of the actions starting with prefix, in table order; returns how many matched and
 * writes at most max of them to out. *common (may be NULL) gets the length of the longest
 * prefix they all share. */
size_t tui_action_complete(const char *prefix, const char **out, size_t max, size_t *common);

#endif
