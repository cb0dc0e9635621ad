/* sqlite_driver.h - the driver for a Better Auth SQLite database file.
 *
 * Opens an existing file (never creates one: only `bcadmin demo` does that, see demo.h), checks
 * that it holds the Better Auth tables and columns bcadmin needs, and serves the driver ops of
 * driver.h with Better Auth 1.4.9's encodings (ISO dates with milliseconds, 0/1 booleans,
 * lowercased emails, also in user.email lookups). Extra columns are read after the known fields
 * and may be written. Pages use keyset cursors (see cursor.h); NULL bc_match = every row, also
 * for update and delete. Safe to use while a live Better Auth server writes the same file:
 * WAL-aware, a busy timeout, short transactions.
 */
#ifndef BC_SQLITE_DRIVER_H
#define BC_SQLITE_DRIVER_H

#include <stdbool.h>

#include "driver.h"
#include "line.h"
#include "progress.h"

typedef struct {
    bool read_only;      /* open with SQLITE_OPEN_READONLY and refuse writes */
    int busy_timeout_ms; /* 0 means the default (5000) */
    /* Rows a substring search's page walks in the sort order before it answers by a scan
     * instead; 0 means the default (16,384). Tests set a small one to take the scan. */
    int walk_rows;
    /* Matches of a search the search image (bc_driver_prepare_search) hands on as a set before
     * the plan for many matches; 0 means the default (32,768). Tests set a small one. */
    int image_set_max;
} bc_sqlite_opts;

/* Open path as a driver. Errors: BC_NOT_FOUND when the file does not exist; BC_ERR naming every
 * missing table/column when it is not a Better Auth database, or naming SQLite's complaint.
 * On success *out is the caller's: bc_driver_close frees it. */
bc_status bc_sqlite_open(const char *path, const bc_sqlite_opts *opts, bc_driver **out,
                         bc_error *err);

/* Add bcadmin's indexes to the file behind d; idempotent: the browsing indexes
 * (assets/browse-indexes.sql), the substring-search index (assets/search-index.sql: an FTS5
 * trigram table kept in step by triggers on "user", so the app's own writes maintain it, filled
 * from the existing users) and the overview summary (assets/stats-summary.sql: per-day counts
 * kept by triggers on "user" and "session", filled from the existing rows). Built while the app
 * writes the file: in short transactions with a pause between them (see sqlite_indexes.c), so an
 * app write waits at most about one transaction: one browse index, or one range of a fill.
 * Stopped (bc_driver_interrupt: BC_CANCELLED) or killed, it resumes where it was on the next
 * call; an unfinished search index or summary is not used. Finished ones are left as they are. */
bc_status bc_sqlite_add_indexes(bc_driver *d, bc_error *err);
/* The same, reporting its progress: the browsing indexes made of all, then the users indexed
 * of all (progress.h; may be NULL). */
bc_status bc_sqlite_add_indexes_progress(bc_driver *d, const bc_progress *progress, bc_error *err);

/* Bind the rowid range of a fill statement of bcadmin's index scripts: parameters named ...lo
 * (:lo, :user_lo) get lo, those named ...hi get hi. (bcadmin demo fills with every row.) */
typedef struct sqlite3_stmt sqlite3_stmt;
void bc_sqlite_bind_range(sqlite3_stmt *st, int64_t lo, int64_t hi);

/* Remove everything bc_sqlite_add_indexes adds (indexes, search tables, triggers), in one
 * transaction; nothing else in the file changes. Idempotent. */
bc_status bc_sqlite_drop_indexes(bc_driver *d, bc_error *err);

/* Whether all of bcadmin's indexes (the summary included) are present and filled (the TUI
 * suggests `bcadmin db index` otherwise). */
bool bc_sqlite_has_indexes(bc_driver *d);

/* Whether the substring-search index (table, doc table and all its triggers) is present and
 * filled; without it a contains search scans every user, with the same results. */
bool bc_sqlite_has_search_index(bc_driver *d);

/* SQLite's PRAGMA integrity_check over the whole file (reporting a running count to progress;
 * stopped by bc_driver_interrupt). BC_OK with *problems NULL when the file is sound, or set to
 * the problems found, one a line (at most 100; the caller frees it). */
bc_status bc_sqlite_integrity_check(bc_driver *d, const bc_progress *progress, char **problems,
                                    bc_error *err);

/* Whether the search image that bc_driver_prepare_search asked for (core/sqlite_image.c: every
 * user's folded email and name in memory, read in the background) is read and matches the file
 * as it is now, so searches use it; when it does not, a new reading starts (if none runs). On
 * the thread that makes d's calls. */
bool bc_sqlite_search_image_ready(bc_driver *d);

/* Whether a stopped bc_sqlite_add_indexes left the search index unfinished (the next call
 * finishes it). */
bool bc_sqlite_search_index_unfinished(bc_driver *d);

/* The overview summary (assets/stats-summary.sql: rows created and sessions expiring per UTC
 * day, kept by triggers on "user" and "session"): present and filled (the overview's counts read
 * it), unfinished (a stopped bc_sqlite_add_indexes; not read until the next call finishes it), or
 * missing (the overview counts over the createdAt and expiresAt indexes). */
typedef enum {
    BC_SQLITE_SUMMARY_MISSING,
    BC_SQLITE_SUMMARY_UNFINISHED,
    BC_SQLITE_SUMMARY_PRESENT,
} bc_sqlite_summary;
bc_sqlite_summary bc_sqlite_summary_state(bc_driver *d);

/* Whether any object bc_sqlite_add_indexes adds is present. */
bool bc_sqlite_has_any_index(bc_driver *d);

/* Whether the file has the table of model m with all its Better Auth columns. user, session and
 * account always do once open succeeded; verification and jwks are optional (ops on an absent
 * one give BC_NOT_FOUND). */
bool bc_sqlite_has_model(bc_driver *d, bc_model m);

/* Whether the table of model m has a column of this name. */
bool bc_sqlite_has_column(bc_driver *d, bc_model m, const char *name);

/* The Better Auth line the file's schema shows: 1.7 adds jwks."alg" and jwks."crv"; 1.4.9 to
 * 1.6 have identical schemas (told apart by nothing in the file); without a jwks table (no jwt
 * plugin) nothing shows the line. */
bc_ba_line bc_sqlite_line(bc_driver *d);

/* SQLite's EXPLAIN QUERY PLAN for the page query q would run (for a substring search, its one
 * statement over every match: a scan of the table, or the search index's candidates; a page
 * without its total walks the sort order first and takes this plan only when that walk comes up
 * short), one step per line: for tests, benchmarks and diagnostics. NULL (with err set) when q is invalid; else the
 * caller frees it. */
char *bc_sqlite_users_plan(bc_driver *d, const bc_user_query *q, bc_error *err);

#endif
