#!/usr/bin/env python3
"""stats_vs_sql.py DB STATS_JSON: every number of `bcadmin stats --json` (the file STATS_JSON)
equals what plain SQL run by the sqlite3 shell over the Better Auth file DB says at the same clock
(the JSON's "now") for the same days: users total / verified / admins / banned in force / bans
ending within a week, sessions total / active / impersonation sessions by admin, accounts by
provider, sign-ups and new sessions per UTC day. Dates count in both stored forms, ISO text and
epoch milliseconds. Prints what differs and exits 1; exits 0 when all is equal."""
import datetime
import json
import subprocess
import sys

db, got = sys.argv[1], json.load(open(sys.argv[2]))


def q(sql):
    out = subprocess.run(["sqlite3", "-cmd", ".timeout 5000", db, sql], check=True,
                         capture_output=True, text=True).stdout.strip()
    return json.loads(out) if out else None


def ms_of(iso):
    t = datetime.datetime.strptime(iso, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=datetime.timezone.utc)
    return int(t.timestamp() * 1000)


def iso_of(ms):
    t = datetime.datetime.fromtimestamp(ms / 1000, datetime.timezone.utc)
    return t.strftime("%Y-%m-%dT%H:%M:%S.") + "%03dZ" % (ms % 1000)


now_iso, days = got["now"], got["days"]
now_ms = ms_of(now_iso)
soon_ms = now_ms + 7 * 86400000


def after(col, ms):
    return (f"(({col} > '{iso_of(ms)}' AND typeof({col}) = 'text') OR "
            f"({col} > {ms} AND typeof({col}) = 'integer'))")


in_force = f"banned = 1 AND (banExpires IS NULL OR {after('banExpires', now_ms)})"
ending = (f"banned = 1 AND {after('banExpires', now_ms)} AND NOT {after('banExpires', soon_ms)}")
day_of = ("CASE typeof(createdAt) WHEN 'integer' THEN date(createdAt / 1000, 'unixepoch') "
          "ELSE substr(createdAt, 1, 10) END")
want = {
    "users": q('SELECT count(*) FROM "user"'),
    "verified": q('SELECT count(*) FROM "user" WHERE emailVerified = 1'),
    "admins": q("SELECT count(*) FROM \"user\" WHERE instr(',' || role || ',', ',admin,') > 0"),
    "banned": q(f'SELECT count(*) FROM "user" WHERE {in_force}'),
    "ending": q(f'SELECT count(*) FROM "user" WHERE {ending}'),
    "sessions": q("SELECT count(*) FROM session"),
    "active": q(f"SELECT count(*) FROM session WHERE {after('expiresAt', now_ms)}"),
    "impersonating": q("SELECT json_group_object(impersonatedBy, n) FROM (SELECT impersonatedBy, "
                       f"count(*) AS n FROM session WHERE {after('expiresAt', now_ms)} AND "
                       "impersonatedBy <> '' GROUP BY 1)") or {},
    "providers": q("SELECT json_group_object(providerId, n) FROM (SELECT providerId, count(*) AS n "
                   "FROM account GROUP BY 1)") or {},
    "signups": q(f'SELECT json_group_object(d, n) FROM (SELECT {day_of} AS d, count(*) AS n FROM "user" GROUP BY 1)') or {},
    "new_sessions": q(f"SELECT json_group_object(d, n) FROM (SELECT {day_of} AS d, count(*) AS n FROM session GROUP BY 1)") or {},
}
bad = []


def same(what, a, b):
    if a != b:
        bad.append(f"{what}: stats says {a}, SQL says {b}")


u = got["users"]
for k, w in [("total", "users"), ("verified", "verified"), ("admins", "admins"),
             ("bannedNow", "banned"), ("bansEndingSoon", "ending")]:
    same(k, u[k], want[w])
same("activeSessions", got["activeSessions"], want["active"])
same("sessions.total", got["sessions"]["total"], want["sessions"])
same("accountsByProvider", got["accountsByProvider"], want["providers"])
same("impersonatedBy", {p["userId"]: p["sessions"] for p in got["sessions"]["impersonatedBy"]},
     want["impersonating"])
same("exact", got["exact"], True)
end = datetime.date.fromisoformat(now_iso[:10])
dates = [str(end - datetime.timedelta(days=days - 1 - i)) for i in range(days)]
for key, w in [("signupsPerDay", "signups"), ("sessionsPerDay", "new_sessions")]:
    same(key + " dates", [d["date"] for d in got[key]], dates)
    same(key, [d["count"] for d in got[key]], [want[w].get(d, 0) for d in dates])
for line in bad:
    print(line, file=sys.stderr)
# what the numbers were, for the caller's own checks of its fixture
json.dump(want, open(sys.argv[2] + ".sql.json", "w"))
sys.exit(1 if bad else 0)
