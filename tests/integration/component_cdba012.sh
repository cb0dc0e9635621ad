#!/bin/bash
# An @convex-dev/better-auth 0.12 component install (tests/peers/cdba-0.12: Better Auth 1.6, the
# data functions `adapter:*` inside component betterAuth, the app's own getLatestJwks/rotateKeys,
# the component's strict `create`) on the Convex test deployment, through the real binary:
# - env sync --auth (secret, then JWKS from the app's getLatestJwks), the doctor, bootstrap and a
#   rotation (the app's rotateKeys, once);
# - the admin verbs, each judged by the real Better Auth server of the app (sign-in, get-session):
#   create (a whole document the strict validator takes), list, show, ban, unban, set-role,
#   sessions revoke, impersonate, set-password, remove;
# - the app's key actions in a module of another name (a copy of the app with auth.js renamed):
#   found from the deployment's function list, or given with --jwks-module; an app without them
#   is refused naming what was tried.
# Usage: component_cdba012.sh BCADMIN SOURCE_ROOT
set -eu
. "$2/tests/peers/lib.sh"
bc_require_peers
APP="$BC_PEERS_DIR/cdba-0.12"
[ -d "$APP/node_modules/@convex-dev/better-auth" ] ||
    bc_skip "tests/peers/cdba-0.12/node_modules is missing: run 'cd tests/peers/cdba-0.12 && npm ci' first"
bc_require_bcadmin "$1"
export XDG_STATE_HOME="$BC_TMP/state"
unset BCADMIN_DB BETTER_AUTH_SECRET BETTER_AUTH_SECRETS BCADMIN_JWKS_MODULE
KEY='convex-self-hosted|0c0d0e0f'
PW=password1234

# cx_start APP_DIR [SERVER OPTIONS]...: a fresh deployment of the app; sets CX, BA_URL and the
# bcadmin target (the environment, as .env.local would give it).
cx_start() {
    local app=$1
    shift
    bc_cx_start "$KEY" --app "$app" --layout component --env SITE_URL=http://localhost:3000 "$@"
    case $(sed -n 's/^BETTER_AUTH //p' "$CX_OUT") in
    1.6.*) ;;
    *) bc_die "the 0.12 app should run Better Auth 1.6, it runs $(sed -n 's/^BETTER_AUTH //p' "$CX_OUT")" ;;
    esac
    BA_URL="$CX/api/auth"
    export CONVEX_SELF_HOSTED_URL=$CX CONVEX_SELF_HOSTED_ADMIN_KEY=$KEY CONVEX_SITE_URL=$CX
}
ctl() { curl -sS -X "$1" "$CX$2" -H 'content-type: application/json' ${3:+-d "$3"}; }
calls() { ctl GET /__test/stats | json_get "j.byFunction['$1'] ?? 0"; }
# adapter FN ARGS: a data function of the component, its value.
adapter() {
    curl -sS -X POST "$CX/api/function" -H 'content-type: application/json' -H "Authorization: Convex $KEY" \
        -d "{\"path\":\"adapter:$1\",\"componentPath\":\"betterAuth\",\"args\":$2,\"format\":\"convex_encoded_json\"}" |
        json_get 'j.status === "success" ? j.value : (() => { throw new Error(JSON.stringify(j)); })()'
}
user_doc() { adapter findOne "{\"model\":\"user\",\"where\":[{\"field\":\"email\",\"value\":\"$1\"}]}"; }
jwks_rows() { adapter findMany '{"model":"jwks","paginationOpts":{"numItems":100,"cursor":null}}' | json_get 'j.page.map(r => r._id).join(" ")'; }
jwks_env() { curl -sS "$CX/api/v1/list_environment_variables" -H "Authorization: Convex $KEY" | json_get 'JSON.parse(j.environmentVariables.JWKS ?? "[]").map(r => r.id).join(" ")'; }
bc() { "$BCADMIN" "$@"; }
bc_ok() { "$BCADMIN" "$@" 2>"$BC_TMP/err" || bc_die "bcadmin $* failed: $(cat "$BC_TMP/err")"; }
session_user() { # TOKEN: the user get-session reports for a bearer token ("null" without one)
    ba_get "/get-session?disableRefresh=true" "$1" >/dev/null
    ba_expect 200
    json_get 'j === null ? "null" : j.user.email' <"$BC_TMP/last.body"
}

# --- keys: env sync --auth, doctor, bootstrap, rotation --------------------------------------
cx_start "$APP"
printf 'SITE_URL=http://localhost:3000\n' >"$BC_TMP/app.env"
bc_ok env sync --auth --yes --file "$BC_TMP/app.env" >/dev/null
grep -q '^BETTER_AUTH_SECRET=' "$BC_TMP/app.env" || bc_die "env sync --auth wrote no secret to the file"
bc_assert_eq "getLatestJwks ran where the app wrote it" 1 "$(calls auth:getLatestJwks)"
kid=$(jwks_rows)
[ -n "$kid" ] || bc_die "env sync --auth made no key"
bc_assert_eq "JWKS is the component's key" "$kid" "$(jwks_env)"
bc_ok jwks doctor >"$BC_TMP/doctor" || bc_die "doctor after env sync --auth: $(cat "$BC_TMP/doctor")"
grep -q "10 checks, 0 failed" "$BC_TMP/doctor" || bc_die "doctor: $(cat "$BC_TMP/doctor")"
out=$(bc_ok jwks bootstrap --yes --json)
bc_assert_eq "bootstrap finds JWKS current" skipped "$(echo "$out" | json_get 'j.steps.find(s => s.id === "set-jwks").state')"
out=$(bc_ok jwks rotate --yes --json)
bc_assert_eq "rotation done" done "$(echo "$out" | json_get .state)"
new=$(jwks_rows)
[ -n "$new" ] && [ "$new" != "$kid" ] || bc_die "rotation left the keys at '$new' (was '$kid')"
bc_assert_eq "JWKS holds the new key" "$new" "$(jwks_env)"
bc_assert_eq "the app's rotateKeys ran once" 1 "$(calls auth:rotateKeys)"
bc_ok jwks doctor >/dev/null

# --- the admin verbs, judged by the app's Better Auth ------------------------------------------
ctl POST /__test/seed '{"users":3}' >/dev/null # user00001 is an admin; password1234 for all
export BCADMIN_AS=user00001@example.com
bc_assert_eq "list" "user00003 user00002 user00001" \
    "$(bc_ok users list --json | json_get 'j.users.map(u => u.email.slice(0, 9)).join(" ")')"
show=$(bc_ok users show user00002@example.com --json)
bc_assert_eq "show: the component's row" "$(user_doc user00002@example.com | json_get ._id)" "$(echo "$show" | json_get .user.id)"
bc_assert_eq "show: sessions and accounts" "1 1" "$(echo "$show" | json_get '[j.sessions.length, j.accounts.length].join(" ")')"

# create: the strict `create` takes bcadmin's user and account, and the server signs the user in
printf 'fresh-password-1\n' | bc_ok users create --email new@example.com --name "New User" >/dev/null
ba_sign_in new@example.com fresh-password-1 >/dev/null

tok=$(ba_sign_in user00002@example.com "$PW")
bc_ok users ban user00002@example.com --reason spam >/dev/null
ba_try_sign_in user00002@example.com "$PW" >/dev/null
ba_expect 403
bc_assert_eq "ban: the old session is gone" null "$(session_user "$tok")"
bc_ok users unban user00002@example.com >/dev/null
ba_sign_in user00002@example.com "$PW" >/dev/null

bc_ok users set-role user00003@example.com admin >/dev/null
bc_assert_eq "set-role" admin "$(user_doc user00003@example.com | json_get .role)"
tok=$(ba_sign_in user00003@example.com "$PW")
ba_get /admin/list-users "$tok" >/dev/null
ba_expect 200
bc_ok sessions revoke "$tok" >/dev/null
bc_assert_eq "sessions revoke" null "$(session_user "$tok")"

out=$(BETTER_AUTH_SECRET=$(sed -n 's/^BETTER_AUTH_SECRET=//p' "$BC_TMP/app.env" | tr -d '"') bc_ok users impersonate user00002@example.com --json)
bc_assert_eq "impersonate: the server's session" user00002@example.com "$(session_user "$(echo "$out" | json_get .token)")"
bc_assert_eq "impersonatedBy" "$(user_doc user00001@example.com | json_get ._id)" "$(json_get .session.impersonatedBy <"$BC_TMP/last.body")"

printf 'another-pass-22\n' | bc_ok users set-password user00002@example.com >/dev/null
ba_sign_in user00002@example.com another-pass-22 >/dev/null
bc_ok --yes users remove new@example.com >/dev/null
bc_assert_eq "remove" null "$(user_doc new@example.com)"
ba_try_sign_in new@example.com fresh-password-1 >/dev/null
ba_expect 401

# --- where the app wrote the key actions ---------------------------------------------------------
# The function list unreadable (a deploy key without the ViewData permission, say): the usual
# module names are probed, and auth is found without running anything there.
ctl POST /__test/faults '{"kind":"error","fn":"_system/cli/modules:apiSpec","persistent":true,"data":"not permitted"}' >/dev/null
probes() { ctl GET /__test/stats | json_get "j.byRoute['/api/query'] ?? 0"; }
bc_assert_eq "no probes while the function list answers" 0 "$(probes)"
bc_ok jwks rotate --yes >/dev/null
bc_assert_eq "rotateKeys ran once more, at auth" 2 "$(calls auth:rotateKeys)"
bc_assert_eq "the usual names were probed (as queries, in one round trip)" 4 "$(probes)"
ctl DELETE /__test/faults >/dev/null

# A copy of the app with the module renamed: found in the function list.
mkdir "$BC_TMP/renamed"
cp -R "$APP/convex" "$BC_TMP/renamed/convex"
ln -s "$APP/node_modules" "$BC_TMP/renamed/node_modules"
# what the app imports from beside it (its schema's tables, the shared codegen stand-ins)
ln -s "$BC_PEERS_DIR/auth-tables.mjs" "$BC_PEERS_DIR/convex-deployment" "$BC_TMP/"
mv "$BC_TMP/renamed/convex/auth.js" "$BC_TMP/renamed/convex/jwtKeys.js"
secret=$(sed -n 's/^BETTER_AUTH_SECRET=//p' "$BC_TMP/app.env" | tr -d '"')
cx_start "$BC_TMP/renamed" --env "BETTER_AUTH_SECRET=$secret"
out=$(bc_ok jwks bootstrap --yes --json)
echo "$out" | json_get 'j.steps.find(s => s.id === "reachable").output' |
    grep -q "getLatestJwks and rotateKeys at jwtKeys:\* (from the deployment's function list)" ||
    bc_die "jwtKeys was not found in the function list: $out"
[ "$(calls jwtKeys:getLatestJwks)" -ge 1 ] || bc_die "getLatestJwks did not run at jwtKeys"
bc_assert_eq "JWKS is the renamed app's key" "$(jwks_rows)" "$(jwks_env)"
# ... and given: no search at all
searches=$(calls _system/cli/modules:apiSpec)
bc_ok jwks rotate --yes --jwks-module jwtKeys >/dev/null
bc_assert_eq "--jwks-module: rotateKeys at jwtKeys" 1 "$(calls jwtKeys:rotateKeys)"
bc_assert_eq "--jwks-module: no search" "$searches" "$(calls _system/cli/modules:apiSpec)"
bc_assert_eq "JWKS follows the rotation" "$(jwks_rows)" "$(jwks_env)"
# A wrong module named is said to be the operator's; a search that finds nothing names what it tried.
rc=0
BCADMIN_JWKS_MODULE=nothere bc jwks rotate --yes >/dev/null 2>"$BC_TMP/err" || rc=$?
[ "$rc" -ne 0 ] || bc_die "a rotation through a module that does not exist succeeded"
grep -q "BCADMIN_JWKS_MODULE names module nothere" "$BC_TMP/err" || bc_die "the error does not name the module: $(cat "$BC_TMP/err")"
bc_ok checklist resume --yes >/dev/null 2>&1 || true # the refused run must not block the next
ctl POST /__test/faults '{"kind":"error","fn":"_system/cli/modules:apiSpec","persistent":true,"data":"not permitted"}' >/dev/null
rc=0
bc jwks bootstrap --yes >/dev/null 2>"$BC_TMP/err" || rc=$?
[ "$rc" -ne 0 ] || bc_die "a bootstrap without a findable getLatestJwks succeeded"
for said in "_system/cli/modules:apiSpec: " "auth:getLatestJwks: not found" "authKeys:getLatestJwks: not found" "--jwks-module MODULE"; do
    grep -qF -- "$said" "$BC_TMP/err" || bc_die "the error does not say '$said': $(cat "$BC_TMP/err")"
done
bc_log "ok"
