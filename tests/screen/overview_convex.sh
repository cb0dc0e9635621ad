#!/bin/sh
# The Overview on the Convex test deployment (real better-convex functions), where counting means
# reading rows: with 2,500 users and BCADMIN_STATS_SAMPLE=2000 the panels fill in a page at a
# time while the screen stays live, then say what they rest on ("newest 2,000 users") and show
# lower bounds (2,000+); the per-day chart says its early days are incomplete. `bcadmin stats
# --json` gives the same numbers and says they are not exact, equal to what the seed rule gives
# for the newest 2,000 users. A key rotation started from screen 5 and left at its first operator
# step is the overview's unfinished run: Enter on that panel opens the run's screen.
. "$(dirname "$0")/lib.sh"
BCADMIN=$(cd "$(dirname "$BCADMIN")" && pwd)/$(basename "$BCADMIN")
KEY='convex-self-hosted|0123456789abcdef'
start_deployment "$KEY"
# user i (1..2500) signs up i minutes after 2026-03-13 00:00 UTC: 1,439 that day, the rest on the
# 14th; every 10th banned (every 20th until a year later), every 50th (i % 50 = 1) an admin.
curl -sf -X POST "$CX/__test/seed" -H 'Content-Type: application/json' \
    -d '{"users": 2500, "startMs": 1773360000000}' >"$DIR/seed.out" || fail "seeding failed"
# convex/.env beside the console: one variable the deployment lacks, one it has the same.
mkdir -p "$DIR/convex"
printf 'EXTRA=1\n' >"$DIR/convex/.env"
ENVS="BCADMIN_NOW=$NOW BCADMIN_STATS_SAMPLE=2000 CONVEX_SELF_HOSTED_URL=$CX CONVEX_SELF_HOSTED_ADMIN_KEY='$KEY'"

(cd "$DIR" && eval "env -i PATH=/usr/bin:/bin HOME=$DIR $ENVS \"$BCADMIN\" stats --json") \
    >"$DIR/stats.json" || fail "stats --json failed"
python3 - "$DIR/stats.json" <<'PY' || fail "stats --json on Convex: $(cat "$DIR/stats.json")"
import json, sys
d = json.load(open(sys.argv[1]))
newest = range(501, 2501)  # the newest 2,000 users
u = d["users"]
want = {"total": 2000, "verified": sum(i % 3 != 0 for i in newest),
        "admins": sum(i % 50 == 1 for i in newest), "bannedNow": sum(i % 10 == 0 for i in newest)}
for k, v in want.items():
    assert u[k] == v, (k, u[k], v)
assert d["exact"] is False
b = d["basis"]["users"]
assert b["exact"] is False and b["rowsRead"] == 2000 and b["perDayExact"] is False, b
assert b["basedOn"] == "newest 2,000 users (lower bounds)", b
days = {x["date"]: x["count"] for x in d["signupsPerDay"]}
assert days["2026-03-14"] == 2500 - 1439 and days["2026-03-13"] == 1439 - 500, days
assert d["activeSessions"] == 2000 and d["accountsByProvider"] == {"credential": 2000}, d
PY

# The console, with every request slowed: the panels fill in while keys still work.
curl -sf -X POST "$CX/__test/latency" -H 'Content-Type: application/json' -d '{"ms": 400}' >/dev/null
tmux -L "$SOCK" -f /dev/null new-session -d -x 120 -y 40 -c "$DIR" \
    "env -i PATH=/usr/bin:/bin HOME=$DIR LANG=C.UTF-8 TERM=tmux-256color BCADMIN_START=overview \
     $ENVS $BCADMIN; echo EXITED \$?; sleep 120"
wait_for "counting… 1,000 rows read"
keys j
wait_for "▸ New sessions per day"
curl -sf -X POST "$CX/__test/latency" -H 'Content-Type: application/json' -d '{"ms": 0}' >/dev/null
wait_gone "filling in"
expect_screen_has "total     2,000+"
expect_screen_has "newest 2,000 users read"
expect_screen_has "N+: at least N, counted from the newest rows"
expect_screen_has "active now     2,000+"
expect_screen_has "newest 2,000 sessions read"
expect_screen_has "credential   2,000+"
expect_screen_has "newest 2,000 accounts read"
expect_screen_has "(days before the rows read are incomplete)"
expect_screen_has "busiest 2026-03-14: 1,061"
# the doctor's verdict in one line (the test deployment has no JWKS yet), and the drift
expect_screen_has "fail: jwks.set: JWKS is not set on the deployment"
expect_screen_has "1 difference against convex/.env"
expect_screen_has "no unfinished run"

# A rotation left at its first operator step (Esc on the window's dialog) is an unfinished run.
keys 5
wait_for "Checklists  0 runs"
keys K
wait_for "Start a key rotation on"
keys y
wait_for "Step window: Schedule the window"
keys Escape
wait_gone "Step window: Schedule the window"
[ "$(sqlite3 "$DIR/.local/state/bcadmin/state.db" "SELECT checklist || ' ' || state FROM checklist_run")" = "rotate active" ] ||
    fail "the rotation is not an unfinished run: $(sqlite3 "$DIR/.local/state/bcadmin/state.db" "SELECT * FROM checklist_run")"
keys 0
wait_for "unfinished run #1: rotate at step w" # "window", cut to the panel's width
keys G
wait_for "▸ Checklist runs"
keys Enter
wait_for "Run #1  JWKS key rotation  active  on self-hosted"
expect_screen_has "window"
keys q
wait_for "Checklists  1 run"
keys Q
wait_for "EXITED 0"
echo "ok overview_convex"
