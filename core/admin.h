/* admin.h - Better Auth admin-plugin actions with its exact semantics, above the driver seam.
 *
 * Each action resolves its target, checks the plugin's rules (no self-ban, no impersonating
 * admins...), writes a pending audit entry, applies the change through bc_driver_* (inside one
 * transaction where the driver has them) and marks the audit entry done or failed. Both drivers
 * get the same rules because they live only here. USER arguments are an id or an email.
 *
 * A bc_admin is zero-initialised, set up by bc_admin_init and released by bc_admin_release; it
 * borrows the driver and the state database (the caller keeps ownership of both).
 */
#ifndef BC_ADMIN_H
#define BC_ADMIN_H

#include <stdbool.h>
#include <stdint.h>

#include "audit.h"
#include "driver.h"
#include "progress.h"
#include "record.h"
#include "state.h"
#include "status.h"

#define BC_IMPERSONATION_DEFAULT_MS (3600 * 1000LL)

typedef struct {
    bc_driver *driver;
    bc_state *state;  /* audit log; required for every write */
    bc_audit_who who; /* strings below are owned by the bc_admin */
    bc_record actor;  /* the acting admin's user row; empty when none was given */
    char *os_user, *actor_label, *target;
    const char *admin_roles; /* roles that count as admin, comma-separated; default "admin" */
    bc_record changed; /* the user row as the last single-user change left it (owned; empty
                        * before one): its answer, so showing the result costs no read */
    const bc_progress *progress; /* bc_admin_select and bc_admin_bulk report here; may be NULL */
    /* The user a verb will name, read together with the acting admin (bc_admin_set_actor_for)
     * and handed once to the first bc_admin_find_user of that name (owned). */
    char *ahead_name;
    bc_record ahead;
    bc_status ahead_status;
    bc_error ahead_err;
    /* The acting admin to look up beside the next bulk selection (bc_admin_set_actor_later;
     * owned, NULL: none or already looked up). */
    char *actor_later;
} bc_admin;

bc_status bc_admin_init(bc_admin *a, bc_driver *d, bc_state *state, bc_error *err);
void bc_admin_release(bc_admin *a);

/* Set the acting admin (--as / BCADMIN_AS): the user must exist and hold an admin role. */
bc_status bc_admin_set_actor(bc_admin *a, const char *user, bc_error *err);
/* bc_admin_set_actor, with the user the verb is about (`target`, NULL: none) read in the same
 * round: the first bc_admin_find_user(target) then answers from that read. */
bc_status bc_admin_set_actor_for(bc_admin *a, const char *user, const char *target,
                                 bc_error *err);
/* bc_admin_set_actor for a bulk form: the lookup goes out with the first read of the next
 * bc_admin_select / bc_admin_bulk_filter, which fails as bc_admin_set_actor would (before anything
 * is changed) when the user is not an acting admin. */
void bc_admin_set_actor_later(bc_admin *a, const char *user);
/* The two halves of it, for a caller that looks up on another thread: check_actor reads the
 * user and checks the rule without changing a (*row is the caller's on success); use_actor makes
 * *row the acting admin (it takes the row over and zeroes *row). */
bc_status bc_admin_check_actor(bc_admin *a, const char *user, bc_record *row, bc_error *err);
void bc_admin_use_actor(bc_admin *a, bc_record *row);
bool bc_admin_has_actor(const bc_admin *a);
/* Whether a user row's role list holds one of the admin roles. */
bool bc_admin_is_admin_user(const bc_admin *a, const bc_record *user);

/* The row the last single-user change wrote, when it was the user with this id (borrowed from a,
 * valid until the next change), else NULL. */
const bc_record *bc_admin_changed_user(const bc_admin *a, const char *id);

/* Find a user by id or email (lowercased). BC_NOT_FOUND names what was looked for. */
bc_status bc_admin_find_user(bc_admin *a, const char *user, bc_record *out, bc_error *err);

/* --- ban expiry ------------------------------------------------------------------------- */
typedef struct {
    bool never;    /* a permanent ban: banExpires is written as NULL */
    int64_t at_ms; /* otherwise the instant the ban ends */
} bc_ban_expiry;

/* "never" (or "" / NULL), a duration ("30m", "12h", "7d", "2w"), or an ISO-8601 time. */
bc_status bc_ban_expiry_parse(const char *s, int64_t now_ms, bc_ban_expiry *out, bc_error *err);

/* --- single-user actions ---------------------------------------------------------------- */
/* banned=1, banReason (default "No reason"), banExpires written explicitly (never stale),
 * updatedAt=now, then every session of the user deleted. Refused for the acting admin. */
bc_status bc_admin_ban(bc_admin *a, const char *user, const char *reason, bc_ban_expiry expiry,
                       bc_error *err);
/* banned=0, banReason=NULL, banExpires=NULL, updatedAt=now. */
bc_status bc_admin_unban(bc_admin *a, const char *user, bc_error *err);
/* A role list as it is stored: "user, admin" becomes "user,admin" in *out (caller frees);
 * empty, malformed (letters, digits, '-', '_' only) or repeated roles are refused (BC_USAGE). */
bc_status bc_admin_normalise_roles(const char *roles, char **out, bc_error *err);
/* roles: one or several, comma-separated; normalised (bc_admin_normalise_roles) before written. */
bc_status bc_admin_set_role(bc_admin *a, const char *user, const char *roles, bc_error *err);
/* A new session for the target with impersonatedBy = the acting admin (required), expiring
 * after duration_ms (0: one hour). Refused for admin targets unless allow_admin, and for a
 * target whose ban is in force. *session gets the new row, token unmasked (caller's). */
bc_status bc_admin_impersonate(bc_admin *a, const char *user, int64_t duration_ms, bool allow_admin,
                               bc_record *session, bc_error *err);
/* Delete impersonation sessions: of one user, or of everyone when user is NULL. */
bc_status bc_admin_stop_impersonating(bc_admin *a, const char *user, size_t *deleted,
                                      bc_error *err);
/* Delete one session, given its id or its token. */
bc_status bc_admin_revoke_session(bc_admin *a, const char *session, bc_error *err);
bc_status bc_admin_revoke_sessions(bc_admin *a, const char *user, size_t *deleted, bc_error *err);
/* Delete the user's sessions, then accounts, then the user. Refused for the acting admin. */
bc_status bc_admin_remove_user(bc_admin *a, const char *user, bc_error *err);
/* Hash and store on the user's credential account (8..128 characters); a user without one
 * (created without a password, or signing in through a social provider) gets one, as Better
 * Auth 1.6+ does (accountId = the user id), so a password sign-in works on every line. */
bc_status bc_admin_set_password(bc_admin *a, const char *user, const char *password, bc_error *err);
/* Whether Better Auth 1.4.9 accepts email at sign-up: zod 4.3.6's z.email() rule (its regex
 * /^(?!\.)(?!.*\.\.)([A-Za-z0-9_'+\-\.]*)[A-Za-z0-9_+-]@([A-Za-z0-9][A-Za-z0-9\-]*\.)+[A-Za-z]{2,}$/,
 * applied to the email as typed, before lowercasing), checked against the real server in
 * tests/integration/email_rule.sh. A user with any other email could never sign in. */
bool bc_admin_email_valid(const char *email);

/* A new user (email lowercased, must be new; role default "user") and its credential account.
 * *created gets the user row (caller's; may be NULL). */
bc_status bc_admin_create_user(bc_admin *a, const char *email, const char *name, const char *role,
                               const char *password, bc_record *created, bc_error *err);
/* Update name, email (lowercased, unique), emailVerified or image: fields given in changes. */
bc_status bc_admin_update_user(bc_admin *a, const char *user, const bc_record *changes,
                               bc_error *err);
/* Delete one account of the user, named by its row id, as "PROVIDER:ACCOUNT_ID" (Better Auth's
 * providerId + accountId pair) or by its provider id when the user has one account of that
 * provider (several: BC_USAGE naming each, never a silent pick); refused when it is the last one
 * (BC_REFUSED). */
bc_status bc_admin_unlink_account(bc_admin *a, const char *user, const char *account,
                                  bc_error *err);

/* --- bulk actions ----------------------------------------------------------------------- */
typedef enum { BC_BULK_BAN, BC_BULK_UNBAN, BC_BULK_REVOKE_SESSIONS, BC_BULK_SET_ROLE } bc_bulk_kind;

typedef struct {
    bc_bulk_kind kind;
    const char *reason;   /* ban */
    bc_ban_expiry expiry; /* ban */
    const char *roles;    /* set role */
} bc_bulk_action;

/* The audit action name a bulk kind is recorded under ("users.ban"...). Static string. */
const char *bc_admin_bulk_action_name(bc_bulk_kind kind);

/* The ids of every user a filter matches (paging through it by cursor). */
bc_status bc_admin_select(bc_admin *a, const bc_user_query *filter, char ***ids, size_t *n,
                          bc_error *err);
void bc_admin_ids_free(char **ids, size_t n);
/* Apply one action to every listed user in one transaction (where the driver has them). The
 * acting admin is skipped for ban, and reported in *skipped. Audited as ONE entry (its label
 * "N users: the first emails") whose members are the entries of each user. */
bc_status bc_admin_bulk(bc_admin *a, const bc_bulk_action *action, char *const *ids, size_t n,
                        size_t *affected, size_t *skipped, bc_error *err);
/* Select the users a filter matches and apply the action to them (the CLI's bulk forms with
 * --yes). Where the store has no transactions (bc_admin_bulk_keeps_selection: Convex) the rows
 * as selected are the audit's "before", and each chunk of 500 users is audited (pending) and
 * written (bc_driver_writes_start) as soon as it is selected, while later users are still being
 * read; the bulk's own entry begins with the first chunk, before the count is known. A failure
 * stops the selection and the writes not yet sent; the audit says exactly which members were
 * applied (chunks whose answer was lost are read back) and err says how many: "N of the M users
 * selected before the failure banned; re-run to finish". Elsewhere: bc_admin_select, then
 * bc_admin_bulk in one transaction. *matched gets the users selected (the skipped acting admin
 * included). */
bc_status bc_admin_bulk_filter(bc_admin *a, const bc_bulk_action *action,
                               const bc_user_query *filter, size_t *matched, size_t *affected,
                               size_t *skipped, bc_error *err);
/* Whether bc_admin_bulk_filter may be used: the store has no transactions, so the rows as
 * selected serve as the audit's "before" (elsewhere they are read again inside the transaction:
 * select, confirm, then bc_admin_bulk). */
bool bc_admin_bulk_keeps_selection(const bc_admin *a);

/* --- undo -------------------------------------------------------------------------------- */
/* Undo a done audit entry of a reversible action (ban, unban, role, field update): writes the
 * entry's "before" values back, audited with undo_of = id. A bulk entry is undone as one: every
 * member (none may have changed since) in one transaction where the driver has them, audited as
 * one undo entry with a member undo for each. */
/* Whether bc_admin_undo could take this entry: a done entry of a reversible action (the console
 * marks such entries; bc_admin_undo still checks that the user has not changed since). */
bool bc_admin_undoable(const bc_audit_entry *e);
bc_status bc_admin_undo(bc_admin *a, int64_t audit_id, bc_error *err);

#endif
