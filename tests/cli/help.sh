#!/bin/sh
# Help that answers the question asked: one verb's help (help VERB, VERB --help), -V and
# version, hints that name only verbs that exist, and did-you-mean for verbs and options.
# usage: help.sh BCADMIN SOURCE_ROOT
BCADMIN=$1 SRC=$2
. "$SRC/tests/cli/lib.sh"

# help VERB [SUBVERB] and VERB --help print that verb's help only.
for form in "help users list" "users list --help" "users list -h"; do
    # shellcheck disable=SC2086
    run 0 "$BCADMIN" $form
    has "$TMP/out" "bcadmin users list [OPTIONS]"
    has "$TMP/out" "--sort created|updated|email|name[:asc|desc]"
    ! grep -q "users show\|sessions list\|--reason" "$TMP/out" || fail "$form: other verbs' help"
    [ "$(wc -l <"$TMP/out")" -lt 25 ] || fail "$form: $(wc -l <"$TMP/out") lines"
done
# --json takes FIELDS where it prints rows, and says so nowhere else; env unset has no --force
# (it would do nothing there).
run 0 "$BCADMIN" help users show
has "$TMP/out" "--json [FIELDS]"
for verb in "users unban" "users ban" "audit" "stats" "env list" "jwks doctor"; do
    # shellcheck disable=SC2086
    run 0 "$BCADMIN" help $verb
    grep -q -- "--json  " "$TMP/out" || fail "help $verb: no plain --json"
    ! grep -q "FIELDS" "$TMP/out" || fail "help $verb offers --json FIELDS"
done
run 0 "$BCADMIN" help env unset
! grep -q -- "--force" "$TMP/out" || fail "help env unset lists --force"
run 2 bc env unset FOO --force
has "$TMP/err" "unknown option --force for \`bcadmin env unset\`"

# A group: its verbs, nothing else.
run 0 "$BCADMIN" help jwks
has "$TMP/out" "bcadmin jwks doctor"
has "$TMP/out" "bcadmin jwks rotate"
! grep -q "users list" "$TMP/out" || fail "help jwks shows users list"
run 0 "$BCADMIN" users --help
has "$TMP/out" "bcadmin users set-role [USER] ROLE[,ROLE]"
! grep -q "jwks" "$TMP/out" || fail "users --help shows jwks"
# audit is a verb and a group: both of its verbs.
run 0 "$BCADMIN" help audit
has "$TMP/out" "bcadmin audit [OPTIONS]"
has "$TMP/out" "bcadmin audit undo ID"
# help alone is the whole usage.
run 0 "$BCADMIN" help
has "$TMP/out" "bcadmin completion bash|zsh|fish"
# help of something that is not a verb: a usage error with the closest verb.
run 2 "$BCADMIN" help users lst
has "$TMP/err" 'bcadmin: unknown verb "users lst"; did you mean `bcadmin users list`?'

# -V and version.
for v in -V --version version; do
    run 0 "$BCADMIN" $v
    grep -qxE 'bcadmin [0-9]+\.[0-9]+\.[0-9]+' "$TMP/out" || fail "$v: $(cat "$TMP/out")"
done

# Hints name verbs that exist (jwks has no `list`).
run 2 "$BCADMIN" jwks
has "$TMP/err" '`bcadmin jwks` needs one of its verbs after it: doctor, bootstrap, rotate (`bcadmin help jwks`)'
run 2 "$BCADMIN" db
has "$TMP/err" '`bcadmin db` needs one of its verbs after it: index, check'
# Every subverb a hint names is a verb: run each hint's words through help.
for group in users sessions accounts db env jwks checklist; do
    run 2 "$BCADMIN" "$group"
    subs=$(sed -n 's/.*needs one of its verbs after it: \(.*\) (`bcadmin help.*/\1/p' "$TMP/err" | tr -d ,)
    [ -n "$subs" ] || fail "$group: no hint: $(cat "$TMP/err")"
    for s in $subs; do
        run 0 "$BCADMIN" help "$group" "$s"
        has "$TMP/out" "bcadmin $group $s"
    done
done

# Did you mean: verbs, subverbs, options; an option of another verb is named as such.
run 2 "$BCADMIN" usrs
has "$TMP/err" 'bcadmin: unknown verb "usrs"; did you mean `bcadmin users`?'
run 2 "$BCADMIN" users lsit
has "$TMP/err" 'did you mean `bcadmin users list`?'
run 2 "$BCADMIN" jwsk doctor
has "$TMP/err" 'did you mean `bcadmin jwks`?'
run 2 bc users list --serch alice
has "$TMP/err" 'bcadmin: unknown option --serch for `bcadmin users list`; did you mean --search?'
has "$TMP/err" 'Try `bcadmin help users list`'
run 2 bc users list --limt 3
has "$TMP/err" 'did you mean --limit?'
run 2 bc users show u1 --drop
has "$TMP/err" 'unknown option --drop for `bcadmin users show` (it is an option of `bcadmin db index`)'
run 2 bc users list --zzzzzz
has "$TMP/err" 'bcadmin: unknown option --zzzzzz for `bcadmin users list`'
! grep -q "did you mean" "$TMP/err" || fail "a far-off option got a suggestion"
# -n is not read as advice to use --name.
run 2 bc users list -n 5
has "$TMP/err" "bcadmin's only short options are -h (help) and -V (version)"
! grep -q -- "--name" "$TMP/err" || fail "-n answered with --name: $(cat "$TMP/err")"

# The table as JSON (what the man page is built from): every verb of --help is in it.
run 0 "$BCADMIN" help --json
n=$(json 'len(d["verbs"])')
[ "$n" -ge 30 ] || fail "help --json: $n verbs"
json '"\n".join(v["name"] for v in d["verbs"])' >"$TMP/verbs"
"$BCADMIN" --help >"$TMP/usage"
while read -r v; do
    grep -q "^  bcadmin $v" "$TMP/usage" || fail "help --json verb \"$v\" is not in --help"
done <"$TMP/verbs"
echo "ok help"
