#!/bin/sh
# Screen 0, the Overview, on a demo database: BCADMIN_START=overview opens it first; the sign-ups
# chart is drawn with its scale and busiest day, and every total equals what sqlite3 computes over
# the same file at the same clock; Enter on the bans panel opens the users filtered to bans in
# force, Enter on the sessions panel the sessions; 0 reaches it from another screen; under
# NO_COLOR the chart is '#'; on a narrow terminal 90 days become a line of text.
. "$(dirname "$0")/lib.sh"
DB="$DIR/demo.db"
env BCADMIN_NOW=$NOW XDG_DATA_HOME="$DIR/data" "$BCADMIN" demo --db "$DB" --users 3000 --seed 7 \
    >"$DIR/demo.out" 2>&1 || fail "bcadmin demo: $(cat "$DIR/demo.out")"
# One admin action before the console starts, in the state database the console reads
# ($HOME/.local/state/bcadmin with the console's environment): the audit panel lists it.
victim=$(sqlite3 "$DB" "SELECT email FROM \"user\" WHERE banned = 0 AND role = 'user' ORDER BY createdAt LIMIT 1")
env -i PATH=/usr/bin:/bin HOME="$DIR" BCADMIN_NOW=$NOW "$BCADMIN" --db "$DB" --as admin@demo.bcadmin.test \
    users ban "$victim" --reason overview-test >"$DIR/ban.out" 2>&1 || fail "ban: $(cat "$DIR/ban.out")"
q() { sqlite3 "$DB" "$1"; }
# 1234567 -> 1,234,567
th() { echo "$1" | sed ':a;s/\B[0-9]\{3\}\>/,&/;ta'; }
users=$(th "$(q 'SELECT count(*) FROM "user"')")
verified=$(th "$(q 'SELECT count(*) FROM "user" WHERE emailVerified = 1')")
banned=$(q "SELECT count(*) FROM \"user\" WHERE banned = 1 AND (banExpires IS NULL OR banExpires > '2026-03-15T00:00:00.000Z')")
active=$(th "$(q "SELECT count(*) FROM session WHERE expiresAt > '2026-03-15T00:00:00.000Z'")")
credential=$(th "$(q "SELECT count(*) FROM account WHERE providerId = 'credential'")")
busiest=$(q "SELECT d || ': ' || n FROM (SELECT substr(createdAt, 1, 10) AS d, count(*) AS n FROM \"user\" WHERE createdAt >= '2026-02-14' GROUP BY 1) ORDER BY n DESC, d DESC LIMIT 1")
top=$(q "SELECT count(*) FROM \"user\" WHERE createdAt >= '2026-02-14' GROUP BY substr(createdAt, 1, 10) ORDER BY 1 DESC LIMIT 1")

TARGET="--db $DB" EXTRA_ENV="BCADMIN_START=overview" start 120 40
wait_for "Sign-ups per day, last 30 days (UTC)"
wait_gone "filling in"
expect_line 2 "Overview  last 30 days   f: 30/90 days   Enter: open the panel"
expect_screen_has "busiest $busiest"
# the chart: the scale's top is the busiest day's count, block columns, the first and last days
screen | grep -q "│ *$top .*█" || fail "no chart with its scale ($top) at the top"
expect_screen_has "2026-02-14"
expect_screen_has "2026-03-15"
expect_screen_has "total     $users "
expect_screen_has "verified  $verified "
expect_screen_has "banned now    $banned "
expect_screen_has "active now     $active "
expect_screen_has "credential   $credential "
expect_screen_has "New sessions per day"
expect_screen_has "Signing keys (JWKS doctor)"
expect_screen_has "a SQLite file has no deployment variables"
screen | grep -q "#1 2026-03-15 00:00 users.ban  *done" || fail "no audit entry in the panel"
# the top bar has the users total from the overview's count
line 1 | grep -q "$users users │ overview" || fail "top bar: $(line 1)"

# Enter on the bans panel (the fourth): the users filtered to bans in force, as many as SQL says.
keys j j j
wait_for "▸ Bans"
keys Enter
wait_for "Users  row 1 of $banned   status: banned"
keys q
wait_for "▸ Bans"
# the sessions panel: the sessions list, filtered
keys j Enter
wait_for "Sessions  row 1 of"
expect_screen_has "showing: impersonation only"
# the audit panel (the ninth, one up from the last): the audit screen
keys q
wait_for "▸ Sessions"
keys G
wait_for "▸ Checklist runs"
keys k Enter
wait_for "Audit log  entry 1 of 1"
keys q
wait_for "▸ Latest admin actions"
# 0 from another screen comes back to the overview
keys 1
wait_for "Users  row 1 of $users"
keys 0
wait_for "Sign-ups per day"
wait_gone "filling in"

# A narrow terminal: 90 days (f) do not fit a column each, so the counts become text.
tmux -L "$SOCK" resize-window -t 0 -x 80 -y 40
keys f
wait_for "last 90 days"
wait_gone "filling in"
screen | grep -q "in 90 days · today [0-9]* · yesterday [0-9]*" || fail "no text fallback"
keys Q
wait_for "EXITED 0"

# NO_COLOR: the chart is drawn with '#'.
SOCK=$SOCK-plain
TARGET="--db $DB" EXTRA_ENV="BCADMIN_START=overview NO_COLOR=1" start 120 40
wait_gone "filling in"
screen | grep -q "│ *$top  *#" || fail "no plain chart under NO_COLOR"
expect_screen_lacks "█"
keys Q
wait_for "EXITED 0"
tmux -L "$SOCK" kill-server
echo "ok overview"
