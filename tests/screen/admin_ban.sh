#!/bin/sh
# Ban from the users table with a reason and an expiry (a bad expiry is refused in the dialog),
# then the status column says "banned until …"; unban (declined once, then confirmed); set role.
# Every effect is checked in the database file and the audit log with sqlite3.
. "$(dirname "$0")/lib.sh"
make_fixture 200
STATE=$DIR/.local/state/bcadmin/state.db
db() { sqlite3 "$DIR/app.db" "$1"; }
EXTRA_ENV="BCADMIN_AS=user000@example.com" start 120 40
wait_for "row 1 of 200"
line 1 | grep -qF "  as user000@example.com" || fail "top bar does not name the acting admin"
keys /
text "user010"
keys Enter
wait_for "row 1 of 1"
expect_line 4 "▸user010@example.com            User 10              user       active                        no       2026-01-01 10:00"

# ban: reason, then an expiry that is refused, then 7 days
keys b
wait_for "Ban user010@example.com"
expect_screen_has "Expires  never"
text "spam"
keys Enter
keys C-u
text "tomorrow"
keys Enter
wait_for 'ban expiry "tomorrow" is not "never", a duration'
keys C-u
text "7d"
keys Enter
wait_for "Ban user010@example.com?"
expect_screen_has "Reason:  spam"
expect_screen_has "Until:   2026-03-22 00:00 UTC"
keys y
wait_for "banned user010@example.com until 2026-03-22 00:00 UTC; their sessions are revoked"
expect_line 4 "▸user010@example.com            User 10              user       banned until 2026-03-22 00:00 no       2026-01-01 10:00"
[ "$(db "SELECT banned, banReason, banExpires FROM user WHERE id = 'u010'")" = "1|spam|2026-03-22T00:00:00.000Z" ] ||
    fail "ban row: $(db "SELECT * FROM user WHERE id = 'u010'")"
[ "$(db "SELECT count(*) FROM session WHERE userId = 'u010'")" = 0 ] || fail "sessions survived the ban"
[ "$(sqlite3 "$STATE" "SELECT action, subject, state, actor FROM audit")" = "users.ban|u010|done|u000 user000@example.com" ] ||
    fail "audit: $(sqlite3 "$STATE" "SELECT * FROM audit")"

# unban: n declines and changes nothing; y unbans
keys u
wait_for "Unban user010@example.com?"
keys n
wait_for "unban cancelled: nothing was changed"
[ "$(db "SELECT banned FROM user WHERE id = 'u010'")" = 1 ] || fail "a declined unban changed the row"
keys u
wait_for "Unban user010@example.com?"
keys y
wait_for "unbanned user010@example.com"
expect_line 4 "▸user010@example.com            User 10              user       active                        no       2026-01-01 10:00"
[ "$(db "SELECT banned, banReason IS NULL, banExpires IS NULL FROM user WHERE id = 'u010'")" = "0|1|1" ] ||
    fail "unban row: $(db "SELECT * FROM user WHERE id = 'u010'")"

# set role: the field starts with the current role; "user, admin" is normalised (by core) before
# the confirmation, which shows what will be written, as the message after it does
keys R
wait_for "Set the role of user010@example.com"
expect_screen_has "Role(s)  user"
keys C-u
text "user, admin"
keys Enter
wait_for "New role:  user,admin"
keys Enter
wait_for "user010@example.com now has role user,admin"
[ "$(db "SELECT role FROM user WHERE id = 'u010'")" = "user,admin" ] || fail "role: $(db "SELECT role FROM user WHERE id = 'u010'")"
expect_line 4 "▸user010@example.com            User 10              user,admin active                        no       2026-01-01 10:00"
# an invalid role is refused (by core's rule) in the form itself, and nothing changes
keys R
wait_for "Set the role of user010@example.com"
keys C-u
text "bad role!"
keys Enter
wait_for 'role list "bad role!" has an empty or invalid role'
expect_screen_has "Role(s)  bad role!"
keys Escape
wait_gone "Set the role of user010@example.com"
[ "$(db "SELECT role FROM user WHERE id = 'u010'")" = "user,admin" ] || fail "an invalid role was written"
[ "$(sqlite3 "$STATE" "SELECT group_concat(action, ' ') FROM (SELECT action FROM audit ORDER BY id)")" = "users.ban users.unban users.set-role" ] ||
    fail "audit: $(sqlite3 "$STATE" "SELECT * FROM audit")"
