#!/bin/sh
# Replace-secret audit entries written before migration 0007 recorded the secrets' short hashes
# under "kid"; 0007 rewrites them to the shape newer entries have (BETTER_AUTH_SECRET:
# "sha256:.."). A state database at version 6 holding both shapes, made here from the migration
# files with entries in the exact JSON the old binary wrote, is opened by the real binary: the
# audit list, its JSON and undo's refusal are then the same for old and new entries, and entries
# of other actions that really hold key ids keep "kid".
# usage: audit_replace_secret.sh BCADMIN SOURCE_ROOT
BCADMIN=$1 SRC=$2
. "$SRC/tests/cli/lib.sh"
want() { # WHAT EXPECTED ACTUAL
    [ "$2" = "$3" ] || fail "$1: wanted '$2', got '$3'"
}
state_db="$XDG_STATE_HOME/bcadmin/state.db"
mkdir -p "$XDG_STATE_HOME/bcadmin"
for f in "$SRC"/migrations/000[1-6]_*.sql; do
    sqlite3 "$state_db" <"$f"
done
sqlite3 "$state_db" "PRAGMA user_version = 6; PRAGMA application_id = $((0x42434144))"
chmod 600 "$state_db"
target='https://happy-cat-123.convex.cloud (key:abcd1234)'
entry() { # ACTION BEFORE AFTER
    sqlite3 "$state_db" "INSERT INTO audit (started_at, finished_at, os_user, target_kind, target,
        action, subject, before_json, after_json, state) VALUES ('2026-05-01T00:00:00.000Z',
        '2026-05-01T00:00:01.000Z', 'op', 'convex', '$target', '$1', 'BETTER_AUTH_SECRET', '$2',
        '$3', 'done')"
}
entry env.replace_secret '{"kid":"1a2b3c4d"}' '{"kid":"5e6f7a8b","checklistRun":"3"}'         # 1: old
entry env.replace_secret '{"kid":null}' '{"kid":"9abcdef0","checklistRun":"4"}'               # 2: old, no secret before
entry env.replace_secret '{"BETTER_AUTH_SECRET":"sha256:5e6f7a8b"}' \
    '{"BETTER_AUTH_SECRET":"sha256:0f1e2d3c","checklistRun":"5"}'                             # 3: new
entry convex.rotate '{"kid":"oldkeyid"}' '{"kid":"newkeyid","checklistRun":"6"}'              # 4: a key id

run 0 "$BCADMIN" audit --json
want "migrated to 7" 7 "$(sqlite3 "$state_db" "PRAGMA user_version")"
want "old entry: JSON as a new one" 'sha256:1a2b3c4d sha256:5e6f7a8b 3 False False' \
    "$(json '" ".join(str(x) for x in [next(e for e in d["entries"] if e["id"] == 1)[k].get(f) for k, f in [("before", "BETTER_AUTH_SECRET"), ("after", "BETTER_AUTH_SECRET"), ("after", "checklistRun")]] + ["kid" in next(e for e in d["entries"] if e["id"] == 1)[k] for k in ("before", "after")])')"
want "no secret before: null" 'None sha256:9abcdef0' \
    "$(json '" ".join(str(next(e for e in d["entries"] if e["id"] == 2)[k]["BETTER_AUTH_SECRET"]) for k in ("before", "after"))')"
want "stored shape equals a new entry's" \
    '{"BETTER_AUTH_SECRET":"sha256:1a2b3c4d"}|{"BETTER_AUTH_SECRET":"sha256:5e6f7a8b","checklistRun":"3"}
{"BETTER_AUTH_SECRET":null}|{"BETTER_AUTH_SECRET":"sha256:9abcdef0","checklistRun":"4"}
{"BETTER_AUTH_SECRET":"sha256:5e6f7a8b"}|{"BETTER_AUTH_SECRET":"sha256:0f1e2d3c","checklistRun":"5"}
{"kid":"oldkeyid"}|{"kid":"newkeyid","checklistRun":"6"}' \
    "$(sqlite3 "$state_db" "SELECT before_json, after_json FROM audit ORDER BY id")"

run 0 "$BCADMIN" audit
has "$TMP/out" 'BETTER_AUTH_SECRET: "sha256:1a2b3c4d" -> "sha256:5e6f7a8b"'
has "$TMP/out" 'BETTER_AUTH_SECRET: - -> "sha256:9abcdef0"'
has "$TMP/out" 'BETTER_AUTH_SECRET: "sha256:5e6f7a8b" -> "sha256:0f1e2d3c"'
has "$TMP/out" 'kid: "oldkeyid" -> "newkeyid"'
want "kid only on the key rotation" 1 "$(grep -c 'kid:' "$TMP/out")"

# Undo refuses old and new alike, with the reason.
for id in 1 2 3; do
    run 4 bc audit undo "$id" --yes
    same_err "undo of replace-secret entry $id" <<ERR
bcadmin: entry $id (env.replace_secret) cannot be undone: the log keeps only the secrets' short hashes, never a secret; to go back, replace it again with the old secret (\`bcadmin env sync --replace-secret\`)
ERR
done
