#!/bin/sh
# The README is the manual: every verb and option the program has (its verb table, as
# `bcadmin help --json` prints it) is in README.md, and README.md names no option a verb does not
# take. A verb is documented by a synopsis line in a code block (`bcadmin [GLOBALS] VERB ...` and
# its indented continuation lines) or by an inline example in the text (`bcadmin VERB ...`); each
# of its options is in its synopsis (FILTERS stands for the filters of `users list`, as the
# README says) or in such an example. Global options are
# named somewhere in the README. The other way round: an option in a verb's synopsis is one of
# that verb's or a global one. And the console's keys: the README's key tables and the action
# table (tui/actions.h) name the same default keys.
# usage: readme_help.sh BCADMIN SOURCE_ROOT
BCADMIN=$1 SRC=$2
. "$SRC/tests/cli/lib.sh"

run 0 "$BCADMIN" help --json
python3 - "$TMP/out" "$SRC/README.md" <<'PY' || fail "README.md and the verb table disagree (above)"
import json, re, sys

table = json.load(open(sys.argv[1]))
readme = open(sys.argv[2], encoding="utf-8").read()
verbs = {v["name"]: v for v in table["verbs"]}
names = sorted(verbs, key=len, reverse=True)  # "audit undo" before "audit"
filters = {o["name"] for o in verbs["users list"]["options"]} - {
    "sort", "limit", "cursor", "all", "json", "csv", "csv-formulas"}
problems = []

# Synopsis lines: in code blocks, a line starting with `bcadmin`, with its indented continuation.
synopses = {}
for block in re.findall(r"^```[a-z]*\n(.*?)^```", readme, re.S | re.M):
    current = None
    for line in block.split("\n"):
        if re.match(r"bcadmin\b", line):
            words = re.sub(r"\[[^\]]*\]\s*", "", line.split("#")[0])[len("bcadmin"):].strip()
            current = next((n for n in names if words == n or words.startswith(n + " ")), None)
            if current:
                synopses.setdefault(current, []).append(line.split("#")[0])
        elif current and line.startswith(" ") and line.strip():
            synopses[current][-1] += " " + line.split("#")[0]
        else:
            current = None
# Inline examples: `bcadmin VERB ...` in the text.
inline = {}
for span in re.findall(r"`(bcadmin [^`]*)`", readme):
    words = re.sub(r"\[[^\]]*\]\s*", "", span)[len("bcadmin"):].strip()
    verb = next((n for n in names if words == n or words.startswith(n + " ")), None)
    if verb:
        inline.setdefault(verb, []).append(span)

for name, v in verbs.items():
    syn = " ".join(synopses.get(name, []))
    examples = " ".join(inline.get(name, []))
    if not syn and not examples:
        problems.append(f"`bcadmin {name}` is in no README synopsis line nor inline example")
        continue
    for o in v["options"]:
        flag = "--" + o["name"]
        if re.search(re.escape(flag) + r"(?![\w-])", syn + " " + examples):
            continue
        if o["name"] in filters and "FILTERS" in syn:
            continue
        problems.append(f"`bcadmin {name}`: {flag} is not in its README synopsis")
    own = {o["name"] for o in v["options"]} | {o["name"] for o in table["globalOptions"]}
    for flag in re.findall(r"--([a-z][a-z-]*)", syn):
        if flag not in own:
            problems.append(f"`bcadmin {name}`: the README synopsis names --{flag}, which it does not take")
for o in table["globalOptions"]:
    if not re.search("--" + re.escape(o["name"]) + r"(?![\w-])", readme):
        problems.append(f"global option --{o['name']} is not in the README")

for p in problems:
    print("README.md:", p)
sys.exit(1 if problems else 0)
PY
# The console's keys: every default key of the action table (tui/actions.h, from which the help
# screen and the key map are made) is in the README's key tables, in the key column or in the
# text of the row that explains it; every key in their key column is one of the table's.
python3 - "$SRC/tui/actions.h" "$SRC/README.md" <<'PY' || fail "README.md's key tables and tui/actions.h disagree (above)"
import re, sys

actions = re.findall(r'X\((\w+),\s*"([^"]*)",\s*"([^"]*)"', open(sys.argv[1]).read())
readme = open(sys.argv[2], encoding="utf-8").read()
console = readme[readme.index("## The console"):readme.index("## Verbs")]
rows = [l for l in console.split("\n")
        if l.startswith("| ") and not re.match(r"\| (---|keys? )", l)]
keys_col = " ".join(l.split("|")[1] for l in rows)
text = " ".join(rows)
named = {"Down": "arrows", "Up": "arrows", "Right": "→", "Left": "←"}
defaults = {k: name for _, name, keys in actions for k in keys.split()}
problems = []
for key, name in sorted(defaults.items()):
    if f"`{key}`" in text or named.get(key, "\0") in text:
        continue
    if len(key) > 1 and re.search(r"(?<![\w-])" + re.escape(key) + r"(?![\w-])", text):
        continue  # a named key (Enter, PgDn, F5) written without backticks
    problems.append(f"key {key} ({name}) is in no row of the README's key tables")
for key in re.findall(r"`([^`]+)`", keys_col):
    if key not in defaults and not key.startswith(":"):
        problems.append(f"the README's key column names `{key}`, which no action has")
for p in problems:
    print("README.md:", p)
sys.exit(1 if problems else 0)
PY
echo "ok readme_help"
