#!/bin/sh
# The whole test suite: unit, screen and integration tests in the normal build, then the same
# suite again in an AddressSanitizer + UndefinedBehaviorSanitizer build, without the version
# matrix (suite 'matrix': the same code paths against other peer lines). Expects .ci/setup to
# have run (it installs packages and builds ./build). Starts every server it needs itself, on
# loopback, and stops them on exit.
set -eu
cd "$(dirname "$0")/.."
root=$(pwd)

# npm fixtures for the real peers (Better Auth server, convex-test deployment) and the version
# matrix's lines (tests/peers/<line>/), each from its own lockfile, reinstalled when it changed.
for peer in tests/peers tests/peers/ba-1.7 tests/peers/bc-0.11 tests/peers/cdba-0.12; do
    [ -f "$peer/package-lock.json" ] || continue
    stamp=$peer/node_modules/.bcadmin-lock
    if ! cmp -s "$peer/package-lock.json" "$stamp" 2>/dev/null; then
        [ -f /usr/include/node/node.h ] && export npm_config_nodedir=/usr
        (cd "$peer" && npm ci --no-audit --no-fund)
        cp "$peer/package-lock.json" "$stamp"
    fi
done

# The builds a packager makes compile cleanly too (compile only, warnings as errors, the program):
# -Dbuildtype=debug (-O0), -Dbuildtype=release (-O3) and clang.
for b in debug release clang; do
    dir=build-ci-$b
    if [ ! -f "$dir/build.ninja" ]; then
        case $b in
        clang) CC=clang meson setup "$dir" -Dwerror=true -Dbench=false >/dev/null ;;
        *) meson setup "$dir" -Dbuildtype=$b -Dwerror=true -Dbench=false >/dev/null ;;
        esac
    fi
    ninja -C "$dir" tui/bcadmin >/dev/null
    echo "compiled bcadmin in $dir"
done

meson test -C build --print-errorlogs --num-processes 2

if [ ! -f build-asan/build.ninja ]; then
    meson setup build-asan -Dwerror=true -Db_sanitize=address,undefined -Db_lundef=false -Dbench=false
fi
ninja -C build-asan
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
    meson test -C build-asan --print-errorlogs --num-processes 2 --no-suite matrix
echo "all tests passed (normal and sanitizer builds) in $root"
