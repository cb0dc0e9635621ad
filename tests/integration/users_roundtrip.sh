#!/bin/bash
# Users made through the REAL Better Auth 1.4.9 server appear in `bcadmin users list --json` and
# `users show --json` with exactly the values the server itself reports (list-users,
# get-session, list-user-sessions, list-accounts), field by field, while the server is running.
# Then `db index` adds the search index and the overview summary under the running server, whose
# own writes must keep them exact (and whose migrations must not mind them), and `db index --drop`
# takes them away.
# Usage: users_roundtrip.sh BCADMIN SOURCE_ROOT
set -eu
. "$2/tests/peers/lib.sh"
export XDG_STATE_HOME="$BC_TMP/state" # its own audit log, never the user's
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

# --- the substring-search index on a file the server keeps writing -------------------------
# `db index` adds an FTS5 table, its doc table and triggers on "user" while the server runs;
# from then on the server's own writes (through its SQLite, better-sqlite3's) keep it current.
bc_cli_ok db index >/dev/null
bc_cli_ok db check | grep -q 'search index: present' || bc_die "db check does not see the search index"
# Better Auth's migration check sees nothing to create or add (the extra tables are not its
# models), and a restarted server (which runs its migrations) starts on the indexed file.
plan=$(cd "$BC_PEERS_DIR" && node --input-type=module -e '
import Database from "better-sqlite3";
import { betterAuth } from "better-auth";
import { getMigrations } from "better-auth/db";
import { admin, bearer, jwt } from "better-auth/plugins";
const auth = betterAuth({ database: new Database(process.argv[1]), baseURL: "http://127.0.0.1",
  secret: "s".repeat(40), emailAndPassword: { enabled: true }, plugins: [admin(), jwt(), bearer()],
  logger: { level: "error" } });
const m = await getMigrations(auth.options);
console.log(JSON.stringify({ create: m.toBeCreated.map(t => t.table), add: m.toBeAdded.map(t => t.table) }));
' "$db")
bc_assert_eq "Better Auth migrations on the indexed file" '{"create":[],"add":[]}' "$plan"
ba_stop
ba_start "$db"
admin=$(ba_sign_in root@example.test "$pw")

# The server writes: sign-ups after the index, name and email changed by an admin, a removal.
ba_sign_up 'Late.Comer@Example.test' "$pw" 'Quentin Latecomer' >/dev/null
ba_sign_up 'second.late@example.test' "$pw" "Brienne O'Latecomer 100%" >/dev/null
zoe_uid=$(uid_of zoe.mixed@example.com)
ba_post /admin/update-user "$(json_obj userId "$zoe_uid" data 'json:{"name":"Zora Renamed","email":"zora.renamed@example.org"}')" "$admin" >/dev/null
ba_expect 200
plain_uid=$(uid_of plain.user@example.test)
ba_post /admin/remove-user "$(json_obj userId "$plain_uid")" "$admin" >/dev/null
ba_expect 200
bc_assert_eq "doc rows follow the server's writes" \
    "$(bc_sql "$db" 'SELECT count(*) AS n FROM "user"' | json_get '.[0].n')" \
    "$(bc_sql "$db" 'SELECT count(*) AS n FROM bcadmin_user_search_doc' | json_get '.[0].n')"
bc_sql "$db" "INSERT INTO bcadmin_user_search (bcadmin_user_search) VALUES ('integrity-check')" >/dev/null ||
    bc_die "the search index fails FTS5's integrity check after the server's writes"
# The overview summary follows the server's writes too (its sign-ups and sign-ins made users and
# sessions, the removal took a user and its sessions): `stats --json` equals plain SQL.
bc_cli_ok db check | grep -q 'overview summary: present' || bc_die "db check does not see the overview summary"
bc_cli_ok stats --json >"$BC_TMP/stats.json"
python3 "$2/tests/tools/stats_vs_sql.py" "$db" "$BC_TMP/stats.json" ||
    bc_die "stats differ from SQL after the server's writes"

# bcadmin's search (email OR name) is the union of the server's two one-field searches.
server_search() {
    local v e n
    v=$(node -e 'process.stdout.write(encodeURIComponent(process.argv[1]))' "$1")
    e=$(ba_get "/admin/list-users?searchField=email&searchOperator=contains&searchValue=$v&limit=100" "$admin" | json_get '.users.map(u => u.id).join(" ")')
    n=$(ba_get "/admin/list-users?searchField=name&searchOperator=contains&searchValue=$v&limit=100" "$admin" | json_get '.users.map(u => u.id).join(" ")')
    printf '%s\n' $e $n | sort -u | tr '\n' ' ' | sed 's/ $//'
}
for needle in latecomer LATE.comer "o'late" "100%" zora renamed example.org 'Ünïcode' code \
    plain.user zoe.mixed example.test Admin nobody-at-all; do
    want=$(server_search "$needle")
    got=$(bc_cli_json users list --search "$needle" --json | json_get '.users.map(u => u.id).sort().join(" ")')
    bc_assert_eq "--search '$needle' on the indexed file" "$want" "$got"
done
bc_assert_eq "the late sign-ups are found" 2 \
    "$(bc_cli_json users list --search latecomer --json | json_get .total)"
bc_assert_eq "the old name is gone" 0 "$(bc_cli_json users list --search code --json | json_get .total)"
bc_assert_eq "the removed user is gone" 0 "$(bc_cli_json users list --search plain.user --json | json_get .total)"

# --drop takes bcadmin's triggers and tables off the app file; the server goes on writing.
bc_cli_ok db index --drop | grep -q 'removed' || bc_die "db index --drop did not say it removed them"
bc_assert_eq "no bcadmin object is left" 0 \
    "$(bc_sql "$db" "SELECT count(*) AS n FROM sqlite_schema WHERE name LIKE 'bcadmin%'" | json_get '.[0].n')"
ba_sign_up after.drop@example.test "$pw" 'After Drop' >/dev/null
bc_assert_eq "search after --drop" 1 "$(bc_cli_json users list --search after.drop --json | json_get .total)"

bc_log "ok: 7 users, filters, search and users show agree with the real server; the search index follows its writes"
