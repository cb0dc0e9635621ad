#!/bin/bash
# convex_bench.sh - the Convex driver benchmark of issue 5 (run by hand, not by `meson test`):
# with 50 ms of latency added to every request of the Convex test deployment, round trips and wall
# time of bcadmin's driver (through bc-convex-tool, which runs driver.h) for: first users page,
# next page, user detail, a ban, a bulk ban of 1,000 users; beside a naive client making one
# function call at a time over a kept-alive connection (node fetch). Prints a Markdown table.
#
# Usage: tests/bench/convex_bench.sh [--build DIR] [--latency MS] [--naive-bulk N]
#   --naive-bulk N  users the naive bulk ban really runs on (default 100; its time is scaled to
#                   1,000, since 2,000 sequential calls at 50 ms take close to two minutes)
# Wall times include one process start; the driver's open (one probe round trip) is measured
# alone (`which`) and subtracted.
set -eu
root=$(cd "$(dirname "$0")/../.." && pwd)
build="$root/build" latency=50 naive_bulk=100
while [ $# -gt 0 ]; do
    case $1 in
    --build) build=$2; shift ;;
    --latency) latency=$2; shift ;;
    --naive-bulk) naive_bulk=$2; shift ;;
    *) echo "usage: $0 [--build DIR] [--latency MS] [--naive-bulk N]" >&2; exit 2 ;;
    esac
    shift
done
tool="$build/tests/bc-convex-tool"
[ -x "$tool" ] || { echo "no $tool: build first" >&2; exit 1; }
tmp=$(mktemp -d /tmp/bcadmin-convex-bench.XXXXXX)
KEY='convex-self-hosted|bench0123456789'
node "$root/tests/peers/convex-deployment/server.mjs" --admin-key "$KEY" >"$tmp/out" 2>"$tmp/err" &
pid=$!
trap 'kill $pid 2>/dev/null; rm -rf "$tmp"' EXIT
for _ in $(seq 1 600); do grep -q '^PORT ' "$tmp/out" && break; sleep 0.1; done
CX="http://127.0.0.1:$(awk '/^PORT /{print $2}' "$tmp/out")"
export CONVEX_SELF_HOSTED_URL=$CX CONVEX_SELF_HOSTED_ADMIN_KEY=$KEY
ctl() { curl -sS -X "$1" "$CX$2" -H 'content-type: application/json' ${3:+-d "$3"}; }
requests() { ctl GET /__test/stats | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>console.log(JSON.parse(s).requests))'; }
now_ms() { date +%s%3N; }
jget() { node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>{const j=JSON.parse(s);console.log(eval(process.argv[1]))})' "$1"; }

ctl POST /__test/seed '{"users":1500,"sessionsPerUser":1}' >/dev/null
ctl POST /__test/latency "{\"ms\":$latency}" >/dev/null

# run NAME CMD...: wall ms (minus the open) and requests beyond the open's probe
open_ms=0
run() {
    local name=$1 before t0 t1 after
    shift
    before=$(requests)
    t0=$(now_ms)
    "$tool" "$@" >"$tmp/$name.json"
    t1=$(now_ms)
    after=$(requests)
    echo "$name $(((t1 - t0) - open_ms)) $((after - before - 1 - 1))" # - probe - the stats GET
}
# the deployment's first calls warm convex-test up: open a few times, keep the fastest
"$tool" users --limit 50 >/dev/null
best=999999
for _ in 1 2 3; do
    read -r _ o _ < <(run open which)
    [ "$o" -lt "$best" ] && best=$o
done
open_ms=$best
read -r _ first_ms first_rt < <(run first users --limit 50)
cursor=$(jget 'j.next' <"$tmp/first.json")
read -r _ next_ms next_rt < <(run next users --limit 50 --cursor "$cursor")
id=$(jget 'j.rows[2].id' <"$tmp/first.json")
read -r _ show_ms show_rt < <(run show show "$id")
show_seq=$(jget 'j.roundTrips' <"$tmp/show.json")
id2=$(jget 'j.rows.filter(r => !r.banned)[5].id' <"$tmp/first.json")
read -r _ ban_ms ban_rt < <(run ban ban "$id2")
ban_seq=$(jget 'j.roundTrips' <"$tmp/ban.json")
read -r _ bulk_ms bulk_rt < <(run bulk bulk-ban 1000)
bulk_seq=$(jget 'j.roundTrips' <"$tmp/bulk.json")
bulk_changed=$(jget 'j.changed' <"$tmp/bulk.json")

# The naive client: one call at a time, the obvious calls for each operation.
naive=$(CX=$CX KEY=$KEY N=$naive_bulk node --input-type=module -e '
const call = async (path, args) => {
  const r = await fetch(process.env.CX + "/api/function", {method: "POST",
    headers: {"content-type": "application/json", authorization: "Convex " + process.env.KEY},
    body: JSON.stringify({path, args, format: "convex_encoded_json"})});
  const j = await r.json(); if (j.status !== "success") throw new Error(path + ": " + j.errorMessage);
  return j.value;
};
const page = (model, extra, n, cursor = null) => call("auth:findMany", {model, ...extra, paginationOpts: {numItems: n, cursor}});
const time = async (f) => { const t = performance.now(); const calls = await f(); return [Math.round(performance.now() - t), calls]; };
const out = {};
let first;
out.first = await time(async () => { first = await page("user", {sortBy: {field: "createdAt", direction: "desc"}}, 50); return 1; });
out.next = await time(async () => { await page("user", {sortBy: {field: "createdAt", direction: "desc"}}, 50, first.continueCursor); return 1; });
const users = (await page("user", {}, 1200)).page.filter(u => !u.banned);
const id = users[5]._id;
out.show = await time(async () => {
  await call("auth:findOne", {model: "user", where: [{field: "_id", value: id}]});
  await page("session", {where: [{field: "userId", value: id}]}, 100);
  await page("account", {where: [{field: "userId", value: id}]}, 100);
  return 3; });
const banOne = async (uid) => {
  await call("auth:updateOne", {input: {model: "user", where: [{field: "_id", value: uid}], update: {banned: true, banReason: "bench"}}});
  const s = await page("session", {where: [{field: "userId", value: uid}]}, 100);
  for (const row of s.page) await call("auth:deleteOne", {input: {model: "session", where: [{field: "_id", value: row._id}]}});
  return 2 + s.page.length; };
out.ban = await time(() => banOne(users[6]._id));
const n = Number(process.env.N);
out.bulk = await time(async () => { let c = 0; for (const u of users.slice(10, 10 + n)) c += await banOne(u._id); return c; });
console.log(JSON.stringify(out));
')
nj() { echo "$naive" | jget "$1"; }
nb_ms=$(nj "j.bulk[0]") nb_calls=$(nj "j.bulk[1]")
scale() { echo $(( $1 * 1000 / naive_bulk )); }

cat <<EOF2
Latency added per request: ${latency} ms. bcadmin: bc-convex-tool through driver.h (process start
included, the driver's open of ${open_ms} ms subtracted). Naive: one call at a time (node fetch,
kept-alive). Sequential round trips: bcadmin's own count (bc_convex_driver_round_trips; a
concurrent batch counts once); requests: what the deployment saw (GET /__test/stats).

| operation | bcadmin sequential round trips | bcadmin requests | bcadmin wall ms | naive calls (all sequential) | naive wall ms |
| --- | ---: | ---: | ---: | ---: | ---: |
| first users page (50) | ${first_rt} (requests) | ${first_rt} | ${first_ms} | $(nj "j.first[1]") | $(nj "j.first[0]") |
| next page (50) | ${next_rt} (requests) | ${next_rt} | ${next_ms} | $(nj "j.next[1]") | $(nj "j.next[0]") |
| user detail (user, sessions, accounts) | ${show_seq} | ${show_rt} | ${show_ms} | $(nj "j.show[1]") | $(nj "j.show[0]") |
| ban (user + its sessions) | ${ban_seq} | ${ban_rt} | ${ban_ms} | $(nj "j.ban[1]") | $(nj "j.ban[0]") |
| bulk ban of 1,000 users (${bulk_changed} changed) | ${bulk_seq} | ${bulk_rt} | ${bulk_ms} | $(scale "$nb_calls") (${nb_calls} for ${naive_bulk}) | $(scale "$nb_ms") (${nb_ms} for ${naive_bulk}, scaled) |
EOF2
