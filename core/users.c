/* users.c - user status wording, user detail lookup and session owner emails. */
#include "users.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "isotime.h"
#include "model.h"
#include "xalloc.h"

bc_user_state bc_users_state(const bc_record *user, int64_t now_ms)
{
    if (!bc_record_bool(user, "banned"))
        return BC_USER_ACTIVE;
    int64_t expires;
    if (!bc_record_date(user, "banExpires", &expires))
        return BC_USER_BANNED;
    return expires > now_ms ? BC_USER_BANNED_UNTIL : BC_USER_BAN_EXPIRED;
}

char *bc_users_status_text(const bc_record *user, int64_t now_ms)
{
    switch (bc_users_state(user, now_ms)) {
    case BC_USER_ACTIVE:
        return bc_xstrdup("active");
    case BC_USER_BANNED:
        return bc_xstrdup("banned");
    case BC_USER_BAN_EXPIRED:
        return bc_xstrdup("ban expired");
    case BC_USER_BANNED_UNTIL:
        break;
    }
    int64_t expires = 0;
    bc_record_date(user, "banExpires", &expires);
    char iso[BC_ISO_LEN + 1];
    bc_iso_format(expires, iso);
    return bc_xasprintf("banned until %.10s", iso);
}

bool bc_users_session_expired(const bc_record *session, int64_t now_ms)
{
    int64_t expires;
    return !bc_record_date(session, "expiresAt", &expires) || expires <= now_ms;
}

void bc_users_format_date(const bc_record *r, const char *field, char out[32])
{
    int64_t ms;
    if (!bc_record_date(r, field, &ms)) {
        strcpy(out, "-");
        return;
    }
    char iso[BC_ISO_LEN + 1];
    bc_iso_format(ms, iso);
    /* "YYYY-MM-DDTHH:MM" -> "YYYY-MM-DD HH:MM" */
    memcpy(out, iso, 16);
    out[10] = ' ';
    out[16] = '\0';
}

bc_status bc_users_find(bc_driver *d, const char *key, bc_record *out, bc_error *err)
{
    *out = (bc_record){0};
    if (!key || !*key)
        return bc_fail(err, BC_USAGE, "no user given: expected an id or an email");
    if (!strchr(key, '@'))
        return bc_driver_row_get(d, BC_MODEL_USER, "id", key, out, err);
    char *lower = bc_xstrdup(key);
    for (char *p = lower; *p; p++)
        *p = (char)tolower((unsigned char)*p);
    bc_status st = bc_driver_row_get(d, BC_MODEL_USER, "email", lower, out, err);
    free(lower);
    return st;
}

bc_status bc_users_detail(bc_driver *d, const char *key, bool reveal, bc_user_detail *out,
                          bc_error *err)
{
    *out = (bc_user_detail){0};
    bc_status st = bc_users_find(d, key, &out->user, err);
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
