#!/bin/sh
# bcadmin's .env reading against dotenv's, file by file, value by value, byte for byte.
#   dotenv_conformance.sh TOOL TESTS_DIR recorded  every tests/dotenv/*.env parsed by bcadmin
#                                                  equals the real dotenv's result recorded beside
#                                                  it (*.json); no Node needed
#   dotenv_conformance.sh TOOL TESTS_DIR live      the same against the real dotenv package run
#                                                  now, plus files written by bcadmin's writer
#                                                  read back by the real dotenv
set -eu
tool=$1
tests=$2
mode=$3
corpus=$tests/dotenv
peer=$tests/peers/dotenv-parse.mjs
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT INT TERM
fails=0
fail() {
    echo "FAIL: $*"
    fails=$((fails + 1))
}

if [ "$mode" = live ]; then
    if ! command -v node >/dev/null || [ ! -d "$tests/peers/node_modules/dotenv" ]; then
        echo "node or tests/peers/node_modules/dotenv missing: run npm ci in tests/peers"
        exit 77
    fi
fi

count=0
for f in "$corpus"/*.env; do
    name=$(basename "$f" .env)
    count=$((count + 1))
    "$tool" parse "$f" >"$work/bc.json" || fail "$name: bcadmin cannot parse it"
    if [ "$mode" = recorded ]; then
        expected=$corpus/$name.json
    else
        expected=$work/dotenv.json
        node "$peer" "$f" >"$expected"
        cmp -s "$expected" "$corpus/$name.json" ||
            fail "$name: tests/dotenv/$name.json no longer matches the real dotenv"
    fi
    if ! cmp -s "$expected" "$work/bc.json"; then
        fail "$name: bcadmin and dotenv read it differently"
        diff "$expected" "$work/bc.json" || true
    fi
done
[ "$count" -ge 30 ] || fail "the corpus holds only $count files"
echo "corpus: $count files compared ($mode)"
[ "$mode" = live ] || exit $((fails > 0))

# ---- the writer, judged by the real dotenv ----------------------------------------------------
# Each value (a printf format, one per line) is written as a new name and over existing ones, into
# files with comments, CRLF line breaks, duplicates and multi-line values; then one run of the
# real dotenv checks every written file: the value reads back byte for byte and nothing else
# changed.
cat >"$work/values" <<'VALUES'
plain
with spaces
  leading and trailing  
single'quote
double"quote
back`tick
all ' three " quotes ` here
$HOME and ${VAR} and $(cmd) and `cmd`
a=b=c==
hash#inside
#starts-with-hash
line one\nline two
ends with newline\n
{\n  "alg": "RS256",\n  "privateKey": "\\"ab\\""\n}
literal backslash-n \\n and a newline\n
carriage\rreturn
crlf\r\nline
h\303\251llo w\303\266rld \360\237\216\211 \346\227\245\346\234\254
\342\200\250line separator
C:\\path\\
'starts with a quote
ends with a quote"
\\
 
=
VALUES
n=0
: >"$work/manifest"
while IFS= read -r fmt; do
    n=$((n + 1))
    printf "$fmt" >"$work/want$n"
    for target in comments:NEW_$n crlf:NEW_$n jwks-json:NEW_$n empty:NEW_$n \
        no-final-newline:NEW_$n comments:A comments:B crlf:C jwks-json:JWKS duplicates:A \
        whitespace:E hash-values:PASSWORD multiline-double:PRIVATE_KEY; do
        base=${target%%:*}
        name=${target#*:}
        out=$work/$base-$name-$n.env
        cp "$corpus/$base.env" "$out"
        if ! "$tool" set "$out" "$name" "written by the conformance test" <"$work/want$n"; then
            fail "the writer refused value $n ($fmt) for $name in $base"
            continue
        fi
        printf '%s\t%s\t%s\t%s\n' "$corpus/$base.env" "$out" "$name" "$work/want$n" \
            >>"$work/manifest"
    done
done <"$work/values"
node "$peer" --check "$work/manifest" || fails=$((fails + 1))
node "$peer" --json "$work"/*-*.env
for out in "$work"/*-*.env; do
    "$tool" parse "$out" | cmp -s - "$out.dotenv.json" ||
        fail "$(basename "$out"): bcadmin and dotenv read the written file differently"
done
echo "writer: $(wc -l <"$work/manifest") written files checked against the real dotenv"

# Values dotenv cannot hold are refused and the file is left as it was.
for fmt in 'cr\r and "double"' 'all quotes '"'"' " ` on\ntwo lines' 'all three quotes '"'"' " ` and # hash' \
    'ends with a backslash and # hash\\'; do
    cp "$corpus/comments.env" "$work/w.env"
    if printf "$fmt" | "$tool" set "$work/w.env" REFUSED 2>"$work/err"; then
        fail "the writer accepted $fmt"
    fi
    grep -q "cannot represent" "$work/err" || fail "no reason given for refusing $fmt"
    cmp -s "$corpus/comments.env" "$work/w.env" || fail "a refused write changed the file"
done

exit $((fails > 0))
