#!/bin/sh
# Bulk actions: Space marks rows, b bans the marked users after the count is typed (a wrong count
# refuses), the dialog naming the first users; the marks are cleared after it; m marks every user
# the search matches, and the bulk ban skips the acting admin; a bulk unban over the same match.
# Each bulk action is ONE audit entry (emails shown) that one z undoes; an undone entry offers no
# z; marks hidden by a search are shown in the header and the dialog; a mark of every match is
# dropped when the search changes. Checked in the database and the audit log.
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
# one email a line, so a long one never pushes the others out
expect_screen_has "│ Users: user037@example.com"
expect_screen_has "│        user038@example.com"
expect_screen_has "│        user039@example.com"
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
# the marks are cleared once the action is done
expect_line 4 " user039@example.com            User 39              user       banned                        yes      2026-01-02 15:00"
expect_screen_lacks "marked:"

# m marks every match of the search
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
# the first five, then how many more
expect_screen_has "│        … and 5 more"
text "10"
keys Enter
wait_for "banned 9 users (1 skipped: you cannot ban yourself)"
[ "$(db "SELECT count(*) FROM user WHERE banReason = 'filter' AND banExpires = '2026-03-29T00:00:00.000Z'")" = 9 ] ||
    fail "filter ban: $(db "SELECT id, banReason, banExpires FROM user")"
[ "$(db "SELECT banReason IS NULL FROM user WHERE id = 'u000'")" = 1 ] || fail "the acting admin banned themself"
expect_screen_lacks "marked:"
keys m
wait_for "marked: every match"
keys u
wait_for "Unban 10 users?"
text "10"
keys Enter
wait_for "unbanned 10 users"
[ "$(db "SELECT count(*) FROM user WHERE id < 'u010' AND banned = 0")" = 10 ] || fail "filter unban"
# one entry per bulk action, its users inside
[ "$(sqlite3 "$STATE" "SELECT group_concat(n) FROM (SELECT (SELECT count(*) FROM audit m
  WHERE m.group_id = audit.id) AS n FROM audit WHERE action = 'users.ban' AND group_id IS NULL
  AND state = 'done' ORDER BY id)")" = "3,9" ] ||
    fail "audit: $(sqlite3 "$STATE" "SELECT id, action, subject, state, group_id FROM audit")"

# the audit screen: one line per bulk action, with emails; one z undoes the whole unban
keys 3
wait_for "Audit log  entry 1 of 3"
expect_screen_has "users.unban         10 users: user000@example.co… z"
expect_screen_has "users.ban           9 users: user001@example.com… z"
keys z
wait_for "Undo audit entry"
expect_screen_has "│ users.unban 10 users: user000@example.com, "
# an undo writes over what came after it (here: bans 9 users again): Enter alone does not confirm
keys Enter
wait_for "(Enter does not confirm)"
[ "$(db "SELECT count(*) FROM user WHERE banReason = 'filter' AND banned = 1")" = 0 ] ||
    fail "Enter confirmed the undo"
keys y
wait_for "undid audit entry"
[ "$(db "SELECT count(*) FROM user WHERE banReason = 'filter' AND banned = 1")" = 9 ] ||
    fail "undoing the bulk unban: $(db "SELECT id, banned, banReason FROM user")"
wait_for "audit.undo          undo of #"
# the undone entry (still selected) offers no z any more, and a second z on it is refused
expect_screen_has "users.unban         10 users: user000@example.co… done"
keys z
wait_for "is already undone"
# its changes: the value every user was given (each user's before is in its member entry), not
# "-" for a before that reads "was null"
keys v
wait_for "changes       banned: false, banReason: -, banExpires: -"
expect_screen_lacks "banned: -"
keys q
wait_for "of 4   newest first"
# `/` searches the log
keys /
text "user039"
wait_for "entry 1 of 1"
expect_screen_has "3 users: user037@example.com"
keys Escape
wait_for "of 4   newest first"

# a mark the search hides is said in the header and in the dialog
keys 1
wait_for "Users  row"
keys F
wait_for "row 1 of 40   sort"
keys Space
wait_for "marked: 1"
keys /
text "^user00"
keys Enter
wait_for "marked: 1 (1 outside this list)"
keys j Space
wait_for "marked: 2 (1 outside this list)"
keys X
wait_for "Revoke every session of 2 users?"
expect_screen_has "1 of them are marked but outside the current search/filters."
keys Escape

# "every match" is the search's of then: another search drops the mark (said), so b then acts on
# the selected user alone, never on the new search's matches
keys m
wait_for "marks cleared"
keys m
wait_for "marked: every match"
keys /
text "^user01"
keys Enter
wait_for "marks cleared: the search or filters changed"
expect_screen_lacks "marked:"
keys b
wait_for "Ban user019@example.com"
keys Escape
wait_gone "Ban user019"
