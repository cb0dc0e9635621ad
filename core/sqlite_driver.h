/* sqlite_driver.h - the driver for a Better Auth SQLite database file.
 *
 * Opens an existing file (never creates one: only `bcadmin demo` does that, see demo.h), checks
 * that it holds the Better Auth tables and columns bcadmin needs, and serves the driver ops of
 * driver.h with Better Auth 1.4.9's encodings (ISO dates with milliseconds, 0/1 booleans,
 * lowercased emails). Safe to use while a live Better Auth server writes the same file: WAL-aware,
 * a busy timeout, short transactions.
 */
#ifndef BC_SQLITE_DRIVER_H
#define BC_SQLITE_DRIVER_H

#include <stdbool.h>

#include "driver.h"

typedef struct {
    bool read_only;      /* open with SQLITE_OPEN_READONLY and refuse writes */
    int busy_timeout_ms; /* 0 means the default (5000) */
} bc_sqlite_opts;

/* Open path as a driver. Errors: BC_NOT_FOUND when the file does not exist; BC_ERR naming every
 * missing table/column when it is not a Better Auth database, or naming SQLite's complaint.
 * On success *out is the caller's: bc_driver_close frees it. */
bc_status bc_sqlite_open(const char *path, const bc_sqlite_opts *opts, bc_driver **out,
                         bc_error *err);

/* Add bcadmin's browsing indexes (assets/browse-indexes.sql) to the file behind d; idempotent. */
bc_status bc_sqlite_add_indexes(bc_driver *d, bc_error *err);

/* Whether the browsing indexes are present (the TUI suggests `bcadmin db index` otherwise). */
bool bc_sqlite_has_indexes(bc_driver *d);

#endif
