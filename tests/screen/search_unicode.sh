#!/bin/sh
# Search folds the case of every alphabet (`ştefan` finds "Ştefan", `école` finds "ÉCOLE" even
# written decomposed) on a SQLite file without and with bcadmin's search index and on the Convex
# test deployment; a pasted user id or session token finds its user (in both drivers).
. "$(dirname "$0")/lib.sh"
make_fixture 20
ID=Zq8v3Lr0xB1nT5kW7yHc2Jd4Fg6Mp9Qs
sqlite3 "$DIR/app.db" "
INSERT INTO user VALUES ('$ID', 'Ştefan Pop', 'stefan@example.com', 1, NULL,
  '2026-02-01T00:00:00.000Z', '2026-02-01T00:00:00.000Z', 'user', 0, NULL, NULL);
INSERT INTO user VALUES ('e1', 'E' || char(769) || 'COLE Normale', 'ecole@example.com', 1, NULL,
  '2026-02-02T00:00:00.000Z', '2026-02-02T00:00:00.000Z', 'user', 0, NULL, NULL);
INSERT INTO session VALUES ('s9', '2026-12-01T00:00:00.000Z', 'Tk4Yq7Wm2Rz9Xb5Nc8Vd1Lf3Hg6Js0Pa',
  '2026-02-01T00:00:00.000Z', '2026-02-01T00:00:00.000Z', '10.0.0.9', 'curl/8', 'u007', NULL);"

# search TEXT EXPECTED: a fresh search (typing replaces the last one) lands on EXPECTED alone
search() {
    keys /
    text "$1"
    wait_for "row 1 of 1   search: $1   sort"
    wait_for "$2"
    wait_for "row 1 of 1   search: $1   sort"
    keys Enter
}

checks() {
    search "ştefan" "stefan@example.com"
    search "ŞTEFAN" "stefan@example.com"
    search "école" "ecole@example.com"
    search "$ID" "stefan@example.com"
    search "Tk4Yq7Wm2Rz9Xb5Nc8Vd1Lf3Hg6Js0Pa" "user007@example.com"
}

start 120 30
wait_for "row 1 of 22"
checks
keys Q
wait_for "EXITED 0"
tmux -L "$SOCK" kill-server

# the same through the trigram index's candidates
"$BCADMIN" --db "$DIR/app.db" db index >/dev/null || fail "db index failed"
start 120 30
wait_for "row 1 of 22"
checks
keys Q
wait_for "EXITED 0"
tmux -L "$SOCK" kill-server

# the Convex test deployment: the same rule in the Convex driver
KEY='convex-self-hosted|5ea4c4'
start_deployment "$KEY"
curl -sS -X POST "$CX/__test/seed" -H 'content-type: application/json' -d '{"users":5}' \
    >/dev/null || fail "seeding failed"
cx() { HOME=$DIR XDG_STATE_HOME=$DIR/state CONVEX_SELF_HOSTED_URL=$CX CONVEX_SELF_HOSTED_ADMIN_KEY=$KEY "$BCADMIN" "$@"; }
printf 'password-1234' | cx users create --email stefan@example.com --name 'Ştefan Pop' \
    >"$DIR/created" || fail "users create failed"
# the new user's id, and a seeded session's token with its owner's email
CXID=$(sed -n 's/.*(id \([^,]*\),.*/\1/p' "$DIR/created")
cx sessions list --limit 1 --reveal --json token,userId >"$DIR/session.json" || fail "sessions list"
CXTOKEN=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["sessions"][0]["token"])' \
    "$DIR/session.json")
owner=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["sessions"][0]["userId"])' \
    "$DIR/session.json")
cx users show "$owner" --json email >"$DIR/owner.json" || fail "users show $owner"
CXOWNER=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["user"]["email"])' \
    "$DIR/owner.json")
[ -n "$CXID" ] && [ -n "$CXTOKEN" ] && [ -n "$CXOWNER" ] || fail "no id, token or owner to search"
printf 'password-1234' | cx users create --email ecole@example.com --name "ÉCOLE Normale" \
    >/dev/null || fail "users create failed"
TARGET="" EXTRA_ENV="CONVEX_SELF_HOSTED_URL=$CX CONVEX_SELF_HOSTED_ADMIN_KEY='$KEY'" start 120 30
wait_for "stefan@example.com"
search "ştefan" "stefan@example.com"
search "école" "ecole@example.com"
search "$CXID" "stefan@example.com"
search "$CXTOKEN" "$CXOWNER"
keys Q
wait_for "EXITED 0"
