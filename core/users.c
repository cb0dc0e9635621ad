/* users.c - a user with its sessions and accounts; session owner emails. */
#include "users.h"

#include <stdlib.h>
#include <string.h>

#include "lookup.h"
#include "model.h"
#include "xalloc.h"

bc_status bc_users_detail(bc_driver *d, const char *key, bool reveal, bc_user_detail *out,
                          bc_error *err)
{
    *out = (bc_user_detail){0};
    bc_status st = bc_lookup_user(d, key, &out->user, err);
    if (st != BC_OK)
        return st;
    const char *id = bc_record_text(&out->user, "id");
    bc_session_query sq = {.user_id = id, .limit = BC_PAGE_MAX};
    bc_page page;
    st = bc_driver_sessions_page(d, &sq, &page, err);
    if (st != BC_OK) {
        bc_error_prefix(err, "sessions of user %s", id);
        bc_users_detail_release(out);
        return st;
    }
    out->sessions = page.rows;
    out->sessions_truncated = page.next_cursor != NULL;
    page.rows = (bc_rows){0};
    bc_page_release(&page);
    bc_match m = {"userId", &id, 1};
    st = bc_driver_rows_get(d, BC_MODEL_ACCOUNT, &m, BC_PAGE_MAX, &out->accounts, err);
    if (st != BC_OK) {
        bc_error_prefix(err, "accounts of user %s", id);
        bc_users_detail_release(out);
        return st;
    }
    if (!reveal) {
        bc_record_mask(BC_MODEL_USER, &out->user);
        for (size_t i = 0; i < out->sessions.n; i++)
            bc_record_mask(BC_MODEL_SESSION, &out->sessions.items[i]);
        for (size_t i = 0; i < out->accounts.n; i++)
            bc_record_mask(BC_MODEL_ACCOUNT, &out->accounts.items[i]);
    }
    return BC_OK;
}

void bc_users_detail_release(bc_user_detail *detail)
{
    if (!detail)
        return;
    bc_record_release(&detail->user);
    bc_rows_release(&detail->sessions);
    bc_rows_release(&detail->accounts);
    *detail = (bc_user_detail){0};
}

/* Collect distinct ids of `field` across the sessions (small lists: linear dedupe is fine). */
static size_t collect_ids(const bc_rows *sessions, const char *const **ids_out)
{
    const char **ids = bc_xcalloc(sessions->n * 2 + 1, sizeof *ids);
    size_t n = 0;
    static const char *const fields[] = {"userId", "impersonatedBy"};
    for (size_t i = 0; i < sessions->n; i++) {
        for (size_t f = 0; f < 2; f++) {
            const char *id = bc_record_text(&sessions->items[i], fields[f]);
            if (!id)
                continue;
            bool seen = false;
            for (size_t k = 0; k < n && !seen; k++)
                seen = strcmp(ids[k], id) == 0;
            if (!seen)
                ids[n++] = id;
        }
    }
    *ids_out = ids;
    return n;
}

static const char *email_of(const bc_rows *users, const char *id)
{
    for (size_t i = 0; id && i < users->n; i++) {
        const char *uid = bc_record_text(&users->items[i], "id");
        if (uid && strcmp(uid, id) == 0)
            return bc_record_text(&users->items[i], "email");
    }
    return NULL;
}

bc_status bc_users_attach_emails(bc_driver *d, bc_rows *sessions, bc_error *err)
{
    if (sessions->n == 0)
        return BC_OK;
    const char *const *ids;
    size_t n = collect_ids(sessions, &ids);
    bc_rows users = {0};
    bc_status st = BC_OK;
    if (n > 0) {
        bc_match m = {"id", ids, n};
        st = bc_driver_rows_get(d, BC_MODEL_USER, &m, 0, &users, err);
    }
    free((void *)ids);
    if (st != BC_OK)
        return bc_error_prefix(err, "owners of %zu sessions", sessions->n);
    for (size_t i = 0; i < sessions->n; i++) {
        bc_record *s = &sessions->items[i];
        const char *email = email_of(&users, bc_record_text(s, "userId"));
        if (email)
            bc_record_set_text(s, "userEmail", email);
        email = email_of(&users, bc_record_text(s, "impersonatedBy"));
        if (email)
            bc_record_set_text(s, "impersonatorEmail", email);
    }
    bc_rows_release(&users);
    return BC_OK;
}

bool bc_users_has_password(const bc_rows *accounts)
{
    for (size_t i = 0; accounts && i < accounts->n; i++) {
        const char *p = bc_record_text(&accounts->items[i], "providerId");
        if (p && strcmp(p, "credential") == 0)
            return true;
    }
    return false;
}

/* Adds each comma-separated role of list to *seen (a ",a,b," string) unless it is there. */
static void add_roles(bc_buf *seen, const char *list)
{
    for (const char *p = list; p && *p;) {
        size_t len = strcspn(p, ",");
        char *item = bc_xasprintf(",%.*s,", (int)len, p);
        if (len && !(seen->data && strstr(seen->data, item)))
            bc_buf_printf(seen, "%.*s,", (int)len, p);
        free(item);
        p += len + (p[len] == ',');
    }
}

bc_status bc_users_roles_in_use(bc_driver *d, char **roles, bool *partial, bc_error *err)
{
    *roles = NULL;
    bc_user_query q = {.limit = BC_PAGE_MAX};
    bc_page page;
    bc_status st = bc_driver_users_page(d, &q, &page, err);
    if (st != BC_OK)
        return st;
    bc_buf seen = {0};
    bc_buf_puts(&seen, ",");
    for (size_t i = 0; i < page.rows.n; i++) {
        const char *role = bc_record_text(&page.rows.items[i], "role");
        add_roles(&seen, role ? role : "user"); /* NULL is the plugin's default role */
    }
    if (partial)
        *partial = page.next_cursor != NULL;
    bc_page_release(&page);
    char *s = bc_buf_take(&seen);
    size_t len = strlen(s);
    /* ",a,b," -> "a, b" */
    bc_buf out = {0};
    bc_buf_puts(&out, "");
    for (size_t i = 1; i + 1 < len; i++)
        bc_buf_printf(&out, s[i] == ',' ? ", " : "%c", s[i]);
    free(s);
    *roles = bc_buf_take(&out);
    return BC_OK;
}

bc_status bc_users_role_warning(bc_driver *d, const char *roles, char **warning, bc_error *err)
{
    *warning = NULL;
    bc_buf unknown = {0};
    for (const char *p = roles; p && *p;) {
        p += strspn(p, " \t");
        size_t len = strcspn(p, ",");
        size_t keep = len;
        while (keep && (p[keep - 1] == ' ' || p[keep - 1] == '\t'))
            keep--;
        char *role = bc_xasprintf("%.*s", (int)keep, p);
        p += len + (p[len] == ',');
        if (!*role || strcmp(role, "user") == 0 || strcmp(role, "admin") == 0) {
            free(role);
            continue;
        }
        bc_user_query q = {.role = role, .limit = 1};
        bc_page page;
        bc_status st = bc_driver_users_page(d, &q, &page, err);
        bool held = st == BC_OK && page.rows.n > 0;
        if (st == BC_OK)
            bc_page_release(&page);
        if (st == BC_OK && !held)
            bc_buf_printf(&unknown, "%s\"%s\"", unknown.len ? ", " : "", role);
        free(role);
        if (st != BC_OK) {
            bc_buf_release(&unknown);
            return st;
        }
    }
    if (!unknown.len)
        return BC_OK;
    char *in_use = NULL;
    bool partial = false;
    bc_status st = bc_users_roles_in_use(d, &in_use, &partial, err);
    if (st == BC_OK)
        *warning = bc_xasprintf("no user has the role %s yet; roles in use%s: %s", unknown.data,
                                partial ? " (among the newest 1000 users)" : "", in_use);
    free(in_use);
    bc_buf_release(&unknown);
    return st;
}
