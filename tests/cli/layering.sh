#!/bin/sh
# The layering rule of DESIGN.md, checked on the source: tui/ reaches drivers and HTTP only
# through the target (core/target.h), so no file in tui/ includes a driver or HTTP header; tui/
# reaches the state database only through core's bc_state * functions, so no SQLite type, call or
# header appears in tui/ or in any header it includes; core/ never includes curses.
# Usage: layering.sh BCADMIN SOURCE_ROOT
set -eu
ROOT=$2
INCLUDE='^[[:space:]]*#[[:space:]]*include[[:space:]]*'
DRIVER_HEADERS="$INCLUDE"'[<"](sqlite_driver|convex_driver|convex_http|sqlite_internal|state_db)\.h[>"]'
# A SQLite type used as a pointer (sqlite3 *db, sqlite3_stmt *st) or a call into SQLite.
SQLITE_USE='(^|[^A-Za-z0-9_])sqlite3(_[A-Za-z0-9_]+)?[[:space:]]*\*|(^|[^A-Za-z0-9_])sqlite3_[A-Za-z0-9_]+[[:space:]]*\('
SQLITE_HEADER="$INCLUDE"'<sqlite3\.h>'

# Every header a file of $1/tui reaches through quoted includes (in $1/tui or $1/core) that
# includes sqlite3.h, one a line; nothing when none does.
headers_with_sqlite() {
    seen=" "
    todo=$(grep -hoE "$INCLUDE"'"[^"]+"' "$1"/tui/*.c "$1"/tui/*.h 2>/dev/null |
        sed 's/.*"\(.*\)"/\1/' | sort -u)
    while [ -n "$todo" ]; do
        next=""
        for h in $todo; do
            case "$seen" in *" $h "*) continue ;; esac
            seen="$seen$h "
            f=""
            for d in tui core; do
                if [ -f "$1/$d/$h" ]; then f="$1/$d/$h"; break; fi
            done
            [ -n "$f" ] || continue
            if grep -qE "$SQLITE_HEADER" "$f"; then echo "$f"; fi
            next="$next $(grep -hoE "$INCLUDE"'"[^"]+"' "$f" | sed 's/.*"\(.*\)"/\1/')"
        done
        todo=$next
    done
}

bad=$(grep -lE "$DRIVER_HEADERS" "$ROOT"/tui/*.c "$ROOT"/tui/*.h || true)
[ -z "$bad" ] || { echo "FAIL: tui/ files include a driver, HTTP or SQLite-internal header: $bad" >&2; exit 1; }
bad=$(grep -nE "$SQLITE_USE|$SQLITE_HEADER" "$ROOT"/tui/*.c "$ROOT"/tui/*.h || true)
[ -z "$bad" ] || { echo "FAIL: tui/ uses SQLite types or calls (use core's bc_state * functions): $bad" >&2; exit 1; }
bad=$(headers_with_sqlite "$ROOT")
[ -z "$bad" ] || { echo "FAIL: headers tui/ includes pull in sqlite3.h: $bad" >&2; exit 1; }
bad=$(grep -lE "$INCLUDE"'[<"](n?curses|ncursesw/curses)\.h[>"]' \
    "$ROOT"/core/*.c "$ROOT"/core/*.h || true)
[ -z "$bad" ] || { echo "FAIL: core/ files include curses: $bad" >&2; exit 1; }

# Each check must be able to fail: code that breaks the rule is caught by the same patterns.
probe=$(mktemp -d)
trap 'rm -rf "$probe"' EXIT
printf '#include "convex_http.h"\n#include "state_db.h"\n' >"$probe/inc.c"
[ "$(grep -cE "$DRIVER_HEADERS" "$probe/inc.c")" = 2 ] ||
    { echo "FAIL: the include pattern does not match a real include" >&2; exit 1; }
printf 'static sqlite3 *db;\nsqlite3_stmt *st = 0;\nint f(void) { return sqlite3_exec(0, 0, 0, 0, 0); }\n#include <sqlite3.h>\n' \
    >"$probe/use.c"
printf 'the sqlite3 shell, bc_sqlite3x *p\n' >"$probe/text.c"
[ "$(grep -cE "$SQLITE_USE|$SQLITE_HEADER" "$probe/use.c")" = 4 ] ||
    { echo "FAIL: the SQLite pattern does not match real SQLite code" >&2; exit 1; }
! grep -qE "$SQLITE_USE|$SQLITE_HEADER" "$probe/text.c" ||
    { echo "FAIL: the SQLite pattern matches prose" >&2; exit 1; }
mkdir "$probe/tui" "$probe/core"
printf '#include "view.h"\n' >"$probe/tui/x.c"
printf '#include "model.h"\n' >"$probe/tui/view.h"
printf '#include <sqlite3.h>\n' >"$probe/core/model.h"
[ "$(headers_with_sqlite "$probe")" = "$probe/core/model.h" ] ||
    { echo "FAIL: the include walk does not find sqlite3.h two headers down" >&2; exit 1; }
echo ok
