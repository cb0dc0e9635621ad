#!/bin/sh
# The Env screen (6) on the Convex test deployment: convex/.env against the deployment's variables
# as a diff table (add, change, unchanged, deployment only, empty; values masked, V reveals),
# Space leaves one change out, P applies after a yes, and `bcadmin env list` shows that only the
# included rows reached the deployment. On a SQLite file the screen says it needs Convex, and
# with --read-only P is refused.
. "$(dirname "$0")/lib.sh"
BCADMIN=$(cd "$(dirname "$BCADMIN")" && pwd)/$(basename "$BCADMIN") # the console runs in $WORK
KEY='convex-self-hosted|0123456789abcdef'
start_deployment "$KEY" --env SITE_URL=http://localhost:3000 \
    --env KEEP=same --env OLD=before --env OTHER=old2 --env REMOTE_ONLY=r
WORK=$DIR/work
mkdir -p "$WORK/convex"
# NEW is added, OLD and OTHER change, KEEP and SITE_URL are unchanged, BLANK is empty (skipped);
# line 7 is a line dotenv drops, which the screen shows as a warning with file:line.
printf '%s\n' 'SITE_URL=http://localhost:3000' 'KEEP=same' 'OLD=after' 'OTHER=new2' \
    'NEW=hello world' 'BLANK=' 'this line has no equals sign' >"$WORK/convex/.env"
cli() {
    (cd "$WORK" && env -i PATH=/usr/bin:/bin HOME="$DIR" BCADMIN_NOW=$NOW \
        CONVEX_SELF_HOSTED_URL="$CX" CONVEX_SELF_HOSTED_ADMIN_KEY="$KEY" "$BCADMIN" "$@")
}
# console ARGS: the console in $WORK on the deployment the environment selects
console() {
    tmux -L "$SOCK" -f /dev/null new-session -d -x 150 -y 30 -c "$WORK" \
        "env -i PATH=/usr/bin:/bin HOME=$DIR LANG=C.UTF-8 TERM=tmux-256color BCADMIN_NOW=$NOW \
         CONVEX_SELF_HOSTED_URL=$CX CONVEX_SELF_HOSTED_ADMIN_KEY='$KEY' \
         $BCADMIN $*; echo EXITED \$?; sleep 120"
    wait_for "bcadmin "
}
mask() {
    n=$(printf %s "$1" | wc -c)
    [ "$n" = 1 ] && u=byte || u=bytes
    printf '<%s %s, sha256:%s>' "$n" "$u" "$(printf %s "$1" | sha256sum | cut -c1-8)"
}
# row NAME: the table row of NAME with runs of blanks squeezed
row() { screen | grep -E "^.(\[.\]|   ) $1 " | tr -s ' ' | sed 's/ *$//'; }
expect_row() {
    got=$(row "$1")
    [ "$got" = "$2" ] || fail "$(printf 'row %s is\n  [%s]\nexpected\n  [%s]' "$1" "$got" "$2")"
}

# --- read-only: the screen shows the plan, P is refused --------------------------------------
console --read-only
wait_for " convex │ self-hosted"
keys 6
wait_for "Env  convex/.env -> self-hosted ${CX#http://}"
keys P
wait_for "env-sync refused"
tmux -L "$SOCK" kill-server
SOCK=${SOCK}b # a new server: starting one on a socket that is shutting down fails

# --- the plan, toggling, applying ------------------------------------------------------------
console
wait_for " convex │ self-hosted"
keys 6
wait_for "1 add, 2 change, 2 unchanged, 1 deployment only; 3 included; values masked"
expect_screen_has " in  name "
expect_row BLANK "▸ BLANK empty <empty> - 6"
expect_row KEEP " KEEP unchanged $(mask same) $(mask same) 2"
expect_row NEW " [x] NEW add $(mask 'hello world') - 5"
expect_row OLD " [x] OLD change $(mask after) $(mask before) 3"
expect_row OTHER " [x] OTHER change $(mask new2) $(mask old2) 4"
expect_row REMOTE_ONLY " REMOTE_ONLY remote-only - $(mask r)"
expect_row SITE_URL " SITE_URL unchanged $(mask http://localhost:3000) $(mask http://localhost:3000) 1"
expect_screen_has " BLANK (empty): skipped, as better-convex skips empty values"
expect_screen_has " convex/.env:7: ignored: dotenv ignores this line"
expect_screen_lacks "hello world"
keys V
wait_for "3 included; values shown"
expect_row OLD " [x] OLD change after before 3"
expect_row NEW " [x] NEW add hello world - 5"
# the selection starts on the first row (BLANK, empty): Space there is refused
keys Space
wait_for "BLANK is empty: only add, change and remove rows can be applied"
# leave OTHER out: move to it and press Space
i=0
until [ "$(row OTHER)" = "▸[x] OTHER change new2 old2 4" ]; do
    keys j
    i=$((i + 1))
    [ $i -lt 10 ] || fail "never selected OTHER"
    sleep 0.05
done
keys Space
wait_for "; 2 included"
expect_row OTHER " [ ] OTHER change new2 old2 4"
keys P
wait_for "Apply 2 changes to self-hosted ${CX#http://}"
expect_screen_has "add         NEW"
expect_screen_has "change      OLD"
expect_screen_lacks "change      OTHER"
expect_screen_has "In one request (all or nothing)"
keys y
wait_for "applied 2 changes in one request; the deployment lists every change"
# listed again: NEW and OLD now match, OTHER still differs
wait_for "0 add, 1 change, 4 unchanged, 1 deployment only; 1 included"
expect_row NEW " NEW unchanged hello world hello world 5"

cli env list --json --reveal >"$DIR/vars.json" 2>"$DIR/vars.err" || fail "env list: $(cat "$DIR/vars.err")"
got=$(jq -cS . "$DIR/vars.json")
want='{"KEEP":"same","NEW":"hello world","OLD":"after","OTHER":"old2","REMOTE_ONLY":"r","SITE_URL":"http://localhost:3000"}'
[ "$got" = "$want" ] || fail "deployment after apply: $got"
# the apply is audited with names only
STATE=$DIR/.local/state/bcadmin/state.db
[ "$(sqlite3 "$STATE" "SELECT action, state FROM audit ORDER BY id DESC LIMIT 1")" = "env.sync|done" ] ||
    fail "audit: $(sqlite3 "$STATE" "SELECT action, state FROM audit")"
! sqlite3 "$STATE" "SELECT * FROM audit" | grep -q "hello world" || fail "the audit log holds a value"
keys q
wait_for "Users  no rows"
keys q
wait_for "EXITED 0"
tmux -L "$SOCK" kill-server
SOCK=${SOCK}b # a new server: starting one on a socket that is shutting down fails

# --- on a SQLite file the screen says it needs a Convex deployment -----------------------------
make_fixture 2
start 150 30
wait_for "row 1 of 2"
keys 6
wait_for "the Env screen works on a Convex deployment only"
