/* users.c - a user with its sessions and accounts; session owner emails. */
#include "users.h"

#include <stdlib.h>
#include <string.h>

#include "lookup.h"
#include "model.h"
#include "xalloc.h"

/* Newest first; equal times by id, so both drivers give the same order. */
static int session_newest_first(const void *pa, const void *pb)
{
    const bc_record *a = pa, *b = pb;
    int64_t ta = 0, tb = 0;
    bc_record_date(a, "createdAt", &ta);
    bc_record_date(b, "createdAt", &tb);
    if (ta != tb)
        return ta < tb ? 1 : -1;
    const char *ia = bc_record_text(a, "id"), *ib = bc_record_text(b, "id");
    return strcmp(ib ? ib : "", ia ? ia : "");
}

bc_status bc_users_detail(bc_driver *d, const char *key, bool reveal, bc_user_detail *out,
                          bc_error *err)
{
    *out = (bc_user_detail){0};
    if (!key || !*key)
        return bc_lookup_user(d, key, &out->user, err); /* its usage error */
    /* By email the id comes first (one read); by id the user, its sessions and accounts are
     * independent reads that go out together. */
    bool by_email = strcmp(bc_lookup_field(key), "email") == 0;
    if (by_email) {
        bc_status st = bc_lookup_user(d, key, &out->user, err);
        if (st != BC_OK)
            return st;
    }
    const char *id = by_email ? bc_record_text(&out->user, "id") : key;
    bc_read r[3] = {
        {.model = BC_MODEL_SESSION, .match = {"userId", &id, 1}},
        {.model = BC_MODEL_ACCOUNT, .match = {"userId", &id, 1}},
        {.model = BC_MODEL_USER, .match = {"id", &id, 1}, .limit = 1},
    };
    bc_status st = bc_driver_reads(d, r, by_email ? 2 : 3, err);
    if (st != BC_OK) {
        bc_error_prefix(err, "user %s", key);
        bc_users_detail_release(out);
        return st;
    }
    if (!by_email) {
        if (r[2].rows.n == 0) {
            for (size_t i = 0; i < 3; i++)
                bc_rows_release(&r[i].rows);
            return bc_lookup_not_found(d, key, err);
        }
        out->user = r[2].rows.items[0];
        r[2].rows.items[0] = (bc_record){0};
        bc_rows_release(&r[2].rows);
    }
    out->sessions = r[0].rows;
    out->accounts = r[1].rows;
    if (out->sessions.n > 1)
        qsort(out->sessions.items, out->sessions.n, sizeof *out->sessions.items,
              session_newest_first);
    if (!reveal) {
        bc_record_mask(BC_MODEL_USER, &out->user);
        for (size_t i = 0; i < out->sessions.n; i++)
            bc_record_mask(BC_MODEL_SESSION, &out->sessions.items[i]);
        for (size_t i = 0; i < out->accounts.n; i++)
            bc_record_mask(BC_MODEL_ACCOUNT, &out->accounts.items[i]);
    }
    return BC_OK;
}

typedef struct {
    bc_count_progress *progress;
    size_t n;
} count_sink;

static bc_status count_rows(void *ctx, bc_rows *rows, bc_error *err)
{
    count_sink *c = ctx;
    c->n += rows->n;
    if (c->progress)
        atomic_store(&c->progress->found, c->n);
    return BC_OK;
}

/* The driver's "scanning" reports (rows read, the table's estimated size) into the progress. */
static void count_scanned(void *ctx, const char *what, uint64_t done, uint64_t total)
{
    bc_count_progress *p = ctx;
    if (p && strcmp(what, "scanning") == 0) {
        atomic_store(&p->scanned, done);
        atomic_store(&p->table_estimate, total);
    }
}

bc_status bc_users_count(bc_driver *d, const bc_user_query *q, bc_count_progress *progress,
                         int64_t *total, bc_error *err)
{
    if (bc_driver_streams(d)) { /* no cheap count: every row, read as fast as the store can */
        bc_user_query all = *q;
        all.cursor = NULL;
        count_sink c = {progress, 0};
        bc_progress report = {count_scanned, progress};
        const bc_progress *before = d->progress;
        d->progress = &report;
        bc_status st = bc_driver_users_each(d, &all, count_rows, &c, err);
        d->progress = before;
        if (st == BC_OK)
            *total = (int64_t)c.n;
        return st;
    }
    bc_user_query pq = *q;
    pq.cursor = NULL;
    pq.limit = BC_PAGE_MAX;
    pq.want_total = true;
    pq.stream = true;
    size_t n = 0;
    char *cursor = NULL;
    bc_status st;
    atomic_size_t *was = d->found;
    d->found = progress ? &progress->found : NULL;
    do {
        bc_page page;
        pq.cursor = cursor;
        st = bc_driver_users_page(d, &pq, &page, err);
        free(cursor);
        cursor = NULL;
        if (st != BC_OK)
            break;
        if (!pq.want_total || page.total < 0 || page.total_at_least) {
            n += page.rows.n;
            cursor = bc_xstrdup(page.next_cursor);
        } else { /* the store counted it exactly */
            n = (size_t)page.total;
        }
        pq.want_total = false;
        bc_page_release(&page);
        if (progress)
            atomic_store(&progress->found, n);
    } while (cursor);
    d->found = was;
    if (st == BC_OK)
        *total = (int64_t)n;
    return st;
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
static size_t collect_ids(const bc_rows *sessions, const char *skip, const char *const **ids_out)
{
    const char **ids = bc_xcalloc(sessions->n * 2 + 1, sizeof *ids);
    size_t n = 0;
    static const char *const fields[] = {"userId", "impersonatedBy"};
    for (size_t i = 0; i < sessions->n; i++) {
        for (size_t f = 0; f < 2; f++) {
            const char *id = bc_record_text(&sessions->items[i], fields[f]);
            if (!id)
                continue;
            bool seen = skip && strcmp(skip, id) == 0;
            for (size_t k = 0; k < n && !seen; k++)
                seen = strcmp(ids[k], id) == 0;
            if (!seen)
                ids[n++] = id;
        }
    }
    *ids_out = ids;
    return n;
}

/* The email of the user with id among users (a NUL inside kept), or NULL. */
static const bc_value *email_of(const bc_rows *users, const char *id)
{
    for (size_t i = 0; id && i < users->n; i++) {
        const char *uid = bc_record_text(&users->items[i], "id");
        const bc_value *email = bc_record_get(&users->items[i], "email");
        if (uid && strcmp(uid, id) == 0)
            return email && email->kind == BC_V_TEXT ? email : NULL;
    }
    return NULL;
}

bc_status bc_users_attach_emails(bc_driver *d, bc_rows *sessions, const bc_record *known,
                                 bc_error *err)
{
    if (sessions->n == 0)
        return BC_OK;
    const char *const *ids;
    size_t n = collect_ids(sessions, known ? bc_record_text(known, "id") : NULL, &ids);
    bc_rows users = {0};
    bc_status st = BC_OK;
    if (n > 0) {
        bc_match m = {"id", ids, n};
        st = bc_driver_rows_get(d, BC_MODEL_USER, &m, 0, &users, err);
    }
    free((void *)ids);
    if (st != BC_OK)
        return bc_error_prefix(err, "owners of %zu sessions", sessions->n);
    if (known) {
        bc_record copy = bc_record_copy(known);
        bc_rows_push(&users, &copy);
    }
    for (size_t i = 0; i < sessions->n; i++) {
        bc_record *s = &sessions->items[i];
        const bc_value *email = email_of(&users, bc_record_text(s, "userId"));
        if (email)
            bc_record_set(s, "userEmail", bc_value_copy(email));
        email = email_of(&users, bc_record_text(s, "impersonatedBy"));
        if (email)
            bc_record_set(s, "impersonatorEmail", bc_value_copy(email));
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
