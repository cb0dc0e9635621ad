#!/bin/sh
# The Audit screen lists every change newest first (state, action, subject, before→after, an undo
# marker on reversible entries); z undoes a ban after a yes, and the undo is itself audited; an
# entry that cannot be undone is refused on the bottom line; G reaches the true end past the first
# page of entries.
. "$(dirname "$0")/lib.sh"
make_fixture 30
STATE=$DIR/.local/state/bcadmin/state.db
db() { sqlite3 "$DIR/app.db" "$1"; }
EXTRA_ENV="BCADMIN_AS=user000@example.com" start 120 40
wait_for "row 1 of 30"
keys X
wait_for "Revoke every session of user029@example.com?"
# a destructive question: Enter alone does not confirm it
keys Enter
wait_for "(Enter does not confirm)"
expect_screen_has "Revoke every session of user029@example.com?"
keys y
wait_for "revoked 0 sessions of user029@example.com"
keys b
wait_for "Ban user029@example.com"
text "audit me"
keys Enter C-u
text "12h"
keys Enter
wait_for "Ban user029@example.com?"
keys y
wait_for "banned user029@example.com until 2026-03-15 12:00 UTC"
[ "$(db "SELECT banned FROM user WHERE id = 'u029'")" = 1 ] || fail "not banned"

keys 3
wait_for "Audit log  entry 1 of 2"
expect_line 3 " #     started UTC      state          action              subject                       undo changes"
expect_line 4 "▸2     2026-03-15 00:00 done           users.ban           user029@example.com           z    banned: false→true, banR…"
expect_line 5 " 1     2026-03-15 00:00 done           sessions.revoke-all user029@example.com"
expect_screen_has "#2 users.ban done  started 2026-03-15 00:00:00 UTC"
expect_screen_has "as u000 user000@example.com on sqlite"
expect_screen_has 'after:  {"banned":true,"banReason":"audit me","banExpires":"2026-03-15T12:00:00.000Z"'
# the changes whole in the record view, as the audit verb writes them (core's one rule; the
# console's arrow): values as JSON, a null one as -
CHANGES='banned: false→true, banReason: -→"audit me", banExpires: -→"2026-03-15T12:00:00.000Z"'
keys v
wait_for "$CHANGES"
keys Escape
wait_for "Audit log  entry 1 of 2"
HOME=$DIR TZ=UTC "$BCADMIN" audit >"$DIR/audit.out" 2>&1 || fail "audit: $(cat "$DIR/audit.out")"
# (its table cuts the column at 60 characters)
grep -qF 'banned: false -> true, banReason: - -> "audit me", banExpir' "$DIR/audit.out" ||
    fail "the audit verb's changes differ: $(cat "$DIR/audit.out")"

# the revoke cannot be undone
keys j z
wait_for "Undo audit entry #1?"
keys y
wait_for "error: entry 1 (sessions.revoke-all) cannot be undone"
# the ban can
keys k z
wait_for "Undo audit entry #2?"
# the confirmation says what the entry did
expect_screen_has "│ users.ban user029@example.com"
keys y
wait_for "undid audit entry #2 (the undo is audited too)"
wait_for "Audit log  entry 2 of 3"
expect_line 4 " 3     2026-03-15 00:00 done           audit.undo          user029@example.com           z    undo of #2: banned: true…"
[ "$(db "SELECT banned, banReason IS NULL, banExpires IS NULL FROM user WHERE id = 'u029'")" = "0|1|1" ] ||
    fail "undo row: $(db "SELECT * FROM user WHERE id = 'u029'")"
[ "$(sqlite3 "$STATE" "SELECT action, undo_of, state FROM audit WHERE id = 3")" = "audit.undo|2|done" ] ||
    fail "audit: $(sqlite3 "$STATE" "SELECT * FROM audit")"
keys 1
wait_for "Users  row 1 of 30"
expect_line 4 "▸user029@example.com            User 29              user       active                        no       2026-01-02 05:00"

# G reaches the true end past the screen's first page (200 entries): 250 more revokes, then the
# oldest entry, #1, is the last row
sqlite3 "$STATE" "
WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < 249)
INSERT INTO audit (started_at, finished_at, os_user, target_kind, target, action, subject, state)
SELECT started_at, finished_at, os_user, target_kind, target, action, subject, state
FROM audit, n WHERE id = 1"
keys 3
wait_for "Audit log  entry 1 of 200+"
keys G
wait_for "Audit log  entry 253 of 253"
expect_screen_has "▸1     2026-03-15 00:00 done           sessions.revoke-all user029@example.com"
keys g
wait_for "Audit log  entry 1 of 253"
