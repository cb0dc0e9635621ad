#!/bin/sh
# Hostile data on a terminal: with stdout (and stderr) a pty, names holding escape sequences are
# printed escaped, long cells are cut with an ellipsis, and --json keeps the raw text, escaped by
# JSON. usage: terminal.sh BCADMIN SOURCE_ROOT
BCADMIN=$1 SRC=$2
. "$SRC/tests/cli/lib.sh"
command -v script >/dev/null || fail "script(1) from util-linux is needed"

sqlite3 "$DB" "INSERT INTO \"user\" VALUES ('u6', 'An Extremely Long Display Name That Goes On And On',
 'a-very-long-mailbox-name-for-testing@subdomain.example.com', 1, NULL, '2025-01-01T00:00:00.000Z',
 '2025-01-01T00:00:00.000Z', 'user', 0, NULL, NULL, NULL),
 ('u7', 'Osc' || char(27) || ']52;c;aGVsbG8=' || char(7) || 'Bidi' || char(8238) || 'Cr' || char(13),
 'osc@example.com', 1, NULL, '2024-01-01T00:00:00.000Z', '2024-01-01T00:00:00.000Z', 'user', 0,
 NULL, NULL, NULL);"

on_tty 200 "$BCADMIN" --db "$DB" users list
[ "$rc" = 0 ] || fail "users list on a tty: exit $rc"
if grep -q "$ESC" "$TMP/raw"; then fail "an escape character reached the terminal"; fi
if grep -q "$(printf '\007')" "$TMP/raw"; then fail "a BEL reached the terminal"; fi
same_out "tty table" <<'OUT'
email                                     name                            role        status UTC                     verified  created UTC
eve@example.com                           Eve 李小龙                      -           active                         no        2026-05-01 10:00
dave@example.com                          Dave \x1b[31mRed\x1b[0m         user,admin  ban expired                    yes       2026-04-01 10:00
carol@example.com                         Carol\nNewline                  user        banned until 2026-12-31 00:00  yes       2026-03-01 10:00
bob@example.com                           Bob, "the" Builder              user        banned                         no        2026-02-01 10:00
alice@example.com                         Alice Anders                    admin       active                         yes       2026-01-01 10:00
a-very-long-mailbox-name-for-testing@su…  An Extremely Long Display Nam…  user        active                         yes       2025-01-01 00:00
osc@example.com                           Osc\x1b]52;c;aGVsbG8=\x07Bidi…  user        active                         yes       2024-01-01 00:00
showing 7 of 7
OUT

# Every field of a user, escaped.
on_tty 200 "$BCADMIN" --db "$DB" users show u7
if grep -q "$ESC" "$TMP/raw"; then fail "users show: an escape character reached the terminal"; fi
has "$TMP/out" '  name           Osc\x1b]52;c;aGVsbG8=\x07Bidi\u202eCr\r'

# --all on a terminal keeps one layout: each column as wide as its limit from the first page on.
on_tty 200 "$BCADMIN" --db "$DB" users list --all --limit 2 --sort created:asc
if grep -q "$ESC" "$TMP/raw"; then fail "--all: an escape character reached the terminal"; fi
has "$TMP/out" 'alice@example.com                         Alice Anders                    admin             active                         yes       2026-01-01 10:00'
has "$TMP/out" 'carol@example.com                         Carol\nNewline                  user              banned until 2026-12-31 00:00  yes'
has "$TMP/out" 'a-very-long-mailbox-name-for-testing@su…  An Extremely Long Display Nam…  user '

# An error message quoting hostile input is escaped on a terminal too.
on_tty 200 "$BCADMIN" --db "$DB" users show "x$(printf '\033')[2J@example.com"
[ "$rc" = 3 ] || fail "not found on a tty: exit $rc"
has "$TMP/out" 'bcadmin: no user with email "x\x1b[2J@example.com"'
if grep -q "$ESC" "$TMP/raw"; then fail "stderr: an escape character reached the terminal"; fi

# JSON on a terminal: the raw text, escaped only as JSON.
on_tty 200 "$BCADMIN" --db "$DB" users show u4 --json
has "$TMP/out" '"name": "Dave \u001B[31mRed\u001B[0m"'
if grep -q "$ESC" "$TMP/raw"; then fail "json: an escape character reached the terminal"; fi
run 0 bc users show u7 --json
[ "$(json 'd["user"]["name"]')" = "Osc${ESC}]52;c;aGVsbG8=$(printf '\007')Bidi$(printf '\342\200\256')Cr$(printf '\r')" ] ||
    fail "json round-trips the raw name"
# Confirmation prompts name the user's email escaped (an OSC 52 clipboard write, a screen clear,
# a zero-width space): users remove, users set-password, a bulk form, users create --email.
sqlite3 "$DB" "INSERT INTO \"user\" VALUES ('u8', 'Zero' || char(8203) || 'Width',
 'x' || char(27) || ']52;c;aGk=' || char(7) || char(27) || '[2J' || char(8203) || '@example.com', 1, NULL,
 '2023-01-01T00:00:00.000Z', '2023-01-01T00:00:00.000Z', 'user', 0, NULL, NULL, NULL);"
# on_tty_input INPUT CMD...: like on_tty, with INPUT typed on the pty.
on_tty_input() {
    input=$1
    shift
    cmd=""
    for a in "$@"; do
        cmd="$cmd '$a'"
    done
    set +e
    { sleep 0.3; printf '%s' "$input"; sleep 0.3; } | script -qec "$cmd" /dev/null >"$TMP/raw"
    rc=$?
    set -e
    tr -d '\r' <"$TMP/raw" >"$TMP/out"
}
for verb in "users remove u8" "users set-password u8" "users ban --search Zero"; do
    # shellcheck disable=SC2086
    on_tty_input "no
no
no
" "$BCADMIN" --db "$DB" --state "$TMP/state.db" $verb
    if grep -q "$ESC" "$TMP/raw"; then fail "$verb: an escape character reached the terminal"; fi
    has "$TMP/out" 'x\x1b]52;c;aGk=\x07\x1b[2J\u200b@example.com'
    [ "$rc" != 0 ] || fail "$verb went ahead without the typed confirmation"
done
on_tty_input "no
" "$BCADMIN" --db "$DB" --state "$TMP/state.db" users create --email "new$(printf '\033')[2J@example.com" --name N
if grep -q "$ESC" "$TMP/raw"; then fail "users create: the --email argument reached the terminal raw"; fi
[ "$rc" != 0 ] || fail "users create accepted an email holding an escape"
run 0 bc users show u8
[ "$(sqlite3 "$DB" "SELECT count(*) FROM user WHERE id = 'u8'")" = 1 ] || fail "u8 was removed"
on_tty 200 "$BCADMIN" --db "$DB" users show u8
has "$TMP/out" 'Zero\u200bWidth'

# Key ids, file paths and checklist text from the target or the state database, on a terminal:
# the key verbs, db and demo print them escaped too (tui/cli_*.c print through bc_cli_line). The
# progress line's own \r ESC[K may appear on a loaded machine: the checks look for the data's.
HOSTILE_DB="$TMP/app$(printf '\033')]0;title$(printf '\007').db"
export BETTER_AUTH_SECRET=0123456789abcdef0123456789abcdef
on_tty 200 "$BCADMIN" --db "$HOSTILE_DB" demo --users 5
[ "$rc" = 0 ] || fail "demo on a hostile path: exit $rc: $(cat "$TMP/out")"
if grep -q "$ESC]0;\|$(printf '\007')" "$TMP/raw"; then fail "demo: the path reached the terminal raw"; fi
has "$TMP/out" 'made demo database '"$TMP"'/app\x1b]0;title\x07.db'
on_tty 200 "$BCADMIN" --db "$HOSTILE_DB" --state "$TMP/state.db" jwks rotate --yes
[ "$rc" = 0 ] || fail "jwks rotate: exit $rc: $(cat "$TMP/out")"
if grep -q "$ESC]0;\|$(printf '\007')" "$TMP/raw"; then fail "jwks rotate: the path reached the terminal raw"; fi
has "$TMP/out" 'is now the newest row of '"$TMP"'/app\x1b]0;title\x07.db'
sqlite3 "$HOSTILE_DB" "INSERT INTO jwks SELECT 'kid' || char(27) || '[2J' || char(7), publicKey, privateKey,
 '2030-01-01T00:00:00.000Z', NULL FROM jwks LIMIT 1"
on_tty 200 "$BCADMIN" --db "$HOSTILE_DB" jwks doctor
if grep -q "$ESC]0;\|$ESC\[2J" "$TMP/raw"; then fail "jwks doctor: a key id reached the terminal raw"; fi
if grep -q "$(printf '\007')" "$TMP/raw"; then fail "jwks doctor: a BEL reached the terminal"; fi
has "$TMP/out" 'JWKS doctor: '"$TMP"'/app\x1b]0;title\x07.db'
has "$TMP/out" 'signs with row kid\x1b[2J\x07 ('
on_tty 200 "$BCADMIN" --db "$HOSTILE_DB" --state "$TMP/state.db" db check
if grep -q "$ESC]0;\|$(printf '\007')" "$TMP/raw"; then fail "db check: the path reached the terminal raw"; fi
has "$TMP/out" "$TMP"'/app\x1b]0;title\x07.db: Better Auth database OK'
on_tty 200 "$BCADMIN" --db "$HOSTILE_DB" --state "$TMP/state.db" db index
if grep -q "$ESC]0;\|$(printf '\007')" "$TMP/raw"; then fail "db index: the path reached the terminal raw"; fi
has "$TMP/out" "$TMP"'/app\x1b]0;title\x07.db: browsing and search indexes'
unset BETTER_AUTH_SECRET
# Completion never offers a value holding an escape sequence (the shell would print it raw).
"$BCADMIN" __complete --db "$DB" users show x >"$TMP/words"
if grep -q "$ESC" "$TMP/words"; then fail "completion offered an email holding an escape"; fi
"$BCADMIN" __complete --db "$DB" users show os >"$TMP/words"
[ "$(cat "$TMP/words")" = osc@example.com ] || fail "completion lost the plain emails: $(cat "$TMP/words")"
echo "ok terminal"
