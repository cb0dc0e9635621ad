#!/bin/sh
# Audit entries a killed bcadmin left pending (issue 12, item 7), on a SQLite target: a bulk ban
# is stopped with kill -9 at three points, held there by real SQLite locks (no test hooks):
#  1. waiting for the target's write lock, before any user was changed: the bulk entry alone,
#     settled 'not applied' ("no user had been changed yet");
#  2. waiting to commit (a reader holds the file), every member entry written: the file rolls the
#     change back, so every member is 'not applied' - except one user changed meanwhile by
#     someone else (neither the old nor the new values): 'unknown', and the bulk entry 'unknown';
#  3. after the commit, waiting for the state database to finish the entries: every member
#     'applied' and the bulk entry 'applied' (and undoable).
# While the writer runs its entries stay pending (another bcadmin leaves them alone); the next
# verb on the target settles them, says so on stderr, and `audit --json` shows the states.
BCADMIN=$1
SRC=$2
. "$SRC/tests/cli/lib.sh"
unset BCADMIN_NOW # the entries are compared with real process start times and session dates
DB="$TMP/demo.db"
STATE="$TMP/state/bcadmin/state.db"
bc() { "$BCADMIN" --db "$DB" "$@"; }
q() { sqlite3 -cmd '.timeout 5000' "$1" "$2"; }

run 0 bc demo --users 600 --seed 5
run 0 bc users list --limit 1 # makes the state database
active=$(q "$DB" "SELECT count(*) FROM user WHERE banned IS NOT 1")

# hold LOCK_SQL on FILE in a process of its own until $TMP/release-NAME exists.
hold() {
    name=$1 file=$2 sql=$3
    rm -f "$TMP/held-$name" "$TMP/release-$name"
    python3 - "$file" "$sql" "$TMP/held-$name" "$TMP/release-$name" <<'PY' &
import os, sqlite3, sys, time
c = sqlite3.connect(sys.argv[1], isolation_level=None, timeout=10)
for stmt in sys.argv[2].split(";"):
    if stmt.strip():
        c.execute(stmt).fetchall()
open(sys.argv[3], "w").close()
while not os.path.exists(sys.argv[4]):
    time.sleep(0.02)
PY
    holder=$!
    i=0
    until [ -f "$TMP/held-$name" ]; do
        i=$((i + 1))
        [ "$i" -lt 500 ] || fail "the $name lock was never taken"
        sleep 0.02
    done
}
release() { touch "$TMP/release-$1"; wait "$holder" || true; }

# wait_for SQL WANT FILE: until sqlite3 answers WANT (the bulk ban must still be running).
wait_for() {
    i=0
    until [ "$(q "$3" "$1" 2>/dev/null)" = "$2" ]; do
        i=$((i + 1))
        [ "$i" -lt 1000 ] || fail "waited in vain for [$1] = $2 (got $(q "$3" "$1"))"
        kill -0 "$ban" 2>/dev/null || fail "the bulk ban ended before it was stopped: $(cat "$TMP/ban.err")"
        sleep 0.02
    done
}

start_ban() {
    "$BCADMIN" --db "$DB" users ban --active --reason "run $1" --yes >"$TMP/ban.out" 2>"$TMP/ban.err" &
    ban=$!
}

kill_ban() {
    kill -9 "$ban"
    set +e
    wait "$ban"
    rc=$?
    set -e
    [ "$rc" -eq 137 ] || fail "the bulk ban was not stopped by kill -9 (exit $rc)"
}

# state_of ID: the state of an audit entry.
state_of() { q "$STATE" "SELECT state FROM audit WHERE id = $1"; }
group_of_run() { q "$STATE" "SELECT id FROM audit WHERE group_id IS NULL AND after_json LIKE '%run $1%'"; }
members() { q "$STATE" "SELECT state || ' ' || count(*) FROM audit WHERE group_id = $1 GROUP BY state ORDER BY state"; }

# --- 1: stopped before the target's write lock -------------------------------------------------
hold writer "$DB" "BEGIN IMMEDIATE"
start_ban 1
wait_for "SELECT count(*) FROM audit WHERE state = 'pending' AND after_json LIKE '%run 1%'" 1 "$STATE"
g1=$(group_of_run 1)
# another bcadmin on the target while the writer runs (and waits): its entry is left alone
run 0 bc audit --json
kill -0 "$ban" || fail "run 1 ended early: $(cat "$TMP/ban.err")"
[ "$(state_of "$g1")" = pending ] || fail "a running writer's entry was settled: $(state_of "$g1")"
[ "$(json "[e['state'] for e in d['entries'] if e['id'] == $g1][0]")" = pending ] || fail "run 1: JSON"
kill_ban
release writer
[ "$(state_of "$g1")" = pending ] || fail "run 1: not pending after the kill"
run 0 bc users list --limit 1
has "$TMP/err" "1 audit entry a stopped bcadmin left unfinished was settled against the target"
[ "$(state_of "$g1")" = "not applied" ] || fail "run 1: bulk entry is $(state_of "$g1")"
has_error() { q "$STATE" "SELECT error FROM audit WHERE id = $1" >"$TMP/error"; has "$TMP/error" "$2"; }
has_error "$g1" "interrupted: bcadmin (pid $ban) stopped before it finished; no user had been changed yet"
[ "$(q "$DB" "SELECT count(*) FROM user WHERE banned IS NOT 1")" = "$active" ] || fail "run 1 banned someone"

# --- 2: stopped while waiting to commit ---------------------------------------------------------
hold reader "$DB" "BEGIN; SELECT count(*) FROM user"
start_ban 2
wait_for "SELECT count(*) FROM audit WHERE state = 'pending' AND group_id IS NOT NULL" "$active" "$STATE"
g2=$(group_of_run 2)
kill_ban
release reader
[ "$(q "$STATE" "SELECT count(*) FROM audit WHERE state = 'pending'")" = $((active + 1)) ] ||
    fail "run 2: the entries were not all pending after the kill"
# someone else changes one of the users before bcadmin looks again (this rolls back the hot
# journal the kill left)
changed=$(q "$STATE" "SELECT subject FROM audit WHERE group_id = $g2 ORDER BY id LIMIT 1")
q "$DB" "UPDATE user SET banReason = 'edited elsewhere' WHERE id = '$changed'"
[ "$(q "$DB" "SELECT count(*) FROM user WHERE banned IS NOT 1")" = "$active" ] || fail "run 2 banned someone"
run 0 bc audit --json --limit 5
has "$TMP/err" "$((active + 1)) audit entries a stopped bcadmin left unfinished were settled against the target: 0 applied, $((active - 1)) not applied, 1 unknown (and their bulk entries)"
[ "$(json "[e['state'] for e in d['entries'] if e['id'] == $g2][0]")" = unknown ] || fail "run 2: bulk entry in JSON"
[ "$(json "[e['writerPid'] for e in d['entries'] if e['id'] == $g2][0]")" = "$ban" ] || fail "run 2: writer pid in JSON"
members "$g2" >"$TMP/members"
printf 'not applied %s\nunknown 1\n' $((active - 1)) | diff -u - "$TMP/members" >&2 || fail "run 2: member states"
[ "$(q "$STATE" "SELECT state FROM audit WHERE group_id = $g2 AND subject = '$changed'")" = unknown ] ||
    fail "run 2: the user changed elsewhere is not the unknown one"
has_error "$g2" "0 applied, $((active - 1)) not applied, 1 unknown"
q "$STATE" "SELECT error FROM audit WHERE group_id = $g2 AND subject = '$changed'" >"$TMP/error"
has "$TMP/error" "the user changed since (neither the old nor the new values)"
q "$STATE" "SELECT error FROM audit WHERE group_id = $g2 AND subject <> '$changed' LIMIT 1" >"$TMP/error"
has "$TMP/error" "the user still shows the values from before"
run 0 bc audit
has "$TMP/out" "unknown"
run 4 bc audit undo "$g2"
has "$TMP/err" "is unknown: only a change that was applied can be undone"
q "$DB" "UPDATE user SET banReason = NULL WHERE id = '$changed'"

# --- 3: stopped after the commit, before the entries were finished ------------------------------
hold reader "$DB" "BEGIN; SELECT count(*) FROM user"
reader_holder=$holder
start_ban 3
wait_for "SELECT count(*) FROM audit WHERE state = 'pending' AND group_id IS NOT NULL" "$active" "$STATE"
g3=$(group_of_run 3)
hold statelock "$STATE" "BEGIN IMMEDIATE"
touch "$TMP/release-reader"
wait "$reader_holder" 2>/dev/null || true
wait_for "SELECT count(*) FROM user WHERE banReason = 'run 3'" "$active" "$DB"
kill_ban
release statelock
[ "$(q "$STATE" "SELECT count(*) FROM audit WHERE state = 'pending'")" = $((active + 1)) ] ||
    fail "run 3: the entries were not all pending after the kill"
run 0 bc users list --limit 1
has "$TMP/err" "$((active + 1)) audit entries a stopped bcadmin left unfinished were settled against the target: $active applied, 0 not applied, 0 unknown"
[ "$(state_of "$g3")" = applied ] || fail "run 3: bulk entry is $(state_of "$g3")"
members "$g3" >"$TMP/members"
printf 'applied %s\n' "$active" | diff -u - "$TMP/members" >&2 || fail "run 3: member states"
has_error "$g3" "$active applied, 0 not applied, 0 unknown"
# nothing left to settle: the next verb says nothing
run 0 bc users list --limit 1
! grep -q settled "$TMP/err" || fail "a second verb settled again: $(cat "$TMP/err")"
# an applied bulk entry undoes like a finished one
run 0 bc audit undo "$g3"
[ "$(q "$DB" "SELECT count(*) FROM user WHERE banned IS NOT 1")" = "$active" ] || fail "run 3 was not undone"
echo "ok"
