# lib.sh - shared helpers of the screen tests: a private tmux server per test, a fixture database
# made with sqlite3 and the Better Auth schema, keys in, screen text out.
# Usage in a test: . "$(dirname "$0")/lib.sh" "$@"   (args: BCADMIN SCHEMA [ACTIONS_H])
set -eu
BCADMIN=$1
SCHEMA=$2
ACTIONS_H=${3:-}
NAME=$(basename "$0" .sh)
SOCK="bcadmin-screen-$NAME-$$"
DIR=$(mktemp -d "/tmp/bcadmin-screen-$NAME-XXXXXX")
NOW=2026-03-15T00:00:00Z

# In a ThreadSanitizer build (tests/run-all.sh sets TSAN_OPTIONS) the console's reports go to
# files, which fail the test: on the console's own screen a report could go unseen.
TSAN_ENV=${TSAN_OPTIONS:+TSAN_OPTIONS=$TSAN_OPTIONS:log_path=$DIR/tsan}

# cleanup [STATUS]: the test's exit status is STATUS, else the $? it was called with.
cleanup() {
    status=${1:-$?}
    tmux -L "$SOCK" kill-server 2>/dev/null || true
    if [ -n "$TSAN_ENV" ] && ls "$DIR"/tsan.* >/dev/null 2>&1; then
        printf 'FAIL (%s): ThreadSanitizer reported:\n' "$NAME" >&2
        cat "$DIR"/tsan.* >&2
        status=1
    fi
    rm -rf "$DIR"
    exit $status
}
trap cleanup EXIT INT TERM

# start_deployment KEY [SERVER OPTIONS...]: the Convex test deployment (real better-convex
# functions under convex-test, tests/peers/convex-deployment) on a loopback port, stopped when the
# test ends; sets CX to its URL. Skips the test (77) without node or the npm packages.
start_deployment() {
    peers="$(cd "$(dirname "$SCHEMA")/.." && pwd)/tests/peers"
    command -v node >/dev/null 2>&1 || { echo "SKIP: node is not installed" >&2; exit 77; }
    [ -d "$peers/node_modules/convex-test" ] || { echo "SKIP: convex-test is not installed" >&2; exit 77; }
    key=$1
    shift
    node "$peers/convex-deployment/server.mjs" --admin-key "$key" "$@" >"$DIR/cx.out" 2>"$DIR/cx.err" &
    CXPID=$!
    # the test's exit status, handed on past the kill (cleanup would read the kill's)
    trap 'status=$?; kill $CXPID 2>/dev/null || true; cleanup $status' EXIT INT TERM
    i=0
    until grep -qs '^PORT ' "$DIR/cx.out"; do
        i=$((i + 1)) # a loaded machine can take a minute to load the app's modules
        [ $i -lt 1200 ] || fail "the test deployment did not start: $(cat "$DIR/cx.err")"
        kill -0 $CXPID 2>/dev/null || fail "the test deployment died: $(cat "$DIR/cx.err")"
        sleep 0.1
    done
    CX="http://127.0.0.1:$(sed -n 's/^PORT //p' "$DIR/cx.out")"
}

# On the test deployment: fast clears injected faults; slow MS [FUNCTION] makes every request (or
# only calls of FUNCTION) wait MS more, until fast; requests counts what it has answered.
fast() { curl -sS -X DELETE "$CX/__test/faults" >/dev/null; }
slow() {
    fast
    curl -sS -X POST "$CX/__test/faults" -H 'content-type: application/json' \
        -d "{\"kind\":\"latency\",${2:+\"fn\":\"$2\",}\"ms\":$1,\"persistent\":true}" >/dev/null
}
requests() { curl -sS "$CX/__test/stats" | sed -n 's/.*"requests":\([0-9]*\).*/\1/p'; }

fail() {
    printf 'FAIL (%s): %s\n' "$NAME" "$*" >&2
    echo "--- screen:" >&2
    tmux -L "$SOCK" capture-pane -p >&2 2>/dev/null || true
    exit 1
}

# make_fixture N: N users created an hour apart (user000 oldest), every 3rd verified, every 50th
# an admin, every 17th banned (every 34th until 2026-12-01), one impersonation session and one
# credential account on user010.
make_fixture() {
    sqlite3 "$DIR/app.db" <"$SCHEMA"
    sqlite3 "$DIR/app.db" "
WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < $1 - 1)
INSERT INTO user SELECT printf('u%03d', i), printf('User %d', i), printf('user%03d@example.com', i),
  i % 3 = 0, NULL, strftime('%Y-%m-%dT%H:%M:%fZ', '2026-01-01', printf('+%d hours', i)),
  '2026-01-01T00:00:00.000Z', CASE WHEN i % 50 = 0 THEN 'admin' ELSE 'user' END, i % 17 = 0,
  NULL, CASE WHEN i % 34 = 0 THEN '2026-12-01T00:00:00.000Z' END FROM n;
INSERT INTO session VALUES ('s1', '2026-12-01T00:00:00.000Z', 'secret-token-0123456789-abcd',
  '2026-02-01T00:00:00.000Z', '2026-02-01T00:00:00.000Z', '10.0.0.1', 'Mozilla/5.0 (X11)',
  'u010', 'u000');
INSERT INTO session VALUES ('s2', '2026-02-01T00:00:00.000Z', 'old-token', '2026-01-20T00:00:00.000Z',
  '2026-01-20T00:00:00.000Z', '10.0.0.2', 'curl/8', 'u010', NULL);
INSERT INTO account VALUES ('c1', 'u010', 'credential', 'u010', NULL, NULL, NULL, NULL, NULL, NULL,
  'salt:hash', '2026-01-01T00:00:00.000Z', '2026-01-01T00:00:00.000Z');"
}

# start COLS ROWS [ARGS...]: run bcadmin on the fixture (TARGET="" leaves the target to
# EXTRA_ENV); the shell says how it ended.
start() {
    cols=$1 rows=$2
    shift 2
    tmux -L "$SOCK" -f /dev/null new-session -d -x "$cols" -y "$rows" \
        "env -i PATH=/usr/bin:/bin HOME=$DIR XDG_CONFIG_HOME=$DIR/config XDG_DATA_HOME=$DIR/data \
         LANG=C.UTF-8 TZ=UTC TERM=tmux-256color BCADMIN_NOW=$NOW $TSAN_ENV ${EXTRA_ENV:-} \
         sh -c 'echo \$\$ >$DIR/pid; exec $BCADMIN ${TARGET---db $DIR/app.db} $*'; \
         echo EXITED \$?; sleep 120"
    wait_for "bcadmin "
}

keys() { tmux -L "$SOCK" send-keys "$@"; }
# mouse_report BUTTON X Y: one X10 mouse report (button 0 press, 3 release, 64/65 wheel up/down;
# 0-based column and row), typed with `text "$(mouse_report ...)"`: curses reads the encoding
# tmux-256color's kmous names, ESC [ M then three bytes (value + 32, column + 33, row + 33).
mouse_report() {
    printf '\033[M'
    for v in $(($1 + 32)) $(($2 + 33)) $(($3 + 33)); do
        # shellcheck disable=SC2059
        printf "\\$(printf %o "$v")"
    done
}
click() { mouse_report 0 "$1" "$2" && mouse_report 3 "$1" "$2"; }
text() { tmux -L "$SOCK" send-keys -l "$1"; }
screen() { tmux -L "$SOCK" capture-pane -p; }
pane() { tmux -L "$SOCK" display-message -p "$1"; }

# wait_for TEXT: poll the screen until it shows TEXT (fails after about 10 s).
wait_for() {
    i=0
    while ! screen | grep -qF -- "$1"; do
        i=$((i + 1))
        [ $i -lt 200 ] || fail "never saw: $1"
        sleep 0.05
    done
}

# wait_gone TEXT: poll until the screen no longer shows TEXT.
wait_gone() {
    i=0
    while screen | grep -qF -- "$1"; do
        i=$((i + 1))
        [ $i -lt 200 ] || fail "still shows: $1"
        sleep 0.05
    done
}

# line N: screen line N (1-based) with trailing blanks removed.
line() { screen | sed -n "${1}p" | sed 's/[[:space:]]*$//'; }

expect_line() {
    got=$(line "$1")
    [ "$got" = "$2" ] || fail "$(printf 'line %s is\n  [%s]\nexpected\n  [%s]' "$1" "$got" "$2")"
}

expect_screen_has() { screen | grep -qF -- "$1" || fail "screen lacks: $1"; }
expect_screen_lacks() { ! screen | grep -qF -- "$1" || fail "screen shows: $1"; }
