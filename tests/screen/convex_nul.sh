#!/bin/sh
# Values holding a NUL on the console, on the Convex test deployment: the users list, the user's
# screen (its title, the sessions and accounts panes), the sessions list, the record view and the
# dialogs and messages of a change draw them whole, the NUL written \x00 as the CLI prints it (one
# escaping rule, core/text.c), instead of cutting the value at the NUL. The edit form writes no
# field left as shown (checked on the deployment), the acting-admin menu picks such an admin, and
# audit --json prints the saved values whole.
. "$(dirname "$0")/lib.sh"
KEY='convex-self-hosted|0be11e5e'
start_deployment "$KEY"
ctl() { curl -sS -X "$1" "$CX$2" -H 'content-type: application/json' ${3:+-d "$3"}; }
ctl POST /__test/seed '{"users":3,"sessionsPerUser":1}' >"$DIR/seed.json" || fail "seeding failed"
uid=$(sed -n 's/.*"userIds":\["[^"]*","[^"]*","\([^"]*\)".*/\1/p' "$DIR/seed.json")
[ -n "$uid" ] || fail "the seed named no third user: $(cat "$DIR/seed.json")"
# update MODEL FIELD VALUE JSON-UPDATE: one row changed through the app's own auth:updateOne
update() {
    out=$(curl -sS -X POST "$CX/api/function" -H 'content-type: application/json' \
        -H "Authorization: Convex $KEY" -d '{"path":"auth:updateOne","args":{"input":{"model":"'"$1"'",
        "where":[{"field":"'"$2"'","value":"'"$3"'"}],"update":'"$4"'}}}')
    echo "$out" | grep -q '"status":"success"' || fail "updating $1 failed: $out"
}
update session userId "$uid" '{"userAgent":"agent\u0000tail"}'
update account userId "$uid" '{"scope":"scope\u0000more"}'
update user email user00003@example.com '{"name":"Ann\u0000Hidden","email":"nul\u0000x@example.com"}'

TARGET="" EXTRA_ENV="CONVEX_SELF_HOSTED_URL=$CX CONVEX_SELF_HOSTED_ADMIN_KEY='$KEY'" start 120 40
wait_for "row 1 of 3"
wait_for 'nul\x00x@example.com'
expect_screen_has 'Ann\x00Hidden'
expect_screen_has 'user00002@example.com'

# the record view of the row: its title and the values whole
keys v
wait_for 'User nul\x00x@example.com'
expect_screen_has 'Ann\x00Hidden'
keys Escape
wait_for "row 1 of 3"

# the user's screen: the title, the sessions pane, the accounts pane
keys Enter
wait_for 'User  nul\x00x@example.com'
wait_for 'agent\x00tail'
expect_screen_has 'scope\x00more'
expect_screen_has 'Ann\x00Hidden'
keys Escape
wait_for "row 1 of 3"

# the sessions list: the owner by email and the user agent
keys 2
wait_for "Sessions  row 1 of 3"
wait_for 'nul\x00x@example.com'
expect_screen_has 'agent\x00tail'

# the edit form shows the name and email escaped whole; a field left as shown is not written (the
# NUL-holding value kept, read back from the deployment), one typed over is refused: what it kept
# of the hidden part cannot be told
stored() {
    curl -sS -X POST "$CX/api/function" -H 'content-type: application/json' \
        -H "Authorization: Convex $KEY" \
        -d '{"path":"auth:findOne","args":{"model":"user","where":[{"field":"_id","value":"'"$uid"'"}]}}'
}
keys 1
wait_for "row 1 of 3"
keys e
wait_for 'Edit nul\x00x@example.com'
wait_for 'Name            Ann\x00Hidden'
expect_screen_has 'Email           nul\x00x@example.com'
expect_screen_has 'The name is shown escaped: it is kept unless changed with bcadmin users update.'
text Bob
keys Enter Enter Enter Enter
wait_for "name holds a NUL byte: not editable here; use bcadmin users update ID --name"
keys Escape
wait_for "cancelled: nothing was changed"
keys e
wait_for 'Name            Ann\x00Hidden'
keys Tab Tab Tab
text 'https://img.example.com/a.png'
wait_for 'https://img.example.com/a.png'
keys Enter
wait_for 'Change nul\x00x@example.com?'
expect_screen_has 'image          https://img.example.com/a.png'
expect_screen_lacks '│ name '
expect_screen_lacks '│ email '
keys y
wait_for 'updated nul\x00x@example.com'
stored >"$DIR/stored.json"
grep -qF '"image":"https://img.example.com/a.png"' "$DIR/stored.json" || fail "the image was not saved: $(cat "$DIR/stored.json")"
grep -qF '"name":"Ann\u0000Hidden"' "$DIR/stored.json" || fail "the name changed: $(cat "$DIR/stored.json")"
grep -qF '"email":"nul\u0000x@example.com"' "$DIR/stored.json" || fail "the email changed: $(cat "$DIR/stored.json")"

# a change names the user whole too: the form, the confirmation and the message after it
keys 1
wait_for "row 1 of 3"
keys b
wait_for 'Ban nul\x00x@example.com'
keys Enter Enter
wait_for 'Ban nul\x00x@example.com?'
keys y
wait_for 'banned nul\x00x@example.com permanently'
# removal wants the email typed as shown: the value cut at the NUL is refused
keys Enter
wait_for 'User  nul\x00x@example.com'
keys D
wait_for 'Remove nul\x00x@example.com?'
text 'nul'
keys Enter
wait_for 'that is not "nul\x00x@example.com": nothing was changed'
keys Escape
wait_for "remove cancelled"
keys D
wait_for 'Remove nul\x00x@example.com?'
text 'nul\x00x@example.com'
keys Enter
wait_for 'removed nul\x00x@example.com with their sessions and accounts'
wait_for "row 1 of 2"

# the audit verb's JSON carries the saved values whole: the removal's before keeps the NUL (it was
# read as not JSON, and printed null)
HOME=$DIR TZ=UTC "$BCADMIN" audit --json >"$DIR/audit.json" 2>&1 || fail "audit: $(cat "$DIR/audit.json")"
grep -qF '"name": "Ann\u0000Hidden"' "$DIR/audit.json" ||
    fail "audit --json lost the saved name: $(cat "$DIR/audit.json")"

# the acting-admin menu shows an admin's email escaped whole, and acts as that admin (picked by
# id: the email cut at the NUL names nobody)
update user email user00002@example.com '{"role":"admin","email":"adm\u0000in@example.com"}'
keys C-r
wait_for 'adm\x00in@example.com'
keys i
wait_for 'needs an acting admin: act as'
expect_screen_has 'adm\x00in@example.com'
expect_screen_has 'user00001@example.com'
keys Enter
wait_for 'acting as adm\x00in@example.com: changes are audited under this admin'
wait_for 'Lasts'
keys Escape
wait_gone 'Lasts'
keys q
