#!/bin/sh
# A Better Auth 1.7 file (jwks with alg and crv, as 1.7's migration adds them) whose app uses
# versioned secrets: the top bar names the line from the schema, the JWKS screen opens the
# "$ba$2$" key with BETTER_AUTH_SECRETS (bare BETTER_AUTH_SECRET alone would not), and K writes the
# new key in the current version's envelope with its alg and crv.
. "$(dirname "$0")/lib.sh"
make_fixture 5
sqlite3 "$DIR/app.db" 'ALTER TABLE jwks ADD COLUMN alg text; ALTER TABLE jwks ADD COLUMN crv text'
LEGACY=0123456789abcdef0123456789abcdef0123456789ab
SECRETS=2:current-secret-0123456789abcdef0123456789,1:older-secret-0123456789abcdef0123456789
cli() {
    env -i PATH=/usr/bin:/bin HOME="$DIR" BCADMIN_NOW=$NOW BETTER_AUTH_SECRET=$LEGACY \
        BETTER_AUTH_SECRETS=$SECRETS "$BCADMIN" "$@" --db "$DIR/app.db"
}
kid=$(cli jwks rotate --json | sed -n 's/.*"kid": *"\([^"]*\)".*/\1/p')
[ ${#kid} -eq 32 ] || fail "jwks rotate made no key: [$kid]"
envelope() { sqlite3 "$DIR/app.db" "SELECT substr(privateKey, 1, 7) || ' ' || alg || ' ' || crv FROM jwks WHERE id = '$1'"; }
[ "$(envelope "$kid")" = '"$ba$2$ EdDSA Ed25519' ] || fail "the key row: $(envelope "$kid")"

EXTRA_ENV="BETTER_AUTH_SECRET=$LEGACY BETTER_AUTH_SECRETS=$SECRETS" start 120 32
wait_for "row 1 of 5"
expect_screen_has " sqlite │ app.db │ BA 1.7 "
keys 4
wait_for "6 checks: 6 ok, 0 warn, 0 fail   secret: BETTER_AUTH_SECRETS"
expect_line 4 "▸ok     schema.line      Better Auth 1.7 (jwks has alg and crv)"
expect_screen_has " ok     rows.decrypt     every row decrypts with BETTER_AUTH_SECRETS and matches its public key (1 in a"
expect_screen_has " $kid Ed25519  2026-03-15 00:00 -                yes"
keys K
wait_for "Rotate the signing key of app.db"
text "app.db"
keys Enter
wait_for "is now the newest row; 1 older key stops signing and stays"
new=$(sqlite3 "$DIR/app.db" "SELECT id FROM jwks WHERE id != '$kid'")
[ "$(envelope "$new")" = '"$ba$2$ EdDSA Ed25519' ] || fail "the console's key row: $(envelope "$new")"
wait_for "Key rows (2, newest signs)"
expect_screen_has "▸$new Ed25519  2026-03-15 00:00 -                yes"
keys q
wait_for "Users  row 1 of 5"
