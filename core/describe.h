/* describe.h - the words the TUI and the verbs use for a row's state, so both say the same thing:
 * a user's ban status ("active", "banned", "banned until <date>", "ban expired"), a session's
 * state. Every char * returned is the caller's to free. (Times in a chosen zone and form are the
 * front end's: tui/timefmt.h.)
 */
#ifndef BC_DESCRIBE_H
#define BC_DESCRIBE_H

#include <stdbool.h>
#include <stdint.h>

#include "record.h"

typedef enum {
    BC_USER_ACTIVE,       /* not banned */
    BC_USER_BANNED,       /* banned for good (no expiry) */
    BC_USER_BANNED_UNTIL, /* banned, the expiry is in the future */
    BC_USER_BAN_EXPIRED,  /* banned, the expiry has passed: the next sign-in lifts it */
} bc_user_state;

/* The ban state of a user row at now_ms (same rule as the driver's BC_BAN_* filters). *until
 * (may be NULL) gets banExpires for the two states that have one. */
bc_user_state bc_describe_user_state(const bc_record *user, int64_t now_ms, int64_t *until);

/* "active", "banned", "banned until 2026-11-27 05:31 UTC" or "ban expired". */
char *bc_describe_user_status(const bc_record *user, int64_t now_ms);

/* A session is active while expiresAt is in the future. */
bool bc_describe_session_active(const bc_record *session, int64_t now_ms);

/* "active" or "expired", plus " (impersonation)" for impersonation sessions. */
char *bc_describe_session_status(const bc_record *session, int64_t now_ms);

#endif
