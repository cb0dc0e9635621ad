#!/bin/bash
# Conformance of bcadmin's admin actions with the REAL Better Auth server: 1.4.9 by default, any
# pinned line with BC_BA_LINE (1.5, 1.6, 1.7); where the lines differ, each is held to its own
# behaviour and bcadmin to the one the README states.
#
# For each action bcadmin performs, the server is asked what it now thinks (sign-in, get-session,
# admin endpoints); a twin test performs each action through the server's own admin endpoint on
# one user and through bcadmin on a twin and compares the rows field by field (ids and times
# aside); a bulk ban of 1,000 users runs while the server signs up 200 users on the same file.
#
# Driver-neutral: everything that depends on where the data lives is in the drv_<driver>_*
# functions below (BC_DRIVER selects them, default sqlite). A driver provides:
#   setup                   start the server on a fresh target, set BA_URL and BC_TARGET_ARGS
#   make_admin EMAIL        give a user the admin role behind the server's back
#   user ID                 the user row as JSON (Better Auth field names), "null" when absent
#   user_id EMAIL           the id of the user with that email
#   sessions ID / accounts ID   the user's rows as a JSON array, oldest first
#   many_setup N            a second target holding N users, with its own server; exports
#                           MANY_TARGET, a part of the target name audit entries record for it
#   count_users             on the current target
# Usage: admin_conformance.sh BCADMIN SOURCE_ROOT
set -eu
. "$2/tests/peers/lib.sh"
bc_require_peers
bc_require_bcadmin "$1"

export XDG_STATE_HOME="$BC_TMP/state"
unset BCADMIN_DB BCADMIN_NOW BCADMIN_AS BETTER_AUTH_SECRET || true
BC_DRIVER=${BC_DRIVER:-sqlite}
PW=correct-horse-battery-1

# --- the SQLite driver: the real server on the same file --------------------------------------

drv_sqlite_setup() {
    DB="$BC_TMP/app.db"
    ba_start "$DB"
    bc_use_sqlite "$DB"
}
drv_sqlite_make_admin() { bc_make_admin "$DB" "$1"; }
drv_sqlite_user() { bc_sql "$DB" 'SELECT * FROM "user" WHERE id = ?' "$1" | json_get '.[0] ?? null'; }
drv_sqlite_user_id() { bc_sql "$DB" 'SELECT id FROM "user" WHERE email = ?' "$1" | json_get '.[0].id'; }
drv_sqlite_sessions() { bc_sql "$DB" 'SELECT * FROM session WHERE userId = ? ORDER BY createdAt' "$1"; }
drv_sqlite_accounts() { bc_sql "$DB" 'SELECT * FROM account WHERE userId = ? ORDER BY createdAt' "$1"; }
drv_sqlite_count_users() { bc_sql "$DB" 'SELECT count(*) AS n FROM "user"' | json_get '.[0].n'; }
drv_sqlite_many_setup() {
    DB="$BC_TMP/many.db"
    export MANY_TARGET=many.db # what audit entries name as their target
    "$BCADMIN" demo --db "$DB" --users "$1" >/dev/null || bc_die "bcadmin demo failed"
    ba_start "$DB"
    bc_use_sqlite "$DB"
}

# --- the Convex driver: the test deployment (real better-convex createApi + Better Auth 1.4.9
# with admin() and convex() under convex-test), Better Auth's HTTP routes on the same port -----

CONVEX_KEY='convex-self-hosted|bcadmin-conformance-key'
# BC_CONVEX_APP names a peer line's app (bc-0.11: better-convex 0.11 with Better Auth 1.5, its
# functions at generated/auth:*; cdba-0.12: an @convex-dev/better-auth 0.12 component install with
# Better Auth 1.6, its data functions adapter:* inside component betterAuth); unset, the
# deployment of tests/peers (better-convex 0.6.4, auth:*). CVX_COMPONENT is the component path
# the data functions are called in ("" at the app's root); CVX_LINE the Better Auth line the app
# must run (so a peer installed at another version fails here instead of testing something else).
CVX_COMPONENT=
case ${BC_CONVEX_APP:-} in
"") CVX_ARGS=(--layout root) CVX_FN=auth CVX_LINE=1.4 ;;
bc-0.11)
    [ -d "$BC_PEERS_DIR/bc-0.11/node_modules/better-convex" ] ||
        bc_skip "tests/peers/bc-0.11/node_modules is missing: run 'cd tests/peers/bc-0.11 && npm ci' first"
    CVX_ARGS=(--app "$BC_PEERS_DIR/bc-0.11" --layout generated) CVX_FN=generated/auth CVX_LINE=1.5 ;;
cdba-0.12)
    [ -d "$BC_PEERS_DIR/cdba-0.12/node_modules/@convex-dev/better-auth" ] ||
        bc_skip "tests/peers/cdba-0.12/node_modules is missing: run 'cd tests/peers/cdba-0.12 && npm ci' first"
    # SITE_URL: the app's baseURL (its Better Auth options read it, as the guide writes them)
    CVX_ARGS=(--app "$BC_PEERS_DIR/cdba-0.12" --layout component --env SITE_URL=http://localhost:3000)
    CVX_FN=adapter CVX_COMPONENT=betterAuth CVX_LINE=1.6 ;;
*) bc_die "BC_CONVEX_APP=$BC_CONVEX_APP: unknown app (bc-0.11, cdba-0.12)" ;;
esac

# cvx_start: start a fresh deployment, set CVX_URL, BA_PID, BA_URL and BA_VERSION.
cvx_start() {
    local log="$BC_TMP/server.convex.$RANDOM" port=
    : >"$log.out" # before the loop reads it (see ba_start)
    node "$BC_PEERS_DIR/convex-deployment/server.mjs" --admin-key "$CONVEX_KEY" "${CVX_ARGS[@]}" \
        --env "BETTER_AUTH_SECRET=$BC_TEST_SECRET" >"$log.out" 2>"$log.err" &
    BA_PID=$!
    bc_track_pid "$BA_PID"
    for _ in $(seq 1 1200); do
        port=$(sed -n 's/^PORT \([0-9][0-9]*\)$/\1/p' "$log.out" 2>/dev/null)
        [ -n "$port" ] && break
        kill -0 "$BA_PID" 2>/dev/null || bc_die "Convex test deployment exited before listening: $(cat "$log.err")"
        sleep 0.1
    done
    [ -n "$port" ] || bc_die "Convex test deployment printed no port within 120 s"
    CVX_URL="http://127.0.0.1:$port"
    BA_URL="$CVX_URL/api/auth"
    BA_VERSION=$(sed -n 's/^BETTER_AUTH //p' "$log.out")
    case $BA_VERSION in
    "$CVX_LINE".*) ;;
    *) bc_die "the ${BC_CONVEX_APP:-default} app should run Better Auth $CVX_LINE, it runs '$BA_VERSION'" ;;
    esac
    BC_TARGET_ARGS=(--url "$CVX_URL" --admin-key "$CONVEX_KEY")
}

# cvx_call FUNCTION ARGS_JSON: call an auth data function ($CVX_FN:..., in component
# $CVX_COMPONENT when there is one) with the admin key, print its value (dies on any error answer).
cvx_call() {
    cvx_call_in "$CVX_COMPONENT" "$@"
}
# cvx_call_in COMPONENT FUNCTION ARGS_JSON: the same in the named component ("": the app's root).
cvx_call_in() {
    local component=${1:+,\"componentPath\":\"$1\"}
    shift
    curl -sS --max-time 60 -H "Authorization: Convex $CONVEX_KEY" -H 'Content-Type: application/json' \
        --data-binary "{\"path\":\"$1\",\"args\":$2$component,\"format\":\"convex_encoded_json\"}" \
        "$CVX_URL/api/function" >"$BC_TMP/cvx.body" || bc_die "curl $1 failed"
    json_get 'j.status === "success" ? j.value : (() => { throw new Error(JSON.stringify(j)); })()' \
        <"$BC_TMP/cvx.body" || bc_die "$1 $2: $(cat "$BC_TMP/cvx.body")"
}

# cvx_rows < ROWS_JSON: Convex documents as Better Auth rows (the shape the server's adapter
# returns): id for _id, no _creationTime, dates (epoch ms in Convex) as ISO strings; oldest first.
cvx_rows() {
    node -e '
const dates = ["createdAt", "updatedAt", "expiresAt", "banExpires", "accessTokenExpiresAt", "refreshTokenExpiresAt"];
const one = (d) => {
  const { _id, _creationTime, ...rest } = d;
  const o = { id: _id, ...rest };
  for (const k of dates) if (typeof o[k] === "number") o[k] = new Date(o[k]).toISOString();
  return o;
};
const v = JSON.parse(require("fs").readFileSync(0, "utf8"));
const out = Array.isArray(v) ? v.map(one).sort((a, b) => a.createdAt.localeCompare(b.createdAt)) : v && one(v);
process.stdout.write(JSON.stringify(out) + "\n");'
}

# cvx_by_user MODEL USER_ID: the user's rows of MODEL (ids and emails here are plain ASCII, so
# they go into the JSON as they are).
cvx_by_user() {
    cvx_call "$CVX_FN:findMany" "{\"model\":\"$1\",\"where\":[{\"field\":\"userId\",\"value\":\"$2\"}],\"paginationOpts\":{\"numItems\":1000,\"cursor\":null}}" |
        json_get .page | cvx_rows
}

drv_convex_setup() { cvx_start; }
drv_convex_make_admin() {
    cvx_call "$CVX_FN:updateOne" "{\"input\":{\"model\":\"user\",\"where\":[{\"field\":\"email\",\"value\":\"$1\"}],\"update\":{\"role\":\"admin\"}}}" >/dev/null
}
drv_convex_user() {
    cvx_call "$CVX_FN:findOne" "{\"model\":\"user\",\"where\":[{\"field\":\"_id\",\"value\":\"$1\"}]}" | cvx_rows
}
drv_convex_user_id() {
    cvx_call "$CVX_FN:findOne" "{\"model\":\"user\",\"where\":[{\"field\":\"email\",\"value\":\"$1\"}]}" | json_get ._id
}
drv_convex_sessions() { cvx_by_user session "$1"; }
drv_convex_accounts() { cvx_by_user account "$1"; }
drv_convex_count_users() {
    local n=0 cursor=null page
    while :; do
        page=$(cvx_call "$CVX_FN:findMany" "{\"model\":\"user\",\"paginationOpts\":{\"numItems\":1000,\"cursor\":$cursor}}")
        n=$((n + $(json_get '.page.length' <<<"$page")))
        [ "$(json_get .isDone <<<"$page")" = true ] && break
        cursor=$(json_get 'JSON.stringify(j.continueCursor)' <<<"$page")
    done
    echo "$n"
}
drv_convex_many_setup() {
    cvx_start
    curl -sS --max-time 120 -H 'Content-Type: application/json' --data-binary "{\"users\":$1}" \
        "$CVX_URL/__test/seed" >"$BC_TMP/seed.body" || bc_die "seeding $1 users failed"
    bc_assert_eq "seeded users" "$1" "$(json_get .users <"$BC_TMP/seed.body")"
    export MANY_TARGET=${CVX_URL#http://} # audit entries name "host:port (key:…)"
}

drv() {
    local f="drv_${BC_DRIVER}_$1"
    shift
    declare -F "$f" >/dev/null || bc_die "driver $BC_DRIVER has no $f"
    "$f" "$@"
}

# --- helpers ------------------------------------------------------------------------------------

# sign_up EMAIL NAME: sets TOKEN and ID of the new user.
sign_up() {
    TOKEN=$(ba_sign_up "$1" "$PW" "$2")
    ID=$(json_get .user.id <"$BC_TMP/last.body")
}

# session_user TOKEN: the user id get-session reports for a bearer token, "null" without one.
session_user() {
    ba_get /get-session "$1" >/dev/null
    ba_expect 200
    json_get 'j === null ? "null" : j.user.id' <"$BC_TMP/last.body"
}

expect_code() { # STATUS CODE: the last answer's HTTP status and error code
    ba_expect "$1"
    bc_assert_eq "error code" "$2" "$(json_get .code <"$BC_TMP/last.body")"
}

# without FIELDS... < JSON: the object without the named fields.
without() {
    node -e '
const o = JSON.parse(require("fs").readFileSync(0, "utf8"));
for (const k of process.argv.slice(1)) delete o[k];
process.stdout.write(JSON.stringify(o));' "$@"
}

# ms_of TIME: epoch milliseconds of an ISO time or of epoch milliseconds (the Convex adapter's
# answers carry dates as numbers where the SQLite server's carry ISO strings).
ms_of() { node -e 'const v = process.argv[1]; process.stdout.write(String(/^[0-9]+$/.test(v) ? Number(v) : Date.parse(v)))' "$1"; }

drv setup
sign_up root@example.test "Root Admin"
ROOT_ID=$ID
drv make_admin root@example.test
ADMIN=$(ba_sign_in root@example.test "$PW")
export BCADMIN_AS=root@example.test

# --- 1. what the server does after each bcadmin action -------------------------------------------

bc_log "ban: sign-in refused with BANNED_USER, the old bearer token is dead"
sign_up ban.me@example.test "Ban Me"
BAN_ID=$ID BAN_TOKEN=$TOKEN
bc_assert_eq "session before the ban" "$BAN_ID" "$(session_user "$BAN_TOKEN")"
bc_cli_ok users ban ban.me@example.test --reason "spam" --expires 1d >/dev/null
ba_try_sign_in ban.me@example.test "$PW" >/dev/null
expect_code 403 BANNED_USER
bc_assert_eq "bearer token after the ban" null "$(session_user "$BAN_TOKEN")"

bc_log "self-ban is refused"
bc_cli users ban root@example.test >/dev/null && bc_die "banning oneself succeeded" || rc=$?
bc_assert_eq "self-ban exit code" 4 "$rc"

bc_log "an email the server stored as given (admin update-user keeps its case) names its user"
sign_up mixed.case@example.test "Mixed Case"
MIXED_ID=$ID
ba_post /admin/update-user "$(json_obj userId "$MIXED_ID" data 'json:{"email":"Mixed.Case@Example.test"}')" "$ADMIN" >/dev/null
ba_expect 200
bc_assert_eq "users show by the stored email" "$MIXED_ID" \
    "$(bc_cli_ok users show Mixed.Case@Example.test --json id | json_get .user.id)"
bc_cli_ok users ban Mixed.Case@Example.test >/dev/null
bc_assert_eq "banned by the stored email" true "$(drv user "$MIXED_ID" | json_get 'Boolean(j.banned)')"
bc_cli_ok users unban Mixed.Case@Example.test >/dev/null
# --prefix follows the same rule: lowercased, and as typed when that differs (README).
prefix_ids() { bc_cli_ok users list --prefix "$1" --json id | json_get 'j.users.map(u => u.id).join(" ")'; }
bc_assert_eq "--prefix as stored finds it" "$MIXED_ID" "$(prefix_ids Mixed.Case@)"
bc_assert_eq "--prefix with its capitals finds it" "$MIXED_ID" "$(prefix_ids Mixed.C)"
# Better Auth 1.4 stores the email as sent; later lines lowercase it on update. An all-lowercase
# prefix finds the row exactly when the stored email is lowercase (--search finds it either way).
STORED_EMAIL=$(drv user "$MIXED_ID" | json_get .email)
case $STORED_EMAIL in
    mixed.case@example.test) LOWER_EXPECT=$MIXED_ID ;;
    Mixed.Case@Example.test) LOWER_EXPECT= ;;
    *) bc_die "update-user stored an unexpected email: $STORED_EMAIL" ;;
esac
bc_assert_eq "--prefix all lowercase finds it only when stored lowercase" "$LOWER_EXPECT" "$(prefix_ids mixed.case@)"
bc_assert_eq "--prefix: the total agrees" 1 "$(bc_cli_ok users list --prefix Mixed.C --json | json_get .total)"
bc_assert_eq "--prefix --sort email" "$MIXED_ID" \
    "$(bc_cli_ok users list --prefix Mixed.Case --sort email --json id | json_get 'j.users.map(u => u.id).join(" ")')"
bc_assert_eq "--prefix --all" "$MIXED_ID" \
    "$(bc_cli_ok users list --prefix Mixed.C --all --json id | json_get 'j.users.map(u => u.id).join(" ")')"
# A prefix with capitals still finds the lowercase emails it lowercases to.
bc_assert_eq "--prefix ROOT@ finds root@" 1 "$(bc_cli_ok users list --prefix ROOT@ --json | json_get .total)"
if [ "$BC_DRIVER" = sqlite ]; then
    # The same with the browsing and search indexes of `db index`, on a copy of the file.
    sqlite3 "$DB" ".backup '$BC_TMP/indexed.db'"
    "$BCADMIN" --db "$BC_TMP/indexed.db" db index >/dev/null 2>&1 || bc_die "db index on the copy failed"
    bc_assert_eq "indexed: --prefix with its capitals finds it" "$MIXED_ID" \
        "$("$BCADMIN" --db "$BC_TMP/indexed.db" users list --prefix Mixed.C --json id | json_get 'j.users.map(u => u.id).join(" ")')"
    bc_assert_eq "indexed: --prefix ROOT@" 1 \
        "$("$BCADMIN" --db "$BC_TMP/indexed.db" users list --prefix ROOT@ --json | json_get .total)"
fi

bc_log "unban lets the user in"
bc_cli_ok users unban "$BAN_ID" >/dev/null
ba_sign_in ban.me@example.test "$PW" >/dev/null

bc_log "a ban whose expiry has passed is lifted by the server at sign-in"
sign_up expired@example.test "Expired Ban"
EXP_ID=$ID
BCADMIN_NOW=2020-01-01T00:00:00.000Z bc_cli_ok users ban "$EXP_ID" --expires 1h >/dev/null
bc_assert_eq "past expiry written" 2020-01-01T01:00:00.000Z "$(drv user "$EXP_ID" | json_get .banExpires)"
ba_sign_in expired@example.test "$PW" >/dev/null
row=$(drv user "$EXP_ID")
# banned is 0 in SQLite and false in Convex: either way not true, and not absent.
bc_assert_eq "lifted ban" 'false null null' "$(json_get '[j.banned === 0 || j.banned === false ? false : j.banned, j.banReason, j.banExpires].map(String).join(" ")' <<<"$row")"

bc_log "set-role admin opens the admin endpoints"
sign_up promoted@example.test "Promoted"
PROMO_TOKEN=$TOKEN
ba_get /admin/list-users "$PROMO_TOKEN" >/dev/null
ba_expect 403
bc_cli_ok users set-role promoted@example.test user,admin >/dev/null
ba_get /admin/list-users "$PROMO_TOKEN" >/dev/null
ba_expect 200

bc_log "impersonation: the token and the signed cookie return the target, for about an hour"
sign_up target@example.test "Target"
TARGET_ID=$ID
out=$(BETTER_AUTH_SECRET=$BC_TEST_SECRET bc_cli_json users impersonate target@example.test --json)
imp_token=$(json_get .token <<<"$out")
cookie=$(json_get .cookie <<<"$out")
minutes_ahead() { echo $((($(ms_of "$1") - $(date +%s%3N)) / 60000)); }
ahead=$(minutes_ahead "$(drv sessions "$TARGET_ID" | json_get '.find(s => s.impersonatedBy).expiresAt')")
[ "$ahead" -ge 55 ] && [ "$ahead" -le 61 ] || bc_die "impersonation row expires in $ahead minutes, not about 60"
# disableRefresh: Better Auth 1.4.9 otherwise extends any session within (expiresIn - updateAge)
# of its end to a full 7 days on get-session, impersonation sessions included (checked below).
ba_get "/get-session?disableRefresh=true" "$imp_token" >/dev/null
ba_expect 200
got=$(cat "$BC_TMP/last.body")
bc_assert_eq "impersonated user" "$TARGET_ID" "$(json_get .user.id <<<"$got")"
bc_assert_eq "impersonatedBy" "$ROOT_ID" "$(json_get .session.impersonatedBy <<<"$got")"
ahead=$(minutes_ahead "$(json_get .session.expiresAt <<<"$got")")
[ "$ahead" -ge 55 ] && [ "$ahead" -le 61 ] || bc_die "get-session says the impersonation ends in $ahead minutes, not about 60"
curl -sS --max-time 30 -H "Cookie: $cookie" "$BA_URL/get-session?disableRefresh=true" >"$BC_TMP/cookie.body"
bc_assert_eq "user through the signed cookie" "$TARGET_ID" "$(json_get .user.id <"$BC_TMP/cookie.body")"
# A cookie signed with another secret is not accepted: the signature really is checked.
bad=$(BETTER_AUTH_SECRET=another-secret-0123456789abcdefghijkl bc_cli_json users impersonate target@example.test --json | json_get .cookie)
curl -sS --max-time 30 -H "Cookie: $bad" "$BA_URL/get-session" >"$BC_TMP/cookie.body"
bc_assert_eq "cookie under another secret" null "$(cat "$BC_TMP/cookie.body")"

# Upstream behaviour worth knowing: a plain get-session turns the one-hour session into a 7-day one.
ahead=$(minutes_ahead "$(ba_get /get-session "$imp_token" | json_get .session.expiresAt)")
[ "$ahead" -ge $((7 * 24 * 60 - 5)) ] || bc_die "expected the server to extend the session to 7 days, got $ahead minutes"

bc_log "impersonating an admin or a banned user is refused"
bc_cli users impersonate promoted@example.test >/dev/null && bc_die "impersonated an admin" || rc=$?
bc_assert_eq "admin target exit code" 4 "$rc"
bc_cli_ok users ban ban.me@example.test >/dev/null
bc_cli users impersonate ban.me@example.test >/dev/null && bc_die "impersonated a banned user" || rc=$?
bc_assert_eq "banned target exit code" 4 "$rc"

bc_log "stop-impersonating kills the impersonation session"
bc_cli_ok users stop-impersonating target@example.test >/dev/null
bc_assert_eq "impersonation token after stop" null "$(session_user "$imp_token")"

bc_log "set-password: the new one signs in, the old one fails"
sign_up newpw@example.test "New Password"
printf '%s\n' 'brand-new-password-9' | bc_cli_ok users set-password newpw@example.test >/dev/null
ba_try_sign_in newpw@example.test "$PW" >/dev/null
ba_expect 401
ba_sign_in newpw@example.test brand-new-password-9 >/dev/null

bc_log "a created user signs in"
created=$(printf '%s' 'created-password-7' | bc_cli_json users create --email Created@Example.test --name "Made By bcadmin" --json)
tok=$(ba_sign_in created@example.test created-password-7)
bc_assert_eq "created user's email" created@example.test "$(ba_get /get-session "$tok" | json_get .user.email)"
# The id bcadmin reports (and audits) is the row's: Convex chooses ids itself.
bc_assert_eq "created user's id" "$(json_get .user.id <"$BC_TMP/last.body")" "$(json_get .user.id <<<"$created")"
bc_assert_eq "audited id of the created user" "$(json_get '[j.user.id, j.user.id].join(" ")' <<<"$created")" \
    "$(bc_cli_ok audit --limit 1 --json | json_get '[j.entries[0].subject, j.entries[0].after.id].join(" ")')"

bc_log "sessions revoke (by token) and revoke-all"
sign_up sessions@example.test "Many Sessions"
S_ID=$ID S1=$TOKEN
S2=$(ba_sign_in sessions@example.test "$PW")
S3=$(ba_sign_in sessions@example.test "$PW")
bc_cli_ok sessions revoke "$S1" >/dev/null
bc_assert_eq "revoked token" null "$(session_user "$S1")"
bc_assert_eq "other token alive" "$S_ID" "$(session_user "$S2")"
bc_cli_ok sessions revoke-all sessions@example.test >/dev/null
bc_assert_eq "revoke-all token 2" null "$(session_user "$S2")"
bc_assert_eq "revoke-all token 3" null "$(session_user "$S3")"

bc_log "remove: the user cannot sign in and no rows remain"
sign_up removed@example.test "Removed"
RM_ID=$ID RM_TOKEN=$TOKEN
bc_cli_ok users remove removed@example.test --yes >/dev/null
ba_try_sign_in removed@example.test "$PW" >/dev/null
ba_expect 401
bc_assert_eq "removed user's token" null "$(session_user "$RM_TOKEN")"
bc_assert_eq "user row" null "$(drv user "$RM_ID")"
bc_assert_eq "session rows" '[]' "$(drv sessions "$RM_ID")"
bc_assert_eq "account rows" '[]' "$(drv accounts "$RM_ID")"
bc_cli users remove root@example.test --yes >/dev/null && bc_die "removed oneself" || rc=$?
bc_assert_eq "self-removal exit code" 4 "$rc"

bc_log "unlinking the last account is refused"
acc=$(drv accounts "$S_ID" | json_get '.[0].id')
bc_cli accounts unlink sessions@example.test "$acc" >/dev/null && bc_die "unlinked the last account" || rc=$?
bc_assert_eq "last account exit code" 4 "$rc"

# --- 2. twins: the server's endpoint on one user, bcadmin on the other ---------------------------

# twin_pair NAME: two fresh users; sets A_ID, B_ID (A for the server, B for bcadmin).
twin_pair() {
    sign_up "server.$1@example.test" "Twin $1"
    A_ID=$ID
    sign_up "bcadmin.$1@example.test" "Twin $1"
    B_ID=$ID
}

# same_user WHAT: the two users' rows agree on every field but ids, names, emails and times; and
# both or neither had updatedAt bumped since A_BEFORE / B_BEFORE.
same_user() {
    local a b
    a=$(drv user "$A_ID")
    b=$(drv user "$B_ID")
    bc_json_same "$1 (server vs bcadmin)" "$(without id email createdAt updatedAt banExpires <<<"$a")" \
        "$(without id email createdAt updatedAt banExpires <<<"$b")"
    bc_assert_eq "$1: banExpires set" "$(json_get 'j.banExpires === null' <<<"$a")" "$(json_get 'j.banExpires === null' <<<"$b")"
    bc_assert_eq "$1: updatedAt bumped" \
        "$([ "$(json_get .updatedAt <<<"$a")" != "$A_BEFORE" ] && echo yes || echo no)" \
        "$([ "$(json_get .updatedAt <<<"$b")" != "$B_BEFORE" ] && echo yes || echo no)"
}
mark() {
    sleep 0.01 # a bump must be visible at millisecond resolution
    A_BEFORE=$(drv user "$A_ID" | json_get .updatedAt)
    B_BEFORE=$(drv user "$B_ID" | json_get .updatedAt)
}

bc_log "twins: ban with reason and expiry, sessions deleted"
twin_pair ban
mark
ba_post /admin/ban-user "$(json_obj userId "$A_ID" banReason "twin reason" banExpiresIn json:86400)" "$ADMIN" >/dev/null
ba_expect 200
bc_cli_ok users ban "$B_ID" --reason "twin reason" --expires 1d >/dev/null
same_user ban
a_exp=$(ms_of "$(drv user "$A_ID" | json_get .banExpires)")
b_exp=$(ms_of "$(drv user "$B_ID" | json_get .banExpires)")
[ $((a_exp - b_exp)) -lt 60000 ] && [ $((b_exp - a_exp)) -lt 60000 ] ||
    bc_die "ban expiries differ by more than a minute: $a_exp vs $b_exp"
bc_assert_eq "server deleted sessions" '[]' "$(drv sessions "$A_ID")"
bc_assert_eq "bcadmin deleted sessions" '[]' "$(drv sessions "$B_ID")"

bc_log "twins: re-ban without expiry (up to 1.6 the server keeps the stale expiry; 1.7 and bcadmin clear it)"
mark
ba_post /admin/ban-user "$(json_obj userId "$A_ID")" "$ADMIN" >/dev/null
ba_expect 200
bc_cli_ok users ban "$B_ID" >/dev/null
if ba_at_least 1.7; then
    bc_assert_eq "Better Auth $BA_VERSION writes NULL" true "$(drv user "$A_ID" | json_get 'j.banExpires === null')"
else
    bc_assert_eq "Better Auth $BA_VERSION keeps the old expiry (better-auth #1468)" false "$(drv user "$A_ID" | json_get 'j.banExpires === null')"
fi
bc_assert_eq "bcadmin writes NULL" null "$(drv user "$B_ID" | json_get 'String(j.banExpires)')"
bc_json_same "re-ban reason" "$(drv user "$A_ID" | without id email createdAt updatedAt banExpires)" \
    "$(drv user "$B_ID" | without id email createdAt updatedAt banExpires)"

bc_log "twins: unban"
mark
ba_post /admin/unban-user "$(json_obj userId "$A_ID")" "$ADMIN" >/dev/null
ba_expect 200
bc_cli_ok users unban "$B_ID" >/dev/null
same_user unban

bc_log "twins: set role (several roles)"
mark
ba_post /admin/set-role "$(json_obj userId "$A_ID" role 'json:["user","admin"]')" "$ADMIN" >/dev/null
ba_expect 200
bc_cli_ok users set-role "$B_ID" user,admin >/dev/null
same_user set-role

bc_log "twins: update name, emailVerified, image"
mark
ba_post /admin/update-user "$(json_obj userId "$A_ID" data 'json:{"name":"Renamed Twin","emailVerified":true,"image":"https://img.example/t.png"}')" "$ADMIN" >/dev/null
ba_expect 200
bc_cli_ok users update "$B_ID" --name "Renamed Twin" --email-verified true --image https://img.example/t.png >/dev/null
same_user update

bc_log "twins: set password (account rows)"
twin_pair pw
a_acc_before=$(drv accounts "$A_ID" | json_get '.[0].updatedAt')
b_acc_before=$(drv accounts "$B_ID" | json_get '.[0].updatedAt')
sleep 0.01
ba_post /admin/set-user-password "$(json_obj userId "$A_ID" newPassword twin-password-2)" "$ADMIN" >/dev/null
ba_expect 200
printf 'twin-password-2' | bc_cli_ok users set-password "$B_ID" >/dev/null
a_acc=$(drv accounts "$A_ID" | json_get '.[0]')
b_acc=$(drv accounts "$B_ID" | json_get '.[0]')
bc_json_same "account after set-password" "$(without id accountId userId password createdAt updatedAt <<<"$a_acc")" \
    "$(without id accountId userId password createdAt updatedAt <<<"$b_acc")"
bc_assert_eq "account updatedAt bumped" \
    "$([ "$(json_get .updatedAt <<<"$a_acc")" != "$a_acc_before" ] && echo yes || echo no)" \
    "$([ "$(json_get .updatedAt <<<"$b_acc")" != "$b_acc_before" ] && echo yes || echo no)"
ba_sign_in server.pw@example.test twin-password-2 >/dev/null
ba_sign_in bcadmin.pw@example.test twin-password-2 >/dev/null

bc_log "users without a password: created by the server (1.5+), a password set on them"
if ! ba_at_least 1.5; then
    ba_post /admin/create-user "$(json_obj email nopw.a@example.test name "No Password")" "$ADMIN" >/dev/null
    bc_assert_eq "Better Auth $BA_VERSION refuses create-user without a password" 400 "$(ba_status)"
else
    for who in a b; do
        ba_post /admin/create-user "$(json_obj email "nopw.$who@example.test" name "No Password")" "$ADMIN" >/dev/null
        ba_expect 200
    done
    A_ID=$(drv user_id nopw.a@example.test)
    B_ID=$(drv user_id nopw.b@example.test)
    bc_assert_eq "no account for a user made without a password" '[]' "$(drv accounts "$B_ID")"
    bc_cli_ok users show nopw.b@example.test | grep -q "no password" ||
        bc_die "users show does not say the user has no password: $(bc_cli users show nopw.b@example.test)"
    ba_post /admin/set-user-password "$(json_obj userId "$A_ID" newPassword twin-password-3)" "$ADMIN" >/dev/null
    ba_expect 200
    printf 'twin-password-3' | bc_cli_ok users set-password nopw.b@example.test >/dev/null
    b_acc=$(drv accounts "$B_ID" | json_get '.[0]')
    bc_assert_eq "bcadmin's credential account: accountId is the user id" "$B_ID" "$(json_get .accountId <<<"$b_acc")"
    bc_assert_eq "bcadmin's credential account: providerId" credential "$(json_get .providerId <<<"$b_acc")"
    ba_sign_in nopw.b@example.test twin-password-3 >/dev/null
    if ba_at_least 1.6; then
        a_acc=$(drv accounts "$A_ID" | json_get '.[0]')
        bc_json_same "credential account made by set-password" \
            "$(without id userId accountId password createdAt updatedAt <<<"$a_acc")" \
            "$(without id userId accountId password createdAt updatedAt <<<"$b_acc")"
        bc_assert_eq "the server's credential account: accountId is the user id" "$A_ID" "$(json_get .accountId <<<"$a_acc")"
        ba_sign_in nopw.a@example.test twin-password-3 >/dev/null
    else
        bc_assert_eq "Better Auth $BA_VERSION answers ok but makes no account" '[]' "$(drv accounts "$A_ID")"
    fi
fi

bc_log "twins: impersonation sessions"
twin_pair imp
ba_post /admin/impersonate-user "$(json_obj userId "$A_ID")" "$ADMIN" >/dev/null
ba_expect 200
bc_cli_ok users impersonate "$B_ID" >/dev/null
a_s=$(drv sessions "$A_ID" | json_get '.find(s => s.impersonatedBy)')
b_s=$(drv sessions "$B_ID" | json_get '.find(s => s.impersonatedBy)')
# userAgent is the HTTP client's on the server (curl here) and bcadmin's own name for bcadmin.
bc_json_same "impersonation session" "$(without id token userId userAgent expiresAt createdAt updatedAt <<<"$a_s")" \
    "$(without id token userId userAgent expiresAt createdAt updatedAt <<<"$b_s")"
life() { json_get 'String(Math.round((Date.parse(j.expiresAt) - Date.parse(j.createdAt)) / 1000))'; }
bc_assert_eq "impersonation lifetime (s)" "$(life <<<"$a_s")" "$(life <<<"$b_s")"

bc_log "twins: create user"
ba_post /admin/create-user "$(json_obj email server.created@example.test password twin-created-1 name "Created Twin")" "$ADMIN" >/dev/null
ba_expect 200
A_ID=$(json_get .user.id <"$BC_TMP/last.body")
printf 'twin-created-1' | bc_cli_ok users create --email bcadmin.created@example.test --name "Created Twin" >/dev/null
B_ID=$(bc_cli_json users show bcadmin.created@example.test --json | json_get .user.id)
bc_json_same "created user" "$(drv user "$A_ID" | without id email createdAt updatedAt)" \
    "$(drv user "$B_ID" | without id email createdAt updatedAt)"
bc_json_same "created account" "$(drv accounts "$A_ID" | json_get '.[0]' | without id accountId userId password createdAt updatedAt)" \
    "$(drv accounts "$B_ID" | json_get '.[0]' | without id accountId userId password createdAt updatedAt)"
bc_assert_eq "server: accountId is the user id" "$A_ID" "$(drv accounts "$A_ID" | json_get '.[0].accountId')"
bc_assert_eq "bcadmin: accountId is the user id" "$B_ID" "$(drv accounts "$B_ID" | json_get '.[0].accountId')"

bc_log "twins: revoke sessions and remove"
twin_pair rm
ba_post /admin/revoke-user-sessions "$(json_obj userId "$A_ID")" "$ADMIN" >/dev/null
ba_expect 200
bc_cli_ok sessions revoke-all "$B_ID" >/dev/null
bc_assert_eq "sessions after revoke-all" "$(drv sessions "$A_ID")" "$(drv sessions "$B_ID")"
ba_post /admin/remove-user "$(json_obj userId "$A_ID")" "$ADMIN" >/dev/null
ba_expect 200
bc_cli_ok users remove "$B_ID" --yes >/dev/null
for id in "$A_ID" "$B_ID"; do
    bc_assert_eq "removed user" null "$(drv user "$id")"
    bc_assert_eq "removed accounts" '[]' "$(drv accounts "$id")"
done

# better-convex 0.11 runs the app's triggers on every write through its functions: bcadmin's
# writes must reach them (the test app records each in authEvents).
if [ "${BC_CONVEX_APP:-}" = bc-0.11 ]; then
    bc_log "better-convex 0.11: the app's triggers see bcadmin's create, ban and remove"
    accounts_made() { cvx_call_in "" events:list '{}' | json_get "j.filter(e => e.model === 'account' && e.op === 'create').length"; }
    before=$(accounts_made)
    printf 'trigger-password-1' | bc_cli_ok users create --email trig@example.test --name Trig >/dev/null
    T_ID=$(drv user_id trig@example.test)
    bc_assert_eq "trigger event for the credential account bcadmin made" $((before + 1)) "$(accounts_made)"
    bc_cli_ok users ban trig@example.test >/dev/null
    bc_cli_ok users remove trig@example.test --yes >/dev/null
    bc_assert_eq "trigger events for bcadmin's writes" "user:create user:update user:delete" \
        "$(cvx_call_in "" events:list '{}' | json_get "j.filter(e => e.docId === '$T_ID').map(e => e.model + ':' + e.op).join(' ')")"
fi

# @convex-dev/better-auth 0.12 keeps the data in component betterAuth, and its `create` validates
# every document against the schema (strict): the users and accounts bcadmin created above went
# through that validator there, and nothing at the app's root holds them.
if [ "${BC_CONVEX_APP:-}" = cdba-0.12 ]; then
    bc_log "@convex-dev/better-auth 0.12: strict create in the component, no data functions at the root"
    strict() { # COMPONENT DATA_JSON: the status of a user create there
        curl -sS --max-time 60 -H "Authorization: Convex $CONVEX_KEY" -H 'Content-Type: application/json' \
            --data-binary "{\"path\":\"adapter:create\",\"args\":{\"input\":{\"model\":\"user\",\"data\":$2}}${1:+,\"componentPath\":\"$1\"},\"format\":\"convex_encoded_json\"}" \
            "$CVX_URL/api/function" | json_get .status
    }
    now=$(date +%s%3N)
    doc="{\"name\":\"Strict\",\"email\":\"strict@example.test\",\"emailVerified\":false,\"createdAt\":$now,\"updatedAt\":$now"
    bc_assert_eq "create with a field the schema lacks" error "$(strict betterAuth "$doc,\"notInSchema\":1}")"
    iso="{\"name\":\"Strict\",\"email\":\"strict@example.test\",\"emailVerified\":false,\"createdAt\":\"2026-01-01T00:00:00.000Z\",\"updatedAt\":$now}"
    bc_assert_eq "create with an ISO date where the schema has a number" error "$(strict betterAuth "$iso")"
    bc_assert_eq "create at the app's root" error "$(strict "" "$doc}")"
    bc_assert_eq "the created user is the component's" bcadmin.created@example.test \
        "$(cvx_call adapter:findOne '{"model":"user","where":[{"field":"email","value":"bcadmin.created@example.test"}]}' | json_get .email)"
    # the validator's own answer to a whole document, so the refusals above are about the fields
    bc_assert_eq "create of a whole document" success "$(strict betterAuth "$doc}")"
fi

# --- 3. concurrency: bulk ban of 1,000 users during 200 sign-ups -------------------------------

bc_log "concurrency: bulk ban of 1000 users while the server handles 200 sign-ups"
ba_stop
unset BCADMIN_AS
drv many_setup 1000
signup() { # EMAIL: one sign-up; prints its HTTP status
    curl -sS --max-time 60 -o /dev/null -w '%{http_code}' -H 'Content-Type: application/json' \
        --data-binary "{\"email\":\"$1\",\"password\":\"$PW\",\"name\":\"Load ${1%@*}\"}" \
        "$BA_URL/sign-up/email"
}
signups() { # WORKER: 50 sign-ups, one line "STATUS EMAIL" each
    local i
    for i in $(seq 1 50); do
        printf '%s load%s.%s@signup.test\n' "$(signup "load$1.$i@signup.test")" "$1" "$i"
    done
}
# The demo's users all have example.* addresses; the sign-ups do not, so the selection is fixed.
# --all: a search that stops at its first page has no exact total on Convex (totalAtLeast).
want=$(bc_cli_json users list --search example --all --json | json_get .total)
[ "$want" -ge 990 ] || bc_die "only $want demo users match 'example'"
workers=()
for w in 1 2 3 4; do
    signups "$w" >"$BC_TMP/signups.$w" &
    workers+=($!)
done
# Sign-ups spend most of their time hashing (pure-JS scrypt); to contend with their writes all
# along, bcadmin unbans and bans the selection again until they are done, and bans it last.
rounds=0
running() { local p; for p in "${workers[@]}"; do kill -0 "$p" 2>/dev/null && return 0; done; return 1; }
while :; do
    bulk=$(bc_cli_json users ban --search example --reason load --yes --json)
    rounds=$((rounds + 1))
    running || break
    bc_cli_json users unban --search example --yes --json >/dev/null
done
wait "${workers[@]}" # not a bare wait: the server is a background job too
bc_log "$rounds bulk bans (and unbans between them) ran during the sign-ups"
bc_assert_eq "users the bulk ban matched" "$want" "$(json_get .matched <<<"$bulk")"
bc_assert_eq "users the bulk ban changed" "$want" "$(json_get .affected <<<"$bulk")"
statuses=$(cat "$BC_TMP"/signups.* | awk '{print $1}' | sort | uniq -c | awk '{print $1, $2}' | tr '\n' ' ')
if [ "$BC_DRIVER" = sqlite ] && ba_at_least 1.6; then
    # Better Auth 1.6+ signs up in a deferred transaction (read, then write): SQLite refuses it
    # (SQLITE_BUSY, answered 422) when another connection commits meanwhile - bcadmin here, or a
    # second app process - and the server does not retry. Each refusal must be that and nothing
    # else, leave no half-made user, and succeed when the client tries again.
    bc_log "Better Auth $BA_VERSION answered the 200 sign-ups: $statuses"
    [ -z "$(cat "$BC_TMP"/signups.* | awk '$1 != 200 && $1 != 422')" ] ||
        bc_die "sign-ups answered other than 200/422: $statuses"
    for email in $(cat "$BC_TMP"/signups.* | awk '$1 == 422 {print $2}'); do
        bc_assert_eq "refused sign-up left no user ($email)" 0 \
            "$(bc_cli_json users list --search "$email" --all --json | json_get .total)"
        bc_assert_eq "sign-up of $email tried again" 200 "$(signup "$email")"
    done
else
    bc_assert_eq "sign-ups answered 200" "200 200 " "$statuses"
fi
bc_assert_eq "users after the load" 1200 "$(drv count_users)"
bc_assert_eq "selected users banned now" "$want" \
    "$(bc_cli_json users list --search example --banned --all --json | json_get .total)"
bc_assert_eq "new users banned" 0 "$(bc_cli_json users list --search signup.test --banned --all --json | json_get .total)"
bc_assert_eq "new users present" 200 "$(bc_cli_json users list --search signup.test --all --json | json_get .total)"
# A bulk action is one audit entry whose members are its users (one z undoes it).
bc_assert_eq "audit entry of the last bulk ban" "done $want" "$(bc_cli_ok audit --limit 5 --json |
    json_get '((e) => e ? e.state + " " + e.members : "none")(j.entries.find(e => e.action === "users.ban" && e.target.includes(process.env.MANY_TARGET)))')"

bc_log "all conformance checks passed"
