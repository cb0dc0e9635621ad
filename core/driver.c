/* driver.c - the wrappers every caller uses instead of a driver's ops: read-only is enforced
 * here, once, for both drivers, and so is the email rule (a user's email is written and matched
 * lowercased, bc_text_lower), so both drivers see the same bytes. */
#include "driver.h"

#include <stdlib.h>
#include <string.h>

#include "text.h"
#include "xalloc.h"

/* --- the email rule ------------------------------------------------------------------------ */

/* Better Auth stores a user's email as JavaScript's toLowerCase gives it: every value written to
 * or matched against user.email goes through bc_text_lower here, never in a driver. */
static bool user_email(bc_model m, const char *field)
{
    return m == BC_MODEL_USER && field && strcmp(field, "email") == 0;
}

size_t bc_email_forms(const char *typed, char *forms[2])
{
    size_t n, len = strlen(typed);
    forms[0] = bc_text_lower(typed, len, &n);
    forms[1] = n != len || memcmp(forms[0], typed, n) != 0 ? bc_xstrdup(typed) : NULL;
    return forms[1] ? 2 : 1;
}

typedef struct {
    bc_match m;
    char **lowered;
} email_match;

/* m with its email values lowercased (points into e), or m itself. */
static const bc_match *email_match_of(bc_model model, const bc_match *m, email_match *e)
{
    *e = (email_match){0};
    if (!m || !user_email(model, m->field) || m->n == 0)
        return m;
    e->lowered = bc_xcalloc(m->n, sizeof *e->lowered);
    for (size_t i = 0; i < m->n; i++)
        e->lowered[i] = m->values[i] ? bc_text_lower(m->values[i], strlen(m->values[i]), NULL)
                                     : NULL;
    e->m = (bc_match){m->field, (const char *const *)e->lowered, m->n};
    return &e->m;
}

static void email_match_release(email_match *e)
{
    for (size_t i = 0; e->lowered && i < e->m.n; i++)
        free(e->lowered[i]);
    free(e->lowered);
}

/* A copy of r with its email lowercased when it is a user row; the caller releases it. */
static bc_record email_record(bc_model model, const bc_record *r)
{
    bc_record copy = bc_record_copy(r);
    for (size_t i = 0; model == BC_MODEL_USER && i < copy.n; i++) {
        bc_field *f = &copy.fields[i];
        if (!user_email(model, f->name) || f->value.kind != BC_V_TEXT)
            continue;
        size_t n;
        char *low = bc_text_lower(f->value.u.text, f->value.len, &n);
        bc_value v = bc_value_textn(low, n);
        free(low);
        bc_value_release(&f->value);
        f->value = v;
    }
    return copy;
}

void bc_page_release(bc_page *p)
{
    bc_rows_release(&p->rows);
    free(p->next_cursor);
    free(p->prev_cursor);
    *p = (bc_page){0};
}

void bc_driver_close(bc_driver *d)
{
    if (!d)
        return;
    char *label = d->label;
    d->ops->close(d);
    free(label);
}

bc_status bc_read_only_refuse(const char *label, const char *what, bc_error *err)
{
    return bc_fail(err, BC_REFUSED, "%s is open read-only (--read-only): %s refused; nothing was "
                   "changed", label && *label ? label : "the target", what ? what : "the change");
}

bc_status bc_driver_writable(const bc_driver *d, const char *what, bc_error *err)
{
    return d->read_only ? bc_read_only_refuse(d->label, what, err) : BC_OK;
}

static bc_status refuse_write(bc_driver *d, bc_error *err)
{
    return bc_read_only_refuse(d->label, "the change", err);
}

/* Whether a search looks like something pasted whole: an id or a session token (Better Auth's
 * are 32 characters, Convex ids about as long), not a word of an email or a name. */
static bool pasted_key(const bc_user_query *q)
{
    const char *s = q->search;
    if (!s || q->search_mode != BC_SEARCH_CONTAINS || q->cursor || q->role || q->ban ||
        q->verified || strlen(s) < 20)
        return false;
    return strpbrk(s, " @\t") == NULL;
}

/* The user whose id, or whose session's token, is the search: two indexed reads, no scan. A
 * failed read (a Convex id of the wrong shape is refused) only means "not a key", except a stop. */
static bc_status exact_user(bc_driver *d, const bc_user_query *q, bc_page *out, bool *found,
                            bc_error *err)
{
    bc_record u = {0}, session = {0};
    bc_error ignored = {0};
    bc_status st = bc_driver_row_get(d, BC_MODEL_USER, "id", q->search, &u, &ignored);
    if (st != BC_OK && st != BC_CANCELLED &&
        bc_driver_row_get(d, BC_MODEL_SESSION, "token", q->search, &session, &ignored) == BC_OK) {
        const char *uid = bc_record_text(&session, "userId");
        st = uid ? bc_driver_row_get(d, BC_MODEL_USER, "id", uid, &u, &ignored) : BC_NOT_FOUND;
        bc_record_release(&session);
    }
    if (st == BC_CANCELLED || ignored.status == BC_CANCELLED)
        return bc_fail(err, BC_CANCELLED, "stopped");
    *found = st == BC_OK;
    if (*found) {
        bc_rows_push(&out->rows, &u);
        out->total = 1;
    }
    return BC_OK;
}

bc_status bc_driver_users_page(bc_driver *d, const bc_user_query *q, bc_page *out, bc_error *err)
{
    *out = (bc_page){.total = -1};
    if (pasted_key(q)) {
        bool found = false;
        bc_status st = exact_user(d, q, out, &found, err);
        if (st != BC_OK || found)
            return st;
    }
    return d->ops->users_page(d, q, out, err);
}

bc_status bc_driver_sessions_page(bc_driver *d, const bc_session_query *q, bc_page *out,
                                  bc_error *err)
{
    *out = (bc_page){.total = -1};
    return d->ops->sessions_page(d, q, out, err);
}

bc_status bc_driver_each_by_pages(bc_driver *d, const bc_user_query *uq, const bc_session_query *sq,
                                  bc_rows_sink sink, void *ctx, bc_each_opts *o, bc_error *err)
{
    if (o && o->n_reads) {
        o->reads_status = bc_driver_reads(d, o->reads, o->n_reads, err);
        if (o->reads_status != BC_OK)
            return o->reads_status;
    }
    bc_user_query u = uq ? *uq : (bc_user_query){0};
    bc_session_query s = sq ? *sq : (bc_session_query){0};
    u.limit = s.limit = BC_PAGE_MAX;
    u.stream = s.stream = true;
    u.want_total = s.want_total = false;
    char *cursor = bc_xstrdup(uq ? uq->cursor : sq->cursor);
    bc_status st;
    do {
        bc_page page;
        u.cursor = s.cursor = cursor;
        st = uq ? bc_driver_users_page(d, &u, &page, err)
                : bc_driver_sessions_page(d, &s, &page, err);
        free(cursor);
        cursor = NULL;
        if (st == BC_OK && page.rows.n)
            st = sink(ctx, &page.rows, err);
        if (st == BC_OK)
            cursor = bc_xstrdup(page.next_cursor);
        bc_page_release(&page);
    } while (st == BC_OK && cursor);
    free(cursor);
    if (st == BC_OK && o && o->end)
        st = o->end(ctx, err);
    return st;
}

bc_status bc_driver_users_each_with(bc_driver *d, const bc_user_query *q, bc_rows_sink sink,
                                    void *ctx, bc_each_opts *o, bc_error *err)
{
    if (o)
        o->reads_status = BC_OK;
    if (d->ops->users_each && !q->cursor && !pasted_key(q))
        return d->ops->users_each(d, q, sink, ctx, o, err);
    return bc_driver_each_by_pages(d, q, NULL, sink, ctx, o, err);
}

bc_status bc_driver_users_each(bc_driver *d, const bc_user_query *q, bc_rows_sink sink,
                               void *ctx, bc_error *err)
{
    return bc_driver_users_each_with(d, q, sink, ctx, NULL, err);
}

bc_status bc_driver_sessions_each(bc_driver *d, const bc_session_query *q, bc_rows_sink sink,
                                  void *ctx, bc_error *err)
{
    if (d->ops->sessions_each && !q->cursor)
        return d->ops->sessions_each(d, q, sink, ctx, err);
    return bc_driver_each_by_pages(d, NULL, q, sink, ctx, NULL, err);
}

bool bc_driver_streams(const bc_driver *d)
{
    return d && d->ops->users_each;
}

bc_status bc_driver_rows_get(bc_driver *d, bc_model model, const bc_match *m, size_t limit,
                             bc_rows *out, bc_error *err)
{
    *out = (bc_rows){0};
    email_match e;
    bc_status st = d->ops->rows_get(d, model, email_match_of(model, m, &e), limit, out, err);
    email_match_release(&e);
    return st;
}

bc_status bc_driver_row_get(bc_driver *d, bc_model model, const char *field, const char *value,
                            bc_record *out, bc_error *err)
{
    bc_match m = {field, &value, 1};
    bc_rows rows;
    bc_status st = bc_driver_rows_get(d, model, &m, 1, &rows, err);
    if (st != BC_OK)
        return st;
    if (rows.n == 0) {
        bc_rows_release(&rows);
        return bc_fail(err, BC_NOT_FOUND, "no %s with %s = \"%s\"", bc_model_get(model)->name,
                       field, value);
    }
    *out = rows.items[0];
    rows.items[0] = (bc_record){0};
    bc_rows_release(&rows);
    return BC_OK;
}

bc_status bc_driver_row_insert(bc_driver *d, bc_model model, const bc_record *row, bc_error *err)
{
    if (d->read_only)
        return refuse_write(d, err);
    bc_record r = email_record(model, row);
    bc_status st = d->ops->row_insert(d, model, &r, err);
    bc_record_release(&r);
    return st;
}

bc_status bc_driver_rows_update(bc_driver *d, bc_model model, const bc_match *m,
                                const bc_record *patch, size_t *changed, bc_error *err)
{
    if (d->read_only)
        return refuse_write(d, err);
    email_match e;
    bc_record p = email_record(model, patch);
    bc_status st =
        d->ops->rows_update(d, model, email_match_of(model, m, &e), &p, changed, err);
    bc_record_release(&p);
    email_match_release(&e);
    return st;
}

bc_status bc_driver_rows_delete(bc_driver *d, bc_model model, const bc_match *m, size_t *deleted,
                                bc_error *err)
{
    if (d->read_only)
        return refuse_write(d, err);
    email_match e;
    bc_status st = d->ops->rows_delete(d, model, email_match_of(model, m, &e), deleted, err);
    email_match_release(&e);
    return st;
}

static void first_failure(bc_status st, const bc_error *e, bc_status *first, bc_error *err)
{
    if (st != BC_OK && *first == BC_OK) {
        *first = st;
        if (err)
            *err = *e;
    }
}

/* One after another, for a driver without a batch op. */
static bc_status batch_in_turn(bc_driver *d, bc_read *r, size_t nr, bc_write *w, size_t nw,
                               bc_error *err)
{
    bc_status first = BC_OK;
    for (size_t i = 0; i < nr; i++) {
        bc_error e = {0};
        r[i].status = d->ops->rows_get(d, r[i].model, r[i].match.field ? &r[i].match : NULL,
                                       r[i].limit, &r[i].rows, &e);
        first_failure(r[i].status, &e, &first, err);
    }
    for (size_t i = 0; i < nw; i++) {
        const bc_match *m = w[i].match.field ? &w[i].match : NULL;
        bc_error e = {0};
        w[i].status = w[i].patch
                          ? d->ops->rows_update(d, w[i].model, m, w[i].patch, &w[i].changed, &e)
                          : d->ops->rows_delete(d, w[i].model, m, &w[i].changed, &e);
        first_failure(w[i].status, &e, &first, err);
    }
    return first;
}

typedef bc_status (*batch_fn)(bc_driver *d, bc_read *r, size_t nr, bc_write *w, size_t nw,
                              bc_error *err);

/* Run fn over reads and writes with the email rule applied to their matches and patches (the
 * caller's values given back after). */
static bc_status with_email_rule(bc_driver *d, bc_read *r, size_t nr, bc_write *w, size_t nw,
                                 batch_fn fn, bc_error *err)
{
    for (size_t i = 0; i < nr; i++)
        r[i].rows = (bc_rows){0}, r[i].status = BC_OK;
    for (size_t i = 0; i < nw; i++)
        w[i].changed = 0, w[i].after = (bc_record){0}, w[i].status = BC_OK, w[i].sent = false,
        w[i].uncertain = false;
    if (nw && d->read_only)
        return refuse_write(d, err);
    /* Emails lowercased here as on every other path: matches and patches alike. */
    email_match *e = bc_xcalloc(nr + nw + 1, sizeof *e);
    bc_match *given = bc_xcalloc(nr + nw + 1, sizeof *given);
    bc_record *patches = bc_xcalloc(nw + 1, sizeof *patches);
    const bc_record **given_patch = bc_xcalloc(nw + 1, sizeof *given_patch);
    for (size_t i = 0; i < nr; i++) {
        given[i] = r[i].match;
        if (r[i].match.field && !r[i].as_typed)
            r[i].match = *email_match_of(r[i].model, &given[i], &e[i]);
    }
    for (size_t i = 0; i < nw; i++) {
        given[nr + i] = w[i].match;
        if (w[i].match.field)
            w[i].match = *email_match_of(w[i].model, &given[nr + i], &e[nr + i]);
        given_patch[i] = w[i].patch;
        if (w[i].patch) {
            patches[i] = email_record(w[i].model, w[i].patch);
            w[i].patch = &patches[i];
        }
    }
    bc_status st = fn(d, r, nr, w, nw, err);
    for (size_t i = 0; i < nr; i++) {
        r[i].match = given[i];
        if (r[i].status != BC_OK)
            bc_rows_release(&r[i].rows);
    }
    for (size_t i = 0; i < nw; i++) {
        w[i].match = given[nr + i];
        w[i].patch = given_patch[i];
        bc_record_release(&patches[i]);
    }
    for (size_t i = 0; i < nr + nw; i++)
        email_match_release(&e[i]);
    free(e);
    free(given);
    free(patches);
    free(given_patch);
    return st;
}

/* A store without a batch op: one after another, each write counted as sent. */
static bc_status batch_plain(bc_driver *d, bc_read *r, size_t nr, bc_write *w, size_t nw,
                             bc_error *err)
{
    bc_status st =
        d->ops->batch ? d->ops->batch(d, r, nr, w, nw, err) : batch_in_turn(d, r, nr, w, nw, err);
    for (size_t i = 0; !d->ops->batch && i < nw; i++)
        w[i].sent = true;
    return st;
}

bc_status bc_driver_batch(bc_driver *d, bc_read *r, size_t nr, bc_write *w, size_t nw,
                          bc_error *err)
{
    return with_email_rule(d, r, nr, w, nw, batch_plain, err);
}

static bc_status writes_started(bc_driver *d, bc_read *r, size_t nr, bc_write *w, size_t nw,
                                bc_error *err)
{
    return d->ops->writes_start(d, w, nw, err);
}

bc_status bc_driver_writes_start(bc_driver *d, bc_write *w, size_t n, bc_error *err)
{
    return with_email_rule(d, NULL, 0, w, n, d->ops->writes_start ? writes_started : batch_plain,
                           err);
}

bc_status bc_driver_reads(bc_driver *d, bc_read *r, size_t n, bc_error *err)
{
    bc_status st = bc_driver_batch(d, r, n, NULL, 0, err);
    for (size_t i = 0; st != BC_OK && i < n; i++)
        bc_rows_release(&r[i].rows);
    return st;
}

bc_status bc_driver_writes(bc_driver *d, bc_write *w, size_t n, bc_error *err)
{
    return bc_driver_batch(d, NULL, 0, w, n, err);
}

bc_status bc_driver_txn(bc_driver *d, bc_txn_op op, bc_error *err)
{
    if (!d->ops->txn)
        return BC_OK;
    if (d->read_only && op == BC_TXN_BEGIN)
        return refuse_write(d, err);
    return d->ops->txn(d, op, err);
}

void bc_driver_prepare_search(bc_driver *d)
{
    if (d && d->ops->prepare_search)
        d->ops->prepare_search(d);
}

void bc_driver_interrupt(bc_driver *d)
{
    if (d)
        atomic_store(&d->cancel, true);
}

void bc_driver_interrupt_clear(bc_driver *d)
{
    if (d)
        atomic_store(&d->cancel, false);
}

void bc_group_counts_release(bc_group_counts *g)
{
    for (size_t i = 0; i < g->n; i++)
        free(g->items[i].value);
    free(g->items);
    *g = (bc_group_counts){0};
}

bool bc_driver_counts(const bc_driver *d)
{
    return d->ops->count && d->ops->count_per_day && d->ops->count_groups;
}

static bc_status no_op(const bc_driver *d, const char *what, bc_error *err)
{
    return bc_fail(err, BC_ERR, "a %s target cannot %s", d->ops->kind, what);
}

bc_status bc_driver_count(bc_driver *d, const bc_count_query *q, int64_t *n, bc_error *err)
{
    *n = 0;
    return d->ops->count ? d->ops->count(d, q, n, err) : no_op(d, "count rows cheaply", err);
}

bc_status bc_driver_count_per_day(bc_driver *d, bc_model model, int64_t day0_ms, int days,
                                  int64_t *counts, bc_error *err)
{
    for (int i = 0; i < days; i++)
        counts[i] = 0;
    return d->ops->count_per_day ? d->ops->count_per_day(d, model, day0_ms, days, counts, err)
                                 : no_op(d, "count rows per day cheaply", err);
}

bc_status bc_driver_count_groups(bc_driver *d, const bc_count_query *q, const char *field,
                                 bc_group_counts *out, bc_error *err)
{
    *out = (bc_group_counts){0};
    return d->ops->count_groups ? d->ops->count_groups(d, q, field, out, err)
                                : no_op(d, "count rows by value cheaply", err);
}

bc_status bc_driver_rows_page(bc_driver *d, bc_model model, size_t limit, const char *cursor,
                              bc_page *out, bc_error *err)
{
    *out = (bc_page){.total = -1};
    return d->ops->rows_page ? d->ops->rows_page(d, model, limit, cursor, out, err)
                             : no_op(d, "page through every row", err);
}

const char *bc_sort_field(bc_sort_key k)
{
    static const char *const fields[] = {
        [BC_SORT_CREATED] = "createdAt",
        [BC_SORT_UPDATED] = "updatedAt",
        [BC_SORT_EMAIL] = "email",
        [BC_SORT_NAME] = "name",
    };
    return (unsigned)k < sizeof fields / sizeof *fields ? fields[k] : NULL;
}

const char *bc_session_sort_field(bc_session_sort k)
{
    static const char *const fields[BC_SESSION_SORT_COUNT] = {
        [BC_SESSION_SORT_CREATED] = "createdAt",
        [BC_SESSION_SORT_EXPIRES] = "expiresAt",
        [BC_SESSION_SORT_UPDATED] = "updatedAt",
    };
    return (unsigned)k < BC_SESSION_SORT_COUNT ? fields[k] : NULL;
}
