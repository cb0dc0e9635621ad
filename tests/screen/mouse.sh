#!/bin/sh
# The mouse: a click selects the row under it, a double-click opens it, the wheel moves three
# rows a notch. The terminal's mouse reports are typed into the pane with `send-keys -l`: curses
# reads them in the X10 encoding tmux-256color's kmous (\E[M) names, ESC [ M then three bytes
# (button + 32, column + 33, row + 33; 0-based). `send-keys -M` cannot be used: it only replays
# a mouse event tmux itself received. Each click is sent on its own, as a terminal writes it:
# curses keeps only one press of several that arrive in a single read.
. "$(dirname "$0")/lib.sh"
make_fixture 200

# at_row N: once every event sent so far is handled (the search prompt opened last is shown),
# the users table is on row N; the prompt is closed again.
at_row() {
    keys /
    i=0
    until [ "$(line 40)" = "/" ]; do
        i=$((i + 1))
        [ $i -lt 200 ] || fail "the search prompt never opened"
        sleep 0.05
    done
    [ "$(line 2)" = "Users  row $1 of 200   sort: created ▼ descending" ] ||
        fail "expected the users table on row $1: $(line 2)"
    keys Escape
    i=0
    while [ "$(line 40)" = "/" ]; do
        i=$((i + 1))
        [ $i -lt 200 ] || fail "the search prompt never closed"
        sleep 0.05
    done
}

start 120 40
wait_for "row 1 of 200"
# Screen line 10 (row 9 from 0) is the 7th table row; two clicks on different rows open nothing.
text "$(click 30 9)"
text "$(click 30 11)"
at_row 9
expect_line 12 "▸user191@example.com            User 191             user       active                        no       2026-01-08 23:00"
text "$(click 5 9)"
at_row 7
expect_line 10 "▸user193@example.com            User 193             user       active                        no       2026-01-09 01:00"
# A click on the header or the title bar selects nothing.
text "$(click 5 2)"
text "$(click 5 0)"
at_row 7
# The wheel: three rows a notch.
text "$(mouse_report 65 5 20)"
text "$(mouse_report 65 5 20)"
at_row 13
text "$(mouse_report 64 5 20)"
at_row 10
# Double-click opens the row under the pointer. The console counts two clicks on one row within
# 400 ms as a double-click; on a loaded machine two tmux client calls can be further apart than
# that, so a pair that arrives as two single clicks (which only select) is sent again.
opened=no
for _ in 1 2 3 4 5; do
    text "$(click 40 5)"
    text "$(click 40 5)"
    i=0
    while [ $i -lt 40 ]; do
        screen | grep -qF "User  user197@example.com" && { opened=yes; break; }
        i=$((i + 1))
        sleep 0.05
    done
    [ $opened = yes ] && break
done
[ $opened = yes ] || fail "a double-click never opened user197"
keys q
wait_for "Users  row 3 of 200"
