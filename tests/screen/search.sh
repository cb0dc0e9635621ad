#!/bin/sh
# `/` searches as you type and narrows the list; Esc puts the old search back; F clears.
. "$(dirname "$0")/lib.sh"
make_fixture 200
# The frame trace counts fetches: accepting a search whose results are shown must not refetch.
EXTRA_ENV="BCADMIN_TRACE=$DIR/trace"
start 120 40
wait_for "row 1 of 200"
keys /
text "user01"
wait_for "row 1 of 10   search: user01"
expect_line 4 "▸user019@example.com            User 19              user       active                        no       2026-01-01 19:00"
expect_line 13 " user010@example.com            User 10              user       active                        no       2026-01-01 10:00"
expect_line 14 ""
expect_line 40 "/user01"
text "7"
wait_for "row 1 of 1   search: user017"
expect_line 4 "▸user017@example.com            User 17              user       banned                        no       2026-01-01 17:00"
keys Enter
wait_for "Enter open"
# The trace line is written just after the screen is drawn: wait for it.
i=0
until enter_frame=$(grep 'event=Enter' "$DIR/trace"); do
    i=$((i + 1))
    [ $i -lt 200 ] || fail "the trace has no Enter frame"
    sleep 0.05
done
case $enter_frame in
*" fetches=0 "*) ;;
*) fail "accepting the search refetched: $enter_frame" ;;
esac
# `/` opens with the accepted search selected: typing replaces it.
keys /
wait_for "/user017"
text "q"
wait_for "No user matches"
expect_line 40 "/q"
keys Escape
wait_for "row 1 of 1   search: user017"
keys F
wait_for "row 1 of 200   sort"
# A name matches too, case-insensitively.
keys /
text "USER 12"
wait_for "row 1 of 11   search: USER 12   sort"
expect_screen_has "user120@example.com"
expect_screen_lacks "user013@example.com"
