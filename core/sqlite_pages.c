/* sqlite_pages.c - the SQLite driver's pages: keyset windows over (sort key, id) for users and
 * sessions (never OFFSET), their filters, cursors, the cached count, and the query plan. A filter
 * that must look at every row goes to the one-scan search (sqlite_search.c). */
#include "sqlite_internal.h"

#include <stdlib.h>
#include <string.h>

#include "cursor.h"
#include "isotime.h"
#include "text.h"

/* --- pages --------------------------------------------------------------------------------- */

/* `col` is a date after now. Better Auth writes ISO text, which compares in time order; integer
 * epoch milliseconds written by other tools are compared as numbers. SQLite orders any number
 * before any text and any text before any blob, so the type tests are range bounds ('' is the
 * least text, X'' the least blob) instead of typeof() calls: a count over the ban index then
 * evaluates no function per row. NULL is never after now (also under NOT). */
void sq_put_date_after(qb *q, const char *col, int64_t now, bool unindexed)
{
    /* A unary + keeps SQLite from driving the query by this column's index. */
    const char *p = unindexed ? "+" : "";
    char iso[BC_ISO_LEN + 1];
    bc_iso_format(now, iso);
    bc_buf_printf(&q->sql, "(%s\"%s\" IS NOT NULL AND ((%s\"%s\" > ", p, col, p, col);
    sq_qb_param(q, bc_value_text(iso));
    bc_buf_printf(&q->sql, " AND %s\"%s\" < X'') OR (%s\"%s\" > ", p, col, p, col);
    sq_qb_param(q, bc_value_int(now));
    bc_buf_printf(&q->sql, " AND %s\"%s\" < '')))", p, col);
}

void sq_put_date_after_now(qb *q, const char *col, int64_t now)
{
    sq_put_date_after(q, col, now, false);
}

/* The user's ban is in force at now: banned, with no expiry or one after now. */
void sq_put_ban_in_force(qb *q, int64_t now)
{
    bc_buf_puts(&q->sql, "\"banned\" = 1 AND (\"banExpires\" IS NULL OR ");
    sq_put_date_after_now(q, "banExpires", now);
    bc_buf_puts(&q->sql, ")");
}

static void put_and(qb *q, size_t *terms)
{
    bc_buf_puts(&q->sql, (*terms)++ ? " AND " : " WHERE ");
}

static void put_sort_expr(bc_buf *b, const page_spec *p)
{
    sq_put_ident(b, p->column);
    if (p->nocase)
        bc_buf_puts(b, " COLLATE NOCASE");
}

void sq_qb_append(qb *dst, const qb *src)
{
    if (src->sql.len)
        bc_buf_puts(&dst->sql, src->sql.data);
    for (size_t i = 0; i < src->n; i++) {
        if (dst->n == dst->cap) {
            dst->cap = dst->cap ? dst->cap * 2 : 16;
            dst->params = bc_xrealloc(dst->params, dst->cap * sizeof *dst->params);
        }
        dst->params[dst->n++] = bc_value_copy(&src->params[i]);
    }
}

static bool column_nullable(const table *t, const char *name)
{
    const column *col = sq_find_column(t, name, NULL);
    return !col || !col->notnull;
}

/* The rows past cursor c in read order. SQLite sorts NULL before every value, so reading
 * ascending the NULL keys come first and reading descending they come last; a cursor on a NULL
 * key continues among the NULLs by id. Without NULLs (a NOT NULL column):
 * key <= ?k AND (key < ?k OR id < ?id), not the row value (key, id) < (?k, ?id): SQLite turns
 * the first term into an index range even when the key carries a COLLATE, which it does not do
 * for a row value, so a deep page never scans the rows before it. */
static void put_past_cursor(qb *q, const page_spec *p, const bc_cursor *c, bool descending,
                            bool nullable)
{
    const char *op = descending ? "<" : ">";
    if (c->key.kind == BC_V_NULL) {
        bc_buf_puts(&q->sql, "(");
        put_sort_expr(&q->sql, p);
        bc_buf_puts(&q->sql, descending ? " IS NULL AND \"id\" < " : " IS NOT NULL OR \"id\" > ");
        sq_qb_param(q, bc_value_copy(&c->id));
        bc_buf_puts(&q->sql, ")");
        return;
    }
    bc_buf_puts(&q->sql, "(");
    put_sort_expr(&q->sql, p);
    bc_buf_printf(&q->sql, " %s= ", op);
    sq_qb_param(q, bc_value_copy(&c->key));
    bc_buf_puts(&q->sql, " AND (");
    put_sort_expr(&q->sql, p);
    bc_buf_printf(&q->sql, " %s ", op);
    sq_qb_param(q, bc_value_copy(&c->key));
    bc_buf_printf(&q->sql, " OR \"id\" %s ", op);
    sq_qb_param(q, bc_value_copy(&c->id));
    bc_buf_puts(&q->sql, ")");
    if (descending && nullable) {
        bc_buf_puts(&q->sql, " OR ");
        put_sort_expr(&q->sql, p);
        bc_buf_puts(&q->sql, " IS NULL");
    }
    bc_buf_puts(&q->sql, ")");
}

/* SELECT ... WHERE filter [AND past the cursor] ORDER BY key, id LIMIT n+1. With walk (a
 * search's first look, see page_spec): SELECT ..., (filter) [WHERE past the cursor] ORDER BY
 * key, id LIMIT walk: the rows in the sort order, each with whether it matches. */
static void build_page_sql(sq *s, const page_spec *p, const bc_cursor *c, int64_t walk, qb *q)
{
    const table *t = &s->tables[p->model];
    bool backward = c && c->backward;
    bool descending = p->ascending == backward; /* !ascending XOR backward */
    const char *dir = descending ? " DESC" : " ASC";
    if (walk) {
        /* The filter's terms as a column: " WHERE a AND b" becomes ", (a AND b)". */
        static const char where[] = " WHERE ";
        qb flag = {.params = p->where->params, .n = p->where->n}; /* parameters borrowed */
        bc_buf_printf(&flag.sql, ", (%s)", p->where->sql.data + strlen(where));
        bc_buf_printf(&q->sql, "SELECT %s", t->select_list);
        sq_qb_append(q, &flag);
        bc_buf_release(&flag.sql);
        bc_buf_puts(&q->sql, " FROM ");
        sq_put_ident(&q->sql, bc_model_get(p->model)->name);
        /* Over a set: SQLite tests the rowid from the index entry and reads only the rows in
         * the set (a deferred seek). */
        if (p->set)
            bc_buf_puts(&q->sql, " WHERE bcadmin_in_set(rowid)");
        if (c) {
            bc_buf_puts(&q->sql, p->set ? " AND " : " WHERE ");
            put_past_cursor(q, p, c, descending, column_nullable(t, p->column));
        }
        bc_buf_puts(&q->sql, " ORDER BY ");
        put_sort_expr(&q->sql, p);
        bc_buf_printf(&q->sql, "%s, \"id\"%s LIMIT ", dir, dir);
        sq_qb_param(q, bc_value_int(walk));
        return;
    }
    if (p->deferred) {
        /* The outer loop is the subquery (CROSS JOIN keeps SQLite from reordering the join), so
         * rows come out in its order; "bc_k" has no column named like the table's. */
        bc_buf_printf(&q->sql, "SELECT %s FROM (SELECT rowid AS \"bc_r\" FROM ", t->select_list);
        sq_put_ident(&q->sql, bc_model_get(p->model)->name);
    } else {
        bc_buf_printf(&q->sql, "SELECT %s FROM ", t->select_list);
        sq_put_ident(&q->sql, bc_model_get(p->model)->name);
    }
    sq_qb_append(q, p->where);
    if (c) {
        bc_buf_puts(&q->sql, p->where->sql.len ? " AND " : " WHERE ");
        put_past_cursor(q, p, c, descending, column_nullable(t, p->column));
    }
    bc_buf_puts(&q->sql, " ORDER BY ");
    put_sort_expr(&q->sql, p);
    bc_buf_printf(&q->sql, "%s, \"id\"%s LIMIT ", dir, dir);
    sq_qb_param(q, bc_value_int((int64_t)p->limit + 1));
    if (p->deferred) {
        bc_buf_puts(&q->sql, ") AS \"bc_k\" CROSS JOIN ");
        sq_put_ident(&q->sql, bc_model_get(p->model)->name);
        bc_buf_puts(&q->sql, " ON ");
        sq_put_ident(&q->sql, bc_model_get(p->model)->name);
        bc_buf_puts(&q->sql, ".rowid = \"bc_k\".\"bc_r\"");
    }
}

static bc_status decode_cursor(sq *s, const page_spec *p, bc_cursor *c, bool *have, bc_error *err)
{
    *have = false;
    if (!p->cursor || !*p->cursor)
        return BC_OK;
    if (!bc_cursor_decode(p->cursor, c))
        return bc_fail(err, BC_USAGE, "invalid cursor: it is damaged or not a bcadmin cursor");
    if (c->kind != p->kind || c->sort != p->sort || c->ascending != p->ascending ||
        c->filter != bc_cursor_fingerprint(p->canonical)) {
        bc_cursor_release(c);
        return bc_fail(err, BC_USAGE,
                       "invalid cursor: it belongs to another query (sort, order or filter)");
    }
    *have = true;
    return BC_OK;
}

bool sq_has_object(sq *s, const char *type, const char *name)
{
    qb q = {0};
    bc_buf_puts(&q.sql, "SELECT count(*) FROM sqlite_schema WHERE type = ");
    sq_qb_param(&q, bc_value_text(type));
    bc_buf_puts(&q.sql, " AND name = ");
    sq_qb_param(&q, bc_value_text(name));
    int64_t n = 0;
    bool found = sq_query_int(s, &q, &n, "looking for an index", NULL) == BC_OK && n == 1;
    sq_qb_release(&q);
    return found;
}

/* The count cache's key for a filter; a filter comparing with now ages by the minute. */
char *sq_count_key(const page_spec *p)
{
    return p->time_dependent
               ? bc_xasprintf("%s|%lld", p->canonical, (long long)(bc_now_ms() / 60000))
               : bc_xstrdup(p->canonical);
}

bc_status sq_data_version(sq *s, int64_t *version, bc_error *err)
{
    qb v = {0};
    bc_buf_puts(&v.sql, "PRAGMA data_version");
    bc_status st = sq_query_int(s, &v, version, "reading the data version", err);
    sq_qb_release(&v);
    return st;
}

/* Keep total as the count of key (taken) at data version `version`. */
static void remember_count(sq *s, char *key, int64_t version, int64_t total)
{
    free(s->count_key);
    s->count_key = key;
    s->count_data_version = version;
    s->count_changes = sqlite3_total_changes64(s->db);
    s->count_value = total;
}

bc_status sq_count_rows(sq *s, const page_spec *p, int64_t *total, bc_error *err)
{
    int64_t version;
    bc_status st = sq_data_version(s, &version, err);
    if (st != BC_OK)
        return st;
    char *key = sq_count_key(p);
    if (s->count_key && strcmp(s->count_key, key) == 0 && s->count_data_version == version &&
        s->count_changes == sqlite3_total_changes64(s->db)) {
        *total = s->count_value;
        free(key);
        return BC_OK;
    }
    /* An unfiltered count reads every page of the narrowest index: through the page cache that
     * is one read() and one copy per page, 5 to 20 ms for a million users on a new connection;
     * memory-mapped, about 1 ms. Only for the users table with the ban index of
     * browse-indexes.sql, which SQLite picks for it and which is small (10 MB per million
     * users, mostly NULL or 0): the pages a mapped count touches count as resident while it
     * runs, and the mapping is dropped right after. Without it (another index, 45 MB, or the
     * sessions' expiresAt index, 65 MB for two million) the count reads through the cache;
     * a cheaper count of its own (the active sessions' ranges) is mapped as the overview's are. */
    bool mapped = !s->in_txn &&
                  (p->count || (!p->where->sql.len && p->model == BC_MODEL_USER &&
                                sq_has_object(s, "index", "bcadmin_user_banned"))) &&
                  sq_map_file(s, true);
    st = p->count ? sq_query_int(s, p->count, total, "counting rows", err)
                  : sq_count_table(s, p->model, p->where, total, "counting rows", err);
    if (mapped)
        sq_map_file(s, false);
    if (st != BC_OK) {
        free(key);
        return st;
    }
    remember_count(s, key, version, *total);
    return BC_OK;
}

/* A walk (page_spec.walk) judges whether it is likely to fill its page every this many rows. */
enum { WALK_JUDGE = 2048 };

/* Whether SQLite reads q's rows in its ORDER BY from an index, without sorting them first. */
static bool sorts_by_index(sq *s, const qb *q)
{
    qb x = {0};
    bc_buf_puts(&x.sql, "EXPLAIN QUERY PLAN ");
    sq_qb_append(&x, q);
    sqlite3_stmt *st;
    bool indexed = sq_start(s, &x, &st, NULL) == BC_OK;
    sq_qb_release(&x);
    if (!indexed)
        return false;
    int rc;
    while (indexed && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        const char *detail = (const char *)sqlite3_column_text(st, 3);
        indexed = !detail || !strstr(detail, "TEMP B-TREE");
    }
    sq_finish(st);
    return indexed;
}

/* The rows of one page in read order by one sorted statement (build_page_sql). With p->walk:
 * the sort order is walked for at most s->walk_rows rows, keeping the matching ones; *walked_out
 * is set when that did not answer (the rows ran out of the budget before the page was full, the
 * matches among the first rows said they would, or the walk would have had to sort the table
 * first) and the page is still empty. */
static bc_status sorted_page(sq *s, const page_spec *p, const bc_cursor *c, bc_page *out,
                             page_edges *e, bool *more, bool *walked_out, bc_error *err)
{
    const table *t = &s->tables[p->model];
    size_t key_col = 0, id_col = 0;
    sq_find_column(t, p->column, &key_col);
    sq_find_column(t, "id", &id_col);
    int64_t walk = p->walk ? s->walk_rows : 0, visited = 0;
    qb q = {0};
    build_page_sql(s, p, c, walk, &q);
    if (walk && !sorts_by_index(s, &q)) {
        sq_qb_release(&q);
        *walked_out = true;
        return BC_OK;
    }
    sqlite3_stmt *st;
    int rc;
    bc_status status = sq_query(s, &q, &st, &rc, err);
    if (status != BC_OK)
        return status;
    for (; rc == SQLITE_ROW; rc = sqlite3_step(st)) {
        visited++;
        /* A walk whose matches so far say the page would take more rows than it may read gives
         * up early (judged after WALK_JUDGE rows, so a few rows do not decide it). */
        if (walk && visited % WALK_JUDGE == 0 && visited < walk &&
            (int64_t)out->rows.n * walk < (int64_t)(p->limit + 1) * visited) {
            visited = walk;
            break;
        }
        if (walk && !sqlite3_column_int(st, (int)t->n))
            continue;
        if (out->rows.n == p->limit) {
            *more = true;
            break;
        }
        bc_record r = sq_decode_row(t, st);
        bc_rows_push(&out->rows, &r);
        bc_value_release(&e->last_key);
        bc_value_release(&e->last_id);
        e->last_key = sq_raw_value(st, (int)key_col);
        e->last_id = sq_raw_value(st, (int)id_col);
        if (out->rows.n == 1) {
            e->first_key = bc_value_copy(&e->last_key);
            e->first_id = bc_value_copy(&e->last_id);
        }
    }
    sq_finish(st);
    if (rc != SQLITE_DONE && rc != SQLITE_ROW)
        status = sq_db_fail(s, rc, err, "reading a page");
    if (status == BC_OK && walk && !*more && visited >= walk) {
        /* the budget ran out: the rest of the table may still hold matches */
        bc_page_release(out);
        *out = (bc_page){.total = -1};
        bc_value_release(&e->first_key);
        bc_value_release(&e->first_id);
        bc_value_release(&e->last_key);
        bc_value_release(&e->last_id);
        *e = (page_edges){0};
        *walked_out = true;
    }
    return status;
}

static char *make_cursor(const page_spec *p, bool backward, const bc_value *key, const bc_value *id)
{
    bc_cursor c = {.kind = p->kind,
                   .sort = p->sort,
                   .ascending = p->ascending,
                   .backward = backward,
                   .filter = bc_cursor_fingerprint(p->canonical),
                   .key = *key,
                   .id = *id};
    return bc_cursor_encode(&c);
}

static void reverse_rows(bc_rows *rows)
{
    for (size_t i = 0, j = rows->n ? rows->n - 1 : 0; i < j; i++, j--) {
        bc_record tmp = rows->items[i];
        rows->items[i] = rows->items[j];
        rows->items[j] = tmp;
    }
}

static bc_status run_page(sq *s, const page_spec *p, bc_page *out, bc_error *err)
{
    if (p->limit > BC_PAGE_MAX)
        return bc_fail(err, BC_USAGE, "page size %zu is over the maximum of %d", p->limit,
                       BC_PAGE_MAX);
    page_spec spec = *p;
    if (!spec.limit)
        spec.limit = BC_PAGE_DEFAULT;
    bc_cursor c = {0};
    bool have;
    bc_status status = decode_cursor(s, &spec, &c, &have, err);
    if (status != BC_OK)
        return status;
    page_edges e = {0};
    bool more = false;
    bool descending = spec.ascending == (have && c.backward); /* as build_page_sql reads */
    bool walked_out = false;
    if (spec.scan && spec.walk) {
        int64_t version;
        status = sq_data_version(s, &version, err);
        if (status == BC_OK)
            status = sorted_page(s, &spec, have ? &c : NULL, out, &e, &more, &walked_out, err);
        if (status == BC_OK && !walked_out && !have && !more) /* the whole table was walked */
            remember_count(s, sq_count_key(&spec), version, out->total = (int64_t)out->rows.n);
    }
    if (spec.scan && (!spec.walk || walked_out)) {
        int64_t version, total = -1;
        status = sq_data_version(s, &version, err);
        if (status == BC_OK)
            status =
                sq_scan_page(s, &spec, have ? &c : NULL, descending, out, &e, &more, &total, err);
        if (status == BC_OK) {
            remember_count(s, sq_count_key(&spec), version, total);
            out->total = total; /* counted anyway: the caller need not count again */
        }
    } else if (!spec.scan) {
        status = sorted_page(s, &spec, have ? &c : NULL, out, &e, &more, &walked_out, err);
    }
    bc_value first_key = e.first_key, first_id = e.first_id, last_key = e.last_key,
             last_id = e.last_id;

    bool backward = have && c.backward;
    if (status == BC_OK && backward && !more && out->rows.n < spec.limit) {
        /* Paged back past the start (rows were added or removed): show a full first page. */
        bc_page_release(out);
        *out = (bc_page){.total = -1};
        spec.cursor = NULL;
        status = run_page(s, &spec, out, err);
    } else if (status == BC_OK && backward) {
        reverse_rows(&out->rows);
        /* Rows are now in query order; the first row read is the last one shown. */
        out->next_cursor = make_cursor(&spec, false, &first_key, &first_id);
        if (more)
            out->prev_cursor = make_cursor(&spec, true, &last_key, &last_id);
    } else if (status == BC_OK) {
        if (more)
            out->next_cursor = make_cursor(&spec, false, &last_key, &last_id);
        if (have && out->rows.n)
            out->prev_cursor = make_cursor(&spec, true, &first_key, &first_id);
        else if (have) /* an empty page after a cursor: the way back starts at the cursor */
            out->prev_cursor = make_cursor(&spec, true, &c.key, &c.id);
    }
    bc_value_release(&first_key);
    bc_value_release(&first_id);
    bc_value_release(&last_key);
    bc_value_release(&last_id);
    bc_cursor_release(&c);
    if (status == BC_OK && spec.want_total && out->total < 0)
        status = sq_count_rows(s, &spec, &out->total, err);
    if (status != BC_OK)
        bc_page_release(out);
    return status;
}

/* "email" in [prefix, prefix with its last byte + 1): a range on the unique email index. */
static void put_prefix_range(qb *w, const char *prefix)
{
    size_t n = strlen(prefix);
    char *hi = bc_xstrndup(prefix, n);
    bc_buf_puts(&w->sql, "\"email\" >= ");
    sq_qb_param(w, bc_value_textn(prefix, n));
    while (n && (unsigned char)hi[n - 1] == 0xff)
        n--;
    if (n) {
        hi[n - 1] = (char)((unsigned char)hi[n - 1] + 1);
        bc_buf_puts(&w->sql, " AND \"email\" < ");
        sq_qb_param(w, bc_value_textn(hi, n));
    }
    free(hi);
}

/* The WHERE clause of a users query and a canonical description of it for cursors and counts. */
static bc_status build_user_filter(sq *s, const bc_user_query *q, qb *w, bc_buf *canon,
                                   bc_error *err)
{
    size_t terms = 0;
    const char *search = q->search ? q->search : "";
    const char *role = q->role ? q->role : "";
    bc_buf_printf(canon, "U|%d|%zu:%s|%zu:%s|%d|%d", (int)q->search_mode, strlen(search), search,
                  strlen(role), role, (int)q->ban, q->verified);
    if (*search && q->search_mode == BC_SEARCH_PREFIX) {
        /* A range on the unique email index per form of the prefix (the email rule: lowercased,
         * and as typed when that differs), ORed: SQLite reads each range from the index. */
        char *forms[2];
        size_t nf = bc_email_forms(search, forms);
        put_and(w, &terms);
        bc_buf_puts(&w->sql, nf > 1 ? "((" : "(");
        for (size_t f = 0; f < nf; f++) {
            if (f)
                bc_buf_puts(&w->sql, ") OR (");
            put_prefix_range(w, forms[f]);
            free(forms[f]);
        }
        bc_buf_puts(&w->sql, nf > 1 ? "))" : ")");
    } else if (*search && q->search_mode == BC_SEARCH_CONTAINS) {
        /* Like Better Auth's list-users "contains" (nothing is special), but letters of every
         * alphabet match either case (bc_text_fold), by bcadmin_contains (registered at open). */
        size_t n;
        char *needle = bc_text_fold(search, strlen(search), &n);
        put_and(w, &terms);
        bc_buf_puts(&w->sql, "bcadmin_contains(");
        sq_qb_param(w, bc_value_textn(needle, n));
        bc_buf_puts(&w->sql, ", \"email\", \"name\")");
        free(needle);
    } else if (*search) {
        return bc_fail(err, BC_USAGE, "unknown search mode %d", (int)q->search_mode);
    }
    if (*role) {
        /* role holds a comma-separated list ("user,admin"): match one whole entry. */
        char *needle = bc_xasprintf(",%s,", role);
        put_and(w, &terms);
        bc_buf_puts(&w->sql, "instr(',' || \"role\" || ',', ");
        sq_qb_param(w, bc_value_text(needle));
        bc_buf_puts(&w->sql, ") > 0");
        free(needle);
    }
    int64_t now = bc_now_ms();
    switch (q->ban) {
    case BC_BAN_ANY:
        break;
    case BC_BAN_ACTIVE:
        put_and(w, &terms);
        bc_buf_puts(&w->sql, "\"banned\" IS NOT 1");
        break;
    case BC_BAN_BANNED:
        put_and(w, &terms);
        sq_put_ban_in_force(w, now);
        break;
    case BC_BAN_EXPIRED:
        put_and(w, &terms);
        bc_buf_puts(&w->sql, "\"banned\" = 1 AND \"banExpires\" IS NOT NULL AND NOT ");
        sq_put_date_after_now(w, "banExpires", now);
        break;
    default:
        return bc_fail(err, BC_USAGE, "unknown ban filter %d", (int)q->ban);
    }
    if (q->verified == BC_VERIFIED_YES) {
        put_and(w, &terms);
        bc_buf_puts(&w->sql, "\"emailVerified\" = 1");
    } else if (q->verified == BC_VERIFIED_NO) {
        put_and(w, &terms);
        bc_buf_puts(&w->sql, "\"emailVerified\" IS NOT 1");
    } else if (q->verified != BC_VERIFIED_ANY) {
        return bc_fail(err, BC_USAGE, "unknown verified filter %d", q->verified);
    }
    if ((unsigned)q->sort > BC_SORT_NAME)
        return bc_fail(err, BC_USAGE, "unknown sort key %d", (int)q->sort);
    return BC_OK;
}

static bc_status user_spec(sq *s, const bc_user_query *q, qb *w, bc_buf *canon, page_spec *p,
                           bc_error *err)
{
    bc_status st = build_user_filter(s, q, w, canon, err);
    if (st != BC_OK)
        return st;
    *p = (page_spec){
        .model = BC_MODEL_USER,
        .kind = 'U',
        .sort = (uint8_t)q->sort,
        .column = bc_sort_field(q->sort),
        .nocase = q->sort == BC_SORT_NAME,
        .ascending = q->ascending,
        .where = w,
        .canonical = canon->data,
        .time_dependent = q->ban == BC_BAN_BANNED || q->ban == BC_BAN_EXPIRED,
        .scan = q->search && *q->search && q->search_mode == BC_SEARCH_CONTAINS,
        .deferred = q->search && *q->search && q->search_mode == BC_SEARCH_PREFIX,
        .limit = q->limit,
        .cursor = q->cursor,
        .want_total = q->want_total,
    };
    return BC_OK;
}

bc_status sqlite_users_page(bc_driver *d, const bc_user_query *q, bc_page *out, bc_error *err)
{
    sq *s = (sq *)d;
    qb w = {0};
    bc_buf canon = {0};
    page_spec p = {0};
    char *match = NULL;
    int64_t *set = NULL;
    bc_status st = user_spec(s, q, &w, &canon, &p, err);
    size_t limit = q->limit ? q->limit : BC_PAGE_DEFAULT, found = 0;
    sq_image_plan plan = SQ_IMAGE_NONE;
    if (st == BC_OK && p.scan)
        plan = sq_image_matches(s, q->search, limit, &set, &found);
    else
        sq_image_tend(s); /* the console's first page: start reading the image */
    /* The search the only filter: the image's matches are the answer's, so their number is
     * its count (kept as the driver keeps any count: sq_count_rows reads it) and a page with
     * its total is found as one without. */
    bool search_only =
        !(q->role && *q->role) && q->ban == BC_BAN_ANY && q->verified == BC_VERIFIED_ANY;
    size_t total = found;
    int64_t version;
    bool counted = plan != SQ_IMAGE_NONE && q->want_total && search_only &&
                   (plan != SQ_IMAGE_MANY || sq_image_count(s, q->search, &total)) &&
                   sq_data_version(s, &version, NULL) == BC_OK;
    if (counted)
        remember_count(s, sq_count_key(&p), version, (int64_t)total);
    if (plan == SQ_IMAGE_FEW || plan == SQ_IMAGE_SOME) {
        p.set = set;
        p.set_n = found;
        p.walk = plan == SQ_IMAGE_SOME && (!q->want_total || counted);
        s->in_set = set;
        s->in_set_n = found;
    } else if (st == BC_OK && p.scan) {
        int64_t docs, rows;
        p.match = match = sq_search_match(s, q->search, &docs, &rows);
        /* With the image's word that the matches are many, the walk fills its page. */
        p.walk = (!q->want_total || counted) &&
                 (plan == SQ_IMAGE_MANY || sq_search_walks(s, match, docs, rows, limit));
    }
    if (st == BC_OK)
        st = run_page(s, &p, out, err);
    s->in_set = NULL;
    s->in_set_n = 0;
    free(match);
    free(set);
    sq_qb_release(&w);
    bc_buf_release(&canon);
    return st;
}

/* The search of a sessions query: the IP address or user agent holds the needle, or the owner's
 * email or name does (the users matching are found once, by a subquery SQLite runs first). */
static void put_session_search(qb *w, const char *search)
{
    size_t n;
    char *needle = bc_text_fold(search, strlen(search), &n);
    bc_buf_puts(&w->sql, "(bcadmin_contains(");
    sq_qb_param(w, bc_value_textn(needle, n));
    bc_buf_puts(&w->sql, ", \"ipAddress\", \"userAgent\") OR \"userId\" IN (SELECT \"id\" FROM ");
    sq_put_ident(&w->sql, bc_model_get(BC_MODEL_USER)->name);
    bc_buf_puts(&w->sql, " WHERE bcadmin_contains(");
    sq_qb_param(w, bc_value_textn(needle, n));
    bc_buf_puts(&w->sql, ", \"email\", \"name\")))");
    free(needle);
}

bc_status sqlite_sessions_page(bc_driver *d, const bc_session_query *q, bc_page *out, bc_error *err)
{
    sq *s = (sq *)d;
    if (q->active_only && q->expired_only)
        return bc_fail(err, BC_USAGE, "sessions cannot be both active and expired");
    if ((unsigned)q->sort >= BC_SESSION_SORT_COUNT)
        return bc_fail(err, BC_USAGE, "unknown session sort key %d", (int)q->sort);
    qb w = {0};
    bc_buf canon = {0};
    size_t terms = 0;
    const char *user = q->user_id ? q->user_id : "";
    const char *search = q->search ? q->search : "";
    bc_buf_printf(&canon, "S|%zu:%s|%d%d%d|%zu:%s", strlen(user), user, q->active_only,
                  q->expired_only, q->impersonation_only, strlen(search), search);
    if (q->user_id) {
        put_and(&w, &terms);
        bc_buf_puts(&w.sql, "\"userId\" = ");
        sq_qb_param(&w, bc_value_text(q->user_id));
    }
    int64_t now = bc_now_ms();
    if (q->active_only || q->expired_only) {
        put_and(&w, &terms);
        bc_buf_puts(&w.sql, q->active_only ? "" : "NOT ");
        sq_put_date_after_now(&w, "expiresAt", now);
    }
    /* Every active (or expired) session: counted as the overview counts them, over index ranges
     * per stored form or from the summary, not by the ORed filter (which collects every
     * matching rowid to remove duplicates). Expired = every session - active (the filter says a
     * NULL expiresAt is not active, and NOT of it is true). */
    qb count = {0};
    if ((q->active_only || q->expired_only) && !q->user_id && !q->impersonation_only && !*search) {
        bc_buf_puts(&count.sql,
                    q->active_only ? "SELECT " : "SELECT (SELECT count(*) FROM \"session\") - ");
        sq_put_active_sessions(s, &count, now);
    }
    if (q->impersonation_only) {
        put_and(&w, &terms);
        bc_buf_puts(&w.sql, "\"impersonatedBy\" IS NOT NULL AND \"impersonatedBy\" <> ''");
    }
    if (*search) {
        put_and(&w, &terms);
        put_session_search(&w, search);
    }
    page_spec p = {
        .model = BC_MODEL_SESSION,
        .kind = 'S',
        .sort = (uint8_t)q->sort,
        .column = bc_session_sort_field(q->sort),
        .ascending = q->ascending,
        .where = &w,
        .canonical = canon.data,
        .time_dependent = q->active_only || q->expired_only,
        .count = count.sql.len ? &count : NULL,
        .limit = q->limit,
        .cursor = q->cursor,
        .want_total = q->want_total,
    };
    bc_status st = run_page(s, &p, out, err);
    sq_qb_release(&count);
    sq_qb_release(&w);
    bc_buf_release(&canon);
    return st;
}

char *bc_sqlite_users_plan(bc_driver *d, const bc_user_query *q, bc_error *err)
{
    sq *s = (sq *)d;
    qb w = {0}, full = {0};
    bc_buf canon = {0}, plan = {0};
    page_spec p;
    bc_cursor c = {0};
    bool have = false;
    char *match = NULL;
    bc_status st = user_spec(s, q, &w, &canon, &p, err);
    if (st == BC_OK && p.scan)
        p.match = match = sq_search_match(s, q->search, &(int64_t){0}, &(int64_t){0});
    if (st == BC_OK) {
        if (!p.limit)
            p.limit = BC_PAGE_DEFAULT;
        st = decode_cursor(s, &p, &c, &have, err);
    }
    if (st == BC_OK) {
        bc_buf_puts(&full.sql, "EXPLAIN QUERY PLAN ");
        if (p.scan)
            sq_build_scan_sql(&p, &full);
        else
            build_page_sql(s, &p, have ? &c : NULL, 0, &full);
        sqlite3_stmt *stmt = NULL;
        int rc = sqlite3_prepare_v2(s->db, full.sql.data, -1, &stmt, NULL);
        if (rc != SQLITE_OK) {
            st = sq_db_fail(s, rc, err, "explaining a query");
        } else {
            for (size_t i = 0; i < full.n; i++)
                sq_bind_value(stmt, (int)i + 1, &full.params[i]);
            while ((rc = sqlite3_step(stmt)) == SQLITE_ROW)
                bc_buf_printf(&plan, "%s\n", (const char *)sqlite3_column_text(stmt, 3));
            if (rc != SQLITE_DONE)
                st = sq_db_fail(s, rc, err, "explaining a query");
        }
        sqlite3_finalize(stmt);
    }
    free(match);
    bc_cursor_release(&c);
    sq_qb_release(&w);
    sq_qb_release(&full);
    bc_buf_release(&canon);
    if (st != BC_OK) {
        bc_buf_release(&plan);
        return NULL;
    }
    return bc_buf_take(&plan);
}
