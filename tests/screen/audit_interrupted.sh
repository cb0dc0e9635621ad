#!/bin/sh
# A change whose bcadmin was killed (kill -9 while its commit waited for a reader to let go of
# the file) is settled when the console opens the target: the first message says so, and the
# audit screen shows the entry as "not applied", with how it was settled in its detail.
. "$(dirname "$0")/lib.sh"
make_fixture 30
STATE=$DIR/.local/state/bcadmin/state.db
cli() { HOME=$DIR XDG_STATE_HOME=$DIR/.local/state BCADMIN_NOW=$NOW "$BCADMIN" --db "$DIR/app.db" "$@"; }
cli users list --limit 1 >/dev/null 2>&1 # makes the state database

# a reader holds the file, so the ban's commit waits; kill -9 it there
python3 - "$DIR/app.db" "$DIR/held" "$DIR/release" <<'PY' &
import os, sqlite3, sys, time
c = sqlite3.connect(sys.argv[1], isolation_level=None, timeout=10)
c.execute("BEGIN")
c.execute("SELECT count(*) FROM user").fetchall()
open(sys.argv[2], "w").close()
while not os.path.exists(sys.argv[3]):
    time.sleep(0.02)
PY
holder=$!
i=0
until [ -f "$DIR/held" ]; do i=$((i + 1)); [ $i -lt 500 ] || fail "no reader"; sleep 0.02; done
# (the binary itself in the background, not a shell function: kill -9 must reach bcadmin)
HOME=$DIR XDG_STATE_HOME=$DIR/.local/state BCADMIN_NOW=$NOW "$BCADMIN" --db "$DIR/app.db" \
    users ban user029@example.com --reason "killed" >/dev/null 2>&1 &
ban=$!
i=0
until [ "$(sqlite3 -cmd '.timeout 2000' "$STATE" "SELECT count(*) FROM audit WHERE state = 'pending'" 2>/dev/null)" = 1 ]; do
    i=$((i + 1))
    [ $i -lt 500 ] || fail "the ban never began"
    kill -0 "$ban" 2>/dev/null || fail "the ban ended before it was stopped"
    sleep 0.02
done
kill -9 "$ban"
wait "$ban" 2>/dev/null || true
touch "$DIR/release"
wait "$holder" || true

start 120 40
wait_for "1 audit entry a stopped bcadmin left unfinished was settled against the target: 0 applied, 1 not applied, 0 unknown"
keys 3
wait_for "Audit log  entry 1 of 1"
expect_screen_has "not applied    users.ban           user029@example.com"
expect_screen_has "interrupted: bcadmin (pid $ban) stopped before it finished; the user still shows the values"
[ "$(sqlite3 "$DIR/app.db" "SELECT banned FROM user WHERE id = 'u029'")" = 0 ] || fail "the killed ban stands"
[ "$(sqlite3 "$STATE" "SELECT state FROM audit")" = "not applied" ] || fail "state: $(sqlite3 "$STATE" "SELECT * FROM audit")"
