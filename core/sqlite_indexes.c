/* sqlite_indexes.c - the SQLite driver's browse and search indexes and the overview summary
 * (`bcadmin db index`): built on a live file in short transactions, the search index and the
 * summary filled in rowid ranges, dropped again. */
#include "sqlite_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "embedded.h"

/* --- browse and search indexes ------------------------------------------------------------ */

/* The scripts `bcadmin db index` runs, in order: the browse indexes, then the substring-search
 * index (an FTS5 table, its doc table and the triggers on "user" that keep them in step), then
 * the overview summary (per-day counts and the triggers on "user" and "session" that keep them). */
static const char *const index_assets[] = {"browse-indexes.sql", "search-index.sql",
                                           "stats-summary.sql"};
/* What each asset is, for progress reports. */
static const char *const index_parts[] = {"the browsing indexes", "the search index",
                                          "the overview summary"};

static const struct bc_embedded *index_asset(const char *name, bc_error *err)
{
    const struct bc_embedded *e = bc_embedded_find(bc_assets, name);
    if (!e)
        bc_fail(err, BC_ERR, "%s is missing from this build", name);
    return e;
}

/* One object a script makes, read from its `CREATE <kind> IF NOT EXISTS "name"` statements:
 * the scripts themselves are the one list of what bcadmin adds to a file. */
typedef struct {
    const char *type; /* as sqlite_schema says: index, table (also virtual), view or trigger */
    const char *drop; /* DROP INDEX / TABLE / VIEW / TRIGGER */
    char *name;
} index_object;

typedef struct {
    index_object *items;
    size_t n;
} index_objects;

static void index_objects_release(index_objects *o)
{
    for (size_t i = 0; i < o->n; i++)
        free(o->items[i].name);
    free(o->items);
    *o = (index_objects){0};
}

static void parse_objects(const char *sql, index_objects *out)
{
    static const struct {
        const char *marker, *type, *drop;
    } kinds[] = {
        {"CREATE INDEX IF NOT EXISTS \"", "index", "DROP INDEX"},
        {"CREATE TABLE IF NOT EXISTS \"", "table", "DROP TABLE"},
        {"CREATE VIRTUAL TABLE IF NOT EXISTS \"", "table", "DROP TABLE"},
        {"CREATE VIEW IF NOT EXISTS \"", "view", "DROP VIEW"},
        {"CREATE TRIGGER IF NOT EXISTS \"", "trigger", "DROP TRIGGER"},
    };
    for (const char *p = strstr(sql, "CREATE "); p; p = strstr(p + 1, "CREATE ")) {
        for (size_t k = 0; k < sizeof kinds / sizeof kinds[0]; k++) {
            size_t len = strlen(kinds[k].marker);
            if (strncmp(p, kinds[k].marker, len) != 0)
                continue;
            const char *name = p + len, *end = strchr(name, '"');
            if (!end)
                break;
            out->items = bc_xrealloc(out->items, (out->n + 1) * sizeof *out->items);
            out->items[out->n++] = (index_object){kinds[k].type, kinds[k].drop,
                                                  bc_xstrndup(name, (size_t)(end - name))};
            break;
        }
    }
}

/* Whether every object of the script `asset` is in the file. */
static bool has_asset_objects(sq *s, const char *asset)
{
    const struct bc_embedded *e = index_asset(asset, NULL);
    if (!e)
        return false;
    index_objects o = {0};
    parse_objects(e->data, &o);
    bool all = o.n > 0;
    for (size_t i = 0; i < o.n && all; i++)
        all = sq_has_object(s, o.items[i].type, o.items[i].name);
    index_objects_release(&o);
    return all;
}

/* --- building the indexes on a live file ----------------------------------------------------
 *
 * `db index` runs while the app writes the same file, and SQLite builds an index only under the
 * write lock, so the build is cut into short transactions with a pause after each one in which
 * an app write that waited gets the lock (pause_between): each browse index in a transaction of
 * its own, then the search index's tables and triggers in one, then its fill over successive
 * rowid ranges of the user table (search-index.sql's :lo/:hi statements), each range a
 * transaction of about FILL_MS.
 *
 * Fill state: while the fill is unfinished, the search doc table holds one row whose id is a
 * BLOB (never equal to a user's text id, so no trigger and no search ever meets it) holding the
 * next rowid to fill, at the docid one above the user table's largest rowid when the fill
 * began. That docid makes the triggers number the documents of users written meanwhile above
 * every rowid the fill still gives out as a docid. The row goes in the transaction that fills
 * the last range. While it exists, the plan does not use the index (has_search_index is false)
 * and the next `db index` resumes at the recorded rowid.
 *
 * The BLOB also names the first row the fill has not reached ("NEXT ROWID ID"): rowids can be
 * renumbered between two fill transactions (SQLite's VACUUM renumbers a table that has no
 * INTEGER PRIMARY KEY and no index, and says it may do so to any table without an INTEGER
 * PRIMARY KEY; a dump and reload does too), and rows not yet filled could then land below the
 * next rowid and never be indexed. Each fill transaction first checks that this row is still at
 * its rowid (renumbering keeps the order of rows, so if the first unfilled row did not move, no
 * unfilled row moved below it); if it moved or is gone, the fill starts over. */
enum {
    FILL_FIRST = 2000,       /* rowids in the first fill transaction */
    FILL_MS = 150,           /* what each fill transaction aims to take */
    INDEX_PAUSE_MARGIN = 10, /* ms a pause lasts beyond a waiting writer's sleep */
    FILL_RESTARTS = 3,       /* starts over at most this often in one run, then gives up */
};

static const char fill_state_sql[] =
    "SELECT \"docid\", CAST(CAST(\"id\" AS TEXT) AS INTEGER), CAST(\"id\" AS TEXT) "
    "FROM \"bcadmin_user_search_doc\" WHERE \"id\" >= X'' LIMIT 1";

/* The first user row at or after the fill's next rowid: rowid 0 when there is none (id NULL);
 * known false when the state was written before it was recorded. id is owned. */
typedef struct {
    bool known;
    int64_t rowid;
    char *id;
} fill_mark;

static void fill_mark_release(fill_mark *m)
{
    free(m->id);
    *m = (fill_mark){0};
}

/* The fill state (reserved docid, next rowid, the first unfilled row when mark is given): false
 * when there is none (or no doc table). */
static bool fill_state_mark(sq *s, int64_t *reserved, int64_t *next, fill_mark *mark)
{
    sqlite3_stmt *st = NULL;
    bool found = false;
    if (mark)
        *mark = (fill_mark){0};
    if (sqlite3_prepare_v2(s->db, fill_state_sql, -1, &st, NULL) == SQLITE_OK &&
        sqlite3_step(st) == SQLITE_ROW) {
        *reserved = sqlite3_column_int64(st, 0);
        *next = sqlite3_column_int64(st, 1);
        found = true;
        const char *text = (const char *)sqlite3_column_text(st, 2);
        const char *sp = text ? strchr(text, ' ') : NULL;
        if (mark && sp) {
            char *end;
            mark->rowid = strtoll(sp + 1, &end, 10);
            mark->known = *end == ' ';
            mark->id = mark->known && mark->rowid > 0 ? bc_xstrdup(end + 1) : NULL;
        }
    }
    sqlite3_finalize(st);
    return found;
}

static bool fill_state(sq *s, int64_t *reserved, int64_t *next)
{
    return fill_state_mark(s, reserved, next, NULL);
}

/* The first row of table (user or session) at or after rowid from (rowid 0 when there is
 * none). */
static bc_status first_unfilled(sq *s, const char *tbl, int64_t from, fill_mark *m, bc_error *err)
{
    *m = (fill_mark){.known = true};
    sqlite3_stmt *st = NULL;
    char *sql = bc_xasprintf("SELECT rowid, CAST(\"id\" AS TEXT) FROM \"%s\" WHERE rowid >= ? "
                             "ORDER BY rowid LIMIT 1",
                             tbl);
    int rc = sqlite3_prepare_v2(s->db, sql, -1, &st, NULL);
    free(sql);
    if (rc == SQLITE_OK) {
        sqlite3_bind_int64(st, 1, from);
        rc = sqlite3_step(st);
        if (rc == SQLITE_ROW) {
            m->rowid = sqlite3_column_int64(st, 0);
            const char *id = (const char *)sqlite3_column_text(st, 1);
            m->id = bc_xstrdup(id ? id : "");
            rc = SQLITE_DONE;
        }
    }
    sqlite3_finalize(st);
    return rc == SQLITE_DONE ? BC_OK : sq_db_fail(s, rc, err, "reading a table to fill from");
}

/* Whether a row of table (user or session) is still where a fill state says: false when the
 * state does not name it (written by an older bcadmin), or the row moved or is gone. */
static bool fill_mark_holds(sq *s, const char *tbl, const fill_mark *m)
{
    if (!m->known)
        return false;
    if (m->rowid <= 0)
        return true; /* nothing was left to fill when it was recorded */
    sqlite3_stmt *st = NULL;
    bool holds = false;
    char *sql = bc_xasprintf("SELECT CAST(\"id\" AS TEXT) FROM \"%s\" WHERE rowid = ?", tbl);
    int rc = sqlite3_prepare_v2(s->db, sql, -1, &st, NULL);
    free(sql);
    if (rc == SQLITE_OK) {
        sqlite3_bind_int64(st, 1, m->rowid);
        if (sqlite3_step(st) == SQLITE_ROW) {
            const char *id = (const char *)sqlite3_column_text(st, 0);
            holds = strcmp(id ? id : "", m->id ? m->id : "") == 0;
        }
    }
    sqlite3_finalize(st);
    return holds;
}

bool sq_has_search_index(sq *s)
{
    int64_t reserved, next;
    return has_asset_objects(s, "search-index.sql") && !fill_state(s, &reserved, &next);
}

static bc_status exec_script(sq *s, const char *sql, const char *what, bc_error *err)
{
    char *msg = NULL;
    int rc = sqlite3_exec(s->db, sql, NULL, NULL, &msg);
    bc_status st = BC_OK;
    if (rc != SQLITE_OK)
        st = sq_is_busy(rc) || (rc & 0xff) == SQLITE_INTERRUPT
                 ? sq_db_fail(s, rc, err, what)
                 : bc_fail(err, BC_ERR, "%s in %s: %s", what, s->path,
                           msg ? msg : sqlite3_errstr(rc));
    sqlite3_free(msg);
    return st;
}

/* DROP ... IF EXISTS for every object of the script, last made first (triggers before the
 * tables they write). */
static bc_status drop_asset_objects(sq *s, const char *asset, bc_error *err)
{
    const struct bc_embedded *e = index_asset(asset, err);
    if (!e)
        return BC_ERR;
    index_objects o = {0};
    parse_objects(e->data, &o);
    bc_buf sql = {0};
    for (size_t i = o.n; i > 0; i--) {
        bc_buf_printf(&sql, "%s IF EXISTS ", o.items[i - 1].drop);
        sq_put_ident(&sql, o.items[i - 1].name);
        bc_buf_puts(&sql, ";\n");
    }
    index_objects_release(&o);
    bc_status st = sql.len ? exec_script(s, sql.data, "removing indexes", err) : BC_OK;
    bc_buf_release(&sql);
    return st;
}

void bc_sqlite_bind_range(sqlite3_stmt *st, int64_t lo, int64_t hi)
{
    for (int i = 1; i <= sqlite3_bind_parameter_count(st); i++) {
        const char *name = sqlite3_bind_parameter_name(st, i);
        size_t len = name ? strlen(name) : 0;
        if (len >= 2 && strcmp(name + len - 2, "lo") == 0)
            sqlite3_bind_int64(st, i, lo);
        else if (len >= 2 && strcmp(name + len - 2, "hi") == 0)
            sqlite3_bind_int64(st, i, hi);
    }
}

/* One statement of an asset (split with SQLite's own tokenizer), its fill range bound. */
static bc_status run_bound(sq *s, sqlite3_stmt *st, int64_t lo, int64_t hi, const char *what,
                           bc_error *err)
{
    bc_sqlite_bind_range(st, lo, hi);
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW)
        ;
    sqlite3_reset(st);
    return rc == SQLITE_DONE ? BC_OK : sq_db_fail(s, rc, err, what);
}

/* The statements of an asset, prepared in order; those with parameters (the fill) apart. */
typedef struct {
    sqlite3_stmt *plain[32], *fill[4];
    size_t n_plain, n_fill;
} asset_stmts;

static void asset_stmts_release(asset_stmts *a)
{
    for (size_t i = 0; i < a->n_plain; i++)
        sqlite3_finalize(a->plain[i]);
    for (size_t i = 0; i < a->n_fill; i++)
        sqlite3_finalize(a->fill[i]);
    *a = (asset_stmts){0};
}

/* Prepared one at a time, each only once the ones before it ran (a trigger needs its table):
 * call with run set to execute the plain statements as they are prepared. */
static bc_status asset_prepare(sq *s, const char *name, bool run, asset_stmts *a, bc_error *err)
{
    const struct bc_embedded *e = index_asset(name, err);
    if (!e)
        return BC_ERR;
    const char *p = e->data;
    bc_status st = BC_OK;
    while (st == BC_OK && *p) {
        sqlite3_stmt *stmt = NULL;
        const char *tail = NULL;
        int rc = sqlite3_prepare_v2(s->db, p, -1, &stmt, &tail);
        if (rc != SQLITE_OK)
            return sq_db_fail(s, rc, err, "preparing bcadmin's index script");
        p = tail;
        if (!stmt)
            continue;
        bool fill = sqlite3_bind_parameter_count(stmt) > 0;
        size_t cap =
            fill ? sizeof a->fill / sizeof a->fill[0] : sizeof a->plain / sizeof a->plain[0];
        if ((fill ? a->n_fill : a->n_plain) == cap) {
            sqlite3_finalize(stmt);
            return bc_fail(err, BC_ERR, "%s has too many statements", name);
        }
        if (fill)
            a->fill[a->n_fill++] = stmt;
        else
            a->plain[a->n_plain++] = stmt;
        if (run && !fill)
            st = run_bound(s, stmt, 0, 0, "adding the search index", err);
    }
    return st;
}

static bc_status txn_end(sq *s, bc_status st, bc_error *err)
{
    if (st != BC_OK) {
        sqlite_txn(&s->base, BC_TXN_ROLLBACK, NULL);
        return st;
    }
    return sqlite_txn(&s->base, BC_TXN_COMMIT, err);
}

/* The pause after a transaction that took took_ms: longer than the sleep that a writer which
 * waited through all of it is in (the busy handlers' backoff, sq_delays[] above), so it gets the
 * lock before the next transaction. Stopped by bc_driver_interrupt. */
static bc_status pause_between(sq *s, int64_t took_ms, bc_error *err)
{
    int64_t waited = 0;
    int i = 0;
    while (i < SQ_NDELAYS - 1 && waited + sq_delays[i] <= took_ms)
        waited += sq_delays[i++];
    sqlite3_sleep(sq_delays[i] + INDEX_PAUSE_MARGIN);
    return atomic_load(&s->base.cancel) ? bc_fail(err, BC_CANCELLED, "stopped") : BC_OK;
}

/* Each browse index in a transaction of its own. */
static bc_status add_browse_indexes(sq *s, const bc_progress *pr, bc_error *err)
{
    const struct bc_embedded *e = index_asset("browse-indexes.sql", err);
    if (!e)
        return BC_ERR;
    index_objects o = {0};
    parse_objects(e->data, &o);
    bc_status st = BC_OK;
    const char *p = e->data;
    for (size_t i = 0; st == BC_OK && *p;) {
        sqlite3_stmt *stmt = NULL;
        const char *tail = NULL;
        int rc = sqlite3_prepare_v2(s->db, p, -1, &stmt, &tail);
        if (rc != SQLITE_OK) {
            st = sq_db_fail(s, rc, err, "preparing bcadmin's index script");
            break;
        }
        p = tail;
        if (!stmt)
            continue;
        index_objects one = {0};
        parse_objects(sqlite3_sql(stmt), &one);
        bool present = one.n == 1 && sq_has_object(s, one.items[0].type, one.items[0].name);
        index_objects_release(&one);
        if (!present) {
            bc_progress_report(pr, index_parts[0], i, o.n);
            st = sqlite_txn(&s->base, BC_TXN_BEGIN, err);
            int64_t t0 = sq_mono_ms();
            if (st == BC_OK)
                st = txn_end(s, run_bound(s, stmt, 0, 0, "adding a browse index", err), err);
            if (st == BC_OK)
                st = pause_between(s, sq_mono_ms() - t0, err);
        }
        sqlite3_finalize(stmt);
        i++;
    }
    if (st == BC_OK)
        bc_progress_report(pr, index_parts[0], o.n, o.n);
    index_objects_release(&o);
    return st;
}

/* Record the fill state: the next rowid to fill and the first unfilled row at or after it. */
static bc_status set_fill_state(sq *s, int64_t reserved, int64_t next, bc_error *err)
{
    fill_mark m;
    bc_status st = first_unfilled(s, "user", next, &m, err);
    if (st != BC_OK)
        return st;
    char *text =
        bc_xasprintf("%lld %lld %s", (long long)next, (long long)m.rowid, m.id ? m.id : "");
    sqlite3_stmt *stmt = NULL;
    int rc = sqlite3_prepare_v2(s->db,
                                "INSERT OR REPLACE INTO \"bcadmin_user_search_doc\" (\"docid\", "
                                "\"id\") VALUES (?, CAST(? AS BLOB))",
                                -1, &stmt, NULL);
    if (rc == SQLITE_OK) {
        sqlite3_bind_int64(stmt, 1, reserved);
        sqlite3_bind_text(stmt, 2, text, -1, SQLITE_STATIC);
        rc = sqlite3_step(stmt);
    }
    sqlite3_finalize(stmt);
    free(text);
    fill_mark_release(&m);
    return rc == SQLITE_DONE ? BC_OK
                             : sq_db_fail(s, rc, err, "recording the search index's progress");
}

/* Begin a transaction and make the objects of an asset afresh in it (a partial set, an object
 * removed by hand, is removed first). BC_OK: the transaction is open (txn_end ends it); else
 * none is (a failure after BEGIN is ended by the caller's txn_end too). */
static bc_status begin_asset(sq *s, const char *asset, bool *open, bc_error *err)
{
    bc_status st = sqlite_txn(&s->base, BC_TXN_BEGIN, err);
    *open = st == BC_OK;
    if (st == BC_OK)
        st = drop_asset_objects(s, asset, err);
    asset_stmts a = {0};
    if (st == BC_OK)
        st = asset_prepare(s, asset, true, &a, err);
    asset_stmts_release(&a);
    return st;
}

/* The search index's tables and triggers, with the fill state, in one transaction. */
static bc_status start_search_index(sq *s, bc_error *err)
{
    bool open;
    bc_status st = begin_asset(s, "search-index.sql", &open, err);
    if (!open)
        return st;
    qb q = {0};
    bc_buf_puts(&q.sql, "SELECT coalesce(max(rowid), 0) FROM \"user\"");
    int64_t max = 0;
    if (st == BC_OK)
        st = sq_query_int(s, &q, &max, "reading the user table", err);
    sq_qb_release(&q);
    qb q2 = {0};
    bc_buf_puts(&q2.sql, "SELECT coalesce(min(rowid), 1) FROM \"user\"");
    int64_t min = 1;
    if (st == BC_OK)
        st = sq_query_int(s, &q2, &min, "reading the user table", err);
    sq_qb_release(&q2);
    if (st == BC_OK)
        st = set_fill_state(s, max + 1, min, err);
    return txn_end(s, st, err);
}

/* How many rowids the next fill transaction takes: BCADMIN_INDEX_BATCH when set (tests), else
 * scaled so a transaction takes about FILL_MS (at most doubling or halving at a time). */
static int64_t next_batch(int64_t batch, int64_t took_ms)
{
    const char *fixed = getenv("BCADMIN_INDEX_BATCH");
    if (fixed && atoll(fixed) > 0)
        return atoll(fixed);
    int64_t want = took_ms > 0 ? batch * FILL_MS / took_ms : batch * 2;
    if (want > batch * 2)
        want = batch * 2;
    if (want < batch / 2)
        want = batch / 2;
    return want < 100 ? 100 : want;
}

/* Fill the search index from the recorded rowid to the reserved one, a range per transaction;
 * start over (at most FILL_RESTARTS times) when the rows were renumbered meanwhile. */
static bc_status fill_search_index(sq *s, const bc_progress *pr, bc_error *err)
{
    int64_t reserved = 0, next = 0;
    if (!fill_state(s, &reserved, &next))
        return bc_fail(err, BC_ERR, "the search index in %s has no fill state", s->path);
    asset_stmts a = {0};
    bc_status st = asset_prepare(s, "search-index.sql", false, &a, err);
    int64_t first = next, batch = next_batch(FILL_FIRST, FILL_MS);
    int restarts = 0;
    while (st == BC_OK) {
        bc_progress_report(pr, index_parts[1], (uint64_t)(next - first),
                           (uint64_t)(reserved - first));
        int64_t hi = next + batch - 1 < reserved - 1 ? next + batch - 1 : reserved - 1;
        st = sqlite_txn(&s->base, BC_TXN_BEGIN, err);
        int64_t t0 = sq_mono_ms();
        fill_mark mark = {0};
        bool moved = st == BC_OK && fill_state_mark(s, &reserved, &next, &mark) &&
                     !fill_mark_holds(s, "user", &mark);
        fill_mark_release(&mark);
        if (moved) {
            /* renumbered since the last range: what was filled no longer says which rows are
             * left, so the index is made again from the first row */
            sqlite_txn(&s->base, BC_TXN_ROLLBACK, NULL);
            asset_stmts_release(&a);
            if (++restarts > FILL_RESTARTS) {
                st = bc_fail(err, BC_ERR,
                             "the user table of %s was renumbered %d times while the search index "
                             "was filled (VACUUM?): run `bcadmin db index` again when it is quiet",
                             s->path, restarts);
                break;
            }
            st = start_search_index(s, err);
            if (st == BC_OK && !fill_state(s, &reserved, &next))
                st = bc_fail(err, BC_ERR, "the search index in %s has no fill state", s->path);
            if (st == BC_OK)
                st = asset_prepare(s, "search-index.sql", false, &a, err);
            first = next;
            continue;
        }
        for (size_t i = 0; st == BC_OK && i < a.n_fill && next <= hi; i++)
            st = run_bound(s, a.fill[i], next, hi, "filling the search index", err);
        bool last = hi >= reserved - 1;
        if (st == BC_OK && last)
            st = exec_script(s, "DELETE FROM \"bcadmin_user_search_doc\" WHERE \"id\" >= X''",
                             "finishing the search index", err);
        else if (st == BC_OK)
            st = set_fill_state(s, reserved, hi + 1, err);
        st = txn_end(s, st, err);
        if (st != BC_OK || last)
            break;
        next = hi + 1;
        int64_t took = sq_mono_ms() - t0;
        batch = next_batch(batch, took);
        st = pause_between(s, took, err);
    }
    asset_stmts_release(&a);
    if (st == BC_OK)
        bc_progress_report(pr, index_parts[1], (uint64_t)(reserved - first),
                           (uint64_t)(reserved - first));
    return st;
}

/* --- the overview summary (assets/stats-summary.sql) --------------------------------------
 *
 * Its tables and triggers go in one transaction with the fill state: per table ("user",
 * "session"), the rowids the triggers leave to the fill, from the first row not counted yet
 * ("next") to the table's last row when the fill began ("last"; rows written later are the
 * triggers'). The fill then counts successive rowid ranges of each table, a transaction of about
 * FILL_MS each, moving "next" to the first row after the range in the same transaction and
 * removing the table's row after the last range. The summary is read only once the fill table is
 * empty (sq_has_summary); the next `db index` resumes an unfinished fill where it was.
 *
 * The state also names the rows at "next" and at "last" by id: renumbered rowids (a VACUUM, a
 * dump and reload between two fill transactions) would move rows into or out of the range the
 * triggers leave alone, and rows would be counted twice or never. Renumbering keeps the order
 * of rows, so while those two rows stay where they were, every row stays on its side of both;
 * each fill transaction checks that first, and when either moved (or the app removed it) the
 * summary starts over (at most FILL_RESTARTS times in one run). */

static const char *const summary_tables[] = {"user", "session"};

/* One table's unfinished fill: rows from next to last, the rows at both ends by id. */
typedef struct {
    char tbl[16];
    fill_mark next, last;
} summary_fill;

static void summary_fill_release(summary_fill *f)
{
    fill_mark_release(&f->next);
    fill_mark_release(&f->last);
}

/* The first table whose fill is unfinished: false when none is (or there is no fill table). */
static bool summary_next(sq *s, summary_fill *f)
{
    sqlite3_stmt *st = NULL;
    bool found = false;
    *f = (summary_fill){0};
    if (sqlite3_prepare_v2(s->db,
                           "SELECT \"tbl\", \"next\", CAST(\"next_id\" AS TEXT), \"last\", "
                           "CAST(\"last_id\" AS TEXT) FROM \"bcadmin_stats_fill\" ORDER BY \"tbl\" "
                           "LIMIT 1",
                           -1, &st, NULL) == SQLITE_OK &&
        sqlite3_step(st) == SQLITE_ROW) {
        const unsigned char *name = sqlite3_column_text(st, 0);
        snprintf(f->tbl, sizeof f->tbl, "%s", name ? (const char *)name : "");
        for (int i = 0; i < 2; i++) {
            const unsigned char *id = sqlite3_column_text(st, 2 + 2 * i);
            (i ? &f->last : &f->next)[0] = (fill_mark){
                .known = true,
                .rowid = sqlite3_column_int64(st, 1 + 2 * i),
                .id = bc_xstrdup(id ? (const char *)id : ""),
            };
        }
        found = true;
    }
    sqlite3_finalize(st);
    return found;
}

bool sq_has_summary(sq *s)
{
    summary_fill f = {0};
    bool filling = summary_next(s, &f);
    summary_fill_release(&f);
    return has_asset_objects(s, "stats-summary.sql") && !filling;
}

/* Record table's fill from the row at or after rowid from up to the row at last (its row
 * removed when no row is left in between). */
static bc_status set_summary_fill(sq *s, const char *tbl, int64_t from, const fill_mark *last,
                                  bc_error *err)
{
    fill_mark next;
    bc_status st = first_unfilled(s, tbl, from, &next, err);
    qb q = {0};
    if (next.rowid > 0 && next.rowid <= last->rowid) {
        bc_buf_puts(&q.sql, "INSERT OR REPLACE INTO \"bcadmin_stats_fill\" (\"tbl\", \"next\", "
                            "\"next_id\", \"last\", \"last_id\") VALUES (");
        sq_qb_param(&q, bc_value_text(tbl));
        bc_buf_puts(&q.sql, ", ");
        sq_qb_param(&q, bc_value_int(next.rowid));
        bc_buf_puts(&q.sql, ", ");
        sq_qb_param(&q, bc_value_text(next.id ? next.id : ""));
        bc_buf_puts(&q.sql, ", ");
        sq_qb_param(&q, bc_value_int(last->rowid));
        bc_buf_puts(&q.sql, ", ");
        sq_qb_param(&q, bc_value_text(last->id ? last->id : ""));
        bc_buf_puts(&q.sql, ")");
    } else {
        bc_buf_puts(&q.sql, "DELETE FROM \"bcadmin_stats_fill\" WHERE \"tbl\" = ");
        sq_qb_param(&q, bc_value_text(tbl));
    }
    if (st == BC_OK)
        st = sq_exec_qb(s, &q, NULL, "recording the overview summary's progress", err);
    sq_qb_release(&q);
    fill_mark_release(&next);
    return st;
}

/* The summary's tables and triggers, with the fill state, in one transaction. */
static bc_status start_summary(sq *s, bc_error *err)
{
    bool open;
    bc_status st = begin_asset(s, "stats-summary.sql", &open, err);
    if (!open)
        return st;
    for (size_t i = 0; st == BC_OK && i < sizeof summary_tables / sizeof summary_tables[0]; i++) {
        const char *tbl = summary_tables[i];
        qb q = {0};
        bc_buf_puts(&q.sql, "SELECT coalesce(max(rowid), 0) FROM ");
        sq_put_ident(&q.sql, tbl);
        int64_t max = 0;
        st = sq_query_int(s, &q, &max, "reading a table to fill from", err);
        sq_qb_release(&q);
        fill_mark at_last = {0};
        if (st == BC_OK && max > 0)
            st = first_unfilled(s, tbl, max, &at_last, err);
        if (st == BC_OK)
            st = set_summary_fill(s, tbl, INT64_MIN, &at_last, err);
        fill_mark_release(&at_last);
    }
    return txn_end(s, st, err);
}

/* Whether a fill statement of stats-summary.sql counts table tbl: its parameters are named
 * after the table whose rowids they take (:user_lo). */
static bool fills_table(sqlite3_stmt *st, const char *tbl)
{
    const char *name = sqlite3_bind_parameter_name(st, 1);
    size_t n = strlen(tbl);
    return name && strncmp(name + 1, tbl, n) == 0 && name[n + 1] == '_';
}

/* Count the rows of each table's unfinished range, a rowid range per transaction; start over
 * when rows were renumbered meanwhile. */
static bc_status fill_summary(sq *s, const bc_progress *pr, bc_error *err)
{
    asset_stmts a = {0};
    bc_status st = asset_prepare(s, "stats-summary.sql", false, &a, err);
    qb left = {0};
    bc_buf_puts(&left.sql, "SELECT coalesce(sum(\"last\" - \"next\" + 1), 0) FROM "
                           "\"bcadmin_stats_fill\"");
    int64_t total = 0, done = 0, batch = next_batch(FILL_FIRST, FILL_MS);
    if (st == BC_OK)
        st = sq_query_int(s, &left, &total, "reading the overview summary's progress", err);
    sq_qb_release(&left);
    int restarts = 0;
    summary_fill f = {0};
    while (st == BC_OK) {
        st = sqlite_txn(&s->base, BC_TXN_BEGIN, err);
        if (st != BC_OK || !summary_next(s, &f)) {
            if (st == BC_OK)
                st = sqlite_txn(&s->base, BC_TXN_COMMIT, err);
            break;
        }
        int64_t t0 = sq_mono_ms();
        bool known = strcmp(f.tbl, summary_tables[0]) == 0 || strcmp(f.tbl, summary_tables[1]) == 0;
        if (!known) {
            st = txn_end(s,
                         bc_fail(err, BC_ERR,
                                 "the overview summary's fill state in %s names no table it "
                                 "counts: run `bcadmin db index --drop`, then `bcadmin db index`",
                                 s->path),
                         err);
        } else if (!fill_mark_holds(s, f.tbl, &f.next) || !fill_mark_holds(s, f.tbl, &f.last)) {
            /* renumbered (or an end row removed): count everything again */
            sqlite_txn(&s->base, BC_TXN_ROLLBACK, NULL);
            if (++restarts > FILL_RESTARTS)
                st = bc_fail(err, BC_ERR,
                             "the rows of %s moved %d times while the overview summary was "
                             "filled (VACUUM?): run `bcadmin db index` again when it is quiet",
                             s->path, restarts);
            else
                st = start_summary(s, err);
            done = 0;
        } else {
            bc_progress_report(pr, index_parts[2], (uint64_t)done, (uint64_t)total);
            int64_t next = f.next.rowid, last = f.last.rowid;
            int64_t hi = last - next >= batch ? next + batch - 1 : last;
            for (size_t i = 0; st == BC_OK && i < a.n_fill; i++)
                if (fills_table(a.fill[i], f.tbl))
                    st = run_bound(s, a.fill[i], next, hi, "filling the overview summary", err);
            if (st == BC_OK)
                st = set_summary_fill(s, f.tbl, hi + 1, &f.last, err);
            st = txn_end(s, st, err);
            done += hi - next + 1;
            int64_t took = sq_mono_ms() - t0;
            batch = next_batch(batch, took);
            if (st == BC_OK)
                st = pause_between(s, took, err);
        }
        summary_fill_release(&f);
    }
    summary_fill_release(&f);
    asset_stmts_release(&a);
    if (st == BC_OK)
        bc_progress_report(pr, index_parts[2], (uint64_t)total, (uint64_t)total);
    return st;
}

/* Start (unless resuming an unfinished fill), pause for a waiting writer, fill. */
static bc_status start_and_fill(sq *s, bool resume, bc_status (*begin)(sq *, bc_error *),
                                bc_status (*fill)(sq *, const bc_progress *, bc_error *),
                                const bc_progress *pr, bc_error *err)
{
    int64_t t0 = sq_mono_ms();
    bc_status st = resume ? BC_OK : begin(s, err);
    if (st == BC_OK)
        st = pause_between(s, sq_mono_ms() - t0, err);
    return st == BC_OK ? fill(s, pr, err) : st;
}

static bc_status add_all_indexes(sq *s, const bc_progress *pr, bc_error *err)
{
    bc_status st = add_browse_indexes(s, pr, err);
    if (st == BC_OK && !sq_has_search_index(s)) {
        int64_t reserved, next;
        bool resume = has_asset_objects(s, "search-index.sql") && fill_state(s, &reserved, &next);
        st = start_and_fill(s, resume, start_search_index, fill_search_index, pr, err);
    }
    if (st == BC_OK && !sq_has_summary(s)) {
        summary_fill f = {0};
        bool resume = has_asset_objects(s, "stats-summary.sql") && summary_next(s, &f);
        summary_fill_release(&f);
        st = start_and_fill(s, resume, start_summary, fill_summary, pr, err);
    }
    return st;
}

bc_status bc_sqlite_add_indexes(bc_driver *d, bc_error *err)
{
    return bc_sqlite_add_indexes_progress(d, NULL, err);
}

bc_status bc_sqlite_add_indexes_progress(bc_driver *d, const bc_progress *progress, bc_error *err)
{
    sq *s = (sq *)d;
    if (d->read_only)
        return bc_driver_writable(d, "adding indexes", err);
    if (s->in_txn)
        return bc_fail(err, BC_USAGE, "a transaction is already open on %s", s->path);
    bc_status st = add_all_indexes(s, progress, err);
    if (st == BC_CANCELLED)
        bc_fail(err, st,
                "building the indexes of %s was stopped; what was built is kept and the search "
                "index and the overview summary are not used until they are finished: run "
                "`bcadmin db index` again",
                s->path);
    return st;
}

bc_status bc_sqlite_drop_indexes(bc_driver *d, bc_error *err)
{
    sq *s = (sq *)d;
    if (d->read_only)
        return bc_driver_writable(d, "removing indexes", err);
    bc_status st = sqlite_txn(d, BC_TXN_BEGIN, err);
    if (st != BC_OK)
        return st;
    for (size_t i = sizeof index_assets / sizeof index_assets[0]; i > 0 && st == BC_OK; i--)
        st = drop_asset_objects(s, index_assets[i - 1], err);
    if (st != BC_OK) {
        sqlite_txn(d, BC_TXN_ROLLBACK, NULL);
        return st;
    }
    return sqlite_txn(d, BC_TXN_COMMIT, err);
}

bool bc_sqlite_has_indexes(bc_driver *d)
{
    sq *s = (sq *)d;
    return has_asset_objects(s, "browse-indexes.sql") && sq_has_search_index(s) &&
           sq_has_summary(s);
}

bc_sqlite_summary bc_sqlite_summary_state(bc_driver *d)
{
    sq *s = (sq *)d;
    if (!has_asset_objects(s, "stats-summary.sql"))
        return BC_SQLITE_SUMMARY_MISSING;
    summary_fill f = {0};
    bool filling = summary_next(s, &f);
    summary_fill_release(&f);
    return filling ? BC_SQLITE_SUMMARY_UNFINISHED : BC_SQLITE_SUMMARY_PRESENT;
}

bool bc_sqlite_has_search_index(bc_driver *d)
{
    return sq_has_search_index((sq *)d);
}

bool bc_sqlite_search_index_unfinished(bc_driver *d)
{
    int64_t reserved, next;
    return fill_state((sq *)d, &reserved, &next);
}

bool bc_sqlite_has_any_index(bc_driver *d)
{
    sq *s = (sq *)d;
    for (size_t i = 0; i < sizeof index_assets / sizeof index_assets[0]; i++) {
        const struct bc_embedded *e = index_asset(index_assets[i], NULL);
        index_objects o = {0};
        if (e)
            parse_objects(e->data, &o);
        bool any = false;
        for (size_t j = 0; j < o.n && !any; j++)
            any = sq_has_object(s, o.items[j].type, o.items[j].name);
        index_objects_release(&o);
        if (any)
            return true;
    }
    return false;
}
