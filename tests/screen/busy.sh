#!/bin/sh
# The console stays live while a request is in flight (issue 5): on the Convex test deployment
# with 1.5 s added to every findMany, a live search shows "searching…" with Esc to stop it while
# the line editor keeps taking letters; a letter typed meanwhile drops the stale request and the
# rows that come back are for the whole text. Esc stops a slow refresh at once and keeps the rows
# on the screen; keys typed during a request run after it, in order; a slow ban cannot be stopped
# half way; a slow switch of targets keeps the old screen until the new target has opened; a
# resize reflows and SIGTERM quits cleanly while a request is out.
. "$(dirname "$0")/lib.sh"
KEY='convex-self-hosted|0b5e55ed'
start_deployment "$KEY"
curl -sS -X POST "$CX/__test/seed" -H 'content-type: application/json' -d '{"users":30}' \
    >/dev/null || fail "seeding failed"

TARGET="" EXTRA_ENV="CONVEX_SELF_HOSTED_URL=$CX CONVEX_SELF_HOSTED_ADMIN_KEY='$KEY' \
    BCADMIN_AS=user00001@example.com" start 120 40
wait_for "user00030@example.com"
expect_screen_has " convex │ self-hosted ${CX#http://}"

# --- a live search while findMany answers slowly -------------------------------------------
slow 1500 auth:findMany
keys /
text "user0001"
wait_for "searching…"
wait_for "Esc stops"
expect_screen_has "/user0001"
# the line editor takes the next letter at once, while the request is still out
text "2"
wait_for "/user00012"
# the stale request stops, and the search for the whole text goes out
wait_for "searching…"
# the rows that arrive are for the whole text, never for "user0001" (ten users)
wait_for "row 1 of 1 "
expect_screen_has "user00012@example.com"
expect_screen_lacks "user00011@example.com"
expect_screen_lacks "user00010@example.com"
keys Enter
wait_gone "searching"
expect_screen_has "search: user00012"

# --- Esc stops a slow refresh; the rows stay --------------------------------------------------
slow 20000 auth:findMany
before=$(requests)
keys C-r
wait_for "searching…"
expect_screen_has "Esc stops"
# a resize while the request is out reflows the screen at once
tmux -L "$SOCK" resize-window -t 0 -x 50 -y 8
wait_for "Terminal too small: 50x8"
tmux -L "$SOCK" resize-window -t 0 -x 120 -y 40
wait_for "searching…"
expect_screen_has "user00012@example.com"
keys Escape
wait_for "stopped: "
expect_screen_lacks "searching…"
expect_screen_has "user00012@example.com"
[ "$(requests)" -gt "$before" ] || fail "the refresh never reached the deployment"

# --- keys typed during a request run after it, in order -----------------------------------------
slow 700 auth:findMany
keys C-r
wait_for "searching…"
keys ?
expect_screen_lacks "Help  "
wait_for "Help  "
fast
keys q
wait_for "search: user00012"

# --- a write is never stopped half way: Esc during a slow ban does not stop it ------------------
keys b
wait_for "Ban user00012@example.com"
keys Enter Enter
wait_for "Ban user00012@example.com?"
slow 1500
keys y
wait_for "ban…"
expect_screen_lacks "Esc stops"
keys Escape
wait_for "ban… "
wait_for "(a change is not stopped half way)"
wait_for "banned user00012@example.com permanently; their sessions are revoked"
fast
expect_screen_lacks "stopped"
wait_for "user00012@example.com          User 12              user       banned"

# --- switching targets: the screen stays on the old one until the new one has opened ------------
# (the layout is remembered in the state database: forget it, so opening probes the deployment)
sqlite3 "$DIR/.local/state/bcadmin/state.db" "DELETE FROM layout_cache"
keys d
wait_for "Switch to (Enter)"
slow 1500
keys Enter
wait_for "opening the target…"
expect_screen_has "search: user00012"
wait_for "switched to convex self-hosted ${CX#http://}"
fast
keys q
wait_for "EXITED 0"

# --- SIGTERM while a request is out: the request stops, the terminal is restored ------------------
tmux -L "$SOCK" kill-server
SOCK="$SOCK-sigterm" # a fresh server: the old one may still be shutting down
TARGET="" EXTRA_ENV="CONVEX_SELF_HOSTED_URL=$CX CONVEX_SELF_HOSTED_ADMIN_KEY='$KEY'" start 120 40
wait_for "user00030@example.com"
slow 30000 auth:findMany
keys C-r
wait_for "reading users…"
kill -TERM "$(cat "$DIR/pid")"
wait_for "EXITED 143"
[ "$(pane '#{alternate_on}')" = 0 ] || fail "still on the alternate screen after SIGTERM"
[ "$(pane '#{cursor_flag}')" = 1 ] || fail "the cursor is hidden after SIGTERM"
fast
