#!/bin/sh
# Plain-text times say their zone, through the one formatter the console uses (tui/timefmt.c):
# local time with the zone named by default (a table's header names it, a sentence carries it),
# BCADMIN_TIMES=utc|relative as in the console; JSON and CSV keep ISO 8601 UTC ("Z") in every
# mode and zone. usage: times.sh BCADMIN SOURCE_ROOT
BCADMIN=$1 SRC=$2
. "$SRC/tests/cli/lib.sh"
CET=CET-1CEST,M3.5.0,M10.5.0/3 # a POSIX rule: no zone database needed

# Local time in a zone with summer time: the header names both abbreviations, each cell is the
# wall time of its date (Jan-Mar CET, +1; Apr-May CEST, +2); a ban's end in that zone too.
TZ=$CET run 0 bc users list --sort created:asc
same_out "local table" <<'OUT'
email              name                     role        status CET/CEST                verified  created CET/CEST
alice@example.com  Alice Anders             admin       active                         yes       2026-01-01 11:00
bob@example.com    Bob, "the" Builder       user        banned                         no        2026-02-01 11:00
carol@example.com  Carol\nNewline           user        banned until 2026-12-31 01:00  yes       2026-03-01 11:00
dave@example.com   Dave \x1b[31mRed\x1b[0m  user,admin  ban expired                    yes       2026-04-01 12:00
eve@example.com    Eve 李小龙               -           active                         no        2026-05-01 12:00
OUT
# UTC, labelled, whatever the local zone
TZ=$CET BCADMIN_TIMES=utc run 0 bc sessions list --sort created:asc
same_out "utc table" <<'OUT'
id  user               status                  expires UTC       ip         user agent   impersonated by
s2  alice@example.com  expired                 2026-05-01 00:00             Mozilla/5.0  -
s1  alice@example.com  active                  2026-06-05 00:00  127.0.0.1  curl/8.0     -
s3  eve@example.com    active (impersonation)  2026-06-01 01:00  10.0.0.2   Mozilla/5.0  alice@example.com
OUT
# relative to now (BCADMIN_NOW), no zone in the header
TZ=$CET BCADMIN_TIMES=relative run 0 bc users list --sort created:asc
has "$TMP/out" "status                    verified  created"
has "$TMP/out" "banned, ends in 7 months  yes       3 months ago"
has "$TMP/out" "active                    no        1 month ago"
# users show: the record's fields stay the stored ISO values; the status sentence carries its zone
TZ=$CET run 0 bc users show carol@example.com
has "$TMP/out" "banExpires     2026-12-31T00:00:00.000Z"
has "$TMP/out" "status         banned until 2026-12-31 01:00 CET"

# a bad BCADMIN_TIMES: exit 2, the error names the variable and its values, and no hint to read
# --help (the command line was right)
BCADMIN_TIMES=zulu run 2 bc users list
same_err "bad BCADMIN_TIMES" <<'OUT'
bcadmin: BCADMIN_TIMES: "zulu" is not a time mode (local, utc or relative)
OUT

# JSON and CSV: ISO 8601 UTC in every zone and mode
for mode in local utc relative; do
    TZ=$CET BCADMIN_TIMES=$mode run 0 bc users list --sort created:asc --limit 1 --json
    [ "$(json 'd["users"][0]["createdAt"]')" = "2026-01-01T10:00:00.000Z" ] ||
        fail "json in $mode mode: $(cat "$TMP/out")"
    TZ=$CET BCADMIN_TIMES=$mode run 0 bc users list --sort created:asc --limit 1 --csv
    has "$TMP/out" ",2026-01-01T10:00:00.000Z,"
done

# sentences: a ban's end with its zone; relative mode adds the distance after the local time
TZ=$CET run 0 bc users ban eve@example.com --reason spam --expires 7d
same_out "ban sentence" <<'OUT'
banned eve@example.com (u5) until 2026-06-08 02:00 CEST, reason "spam"; their sessions are revoked
OUT
TZ=$CET BCADMIN_TIMES=relative run 0 bc users ban bob@example.com --reason spam --expires 2h
same_out "ban sentence, relative" <<'OUT'
banned bob@example.com (u2) until 2026-06-01 04:00 CEST (in 2 h), reason "spam"; their sessions are revoked
OUT
# the audit list's time column (seconds) names its zone
TZ=$CET run 0 bc audit
has "$TMP/out" "time CET/CEST"
has "$TMP/out" "2026-06-01 02:00:00"

# a bad mode is refused with its name and where it came from, before anything runs
BCADMIN_TIMES=zulu run 2 bc users list
has "$TMP/err" 'BCADMIN_TIMES: "zulu" is not a time mode (local, utc or relative)'
[ ! -s "$TMP/out" ] || fail "a bad BCADMIN_TIMES printed rows: $(cat "$TMP/out")"
echo "ok times"
