#!/bin/sh
# NO_COLOR=1: the screen (checked with `capture-pane -e`) carries no colour SGR codes, yet the
# selection is still reverse video and statuses and roles are words. A first run with colour shows
# the check below does find colour codes.
. "$(dirname "$0")/lib.sh"
make_fixture 200
ESC=$(printf '\033')

# sgr_params: every parameter of every SGR sequence on the screen, one a line.
sgr_params() {
    tmux -L "$SOCK" capture-pane -e -p | grep -o "$ESC\[[0-9;:]*m" | sed 's/^.\[//; s/m$//' |
        tr ';:' '\n\n'
}

# colour_params: the SGR parameters that set a foreground or background colour (39 and 49, the
# terminal's default colours, are not colours).
colour_params() { sgr_params | grep -E '^(3[0-8]|4[0-8]|9[0-7]|10[0-7])$' || true; }

expect_no_colour() {
    c=$(colour_params | sort -u | tr '\n' ' ')
    [ -z "$c" ] || fail "$1: colour SGR parameters on screen: $c"
    sgr_params | grep -qx 7 || fail "$1: nothing is in reverse video"
}

# With colour (on a server of its own): the banned status is red, so the check sees colour.
MAIN_SOCK=$SOCK
SOCK=$MAIN_SOCK-colour
start 120 40
wait_for "row 1 of 200"
[ -n "$(colour_params)" ] || fail "the coloured screen shows no colour codes: the check is blind"
tmux -L "$SOCK" kill-server
SOCK=$MAIN_SOCK

EXTRA_ENV="NO_COLOR=1" start 120 40
wait_for "row 1 of 200"
expect_no_colour "users"
expect_line 16 " user187@example.com            User 187             user       banned                        no       2026-01-08 19:00"
expect_line 33 " user170@example.com            User 170             user       banned until 2026-12-01 00:00 no       2026-01-08 02:00"
# The selection moves with the reverse video: row 2 selected, row 1 not.
keys j
wait_for "row 2 of 200"
tmux -L "$SOCK" capture-pane -e -p | sed -n 5p | grep -q "$ESC\[[0-9;]*7[0-9;]*m" ||
    fail "the selected row 5 is not in reverse video"
tmux -L "$SOCK" capture-pane -e -p | sed -n 4p | grep -q "$ESC\[[0-9;]*7[0-9;]*m" &&
    fail "the unselected row 4 is in reverse video"
expect_line 5 "▸user198@example.com            User 198             user       active                        yes      2026-01-09 06:00"
expect_no_colour "users after j"
# An admin row, a banned row and the dangerous ban dialog: still no colour.
keys /
text "user050"
keys Enter
wait_for "row 1 of 1   search: user050"
expect_line 4 "▸user050@example.com            User 50              admin      active                        no       2026-01-03 02:00"
expect_no_colour "admin row"
keys b
wait_for "Ban user050@example.com"
expect_no_colour "ban dialog"
keys Escape
wait_gone "Ban user050@example.com"
keys ?
wait_for "move-down"
expect_no_colour "help"
