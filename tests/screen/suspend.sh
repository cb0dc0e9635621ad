#!/bin/sh
# C-z suspends the console to the shell (the terminal restored, the job stopped) and the shell's
# fg brings it back redrawn, on the same row. Run from an interactive bash with job control, as an
# operator would.
. "$(dirname "$0")/lib.sh"
command -v bash >/dev/null || { echo "SKIP: bash is not installed" >&2; exit 77; }
make_fixture 20
tmux -L "$SOCK" -f /dev/null new-session -d -x 120 -y 30 \
    "env -i PATH=/usr/bin:/bin HOME=$DIR XDG_CONFIG_HOME=$DIR/config XDG_DATA_HOME=$DIR/data \
     LANG=C.UTF-8 TERM=tmux-256color BCADMIN_NOW=$NOW HISTFILE=/dev/null PS1='shell$ ' bash --norc --noprofile -i"
wait_for 'shell$'
text "$BCADMIN --db $DIR/app.db"
keys Enter
wait_for "row 1 of 20"
keys j
wait_for "row 2 of 20"
keys C-z
wait_for "Stopped"
wait_gone "Users  row"
text "fg"
keys Enter
wait_for "Users  row 2 of 20"
expect_screen_has "▸user018@example.com"
keys q
wait_gone "Users  row"
text "exit"
keys Enter
sleep 0.2
