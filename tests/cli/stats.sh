#!/bin/sh
# `bcadmin stats`: every number of --json equals what SQL over the same file says (per-day
# sign-ups and new sessions, users verified / admins / banned in force / bans ending within a
# week, active and impersonation sessions, accounts by provider; tests/tools/stats_vs_sql.py), on
# a file of 80,000 users with known dates (some days empty, some dates stored as epoch
# milliseconds), counted without bcadmin's indexes, with its browsing indexes (where the largest
# value of a field is what the others leave of the table's count), and with the overview summary
# of `db index` (per-day counts kept by triggers) before and after the app's inserts, updates and
# deletes; then bad input. usage: stats.sh BCADMIN SOURCE_ROOT
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

# check DAYS [WHEN]: stats --json --days DAYS against plain SQL over the same file at the same
# clock; the sessions list filtered to active or expired counts as many as SQL too.
check() {
    run 0 "$BCADMIN" --db "$DB" stats --json --days "$1"
    python3 "$SRC/tests/tools/stats_vs_sql.py" "$DB" "$TMP/out" || fail "stats --days $1 differs from SQL${2:+ ($2)}"
    cp "$TMP/out.sql.json" "$TMP/sql.json"
    for status in active expired; do
        run 0 "$BCADMIN" --db "$DB" sessions list --$status --limit 1 --json
        python3 - "$TMP/out" "$TMP/sql.json" "$status" <<'PY' || fail "sessions list --$status${2:+ ($2)}"
import json, sys
got, want, status = json.load(open(sys.argv[1])), json.load(open(sys.argv[2])), sys.argv[3]
n = want["active"] if status == "active" else want["sessions"] - want["active"]
if got["total"] != n:
    sys.exit(f"sessions list --{status}: total {got['total']}, SQL says {n}")
PY
    done
}
check 30
# the fixture really has what the test is about
python3 - "$TMP/sql.json" <<'PY' || fail "the fixture lacks what the test is about"
import json, sys
want = json.load(open(sys.argv[1]))
assert want["signups"].get("2026-05-19") and not want["signups"].get("2026-05-20")
assert 0 < want["ending"] < want["banned"] and want["impersonating"]
PY
check 90
# With bcadmin's browsing indexes (the script `db index` runs first) the same numbers come from
# other statements: index ranges, and the largest group as the table's count minus the others.
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

# `db index` adds the overview summary (per-day counts kept by triggers): the same numbers.
run 0 "$BCADMIN" --db "$DB" db check
has "$TMP/out" "overview summary: missing"
run 0 "$BCADMIN" --db "$DB" db index
run 0 "$BCADMIN" --db "$DB" db check
has "$TMP/out" "overview summary: present"
check 30 "from the summary"
check 90 "from the summary"
# The app writes (the sqlite3 shell in its place, with foreign keys on as Better Auth has them):
# users signed up in both date forms, one on the empty day; dates moved to another day or form;
# users removed with their sessions; sessions refreshed, ended and created, some expiring today
# after now, some exactly at now (not active).
sqlite3 "$DB" <<'SQL'
PRAGMA foreign_keys = ON;
INSERT INTO "user" (id, name, email, emailVerified, createdAt, updatedAt, role, banned)
  SELECT 'n' || i, 'New ' || i, 'new' || i || '@example.com', i % 2,
    CASE WHEN i % 3 = 0 THEN 1780272000000 - i * 3600000
         ELSE strftime('%Y-%m-%dT%H:%M:%fZ', 1780272000 - i * 3600, 'unixepoch') END,
    '2026-06-01T00:00:00.000Z', 'user', 0
  FROM (WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 40) SELECT i FROM n);
INSERT INTO "user" (id, name, email, emailVerified, createdAt, updatedAt)
  VALUES ('n-empty-day', 'Empty', 'empty@example.com', 1, '2026-05-20T12:00:00.000Z', '2026-05-20T12:00:00.000Z');
UPDATE "user" SET createdAt = '2026-05-25T08:00:00.000Z' WHERE id IN ('u00005', 'u00007', 'n3');
UPDATE "user" SET createdAt = 1780185600000 + 5 WHERE id IN ('u00011', 'n4');
UPDATE "user" SET name = 'renamed', updatedAt = '2026-06-01T00:00:00.000Z' WHERE id = 'u00013';
DELETE FROM "user" WHERE id IN ('u00002', 'u00003', 'u01000', 'n5');
UPDATE session SET expiresAt = strftime('%Y-%m-%dT%H:%M:%fZ', 1780272000 + 7 * 86400, 'unixepoch'),
  updatedAt = '2026-06-01T00:00:00.000Z' WHERE id IN ('s00010', 's00020', 's00030');
UPDATE session SET expiresAt = 1780272000000 + 3600000 WHERE id IN ('s00040', 's00041');
UPDATE session SET createdAt = '2026-05-31T23:59:59.999Z' WHERE id = 's00050';
DELETE FROM session WHERE id IN ('s00060', 's00061', 's00062');
INSERT INTO session (id, expiresAt, token, createdAt, updatedAt, userId, impersonatedBy) VALUES
  ('e1', '2026-06-01T00:00:00.000Z', 'te1', '2026-05-31T10:00:00.000Z', '2026-05-31T10:00:00.000Z', 'u00100', NULL),
  ('e2', 1780272000000, 'te2', 1780185600000, 1780185600000, 'u00100', NULL),
  ('e3', 1780272000001, 'te3', '2026-05-31T10:00:00.000Z', '2026-05-31T10:00:00.000Z', 'u00100', 'u00500'),
  ('e4', '2026-06-01T23:59:59.999Z', 'te4', '2026-05-31T10:00:00.000Z', '2026-05-31T10:00:00.000Z', 'n1', NULL),
  ('e5', '2026-06-02T00:00:00.000Z', 'te5', '2026-05-31T10:00:00.000Z', '2026-05-31T10:00:00.000Z', 'n1', NULL);
SQL
check 30 "after the app's writes"
check 90 "after the app's writes"
# The summary is what answers: a count changed behind the triggers' back shows.
sqlite3 "$DB" "UPDATE bcadmin_stats_day SET n = n + 1 WHERE kind = 'user.createdAt' AND day = '2026-05-31'"
run 0 "$BCADMIN" --db "$DB" stats --json --days 30
! python3 "$SRC/tests/tools/stats_vs_sql.py" "$DB" "$TMP/out" 2>"$TMP/diff" || fail "the summary is not read"
has "$TMP/diff" "signupsPerDay: stats says"
# Removed by `db index --drop` (triggers too): the range counts answer again, and equal SQL.
run 0 "$BCADMIN" --db "$DB" db index --drop
[ "$(sqlite3 "$DB" "SELECT count(*) FROM sqlite_schema WHERE name LIKE 'bcadmin_stats%'")" = 0 ] ||
    fail "db index --drop left the summary: $(sqlite3 "$DB" "SELECT name FROM sqlite_schema WHERE name LIKE 'bcadmin_stats%'")"
check 30 "after db index --drop"

# Bad input says what was wrong and where.
run 2 "$BCADMIN" --db "$DB" stats --days 0
has "$TMP/err" '--days: "0" is not a whole number from 1 to 366'
run 2 "$BCADMIN" --db "$DB" stats --days 9x
has "$TMP/err" '--days: "9x" is not a whole number'
run 3 "$BCADMIN" --db "$TMP/missing.db" stats
has "$TMP/err" "no such database file"
echo "ok stats"
