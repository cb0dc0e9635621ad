#!/bin/sh
# `bcadmin users list`: table, JSON and CSV output, filters, sort, cursor paging and --all, on
# the five-user fixture of lib.sh. usage: users_list.sh BCADMIN SOURCE_ROOT
BCADMIN=$1 SRC=$2
. "$SRC/tests/cli/lib.sh"

# The human table: aligned by display width (李小龙 is 6 columns), hostile text escaped even
# when piped, newest first, then the count.
run 0 bc users list
same_out "table" <<'OUT'
email              name                     role        status UTC                     verified  created UTC
eve@example.com    Eve 李小龙               -           active                         no        2026-05-01 10:00
dave@example.com   Dave \x1b[31mRed\x1b[0m  user,admin  ban expired                    yes       2026-04-01 10:00
carol@example.com  Carol\nNewline           user        banned until 2026-12-31 00:00  yes       2026-03-01 10:00
bob@example.com    Bob, "the" Builder       user        banned                         no        2026-02-01 10:00
alice@example.com  Alice Anders             admin       active                         yes       2026-01-01 10:00
OUT
# Piped, the footer goes to stderr: stdout is the table alone (on a terminal: terminal.sh).
same_err "footer" <<'OUT'
showing 5 of 5
OUT
# No verb at all means `users list`.
run 0 "$BCADMIN" --db "$DB"
has "$TMP/err" "showing 5 of 5"

# JSON: Better Auth names, ISO dates, real booleans, null, the extra column; escapes by jansson.
run 0 bc users list --search BUIL --json
same_out "json" <<'OUT'
{"users":[
{"id":"u2","name":"Bob, \"the\" Builder","email":"bob@example.com","emailVerified":false,"image":null,"createdAt":"2026-02-01T10:00:00.000Z","updatedAt":"2026-02-01T10:00:00.000Z","role":"user","banned":true,"banReason":"spam","banExpires":null,"username":null}
],"total":1,"nextCursor":null}
OUT
run 0 bc users list --json
[ "$(json 'd["total"], d["nextCursor"], [u["id"] for u in d["users"]]')" = \
    "(5, None, ['u5', 'u4', 'u3', 'u2', 'u1'])" ] || fail "json list: $(cat "$TMP/out")"
[ "$(json 'd["users"][1]["name"]')" = "Dave ${ESC}[31mRed${ESC}[0m" ] || fail "json keeps raw text"

# CSV: RFC 4180 quoting of commas, quotes and newlines; CRLF line ends; extra column last;
# control characters escaped visibly (never raw).
run 0 bc users list --csv
printf '%s\r\n' \
    'id,name,email,emailVerified,image,createdAt,updatedAt,role,banned,banReason,banExpires,username' \
    'u5,Eve 李小龙,eve@example.com,false,https://img.example/eve.png,2026-05-01T10:00:00.000Z,2026-05-20T10:00:00.000Z,,false,,,eve' \
    'u4,Dave \x1b[31mRed\x1b[0m,dave@example.com,true,,2026-04-01T10:00:00.000Z,2026-04-01T10:00:00.000Z,"user,admin",true,No reason,2026-05-01T00:00:00.000Z,' \
    "u3,\"Carol
Newline\",carol@example.com,true,,2026-03-01T10:00:00.000Z,2026-03-01T10:00:00.000Z,user,true,abuse,2026-12-31T00:00:00.000Z," \
    'u2,"Bob, ""the"" Builder",bob@example.com,false,,2026-02-01T10:00:00.000Z,2026-02-01T10:00:00.000Z,user,true,spam,,' \
    'u1,Alice Anders,alice@example.com,true,,2026-01-01T10:00:00.000Z,2026-05-10T10:00:00.000Z,admin,false,,,alice' \
    | same_out "csv"
python3 -c 'import csv,sys; rows=list(csv.reader(open(sys.argv[1], newline=""))); assert len(rows) == 6 and rows[3][1] == "Carol\nNewline" and rows[4][1] == "Bob, \"the\" Builder", rows' "$TMP/out" ||
    fail "python's csv module reads the CSV back"

# Filters: the emails each one keeps, newest first.
emails() {
    run 0 bc users list --json "$@"
    json '" ".join(u["email"].split("@")[0] for u in d["users"])'
}
check_filter() {
    want=$1
    shift
    got=$(emails "$@")
    [ "$got" = "$want" ] || fail "users list $*: got \"$got\", wanted \"$want\""
}
check_filter "bob" --search BUIL
check_filter "eve dave carol bob alice" --search example
check_filter "eve" --search 李小
check_filter "carol" --prefix ca
check_filter "" --prefix zz
# --prefix with capitals: lowercased (as Better Auth stores emails) and as typed (as its admin
# update-user stores one), with and without the indexes of `db index` (on a copy).
cp "$DB" "$TMP/prefix.db"
sqlite3 "$TMP/prefix.db" "INSERT INTO \"user\" (id, name, email, emailVerified, createdAt, updatedAt)
 VALUES ('u9', 'José', 'José@Example.COM', 1, '2026-05-02T10:00:00.000Z', '2026-05-02T10:00:00.000Z')"
for state in plain indexed; do
    [ "$state" = indexed ] && run 0 "$BCADMIN" --db "$TMP/prefix.db" db index
    for p in "José:u9" "José@Example.COM:u9" "CA:u3" "josé:" "Eve@:u5"; do
        run 0 "$BCADMIN" --db "$TMP/prefix.db" users list --prefix "${p%%:*}" --json id
        [ "$(json '" ".join(u["id"] for u in d["users"]) + "/" + str(d["total"])')" = "${p#*:}/$(printf %s "${p#*:}" | wc -w)" ] ||
            fail "$state: --prefix ${p%%:*}: $(cat "$TMP/out")"
    done
done
check_filter "dave alice" --role admin
check_filter "carol bob" --banned
check_filter "dave" --ban-expired
check_filter "eve alice" --active
check_filter "eve bob" --verified false
check_filter "dave carol alice" --verified true
check_filter "dave" --role admin --verified true --ban-expired
# Sorts: default direction per field, and both explicit directions.
check_filter "alice bob carol dave eve" --sort email
check_filter "eve dave carol bob alice" --sort email:desc
check_filter "alice bob carol dave eve" --sort created:asc
check_filter "eve alice dave carol bob" --sort updated
check_filter "alice bob carol dave eve" --sort name
check_filter "eve dave carol bob alice" --sort name:desc

# Cursor round trip: the nextCursor of one page gives exactly the next page.
run 0 bc users list --sort email --limit 2 --json
[ "$(json '[u["id"] for u in d["users"]], d["total"]')" = "(['u1', 'u2'], 5)" ] || fail "page 1"
cursor=$(json 'd["nextCursor"]')
[ "$cursor" != None ] || fail "page 1 has a next cursor"
run 0 bc users list --sort email --limit 2 --json --cursor "$cursor"
[ "$(json '[u["id"] for u in d["users"]]')" = "['u3', 'u4']" ] || fail "page 2: $(cat "$TMP/out")"
cursor=$(json 'd["nextCursor"]')
run 0 bc users list --sort email --limit 2 --json --cursor "$cursor"
[ "$(json '[u["id"] for u in d["users"]], d["nextCursor"]')" = "(['u5'], None)" ] || fail "page 3"
# The human footer names the same cursor.
run 0 bc users list --sort email --limit 2
has "$TMP/err" "showing 2 of 5"
has "$TMP/err" "next cursor: "
! grep -q "showing\|next cursor" "$TMP/out" || fail "the footer is on stdout in a pipe"
run 2 bc users list --cursor 'not a cursor!'
has "$TMP/err" "cursor"

# --json FIELDS keeps only those fields, in that order (an app's own column with --json=); a word
# after --json made of Better Auth field names is its FIELDS, any other word an argument.
run 0 bc users list --sort email --limit 2 --json=email,username,role
[ "$(json 'd["users"]')" = "[{'email': 'alice@example.com', 'username': 'alice', 'role': 'admin'}, {'email': 'bob@example.com', 'username': None, 'role': 'user'}]" ] ||
    fail "--json=FIELDS: $(cat "$TMP/out")"
[ "$(json 'list(d["users"][0])')" = "['email', 'username', 'role']" ] || fail "--json FIELDS order"
[ "$(json 'd["total"]')" = 5 ] || fail "--json FIELDS keeps the page's total"
run 0 bc users show --json email,banned u2
[ "$(json 'd["user"]')" = "{'email': 'bob@example.com', 'banned': True}" ] || fail "show --json FIELDS: $(cat "$TMP/out")"
run 2 bc users list --json email,username
has "$TMP/err" 'bcadmin: --json email,username: "username" is not a Better Auth field of users, sessions or accounts (a column of your app'"'"'s own goes in --json=email,username)'
run 2 bc users show u2 --json id,emial
has "$TMP/err" '"emial" is not a Better Auth field'
run 2 bc audit --json emial
has "$TMP/err" 'unexpected argument "emial"'
run 0 bc users show --json bob@example.com
[ "$(json 'd["user"]["id"]')" = u2 ] || fail "--json then USER: $(cat "$TMP/out")"
run 0 bc sessions list --json=id,userId --limit 1
[ "$(json 'd["sessions"]')" = "[{'id': 's3', 'userId': 'u5'}]" ] || fail "sessions --json=FIELDS"
run 2 bc users list --json=email,nosuch
has "$TMP/err" 'bcadmin: --json: "nosuch" is not a field of user rows'
[ ! -s "$TMP/out" ] || fail "a bad field printed rows: $(cat "$TMP/out")"

# --all streams every page as one valid document, in every format.
run 0 bc users list --all --limit 2 --json
python3 -m json.tool "$TMP/out" >/dev/null || fail "--all --json is valid JSON"
[ "$(json '[u["id"] for u in d["users"]], d["total"], d["nextCursor"]')" = \
    "(['u5', 'u4', 'u3', 'u2', 'u1'], 5, None)" ] || fail "--all json: $(cat "$TMP/out")"
run 0 bc users list --all --limit 2 --csv
[ "$(grep -c "@example.com" "$TMP/out")" = 5 ] || fail "--all csv has every row"
[ "$(grep -c "^id,name," "$TMP/out")" = 1 ] || fail "--all csv has one header"
# --all keeps one column layout for the whole stream: every column is as wide as its limit from
# the first page on, and a longer value is cut to it (piped or not; --csv/--json keep it whole).
run 0 bc users list --all --limit 2 --sort email
same_out "all table" <<'OUT'
email                                     name                            role              status UTC                     verified  created UTC
alice@example.com                         Alice Anders                    admin             active                         yes       2026-01-01 10:00
bob@example.com                           Bob, "the" Builder              user              banned                         no        2026-02-01 10:00
carol@example.com                         Carol\nNewline                  user              banned until 2026-12-31 00:00  yes       2026-03-01 10:00
dave@example.com                          Dave \x1b[31mRed\x1b[0m         user,admin        ban expired                    yes       2026-04-01 10:00
eve@example.com                           Eve 李小龙                      -                 active                         no        2026-05-01 10:00
OUT
has "$TMP/err" "showing 5 of 5"

# An empty result still has its shape.
run 0 bc users list --prefix nobody --json
same_out "empty json" <<'OUT'
{"users":[],"total":0,"nextCursor":null}
OUT
run 0 bc users list --prefix nobody --csv
printf '%s\r\n' 'id,name,email,emailVerified,image,createdAt,updatedAt,role,banned,banReason,banExpires' |
    same_out "empty csv"
# Hostile text: JSON escapes DEL, C1 (U+009B CSI), bidi controls and marks and zero-width
# characters as \uNNNN and still parses to the same string; CSV escapes control characters and
# neutralises cells a spreadsheet would run (= + - @ TAB CR) unless --csv-formulas.
HOSTILE="$TMP/hostile.db"
make_fixture "$HOSTILE"
sqlite3 "$HOSTILE" "UPDATE user SET name = 'a' || char(127) || 'b' || char(155) || 'c' || char(8238) ||
  'd' || char(8294) || 'e' || char(1564) || 'f' || char(8206) || 'g' || char(8203) || 'h' WHERE id = 'u1';
UPDATE user SET name = '=HYPERLINK(\"http://x.test\")' WHERE id = 'u2';
UPDATE user SET name = '+1', banReason = '@SUM(A1)' WHERE id = 'u3';
UPDATE user SET name = '-2', banReason = char(9) || 'tab' WHERE id = 'u4';
UPDATE user SET name = char(13) || 'cr' WHERE id = 'u5';"
run 0 "$BCADMIN" --db "$HOSTILE" users show u1 --json
grep -qF '"name": "a\u007fb\u009bc\u202ed\u2066e\u061cf\u200eg\u200bh"' "$TMP/out" ||
    fail "JSON does not escape DEL, C1, bidi and zero-width: $(cat "$TMP/out")"
LC_ALL=C grep -q "$(printf '\302\233')" "$TMP/out" && fail "JSON holds a raw U+009B"
[ "$(json 'd["user"]["name"] == "a\x7fb\x9bc\u202ed\u2066e\u061cf\u200eg\u200bh"')" = True ] ||
    fail "the escaped JSON name does not parse back to the same string"
run 0 "$BCADMIN" --db "$HOSTILE" users list --json
[ "$(json '[u["name"] for u in d["users"] if u["id"] == "u1"][0] == "a\x7fb\x9bc\u202ed\u2066e\u061cf\u200eg\u200bh"')" = True ] ||
    fail "users list --json does not round-trip the hostile name"
run 0 "$BCADMIN" --db "$HOSTILE" users list --csv
python3 - "$TMP/out" <<'PY' || fail "CSV cells are not neutralised: $(cat "$TMP/out")"
import csv, sys
rows = {r[0]: r for r in csv.reader(open(sys.argv[1], newline=""))}
assert rows["u1"][1] == "a\\x7fb\\u009bc\\u202ed\\u2066e\\u061cf\\u200eg\\u200bh", rows["u1"][1]
assert rows["u2"][1] == "'=HYPERLINK(\"http://x.test\")", rows["u2"][1]
assert rows["u3"][1] == "'+1" and rows["u3"][9] == "'@SUM(A1)", rows["u3"]
assert rows["u4"][1] == "'-2" and rows["u4"][9] == "'\ttab", rows["u4"]
assert rows["u5"][1] == "'\rcr", rows["u5"]
PY
run 0 "$BCADMIN" --db "$HOSTILE" users list --csv --csv-formulas
python3 - "$TMP/out" <<'PY' || fail "--csv-formulas changed cells: $(cat "$TMP/out")"
import csv, sys
rows = {r[0]: r for r in csv.reader(open(sys.argv[1], newline=""))}
assert rows["u2"][1] == '=HYPERLINK("http://x.test")' and rows["u3"][1] == "+1", rows
assert rows["u4"][9] == "\ttab" and rows["u1"][1].startswith("a\\x7fb"), rows
PY
# A looser schema (name and createdAt nullable): --limit 1 pages reach the rows whose sort key
# is NULL, in both directions, exactly as --all lists them.
LOOSE="$TMP/loose.db"
sed '3s/"name" text not null/"name" text/; 3s/"createdAt" date not null/"createdAt" date/' \
    "$SRC/assets/better-auth-schema.sql" | sqlite3 "$LOOSE"
sqlite3 "$LOOSE" "INSERT INTO user (id, name, email, emailVerified, createdAt, updatedAt) VALUES
 ('n1', NULL, 'n1@x.test', 0, NULL, '2024-01-01T00:00:00.000Z'),
 ('n2', 'Bob', 'n2@x.test', 0, '2024-03-01T00:00:00.000Z', '2024-01-01T00:00:00.000Z'),
 ('n3', NULL, 'n3@x.test', 0, '2024-02-01T00:00:00.000Z', '2024-01-01T00:00:00.000Z'),
 ('n4', 'al', 'n4@x.test', 0, NULL, '2024-01-01T00:00:00.000Z');"
for sort in created created:asc name name:desc name:asc; do
    run 0 "$BCADMIN" --db "$LOOSE" users list --sort "$sort" --all --json
    all=$(json '" ".join(u["id"] for u in d["users"])')
    [ "$(echo "$all" | wc -w)" = 4 ] || fail "--all --sort $sort: $all"
    ids="" cursor=""
    for _ in 1 2 3 4 5 6; do
        run 0 "$BCADMIN" --db "$LOOSE" users list --sort "$sort" --limit 1 --json ${cursor:+--cursor "$cursor"}
        ids="$ids${ids:+ }$(json '" ".join(u["id"] for u in d["users"])')"
        cursor=$(json 'd["nextCursor"] or ""')
        [ -n "$cursor" ] || break
    done
    [ "$ids" = "$all" ] || fail "--sort $sort --limit 1 pages reached [$ids], --all lists [$all]"
done
echo "ok users_list"
