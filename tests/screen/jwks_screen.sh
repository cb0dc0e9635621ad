#!/bin/sh
# The JWKS screen (4) on a SQLite app whose key row was made by `bcadmin jwks rotate`: the
# doctor's checks with their fixes, the key rows (kid, type, created, expires, decrypts), and K
# rotating the key after the file name is typed (a wrong name changes nothing); the rotated file
# passes `bcadmin jwks doctor`.
. "$(dirname "$0")/lib.sh"
make_fixture 5
SECRET=0123456789abcdef0123456789abcdef0123456789ab
cli() {
    env -i PATH=/usr/bin:/bin HOME="$DIR" BCADMIN_NOW=$NOW BETTER_AUTH_SECRET=$SECRET \
        "$BCADMIN" "$@" --db "$DIR/app.db"
}
kid=$(cli jwks rotate --json | sed -n 's/.*"kid": *"\([^"]*\)".*/\1/p')
[ ${#kid} -eq 32 ] || fail "jwks rotate made no key: [$kid]"
rows() { sqlite3 "$DIR/app.db" "SELECT count(*) FROM jwks"; }

EXTRA_ENV="BETTER_AUTH_SECRET=$SECRET" start 120 32
wait_for "row 1 of 5"
keys 4
wait_for "JWKS doctor  app.db  6 checks: 6 ok, 0 warn, 0 fail   secret: BETTER_AUTH_SECRET"
expect_line 3 " status check            message"
expect_line 4 "▸ok     schema.line      Better Auth 1.4.9 to 1.6 (jwks without alg and crv; their schemas are identical)"
expect_line 5 " ok     secret.present   secret from BETTER_AUTH_SECRET (44 characters)"
expect_line 6 " ok     rows.present     1 key row"
expect_screen_has " ok     rows.decrypt     every row decrypts with BETTER_AUTH_SECRET and matches its public key"
expect_line 10 "Key rows (1, newest signs)"
expect_line 11 " kid                              type     created UTC      expires UTC      decrypts"
expect_line 12 " $kid Ed25519  2026-03-15 00:00 -                yes"
expect_screen_has " fix: nothing to do"
# the selected key row shows its facts in the pane
keys Tab
wait_for " key $kid  Ed25519  decrypts with the secret: yes"

# rotation: a wrong name is refused inside the dialog, the right one rotates
keys K
wait_for "Rotate the signing key of app.db"
text "app"
keys Enter
wait_for 'that is not "app.db": nothing was changed'
[ "$(rows)" = 1 ] || fail "a wrong name rotated the key"
keys C-u
text "app.db"
keys Enter
wait_for "is now the newest row; 1 older key stops signing and stays"
[ "$(rows)" = 2 ] || fail "rotation wrote $(rows) rows"
new=$(sqlite3 "$DIR/app.db" "SELECT id FROM jwks WHERE id != '$kid'")
wait_for "Key rows (2, newest signs)"
expect_screen_has " $kid Ed25519  2026-03-15 00:00 2026-03-15 00:00 yes"
expect_screen_has "▸$new Ed25519  2026-03-15 00:00 -                yes"
expect_screen_has "6 checks: 6 ok, 0 warn, 0 fail"
cli jwks doctor >"$DIR/doctor.txt" 2>&1 || fail "doctor after the screen's rotation: $(cat "$DIR/doctor.txt")"
# the rotation is audited
[ "$(sqlite3 "$DIR/.local/state/bcadmin/state.db" "SELECT action, state FROM audit ORDER BY id DESC LIMIT 1")" = "jwks.rotate|done" ] ||
    fail "audit: $(sqlite3 "$DIR/.local/state/bcadmin/state.db" "SELECT action, state FROM audit")"
keys q
wait_for "Users  row 1 of 5"
