# Shared by the tests/cli/*.sh scripts: sourced after setting BCADMIN (the built binary) and SRC
# (the source root). Gives a scratch directory, a fixed clock, a small known Better Auth database
# and helpers that check exit codes and exact output.
set -eu
TMP=$(mktemp -d "${TMPDIR:-/tmp}/bcadmin-cli.XXXXXX")
trap 'rm -rf "$TMP"' EXIT INT TERM
export XDG_STATE_HOME="$TMP/state" XDG_DATA_HOME="$TMP/data" BCADMIN_NOW=2026-06-01T00:00:00.000Z
# Plain-text times are local with the zone named (timefmt.h): one zone for every run.
export TZ=UTC
unset BCADMIN_TIMES || true
unset BCADMIN_DB || true
ESC=$(printf '\033')

fail() {
    printf 'FAIL: %s\n' "$*" >&2
    exit 1
}

# run WANTED_EXIT CMD...: run CMD with stdout in $TMP/out and stderr in $TMP/err.
run() {
    want=$1
    shift
    set +e
    "$@" >"$TMP/out" 2>"$TMP/err"
    rc=$?
    set -e
    [ "$rc" -eq "$want" ] || fail "$*: exit $rc, wanted $want; stderr: $(cat "$TMP/err")"
}

# same_out NAME < expected: stdout of the last run must be exactly the expected text.
same_out() {
    cat >"$TMP/want"
    diff -u "$TMP/want" "$TMP/out" >&2 || fail "$1: stdout differs (- wanted, + got)"
}

same_err() {
    cat >"$TMP/want"
    diff -u "$TMP/want" "$TMP/err" >&2 || fail "$1: stderr differs (- wanted, + got)"
}

# has FILE TEXT: FILE contains TEXT (fixed string).
has() {
    grep -qF -- "$2" "$1" || fail "$(basename "$1") lacks \"$2\": $(cat "$1")"
}

# json EXPR: evaluate a Python expression over the JSON document in $TMP/out (as `d`) and print it.
json() {
    python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(eval(sys.argv[2]))' \
        "$TMP/out" "$1"
}

# make_fixture PATH: five users with awkward names, three sessions, two accounts and an extra
# column, all at fixed dates around BCADMIN_NOW.
make_fixture() {
    sqlite3 "$1" <"$SRC/assets/better-auth-schema.sql"
    sqlite3 "$1" <<'SQL'
ALTER TABLE "user" ADD COLUMN "username" text;
INSERT INTO "user" VALUES
 ('u1', 'Alice Anders', 'alice@example.com', 1, NULL, '2026-01-01T10:00:00.000Z',
  '2026-05-10T10:00:00.000Z', 'admin', 0, NULL, NULL, 'alice'),
 ('u2', 'Bob, "the" Builder', 'bob@example.com', 0, NULL, '2026-02-01T10:00:00.000Z',
  '2026-02-01T10:00:00.000Z', 'user', 1, 'spam', NULL, NULL),
 ('u3', 'Carol' || char(10) || 'Newline', 'carol@example.com', 1, NULL,
  '2026-03-01T10:00:00.000Z', '2026-03-01T10:00:00.000Z', 'user', 1, 'abuse',
  '2026-12-31T00:00:00.000Z', NULL),
 ('u4', 'Dave ' || char(27) || '[31mRed' || char(27) || '[0m', 'dave@example.com', 1, NULL,
  '2026-04-01T10:00:00.000Z', '2026-04-01T10:00:00.000Z', 'user,admin', 1, 'No reason',
  '2026-05-01T00:00:00.000Z', NULL),
 ('u5', 'Eve 李小龙', 'eve@example.com', 0, 'https://img.example/eve.png',
  '2026-05-01T10:00:00.000Z', '2026-05-20T10:00:00.000Z', NULL, 0, NULL, NULL, 'eve');
INSERT INTO "session" VALUES
 ('s1', '2026-06-05T00:00:00.000Z', 'tok1aaaaaaaaaaaaaaaaaaaaaaaaaaa1', '2026-05-29T00:00:00.000Z',
  '2026-05-29T00:00:00.000Z', '127.0.0.1', 'curl/8.0', 'u1', NULL),
 ('s2', '2026-05-01T00:00:00.000Z', 'tok2bbbbbbbbbbbbbbbbbbbbbbbbbbb2', '2026-04-24T00:00:00.000Z',
  '2026-04-24T00:00:00.000Z', '', 'Mozilla/5.0', 'u1', NULL),
 ('s3', '2026-06-01T01:00:00.000Z', 'tok3cccccccccccccccccccccccccccc3', '2026-05-31T23:00:00.000Z',
  '2026-05-31T23:00:00.000Z', '10.0.0.2', 'Mozilla/5.0', 'u5', 'u1');
INSERT INTO "account" VALUES
 ('a1', 'u1', 'credential', 'u1', NULL, NULL, NULL, NULL, NULL, NULL,
  '0123456789abcdef0123456789abcdef:' || hex(zeroblob(64)), '2026-01-01T10:00:00.000Z',
  '2026-01-01T10:00:00.000Z'),
 ('a2', '4242', 'github', 'u5', 'gho_secretsecretsecretsecret9876', NULL, NULL, NULL, NULL,
  'read:user,user:email', NULL, '2026-05-01T10:00:00.000Z', '2026-05-01T10:00:00.000Z');
SQL
}

DB="$TMP/app.db"
make_fixture "$DB"
bc() {
    "$BCADMIN" --db "$DB" "$@"
}

# on_tty COLS CMD...: CMD with stdout and stderr on a pty COLS columns wide; transcript in $TMP/out.
on_tty() {
    cmd="stty cols $1 rows 50;"
    shift
    for a in "$@"; do
        cmd="$cmd '$a'"
    done
    set +e
    script -qec "$cmd" /dev/null </dev/null >"$TMP/raw"
    rc=$?
    set -e
    tr -d '\r' <"$TMP/raw" >"$TMP/out" # the pty turns \n into \r\n
}
