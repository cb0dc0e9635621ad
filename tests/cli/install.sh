#!/bin/sh
# What a packager gets: `meson install --destdir` puts the program, the man page and the three
# completion scripts under the prefix; the man page renders with groff and lists every verb.
# usage: install.sh BCADMIN SOURCE_ROOT BUILD_ROOT
BCADMIN=$1 SRC=$2 BUILD=$3
. "$SRC/tests/cli/lib.sh"

prefix=$(meson introspect "$BUILD" --buildoptions |
    python3 -c 'import json,sys; print([o["value"] for o in json.load(sys.stdin) if o["name"]=="prefix"][0])')
meson install -C "$BUILD" --destdir "$TMP/dest" --no-rebuild --quiet >"$TMP/install.log" 2>&1 ||
    fail "meson install: $(cat "$TMP/install.log")"
root="$TMP/dest$prefix"
for f in bin/bcadmin share/man/man1/bcadmin.1 share/bash-completion/completions/bcadmin \
    share/zsh/site-functions/_bcadmin share/fish/vendor_completions.d/bcadmin.fish; do
    [ -s "$root/$f" ] || fail "not installed: $prefix/$f ($(cd "$TMP/dest" && find . -type f))"
done
[ -x "$root/bin/bcadmin" ] || fail "bin/bcadmin is not executable"
"$root/bin/bcadmin" --version | grep -q '^bcadmin ' || fail "the installed program does not run"
# Only what a user needs: no test programs or benchmarks.
n=$(find "$TMP/dest" -type f | wc -l)
[ "$n" -eq 5 ] || fail "installed $n files: $(cd "$TMP/dest" && find . -type f)"
# The installed completion scripts are what the program prints.
"$BCADMIN" completion bash | cmp -s - "$root/share/bash-completion/completions/bcadmin" ||
    fail "installed bash completion differs from \`bcadmin completion bash\`"

# The man page renders without warnings and lists every verb of the program's table.
man1="$root/share/man/man1/bcadmin.1"
groff -man -Tutf8 -ww -z "$man1" 2>"$TMP/groff.err" || fail "groff: $(cat "$TMP/groff.err")"
[ ! -s "$TMP/groff.err" ] || fail "groff warnings: $(cat "$TMP/groff.err")"
groff -man -Tutf8 "$man1" 2>/dev/null | sed 's/.\x08//g' >"$TMP/man.txt"
for s in NAME SYNOPSIS DESCRIPTION VERBS "GLOBAL OPTIONS" ENVIRONMENT FILES "EXIT STATUS" EXAMPLES; do
    grep -q "^$s" "$TMP/man.txt" || fail "man page lacks section $s"
done
"$BCADMIN" help --json | python3 -c 'import json,sys; print("\n".join(v["name"] for v in json.load(sys.stdin)["verbs"]))' >"$TMP/verbs"
[ "$(wc -l <"$TMP/verbs")" -ge 30 ] || fail "few verbs: $(cat "$TMP/verbs")"
while read -r v; do
    grep -q "bcadmin $v" "$TMP/man.txt" || fail "man page lacks verb \"$v\""
done <"$TMP/verbs"
has "$TMP/man.txt" "BCADMIN_DB"
has "$TMP/man.txt" "bcadmin env diff --exit-code"
echo "ok install"
