#!/bin/sh
# The deployment switcher (d): from a SQLite file to the Convex test deployment the environment
# selects (real better-convex functions under convex-test) and back, checked in the top bar; the
# list shows the key's fingerprint and never the key.
. "$(dirname "$0")/lib.sh"
KEY='convex-self-hosted|5c7ee75ec2e7'
start_deployment "$KEY"
PORT=${CX##*:}
curl -sS -X POST "http://127.0.0.1:$PORT/__test/seed" -H 'content-type: application/json' \
    -d '{"users":30}' >/dev/null || fail "seeding failed"

make_fixture 20
EXTRA_ENV="CONVEX_SELF_HOSTED_URL=http://127.0.0.1:$PORT CONVEX_SELF_HOSTED_ADMIN_KEY='$KEY'"
start 160 40
wait_for "row 1 of 20"
expect_screen_has " sqlite │ app.db "

keys d
wait_for "Switch to (Enter)"
expect_screen_has "convex self-hosted 127.0.0.1:$PORT (key:"
expect_screen_has "* sqlite $DIR/app.db"
expect_screen_lacks "5c7ee75ec2e7"
# the current target is selected: move to the deployment (first row) and switch
keys Up Enter
wait_for " convex │ self-hosted 127.0.0.1:$PORT (key:"
wait_for "user00001@example.com"
expect_screen_lacks "[PROD]"
expect_screen_lacks "5c7ee75ec2e7"

# and back to the file
keys d
wait_for "Switch to (Enter)"
expect_screen_has "* convex self-hosted"
keys Down Enter
wait_for " sqlite │ app.db "
wait_for "row 1 of 20"
expect_screen_has "user019@example.com"
keys q
wait_for "EXITED 0"
