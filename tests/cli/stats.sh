#!/bin/sh
# `bcadmin stats`: every number of --json equals what SQL over the same file says (per-day
# sign-ups and new sessions, users verified / admins / banned in force / bans ending within a
# week, active and impersonation sessions, accounts by provider), on a file of 80,000 users with
# known dates (some days empty, some dates stored as epoch milliseconds), counted without
# bcadmin's indexes and again with them (where the largest value of a field is what the others
# leave of the table's count); then bad input. usage: stats.sh BCADMIN SOURCE_ROOT
BCADMIN=$1 SRC=$2
. "$SRC/tests/cli/lib.sh"
command -v sqlite3 >/dev/null || { echo "SKIP: no sqlite3 shell" >&2; exit 77; }
DB="$TMP/stats.db"
sqlite3 "$DB" <"$SRC/assets/better-auth-schema.sql"
# BCADMIN_NOW is 2026-06-01T00:00:00Z: user i signed up i*10 minutes before it (every 1000th
# stored as epoch ms); nobody on 2026-05-20; roles user / admin / user,admin / NULL; every 97th
# banned, with no expiry, an expired one, or one within or beyond a week.
sqlite3 "$DB" <<'SQL'
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 80000)
INSERT INTO "user" SELECT printf('u%05d', i), printf('User %d', i), printf('user%05d@example.com', i),
  i % 3 <> 0, NULL,
  CASE WHEN i % 1000 = 0 THEN 1780272000000 - i * 600000
       ELSE strftime('%Y-%m-%dT%H:%M:%fZ', 1780272000 - i * 600, 'unixepoch') END,
  '2026-01-01T00:00:00.000Z',
  CASE WHEN i % 500 = 0 THEN 'admin' WHEN i % 777 = 0 THEN 'user,admin' WHEN i % 11 = 0 THEN NULL
       ELSE 'user' END,
  i % 97 = 0, CASE WHEN i % 97 = 0 THEN 'spam' END,
  CASE WHEN i % 97 = 0 AND i % 4 = 1 THEN strftime('%Y-%m-%dT%H:%M:%fZ', 1780272000 + (i % 20 - 10) * 86400, 'unixepoch')
       WHEN i % 97 = 0 AND i % 4 = 3 THEN 1780272000000 + (i % 20 - 10) * 86400000 END
FROM n;
DELETE FROM "user" WHERE "createdAt" LIKE '2026-05-20%';
WITH RECURSIVE n(j) AS (SELECT 1 UNION ALL SELECT j + 1 FROM n WHERE j < 20000)
INSERT INTO session SELECT printf('s%05d', j),
  strftime('%Y-%m-%dT%H:%M:%fZ', 1780272000 + (j % 14 - 7) * 86400 + 60, 'unixepoch'),
  printf('token%05d', j), strftime('%Y-%m-%dT%H:%M:%fZ', 1780272000 - j * 1800, 'unixepoch'),
  '2026-01-01T00:00:00.000Z', '', 'test', printf('u%05d', 1 + j % 1000),
  CASE WHEN j % 300 = 0 THEN 'u00500' WHEN j % 301 = 0 THEN 'u01000' END FROM n;
INSERT INTO account SELECT 'a' || id, id, 'credential', id, NULL, NULL, NULL, NULL, NULL, NULL,
  'salt:hash', "createdAt", "createdAt" FROM "user";
INSERT INTO account SELECT 'g' || id, id, 'google', id, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
  "createdAt", "createdAt" FROM "user" WHERE rowid % 20 = 0;
INSERT INTO account SELECT 'h' || id, id, 'github', id, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
  "createdAt", "createdAt" FROM "user" WHERE rowid % 160 = 0;
SQL

q() { sqlite3 "$DB" "$1"; }
NOW_ISO=2026-06-01T00:00:00.000Z NOW_MS=1780272000000 SOON_MS=$((1780272000000 + 7 * 86400000))
# The same numbers by plain SQL (ISO text and epoch-ms dates both handled).
day_of="CASE typeof(createdAt) WHEN 'integer' THEN date(createdAt / 1000, 'unixepoch') ELSE substr(createdAt, 1, 10) END"
after_now() { echo "(($1 > '$NOW_ISO' AND typeof($1) = 'text') OR ($1 > $NOW_MS AND typeof($1) = 'integer'))"; }
in_force="banned = 1 AND (banExpires IS NULL OR $(after_now banExpires))"
ending="banned = 1 AND ((typeof(banExpires) = 'text' AND banExpires > '$NOW_ISO' AND banExpires <= strftime('%Y-%m-%dT%H:%M:%fZ', $SOON_MS / 1000, 'unixepoch')) OR (typeof(banExpires) = 'integer' AND banExpires > $NOW_MS AND banExpires <= $SOON_MS))"
expect() {
    cat >"$TMP/expect.json" <<JSON
{"users": $(q 'SELECT count(*) FROM "user"'),
 "verified": $(q 'SELECT count(*) FROM "user" WHERE emailVerified = 1'),
 "admins": $(q "SELECT count(*) FROM \"user\" WHERE instr(',' || role || ',', ',admin,') > 0"),
 "banned": $(q "SELECT count(*) FROM \"user\" WHERE $in_force"),
 "ending": $(q "SELECT count(*) FROM \"user\" WHERE $ending"),
 "sessions": $(q 'SELECT count(*) FROM session'),
 "active": $(q "SELECT count(*) FROM session WHERE $(after_now expiresAt)"),
 "impersonating": $(q "SELECT json_group_object(impersonatedBy, n) FROM (SELECT impersonatedBy, count(*) AS n FROM session WHERE $(after_now expiresAt) AND impersonatedBy <> '' GROUP BY 1)"),
 "providers": $(q 'SELECT json_group_object(providerId, n) FROM (SELECT providerId, count(*) AS n FROM account GROUP BY 1)'),
 "signups": $(q "SELECT json_group_object(d, n) FROM (SELECT $day_of AS d, count(*) AS n FROM \"user\" GROUP BY 1)"),
 "new_sessions": $(q "SELECT json_group_object(d, n) FROM (SELECT $day_of AS d, count(*) AS n FROM session GROUP BY 1)")}
JSON
}

# check DAYS: stats --json --days DAYS against the SQL answers.
check() {
    run 0 "$BCADMIN" --db "$DB" stats --json --days "$1"
    python3 - "$TMP/out" "$TMP/expect.json" "$1" <<'PY' || fail "stats --days $1 differs from SQL"
import datetime, json, sys
got, want, days = json.load(open(sys.argv[1])), json.load(open(sys.argv[2])), int(sys.argv[3])
def same(what, a, b):
    if a != b:
        print(f"{what}: stats says {a}, SQL says {b}", file=sys.stderr)
        sys.exit(1)
u = got["users"]
for k, w in [("total", "users"), ("verified", "verified"), ("admins", "admins"),
             ("bannedNow", "banned"), ("bansEndingSoon", "ending")]:
    same(k, u[k], want[w])
same("activeSessions", got["activeSessions"], want["active"])
same("sessions.total", got["sessions"]["total"], want["sessions"])
same("accountsByProvider", got["accountsByProvider"], want["providers"])
same("impersonatedBy", {p["userId"]: p["sessions"] for p in got["sessions"]["impersonatedBy"]},
     want["impersonating"] or {})
same("exact", got["exact"], True)
end = datetime.date(2026, 6, 1)
dates = [str(end - datetime.timedelta(days=days - 1 - i)) for i in range(days)]
for key, w in [("signupsPerDay", "signups"), ("sessionsPerDay", "new_sessions")]:
    same(key + " dates", [d["date"] for d in got[key]], dates)
    same(key, [d["count"] for d in got[key]], [want[w].get(d, 0) for d in dates])
# the fixture really has what the test is about
assert want["signups"].get("2026-05-19") and not want["signups"].get("2026-05-20")
assert 0 < want["ending"] < want["banned"] and want["impersonating"]
PY
}
expect
check 30
check 90
# With bcadmin's browsing indexes (the script `db index` runs first; its search index does not
# matter here) the same numbers come from other statements: index ranges, and the largest group
# as the table's count minus the others.
sqlite3 "$DB" <"$SRC/assets/browse-indexes.sql"
check 30
check 1

# People get lines and a bar per day; the basis is said.
run 0 "$BCADMIN" --db "$DB" stats --days 7
has "$TMP/out" "Users     79,856 total"
has "$TMP/out" "[every user]"
has "$TMP/out" "Accounts  84,348 total, credential 79,856, google 3,993, github 499  [every account]"
has "$TMP/out" "Sign-ups per day (UTC) (busiest 2026-05-31: 144)"
has "$TMP/out" "  2026-05-31        144 ########################################"

# Bad input says what was wrong and where.
run 2 "$BCADMIN" --db "$DB" stats --days 0
has "$TMP/err" '--days: "0" is not a whole number from 1 to 366'
run 2 "$BCADMIN" --db "$DB" stats --days 9x
has "$TMP/err" '--days: "9x" is not a whole number'
run 3 "$BCADMIN" --db "$TMP/missing.db" stats
has "$TMP/err" "no such database file"
echo "ok stats"
