/* users.h - one user as the console shows it: the user with its sessions and accounts, found by
 * id or email (lookup.h), and owner emails attached to session rows. The words for a user's or
 * a session's state are in describe.h.
 */
#ifndef BC_USERS_H
#define BC_USERS_H

#include <stdatomic.h>
#include <stdbool.h>

#include "driver.h"
#include "record.h"
#include "status.h"

typedef struct {
    bc_record user;
    bc_rows sessions; /* every session, newest first */
    bc_rows accounts;
} bc_user_detail;

/* The user named by key (an id, or an email when it holds '@') with its sessions and accounts.
 * Secrets (tokens, password hashes) are masked unless reveal. Release with
 * bc_users_detail_release (which accepts NULL). */
bc_status bc_users_detail(bc_driver *d, const char *key, bool reveal, bc_user_detail *out,
                          bc_error *err);
void bc_users_detail_release(bc_user_detail *detail);

/* Whether these accounts hold a credential (password) account. Users created without a
 * password (Better Auth 1.5+) or through a social provider have none: they cannot sign in with
 * a password until `users set-password` makes one. */
bool bc_users_has_password(const bc_rows *accounts);
/* The words for such a user, for every place that shows one. */
#define BC_USERS_NO_PASSWORD                                                                       \
    "no password: no credential account (created without one, or social sign-in only); "       \
    "set-password makes one"

/* Add "userEmail" (and "impersonatorEmail" where impersonatedBy is set) to each session row,
 * with one lookup for the whole list (none when every id is `known`'s, a user already read, or
 * NULL). Ids with no user are left without the field. */
bc_status bc_users_attach_emails(bc_driver *d, bc_rows *sessions, const bc_record *known,
                                 bc_error *err);

/* How far a count got, for another thread to show while it runs: matches found, rows read and
 * the rows the table holds as the share read so far suggests (0 while unknown; an estimate from
 * the rows' creation times, see convex_ranges.h). Zero-initialise it. */
typedef struct {
    atomic_size_t found;
    atomic_uint_least64_t scanned;
    atomic_uint_least64_t table_estimate;
} bc_count_progress;

/* Count every user the query matches (its search and filters; sort, limit, cursor and the
 * want_total flag are ignored): the store's own count when it is exact, else by reading every
 * match as fast as the store allows (bc_driver_users_each). *progress (may be NULL) is updated
 * as the reading goes: after each batch, and match by match where the store counts that way
 * (d->found). BC_CANCELLED when the driver is interrupted (bc_driver_interrupt); *total is set
 * only on success. */
bc_status bc_users_count(bc_driver *d, const bc_user_query *q, bc_count_progress *progress,
                         int64_t *total, bc_error *err);

/* The roles the newest BC_PAGE_MAX users hold (a NULL role counts as "user"), in the order first
 * seen, as "admin, user" into *roles (the caller frees). *partial (may be NULL) is set when the
 * target has more users than that: the list may then miss a rare role. */
bc_status bc_users_roles_in_use(bc_driver *d, char **roles, bool *partial, bc_error *err);
/* For a role list about to be set ("user,amdin"): *warning (caller frees) names the roles no user
 * holds yet, other than Better Auth's defaults user and admin, with the roles in use; NULL when
 * every role is known. One single-row query per unfamiliar role. */
bc_status bc_users_role_warning(bc_driver *d, const char *roles, char **warning, bc_error *err);

#endif
