#!/bin/sh
# --read-only refuses every verb that writes the target, with exit 4 and one message, and leaves
# the file byte for byte as it was: each admin verb of the action table (checked below to be
# complete), the command-line-only writers (demo --force, db index, db index --drop), and the
# console's own demo database. Reading a WAL file leaves no -wal/-shm file behind.
BCADMIN=$1
SRC=$2
. "$SRC/tests/cli/lib.sh"

# Every write action of the console table (group ADMIN) has a line here; a new one must be added.
verbs_file="$TMP/verbs"
cat >"$verbs_file" <<'VERBS'
users ban|u2 --yes
users unban|u2 --yes
users set-role|u2 admin --yes
users impersonate|u2 --as alice@example.com
users stop-impersonating|u5
sessions revoke|s1
sessions revoke-all|u1 --yes
users remove|u2 --yes
users set-password|u1
users create|--email new@example.com --name New
users update|u2 --name Robert
accounts unlink|u5 github
audit undo|1
jwks bootstrap|--yes
jwks rotate|--yes
checklist resume|--yes
env sync|--yes
VERBS
grep -o "ADMIN, \"[a-z -]*\"" "$SRC/tui/actions.h" | sed -n "s/^ADMIN, \"\(.*\)\"$/\1/p" | grep " " |
    while read -r verb; do
        grep -q "^$verb|" "$verbs_file" || fail "no --read-only check for the write verb \"$verb\""
    done

before=$(md5sum <"$DB")
while IFS='|' read -r verb args; do
    # shellcheck disable=SC2086
    printf 'long-enough-password\n' | run 4 bc --read-only $verb $args
    has "$TMP/err" "open read-only (--read-only): $verb refused; nothing was changed"
done <"$verbs_file"
run 4 bc --read-only db index
has "$TMP/err" "open read-only (--read-only): adding indexes refused"
run 4 bc --read-only db index --drop
has "$TMP/err" "open read-only (--read-only): removing indexes refused"
run 4 "$BCADMIN" --read-only demo --db "$DB" --force --users 3
has "$TMP/err" "open read-only (--read-only): making a demo database refused"
[ "$(md5sum <"$DB")" = "$before" ] || fail "a refused verb changed the database"
# Reads still work.
run 0 bc --read-only users list --limit 1
run 0 bc --read-only db check

# A WAL file read under --read-only keeps no -wal/-shm it did not have.
sqlite3 "$DB" "PRAGMA journal_mode = WAL" >/dev/null
run 0 bc --read-only users list
run 0 bc --read-only db check
run 4 bc --read-only users ban u2 --yes
[ ! -e "$DB-wal" ] && [ ! -e "$DB-shm" ] || fail "--read-only left $(ls "$DB"-*) behind"

# The console with nothing selected would make its demo database: not under --read-only.
set +e
TERM=xterm script -qec "env HOME=$TMP $BCADMIN --read-only" /dev/null </dev/null >"$TMP/out" 2>&1
rc=$?
set -e
[ $rc -eq 4 ] || fail "the console without a target under --read-only: exit $rc: $(cat "$TMP/out")"
has "$TMP/out" "making the demo database refused"
[ ! -e "$XDG_DATA_HOME/bcadmin/demo.db" ] || fail "--read-only made the demo database"
echo "ok"
