#!/bin/sh
# Progress on long work: a line on standard error when it is a terminal (script(1) gives bcadmin
# a pseudo-terminal), count, rate and time left; nothing at all in a pipe or a file. Covers demo,
# db index, an --all export and a bulk action, which all draw through tui/meter.c.
# usage: progress.sh BCADMIN SOURCE_ROOT
BCADMIN=$1 SRC=$2
. "$SRC/tests/cli/lib.sh"

# on_tty_to FILE CMD: run the shell command CMD with stdout and stderr on a pseudo-terminal, whose
# output (with \r kept) goes to FILE.
on_tty_to() {
    script -qec "$2" /dev/null </dev/null >"$1" 2>&1 ||
        fail "$2: exit $? on a terminal: $(cat "$1")"
}
# Every phase is drawn however quick the machine (the default waits 200 ms), so the pipe runs
# below prove quiet by design, not by timing.
export BCADMIN_PROGRESS_DELAY_MS=0
BIG="$TMP/big.db"
# Enough users that writing them outlasts the meter's 0.2 s before it shows a rate, even on a
# quick machine (20,000 took 0.1 s).
on_tty_to "$TMP/demo.tty" "'$BCADMIN' demo --db '$BIG' --users 100000"
has "$TMP/demo.tty" "demo: writing users "
has "$TMP/demo.tty" " of 100,000 ("
grep -q "/s" "$TMP/demo.tty" || fail "demo: no rate: $(cat -v "$TMP/demo.tty")"
has "$TMP/demo.tty" "demo: building the search index"
# The line is cleared before the verb's own output.
has "$TMP/demo.tty" "$(printf '\r\033[K')made demo database"

# In a pipe: no progress, not even a carriage return, and the same stdout.
rm -f "$BIG"
run 0 "$BCADMIN" demo --db "$BIG" --users 20000
[ ! -s "$TMP/err" ] || fail "demo in a pipe wrote to stderr: $(cat -v "$TMP/err")"
has "$TMP/out" "made demo database $BIG"

# db index: the parts it builds.
run 0 "$BCADMIN" --db "$BIG" db index --drop
on_tty_to "$TMP/index.tty" "'$BCADMIN' --db '$BIG' db index"
has "$TMP/index.tty" "db index: the search index"
run 0 "$BCADMIN" --db "$BIG" db index --drop
run 0 "$BCADMIN" --db "$BIG" db index
[ ! -s "$TMP/err" ] || fail "db index in a pipe wrote to stderr: $(cat -v "$TMP/err")"

# An --all export: rows so far of the total, on the terminal's stderr while stdout is a file.
on_tty_to "$TMP/all.tty" "'$BCADMIN' --db '$BIG' users list --all --limit 1000 --csv >'$TMP/all.csv'"
has "$TMP/all.tty" "users: exporting "
has "$TMP/all.tty" " of 20,000 ("
[ "$(grep -c '@' "$TMP/all.csv")" = 20000 ] || fail "--all export: $(grep -c '@' "$TMP/all.csv") rows"
run 0 "$BCADMIN" --db "$BIG" users list --all --limit 1000 --csv
[ ! -s "$TMP/err" ] || fail "--all in a pipe wrote to stderr: $(cat -v "$TMP/err")"

# A bulk action: selecting the users, then applying (every phase shown, however short).
on_tty_to "$TMP/bulk.tty" "'$BCADMIN' --db '$BIG' users set-role --prefix a support --yes >/dev/null"
has "$TMP/bulk.tty" "users.set-role: selecting users "
has "$TMP/bulk.tty" "users.set-role: applying "
echo "ok progress"
