#!/bin/bash
# Users made through the REAL Better Auth 1.4.9 server appear in `bcadmin users list --json` and
# `users show --json` with exactly the values the server itself reports (list-users,
# get-session, list-user-sessions, list-accounts), field by field, while the server is running.
# Usage: users_roundtrip.sh BCADMIN SOURCE_ROOT
set -eu
. "$2/tests/peers/lib.sh"
bc_require_peers
bc_require_bcadmin "$1"

db="$BC_TMP/app.db"
pw=correct-horse-battery-1
ba_start "$db"

# The first admin is promoted with SQL (there is no admin yet to do it), the second through
# the server's own set-role endpoint.
ba_sign_up root@example.test "$pw" "Root Admin" >/dev/null
bc_make_admin "$db" root@example.test
admin=$(ba_sign_in root@example.test "$pw")

# Mixed-case email: Better Auth stores and reports it lowercased.
# (Better Auth's email validation refuses non-ASCII addresses, so the name carries the Unicode.)
zoe=$(ba_sign_up 'Zoe.Mixed@Example.COM' "$pw" 'Zoë Ünïcode-Ñandú')
bc_assert_eq "lowercased email at sign-up" 'zoe.mixed@example.com' "$(json_get .user.email <"$BC_TMP/last.body")"
ba_sign_in 'ZOE.MIXED@example.com' "$pw" >/dev/null # a second session for zoe
lee=$(ba_sign_up lee@example.test "$pw" '李小龍 🐉')
ba_sign_up Plain.User@Example.test "$pw" 'Plain User' >/dev/null
ba_sign_up banned@example.test "$pw" 'To Be Banned' >/dev/null
ba_sign_up permaban@example.test "$pw" 'Banned Forever' >/dev/null
ba_sign_up second.admin@example.test "$pw" 'Second Admin' >/dev/null

uid_of() { ba_get "/admin/list-users?searchField=email&searchOperator=contains&searchValue=$1" "$admin" | json_get '.users[0].id'; }
banned_id=$(uid_of banned@example.test)
perma_id=$(uid_of permaban@example.test)
second_id=$(uid_of second.admin@example.test)
lee_id=$(ba_get /get-session "$lee" | json_get .user.id)

ba_post /admin/ban-user "$(json_obj userId "$banned_id" banReason 'spam & abuse "quoted"' banExpiresIn json:86400)" "$admin" >/dev/null
ba_expect 200
ba_post /admin/ban-user "$(json_obj userId "$perma_id")" "$admin" >/dev/null
ba_expect 200
ba_post /admin/set-role "$(json_obj userId "$second_id" role admin)" "$admin" >/dev/null
ba_expect 200
ba_post /admin/update-user "$(json_obj userId "$lee_id" data 'json:{"emailVerified":true}')" "$admin" >/dev/null
ba_expect 200

server_list=$(ba_get '/admin/list-users?limit=100&sortBy=createdAt&sortDirection=desc' "$admin")
ba_expect 200
bc_assert_eq "server user count" 7 "$(json_get .total <<<"$server_list")"

bc_use_sqlite "$db"
cli_list=$(bc_cli_json users list --json)
fields=(id email name emailVerified image role banned banReason banExpires createdAt updatedAt)

bc_assert_eq "users list total" 7 "$(json_get .total <<<"$cli_list")"
bc_assert_eq "users list nextCursor on the only page" null "$(json_get .nextCursor <<<"$cli_list")"
# Same users in the same order (newest first is bcadmin's default and what we asked the server).
bc_assert_eq "user ids, newest first" "$(json_get '.users.map(u => u.id).join(" ")' <<<"$server_list")" \
    "$(json_get '.users.map(u => u.id).join(" ")' <<<"$cli_list")"
bc_json_rows_same "users list vs list-users" "$(json_get .users <<<"$server_list")" \
    "$(json_get .users <<<"$cli_list")" "${fields[@]}"

# get-session is the server's other view of a user: it must agree too.
for tok in "$zoe" "$lee" "$admin"; do
    s=$(ba_get /get-session "$tok" | json_get .user)
    id=$(json_get .id <<<"$s")
    c=$(json_get ".users.find(u => u.id === '$id')" <<<"$cli_list") || bc_die "user $id missing from users list"
    bc_json_same "get-session vs users list ($(json_get .email <<<"$s"))" "$s" "$c" "${fields[@]}"
done

# Spot checks that the comparison above compared real values, not two empty objects.
b=$(json_get ".users.find(u => u.id === '$banned_id')" <<<"$cli_list")
bc_assert_eq "banned is a real boolean" true "$(json_get .banned <<<"$b")"
bc_assert_eq "banReason" 'spam & abuse "quoted"' "$(json_get .banReason <<<"$b")"
json_get .banExpires <<<"$b" | grep -Eq '^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{3}Z$' ||
    bc_die "banExpires is not an ISO date with milliseconds: $b"
p=$(json_get ".users.find(u => u.id === '$perma_id')" <<<"$cli_list")
bc_assert_eq "permanent ban: reason" "No reason" "$(json_get .banReason <<<"$p")"
bc_assert_eq "permanent ban: no expiry" null "$(json_get .banExpires <<<"$p")"
bc_assert_eq "emailVerified is a real boolean" true "$(json_get ".users.find(u => u.id === '$lee_id').emailVerified" <<<"$cli_list")"
bc_assert_eq "role set through the server" admin "$(json_get ".users.find(u => u.id === '$second_id').role" <<<"$cli_list")"
bc_assert_eq "non-ASCII name" '李小龍 🐉' "$(json_get ".users.find(u => u.id === '$lee_id').name" <<<"$cli_list")"

# Filters agree with the server's own filters on the same file.
ids() { json_get '.users.map(u => u.id).sort().join(" ")'; }
bc_assert_eq "--role admin" "$(ba_get '/admin/list-users?filterField=role&filterValue=admin' "$admin" | ids)" \
    "$(bc_cli_json users list --role admin --json | ids)"
# (The server compares the stored 0/1 with the query text: filterValue=true matches nobody.)
bc_assert_eq "--banned (both bans are in force)" \
    "$(ba_get '/admin/list-users?filterField=banned&filterValue=1' "$admin" | ids)" \
    "$(bc_cli_json users list --banned --json | ids)"
bc_assert_eq "--search example.com (email or name, case-insensitive)" \
    "$(ba_get '/admin/list-users?searchField=email&searchOperator=contains&searchValue=EXAMPLE.com' "$admin" | ids)" \
    "$(bc_cli_json users list --search EXAMPLE.com --json | ids)"

# users show: the user, their sessions and their accounts as the server reports them.
zoe_user=$(ba_get /get-session "$zoe" | json_get .user)
zoe_id=$(json_get .id <<<"$zoe_user")
for who in "$zoe_id" 'zoe.mixed@example.com'; do
    show=$(bc_cli_json users show "$who" --json)
    bc_json_same "users show $who: user" "$zoe_user" "$(json_get .user <<<"$show")" "${fields[@]}"
done
srv_sessions=$(ba_post /admin/list-user-sessions "$(json_obj userId "$zoe_id")" "$admin" | json_get .sessions)
ba_expect 200
bc_assert_eq "zoe has two sessions" 2 "$(json_get .length <<<"$srv_sessions")"
sess_fields=(id userId expiresAt createdAt updatedAt ipAddress userAgent impersonatedBy)
bc_json_rows_same "users show: sessions vs list-user-sessions" "$srv_sessions" \
    "$(json_get .sessions <<<"$show")" "${sess_fields[@]}"
bc_assert_eq "users show: session count" 2 "$(json_get .sessions.length <<<"$show")"
if json_get '.sessions.map(s => s.token).join("")' <<<"$show" | grep -q "$zoe"; then
    bc_die "users show --json revealed a session token without being asked"
fi
srv_accounts=$(ba_get /list-accounts "$zoe")
ba_expect 200
bc_assert_eq "zoe has one account" 1 "$(json_get .length <<<"$srv_accounts")"
bc_json_rows_same "users show: accounts vs list-accounts" "$srv_accounts" \
    "$(json_get .accounts <<<"$show")" id providerId accountId userId createdAt updatedAt

# Unknown user: exit code 3 (not found).
rc=0
bc_cli users show nobody@example.test --json >/dev/null || rc=$?
bc_assert_eq "users show of an unknown user exits 3" 3 "$rc"

bc_log "ok: 7 users, filters, search and users show agree with the real server"
