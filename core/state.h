/* state.h - bcadmin's own SQLite database (audit log, checklist runs) and its migration runner.
 *
 * The file is created with mode 0600 (its directories 0700); a symbolic link, another user's file
 * or one open to other users (any group/other bit) is refused with the reason (BC_REFUSED). Its schema comes only from the
 * numbered migrations (migrations/NNNN_name.sql, embedded as bc_migrations). The schema version
 * is SQLite's PRAGMA user_version: the number of the last migration applied (0 = empty file);
 * PRAGMA application_id marks the file as bcadmin's (BC_STATE_APP_ID). Each pending migration
 * runs in its own transaction together with the version bump, so a failure leaves the database
 * at the last good version. A database newer than the binary is refused, never touched.
 */
#ifndef BC_STATE_H
#define BC_STATE_H

#include "embedded.h"
#include "status.h"

#define BC_STATE_APP_ID 0x42434144 /* "BCAD" */

typedef struct bc_state bc_state;

/* Check a migration table: names "NNNN_name.sql" (4 digits, then [a-z0-9_]+), numbered 1, 2, 3...
 * in order with no gap. *latest (may be NULL) gets the highest number (0 for an empty table). */
bc_status bc_state_check_migrations(const struct bc_embedded *migrations, int *latest,
                                    bc_error *err);

/* Open (creating if needed) the state database at path and bring it up to date with
 * bc_migrations. Errors: BC_ERR for a file that is not SQLite or not bcadmin's, or a failed
 * migration; BC_REFUSED when the file is newer than this binary. *out is the caller's:
 * bc_state_close frees it. */
bc_status bc_state_open(const char *path, bc_state **out, bc_error *err);

/* The same with another migration table (tests use it to simulate upgrades). */
bc_status bc_state_open_with(const char *path, const struct bc_embedded *migrations, bc_state **out,
                             bc_error *err);

/* Close and free (NULL is fine). */
void bc_state_close(bc_state *s);

/* The schema version now in the file. */
int bc_state_version(const bc_state *s);

/* The file path (owned by s). */
const char *bc_state_path(const bc_state *s);

#endif
