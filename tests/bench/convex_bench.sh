#!/bin/bash
# convex_bench.sh - round trips per operation on Convex as an operator feels them (issue 11), run
# by hand, not by `meson test`. Every operation is the real bcadmin binary as a whole process, by
# email, against the Convex test deployment, once with no added latency and once with LATENCY ms
# added to every request: rounds = (t_LATENCY - t_0) / LATENCY is the number of requests that
# waited on the network one after another (the process's own work cancels out). Beside each: the
# goal of issue 11 and a naive client's sequential calls (one function call at a time, the
# obvious calls for the operation: its rounds are its calls). Then export (--all --json) and a
# substring search over 10,000 and 50,000 seeded users: rows per second at LATENCY and rounds.
# The console's open-user is measured through bc-convex-tool `show ID`, which runs the same core
# call the console runs (bc_users_detail), by the driver's own round count.
#
# Usage: tests/bench/convex_bench.sh [--build DIR] [--latency MS] [--sizes "10000 50000"]
# Prints a Markdown table; run it with `nice` on a shared machine.
set -eu
root=$(cd "$(dirname "$0")/../.." && pwd)
build="$root/build" latency=300 sizes="10000 50000"
while [ $# -gt 0 ]; do
    case $1 in
    --build) build=$2; shift ;;
    --latency) latency=$2; shift ;;
    --sizes) sizes=$2; shift ;;
    *) echo "usage: $0 [--build DIR] [--latency MS] [--sizes \"N ...\"]" >&2; exit 2 ;;
    esac
    shift
done
bcadmin="$build/tui/bcadmin" tool="$build/tests/bc-convex-tool"
[ -x "$bcadmin" ] && [ -x "$tool" ] || { echo "build first ($bcadmin, $tool)" >&2; exit 1; }
tmp=$(mktemp -d /tmp/bcadmin-convex-bench.XXXXXX)
KEY='convex-self-hosted|bench0123456789'
pid=""
start() {
    [ -n "$pid" ] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null || true
    node --max-old-space-size=4096 "$root/tests/peers/convex-deployment/server.mjs" --admin-key "$KEY" \
        >"$tmp/out" 2>"$tmp/err" &
    pid=$!
    for _ in $(seq 1 1200); do grep -q '^PORT ' "$tmp/out" 2>/dev/null && break; sleep 0.1; done
    CX="http://127.0.0.1:$(awk '/^PORT /{print $2}' "$tmp/out")"
}
trap '[ -n "$pid" ] && kill $pid 2>/dev/null; rm -rf "$tmp"' EXIT
ctl() { curl -sS -X "$1" "$CX$2" -H 'content-type: application/json' ${3:+-d "$3"}; }
now_ms() { date +%s%3N; }
export XDG_STATE_HOME="$tmp/state" BCADMIN_AS=user00001@example.com
bc() { "$bcadmin" --url "$CX" --admin-key "$KEY" "$@"; }
lat() { ctl POST /__test/latency "{\"ms\":$1}" >/dev/null; }
RUNS=${RUNS:-3} # timings per latency: the median is reported (the machine may be shared)
# timed MS RESET CMD...: the median wall ms of RUNS runs of CMD with MS of latency per request,
# RESET before each; the deployment's stats of the last run are left in $tmp/stats
timed() {
    local ms=$1 reset=$2 t0 i all=""
    shift 2
    lat "$ms"
    for i in $(seq 1 "$RUNS"); do
        $reset
        ctl POST /__test/stats/reset >/dev/null
        t0=$(now_ms)
        "$@" >"$tmp/last" 2>&1 || true
        all="$all $(($(now_ms) - t0))"
        ctl GET /__test/stats >"$tmp/stats"
    done
    lat 0
    echo $all | tr ' ' '\n' | sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'
}
# rounds T0 T1: rounds to one decimal
rounds() { awk -v a="$1" -v b="$2" -v l="$latency" 'BEGIN { printf "%.1f", (b - a) / l }'; }
# stat FIELD: from the last run's deployment stats (rounds: requests that found none in flight)
stat() { node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>console.log(JSON.parse(s)[process.argv[1]]))' "$1" <"$tmp/stats"; }
# measure NAME RESET CMD...: RESET (a shell function, may be :) runs before each timing
# -> NAME|t_0|t_L|rounds by time|rounds the deployment counted|requests|TCP connections
measure() {
    local name=$1 reset=$2 a b
    shift 2
    a=$(timed 0 "$reset" "$@")
    b=$(timed "$latency" "$reset" "$@")
    echo "$name|$a|$b|$(rounds "$a" "$b")|$(stat rounds)|$(stat requests)|$(( $(stat connections) - 1 ))"
}

start
ctl POST /__test/seed '{"users":1111,"sessionsPerUser":1}' >/dev/null # 1,000 active, less the admin
bc users list --limit 5 >/dev/null                                     # warm convex-test up
open_ok() { :; }
unban_one() { bc users unban user00007@example.com >/dev/null 2>&1 || true; }
reset_bulk() {
    bc --yes users unban --banned >/dev/null 2>&1 || true
    bc --yes users ban --search 0@example.com >/dev/null 2>&1 || true # the seed's every 10th
}
rows=()
rows+=("$(measure "users list --limit 1 (a new process, layout cached)" open_ok bc users list --limit 1)")
rows+=("$(measure "users show EMAIL" open_ok bc users show user00005@example.com)")
rows+=("$(measure "users ban EMAIL (--as ADMIN by BCADMIN_AS)" unban_one bc users ban user00007@example.com)")
rows+=("$(measure "jwks doctor" open_ok bc jwks doctor)")
rows+=("$(measure "bulk ban of 1,000 (users ban --active --yes)" reset_bulk bc --yes users ban --active)")
bulk_out=$(cat "$tmp/last")
uid=$(bc users show user00009@example.com --json | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>console.log(JSON.parse(s).user.id))')
lat "$latency"
console_rounds=$("$tool" --url "$CX" --admin-key "$KEY" show "$uid" | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>console.log(JSON.parse(s).roundTrips))')
lat 0
ctl POST /__test/seed '{"users":4889,"offset":20000,"sessionsPerUser":0,"accounts":false}' >/dev/null
rows+=("$(measure "users list --all --json, 6,000 users" open_ok bc users list --all --json)")

# The naive client: one call at a time (node fetch, kept-alive), the obvious calls.
naive=$(CX=$CX KEY=$KEY node --input-type=module -e '
const call = async (path, args) => {
  const r = await fetch(process.env.CX + "/api/function", {method: "POST",
    headers: {"content-type": "application/json", authorization: "Convex " + process.env.KEY},
    body: JSON.stringify({path, args, format: "convex_encoded_json"})});
  const j = await r.json(); if (j.status !== "success") throw new Error(path + ": " + j.errorMessage);
  return j.value;
};
const page = (model, where, n, cursor = null) => call("auth:findMany", {model, ...(where ? {where} : {}), paginationOpts: {numItems: n, cursor}});
let calls = 0; const counted = (f) => async (...a) => { calls++; return f(...a); };
const c = counted(call), p = counted(page);
const out = {};
const run = async (name, f) => { calls = 0; await f(); out[name] = calls; };
await run("show", async () => {
  const u = (await p("user", [{field: "email", value: "user00005@example.com"}], 1)).page[0];
  await p("session", [{field: "userId", value: u._id}], 100);
  await p("account", [{field: "userId", value: u._id}], 100); });
await run("ban", async () => {
  const u = (await p("user", [{field: "email", value: "user00003@example.com"}], 1)).page[0];
  await c("auth:updateOne", {input: {model: "user", where: [{field: "_id", value: u._id}], update: {banned: true}}});
  const s = await p("session", [{field: "userId", value: u._id}], 100);
  for (const row of s.page) await c("auth:deleteOne", {input: {model: "session", where: [{field: "_id", value: row._id}]}});
  await p("user", [{field: "_id", value: u._id}], 1); });
await run("doctor", async () => { calls++; await p("jwks", null, 100); });
await run("all", async () => { let cur = null, done = false;
  while (!done) { const r = await p("user", null, 50, cur); cur = r.continueCursor; done = r.isDone; } });
console.log(JSON.stringify(out));
')
nj() { echo "$naive" | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>console.log(JSON.parse(s)['"\"$1\""']))'; }

big=()
for n in $sizes; do
    start
    t0=$(now_ms)
    off=0
    while [ "$off" -lt "$n" ]; do # seed in slices: one request per 5,000 users
        step=$((n - off < 5000 ? n - off : 5000))
        ctl POST /__test/seed "{\"users\":$step,\"offset\":$off,\"sessionsPerUser\":0,\"accounts\":false}" >/dev/null
        off=$((off + step))
    done
    seed_s=$(( ($(now_ms) - t0) / 1000 ))
    bc users list --limit 5 >/dev/null
    e=$(measure "export" open_ok bc users list --all --json)
    exported=$(tail -c 200 "$tmp/last" | sed -n 's/.*"total":\([0-9]*\).*/\1/p')
    s=$(measure "search" open_ok bc users list --search "user0$((n / 20000))999" --all --json)
    IFS='|' read -r _ ea eb er ec eq en <<<"$e"
    IFS='|' read -r _ sa sb sr sc sq sn <<<"$s"
    big+=("| export, $n users (--all --json: $exported rows) | $er | $ec | $eq | $en | $((n * 1000 / eb)) | $ea / $eb |")
    big+=("| substring search over $n users (--search, --all) | $sr | $sc | $sq | $sn | $((n * 1000 / sb)) | $sa / $sb |")
    echo "seeded $n in ${seed_s}s" >&2
done

cat <<EOF
Latency added per request: ${latency} ms; times are medians of ${RUNS} runs; load average at the
end: $(cut -d' ' -f1-3 /proc/loadavg). bcadmin: the real binary as a whole process, by email;
rounds = (t_${latency} − t_0) / ${latency}, and beside it the rounds the deployment counted
(requests that found none in flight), the requests and the TCP connections (the stats read
left out); the function layout is cached in the state database by
the first process (issue 10), so these send no probe. The ban and the bulk ban run with
BCADMIN_AS (one lookup of the acting admin, included). Naive: one function call at a time; its
rounds are its calls. Bulk output: ${bulk_out}

| operation | goal (issue 11) | bcadmin rounds (Δt) | rounds counted | requests | connections | naive rounds | t_0 / t_${latency} ms |
| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |
EOF
goal() {
    case $1 in
    "users list --limit 1"*) echo "1 (0 for detection)" ;; "users show"*) echo "≤ 2" ;; "users ban"*) echo "≤ 2" ;;
    "jwks"*) echo 1 ;; bulk*) echo "≤ 4" ;; *6,000*) echo "≤ 8" ;; *) echo "" ;;
    esac
}
naive_of() {
    case $1 in
    *6,000*) echo "120 (pages of 50)" ;; "users list"*) echo 2 ;; "users show"*) nj show ;;
    "users ban"*) nj ban ;; "jwks"*) nj doctor ;;
    bulk*) echo "≈ 3,000 (3 per user)" ;; *) echo "" ;;
    esac
}
for r in "${rows[@]}"; do
    IFS='|' read -r name a b rd rc rq rn <<<"$r"
    echo "| $name | $(goal "$name") | $rd | $rc | $rq | $rn | $(naive_of "$name") | $a / $b |"
done
echo "| console: open a user (bc_users_detail by id, driver's count) | 1 | | $console_rounds | 3 | | 3 | |"
echo
echo "| large read | rounds (Δt) | rounds counted | requests | connections | rows/s at ${latency} ms | t_0 / t_${latency} ms |"
echo "| --- | ---: | ---: | ---: | ---: | ---: | ---: |"
printf '%s\n' "${big[@]}"
