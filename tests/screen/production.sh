#!/bin/sh
# The console on a production Convex deployment (the test deployment behind a
# `prod:happy-cat-123|...` key), opened with --url/--admin-key and no environment: screens 4
# (JWKS), 5 (checklists) and 6 (Env) talk to THAT deployment (counted at the deployment), and
# every write asks for the name as the operator knows it, shown exactly as it must be typed:
# a ban (a wrong name is refused in the dialog; Esc gives the keyboard back), a bulk ban, an env
# apply, the bootstrap (B) and a rotation (K, and its rotateKeys step). A dialog hidden by a
# too-small terminal takes no keys (Q quits, C-l repaints); keys typed while a call runs never
# answer a dialog that opens after them. Then the same console opened with CONVEX_DEPLOY_KEY and
# --url.
. "$(dirname "$0")/lib.sh"
KEY='prod:happy-cat-123|0123456789abcdef'
SECRET=0123456789abcdef0123456789abcdef0123456789ab
start_deployment "$KEY" --env SITE_URL=http://localhost:3000 --env BETTER_AUTH_SECRET=$SECRET
curl -sS -X POST "$CX/__test/seed" -H 'content-type: application/json' -d '{"users":3}' >/dev/null
calls() { curl -sS "$CX/__test/stats" | grep -o "\"$1\":[0-9]*" | sed "s/.*://"; }
reset() { curl -sS -X POST "$CX/__test/stats/reset" >/dev/null; }
banned() {
    curl -sS -X POST "$CX/api/function" -H 'content-type: application/json' -H "Authorization: Convex $KEY" \
        -d "{\"path\":\"auth:findOne\",\"args\":{\"model\":\"user\",\"where\":[{\"field\":\"email\",\"value\":\"$1\"}]},\"format\":\"convex_encoded_json\"}" |
        grep -o '"banned":[a-z]*' | cut -d: -f2
}
printf 'SITE_URL=http://localhost:3000\nFEATURE=on\n' >"$DIR/app.env"
# The console on --url and --admin-key only (a wrapper keeps the key's quoting out of tmux).
printf '#!/bin/sh\nexec %s --url %s --admin-key '"'"'%s'"'"' "$@"\n' "$BCADMIN" "$CX" "$KEY" >"$DIR/bc"
chmod +x "$DIR/bc"
BCADMIN=$DIR/bc TARGET= start 120 40
wait_for "user00003@example.com"
line 1 | grep -qF "PROD" || fail "the top bar does not mark production"

# --- a ban: the dialog shows the name to type; a wrong one is refused; Esc gives keys back ------
keys b
wait_for "Ban user00003@example.com"
keys Enter Enter
wait_for "Ban user00003@example.com?"
expect_screen_has "PRODUCTION: type the deployment's name as well: happy-cat-123"
text "prod happy-cat-123"
keys Enter
wait_for 'that is not "happy-cat-123"'
# Too small a terminal hides the dialog: what is typed meanwhile never reaches it (it would be
# typed blind), and C-l repaints without being taken as a key by the dialog (its error stays).
tmux -L "$SOCK" resize-window -t 0 -x 50 -y 8
wait_for "A dialog waits behind this"
text "j?x"
keys C-l
tmux -L "$SOCK" resize-window -t 0 -x 120 -y 40
wait_for 'that is not "happy-cat-123"'
expect_screen_has "Deployment name  prod happy-cat-123 "
expect_screen_lacks "j?x"
keys Escape
wait_for "nothing was changed"
[ "$(banned user00003@example.com)" = false ] || fail "a cancelled ban changed the user"
keys j
wait_for "row 2 of 3"
keys k
wait_for "row 1 of 3"
keys b
wait_for "Ban user00003@example.com"
keys Enter Enter
wait_for "Ban user00003@example.com?"
text "happy-cat-123"
keys Enter
wait_for "banned user00003@example.com"
[ "$(banned user00003@example.com)" = true ] || fail "the ban did not reach the deployment"

# --- a bulk ban: the count, then the name ----------------------------------------------------
keys j Space j Space
wait_for "marked: 2"
keys b
wait_for "Ban 2 users"
keys Enter Enter
wait_for "Ban 2 users?"
text "2"
keys Tab
text "happy-cat-12"
# A terminal too short for the whole dialog cuts its text, never the field being typed into.
tmux -L "$SOCK" resize-window -t 0 -x 80 -y 11
wait_for "a taller terminal shows the rest"
expect_screen_has "Deployment name  happy-cat-12 "
tmux -L "$SOCK" resize-window -t 0 -x 120 -y 40
wait_for "Every session of each user is deleted."
text "3"
keys Enter
wait_for "banned 2 users"
[ "$(banned user00001@example.com)" = true ] || fail "the bulk ban did not reach the deployment"

# --- screen 4: the doctor on this deployment ---------------------------------------------------
reset
keys 4
wait_for "JWKS doctor"
[ "$(requests)" -gt 0 ] || fail "screen 4 sent nothing to the console's deployment"
keys q

# --- screen 6: the plan and an apply on this deployment, the name typed -------------------------
reset
keys :
text "env $DIR/app.env"
keys Enter
wait_for "1 add"
[ "$(calls /api/v1/list_environment_variables)" -ge 1 ] || fail "screen 6 did not list this deployment"
keys P
wait_for "PRODUCTION: type the deployment's name to go on: happy-cat-123"
text "happy-cat-123"
keys Enter
wait_for "applied 1 change in one request"
curl -sS "$CX/api/v1/list_environment_variables" -H "Authorization: Convex $KEY" | grep -q '"FEATURE":"on"' ||
    fail "the env apply did not reach the deployment"
keys q

# --- screen 5: B and K ask for the name first, rotateKeys asks again ----------------------------
reset
keys 5
wait_for "Checklists"
keys B
wait_for "Start the JWKS bootstrap on"
text "happy-cat-123"
keys Enter
wait_for "run 1 is done"
[ "$(calls auth:getLatestJwks)" -ge 1 ] || fail "the bootstrap did not run on the console's deployment"
keys q
wait_for "Checklists  1 run"
keys K
wait_for "Start a key rotation on"
text "happy-dog-123"
keys Enter
wait_for 'that is not "happy-cat-123"'
keys C-u
text "happy-cat-123"
# Keys typed while the run is out never answer the question that opens after them.
slow 400
keys Enter
wait_for "running the checklist"
text "xyz"
wait_for "Step window: Schedule the window"
fast
expect_screen_has "3 keys typed while bcadmin was busy went unused"
expect_screen_lacks "xyz"
text "now"
keys Enter
wait_for "Step notice: Tell the users"
keys y
wait_for "type the deployment's name"
text "happy-cat-123"
keys Enter
wait_for "step monitor: "
[ "$(calls auth:rotateKeys)" = 1 ] || fail "rotateKeys ran $(calls auth:rotateKeys) times"
# Q quits from the too-small notice as it says, a dialog behind it or not (nothing is changed).
keys q q
wait_for "user00003@example.com"
keys K
wait_for "Start a key rotation on"
tmux -L "$SOCK" resize-window -t 0 -x 50 -y 8
wait_for "A dialog waits behind this"
keys Q
wait_for "EXITED 0"
[ "$(calls auth:rotateKeys)" = 1 ] || fail "quitting ran rotateKeys"

# --- CONVEX_DEPLOY_KEY with --url: the same deployment, and screen 4 talks to it ----------------
tmux -L "$SOCK" kill-server
SOCK="$SOCK-key"
reset
TARGET="--url $CX" EXTRA_ENV="CONVEX_DEPLOY_KEY='$KEY'" start 120 40
wait_for "user00003@example.com"
line 1 | grep -qF "happy-cat-123" || fail "the top bar does not name the deploy key's deployment"
reset
keys 4
wait_for "JWKS doctor"
[ "$(requests)" -gt 0 ] || fail "screen 4 sent nothing with CONVEX_DEPLOY_KEY and --url"
keys q q
wait_for "EXITED 0"
