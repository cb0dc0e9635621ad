#!/bin/sh
# --read-only: no write key in the bottom line or the help screen, and every write key (and its
# `:` name) is refused on the bottom line with the database unchanged.
. "$(dirname "$0")/lib.sh"
make_fixture 20
db() { sqlite3 "$DIR/app.db" "$1"; }
before=$(db "SELECT * FROM user ORDER BY id" | md5sum)
start 120 60 --read-only
wait_for "row 1 of 20"
line 1 | grep -qF "[READ-ONLY]" || fail "no READ-ONLY badge"
keys j
wait_for "row 2 of 20"
expect_line 60 "Enter open  / search  f filter  o sort  Space mark  C-r refresh  2 sessions  ? help  : command  q quit"
for k in b u R i I X D p c e; do
    keys "$k"
    wait_for "app.db is open read-only (--read-only): "
    wait_for " refused; nothing was changed"
    expect_screen_lacks "┌─"
    keys j
    wait_gone "app.db is open read-only"
done
keys :
text "ban"
keys Enter
wait_for "error: app.db is open read-only (--read-only): ban refused"
# the detail screen offers no write key either
keys Enter
wait_for "User  "
keys x
wait_for "(--read-only): revoke-session refused"
expect_screen_lacks " b ban"
keys Tab
wait_for "Tab next-pane  ? help"
keys q ?
wait_for "Help  "
expect_screen_lacks "Admin actions"
expect_screen_lacks "impersonate"
expect_screen_lacks "set-password"
expect_screen_has "mark-filter"
[ "$(db "SELECT * FROM user ORDER BY id" | md5sum)" = "$before" ] || fail "the database changed"
