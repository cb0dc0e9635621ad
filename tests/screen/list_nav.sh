#!/bin/sh
# Every list moves the same way (one list position, tui/list.c): the same keys, clicks and wheel
# notches put the selection (▸) on the same screen lines in the users, sessions and help lists;
# PgDn moves a screen less one row, G/g reach the ends, a click selects the row under it, the wheel
# moves three rows; rows deleted behind the console clamp the selection to the new last row.
. "$(dirname "$0")/lib.sh"
make_fixture 60
# 40 more sessions (user000..user039), an hour apart
sqlite3 "$DIR/app.db" "
WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < 39)
INSERT INTO session SELECT printf('t%02d', i), '2026-12-01T00:00:00.000Z', printf('tok%02d', i),
  strftime('%Y-%m-%dT%H:%M:%fZ', '2026-02-02', printf('+%d hours', i)), '2026-02-02T00:00:00.000Z',
  printf('10.1.0.%d', i), 'agent', printf('u%03d', i), NULL FROM n"

# sel_line: the screen line (1-based) that shows the selection, or 0.
sel_line() { screen | grep -n '^▸' | head -n 1 | cut -d: -f1; }

# step N KEYS...: send the keys (or, with KEYS "mouse:REPORT", the mouse report) and wait until
# the selection is on screen line N and on another row than before.
step() {
    want=$1
    shift
    before=$(screen | grep '^▸' || true)
    case $1 in
    mouse:*) text "${1#mouse:}" ;;
    *) keys "$@" ;;
    esac
    i=0
    while :; do
        now=$(screen | grep '^▸' || true)
        [ "$(sel_line)" = "$want" ] && [ "$now" != "$before" ] && break
        i=$((i + 1))
        [ $i -lt 200 ] || fail "after $*: the selection is on line $(sel_line), expected $want"
        sleep 0.05
    done
}

# walk: the one sequence every list gets (12 rows on lines 4-15 of a 16-line terminal).
walk() {
    [ "$(sel_line)" = 4 ] || fail "the list does not open on its first row: line $(sel_line)"
    step 5 j
    step 6 Down
    step 15 PgDn # row 14: a screen (12 rows) less one further, at the bottom
    step 14 k
    step 9 C-u   # half a screen up
    step 14 C-d
    step 15 G
    step 4 g
    step 8 "mouse:$(click 20 7)"
    step 11 "mouse:$(mouse_report 65 20 9)"
    step 8 "mouse:$(mouse_report 64 20 9)"
    step 4 PgUp
    step 15 End
    step 4 Home
}

start 100 16
wait_for "Users  row 1 of 60"
walk
keys G
wait_for "Users  row 60 of 60"
expect_line 15 "▸user000@example.com       User 0           banned until 2026-12-01 00:00 yes      2026-01-01 00:00"
# the five oldest users go behind the console's back: a refresh keeps the selection on a row
sqlite3 "$DIR/app.db" "DELETE FROM user WHERE id < 'u005'"
keys C-r
wait_for "Users  row 55 of 55"
[ "$(sel_line)" = 15 ] || fail "after the delete the selection is on line $(sel_line)"
expect_line 15 "▸user005@example.com       User 5           active                        no       2026-01-01 05:00"

keys 2
wait_for "Sessions  row 1 of 42"
walk
keys G
wait_for "Sessions  row 42 of 42"
sqlite3 "$DIR/app.db" "DELETE FROM session WHERE id IN ('t05', 't06', 't07')"
keys C-r
wait_for "Sessions  row 39 of 39"
[ "$(sel_line)" = 15 ] || fail "after the delete the selection is on line $(sel_line)"

keys ?
wait_for "Help  "
walk
keys q
wait_for "Sessions  row"
