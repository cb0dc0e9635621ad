#!/bin/sh
# The console on Convex (issue 11), on the Convex test deployment:
# - opening a user from the list is one round trip with no request sent twice: with 150 ms added
#   to every request, Enter reads the user, its sessions and its accounts together (3 requests,
#   all 3 in flight at once) and nothing else (the owner email of the user's own sessions comes
#   from the user just read);
# - the sessions and users screens search and sort on Convex, and refuse an unindexed sort with the
#   reason, keeping the sort they had;
# - past 1,000 users the position reads "of 1,000+ so far"; `#` finishes the count (exact), and
#   on a slow scan shows progress (matches, rows read, the share of the table read) and stops on
#   Esc.
. "$(dirname "$0")/lib.sh"
KEY='convex-self-hosted|0be11e5e'
start_deployment "$KEY"
ctl() { curl -sS -X "$1" "$CX$2" -H 'content-type: application/json' ${3:+-d "$3"}; }
ctl POST /__test/seed '{"users":30,"sessionsPerUser":2}' >/dev/null || fail "seeding failed"

TARGET="" EXTRA_ENV="CONVEX_SELF_HOSTED_URL=$CX CONVEX_SELF_HOSTED_ADMIN_KEY='$KEY'" start 120 40
wait_for "user00030@example.com"
wait_for "row 1 of 30"
ctl POST /__test/latency '{"ms":150}' >/dev/null
ctl POST /__test/stats/reset >/dev/null
keys Enter
wait_for "Sessions (2, 2 active)"
expect_screen_has "user00030@example.com"
sleep 1 # anything sent after the screen is drawn would show in the stats now
stats=$(ctl GET /__test/stats)
requests=$(echo "$stats" | sed -n 's/.*"requests":\([0-9]*\).*/\1/p')
in_flight=$(echo "$stats" | sed -n 's/.*"maxInFlight":\([0-9]*\).*/\1/p')
[ "$requests $in_flight" = "3 3" ] || fail "opening a user sent $requests requests, $in_flight at once: $stats"
ctl POST /__test/latency '{"ms":0}' >/dev/null
keys Escape
wait_for "row 1 of 30"

# a ban whose session delete fails (Convex has no transactions): the error says it is partly
# applied and how to finish, the row shows the ban that stands, the audit screen says so
# (user00029: the seed bans every tenth user, user00030 among them)
keys j
wait_for "▸user00029@example.com"
line 5 | grep -qF " active " || fail "user00029 is not active to begin with: $(line 5)"
ctl POST /__test/faults '{"kind":"status","status":503,"fn":"auth:deleteMany"}' >/dev/null
keys b
wait_for "Ban user00029@example.com"
keys Enter Enter
wait_for "Ban user00029@example.com?"
keys y
wait_for "error: partly applied: the user row was changed"
wait_for "▸user00029@example.com"
line 5 | grep -qF " banned " || fail "the list does not show the ban that stands: $(line 5)"
keys M
wait_for "ban them again to finish"
keys Escape
keys 3
wait_for "partly applied"
keys 1
wait_for "row 2 of 30"
keys k
wait_for "row 1 of 30"

# the sessions screen on Convex: a search by the owner's email, a sort by expires (indexed);
# last active (updatedAt, no index in better-convex's schema) is refused with the reason
keys 2
wait_for "Sessions  row 1 of 60"
keys /
text "USER00007@"
keys Enter
wait_for "Sessions  row 1 of 2   showing: all sessions   search: USER00007@"
[ "$(screen | grep -c 'user00007@example.com')" = 2 ] || fail "the search did not find user00007's two sessions"
keys :
keys C-u
text "sort expires"
keys Enter
wait_for "sort: expires ▼ descending"
# keys typed while the sort the : line started runs are the next ones': a : opens the next line
ctl POST /__test/latency '{"ms":1500}' >/dev/null
keys :
keys C-u
text "sort created"
keys Enter
wait_for "Esc stops" # the sort is being read
keys :
ctl POST /__test/latency '{"ms":0}' >/dev/null
wait_for ":sort created"
keys Escape
wait_for "sort: created ▼ descending"
keys :
keys C-u
text "sort expires"
keys Enter
wait_for "sort: expires ▼ descending"
keys :
keys C-u
text "sort active"
keys Enter
wait_for 'error: the deployment has no index to sort "session" by updatedAt'
expect_screen_has "sort: expires ▼ descending"
keys Escape
wait_for "search cleared"
wait_for "Sessions  row 1 of 60"
keys 1
wait_for "row 1 of 30"
# the users screen likewise: updated (no index) is refused from the sort menu and not kept, so a
# search afterwards still finds its users
keys o Down Enter
wait_for 'error: the deployment has no index to sort "user" by updatedAt'
expect_screen_has "sort: created ▼ descending"
keys Escape
keys /
text "user0001"
keys Enter
wait_for "row 1 of 10   search: user0001   sort: created ▼ descending"
keys Escape
wait_for "row 1 of 30"

ctl POST /__test/seed '{"users":2500,"offset":1000,"sessionsPerUser":0,"accounts":false}' >/dev/null
keys C-r
wait_for "row 1 of 1,000+ so far"
keys '#'
wait_for "2,530 users match (an exact count)"
wait_for "row 1 of 2,530 "
# a search: its count is a lower bound until the scan ends
keys /
text "user0"
keys Enter
wait_for "search: user0"
wait_for "+ so far"
ctl POST /__test/faults '{"kind":"latency","fn":"auth:findMany","ms":20000,"persistent":true}' >/dev/null
keys '#'
wait_for "counting"
expect_screen_has "0 found so far"
expect_screen_has "Esc stops"
keys Escape
# the rows the search had read already count: the number is whatever they held
wait_for "count stopped: "
expect_screen_has "found so far (# counts them all)"
ctl DELETE /__test/faults >/dev/null
# past 4,000 rows a count reads ranges after its first round: while the second round hangs, the
# line shows the matches and the rows read; Esc stops it. (The share of the table read, "of ~N
# (x%)", comes once a range has been read: the first round's own span is not counted in it.)
ctl POST /__test/seed '{"users":2500,"offset":5000,"sessionsPerUser":0,"accounts":false}' >/dev/null
keys C-r
wait_for "+ so far"
ctl POST /__test/faults '{"kind":"latency","fn":"auth:findMany","ms":20000,"persistent":true,"skip":2}' >/dev/null
keys '#'
wait_for "found so far, 4,000 rows read"
keys Escape
wait_for "count stopped:"
expect_screen_has "found so far in 4,000 rows read"
ctl DELETE /__test/faults >/dev/null
keys q
