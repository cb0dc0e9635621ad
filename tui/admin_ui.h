/* admin_ui.h - the console's admin actions: the dialogs each one needs (reason and expiry, roles,
 * duration, passwords, field edits), the confirmation that fits it (yes/no for reversible
 * changes, `y` for destructive ones (Enter alone never confirms them); the user's email typed for
 * removal, password changes and unlinking; the count typed for bulk actions, whose dialog names the
 * first users; the deployment's name typed as well on production), then the one core/admin
 * call and its outcome on the bottom line, after which every open view refreshes in place.
 *
 * No rule lives here: what may be done, and what it writes, is core/admin's to decide. Curses-free.
 */
#ifndef TUI_ADMIN_UI_H
#define TUI_ADMIN_UI_H

#include <stddef.h>
#include <stdint.h>

#include "actions.h"
#include "app.h"
#include "driver.h"

/* What an action works on, as the view that started it knows it. Borrowed: the flow copies
 * what it keeps. Give one of: user (a user id, with its email for confirmations and messages,
 * escaped as the views draw it: tui_record_cell; the email to type is what is shown); ids (marked
 * users) or filter (every user it matches) for the bulk actions; session; account (with user);
 * audit_id. */
typedef struct {
    const char *user, *email;
    char *const *ids;
    size_t n;
    const bc_user_query *filter;
    const char *session; /* a session id */
    const char *account; /* an account id */
    int64_t audit_id;
    const char *entry; /* undo: what the entry did ("users.ban 3 users: a@x, ..."), as drawn */
    /* bulk: marks the view knows are outside its current list (search, filters), said in the
     * confirmation; and what to run once the bulk action succeeded (the view clears its marks) */
    size_t hidden;
    bool hidden_unknown;
    void (*done)(void *ctx);
    void *done_ctx;
} tui_admin_target;

/* Start the dialogs of write action a on target t (or say on the bottom line why it cannot).
 * create-user needs no target. */
void tui_admin_start(tui_app *app, tui_action a, const tui_admin_target *t);

/* Set the acting admin (`:as EMAIL`): the user must exist and hold an admin role. */
void tui_admin_act_as(tui_app *app, const char *user);

#endif
