#!/bin/bash
# run.sh - the users benchmark of issue 2: bcadmin in process vs the REAL Better Auth 1.4.9
# server's GET /api/auth/admin/list-users vs the sqlite3 shell, on one demo database with
# 1,000,000 users, in one run. Writes tests/bench/results/latest.json and regenerates the table
# in tests/bench/README.md.
#
# Usage: tests/bench/run.sh [--build DIR] [--db PATH] [--users N] [--reps N] [--fresh]
#   --build DIR   meson build dir with bcadmin and bench_users (default: build)
#   --db PATH     demo database to use or create (default: tests/bench/results/demo-<N>.db)
#   --users N     users in the demo database (default 1000000)
#   --reps N      timed repetitions per operation (default 9; medians are reported)
#   --fresh       recreate the demo database even if it exists
#   --no-readme   do not rewrite README.md (results/latest.json only)
set -eu
root=$(cd "$(dirname "$0")/../.." && pwd)
export BC_TEST_NAME=bench
. "$root/tests/peers/lib.sh"

build="$root/build" db="" users=1000000 reps=9 fresh=0 readme=1
while [ $# -gt 0 ]; do
    case $1 in
    --build) build=$2; shift ;;
    --db) db=$2; shift ;;
    --users) users=$2; shift ;;
    --reps) reps=$2; shift ;;
    --fresh) fresh=1 ;;
    --no-readme) readme=0 ;;
    *) echo "usage: $0 [--build DIR] [--db PATH] [--users N] [--reps N] [--fresh] [--no-readme]" >&2; exit 2 ;;
    esac
    shift
done
case $build in /*) ;; *) build="$root/$build" ;; esac
results="$root/tests/bench/results"
mkdir -p "$results"
db=${db:-$results/demo-$users.db}
bench_dir="$root/tests/bench"

bc_require_peers
bc_require_bcadmin "$build/tui/bcadmin"
bench_users="$build/tests/bench/bench_users"
[ -x "$bench_users" ] || bc_die "$bench_users is missing: configure with -Dbench=true and run ninja -C $build"
command -v sqlite3 >/dev/null || bc_die "the sqlite3 shell is not installed (apt-get install sqlite3)"

# --- the database -----------------------------------------------------------------------------
demo_s=null
if [ "$fresh" = 1 ] || [ ! -f "$db" ]; then
    rm -f "$db" "$db-wal" "$db-shm"
    bc_log "creating a demo database with $users users in $db"
    t0=$(date +%s%N)
    "$BCADMIN" demo --db "$db" --users "$users" --seed 1 >"$BC_TMP/demo.out" 2>&1 ||
        bc_die "bcadmin demo failed: $(cat "$BC_TMP/demo.out")"
    demo_s=$(( ($(date +%s%N) - t0) / 1000000 ))
    demo_s=$(node -e "process.stdout.write(String($demo_s / 1000))")
fi
# A database kept from an older run may lack indexes added to assets/browse-indexes.sql since:
# add them (idempotent), so every run measures the indexes `bcadmin demo` creates today.
"$BCADMIN" --db "$db" db index >"$BC_TMP/index.out" 2>&1 ||
    bc_die "bcadmin db index failed: $(cat "$BC_TMP/index.out")"
q() { sqlite3 -readonly "$db" "$1"; }
n_users=$(q 'SELECT count(*) FROM "user"')
n_sessions=$(q 'SELECT count(*) FROM session')
bc_log "$n_users users, $n_sessions sessions in $db"

# --- the same queries for everyone ------------------------------------------------------------
limit=50
deep=$(( n_users / 2 ))
now=$(node -e 'process.stdout.write(new Date().toISOString())')
# A three-letter prefix a person would type: the start of the median email.
prefix=$(q "SELECT substr(email, 1, 3) FROM \"user\" ORDER BY email LIMIT 1 OFFSET $(( n_users / 2 ))")
# Four ASCII letters from inside a real name ("Alice" -> "lice"), as a person searching would.
substring=$(q "SELECT lower(substr(name, 2, 4)) FROM \"user\" WHERE name GLOB '[A-Za-z][a-z][a-z][a-z][a-z]*' LIMIT 1 OFFSET 1000")
# A user with sessions, for the detail screen.
user_id=$(q "SELECT userId FROM session WHERE rowid >= (SELECT max(rowid) / 2 FROM session) LIMIT 1")
# Where the deep page starts, for the shell's keyset query (bcadmin walks its own cursors there).
boundary=$(q "SELECT createdAt || '|' || id FROM \"user\" ORDER BY createdAt DESC, id DESC LIMIT 1 OFFSET $(( deep - 1 ))")
b_created=${boundary%%|*} b_id=${boundary#*|}
bc_log "prefix '$prefix', substring '$substring', detail user $user_id, deep page at row $deep"

sql_quote() { printf "'%s'" "${1//\'/\'\'}"; }
order="ORDER BY createdAt DESC, id DESC LIMIT $limit"
prefix_end=$(node -e 'const p = process.argv[1]; process.stdout.write(p.slice(0, -1) + String.fromCharCode(p.charCodeAt(p.length - 1) + 1))' "$prefix")
w_prefix="email >= $(sql_quote "$prefix") AND email < $(sql_quote "$prefix_end")"
w_substr="email LIKE $(sql_quote "%$substring%") OR name LIKE $(sql_quote "%$substring%")"
# With bcadmin's search index in the file (`db index` above adds it), the shell's best SQL reads
# the candidates of every trigram of the needle from it and checks them with the same LIKEs.
if [ "$(q "SELECT count(*) FROM sqlite_schema WHERE name IN ('bcadmin_user_search', 'bcadmin_user_search_doc')")" = 2 ]; then
    match=$(node -e 'const s = process.argv[1].toLowerCase(), t = [];
for (let i = 0; i + 3 <= s.length; i++) t.push(`"${s.slice(i, i + 3).replace(/"/g, `""`)}"`);
process.stdout.write(t.join(" AND "))' "$substring")
    w_substr="id IN (SELECT id FROM bcadmin_user_search_doc WHERE docid IN (SELECT rowid FROM bcadmin_user_search WHERE bcadmin_user_search MATCH $(sql_quote "$match"))) AND ($w_substr)"
fi
w_banned="banned = 1 AND (banExpires IS NULL OR banExpires > $(sql_quote "$now"))"
w_deep="(createdAt, id) < ($(sql_quote "$b_created"), $(sql_quote "$b_id"))"
uq=$(sql_quote "$user_id")

shell_spec=$(json_obj \
    first_page "SELECT count(*) FROM \"user\"; SELECT * FROM \"user\" $order" \
    deep_page "SELECT count(*) FROM \"user\"; SELECT * FROM \"user\" WHERE $w_deep $order" \
    deep_page_offset "SELECT count(*) FROM \"user\"; SELECT * FROM \"user\" $order OFFSET $deep" \
    prefix "SELECT count(*) FROM \"user\" WHERE $w_prefix; SELECT * FROM \"user\" WHERE $w_prefix $order" \
    substring "SELECT count(*) FROM \"user\" WHERE $w_substr; SELECT * FROM \"user\" WHERE $w_substr $order" \
    banned "SELECT count(*) FROM \"user\" WHERE $w_banned; SELECT * FROM \"user\" WHERE $w_banned $order" \
    detail "SELECT * FROM \"user\" WHERE id = $uq; SELECT * FROM session WHERE userId = $uq; SELECT * FROM account WHERE userId = $uq")

lu="/admin/list-users?limit=$limit&sortBy=createdAt&sortDirection=desc"
server_spec=$(node -e '
const [lu, deep, prefix, substring, user] = process.argv.slice(1);
const e = encodeURIComponent;
const get = (path) => [{ method: "GET", path }];
process.stdout.write(JSON.stringify({
  first_page: get(lu),
  deep_page: get(`${lu}&offset=${deep}`),
  prefix: get(`${lu}&searchField=email&searchOperator=starts_with&searchValue=${e(prefix)}`),
  substring: get(`${lu}&searchField=email&searchOperator=contains&searchValue=${e(substring)}`),
  substring_name: get(`${lu}&searchField=name&searchOperator=contains&searchValue=${e(substring)}`),
  banned: get(`${lu}&filterField=banned&filterValue=1&filterOperator=eq`),
  detail: [{ method: "GET", path: `/admin/get-user?id=${e(user)}` },
           { method: "POST", path: "/admin/list-user-sessions", body: { userId: user } }],
}));' "$lu" "$deep" "$prefix" "$substring" "$user_id")

load_before=$(cut -d' ' -f1-3 /proc/loadavg)

# --- (a) bcadmin in process -------------------------------------------------------------------
bc_log "bcadmin in process (bench_users)"
"$bench_users" "$db" --user "$user_id" --reps "$reps" --deep "$deep" --prefix "$prefix" \
    --substring "$substring" --limit "$limit" >"$BC_TMP/bcadmin.json"

# The CLI as a whole process: first page as JSON, and the streaming export of every user with
# its peak memory (constant-memory claim of `users list --all`).
cli_ms=$(node -e '
const { spawnSync } = require("child_process");
const [bin, db, reps] = process.argv.slice(1);
const ms = [];
for (let i = -1; i < Number(reps); i++) {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(bin, ["--db", db, "users", "list", "--json"], { encoding: "utf8" });
  if (r.status !== 0) { console.error(r.stderr); process.exit(1); }
  if (i >= 0) ms.push(Number(process.hrtime.bigint() - t0) / 1e6);
}
ms.sort((a, b) => a - b);
process.stdout.write(String(ms[ms.length >> 1]));' "$BCADMIN" "$db" "$reps")
bc_log "bcadmin users list --all --json (export of every user)"
export_json=$(python3 -c '
import json, resource, subprocess, sys, time
t0 = time.monotonic()
with open(sys.argv[3], "wb") as out:
    subprocess.run([sys.argv[1], "--db", sys.argv[2], "users", "list", "--all", "--json"], stdout=out, check=True)
s = time.monotonic() - t0
print(json.dumps({"seconds": round(s, 2), "maxrss_kb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss}))
' "$BCADMIN" "$db" "$BC_TMP/export.json")
exported=$(node -e '
const s = require("fs").readFileSync(process.argv[1], "utf8");
let n = 0; for (const l of s.split("\n")) if (l.trim()) { try { const j = JSON.parse(l); n += Array.isArray(j.users) ? j.users.length : 1; } catch { n = -1; break; } }
if (n < 0) { const j = JSON.parse(s); n = Array.isArray(j.users) ? j.users.length : (Array.isArray(j) ? j.length : -1); }
process.stdout.write(String(n));' "$BC_TMP/export.json" 2>/dev/null || echo -1)
rm -f "$BC_TMP/export.json"

# --- (c) the sqlite3 shell --------------------------------------------------------------------
bc_log "sqlite3 shell"
node "$bench_dir/sqlite_shell.mjs" "$db" "$reps" "$shell_spec" >"$BC_TMP/shell.json"

# --- (b) the real Better Auth server ----------------------------------------------------------
bc_log "Better Auth $(json_get .version <"$BC_PEERS_DIR/node_modules/better-auth/package.json") server"
ba_start "$db"
token=$(ba_sign_in admin@demo.bcadmin.test demo-password-123)
node "$bench_dir/ba_client.mjs" "$BA_URL" "$token" "$reps" "$server_spec" >"$BC_TMP/server.json"
server_rss=$(awk '/^VmHWM/ {print $2}' "/proc/$BA_PID/status")
ba_stop

# --- results ----------------------------------------------------------------------------------
node -e '
const fs = require("fs");
const [tmp, out, ...kv] = process.argv.slice(1);
const meta = {};
for (let i = 0; i + 1 < kv.length; i += 2) meta[kv[i]] = kv[i + 1];
const rd = (f) => JSON.parse(fs.readFileSync(`${tmp}/${f}.json`, "utf8"));
const r = { meta, bcadmin: rd("bcadmin"), shell: rd("shell"), server: rd("server") };
fs.writeFileSync(out, JSON.stringify(r, null, 1) + "\n");
' "$BC_TMP" "$results/latest.json" \
    date "$(date -u +%Y-%m-%dT%H:%M:%SZ)" loadavg "$load_before / $(cut -d' ' -f1-3 /proc/loadavg)" host "$(uname -srm), $(nproc) cores" \
    cpu "$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1)" \
    sqlite "$(sqlite3 --version | cut -d' ' -f1)" node "$(node --version)" \
    db "$db" users "$n_users" sessions "$n_sessions" reps "$reps" limit "$limit" \
    deep "$deep" prefix "$prefix" substring "$substring" user_id "$user_id" now "$now" \
    demo_seconds "$demo_s" cli_first_page_ms "$cli_ms" export "$export_json" \
    exported_rows "$exported" server_vmhwm_kb "$server_rss"
if [ "$readme" = 1 ]; then
    node "$bench_dir/report.mjs" "$results/latest.json" "$bench_dir/README.md"
else
    node "$bench_dir/report.mjs" "$results/latest.json"
fi
