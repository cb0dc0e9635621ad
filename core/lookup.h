/* lookup.h - finding the row an operator names: a user by id or by email. Shared by the verbs
 * (`users show USER`) and the TUI's command line.
 */
#ifndef BC_LOOKUP_H
#define BC_LOOKUP_H

#include "driver.h"

/* The user named by `user`: an email when it contains '@' (matched as Better Auth stores emails,
 * lowercased, which the driver does; failing that, as typed, for an email stored as given by
 * Better Auth's admin update-user), else an id. BC_NOT_FOUND names what was looked for; BC_USAGE
 * for an empty name. *out is the caller's (bc_record_release). */
bc_status bc_lookup_user(bc_driver *d, const char *user, bc_record *out, bc_error *err);

/* Several users by name at once (one read of the store: one round trip on Convex), each as
 * bc_lookup_user finds it: status[i] is BC_OK with out[i] filled (the caller's), or BC_NOT_FOUND /
 * BC_USAGE with errs[i] saying which. Returns BC_OK unless the read itself failed (then every
 * out[i] is empty and err says why). */
bc_status bc_lookup_users(bc_driver *d, const char *const *users, size_t n, bc_record *out,
                          bc_status *status, bc_error *errs, bc_error *err);

/* bc_lookup_users in two steps, for a caller that sends the reads beside others (the acting
 * admin's lookup in a bulk selection's first round): bc_lookup_prepare makes the reads
 * (plan->reads, plan->n_reads: send them, e.g. as bc_each_opts.reads) and fills out/status/errs
 * for names refused before any read; bc_lookup_settle reads the answers (read_status: how the
 * reads went) into them as bc_lookup_users does and releases the plan. users is borrowed until
 * bc_lookup_settle. */
typedef struct {
    bc_read *reads;
    size_t n_reads;
    size_t *slot; /* per name: its first read */
    const char *const *users;
    size_t n;
} bc_lookup_plan;
void bc_lookup_prepare(const char *const *users, size_t n, bc_lookup_plan *plan, bc_record *out,
                       bc_status *status, bc_error *errs);
void bc_lookup_settle(bc_driver *d, bc_lookup_plan *plan, bc_status read_status, bc_record *out,
                      bc_status *status, bc_error *errs);

/* The field a name is looked up by: "email" when it contains '@', else "id" (static). */
const char *bc_lookup_field(const char *user);
/* The BC_NOT_FOUND error for a user name nothing matched. */
bc_status bc_lookup_not_found(const bc_driver *d, const char *user, bc_error *err);

#endif
