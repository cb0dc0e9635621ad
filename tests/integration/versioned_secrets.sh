#!/bin/bash
# Versioned secrets (Better Auth 1.5+) on a SQLite app served by the REAL server of the line
# BC_BA_LINE names (1.5, 1.6 or 1.7): the server runs with BETTER_AUTH_SECRETS and its legacy
# BETTER_AUTH_SECRET, and bcadmin, given the same environment,
#   - names the line the file's schema shows (doctor),
#   - reads the server's "$ba$<version>$" key rows (doctor all ok) and says what is missing
#     without BETTER_AUTH_SECRETS,
#   - rotates into the current version's envelope (1.7: alg and crv written), the server signing
#     with that key, also after the app moves to a new current version,
#   - signs an impersonation cookie with the current secret, which the server accepts,
#   - reads a bare-hex row written before the app turned versioned secrets on (legacy secret).
# Usage: versioned_secrets.sh BCADMIN SOURCE_ROOT BC_CRYPTO_TOOL
set -eu
. "$2/tests/peers/lib.sh"
[ "$BC_BA_LINE" != 1.4 ] || bc_skip "versioned secrets need Better Auth 1.5+ (set BC_BA_LINE)"
bc_require_peers
bc_require_bcadmin "$1"
TOOL=$3
export XDG_STATE_HOME="$BC_TMP/state"
unset BCADMIN_AS AUTH_SECRET || true
LEGACY=$BC_TEST_SECRET
V1=older-secret-version-1-0123456789abcdef
V2=current-secret-version-2-0123456789abcdef
V3=newer-secret-version-3-0123456789abcdef

db="$BC_TMP/app.db"
bc_use_sqlite "$db"

# 1. Before versioned secrets: the server writes a bare-hex key with the legacy secret.
unset BETTER_AUTH_SECRETS || true
ba_start "$db" "$LEGACY"
token=$(ba_sign_up ada@example.com password1234 Ada)
ba_get /token "$token" >/dev/null
ba_expect 200
ba_stop
legacy_kid=$(bc_sql "$db" 'SELECT id FROM jwks' | json_get '.[0].id')

# 2. The app turns versioned secrets on; its new keys are "$ba$2$...".
export BETTER_AUTH_SECRET=$LEGACY BETTER_AUTH_SECRETS="2:$V2,1:$V1"
ba_start "$db" "$LEGACY"
bc_sql "$db" 'UPDATE jwks SET expiresAt = ?' "$(date -u +%Y-%m-%dT%H:%M:%S.000Z)" >/dev/null
ba_get /token "$token" >/dev/null
ba_expect 200
stored() { bc_sql "$db" 'SELECT privateKey FROM jwks WHERE id = ?' "$1" | json_get '.[0].privateKey'; }
newest() { bc_sql "$db" 'SELECT id FROM jwks ORDER BY createdAt DESC LIMIT 1' | json_get '.[0].id'; }
server_kid=$(newest)
case $(stored "$server_kid") in '"$ba$2$'*) ;; *) bc_die "the server's new key is not in the v2 envelope: $(stored "$server_kid")" ;; esac

out=$(bc_cli_json jwks doctor --json)
bc_assert_eq "doctor on a versioned-secrets file" "ok ok ok ok ok ok" \
    "$(echo "$out" | json_get 'j.checks.map(c => c.status).join(" ")')"
line=$(echo "$out" | json_get 'j.checks.find(c => c.id === "schema.line").message')
if ba_at_least 1.7; then want="Better Auth 1.7"; else want="Better Auth 1.4.9 to 1.6"; fi
case $line in "$want"*) ;; *) bc_die "doctor names the line '$line' on $BA_VERSION" ;; esac
echo "$out" | json_get 'j.checks.find(c => c.id === "rows.decrypt").message' | grep -q '1 in a "$ba$<version>$" envelope' ||
    bc_die "rows.decrypt does not count the envelope rows: $out"

# Without BETTER_AUTH_SECRETS the envelope cannot be read: the doctor says which variable.
rc=0
out=$(env -u BETTER_AUTH_SECRETS "$BCADMIN" --db "$db" jwks doctor --json 2>/dev/null) || rc=$?
bc_assert_eq "doctor without BETTER_AUTH_SECRETS" 1 "$rc"
echo "$out" | json_get 'j.checks.find(c => c.id === "newest.usable").message' | grep -q "BETTER_AUTH_SECRETS is not set" ||
    bc_die "the doctor does not name BETTER_AUTH_SECRETS: $out"
# A malformed BETTER_AUTH_SECRETS is a usage error naming the entry, nothing read.
rc=0
BETTER_AUTH_SECRETS="2:$V2,oops" bc_cli jwks doctor >/dev/null || rc=$?
bc_assert_eq "malformed BETTER_AUTH_SECRETS (exit 2)" 2 "$rc"
grep -q "BETTER_AUTH_SECRETS entry 2 has no ':'" "$BC_TMP/cli.err" || bc_die "message: $(cat "$BC_TMP/cli.err")"

# token_kid: a JWT from the server, checked against its published keys; prints the kid.
token_kid() {
    local jwt
    jwt=$(ba_get /token "$token" | json_get .token)
    ba_expect 200
    ba_get /jwks >"$BC_TMP/jwks.json"
    printf '%s' "$jwt" | "$TOOL" verify "$BC_TMP/jwks.json" >/dev/null || bc_die "the server's token does not verify"
    printf '%s' "$jwt" | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>
        console.log(JSON.parse(Buffer.from(s.split(".")[0],"base64url")).kid))'
}

# 3. bcadmin rotates: the new row is in the current (v2) envelope, and the server signs with it.
kid=$(bc_cli_json jwks rotate --json | json_get .kid)
case $(stored "$kid") in '"$ba$2$'*) ;; *) bc_die "bcadmin's key is not in the v2 envelope: $(stored "$kid")" ;; esac
bc_assert_eq "the server signs with bcadmin's v2 key" "$kid" "$(token_kid)"
if ba_at_least 1.7; then
    bc_assert_eq "1.7 columns written" '{"alg":"EdDSA","crv":"Ed25519"}' \
        "$(bc_sql "$db" 'SELECT alg, crv FROM jwks WHERE id = ?' "$kid" | json_get '.[0]')"
fi
# The legacy bare-hex row still opens, with BETTER_AUTH_SECRET.
case $(stored "$legacy_kid") in '"$ba$'*) bc_die "the legacy row changed" ;; esac
printf '[%s]' "$(bc_sql "$db" 'SELECT id, publicKey, privateKey, createdAt FROM jwks WHERE id = ?' "$legacy_kid" |
    json_get '({...j[0], createdAt: Date.parse(j[0].createdAt)})')" | "$TOOL" row-open "$LEGACY" >/dev/null ||
    bc_die "the legacy row does not open with BETTER_AUTH_SECRET"

# 4. The app moves to version 3: bcadmin's next key is "$ba$3$", the server signs with it.
ba_stop
export BETTER_AUTH_SECRETS="3:$V3,2:$V2,1:$V1"
ba_start "$db" "$LEGACY"
kid3=$(bc_cli_json jwks rotate --json | json_get .kid)
case $(stored "$kid3") in '"$ba$3$'*) ;; *) bc_die "bcadmin's key is not in the v3 envelope: $(stored "$kid3")" ;; esac
bc_assert_eq "the server signs with bcadmin's v3 key" "$kid3" "$(token_kid)"
bc_cli_json jwks doctor --json >/dev/null

# 5. Impersonation: the cookie bcadmin prints is signed with the current (v3) secret.
admin=$(ba_sign_up root@example.com password1234 Root)
bc_make_admin "$db" root@example.com
export BCADMIN_AS=root@example.com
cookie=$(bc_cli_json users impersonate ada@example.com --json | json_get .cookie)
[ -n "$cookie" ] || bc_die "no cookie printed"
curl -sS -o "$BC_TMP/session.json" -w '%{http_code}' -H "Cookie: $cookie" \
    "$BA_URL/get-session" >"$BC_TMP/status"
bc_assert_eq "the server accepts bcadmin's cookie" 200 "$(cat "$BC_TMP/status")"
bc_assert_eq "the cookie's session is ada's" ada@example.com "$(json_get .user.email <"$BC_TMP/session.json")"
: "$admin"
echo "versioned_secrets: ok ($BA_VERSION)"
