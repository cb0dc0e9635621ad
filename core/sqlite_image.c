/* sqlite_image.c - the search image: every user's email and name, folded by the one folding rule
 * of every search (bc_text_fold_append), in one block of memory with their rowids, so that the
 * console's substring search finds the rowids of its matches by one memmem over the block
 * (a few ms for a million users) instead of a scan of the table (~200 ms) or, for fewer than
 * three characters or a rare trigram, the search index's candidates.
 *
 * The image is asked for by the console (bc_driver_prepare_search) and read in the background,
 * on a connection of its own, in short read transactions by rowid ranges. It answers only while
 * the users' emails and names are unchanged since the moment its reading began: the file's data
 * version (which other connections' commits change) and this connection's own changes are
 * noted then, and where the file has a filled search index (assets/search-index.sql) also the
 * index's fingerprint (index_fingerprint), which only a change to a user's email, name, id or
 * row changes: then writes to other tables (sessions on every sign-in) leave the image in use.
 * After a change it is dropped and read again in the background; until then searches take the
 * other plans. Its matches are therefore exactly the scan's, and the rows shown are still read
 * through the filter (bcadmin_contains), which checks each of them again.
 *
 * Memory: the folded text plus two bytes a user, an 8-byte rowid and a 4-byte offset each
 * (about 58 MB for the demo's million users: 44 MB of text), and the connection's page cache
 * grows to 64 MiB. A file whose folded text would not fit 4 GiB gets no image. Everything here
 * is owned by the connection (sq.image); sq_image_close frees it. */
#include "sqlite_internal.h"

#include <math.h>
#include <pthread.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "text.h"

enum {
    IMAGE_CHUNK = 50000, /* rows read per read transaction (an app write waits at most ~30 ms) */
};

/* The folded texts of n users in rowid order: user i's email, a NUL, its name, a NUL, from
 * text[starts[i]]; starts[n] is the end. A needle never holds a NUL, so no match crosses from
 * one field or user into the next. */
typedef struct {
    int64_t *rowids;
    uint32_t *starts;
    char *text;
    size_t n;
    size_t freq[256]; /* how often each byte is in text: a needle is looked for by its rarest */
    /* the last search whose every match was kept (folded) and its users, ascending */
    char *last_needle;
    size_t *last_rows, last_n;
    /* the file as it was when the reading began: see the top (fp NULL: no search index) */
    int64_t data_version, changes;
    char *fp;
    size_t fp_len;
} image;

struct sq_image {
    pthread_mutex_t lock;
    pthread_t thread;
    bool running;     /* a reader thread was started and is not joined yet */
    atomic_bool stop; /* the reader gives up at its next chunk */
    atomic_bool done; /* the reader finished (ready is set, or it failed) */
    image *ready;     /* read, not yet taken (under lock) */
    image *current;   /* the connection's, used while fresh */
    bool failed;      /* the last reading failed: not tried again until the file changes */
    char *path;
    int64_t next_version, next_changes; /* the noted state of the reading in progress */
    char *next_fp;
    size_t next_fp_len;
};

static void image_free(image *im)
{
    if (!im)
        return;
    free(im->rowids);
    free(im->starts);
    free(im->text);
    free(im->fp);
    free(im->last_needle);
    free(im->last_rows);
    free(im);
}

/* --- the reader thread -------------------------------------------------------------------- */

static image *read_image(struct sq_image *x)
{
    sqlite3 *db = NULL;
    if (sqlite3_open_v2(x->path, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK) {
        sqlite3_close_v2(db);
        return NULL;
    }
    sqlite3_busy_timeout(db, DEFAULT_BUSY_MS);
    char *sql = NULL;
    {
        bc_buf b = {0};
        bc_buf_puts(&b, "SELECT rowid, \"email\", \"name\" FROM ");
        sq_put_ident(&b, bc_model_get(BC_MODEL_USER)->name);
        bc_buf_puts(&b, " WHERE rowid > ? ORDER BY rowid LIMIT ?");
        sql = bc_buf_take(&b);
    }
    sqlite3_stmt *st = NULL;
    bool ok = sqlite3_prepare_v2(db, sql, -1, &st, NULL) == SQLITE_OK;
    free(sql);
    image *im = bc_xcalloc(1, sizeof *im);
    size_t cap = 0;
    bc_buf text = {0};
    int64_t after = INT64_MIN;
    for (bool more = ok; more && ok;) {
        if (atomic_load(&x->stop)) {
            ok = false;
            break;
        }
        sqlite3_bind_int64(st, 1, after);
        sqlite3_bind_int64(st, 2, IMAGE_CHUNK);
        int rc, got = 0;
        while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
            if (im->n + 1 >= cap) {
                cap = cap ? cap * 2 : 65536;
                im->rowids = bc_xrealloc(im->rowids, cap * sizeof *im->rowids);
                im->starts = bc_xrealloc(im->starts, cap * sizeof *im->starts);
            }
            after = sqlite3_column_int64(st, 0);
            im->rowids[im->n] = after;
            im->starts[im->n++] = (uint32_t)text.len;
            /* as bcadmin_contains reads each (NULL: nothing; a number: its text) */
            for (int c = 1; c <= 2; c++) {
                const char *v = (const char *)sqlite3_column_text(st, c);
                if (v)
                    bc_text_fold_append(&text, v, (size_t)sqlite3_column_bytes(st, c));
                bc_buf_append(&text, "", 1);
            }
            got++;
            if (text.len > UINT32_MAX - 1) {
                ok = false; /* too big for 32-bit offsets: no image */
                break;
            }
        }
        if (rc != SQLITE_DONE && rc != SQLITE_ROW)
            ok = false;
        sqlite3_reset(st);
        more = got == IMAGE_CHUNK;
    }
    sqlite3_finalize(st);
    sqlite3_close_v2(db);
    if (!ok) {
        bc_buf_release(&text);
        image_free(im);
        return NULL;
    }
    if (!im->starts)
        im->starts = bc_xmalloc(sizeof *im->starts);
    im->starts[im->n] = (uint32_t)text.len;
    size_t len = text.len;
    im->text = text.data ? bc_xrealloc(bc_buf_take(&text), len + 1) : bc_xcalloc(1, 1);
    for (size_t i = 0; i < im->starts[im->n]; i++)
        im->freq[(unsigned char)im->text[i]]++;
    return im;
}

static void *reader_main(void *arg)
{
    struct sq_image *x = arg;
#ifdef __linux__
    /* behind the console's own thread: a key is never kept waiting by the reading */
    setpriority(PRIO_PROCESS, (id_t)syscall(SYS_gettid), 10);
#endif
    image *im = read_image(x);
    pthread_mutex_lock(&x->lock);
    if (im) {
        im->data_version = x->next_version;
        im->changes = x->next_changes;
        im->fp = x->next_fp ? bc_xmemdup(x->next_fp, x->next_fp_len) : NULL;
        im->fp_len = x->next_fp_len;
    }
    image_free(x->ready);
    x->ready = im;
    x->failed = !im && !atomic_load(&x->stop);
    pthread_mutex_unlock(&x->lock);
    atomic_store(&x->done, true);
    return NULL;
}

/* --- on the connection's thread ------------------------------------------------------------ */

static void join_reader(struct sq_image *x)
{
    if (!x->running)
        return;
    pthread_join(x->thread, NULL);
    x->running = false;
}

/* The search index's fingerprint (see the top), or NULL when the file has no filled index:
 * the schema's version (its triggers dropped or changed), the doc table's last docid, the user
 * table's last rowid (one more guard), and FTS5's structure record (id 10: its segments and a
 * write counter, rewritten at the end of every transaction that wrote to the index, also when a
 * document was deleted and made again with the same text) and averages (id 1, its document
 * count), which the index's triggers write on every insert and delete of a user and every
 * change of a user's email, name or id. Only a transaction that makes a document and deletes it
 * again leaves them as they were: its user row is gone again too. *len gets its length; the
 * caller frees it. */
static char *index_fingerprint(sq *s, size_t *len)
{
    *len = 0;
    if (!sq_has_search_index(s))
        return NULL;
    qb q = {0};
    bc_buf_puts(&q.sql, "SELECT (SELECT \"schema_version\" FROM pragma_schema_version()), "
                        "(SELECT max(\"docid\") FROM \"bcadmin_user_search_doc\"), "
                        "(SELECT max(rowid) FROM ");
    sq_put_ident(&q.sql, bc_model_get(BC_MODEL_USER)->name);
    bc_buf_puts(&q.sql, "), "
                        "(SELECT \"block\" FROM \"bcadmin_user_search_data\" WHERE \"id\" = 10), "
                        "(SELECT \"block\" FROM \"bcadmin_user_search_data\" WHERE \"id\" = 1)");
    sqlite3_stmt *st;
    int rc;
    if (sq_query(s, &q, &st, &rc, NULL) != BC_OK)
        return NULL;
    bc_buf b = {0};
    for (int i = 0; rc == SQLITE_ROW && i < 5; i++) {
        const void *data = sqlite3_column_blob(st, i);
        uint64_t n = (uint64_t)sqlite3_column_bytes(st, i);
        bc_buf_append(&b, &n, sizeof n);
        if (n)
            bc_buf_append(&b, data, (size_t)n);
    }
    sq_finish(st);
    if (rc != SQLITE_ROW) {
        bc_buf_release(&b);
        return NULL;
    }
    *len = b.len;
    return bc_buf_take(&b);
}

/* Start reading the image as the file is now (noted first, see the top). */
static void start_reader(sq *s, struct sq_image *x, int64_t version)
{
    x->next_version = version;
    x->next_changes = sqlite3_total_changes64(s->db);
    free(x->next_fp);
    x->next_fp = index_fingerprint(s, &x->next_fp_len);
    atomic_store(&x->stop, false);
    atomic_store(&x->done, false);
    x->failed = false;
    x->running = pthread_create(&x->thread, NULL, reader_main, x) == 0;
}

void sq_image_close(sq *s)
{
    struct sq_image *x = s->image;
    if (!x)
        return;
    atomic_store(&x->stop, true);
    join_reader(x);
    image_free(x->ready);
    image_free(x->current);
    pthread_mutex_destroy(&x->lock);
    free(x->next_fp);
    free(x->path);
    free(x);
    s->image = NULL;
}

/* The image when it matches the file as it is now; else NULL, with a new reading started when
 * none runs (the stale image dropped). */
static image *fresh_image(sq *s)
{
    if (!s->image && atomic_load(&s->image_wanted)) {
        struct sq_image *x = bc_xcalloc(1, sizeof *x);
        pthread_mutex_init(&x->lock, NULL);
        x->path = bc_xstrdup(s->path);
        s->image = x;
        /* The rows of a search's matches are read by rowid, one page each: kept in a larger
         * cache (64 MiB, SQLite's default is 2 MiB), the next letter's rows, most of them the
         * same, are not read again (while the file is unchanged). */
        sq_run_plain(s, "PRAGMA cache_size = -65536", "sizing the page cache", NULL);
    }
    struct sq_image *x = s->image;
    if (!x || s->in_txn) /* inside our own transaction the file may differ from the image */
        return NULL;
    if (x->running && atomic_load(&x->done)) {
        join_reader(x);
        pthread_mutex_lock(&x->lock);
        if (x->ready) {
            image_free(x->current);
            x->current = x->ready;
            x->ready = NULL;
        }
        pthread_mutex_unlock(&x->lock);
    }
    int64_t version;
    if (sq_data_version(s, &version, NULL) != BC_OK)
        return NULL;
    image *im = x->current;
    int64_t changes = sqlite3_total_changes64(s->db);
    if (im && im->data_version == version && im->changes == changes)
        return im;
    if (im && im->fp) {
        /* the file changed: did the users' emails and names? */
        size_t len;
        char *fp = index_fingerprint(s, &len);
        bool same = fp && len == im->fp_len && memcmp(fp, im->fp, len) == 0;
        free(fp);
        if (same) {
            im->data_version = version;
            im->changes = changes;
            return im;
        }
    }
    bool unchanged =
        version == x->next_version && x->next_changes == sqlite3_total_changes64(s->db);
    if (!x->running && !(x->failed && unchanged)) {
        image_free(x->current);
        x->current = NULL;
        start_reader(s, x, version);
    }
    return NULL;
}

void sq_image_tend(sq *s)
{
    (void)fresh_image(s);
}

/* The user whose text holds offset off: the last start <= off, looked for from row `from` (a
 * user at or before it) on, by steps doubling then halving: the hits of a scan come in order, so
 * most are a few users on. */
static size_t row_at(const image *im, size_t off, size_t from)
{
    size_t lo = from, step = 1, hi = lo + 1; /* starts[lo] <= off */
    while (hi < im->n && im->starts[hi] <= off) {
        lo = hi;
        step *= 2;
        hi = lo + step;
    }
    if (hi > im->n)
        hi = im->n; /* starts[lo] <= off < starts[hi] (starts[n] is the end) */
    while (hi - lo > 1) {
        size_t mid = lo + (hi - lo) / 2;
        if (im->starts[mid] <= off)
            lo = mid;
        else
            hi = mid;
    }
    return lo;
}

/* 16 bytes compared at once (GCC's vector extensions: SSE2 or NEON where there are, plain code
 * elsewhere). */
typedef unsigned char bytes16 __attribute__((vector_size(16)));

static bytes16 load16(const char *p)
{
    bytes16 v;
    memcpy(&v, p, sizeof v);
    return v;
}

/* The rows holding needle, in rowid order, handed to hit(ctx, row) until it returns false.
 * Every place where the needle's two rarest bytes (by im->freq) stand at their distance is a
 * candidate, 16 places at a time, checked whole by memcmp; after a hit the search goes on at the
 * next user. false when *cancel was set (bc_driver_interrupt) before the end. */
static bool find_rows(const image *im, const char *needle, size_t nn, const atomic_bool *cancel,
                      bool (*hit)(void *ctx, size_t row), void *ctx)
{
    const unsigned char *u = (const unsigned char *)needle;
    size_t a = 0, b = 0;
    for (size_t i = 1; i < nn; i++)
        if (im->freq[u[i]] < im->freq[u[a]])
            a = i;
    for (size_t i = 0; i < nn; i++)
        if (i != a && (b == a || im->freq[u[i]] < im->freq[u[b]]))
            b = i;
    size_t end = im->starts[im->n];
    if (end < nn)
        return true;
    size_t last = end - nn; /* the last place a match can start */
    const char *t = im->text;
    bytes16 ca, cb;
    memset(&ca, u[a], sizeof ca);
    memset(&cb, u[b], sizeof cb);
    size_t row = 0; /* the user of the last hit (or 0) */
    size_t pos = 0;
    for (unsigned ticks = 1;; ticks++) {
        if (!(ticks & 0xfff) && atomic_load(cancel)) /* every 64 KiB or 4,096 hits */
            return false;
        uint32_t mask = 0;
        size_t span = 16;
        if (pos + 16 + nn <= end + 1) {
            bytes16 m = (bytes16)(load16(t + pos + a) == ca) & (bytes16)(load16(t + pos + b) == cb);
            uint64_t w[2];
            memcpy(w, &m, sizeof w);
            if (!(w[0] | w[1])) {
                pos += 16;
                continue;
            }
            for (int k = 0; k < 16; k++)
                if (((const unsigned char *)&m)[k])
                    mask |= 1u << k;
        } else if (pos <= last) {
            span = last - pos + 1;
            for (size_t k = 0; k < span; k++)
                if ((unsigned char)t[pos + k + a] == u[a] && (unsigned char)t[pos + k + b] == u[b])
                    mask |= 1u << k;
        } else {
            return true;
        }
        size_t next = pos + span;
        for (; mask; mask &= mask - 1) {
            size_t at = pos + (size_t)__builtin_ctz(mask);
            if (memcmp(t + at, needle, nn) != 0)
                continue;
            row = row_at(im, at, row);
            if (!hit(ctx, row))
                return true;
            next = im->starts[row + 1]; /* the lowest hit: the rest of this user is done */
            break;
        }
        pos = next;
    }
}

typedef struct {
    size_t *rows;
    size_t n, cap;
} row_list;

/* Keeps up to cap + 1 users: the last says there are more than cap. */
static bool add_row(void *ctx, size_t row)
{
    row_list *l = ctx;
    l->rows[l->n++] = row;
    return l->n <= l->cap;
}

/* The plans by the number of matches m among users n, for a page of limit rows (in CPU time per
 * row: ~2.5 us to read a row by rowid and check it, ~0.1 us to step over an index entry without
 * reading its row; measured on the demo's million users):
 * - m <= sqrt((limit + 1) n) / 5 (~2,000 for a million and 100 rows): read the m rows by rowid,
 *   keep the page in a heap, count them (the scan of sqlite_search.c over them): <= 5 ms.
 * - m <= s->image_set_max (32,768): walk the sort index, reading only the rows among the m: about
 *   (limit + 1) n / m index entries (<= 50,000 at the bound above) and limit + 1 rows.
 * - more: walk the sort order checking each row: about (limit + 1) n / m rows (<= 3,100; for a
 *   larger page the set's bound grows so that this stays within half the walk's budget). */
sq_image_plan sq_image_matches(sq *s, const char *search, size_t limit, int64_t **rowids, size_t *n)
{
    *rowids = NULL;
    *n = 0;
    image *im = fresh_image(s);
    if (!im || !search || !*search)
        return SQ_IMAGE_NONE;
    size_t few = (size_t)(sqrt((double)(limit + 1) * (double)im->n) / 5);
    if (few < limit + 1)
        few = limit + 1;
    /* Many: the plain walk meets its limit + 1 matches within half its budget of rows. */
    size_t cap = few > s->image_set_max ? few : s->image_set_max,
           walk = (size_t)(2 * (double)(limit + 1) * (double)im->n / (double)s->walk_rows);
    if (cap < walk)
        cap = walk;
    row_list l = {.cap = cap, .rows = bc_xmalloc((cap + 1) * sizeof(size_t))};
    size_t nn;
    char *needle = bc_text_fold(search, strlen(search), &nn);
    if (im->last_needle && strstr(needle, im->last_needle)) {
        /* The last search's users (all of them) hold every match of a needle containing its
         * (typing on): only their texts are looked at. */
        for (size_t i = 0; i < im->last_n; i++) {
            size_t r = im->last_rows[i];
            const char *t = im->text + im->starts[r];
            if (memmem(t, im->starts[r + 1] - im->starts[r], needle, nn) && !add_row(&l, r))
                break;
        }
    } else {
        if (!find_rows(im, needle, nn, &s->base.cancel, add_row, &l)) {
            free(l.rows);
            free(needle);
            return SQ_IMAGE_NONE; /* stopped: the other plans stop at once too */
        }
    }
    *n = l.n;
    if (l.n > cap) {
        free(l.rows);
        free(needle);
        return SQ_IMAGE_MANY;
    }
    free(im->last_needle);
    free(im->last_rows);
    im->last_needle = needle;
    im->last_rows = l.rows;
    im->last_n = l.n;
    *rowids = bc_xmalloc((l.n ? l.n : 1) * sizeof(int64_t));
    for (size_t i = 0; i < l.n; i++)
        (*rowids)[i] = im->rowids[l.rows[i]];
    return l.n <= few ? SQ_IMAGE_FEW : SQ_IMAGE_SOME;
}

static bool count_row(void *ctx, size_t row)
{
    (void)row;
    (*(size_t *)ctx)++;
    return true;
}

bool sq_image_count(sq *s, const char *search, size_t *n)
{
    *n = 0;
    image *im = fresh_image(s);
    if (!im || !search || !*search)
        return false;
    size_t nn;
    char *needle = bc_text_fold(search, strlen(search), &nn);
    bool done = find_rows(im, needle, nn, &s->base.cancel, count_row, n);
    free(needle);
    return done;
}

void sq_in_set_fn(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    (void)argc;
    const sq *s = sqlite3_user_data(ctx);
    int64_t v = sqlite3_value_int64(argv[0]);
    size_t lo = 0, hi = s->in_set_n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (s->in_set[mid] < v)
            lo = mid + 1;
        else
            hi = mid;
    }
    sqlite3_result_int(ctx, lo < s->in_set_n && s->in_set[lo] == v);
}

bool bc_sqlite_search_image_ready(bc_driver *d)
{
    return fresh_image((sq *)d) != NULL;
}
