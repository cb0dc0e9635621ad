/* app.h - the running console: the target, the view stack, the bars, the command line, menus.
 *
 * Curses-free: it draws through draw.h and reads through input.h. Each screen is a view module
 * (view_users.c, view_user.c, view_sessions.c, view_help.c, view_audit.c, view_jwks.c,
 * view_checklist.c, view_env.c) that fills in one tui_view_ops; the
 * app routes actions (from the keymap or the `:` command line) to the view on top. Views reach
 * the deployment only through tui_app_call, which runs the call on a worker thread while the
 * screen stays live.
 */
#ifndef TUI_APP_H
#define TUI_APP_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include "actions.h"
#include "admin.h"
#include "dialog.h"
#include "driver.h"
#include "jwk.h"
#include "jwks_doctor.h"
#include "fields.h"
#include "keymap.h"
#include "users.h"
#include "list.h"
#include "secretbox.h"
#include "status.h"
#include "target.h"

typedef struct tui_app tui_app;
typedef struct tui_view tui_view;

typedef struct {
    int y, x, h, w;
} tui_rect;

typedef struct {
    const char *name; /* shown in the top bar */
    /* Set v->data up; arg is the view's argument (a user id...) or NULL. */
    bc_status (*open)(tui_view *v, tui_app *app, const char *arg, bc_error *err);
    void (*draw)(tui_view *v, tui_app *app, tui_rect r);
    /* Run an action (arg from the command line, or NULL); false when the view has no use for it,
     * so the app can fall back to its own meaning or say so. The movement actions never reach it
     * when the view has a list (view.h). Optional. */
    bool (*handle)(tui_view *v, tui_app *app, tui_action a, const char *arg);
    /* A click in r at (y, x), before the app selects the row under it in v->list (a view with
     * panes focuses the one clicked here); optional. */
    void (*click)(tui_view *v, tui_app *app, int y, int x);
    /* A list fetched in pages (users, sessions, audit): move v->list for the movement action a
     * by delta rows (tui_list_delta), fetching the rows past the loaded ones; for g/G fetch the
     * true end. Optional: without it the app moves v->list within its rows. */
    void (*seek)(tui_view *v, tui_app *app, tui_action a, int64_t delta);
    /* The selected row whole for the record view (v): fill *out (fields.h) and return true, or
     * false when nothing is selected. Optional: without it v says there is no record here. */
    bool (*record)(tui_view *v, tui_app *app, tui_fields *out);
    /* Milliseconds until the view wants idle() (-1: never); idle runs deferred work such as a
     * debounced search. Both optional. */
    int (*idle_in)(tui_view *v, tui_app *app);
    void (*idle)(tui_view *v, tui_app *app);
    /* The actions worth showing in the bottom line, ending with TUI_ACT_NONE. */
    const tui_action *hints;
    /* The keys `:sort KEY` takes on this view, ending with NULL: the one list its `:sort` parses,
     * its usage message names and Tab after `:sort` offers. NULL: the view has no sort. */
    const char *const *sort_keys;
    void (*close)(tui_view *v);
} tui_view_ops;

struct tui_view {
    const tui_view_ops *ops;
    void *data;
    tui_rect rect; /* where it was last drawn (for mouse clicks) */
    /* The list the movement keys, clicks and the wheel move (list.h), in the view's own data;
     * NULL for a view without one. The app moves it (view.h); the view draws what it leaves
     * visible. */
    tui_list *list;
};

extern const tui_view_ops tui_users_view, tui_user_view, tui_sessions_view, tui_help_view,
    tui_audit_view, tui_jwks_view, tui_checklists_view, tui_run_view, tui_env_view,
    tui_overview_view, tui_messages_view, tui_record_view;

/* The JWKS doctor on the console's target through tui_app_call (view_jwks.c; the overview's
 * keys panel runs it too): SQLite checks the file's rows with the secrets (NULL: none); Convex opens
 * the deployment the environment names. *checks, *rows (may be NULL) and *target (what was
 * checked, or NULL) are the caller's, also on failure. */
bc_status tui_jwks_doctor(tui_app *app, const bc_secrets *secret, const char *from,
                          bc_checks *checks, bc_jwks_rows *rows, char **target, bc_error *err);

/* --- what views may ask of the app ---------------------------------------------------------- */

bc_driver *tui_app_driver(tui_app *app);
/* The console's target (core/target.h): every screen works on it, never on one of its own. */
bc_target *tui_app_target(tui_app *app);
const tui_keymap *tui_app_keymap(tui_app *app);
/* The sort keys of the view on top (its ops->sort_keys), NULL when it has none. */
const char *const *tui_app_sort_keys(tui_app *app);
/* Run an action as if its key was pressed (arg as from the command line, or NULL). */
void tui_app_run_action(tui_app *app, tui_action a, const char *arg);
/* A message in the bottom line until the next key. */
void tui_app_message(tui_app *app, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void tui_app_error(tui_app *app, const bc_error *err);
/* Every message and error of the session, oldest first (the message log screen, M); owned by
 * the app, valid until the next message. Past 5,000 the oldest go: *dropped counts them. */
typedef struct {
    int64_t at_ms;
    bool error;
    char *text;
} tui_logged;
const tui_logged *tui_app_log(const tui_app *app, size_t *n, size_t *dropped);
/* Open a view on top of the stack; shows the error and returns false when it cannot open. */
bool tui_app_push(tui_app *app, const tui_view_ops *ops, const char *arg);
/* Run fn(ctx, err) on a worker thread while the console stays live, and return its status.
 * Quick calls (the usual SQLite page) return before anything changes on the screen; a slower one
 * shows `doing` ("searching") with a spinner and its time in the bottom line and keeps the
 * terminal answering: resizes reflow, the line editor keeps editing (its on_change runs, so it
 * must not call again), and other keys wait in a queue that runs once the call is back. Esc
 * stops a cancellable call (reads: bc_driver_interrupt, the call returns BC_CANCELLED); writes
 * are never stopped half way. fn must touch only what ctx gives it and the driver, and the
 * caller must not free or change either until this returns. Calls do not nest: one made while
 * another runs fails at once (views check tui_app_busy first). */
typedef bc_status (*tui_call_fn)(void *ctx, bc_error *err);
bc_status tui_app_call(tui_app *app, const char *doing, bool cancellable, tui_call_fn fn, void *ctx,
                       bc_error *err);
/* For the next tui_app_call only: a count's progress the worker raises as it goes, shown beside
 * the spinner as "N found so far, R rows read" and, once the share of the table read is known,
 * "of ~T (P%)" (borrowed; it must outlive the call). */
void tui_app_call_progress(tui_app *app, const bc_count_progress *progress);
/* For the next tui_app_call only (a cancellable read): it runs behind the screen, so keys never
 * wait for it. The line editor edits as with any call; Esc stops it and does nothing else; any
 * other key stops it and then runs. tui_app_call_yielded then says whether a key other than Esc
 * stopped it (the caller may run it again once the keys pause). */
void tui_app_call_background(tui_app *app);
bool tui_app_call_yielded(const tui_app *app);
/* Whether a call is running (only true inside tui_app_call's own loop: from on_change). */
bool tui_app_busy(const tui_app *app);
/* Stop the running cancellable call (a live search whose text changed); no-op otherwise. */
void tui_app_cancel(tui_app *app);
/* Remember the number of users / sessions in the whole target (top bar totals). */
void tui_app_set_total(tui_app *app, bool sessions, int64_t total, bool at_least);

/* The line editor in the bottom line (search, `:`; prompt.h). on_change runs after every edit
 * (may be NULL); on_done once, with accepted false for Esc. text is the starting content, drawn
 * selected (typing replaces it); with no text, a line with a history starts from its last entry. */
typedef enum {
    TUI_HISTORY_NONE = 0,
    TUI_HISTORY_SEARCH, /* every list's and the help's `/` line */
    TUI_HISTORY_COMMAND,
    TUI_HISTORY_KINDS
} tui_history_kind;
typedef struct {
    const char *prefix;
    void (*on_change)(void *ctx, tui_app *app, const char *text);
    void (*on_done)(void *ctx, tui_app *app, const char *text, bool accepted);
    bool complete_actions; /* Tab opens the candidate menu of actions and arguments (`:`) */
    tui_history_kind history;
    void *ctx;
} tui_prompt_spec;
void tui_app_prompt(tui_app *app, const tui_prompt_spec *spec, const char *text);

/* A small menu drawn over the view. activate runs on Enter/Space/Right (dir +1), Left (dir -1)
 * or a click; it may relabel items and returns true to close the menu. on_close runs when the
 * menu closes either way. */
#define TUI_MENU_MAX 16
typedef struct tui_menu tui_menu;
struct tui_menu {
    char title[64];
    char items[TUI_MENU_MAX][96];
    int n, sel;
    bool (*activate)(tui_menu *m, tui_app *app, int dir);
    void (*on_close)(tui_menu *m, tui_app *app);
    void *ctx;
};
void tui_app_menu(tui_app *app, const tui_menu *menu);

/* Show a modal dialog (copied); it gets every key until it closes. Replaces an open one. */
void tui_app_dialog(tui_app *app, const tui_dialog *d);

/* The admin actions' context: never NULL (its state is NULL when the state database could not be
 * opened; tui_app_state_error then says why). */
bc_admin *tui_app_admin(tui_app *app);
const char *tui_app_state_error(tui_app *app);
/* The app's current secret (the first of BETTER_AUTH_SECRETS, else BETTER_AUTH_SECRET) for
 * signed session cookies, or NULL. */
const char *tui_app_secret(tui_app *app);
/* All of the app's secrets from the environment (never NULL; maybe empty), for its keys. */
const bc_secrets *tui_app_secrets(tui_app *app);
/* The target's name as the top bar shows it. */
const char *tui_app_label(tui_app *app);
/* After a write: close the user screen when its user is gone, then refresh every open view in
 * place (selection kept where the row still exists). Call before setting the outcome message. */
void tui_app_after_write(tui_app *app, bool user_gone);

/* Switch the console to choice (the deployment switcher): every screen closes, the target is
 * replaced, the users screen opens on the new one. On failure the old target stays. */
void tui_app_switch(tui_app *app, const bc_target_choice *choice);
/* The deployment switcher menu. */
void tui_app_deployments(tui_app *app);

/* Rows a page fetch should ask for: a few screens' worth. */
size_t tui_app_page_size(tui_app *app);

/* --- running ------------------------------------------------------------------------------- */

typedef struct {
    bc_target *target;       /* borrowed; replaced by the switcher (use_target) */
    const char *label;       /* the file or deployment name for the top bar */
    const char *notice;      /* a first message ("created demo database ...") or NULL */
    bool demo;               /* the demo database, opened because nothing was selected */
    const char *keymap_path; /* NULL: tui_keymap_default_path() */
    bc_admin *admin;         /* borrowed; required */
    const bc_secrets *secrets; /* BETTER_AUTH_SECRETS / BETTER_AUTH_SECRET (borrowed), or NULL */
    /* The deployment switcher (`d`): what to list, and how to switch (tui.c). open_target opens
     * choice into *next (zeroed; closed by the caller on failure) on the console's worker
     * thread, touching nothing else; use_target then closes the old target, keeps next and
     * returns the new target and label (valid until the next switch). NULL: no switcher. */
    const bc_target_opts *target_opts;
    bc_status (*open_target)(void *ctx, const bc_target_choice *choice, bc_target *next,
                             bc_error *err);
    void (*use_target)(void *ctx, const bc_target_choice *choice, bc_target *next,
                       bc_target **target, const char **label, bool *demo);
    void *switch_ctx;
    int64_t started_us; /* tui_trace_now_us() when bcadmin started (0: when the app did) */
    bool start_overview; /* open the Overview (screen 0) over the users list at start */
} tui_app_config;

/* Run the console until the operator quits or a stop signal arrives; restores the terminal on
 * every path. Returns the process exit code. */
int tui_app_run(const tui_app_config *cfg);

#endif
