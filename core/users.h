/* users.h - one user as an operator sees it: the status text, the detail (user, sessions,
 * accounts) looked up by id or email, and owner emails attached to session rows.
 *
 * The status wording ("active", "banned", "banned until <date>", "ban expired") is decided here
 * and only here, so the TUI table, the detail screen and the verbs always agree.
 */
#ifndef BC_USERS_H
#define BC_USERS_H

#include <stdbool.h>
#include <stdint.h>

#include "driver.h"
#include "record.h"
#include "status.h"

typedef enum {
    BC_USER_ACTIVE,       /* not banned */
    BC_USER_BANNED,       /* banned with no expiry */
    BC_USER_BANNED_UNTIL, /* banned, expiry in the future */
    BC_USER_BAN_EXPIRED,  /* banned, expiry in the past: the next sign-in lifts it */
} bc_user_state;

bc_user_state bc_users_state(const bc_record *user, int64_t now_ms);

/* "active", "banned", "banned until YYYY-MM-DD" or "ban expired". The caller frees it. */
char *bc_users_status_text(const bc_record *user, int64_t now_ms);

/* Whether a session row is expired at now_ms (a missing expiry counts as expired). */
bool bc_users_session_expired(const bc_record *session, int64_t now_ms);

/* "YYYY-MM-DD HH:MM" (UTC) for a date field, "-" when absent. Writes into out (17+ bytes). */
void bc_users_format_date(const bc_record *r, const char *field, char out[32]);

typedef struct {
    bc_record user;
    bc_rows sessions; /* newest first, at most BC_PAGE_MAX */
    bc_rows accounts;
    bool sessions_truncated; /* the user has more sessions than were loaded */
} bc_user_detail;

/* Find one user by id, or by email (case-insensitive, as Better Auth lowercases emails) when
 * key contains '@'. BC_NOT_FOUND names the key. *out is the caller's (bc_record_release). */
bc_status bc_users_find(bc_driver *d, const char *key, bc_record *out, bc_error *err);

/* The user named by key with its sessions and accounts. Secrets (tokens, password hashes) are
 * masked unless reveal. Release with bc_users_detail_release. */
bc_status bc_users_detail(bc_driver *d, const char *key, bool reveal, bc_user_detail *out,
                          bc_error *err);
void bc_users_detail_release(bc_user_detail *detail);

/* Add "userEmail" (and "impersonatorEmail" where impersonatedBy is set) to each session row,
 * with one lookup for the whole list. Unknown ids are left without the field. */
bc_status bc_users_attach_emails(bc_driver *d, bc_rows *sessions, bc_error *err);

#endif
