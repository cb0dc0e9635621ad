#!/bin/bash
# Deviations from the server checked against the REAL Better Auth server (issue 12):
#  - unlinking by provider when the user has two GitHub accounts: the server's unlink-account
#    with only providerId deletes one of them without saying which (the first it finds); with
#    accountId it deletes that one. bcadmin refuses the bare provider (exit 2, naming both) and
#    takes the row id or the server's PROVIDER:ACCOUNT_ID pair, deleting exactly that row;
#  - `audit undo` of a role change after a later name change restores the role only (the server
#    then sees the old role and the new name); when the role itself changed since, undo refuses
#    and says so, changing nothing.
# Usage: admin_deviations.sh BCADMIN SOURCE_ROOT
set -eu
. "$2/tests/peers/lib.sh"
bc_require_peers
bc_require_bcadmin "$1"
export XDG_STATE_HOME="$BC_TMP/state"
unset BCADMIN_DB BCADMIN_NOW BCADMIN_AS BETTER_AUTH_SECRET || true
PW=correct-horse-battery-1
DB="$BC_TMP/app.db"
ba_start "$DB"
bc_use_sqlite "$DB"

# github_pair EMAIL: sign up, then link two GitHub accounts behind the server's back (as two
# sign-ins through GitHub would); prints the bearer token.
github_pair() {
    local token id
    token=$(ba_sign_up "$1" "$PW" "Two Githubs")
    id=$(bc_sql "$DB" 'SELECT id FROM "user" WHERE email = ?' "$1" | json_get '.[0].id')
    for n in 1111 2222; do
        bc_sql "$DB" 'INSERT INTO "account" (id, accountId, providerId, userId, createdAt, updatedAt)
            VALUES (?, ?, ?, ?, ?, ?)' "gh-$n-$id" "$n" github "$id" \
            "2026-01-0${n:0:1}T00:00:00.000Z" "2026-01-01T00:00:00.000Z" >/dev/null
    done
    printf '%s\n' "$token"
}
github_ids() {
    bc_sql "$DB" 'SELECT a.accountId FROM "account" a JOIN "user" u ON u.id = a.userId
        WHERE u.email = ? AND a.providerId = ? ORDER BY a.accountId' "$1" github |
        json_get 'j.map((r) => r.accountId).join(" ")'
}

bc_log "the server: unlink-account with providerId alone takes one of two GitHub accounts"
T=$(github_pair server@example.test)
ba_post /unlink-account '{"providerId":"github"}' "$T" >/dev/null
ba_expect 200
left=$(github_ids server@example.test)
case $left in 1111 | 2222) ;; *) bc_die "the server left [$left], not one of the two" ;; esac
bc_log "the server silently unlinked one of two (kept $left)"
T2=$(github_pair server2@example.test)
ba_post /unlink-account '{"providerId":"github","accountId":"2222"}' "$T2" >/dev/null
ba_expect 200
bc_assert_eq "server: accountId picks that one" 1111 "$(github_ids server2@example.test)"

bc_log "bcadmin: the bare provider is refused, naming both; nothing is deleted"
github_pair bcadmin@example.test >/dev/null
set +e
bc_cli accounts unlink bcadmin@example.test github >/dev/null
rc=$?
set -e
bc_assert_eq "ambiguous provider exit code" 2 "$rc"
grep -qF "bcadmin@example.test has 2 github accounts: name the one to unlink by its id or as PROVIDER:ACCOUNT_ID" "$BC_TMP/cli.err" ||
    bc_die "no clear message: $(cat "$BC_TMP/cli.err")"
grep -qF "(github:1111)" "$BC_TMP/cli.err" && grep -qF "(github:2222)" "$BC_TMP/cli.err" ||
    bc_die "the message does not name both: $(cat "$BC_TMP/cli.err")"
bc_assert_eq "nothing unlinked" "1111 2222" "$(github_ids bcadmin@example.test)"

bc_log "bcadmin: PROVIDER:ACCOUNT_ID takes exactly that one, as the server's accountId does"
bc_cli_ok accounts unlink bcadmin@example.test github:2222 >/dev/null
bc_assert_eq "pair picks that one" 1111 "$(github_ids bcadmin@example.test)"
bc_assert_eq "audit names the row" "gh-2222-" \
    "$(bc_cli_json audit --limit 1 --json | json_get 'j.entries[0].subject.slice(0, 8)')"
bc_log "bcadmin: now the provider alone is one account, and the credential account stays"
bc_cli_ok accounts unlink bcadmin@example.test github >/dev/null
bc_assert_eq "last github unlinked" "" "$(github_ids bcadmin@example.test)"
ba_sign_in bcadmin@example.test "$PW" >/dev/null
bc_log "bcadmin: a row id works too; an unknown name is 3"
github_pair rowid@example.test >/dev/null
rid=$(bc_sql "$DB" 'SELECT a.id FROM "account" a JOIN "user" u ON u.id = a.userId
    WHERE u.email = ? AND a.accountId = ?' rowid@example.test 1111 | json_get '.[0].id')
bc_cli_ok accounts unlink rowid@example.test "$rid" >/dev/null
bc_assert_eq "row id picks that one" 2222 "$(github_ids rowid@example.test)"
set +e
bc_cli accounts unlink rowid@example.test github:1111 >/dev/null
rc=$?
set -e
bc_assert_eq "unknown pair exit code" 3 "$rc"

bc_log "undo of a role change after a later name change restores the role only"
U=$(ba_sign_up undo@example.test "$PW" "First Name")
bc_cli_ok users set-role undo@example.test moderator >/dev/null 2>&1
role_entry=$(bc_cli_json audit --limit 1 --json | json_get 'j.entries[0].id')
bc_cli_ok users update undo@example.test --name "Later Name" >/dev/null
bc_cli_ok audit undo "$role_entry" >/dev/null
T=$(ba_sign_in undo@example.test "$PW")
session=$(ba_get /get-session "$T")
bc_assert_eq "server sees the old role" user "$(printf '%s' "$session" | json_get '.user.role')"
bc_assert_eq "server sees the later name" "Later Name" "$(printf '%s' "$session" | json_get '.user.name')"

bc_log "undo refuses when the role itself changed since, and changes nothing"
bc_cli_ok users set-role undo@example.test moderator >/dev/null 2>&1
role_entry=$(bc_cli_json audit --limit 1 --json | json_get 'j.entries[0].id')
bc_cli_ok users set-role undo@example.test editor >/dev/null 2>&1
set +e
bc_cli audit undo "$role_entry" >"$BC_TMP/undo.out"
rc=$?
set -e
bc_assert_eq "undo after the same field changed: exit code" 4 "$rc"
grep -qF "changed after entry $role_entry (its role is no longer what that change wrote): undo refused" "$BC_TMP/cli.err" ||
    bc_die "no clear refusal: $(cat "$BC_TMP/cli.err")"
bc_assert_eq "nothing on stdout" "" "$(cat "$BC_TMP/undo.out")"
T=$(ba_sign_in undo@example.test "$PW")
bc_assert_eq "role kept" editor "$(ba_get /get-session "$T" | json_get '.user.role')"
: "$U"
bc_log "ok"
