#!/bin/sh
# Impersonation needs an acting admin (asked up front with a menu of the admins; `:as` sets one;
# a non-admin is refused); the dialog shows
# the session token, its expiry, the Authorization header and the signed cookie (checked against
# an HMAC made with openssl) matching the new session row; admins are refused as targets; I stops
# the impersonation.
. "$(dirname "$0")/lib.sh"
make_fixture 20
STATE=$DIR/.local/state/bcadmin/state.db
db() { sqlite3 "$DIR/app.db" "$1"; }
SECRET=screen-test-secret-0123456789abcdefghij
EXTRA_ENV="BETTER_AUTH_SECRET=$SECRET" start 120 40
wait_for "row 1 of 20"
# without an acting admin, i asks for one first: a menu of the admins (Esc cancels)
keys i
wait_for "impersonate needs an acting admin: act as"
expect_screen_has "user000@example.com"
keys Escape
wait_for "impersonate needs an acting admin: cancelled"
expect_screen_lacks "Impersonate user019@example.com"
keys i
wait_for "impersonate needs an acting admin: act as"
keys Enter
wait_for "Impersonate user019@example.com"
line 1 | grep -qF "  as user000@example.com" || fail "the picked admin is not acting"
keys Escape
wait_gone "Impersonate user019@example.com"
keys :
text "as user001@example.com"
keys Enter
wait_for "error: acting admin user001@example.com does not hold an admin role"
keys :
text "as user000@example.com"
keys Enter
wait_for "acting as user000@example.com"
line 1 | grep -qF "  as user000@example.com" || fail "top bar does not name the acting admin"

keys i
wait_for "Impersonate user019@example.com"
expect_screen_has "Lasts  1h"
keys Enter y
wait_for "Impersonating user019@example.com"
token=$(db "SELECT token FROM session WHERE userId = 'u019'")
[ ${#token} = 32 ] || fail "no session row: $(db "SELECT * FROM session")"
[ "$(db "SELECT impersonatedBy, expiresAt FROM session WHERE userId = 'u019'")" = "u000|2026-03-15T01:00:00.000Z" ] ||
    fail "session: $(db "SELECT * FROM session WHERE userId = 'u019'")"
expect_screen_has "expires 2026-03-15 01:00:00 UTC (recorded with impersonatedBy)"
expect_screen_has "│ $token "
expect_screen_has "│ Authorization: Bearer $token "
sig=$(printf '%s' "$token" | openssl dgst -sha256 -hmac "$SECRET" -binary | base64 |
    sed 's/+/%2B/g; s#/#%2F#g; s/=/%3D/g')
expect_screen_has "│ better-auth.session_token=$token.$sig "
keys Enter
wait_gone "Impersonating user019@example.com"
wait_for "impersonation session made for user019@example.com"

# an admin is refused as a target
keys /
text "user000"
keys Enter
wait_for "row 1 of 1"
keys i
wait_for "Impersonate user000@example.com"
keys Enter y
wait_for "error: u000 is an admin: Better Auth refuses to impersonate admins"
[ "$(db "SELECT count(*) FROM session WHERE userId = 'u000'")" = 0 ] || fail "an admin was impersonated"

# I stops it
keys /
keys C-u
text "user019"
keys Enter
wait_for "row 1 of 1"
keys I
wait_for "Stop impersonating user019@example.com?"
keys y
wait_for "deleted 1 impersonation session of user019@example.com"
[ "$(db "SELECT count(*) FROM session WHERE userId = 'u019'")" = 0 ] || fail "impersonation left"
[ "$(sqlite3 "$STATE" "SELECT group_concat(action || ':' || state, ' ') FROM (SELECT * FROM audit ORDER BY id)")" = \
  "users.impersonate:done sessions.stop-impersonating:done" ] || fail "audit: $(sqlite3 "$STATE" "SELECT * FROM audit")"
