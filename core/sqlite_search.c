/* sqlite_search.c - the SQLite driver's substring search: one scan that counts every match and
 * keeps the page in a bounded heap, the bcadmin_contains() SQL function it filters with, and the
 * choice of the trigram index's candidates when the file has the index and the needle is
 * selective. */
#include "sqlite_internal.h"

#include <stdlib.h>
#include <string.h>

#include "cursor.h"
#include "text.h"

/* --- pages in one scan ---------------------------------------------------------------------- */

/* A filter that must look at every row (substring search) is answered by one scan that counts
 * every match and keeps the best limit + 1 (sort key, id) past the cursor in a bounded heap;
 * then only those rows are read, by rowid. Two statements (a sorted page and a count) would
 * scan the table twice. The heap orders as SQLite's ORDER BY does: NULL, numbers, text, blobs;
 * text by bytes, or ASCII-case-folded for COLLATE NOCASE. */

typedef struct {
    int64_t rowid;
    bc_value key, id;
} hit;

static int value_rank(const bc_value *v)
{
    switch (v->kind) {
    case BC_V_NULL:
        return 0;
    case BC_V_TEXT:
        return 2;
    case BC_V_BLOB:
        return 3;
    default:
        return 1;
    }
}

static long double value_number(const bc_value *v)
{
    switch (v->kind) {
    case BC_V_INT:
        return (long double)v->u.i;
    case BC_V_REAL:
        return v->u.r;
    case BC_V_BOOL:
        return v->u.b;
    case BC_V_DATE:
        return (long double)v->u.ms;
    default:
        return 0;
    }
}

static unsigned char ascii_lower(unsigned char c)
{
    return c >= 'A' && c <= 'Z' ? (unsigned char)(c + 32) : c;
}

static int cmp_value(const bc_value *a, const bc_value *b, bool nocase)
{
    int ra = value_rank(a), rb = value_rank(b);
    if (ra != rb)
        return ra < rb ? -1 : 1;
    if (ra == 0)
        return 0;
    if (ra == 1) {
        if (a->kind == BC_V_INT && b->kind == BC_V_INT)
            return (a->u.i > b->u.i) - (a->u.i < b->u.i);
        long double x = value_number(a), y = value_number(b);
        return (x > y) - (x < y);
    }
    size_t n = a->len < b->len ? a->len : b->len;
    const unsigned char *x = (const unsigned char *)a->u.text,
                        *y = (const unsigned char *)b->u.text;
    int c = 0;
    if (nocase && ra == 2) {
        for (size_t i = 0; i < n && !c; i++)
            c = ascii_lower(x[i]) - ascii_lower(y[i]);
    } else if (n) {
        c = memcmp(x, y, n);
    }
    if (c)
        return c < 0 ? -1 : 1;
    return (a->len > b->len) - (a->len < b->len);
}

/* <0 when (ka, ia) comes before (kb, ib) in the order the page is read. */
static int read_order(const page_spec *p, bool descending, const bc_value *ka, const bc_value *ia,
                      const bc_value *kb, const bc_value *ib)
{
    int c = cmp_value(ka, kb, p->nocase);
    if (!c)
        c = cmp_value(ia, ib, false);
    return descending ? -c : c;
}

/* A column as stored, pointing into the statement's memory (valid until the next step; never
 * released): compared for every match, copied only when kept. */
static bc_value column_view(sqlite3_stmt *st, int i)
{
    int type = sqlite3_column_type(st, i);
    if (type != SQLITE_TEXT && type != SQLITE_BLOB)
        return sq_raw_value(st, i);
    const void *data =
        type == SQLITE_TEXT ? (const void *)sqlite3_column_text(st, i) : sqlite3_column_blob(st, i);
    return (bc_value){.kind = type == SQLITE_TEXT ? BC_V_TEXT : BC_V_BLOB,
                      .u.text = (char *)(data ? data : ""),
                      .len = (size_t)sqlite3_column_bytes(st, i)};
}

/* A max-heap in read order: the root is the worst row kept, the first to give way. */
typedef struct {
    hit *items;
    size_t n, cap;
    const page_spec *p;
    bool descending;
} hit_heap;

static int heap_cmp(const hit_heap *h, size_t i, size_t j)
{
    return read_order(h->p, h->descending, &h->items[i].key, &h->items[i].id, &h->items[j].key,
                      &h->items[j].id);
}

static void heap_swap(hit_heap *h, size_t i, size_t j)
{
    hit tmp = h->items[i];
    h->items[i] = h->items[j];
    h->items[j] = tmp;
}

static void heap_down(hit_heap *h, size_t i)
{
    for (;;) {
        size_t l = 2 * i + 1, r = l + 1, m = i;
        if (l < h->n && heap_cmp(h, l, m) > 0)
            m = l;
        if (r < h->n && heap_cmp(h, r, m) > 0)
            m = r;
        if (m == i)
            return;
        heap_swap(h, i, m);
        i = m;
    }
}

static void heap_up(hit_heap *h, size_t i)
{
    while (i && heap_cmp(h, i, (i - 1) / 2) > 0) {
        heap_swap(h, i, (i - 1) / 2);
        i = (i - 1) / 2;
    }
}

static void hit_release(hit *x)
{
    bc_value_release(&x->key);
    bc_value_release(&x->id);
}

/* Offer a match (views into the statement) to the heap. */
static void heap_offer(hit_heap *h, int64_t rowid, const bc_value *key, const bc_value *id)
{
    if (h->n == h->cap) {
        hit *worst = &h->items[0];
        if (read_order(h->p, h->descending, key, id, &worst->key, &worst->id) >= 0)
            return;
        hit_release(worst);
        *worst = (hit){rowid, bc_value_copy(key), bc_value_copy(id)};
        heap_down(h, 0);
        return;
    }
    h->items[h->n] = (hit){rowid, bc_value_copy(key), bc_value_copy(id)};
    heap_up(h, h->n++);
}

/* SELECT rowid, key, id FROM table WHERE filter: every match, in no particular order. */
void sq_build_scan_sql(const page_spec *p, qb *q)
{
    bc_buf_puts(&q->sql, "SELECT rowid, ");
    sq_put_ident(&q->sql, p->column);
    bc_buf_puts(&q->sql, ", \"id\" FROM ");
    sq_put_ident(&q->sql, bc_model_get(p->model)->name);
    sq_qb_append(q, p->where);
    if (p->match) {
        /* Only the candidates of the trigram index; the filter above still checks each one
         * against the row, so the answer is the scan's. */
        bc_buf_puts(&q->sql, " AND \"id\" IN (SELECT \"id\" FROM \"bcadmin_user_search_doc\" "
                             "WHERE \"docid\" IN (SELECT rowid FROM \"bcadmin_user_search\" "
                             "WHERE \"bcadmin_user_search\" MATCH ");
        sq_qb_param(q, bc_value_text(p->match));
        bc_buf_puts(&q->sql, "))");
    }
    if (p->set) {
        /* The search image's matches, as a JSON array; the filter above checks each again. */
        bc_buf list = {0};
        bc_buf_puts(&list, "[");
        for (size_t i = 0; i < p->set_n; i++)
            bc_buf_printf(&list, "%s%lld", i ? "," : "", (long long)p->set[i]);
        bc_buf_puts(&list, "]");
        bc_buf_puts(&q->sql, " AND rowid IN (SELECT value FROM json_each(");
        sq_qb_param(q, bc_value_text(list.data));
        bc_buf_release(&list);
        bc_buf_puts(&q->sql, "))");
    }
}

/* The rows of one page by a scan (see above): out->rows in read order, *more when a row follows
 * them, *total every match of the filter (cursor or not). */
bc_status sq_scan_page(sq *s, const page_spec *p, const bc_cursor *c, bool descending, bc_page *out,
                       page_edges *e, bool *more, int64_t *total, bc_error *err)
{
    /* One read transaction for the scan and the reads after it, so they see the same rows. */
    bool own = !s->in_txn && sq_run_plain(s, "BEGIN", "starting a read", err) == BC_OK;
    if (!s->in_txn && !own)
        return BC_ERR;
    hit_heap h = {.cap = p->limit + 1, .p = p, .descending = descending};
    h.items = bc_xcalloc(h.cap, sizeof *h.items);
    qb q = {0};
    sq_build_scan_sql(p, &q);
    sqlite3_stmt *st;
    bc_status status = sq_start(s, &q, &st, err);
    sq_qb_release(&q);
    int64_t n = 0;
    if (status == BC_OK) {
        int rc = sq_first_step(s, st);
        for (; rc == SQLITE_ROW; rc = sqlite3_step(st)) {
            if (++n % 256 == 0 && s->base.found) /* for "N found so far" on another thread */
                atomic_store(s->base.found, (size_t)n);
            bc_value key = column_view(st, 1), id = column_view(st, 2);
            if (!c || read_order(p, descending, &key, &id, &c->key, &c->id) > 0)
                heap_offer(&h, sqlite3_column_int64(st, 0), &key, &id);
        }
        if (rc != SQLITE_DONE)
            status = sq_db_fail(s, rc, err, "searching rows");
        sq_finish(st);
    }
    /* Pop the worst first: the array ends up in read order. */
    size_t kept = h.n;
    for (size_t i = kept; i > 1; i--) {
        heap_swap(&h, 0, i - 1);
        h.n = i - 1;
        heap_down(&h, 0);
    }
    *more = kept > p->limit;
    if (*more)
        kept = p->limit;
    if (kept) {
        e->first_key = bc_value_copy(&h.items[0].key);
        e->first_id = bc_value_copy(&h.items[0].id);
        e->last_key = bc_value_copy(&h.items[kept - 1].key);
        e->last_id = bc_value_copy(&h.items[kept - 1].id);
    }
    /* The kept rows themselves, by rowid. */
    qb fetch = {0};
    const table *t = &s->tables[p->model];
    bc_buf_printf(&fetch.sql, "SELECT %s FROM ", t->select_list);
    sq_put_ident(&fetch.sql, bc_model_get(p->model)->name);
    bc_buf_puts(&fetch.sql, " WHERE rowid = ?");
    if (status == BC_OK)
        status = sq_prepare(s, fetch.sql.data, &st, err);
    for (size_t i = 0; i < kept && status == BC_OK; i++) {
        sqlite3_bind_int64(st, 1, h.items[i].rowid);
        int rc = sq_first_step(s, st);
        if (rc == SQLITE_ROW) {
            bc_record r = sq_decode_row(t, st);
            bc_rows_push(&out->rows, &r);
        } else if (rc != SQLITE_DONE) {
            status = sq_db_fail(s, rc, err, "reading a page");
        }
        sq_finish(st);
    }
    sq_qb_release(&fetch);
    for (size_t i = 0; i < h.cap; i++)
        hit_release(&h.items[i]);
    free(h.items);
    if (own)
        sq_run_plain(s, "COMMIT", "ending a read", NULL);
    *total = n;
    return status;
}

/* --- substring search -------------------------------------------------------------------- */

/* bcadmin_contains(needle, text...): 1 when one of the texts contains needle (already folded by
 * bc_text_fold), compared as bc_text_contains_folded does: `text LIKE '%needle%'` with the
 * needle's % _ and \ taken as text and every alphabet's letters matching either case, checked in
 * order so a match on the email skips the name. NULLs never match; numbers are matched as their
 * text, as LIKE does. */
void sq_contains_fn(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    const unsigned char *needle = sqlite3_value_text(argv[0]);
    size_t nn = (size_t)sqlite3_value_bytes(argv[0]);
    if (!needle) {
        sqlite3_result_null(ctx);
        return;
    }
    for (int i = 1; i < argc; i++) {
        const unsigned char *h = sqlite3_value_text(argv[i]);
        if (h && bc_text_contains_folded((const char *)h, (size_t)sqlite3_value_bytes(argv[i]),
                                         (const char *)needle, nn)) {
            sqlite3_result_int(ctx, 1);
            return;
        }
    }
    sqlite3_result_int(ctx, 0);
}

/* --- substring search by the trigram index -------------------------------------------------- */

enum {
    SEARCH_PROBES = 8,  /* trigrams of a long needle whose document counts are looked up */
    SEARCH_TERMS = 3,   /* the rarest of them ANDed in the index query */
    SEARCH_SHARE = 16,  /* the index is used while the rarest matches under 1/16 of the rows */
    SEARCH_SMALL = 256, /* ... or fewer rows than this whatever the table's size */
};

/* The index query for a substring search (search as given; folded here by bc_text_fold as the
 * matcher folds it), or NULL when the scan is the better plan or the only one: no index in the
 * file, fewer than 3 characters, or even the rarest trigram in over 1/16 of the users (then
 * checking the candidates one by one costs more than reading every row: about 5 us a candidate
 * against 0.3 us a row).
 *
 * Only trigrams of three ASCII characters are used. The index is a superset of the matches
 * only where a needle's trigrams are tokenized as they are in the row: for ASCII that holds
 * whatever surrounds them (invalid UTF-8 after a multi-byte character changes how the tokenizer
 * decodes it), and the trigram tokenizer folds case per character as bc_text_fold does, so an
 * ASCII trigram of the folded needle is in the index wherever the row's folded text has it
 * ("ştefan" probes "tef", which "ŞTEFAN" was indexed under). The exceptions are characters whose
 * lowercase is longer than themselves (U+0130 İ); a needle without an ASCII trigram (all
 * non-ASCII) is scanned.
 *
 * With a query: *docs gets the users its rarest trigram is in (at least the matches) and *rows
 * the users indexed, or -1 when they were not looked up (few candidates). */
char *sq_search_match(sq *s, const char *search, int64_t *docs_out, int64_t *rows_out)
{
    *docs_out = *rows_out = -1;
    size_t n = search ? strlen(search) : 0;
    if (n < 3 || !sq_has_search_index(s))
        return NULL;
    char *folded = bc_text_fold(search, n, &n);
    /* Distinct ASCII trigrams of the folded needle, in needle order. */
    char(*grams)[4] = bc_xcalloc(n + 1, sizeof *grams);
    size_t ng = 0;
    for (size_t i = 0; i + 3 <= n; i++) {
        const unsigned char *g = (const unsigned char *)folded + i;
        if (g[0] >= 0x80 || g[1] >= 0x80 || g[2] >= 0x80)
            continue;
        char t[4] = {(char)g[0], (char)g[1], (char)g[2]};
        bool seen = false;
        for (size_t j = 0; j < ng && !seen; j++)
            seen = memcmp(grams[j], t, 3) == 0;
        if (!seen)
            memcpy(grams[ng++], t, 4);
    }
    /* A long needle: probe trigrams spread over it, first and last included. */
    size_t probes = ng < SEARCH_PROBES ? ng : SEARCH_PROBES;
    int64_t docs[SEARCH_PROBES];
    size_t pick[SEARCH_PROBES];
    bool ok = probes > 0 &&
              sq_run_plain(s,
                           "CREATE VIRTUAL TABLE IF NOT EXISTS temp.\"bcadmin_user_search_vocab\" "
                           "USING fts5vocab(main, bcadmin_user_search, row)",
                           "opening the search index's vocabulary", NULL) == BC_OK;
    for (size_t i = 0; i < probes && ok; i++) {
        pick[i] = probes > 1 ? i * (ng - 1) / (probes - 1) : 0;
        qb q = {0};
        bc_buf_puts(&q.sql,
                    "SELECT coalesce(max(\"doc\"), 0) FROM temp.\"bcadmin_user_search_vocab\" "
                    "WHERE \"term\" = ");
        sq_qb_param(&q, bc_value_text(grams[pick[i]]));
        ok = sq_query_int(s, &q, &docs[i], "reading the search index", NULL) == BC_OK;
        sq_qb_release(&q);
    }
    /* The rarest few, rarest first (a handful: selection sort). */
    for (size_t i = 0; i < probes && ok; i++)
        for (size_t j = i + 1; j < probes; j++)
            if (docs[j] < docs[i]) {
                int64_t d = docs[i];
                size_t k = pick[i];
                docs[i] = docs[j], pick[i] = pick[j];
                docs[j] = d, pick[j] = k;
            }
    int64_t rows = 0;
    if (ok && docs[0] > SEARCH_SMALL) {
        qb q = {0};
        bc_buf_puts(&q.sql, "SELECT coalesce(max(\"docid\"), 0) FROM \"bcadmin_user_search_doc\"");
        ok = sq_query_int(s, &q, &rows, "reading the search index", NULL) == BC_OK &&
             docs[0] * SEARCH_SHARE <= rows;
        sq_qb_release(&q);
        *docs_out = docs[0];
        *rows_out = rows;
    }
    char *match = NULL;
    if (ok) {
        /* "abc" AND "bcd": detail=none refuses phrases, so each term is one quoted trigram
         * (a double quote inside is doubled). */
        bc_buf m = {0};
        for (size_t i = 0; i < probes && i < SEARCH_TERMS; i++) {
            bc_buf_puts(&m, i ? " AND \"" : "\"");
            for (const char *c = grams[pick[i]]; *c; c++)
                bc_buf_puts(&m, *c == '"' ? "\"\"" : (char[]){*c, '\0'});
            bc_buf_puts(&m, "\"");
        }
        match = bc_buf_take(&m);
    }
    free(grams);
    free(folded);
    return match;
}

/* Whether a page without its total is looked for in the sort order first (page_spec.walk):
 * always without the index's candidates; with them, when the rarest trigram is common enough
 * that limit + 1 matches would be within the walk's rows if every user it is in matched (it is
 * in at least as many users as match; few candidates are cheaper to check than any walk). */
bool sq_search_walks(sq *s, const char *match, int64_t docs, int64_t rows, size_t limit)
{
    if (!match)
        return true;
    return docs > 0 && rows > 0 && docs * s->walk_rows >= (int64_t)(limit + 1) * rows;
}
