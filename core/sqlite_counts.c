/* sqlite_counts.c - the SQLite driver's counts for the overview (driver.h count ops): totals,
 * counts per day and per value, from the overview summary or over index ranges where the file has
 * them. */
#include "sqlite_internal.h"

#include <stdlib.h>
#include <string.h>

#include "isotime.h"

/* --- counts for the overview (driver.h count ops) ----------------------------------------- */

/* Every statement here is a count over an index range of assets/browse-indexes.sql (or the
 * table's own count) or a sum over the overview summary (assets/stats-summary.sql), never a read
 * of every row; dates are compared in both stored forms, ISO text and epoch milliseconds (see
 * put_date_after_now). */

/* --- the overview summary --------------------------------------------------------------------
 *
 * stats-summary.sql counts a text date under its first 10 characters and a number (epoch ms)
 * under its UTC day number, so the rows an index range would find for [from, to) (midnights) are
 * the keys from 'YYYY-MM-DD' up to the next day's, and the day numbers from / DAY up to to / DAY:
 * the same rows, exactly, whatever text or number the app stored. */

/* (The summed count of kind's keys from lo up to hi), hi NULL: to the end of lo's type (text
 * ends before any blob, numbers before any text). */
static void put_summary_range(qb *q, const char *kind, bc_value lo, const bc_value *hi)
{
    bool text = lo.kind == BC_V_TEXT;
    bc_buf_puts(&q->sql, "(SELECT coalesce(sum(\"n\"), 0) FROM \"bcadmin_stats_day\" WHERE "
                         "\"kind\" = ");
    sq_qb_param(q, bc_value_text(kind));
    bc_buf_puts(&q->sql, " AND \"day\" >= ");
    sq_qb_param(q, lo);
    bc_buf_puts(&q->sql, " AND \"day\" < ");
    if (hi)
        sq_qb_param(q, *hi);
    else
        bc_buf_puts(&q->sql, text ? "X''" : "''");
    bc_buf_puts(&q->sql, ")");
}

/* The midnight (UTC) that starts the day of ms. */
static int64_t day_start(int64_t ms)
{
    return ms - ((ms % BC_DAY_MS) + BC_DAY_MS) % BC_DAY_MS;
}

/* The date of midnight ms, "YYYY-MM-DD", as a value. */
static bc_value day_text(int64_t ms)
{
    char iso[BC_ISO_LEN + 1];
    bc_iso_format(ms, iso);
    return bc_value_textn(iso, 10);
}

/* Rows created on each day, from the summary's kind (one statement a day). */
static bc_status days_from_summary(sq *s, const char *kind, int64_t day0_ms, int days,
                                   int64_t *counts, bc_error *err)
{
    bc_status st = BC_OK;
    for (int i = 0; i < days && st == BC_OK; i++) {
        int64_t from = day0_ms + (int64_t)i * BC_DAY_MS, to = from + BC_DAY_MS;
        bc_value text_to = day_text(to), day_to = bc_value_int(to / BC_DAY_MS);
        qb q = {0};
        bc_buf_puts(&q.sql, "SELECT ");
        put_summary_range(&q, kind, day_text(from), &text_to);
        bc_buf_puts(&q.sql, " + ");
        put_summary_range(&q, kind, bc_value_int(from / BC_DAY_MS), &day_to);
        st = sq_query_int(s, &q, &counts[i], "counting rows per day", err);
        sq_qb_release(&q);
    }
    return st;
}

/* The WHERE clause (with " WHERE ") of a count query; false for an unknown kind or model.
 * unindexed: another column's index drives the query (count_groups). */
static bool put_count_filter(qb *w, const bc_count_query *q, bool unindexed)
{
    switch (q->kind) {
    case BC_COUNT_ROWS:
        return true;
    case BC_COUNT_USERS_VERIFIED:
        /* verified = every user minus the unverified, whose partial index is small */
        return q->model == BC_MODEL_USER;
    case BC_COUNT_USERS_BANNED:
        bc_buf_puts(&w->sql, " WHERE ");
        sq_put_ban_in_force(w, q->now_ms);
        return q->model == BC_MODEL_USER;
    case BC_COUNT_BANS_ENDING: {
        char now[BC_ISO_LEN + 1], until[BC_ISO_LEN + 1];
        bc_iso_format(q->now_ms, now);
        bc_iso_format(q->until_ms, until);
        bc_buf_puts(&w->sql, " WHERE \"banned\" = 1 AND ((\"banExpires\" > ");
        sq_qb_param(w, bc_value_text(now));
        bc_buf_puts(&w->sql, " AND \"banExpires\" <= ");
        sq_qb_param(w, bc_value_text(until));
        bc_buf_puts(&w->sql, ") OR (\"banExpires\" > ");
        sq_qb_param(w, bc_value_int(q->now_ms));
        bc_buf_puts(&w->sql, " AND \"banExpires\" <= ");
        sq_qb_param(w, bc_value_int(q->until_ms));
        bc_buf_puts(&w->sql, "))");
        return q->model == BC_MODEL_USER;
    }
    case BC_COUNT_SESSIONS_ACTIVE:
        bc_buf_puts(&w->sql, " WHERE ");
        sq_put_date_after(w, "expiresAt", q->now_ms, unindexed);
        return q->model == BC_MODEL_SESSION;
    }
    return false;
}

static bc_status check_count(sq *s, const bc_count_query *q, qb *w, bool unindexed, bc_error *err)
{
    if ((unsigned)q->model >= BC_MODEL_COUNT)
        return bc_fail(err, BC_USAGE, "count: unknown model %d", (int)q->model);
    bc_status st = sq_need_table(s, q->model, err);
    if (st == BC_OK && !put_count_filter(w, q, unindexed))
        st = bc_fail(err, BC_USAGE, "count: kind %d does not apply to \"%s\"", (int)q->kind,
                     bc_model_get(q->model)->name);
    return st;
}

/* (Sessions whose expiresAt is after now), in one expression. Each stored form is a range of
 * the expiresAt index, counted apart and added (they cannot overlap; one range ORed with the
 * other makes SQLite collect every matching rowid to remove duplicates, three times the work).
 * With the summary, only today's part of each range is walked: the sessions expiring on the
 * days after today are the summary's. */
void sq_put_active_sessions(sq *s, qb *q, int64_t now)
{
    char iso[BC_ISO_LEN + 1];
    bc_iso_format(now, iso);
    bool summary = sq_has_summary(s);
    int64_t tomorrow = day_start(now) + BC_DAY_MS;
    /* form 0: ISO text, up to tomorrow's date or the end of text; 1: epoch ms */
    for (int form = 0; form < 2; form++) {
        bc_buf_puts(&q->sql, form ? " + (SELECT count(*) FROM \"session\" WHERE \"expiresAt\" > "
                                  : "((SELECT count(*) FROM \"session\" WHERE \"expiresAt\" > ");
        sq_qb_param(q, form ? bc_value_int(now) : bc_value_text(iso));
        bc_buf_puts(&q->sql, " AND \"expiresAt\" < ");
        if (summary)
            sq_qb_param(q, form ? bc_value_int(tomorrow) : day_text(tomorrow));
        else
            bc_buf_puts(&q->sql, form ? "''" : "X''");
        bc_buf_puts(&q->sql, ")");
    }
    if (summary) {
        bc_buf_puts(&q->sql, " + ");
        put_summary_range(q, "session.expiresAt", day_text(tomorrow), NULL);
        bc_buf_puts(&q->sql, " + ");
        put_summary_range(q, "session.expiresAt", bc_value_int(tomorrow / BC_DAY_MS), NULL);
    }
    bc_buf_puts(&q->sql, ")");
}

static bc_status count_active_sessions(sq *s, int64_t now, int64_t *n, bc_error *err)
{
    qb q = {0};
    bc_buf_puts(&q.sql, "SELECT ");
    sq_put_active_sessions(s, &q, now);
    bc_status st = sq_query_int(s, &q, n, "counting active sessions", err);
    sq_qb_release(&q);
    return st;
}

bc_status sqlite_count(bc_driver *d, const bc_count_query *q, int64_t *n, bc_error *err)
{
    sq *s = (sq *)d;
    qb w = {0};
    bc_status st = check_count(s, q, &w, false, err);
    bool mapped = st == BC_OK && sq_map_file(s, true);
    if (st == BC_OK && q->kind == BC_COUNT_SESSIONS_ACTIVE) {
        st = count_active_sessions(s, q->now_ms, n, err);
    } else if (st == BC_OK && q->kind == BC_COUNT_USERS_VERIFIED) {
        /* One statement, so both counts see the same rows. */
        qb c = {0};
        bc_buf_puts(&c.sql, "SELECT (SELECT count(*) FROM \"user\") - (SELECT count(*) FROM "
                            "\"user\" WHERE \"emailVerified\" IS NOT 1)");
        st = sq_query_int(s, &c, n, "counting verified users", err);
        sq_qb_release(&c);
    } else if (st == BC_OK) {
        /* count_rows: the cached count, and the mapped count of every user. */
        char *canon = bc_xasprintf("N|%d|%d|%lld|%lld", (int)q->model, (int)q->kind,
                                   (long long)q->now_ms, (long long)q->until_ms);
        if (q->kind == BC_COUNT_ROWS && q->model == BC_MODEL_USER) {
            free(canon); /* the same key as the unfiltered users list, whose count it is */
            canon = bc_xstrdup("U|0|0:|0:|0|0");
        }
        page_spec p = {.model = q->model, .where = &w, .canonical = canon};
        st = sq_count_rows(s, &p, n, err);
        free(canon);
    }
    if (mapped)
        sq_map_file(s, false);
    sq_qb_release(&w);
    return st;
}

/* Whether an index of table starts with column (bcadmin's, or the app's own). */
static bool has_index_on(sq *s, const char *table_name, const char *column_name)
{
    qb q = {0};
    bc_buf_puts(&q.sql, "SELECT count(*) FROM pragma_index_list(");
    sq_qb_param(&q, bc_value_text(table_name));
    bc_buf_puts(&q.sql, ") AS l, pragma_index_info(l.name) AS i WHERE i.seqno = 0 AND i.name = ");
    sq_qb_param(&q, bc_value_text(column_name));
    int64_t n = 0;
    bool yes = sq_query_int(s, &q, &n, "looking for an index", NULL) == BC_OK && n > 0;
    sq_qb_release(&q);
    return yes;
}

/* Without an index on createdAt, a count per day would read the table once a day: read it once
 * instead, the rows from the first day on, and put each in its day here. */
static bc_status days_by_scan(sq *s, bc_model model, int64_t day0_ms, int days, int64_t *counts,
                              bc_error *err)
{
    char day0[BC_ISO_LEN + 1];
    bc_iso_format(day0_ms, day0);
    qb q = {0};
    bc_buf_puts(&q.sql, "SELECT \"createdAt\" FROM ");
    sq_put_ident(&q.sql, bc_model_get(model)->name);
    bc_buf_puts(&q.sql, " WHERE \"createdAt\" >= ");
    sq_qb_param(&q, bc_value_textn(day0, 10));
    bc_buf_puts(&q.sql, " OR (\"createdAt\" >= ");
    sq_qb_param(&q, bc_value_int(day0_ms));
    bc_buf_puts(&q.sql, " AND \"createdAt\" < '')");
    sqlite3_stmt *st;
    int rc;
    bc_status status = sq_query(s, &q, &st, &rc, err);
    if (status != BC_OK)
        return status;
    for (; rc == SQLITE_ROW; rc = sqlite3_step(st)) {
        int64_t ms;
        if (sqlite3_column_type(st, 0) == SQLITE_INTEGER)
            ms = sqlite3_column_int64(st, 0);
        else if (!bc_iso_parse((const char *)sqlite3_column_text(st, 0),
                               (size_t)sqlite3_column_bytes(st, 0), &ms))
            continue;
        int64_t i = ms >= day0_ms ? (ms - day0_ms) / BC_DAY_MS : -1;
        if (i >= 0 && i < days)
            counts[i]++;
    }
    if (rc != SQLITE_DONE)
        status = sq_db_fail(s, rc, err, "counting rows per day");
    sq_finish(st);
    return status;
}

/* Rows created on each day: from the summary for users and sessions when the file has it, else
 * one count over each day's range of the createdAt index, for the ISO text form ('YYYY-MM-DD' <=
 * text < the next day's) and the epoch-millisecond form. */
bc_status sqlite_count_per_day(bc_driver *d, bc_model model, int64_t day0_ms, int days,
                               int64_t *counts, bc_error *err)
{
    sq *s = (sq *)d;
    bc_status st = (unsigned)model < BC_MODEL_COUNT ? sq_need_table(s, model, err)
                                                    : bc_fail(err, BC_USAGE, "unknown model");
    if (st == BC_OK && !sq_find_column(&s->tables[model], "createdAt", NULL))
        st = bc_fail(err, BC_USAGE, "\"%s\" has no createdAt column", bc_model_get(model)->name);
    if (st == BC_OK && (model == BC_MODEL_USER || model == BC_MODEL_SESSION) && sq_has_summary(s))
        return days_from_summary(s, model == BC_MODEL_USER ? "user.createdAt" : "session.createdAt",
                                 day0_ms, days, counts, err);
    if (st == BC_OK && !has_index_on(s, bc_model_get(model)->name, "createdAt"))
        return days_by_scan(s, model, day0_ms, days, counts, err);
    bool mapped = st == BC_OK && sq_map_file(s, true);
    for (int i = 0; i < days && st == BC_OK; i++) {
        int64_t from = day0_ms + (int64_t)i * BC_DAY_MS, to = from + BC_DAY_MS;
        char a[BC_ISO_LEN + 1], b[BC_ISO_LEN + 1];
        bc_iso_format(from, a);
        bc_iso_format(to, b);
        qb q = {0};
        for (int form = 0; form < 2; form++) {
            bc_buf_puts(&q.sql,
                        form ? " + (SELECT count(*) FROM " : "SELECT (SELECT count(*) FROM ");
            sq_put_ident(&q.sql, bc_model_get(model)->name);
            bc_buf_puts(&q.sql, " WHERE \"createdAt\" >= ");
            sq_qb_param(&q, form ? bc_value_int(from) : bc_value_textn(a, 10));
            bc_buf_puts(&q.sql, " AND \"createdAt\" < ");
            sq_qb_param(&q, form ? bc_value_int(to) : bc_value_textn(b, 10));
            bc_buf_puts(&q.sql, ")");
        }
        st = sq_query_int(s, &q, &counts[i], "counting rows per day", err);
        sq_qb_release(&q);
    }
    if (mapped)
        sq_map_file(s, false);
    return st;
}

static int cmp_group(const void *a, const void *b)
{
    const bc_group_count *x = a, *y = b;
    if (x->n != y->n)
        return x->n > y->n ? -1 : 1;
    return strcmp(x->value, y->value);
}

static void push_group(bc_group_counts *out, size_t *cap, const char *value, size_t len, int64_t n)
{
    if (out->n == *cap)
        out->items = bc_xrealloc(out->items, (*cap = *cap ? *cap * 2 : 8) * sizeof *out->items);
    out->items[out->n++] = (bc_group_count){bc_xstrndup(value, len), n};
}

/* SELECT field, count(*) ... GROUP BY field over the rows the filter selects, driven by the
 * field's index (the filter's own columns are kept off their indexes): a few impersonation
 * sessions among millions of active ones are found by impersonatedBy, not by expiresAt. */
static bc_status groups_by_statement(sq *s, const bc_count_query *q, const char *field,
                                     bc_group_counts *out, bc_error *err)
{
    qb w = {0}, g = {0};
    bc_status st = check_count(s, q, &w, true, err);
    if (st != BC_OK) {
        sq_qb_release(&w);
        return st;
    }
    bc_buf_puts(&g.sql, "SELECT ");
    sq_put_ident(&g.sql, field);
    bc_buf_puts(&g.sql, ", count(*) FROM ");
    sq_put_ident(&g.sql, bc_model_get(q->model)->name);
    sq_qb_append(&g, &w);
    bc_buf_puts(&g.sql, w.sql.len ? " AND " : " WHERE ");
    sq_put_ident(&g.sql, field);
    bc_buf_puts(&g.sql, " > '' GROUP BY 1"); /* text only: not NULL, not "" */
    sqlite3_stmt *stmt = NULL;
    st = sq_start(s, &g, &stmt, err);
    size_t cap = 0;
    int rc = st == BC_OK ? sq_first_step(s, stmt) : SQLITE_DONE;
    for (; st == BC_OK && rc == SQLITE_ROW; rc = sqlite3_step(stmt)) {
        const unsigned char *v = sqlite3_column_text(stmt, 0);
        push_group(out, &cap, v ? (const char *)v : "", (size_t)sqlite3_column_bytes(stmt, 0),
                   sqlite3_column_int64(stmt, 1));
    }
    if (st == BC_OK && rc != SQLITE_DONE)
        st = sq_db_fail(s, rc, err, "counting rows by value");
    if (stmt)
        sq_finish(stmt);
    sq_qb_release(&g);
    sq_qb_release(&w);
    return st;
}

enum { GROUP_CHUNK = 65536, GROUPS_MAX = 256 };

/* SELECT count(*) FROM m's table [where] (" WHERE ..." with its parameters; NULL or empty: every
 * row) into *n. */
bc_status sq_count_table(sq *s, bc_model m, const qb *where, int64_t *n, const char *what,
                         bc_error *err)
{
    qb q = {0};
    bc_buf_puts(&q.sql, "SELECT count(*) FROM ");
    sq_put_ident(&q.sql, bc_model_get(m)->name);
    if (where)
        sq_qb_append(&q, where);
    bc_status st = sq_query_int(s, &q, n, what, err);
    sq_qb_release(&q);
    return st;
}

/* Rows of the table in one range of the field's index ("<= ''": numbers and ""), all of them. */
static bc_status count_range(sq *s, bc_model m, const char *field, const char *op, int64_t *n,
                             bc_error *err)
{
    qb w = {0};
    bc_buf_puts(&w.sql, " WHERE ");
    sq_put_ident(&w.sql, field);
    bc_buf_printf(&w.sql, " %s", op);
    bc_status st = sq_count_table(s, m, &w, n, "counting rows by value", err);
    sq_qb_release(&w);
    return st;
}

/* "FROM t WHERE field = ? (or IS NULL) AND rowid > ?" of one value's range. */
static void put_value_range(qb *q, bc_model m, const char *field, const char *value, int64_t after)
{
    bc_buf_puts(&q->sql, " FROM ");
    sq_put_ident(&q->sql, bc_model_get(m)->name);
    bc_buf_puts(&q->sql, " WHERE ");
    sq_put_ident(&q->sql, field);
    if (value) {
        bc_buf_puts(&q->sql, " = ");
        sq_qb_param(q, bc_value_text(value));
    } else {
        bc_buf_puts(&q->sql, " IS NULL");
    }
    bc_buf_puts(&q->sql, " AND rowid > ");
    sq_qb_param(q, bc_value_int(after));
}

/* The rest of one value's range after rowid `after`, added to *n. */
static bc_status count_rest(sq *s, bc_model m, const char *field, const char *value, int64_t after,
                            int64_t *n, bc_error *err)
{
    qb q = {0};
    bc_buf_puts(&q.sql, "SELECT count(*)");
    put_value_range(&q, m, field, value, after);
    int64_t rest = 0;
    bc_status st = sq_query_int(s, &q, &rest, "counting rows by value", err);
    sq_qb_release(&q);
    *n += rest;
    return st;
}

/* The rowid of the row `skip` rows into one value's range after rowid `after` (rowid order is
 * the index's order within one value), or *found false when the range is shorter. */
static bc_status rowid_at(sq *s, bc_model m, const char *field, const char *value, int64_t after,
                          int64_t skip, int64_t *rowid, bool *found, bc_error *err)
{
    qb q = {0};
    bc_buf_puts(&q.sql, "SELECT rowid");
    put_value_range(&q, m, field, value, after);
    bc_buf_puts(&q.sql, " ORDER BY rowid LIMIT 1 OFFSET ");
    sq_qb_param(&q, bc_value_int(skip));
    sqlite3_stmt *st;
    int rc;
    bc_status status = sq_query(s, &q, &st, &rc, err);
    if (status != BC_OK)
        return status;
    *found = rc == SQLITE_ROW;
    if (*found)
        *rowid = sqlite3_column_int64(st, 0);
    else if (rc != SQLITE_DONE)
        status = sq_db_fail(s, rc, err, "counting rows by value");
    sq_finish(st);
    return status;
}

/* The first GROUP_CHUNK rows of one value's range (value NULL: the NULL range): when the range is
 * that long, *after is the chunk's last rowid, *first its first and *more true; else the whole
 * range is counted into *n. Skipping is cheaper than counting row by row in a subquery. */
static bc_status count_chunk(sq *s, bc_model m, const char *field, const char *value,
                             int64_t *after, int64_t *first, int64_t *n, bool *more, bc_error *err)
{
    bool found = false;
    bc_status st = rowid_at(s, m, field, value, *after, GROUP_CHUNK - 1, after, &found, err);
    *more = found;
    if (st == BC_OK && found) {
        *n += GROUP_CHUNK;
        st = rowid_at(s, m, field, value, INT64_MIN, 0, first, &found, err);
    } else if (st == BC_OK) {
        st = count_rest(s, m, field, value, INT64_MIN, n, err);
    }
    return st;
}

/* The distinct text values of field, by skipping through its index (one seek per value);
 * false when there are more than GROUPS_MAX. */
static bc_status distinct_values(sq *s, bc_model m, const char *field, bc_group_counts *out,
                                 bool *few, bc_error *err)
{
    qb q = {0};
    bc_buf_puts(&q.sql, "SELECT ");
    sq_put_ident(&q.sql, field);
    bc_buf_puts(&q.sql, " FROM ");
    sq_put_ident(&q.sql, bc_model_get(m)->name);
    bc_buf_puts(&q.sql, " WHERE ");
    sq_put_ident(&q.sql, field);
    bc_buf_puts(&q.sql, " > ? ORDER BY 1 LIMIT 1");
    sqlite3_stmt *stmt;
    bc_status st = sq_prepare(s, q.sql.data, &stmt, err);
    sq_qb_release(&q);
    size_t cap = 0;
    char *last = bc_xstrdup("");
    *few = true;
    while (st == BC_OK) {
        sqlite3_bind_text(stmt, 1, last, -1, SQLITE_TRANSIENT);
        int rc = sq_first_step(s, stmt);
        if (rc == SQLITE_ROW && out->n == GROUPS_MAX) {
            *few = false;
        } else if (rc == SQLITE_ROW) {
            const char *v = (const char *)sqlite3_column_text(stmt, 0);
            size_t len = (size_t)sqlite3_column_bytes(stmt, 0);
            push_group(out, &cap, v ? v : "", len, -1);
            free(last);
            last = bc_xstrndup(v ? v : "", len);
        } else if (rc != SQLITE_DONE) {
            st = sq_db_fail(s, rc, err, "reading the values of an index");
        }
        sq_finish(stmt);
        if (rc != SQLITE_ROW || !*few)
            break;
    }
    free(last);
    return st;
}

/* Every row of the table by field, through its index without reading it all: the distinct
 * values one seek each, then the first chunk of every value's range; of the values that go on
 * past it, all but the (likely) largest are counted to the end, and the largest is the table's
 * count minus all the others. So the cost is about the rows outside the largest value, however
 * many rows that one has: "credential" among a million accounts is never walked. One read
 * transaction. */
static bc_status groups_by_index(sq *s, bc_model m, const char *field, bc_group_counts *out,
                                 bool *done, bc_error *err)
{
    *done = false;
    bool mapped = sq_map_file(s, true);
    bool own = !s->in_txn && sq_run_plain(s, "BEGIN", "starting a read", err) == BC_OK;
    bc_status st = s->in_txn || own ? BC_OK : BC_ERR;
    bool few = true;
    if (st == BC_OK)
        st = distinct_values(s, m, field, out, &few, err);
    /* ranges: each value, then NULL; numbers and "" are counted whole (they are rare) */
    size_t n = out->n, ranges = n + 1, open = ranges;
    int64_t *counts = bc_xcalloc(ranges, sizeof *counts),
            *after = bc_xcalloc(ranges, sizeof *after);
    bool *more = bc_xcalloc(ranges, sizeof *more);
    for (size_t i = 0; i < ranges; i++) {
        more[i] = true;
        after[i] = INT64_MIN;
    }
    int64_t low = 0;
    if (st == BC_OK && few)
        st = count_range(s, m, field, "<= ''", &low, err);
    int64_t *first = bc_xcalloc(ranges, sizeof *first);
    for (size_t i = 0; i < ranges && st == BC_OK && few; i++) {
        st = count_chunk(s, m, field, i < n ? out->items[i].value : NULL, &after[i], &first[i],
                         &counts[i], &more[i], err);
        open -= !more[i];
    }
    if (st == BC_OK && few && open > 1) {
        /* Several values go on past the first chunk: guess which is largest from how densely
         * its first chunk lies among the rowids (rows are mostly in insertion order), count
         * the rest of the others whole, and leave that one to the subtraction below. */
        qb t = {0};
        bc_buf_puts(&t.sql, "SELECT max(rowid) FROM ");
        sq_put_ident(&t.sql, bc_model_get(m)->name);
        int64_t last = 0;
        st = sq_query_int(s, &t, &last, "reading the last rowid", err);
        sq_qb_release(&t);
        size_t guess = 0;
        double best = -1;
        for (size_t i = 0; i < ranges && st == BC_OK; i++) {
            double est = more[i] ? (double)GROUP_CHUNK * (double)(last - first[i] + 1) /
                                       (double)(after[i] - first[i] + 1)
                                 : -1;
            if (est > best)
                best = est, guess = i;
        }
        for (size_t i = 0; i < ranges && st == BC_OK; i++) {
            if (!more[i] || i == guess)
                continue;
            st = count_rest(s, m, field, i < n ? out->items[i].value : NULL, after[i], &counts[i],
                            err);
            more[i] = false;
            open--;
        }
    }
    free(first);
    if (st == BC_OK && few && open == 1) {
        /* The one range still going on: what the others leave of the table. */
        int64_t total = 0, others = low;
        st = sq_count_table(s, m, NULL, &total, "counting rows", err);
        size_t big = 0;
        for (size_t i = 0; i < ranges; i++) {
            if (more[i])
                big = i;
            else
                others += counts[i];
        }
        counts[big] = total - others;
    }
    for (size_t i = 0; i < n; i++)
        out->items[i].n = counts[i];
    free(counts);
    free(after);
    free(more);
    if (own)
        sq_run_plain(s, "COMMIT", "ending a read", NULL);
    if (mapped)
        sq_map_file(s, false);
    *done = st == BC_OK && few;
    return st;
}

bc_status sqlite_count_groups(bc_driver *d, const bc_count_query *q, const char *field,
                              bc_group_counts *out, bc_error *err)
{
    sq *s = (sq *)d;
    qb w = {0};
    bc_status st = check_count(s, q, &w, true, err);
    sq_qb_release(&w);
    if (st == BC_OK &&
        (q->kind == BC_COUNT_USERS_VERIFIED || !sq_find_column(&s->tables[q->model], field, NULL)))
        st = bc_fail(err, BC_USAGE, "cannot count \"%s\" rows by \"%s\"",
                     bc_model_get(q->model)->name, field);
    if (st != BC_OK)
        return st;
    char *index = bc_xasprintf("bcadmin_%s_%s", bc_model_get(q->model)->name, field);
    bool done = false;
    if (q->kind == BC_COUNT_ROWS && sq_has_object(s, "index", index))
        st = groups_by_index(s, q->model, field, out, &done, err);
    free(index);
    if (st == BC_OK && !done) {
        bc_group_counts_release(out);
        st = groups_by_statement(s, q, field, out, err);
    }
    if (st != BC_OK)
        bc_group_counts_release(out);
    else if (out->n > 1)
        qsort(out->items, out->n, sizeof *out->items, cmp_group);
    return st;
}
