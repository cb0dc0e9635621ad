#!/bin/sh
# `?` lists every action of the action table (tui/actions.h) with its keys; `/` searches it.
. "$(dirname "$0")/lib.sh"
[ -n "$ACTIONS_H" ] || fail "no actions.h given"
make_fixture 20
start 120 90
wait_for "row 1 of 20"
keys ?
wait_for "Help  "
names=$(sed -n 's/^ *X([A-Z_]*, "\([a-z-]*\)".*/\1/p' "$ACTIONS_H")
[ -n "$names" ] || fail "no action names found in $ACTIONS_H"
count=0
for n in $names; do
    screen | grep -qE "^  .{18} $n( |\$)" || fail "help does not list action $n"
    count=$((count + 1))
done
expect_screen_has "Help  $count actions"
expect_screen_has "  j Down             move-down        Move the selection down one row"
expect_screen_has "  (:only)            user             Open a user by id or email (:user EMAIL)  [bcadmin users show]"
keys /
text "sort"
wait_for "matching: \"sort\""
expect_line 3 "  key(s)             action           what it does"
expect_line 4 "Lists: users and sessions"
expect_line 5 "▸ o                  sort             Sort menu: column and direction"
expect_line 6 "  O                  reverse          Reverse the sort direction"
expect_screen_lacks "move-down"
keys Enter q
wait_for "row 1 of 20"
