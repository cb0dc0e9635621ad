#!/bin/sh
# The layering rule of DESIGN.md, checked on the source: tui/ reaches drivers and HTTP only
# through the target (core/target.h), so no file in tui/ includes a driver or HTTP header, and
# core/ never includes curses. Usage: layering.sh BCADMIN SOURCE_ROOT
set -eu
ROOT=$2
bad=$(grep -lE '^[[:space:]]*#[[:space:]]*include[[:space:]]*[<"](sqlite_driver|convex_driver|convex_http)\.h[>"]' \
    "$ROOT"/tui/*.c "$ROOT"/tui/*.h || true)
[ -z "$bad" ] || { echo "FAIL: tui/ files include a driver or HTTP header: $bad" >&2; exit 1; }
bad=$(grep -lE '^[[:space:]]*#[[:space:]]*include[[:space:]]*[<"](n?curses|ncursesw/curses)\.h[>"]' \
    "$ROOT"/core/*.c "$ROOT"/core/*.h || true)
[ -z "$bad" ] || { echo "FAIL: core/ files include curses: $bad" >&2; exit 1; }
# The check must be able to fail: a file that breaks the rule is caught by the same pattern.
probe=$(mktemp)
trap 'rm -f "$probe"' EXIT
printf '#include "convex_http.h"\n' >"$probe"
grep -qE '^[[:space:]]*#[[:space:]]*include[[:space:]]*[<"](sqlite_driver|convex_driver|convex_http)\.h[>"]' "$probe" ||
    { echo "FAIL: the include pattern does not match a real include" >&2; exit 1; }
echo ok
