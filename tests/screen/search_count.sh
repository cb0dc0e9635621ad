#!/bin/sh
# Live search on a target that counts (a SQLite file with bcadmin's indexes): a letter's rows are
# on the screen first and the count of every match fills in after them, behind the screen: the
# next letter drops it at once, Esc stops it and keeps the rows (with what was found so far), `#`
# counts them all.
. "$(dirname "$0")/lib.sh"
make_fixture 2000
"$BCADMIN" --db "$DIR/app.db" db index >/dev/null 2>&1 || fail "db index failed"
# Every statement sleeps 30 ms per thousand SQLite steps (a slow disk): the page of a common
# needle takes a few of those, the count over 2,000 rows many, long enough to watch and stop.
EXTRA_ENV="BCADMIN_SQLITE_SLOW_US=30000"
start 120 40
wait_for "row 1 of 2,000   sort"
keys /
text "user"
# the rows first (newest first), the count still running
wait_for "(counting)   search: user"
expect_screen_has "▸user1999@example.com"
wait_for "found so far"
# filled in when ready, the rows kept
wait_for "row 1 of 2,000   search: user   sort"
expect_screen_has "▸user1999@example.com"
# The next letter while a count runs: the count is dropped, the new rows come at once.
text "1"
wait_for "(counting)   search: user1"
# A rare needle is answered from the search index's few candidates: the count comes with the rows.
text "9"
wait_for "row 1 of 110   search: user19   sort"
expect_screen_has "user1999@example.com"
expect_screen_lacks "user1000@example.com"
# Esc during the count stops only the count: the rows and the search line stay.
keys C-u
text "user1"
wait_for "(counting)   search: user1"
wait_for "found so far"
keys Escape
# what was found is a lower bound, never below the rows on the screen
wait_for "+ so far   search: user1   sort"
wait_gone "found so far"
expect_screen_has "▸user1999@example.com"
expect_line 40 "/user1"
keys Enter
wait_gone "/user1"
# `#` counts them all: user100-199 and user1000-1999 (emails are user%03d)
keys '#'
wait_for "1,100 users match (an exact count)"
expect_screen_has "row 1 of 1,100   search: user1   sort"
