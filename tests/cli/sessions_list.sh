#!/bin/sh
# `bcadmin sessions list --search TEXT --sort KEY[:asc|desc]` on a demo database: every row
# --all gives, in order, equals what sqlite3 selects with the same rule written in SQL (a
# case-insensitive substring of the owner's email or name, the IP address or the user agent;
# ties by id). usage: sessions_list.sh BCADMIN SOURCE_ROOT
BCADMIN=$1 SRC=$2
. "$SRC/tests/cli/lib.sh"

DB="$TMP/demo.db"
run 0 "$BCADMIN" demo --db "$DB" --users 300 --seed 7

# ids: the session ids bcadmin lists for the options given, one a line.
ids() {
    run 0 "$BCADMIN" --db "$DB" sessions list --all --limit 37 --json=id "$@"
    json '"\n".join(s["id"] for s in d["sessions"])'
}
# sql NEEDLE FIELD DIR: the same ids from sqlite3 (LIKE is case-insensitive for ASCII).
sql() {
    sqlite3 "$DB" "SELECT s.id FROM session s JOIN user u ON u.id = s.userId
        WHERE '$1' = '' OR u.email LIKE '%$1%' OR u.name LIKE '%$1%'
           OR s.ipAddress LIKE '%$1%' OR s.userAgent LIKE '%$1%'
        ORDER BY s.$2 $3, s.id $3"
}
check() {
    needle=$1 sort=$2 field=$3 dir=$4
    want=$(sql "$needle" "$field" "$dir")
    [ -n "$want" ] || fail "the demo has sessions for \"$needle\""
    if [ -n "$needle" ]; then
        got=$(ids --search "$needle" --sort "$sort")
    else
        got=$(ids --sort "$sort")
    fi
    [ "$got" = "$want" ] || fail "--search \"$needle\" --sort $sort: $(printf '%s\n' "$got" | wc -l) rows, sqlite3 $(printf '%s\n' "$want" | wc -l)"
}

# Each sort key both ways, with needles that hit the owner's email, name, IP and user agent.
check "" created createdAt DESC
check FIREFOX created createdAt DESC
check firefox expires:asc expiresAt ASC
check 10. expires expiresAt DESC
check example.org lastActive updatedAt DESC
check Silva lastActive:asc updatedAt ASC
check .4. created:asc createdAt ASC # an IP address only

# The total counts the matches too.
run 0 "$BCADMIN" --db "$DB" sessions list --search firefox --json=id --limit 5
[ "$(json 'd["total"]')" = "$(sql firefox createdAt DESC | wc -l)" ] || fail "total of a search"
# A search nothing matches is an empty list, not an error.
run 0 "$BCADMIN" --db "$DB" sessions list --search 'no such text anywhere' --json=id
[ "$(json 'len(d["sessions"]), d["total"]')" = "(0, 0)" ] || fail "no match: $(cat "$TMP/out")"

# Bad values say what and where.
run 2 "$BCADMIN" --db "$DB" sessions list --sort email
has "$TMP/err" '--sort: "email" is not a sort field (created, expires, lastActive)'
run 2 "$BCADMIN" --db "$DB" sessions list --sort expires:up
has "$TMP/err" '--sort: direction "up" is not asc or desc'
run 2 "$BCADMIN" --db "$DB" users list --sort expires
has "$TMP/err" '--sort: "expires" is not a sort field (created, updated, email, name)'
run 0 "$BCADMIN" help sessions list
has "$TMP/out" "--sort created|expires|lastActive[:asc|desc]"
has "$TMP/out" "--search S"
echo "ok sessions_list"
