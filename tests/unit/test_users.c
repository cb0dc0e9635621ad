/* Unit tests for core/users.c: the one place that words a user's status. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "isotime.h"
#include "users.h"

static int64_t at(const char *iso)
{
    int64_t ms;
    assert_true(bc_iso_parse(iso, strlen(iso), &ms));
    return ms;
}

static void check_status(const bc_record *u, int64_t now, bc_user_state state, const char *text)
{
    assert_int_equal(bc_users_state(u, now), state);
    char *got = bc_users_status_text(u, now);
    assert_string_equal(got, text);
    free(got);
}

static void words_every_ban_state(void **state)
{
    (void)state;
    int64_t now = at("2026-03-01T12:00:00.000Z");
    bc_record u = {0};
    check_status(&u, now, BC_USER_ACTIVE, "active"); /* no banned field at all */
    bc_record_set_null(&u, "banned");
    check_status(&u, now, BC_USER_ACTIVE, "active"); /* NULL banned, as Better Auth writes */
    bc_record_set_bool(&u, "banned", false);
    bc_record_set_date(&u, "banExpires", at("2030-01-01T00:00:00Z"));
    check_status(&u, now, BC_USER_ACTIVE, "active"); /* a stale expiry on an unbanned user */
    bc_record_set_bool(&u, "banned", true);
    check_status(&u, now, BC_USER_BANNED_UNTIL, "banned until 2030-01-01");
    bc_record_set_date(&u, "banExpires", now);
    check_status(&u, now, BC_USER_BAN_EXPIRED, "ban expired"); /* expiry == now has passed */
    bc_record_set_date(&u, "banExpires", at("2026-03-01T11:59:59.999Z"));
    check_status(&u, now, BC_USER_BAN_EXPIRED, "ban expired");
    bc_record_set_null(&u, "banExpires");
    check_status(&u, now, BC_USER_BANNED, "banned");
    bc_record_set(&u, "banned", bc_value_int(1)); /* an integer flag from a raw column */
    check_status(&u, now, BC_USER_BANNED, "banned");
    bc_record_set_text(&u, "banExpires", "not a date"); /* unparsed text: no usable expiry */
    check_status(&u, now, BC_USER_BANNED, "banned");
    bc_record_release(&u);
}

static void session_expiry_and_dates(void **state)
{
    (void)state;
    int64_t now = at("2026-03-01T12:00:00Z");
    bc_record s = {0};
    assert_true(bc_users_session_expired(&s, now)); /* no expiry: treat as expired */
    bc_record_set_date(&s, "expiresAt", now + 1);
    assert_false(bc_users_session_expired(&s, now));
    bc_record_set_date(&s, "expiresAt", now);
    assert_true(bc_users_session_expired(&s, now));
    char out[32];
    bc_users_format_date(&s, "expiresAt", out);
    assert_string_equal(out, "2026-03-01 12:00");
    bc_users_format_date(&s, "createdAt", out);
    assert_string_equal(out, "-");
    bc_record_release(&s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(words_every_ban_state),
        cmocka_unit_test(session_expiry_and_dates),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
