#!/bin/sh
# A checklist run interrupted by kill -9 (bcadmin jwks bootstrap killed while getLatestJwks
# answers, on the Convex test deployment) shows a banner on the first screen; 5 opens the run
# (steps with their states, the output pane), r resumes it to the end. The console is opened on
# the deployment itself (its screens use the console's target). Then a rotation started from the
# checklist screen (K asks first) asks its operator steps as dialogs (the window as a field, the user
# notice as yes/no), S skips the timed monitor step after its id is typed, and r finishes it.
. "$(dirname "$0")/lib.sh"
KEY='convex-self-hosted|0123456789abcdef'
SECRET=0123456789abcdef0123456789abcdef0123456789ab
start_deployment "$KEY" --env SITE_URL=http://localhost:3000 --env BETTER_AUTH_SECRET=$SECRET
# Runs are recorded against the deployment's label, as every verb shows it.
LABEL="self-hosted ${CX#http://} (key:$(printf %s "$KEY" | sha256sum | cut -c1-8))"
CXENV="CONVEX_SELF_HOSTED_URL=$CX CONVEX_SELF_HOSTED_ADMIN_KEY='$KEY' CONVEX_SITE_URL=$CX"
STATE=$DIR/.local/state/bcadmin/state.db
step() { sqlite3 "$STATE" "SELECT state FROM checklist_step WHERE run_id = $1 AND step_id = '$2'"; }
run_state() { sqlite3 "$STATE" "SELECT state FROM checklist_run WHERE id = $1"; }
cli() {
    env -i PATH=/usr/bin:/bin HOME="$DIR" BCADMIN_NOW=$NOW CONVEX_SELF_HOSTED_URL="$CX" \
        CONVEX_SELF_HOSTED_ADMIN_KEY="$KEY" CONVEX_SITE_URL="$CX" "$BCADMIN" "$@"
}
curl -sS -X POST "$CX/__test/seed" -H 'content-type: application/json' -d '{"users":3}' >/dev/null

# --- kill -9 while getLatestJwks answers ----------------------------------------------------------
curl -sS -X POST "$CX/__test/faults" -H 'content-type: application/json' \
    -d '{"kind":"slow","fn":"auth:getLatestJwks","ms":60000}' >/dev/null
cli jwks bootstrap --yes >/dev/null 2>&1 &
BPID=$!
i=0
until [ "$(step 1 latest-jwks 2>/dev/null)" = running ]; do
    i=$((i + 1))
    [ $i -lt 300 ] || fail "bootstrap never reached getLatestJwks"
    sleep 0.1
done
# The slow fault holds the answer back after the action ran: kill once the key row exists, so
# the resumed run finds it rather than racing the killed request to make one.
jwks_rows() {
    curl -sS -H "Authorization: Convex $KEY" -H 'Content-Type: application/json' \
        -d '{"path":"auth:findMany","args":{"model":"jwks","paginationOpts":{"numItems":10,"cursor":null}}}' \
        "$CX/api/function" | grep -o '"publicKey"' | wc -l
}
i=0
until [ "$(jwks_rows)" -ge 1 ]; do
    i=$((i + 1))
    [ $i -lt 300 ] || fail "getLatestJwks never made its key"
    sleep 0.1
done
kill -9 $BPID
wait $BPID 2>/dev/null || true
curl -sS -X DELETE "$CX/__test/faults" >/dev/null
[ "$(run_state 1)" = active ] || fail "the killed run is $(run_state 1)"

# The run belongs to the deployment: a console on a SQLite file sharing the state database
# neither announces it in the banner nor shows it on the overview's checklist panel.
make_fixture 3
SOCK_DEPLOYMENT=$SOCK
SOCK=$SOCK-file
EXTRA_ENV="BCADMIN_START=overview" start 120 40
wait_for "Checklist runs"
wait_for "Latest admin actions"
expect_screen_lacks "unfinished checklist run"
expect_screen_lacks "unfinished run #"
keys Q
wait_for "EXITED 0"
tmux -L "$SOCK" kill-server
SOCK=$SOCK_DEPLOYMENT

TARGET= EXTRA_ENV="$CXENV" start 120 40
wait_for "row 1 of 3"
expect_screen_has "▲ 5 opens the unfinished checklist run #1: bootstrap at step latest-jwks (running) on self-hosted ${CX#http://} (key:…"
keys 5
wait_for "Run #1  First-deploy JWKS bootstrap  active  on $LABEL  2/6 steps"
expect_line 3 " #   state    step         kind      title"
expect_line 4 " 1   done     reachable    automatic Deployment reachable, auth functions deployed"
expect_line 5 " 2   done     secret       automatic BETTER_AUTH_SECRET is set"
expect_line 6 "▸▶3  running  latest-jwks  automatic Make the signing key (getLatestJwks)"
expect_line 7 " 4   pending  set-jwks     automatic Set JWKS to the key"
expect_screen_has " Step 3 latest-jwks: running  (automatic, attempts 1, started 2026-03-15 00:00:00 UTC, finished -)"
expect_screen_has " Runs the getLatestJwks action, which returns the newest key row and creates one when the table is empty. Safe to"
expect_screen_has " repeat."
expect_screen_has " output: (none recorded)"
keys k
wait_for " Step 2 secret: done"
expect_screen_has " output: BETTER_AUTH_SECRET is set (44 characters)"
keys r
wait_for "run 1 is done"
expect_screen_has "Run #1  First-deploy JWKS bootstrap  done  on $LABEL  6/6 steps"
expect_line 6 " 3   done     latest-jwks  automatic Make the signing key (getLatestJwks)"
expect_screen_has "last: done: every step is done or skipped"
# v: the selected step whole (its explanation unwrapped by the pane's three lines, its output)
keys v
wait_for "Run #1 step 6"
expect_screen_has " last outcome  done: every step is done or skipped"
keys v
wait_for "last: done: every step is done or skipped"
[ "$(run_state 1)" = done ] || fail "run 1 is $(run_state 1) after r"
cli jwks doctor >"$DIR/doctor.txt" 2>&1 || fail "doctor after the resumed bootstrap: $(cat "$DIR/doctor.txt")"
keys q
wait_for "Checklists  1 run, newest first"
expect_line 4 "▸1    bootstrap done      6/6   -              2026-03-15 00:00 $LABEL"
expect_line 3 " #    checklist state     steps next step      started UTC      target"
keys q
wait_for "Users  row 1 of 3"
expect_screen_lacks "unfinished checklist run"

# --- a rotation from the screen: operator steps as dialogs, skip, finish --------------------------
keys 5
wait_for "Checklists  1 run"
keys K
wait_for "Start a key rotation on $LABEL?"
keys y
wait_for "Step window: Schedule the window"
text "tonight 22:00"
keys Enter
wait_for "Step notice: Tell the users"
keys y
wait_for "step monitor: "
expect_screen_has "Run #2  JWKS key rotation  active  on $LABEL  6/8 steps"
expect_line 10 "▸▶7  running  monitor      confirm   Monitor"
expect_screen_has " last: paused: step monitor: Watch the deployment's logs"
[ "$(step 2 rotate)" = done ] || fail "rotate is $(step 2 rotate)"
[ "$(step 2 window)" = done ] || fail "window is $(step 2 window)"
[ "$(sqlite3 "$STATE" "SELECT output FROM checklist_step WHERE run_id = 2 AND step_id = 'window'")" = "tonight 22:00" ] ||
    fail "the window answer was not recorded"
keys S
wait_for "Skip step monitor?"
text "monitr"
keys Enter
wait_for 'that is not "monitor"'
keys C-u
text "monitor"
keys Enter
wait_for "skipped step monitor (recorded as the operator's decision); r goes on"
keys r
wait_for "run 2 is done"
[ "$(step 2 monitor)" = skipped ] || fail "monitor is $(step 2 monitor)"
[ "$(run_state 2)" = done ] || fail "run 2 is $(run_state 2)"
cli jwks doctor >"$DIR/doctor.txt" 2>&1 || fail "doctor after the screen's rotation: $(cat "$DIR/doctor.txt")"
