#!/bin/sh
# The user keymap file ($XDG_CONFIG_HOME/bcadmin/keys) end to end: `bind J move-down` makes J move
# and `unbind j` makes j do nothing; a malformed line is reported as FILE:LINE on the bottom line
# and the console still works with the lines before it applied.
. "$(dirname "$0")/lib.sh"
make_fixture 200
KEYS=$DIR/config/bcadmin/keys

# at_row N: once every key sent so far is handled (the search prompt opened last is shown), the
# selection is on row N; the prompt is closed again.
at_row() {
    keys /
    i=0
    until [ "$(line 40)" = "/" ]; do
        i=$((i + 1))
        [ $i -lt 200 ] || fail "the search prompt never opened"
        sleep 0.05
    done
    line 2 | grep -qF "row $1 of 200" || fail "expected row $1: $(line 2)"
    keys Escape
    i=0
    while [ "$(line 40)" = "/" ]; do
        i=$((i + 1))
        [ $i -lt 200 ] || fail "the search prompt never closed"
        sleep 0.05
    done
}
mkdir -p "$DIR/config/bcadmin"
cat >"$KEYS" <<'EOF'
# my keys
bind J move-down

unbind j   # j is for something else
EOF

start 120 40
wait_for "row 1 of 200"
expect_screen_lacks "keys:"
# j first, then J: had j moved, J would reach row 3.
keys j
keys J
at_row 2
expect_line 5 "▸user198@example.com            User 198             user       active                        yes      2026-01-09 06:00"
keys j j j
keys J
at_row 3
# Down and k keep their default bindings.
keys Down
wait_for "row 4 of 200"
keys k
wait_for "row 3 of 200"
# The help screen names the new key for move-down.
keys ?
wait_for "move-down"
screen | grep -F "move-down" | grep -qw "J" || fail "help does not show J for move-down"
tmux -L "$SOCK" kill-server

# Malformed lines 2 and 3: each reported with its file and line; lines 1 and 4 are in force.
cat >"$KEYS" <<'EOF'
unbind j
bind C-x nosuchaction
bind J fly-away
bind J move-down
EOF
SOCK=$SOCK-bad
start 250 40
wait_for "row 1 of 200"
wait_for "keys:3: unknown action"
screen | grep -qF "$KEYS:2: unknown action \"nosuchaction\"" ||
    fail "the bottom line does not name the first bad line: $(line 40)"
# every bad line is told, and line 4, after them, still applies (J moves down)
screen | grep -qF "$KEYS:3: unknown action \"fly-away\"" ||
    fail "the bottom line does not name the second bad line: $(screen | tail -3)"
keys j
keys J
at_row 2
keys Enter
wait_for "user198@example.com"
keys q
wait_for "row 2 of 200"
keys q
wait_for "EXITED 0"
