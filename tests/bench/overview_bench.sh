#!/bin/bash
# overview_bench.sh - the Overview of issue 16 at a million users: bcadmin's numbers (core/stats
# through the SQLite driver's count ops, timed in process by bench_overview) against the sqlite3
# shell running the best SQL for the same numbers on the same file (bcadmin's indexes, the file
# memory-mapped, ISO dates only), in one run. Reports wall-clock medians and CPU time (user + sys
# per overview: on a shared machine CPU time is what a quiet one's wall time would be) and the
# ratio; then the paths a user takes, as whole processes: `bcadmin stats --json` (start, open,
# count, print) and the console from its start to the whole overview drawn (BCADMIN_START=overview
# under tmux, Q once no panel is filling in), CPU time medians. Rewrites the table in
# tests/bench/README.md.
#
# Usage: tests/bench/overview_bench.sh [--build DIR] [--db PATH] [--reps N] [--no-readme]
set -eu
root=$(cd "$(dirname "$0")/../.." && pwd)
export BC_TEST_NAME=overview_bench
. "$root/tests/peers/lib.sh"
build="$root/build" db="" reps=9 readme=1
while [ $# -gt 0 ]; do
    case $1 in
    --build) build=$2; shift ;;
    --db) db=$2; shift ;;
    --reps) reps=$2; shift ;;
    --no-readme) readme=0 ;;
    *) echo "usage: $0 [--build DIR] [--db PATH] [--reps N] [--no-readme]" >&2; exit 2 ;;
    esac
    shift
done
case $build in /*) ;; *) build="$root/$build" ;; esac
results="$root/tests/bench/results"
mkdir -p "$results"
db=${db:-$results/demo-1000000.db}
bench="$build/tests/bench/bench_overview"
bc_require_bcadmin "$build/tui/bcadmin"
[ -x "$bench" ] || bc_die "$bench is missing: ninja -C $build"
command -v sqlite3 >/dev/null || bc_die "the sqlite3 shell is not installed"
if [ ! -f "$db" ]; then
    bc_log "creating a demo database with 1,000,000 users in $db"
    "$BCADMIN" demo --db "$db" --users 1000000 --seed 1 >"$BC_TMP/demo.out" 2>&1 ||
        bc_die "bcadmin demo failed: $(cat "$BC_TMP/demo.out")"
fi
"$BCADMIN" --db "$db" db index >"$BC_TMP/index.out" 2>&1 || bc_die "db index: $(cat "$BC_TMP/index.out")"
q() { sqlite3 -readonly "$db" "$1"; }
n_users=$(q 'SELECT count(*) FROM "user"') n_sessions=$(q 'SELECT count(*) FROM session')
n_accounts=$(q 'SELECT count(*) FROM account')
load0=$(cut -d' ' -f1-3 /proc/loadavg)

# The shell's best SQL for the overview of DAYS days, at the current time.
shell_sql() {
    local days=$1 now day0 soon
    now=$(date -u +%Y-%m-%dT%H:%M:%S.000Z)
    soon=$(date -u -d '+7 days' +%Y-%m-%dT%H:%M:%S.000Z)
    day0=$(date -u -d "-$((days - 1)) days" +%Y-%m-%d)
    cat <<SQL
PRAGMA mmap_size = 1099511627776;
SELECT count(*) FROM "user";
SELECT count(*) FROM "user" WHERE emailVerified IS NOT 1;
SELECT role, count(*) FROM "user" GROUP BY role;
SELECT count(*) FROM "user" WHERE banned = 1 AND (banExpires IS NULL OR banExpires > '$now');
SELECT count(*) FROM "user" WHERE banned = 1 AND banExpires > '$now' AND banExpires <= '$soon';
SELECT substr(createdAt, 1, 10), count(*) FROM "user" WHERE createdAt >= '$day0' GROUP BY 1;
SELECT count(*) FROM session;
SELECT count(*) FROM session WHERE expiresAt > '$now';
SELECT impersonatedBy, count(*) FROM session WHERE impersonatedBy > '' AND +expiresAt > '$now' GROUP BY 1;
SELECT id, email FROM "user" WHERE id IN (SELECT impersonatedBy FROM session WHERE impersonatedBy > '' AND +expiresAt > '$now');
SELECT substr(createdAt, 1, 10), count(*) FROM session WHERE createdAt >= '$day0' GROUP BY 1;
SELECT count(*) FROM account;
SELECT providerId, count(*) FROM account GROUP BY providerId;
SQL
}

# shell_cpu SQL K: CPU ms (user + sys) of one run of SQL, from a process running it K times minus
# one running SELECT 1 K times.
cpu_of() { /usr/bin/time -f '%U %S' sqlite3 -readonly "$db" <"$1" >/dev/null 2>"$BC_TMP/time" && tail -1 "$BC_TMP/time"; }
shell_cpu() {
    local k=$2 i
    : >"$BC_TMP/batch.sql"; : >"$BC_TMP/base.sql"
    printf '.output /dev/null\n' >>"$BC_TMP/batch.sql"
    for ((i = 0; i < k; i++)); do printf '%s\n' "$1" >>"$BC_TMP/batch.sql"; echo 'SELECT 1;' >>"$BC_TMP/base.sql"; done
    read -r u1 s1 < <(cpu_of "$BC_TMP/batch.sql")
    read -r u0 s0 < <(cpu_of "$BC_TMP/base.sql")
    node -e "process.stdout.write(String(((($u1 + $s1) - ($u0 + $s0)) * 1000 / $k).toFixed(1)))"
}

# process_cpu CMD...: CPU ms (user + sys, 10 ms resolution) of one run of a whole process.
process_cpu() {
    /usr/bin/time -f '%U %S' -o "$BC_TMP/ptime" "$@" >/dev/null 2>&1 || bc_die "$* failed"
    read -r u s <"$BC_TMP/ptime"
    node -e "process.stdout.write(String(Math.round(($u + $s) * 1000)))"
}
median() { tr ' ' '\n' | sed '/^$/d' | sort -n | awk '{v[NR] = $1} END {print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2}'; }
# console_cpu: CPU ms of the console from its start to the whole overview drawn, then Q.
console_cpu() {
    local sock="bcadmin-bench-$$" i s
    rm -f "$BC_TMP/ctime"
    tmux -L "$sock" -f /dev/null new-session -d -x 120 -y 40 \
        "env -i PATH=/usr/bin:/bin HOME=$BC_TMP XDG_STATE_HOME=$BC_TMP/state LANG=C.UTF-8 TERM=tmux-256color BCADMIN_START=overview /usr/bin/time -f '%U %S' -o $BC_TMP/ctime $BCADMIN --read-only --db $db; sleep 30"
    for i in $(seq 1 600); do
        s=$(tmux -L "$sock" capture-pane -p 2>/dev/null || true)
        if printf '%s' "$s" | grep -q "Sign-ups per day" && ! printf '%s' "$s" | grep -q "filling in"; then
            break
        fi
        sleep 0.02
    done
    tmux -L "$sock" send-keys Q
    for i in $(seq 1 500); do [ -s "$BC_TMP/ctime" ] && break; sleep 0.02; done
    tmux -L "$sock" kill-server 2>/dev/null || true
    read -r u s <"$BC_TMP/ctime"
    node -e "process.stdout.write(String(Math.round(($u + $s) * 1000)))"
}

declare -A row
for days in 30 90; do
    bc_log "overview of $days days: bcadmin"
    "$bench" "$db" --reps "$reps" --days "$days" >"$BC_TMP/wall.json"
    BENCH_CPU=1 "$bench" "$db" --reps "$reps" --days "$days" >"$BC_TMP/cpu.json"
    sql=$(shell_sql "$days")
    bc_log "overview of $days days: sqlite3 shell"
    node "$root/tests/bench/sqlite_shell.mjs" "$db" "$reps" "$(node -e 'process.stdout.write(JSON.stringify({o: process.argv[1]}))' "$sql")" >"$BC_TMP/shell.json"
    row[$days]=$(node -e '
const [w, c, s] = process.argv.slice(1, 4).map((f) => JSON.parse(require("fs").readFileSync(f, "utf8")));
process.stdout.write(JSON.stringify({wall: w.overview_ms, users: w.users_panel_ms, cpu: c.overview_ms,
  users_cpu: c.users_panel_ms, shell: s.o.median_ms}));' "$BC_TMP/wall.json" "$BC_TMP/cpu.json" "$BC_TMP/shell.json")
    row[$days]=$(node -e 'const r = JSON.parse(process.argv[1]); r.shell_cpu = Number(process.argv[2]);
process.stdout.write(JSON.stringify(r));' "${row[$days]}" "$(shell_cpu "$sql" 5)")
    bc_log "overview of $days days: bcadmin stats --json, whole processes"
    runs=""
    for ((i = 0; i < 5; i++)); do
        runs="$runs $(process_cpu env XDG_STATE_HOME="$BC_TMP/state" "$BCADMIN" --read-only --db "$db" stats --json --days "$days")"
    done
    row[$days]=$(node -e 'const r = JSON.parse(process.argv[1]); r.stats_cpu = Number(process.argv[2]);
process.stdout.write(JSON.stringify(r));' "${row[$days]}" "$(echo "$runs" | median)")
done
bc_log "the console from its start to the whole overview drawn"
runs=""
for ((i = 0; i < 5; i++)); do runs="$runs $(console_cpu)"; done
console=$(echo "$runs" | median)
load1=$(cut -d' ' -f1-3 /proc/loadavg)

table=$(node -e '
const [r30, r90, meta] = process.argv.slice(1).map((x) => JSON.parse(x));
const f = (x) => (x >= 100 ? x.toFixed(0) : x.toFixed(1));
const lines = [];
lines.push(`Run of ${new Date().toISOString().replace(/\.\d+Z/, "Z")}: ${meta.users.toLocaleString("en")} users, ${meta.sessions.toLocaleString("en")} sessions, ${meta.accounts.toLocaleString("en")} accounts (demo-1000000, bcadmin\x27s indexes); ${meta.reps} repetitions, medians; load average before / after: ${meta.load0} / ${meta.load1}.`);
lines.push("");
lines.push("| overview | bcadmin wall ms | sqlite3 shell wall ms | bcadmin / shell | bcadmin CPU ms | shell CPU ms | bcadmin / shell (CPU) | users panel (first on screen) wall / CPU ms | `bcadmin stats --json` process CPU ms |");
lines.push("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
for (const [d, r] of [[30, r30], [90, r90]])
  lines.push(`| ${d} days | ${f(r.wall)} | ${f(r.shell)} | ${(r.wall / r.shell).toFixed(2)}× | ${f(r.cpu)} | ${f(r.shell_cpu)} | ${(r.cpu / r.shell_cpu).toFixed(2)}× | ${f(r.users)} / ${f(r.users_cpu)} | ${f(r.stats_cpu)} |`);
lines.push("");
lines.push(`The console from its start to the whole overview drawn (30 days, every panel in): ${meta.console} ms of CPU (median of 5 processes; 10 ms resolution).`);
process.stdout.write(lines.join("\n"));' "${row[30]}" "${row[90]}" \
    "{\"users\":$n_users,\"sessions\":$n_sessions,\"accounts\":$n_accounts,\"reps\":$reps,\"load0\":\"$load0\",\"load1\":\"$load1\",\"console\":$console}")
echo "$table"
if [ "$readme" = 1 ]; then
    node -e '
const fs = require("fs"), [file, table] = process.argv.slice(1);
const t = fs.readFileSync(file, "utf8");
const re = /<!-- bench:overview:begin -->[\s\S]*<!-- bench:overview:end -->/;
if (!re.test(t)) { console.error("no bench:overview markers in " + file); process.exit(1); }
fs.writeFileSync(file, t.replace(re, "<!-- bench:overview:begin -->\n" + table + "\n<!-- bench:overview:end -->"));' \
        "$root/tests/bench/README.md" "$table"
fi
