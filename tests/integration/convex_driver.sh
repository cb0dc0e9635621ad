#!/usr/bin/env bash
# The Convex driver against the Convex test deployment (real better-convex 0.6.4 createApi under
# convex-test), for each function layout: the real bcadmin binary for reads (users list / show,
# sessions list, search, filters, cursors both ways, errors) and bc-convex-tool (the driver
# through driver.h) for writes, faults and round trips; every injected fault kind on a write
# through the bcadmin CLI (message, nothing reported as done, audit entry failed).
# Usage: convex_driver.sh BCADMIN BC_CONVEX_TOOL
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
peers="$here/../peers"
bcadmin=$1
tool=$2
[ -d "$peers/node_modules/convex-test" ] || { echo "SKIP: npm packages missing in tests/peers"; exit 77; }

tmp=$(mktemp -d)
pid=""
stop() { [ -n "$pid" ] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null; pid=""; }
trap 'stop; rm -rf "$tmp"' EXIT
trap 'exit 1' INT TERM
export XDG_STATE_HOME="$tmp/state" # bcadmin's state (and its layout cache) is this test's own

KEY='convex-self-hosted|0123456789abcdef'
start() { # LAYOUT
    stop
    node "$peers/convex-deployment/server.mjs" --admin-key "$KEY" --layout "$1" >"$tmp/out" 2>"$tmp/err" &
    pid=$!
    for _ in $(seq 1 1200); do
        grep -q '^PORT ' "$tmp/out" 2>/dev/null && break
        kill -0 "$pid" 2>/dev/null || { cat "$tmp/err"; echo "server died"; exit 1; }
        sleep 0.1
    done
    grep -q '^PORT ' "$tmp/out" || { cat "$tmp/err"; echo "server printed no port within 120 s"; exit 1; }
    base="http://127.0.0.1:$(awk '/^PORT /{print $2}' "$tmp/out")"
}

failures=0
ok() { echo "ok - $1"; }
bad() { echo "not ok - $1"; failures=$((failures + 1)); }
check() { if [ "$2" == "$3" ]; then ok "$1"; else bad "$1: got [$2], want [$3]"; fi; }
contains() { if [[ "$2" == *"$3"* ]]; then ok "$1"; else bad "$1: [$2] lacks [$3]"; fi; }
js() { # EXPR over v = JSON on stdin
    node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>{const v=JSON.parse(s);
             const r=('"$1"');console.log(typeof r==="string"?r:JSON.stringify(r))})' "${@:2}"
}
ctl() { curl -sS -X "$1" "$base$2" -H 'content-type: application/json' ${3:+-d "$3"}; }
bc() { "$bcadmin" --url "$base" --admin-key "$KEY" "$@"; }
tl() { "$tool" --url "$base" --admin-key "$KEY" "$@"; }
emails() { js 'v.users.map(u=>u.email.slice(4,9)).join(" ")'; }

for layout in root generated component; do
    echo "# layout $layout"
    start "$layout"
    ctl POST /__test/seed '{"users":120}' >/dev/null
    fns=$(tl which | js v.functions)
    case $layout in
    root) check "$layout: detected" "$fns" "auth:*" ;;
    generated) check "$layout: detected" "$fns" "generated/auth:*" ;;
    component) check "$layout: detected" "$fns" "betterAuth/adapter:*" ;;
    esac

    # every page forward, then back again: 120 users in pages of 50 (newest first)
    p1=$(bc users list --json --limit 50)
    check "$layout: page 1" "$(echo "$p1" | js 'v.users.length+" "+v.users[0].email+" "+(v.prevCursor??null)')" \
        "50 user00120@example.com null"
    p2=$(bc users list --json --limit 50 --cursor "$(echo "$p1" | js v.nextCursor)")
    check "$layout: page 2" "$(echo "$p2" | js 'v.users.length+" "+v.users[0].email')" "50 user00070@example.com"
    p3=$(bc users list --json --limit 50 --cursor "$(echo "$p2" | js v.nextCursor)")
    check "$layout: last page" "$(echo "$p3" | js 'v.users.length+" "+v.users.at(-1).email+" "+(v.nextCursor??null)')" \
        "20 user00001@example.com null"
    b2=$(bc users list --json --limit 50 --cursor "$(echo "$p3" | js v.prevCursor)")
    check "$layout: back to page 2" "$(echo "$b2" | emails)" "$(echo "$p2" | emails)"
    b1=$(bc users list --json --limit 50 --cursor "$(echo "$b2" | js v.prevCursor)")
    check "$layout: back to page 1" "$(echo "$b1" | js '(v.prevCursor??null)+" "+v.users[0].email')" "null user00120@example.com"

    # search: CONTAINS is case-insensitive on email or name, paged inside Convex batches
    s1=$(bc users list --json --search "uSeR 11" --limit 4)
    check "$layout: contains page 1" "$(echo "$s1" | emails)" "00119 00118 00117 00116"
    s2=$(bc users list --json --search "uSeR 11" --limit 4 --cursor "$(echo "$s1" | js v.nextCursor)")
    check "$layout: contains page 2" "$(echo "$s2" | emails)" "00115 00114 00113 00112"
    s3=$(bc users list --json --search "uSeR 11" --limit 4 --cursor "$(echo "$s2" | js v.nextCursor)")
    check "$layout: contains page 3" "$(echo "$s3" | js 'v.users.map(u=>u.email.slice(4,9)).join(" ")+" "+(v.nextCursor??null)')" \
        "00111 00110 00011 null"
    check "$layout: prefix, by email" "$(bc users list --json --prefix USER0002 --sort email:asc | emails)" \
        "00020 00021 00022 00023 00024 00025 00026 00027 00028 00029"
    check "$layout: prefix, newest first" "$(bc users list --json --prefix user0010 --limit 3 | emails)" "00109 00108 00107"

    # filters: seeded every 10th banned (every 20th until a future date), every 50th from 1 admin,
    # every 3rd unverified
    check "$layout: banned" "$(bc users list --json --banned --limit 5 | emails)" "00120 00110 00100 00090 00080"
    check "$layout: admins" "$(bc users list --json --role admin | emails)" "00101 00051 00001"
    check "$layout: unverified by name" "$(bc users list --json --verified false --sort name:asc --limit 3 | emails)" \
        "00102 00105 00108"
    check "$layout: active count on a page" "$(bc users list --json --active --limit 20 | js 'v.users.filter(u=>!u.banned).length')" 20
    out=$(bc users list --sort updated 2>&1) && bad "$layout: unindexed sort refused" || contains "$layout: unindexed sort refused" "$out" "no index"

    # user detail: the user, its sessions and accounts in ONE round trip (after the probe)
    uid=$(echo "$p1" | js 'v.users[3].id')
    ctl POST /__test/stats/reset >/dev/null
    ctl POST /__test/latency '{"ms":100}' >/dev/null # requests sent together overlap
    [ "$layout" = component ] && where=(--component betterAuth) || where=(--auth-functions "${fns%:\*}")
    show=$(bc "${where[@]}" users show "$uid" --json)
    ctl POST /__test/latency '{"ms":0}' >/dev/null
    check "$layout: show" "$(echo "$show" | js 'v.user.email+" "+v.sessions.length+" "+v.accounts.length')" \
        "user00117@example.com 1 1"
    [ "$layout" = component ] && fn="adapter:findMany" || fn="${fns%\*}findMany"
    check "$layout: show in one round trip" "$(ctl GET /__test/stats | js '[v.requests,v.maxInFlight].join(" ")')" "4 3"
    check "$layout: sessions list" "$(bc sessions list --json --limit 5 | js 'v.sessions.length')" 5
    check "$layout: sessions list --search (owner's email)" \
        "$(bc sessions list --json=userId --search USER00117@ | js 'v.sessions.map(s=>s.userId).join(" ")')" "$uid"
    check "$layout: sessions list --sort expires" "$(bc sessions list --json --sort expires:asc --limit 3 | js 'v.sessions.length')" 3
    out=$(bc sessions list --sort lastActive 2>&1) && bad "$layout: sessions unindexed sort refused" ||
        contains "$layout: sessions unindexed sort refused" "$out" "no index to sort \"session\" by updatedAt"
    contains "$layout: sessions unindexed sort: the sorts that work" "$out" "sort by created, expires instead"

    # a 503 on a read is retried and the read succeeds
    ctl POST /__test/faults "{\"kind\":\"status\",\"status\":503,\"fn\":\"$fn\",\"count\":2}" >/dev/null
    ctl POST /__test/stats/reset >/dev/null
    check "$layout: read after two 503s" "$(bc users list --json --limit 2 | js v.users.length)" 2
    # no probe (the layout is remembered in the state database): the page and its count
    # together, the two 503s retried
    check "$layout: the read was retried" "$(ctl GET /__test/stats | js "v.requests+' '+v.byFunction['$fn']")" "4 2"
done

echo "# errors, writes and faults (root layout)"
start root
ctl POST /__test/seed '{"users":300,"sessionsPerUser":2}' >/dev/null
out=$("$bcadmin" --url "$base" --admin-key 'convex-self-hosted|wrong' users list 2>&1) && rc=0 || rc=$?
check "wrong key: exit 1" "$rc" 1
contains "wrong key: says so" "$out" "refused the admin key"
out=$(bc --auth-functions nope users list 2>&1) && rc=0 || rc=$?
check "missing functions: exit 1" "$rc" 1
contains "missing functions: names the path" "$out" "nope:*"
contains "missing functions: suggests createApi" "$out" "createApi"
out=$(bc --component betterAuth users list 2>&1) && rc=0 || rc=$?
check "no such component: exit 1" "$rc" 1
out=$(CONVEX_SELF_HOSTED_URL=$base CONVEX_SELF_HOSTED_ADMIN_KEY=$KEY "$bcadmin" users list --json --limit 1 | js v.users.length)
check "selected from CONVEX_SELF_HOSTED_*" "$out" 1
out=$(CONVEX_SELF_HOSTED_URL=$base CONVEX_SELF_HOSTED_ADMIN_KEY=$KEY CONVEX_DEPLOYMENT=dev:x "$bcadmin" users list 2>&1) && rc=0 || rc=$?
check "CONVEX_DEPLOYMENT conflict: exit 2" "$rc" 2
if "$bcadmin" --url "$base" --admin-key "$KEY" --db /nonexistent users list >/dev/null 2>&1; then
    bad "--db with --url refused"
else ok "--db with --url refused"; fi

uid=$(bc users list --json --limit 1 --active | js 'v.users[0].id')
# an injected fault on a write: reported, not retried, nothing reported as done
ctl POST /__test/faults '{"kind":"status","status":503,"fn":"auth:updateOne"}' >/dev/null
ctl POST /__test/stats/reset >/dev/null
out=$(tl --auth-functions auth ban "$uid" 2>&1) && rc=0 || rc=$?
check "write fault: exit 1" "$rc" 1
contains "write fault: says not retried" "$out" "not retried"
check "write fault: one attempt (probe + updateOne)" "$(ctl GET /__test/stats | js v.requests)" 2
check "write fault: user unchanged" "$(bc users show "$uid" --json | js 'String(v.user.banned)+" "+v.sessions.length')" "false 2"
# a ban: update the user, then delete its sessions: two sequential round trips
check "ban round trips" "$(tl --auth-functions auth ban "$uid" | js v.roundTrips)" 2
check "ban applied" "$(bc users show "$uid" --json | js 'String(v.user.banned)+" "+v.sessions.length')" "true 0"
# bulk: 250 users by id in chunks sent together
bulk=$(tl --auth-functions auth bulk-ban 250)
check "bulk ban" "$(echo "$bulk" | js '[v.changed,v.sessionsDeleted].join(" ")')" "250 498"
rt=$(echo "$bulk" | js v.roundTrips)
[ "$rt" -le 4 ] && ok "bulk ban in $rt round trips" || bad "bulk ban took $rt round trips"
# rows inserted with a caller-chosen id are found by it, and references to it are translated
ins=$(tl insert-user New.Person@Example.com)
check "insert: email lowercased" "$(echo "$ins" | js v.user.email)" "new.person@example.com"
nid=$(echo "$ins" | js v.user.id)
check "insert: account points at the Convex id" \
    "$(bc users show new.person@example.com --json | js "v.accounts.length+' '+(v.accounts[0].userId==='$nid')")" "1 true"
check "create bypasses triggers on auth:*" "$(tl which | js v.bypassesTriggers)" true

echo "# every injected fault on a write, through the bcadmin CLI (root layout)"
# Each case bans a fresh user (2 sessions) with one fault on a write: the operator gets a message
# saying what happened, nothing is printed as done, and the audit log says failed with that
# message (exit 1), or unknown / partly applied (exit 5: the exit status agrees with the entry). The user row and the sessions are written in the same round trip, so a fault on
# the row leaves the sessions revoked (and the message says that part stands); a fault the
# deployment answers before running the function leaves the row as it was; one after it ran (or
# an answer cut short) must say the outcome is unknown.
export XDG_STATE_HOME="$tmp/state" BCADMIN_AS=user00001@example.com # seeded admin
ctl POST /__test/seed '{"users":16,"offset":1000,"sessionsPerUser":2}' >/dev/null # one per case below, and spare
n=1000
fault_case() { # NAME FAULT_JSON WANT_TEXT WANT_STATE ("banned sessions" after) [AUDIT_STATE]
    local name=$1 email out rc
    n=$((n + 1))
    email="user0$n@example.com"
    ctl DELETE /__test/faults >/dev/null
    ctl POST /__test/faults "$2" >/dev/null
    out=$(BCADMIN_HTTP_TIMEOUT_MS=1500 bc users ban "$email" 2>"$tmp/fault.err") && rc=0 || rc=$?
    check "$name: exit status follows the audit (${5:-failed})" "$rc" "$([ "${5:-failed}" = failed ] && echo 1 || echo 5)"
    check "$name: nothing printed as done" "$out" ""
    contains "$name: the operator is told" "$(cat "$tmp/fault.err")" "$3"
    # 'unknown' where the write's answer was lost: it may stand (drop after, timeout, HTTP 500).
    check "$name: audit says ${5:-failed} with the error" "$(bc audit --json --limit 1 |
        js '[v.entries[0].action, v.entries[0].state, v.entries[0].error === process.argv[1]].join(" ")' "$(sed 's/^bcadmin: //' "$tmp/fault.err")")" \
        "users.ban ${5:-failed} true"
    contains "$name: audit error" "$(bc audit --json --limit 1 | js 'v.entries[0].error')" "$3"
    check "$name: user afterwards" "$(bc users show "$email" --json | js 'String(v.user.banned)+" "+v.sessions.length')" "$4"
}
fault_case "function error with errorData" \
    '{"kind":"error","fn":"auth:updateOne","data":{"code":"FORBIDDEN","reason":"frozen"}}' \
    'errorData: {"code":"FORBIDDEN","reason":"frozen"}' "false 0" "partly applied"
contains "errorData: the revoked sessions stand" "$(cat "$tmp/fault.err")" "partly applied: their sessions were revoked (this store has no transactions, so that part stands), but changing the user row then failed"
fault_case "HTTP 500" '{"kind":"status","status":500,"fn":"auth:updateOne"}' \
    "HTTP 500 InternalServerError" "false 0" unknown
contains "HTTP 500: outcome unknown" "$(cat "$tmp/fault.err")" "not retried; the change may or may not have been applied"
contains "HTTP 500: what stands" "$(cat "$tmp/fault.err")" "their sessions were revoked (this store has no transactions, so that part stands)"
# HTTP 500 on the row with the sessions revoked: part stands (the sessions), the row is as it
# was, so undo has nothing to write back and says so.
undo_id=$(bc audit --json --limit 1 | js 'v.entries[0].id')
out=$(bc audit undo "$undo_id" --yes 2>&1) && rc=0 || rc=$?
check "undo of an entry whose row did not change: refused" "$rc" 4
contains "undo refusal says why" "$out" "does not hold what it wrote (its banned differs): there is nothing to undo (sessions a ban revoked do not come back)"
# 429 means the deployment ran nothing: a write is retried with backoff (4 attempts in all), so
# two queued 429s are waited out and the ban goes through; five are not.
n=$((n + 1))
ctl DELETE /__test/faults >/dev/null
ctl POST /__test/faults '{"kind":"status","status":429,"fn":"auth:updateOne","count":2}' >/dev/null
out=$(bc users ban "user0$n@example.com" 2>&1) && rc=0 || rc=$?
check "HTTP 429 twice: retried, exit 0" "$rc" 0
contains "HTTP 429 twice: banned" "$out" "banned user0$n@example.com"
check "HTTP 429 twice: both used" "$(ctl GET /__test/faults | js 'v.faults.length')" 0
fault_case "HTTP 429 persisting" '{"kind":"status","status":429,"fn":"auth:updateOne","count":5}' \
    "HTTP 429 TooManyRequests" "false 0" "partly applied"
contains "HTTP 429: not applied, retried" "$(cat "$tmp/fault.err")" "retried with backoff; the deployment is still rate-limiting, and the change was not applied"
check "HTTP 429: four attempts" "$(ctl GET /__test/faults | js 'v.faults.map(f => f.remaining).join(" ")')" 1
fault_case "connection dropped after the mutation ran" \
    '{"kind":"drop","phase":"after","fn":"auth:updateOne"}' \
    "the change may or may not have been applied" "true 0" unknown
fault_case "answer slower than BCADMIN_HTTP_TIMEOUT_MS" \
    '{"kind":"slow","ms":4000,"fn":"auth:updateOne"}' \
    "the change may or may not have been applied" "true 0" unknown
contains "slow: says it timed out" "$(cat "$tmp/fault.err")" "timed out"
fault_case "malformed body" '{"kind":"malformed","fn":"auth:updateOne"}' \
    "the change may or may not have been applied" "true 0" unknown
contains "malformed: says so" "$(cat "$tmp/fault.err")" "malformed answer"
# No transactions: the user row is changed by the first call; the session delete fails after it
# (a 503: the deployment ran nothing) or its answer is lost. The entry says partly applied /
# unknown, the message what stands and how to finish; undo writes the row back; banning again
# finishes the ban.
ban_partly() { # NAME FAULT_JSON AUDIT_STATE WANT_TEXT WANT_STATE
    fault_case "$1" "$2" "the user row was changed (this store has no transactions, so that part stands), but revoking their sessions then $4" "$5" "$3"
    contains "$1: says how to finish" "$(cat "$tmp/fault.err")" "; ban them again to finish (\`bcadmin users ban user0$n@example.com\`)"
    contains "$1: says what it is" "$(cat "$tmp/fault.err")" \
        "$([ "$3" = unknown ] && echo 'whether the change is wholly applied is unknown: ' || echo 'partly applied: ')"
    ctl DELETE /__test/faults >/dev/null
}
ban_partly "second write fails (sessions)" '{"kind":"status","status":503,"fn":"auth:deleteMany"}' "partly applied" \
    "failed: auth:deleteMany: $base/api/function answered HTTP 503" "true 2"
out=$(bc users ban "user0$n@example.com" 2>&1) && rc=0 || rc=$?
check "partly applied ban: banning again finishes it" "$rc $(bc users show "user0$n@example.com" --json | js 'String(v.user.banned)+" "+v.sessions.length')" "0 true 0"
ban_partly "second write's answer lost (sessions)" '{"kind":"drop","phase":"after","fn":"auth:deleteMany"}' unknown \
    "got no usable answer: cannot reach" "true 0"
unknown_id=$(bc audit --json --limit 1 | js 'v.entries[0].id')
out=$(bc audit undo "$unknown_id" --yes 2>&1) && rc=0 || rc=$?
check "unknown ban whose row holds the change: undo exit 0" "$rc" 0
check "unknown ban: undo restores the row (the delete had run)" "$(bc users show "user0$n@example.com" --json | js 'String(v.user.banned)+" "+v.sessions.length')" "false 0"
check "unknown ban: the undo is audited" "$(bc audit --json --limit 1 | js '[v.entries[0].action, v.entries[0].state].join(" ")')" "audit.undo done"
# Hostile data: a name holding a NUL (Better Auth stores whatever string a sign-up sends) is
# read like any other, not taken for a malformed answer that breaks the whole list.
n=$((n + 1))
curl -sS -o /dev/null -X POST "$base/api/function" -H 'content-type: application/json' -H "Authorization: Convex $KEY" \
    -d '{"path":"auth:updateOne","args":{"input":{"model":"user","where":[{"field":"email","value":"user0'$n'@example.com"}],"update":{"name":"a\u0000b\u001b[31m"}}}}'
check "a NUL in a name: the list reads it" "$(bc users list --search "user0$n@" --json | js 'JSON.stringify(v.users[0].name)')" '"a\u0000b\u001b[31m"'
# ... and prints it whole: escaped in the table (\x00 like any control byte) and in CSV.
contains "a NUL in a name: the table shows it escaped" "$(bc users list --search "user0$n@" 2>/dev/null)" 'a\x00b\x1b[31m'
contains "a NUL in a name: users show" "$(bc users show "user0$n@example.com")" '  name           a\x00b\x1b[31m'
contains "a NUL in a name: CSV" "$(bc users list --search "user0$n@" --csv)" ',a\x00b\x1b[31m,'
# An email stored with capitals (Better Auth's admin update-user keeps them): --prefix with the
# capitals finds it, the lowercase emails it lowers to too, in every sort; the total agrees.
n=$((n + 1))
curl -sS -o /dev/null -X POST "$base/api/function" -H 'content-type: application/json' -H "Authorization: Convex $KEY" \
    -d '{"path":"auth:updateOne","args":{"input":{"model":"user","where":[{"field":"email","value":"user0'$n'@example.com"}],"update":{"email":"José.'$n'@Example.COM"}}}}'
check "--prefix with capitals: the email as typed" "$(bc users list --prefix "José.$n@" --json | js 'v.users.map(u=>u.email).join(" ")+" "+v.total')" "José.$n@Example.COM 1"
check "--prefix with capitals, by email" "$(bc users list --prefix "José.$n" --sort email --json | js 'v.users.map(u=>u.email).join(" ")')" "José.$n@Example.COM"
check "--prefix with capitals: lowercase emails too" "$(bc users list --prefix "USER0$((n - 1))@" --json | js 'v.users.map(u=>u.email).join(" ")')" "user0$((n - 1))@example.com"
check "--prefix all lowercase keeps Better Auth's rule" "$(bc users list --prefix "josé.$n@" --json | js 'v.users.length')" 0

echo "# a bulk that stops part way, and its undo (no transactions: what was written stands)"
# 3 users with a session each: the session delete fails (503), so every row changed and kept its
# sessions: each member and the bulk entry 'partly applied', exit 5 (as the single-user ban)
ctl POST /__test/seed '{"users":3,"offset":5000,"sessionsPerUser":1,"accounts":false}' >/dev/null
# both writes refused (503: nothing ran): nothing stands, the bulk entry 'failed', exit 1
ctl POST /__test/faults '{"kind":"status","status":503,"fn":"auth:deleteMany"}' >/dev/null
ctl POST /__test/faults '{"kind":"status","status":503,"fn":"auth:updateMany"}' >/dev/null
out=$(bc users ban --search user0500 --yes 2>&1) && rc=0 || rc=$?
check "bulk, nothing applied: exit 1, the bulk entry failed" "$rc $(bc audit --json --limit 1 | js 'v.entries[0].state')" "1 failed"
contains "bulk, nothing applied: says so" "$out" "0 of 3 users banned; re-run to finish"
ctl DELETE /__test/faults >/dev/null
ctl POST /__test/faults '{"kind":"status","status":503,"fn":"auth:deleteMany"}' >/dev/null
out=$(bc users ban --search user0500 --reason partway --yes 2>&1) && rc=0 || rc=$?
ctl DELETE /__test/faults >/dev/null
check "bulk, sessions not revoked: exit 5" "$rc" 5
contains "bulk, sessions not revoked: says so" "$out" "0 of 3 users banned; 3 more had the change but kept their sessions"
bulk_id=$(bc audit --json --limit 1 | js 'v.entries[0].id')
check "bulk, sessions not revoked: the bulk entry and its members partly applied" \
    "$(bc audit --json --limit 1 | js 'v.entries[0].state') $(sqlite3 "$XDG_STATE_HOME/bcadmin/state.db" "SELECT group_concat(DISTINCT state) || ' ' || count(*) FROM audit WHERE group_id = $bulk_id")" \
    "partly applied partly applied 3"
# its undo writes each row back by itself: the second write fails, so the first stands ('done'),
# the rest 'failed', the undo entry 'partly applied' (exit 5); a re-run undoes the rest
ctl POST /__test/faults '{"kind":"status","status":503,"fn":"auth:updateOne","skip":1}' >/dev/null
out=$(bc audit undo "$bulk_id" --yes 2>&1) && rc=0 || rc=$?
ctl DELETE /__test/faults >/dev/null
check "bulk undo stopped part way: exit 5" "$rc" 5
contains "bulk undo stopped part way: says what stands" "$out" "1 of 3 users written back (this store has no transactions, so they stand); then the write failed for"
contains "bulk undo stopped part way: says how to finish" "$out" "re-run \`bcadmin audit undo $bulk_id\` to finish"
undo_group=$(sqlite3 "$XDG_STATE_HOME/bcadmin/state.db" "SELECT id FROM audit WHERE undo_of = $bulk_id")
check "bulk undo stopped part way: undo entry / members done / failed" \
    "$(sqlite3 "$XDG_STATE_HOME/bcadmin/state.db" "SELECT state FROM audit WHERE id = $undo_group") $(sqlite3 "$XDG_STATE_HOME/bcadmin/state.db" "SELECT sum(state = 'done') || ' ' || sum(state = 'failed') FROM audit WHERE group_id = $undo_group")" \
    "partly applied 1 2"
banned_of() { bc users list --search user0500 --json | js 'v.users.filter((u) => u.banned).length'; }
check "bulk undo stopped part way: the users still banned" "$(banned_of)" 2
out=$(bc audit undo "$bulk_id" --yes 2>&1) && rc=0 || rc=$?
check "bulk undo re-run: finishes (exit 0, none banned, the bulk entry undone)" \
    "$rc $(banned_of) $(bc audit --json --limit 20 | js "String(v.entries.find((e) => e.id === $bulk_id).undone)")" "0 0 true"

echo "# over a thousand users: the total is what is known, a lower bound"
ctl POST /__test/seed '{"users":1100,"offset":2000,"sessionsPerUser":0,"accounts":false}' >/dev/null
page=$(bc users list --limit 1 --json)
check "count stops at 1000 and says so" "$(echo "$page" | js 'v.total+" "+v.totalAtLeast')" "null 1000"
contains "human output says 1000+ (the footer is on stderr in a pipe)" "$(bc users list --limit 1 2>&1 >/dev/null)" "showing 1 of 1000+"
# A search scans on Convex: on a terminal the rows read so far show on stderr; in a pipe nothing.
script -qec "BCADMIN_PROGRESS_DELAY_MS=0 '$bcadmin' --url '$base' --admin-key '$KEY' users list --search nobody-at-all >/dev/null" \
    /dev/null </dev/null >"$tmp/scan.tty" 2>&1 || true
contains "a Convex scan shows the rows read on a terminal" "$(tr '\r' '\n' <"$tmp/scan.tty")" "users: scanning "
contains "no progress in a pipe" "[$(BCADMIN_PROGRESS_DELAY_MS=0 bc users list --search nobody-at-all 2>&1 >/dev/null)]" "[showing 0"

stop
[ "$failures" -eq 0 ] || { echo "$failures failure(s)"; exit 1; }
