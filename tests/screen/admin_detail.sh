#!/bin/sh
# From a user's detail screen: revoke the selected session (x), then every session (X); removal
# asks for the email typed (a wrong one refuses and changes nothing), then deletes the user with
# sessions and accounts and goes back to the table. A hostile email stays escaped in the dialog
# and is confirmed by typing what the dialog shows.
. "$(dirname "$0")/lib.sh"
make_fixture 50
STATE=$DIR/.local/state/bcadmin/state.db
db() { sqlite3 "$DIR/app.db" "$1"; }
db "INSERT INTO user VALUES ('evil', 'Evil', 'ev' || char(27) || '[31mil@example.com', 0, NULL,
  '2025-01-01T00:00:00.000Z', '2025-01-01T00:00:00.000Z', 'user', 0, NULL, NULL)"
start 120 40
wait_for "row 1 of 51"
keys :
text "user user010@example.com"
keys Enter
wait_for "User  user010@example.com"
expect_screen_has "Sessions (2, 1 active)"
# x needs a session: on the Fields pane it says so
keys x
wait_for "revoke-session: select a session first"
keys s
wait_for "▸ Sessions (2, 1 active)"
keys x
wait_for "Revoke session s1?"
keys y
wait_for "revoked session s1"
expect_screen_has "Sessions (1, 0 active)"
[ "$(db "SELECT group_concat(id) FROM session WHERE userId = 'u010'")" = "s2" ] || fail "s1 not revoked alone"
keys X
wait_for "Revoke every session of user010@example.com?"
keys y
wait_for "revoked 1 session of user010@example.com"
expect_screen_has "no sessions"
[ "$(db "SELECT count(*) FROM session WHERE userId = 'u010'")" = 0 ] || fail "sessions left"

# removal: a wrong email refuses, Esc cancels, the right one removes
keys D
wait_for "Remove user010@example.com?"
expect_screen_has "This cannot be undone."
text "user011@example.com"
keys Enter
wait_for 'that is not "user010@example.com": nothing was changed'
[ "$(db "SELECT count(*) FROM user WHERE id = 'u010'")" = 1 ] || fail "removed after a wrong email"
keys Escape
wait_for "remove cancelled: nothing was changed"
keys D
wait_for "Remove user010@example.com?"
text "user010@example.com"
keys Enter
wait_for "removed user010@example.com with their sessions and accounts"
wait_for "Users  row 1 of 50"
[ "$(db "SELECT (SELECT count(*) FROM user WHERE id = 'u010') + (SELECT count(*) FROM account
  WHERE userId = 'u010') + (SELECT count(*) FROM session WHERE userId = 'u010')")" = 0 ] || fail "rows of u010 remain"
[ "$(sqlite3 "$STATE" "SELECT group_concat(action || ':' || state, ' ') FROM (SELECT * FROM audit ORDER BY id)")" = \
  "sessions.revoke:done sessions.revoke-all:done users.remove:done" ] || fail "audit: $(sqlite3 "$STATE" "SELECT * FROM audit")"

# a hostile email: escaped in the dialog, never raw on the terminal
keys :
text "user evil"
keys Enter
wait_for "User  ev\\x1b[31mil@example.com"
keys D
wait_for "Remove ev\\x1b[31mil@example.com?"
tmux -L "$SOCK" capture-pane -p -e | grep -q "$(printf '\033')\[31mil" && fail "the escape sequence reached the terminal"
text 'ev\x1b[31mil@example.com'
keys Enter
wait_for "removed ev\\x1b[31mil@example.com with their sessions and accounts"
[ "$(db "SELECT count(*) FROM user WHERE id = 'evil'")" = 0 ] || fail "evil not removed"
