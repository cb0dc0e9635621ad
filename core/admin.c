/* admin.c - the admin plugin's rules, written once for every driver. */
#include "admin.h"

#include <ctype.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "describe.h"
#include "ids.h"
#include "lookup.h"
#include "state_db.h"
#include "isotime.h"
#include "password.h"
#include "text.h"
#include "record_json.h"
#include "xalloc.h"

#define BULK_CHUNK 500 /* users per chunk: their ids in one IN (...) or Convex call */

/* --- setup and lookups ------------------------------------------------------------------- */

bc_status bc_admin_init(bc_admin *a, bc_driver *d, bc_state *state, bc_error *err)
{
    *a = (bc_admin){.driver = d, .state = state, .admin_roles = "admin"};
    struct passwd *pw = getpwuid(getuid());
    a->os_user = pw ? bc_xstrdup(pw->pw_name) : bc_xasprintf("uid %u", (unsigned)getuid());
    a->target = bc_xstrdup(d->label ? d->label : "");
    a->who = (bc_audit_who){a->os_user, NULL, d->ops->kind, a->target};
    return BC_OK;
}

void bc_admin_release(bc_admin *a)
{
    bc_record_release(&a->actor);
    bc_record_release(&a->changed);
    bc_record_release(&a->ahead);
    free(a->ahead_name);
    free(a->actor_later);
    free(a->os_user);
    free(a->actor_label);
    free(a->target);
    *a = (bc_admin){0};
}

const bc_record *bc_admin_changed_user(const bc_admin *a, const char *id)
{
    const char *have = bc_record_text(&a->changed, "id");
    return have && id && strcmp(have, id) == 0 ? &a->changed : NULL;
}

bc_status bc_admin_find_user(bc_admin *a, const char *user, bc_record *out, bc_error *err)
{
    if (a->ahead_name && user && strcmp(a->ahead_name, user) == 0) {
        /* Read beside the acting admin a moment ago: used once. */
        bc_status st = a->ahead_status;
        *out = a->ahead;
        if (st != BC_OK && err)
            *err = a->ahead_err;
        a->ahead = (bc_record){0};
        free(a->ahead_name);
        a->ahead_name = NULL;
        return st;
    }
    return bc_lookup_user(a->driver, user, out, err);
}

/* Whether a comma-separated list holds item (exact, surrounding spaces ignored). */
static bool list_has(const char *list, const char *item, size_t item_len)
{
    const char *p = list;
    while (p && *p) {
        const char *end = strchr(p, ',');
        size_t len = end ? (size_t)(end - p) : strlen(p);
        const char *s = p;
        while (len && isspace((unsigned char)*s))
            s++, len--;
        while (len && isspace((unsigned char)s[len - 1]))
            len--;
        if (len == item_len && strncmp(s, item, len) == 0)
            return true;
        p = end ? end + 1 : NULL;
    }
    return false;
}

bool bc_admin_is_admin_user(const bc_admin *a, const bc_record *user)
{
    /* A NULL role is the plugin's default role "user", which is not an admin role. */
    const char *role = bc_record_text(user, "role");
    const char *p = role;
    while (p && *p) {
        const char *end = strchr(p, ',');
        size_t len = end ? (size_t)(end - p) : strlen(p);
        if (list_has(a->admin_roles, p, len))
            return true;
        p = end ? end + 1 : NULL;
    }
    return false;
}

bool bc_admin_has_actor(const bc_admin *a)
{
    return a->actor.n > 0;
}

/* The rule for an acting admin, on the row found for user (released when refused). */
static bc_status actor_rule(bc_admin *a, const char *user, bc_status found, bc_record *row,
                            bc_error *err)
{
    if (found != BC_OK)
        return bc_error_prefix(err, "acting admin (--as)");
    if (!bc_admin_is_admin_user(a, row)) {
        const char *role = bc_record_text(row, "role");
        bc_fail(err, BC_REFUSED, "acting admin %s does not hold an admin role (role: %s)", user,
                role ? role : "none");
        bc_record_release(row);
        return BC_REFUSED;
    }
    return BC_OK;
}

bc_status bc_admin_check_actor(bc_admin *a, const char *user, bc_record *row, bc_error *err)
{
    return actor_rule(a, user, bc_admin_find_user(a, user, row, err), row, err);
}

bc_status bc_admin_set_actor_for(bc_admin *a, const char *user, const char *target,
                                 bc_error *err)
{
    if (!target || !*target || strcmp(target, user) == 0)
        return bc_admin_set_actor(a, user, err);
    const char *names[2] = {user, target};
    bc_record rows[2];
    bc_status found[2];
    bc_error errs[2];
    bc_status st = bc_lookup_users(a->driver, names, 2, rows, found, errs, err);
    if (st != BC_OK)
        return bc_error_prefix(err, "acting admin (--as)");
    if (found[0] != BC_OK)
        *err = errs[0];
    st = actor_rule(a, user, found[0], &rows[0], err);
    if (st == BC_OK)
        bc_admin_use_actor(a, &rows[0]);
    bc_record_release(&a->ahead);
    free(a->ahead_name);
    a->ahead_name = bc_xstrdup(target);
    a->ahead = rows[1];
    a->ahead_status = found[1];
    a->ahead_err = errs[1];
    return st;
}

bc_status bc_admin_set_actor(bc_admin *a, const char *user, bc_error *err)
{
    bc_record row;
    bc_status st = bc_admin_check_actor(a, user, &row, err);
    if (st == BC_OK)
        bc_admin_use_actor(a, &row);
    return st;
}

void bc_admin_set_actor_later(bc_admin *a, const char *user)
{
    free(a->actor_later);
    a->actor_later = bc_xstrdup(user);
}

void bc_admin_use_actor(bc_admin *a, bc_record *row)
{
    bc_record_release(&a->actor);
    free(a->actor_label);
    a->actor = *row;
    *row = (bc_record){0};
    a->actor_label =
        bc_xasprintf("%s %s", bc_record_text(&a->actor, "id"),
                     bc_record_text(&a->actor, "email") ? bc_record_text(&a->actor, "email") : "");
    a->who.actor = a->actor_label;
}

static const char *actor_id(const bc_admin *a)
{
    return bc_record_text(&a->actor, "id");
}

static bool is_actor(const bc_admin *a, const bc_record *user)
{
    const char *me = actor_id(a), *id = bc_record_text(user, "id");
    return me && id && strcmp(me, id) == 0;
}

/* Whether the user's ban is in force at now (the same words the tables show). */
static bool ban_in_force(const bc_record *user, int64_t now)
{
    bc_user_state state = bc_describe_user_state(user, now, NULL);
    return state == BC_USER_BANNED || state == BC_USER_BANNED_UNTIL;
}

bc_status bc_ban_expiry_parse(const char *s, int64_t now_ms, bc_ban_expiry *out, bc_error *err)
{
    *out = (bc_ban_expiry){.never = true};
    if (!s || !*s || strcmp(s, "never") == 0)
        return BC_OK;
    int64_t ms;
    if (bc_duration_parse(s, &ms)) {
        *out = (bc_ban_expiry){.never = false, .at_ms = now_ms + ms};
        return BC_OK;
    }
    if (bc_iso_parse(s, strlen(s), &ms)) {
        if (ms <= now_ms)
            return bc_fail(err, BC_USAGE, "ban expiry \"%s\" is in the past", s);
        *out = (bc_ban_expiry){.never = false, .at_ms = ms};
        return BC_OK;
    }
    return bc_fail(err, BC_USAGE,
                   "ban expiry \"%s\" is not \"never\", a duration (30m, 12h, 7d, 2w) or an "
                   "ISO-8601 time",
                   s);
}

/* --- writing with an audit trail --------------------------------------------------------- */

static bc_status audit_begin(bc_admin *a, const bc_audit_change *change, int64_t *id, bc_error *err)
{
    if (!a->state)
        return bc_fail(err, BC_ERR, "no state database is open: bcadmin audits every change");
    return bc_audit_begin(a->state, &a->who, change, id, err);
}

/* Finish entry id as the write ended; the status returned agrees with the entry (a change left
 * 'partly applied' or 'unknown' ends BC_INCOMPLETE). */
static bc_status audit_end(bc_admin *a, int64_t id, bc_status st, bc_error *err)
{
    if (st != BC_OK && !err) {
        bc_audit_finish(a->state, id, "failed", NULL);
        return st;
    }
    bc_status ended = bc_audit_finish_error(a->state, id, st == BC_OK ? NULL : err, NULL);
    return st == BC_OK || ended != BC_INCOMPLETE ? st : ended;
}

/* The values row holds for each field of patch (NULL where absent): the "before" of a change. */
static bc_record values_before(const bc_record *row, const bc_record *patch)
{
    bc_record before = {0};
    for (size_t i = 0; i < patch->n; i++) {
        const bc_value *v = bc_record_get(row, patch->fields[i].name);
        bc_record_set(&before, patch->fields[i].name, v ? bc_value_copy(v) : bc_value_null());
    }
    return before;
}

static bc_status rollback(bc_admin *a, bc_status st)
{
    bc_driver_txn(a->driver, BC_TXN_ROLLBACK, NULL);
    return st;
}

/* Where the store has no transactions (Convex), a step that fails after earlier writes leaves
 * those applied: the change is partly applied (BC_INCOMPLETE), or may be wholly applied when the
 * failed step's answer was lost (err->uncertain kept: the audit says 'unknown'). The message
 * names what stands, what failed and how to finish (finish may be NULL), so the operator is never
 * told only that the action failed while part of it stands. */
static bc_status partly_done(const bc_admin *a, bc_status st, const char *done, const char *step,
                             const char *finish, bc_error *err)
{
    if (st == BC_OK || a->driver->ops->txn || !err)
        return st;
    char why[sizeof err->msg];
    snprintf(why, sizeof why, "%s", err->msg);
    bool uncertain = err->uncertain;
    bc_fail(err, BC_INCOMPLETE,
            "%s: %s (this store has no transactions, so that part stands), but %s then %s: "
            "%s%s%s",
            uncertain ? "whether the change is wholly applied is unknown" : "partly applied", done,
            step, uncertain ? "got no usable answer" : "failed", why, finish ? "; " : "",
            finish ? finish : "");
    err->uncertain = uncertain;
    return BC_INCOMPLETE;
}

/* Patch one user (and optionally delete their sessions) atomically where the store allows,
 * audited. */
static bc_status change_user(bc_admin *a, const char *action, const bc_record *user,
                             const bc_record *patch, bool drop_sessions, int64_t undo_of,
                             bc_error *err)
{
    const char *id = bc_record_text(user, "id");
    bc_record before = values_before(user, patch);
    bc_audit_change change = {.action = action,
                              .subject = id,
                              .before = &before,
                              .after = patch,
                              .undo_of = undo_of,
                              .label = bc_record_text(user, "email")};
    int64_t audit_id;
    bc_status st = audit_begin(a, &change, &audit_id, err);
    bc_record_release(&before);
    if (st != BC_OK)
        return st;

    /* The row and its sessions are independent writes: one round trip where the store sends
     * them together. The row as written comes back with the write where the store returns it. */
    bc_write w[2] = {
        {.model = BC_MODEL_USER, .match = {"id", &id, 1}, .patch = patch},
        {.model = BC_MODEL_SESSION, .match = {"userId", &id, 1}},
    };
    bc_record_release(&a->changed);
    st = bc_driver_txn(a->driver, BC_TXN_BEGIN, err);
    if (st == BC_OK)
        st = bc_driver_writes(a->driver, w, drop_sessions ? 2 : 1, err);
    if (st == BC_OK && w[0].changed == 0)
        st = bc_fail(err, BC_NOT_FOUND, "user %s disappeared before it could be changed", id);
    else if (st != BC_OK && drop_sessions) {
        char *finish = bc_xasprintf("ban them again to finish (`bcadmin users ban %s`)",
                                    bc_record_text(user, "email"));
        if (w[0].status == BC_OK && w[0].changed)
            st = partly_done(a, st, "the user row was changed", "revoking their sessions", finish,
                             err);
        else if (w[1].status == BC_OK && w[1].changed)
            st = partly_done(a, st, "their sessions were revoked", "changing the user row", finish,
                             err);
        free(finish);
    }
    if (st == BC_OK)
        st = bc_driver_txn(a->driver, BC_TXN_COMMIT, err);
    else
        rollback(a, st);
    if (st == BC_OK && w[0].after.n)
        a->changed = w[0].after;
    else
        bc_record_release(&w[0].after);
    if (st == BC_OK && !a->changed.n) /* the store did not hand the row back: read it */
        bc_driver_row_get(a->driver, BC_MODEL_USER, "id", id, &a->changed, NULL);
    return audit_end(a, audit_id, st, err);
}

/* --- single-user actions ----------------------------------------------------------------- */

static void ban_patch(bc_record *patch, const char *reason, bc_ban_expiry expiry, int64_t now)
{
    bc_record_set_bool(patch, "banned", true);
    bc_record_set_text(patch, "banReason", reason && *reason ? reason : "No reason");
    if (expiry.never)
        bc_record_set_null(patch, "banExpires"); /* explicit: never leave a stale expiry */
    else
        bc_record_set_date(patch, "banExpires", expiry.at_ms);
    bc_record_set_date(patch, "updatedAt", now);
}

static void unban_patch(bc_record *patch, int64_t now)
{
    bc_record_set_bool(patch, "banned", false);
    bc_record_set_null(patch, "banReason");
    bc_record_set_null(patch, "banExpires");
    bc_record_set_date(patch, "updatedAt", now);
}

bc_status bc_admin_ban(bc_admin *a, const char *user, const char *reason, bc_ban_expiry expiry,
                       bc_error *err)
{
    bc_record row;
    bc_status st = bc_admin_find_user(a, user, &row, err);
    if (st != BC_OK)
        return st;
    int64_t now = bc_now_ms();
    if (is_actor(a, &row))
        st = bc_fail(err, BC_REFUSED, "you cannot ban yourself (%s is the acting admin)", user);
    else if (!expiry.never && expiry.at_ms <= now)
        st = bc_fail(err, BC_USAGE, "the ban expiry is in the past");
    if (st == BC_OK) {
        bc_record patch = {0};
        ban_patch(&patch, reason, expiry, now);
        st = change_user(a, "users.ban", &row, &patch, true, 0, err);
        bc_record_release(&patch);
    }
    bc_record_release(&row);
    return st;
}

bc_status bc_admin_unban(bc_admin *a, const char *user, bc_error *err)
{
    bc_record row;
    bc_status st = bc_admin_find_user(a, user, &row, err);
    if (st != BC_OK)
        return st;
    bc_record patch = {0};
    unban_patch(&patch, bc_now_ms());
    st = change_user(a, "users.unban", &row, &patch, false, 0, err);
    bc_record_release(&patch);
    bc_record_release(&row);
    return st;
}

bc_status bc_admin_normalise_roles(const char *roles, char **out, bc_error *err)
{
    *out = NULL;
    if (!roles || !*roles)
        return bc_fail(err, BC_USAGE, "no role given (e.g. user, admin, or user,admin)");
    bc_buf buf = {0};
    const char *p = roles;
    while (p) {
        const char *end = strchr(p, ',');
        size_t len = end ? (size_t)(end - p) : strlen(p);
        while (len && isspace((unsigned char)*p))
            p++, len--;
        while (len && isspace((unsigned char)p[len - 1]))
            len--;
        bool ok = len > 0 && len <= 64;
        for (size_t i = 0; ok && i < len; i++)
            ok = isalnum((unsigned char)p[i]) || p[i] == '-' || p[i] == '_';
        if (!ok) {
            bc_buf_release(&buf);
            return bc_fail(err, BC_USAGE,
                           "role list \"%s\" has an empty or invalid role (roles are letters, "
                           "digits, '-' and '_', separated by commas)",
                           roles);
        }
        if (buf.len && list_has(buf.data, p, len)) {
            bc_buf_release(&buf);
            return bc_fail(err, BC_USAGE, "role \"%.*s\" is listed twice in \"%s\"", (int)len, p,
                           roles);
        }
        if (buf.len)
            bc_buf_puts(&buf, ",");
        bc_buf_append(&buf, p, len);
        p = end ? end + 1 : NULL;
    }
    *out = bc_buf_take(&buf);
    return BC_OK;
}

bc_status bc_admin_set_role(bc_admin *a, const char *user, const char *roles, bc_error *err)
{
    char *role;
    bc_status st = bc_admin_normalise_roles(roles, &role, err);
    if (st != BC_OK)
        return st;
    bc_record row;
    st = bc_admin_find_user(a, user, &row, err);
    if (st == BC_OK) {
        bc_record patch = {0};
        bc_record_set_text(&patch, "role", role);
        bc_record_set_date(&patch, "updatedAt", bc_now_ms());
        st = change_user(a, "users.set-role", &row, &patch, false, 0, err);
        bc_record_release(&patch);
        bc_record_release(&row);
    }
    free(role);
    return st;
}

/* Insert a row with an audit entry (secrets are scrubbed from what the audit keeps); label: the
 * subject as people read it (the user's email), or NULL. */
static bc_status insert_audited(bc_admin *a, const char *action, const char *subject,
                                const char *label, bc_model model, const bc_record *row,
                                bc_error *err)
{
    bc_record shown = bc_record_copy(row);
    bc_audit_scrub(model, &shown);
    bc_audit_change change = {
        .action = action, .subject = subject, .after = &shown, .label = label};
    int64_t audit_id;
    bc_status st = audit_begin(a, &change, &audit_id, err);
    bc_record_release(&shown);
    if (st != BC_OK)
        return st;
    st = bc_driver_row_insert(a->driver, model, row, err);
    return audit_end(a, audit_id, st, err);
}

bc_status bc_admin_impersonate(bc_admin *a, const char *user, int64_t duration_ms, bool allow_admin,
                               bc_record *session, bc_error *err)
{
    *session = (bc_record){0};
    if (!bc_admin_has_actor(a))
        return bc_fail(err, BC_REFUSED,
                       "impersonation needs the acting admin (--as EMAIL|ID or BCADMIN_AS): "
                       "it is recorded as impersonatedBy");
    bc_record row;
    bc_status st = bc_admin_find_user(a, user, &row, err);
    if (st != BC_OK)
        return st;
    int64_t now = bc_now_ms();
    if (!allow_admin && bc_admin_is_admin_user(a, &row))
        st = bc_fail(err, BC_REFUSED,
                     "%s is an admin: Better Auth refuses to impersonate admins "
                     "(--allow-admin-target overrides)",
                     user);
    else if (ban_in_force(&row, now))
        st = bc_fail(err, BC_REFUSED, "%s is banned: Better Auth refuses sessions for banned users",
                     user);
    else if (bc_record_bool(&row, "banned")) {
        /* An expired ban is lifted when a session is created, as the plugin's hook does. */
        bc_record patch = {0};
        unban_patch(&patch, now);
        st = change_user(a, "users.unban", &row, &patch, false, 0, err);
        bc_record_release(&patch);
    }
    if (st == BC_OK) {
        char id[BC_ID_LEN + 1], token[BC_ID_LEN + 1];
        bc_random_id(id);
        bc_random_id(token);
        bc_record *s = session;
        bc_record_set_text(s, "id", id);
        bc_record_set_date(s, "expiresAt",
                           now + (duration_ms > 0 ? duration_ms : BC_IMPERSONATION_DEFAULT_MS));
        bc_record_set_text(s, "token", token);
        bc_record_set_date(s, "createdAt", now);
        bc_record_set_date(s, "updatedAt", now);
        bc_record_set_text(s, "ipAddress", "");
        bc_record_set_text(s, "userAgent", "bcadmin/" BCADMIN_VERSION);
        bc_record_set_text(s, "userId", bc_record_text(&row, "id"));
        bc_record_set_text(s, "impersonatedBy", actor_id(a));
        st = insert_audited(a, "users.impersonate", bc_record_text(&row, "id"),
                            bc_record_text(&row, "email"), BC_MODEL_SESSION, s, err);
        if (st != BC_OK)
            bc_record_release(session);
    }
    bc_record_release(&row);
    return st;
}

/* Delete sessions by id, audited as one entry naming how many. */
static bc_status delete_sessions(bc_admin *a, const char *action, const char *subject,
                                 const char *label, const bc_match *m, size_t *deleted,
                                 bc_error *err)
{
    bc_audit_change change = {.action = action, .subject = subject, .label = label};
    int64_t audit_id;
    size_t n = 0;
    bc_status st = audit_begin(a, &change, &audit_id, err);
    if (st != BC_OK)
        return st;
    st = bc_driver_rows_delete(a->driver, BC_MODEL_SESSION, m, &n, err);
    if (deleted)
        *deleted = n;
    return audit_end(a, audit_id, st, err);
}

bc_status bc_admin_stop_impersonating(bc_admin *a, const char *user, size_t *deleted, bc_error *err)
{
    if (deleted)
        *deleted = 0;
    bc_record row = {0};
    bc_session_query q = {.impersonation_only = true, .limit = BC_PAGE_MAX};
    bc_status st = BC_OK;
    if (user) {
        st = bc_admin_find_user(a, user, &row, err);
        if (st != BC_OK)
            return st;
        q.user_id = bc_record_text(&row, "id");
    }
    /* Collect the ids first, then delete them in chunks: a page never sees its own deletes. */
    char **ids = NULL;
    size_t n = 0, cap = 0;
    char *cursor = NULL;
    do {
        bc_page page;
        q.cursor = cursor;
        st = bc_driver_sessions_page(a->driver, &q, &page, err);
        free(cursor);
        cursor = NULL;
        if (st != BC_OK)
            break;
        for (size_t i = 0; i < page.rows.n; i++) {
            if (n == cap)
                ids = bc_xrealloc(ids, (cap = cap ? cap * 2 : 64) * sizeof *ids);
            ids[n++] = bc_xstrdup(bc_record_text(&page.rows.items[i], "id"));
        }
        cursor = bc_xstrdup(page.next_cursor);
        bc_page_release(&page);
    } while (cursor);
    for (size_t i = 0; st == BC_OK && i < n; i += BULK_CHUNK) {
        size_t chunk = n - i < BULK_CHUNK ? n - i : BULK_CHUNK, got = 0;
        bc_match m = {"id", (const char *const *)ids + i, chunk};
        st = delete_sessions(a, "sessions.stop-impersonating",
                             user ? bc_record_text(&row, "id") : "*",
                             user ? bc_record_text(&row, "email") : "every user", &m, &got, err);
        if (deleted)
            *deleted += got;
    }
    bc_admin_ids_free(ids, n);
    bc_record_release(&row);
    return st;
}

bc_status bc_admin_revoke_session(bc_admin *a, const char *session, bc_error *err)
{
    bc_record row;
    bc_status st = bc_driver_row_get(a->driver, BC_MODEL_SESSION, "id", session, &row, err);
    if (st == BC_NOT_FOUND)
        st = bc_driver_row_get(a->driver, BC_MODEL_SESSION, "token", session, &row, err);
    if (st == BC_NOT_FOUND)
        return bc_fail(err, st, "no session with id or token \"%s\"", session);
    if (st != BC_OK)
        return st;
    const char *id = bc_record_text(&row, "id");
    bc_match m = {"id", &id, 1};
    size_t n = 0;
    st = delete_sessions(a, "sessions.revoke", id, NULL, &m, &n, err);
    bc_record_release(&row);
    return st;
}

bc_status bc_admin_revoke_sessions(bc_admin *a, const char *user, size_t *deleted, bc_error *err)
{
    bc_record row;
    bc_status st = bc_admin_find_user(a, user, &row, err);
    if (st != BC_OK)
        return st;
    const char *id = bc_record_text(&row, "id");
    bc_match m = {"userId", &id, 1};
    st = delete_sessions(a, "sessions.revoke-all", id, bc_record_text(&row, "email"), &m, deleted,
                         err);
    bc_record_release(&row);
    return st;
}

bc_status bc_admin_remove_user(bc_admin *a, const char *user, bc_error *err)
{
    bc_record row;
    bc_status st = bc_admin_find_user(a, user, &row, err);
    if (st != BC_OK)
        return st;
    if (is_actor(a, &row)) {
        bc_record_release(&row);
        return bc_fail(err, BC_REFUSED, "you cannot remove yourself (%s is the acting admin)",
                       user);
    }
    const char *id = bc_record_text(&row, "id");
    bc_record before = bc_record_copy(&row);
    bc_audit_scrub(BC_MODEL_USER, &before);
    bc_audit_change change = {
        .action = "users.remove", .subject = id, .before = &before, .label = bc_record_text(&row, "email")};
    int64_t audit_id;
    st = audit_begin(a, &change, &audit_id, err);
    bc_record_release(&before);
    if (st == BC_OK) {
        bc_match by_user = {"userId", &id, 1}, by_id = {"id", &id, 1};
        /* The plugin's order: sessions, then accounts, then the user. */
        st = bc_driver_txn(a->driver, BC_TXN_BEGIN, err);
        if (st == BC_OK)
            st = bc_driver_rows_delete(a->driver, BC_MODEL_SESSION, &by_user, NULL, err);
        if (st == BC_OK) {
            st = bc_driver_rows_delete(a->driver, BC_MODEL_ACCOUNT, &by_user, NULL, err);
            st = partly_done(a, st, "the user's sessions were deleted", "deleting their accounts",
                             "remove the user again to finish", err);
        }
        if (st == BC_OK) {
            st = bc_driver_rows_delete(a->driver, BC_MODEL_USER, &by_id, NULL, err);
            st = partly_done(a, st, "the user's sessions and accounts were deleted",
                             "deleting the user row", "remove the user again to finish", err);
        }
        if (st == BC_OK)
            st = bc_driver_txn(a->driver, BC_TXN_COMMIT, err);
        else
            rollback(a, st);
        st = audit_end(a, audit_id, st, err);
    }
    bc_record_release(&row);
    return st;
}

/* The user's accounts (all of them; a user has a handful). */
static bc_status user_accounts(bc_admin *a, const char *user_id, bc_rows *out, bc_error *err)
{
    bc_match m = {"userId", &user_id, 1};
    return bc_driver_rows_get(a->driver, BC_MODEL_ACCOUNT, &m, 0, out, err);
}

/* The credential account a password goes into for a user who has none (made without a
 * password, or through a social provider), as Better Auth 1.6+'s set-user-password makes it:
 * accountId = the user id. */
static void credential_account(const char *user_id, const char *hash, int64_t now, bc_record *r)
{
    char account_id[BC_ID_LEN + 1];
    bc_random_id(account_id);
    bc_record_set_text(r, "id", account_id);
    bc_record_set_text(r, "accountId", user_id);
    bc_record_set_text(r, "providerId", "credential");
    bc_record_set_text(r, "userId", user_id);
    bc_record_set_text(r, "password", hash);
    bc_record_set_date(r, "createdAt", now);
    bc_record_set_date(r, "updatedAt", now);
}

/* Store hash on the credential account, or create that account when there is none. */
static bc_status store_password(bc_admin *a, const char *user_id, const char *email,
                                const bc_record *credential, const char *hash, bc_error *err)
{
    int64_t now = bc_now_ms();
    bc_record patch = {0}, shown = {0};
    bc_record_set_date(&shown, "updatedAt", now);
    if (!credential)
        bc_record_set_text(&shown, "account", "created (providerId credential)");
    bc_audit_change change = {
        .action = "users.set-password", .subject = user_id, .after = &shown, .label = email};
    int64_t audit_id;
    bc_status st = audit_begin(a, &change, &audit_id, err);
    if (st == BC_OK && credential) {
        bc_record_set_text(&patch, "password", hash);
        bc_record_set_date(&patch, "updatedAt", now);
        const char *account_id = bc_record_text(credential, "id");
        bc_match m = {"id", &account_id, 1};
        st = bc_driver_rows_update(a->driver, BC_MODEL_ACCOUNT, &m, &patch, NULL, err);
        st = audit_end(a, audit_id, st, err);
    } else if (st == BC_OK) {
        credential_account(user_id, hash, now, &patch);
        st = bc_driver_row_insert(a->driver, BC_MODEL_ACCOUNT, &patch, err);
        st = audit_end(a, audit_id, st, err);
    }
    bc_record_release(&patch);
    bc_record_release(&shown);
    return st;
}

bc_status bc_admin_set_password(bc_admin *a, const char *user, const char *password, bc_error *err)
{
    bc_status st = bc_password_check_length(password, err);
    if (st != BC_OK)
        return st;
    bc_record row;
    st = bc_admin_find_user(a, user, &row, err);
    if (st != BC_OK)
        return st;
    const char *id = bc_record_text(&row, "id");
    bc_rows accounts;
    st = user_accounts(a, id, &accounts, err);
    const bc_record *credential = NULL;
    for (size_t i = 0; st == BC_OK && i < accounts.n; i++) {
        const char *provider = bc_record_text(&accounts.items[i], "providerId");
        if (provider && strcmp(provider, "credential") == 0)
            credential = &accounts.items[i];
    }
    char hash[BC_PASSWORD_HASH_LEN + 1];
    if (st == BC_OK)
        st = bc_password_hash(password, hash, err);
    if (st == BC_OK)
        st = store_password(a, id, bc_record_text(&row, "email"), credential, hash, err);
    bc_rows_release(&accounts);
    bc_record_release(&row);
    return st;
}

static bool ascii_alnum(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

static bool ascii_alpha(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/* The domain of zod's rule: ([A-Za-z0-9][A-Za-z0-9-]*\.)+[A-Za-z]{2,} */
static bool email_domain_valid(const char *d)
{
    const char *tld = strrchr(d, '.');
    if (!tld || strlen(tld + 1) < 2)
        return false;
    for (const char *p = tld + 1; *p; p++)
        if (!ascii_alpha(*p))
            return false;
    bool label_start = true;
    for (const char *p = d; p < tld; p++) {
        if (*p == '.') {
            if (label_start)
                return false; /* an empty label */
            label_start = true;
        } else if (label_start ? !ascii_alnum(*p) : !(ascii_alnum(*p) || *p == '-')) {
            return false;
        } else {
            label_start = false;
        }
    }
    return !label_start;
}

bool bc_admin_email_valid(const char *email)
{
    if (!email || email[0] == '.' || strstr(email, ".."))
        return false;
    const char *at = strchr(email, '@');
    if (!at || at == email)
        return false;
    for (const char *p = email; p < at; p++)
        if (!ascii_alnum(*p) && !strchr("_'+-.", *p))
            return false;
    char last = at[-1];
    if (!ascii_alnum(last) && !strchr("_+-", last))
        return false;
    return email_domain_valid(at + 1);
}

/* BC_OK when no user other than except_id has this (lowercased) email. */
static bc_status email_free(bc_admin *a, const char *email, const char *except_id, bc_error *err)
{
    bc_record other;
    bc_status st = bc_driver_row_get(a->driver, BC_MODEL_USER, "email", email, &other, err);
    if (st == BC_NOT_FOUND)
        return BC_OK;
    if (st != BC_OK)
        return st;
    const char *id = bc_record_text(&other, "id");
    bool same = except_id && id && strcmp(id, except_id) == 0;
    bc_record_release(&other);
    if (same)
        return BC_OK;
    return bc_fail(err, BC_REFUSED, "User already exists. Use another email. (%s)", email);
}

/* Where the store chooses ids (Convex), the id bcadmin proposed for a new user is not the row's:
 * read the row back and put its real id in *user and in the audit entry, so what the operator is
 * shown (and what an undo would act on) names the row that exists. */
static bc_status name_created(bc_admin *a, int64_t audit_id, const char *email, bc_record *user,
                              bc_error *err)
{
    bc_record row;
    bc_status st = bc_driver_row_get(a->driver, BC_MODEL_USER, "email", email, &row, err);
    if (st != BC_OK) {
        /* The user exists (its writes succeeded): say so instead of a bare read error. */
        char why[sizeof err->msg];
        snprintf(why, sizeof why, "%s", err ? err->msg : "unknown error");
        return bc_fail(err, BC_ERR,
                       "user %s was created, but reading it back to learn its id failed: %s", email,
                       why);
    }
    const char *real = bc_record_text(&row, "id");
    if (real && strcmp(real, bc_record_text(user, "id")) != 0) {
        bc_record_set_text(user, "id", real);
        bc_audit_set_subject(a->state, audit_id, real, user, NULL);
    }
    bc_record_release(&row);
    return BC_OK;
}

bc_status bc_admin_create_user(bc_admin *a, const char *email, const char *name, const char *role,
                               const char *password, bc_record *created, bc_error *err)
{
    if (created)
        *created = (bc_record){0};
    if (!bc_admin_email_valid(email))
        return bc_fail(err, BC_USAGE,
                       "invalid email \"%s\": Better Auth refuses it at sign-up (INVALID_EMAIL)",
                       email ? email : "");
    if (!name)
        return bc_fail(err, BC_USAGE, "a new user needs a name (--name)");
    char *roles = NULL;
    bc_status st = bc_admin_normalise_roles(role ? role : "user", &roles, err);
    if (st == BC_OK)
        st = bc_password_check_length(password, err);
    char *lower = bc_text_lower(email, strlen(email), NULL);
    if (st == BC_OK)
        st = email_free(a, lower, NULL, err);
    char hash[BC_PASSWORD_HASH_LEN + 1];
    if (st == BC_OK)
        st = bc_password_hash(password, hash, err);
    if (st != BC_OK) {
        free(lower);
        free(roles);
        return st;
    }
    int64_t now = bc_now_ms();
    char id[BC_ID_LEN + 1], account_id[BC_ID_LEN + 1];
    bc_random_id(id);
    bc_random_id(account_id);
    bc_record user = {0}, account = {0};
    bc_record_set_text(&user, "id", id);
    bc_record_set_text(&user, "name", name);
    bc_record_set_text(&user, "email", lower);
    bc_record_set_bool(&user, "emailVerified", false);
    bc_record_set_null(&user, "image");
    bc_record_set_date(&user, "createdAt", now);
    bc_record_set_date(&user, "updatedAt", now);
    bc_record_set_text(&user, "role", roles);
    bc_record_set_bool(&user, "banned", false);
    bc_record_set_null(&user, "banReason");
    bc_record_set_null(&user, "banExpires");
    bc_record_set_text(&account, "id", account_id);
    bc_record_set_text(&account, "accountId", id);
    bc_record_set_text(&account, "providerId", "credential");
    bc_record_set_text(&account, "userId", id);
    bc_record_set_text(&account, "password", hash);
    bc_record_set_date(&account, "createdAt", now);
    bc_record_set_date(&account, "updatedAt", now);

    bc_audit_change change = {
        .action = "users.create", .subject = id, .after = &user, .label = bc_record_text(&user, "email")};
    int64_t audit_id;
    st = audit_begin(a, &change, &audit_id, err);
    if (st == BC_OK) {
        st = bc_driver_txn(a->driver, BC_TXN_BEGIN, err);
        if (st == BC_OK)
            st = bc_driver_row_insert(a->driver, BC_MODEL_USER, &user, err);
        if (st == BC_OK) {
            st = bc_driver_row_insert(a->driver, BC_MODEL_ACCOUNT, &account, err);
            st = partly_done(a, st, "the user row was created", "adding its password",
                             "set the password to finish (`bcadmin users set-password`)", err);
        }
        if (st == BC_OK)
            st = bc_driver_txn(a->driver, BC_TXN_COMMIT, err);
        else
            rollback(a, st);
        if (st == BC_OK) {
            /* The writes are applied: the entry is done even if reading the row back fails. */
            st = name_created(a, audit_id, lower, &user, err);
            audit_end(a, audit_id, BC_OK, err);
        } else {
            st = audit_end(a, audit_id, st, err);
        }
    }
    if (st == BC_OK && created)
        *created = user;
    else
        bc_record_release(&user);
    bc_record_release(&account);
    free(lower);
    free(roles);
    return st;
}

bc_status bc_admin_update_user(bc_admin *a, const char *user, const bc_record *changes,
                               bc_error *err)
{
    static const char *const editable[] = {"name", "email", "emailVerified", "image"};
    if (!changes || changes->n == 0)
        return bc_fail(err, BC_USAGE,
                       "No data to update (give --name, --email, "
                       "--email-verified or --image)");
    for (size_t i = 0; i < changes->n; i++) {
        bool ok = false;
        for (size_t j = 0; j < sizeof editable / sizeof *editable; j++)
            ok |= strcmp(changes->fields[i].name, editable[j]) == 0;
        if (!ok)
            return bc_fail(err, BC_USAGE, "field \"%s\" cannot be updated this way",
                           changes->fields[i].name);
    }
    bc_record row;
    bc_status st = bc_admin_find_user(a, user, &row, err);
    if (st != BC_OK)
        return st;
    bc_record patch = bc_record_copy(changes);
    const char *email = bc_record_text(&patch, "email");
    if (bc_record_get(&patch, "email") && (!bc_admin_email_valid(email)))
        st = bc_fail(err, BC_USAGE,
                     "invalid email \"%s\": Better Auth refuses it at sign-up (INVALID_EMAIL)",
                     email ? email : "(null)");
    if (st == BC_OK && email) {
        char *lower = bc_text_lower(email, strlen(email), NULL);
        st = email_free(a, lower, bc_record_text(&row, "id"), err);
        bc_record_set_text(&patch, "email", lower);
        free(lower);
    }
    const bc_value *name = bc_record_get(&patch, "name");
    if (st == BC_OK && name && name->kind != BC_V_TEXT)
        st = bc_fail(err, BC_USAGE, "name cannot be empty");
    if (st == BC_OK) {
        bc_record_set_date(&patch, "updatedAt", bc_now_ms());
        st = change_user(a, "users.update", &row, &patch, false, 0, err);
    }
    bc_record_release(&patch);
    bc_record_release(&row);
    return st;
}

/* Whether account row r is what the operator named: its row id, "PROVIDER:ACCOUNT_ID" (Better
 * Auth's providerId and accountId pair, as its unlink-account takes them), or (when by_provider)
 * its provider id alone. */
static bool account_named(const bc_record *r, const char *name, bool by_provider)
{
    const char *id = bc_record_text(r, "id"), *provider = bc_record_text(r, "providerId"),
               *account_id = bc_record_text(r, "accountId");
    if (!by_provider && id && strcmp(id, name) == 0)
        return true;
    size_t plen = provider ? strlen(provider) : 0;
    if (!by_provider && provider && account_id && strncmp(name, provider, plen) == 0 &&
        name[plen] == ':' && strcmp(name + plen + 1, account_id) == 0)
        return true;
    return by_provider && provider && strcmp(provider, name) == 0;
}

/* The account a name picks among a user's accounts. A provider id that matches several
 * (two GitHub accounts) picks none: Better Auth's unlink-account would silently take the first it
 * finds, so the operator is asked for the one meant instead (BC_USAGE, naming each). */
static bc_status pick_account(const bc_rows *accounts, const char *user, const char *name,
                              const bc_record **hit, bc_error *err)
{
    *hit = NULL;
    for (size_t i = 0; !*hit && i < accounts->n; i++)
        if (account_named(&accounts->items[i], name, false))
            *hit = &accounts->items[i];
    size_t n = 0;
    for (size_t i = 0; !*hit && i < accounts->n; i++)
        n += account_named(&accounts->items[i], name, true);
    if (*hit)
        return BC_OK;
    if (n == 0)
        return bc_fail(err, BC_NOT_FOUND,
                       "%s has no account with id, provider or provider:accountId \"%s\"", user,
                       name);
    bc_buf which = {0};
    for (size_t i = 0; i < accounts->n; i++) {
        const bc_record *r = &accounts->items[i];
        if (!account_named(r, name, true))
            continue;
        if (n == 1) {
            *hit = r;
            break;
        }
        const char *account_id = bc_record_text(r, "accountId");
        bc_buf_printf(&which, "%s%s (%s:%s)", which.len ? ", " : "", bc_record_text(r, "id"),
                      name, account_id ? account_id : "");
    }
    if (*hit)
        return BC_OK;
    bc_fail(err, BC_USAGE,
            "%s has %zu %s accounts: name the one to unlink by its id or as PROVIDER:ACCOUNT_ID "
            "(%s)",
            user, n, name, which.data);
    bc_buf_release(&which);
    return BC_USAGE;
}

bc_status bc_admin_unlink_account(bc_admin *a, const char *user, const char *account, bc_error *err)
{
    bc_record row;
    bc_status st = bc_admin_find_user(a, user, &row, err);
    if (st != BC_OK)
        return st;
    bc_rows accounts;
    st = user_accounts(a, bc_record_text(&row, "id"), &accounts, err);
    const bc_record *hit = NULL;
    if (st == BC_OK)
        st = pick_account(&accounts, user, account, &hit, err);
    if (st == BC_OK && accounts.n == 1)
        st = bc_fail(err, BC_REFUSED,
                     "that is the only account of %s: Better Auth refuses to unlink a user's "
                     "last account",
                     user);
    if (st == BC_OK) {
        bc_record before = bc_record_copy(hit);
        bc_audit_scrub(BC_MODEL_ACCOUNT, &before);
        const char *account_id = bc_record_text(hit, "id");
        bc_audit_change change = {.action = "accounts.unlink",
                                  .subject = account_id,
                                  .before = &before,
                                  .label = bc_record_text(&row, "email")};
        int64_t audit_id;
        st = audit_begin(a, &change, &audit_id, err);
        bc_record_release(&before);
        if (st == BC_OK) {
            bc_match m = {"id", &account_id, 1};
            st = bc_driver_rows_delete(a->driver, BC_MODEL_ACCOUNT, &m, NULL, err);
            st = audit_end(a, audit_id, st, err);
        }
    }
    bc_rows_release(&accounts);
    bc_record_release(&row);
    return st;
}

/* --- bulk -------------------------------------------------------------------------------- */

void bc_admin_ids_free(char **ids, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(ids[i]);
    free(ids);
}

/* The acting admin named by bc_admin_set_actor_later, looked up in a selection's first round:
 * settled (the rule checked, the row made the acting admin) before the first selected rows are
 * used, so a refused admin changes nothing. */
typedef struct {
    const char *name;
    bc_lookup_plan plan;
    bc_record row;
    bc_status found;
    bc_error why;
    bool settled;
} actor_lookup;

/* The lookup's reads for o, or nothing when no acting admin waits to be looked up. */
static void actor_lookup_start(bc_admin *a, actor_lookup *l, bc_each_opts *o)
{
    *l = (actor_lookup){.name = a->actor_later, .settled = !a->actor_later};
    *o = (bc_each_opts){0};
    if (!l->name)
        return;
    bc_lookup_prepare(&l->name, 1, &l->plan, &l->row, &l->found, &l->why);
    o->reads = l->plan.reads;
    o->n_reads = l->plan.n_reads;
}

/* Settle the lookup once its reads are answered (read_status: how they went). */
static bc_status actor_lookup_settle(bc_admin *a, actor_lookup *l, bc_status read_status,
                                     bc_error *err)
{
    if (l->settled)
        return BC_OK;
    l->settled = true;
    bc_lookup_settle(a->driver, &l->plan, read_status, &l->row, &l->found, &l->why);
    if (read_status != BC_OK)
        return read_status;
    if (l->found != BC_OK)
        *err = l->why;
    bc_status st = actor_rule(a, l->name, l->found, &l->row, err);
    if (st == BC_OK)
        bc_admin_use_actor(a, &l->row);
    free(a->actor_later);
    a->actor_later = NULL;
    return st;
}

static void actor_lookup_release(actor_lookup *l)
{
    if (!l->settled)
        bc_lookup_settle(NULL, &l->plan, BC_ERR, &l->row, &l->found, &l->why);
    bc_record_release(&l->row);
}

typedef struct {
    bc_admin *a;
    char **ids;
    size_t n, cap;
    actor_lookup actor;
    bc_each_opts opts;
} select_sink;

static bc_status select_rows(void *ctx, bc_rows *rows, bc_error *err)
{
    select_sink *s = ctx;
    bc_status st = actor_lookup_settle(s->a, &s->actor, s->opts.reads_status, err);
    if (st != BC_OK)
        return st;
    for (size_t i = 0; i < rows->n; i++) {
        if (s->n == s->cap)
            s->ids = bc_xrealloc(s->ids, (s->cap = s->cap ? s->cap * 2 : 256) * sizeof *s->ids);
        s->ids[s->n++] = bc_xstrdup(bc_record_text(&rows->items[i], "id"));
    }
    bc_progress_report(s->a->progress, "selecting users", s->n, 0);
    return BC_OK;
}

bool bc_admin_bulk_keeps_selection(const bc_admin *a)
{
    return a->driver->ops->txn == NULL;
}

bc_status bc_admin_select(bc_admin *a, const bc_user_query *filter, char ***ids, size_t *n,
                          bc_error *err)
{
    select_sink s = {a, NULL, 0, 0, {0}, {0}};
    actor_lookup_start(a, &s.actor, &s.opts);
    bc_user_query q = *filter;
    q.cursor = NULL;
    bc_status st = bc_driver_users_each_with(a->driver, &q, select_rows, &s, &s.opts, err);
    if (st == BC_OK) /* nothing matched: the lookup is settled here */
        st = actor_lookup_settle(a, &s.actor, s.opts.reads_status, err);
    actor_lookup_release(&s.actor);
    if (st != BC_OK) {
        bc_admin_ids_free(s.ids, s.n);
        s.ids = NULL;
        s.n = 0;
    }
    *ids = s.ids;
    *n = s.n;
    return st;
}

const char *bc_admin_bulk_action_name(bc_bulk_kind kind)
{
    switch (kind) {
    case BC_BULK_BAN:
        return "users.ban";
    case BC_BULK_UNBAN:
        return "users.unban";
    case BC_BULK_REVOKE_SESSIONS:
        return "sessions.revoke-all";
    case BC_BULK_SET_ROLE:
        return "users.set-role";
    }
    return "users.bulk";
}

/* One chunk of a bulk action: its users as read just before the change (the audit's "before"),
 * the patch over them and the delete of their sessions, each with its own outcome. */
typedef struct {
    bc_read users;
    const char **ids; /* of the rows read (borrowed from users) */
    int64_t *audit;   /* a pending entry per row */
    bc_write update, drop;
    bool written; /* the update went out (it may have failed) */
} bulk_part;

/* The bulk action's own audit entry, whose members are the entries of each user. */
typedef struct {
    int64_t id;
    size_t members; /* entries made under it */
    bc_buf label;   /* the first members' emails, for its label */
} bulk_group;

enum { BULK_LABEL_EMAILS = 3 };

/* The bulk action's own entry: begun before its members, finished and labelled after them. */
static bc_status bulk_begin(bc_admin *a, const bc_bulk_action *action, const bc_record *patch,
                            size_t n, bulk_group *g, bc_error *err)
{
    char *subject = bc_xasprintf("%zu users", n);
    bc_audit_change change = {.action = bc_admin_bulk_action_name(action->kind),
                              .subject = subject,
                              .after = patch,
                              .label = subject};
    bc_status st = audit_begin(a, &change, &g->id, err);
    free(subject);
    return st;
}

static void bulk_end(bc_admin *a, bulk_group *g, bc_status st, const bc_error *err)
{
    size_t n = g->members;
    char *label = bc_xasprintf("%zu user%s: %s%s", n, n == 1 ? "" : "s",
                               g->label.data ? g->label.data : "",
                               n > BULK_LABEL_EMAILS ? ", \u2026" : "");
    bc_audit_set_label(a->state, g->id, label, NULL);
    free(label);
    bc_error copy = err ? *err : (bc_error){0};
    audit_end(a, g->id, st, err ? &copy : NULL);
    bc_buf_release(&g->label);
}

static const char *bulk_done_word(bc_bulk_kind kind)
{
    switch (kind) {
    case BC_BULK_BAN:
        return "banned";
    case BC_BULK_UNBAN:
        return "unbanned";
    case BC_BULK_REVOKE_SESSIONS:
        return "signed out";
    case BC_BULK_SET_ROLE:
        return "given the role";
    }
    return "changed";
}

/* Pending audit entries for a part's rows, in one state transaction. */
static bc_status bulk_audit_begin(bc_admin *a, const bc_bulk_action *action,
                                  const bc_record *patch, bulk_part *p, bulk_group *g,
                                  bc_error *err)
{
    bc_status st = BC_OK;
    size_t n = p->users.rows.n;
    p->ids = bc_xcalloc(n + 1, sizeof *p->ids);
    p->audit = bc_xcalloc(n + 1, sizeof *p->audit);
    sqlite3_exec(bc_state_db(a->state), "BEGIN", NULL, NULL, NULL);
    for (size_t i = 0; st == BC_OK && i < n; i++) {
        const bc_record *row = &p->users.rows.items[i];
        p->ids[i] = bc_record_text(row, "id");
        bc_record before = patch ? values_before(row, patch) : (bc_record){0};
        bc_audit_change change = {.action = bc_admin_bulk_action_name(action->kind),
                                  .subject = p->ids[i],
                                  .before = patch ? &before : NULL,
                                  .after = patch,
                                  .group_id = g->id,
                                  .label = bc_record_text(row, "email")};
        st = audit_begin(a, &change, &p->audit[i], err);
        if (st == BC_OK && ++g->members <= BULK_LABEL_EMAILS)
            bc_buf_printf(&g->label, "%s%s", g->members > 1 ? ", " : "",
                          change.label ? change.label : p->ids[i]);
        bc_record_release(&before);
    }
    sqlite3_exec(bc_state_db(a->state), "COMMIT", NULL, NULL, NULL);
    return st;
}


/* After a failed update whose outcome is unknown (no transactions): read the part's rows again
 * and keep, in applied[], which of them hold the patch. One round trip for every such part. */
static void bulk_verify(bc_admin *a, const bc_record *patch, bulk_part *const *parts, size_t n,
                        bool **applied, bool *known)
{
    /* Only the parts in doubt are read (a read with no match would read every user). */
    bc_read *r = bc_xcalloc(n + 1, sizeof *r);
    size_t *of = bc_xcalloc(n + 1, sizeof *of), nr = 0;
    for (size_t i = 0; i < n; i++) {
        applied[i] = bc_xcalloc(parts[i]->users.rows.n + 1, sizeof **applied);
        if (parts[i]->written && parts[i]->update.status != BC_OK && parts[i]->users.rows.n) {
            of[nr] = i;
            r[nr++] = (bc_read){.model = BC_MODEL_USER,
                                .match = {"id", parts[i]->ids, parts[i]->users.rows.n}};
        }
    }
    if (nr)
        bc_driver_reads(a->driver, r, nr, NULL); /* each read's own status says if it came */
    for (size_t q = 0; q < nr; q++) {
        const bulk_part *p = parts[of[q]];
        known[of[q]] = r[q].status == BC_OK;
        for (size_t k = 0; k < r[q].rows.n; k++) {
            const char *id = bc_record_text(&r[q].rows.items[k], "id");
            for (size_t j = 0; id && j < p->users.rows.n; j++)
                if (strcmp(p->ids[j], id) == 0)
                    applied[of[q]][j] = bc_record_holds(&r[q].rows.items[k], patch);
        }
        bc_rows_release(&r[q].rows);
    }
    free(r);
    free(of);
}

static bc_status bulk_patch(const bc_bulk_action *action, int64_t now, bc_record *patch,
                            char **roles, bc_error *err)
{
    switch (action->kind) {
    case BC_BULK_BAN:
        if (!action->expiry.never && action->expiry.at_ms <= now)
            return bc_fail(err, BC_USAGE, "the ban expiry is in the past");
        ban_patch(patch, action->reason, action->expiry, now);
        break;
    case BC_BULK_UNBAN:
        unban_patch(patch, now);
        break;
    case BC_BULK_SET_ROLE: {
        bc_status st = bc_admin_normalise_roles(action->roles, roles, err);
        if (st != BC_OK)
            return st;
        bc_record_set_text(patch, "role", *roles);
        bc_record_set_date(patch, "updatedAt", now);
        break;
    }
    case BC_BULK_REVOKE_SESSIONS:
        break;
    }
    return BC_OK;
}

/* Finish every audit entry with what happened to its user; counts what was applied whole
 * (*applied) and rows changed whose sessions stayed (*partial). */
/* A member whose change may or may not stand: recorded 'unknown' with why. */
static void finish_unknown(bc_admin *a, int64_t id, const char *why)
{
    bc_error f = {0};
    bc_fail(&f, BC_ERR, "%s", why);
    f.uncertain = true;
    bc_audit_finish_error(a->state, id, &f, NULL);
}

/* Finish every audit entry with what happened to its user; counts what was applied whole
 * (*applied), rows changed whose sessions stayed (*partial) and members whose outcome an answer
 * lost leaves unknown (*unknown: the update's, when reading the user back failed too, or the
 * session delete's). */
static void bulk_finish(bc_admin *a, bulk_part *const *parts, size_t n, bool atomic, bool has_patch,
                        bc_status st, const bc_error *err, bool **verified, const bool *known,
                        size_t *applied, size_t *partial, size_t *unknown)
{
    sqlite3_exec(bc_state_db(a->state), "BEGIN", NULL, NULL, NULL);
    for (size_t i = 0; i < n; i++) {
        bulk_part *p = parts[i];
        bool drop_ok = p->drop.status == BC_OK;
        /* Without a patch (revoking sessions) the delete is the change. */
        bool row_ok = p->written && p->update.status == BC_OK && (has_patch || drop_ok);
        bool update_lost =
            p->written && p->update.status != BC_OK && p->update.uncertain && !(known && known[i]);
        bool drop_lost = !drop_ok && p->drop.uncertain;
        for (size_t j = 0; p->audit && j < p->users.rows.n; j++) {
            bool changed = !atomic && (row_ok || (verified && verified[i][j]));
            if (atomic && st == BC_OK)
                changed = true;
            const char *why = NULL;
            char msg[sizeof err->msg + 128];
            if (!atomic && ((!changed && update_lost) || (!has_patch && drop_lost))) {
                snprintf(msg, sizeof msg,
                         "the change may or may not have been applied (its "
                         "answer was lost): %s",
                         err->msg);
                finish_unknown(a, p->audit[j], msg);
                (*unknown)++;
                continue;
            }
            if (!changed) {
                why = st == BC_OK ? "not applied" : err->msg;
            } else if (drop_lost) {
                snprintf(msg, sizeof msg,
                         "the user row was changed; whether their sessions were "
                         "revoked is unknown (the answer was lost): %s",
                         err->msg);
                finish_unknown(a, p->audit[j], msg);
                (*unknown)++;
                continue;
            } else if (!drop_ok) { /* 'partly applied', as the single-user ban */
                bc_error f = {0};
                bc_fail(&f, BC_INCOMPLETE,
                        "the user row was changed, but their sessions were not revoked: %s",
                        err->msg);
                bc_audit_finish_error(a->state, p->audit[j], &f, NULL);
                (*partial)++;
                continue;
            }
            if (changed && drop_ok)
                (*applied)++;
            bc_audit_finish(a->state, p->audit[j], why, NULL);
        }
    }
    sqlite3_exec(bc_state_db(a->state), "COMMIT", NULL, NULL, NULL);
}

/* After a bulk's writes where the store has no transactions: the updates whose answer was lost
 * read back (one round), every member entry finished with what its user now holds, *affected
 * the users changed whole. k: users the bulk set out to change; selected (NULL: every one of
 * them was written) says how many were selected before a failure that stopped the selection.
 * A failure after which every row holds the change is no failure; else err says how much
 * stands: "N of [the] M users [selected before the failure] banned; re-run to finish". */
static bc_status bulk_settle(bc_admin *a, const bc_bulk_action *action, const bc_record *patch,
                             bulk_part *const *parts, size_t np, size_t k, const size_t *selected,
                             bc_status st, bc_error *err, size_t *affected)
{
    bool **verified = NULL;
    bool *known = bc_xcalloc(np + 1, sizeof *known);
    if (st != BC_OK && patch) {
        verified = bc_xcalloc(np + 1, sizeof *verified);
        bulk_verify(a, patch, parts, np, verified, known);
    }
    size_t applied = 0, partial = 0, unknown = 0;
    bulk_finish(a, parts, np, false, patch != NULL, st, err, verified, known, &applied, &partial,
                &unknown);
    free(known);
    *affected = applied;
    if (st != BC_OK && !selected && applied == k && partial == 0 && unknown == 0)
        st = BC_OK; /* the failed answers came after the writes: every row holds the change */
    if (st != BC_OK) {
        char why[sizeof err->msg];
        snprintf(why, sizeof why, "%s", err->msg);
        /* What stands decides the outcome: some applied, 'partly applied'; none known applied
         * but some answers lost, 'unknown'; nothing, 'failed'. */
        if (applied || partial || unknown)
            st = BC_INCOMPLETE;
        bool uncertain = !applied && !partial && unknown;
        bc_buf more = {0};
        if (partial)
            bc_buf_printf(&more,
                          "; %zu more had the change but kept their sessions: run "
                          "`bcadmin sessions revoke-all --banned` for them",
                          partial);
        if (unknown)
            bc_buf_printf(&more,
                          "; for %zu more an answer was lost, so whether the change "
                          "stands is unknown (`bcadmin audit` marks them)",
                          unknown);
        if (selected)
            bc_fail(err, st,
                    "%zu of the %zu users selected before the failure %s%s; re-run to "
                    "finish (what failed: %s)",
                    applied, *selected, bulk_done_word(action->kind), more.len ? more.data : "",
                    why);
        else
            bc_fail(err, st, "%zu of %zu users %s%s; re-run to finish (what failed: %s)", applied,
                    k, bulk_done_word(action->kind), more.len ? more.data : "", why);
        err->uncertain = uncertain;
        bc_buf_release(&more);
    }
    for (size_t i = 0; verified && i < np; i++)
        free(verified[i]);
    free(verified);
    return st;
}

/* bc_admin_bulk over ids, or over the rows just selected (fresh, in the ids' order: they are the
 * audit's "before" where the store has no transactions, so no read goes before the writes). */
static bc_status bulk_run(bc_admin *a, const bc_bulk_action *action, char *const *ids, size_t n,
                          bc_rows *fresh, size_t *affected, size_t *skipped, bc_error *err)
{
    *affected = 0;
    *skipped = 0;
    if (!a->state)
        return bc_fail(err, BC_ERR, "no state database is open: bcadmin audits every change");
    bc_record patch = {0};
    char *roles = NULL;
    int64_t now = bc_now_ms();
    bc_status st = bulk_patch(action, now, &patch, &roles, err);
    if (st != BC_OK)
        return st;
    /* The acting admin never bans themself, even inside a filter that matches them. */
    const char **keep = bc_xcalloc(n + 1, sizeof *keep);
    size_t *kept_row = bc_xcalloc(n + 1, sizeof *kept_row);
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        if (action->kind == BC_BULK_BAN && actor_id(a) && strcmp(ids[i], actor_id(a)) == 0)
            (*skipped)++;
        else
            kept_row[k] = i, keep[k++] = ids[i];
    }
    bool drop = action->kind == BC_BULK_BAN || action->kind == BC_BULK_REVOKE_SESSIONS;
    bool atomic = a->driver->ops->txn != NULL;
    if (atomic)
        fresh = NULL; /* read again inside the transaction */
    size_t np = (k + BULK_CHUNK - 1) / BULK_CHUNK;
    bulk_part *parts = bc_xcalloc(np + 1, sizeof *parts);
    bc_read *reads = bc_xcalloc(np + 1, sizeof *reads);
    for (size_t i = 0; i < np; i++) {
        size_t from = i * BULK_CHUNK, len = k - from < BULK_CHUNK ? k - from : BULK_CHUNK;
        reads[i] = (bc_read){.model = BC_MODEL_USER, .match = {"id", keep + from, len}};
    }
    bulk_group group = {0};
    st = bulk_begin(a, action, patch.n ? &patch : NULL, n, &group, err);
    if (st != BC_OK) {
        free(parts);
        free(reads);
        free(keep);
        free(kept_row);
        bc_record_release(&patch);
        free(roles);
        return st;
    }
    /* One round: every chunk's rows as they are now (the audit's "before"), unless they were
     * selected a moment ago. Then the audit entries, then one more: every chunk's patch and
     * session delete together. */
    st = bc_driver_txn(a->driver, BC_TXN_BEGIN, err);
    if (st == BC_OK && fresh) {
        for (size_t i = 0; i < k; i++)
            bc_rows_push(&reads[i / BULK_CHUNK].rows, &fresh->items[kept_row[i]]);
    } else if (st == BC_OK) {
        st = bc_driver_reads(a->driver, reads, np, err);
    }
    bc_write *w = bc_xcalloc(2 * np + 1, sizeof *w);
    size_t nw = 0;
    for (size_t i = 0; st == BC_OK && i < np; i++) {
        bulk_part *p = &parts[i];
        p->users = reads[i];
        reads[i].rows = (bc_rows){0};
        st = bulk_audit_begin(a, action, patch.n ? &patch : NULL, p, &group, err);
        size_t m = p->users.rows.n;
        if (m && patch.n)
            w[nw++] = (bc_write){.model = BC_MODEL_USER, .match = {"id", p->ids, m},
                                 .patch = &patch};
        if (m && drop)
            w[nw++] = (bc_write){.model = BC_MODEL_SESSION, .match = {"userId", p->ids, m}};
    }
    if (st == BC_OK)
        st = bc_driver_writes(a->driver, w, nw, err);
    bc_progress_report(a->progress, "applying", k, k);
    /* Each part's own outcome, back from the shared array. */
    for (size_t i = 0, j = 0; i < np; i++) {
        bulk_part *p = &parts[i];
        p->update.status = p->drop.status = BC_OK;
        if (!p->users.rows.n || j >= nw)
            continue;
        p->written = true;
        if (patch.n)
            p->update = w[j++];
        if (drop)
            p->drop = w[j++];
    }
    bulk_part **each = bc_xcalloc(np + 1, sizeof *each);
    for (size_t i = 0; i < np; i++)
        each[i] = &parts[i];
    if (atomic) {
        if (st == BC_OK)
            st = bc_driver_txn(a->driver, BC_TXN_COMMIT, err);
        else
            rollback(a, st);
        size_t applied = 0, partial = 0, unknown = 0;
        bulk_finish(a, each, np, true, patch.n > 0, st, err, NULL, NULL, &applied, &partial,
                    &unknown);
        *affected = st == BC_OK ? applied : 0;
    } else {
        st = bulk_settle(a, action, patch.n ? &patch : NULL, each, np, k, NULL, st, err, affected);
    }
    free(each);
    bulk_end(a, &group, st, err);
    for (size_t i = 0; i < np; i++) {
        bc_rows_release(&parts[i].users.rows);
        bc_rows_release(&reads[i].rows);
        bc_record_release(&parts[i].update.after); /* a one-user chunk's updateOne answer */
        free(parts[i].ids);
        free(parts[i].audit);
    }
    free(parts);
    free(reads);
    free(w);
    free(keep);
    free(kept_row);
    bc_record_release(&patch);
    free(roles);
    return st;
}

bc_status bc_admin_bulk(bc_admin *a, const bc_bulk_action *action, char *const *ids, size_t n,
                        size_t *affected, size_t *skipped, bc_error *err)
{
    return bulk_run(a, action, ids, n, NULL, affected, skipped, err);
}

/* A bulk over a filter where the store has no transactions: each chunk of BULK_CHUNK users is
 * audited and its writes started (bc_driver_writes_start) as soon as its users are selected,
 * while later users are still being read; the rows as selected are the audit's "before". */
typedef struct {
    bc_admin *a;
    const bc_bulk_action *action;
    const bc_record *patch; /* NULL: no user row change (revoking sessions) */
    bool drop;              /* the users' sessions are deleted too */
    actor_lookup actor;
    bc_each_opts opts;
    bulk_group group;
    bool begun;        /* the bulk's own entry exists (made with the first chunk) */
    bulk_part **parts; /* chunks written, each where it stays: the driver fills its writes */
    size_t np, cap;
    bulk_part *cur;  /* users selected and not yet written */
    size_t selected; /* users selected to change (the acting admin not counted) */
    size_t skipped;
    bool whole; /* every user the filter matches was selected */
} bulk_stream;

/* Audit the chunk selected so far and start its writes. */
static bc_status bulk_flush(bulk_stream *b, bc_error *err)
{
    bulk_part *p = b->cur;
    if (!p || p->users.rows.n == 0)
        return BC_OK;
    bc_admin *a = b->a;
    b->cur = NULL;
    if (b->np == b->cap)
        b->parts = bc_xrealloc(b->parts, (b->cap = b->cap ? 2 * b->cap : 8) * sizeof *b->parts);
    b->parts[b->np++] = p;
    if (!b->begun) { /* the count is not known yet: the entry's subject is set at the end */
        bc_status st = bulk_begin(a, b->action, b->patch, 0, &b->group, err);
        if (st != BC_OK)
            return st;
        b->begun = true;
    }
    bc_status st = bulk_audit_begin(a, b->action, b->patch, p, &b->group, err);
    size_t m = p->users.rows.n;
    p->update.status = p->drop.status = BC_OK;
    if (st == BC_OK && b->patch) {
        p->update =
            (bc_write){.model = BC_MODEL_USER, .match = {"id", p->ids, m}, .patch = b->patch};
        st = bc_driver_writes_start(a->driver, &p->update, 1, err);
    }
    if (st == BC_OK && b->drop) {
        p->drop = (bc_write){.model = BC_MODEL_SESSION, .match = {"userId", p->ids, m}};
        st = bc_driver_writes_start(a->driver, &p->drop, 1, err);
    }
    return st;
}

static bc_status bulk_take_rows(void *ctx, bc_rows *rows, bc_error *err)
{
    bulk_stream *b = ctx;
    bc_status st = actor_lookup_settle(b->a, &b->actor, b->opts.reads_status, err);
    for (size_t i = 0; st == BC_OK && i < rows->n; i++) {
        const char *id = bc_record_text(&rows->items[i], "id");
        /* The acting admin never bans themself, even inside a filter that matches them. */
        if (b->action->kind == BC_BULK_BAN && actor_id(b->a) && id &&
            strcmp(id, actor_id(b->a)) == 0) {
            b->skipped++;
            continue;
        }
        if (!b->cur)
            b->cur = bc_xcalloc(1, sizeof *b->cur);
        bc_rows_push(&b->cur->users.rows, &rows->items[i]);
        b->selected++;
        if (b->cur->users.rows.n == BULK_CHUNK)
            st = bulk_flush(b, err);
    }
    bc_progress_report(b->a->progress, "selecting and applying", b->selected, 0);
    return st;
}

/* Every user was selected: the last chunk goes out beside the others. */
static bc_status bulk_last_chunk(void *ctx, bc_error *err)
{
    bulk_stream *b = ctx;
    b->whole = true;
    return bulk_flush(b, err);
}

static void bulk_part_free(bulk_part *p)
{
    if (!p)
        return;
    bc_rows_release(&p->users.rows);
    bc_record_release(&p->update.after);
    free(p->ids);
    free(p->audit);
    free(p);
}

bc_status bc_admin_bulk_filter(bc_admin *a, const bc_bulk_action *action,
                               const bc_user_query *filter, size_t *matched, size_t *affected,
                               size_t *skipped, bc_error *err)
{
    *matched = *affected = *skipped = 0;
    if (!a->state)
        return bc_fail(err, BC_ERR, "no state database is open: bcadmin audits every change");
    if (!bc_admin_bulk_keeps_selection(a)) { /* select, then one transaction */
        char **ids = NULL;
        bc_status st = bc_admin_select(a, filter, &ids, matched, err);
        if (st == BC_OK && *matched)
            st = bc_admin_bulk(a, action, ids, *matched, affected, skipped, err);
        bc_admin_ids_free(ids, *matched);
        return st;
    }
    bc_record patch = {0};
    char *roles = NULL;
    bc_status st = bulk_patch(action, bc_now_ms(), &patch, &roles, err);
    if (st != BC_OK)
        return st;
    bulk_stream b = {.a = a,
                     .action = action,
                     .patch = patch.n ? &patch : NULL,
                     .drop =
                         action->kind == BC_BULK_BAN || action->kind == BC_BULK_REVOKE_SESSIONS};
    actor_lookup_start(a, &b.actor, &b.opts);
    b.opts.end = bulk_last_chunk;
    bc_user_query q = *filter;
    q.cursor = NULL;
    st = bc_driver_users_each_with(a->driver, &q, bulk_take_rows, &b, &b.opts, err);
    if (st == BC_OK) /* nothing matched: the lookup is settled here */
        st = actor_lookup_settle(a, &b.actor, b.opts.reads_status, err);
    actor_lookup_release(&b.actor);
    /* Each chunk's outcome is in its writes now: what went out may have been applied. */
    for (size_t i = 0; i < b.np; i++)
        b.parts[i]->written = b.parts[i]->update.sent || b.parts[i]->drop.sent;
    if (b.np)
        st = bulk_settle(a, action, b.patch, b.parts, b.np, b.selected,
                         b.whole ? NULL : &b.selected, st, err, affected);
    if (b.begun) {
        char *subject = bc_xasprintf("%zu users", b.group.members);
        bc_audit_set_subject(a->state, b.group.id, subject, b.patch, NULL);
        free(subject);
        bulk_end(a, &b.group, st, err);
    }
    *matched = b.selected + b.skipped;
    *skipped = b.skipped;
    for (size_t i = 0; i < b.np; i++)
        bulk_part_free(b.parts[i]);
    free(b.parts);
    bulk_part_free(b.cur);
    bc_record_release(&patch);
    free(roles);
    return st;
}

/* --- undo -------------------------------------------------------------------------------- */

static bool reversible(const char *action)
{
    static const char *const names[] = {"users.ban", "users.unban", "users.set-role",
                                        "users.update", "audit.undo"};
    for (size_t i = 0; i < sizeof names / sizeof *names; i++)
        if (strcmp(action, names[i]) == 0)
            return true;
    return false;
}

/* A change known to stand: finished by its writer, or found applied after its writer stopped
 * (audit_reconcile.h; a bulk entry some of whose members were applied counts too). */
static bool stands(const char *state)
{
    return strcmp(state, "done") == 0 || strcmp(state, "applied") == 0 ||
           strcmp(state, "partly applied") == 0;
}

/* Whether entry e may stand in part or whole: a single change that is 'partly applied' or
 * 'unknown' too, undone only where its user row holds what it wrote (undo_prepare), which is the
 * part an undo writes back. A bulk entry undoes its members that stand, so it must stand. */
static bool may_stand(const bc_audit_entry *e)
{
    return stands(e->state) || (e->members == 0 && strcmp(e->state, "unknown") == 0);
}

bool bc_admin_undoable(const bc_audit_entry *e)
{
    return e->action && e->state && reversible(e->action) && may_stand(e) && !e->undone;
}

/* The first field (updatedAt aside) whose current value is not what the entry wrote. */
static const char *changed_since(const bc_record *now, const bc_record *after)
{
    for (size_t i = 0; i < after->n; i++) {
        const char *name = after->fields[i].name;
        if (strcmp(name, "updatedAt") == 0)
            continue;
        const bc_value *v = bc_record_get(now, name);
        bc_value null = bc_value_null();
        if (!bc_value_equal(v ? v : &null, &after->fields[i].value))
            return name;
    }
    return NULL;
}

static bc_status record_from_text(const char *text, bc_record *out, bc_error *err)
{
    json_t *j = bc_record_json_parse(text);
    if (!j)
        return bc_fail(err, BC_ERR, "the audit entry's saved values are unreadable");
    bc_status st = bc_record_from_json(BC_MODEL_USER, j, out, err);
    json_decref(j);
    return st;
}

/* One member of a bulk undo, read and checked before anything is written. */
typedef struct {
    int64_t id;
    bc_record before, row;
} undo_step;

/* Read entry e's saved values and its user, and refuse when the user changed since. */
static bc_status undo_prepare(bc_admin *a, const bc_audit_entry *e, undo_step *out, bc_error *err)
{
    bc_record after = {0};
    *out = (undo_step){.id = e->id};
    bc_status st = record_from_text(e->before_json, &out->before, err);
    if (st == BC_OK)
        st = record_from_text(e->after_json, &after, err);
    if (st == BC_OK)
        st = bc_admin_find_user(a, e->subject, &out->row, err);
    const char *field = st == BC_OK ? changed_since(&out->row, &after) : NULL;
    bool whole = strcmp(e->state, "done") == 0 || strcmp(e->state, "applied") == 0;
    if (field && !whole)
        st = bc_fail(err, BC_REFUSED,
                     "entry %lld is %s and user %s does not hold what it wrote (its %s differs): "
                     "there is nothing to undo%s",
                     (long long)e->id, e->state, e->label ? e->label : e->subject, field,
                     strcmp(e->action, "users.ban") == 0
                         ? " (sessions a ban revoked do not come back)"
                         : "");
    else if (field)
        st = bc_fail(err, BC_REFUSED,
                     "user %s changed after entry %lld (its %s is no longer what that change "
                     "wrote): undo refused",
                     e->label ? e->label : e->subject, (long long)e->id, field);
    bc_record_release(&after);
    return st;
}

static void undo_steps_free(undo_step *steps, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        bc_record_release(&steps[i].before);
        bc_record_release(&steps[i].row);
    }
    free(steps);
}

/* Audit ids of a group of changes (an undo of a bulk entry), finished together once their
 * outcome is known. */
typedef struct {
    int64_t *ids;
    size_t n, cap;
    int64_t group; /* the entry the ids are members of */
    int64_t of;    /* the bulk entry undone */
} audit_list;

static bc_status audit_list_finish(bc_admin *a, audit_list *l, bc_status st, bc_error *err)
{
    bc_status ended = st;
    sqlite3_exec(bc_state_db(a->state), "BEGIN", NULL, NULL, NULL);
    for (size_t i = 0; i < l->n; i++)
        ended = audit_end(a, l->ids[i], st, err);
    sqlite3_exec(bc_state_db(a->state), "COMMIT", NULL, NULL, NULL);
    l->n = 0;
    return ended;
}

/* An undo of a bulk entry that stopped part way where the store has no transactions: the first
 * `written` members were written back and stand ('done'), the one whose write failed is 'failed'
 * (or 'unknown' when its answer was lost), those after it were not tried ('failed'). err says
 * what stands; the undo entry ends 'partly applied' (BC_INCOMPLETE), or 'unknown' when only the
 * lost answer may have changed anything. */
static bc_status undo_settle(bc_admin *a, const undo_step *steps, size_t written,
                             audit_list *audits, bc_error *err)
{
    char why[sizeof err->msg];
    snprintf(why, sizeof why, "%s", err->msg);
    bool lost = err->uncertain;
    sqlite3_exec(bc_state_db(a->state), "BEGIN", NULL, NULL, NULL);
    for (size_t i = 0; i < audits->n; i++) {
        if (i < written) {
            bc_audit_finish(a->state, audits->ids[i], NULL, NULL);
        } else if (i == written && lost) {
            char msg[sizeof err->msg + 64];
            snprintf(msg, sizeof msg, "the user row may or may not have been written back: %s",
                     why);
            finish_unknown(a, audits->ids[i], msg);
        } else {
            bc_audit_finish(a->state, audits->ids[i],
                            i == written ? why : "not tried: an earlier member's write-back failed",
                            NULL);
        }
    }
    sqlite3_exec(bc_state_db(a->state), "COMMIT", NULL, NULL, NULL);
    size_t n = audits->n;
    audits->n = 0;
    const char *failed = written < n ? bc_record_text(&steps[written].row, "email") : NULL;
    bc_fail(err, BC_INCOMPLETE,
            "%zu of %zu users written back (this store has no transactions, so they stand); "
            "then %s for %s: %s%s; re-run `bcadmin audit undo %lld` to finish (it undoes the "
            "members not yet undone)",
            written, n, lost ? "the answer was lost" : "the write failed",
            failed ? failed : "a user", why, written + 1 < n ? "; the rest were not tried" : "",
            (long long)audits->of);
    err->uncertain = lost && written == 0;
    return BC_INCOMPLETE;
}

/* Write each step's saved values back in one driver transaction (where there is one), each
 * audited as a member of the undo entry audits->group. */
static bc_status undo_apply(bc_admin *a, undo_step *steps, size_t n, audit_list *audits,
                            bc_error *err)
{
    bc_status st = BC_OK;
    int64_t now = bc_now_ms();
    sqlite3_exec(bc_state_db(a->state), "BEGIN", NULL, NULL, NULL);
    for (size_t i = 0; st == BC_OK && i < n; i++) {
        bc_record_set_date(&steps[i].before, "updatedAt", now);
        bc_record was = values_before(&steps[i].row, &steps[i].before);
        bc_audit_change change = {.action = "audit.undo",
                                  .subject = bc_record_text(&steps[i].row, "id"),
                                  .before = &was,
                                  .after = &steps[i].before,
                                  .undo_of = steps[i].id,
                                  .group_id = audits->group,
                                  .label = bc_record_text(&steps[i].row, "email")};
        audits->ids = bc_xrealloc(audits->ids, (audits->n + 1) * sizeof *audits->ids);
        st = audit_begin(a, &change, &audits->ids[audits->n], err);
        if (st == BC_OK)
            audits->n++;
        bc_record_release(&was);
    }
    sqlite3_exec(bc_state_db(a->state), "COMMIT", NULL, NULL, NULL);
    if (st != BC_OK)
        return audit_list_finish(a, audits, st, err);
    st = bc_driver_txn(a->driver, BC_TXN_BEGIN, err);
    size_t written = 0; /* steps whose user row was written back */
    for (size_t i = 0; st == BC_OK && i < n; i++) {
        const char *id = bc_record_text(&steps[i].row, "id");
        bc_match by_id = {"id", &id, 1};
        size_t changed = 0;
        st = bc_driver_rows_update(a->driver, BC_MODEL_USER, &by_id, &steps[i].before, &changed,
                                   err);
        if (st == BC_OK && changed == 0)
            st = bc_fail(err, BC_NOT_FOUND, "user %s disappeared before it could be changed", id);
        if (st == BC_OK)
            written++;
    }
    if (st == BC_OK)
        st = bc_driver_txn(a->driver, BC_TXN_COMMIT, err);
    else
        rollback(a, st);
    if (st == BC_OK || a->driver->ops->txn || (written == 0 && !err->uncertain))
        return audit_list_finish(a, audits, st, err);
    return undo_settle(a, steps, written, audits, err);
}

/* A bulk entry: every member checked first, then undone under one undo entry of its own; members
 * an earlier undo that stopped part way already undid are left alone. */
static bc_status undo_bulk(bc_admin *a, const bc_audit_entry *e, bc_error *err)
{
    bc_audit_entries members;
    bc_status st = bc_audit_members(a->state, e->id, &members, err);
    if (st != BC_OK)
        return st;
    undo_step *steps = bc_xcalloc(members.n + 1, sizeof *steps);
    size_t n = 0;
    for (size_t i = 0; st == BC_OK && i < members.n; i++)
        if (stands(members.items[i].state) && !members.items[i].undone) /* undone: by a re-run */
            st = undo_prepare(a, &members.items[i], &steps[n++], err);
    char *label = bc_xasprintf("undo of #%lld: %s", (long long)e->id, e->label ? e->label : "");
    char *subject = bc_xasprintf("%zu users", n);
    bc_audit_change change = {
        .action = "audit.undo", .subject = subject, .undo_of = e->id, .label = label};
    audit_list audits = {.of = e->id};
    if (st == BC_OK)
        st = audit_begin(a, &change, &audits.group, err);
    if (st == BC_OK) {
        st = undo_apply(a, steps, n, &audits, err);
        st = audit_end(a, audits.group, st, err);
    }
    free(audits.ids);
    free(label);
    free(subject);
    undo_steps_free(steps, n);
    bc_audit_entries_release(&members);
    return st;
}

bc_status bc_admin_undo(bc_admin *a, int64_t audit_id, bc_error *err)
{
    if (!a->state)
        return bc_fail(err, BC_ERR, "no state database is open");
    bc_audit_entry e;
    bc_status st = bc_audit_get(a->state, audit_id, &e, err);
    if (st != BC_OK)
        return st;
    if (e.undone)
        st = bc_fail(err, BC_REFUSED, "entry %lld is already undone", (long long)audit_id);
    else if (strcmp(e.action, "env.replace_secret") == 0)
        st = bc_fail(err, BC_REFUSED,
                     "entry %lld (env.replace_secret) cannot be undone: the log keeps only the "
                     "secrets' short hashes, never a secret; to go back, replace it again with "
                     "the old secret (`bcadmin env sync --replace-secret`)",
                     (long long)audit_id);
    else if (!reversible(e.action))
        st = bc_fail(err, BC_REFUSED,
                     "entry %lld (%s) cannot be undone: only bans, unbans, role changes and "
                     "field updates are reversible",
                     (long long)audit_id, e.action);
    else if (!may_stand(&e))
        st = bc_fail(err, BC_REFUSED, "entry %lld is %s: only a change that was applied can be undone",
                     (long long)audit_id, e.state);
    else if (strcmp(e.target, a->target) != 0)
        st = bc_fail(err, BC_REFUSED, "entry %lld changed %s, not %s: open that target to undo it",
                     (long long)audit_id, e.target, a->target);
    if (st == BC_OK && e.members > 0) {
        st = undo_bulk(a, &e, err);
        bc_audit_entry_release(&e);
        return st;
    }
    undo_step step = {0};
    if (st == BC_OK)
        st = undo_prepare(a, &e, &step, err);
    if (st == BC_OK) {
        bc_record_set_date(&step.before, "updatedAt", bc_now_ms());
        st = change_user(a, "audit.undo", &step.row, &step.before, false, audit_id, err);
    }
    bc_record_release(&step.before);
    bc_record_release(&step.row);
    bc_audit_entry_release(&e);
    return st;
}
