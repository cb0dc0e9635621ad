#!/bin/sh
# The admin verbs through the real binary on the small fixture: exact human lines, JSON, exit
# codes (2 usage, 3 not found, 4 refused), --read-only, --as / BCADMIN_AS, confirmations without
# a terminal, passwords on stdin, bulk forms, and the audit log with undo.
# usage: admin_verbs.sh BCADMIN SOURCE_ROOT
BCADMIN=$1 SRC=$2
. "$SRC/tests/cli/lib.sh"
sql() { sqlite3 "$DB" "$1"; }
want() { # WHAT EXPECTED ACTUAL
    [ "$2" = "$3" ] || fail "$1: wanted '$2', got '$3'"
}

# ban: exact line, row effects, sessions revoked
run 0 bc users ban eve@example.com --reason 'spam' --expires 7d
same_out "ban" <<'OUT'
banned eve@example.com (u5) until 2026-06-08 00:00 UTC, reason "spam"; their sessions are revoked
OUT
want "ban row" "1|spam|2026-06-08T00:00:00.000Z|2026-06-01T00:00:00.000Z" \
    "$(sql "SELECT banned||'|'||banReason||'|'||banExpires||'|'||updatedAt FROM user WHERE id='u5'")"
want "eve's sessions" 0 "$(sql "SELECT count(*) FROM session WHERE userId='u5'")"
# a permanent re-ban clears the expiry
run 0 bc users ban u5 --json
want "re-ban JSON" "True None No reason" "$(json 'd["user"]["banned"], d["user"]["banExpires"], d["user"]["banReason"]' | tr -d "(),'")"
run 2 bc users ban u5 --expires 2020-01-01T00:00:00Z
has "$TMP/err" "in the past"
run 2 bc users ban u5 --expires soon
run 3 bc users ban nobody@example.com
run 2 bc users ban
has "$TMP/err" "needs USER, or filters"
run 2 bc users ban u5 --search eve
has "$TMP/err" "not both"

# unban, set-role
run 0 bc users unban u5
same_out "unban" <<'OUT'
unbanned eve@example.com (u5)
OUT
want "unban row" "0|NULL|NULL" "$(sql "SELECT banned||'|'||coalesce(banReason,'NULL')||'|'||coalesce(banExpires,'NULL') FROM user WHERE id='u5'")"
run 0 bc users set-role eve@example.com 'user, editor'
same_out "set-role: says the roles as written" <<'OUT'
user eve@example.com (u5) now has role user,editor
OUT
want "role" "user,editor" "$(sql "SELECT role FROM user WHERE id='u5'")"
# A role nobody holds yet is probably a typo: warned, naming the roles in use; then it is known.
has "$TMP/err" 'bcadmin: warning: no user has the role "editor" yet; roles in use: user, admin'
run 0 bc users set-role bob@example.com 'editor'
[ ! -s "$TMP/err" ] || fail "a role in use was warned about: $(cat "$TMP/err")"
run 0 bc users set-role bob@example.com amdin
has "$TMP/err" 'warning: no user has the role "amdin" yet; roles in use: user, editor, admin'
run 0 bc users set-role bob@example.com user
[ ! -s "$TMP/err" ] || fail "the default role was warned about: $(cat "$TMP/err")"
run 2 bc users set-role u5 'bad role'
run 2 bc users set-role u5

# --as: must be an admin; self-ban refused with exit 4
run 4 bc --as eve@example.com users ban bob@example.com
has "$TMP/err" "does not hold an admin role"
BCADMIN_AS=alice@example.com run 4 bc users ban alice@example.com
has "$TMP/err" "cannot ban yourself"
run 4 bc --as u1 users remove u1 --yes

# impersonation: needs --as, refuses admins, prints token, bearer example and the cookie
run 4 bc users impersonate bob@example.com
has "$TMP/err" "--as"
run 4 bc --as u1 users impersonate dave@example.com
has "$TMP/err" "is an admin"
run 4 bc --as u1 users impersonate bob@example.com
has "$TMP/err" "banned"
printf 'bcadmin-test-secret-0123456789abcdef\n' >"$TMP/secret"
run 0 bc --as u1 users impersonate eve@example.com --duration 30m --secret-file "$TMP/secret" --json
token=$(json 'd["token"]')
want "expiry" "2026-06-01T00:30:00.000Z" "$(json 'd["expiresAt"]')"
want "bearer" "Bearer $token" "$(json 'd["authorization"]')"
cookie=$(python3 -c '
import base64, hashlib, hmac, sys, urllib.parse
t, s = sys.argv[1], sys.argv[2]
sig = base64.b64encode(hmac.new(s.encode(), t.encode(), hashlib.sha256).digest()).decode()
print("better-auth.session_token=" + urllib.parse.quote(t + "." + sig, safe=""))' "$token" bcadmin-test-secret-0123456789abcdef)
want "cookie" "$cookie" "$(json 'd["cookie"]')"
want "impersonation row" "u5|u1|2026-06-01T00:30:00.000Z|" \
    "$(sql "SELECT userId||'|'||impersonatedBy||'|'||expiresAt||'|'||ipAddress FROM session WHERE token='$token'")"
run 0 bc --as u1 users impersonate eve@example.com
has "$TMP/out" "Authorization: Bearer "
has "$TMP/out" "give --secret-file, BETTER_AUTH_SECRET or BETTER_AUTH_SECRETS"
BETTER_AUTH_SECRET=bcadmin-test-secret-0123456789abcdef run 0 bc --as u1 users impersonate eve@example.com
has "$TMP/out" "cookie:     better-auth.session_token="
run 3 bc --as u1 users impersonate eve@example.com --secret-file "$TMP/nope"
run 2 bc --as u1 users impersonate eve@example.com --duration forever
run 0 bc users stop-impersonating eve@example.com
same_out "stop-impersonating" <<'OUT'
deleted 3 impersonation sessions of eve@example.com
OUT
run 2 bc users stop-impersonating eve@example.com --all
run 2 bc users stop-impersonating

# sessions
run 0 bc sessions revoke tok1aaaaaaaaaaaaaaaaaaaaaaaaaaa1
same_out "revoke" <<'OUT'
revoked 1 session
OUT
run 3 bc sessions revoke tok1aaaaaaaaaaaaaaaaaaaaaaaaaaa1
run 0 bc sessions revoke-all alice@example.com --json
want "revoke-all" 1 "$(json 'd["deleted"]')"

# passwords: stdin only, length rules, no credential account
printf 'a-new-password\n' | run 0 bc users set-password alice@example.com
same_out "set-password" <<'OUT'
set the password of alice@example.com (u1)
OUT
# The audit log names the users of an impersonation and a password change by email, as it does
# every other change of a user (the subject stays the id).
run 0 bc audit --limit 1000 --json
want "audit labels" "users.impersonate eve@example.com, users.set-password alice@example.com" \
    "$(json '", ".join(sorted({e["action"] + " " + str(e["label"]) for e in d["entries"] if e["action"] in ("users.impersonate", "users.set-password")}))')"
run 2 bc users set-password alice@example.com </dev/null
has "$TMP/err" "no password on standard input"
printf 'short\n' | run 2 bc users set-password alice@example.com

# create and update
printf 'created-pass-1' | run 0 bc users create --email New@Example.com --name 'New User' --role user,tester --json
want "created" "new@example.com|user,tester|False" "$(json '"|".join(map(str, [d["user"]["email"], d["user"]["role"], d["user"]["emailVerified"]]))')"
want "account" "credential" "$(sql "SELECT a.providerId FROM account a JOIN user u ON u.id=a.userId WHERE u.email='new@example.com'")"
printf 'created-pass-1' | run 4 bc users create --email NEW@example.com --name Again
has "$TMP/err" "User already exists"
run 2 bc users create --email x@example.com
run 0 bc users update new@example.com --name Renamed --email-verified true --image ''
has "$TMP/out" "updated new@example.com ("
want "updated row" "Renamed|1|NULL" "$(sql "SELECT name||'|'||emailVerified||'|'||coalesce(image,'NULL') FROM user WHERE email='new@example.com'")"
run 4 bc users update new@example.com --email BOB@example.com
run 2 bc users update new@example.com
run 2 bc users update new@example.com --email-verified maybe

# accounts
run 4 bc accounts unlink eve@example.com a2
has "$TMP/err" "only account"
run 3 bc accounts unlink eve@example.com nope
# eve has no credential account: set-password makes one (accountId = her id), as Better Auth 1.6+
printf 'long-enough-1' | run 0 bc users set-password eve@example.com
[ "$(sqlite3 "$DB" "SELECT count(*) FROM account WHERE userId = (SELECT id FROM user WHERE email = 'eve@example.com') AND providerId = 'credential' AND accountId = userId")" = 1 ] ||
    fail "set-password made no credential account for eve"

# remove: without a terminal it needs --yes (like the bulk forms); then the rows are gone
run 4 bc users remove new@example.com </dev/null
has "$TMP/err" "users remove deletes new@example.com with all their sessions and accounts (this cannot be undone): add --yes to confirm"
want "refused removal kept the user" 1 "$(sql "SELECT count(*) FROM user WHERE email='new@example.com'")"
run 0 bc users remove new@example.com --yes </dev/null
has "$TMP/out" "removed new@example.com"
want "removed rows" 0 "$(sql "SELECT count(*) FROM user WHERE email='new@example.com'")"

# bulk: needs --yes without a terminal, then prints the count
run 4 bc users ban --search example.com </dev/null
has "$TMP/err" "users.ban would change 5 users: add --yes"
want "nothing banned" 3 "$(sql "SELECT count(*) FROM user WHERE banned=1")"
run 4 bc --as eve@example.com users ban --search example.com --reason bulk --yes
has "$TMP/err" "does not hold an admin role"
want "a bulk acting as no admin bans nobody" 3 "$(sql "SELECT count(*) FROM user WHERE banned=1")"
run 0 bc --as alice@example.com users ban --search example.com --reason bulk --yes
same_out "bulk ban" <<'OUT'
banned 4 users (the acting admin was skipped)
OUT
run 0 bc users unban --role admin --yes --json
want "bulk unban" "2 2 0" "$(json 'd["matched"], d["affected"], d["skipped"]' | tr -d "(),")"
run 0 bc users set-role --search nobody-matches tester --yes
same_out "empty selection" <<'OUT'
no user matches the filters: nothing was changed
OUT
run 0 bc sessions revoke-all --banned --yes
run 2 bc users set-role --search bob

# --read-only refuses every write with exit 4 and changes nothing
for verb in "users ban u2" "users unban u2" "users set-role u2 admin" "users remove u2" \
    "sessions revoke-all u2" "audit undo 1"; do
    # shellcheck disable=SC2086
    run 4 bc --read-only $verb --yes
    has "$TMP/err" "--read-only"
done
printf 'long-enough-1' | run 4 bc --read-only users set-password u1

# audit: entries newest first, JSON, no secrets; undo and its refusals
run 0 bc audit --limit 3 --json
want "audit newest" "sessions.revoke-all done" "$(json 'd["entries"][0]["action"], d["entries"][0]["state"]' | tr -d "(),'")"
run 0 bc audit --limit 1000 --json
grep -q "$token" "$TMP/out" && fail "the audit log holds a session token"
grep -q "a-new-password" "$TMP/out" && fail "the audit log holds a password"
state_db="$XDG_STATE_HOME/bcadmin/state.db"
[ -f "$state_db" ] || fail "no state database at $state_db"
grep -q "$token" "$state_db" && fail "the state database holds a session token"
# u5's first ban wrote banned=1 with an expiry; u5 was unbanned since, so undoing it is refused.
first_ban=$(sqlite3 "$state_db" "SELECT min(id) FROM audit WHERE action='users.ban' AND subject='u5'")
run 4 bc audit undo "$first_ban"
has "$TMP/err" "changed after entry"
role_id=$(sqlite3 "$state_db" "SELECT max(id) FROM audit WHERE action='users.unban' AND subject='u4'")
run 0 bc audit undo "$role_id"
same_out "undo" <<OUT
undid audit entry $role_id
OUT
want "undone unban" 1 "$(sql "SELECT banned FROM user WHERE id='u4'")"
run 2 bc audit undo abc
run 3 bc audit undo 99999
run 0 bc audit --limit 2
has "$TMP/out" "audit.undo of $role_id"
# Without --limit: the newest 20 entries, as `bcadmin help audit` says for the verb and its --limit.
entries=$(sqlite3 "$state_db" "SELECT count(*) FROM audit WHERE group_id IS NULL")
[ "$entries" -gt 20 ] || fail "the fixture made $entries audit entries; the default limit needs more"
run 0 bc audit --json
want "audit default limit" 20 "$(json 'len(d["entries"])')"
run 0 "$BCADMIN" help audit
want "audit help: the default, twice" 2 "$(grep -c '(default 20)' "$TMP/out")"

# A ban whose session delete fails on SQLite: the row and the delete are one transaction, so
# nothing stands (no partly applied state here): exit 1, the row unchanged, the entry failed.
sql "CREATE TRIGGER keep_sessions BEFORE DELETE ON session BEGIN SELECT RAISE(ABORT, 'sessions are kept'); END"
sql "INSERT INTO session (id, expiresAt, token, createdAt, updatedAt, userId) VALUES ('s-kept', '2027-01-01T00:00:00.000Z', 'kept-token', '2026-05-01T00:00:00.000Z', '2026-05-01T00:00:00.000Z', 'u2')"
sessions_before=$(sql "SELECT count(*) FROM session WHERE userId='u2'")
run 0 bc users unban u2
run 1 bc users ban u2
has "$TMP/err" "sessions are kept"
want "rolled back ban: row" "0|$sessions_before" "$(sql "SELECT banned||'|'||(SELECT count(*) FROM session WHERE userId='u2') FROM user WHERE id='u2'")"
want "rolled back ban: entry" "users.ban|failed" "$(sqlite3 "$state_db" "SELECT action||'|'||state FROM audit ORDER BY id DESC LIMIT 1")"
run 4 bc audit undo "$(sqlite3 "$state_db" "SELECT max(id) FROM audit")"
has "$TMP/err" "is failed: only a change that was applied can be undone"
sql "DROP TRIGGER keep_sessions"
