#!/bin/bash
# A database made by `bcadmin demo` is one the REAL Better Auth 1.4.9 server accepts as its own:
# its migrations find nothing to change, the documented demo password signs users in, the first
# user is an admin the server lets list users, and banned demo users are refused.
# Usage: demo_sign_in.sh BCADMIN SOURCE_ROOT
set -eu
. "$2/tests/peers/lib.sh"
bc_require_peers
bc_require_bcadmin "$1"

db="$BC_TMP/demo.db"
password=demo-password-123
schema() { bc_sql "$db" "SELECT type, name, tbl_name, sql FROM sqlite_master WHERE name NOT LIKE 'sqlite_%' ORDER BY name"; }

"$BCADMIN" demo --db "$db" --users 300 --seed 42 >"$BC_TMP/demo.out" 2>&1 ||
    bc_die "bcadmin demo failed: $(cat "$BC_TMP/demo.out")"
[ -s "$db" ] || bc_die "bcadmin demo --db $db exited 0 but made no database: $(cat "$BC_TMP/demo.out")"
before=$(schema)
ba_start "$db"
# Better Auth's getMigrations compares tables and columns; any difference would have been added.
bc_assert_eq "schema after the server's migrations" "$before" "$(schema)"

bc_use_sqlite "$db"
total=$(bc_cli_json users list --json | json_get .total)
bc_assert_eq "demo user count" 300 "$total"

# The first demo user is an admin: sign in and use the admin API.
admin=$(ba_sign_in admin@demo.bcadmin.test "$password")
[ -n "$admin" ] || bc_die "sign-in returned no token: $(cat "$BC_TMP/last.body")"
bc_assert_eq "admin's role as the server sees it" admin \
    "$(ba_get /get-session "$admin" | json_get '.user.role.split(",").includes("admin") ? "admin" : j.user.role')"
srv_total=$(ba_get '/admin/list-users?limit=1' "$admin" | json_get .total)
ba_expect 200
bc_assert_eq "list-users total on the demo database" "$total" "$srv_total"

# Credential users by ban state, straight from the file (the CLI is not the judge here).
pick() {
    bc_sql "$db" "SELECT u.email FROM \"user\" u JOIN account a ON a.userId = u.id AND a.providerId = 'credential'
                  WHERE $1 ORDER BY u.email LIMIT 3" | json_get '.map(r => r.email).join(" ")'
}
now=$(node -e 'process.stdout.write(new Date().toISOString())')
active=$(pick "(u.banned = 0 OR u.banned IS NULL) AND u.email <> 'admin@demo.bcadmin.test'")
future=$(pick "u.banned = 1 AND u.banExpires > '$now'")
forever=$(pick "u.banned = 1 AND u.banExpires IS NULL")
expired=$(pick "u.banned = 1 AND u.banExpires <= '$now'")
[ -n "$active" ] || bc_die "the demo database has no active credential user besides the admin"
[ -n "$future$forever" ] || bc_die "the demo database has no credential user with a ban in force"

for email in $active; do
    tok=$(ba_sign_in "$email" "$password")
    uid=$(ba_get /get-session "$tok" | json_get .user.id)
    bc_assert_eq "session user for $email" "$email" "$(bc_cli_json users show "$uid" --json | json_get .user.email)"
done

for email in $future $forever; do
    ba_try_sign_in "$email" "$password" >/dev/null
    ba_expect 403
    bc_assert_eq "sign-in of banned $email" BANNED_USER "$(json_get .code <"$BC_TMP/last.body")"
done

# A ban whose expiry has passed is lifted by the server at the next sign-in.
for email in $expired; do
    ba_sign_in "$email" "$password" >/dev/null
    bc_assert_eq "expired ban lifted for $email" false "$(bc_cli_json users show "$email" --json | json_get .user.banned)"
done

# The wrong password is refused: the sign-ins above are not a server that accepts anything.
ba_try_sign_in "$(echo "$active" | cut -d' ' -f1)" wrong-password-123 >/dev/null
ba_expect 401

bc_log "ok: demo admin, $(echo $active | wc -w) active, $(echo $future $forever | wc -w) banned, $(echo $expired | wc -w) expired-ban users behave as Better Auth says"
