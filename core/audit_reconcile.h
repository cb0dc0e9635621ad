/* audit_reconcile.h - settling the audit entries a killed bcadmin left pending.
 *
 * Every entry names the process that wrote it (process.h). An entry still 'pending' whose writer
 * is gone (kill -9, a crash, a reboot; an entry from before migration 0006 names none and counts
 * as gone) never finished: it is compared with the target as it is now and becomes
 *  - 'applied':     the target shows the change (a user row holds the values written, a removed
 *                   row is gone, a created one exists, old sessions are gone);
 *  - 'not applied': the target shows what was there before;
 *  - 'unknown':     bcadmin cannot tell: the target could not be read, the row changed since
 *                   (neither the old nor the new values), or the change is of a kind bcadmin
 *                   cannot read back (env variables, keys, passwords);
 * and a bulk entry follows its members: 'applied', 'not applied', 'partly applied' (some of
 * each) or 'unknown' (any member unknown). The entry's error says how it was settled. Only
 * entries of the open target are settled (another target's wait until it is opened); entries
 * of a running writer are never touched.
 */
#ifndef BC_AUDIT_RECONCILE_H
#define BC_AUDIT_RECONCILE_H

#include <stdbool.h>
#include <stddef.h>

#include "driver.h"
#include "state.h"
#include "status.h"

typedef struct {
    size_t applied, not_applied, unknown; /* single entries and bulk members */
    size_t groups;                        /* bulk entries settled from their members */
} bc_reconcile_counts;

/* Settle the pending entries of target (its audit label) whose writer is gone, reading d.
 * *counts (may be NULL) gets what was settled. Fails only when the state database cannot be read
 * or written; a target that cannot be read makes its entries 'unknown'. */
bc_status bc_audit_reconcile(bc_state *state, bc_driver *d, const char *target,
                             bc_reconcile_counts *counts, bc_error *err);

/* One sentence for the operator about what was settled ("3 audit entries a stopped bcadmin left
 * unfinished were settled: ..."), or false (out untouched) when nothing was. */
bool bc_reconcile_summary(const bc_reconcile_counts *c, char *out, size_t size);

#endif
