#!/bin/sh
# Quitting (q, and SIGTERM) leaves the alternate screen with the cursor visible.
. "$(dirname "$0")/lib.sh"
make_fixture 20
start 120 40
wait_for "row 1 of 20"
[ "$(pane '#{alternate_on}')" = 1 ] || fail "bcadmin did not use the alternate screen"
keys Escape
wait_for "this is the first screen: q quits"
keys q
wait_for "EXITED 0"
[ "$(pane '#{alternate_on}')" = 0 ] || fail "still on the alternate screen after q"
[ "$(pane '#{cursor_flag}')" = 1 ] || fail "the cursor is hidden after q"
tmux -L "$SOCK" kill-server
SOCK="$SOCK-sigterm" # a fresh server: the old one may still be shutting down
start 120 40
wait_for "row 1 of 20"
kill -TERM "$(cat "$DIR/pid")"
wait_for "EXITED 143"
[ "$(pane '#{alternate_on}')" = 0 ] || fail "still on the alternate screen after SIGTERM"
[ "$(pane '#{cursor_flag}')" = 1 ] || fail "the cursor is hidden after SIGTERM"
