#!/bin/bash
# `bcadmin jwks rotate` and `jwks doctor` on a SQLite app served by the REAL Better Auth server
# (1.4.9, or the line BC_BA_LINE names): the server signs with the key bcadmin put in its
# database, bcadmin (bc-crypto-tool) verifies that token against the server's /api/auth/jwks,
# get-session keeps working after every rotation, a wrong secret is refused without a change, and
# the doctor judges a newest row of another type as the line does: up to 1.6 the server fails
# every get-session on it (and the doctor says so); 1.7 signs with the row's own alg (and the
# doctor agrees); a server whose configured algorithm changed after its keys were made is seen
# through the keys it publishes (BETTER_AUTH_URL).
# Usage: jwks_sqlite.sh BCADMIN SOURCE_ROOT BC_CRYPTO_TOOL
set -eu
. "$2/tests/peers/lib.sh"
bc_require_peers
bc_require_bcadmin "$1"
TOOL=$3
export BETTER_AUTH_SECRET=$BC_TEST_SECRET
export XDG_STATE_HOME="$BC_TMP/state"

db="$BC_TMP/app.db"
bc_use_sqlite "$db"
ba_start "$db"
token=$(ba_sign_up ada@example.com password1234 Ada)
ba_get /get-session "$token" >/dev/null
ba_expect 200
count() { bc_sql "$db" 'SELECT count(*) AS n FROM jwks' | json_get '.[0].n'; }
newest() { bc_sql "$db" 'SELECT id FROM jwks ORDER BY createdAt DESC LIMIT 1' | json_get '.[0].id'; }
bc_assert_eq "the server made its first key at get-session" 1 "$(count)"
first=$(newest)

# The doctor is clean on the server's own key.
out=$(bc_cli_json jwks doctor --json)
bc_assert_eq "doctor statuses on the server's key" "ok ok ok ok ok ok" \
    "$(echo "$out" | json_get 'j.checks.map(c => c.status).join(" ")')"

# token_kid: a JWT from the server, checked against its published keys; prints the kid.
token_kid() {
    local jwt
    jwt=$(ba_get /token "$token" | json_get .token)
    ba_expect 200
    ba_get /jwks >"$BC_TMP/jwks.json"
    ba_expect 200
    printf '%s' "$jwt" | "$TOOL" verify "$BC_TMP/jwks.json" >/dev/null ||
        bc_die "bcadmin could not verify the server's token against /api/auth/jwks"
    printf '%s' "$jwt" | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>
        console.log(JSON.parse(Buffer.from(s.split(".")[0],"base64url")).kid))'
}

# Rotate: the server signs with bcadmin's key, the old one stays published, expiring now.
r=$(bc_cli_json jwks rotate --json)
kid=$(echo "$r" | json_get .kid)
bc_assert_eq "rotate reports the app's algorithm" EdDSA "$(echo "$r" | json_get .alg)"
bc_assert_eq "bcadmin's row is the newest" "$kid" "$(newest)"
bc_assert_eq "the server signs with bcadmin's key" "$kid" "$(token_kid)"
ba_get /get-session "$token" >/dev/null
ba_expect 200
bc_assert_eq "old key still published" true "$(ba_get /jwks | json_get "j.keys.some(k => k.kid === '$first')")"
bc_assert_eq "old key expires now" 1 "$(bc_sql "$db" 'SELECT count(*) AS n FROM jwks WHERE id = ? AND expiresAt IS NOT NULL' "$first" | json_get '.[0].n')"

# A wrong secret opens no existing key: refused, nothing written, the server unharmed.
echo "another-secret-that-is-long-enough-0123456789" >"$BC_TMP/wrong"
rc=0
bc_cli jwks rotate --secret-file "$BC_TMP/wrong" >/dev/null || rc=$?
bc_assert_eq "wrong secret is refused (exit 4)" 4 "$rc"
grep -q "opens none of the" "$BC_TMP/cli.err" || bc_die "wrong-secret message: $(cat "$BC_TMP/cli.err")"
bc_assert_eq "no row added by the refused rotation" 2 "$(count)"
rc=0
bc_cli jwks doctor --secret-file "$BC_TMP/wrong" >/dev/null || rc=$?
bc_assert_eq "doctor fails with the wrong secret" 1 "$rc"

# An RSA row on this EdDSA server: up to 1.6 the doctor says get-session fails, and the server
# agrees; 1.7 signs RS256 tokens with it, and the doctor agrees.
bc_cli_ok jwks rotate --alg RS256 >/dev/null
rc=0
out=$(bc_cli jwks doctor --json) || rc=$?
line=$(echo "$out" | json_get 'j.checks.find(c => c.id === "schema.line").message')
if ba_at_least 1.7; then
    case $line in "Better Auth 1.7"*) ;; *) bc_die "doctor's line on $BA_VERSION: $line" ;; esac
    bc_assert_eq "Better Auth $BA_VERSION signs with the RSA row (the row's own alg)" \
        "$(newest)" "$(token_kid)"
    ba_get /get-session "$token" >/dev/null
    ba_expect 200
    bc_assert_eq "doctor exit on an RSA newest row under 1.7" 0 "$rc"
    bc_assert_eq "doctor: usable" ok "$(echo "$out" | json_get 'j.checks.find(c => c.id === "newest.usable").status')"
    # Without --alg, the newest row's alg column names the algorithm: RS256 again.
    want_alg=RS256
else
    case $line in "Better Auth 1.4.9 to 1.6"*) ;; *) bc_die "doctor's line on $BA_VERSION: $line" ;; esac
    ba_get /get-session "$token" >/dev/null
    bc_assert_eq "the real server fails get-session on an RSA newest row" 500 "$(ba_status)"
    bc_assert_eq "doctor exit on the wrong-type newest row" 1 "$rc"
    bc_assert_eq "doctor names the newest row" fail "$(echo "$out" | json_get 'j.checks.find(c => c.id === "newest.usable").status')"
    # Rotating again without --alg goes back to the type of the server's own first key.
    want_alg=EdDSA
fi
r=$(bc_cli_json jwks rotate --json --revoke-old)
bc_assert_eq "rotate infers the app's algorithm" "$want_alg" "$(echo "$r" | json_get .alg)"
bc_assert_eq "--revoke-old leaves one row" 1 "$(count)"
ba_get /get-session "$token" >/dev/null
ba_expect 200
bc_assert_eq "the server signs with the repaired key" "$(echo "$r" | json_get .kid)" "$(token_kid)"
bc_cli_json jwks doctor --json >/dev/null

# The server's configuration changes after its keys were made (restarted with jwt's
# keyPairConfig.alg RS256 over its EdDSA keys). The file alone cannot show it; the keys the server
# publishes can (every row without an alg of its own is published with the configured one):
# given the server's URL (BETTER_AUTH_URL), the doctor reads it, and a rotation makes a key of
# that type. Up to 1.6 the server fails every get-session meanwhile; 1.7's rows carry their own
# alg, so the server keeps signing and its configured algorithm does not show.
ba_stop
BA_JWKS_ALG=RS256 ba_start "$db"
server=${BA_URL%/api/auth}
out=$(BETTER_AUTH_URL=$server bc_cli jwks doctor --json) || true
said=$(echo "$out" | json_get 'j.checks.find(c => c.id === "server.alg").message')
if ba_at_least 1.7; then
    case $said in *"own alg"*) ;; *) bc_die "server.alg on $BA_VERSION: $said" ;; esac
    ba_get /get-session "$token" >/dev/null
    ba_expect 200
else
    case $said in *" as RS256: its configured algorithm"*) ;; *) bc_die "server.alg: $said" ;; esac
    ba_get /get-session "$token" >/dev/null
    bc_assert_eq "the real server fails get-session after the change" 500 "$(ba_status)"
    bc_assert_eq "without the server's URL the doctor cannot see it" ok \
        "$(bc_cli jwks doctor --json | json_get 'j.checks.find(c => c.id === "newest.usable").status')"
    bc_assert_eq "with it, the doctor says so" fail "$(echo "$out" | json_get 'j.checks.find(c => c.id === "newest.usable").status')"
    r=$(BETTER_AUTH_URL=$server bc_cli_json jwks rotate --json)
    bc_assert_eq "rotate takes the server's algorithm" "RS256 published by the app's server" \
        "$(echo "$r" | json_get 'j.alg + " " + j.algFrom')"
    ba_get /get-session "$token" >/dev/null
    ba_expect 200
    bc_assert_eq "the server signs with it" "$(echo "$r" | json_get .kid)" "$(token_kid)"
    BETTER_AUTH_URL=$server bc_cli_json jwks doctor --json >/dev/null
fi

# Every rotation is in the audit log, without key material.
audit=$(node -e '
const D = require(process.argv[1] + "/node_modules/better-sqlite3");
const d = new D(process.argv[2], {readonly: true});
console.log(JSON.stringify(d.prepare("SELECT action, state, before_json, after_json FROM audit").all()));' \
    "$BC_PEERS_DIR" "$XDG_STATE_HOME/bcadmin/state.db")
want="jwks.rotate:done jwks.rotate:failed jwks.rotate:done jwks.rotate:done"
ba_at_least 1.7 || want="$want jwks.rotate:done"
bc_assert_eq "audit entries" "$want" "$(echo "$audit" | json_get 'j.map(e => e.action + ":" + e.state).join(" ")')"
case "$audit" in *privateKey* | *'"d"'*) bc_die "audit log holds key material: $audit" ;; esac
echo "jwks_sqlite: ok"
