#!/bin/sh
# `bcadmin demo`: what it reports, the default path, refusal to overwrite, determinism, and that
# the verbs read what it made. usage: demo.sh BCADMIN SOURCE_ROOT
BCADMIN=$1 SRC=$2
. "$SRC/tests/cli/lib.sh"

run 0 "$BCADMIN" demo --users 200 --seed 7
def="$TMP/data/bcadmin/demo.db"
head -n 1 "$TMP/out" | grep -qxF "made demo database $def" || fail "demo names its file: $(cat "$TMP/out")"
grep -qE '^  200 users \([0-9]+ admins, [0-9]+ banned\), [0-9]+ sessions, [0-9]+ accounts$' \
    "$TMP/out" || fail "demo counts: $(cat "$TMP/out")"
has "$TMP/out" "  password of every credential user: demo-password-123"
has "$TMP/out" "try: bcadmin --db $def users list"
admin=$(sed -n 's/^  an admin: //p' "$TMP/out")
[ -n "$admin" ] || fail "demo names an admin"
[ "$(stat -c %a "$TMP/data/bcadmin")" = 700 ] || fail "data directory mode 0700"

# The admin it names exists and is an admin.
run 0 "$BCADMIN" --db "$def" users show "$admin" --json
[ "$(json '"admin" in d["user"]["role"].split(",")')" = True ] || fail "the named admin is an admin"

# An existing file is refused (exit 4) unless --force; BCADMIN_DB never chooses demo's file.
run 4 "$BCADMIN" demo --users 10
has "$TMP/err" "$def"
BCADMIN_DB="$TMP/elsewhere.db" run 0 "$BCADMIN" demo --users 10 --force
[ ! -e "$TMP/elsewhere.db" ] || fail "demo ignores BCADMIN_DB"
has "$TMP/out" "  10 users"

# Same seed, same data: two files list identically; every row comes out of --all.
run 0 "$BCADMIN" demo --db "$TMP/a.db" --users 200 --seed 7
run 0 "$BCADMIN" demo --db "$TMP/b.db" --users 200 --seed 7
run 0 "$BCADMIN" --db "$TMP/a.db" users list --all --limit 37 --json
python3 -m json.tool "$TMP/out" >/dev/null || fail "--all --json is valid JSON"
[ "$(json 'len(d["users"]), d["total"], len(set(u["id"] for u in d["users"]))')" = "(200, 200, 200)" ] ||
    fail "--all gives every user once"
mv "$TMP/out" "$TMP/a.json"
run 0 "$BCADMIN" --db "$TMP/b.db" users list --all --limit 37 --json
cmp -s "$TMP/out" "$TMP/a.json" || fail "same seed, same users"
run 0 "$BCADMIN" --db "$TMP/a.db" sessions list --all --json
mv "$TMP/out" "$TMP/a.json"
run 0 "$BCADMIN" --db "$TMP/b.db" sessions list --all --json
cmp -s "$TMP/out" "$TMP/a.json" || fail "same seed, same sessions"
run 0 "$BCADMIN" --db "$TMP/a.db" users list --all --csv
python3 -c 'import csv,sys; r=list(csv.reader(open(sys.argv[1], newline=""))); assert len(r) == 201, len(r)' \
    "$TMP/out" || fail "--all --csv has a header and every user"
# Every kind of user the demo promises is there.
for f in --banned --ban-expired --active "--role admin" "--verified false"; do
    # shellcheck disable=SC2086
    run 0 "$BCADMIN" --db "$TMP/a.db" users list $f --json
    [ "$(json 'd["total"] > 0')" = True ] || fail "demo has users for $f"
done
run 0 "$BCADMIN" --db "$TMP/a.db" sessions list --impersonation --json
[ "$(json 'd["total"] > 0')" = True ] || fail "demo has impersonation sessions"
run 0 "$BCADMIN" --db "$TMP/a.db" db check
has "$TMP/out" "browsing indexes: present"
has "$TMP/out" "search index: present"
echo "ok demo"
