#!/bin/sh
# Without BETTER_AUTH_SECRET the JWKS screen asks for the secret in a masked dialog: what is typed
# is drawn as bullets and never shown; Esc checks without it (the rows say "no secret"); a wrong
# secret makes the rows fail to decrypt; the right one opens them. Nothing typed reaches a file.
. "$(dirname "$0")/lib.sh"
make_fixture 3
SECRET=0123456789abcdef0123456789abcdef0123456789ab
env -i PATH=/usr/bin:/bin HOME="$DIR" BCADMIN_NOW=$NOW BETTER_AUTH_SECRET=$SECRET \
    "$BCADMIN" jwks rotate --db "$DIR/app.db" --alg RS256 >/dev/null || fail "jwks rotate failed"
start 120 32
wait_for "row 1 of 3"
keys 4
wait_for "The app's secret"
expect_screen_has "BETTER_AUTH_SECRET is not set in bcadmin's environment."
keys Escape
wait_gone "The app's secret"
expect_screen_has " fail   secret.present   no secret given: the private keys cannot be checked"
expect_screen_has " RSA      2026-03-15 00:00 -                no secret"

keys p
wait_for "The app's secret"
text "wrong-secret-wrong-secret-wrong-secret"
wait_for "secret  ••••••••••••••••••••••••••••••••••••••"
expect_screen_lacks "wrong-secret"
keys Enter
wait_gone "The app's secret"
wait_for "secret: the secret typed here"
expect_screen_has " fail   rows.decrypt     1 of 1 rows do not open with the secret typed here"
expect_screen_has " RSA      2026-03-15 00:00 -                no"

keys p
wait_for "The app's secret"
text "$SECRET"
wait_for "secret  ••••••••••••••••••••••••••••••••••••••••••••"
expect_screen_lacks "$SECRET"
keys Enter
wait_gone "The app's secret"
wait_for "6 checks: 6 ok, 0 warn, 0 fail   secret: the secret typed here"
expect_screen_has " RSA      2026-03-15 00:00 -                yes"
! grep -rqF "$SECRET" "$DIR/.local" 2>/dev/null || fail "the typed secret reached the state directory"
