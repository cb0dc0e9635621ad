#!/bin/sh
# Usage errors (exit 2), targets that are missing or not Better Auth (exit 3 / 1), refusals
# (exit 4), the state database through `db check`, --help and --version.
# usage: errors.sh BCADMIN SOURCE_ROOT
BCADMIN=$1 SRC=$2
. "$SRC/tests/cli/lib.sh"

usage_error() {
    msg=$1
    shift
    run 2 "$@"
    has "$TMP/err" "bcadmin: $msg"
    has "$TMP/err" "Try \`bcadmin "
    [ ! -s "$TMP/out" ] || fail "$*: nothing on stdout"
}
usage_error 'unknown option --bogus for `bcadmin users list`' bc users list --bogus
usage_error '--json is an option of `bcadmin users list` (verb options go after the verb)' bc --json users list
usage_error 'unknown option "-x": bcadmin'"'"'s only short options are -h (help) and -V (version); every other option is a long one, listed by `bcadmin help users list`' bc users list -x
usage_error 'unknown verb "frobnicate"' bc frobnicate
usage_error 'unknown verb "users frob"' bc users frob
usage_error '`bcadmin users` needs one of its verbs after it: list, show, ban, unban, set-role, impersonate, stop-impersonating, remove, set-password, create, update (`bcadmin help users`)' bc users
usage_error '--limit: "0" is not a whole number from 1 to 1000' bc users list --limit 0
usage_error '--limit: "1001" is not a whole number from 1 to 1000' bc users list --limit 1001
usage_error '--limit: "-5" is not a whole number' bc users list --limit -5
usage_error '--limit: "7x" is not a whole number' bc users list --limit=7x
usage_error '--limit needs a value (N)' bc users list --limit
usage_error '--verified: "maybe" is not true or false' bc users list --verified maybe
usage_error '--sort: "age" is not a sort field (created, updated, email, name)' bc users list --sort age
usage_error '--sort: direction "up" is not asc or desc' bc users list --sort email:up
usage_error '--banned, --active and --ban-expired exclude each other' bc users list --banned --active
usage_error '--json and --csv exclude each other' bc users list --json --csv
usage_error '--search and --prefix exclude each other' bc users list --search a --prefix b
usage_error '--active and --expired exclude each other' bc sessions list --active --expired
usage_error '--json: "yes" is not a field of user rows' bc users list --json=yes
usage_error '--json FIELDS picks fields of rows (users list, users show, sessions list, accounts list); `bcadmin audit` takes a plain --json' "$BCADMIN" audit --json=id
usage_error '--json=: name at least one field (id,email...)' bc users list --json=
usage_error '--limit is given twice' bc users list --limit 2 --limit 3
usage_error '`bcadmin users show` needs USER' bc users show
usage_error 'unexpected argument "extra" for `bcadmin users show`' bc users show u1 extra
usage_error 'unknown option --csv for `bcadmin users show`' bc users show u1 --csv
usage_error 'unknown option --users for `bcadmin users list`' bc users list --users 5
usage_error '--users: "0" is not a whole number from 1 to 100000000' "$BCADMIN" demo --users 0

# No target: explain how to pick one.
run 2 "$BCADMIN" users list
same_err "no target" <<OUT
bcadmin: no target given: pass --db PATH or set BCADMIN_DB to a Better Auth SQLite file (or run \`bcadmin demo\` to make one at $TMP/data/bcadmin/demo.db), or select a Convex deployment with --url and --admin-key, CONVEX_DEPLOY_KEY, or CONVEX_SELF_HOSTED_URL and CONVEX_SELF_HOSTED_ADMIN_KEY (in the environment, .env.local or .env)
Try \`bcadmin --help\` for the verbs and options.
OUT
# BCADMIN_DB picks the target; --db wins over it.
BCADMIN_DB="$DB" run 0 "$BCADMIN" users list --limit 1
has "$TMP/err" "showing 1 of 5"
BCADMIN_DB="$TMP/nope.db" run 0 "$BCADMIN" --db "$DB" users list --limit 1

# Missing file: exit 3 and never created.
run 3 "$BCADMIN" --db "$TMP/nope.db" users list
has "$TMP/err" "bcadmin: "
has "$TMP/err" "$TMP/nope.db"
[ ! -e "$TMP/nope.db" ] || fail "a missing target is not created"
# Not SQLite at all, and SQLite without Better Auth's tables: exit 1 with the reason.
printf 'just some text, not a database\n' >"$TMP/text.db"
run 1 "$BCADMIN" --db "$TMP/text.db" users list
has "$TMP/err" "$TMP/text.db"
has "$TMP/err" "not a SQLite database"
sqlite3 "$TMP/other.db" 'CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT);'
run 1 "$BCADMIN" --db "$TMP/other.db" users list
has "$TMP/err" "bcadmin: "
has "$TMP/err" "user"
run 1 "$BCADMIN" --db "$TMP/other.db" db check

# db check opens the state database (created 0600) and reports both; db index adds indexes.
# The state database's version is the number of the last migration in migrations/.
latest_migration=$(ls "$SRC/migrations" | sed -n 's/^0*\([0-9][0-9]*\)_.*\.sql$/\1/p' | sort -n | tail -1)
run 0 bc db check
same_out "db check" <<OUT
$DB: Better Auth database OK (integrity check passed)
  line: Better Auth 1.4.9 to 1.6 (jwks without alg and crv; their schemas are identical)
  browsing indexes: missing (run \`bcadmin db index\`)
  search index: missing (substring search scans every user)
  overview summary: missing (the overview counts over the createdAt and expiresAt indexes)
state database $TMP/state/bcadmin/state.db: schema version $latest_migration
OUT
[ "$(stat -c %a "$TMP/state/bcadmin/state.db")" = 600 ] || fail "state file mode 0600"
[ "$(stat -c %a "$TMP/state/bcadmin")" = 700 ] || fail "state directory mode 0700"
run 4 bc --read-only db index
has "$TMP/err" "read-only"
run 0 bc db index
same_out "db index" <<OUT
$DB: browsing and search indexes and the overview summary added
OUT
run 0 bc db index
same_out "db index again" <<OUT
$DB: browsing and search indexes and the overview summary were already present
OUT
run 0 bc db check --state "$TMP/elsewhere/s.db"
has "$TMP/out" "browsing indexes: present"
has "$TMP/out" "search index: present"
# --drop takes every bcadmin object off the file (read-only refused), and says when none was there.
run 4 bc --read-only db index --drop
has "$TMP/err" "read-only"
run 0 bc db index --drop
same_out "db index --drop" <<OUT
$DB: bcadmin's indexes, search tables and triggers removed
OUT
[ "$(sqlite3 "$DB" "SELECT count(*) FROM sqlite_schema WHERE name LIKE 'bcadmin%'")" = 0 ] ||
    fail "db index --drop left bcadmin objects"
run 0 bc db index --drop
same_out "db index --drop again" <<OUT
$DB: no bcadmin index was present
OUT
run 0 bc db index
run 0 bc db check --state "$TMP/elsewhere/s.db"
has "$TMP/out" "state database $TMP/elsewhere/s.db: schema version $latest_migration"
# A state database from a newer bcadmin is refused (exit 4), a corrupt one is an error (exit 1).
sqlite3 "$TMP/elsewhere/s.db" 'PRAGMA user_version = 99;'
run 4 bc db check --state "$TMP/elsewhere/s.db"
has "$TMP/err" "bcadmin: state database $TMP/elsewhere/s.db is version 99, this bcadmin knows up to $latest_migration: upgrade bcadmin"
head -c 4096 /dev/urandom >"$TMP/garbage.db"
chmod 600 "$TMP/garbage.db"
run 1 bc --state "$TMP/garbage.db" db check
has "$TMP/err" "state database $TMP/garbage.db is not a usable SQLite database"
# Reads work on a read-only target.
run 0 bc --read-only users list --limit 1

# --help lists every verb and every option; --version.
run 0 "$BCADMIN" --help
for v in "users list" "users show USER" "sessions list [USER]" "accounts list USER" "demo" \
    "db index" "db check"; do
    has "$TMP/out" "bcadmin $v"
done
for o in --db --state --read-only --help --version --search --prefix --role --banned --active \
    --ban-expired --verified --sort --limit --cursor --all --json --csv --reveal --expired \
    --impersonation --users --seed --force; do
    has "$TMP/out" "      $o"
done
has "$TMP/out" "Exit codes: 0 ok, 1 failure, 2 usage error, 3 not found, 4 refused, 5 partly applied or"
run 0 "$BCADMIN" users show -h
has "$TMP/out" "bcadmin users show USER"
run 0 "$BCADMIN" --version
grep -qE '^bcadmin [0-9]+\.[0-9]+\.[0-9]+$' "$TMP/out" || fail "--version: $(cat "$TMP/out")"
# A damaged file: db check runs SQLite's integrity check and fails naming what it found; a write
# that meets the damage says so and exits non-zero, changing nothing.
DAMAGED="$TMP/damaged.db"
cp "$DB" "$DAMAGED"
run 0 "$BCADMIN" --db "$DAMAGED" db check
has "$TMP/out" "(integrity check passed)"
sqlite3 "$DAMAGED" "PRAGMA writable_schema = ON; UPDATE sqlite_schema SET rootpage =
  (SELECT rootpage FROM sqlite_schema WHERE name = 'account_userId_idx')
  WHERE name = 'session_userId_idx';"
run 1 "$BCADMIN" --db "$DAMAGED" db check
has "$TMP/err" "damaged.db is damaged: SQLite's integrity check found"
has "$TMP/err" "missing from index session_userId_idx"
# (a file large enough that the ban's session delete walks the swapped index)
"$BCADMIN" demo --db "$TMP/damaged2.db" --users 200 --seed 7 >/dev/null
sqlite3 "$TMP/damaged2.db" "PRAGMA writable_schema = ON; UPDATE sqlite_schema SET rootpage =
  (SELECT rootpage FROM sqlite_schema WHERE name = 'account_userId_idx')
  WHERE name = 'session_userId_idx';"
victim=$(sqlite3 "$TMP/damaged2.db" "SELECT email FROM user WHERE role = 'user' AND id IN
  (SELECT userId FROM session) ORDER BY email LIMIT 1")
run 1 "$BCADMIN" --db "$TMP/damaged2.db" --state "$TMP/state-d.db" users ban "$victim" --yes
has "$TMP/err" "damaged2.db is damaged (SQLite found corruption while"
[ "$(sqlite3 "$TMP/damaged2.db" "SELECT banned FROM user WHERE email = '$victim'")" != 1 ] ||
    fail "the ban went ahead on a damaged file"

# The state database (the audit log) must be private and reached directly: a file open to other
# users, or a symbolic link, is refused with the reason and left as it is.
run 0 bc --state "$TMP/state.db" db check
[ "$(stat -c %a "$TMP/state.db")" = 600 ] || fail "the state database is not created 0600"
chmod 666 "$TMP/state.db"
run 4 bc --state "$TMP/state.db" db check
has "$TMP/err" "state database $TMP/state.db is open to other users (mode 0666): refused"
has "$TMP/err" "chmod 600"
[ "$(stat -c %a "$TMP/state.db")" = 666 ] || fail "a refused state database was changed"
chmod 600 "$TMP/state.db"
ln -s "$TMP/state.db" "$TMP/link.db"
run 4 bc --state "$TMP/link.db" db check
has "$TMP/err" "state database $TMP/link.db is a symbolic link: refused"
ln -s "$TMP/nowhere.db" "$TMP/dangling.db"
run 4 bc --state "$TMP/dangling.db" users ban u2 --yes
[ ! -e "$TMP/nowhere.db" ] || fail "a dangling state link was followed"

# A list that fails prints nothing to standard output (no header, no half-open JSON or CSV):
# the reason goes to stderr alone, whatever the format and wherever the failure comes from.
cp "$DB" "$TMP/nocol.db"
sqlite3 "$TMP/nocol.db" 'ALTER TABLE "session" RENAME COLUMN "token" TO "tok"; ALTER TABLE "user" RENAME COLUMN "name" TO "nom"'
for format in "" --json --csv; do
    for args in "users list --cursor damaged" "sessions list --cursor damaged" "users list --sort nope" \
        "--db $TMP/nocol.db users list" "--db $TMP/nocol.db sessions list" "users list --all --cursor damaged" \
        "sessions list nobody@example.com"; do
        # shellcheck disable=SC2086
        set +e
        bc $args $format >"$TMP/out" 2>"$TMP/err"
        rc=$?
        set -e
        [ "$rc" -ne 0 ] || fail "$args $format did not fail"
        [ ! -s "$TMP/out" ] || fail "$args $format failed (exit $rc) yet printed: $(cat "$TMP/out")"
        [ -s "$TMP/err" ] || fail "$args $format failed without saying why"
    done
done
echo "ok errors"
