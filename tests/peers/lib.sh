# lib.sh - shared harness for tests that run bcadmin against a REAL Better Auth 1.4.9 server.
#
# Source it from a bash test script:   . "$SRCDIR/tests/peers/lib.sh"
# It gives the script a private temp dir ($BC_TMP), a trap that stops every server it started
# and removes the temp dir on every exit path (success, failure, signal), and helpers to start
# the server (better-auth-server.mjs) on a database file, call its endpoints with curl, read JSON
# with node, run SQL, and compare values.
#
# Driver-neutral on purpose (the conformance suite of issue 4 runs it for SQLite and Convex):
#   bc_cli ARGS...       runs "$BCADMIN" $BC_TARGET_ARGS ARGS...; a driver sets BC_TARGET_ARGS
#                        (bc_use_sqlite DB sets it to "--db DB").
#   ba_* helpers         talk to whatever Better Auth base URL is in $BA_URL (set by ba_start,
#                        or by another driver's own server start function).
#   bc_track_pid PID     hands a process the script started (another driver's peer) to the
#                        exit trap, which stops it like the Better Auth server.
#
# Exit codes: bc_skip exits 77 (meson's "skipped"), bc_die exits 1.

# shellcheck shell=bash

BC_PEERS_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
BC_SERVER_JS="$BC_PEERS_DIR/better-auth-server.mjs"
BC_TEST_NAME=${BC_TEST_NAME:-$(basename "$0" .sh)}
BC_TEST_SECRET=${BC_TEST_SECRET:-bcadmin-test-secret-0123456789abcdef}
# The Better Auth line the server runs: 1.4 (tests/peers, the default), 1.5 (bc-0.11), 1.6
# (cdba-0.12) or 1.7 (ba-1.7); each pinned by its own lockfile.
BC_BA_LINE=${BC_BA_LINE:-1.4}
BC_TARGET_ARGS=()
BC_SERVER_PIDS=()
BA_URL=${BA_URL:-}
# The Better Auth version the server runs (ba_start reads it from the server; the Convex test
# deployment of tests/peers runs 1.4.9).
BA_VERSION=${BA_VERSION:-1.4.9}
BA_PID=
BA_PORT=

# --- messages and exits -------------------------------------------------------------------

bc_log() { printf '%s: %s\n' "$BC_TEST_NAME" "$*" >&2; }
bc_die() {
    printf '%s: FAIL: %s\n' "$BC_TEST_NAME" "$*" >&2
    exit 1
}
bc_skip() {
    printf '%s: SKIP: %s\n' "$BC_TEST_NAME" "$*" >&2
    exit 77
}

# --- temp dir and cleanup -----------------------------------------------------------------

bc_cleanup() {
    local rc=$? pid log
    set +e # the trap must finish even under the script's `set -e`
    for pid in "${BC_SERVER_PIDS[@]}"; do
        if kill -0 "$pid" 2>/dev/null; then
            kill -TERM "$pid" 2>/dev/null
            # Give it 3 s to close the database, then insist.
            for _ in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15; do
                kill -0 "$pid" 2>/dev/null || break
                sleep 0.2
            done
            kill -0 "$pid" 2>/dev/null && kill -KILL "$pid" 2>/dev/null
        fi
        wait "$pid" 2>/dev/null
    done
    BC_SERVER_PIDS=()
    if [ "$rc" -ne 0 ] && [ "$rc" -ne 77 ] && [ -n "${BC_TMP:-}" ]; then
        # A failure is easier to read with what the server said.
        for log in "$BC_TMP"/server.*.err; do
            [ -s "$log" ] && { bc_log "server log $log (last lines):"; tail -n 20 "$log" >&2; }
        done
    fi
    if [ -n "${BC_TMP:-}" ] && [ -d "$BC_TMP" ]; then
        if [ "$rc" -ne 0 ] && [ "$rc" -ne 77 ] && [ -n "${BC_KEEP_TMP:-}" ]; then
            bc_log "kept $BC_TMP"
        else
            rm -rf "$BC_TMP"
        fi
    fi
    return "$rc"
}

BC_TMP=$(mktemp -d "${TMPDIR:-/tmp}/bcadmin-$BC_TEST_NAME.XXXXXX") || bc_die "mktemp failed"
trap bc_cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM HUP

bc_track_pid() { BC_SERVER_PIDS+=("$1"); }

# --- prerequisites --------------------------------------------------------------------------

# Skip (77) when the npm fixtures are not installed; everything else missing is a failure.
bc_require_peers() {
    command -v node >/dev/null 2>&1 || bc_skip "node is not installed (apt-get install nodejs)"
    if [ ! -d "$BC_PEERS_DIR/node_modules/better-auth" ] || [ ! -d "$BC_PEERS_DIR/node_modules/better-sqlite3" ]; then
        bc_skip "tests/peers/node_modules is missing: run 'cd tests/peers && npm ci' first"
    fi
    local dir
    dir=$(bc_ba_line_dir) || bc_die "BC_BA_LINE=$BC_BA_LINE: unknown line (1.4, 1.5, 1.6, 1.7)"
    [ -d "$dir/node_modules/better-auth" ] ||
        bc_skip "$dir/node_modules is missing: run 'cd $dir && npm ci' first"
    command -v curl >/dev/null 2>&1 || bc_die "curl is not installed"
}

# bc_ba_line_dir: the peer directory of $BC_BA_LINE.
bc_ba_line_dir() {
    case $BC_BA_LINE in
    1.4) echo "$BC_PEERS_DIR" ;;
    1.5) echo "$BC_PEERS_DIR/bc-0.11" ;;
    1.6) echo "$BC_PEERS_DIR/cdba-0.12" ;;
    1.7) echo "$BC_PEERS_DIR/ba-1.7" ;;
    *) return 1 ;;
    esac
}

# bc_require_bcadmin PATH: the binary under test.
bc_require_bcadmin() {
    BCADMIN=$1
    [ -x "$BCADMIN" ] || bc_die "bcadmin binary '$BCADMIN' is not executable"
}

# --- bcadmin --------------------------------------------------------------------------------

bc_use_sqlite() { BC_TARGET_ARGS=(--db "$1"); }

# bc_cli ARGS...: run bcadmin against the current target; stdout is the command's stdout,
# its stderr goes to $BC_TMP/cli.err (shown by bc_cli_ok on failure).
bc_cli() { "$BCADMIN" "${BC_TARGET_ARGS[@]}" "$@" 2>"$BC_TMP/cli.err"; }

# bc_cli_ok ARGS...: like bc_cli but dies with the command line and stderr when it fails.
bc_cli_ok() {
    local out rc
    out=$(bc_cli "$@") && rc=0 || rc=$?
    if [ "$rc" -ne 0 ]; then
        bc_die "bcadmin ${BC_TARGET_ARGS[*]} $* exited $rc: $(cat "$BC_TMP/cli.err")"
    fi
    printf '%s\n' "$out"
}

# bc_cli_json ARGS...: like bc_cli_ok, and dies unless stdout is one JSON document.
bc_cli_json() {
    local out
    out=$(bc_cli_ok "$@") || exit 1
    # on standard input: one argument may not exceed 128 KiB (an --all export does)
    printf '%s' "$out" | node -e 'JSON.parse(require("fs").readFileSync(0, "utf8"))' 2>/dev/null ||
        bc_die "bcadmin ${BC_TARGET_ARGS[*]} $* did not print JSON: ${out:0:300}"
    printf '%s\n' "$out"
}

# --- the Better Auth server -------------------------------------------------------------------

# ba_start DB [SECRET]: start the real server on DB (created with Better Auth's migrations when
# empty), wait until it prints its port, set BA_PID, BA_PORT, BA_URL (base .../api/auth) and
# BA_LOG (the server's stderr file).
ba_start() {
    local db=$1 secret=${2:-$BC_TEST_SECRET} log out
    log="$BC_TMP/server.$$.$RANDOM"
    out="$log.out"
    # Made here, not by the background job's redirection: the loop below may read it first (a
    # failing $(sed) in an assignment would end a `set -e` script silently with status 2).
    : >"$out"
    BA_PEER_DIR=$(bc_ba_line_dir) node "$BC_SERVER_JS" "$db" "$secret" >"$out" 2>"$log.err" &
    BA_PID=$!
    bc_track_pid "$BA_PID"
    BA_PORT=
    for _ in $(seq 1 1200); do
        BA_PORT=$(sed -n 's/^PORT \([0-9][0-9]*\)$/\1/p' "$out" 2>/dev/null)
        [ -n "$BA_PORT" ] && break
        if ! kill -0 "$BA_PID" 2>/dev/null; then
            bc_die "Better Auth server on $db exited before listening: $(cat "$log.err")"
        fi
        sleep 0.1
    done
    [ -n "$BA_PORT" ] || bc_die "Better Auth server on $db printed no port within 120 s: $(cat "$log.err")"
    BA_URL="http://127.0.0.1:$BA_PORT/api/auth"
    # The line that runs, as the server read it from the package (never assumed).
    BA_VERSION=$(sed -n 's/^BETTER_AUTH //p' "$out")
    case $BA_VERSION in
    "$BC_BA_LINE".*) ;;
    *) bc_die "BC_BA_LINE=$BC_BA_LINE but the server runs Better Auth '$BA_VERSION'" ;;
    esac
    # shellcheck disable=SC2034 # for callers
    BA_LOG="$log.err"
}

# ba_at_least MAJOR.MINOR: whether the server's line ($BA_VERSION) is that line or newer.
ba_at_least() {
    local want_major=${1%%.*} want_minor=${1#*.} major minor
    major=${BA_VERSION%%.*}
    minor=${BA_VERSION#*.}
    minor=${minor%%.*}
    [ "$major" -gt "$want_major" ] || { [ "$major" -eq "$want_major" ] && [ "$minor" -ge "$want_minor" ]; }
}

# ba_stop: stop the server started last (also done by the exit trap).
ba_stop() {
    [ -n "$BA_PID" ] || return 0
    kill -TERM "$BA_PID" 2>/dev/null
    wait "$BA_PID" 2>/dev/null
    BA_PID=
}

# ba_request METHOD PATH [JSON_BODY] [BEARER_TOKEN]: call $BA_URL$PATH. Prints the body; the
# HTTP status is in $BC_TMP/last.status (read it with ba_status).
ba_request() {
    local method=$1 path=$2 body=${3:-} token=${4:-}
    local args=(-sS -X "$method" -o "$BC_TMP/last.body" -w '%{http_code}' --max-time 60)
    [ -n "$token" ] && args+=(-H "Authorization: Bearer $token")
    if [ -n "$body" ]; then
        args+=(-H 'Content-Type: application/json' --data-binary "$body")
    fi
    curl "${args[@]}" "$BA_URL$path" >"$BC_TMP/last.status" ||
        bc_die "curl $method $BA_URL$path failed"
    cat "$BC_TMP/last.body"
}
ba_get() { ba_request GET "$1" "" "${2:-}"; }
ba_post() { ba_request POST "$1" "$2" "${3:-}"; }
ba_status() { cat "$BC_TMP/last.status"; }

# ba_expect STATUS: die unless the last request answered STATUS.
ba_expect() {
    local got
    got=$(ba_status)
    [ "$got" = "$1" ] || bc_die "expected HTTP $1, got $got: $(cat "$BC_TMP/last.body")"
}

# ba_sign_up EMAIL PASSWORD NAME: sign up, print the bearer token.
ba_sign_up() {
    local body
    body=$(json_obj email "$1" password "$2" name "$3")
    ba_post /sign-up/email "$body" >/dev/null
    ba_expect 200
    json_get '.token' <"$BC_TMP/last.body"
}

# ba_sign_in EMAIL PASSWORD: sign in, print the bearer token (dies unless 200).
ba_sign_in() {
    ba_post /sign-in/email "$(json_obj email "$1" password "$2")" >/dev/null
    ba_expect 200
    json_get '.token' <"$BC_TMP/last.body"
}

# ba_try_sign_in EMAIL PASSWORD: sign in without judging; prints the body, status via ba_status.
ba_try_sign_in() { ba_post /sign-in/email "$(json_obj email "$1" password "$2")"; }

# --- the Convex test deployment ------------------------------------------------------------------

# bc_cx_start KEY [SERVER OPTIONS...]: a fresh Convex test deployment (convex-deployment/server.mjs)
# with admin key KEY; waits until it listens and sets CX (its URL), CXPID and CX_OUT (its stdout:
# the BETTER_AUTH and PORT lines). Stopped by the exit trap.
bc_cx_start() {
    local key=$1
    shift
    CX_OUT="$BC_TMP/cx.$RANDOM"
    : >"$CX_OUT" # before the loop reads it (see ba_start)
    node "$BC_PEERS_DIR/convex-deployment/server.mjs" --admin-key "$key" "$@" >"$CX_OUT" 2>"$CX_OUT.err" &
    CXPID=$!
    bc_track_pid "$CXPID"
    for _ in $(seq 1 1200); do # a loaded machine can take a minute to load the app's modules
        grep -q '^PORT ' "$CX_OUT" && break
        kill -0 "$CXPID" 2>/dev/null || bc_die "deployment died: $(cat "$CX_OUT.err")"
        sleep 0.1
    done
    grep -q '^PORT ' "$CX_OUT" || bc_die "deployment printed no port within 120 s: $(cat "$CX_OUT.err")"
    CX="http://127.0.0.1:$(awk '/^PORT /{print $2}' "$CX_OUT")"
}

# --- JSON (node; the only runtime the peers need anyway) -----------------------------------

# json_get EXPR < JSON: evaluate a JS expression on the parsed input, written as jq-like path
# (".users[0].email", ".[0]") or any JS expression using `j`. Strings print raw, the rest as JSON,
# undefined as nothing with exit status 1.
json_get() {
    node -e '
const fs = require("fs");
const j = JSON.parse(fs.readFileSync(0, "utf8"));
let e = process.argv[1];
if (e === ".") e = "j";
else if (e.startsWith(".[")) e = "j" + e.slice(1);
else if (e.startsWith(".")) e = "j" + e;
const v = eval(e);
if (v === undefined) process.exit(1);
process.stdout.write((typeof v === "string" ? v : JSON.stringify(v)) + "\n");
' "$1"
}

# bc_urlencode TEXT: percent-encode TEXT for a query string (UTF-8).
bc_urlencode() { node -e 'process.stdout.write(encodeURIComponent(process.argv[1]))' "$1"; }

# json_obj KEY VALUE ...: a JSON object of string values, properly escaped. A value written as
# json:TEXT is inserted as the JSON literal TEXT (numbers, booleans, null).
json_obj() {
    node -e '
const a = process.argv.slice(1), o = {};
for (let i = 0; i + 1 < a.length; i += 2)
  o[a[i]] = a[i + 1].startsWith("json:") ? JSON.parse(a[i + 1].slice(5)) : a[i + 1];
process.stdout.write(JSON.stringify(o));
' "$@"
}

# --- SQL on the test database -------------------------------------------------------------------

# bc_sql DB SQL [PARAM...]: run one statement through better-sqlite3 with bound parameters,
# print the rows as a JSON array (statements that return nothing print their change count).
bc_sql() {
    local db=$1 sql=$2
    shift 2
    (cd "$BC_PEERS_DIR" && node -e '
const Database = require("better-sqlite3");
const [db, sql, ...params] = process.argv.slice(1);
const d = new Database(db, { fileMustExist: true });
d.pragma("busy_timeout = 5000");
const st = d.prepare(sql);
const r = st.reader ? st.all(...params) : { changes: st.run(...params).changes };
process.stdout.write(JSON.stringify(r) + "\n");
d.close();
' "$db" "$sql" "$@")
}

# bc_make_admin DB EMAIL: give a user the admin role directly in the database.
bc_make_admin() {
    local n
    n=$(bc_sql "$1" 'UPDATE "user" SET role = ? WHERE email = ?' admin "$2" | json_get '.changes')
    [ "$n" = 1 ] || bc_die "bc_make_admin: no user $2 in $1"
}

# --- assertions ---------------------------------------------------------------------------

# bc_assert_eq WHAT EXPECTED ACTUAL
bc_assert_eq() {
    [ "$2" = "$3" ] || bc_die "$1: expected '$2', got '$3'"
}

# bc_json_same WHAT EXPECTED_JSON ACTUAL_JSON [FIELD...]: compare two JSON objects field by
# field (all fields of EXPECTED when none are named); dies naming every differing field.
bc_json_same() {
    local what=$1 a=$2 b=$3 diff
    shift 3
    diff=$(node -e '
const [a, b, ...fields] = process.argv.slice(1).map((s, i) => i < 2 ? JSON.parse(s) : s);
const keys = fields.length ? fields : Object.keys(a);
const bad = [];
for (const k of keys) {
  const x = JSON.stringify(a[k]), y = JSON.stringify(b[k]);
  if (x !== y) bad.push(`${k}: expected ${x}, got ${y}`);
}
process.stdout.write(bad.join("; "));
' "$a" "$b" "$@") || bc_die "$what: could not compare JSON"
    [ -z "$diff" ] || bc_die "$what: $diff"
}

# bc_json_rows_same WHAT EXPECTED_ARRAY ACTUAL_ARRAY FIELD...: every row of EXPECTED has a row
# with the same id in ACTUAL (order aside) whose named fields are equal, and ACTUAL has no other
# rows; dies naming each missing, extra or differing row and field. One node run for a whole list.
bc_json_rows_same() {
    local what=$1 a=$2 b=$3 diff
    shift 3
    diff=$(node -e '
const [a, b, ...fields] = process.argv.slice(1).map((s, i) => i < 2 ? JSON.parse(s) : s);
const bad = [];
const byId = new Map(b.map((r) => [r.id, r]));
for (const x of a) {
  const y = byId.get(x.id);
  if (!y) { bad.push(`row ${x.id} missing`); continue; }
  byId.delete(x.id);
  for (const k of fields) {
    const u = JSON.stringify(x[k]), v = JSON.stringify(y[k]);
    if (u !== v) bad.push(`row ${x.id} (${x.email ?? ""}) ${k}: expected ${u}, got ${v}`);
  }
}
for (const id of byId.keys()) bad.push(`unexpected row ${id}`);
process.stdout.write(bad.join("; "));
' "$a" "$b" "$@") || bc_die "$what: could not compare JSON"
    [ -z "$diff" ] || bc_die "$what: $diff"
}
