#!/bin/bash
# Shell completion: bash's function driven through COMP_WORDS/COMP_CWORD as bash calls it (verbs,
# subverbs, options of a verb, enumerable values, files, emails and roles of a SQLite target);
# fish's script through `complete -C` (fish answers as on Tab); zsh's script loads into compinit.
# usage: completion.sh BCADMIN SOURCE_ROOT
BCADMIN=$1 SRC=$2
. "$SRC/tests/cli/lib.sh"

run 0 "$BCADMIN" completion bash
cp "$TMP/out" "$TMP/bcadmin.bash"
# shellcheck disable=SC1091
. "$TMP/bcadmin.bash"
# complete_words WORD...: COMPREPLY for the command line "bcadmin WORD..." with the cursor at the
# end of the last word; the result is one line, sorted.
complete_words() {
    COMP_WORDS=("$BCADMIN" "$@")
    COMP_CWORD=$#
    COMPREPLY=()
    _bcadmin
    printf '%s\n' "${COMPREPLY[@]}" | sort | tr '\n' ' ' | sed 's/ $//'
}
expect() {
    want=$1
    shift
    got=$(complete_words "$@")
    [ "$got" = "$want" ] || fail "completing [$*]: got [$got], wanted [$want]"
}
# The first words are those of every verb in the table (a new verb needs no change here).
firsts=$("$BCADMIN" help --json | python3 -c 'import json,sys
print(" ".join(sorted({v["name"].split()[0] for v in json.load(sys.stdin)["verbs"]})))')
case " $firsts " in *" users "*) ;; *) fail "help --json first words: $firsts" ;; esac
expect "$firsts" ""
expect "users" us
expect "check index" db ""
expect "set-password set-role show stop-impersonating" users s
expect "--search --site-url --sort --state" users list --s
expect "--active --admin-key --all --as --auth-base-path --auth-functions" sessions list --a
expect "--db --drop" db index --d
# option values from the placeholders
expect "email email:asc email:desc" users list --sort em
expect "email email:asc email:desc" users list --sort = em
# The same option name takes the verb's own values.
expect "lastActive lastActive:asc lastActive:desc" sessions list --sort la
expect "false true" users list --verified ""
expect "ES256 ES512 EdDSA" jwks rotate --alg E
expect "bash fish zsh" completion ""
expect "undo" audit ""
# help completes verbs, then subverbs
expect "doctor" help jwks d
# a value is not mistaken for a verb word: after --limit 5, still the options of users list
expect "--limit" --db "$DB" users list --limit 5 --li
# files for --db and --file
touch "$TMP/zz-one.db" "$TMP/zz-two.env"
expect "$TMP/zz-one.db $TMP/zz-two.env" users list --db "$TMP/zz-"
expect "$TMP/zz-two.env" env diff --file "$TMP/zz-t"
# emails and roles of the SQLite target (--db, --db=, BCADMIN_DB), read-only
expect "alice@example.com" --db "$DB" users show al
expect "alice@example.com" --db="$DB" users ban a
expect "bob@example.com" users show --db "$DB" b
BCADMIN_DB=$DB expect "carol@example.com" users remove c
expect "admin user" --db "$DB" users list --role ""
expect "admin user" --db "$DB" users set-role alice@example.com ""
# no target, or a Convex one: no emails, and nothing is contacted (an unroutable URL would hang)
expect "" users show a
expect "" --url http://192.0.2.1:9 --admin-key k users show a
[ "$(sqlite3 "$DB" 'SELECT count(*) FROM "user"')" = 5 ] || fail "the target changed"

# fish answers through the installed-style script as on Tab.
mkdir -p "$TMP/bin"
ln -s "$(cd "$(dirname "$BCADMIN")" && pwd)/$(basename "$BCADMIN")" "$TMP/bin/bcadmin"
run 0 "$BCADMIN" completion fish
cp "$TMP/out" "$TMP/bcadmin.fish"
PATH="$TMP/bin:$PATH" fish --no-config -c "source $TMP/bcadmin.fish
complete -C 'bcadmin users li'
complete -C 'bcadmin users list --sea'
complete -C 'bcadmin --db $DB users show ev'" >"$TMP/fish.out" 2>&1 || fail "fish: $(cat "$TMP/fish.out")"
printf 'list\n--search\neve@example.com\n' >"$TMP/want"
diff -u "$TMP/want" "$TMP/fish.out" >&2 || fail "fish completions differ"

# zsh: the script loads into compinit and registers _bcadmin for bcadmin.
run 0 "$BCADMIN" completion zsh
cp "$TMP/out" "$TMP/_bcadmin"
got=$(HOME=$TMP zsh -f -c "autoload -U compinit && compinit -u -d $TMP/zcompdump
source $TMP/_bcadmin
print -r -- \${_comps[bcadmin]} \$(whence -w _bcadmin)" 2>&1) || fail "zsh: $got"
[ "$got" = "_bcadmin _bcadmin: function" ] || fail "zsh: [$got]"
echo "ok completion"
