/* describe.c - row states in words. */
#include "describe.h"

#include <string.h>

#include "isotime.h"
#include "xalloc.h"

bc_user_state bc_describe_user_state(const bc_record *user, int64_t now_ms, int64_t *until)
{
    if (!bc_record_bool(user, "banned"))
        return BC_USER_ACTIVE;
    int64_t expires;
    if (!bc_record_date(user, "banExpires", &expires))
        return BC_USER_BANNED;
    if (until)
        *until = expires;
    return expires > now_ms ? BC_USER_BANNED_UNTIL : BC_USER_BAN_EXPIRED;
}

char *bc_describe_user_status(const bc_record *user, int64_t now_ms)
{
    int64_t until = 0;
    switch (bc_describe_user_state(user, now_ms, &until)) {
    case BC_USER_ACTIVE:
        return bc_xstrdup("active");
    case BC_USER_BANNED:
        return bc_xstrdup("banned");
    case BC_USER_BANNED_UNTIL: {
        char iso[BC_ISO_LEN + 1];
        bc_iso_format(until, iso);
        return bc_xasprintf("banned until %.10s %.5s UTC", iso, iso + 11);
    }
    case BC_USER_BAN_EXPIRED:
        break;
    }
    return bc_xstrdup("ban expired");
}

bool bc_describe_session_active(const bc_record *session, int64_t now_ms)
{
    int64_t expires;
    return bc_record_date(session, "expiresAt", &expires) && expires > now_ms;
}

char *bc_describe_session_status(const bc_record *session, int64_t now_ms)
{
    const char *by = bc_record_text(session, "impersonatedBy");
    return bc_xasprintf("%s%s", bc_describe_session_active(session, now_ms) ? "active" : "expired",
                        by && *by ? " (impersonation)" : "");
}
