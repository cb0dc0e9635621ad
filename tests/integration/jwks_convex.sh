#!/bin/bash
# The JWKS doctor, first-deploy bootstrap and key rotation checklists on the Convex test
# deployment (real better-convex getLatestJwks/rotateKeys): bootstrap from a fresh deployment,
# rotation, kill -9 of bcadmin while rotateKeys answers and while JWKS is being set, then resume
# (rotateKeys never runs twice), and the doctor's verdict on each broken state.
# BC_CONVEX_APP=bc-0.11 runs it all on the better-convex 0.11 app (Better Auth 1.5, functions at
# generated/auth:*), and `env sync --auth` on a fresh deployment of it; unset, on the deployment
# of tests/peers (better-convex 0.6.4, auth:*).
# Usage: jwks_convex.sh BCADMIN SOURCE_ROOT
set -eu
. "$2/tests/peers/lib.sh"
bc_require_peers
[ -d "$BC_PEERS_DIR/node_modules/convex-test" ] || bc_skip "convex-test is not installed"
bc_require_bcadmin "$1"
export XDG_STATE_HOME="$BC_TMP/state"
KEY='convex-self-hosted|0123456789abcdef'
SECRET=0123456789abcdef0123456789abcdef0123456789ab
unset BCADMIN_DB BETTER_AUTH_SECRET
case ${BC_CONVEX_APP:-} in
"") CX_ARGS=() FN=auth ;;
bc-0.11)
    [ -d "$BC_PEERS_DIR/bc-0.11/node_modules/better-convex" ] ||
        bc_skip "tests/peers/bc-0.11/node_modules is missing: run 'cd tests/peers/bc-0.11 && npm ci' first"
    CX_ARGS=(--app "$BC_PEERS_DIR/bc-0.11" --layout generated) FN=generated/auth ;;
*) bc_die "BC_CONVEX_APP=$BC_CONVEX_APP: unknown app (bc-0.11)" ;;
esac

# cx_start [--env N=V]...: a fresh deployment; sets CX (its URL) and the bcadmin target.
cx_start() {
    bc_cx_start "$KEY" "${CX_ARGS[@]}" "$@"
    export CONVEX_SELF_HOSTED_URL=$CX CONVEX_SELF_HOSTED_ADMIN_KEY=$KEY CONVEX_SITE_URL=$CX
}
cx_post() { curl -sS -X POST "$CX$1" -H 'content-type: application/json' -H "Authorization: Convex $KEY" -d "$2"; }
cx_env() { curl -sS "$CX/api/v1/list_environment_variables" -H "Authorization: Convex $KEY"; }
cx_call() { cx_post /api/function "{\"path\":\"$1\",\"args\":$2,\"format\":\"convex_encoded_json\"}" | json_get .value; }
cx_rows() { cx_call "$FN:findMany" '{"model":"jwks","paginationOpts":{"numItems":100,"cursor":null}}' | json_get 'j.page.map(r => r.id ?? r._id).join(" ")'; }
cx_jwks_kid() { cx_env | json_get 'JSON.parse(j.environmentVariables.JWKS).map(r => r.id).join(" ")'; }
cx_calls() { curl -sS "$CX/__test/stats" | json_get "j.byFunction['$1'] ?? 0"; }
fault() { curl -sS -X POST "$CX/__test/faults" -H 'content-type: application/json' -d "$1" >/dev/null; }
# doctor_status ID: the status of one check (the doctor's exit code is ignored here).
doctor_status() {
    local out
    out=$("$BCADMIN" jwks doctor --json 2>/dev/null) || true
    echo "$out" | json_get "j.checks.find(c => c.id === '$1').status + ' ' + j.checks.find(c => c.id === '$1').fix"
}
expect_fail() { # CHECK FIX_WORDS: the check fails and its fix mentions FIX_WORDS
    local got
    got=$(doctor_status "$1")
    case "$got" in "fail "*"$2"*) ;; *) bc_die "doctor $1: expected fail with fix '$2', got '$got'" ;; esac
}

# --- bootstrap refuses without a secret, then completes ----------------------------------------
cx_start --env SITE_URL=http://localhost:3000
# The doctor makes no key: Better Auth creates one on the first read of its published keys, and
# getLatestJwks would then hand out that key, encrypted without the secret set later.
case "$(doctor_status site.published)" in "warn "*bootstrap*) ;; *) bc_die "site.published before any key: $(doctor_status site.published)" ;; esac
bc_assert_eq "the doctor made no key" "" "$(cx_rows)"
rc=0
"$BCADMIN" jwks bootstrap --yes --json >"$BC_TMP/b0.json" 2>"$BC_TMP/b0.err" || rc=$?
bc_assert_eq "bootstrap without BETTER_AUTH_SECRET stops" 4 "$rc"
bc_assert_eq "refused at its precondition: not started" "not started" "$(json_get .state <"$BC_TMP/b0.json")"
bc_assert_eq "it stopped at the secret step" "secret:failed" "$(json_get 'j.steps.filter(s => s.state !== "done").map(s => s.id + ":" + s.state)[0]' <"$BC_TMP/b0.json")"
grep -q "env sync" "$BC_TMP/b0.err" || bc_die "bootstrap should send the operator to env sync: $(cat "$BC_TMP/b0.err")"
bc_assert_eq "no key was made before the secret" "" "$(cx_rows)"
cx_post /api/update_environment_variables "{\"changes\":[{\"name\":\"BETTER_AUTH_SECRET\",\"value\":\"$SECRET\"}]}" >/dev/null
# The refused run blocks nothing: the same command again is the way on.
out=$("$BCADMIN" jwks bootstrap --yes --json 2>"$BC_TMP/b1.err") || bc_die "bootstrap after the secret failed: $(cat "$BC_TMP/b1.err")"
bc_assert_eq "bootstrap done" "done" "$(echo "$out" | json_get .state)"
kid=$(cx_rows)
bc_assert_eq "JWKS holds the one key of the database" "$kid" "$(cx_jwks_kid)"
"$BCADMIN" jwks doctor >"$BC_TMP/doc.txt" 2>&1 || bc_die "doctor not clean after bootstrap: $(cat "$BC_TMP/doc.txt")"
# A second bootstrap finds JWKS already matching and skips setting it.
out=$("$BCADMIN" jwks bootstrap --yes --json 2>/dev/null) || bc_die "second bootstrap failed"
bc_assert_eq "set-jwks skipped when JWKS already matches" skipped "$(echo "$out" | json_get 'j.steps.find(s => s.id === "set-jwks").state')"

# --- rotation ---------------------------------------------------------------------------------
out=$("$BCADMIN" jwks rotate --yes --json 2>"$BC_TMP/r.err") || bc_die "rotation failed: $(cat "$BC_TMP/r.err")"
new=$(cx_rows)
[ "$new" != "$kid" ] || bc_die "rotation kept the old key"
bc_assert_eq "JWKS holds the new key" "$new" "$(cx_jwks_kid)"
bc_assert_eq "verify step" done "$(echo "$out" | json_get 'j.steps.find(s => s.id === "verify").state')"
bc_assert_eq "rotateKeys ran once" 1 "$(cx_calls $FN:rotateKeys)"

# --- kill -9 while rotateKeys answers: resume examines, never repeats rotateKeys ----------------
old=$new
fault '{"kind":"slow","fn":"'"$FN"':rotateKeys","ms":60000}'
"$BCADMIN" jwks rotate --yes --json >/dev/null 2>&1 &
bpid=$!
# Generous waits: a loaded CI machine can take many seconds to get this far.
# The slow fault holds the answer back once the action ran: wait for its new key (not merely the
# old one gone, which is the moment between rotateKeys' delete and its create).
new_key() { local r; r=$(cx_rows); [ -n "$r" ] && [ "$r" != "$old" ]; }
for _ in $(seq 1 1200); do new_key && break; sleep 0.1; done
new_key || bc_die "rotateKeys did not happen under the slow fault"
kill -9 "$bpid"; wait "$bpid" 2>/dev/null || true
curl -sS -X DELETE "$CX/__test/faults" >/dev/null
bc_assert_eq "the interrupted step is left running" running "$("$BCADMIN" checklist status --json | json_get 'j.steps.find(s => s.id === "rotate").state')"
out=$("$BCADMIN" checklist resume --yes --json 2>"$BC_TMP/k1.err") || bc_die "resume after kill failed: $(cat "$BC_TMP/k1.err")"
bc_assert_eq "resumed run done" done "$(echo "$out" | json_get .state)"
bc_assert_eq "rotateKeys ran once for this run" 2 "$(cx_calls $FN:rotateKeys)"
echo "$out" | json_get 'j.steps.find(s => s.id === "rotate").note' | grep -q "found done on resume" ||
    bc_die "the rotate step should be found done on resume: $out"
bc_assert_eq "consistent after resume" "$(cx_rows)" "$(cx_jwks_kid)"
"$BCADMIN" jwks doctor >/dev/null 2>&1 || bc_die "doctor not clean after the resumed rotation"

# --- kill -9 between rotateKeys and setting JWKS ---------------------------------------------
old=$(cx_rows)
env_updates() { curl -sS "$CX/__test/stats" | json_get "j.byRoute['/api/update_environment_variables'] ?? 0"; }
before=$(env_updates) # earlier phases set JWKS too: wait for THIS run's update
fault '{"kind":"latency","path":"/api/update_environment_variables","ms":60000}'
"$BCADMIN" jwks rotate --yes --json >/dev/null 2>&1 &
bpid=$!
seen=$before
for _ in $(seq 1 1200); do
    seen=$(env_updates)
    [ "$seen" -gt "$before" ] && break
    sleep 0.1
done
[ "$seen" -gt "$before" ] || bc_die "bcadmin never reached the JWKS update within 120 s"
kill -9 "$bpid"; wait "$bpid" 2>/dev/null || true
curl -sS -X DELETE "$CX/__test/faults" >/dev/null
sleep 0.2
[ "$(cx_rows)" != "$old" ] || bc_die "rotateKeys should have happened before the kill"
expect_fail jwks.current "bootstrap"
out=$("$BCADMIN" checklist resume --yes --json 2>"$BC_TMP/k2.err") || bc_die "resume failed: $(cat "$BC_TMP/k2.err")"
bc_assert_eq "rotateKeys not repeated on resume" 3 "$(cx_calls $FN:rotateKeys)"
bc_assert_eq "consistent after resume" "$(cx_rows)" "$(cx_jwks_kid)"
"$BCADMIN" jwks doctor >/dev/null 2>&1 || bc_die "doctor not clean after resume"

# --- a done rotateKeys is repeated only after the typed step id -------------------------------
run=$(echo "$out" | json_get .run)
rc=0
echo nope | "$BCADMIN" checklist resume "$run" --redo rotate --yes >/dev/null 2>&1 || rc=$?
bc_assert_eq "redo without the typed id is refused" 4 "$rc"
bc_assert_eq "no rotateKeys for a refused redo" 3 "$(cx_calls $FN:rotateKeys)"

# --- the doctor on broken states ---------------------------------------------------------------
good=$(cx_env | json_get .environmentVariables.JWKS)
setenv() { cx_post /api/update_environment_variables "$(json_obj name "$1" value "$2" | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>console.log(JSON.stringify({changes:[JSON.parse(s)]})))')" >/dev/null; }
# stale key id: a new row in the database, JWKS untouched
cx_call "$FN:rotateKeys" '{}' >/dev/null
expect_fail jwks.current "bootstrap"
"$BCADMIN" jwks bootstrap --yes >/dev/null 2>&1 || bc_die "bootstrap did not repair the stale JWKS"
good=$(cx_env | json_get .environmentVariables.JWKS)
# two keys
two=$(echo "$good" | json_get 'JSON.stringify([j[0], {...j[0], id: "x".repeat(32)}], null, 2)')
setenv JWKS "$two"
expect_fail jwks.one_key "rotate"
setenv JWKS "$good"
# wrong secret
setenv BETTER_AUTH_SECRET "another-secret-of-enough-length-0123456789"
expect_fail jwks.private_key "BETTER_AUTH_SECRET"
setenv BETTER_AUTH_SECRET "$SECRET"
[ "$(doctor_status jwks.private_key | cut -d' ' -f1)" = ok ] || bc_die "private key not ok again"
# missing secret (a deployment that lost it)
cx_post /api/update_environment_variables '{"changes":[{"name":"BETTER_AUTH_SECRET","value":null}]}' >/dev/null
expect_fail secret.present "env sync"
setenv BETTER_AUTH_SECRET "$SECRET"
# wrong algorithm: an Ed25519 key in JWKS (the deployment refuses to store it; start one with it)
ed=$(echo "$good" | json_get 'JSON.stringify([{...j[0], alg: "EdDSA", publicKey: JSON.stringify({crv:"Ed25519",x:"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo",kty:"OKP"})}], null, 2)')
cx_start --env SITE_URL=http://localhost:3000 --env "BETTER_AUTH_SECRET=$SECRET" --env "JWKS=$ed" 2>/dev/null || true
expect_fail jwks.algorithm "rotate"
# malformed JSON
cx_start --env SITE_URL=http://localhost:3000 --env "BETTER_AUTH_SECRET=$SECRET" --env 'JWKS=[{"id":'
expect_fail jwks.set "bootstrap"
# missing JWKS on a fresh deployment
cx_start --env SITE_URL=http://localhost:3000 --env "BETTER_AUTH_SECRET=$SECRET"
expect_fail jwks.set "bootstrap"

# --- env sync --auth on the app's line (target.sh covers the 0.6.4 deployment's layouts) ---------
# A fresh deployment without a secret: the secret is generated, written to the file and pushed,
# then JWKS is made by the app's getLatestJwks, and the doctor finds everything in order.
if [ -n "${BC_CONVEX_APP:-}" ]; then
    cx_start
    printf 'SITE_URL=http://localhost:3000\n' >"$BC_TMP/app.env"
    "$BCADMIN" env sync --auth --yes --file "$BC_TMP/app.env" >"$BC_TMP/sync.out" 2>&1 ||
        bc_die "env sync --auth failed: $(cat "$BC_TMP/sync.out")"
    grep -q '^BETTER_AUTH_SECRET=' "$BC_TMP/app.env" || bc_die "env sync --auth wrote no secret to the file"
    [ "$(cx_calls $FN:getLatestJwks)" -ge 1 ] || bc_die "env sync --auth did not call $FN:getLatestJwks"
    bc_assert_eq "JWKS is the key getLatestJwks made" "$(cx_rows)" "$(cx_jwks_kid)"
    "$BCADMIN" jwks doctor >"$BC_TMP/doc.txt" 2>&1 || bc_die "doctor after env sync --auth: $(cat "$BC_TMP/doc.txt")"
fi
echo "jwks_convex: ok"
