#!/bin/sh
# The console on the newer Convex lines (BC_CONVEX_APP: bc-0.11, better-convex 0.11 at
# generated/auth:*; cdba-0.12, an @convex-dev/better-auth 0.12 component install whose key
# actions the app wrote): the users screen and the line in the top bar, the bootstrap (B) and a
# rotation (K) on the checklist screen calling the app's own getLatestJwks / rotateKeys, and the
# JWKS screen's doctor clean after each.
. "$(dirname "$0")/lib.sh"
peers="$(cd "$(dirname "$SCHEMA")/.." && pwd)/tests/peers"
case ${BC_CONVEX_APP:-} in
bc-0.11) APP_ARGS="--app $peers/bc-0.11 --layout generated" FN=generated/auth LINE="better-convex 0.11" ;;
cdba-0.12) APP_ARGS="--app $peers/cdba-0.12 --layout component" FN=auth LINE="@convex-dev/better-auth" ;;
*) fail "BC_CONVEX_APP=${BC_CONVEX_APP:-}: bc-0.11 or cdba-0.12" ;;
esac
app=$(echo "$APP_ARGS" | sed 's/^--app \([^ ]*\) .*/\1/')
[ -d "$app/node_modules/convex-test" ] || { echo "SKIP: $app/node_modules is missing (npm ci)" >&2; exit 77; }
KEY='convex-self-hosted|11aa22bb'
SECRET=0123456789abcdef0123456789abcdef0123456789ab
# shellcheck disable=SC2086 # the app's options are words
start_deployment "$KEY" $APP_ARGS --env SITE_URL=http://localhost:3000 --env BETTER_AUTH_SECRET=$SECRET
curl -sS -X POST "$CX/__test/seed" -H 'content-type: application/json' -d '{"users":3}' >/dev/null || fail "seeding failed"
calls() { curl -sS "$CX/__test/stats" | grep -o "\"$1\":[0-9]*" | sed 's/.*://'; }

TARGET="" EXTRA_ENV="CONVEX_SELF_HOSTED_URL=$CX CONVEX_SELF_HOSTED_ADMIN_KEY='$KEY' CONVEX_SITE_URL=$CX" start 120 40
wait_for "row 1 of 3"
expect_screen_has "user00003@example.com"
line 1 | grep -qF "$LINE" || fail "the top bar does not name $LINE"

keys 5
wait_for "Checklists"
keys B
wait_for "Start the JWKS bootstrap on"
keys y
wait_for "run 1 is done"
[ "$(calls "$FN:getLatestJwks")" -ge 1 ] || fail "the bootstrap did not call getLatestJwks at $FN"
keys q
wait_for "Checklists  1 run"
keys 4
wait_for "10 checks: 10 ok, 0 warn, 0 fail"
keys q
wait_for "row 1 of 3"

keys 5
wait_for "Checklists  1 run"
keys K
wait_for "Start a key rotation on"
keys y
wait_for "Step window: Schedule the window"
text "now"
keys Enter
wait_for "Step notice: Tell the users"
keys y
wait_for "step monitor: "
[ "$(calls "$FN:rotateKeys")" = 1 ] || fail "rotateKeys at $FN ran $(calls "$FN:rotateKeys") times"
keys q
wait_for "Checklists  2 runs"
keys 4
wait_for "10 checks: 10 ok, 0 warn, 0 fail"
expect_screen_has "the site publishes key"
keys q q
wait_for "EXITED 0"
