#!/bin/sh
# The one table rule of every verb that prints a table, as typed, in a pipe and on a pty: values
# holding a NUL print whole (escaped \x00 in tables and CSV, \u0000 in JSON) instead of ending at
# it; column limits cut long values with an ellipsis in a pipe too; on a terminal the lines of
# users list, sessions list and audit fit its width (checklist list: integration/envsync.sh). usage: tables.sh BCADMIN SRC
BCADMIN=$1 SRC=$2
. "$SRC/tests/cli/lib.sh"
command -v script >/dev/null || fail "script(1) from util-linux is needed"


# widest FILE: the display width of FILE's widest line (wide characters count 2).
widest() {
    python3 -c '
import sys, unicodedata
def width(s):
    return sum(0 if unicodedata.combining(c) else 2 if unicodedata.east_asian_width(c) in "WF" else 1
               for c in s)
print(max([width(l.rstrip("\n")) for l in open(sys.argv[1], encoding="utf-8")] or [0]))' "$1"
}

LONG=$(python3 -c 'print("N" * 3000)')
sqlite3 "$DB" "INSERT INTO \"user\" VALUES
 ('u6', 'Ann' || char(0) || 'Hidden', 'ann@example.com', 1, NULL, '2025-01-01T00:00:00.000Z',
  '2025-01-01T00:00:00.000Z', 'user', 0, 'why' || char(0) || 'not', NULL, NULL),
 ('u7', '$LONG', 'long@example.com', 1, NULL, '2024-01-01T00:00:00.000Z',
  '2024-01-01T00:00:00.000Z', 'user', 0, NULL, NULL, NULL);
INSERT INTO \"session\" VALUES ('s4', '2026-07-01T00:00:00.000Z', 'tok4dddddddddddddddddddddddddddd4',
 '2026-05-30T00:00:00.000Z', '2026-05-30T00:00:00.000Z', '10.0.0.4',
 'Agent' || char(0) || 'Tail/$LONG', 'u6', NULL);"

# --- a NUL inside a value -----------------------------------------------------------------------
run 0 bc users list --search Ann
has "$TMP/out" 'ann@example.com  Ann\x00Hidden  user'
on_tty 200 "$BCADMIN" --db "$DB" users list --search Ann
has "$TMP/out" 'ann@example.com  Ann\x00Hidden'
run 0 bc users show ann@example.com
has "$TMP/out" '  name           Ann\x00Hidden'
has "$TMP/out" '  banReason      why\x00not'
on_tty 200 "$BCADMIN" --db "$DB" users show u6
has "$TMP/out" '  name           Ann\x00Hidden'
run 0 bc sessions list ann@example.com
has "$TMP/out" 'Agent\x00Tail/NNNN'
# An owner's email holding a NUL, as sessions list shows owners (by email).
sqlite3 "$DB" "INSERT INTO \"user\" VALUES ('u8', 'Nul Mail', 'nul' || char(0) || 'x@example.com', 1, NULL,
 '2023-01-01T00:00:00.000Z', '2023-01-01T00:00:00.000Z', 'user', 0, NULL, NULL, NULL);
INSERT INTO \"session\" VALUES ('s5', '2026-07-01T00:00:00.000Z', 'tok5eeeeeeeeeeeeeeeeeeeeeeeeeeee5',
 '2023-01-01T00:00:00.000Z', '2023-01-01T00:00:00.000Z', '10.0.0.5', 'curl/8.0', 'u8', NULL);"
run 0 bc sessions list u8
has "$TMP/out" 's5  nul\x00x@example.com'
# The lines that name a user name it whole too: a bulk form's refusal, ban, remove.
run 4 bc users ban --search 'Nul Mail'
has "$TMP/err" 'users.ban would change 1 user (nul\x00x@example.com): add --yes'
run 0 bc users ban u8 --yes
has "$TMP/out" 'banned nul\x00x@example.com (u8) until never'
# On a terminal the removal wants the email typed as shown: the value cut at the NUL is refused.
printf 'nul\n' | script -qec "'$BCADMIN' --db '$DB' users remove u8" /dev/null >"$TMP/raw" 2>&1 || true
tr -d '\r' <"$TMP/raw" >"$TMP/out"
has "$TMP/out" 'Type nul\x00x@example.com to confirm'
has "$TMP/out" 'confirmation did not match: nothing was changed'
printf 'nul\\x00x@example.com\n' |
    script -qec "'$BCADMIN' --db '$DB' users remove u8" /dev/null >"$TMP/raw" 2>&1 || true
tr -d '\r' <"$TMP/raw" >"$TMP/out"
has "$TMP/out" 'removed nul\x00x@example.com (u8) with their sessions and accounts'
# CSV: escaped like every other control character (the README says so); JSON: the exact string.
run 0 bc users list --search Ann --csv
has "$TMP/out" 'u6,Ann\x00Hidden,ann@example.com,true,,2025-01-01T00:00:00.000Z,2025-01-01T00:00:00.000Z,user,false,why\x00not,,'
run 0 bc users list --search Ann --json
[ "$(json 'd["users"][0]["name"] == "Ann\0Hidden" and d["users"][0]["banReason"] == "why\0not"')" = True ] ||
    fail "json: $(cat "$TMP/out")"

# --- long values: cut at the column's limit in a pipe as on a terminal ---------------------------
run 0 bc users list
has "$TMP/out" "long@example.com   $(python3 -c 'print("N" * 29)')…  user"
[ "$(widest "$TMP/out")" -le 150 ] || fail "piped users list: a line $(widest "$TMP/out") columns wide"
run 0 bc sessions list
[ "$(widest "$TMP/out")" -le 300 ] || fail "piped sessions list: a line $(widest "$TMP/out") columns wide"
# ... and whole in users show, CSV and JSON.
run 0 bc users show long@example.com
has "$TMP/out" "  name           $LONG"
run 0 bc users list --csv
has "$TMP/out" "u7,$LONG,long@example.com"
run 0 bc users list --search long@ --json
[ "$(json 'len(d["users"][0]["name"])')" = 3000 ] || fail "json cut the long name"
# --all in a pipe: one layout, the same limits.
run 0 bc users list --all --limit 2
has "$TMP/out" "$(python3 -c 'print("N" * 29)')…"
[ "$(widest "$TMP/out")" -le 150 ] || fail "--all: a line $(widest "$TMP/out") columns wide"

# --- on a terminal: every table fits its width ------------------------------------------------
run 0 bc users ban bob@example.com --reason "$(python3 -c 'print("spam " * 100)')"
for cols in 80 100; do
    for verb in "users list" "sessions list" "audit" "users list --all --limit 3" "sessions list --all --limit 2"; do
        # shellcheck disable=SC2086
        on_tty "$cols" "$BCADMIN" --db "$DB" $verb
        [ "$rc" = 0 ] || fail "$verb on a $cols-column tty: exit $rc: $(cat "$TMP/out")"
        [ "$(widest "$TMP/out")" -le "$cols" ] ||
            fail "$verb on a $cols-column tty: a line $(widest "$TMP/out") columns wide: $(cat "$TMP/out")"
    done
done
# Narrowed, dates stay whole; the footer still follows.
on_tty 80 "$BCADMIN" --db "$DB" sessions list
has "$TMP/out" "2026-06-05 00:00"
has "$TMP/out" "showing 4 of 4"
on_tty 80 "$BCADMIN" --db "$DB" users list
has "$TMP/out" "2026-05-01 10:00"
has "$TMP/out" "showing 7 of 7"
# A wide terminal keeps the columns' own limits.
on_tty 250 "$BCADMIN" --db "$DB" sessions list
has "$TMP/out" "Agent\\x00Tail/$(python3 -c 'print("N" * 25)')…  -"
echo "ok tables"
