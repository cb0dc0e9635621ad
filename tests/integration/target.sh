#!/bin/bash
# One target for every verb (core/target.h), on the Convex test deployment (real better-convex
# functions under convex-test): the production policy of the verbs on a `prod:happy-cat-123|...`
# key (a pseudo-terminal from script(1): no answer, a wrong name, the name; without a terminal
# only --yes), "cannot reach URL" before any talk of missing functions, a URL with a path, the
# layout remembered in the state database (a second process sends no probe; a changed
# deployment re-detects), `env sync --auth` on the generated/auth and component layouts, and the
# key checklists on a self-hosted deployment whose site URL nobody knows: a bootstrap refused at
# its precondition is "not started" and blocks nothing, the doctor warns instead of failing; and
# the secret guard: with a key row and no JWKS variable every path that would change
# BETTER_AUTH_SECRET refuses, and --replace-secret runs the rotation right after.
# Usage: target.sh BCADMIN SOURCE_ROOT
set -eu
. "$2/tests/peers/lib.sh"
bc_require_peers
[ -d "$BC_PEERS_DIR/node_modules/convex-test" ] || bc_skip "convex-test is not installed"
bc_require_bcadmin "$(realpath "$1")"
command -v script >/dev/null 2>&1 || bc_skip "script(1) is not installed"
export XDG_STATE_HOME="$BC_TMP/state"
unset BCADMIN_DB BETTER_AUTH_SECRET CONVEX_DEPLOY_KEY CONVEX_SELF_HOSTED_URL CONVEX_SELF_HOSTED_ADMIN_KEY CONVEX_SITE_URL || true
cd "$BC_TMP"
STATE="$XDG_STATE_HOME/bcadmin/state.db"
PROD_KEY='prod:happy-cat-123|0123456789abcdef'

# cx_start KEY [SERVER OPTIONS...]: a fresh deployment; sets CX and CXPID.
cx_start() { bc_cx_start "$@"; }
cx_stop() { kill "$CXPID" 2>/dev/null || true; wait "$CXPID" 2>/dev/null || true; }
stats() { curl -sS "$CX/__test/stats" | json_get "$1"; }
cached() { bc_sql "$STATE" "SELECT functions FROM layout_cache WHERE url = ?" "$CX" | json_get 'j.map(r => r.functions).join()'; }
stats_reset() { curl -sS -X POST "$CX/__test/stats/reset" >/dev/null; }
seed() { curl -sS -X POST "$CX/__test/seed" -H 'content-type: application/json' -d "{\"users\":$1}" >/dev/null; }
# banned EMAIL KEY [MODULE]: the user's banned field, read from the deployment directly.
banned() {
    curl -sS -X POST "$CX/api/function" -H 'content-type: application/json' -H "Authorization: Convex $2" \
        -d "{\"path\":\"${3:-auth}:findOne\",\"args\":{\"model\":\"user\",\"where\":[{\"field\":\"email\",\"value\":\"$1\"}]},\"format\":\"convex_encoded_json\"}" |
        json_get 'String(j.value.banned)'
}
# run ARGS...: bcadmin without a terminal (stdin /dev/null); sets rc, out, err.
run() {
    set +e
    out=$("$BCADMIN" "$@" </dev/null 2>"$BC_TMP/err")
    rc=$?
    set -e
    err=$(cat "$BC_TMP/err")
}
# tty INPUT ARGS...: bcadmin on a pseudo-terminal fed INPUT; sets rc and out (both streams).
tty() {
    local input=$1 cmd="'$BCADMIN'" a
    shift
    for a in "$@"; do cmd="$cmd '$a'"; done
    set +e
    out=$(printf '%b' "$input" | script -qec "$cmd" /dev/null 2>&1)
    rc=$?
    set -e
}
expect_rc() { [ "$rc" = "$1" ] || bc_die "$2: exit $rc, want $1; out: ${out:0:600}; err: ${err:-}"; }
has() { case "$2" in *"$3"*) ;; *) bc_die "$1: [${2:0:900}] lacks [$3]" ;; esac; }
lacks() { case "$2" in *"$3"*) bc_die "$1: [${2:0:900}] has [$3]" ;; esac; }

# --- 1. production policy of the verbs ---------------------------------------------------------
cx_start "$PROD_KEY"
seed 3
P=(--url "$CX" --admin-key "$PROD_KEY")
U=user00001@example.com
run "${P[@]}" users ban "$U"
expect_rc 4 "no terminal, no --yes"
has "names the typed name and --yes" "$err" "happy-cat-123 is a PRODUCTION deployment"
has "says --yes" "$err" "--yes"
bc_assert_eq "not banned without --yes" false "$(banned "$U" "$PROD_KEY")"
tty '' "${P[@]}" users ban "$U"
expect_rc 4 "terminal, no answer"
has "asks y/N" "$out" "[y/N]"
bc_assert_eq "not banned without an answer" false "$(banned "$U" "$PROD_KEY")"
tty 'y\nhappy-dog-123\n' "${P[@]}" users ban "$U"
expect_rc 4 "terminal, wrong name"
has "shows the name as it must be typed" "$out" "type its name (happy-cat-123)"
has "names the wrong answer" "$out" '"happy-dog-123" is not the deployment'
bc_assert_eq "not banned after a wrong name" false "$(banned "$U" "$PROD_KEY")"
tty 'y\nhappy-cat-123\n' "${P[@]}" users ban "$U"
expect_rc 0 "terminal, the name typed"
bc_assert_eq "banned after the name" true "$(banned "$U" "$PROD_KEY")"
run "${P[@]}" --yes users unban "$U"
expect_rc 0 "no terminal, --yes"
bc_assert_eq "unbanned with --yes" false "$(banned "$U" "$PROD_KEY")"
# A bulk write asks the same, before its own count.
tty 'y\nhappy-cat-123\nuser00002@example.com\n' "${P[@]}" users ban --search user00002
expect_rc 0 "bulk ban after the name and the email"
bc_assert_eq "bulk banned" true "$(banned user00002@example.com "$PROD_KEY")"
# env set on production: the same rule.
set +e
out=$(printf on | "$BCADMIN" "${P[@]}" env set SOME_FLAG 2>"$BC_TMP/err")
rc=$?
set -e
err=$(cat "$BC_TMP/err")
expect_rc 4 "env set without --yes"
has "env set refusal" "$err" "happy-cat-123 is a PRODUCTION deployment"

# --- 2. what cannot be reached is said first ---------------------------------------------------
run --url http://127.0.0.1:9 --admin-key "$PROD_KEY" users list
expect_rc 1 "unreachable URL"
has "cannot reach first" "$err" "bcadmin: cannot reach http://127.0.0.1:9"
lacks "no talk of functions" "$err" "no better-convex auth functions"
run --url "$CX/some/path" --admin-key "$PROD_KEY" users list
expect_rc 2 "URL with a path"
has "a path is refused" "$err" "has a path (/some/path)"
cx_stop

# --- 3. the layout, detected once and remembered -----------------------------------------------
KEY='convex-self-hosted|0123456789abcdef'
cx_start "$KEY" --layout generated
seed 2
G=(--url "$CX" --admin-key "$KEY")
run "${G[@]}" users list --json
expect_rc 0 "first process detects"
[ "$(stats "j.byFunction['auth:findMany'] ?? 0")" -ge 1 ] || bc_die "the first process sent no probe"
bc_assert_eq "remembered" "generated/auth:*" "$(cached)"
stats_reset
run "${G[@]}" users list --json
expect_rc 0 "second process"
bc_assert_eq "no probe of auth:*" 0 "$(stats "j.byFunction['auth:findMany'] ?? 0")"
bc_assert_eq "no probe of the component" 0 "$(stats "j.byFunction['adapter:findMany'] ?? 0")"
[ "$(stats "j.byFunction['generated/auth:findMany'] ?? 0")" -ge 1 ] || bc_die "the page was not read at generated/auth"
# env sync --auth on generated/auth: the secret first, then getLatestJwks where the layout is.
printf 'SITE_URL=http://localhost:3000\n' >"$BC_TMP/gen.env"
run "${G[@]}" env sync --auth --yes --file "$BC_TMP/gen.env"
expect_rc 0 "env sync --auth on generated/auth"
[ "$(stats "j.byFunction['generated/auth:getLatestJwks'] ?? 0")" -ge 1 ] || bc_die "getLatestJwks was not called at generated/auth"
bc_assert_eq "no call at auth:getLatestJwks" 0 "$(stats "j.byFunction['auth:getLatestJwks'] ?? 0")"
# The same URL and key now answer with another layout: the cached one fails, bcadmin re-detects.
port=${CX##*:}
cx_stop
cx_start "$KEY" --layout root --port "$port"
seed 1
run "${G[@]}" users list --json
expect_rc 0 "a changed deployment re-detects"
bc_assert_eq "the new layout is remembered" "auth:*" "$(cached)"
cx_stop

# --- 4. env sync --auth on a component install --------------------------------------------------
cx_start "$KEY" --layout component
C=(--url "$CX" --admin-key "$KEY")
printf 'SITE_URL=http://localhost:3000\n' >"$BC_TMP/comp.env"
run "${C[@]}" env sync --auth --yes --file "$BC_TMP/comp.env"
expect_rc 0 "env sync --auth on a component install"
has "JWKS made" "$out" "set JWKS"
[ "$(stats "j.byFunction['auth:getLatestJwks'] ?? 0")" -ge 1 ] || bc_die "getLatestJwks was not called at the root"
cx_stop

# --- 5. checklists that are easy to run again; a doctor that says what it does not know -------
cx_start "$KEY" --env SITE_URL=http://localhost:3000
S=(--url "$CX" --admin-key "$KEY")
run "${S[@]}" jwks bootstrap --yes
expect_rc 4 "bootstrap without a secret"
has "names the command that works" "$err" "bcadmin env sync --auth"
[ "$(grep -o 'env sync' <<<"$err" | wc -l)" = 1 ] || bc_die "the advice is repeated: $err"
has "the run did not start" "$err" "did not start (it blocks nothing)"
first=$("$BCADMIN" checklist list --json | json_get 'j.runs[0].id + " " + j.runs[0].state')
bc_assert_eq "recorded as not started" "not started" "${first#* }"
set +e
printf '0123456789abcdef0123456789abcdef0123456789ab' | "$BCADMIN" "${S[@]}" --yes env set BETTER_AUTH_SECRET >/dev/null 2>"$BC_TMP/err"
rc=$?
set -e
bc_assert_eq "the secret is set" 0 "$rc"
run "${S[@]}" jwks bootstrap --yes --json
expect_rc 0 "bootstrap again, after the secret"
bc_assert_eq "a new run, done" done "$(json_get .state <<<"$out")"
[ "$(json_get .run <<<"$out")" != "${first%% *}" ] || bc_die "the not-started run was reused"
run "${S[@]}" jwks doctor
expect_rc 0 "the doctor passes with what it cannot know"
has "says what it does not know" "$out" "warn  site.urls"
has "with the fix" "$out" "--site-url URL"
run "${S[@]}" --site-url "$CX" jwks doctor
expect_rc 0 "the doctor with --site-url"
lacks "no site warning with --site-url" "$out" "warn  site.urls"
has "names --site-url as the source" "$out" "CONVEX_SITE_URL $CX (--site-url)"
# A second rotation while one is unfinished continues it (saying so) instead of refusing.
run "${S[@]}" jwks rotate
expect_rc 4 "a rotation waits for the operator without a terminal"
run "${S[@]}" jwks rotate
has "continues the unfinished run" "$err" "continuing the unfinished rotate run"
# A mistyped URL: the run is not started and blocks nothing.
run --url "http://127.0.0.1:9" --admin-key "$KEY" jwks bootstrap --yes
has "cannot reach" "$err" "cannot reach http://127.0.0.1:9"
bc_assert_eq "the mistyped URL's run is not started" "not started" \
    "$("$BCADMIN" checklist list --json | json_get 'j.runs[0].state')"
cx_stop

# --- 6. never replace BETTER_AUTH_SECRET while keys depend on it -------------------------------
A=0123456789abcdef0123456789abcdef0123456789ab
B=bmV3LXNlY3JldC1mb3ItdGhlLWd1YXJkLXRlc3QtMDEyMzQ1Ng==
cx_start "$KEY" --env SITE_URL=http://localhost:3000 --env BETTER_AUTH_SECRET=$A
R=(--url "$CX" --admin-key "$KEY")
curl -sS -X POST "$CX/api/action" -H 'content-type: application/json' -H "Authorization: Convex $KEY" \
    -d '{"path":"auth:getLatestJwks","args":{},"format":"convex_encoded_json"}' >/dev/null
secret_now() {
    curl -sS "$CX/api/v1/list_environment_variables" -H "Authorization: Convex $KEY" |
        json_get 'j.environmentVariables.BETTER_AUTH_SECRET'
}
printf 'SITE_URL=http://localhost:3000\nBETTER_AUTH_SECRET=%s\n' "$B" >"$BC_TMP/new.env"
for flags in "" "--auth"; do
    # shellcheck disable=SC2086
    run "${R[@]}" env sync $flags --yes --file "$BC_TMP/new.env"
    expect_rc 4 "env sync $flags under a key row"
    has "names the consequence ($flags)" "$out" "every key would stop decrypting: all sign-ins fail until a rotation"
    has "names the one way ($flags)" "$out" "--replace-secret"
done
set +e
printf '%s' "$B" | "$BCADMIN" "${R[@]}" --yes env set BETTER_AUTH_SECRET >/dev/null 2>"$BC_TMP/err"
rc=$?
set -e
bc_assert_eq "env set BETTER_AUTH_SECRET refused" 4 "$rc"
has "env set says why" "$(cat "$BC_TMP/err")" "the jwks table holds 1 key row"
bc_assert_eq "the secret is unchanged" "$A" "$(secret_now)"
run "${R[@]}" env sync --replace-secret --yes --file "$BC_TMP/new.env"
expect_rc 0 "--replace-secret"
bc_assert_eq "the secret is replaced" "$B" "$(secret_now)"
run "${R[@]}" --site-url "$CX" jwks doctor
expect_rc 0 "the doctor is clean after --replace-secret"
has "the key decrypts with the new secret" "$out" "ok    jwks.private_key   the private key decrypts with BETTER_AUTH_SECRET"
cx_stop
bc_log "ok"
