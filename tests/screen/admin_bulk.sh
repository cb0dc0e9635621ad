#!/bin/sh
# Bulk actions: Space marks rows, b bans the marked users after the count is typed (a wrong count
# refuses); m marks every user the search matches, and the bulk ban skips the acting admin; a
# bulk unban over the same match. Checked in the database and the audit log.
. "$(dirname "$0")/lib.sh"
make_fixture 40
STATE=$DIR/.local/state/bcadmin/state.db
db() { sqlite3 "$DIR/app.db" "$1"; }
EXTRA_ENV="BCADMIN_AS=user000@example.com" start 120 40
wait_for "row 1 of 40"
keys Space Space Space
wait_for "row 4 of 40"
wait_for "marked: 3"
expect_line 4 "*user039@example.com            User 39              user       active                        yes      2026-01-02 15:00"
expect_line 6 "*user037@example.com            User 37              user       active                        no       2026-01-02 13:00"
expect_line 7 "▸user036@example.com            User 36              user       active                        yes      2026-01-02 12:00"
# Space again unmarks
keys k Space
wait_for "marked: 2"
keys k Space
wait_for "marked: 3"
keys b
wait_for "Ban 3 users"
text "bulk"
keys Enter Enter
wait_for "Ban 3 users?"
expect_screen_has "Every session of each user is deleted."
text "4"
keys Enter
wait_for 'that is not "3": nothing was changed'
[ "$(db "SELECT count(*) FROM user WHERE banReason = 'bulk'")" = 0 ] || fail "banned after a wrong count"
keys C-u
text "3"
keys Enter
wait_for "banned 3 users"
[ "$(db "SELECT group_concat(id) FROM (SELECT id FROM user WHERE banned = 1 AND banReason = 'bulk'
  AND banExpires IS NULL ORDER BY id)")" = "u037,u038,u039" ] || fail "bulk ban: $(db "SELECT id, banned, banReason FROM user")"
expect_line 4 "*user039@example.com            User 39              user       banned                        yes      2026-01-02 15:00"

# m clears the marks, m again marks every match of the search
keys m
wait_for "marks cleared"
expect_screen_lacks "marked:"
keys /
text "^user00"
keys Enter
wait_for "row 1 of 10"
keys m
wait_for "marked: every match"
keys b
wait_for "Ban 10 users"
text "filter"
keys Enter
keys C-u
text "2w"
keys Enter
wait_for "Ban 10 users?"
text "10"
keys Enter
wait_for "banned 9 users (1 skipped: you cannot ban yourself)"
[ "$(db "SELECT count(*) FROM user WHERE banReason = 'filter' AND banExpires = '2026-03-29T00:00:00.000Z'")" = 9 ] ||
    fail "filter ban: $(db "SELECT id, banReason, banExpires FROM user")"
[ "$(db "SELECT banReason IS NULL FROM user WHERE id = 'u000'")" = 1 ] || fail "the acting admin banned themself"
keys u
wait_for "Unban 10 users?"
text "10"
keys Enter
wait_for "unbanned 10 users"
[ "$(db "SELECT count(*) FROM user WHERE id < 'u010' AND banned = 0")" = 10 ] || fail "filter unban"
[ "$(sqlite3 "$STATE" "SELECT count(*) FROM audit WHERE action = 'users.ban' AND state = 'done'")" = 12 ] ||
    fail "audit: $(sqlite3 "$STATE" "SELECT action, subject, state FROM audit")"
