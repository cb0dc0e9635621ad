#!/bin/sh
# Resizing reflows the table (narrow columns drop out, nothing wraps), a too-small terminal gets a
# clear message, and growing back restores the first screen exactly.
. "$(dirname "$0")/lib.sh"
make_fixture 200
start 120 40
wait_for "row 1 of 200"
before=$(screen)
tmux -L "$SOCK" resize-window -t 0 -x 70 -y 20
wait_for "▸user199@example.com"
expect_line 3 " email                   name           status UTC"
expect_line 4 "▸user199@example.com     User 199       active"
screen | while IFS= read -r l; do
    [ "$(printf '%s' "$l" | LC_ALL=C.UTF-8 wc -m)" -le 70 ] || fail "wider than 70 columns: $l"
done
tmux -L "$SOCK" resize-window -t 0 -x 50 -y 8
wait_for "Terminal too small: 50x8"
expect_screen_has "bcadmin needs at least 60x10"
expect_screen_lacks "user199"
tmux -L "$SOCK" resize-window -t 0 -x 120 -y 40
wait_for "created UTC ▼"
[ "$(screen)" = "$before" ] || fail "the screen differs after growing back"
