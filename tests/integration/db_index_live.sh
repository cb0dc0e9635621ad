#!/bin/bash
# `bcadmin db index` on a live app: the REAL Better Auth server signs users up without a pause
# throughout the build of every index on a demo file of BC_INDEX_USERS users (default 100,000),
# with a busy timeout of 2 s instead of better-sqlite3's 5 s (a build holding the write lock
# throughout, as before, takes longer than that on such a file and fails sign-ups): 0 sign-ups
# may fail, and searches must then equal the scan (SQLite's LIKE), the users signed up meanwhile
# included, and `stats --json` (from the overview summary) equal plain SQL. Then on a smaller
# file, a build killed (kill -9) half way through the search index's fill: searches equal the
# scan meanwhile, and the next `db index`, on a terminal with its progress, finishes an index
# holding exactly the terms of one built in one go. Last, the overview summary killed half way
# through its fill and written to (rows counted and rows not yet): stats equal SQL before and
# after the next `db index` finishes it, also on a dump and reload of it (rowids renumbered).
# Usage: db_index_live.sh BCADMIN SOURCE_ROOT
set -eu
SRC=$2
. "$SRC/tests/peers/lib.sh"
bc_require_peers
bc_require_bcadmin "$1"
command -v sqlite3 >/dev/null || bc_skip "the sqlite3 shell is not installed"
users=${BC_INDEX_USERS:-100000} small=30000
export XDG_STATE_HOME="$BC_TMP/state" XDG_CONFIG_HOME="$BC_TMP/config" XDG_DATA_HOME="$BC_TMP/data"
# The sqlite3 shell waits for the app's and bcadmin's locks like they do.
sql() { sqlite3 -cmd ".timeout 5000" "$@"; }

db="$BC_TMP/app.db"

# same_as_scan DB NEEDLE...: `users list --search` finds exactly the users whose email or name
# holds the needle by SQLite's LIKE (ASCII case-insensitive, as bcadmin matches; plain needles).
same_as_scan() {
    local db=$1 n
    shift
    for n in "$@"; do
        "$BCADMIN" --db "$db" users list --search "$n" --all --json >"$BC_TMP/search.json"
        json_get 'j.users.map(u => u.id).sort().join("\n")' <"$BC_TMP/search.json" |
            sed '/^$/d' >"$BC_TMP/got"
        sql "$db" "SELECT id FROM user WHERE email LIKE '%$n%' OR name LIKE '%$n%'" |
            LC_ALL=C sort >"$BC_TMP/want"
        LC_ALL=C sort -o "$BC_TMP/got" "$BC_TMP/got"
        cmp -s "$BC_TMP/got" "$BC_TMP/want" ||
            bc_die "search \"$n\" on $(basename "$db"): $(wc -l <"$BC_TMP/got") users, LIKE finds $(wc -l <"$BC_TMP/want")"
    done
}
# same_stats DB WHEN: `stats --json` (from the overview summary when DB has it) equals plain SQL.
same_stats() {
    "$BCADMIN" --db "$1" stats --json --days 3 >"$BC_TMP/stats.json"
    python3 "$SRC/tests/tools/stats_vs_sql.py" "$1" "$BC_TMP/stats.json" ||
        bc_die "stats on $(basename "$1") $2 differ from SQL"
}
# terms DB: the search index's terms with their document counts.
terms() {
    sql "$1" "CREATE VIRTUAL TABLE temp.v USING fts5vocab(main, bcadmin_user_search, row);
                  SELECT term, doc FROM temp.v ORDER BY term;"
}

# --- 1. sign-ups throughout the build (normal build only: BC_INDEX_LIVE=0 skips it) ----------
if [ "${BC_INDEX_LIVE:-1}" = 1 ]; then
"$BCADMIN" demo --db "$db" --users "$users" >/dev/null
"$BCADMIN" --db "$db" db index --drop >/dev/null
BA_BUSY_TIMEOUT_MS=2000 ba_start "$db"
node "$BC_PEERS_DIR/sign-up-loop.mjs" "$BA_URL" "$BC_TMP/stop" "$BC_TMP/report.json" &
loop=$!
bc_track_pid "$loop"
for _ in $(seq 1 600); do # the first sign-up is in before the build starts
    [ "$(sql "$db" "SELECT count(*) FROM user WHERE email LIKE 'live-%'")" -gt 0 ] && break
    sleep 0.1
done
start=$(date +%s)
"$BCADMIN" --db "$db" db index >"$BC_TMP/index.out" 2>"$BC_TMP/index.err" ||
    bc_die "db index failed: $(cat "$BC_TMP/index.err")"
took=$(($(date +%s) - start))
grep -q "browsing and search indexes and the overview summary added" "$BC_TMP/index.out" || bc_die "db index said: $(cat "$BC_TMP/index.out")"
[ ! -s "$BC_TMP/index.err" ] || bc_die "db index wrote progress without a terminal: $(cat "$BC_TMP/index.err")"
sleep 1
touch "$BC_TMP/stop"
wait "$loop"
report=$(cat "$BC_TMP/report.json")
failed=$(json_get .failed <<<"$report")
ok=$(json_get .ok <<<"$report")
bc_log "db index on $users users took ${took} s under the live server: $ok sign-ups, $failed failed, slowest $(json_get .maxMs <<<"$report") ms"
[ "$failed" = 0 ] || bc_die "sign-ups failed during db index: $(json_get .failures <<<"$report")"
[ "$ok" -ge 5 ] || bc_die "only $ok sign-ups ran during the build"
"$BCADMIN" --db "$db" db check | grep -q "search index: present" || bc_die "db check: $("$BCADMIN" --db "$db" db check)"
ba_stop
same_as_scan "$db" "live-" "live signup 1" "@index.test" "mail.example" "ann" "zz"
bc_assert_eq "users signed up (and found by the search above)" "$ok" \
    "$(sql "$db" "SELECT count(*) FROM user WHERE email LIKE '%@index.test'")"
"$BCADMIN" --db "$db" db check | grep -q "overview summary: present" || bc_die "no overview summary"
same_stats "$db" "after sign-ups throughout the build"
fi

# --- 2. killed half way, then finished -------------------------------------------------------
"$BCADMIN" demo --db "$BC_TMP/killed.db" --users "$small" >/dev/null
"$BCADMIN" --db "$BC_TMP/killed.db" db index --drop >/dev/null
cp "$BC_TMP/killed.db" "$BC_TMP/fresh.db"
BCADMIN_INDEX_BATCH=500 "$BCADMIN" --db "$BC_TMP/killed.db" db index >/dev/null 2>&1 &
build=$!
for _ in $(seq 1 600); do
    n=$(sql "$BC_TMP/killed.db" "SELECT count(*) FROM bcadmin_user_search_doc" 2>/dev/null || echo 0)
    [ "${n:-0}" -gt 5000 ] && break
    sleep 0.1
done
kill -KILL "$build"
wait "$build" 2>/dev/null || true
[ "$n" -lt "$small" ] || bc_die "the build finished before it could be killed ($n documents)"
"$BCADMIN" --db "$BC_TMP/killed.db" db check | grep -q "search index: unfinished" ||
    bc_die "db check on the stopped build: $("$BCADMIN" --db "$BC_TMP/killed.db" db check)"
same_as_scan "$BC_TMP/killed.db" "mail.example" "ann" "zz"
# Resumed on a terminal: progress shows there.
BCADMIN_PROGRESS_DELAY_MS=0 script -qec "'$BCADMIN' --db '$BC_TMP/killed.db' db index" /dev/null \
    >"$BC_TMP/tty.out" </dev/null
grep -q "db index: the search index [0-9,]* of [0-9,]* ([0-9]*%)" "$BC_TMP/tty.out" ||
    bc_die "no progress on a terminal: $(cat -v "$BC_TMP/tty.out")"
grep -q "browsing and search indexes and the overview summary added" "$BC_TMP/tty.out" || bc_die "resumed build said: $(cat -v "$BC_TMP/tty.out")"
"$BCADMIN" --db "$BC_TMP/fresh.db" db index >/dev/null
terms "$BC_TMP/killed.db" >"$BC_TMP/killed.terms"
terms "$BC_TMP/fresh.db" >"$BC_TMP/fresh.terms"
[ "$(wc -l <"$BC_TMP/fresh.terms")" -gt 1000 ] || bc_die "the fresh index has too few terms"
cmp -s "$BC_TMP/killed.terms" "$BC_TMP/fresh.terms" || bc_die "the resumed index differs from a fresh one"
same_as_scan "$BC_TMP/killed.db" "mail.example" "ann" "zz" "a.b"
bc_log "killed at $n of $small documents; resumed index equals a fresh one"

# --- 3. the overview summary killed half way, written meanwhile, then finished ----------------
# While its fill is unfinished the app's writes (sqlite3 in its place, foreign keys on as Better
# Auth has them) meet rows already counted and rows not yet: each is counted once in the end.
"$BCADMIN" --db "$BC_TMP/killed.db" db index --drop >/dev/null
BCADMIN_INDEX_BATCH=500 "$BCADMIN" --db "$BC_TMP/killed.db" db index >/dev/null 2>&1 &
build=$!
for _ in $(seq 1 900); do
    n=$(sql "$BC_TMP/killed.db" "SELECT next FROM bcadmin_stats_fill WHERE tbl = 'session'" 2>/dev/null || true)
    [ "${n:-0}" -gt 20000 ] && break
    sleep 0.1
done
kill -KILL "$build"
wait "$build" 2>/dev/null || true
[ "${n:-0}" -gt 20000 ] || bc_die "the summary's fill was never seen half way (${n:-none})"
"$BCADMIN" --db "$BC_TMP/killed.db" db check | grep -q "overview summary: unfinished" ||
    bc_die "db check on the stopped summary: $("$BCADMIN" --db "$BC_TMP/killed.db" db check)"
same_stats "$BC_TMP/killed.db" "while the summary is unfinished (index ranges)"
# (The rows at both ends of the unfinished ranges stay: removing one makes the fill start over.)
sql "$BC_TMP/killed.db" <<'SQL'
PRAGMA foreign_keys = ON;
CREATE TEMP TABLE ends AS SELECT next AS r FROM bcadmin_stats_fill UNION SELECT last FROM bcadmin_stats_fill;
DELETE FROM "user" WHERE rowid IN (3, 29000) AND id NOT IN (SELECT userId FROM session WHERE rowid IN (SELECT r FROM temp.ends));
UPDATE session SET expiresAt = strftime('%Y-%m-%dT%H:%M:%fZ', 'now', '+3 days'),
  createdAt = strftime('%Y-%m-%dT%H:%M:%fZ', 'now', '-1 days') WHERE rowid % 97 = 0;
UPDATE session SET expiresAt = CAST(strftime('%s', 'now', '+1 hours') AS INTEGER) * 1000 WHERE rowid % 89 = 0;
UPDATE "user" SET createdAt = strftime('%Y-%m-%dT%H:%M:%fZ', 'now', '-2 days') WHERE rowid % 101 = 0;
DELETE FROM session WHERE rowid % 83 = 0 AND rowid NOT IN (SELECT r FROM temp.ends);
INSERT INTO "user" (id, name, email, emailVerified, createdAt, updatedAt)
  VALUES ('late-1', 'Late', 'late@index.test', 1, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'), strftime('%Y-%m-%dT%H:%M:%fZ', 'now'));
INSERT INTO session (id, expiresAt, token, createdAt, updatedAt, userId)
  VALUES ('late-s', strftime('%Y-%m-%dT%H:%M:%fZ', 'now', '+7 days'), 'late-token', strftime('%Y-%m-%dT%H:%M:%fZ', 'now'), strftime('%Y-%m-%dT%H:%M:%fZ', 'now'), 'late-1');
SQL
# A dump and reload of that file renumbers the rows (the deletions left gaps): rows not counted
# yet move below where the fill stopped; the next `db index` sees it and counts afresh.
sql "$BC_TMP/killed.db" .dump | sqlite3 "$BC_TMP/reloaded.db"
[ "$(sql "$BC_TMP/reloaded.db" "SELECT id FROM session WHERE rowid = $n")" != \
  "$(sql "$BC_TMP/killed.db" "SELECT id FROM session WHERE rowid = $n")" ] ||
    bc_die "the reload did not renumber the sessions"
for f in killed reloaded; do
    "$BCADMIN" --db "$BC_TMP/$f.db" db index >/dev/null
    "$BCADMIN" --db "$BC_TMP/$f.db" db check | grep -q "overview summary: present" ||
        bc_die "the resumed summary: $("$BCADMIN" --db "$BC_TMP/$f.db" db check)"
    same_stats "$BC_TMP/$f.db" "after the resumed summary ($f)"
done
bc_log "summary killed at session rowid $n, written to, resumed (also after a dump and reload): stats equal SQL"
echo "ok"
