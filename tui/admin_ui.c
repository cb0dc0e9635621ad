/* admin_ui.c - dialogs, confirmations and outcomes of the console's admin actions. */
#include "admin_ui.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "admin.h"
#include "target.h"
#include "describe.h"
#include "dialog.h"
#include "fields.h"
#include "isotime.h"
#include "session_cookie.h"
#include "text.h"
#include "timefmt.h"
#include "xalloc.h"

/* One action in progress, from its first dialog to its outcome. */
typedef struct {
    tui_action action;
    char *user, *email; /* single-user actions */
    char **ids;         /* bulk actions: the users confirmed by count */
    size_t n;
    bool bulk;
    char *first;        /* bulk: the first users' emails, for the confirmation */
    size_t hidden;      /* bulk: marks outside the view's list */
    bool hidden_unknown;
    void (*done)(void *ctx);
    void *done_ctx;
    char *session, *account;
    int64_t audit_id;
    char *entry; /* undo: what the entry did, for the confirmation */
    /* gathered by the dialogs */
    char *reason, *roles, *password;
    bc_ban_expiry expiry;
    int64_t duration_ms;
    char *new_email, *name; /* create-user */
    bc_record changes;      /* edit-user */
    /* the acting-admin menu's users by id, in its order */
    char *admins[TUI_MENU_MAX];
} flow;

static void flow_free(void *p)
{
    flow *f = p;
    if (!f)
        return;
    free(f->user);
    free(f->email);
    bc_admin_ids_free(f->ids, f->n);
    free(f->first);
    free(f->session);
    free(f->entry);
    free(f->account);
    free(f->reason);
    free(f->roles);
    if (f->password) {
        explicit_bzero(f->password, strlen(f->password));
        free(f->password);
    }
    free(f->new_email);
    free(f->name);
    bc_record_release(&f->changes);
    for (int i = 0; i < TUI_MENU_MAX; i++)
        free(f->admins[i]);
    free(f);
}

static const char *action_name(tui_action a)
{
    return tui_action_get(a)->name;
}

/* "user@x" for one user, "3 users" for a selection. */
static char *subject_text(const flow *f)
{
    if (f->bulk)
        return bc_xasprintf("%zu user%s", f->n, f->n == 1 ? "" : "s");
    return bc_xstrdup(f->email ? f->email : f->user);
}

/* --- reads the flows need, on the worker thread (tui_app_call) ---------------------------------
 */

typedef struct {
    bc_admin *admin;
    const char *user;
    bc_record *out;
    const bc_user_query *filter;
    char ***ids;
    size_t *n;
} read_call;

static bc_status run_find_user(void *ctx, bc_error *err)
{
    read_call *c = ctx;
    return bc_admin_find_user(c->admin, c->user, c->out, err);
}

typedef struct {
    bc_driver *driver;
    char *const *ids;
    size_t n;
    bc_rows rows;
} emails_call;

static bc_status run_emails(void *ctx, bc_error *err)
{
    emails_call *c = ctx;
    bc_match m = {"id", (const char *const *)c->ids, c->n};
    return bc_driver_rows_get(c->driver, BC_MODEL_USER, &m, c->n, &c->rows, err);
}

enum { FIRST_SHOWN = 5 };

/* The first users of a bulk action by email, one a line ("Users: alice@x", "       bob@y", ...,
 * "       … and 7 more"), the lines joined by '\n': a long email never pushes the rest out. */
static void name_first(tui_app *app, flow *f)
{
    emails_call c = {.driver = tui_app_driver(app), .ids = f->ids};
    c.n = f->n < FIRST_SHOWN ? f->n : FIRST_SHOWN;
    bc_error err = {0};
    bc_buf b = {0};
    const char *indent = "\n       ";
    bc_buf_puts(&b, "Users: ");
    if (tui_app_call(app, "reading the users", true, run_emails, &c, &err) == BC_OK) {
        for (size_t i = 0; i < c.rows.n; i++) {
            char *email = tui_record_cell(&c.rows.items[i], "email");
            bc_buf_printf(&b, "%s%s", i ? indent : "", email ? email : "?");
            free(email);
        }
        bc_rows_release(&c.rows);
    } else {
        for (size_t i = 0; i < c.n; i++)
            bc_buf_printf(&b, "%s%s", i ? indent : "", f->ids[i]);
    }
    if (f->n > c.n)
        bc_buf_printf(&b, "%s\u2026 and %zu more", indent, f->n - c.n);
    f->first = bc_buf_take(&b);
}

static bc_status run_select(void *ctx, bc_error *err)
{
    read_call *c = ctx;
    return bc_admin_select(c->admin, c->filter, c->ids, c->n, err);
}

/* bc_admin_find_user with the console live (Esc stops it). */
static bc_status find_user(tui_app *app, const char *user, bc_record *out, bc_error *err)
{
    read_call c = {.admin = tui_app_admin(app), .user = user, .out = out};
    return tui_app_call(app, "reading the user", true, run_find_user, &c, err);
}

/* bc_admin_select with the console live (Esc stops it). */
static bc_status select_ids(tui_app *app, const bc_user_query *filter, char ***ids, size_t *n,
                            bc_error *err)
{
    read_call c = {.admin = tui_app_admin(app), .filter = filter, .ids = ids, .n = n};
    return tui_app_call(app, "collecting the matching users", true, run_select, &c, err);
}

/* --- running the core call ---------------------------------------------------------------------
 */

static void report_bulk(tui_app *app, const char *done, size_t affected, size_t skipped)
{
    if (skipped)
        tui_app_message(app, "%s %zu user%s (%zu skipped: you cannot ban yourself)", done, affected,
                        affected == 1 ? "" : "s", skipped);
    else
        tui_app_message(app, "%s %zu user%s", done, affected, affected == 1 ? "" : "s");
}

/* The core calls run on tui_app_call's worker thread: the screen stays live meanwhile, and a
 * write is never stopped half way (not cancellable). */
typedef struct {
    bc_admin *admin;
    const bc_bulk_action *act;
    const flow *f;
    size_t affected, skipped;
} bulk_call;

static bc_status run_bulk_call(void *ctx, bc_error *err)
{
    bulk_call *c = ctx;
    return bc_admin_bulk(c->admin, c->act, c->f->ids, c->f->n, &c->affected, &c->skipped, err);
}

static bc_status run_bulk(tui_app *app, flow *f, bc_error *err)
{
    bc_bulk_action act = {.reason = f->reason, .expiry = f->expiry, .roles = f->roles};
    const char *done = "";
    switch (f->action) {
    case TUI_ACT_BAN:
        act.kind = BC_BULK_BAN;
        done = "banned";
        break;
    case TUI_ACT_UNBAN:
        act.kind = BC_BULK_UNBAN;
        done = "unbanned";
        break;
    case TUI_ACT_SET_ROLE:
        act.kind = BC_BULK_SET_ROLE;
        done = "set the role of";
        break;
    default:
        act.kind = BC_BULK_REVOKE_SESSIONS;
        done = "revoked every session of";
        break;
    }
    bulk_call c = {.admin = tui_app_admin(app), .act = &act, .f = f};
    bc_status st = tui_app_call(app, action_name(f->action), false, run_bulk_call, &c, err);
    size_t affected = c.affected, skipped = c.skipped;
    if (st == BC_OK && f->done) /* the marks did their job: clear them before the refresh */
        f->done(f->done_ctx);
    tui_app_after_write(app, false);
    if (st == BC_OK)
        report_bulk(app, done, affected, skipped);
    return st;
}

static void show_impersonation(tui_app *app, const flow *f, const bc_record *s)
{
    const char *token = bc_record_text(s, "token");
    int64_t until = 0;
    bc_record_date(s, "expiresAt", &until);
    char iso[TUI_TIME_TEXT];
    tui_time_text(until, TUI_TIME_ZONE | TUI_TIME_SECONDS, iso, sizeof iso);
    tui_dialog d = {.kind = TUI_DLG_INFO, .wrap = true};
    snprintf(d.title, sizeof d.title, "Impersonating %s", f->email ? f->email : f->user);
    /* Each value on a line of its own, so a drag over one line copies it whole. */
    tui_dialog_line(&d, "Session %s, expires %s (recorded with impersonatedBy).",
                    bc_record_text(s, "id"), iso);
    tui_dialog_line(&d, "Token:");
    tui_dialog_line(&d, "%s", token);
    tui_dialog_line(&d, "Header:");
    tui_dialog_line(&d, "Authorization: Bearer %s", token);
    const char *secret = tui_app_secret(app);
    if (secret) {
        char *cookie = bc_session_cookie_value(secret, token);
        tui_dialog_line(&d, "Cookie (%s; prefix __Secure- on https):", BC_SESSION_COOKIE_NAME);
        tui_dialog_line(&d, "%s=%s", BC_SESSION_COOKIE_NAME, cookie);
        free(cookie);
    } else {
        tui_dialog_line(&d, "Cookie: set BETTER_AUTH_SECRET to see the signed cookie value.");
    }
    tui_dialog_line(&d, "I (stop-impersonating) deletes it.");
    tui_app_dialog(app, &d);
}

typedef struct {
    bc_admin *admin;
    flow *f;
    size_t n;          /* sessions deleted */
    bool gone;         /* the user was removed */
    bc_record session; /* impersonation: the session; create: the user */
} single_call;

static bc_status run_single_call(void *ctx, bc_error *err)
{
    single_call *c = ctx;
    bc_admin *admin = c->admin;
    flow *f = c->f;
    bc_status st;
    switch (f->action) {
    case TUI_ACT_BAN:
        st = bc_admin_ban(admin, f->user, f->reason, f->expiry, err);
        break;
    case TUI_ACT_UNBAN:
        st = bc_admin_unban(admin, f->user, err);
        break;
    case TUI_ACT_SET_ROLE:
        st = bc_admin_set_role(admin, f->user, f->roles, err);
        break;
    case TUI_ACT_IMPERSONATE:
        st = bc_admin_impersonate(admin, f->user, f->duration_ms, false, &c->session, err);
        break;
    case TUI_ACT_STOP_IMPERSONATING:
        st = bc_admin_stop_impersonating(admin, f->user, &c->n, err);
        break;
    case TUI_ACT_REVOKE_SESSION:
        st = bc_admin_revoke_session(admin, f->session, err);
        break;
    case TUI_ACT_REVOKE_SESSIONS:
        st = bc_admin_revoke_sessions(admin, f->user, &c->n, err);
        break;
    case TUI_ACT_REMOVE:
        st = bc_admin_remove_user(admin, f->user, err);
        c->gone = st == BC_OK;
        break;
    case TUI_ACT_SET_PASSWORD:
        st = bc_admin_set_password(admin, f->user, f->password, err);
        break;
    case TUI_ACT_CREATE_USER:
        st = bc_admin_create_user(admin, f->new_email, f->name, f->roles, f->password, &c->session,
                                  err);
        break;
    case TUI_ACT_EDIT_USER:
        st = bc_admin_update_user(admin, f->user, &f->changes, err);
        break;
    case TUI_ACT_UNLINK_ACCOUNT:
        st = bc_admin_unlink_account(admin, f->user, f->account, err);
        break;
    case TUI_ACT_UNDO:
        st = bc_admin_undo(admin, f->audit_id, err);
        break;
    default:
        st = bc_fail(err, BC_USAGE, "%s is not an admin action", action_name(f->action));
    }
    return st;
}

static bc_status run_single(tui_app *app, flow *f, bc_error *err)
{
    char *who = subject_text(f);
    single_call c = {.admin = tui_app_admin(app), .f = f};
    bc_status st = tui_app_call(app, action_name(f->action), false, run_single_call, &c, err);
    size_t n = c.n;
    bool gone = c.gone;
    bc_record session = c.session;
    /* A change that stands in part (or may) shows as it is now, with the error saying so. */
    if (st == BC_OK || st == BC_INCOMPLETE)
        tui_app_after_write(app, gone && st == BC_OK);
    if (st != BC_OK) {
        free(who);
        return st;
    }
    switch (f->action) {
    case TUI_ACT_BAN:
        if (f->expiry.never) {
            tui_app_message(app, "banned %s permanently; their sessions are revoked", who);
        } else {
            char until[TUI_TIME_TEXT];
            tui_time_text(f->expiry.at_ms, TUI_TIME_ZONE, until, sizeof until);
            tui_app_message(app, "banned %s until %s; their sessions are revoked", who, until);
        }
        break;
    case TUI_ACT_UNBAN:
        tui_app_message(app, "unbanned %s", who);
        break;
    case TUI_ACT_SET_ROLE:
        tui_app_message(app, "%s now has role %s", who, f->roles);
        break;
    case TUI_ACT_IMPERSONATE:
        tui_app_message(app, "impersonation session made for %s", who);
        show_impersonation(app, f, &session);
        break;
    case TUI_ACT_STOP_IMPERSONATING:
        tui_app_message(app, "deleted %zu impersonation session%s of %s", n, n == 1 ? "" : "s",
                        who);
        break;
    case TUI_ACT_REVOKE_SESSION:
        tui_app_message(app, "revoked session %s", f->session);
        break;
    case TUI_ACT_REVOKE_SESSIONS:
        tui_app_message(app, "revoked %zu session%s of %s", n, n == 1 ? "" : "s", who);
        break;
    case TUI_ACT_REMOVE:
        tui_app_message(app, "removed %s with their sessions and accounts", who);
        break;
    case TUI_ACT_SET_PASSWORD:
        tui_app_message(app, "set the password of %s", who);
        break;
    case TUI_ACT_CREATE_USER:
        tui_app_message(app, "created %s (id %s)", bc_record_text(&session, "email"),
                        bc_record_text(&session, "id"));
        break;
    case TUI_ACT_EDIT_USER:
        tui_app_message(app, "updated %s", who);
        break;
    case TUI_ACT_UNLINK_ACCOUNT:
        tui_app_message(app, "unlinked account %s of %s", f->account, who);
        break;
    case TUI_ACT_UNDO:
        tui_app_message(app, "undid audit entry #%lld (the undo is audited too)",
                        (long long)f->audit_id);
        break;
    default:
        break;
    }
    bc_record_release(&session);
    free(who);
    return BC_OK;
}

static void execute(tui_app *app, flow *f)
{
    bc_error err = {0};
    bc_status st = f->bulk ? run_bulk(app, f, &err) : run_single(app, f, &err);
    if (st != BC_OK)
        tui_app_error(app, &err);
}

/* --- confirmation -------------------------------------------------------------------------- */

static bool confirmed(tui_dialog *d, tui_app *app, bool accepted)
{
    flow *f = d->ctx;
    if (!accepted) {
        tui_app_message(app, "%s cancelled: nothing was changed", action_name(f->action));
        return true;
    }
    execute(app, f);
    return true;
}

/* Ask before running: d already holds the title and body. typed (may be NULL) is the text the
 * operator must type (an email, a count); a production target also needs its name typed. With
 * nothing to type it is a yes/no question. */
static void confirm(tui_app *app, flow *f, tui_dialog *d, const char *typed, const char *label)
{
    bc_driver *drv = tui_app_driver(app);
    d->on_done = confirmed;
    d->ctx = f;
    d->ctx_free = flow_free;
    d->nfields = 0;
    d->focus = 0;
    if (!typed && !drv->production) {
        d->kind = TUI_DLG_YESNO;
    } else {
        d->kind = TUI_DLG_FORM;
        d->danger = true;
        if (typed) {
            /* What is typed is what the dialog shows: an email holding control characters is
             * confirmed by typing its escaped form. */
            char *shown = bc_text_escape(typed, strlen(typed));
            tui_dialog_field_add(d, label, "", false, shown);
            free(shown);
        }
        if (drv->production) {
            const char *name = bc_target_typed_name(tui_app_target(app));
            tui_dialog_line(d, "PRODUCTION: type the deployment's name as well: %s", name);
            tui_dialog_field_add(d, "Deployment name", "", false, name);
        }
    }
    tui_app_dialog(app, d);
}

/* The yes/no or typed confirmation for a flow whose inputs are gathered. */
static void ask(tui_app *app, flow *f)
{
    tui_dialog d = {0};
    char *who = subject_text(f);
    char count[32];
    snprintf(count, sizeof count, "%zu", f->n);
    const char *typed = NULL, *label = NULL;
    if (f->bulk) {
        typed = count;
        label = "Type the count";
        d.danger = true;
        for (const char *l = f->first ? f->first : ""; *l;) {
            size_t len = strcspn(l, "\n");
            tui_dialog_line(&d, "%.*s", (int)len, l);
            l += len + (l[len] == '\n');
        }
        if (f->hidden)
            tui_dialog_line(&d, "%zu of them are marked but outside the current search/filters.",
                            f->hidden);
        else if (f->hidden_unknown)
            tui_dialog_line(&d, "Some may be marked but outside the current search/filters.");
    }
    switch (f->action) {
    case TUI_ACT_BAN:
        snprintf(d.title, sizeof d.title, "Ban %s?", who);
        tui_dialog_line(&d, "Reason:  %s", f->reason && *f->reason ? f->reason : "No reason");
        if (f->expiry.never) {
            tui_dialog_line(&d, "Until:   never (a permanent ban)");
        } else {
            char until[TUI_TIME_TEXT];
            tui_time_text(f->expiry.at_ms, TUI_TIME_ZONE, until, sizeof until);
            tui_dialog_line(&d, "Until:   %s", until);
        }
        tui_dialog_line(&d, "Every session of %s is deleted.", f->bulk ? "each user" : "the user");
        d.danger = true;
        break;
    case TUI_ACT_UNBAN:
        snprintf(d.title, sizeof d.title, "Unban %s?", who);
        tui_dialog_line(&d, "Clears banned, banReason and banExpires.");
        break;
    case TUI_ACT_SET_ROLE:
        snprintf(d.title, sizeof d.title, "Set the role of %s?", who);
        tui_dialog_line(&d, "New role:  %s", f->roles);
        break;
    case TUI_ACT_REVOKE_SESSIONS:
        snprintf(d.title, sizeof d.title, "Revoke every session of %s?", who);
        tui_dialog_line(&d, "They are signed out everywhere.");
        d.danger = true;
        break;
    case TUI_ACT_REVOKE_SESSION:
        snprintf(d.title, sizeof d.title, "Revoke session %s?", f->session);
        tui_dialog_line(&d, "Owner: %s. That browser or client is signed out.", who);
        d.danger = true;
        break;
    case TUI_ACT_STOP_IMPERSONATING:
        snprintf(d.title, sizeof d.title, "Stop impersonating %s?", who);
        tui_dialog_line(&d, "Deletes every impersonation session of the user.");
        d.danger = true;
        break;
    case TUI_ACT_IMPERSONATE:
        snprintf(d.title, sizeof d.title, "Impersonate %s?", who);
        tui_dialog_line(&d, "A new session for the user, recorded with impersonatedBy.");
        break;
    case TUI_ACT_REMOVE:
        snprintf(d.title, sizeof d.title, "Remove %s?", who);
        tui_dialog_line(&d, "Deletes the user with every session and account.");
        tui_dialog_line(&d, "This cannot be undone.");
        typed = f->email ? f->email : f->user;
        label = "Type the email";
        d.danger = true;
        break;
    case TUI_ACT_UNLINK_ACCOUNT:
        snprintf(d.title, sizeof d.title, "Unlink account %s of %s?", f->account, who);
        tui_dialog_line(&d, "The user can no longer sign in with it. This cannot be undone.");
        typed = f->email ? f->email : f->user;
        label = "Type the email";
        d.danger = true;
        break;
    case TUI_ACT_EDIT_USER:
        snprintf(d.title, sizeof d.title, "Change %s?", who);
        for (size_t i = 0; i < f->changes.n; i++) {
            const bc_value *v = &f->changes.fields[i].value;
            tui_dialog_line(&d, "%-14s %s", f->changes.fields[i].name,
                            v->kind == BC_V_TEXT   ? v->u.text
                            : v->kind == BC_V_BOOL ? (v->u.b ? "true" : "false")
                                                   : "null");
        }
        break;
    case TUI_ACT_UNDO:
        snprintf(d.title, sizeof d.title, "Undo audit entry #%lld?", (long long)f->audit_id);
        if (f->entry)
            tui_dialog_line(&d, "%s", f->entry);
        tui_dialog_line(&d, "Writes back the values the entry saved as \"before\".");
        /* over whatever came after it, for every user of a bulk entry: y, not Enter */
        d.danger = true;
        break;
    default: /* set-password and create-user confirmed in their own form */
        free(who);
        if (tui_app_driver(app)->production) {
            snprintf(d.title, sizeof d.title, "%s on production?", action_name(f->action));
            confirm(app, f, &d, NULL, NULL);
        } else {
            execute(app, f);
            flow_free(f);
        }
        return;
    }
    free(who);
    confirm(app, f, &d, typed, label);
}

/* --- forms ----------------------------------------------------------------------------------- */

/* The edit form shows a value holding a NUL or a control character escaped (\x00): what is typed
 * over it cannot say what it keeps of it, so such a field is left as shown or changed elsewhere. */
static void edit_refuse(tui_dialog *d, const char *name, const bc_value *old)
{
    bool nul = memchr(old->u.text, '\0', old->len) != NULL;
    tui_dialog_error(d, "%s holds %s: not editable here; use bcadmin users update ID --%s", name,
                     nul ? "a NUL byte" : "control characters", name);
}

/* A form's on_done: read the fields into the flow, then ask. false keeps the form open. */
static bool form_done(tui_dialog *d, tui_app *app, bool accepted)
{
    flow *f = d->ctx;
    if (!accepted) {
        tui_app_message(app, "%s cancelled: nothing was changed", action_name(f->action));
        return true;
    }
    bc_error err = {0};
    switch (f->action) {
    case TUI_ACT_BAN:
        if (bc_ban_expiry_parse(d->fields[1].value, bc_now_ms(), &f->expiry, &err) != BC_OK) {
            tui_dialog_error(d, "%s", err.msg);
            d->focus = 1;
            return false;
        }
        f->reason = bc_xstrdup(d->fields[0].value);
        break;
    case TUI_ACT_SET_ROLE: /* what is written ("user,admin"), shown in the dialog that asks */
        if (bc_admin_normalise_roles(d->fields[0].value, &f->roles, &err) != BC_OK) {
            tui_dialog_error(d, "%s", err.msg);
            return false;
        }
        break;
    case TUI_ACT_IMPERSONATE:
        if (!bc_duration_parse(d->fields[0].value, &f->duration_ms) || f->duration_ms <= 0) {
            tui_dialog_error(d, "\"%s\" is not a duration (30m, 1h, 2d)", d->fields[0].value);
            return false;
        }
        break;
    case TUI_ACT_SET_PASSWORD:
    case TUI_ACT_CREATE_USER: {
        int pw = f->action == TUI_ACT_SET_PASSWORD ? 0 : 3;
        if (strcmp(d->fields[pw].value, d->fields[pw + 1].value) != 0) {
            tui_dialog_error(d, "the two passwords differ: type them again");
            d->fields[pw].value[0] = d->fields[pw + 1].value[0] = '\0';
            d->focus = pw;
            return false;
        }
        f->password = bc_xstrdup(d->fields[pw].value);
        if (f->action == TUI_ACT_CREATE_USER) {
            f->new_email = bc_xstrdup(d->fields[0].value);
            f->name = bc_xstrdup(d->fields[1].value);
            if (bc_admin_normalise_roles(d->fields[2].value[0] ? d->fields[2].value : "user",
                                         &f->roles, &err) != BC_OK) {
                tui_dialog_error(d, "%s", err.msg);
                d->focus = 2;
                return false;
            }
        }
        break;
    }
    case TUI_ACT_EDIT_USER: {
        bc_record now = {0};
        bc_status st = find_user(app, f->user, &now, &err);
        if (st != BC_OK) {
            tui_app_error(app, &err);
            return true;
        }
        static const char *const names[] = {"name", "email", "image"};
        static const int slots[] = {0, 1, 3};
        for (int i = 0; i < 3; i++) {
            /* compared with the value as the form showed it: escaped whole, not cut at a NUL */
            char *shown = tui_record_cell(&now, names[i]);
            const bc_value *old = bc_record_get(&now, names[i]);
            const char *val = d->fields[slots[i]].value;
            bool same = strcmp(shown ? shown : "", val) == 0;
            free(shown);
            if (same)
                continue;
            if (old && old->kind == BC_V_TEXT && !bc_text_is_safe(old->u.text, old->len)) {
                edit_refuse(d, names[i], old);
                bc_record_release(&f->changes);
                bc_record_release(&now);
                d->focus = slots[i];
                return false;
            }
            if (i == 2 && !*val)
                bc_record_set_null(&f->changes, "image");
            else
                bc_record_set_text(&f->changes, names[i], val);
        }
        const char *v = d->fields[2].value;
        bool yes = !strcasecmp(v, "yes") || !strcasecmp(v, "true");
        bool no = !strcasecmp(v, "no") || !strcasecmp(v, "false");
        bool was = bc_record_bool(&now, "emailVerified");
        bc_record_release(&now);
        if (!yes && !no) {
            tui_dialog_error(d, "email verified: answer yes or no");
            bc_record_release(&f->changes);
            d->focus = 2;
            return false;
        }
        if (yes != was)
            bc_record_set_bool(&f->changes, "emailVerified", yes);
        if (f->changes.n == 0) {
            tui_app_message(app, "nothing changed in the form: nothing to do");
            return true;
        }
        break;
    }
    default:
        break;
    }
    /* The form's flow moves on to the confirmation, which takes over ctx. */
    d->ctx = NULL;
    ask(app, f);
    return true;
}

static void open_form(tui_app *app, flow *f, tui_dialog *d)
{
    d->kind = TUI_DLG_FORM;
    d->on_done = form_done;
    d->ctx = f;
    d->ctx_free = flow_free;
    tui_app_dialog(app, d);
}

static void start_form(tui_app *app, flow *f)
{
    tui_dialog d = {0};
    char *who = subject_text(f);
    switch (f->action) {
    case TUI_ACT_BAN:
        snprintf(d.title, sizeof d.title, "Ban %s", who);
        tui_dialog_line(&d, "Expires: a duration (30m, 12h, 7d, 2w), an ISO-8601 time, or never.");
        tui_dialog_field_add(&d, "Reason", "", false, NULL);
        tui_dialog_field_add(&d, "Expires", "never", false, NULL);
        break;
    case TUI_ACT_SET_ROLE:
        snprintf(d.title, sizeof d.title, "Set the role of %s", who);
        tui_dialog_line(&d, "One role or several, comma-separated: user, admin, user,admin.");
        tui_dialog_field_add(&d, "Role(s)", f->roles ? f->roles : "", false, NULL);
        break;
    case TUI_ACT_IMPERSONATE:
        snprintf(d.title, sizeof d.title, "Impersonate %s", who);
        tui_dialog_line(&d, "A session for the user, recorded as made by the acting admin.");
        tui_dialog_field_add(&d, "Lasts", "1h", false, NULL);
        break;
    case TUI_ACT_SET_PASSWORD:
        snprintf(d.title, sizeof d.title, "Set the password of %s", who);
        tui_dialog_line(&d, "8 to 128 characters; stored as Better Auth's scrypt hash.");
        tui_dialog_field_add(&d, "New password", "", true, NULL);
        tui_dialog_field_add(&d, "Again", "", true, NULL);
        const char *typed = f->email ? f->email : f->user;
        char *shown = bc_text_escape(typed, strlen(typed));
        tui_dialog_field_add(&d, "Type the email", "", false, shown);
        free(shown);
        d.danger = true;
        break;
    case TUI_ACT_CREATE_USER:
        snprintf(d.title, sizeof d.title, "Create a user");
        tui_dialog_line(&d, "A user with a password account (providerId \"credential\").");
        if (bc_target_bypasses_triggers(tui_app_target(app))) {
            /* better-convex <= 0.6 and component installs run triggers only for callers that
             * pass function handles: the app's onCreate hooks will not see this user. */
            tui_dialog_line(&d, "WARNING: on %s, creating through the auth functions skips the",
                            tui_app_target(app)->functions);
            tui_dialog_line(&d, "app's triggers (user.onCreate...): do their work yourself.");
            d.danger = true;
        }
        tui_dialog_field_add(&d, "Email", "", false, NULL);
        tui_dialog_field_add(&d, "Name", "", false, NULL);
        tui_dialog_field_add(&d, "Role(s)", "user", false, NULL);
        tui_dialog_field_add(&d, "Password", "", true, NULL);
        tui_dialog_field_add(&d, "Again", "", true, NULL);
        break;
    case TUI_ACT_EDIT_USER: {
        bc_record u = {0};
        bc_error err = {0};
        if (find_user(app, f->user, &u, &err) != BC_OK) {
            tui_app_error(app, &err);
            free(who);
            flow_free(f);
            return;
        }
        snprintf(d.title, sizeof d.title, "Edit %s", who);
        tui_dialog_line(&d, "Only the fields you change are written. An empty image clears it.");
        /* each value escaped whole (a NUL as \x00), as the lists draw it; form_done compares
         * with the same text, so a field left as shown is not written */
        char *name = tui_record_cell(&u, "name"), *email = tui_record_cell(&u, "email");
        char *image = tui_record_cell(&u, "image");
        static const char *const kept[] = {"name", "email", "image"};
        for (int i = 0; i < 3; i++) {
            const bc_value *v = bc_record_get(&u, kept[i]);
            if (v && v->kind == BC_V_TEXT && !bc_text_is_safe(v->u.text, v->len))
                tui_dialog_line(&d,
                                "The %s is shown escaped: it is kept unless changed with "
                                "bcadmin users update.",
                                kept[i]);
        }
        tui_dialog_field_add(&d, "Name", name, false, NULL);
        tui_dialog_field_add(&d, "Email", email, false, NULL);
        tui_dialog_field_add_yesno(&d, "Email verified", bc_record_bool(&u, "emailVerified"));
        tui_dialog_field_add(&d, "Image", image, false, NULL);
        free(name);
        free(email);
        free(image);
        bc_record_release(&u);
        break;
    }
    default:
        free(who);
        ask(app, f);
        return;
    }
    free(who);
    open_form(app, f, &d);
}

/* --- starting ------------------------------------------------------------------------------ */

static bool bulk_capable(tui_action a)
{
    return a == TUI_ACT_BAN || a == TUI_ACT_UNBAN || a == TUI_ACT_SET_ROLE ||
           a == TUI_ACT_REVOKE_SESSIONS;
}

/* The writes refuse without an audit trail: say why before any dialog. */
static bool admin_ready(tui_app *app)
{
    bc_admin *admin = tui_app_admin(app);
    if (admin->state)
        return true;
    const char *why = tui_app_state_error(app);
    tui_app_message(app,
                    "no state database (%s): bcadmin audits every change, so nothing can be "
                    "changed",
                    why ? why : "not opened");
    return false;
}

/* --- the acting admin, asked up front ------------------------------------------------------ */

typedef struct {
    bc_driver *driver;
    bc_page page;
} admins_call;

static bc_status run_admins(void *ctx, bc_error *err)
{
    admins_call *c = ctx;
    bc_user_query q = {.role = "admin", .sort = BC_SORT_EMAIL, .ascending = true,
                       .limit = TUI_MENU_MAX};
    return bc_driver_users_page(c->driver, &q, &c->page, err);
}

static bool actor_picked(tui_menu *m, tui_app *app, int dir)
{
    if (dir < 0)
        return false;
    flow *f = m->ctx;
    tui_admin_act_as(app, f->admins[m->sel]); /* by id: the item is the email escaped */
    if (!bc_admin_has_actor(tui_app_admin(app)))
        return true; /* refused: the message says why; on_close frees the flow */
    m->ctx = NULL;
    start_form(app, f);
    return true;
}

static void actor_menu_closed(tui_menu *m, tui_app *app)
{
    if (!m->ctx)
        return;
    flow *f = m->ctx;
    if (!bc_admin_has_actor(tui_app_admin(app)))
        tui_app_message(app, "%s needs an acting admin: cancelled (or :as EMAIL first)",
                        action_name(f->action));
    flow_free(f);
}

/* A menu of the admins to act as; the flow goes on once one is chosen. */
static void pick_actor(tui_app *app, flow *f)
{
    admins_call c = {.driver = tui_app_driver(app)};
    bc_error err = {0};
    if (tui_app_call(app, "listing admins", true, run_admins, &c, &err) != BC_OK) {
        tui_app_error(app, &err);
        flow_free(f);
        return;
    }
    tui_menu m = {.activate = actor_picked, .on_close = actor_menu_closed, .ctx = f};
    snprintf(m.title, sizeof m.title, "%s needs an acting admin: act as", action_name(f->action));
    for (size_t i = 0; i < c.page.rows.n && m.n < TUI_MENU_MAX; i++) {
        const bc_record *r = &c.page.rows.items[i];
        const char *id = bc_record_text(r, "id");
        if (!id)
            continue;
        char *email = tui_record_cell(r, "email");
        snprintf(m.items[m.n], sizeof m.items[0], "%s", email ? email : id);
        free(email);
        free(f->admins[m.n]);
        f->admins[m.n++] = bc_xstrdup(id);
    }
    bc_page_release(&c.page);
    if (!m.n) {
        tui_app_message(app, "%s needs an acting admin, and no user holds the admin role",
                        action_name(f->action));
        flow_free(f);
        return;
    }
    tui_app_menu(app, &m);
}

void tui_admin_start(tui_app *app, tui_action a, const tui_admin_target *t)
{
    if (!admin_ready(app))
        return;
    flow *f = bc_xcalloc(1, sizeof *f);
    f->action = a;
    bc_error err = {0};
    if (t && (t->ids || t->filter) && bulk_capable(a)) {
        f->bulk = true;
        if (t->ids) {
            f->ids = bc_xcalloc(t->n ? t->n : 1, sizeof *f->ids);
            for (size_t i = 0; i < t->n; i++)
                f->ids[i] = bc_xstrdup(t->ids[i]);
            f->n = t->n;
        } else if (select_ids(app, t->filter, &f->ids, &f->n, &err) != BC_OK) {
            tui_app_error(app, &err);
            flow_free(f);
            return;
        }
        if (f->n == 0) {
            tui_app_message(app, "no user is selected: nothing to do");
            flow_free(f);
            return;
        }
        f->hidden = t->hidden;
        f->hidden_unknown = t->hidden_unknown;
        f->done = t->done;
        f->done_ctx = t->done_ctx;
        name_first(app, f);
    } else if (t) {
        f->user = t->user ? bc_xstrdup(t->user) : NULL;
        f->email = t->email ? bc_xstrdup(t->email) : NULL;
        f->session = t->session ? bc_xstrdup(t->session) : NULL;
        f->account = t->account ? bc_xstrdup(t->account) : NULL;
        f->audit_id = t->audit_id;
        f->entry = t->entry ? bc_xstrdup(t->entry) : NULL;
    }
    if (!f->bulk && !f->user && a != TUI_ACT_CREATE_USER && a != TUI_ACT_UNDO &&
        a != TUI_ACT_REVOKE_SESSION) {
        tui_app_message(app, "%s: select a user first", action_name(a));
        flow_free(f);
        return;
    }
    if ((a == TUI_ACT_REVOKE_SESSION && !f->session) ||
        (a == TUI_ACT_UNLINK_ACCOUNT && !f->account)) {
        tui_app_message(app, "%s: select a %s first (Tab moves to its pane)", action_name(a),
                        a == TUI_ACT_REVOKE_SESSION ? "session" : "account");
        flow_free(f);
        return;
    }
    if (a == TUI_ACT_IMPERSONATE && !bc_admin_has_actor(tui_app_admin(app))) {
        pick_actor(app, f); /* asked first, not after the dialogs */
        return;
    }
    if (a == TUI_ACT_SET_ROLE && !f->bulk) {
        bc_record u = {0};
        if (find_user(app, f->user, &u, &err) == BC_OK && bc_record_text(&u, "role"))
            f->roles = bc_xstrdup(bc_record_text(&u, "role"));
        bc_record_release(&u);
    }
    start_form(app, f);
}

static bc_status run_check_actor(void *ctx, bc_error *err)
{
    read_call *c = ctx;
    return bc_admin_check_actor(c->admin, c->user, c->out, err);
}

void tui_admin_act_as(tui_app *app, const char *user)
{
    bc_admin *admin = tui_app_admin(app);
    bc_error err = {0};
    bc_record row = {0};
    read_call c = {.admin = admin, .user = user, .out = &row};
    /* the lookup on the worker; the top bar's admin changes here, on the console's thread */
    if (tui_app_call(app, "reading the user", true, run_check_actor, &c, &err) != BC_OK) {
        tui_app_error(app, &err);
        return;
    }
    bc_admin_use_actor(admin, &row);
    char *email = tui_record_cell(&admin->actor, "email");
    tui_app_message(app, "acting as %s: changes are audited under this admin", email ? email : "?");
    free(email);
}
