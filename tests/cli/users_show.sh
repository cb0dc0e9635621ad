#!/bin/sh
# `bcadmin users show`, `sessions list` and `accounts list`: every field, masking, lookup by id or
# email, not found. usage: users_show.sh BCADMIN SOURCE_ROOT
BCADMIN=$1 SRC=$2
. "$SRC/tests/cli/lib.sh"

run 0 bc users show u1
same_out "show by id" <<'OUT'
user
  id             u1
  name           Alice Anders
  email          alice@example.com
  emailVerified  true
  image          -
  createdAt      2026-01-01T10:00:00.000Z
  updatedAt      2026-05-10T10:00:00.000Z
  role           admin
  banned         false
  banReason      -
  banExpires     -
  username       alice
  status         active

sessions (2)
  id  user               status   expires UTC       ip         user agent   impersonated by
  s1  alice@example.com  active   2026-06-05 00:00  127.0.0.1  curl/8.0     -
  s2  alice@example.com  expired  2026-05-01 00:00             Mozilla/5.0  -

accounts (1)
  id  provider    account id  scope  password  created UTC
  a1  credential  u1          -      ****0000  2026-01-01 10:00
OUT
cp "$TMP/out" "$TMP/by-id"
# By email, in any case: Better Auth stores emails lowercased.
run 0 bc users show ALICE@Example.com
cmp -s "$TMP/out" "$TMP/by-id" || fail "show by email differs from show by id"

run 0 bc users show eve@example.com --json
same_out "show json" <<'OUT'
{
  "user": {
    "id": "u5",
    "name": "Eve 李小龙",
    "email": "eve@example.com",
    "emailVerified": false,
    "image": "https://img.example/eve.png",
    "createdAt": "2026-05-01T10:00:00.000Z",
    "updatedAt": "2026-05-20T10:00:00.000Z",
    "role": null,
    "banned": false,
    "banReason": null,
    "banExpires": null,
    "username": "eve"
  },
  "sessions": [
    {
      "id": "s3",
      "expiresAt": "2026-06-01T01:00:00.000Z",
      "token": "****ccc3",
      "createdAt": "2026-05-31T23:00:00.000Z",
      "updatedAt": "2026-05-31T23:00:00.000Z",
      "ipAddress": "10.0.0.2",
      "userAgent": "Mozilla/5.0",
      "userId": "u5",
      "impersonatedBy": "u1"
    }
  ],
  "accounts": [
    {
      "id": "a2",
      "accountId": "4242",
      "providerId": "github",
      "userId": "u5",
      "accessToken": "****9876",
      "refreshToken": null,
      "idToken": null,
      "accessTokenExpiresAt": null,
      "refreshTokenExpiresAt": null,
      "scope": "read:user,user:email",
      "password": null,
      "createdAt": "2026-05-01T10:00:00.000Z",
      "updatedAt": "2026-05-01T10:00:00.000Z"
    }
  ]
}
OUT
# Secrets appear only when asked for.
if grep -q "secretsecret\|tok3ccc" "$TMP/out"; then fail "secrets masked by default"; fi
run 0 bc users show u5 --json --reveal
[ "$(json 'd["sessions"][0]["token"], d["accounts"][0]["accessToken"]')" = \
    "('tok3cccccccccccccccccccccccccccc3', 'gho_secretsecretsecretsecret9876')" ] ||
    fail "--reveal shows secrets"
# A user with no sessions or accounts.
run 0 bc users show u2 --json
[ "$(json 'd["user"]["name"], d["sessions"], d["accounts"]')" = \
    "('Bob, \"the\" Builder', [], [])" ] || fail "empty lists: $(cat "$TMP/out")"
run 0 bc users show u3
has "$TMP/out" "  name           Carol\\nNewline"
has "$TMP/out" "  status         banned until 2026-12-31 00:00"
has "$TMP/out" "sessions (0)"
# Eve's session made by alice impersonating her: both by email, as sessions list shows them.
run 0 bc users show eve@example.com
grep -q '^  s3  eve@example.com .* alice@example.com$' "$TMP/out" ||
    fail "users show: session owner and impersonator by email: $(cat "$TMP/out")"

# Not found: exit 3, naming what was looked for.
run 3 bc users show nobody@example.com
same_err "not found by email" <<OUT
bcadmin: no user with email "nobody@example.com" in $DB
OUT
run 3 bc users show u999 --json
has "$TMP/err" 'no user with id "u999"'
[ ! -s "$TMP/out" ] || fail "nothing on stdout when not found"
run 3 bc sessions list nobody@example.com
run 3 bc accounts list nobody@example.com

# Sessions: all, by user, filters, cursor.
run 0 bc sessions list
same_out "sessions table" <<'OUT'
id  user               status                  expires UTC       ip         user agent   impersonated by
s3  eve@example.com    active (impersonation)  2026-06-01 01:00  10.0.0.2   Mozilla/5.0  alice@example.com
s1  alice@example.com  active                  2026-06-05 00:00  127.0.0.1  curl/8.0     -
s2  alice@example.com  expired                 2026-05-01 00:00             Mozilla/5.0  -
OUT
# Sessions show their owner's and impersonator's emails, as the console does; the footer, piped,
# is on stderr.
has "$TMP/err" "showing 3 of 3"
ids() {
    run 0 bc sessions list --json "$@"
    json '" ".join(s["id"] for s in d["sessions"])'
}
[ "$(ids)" = "s3 s1 s2" ] || fail "sessions newest first"
[ "$(ids --active)" = "s3 s1" ] || fail "sessions --active"
[ "$(ids --expired)" = "s2" ] || fail "sessions --expired"
[ "$(ids --impersonation)" = "s3" ] || fail "sessions --impersonation"
[ "$(ids alice@example.com)" = "s1 s2" ] || fail "sessions of one user"
[ "$(ids u1 --expired)" = "s2" ] || fail "sessions of one user, expired"
run 0 bc sessions list --json --limit 2
[ "$(json 'd["total"], len(d["sessions"])')" = "(3, 2)" ] || fail "sessions page"
cursor=$(json 'd["nextCursor"]')
[ "$(ids --limit 2 --cursor "$cursor")" = "s2" ] || fail "sessions cursor"
run 0 bc sessions list --all --limit 1 --json
[ "$(json '[s["token"] for s in d["sessions"]]')" = "['****ccc3', '****aaa1', '****bbb2']" ] ||
    fail "sessions --all, masked"

# Accounts.
run 0 bc accounts list u5
same_out "accounts table" <<'OUT'
id  provider  account id  scope                 password  created UTC
a2  github    4242        read:user,user:email  -         2026-05-01 10:00
OUT
run 0 bc accounts list alice@example.com --json
[ "$(json '[(a["providerId"], a["password"]) for a in d["accounts"]]')" = \
    "[('credential', '****0000')]" ] || fail "accounts json masks the hash"
run 0 bc accounts list u1 --csv --reveal
has "$TMP/out" "0123456789abcdef0123456789abcdef:0000"
echo "ok users_show"
