/* state_db.h - the state database's SQLite connection, for the core modules that keep their tables
 * there (audit.c, checklist.c, target.c's layout cache, admin.c's transactions) and for tests.
 * Everyone else, tui/ above all, reaches the state database only through those modules' bc_state *
 * functions: no SQLite type crosses the core boundary (tests/cli/layering.sh checks tui/).
 */
#ifndef BC_STATE_DB_H
#define BC_STATE_DB_H

#include <sqlite3.h>

#include "state.h"

/* The open connection (owned by s; NULL for a NULL s). */
sqlite3 *bc_state_db(bc_state *s);

#endif
