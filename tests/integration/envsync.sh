#!/usr/bin/env bash
# bcadmin env list/diff/sync/set/unset driving the real binary against two Convex test
# deployments (tests/peers/convex-deployment: convex-test running better-convex 0.6.4 with Better
# Auth 1.4.9; env endpoints with the real backend's rules, auth config re-checked on every env
# change, fault injection). Values are compared with the real dotenv package's parse().
#   envsync.sh BCADMIN SRCDIR CRYPTO_TOOL
set -euo pipefail
BCADMIN=$(realpath "$1")
SRCDIR=$(realpath "$2")
CRYPTO=$(realpath "$3")
. "$SRCDIR/tests/peers/lib.sh"
bc_require_bcadmin "$BCADMIN"
command -v node >/dev/null 2>&1 || bc_skip "node is not installed"
[ -d "$BC_PEERS_DIR/node_modules/convex-test" ] || bc_skip "npm packages missing in tests/peers"

# --- two deployments ------------------------------------------------------------------------
KEY_DEV='convex-self-hosted|dev0123456789'
KEY_PROD='convex-self-hosted|prod0123456789'

# start_deployment NAME KEY: sets URL (not in a subshell, so the exit trap knows the server).
start_deployment() {
    local out="$BC_TMP/$1.out" port=""
    : >"$out"
    node "$BC_PEERS_DIR/convex-deployment/server.mjs" --admin-key "$2" --instance-name "$1" \
        >"$out" 2>"$BC_TMP/$1.err" &
    bc_track_pid "$!"
    for _ in $(seq 1 1200); do
        port=$(sed -n 's/^PORT \([0-9][0-9]*\)$/\1/p' "$out")
        [ -n "$port" ] && break
        sleep 0.1
    done
    [ -n "$port" ] || bc_die "deployment $1 did not start: $(cat "$BC_TMP/$1.err")"
    URL="http://127.0.0.1:$port"
}
start_deployment dev "$KEY_DEV"
DEV=$URL
start_deployment prod "$KEY_PROD"
PROD=$URL

export XDG_STATE_HOME="$BC_TMP/state"
export CONVEX_SELF_HOSTED_URL=$DEV CONVEX_SELF_HOSTED_ADMIN_KEY=$KEY_DEV
export CONVEX_SITE_URL=$DEV # the test deployment serves its site on the same port
unset CONVEX_DEPLOY_KEY CONVEX_DEPLOYMENT BCADMIN_DB || true
cd "$BC_TMP"
mkdir -p convex
AUDIT="$XDG_STATE_HOME/bcadmin/state.db"

# The deployment's variables straight from its HTTP API (not through bcadmin).
remote() {
    curl -sS "$CONVEX_SELF_HOSTED_URL/api/v1/list_environment_variables" \
        -H "Authorization: Convex $CONVEX_SELF_HOSTED_ADMIN_KEY" | json_get '.environmentVariables'
}
# dotenv's own parse() of a file, as JSON.
dotenv_parse() {
    local file
    file=$(realpath "$1")
    (cd "$BC_PEERS_DIR" && node -e 'process.stdout.write(JSON.stringify(require("dotenv").parse(require("fs").readFileSync(process.argv[1]))))' "$file")
}
# run ARGS...: bcadmin with stdin from /dev/null; sets $rc, $out, $err.
run() {
    set +e
    out=$("$BCADMIN" "$@" </dev/null 2>"$BC_TMP/err")
    rc=$?
    set -e
    err=$(cat "$BC_TMP/err")
}
expect_rc() { [ "$rc" = "$1" ] || bc_die "$2: exit $rc, want $1; stdout: ${out:0:600}; stderr: ${err:0:600}"; }
contains() { case "$2" in *"$3"*) ;; *) bc_die "$1: [${2:0:800}] lacks [$3]" ;; esac; }
audit_rows() { bc_sql "$AUDIT" "SELECT id, action, subject, state, error, before_json, after_json FROM audit ORDER BY id"; }

# --- 1. first sync of a fresh deployment with --auth ------------------------------------------
cat >convex/.env <<'EOF'
# app settings
SITE_URL=http://localhost:3000
QUOTES="it's \"quoted\""
SINGLE='$HOME and `cmd` stay'
BACKTICK=`a 'b' "c"`
EQUALS=a=b=c==
DOLLAR=$PATH$
MULTI="line one
line two\nline three"
UNICODE=héllo wörld 😀 ✓
INLINE=value # a comment
GOOGLE_CLIENT_ID=gid
EOF
chmod 640 convex/.env
run env sync --auth --dry-run --json
expect_rc 0 "dry run"
bc_assert_eq "dry run plans to generate the secret" true "$(json_get '.secretGenerated' <<<"$out")"
bc_assert_eq "dry run plans to create JWKS" create "$(json_get '.jwks' <<<"$out")"
bc_assert_eq "dry run changes nothing remotely" '{}' "$(remote)"
grep -q BETTER_AUTH_SECRET convex/.env && bc_die "dry run wrote the secret to the file"
contains "lint of the unpaired provider" "$out" "GOOGLE_CLIENT_ID is set but GOOGLE_CLIENT_SECRET is not"

# --read-only: the plan is shown (--dry-run) but no change reaches the deployment.
run --read-only env sync --auth --dry-run --json
expect_rc 0 "dry run under --read-only"
for verb in "env sync --auth --yes" "jwks bootstrap --yes"; do
    # shellcheck disable=SC2086
    run --read-only $verb
    expect_rc 4 "--read-only $verb"
    contains "--read-only $verb says why" "$err" "is open read-only (--read-only): "
done
bc_assert_eq "nothing applied under --read-only" '{}' "$(remote)"

run env sync --auth
expect_rc 4 "sync without --yes and without a terminal"
contains "refusal says why" "$err" "pass --yes"
bc_assert_eq "nothing applied without confirmation" '{}' "$(remote)"

run env sync --auth --yes --json
expect_rc 0 "first sync"
bc_assert_eq "applied" true "$(json_get '.applied' <<<"$out")"
steps=$(json_get '.steps.join("|")' <<<"$out")
contains "file written first" "$steps" "wrote BETTER_AUTH_SECRET to convex/.env (before pushing it)|sent 11 changes in one request"
contains "JWKS created after" "$steps" "|created a key with getLatestJwks"
bc_assert_eq "file keeps its mode" 640 "$(stat -c %a convex/.env)"
grep -q '^# Generated by bcadmin env sync --auth' convex/.env || bc_die "no comment above the secret"
head -2 convex/.env | grep -q '^SITE_URL=' || bc_die "the file's order changed"
SECRET=$(dotenv_parse convex/.env | json_get '.BETTER_AUTH_SECRET')
bc_assert_eq "secret is 32 bytes of base64" 44 "${#SECRET}"
bc_assert_eq "deployment holds the file's secret" "$SECRET" "$(remote | json_get '.BETTER_AUTH_SECRET')"
remote | json_get '.JWKS' >"$BC_TMP/jwks"
# The JWKS key decrypts with the final secret (bcadmin's secretbox) ...
"$CRYPTO" row-open "$SECRET" <"$BC_TMP/jwks" | json_get '.kty' | grep -q RSA ||
    bc_die "the JWKS private key does not decrypt with the pushed secret"
# ... and the deployment's own Better Auth signs with it: sign-up mints a Convex JWT whose kid is
# that key (a key encrypted under another secret fails here with "Failed to decrypt").
kid=$(json_get '.[0].id' <"$BC_TMP/jwks")
curl -sS -D "$BC_TMP/hdr" -o "$BC_TMP/body" -X POST "$DEV/api/auth/sign-up/email" \
    -H 'content-type: application/json' -H 'origin: http://localhost:3000' \
    -d '{"email":"ann@example.com","password":"password1234","name":"Ann"}'
jwt=$(sed -n 's/^set-cookie: better-auth.convex_jwt=\([^;]*\);.*/\1/ip' "$BC_TMP/hdr")
[ -n "$jwt" ] || bc_die "sign-up minted no Convex JWT: $(cat "$BC_TMP/body")"
header=$(node -e 'console.log(Buffer.from(process.argv[1].split(".")[0],"base64url").toString())' "$jwt")
bc_assert_eq "the JWT is signed with the synced key" "$kid" "$(json_get '.kid' <<<"$header")"
# The JWKS doctor passes on the result: inside the sync's report, and run on its own.
contains "doctor ran after the sync" "$steps" "|JWKS doctor: 10 of 10 checks ok"
run jwks doctor --json
bc_assert_eq "no doctor check fails" "" "$(json_get 'j.checks.filter(c=>c.status==="fail").map(c=>c.id+": "+c.message).join("; ")' <<<"$out")"
expect_rc 0 "jwks doctor after the first sync"
# Audit: the variables first, JWKS second; hashes, never values.
rows=$(audit_rows)
bc_assert_eq "audit order" "env.sync done,env.jwks.create done" \
    "$(json_get 'j.map(r=>r.action+" "+r.state).join()' <<<"$rows")"
grep -qF "$SECRET" "$AUDIT" && bc_die "the audit log holds the secret"
contains "audit holds hashes" "$(json_get '.[0].after_json' <<<"$rows")" '"BETTER_AUTH_SECRET":"<44 bytes, sha256:'

# --read-only: no single variable changes either.
before=$(remote)
set +e
printf 'other' | "$BCADMIN" --read-only env set SITE_URL >/dev/null 2>"$BC_TMP/err"
rc=$?
set -e
err=$(cat "$BC_TMP/err")
expect_rc 4 "--read-only env set"
run --read-only env unset SITE_URL
expect_rc 4 "--read-only env unset"
contains "--read-only env unset says why" "$err" "changing environment variables refused"
bc_assert_eq "env set/unset under --read-only changed nothing" "$before" "$(remote)"

# --- 2. values round-trip byte for byte: file -> deployment -> env list --json --reveal -------
run env list --json --reveal
expect_rc 0 "env list"
bc_json_same "deployment values equal dotenv's parse of the file" "$(dotenv_parse convex/.env)" "$out"
run env list --file convex/.env --json --reveal
expect_rc 0 "env list --file"
bc_json_same "the file as bcadmin reads it equals dotenv's parse" "$(dotenv_parse convex/.env)" "$out"
run env list --json
contains "masked by default" "$out" '"QUOTES": "<'
case "$out" in *quoted*) bc_die "env list without --reveal shows a value" ;; esac
run env sync --auth --yes
expect_rc 0 "second sync"
contains "second sync has nothing to do" "$out" "nothing to do"
# env diff --exit-code, the CI gate: 0 when in step (JWKS only on the deployment is no drift).
run env diff --exit-code
expect_rc 0 "env diff --exit-code in step"
echo 'DRIFT=1' >>convex/.env
run env diff --exit-code
expect_rc 1 "env diff --exit-code after the file changed"
contains "names the count" "$err" "the file and the deployment differ in 1 name (--exit-code)"
contains "still prints the plan" "$out" "DRIFT"
run env diff
expect_rc 0 "env diff without --exit-code"
sed -i '/^DRIFT=/d' convex/.env

# --- 3. secret safety ---------------------------------------------------------------------------
# a) the file loses its secret: the deployment's is kept, never overwritten or regenerated.
grep -v '^BETTER_AUTH_SECRET=' convex/.env >convex/.env.new && mv convex/.env.new convex/.env
run env sync --auth --dry-run --json
expect_rc 0 "dry run without a local secret"
bc_assert_eq "secret kept" "remote-only false" \
    "$(json_get 'j.items.find(i=>i.name==="BETTER_AUTH_SECRET").action+" "+j.secretGenerated' <<<"$out")"
bc_assert_eq "offer to copy it" true "$(json_get '.secretOffer' <<<"$out")"
run env sync --auth --yes --prune
expect_rc 0 "sync without a local secret, --yes takes the offer"
bc_assert_eq "deployment secret unchanged" "$SECRET" "$(remote | json_get '.BETTER_AUTH_SECRET')"
bc_assert_eq "file got the deployment's secret" "$SECRET" "$(dotenv_parse convex/.env | json_get '.BETTER_AUTH_SECRET')"
cmp -s <(remote | json_get '.JWKS') "$BC_TMP/jwks" || bc_die "JWKS changed"

# b) a different secret in the file while the deployment holds a JWKS: refused; only
# --replace-secret changes it, with the rotation right after as one audited checklist.
NEW_SECRET=bmV3LXNlY3JldC1mb3ItdGhlLWZvcmNlLXRlc3QtMDEyMzQ1Ng==
node -e 'const fs=require("fs");const f=process.argv[1];fs.writeFileSync(f,fs.readFileSync(f,"utf8").replace(/^BETTER_AUTH_SECRET=.*$/m,"BETTER_AUTH_SECRET="+process.argv[2]))' convex/.env "$NEW_SECRET"
before=$(remote)
run env sync --auth --yes
expect_rc 4 "secret change under a JWKS"
contains "names the consequence" "$out$err" "every key would stop decrypting: all sign-ins fail until a rotation"
contains "names the one way" "$out$err" "--replace-secret"
bc_assert_eq "deployment unchanged after the refusal" "$before" "$(remote)"
set +e
printf '%s\n' "$NEW_SECRET" | "$BCADMIN" env set BETTER_AUTH_SECRET >/dev/null 2>"$BC_TMP/err"
rc=$?
set -e
bc_assert_eq "env set of the secret is refused too" 4 "$rc"
run env sync --auth --force --yes
expect_rc 4 "--force does not replace a secret under keys"
bc_assert_eq "deployment unchanged after --force" "$before" "$(remote)"
# --replace-secret: the replace-secret checklist sets the secret, then rotateKeys and JWKS. With
# --json, stdout is one JSON document: the plan, with the checklist run inside it.
run env sync --auth --replace-secret --yes --json
expect_rc 0 "secret replaced with its rotation"
bc_assert_eq "one JSON document: the plan with its run" "BETTER_AUTH_SECRET replace-secret done done" \
    "$(json_get 'j.items.find(i=>i.name==="BETTER_AUTH_SECRET").name+" "+j.run.checklist+" "+j.run.state+" "+j.run.outcome' <<<"$out")"
bc_assert_eq "secret changed" "$NEW_SECRET" "$(remote | json_get '.BETTER_AUTH_SECRET')"
bc_assert_eq "one replace-secret run, done" "replace-secret done" \
    "$("$BCADMIN" checklist list --json | json_get 'j.runs[0].checklist + " " + j.runs[0].state')"
# On an 80-column terminal the checklist runs and the variables (a JWKS value is long) are tables
# whose lines fit it, like every table verb's (tests/cli/tables.sh).
script -qec "stty cols 80 rows 50; '$BCADMIN' checklist list; '$BCADMIN' env list --reveal" /dev/null \
    </dev/null | tr -d '\r' >"$BC_TMP/tty80"
contains "checklist list on a terminal" "$(cat "$BC_TMP/tty80")" "replace-secret  done"
contains "env list on a terminal: the JWKS value is cut" "$(cat "$BC_TMP/tty80")" "JWKS"
bc_assert_eq "checklist list and env list fit 80 columns" ok "$(python3 -c '
import sys, unicodedata
w = max(sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in l.rstrip("\n"))
        for l in open(sys.argv[1], encoding="utf-8"))
print("ok" if w <= 80 else "a line %d columns wide" % w)' "$BC_TMP/tty80")"
"$BCADMIN" jwks doctor >"$BC_TMP/doc.txt" 2>&1 || bc_die "doctor after --replace-secret: $(cat "$BC_TMP/doc.txt")"
remote | json_get '.JWKS' >"$BC_TMP/jwks2"
"$CRYPTO" row-open "$NEW_SECRET" <"$BC_TMP/jwks2" >/dev/null || bc_die "the rotated key does not decrypt with the new secret"
"$CRYPTO" row-open "$SECRET" <"$BC_TMP/jwks2" >/dev/null 2>&1 && bc_die "the rotated key decrypts with the old secret"
[ "$(json_get '.[0].id' <"$BC_TMP/jwks2")" != "$kid" ] || bc_die "the key id did not change"
# Its audit entry keeps the secret's short hashes under the variable's name, as env.sync entries
# do (never under "kid"); the log prints them so, and the entry cannot be undone.
short() { printf %s "$1" | sha256sum | cut -c1-8; }
run audit --json
entry=$(json_get 'JSON.stringify(j.entries.find(e=>e.action==="env.replace_secret"))' <<<"$out")
bc_assert_eq "replace-secret audit: the secret's hashes, no kid" \
    "sha256:$(short "$SECRET") sha256:$(short "$NEW_SECRET") undefined undefined" \
    "$(json_get 'j.before.BETTER_AUTH_SECRET+" "+j.after.BETTER_AUTH_SECRET+" "+j.before.kid+" "+j.after.kid' <<<"$entry")"
run audit
contains "the log shows the hashes by name" "$out" \
    "BETTER_AUTH_SECRET: \"sha256:$(short "$SECRET")\" -> \"sha256:$(short "$NEW_SECRET")\""
run audit undo "$(json_get .id <<<"$entry")" --yes
expect_rc 4 "a replaced secret is not undone from the log"
contains "says why" "$err" "(env.replace_secret) cannot be undone"

# --- 4. Convex's name and size rules -------------------------------------------------------------
big=$(head -c 8193 /dev/zero | tr '\0' v)
printf 'SITE_URL=http://localhost:3000\n1BAD=x\nA.B=y\nBIG=%s\n' "$big" >"$BC_TMP/bad.env"
before=$(remote)
run env sync --file "$BC_TMP/bad.env" --yes
expect_rc 4 "a file with names and values Convex refuses"
contains "leading digit named with its line" "$out" "bad.env:2: 1BAD: Convex refuses the name"
contains "dot named" "$out" "bad.env:3: A.B"
contains "8 KiB" "$out" "bad.env:4: BIG: Convex refuses the value: 8193 bytes"
bc_assert_eq "nothing sent" "$before" "$(remote)"
printf 'BIG=%s\n%s=ok\n' "${big:1}" "$(head -c 256 /dev/zero | tr '\0' N)" >"$BC_TMP/limits.env"
run env sync --file "$BC_TMP/limits.env" --yes
expect_rc 0 "8 KiB value and 256-character name"
bc_assert_eq "8192-byte value stored" 8192 "$(remote | json_get '.BIG.length')"
set +e
printf 'x' | "$BCADMIN" env set "$(head -c 257 /dev/zero | tr '\0' N)" >/dev/null 2>"$BC_TMP/err"
rc=$?
set -e
bc_assert_eq "257-character name refused by env set" 2 "$rc"
contains "says why" "$(cat "$BC_TMP/err")" "257 characters"
set +e
printf 'x' | "$BCADMIN" env set CONVEX_SITE_URL >/dev/null 2>"$BC_TMP/err"
rc=$?
set -e
bc_assert_eq "built-in name refused" 2 "$rc"
set +e
head -c 8193 /dev/zero | tr '\0' v | "$BCADMIN" env set TOO_BIG >/dev/null 2>"$BC_TMP/err"
rc=$?
set -e
bc_assert_eq "8193-byte value refused by env set" 2 "$rc"

# env set: stdin's exact bytes minus one trailing newline; env unset.
printf 'a "b" $c `d` =e\n\n' | "$BCADMIN" env set ODD >/dev/null
bc_assert_eq "env set keeps every byte but one newline" '"a \"b\" $c `d` =e\n"' "$(remote | json_get 'JSON.stringify(j.ODD)')"
"$BCADMIN" env unset ODD >/dev/null
bc_assert_eq "set and unset audited as such" "env.set ODD done,env.unset ODD done" \
    "$(audit_rows | json_get 'j.slice(-2).map(r=>r.action+" "+r.subject+" "+r.state).join()')"
[ "$(remote | json_get '"ODD" in j')" = false ] || bc_die "env unset left ODD"
run env unset ODD
expect_rc 3 "unset of a missing name"

# --- 5. an injected failure during apply leaves the deployment unchanged ----------------------
printf 'SITE_URL=http://localhost:3000\nFAULTY=1\nBETTER_AUTH_SECRET=%s\n' "$NEW_SECRET" >"$BC_TMP/f.env"
before=$(remote)
curl -sS -X POST "$DEV/__test/faults" -H 'content-type: application/json' \
    -d '{"kind":"status","status":500,"path":"/api/update_environment_variables"}' >/dev/null
run env sync --file "$BC_TMP/f.env" --yes
expect_rc 1 "sync with an injected 500"
contains "says the deployment is unchanged" "$err" "the deployment is unchanged"
bc_assert_eq "deployment unchanged" "$before" "$(remote)"
bc_assert_eq "audit says failed" failed "$(audit_rows | json_get 'j[j.length-1].state')"
contains "audit names the error" "$(audit_rows | json_get 'j[j.length-1].error')" "500"
# A reply lost after the change was made: bcadmin lists again and says so.
curl -sS -X POST "$DEV/__test/faults" -H 'content-type: application/json' \
    -d '{"kind":"drop","phase":"after","path":"/api/update_environment_variables"}' >/dev/null
run env sync --file "$BC_TMP/f.env" --yes
expect_rc 0 "sync whose answer was lost, listed again: every change applied (exit as the audit: done)"
contains "says it was applied" "$out" "shows every change applied"
bc_assert_eq "the change is there" 1 "$(remote | json_get '.FAULTY')"
bc_assert_eq "audit says done: the change stands" done "$(audit_rows | json_get 'j[j.length-1].state')"
# The answer lost and the deployment unreadable afterwards: whether it applied is unknown, which
# the entry says and exit 5 says (not 1: a failure that changed nothing).
printf 'SITE_URL=http://localhost:3000\nFAULTY=2\nBETTER_AUTH_SECRET=%s\n' "$NEW_SECRET" >"$BC_TMP/f.env"
curl -sS -X POST "$DEV/__test/faults" -H 'content-type: application/json' \
    -d '{"kind":"drop","phase":"after","path":"/api/update_environment_variables"}' >/dev/null
curl -sS -X POST "$DEV/__test/faults" -H 'content-type: application/json' \
    -d '{"kind":"status","status":500,"persistent":true,"skip":1,"path":"/api/v1/list_environment_variables"}' >/dev/null
run env sync --file "$BC_TMP/f.env" --yes
curl -sS -X DELETE "$DEV/__test/faults" >/dev/null
expect_rc 5 "sync whose answer was lost and whose re-listing failed"
contains "says it is unknown" "$err" "listing the deployment again failed too, so whether the change was applied is unknown (run \`bcadmin env diff\` to see, then sync again)"
bc_assert_eq "audit says unknown" unknown "$(audit_rows | json_get 'j[j.length-1].state')"
bc_assert_eq "the change is there all the same" 2 "$(remote | json_get '.FAULTY')"
run env sync --file "$BC_TMP/f.env" --yes
expect_rc 0 "sync again after the unknown one"
contains "nothing left to do" "$out" "nothing to do: the deployment already matches"

# --- 6. --prune and --dry-run --------------------------------------------------------------------
printf 'SITE_URL=http://localhost:3000\nKEEP=1\n' >"$BC_TMP/p.env"
before=$(remote)
run env sync --file "$BC_TMP/p.env" --prune --dry-run
expect_rc 0 "prune dry run"
bc_assert_eq "dry run changed nothing" "$before" "$(remote)"
contains "prune plans removals" "$out" "FAULTY"
printf 'SITE_URL=http://localhost:3000\nBLANK=\n' >"$BC_TMP/blank.env"
run env diff --file "$BC_TMP/blank.env"
contains "an empty value is skipped" "$out" " empty: skipped, as better-convex skips empty values"
[[ "$out" != *"empty: empty:"* ]] || bc_die "the skip note says empty twice: $out"
run env sync --file "$BC_TMP/p.env" --prune --yes --json
expect_rc 0 "prune"
bc_assert_eq "pruned to the file plus the protected" "BETTER_AUTH_SECRET,JWKS,KEEP,SITE_URL" \
    "$(remote | json_get 'Object.keys(j).sort().join()')"
bc_assert_eq "JWKS untouched by prune" "$(cat "$BC_TMP/jwks2")" "$(remote | json_get '.JWKS')"

# --- 7. dev / prod comparison -------------------------------------------------------------------
printf 'CONVEX_SELF_HOSTED_URL=%s\nCONVEX_SELF_HOSTED_ADMIN_KEY=%s\n' "$PROD" "$KEY_PROD" >"$BC_TMP/prod.env"
printf 'SITE_URL=http://localhost:3000\nKEEP=2\nPROD_ONLY=x\n' >"$BC_TMP/prodvars.env"
CONVEX_SELF_HOSTED_URL=$PROD CONVEX_SELF_HOSTED_ADMIN_KEY=$KEY_PROD "$BCADMIN" env sync \
    --file "$BC_TMP/prodvars.env" --yes >/dev/null
run env diff --against "$BC_TMP/prod.env" --json
expect_rc 0 "diff --against"
bc_assert_eq "comparison" "BETTER_AUTH_SECRET:only-here,JWKS:only-here,KEEP:different,PROD_ONLY:only-there,SITE_URL:same" \
    "$(json_get 'j.items.map(i=>i.name+":"+i.status).join()' <<<"$out")"
case "$out" in *"$NEW_SECRET"*) bc_die "the comparison shows a value" ;; esac
run env diff --against "$BC_TMP/prod.env"
expect_rc 0 "human diff --against"
contains "count" "$out" "4 of 5 names differ"
run env diff --against "$BC_TMP/prod.env" --exit-code
expect_rc 1 "diff --against --exit-code"
contains "--against --exit-code" "$err" "the two deployments differ in 4 names"
# The global --url/--admin-key choose the deployment like the Convex CLI's flags.
run --url "$PROD" --admin-key "$KEY_PROD" env list --json
expect_rc 0 "env list with --url/--admin-key"
bc_assert_eq "flags pick prod" "KEEP,PROD_ONLY,SITE_URL" "$(json_get 'Object.keys(j).sort().join()' <<<"$out")"
run env diff --against "$BC_TMP/prod.env" --file convex/.env
expect_rc 2 "--against with --file"

# --- 8. confirmation on a terminal (script(1) gives bcadmin a pty) ---------------------------
if command -v script >/dev/null 2>&1; then
    printf 'SITE_URL=http://localhost:3000\nKEEP=1\nASKED=1\n' >"$BC_TMP/tty.env"
    before=$(remote)
    set +e
    printf 'n\n' | script -qec "'$BCADMIN' env sync --file '$BC_TMP/tty.env'" /dev/null >"$BC_TMP/tty.out" 2>&1
    set -e
    contains "asks on a terminal" "$(cat "$BC_TMP/tty.out")" "Apply 1 change to self-hosted ${DEV#http://}"
    contains "a no is a refusal" "$(cat "$BC_TMP/tty.out")" "not applied: not confirmed"
    bc_assert_eq "nothing applied after no" "$before" "$(remote)"
    printf 'y\n' | script -qec "'$BCADMIN' env sync --file '$BC_TMP/tty.env'" /dev/null >"$BC_TMP/tty.out" 2>&1
    bc_assert_eq "applied after yes" 1 "$(remote | json_get '.ASKED')"
    # --prod: a y is not enough, the deployment's name must be typed after it.
    printf 'SITE_URL=http://localhost:3000\nKEEP=1\nASKED=2\n' >"$BC_TMP/tty.env"
    printf 'y\n' | script -qec "'$BCADMIN' --prod env sync --file '$BC_TMP/tty.env'" /dev/null >"$BC_TMP/tty.out" 2>&1 || true
    contains "production asks for the name" "$(cat "$BC_TMP/tty.out")" "PRODUCTION deployment: type its name (${DEV#http://})"
    bc_assert_eq "a y does not apply on production" 1 "$(remote | json_get '.ASKED')"
    printf 'y\n%s\n' "${DEV#http://}" | script -qec "'$BCADMIN' --prod env sync --file '$BC_TMP/tty.env'" /dev/null >"$BC_TMP/tty.out" 2>&1
    bc_assert_eq "the typed name applies" 2 "$(remote | json_get '.ASKED')"
    # env set on a terminal: the value is one line typed twice, not all input up to an end of
    # file, which would swallow the answers to the confirmation after it.
    printf 'typed value\ntyped value\ny\n%s\n' "${DEV#http://}" |
        script -qec "'$BCADMIN' --prod env set TYPED" /dev/null >"$BC_TMP/tty.out" 2>&1 || true
    bc_assert_eq "env set on a terminal: the typed value, confirmed by name" "typed value" "$(remote | json_get '.TYPED')"
    # Hostile values on a terminal: the plan and the list show escape sequences visibly, never
    # raw (an OSC 52 would set the clipboard, BEL rings); --json keeps the value itself.
    printf 'SITE_URL=http://localhost:3000\nKEEP=1\nASKED=2\nHOSTILE="a\033]52;c;aGk=\007b"\n' >"$BC_TMP/tty.env"
    script -qec "'$BCADMIN' env sync --file '$BC_TMP/tty.env' --reveal --yes" /dev/null </dev/null >"$BC_TMP/tty.out" 2>&1
    contains "the plan shows the value escaped" "$(cat "$BC_TMP/tty.out")" 'a\x1b]52;c;aGk=\x07b'
    ! grep -q "$(printf '\033')]52" "$BC_TMP/tty.out" || bc_die "env sync: an escape sequence reached the terminal"
    ! grep -q "$(printf '\007')" "$BC_TMP/tty.out" || bc_die "env sync: a BEL reached the terminal"
    bc_assert_eq "stored as written" "$(printf 'a\033]52;c;aGk=\007b')" "$(remote | json_get '.HOSTILE')"
    script -qec "'$BCADMIN' env list --reveal" /dev/null </dev/null >"$BC_TMP/tty.out" 2>&1
    contains "env list shows the value escaped" "$(cat "$BC_TMP/tty.out")" 'a\x1b]52;c;aGk=\x07b'
    ! grep -q "$(printf '\033')]52" "$BC_TMP/tty.out" || bc_die "env list: an escape sequence reached the terminal"
fi

# A deployment that is down: the error names the endpoint and what bcadmin was doing.
down=$("$BCADMIN" --url http://127.0.0.1:9 --admin-key 'down|key' env list 2>&1) || true
contains "down: names what failed and where" "$down" \
    "cannot reach http://127.0.0.1:9/api/v1/list_environment_variables ("
contains "down: says what bcadmin was doing" "$down" "); while listing environment variables"

bc_log "ok"
