#!/bin/sh
# Without BETTER_AUTH_SECRET the JWKS screen opens on its checks (no modal prompt; the fix says
# "press p") and p asks for the secret in a masked dialog: what is typed
# is drawn as bullets and never shown; Esc checks without it (the rows say "no secret"); a wrong
# secret makes the rows fail to decrypt; the right one opens them. Nothing typed reaches a file:
# BCADMIN_TRACE records a typed character only as "char", and the trace file is created 0600.
. "$(dirname "$0")/lib.sh"
make_fixture 3
SECRET=0123456789abcdef0123456789abcdef0123456789ab
env -i PATH=/usr/bin:/bin HOME="$DIR" BCADMIN_NOW=$NOW BETTER_AUTH_SECRET=$SECRET \
    "$BCADMIN" jwks rotate --db "$DIR/app.db" --alg RS256 >/dev/null || fail "jwks rotate failed"
EXTRA_ENV="BCADMIN_TRACE=$DIR/trace"
start 120 32
wait_for "row 1 of 3"
keys 4
# no modal prompt on opening: the check says to press p
wait_for " fail   secret.present   no secret given: the private keys cannot be checked"
expect_screen_lacks "The app's secret"
expect_screen_has "▸ok     schema.line      Better Auth 1.4.9 to 1.6"
keys Down
wait_for "▸fail   secret.present   no secret given: the private keys cannot be checked"
expect_screen_has "fix: press p to type the app's secret (kept in memory only), or set BETTER_AUTH_SECRET"
expect_screen_has " RSA      2026-03-15 00:00 -                no secret"

keys p
wait_for "The app's secret"
expect_screen_has "BETTER_AUTH_SECRET is not set in bcadmin's environment."
keys Escape
wait_gone "The app's secret"
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

# The search line is a text field too.
keys 1
wait_for "row 1 of 3"
keys /
text "user00"
wait_for "search: user00"
keys Enter
i=0
until grep -q 'event=Enter' "$DIR/trace" && [ "$(grep -c 'event=char' "$DIR/trace")" -ge 88 ]; do
    i=$((i + 1))
    [ $i -lt 200 ] || fail "the trace lacks the typed keys: $(cat "$DIR/trace")"
    sleep 0.05
done
[ "$(stat -c %a "$DIR/trace")" = 600 ] || fail "the trace file is mode $(stat -c %a "$DIR/trace"), not 600"
# Only the keys typed outside a field (4, p, p, p, 1, /) are named; no other one-character event.
named=$(sed -n 's/.* event=\([^ ]*\) .*/\1/p' "$DIR/trace" | awk 'length($0) == 1' | tr -d '\n')
[ "$named" = "4ppp1/" ] || fail "the trace names typed characters: \"$named\""
! grep -qE 'event=[^ ]*(wrong|user|0123)' "$DIR/trace" || fail "the trace holds typed text"
