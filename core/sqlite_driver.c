/* sqlite_driver.c - the driver ops of driver.h over a Better Auth SQLite file: opening and
 * closing the connection, the ops table, and the integrity check.
 *
 * The schema is read once at open (pragma_table_info, sqlite_schema.c), so every row is selected
 * with an explicit column list: Better Auth's fields first, then the app's extra columns, which
 * are kept. Pages are keyset windows over (sort key, id), matching the browse indexes of
 * assets/browse-indexes.sql; nothing ever uses OFFSET (sqlite_pages.c). A substring search is
 * answered by one statement over every row, or over the candidates of the trigram index of
 * assets/search-index.sql when the file has it and the needle is selective, that counts the
 * matches and keeps the page in a bounded heap (sqlite_search.c). Statements are prepared once,
 * cached, and reset right after use so no read transaction stays open between calls while a live
 * server writes the same file (sqlite_stmt.c). Rows by match and transactions: sqlite_rows.c;
 * values: sqlite_values.c; the overview's counts: sqlite_counts.c; `db index`: sqlite_indexes.c.
 */
#include "sqlite_internal.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* --- open / close -------------------------------------------------------------------------- */

static bool sidecar_exists(const char *path, const char *suffix)
{
    char *name = bc_xasprintf("%s%s", path, suffix);
    bool there = access(name, F_OK) == 0;
    free(name);
    return there;
}

/* A read-only connection to a WAL file makes its -wal and -shm files when they are missing and
 * cannot remove them. After closing, remove the ones we made when no other connection has the
 * file open (every WAL connection holds a read lock on the -shm "DMS" byte, offset 128, the lock
 * SQLite itself uses to find the first connection) and the -wal holds nothing. An open file
 * description lock conflicts with those even inside this process. */
static void remove_sidecars_we_made(const char *path)
{
    char *shm = bc_xasprintf("%s-shm", path), *wal = bc_xasprintf("%s-wal", path);
    int fd = open(shm, O_RDWR | O_CLOEXEC | O_NOFOLLOW);
    struct flock lk = {.l_type = F_WRLCK, .l_whence = SEEK_SET, .l_start = 128, .l_len = 1};
    struct stat sb;
    if (fd >= 0 && fcntl(fd, F_OFD_SETLK, &lk) == 0 &&
        (stat(wal, &sb) != 0 || (S_ISREG(sb.st_mode) && sb.st_size == 0))) {
        unlink(wal);
        unlink(shm);
    }
    if (fd >= 0)
        close(fd); /* drops the lock */
    free(shm);
    free(wal);
}

static void sqlite_close(bc_driver *d)
{
    sq *s = (sq *)d;
    sq_image_close(s);
    for (size_t i = 0; i < STMT_CACHE; i++) {
        sqlite3_finalize(s->stmts[i].st);
        free(s->stmts[i].sql);
    }
    for (int m = 0; m < BC_MODEL_COUNT; m++)
        sq_table_release(&s->tables[m]);
    if (s->in_txn)
        sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
    sqlite3_close_v2(s->db);
    if (s->base.read_only && !s->wal_was_there)
        remove_sidecars_we_made(s->path);
    free(s->count_key);
    free(s->path);
    free(s);
}

static void sqlite_prepare_search(bc_driver *d)
{
    atomic_store(&((sq *)d)->image_wanted, true);
}

static const bc_driver_ops sqlite_ops = {
    .kind = "sqlite",
    .close = sqlite_close,
    .users_page = sqlite_users_page,
    .sessions_page = sqlite_sessions_page,
    .rows_get = sqlite_rows_get,
    .row_insert = sqlite_row_insert,
    .rows_update = sqlite_rows_update,
    .rows_delete = sqlite_rows_delete,
    .txn = sqlite_txn,
    .count = sqlite_count,
    .count_per_day = sqlite_count_per_day,
    .count_groups = sqlite_count_groups,
    .prepare_search = sqlite_prepare_search,
};

bc_status bc_sqlite_open(const char *path, const bc_sqlite_opts *opts, bc_driver **out,
                         bc_error *err)
{
    *out = NULL;
    if (!path || !*path)
        return bc_fail(err, BC_USAGE, "no database file given (--db PATH or BCADMIN_DB)");
    struct stat sb;
    if (stat(path, &sb) != 0) {
        if (errno == ENOENT)
            return bc_fail(err, BC_NOT_FOUND, "no such database file: %s", path);
        return bc_fail(err, BC_ERR, "cannot open %s: %s", path, strerror(errno));
    }
    if (S_ISDIR(sb.st_mode))
        return bc_fail(err, BC_ERR, "%s is a directory, not a database file", path);

    bool ro = opts && opts->read_only;
    bool wal_was_there = sidecar_exists(path, "-wal") || sidecar_exists(path, "-shm");
    sqlite3 *db = NULL;
    /* No SQLITE_OPEN_CREATE: a mistyped path must not leave an empty database behind. */
    int rc = sqlite3_open_v2(path, &db, ro ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE, NULL);
    if (rc != SQLITE_OK) {
        bc_fail(err, BC_ERR, "cannot open %s: %s", path, db ? sqlite3_errmsg(db) : "no memory");
        sqlite3_close_v2(db);
        return BC_ERR;
    }
    sq *s = bc_xcalloc(1, sizeof *s);
    s->base.ops = &sqlite_ops;
    s->base.label = bc_xstrdup(path);
    s->base.read_only = ro;
    s->db = db;
    s->path = bc_xstrdup(path);
    s->wal_was_there = wal_was_there;
    s->timeout_ms = opts && opts->busy_timeout_ms > 0 ? opts->busy_timeout_ms : DEFAULT_BUSY_MS;
    s->walk_rows = opts && opts->walk_rows > 0 ? opts->walk_rows : SQ_WALK_ROWS;
    s->image_set_max =
        opts && opts->image_set_max > 0 ? (size_t)opts->image_set_max : SQ_IMAGE_SET_MAX;
    const char *slow = getenv("BCADMIN_SQLITE_SLOW_US");
    s->slow_us = slow ? atoi(slow) : 0;
    sqlite3_busy_handler(db, sq_wait_for_lock, s);
    /* bc_driver_interrupt: a long scan stops within a thousand VM steps. */
    sqlite3_progress_handler(db, 1000, sq_interrupted, &s->base);

    /* better-sqlite3 (Better Auth's SQLite driver) enforces foreign keys, and the schema's
     * ON DELETE CASCADE relies on it. This is a connection setting, not a change to the file. */
    rc = sqlite3_create_function_v2(db, "bcadmin_contains", -1,
                                    SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_INNOCUOUS, NULL,
                                    sq_contains_fn, NULL, NULL, NULL);
    bc_status st = rc == SQLITE_OK ? BC_OK : sq_db_fail(s, rc, err, "registering bcadmin_contains");
    if (st == BC_OK)
        rc = sqlite3_create_function_v2(db, "bcadmin_in_set", 1, SQLITE_UTF8 | SQLITE_INNOCUOUS, s,
                                        sq_in_set_fn, NULL, NULL, NULL);
    if (st == BC_OK && rc != SQLITE_OK)
        st = sq_db_fail(s, rc, err, "registering bcadmin_in_set");
    if (st == BC_OK)
        st = sq_run_plain(s, "PRAGMA foreign_keys = ON", "enabling foreign keys", err);
    if (st == BC_OK)
        st = sq_load_schema(s, err);
    if (st != BC_OK) {
        char *label = s->base.label;
        sqlite_close(&s->base);
        free(label);
        return st;
    }
    *out = &s->base;
    return BC_OK;
}

/* --- integrity ---------------------------------------------------------------------------- */

typedef struct {
    bc_driver *d;
    const bc_progress *progress;
    uint64_t ticks;
} check_ctx;

/* The progress handler while the check runs: a count for the meter, and Esc / signals stop. */
static int check_tick(void *arg)
{
    check_ctx *c = arg;
    bc_progress_report(c->progress, "checking integrity", ++c->ticks, 0);
    return atomic_load(&c->d->cancel);
}

bc_status bc_sqlite_integrity_check(bc_driver *d, const bc_progress *progress, char **problems,
                                    bc_error *err)
{
    sq *s = (sq *)d;
    *problems = NULL;
    check_ctx ctx = {d, progress, 0};
    sqlite3_progress_handler(s->db, 100000, check_tick, &ctx);
    sqlite3_stmt *st = NULL;
    int rc = sqlite3_prepare_v2(s->db, "PRAGMA integrity_check(100)", -1, &st, NULL);
    bc_buf out = {0};
    if (rc == SQLITE_OK)
        while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
            const char *line = (const char *)sqlite3_column_text(st, 0);
            if (line && strcmp(line, "ok") != 0 && strncmp(line, "*** in database ", 16) != 0)
                bc_buf_printf(&out, "%s%s", out.len ? "\n" : "", line);
        }
    if (rc == SQLITE_DONE)
        rc = SQLITE_OK;
    sqlite3_finalize(st);
    sqlite3_progress_handler(s->db, 1000, sq_interrupted, &s->base);
    /* A file too damaged to walk fails the check itself: that is a finding, not an error. */
    if (rc != SQLITE_OK && (rc & 0xff) == SQLITE_CORRUPT)
        bc_buf_printf(&out, "%s%s", out.len ? "\n" : "", sqlite3_errmsg(s->db));
    else if (rc != SQLITE_OK) {
        bc_buf_release(&out);
        return sq_db_fail(s, rc, err, "checking integrity");
    }
    *problems = out.len ? bc_buf_take(&out) : NULL;
    bc_buf_release(&out);
    return BC_OK;
}
