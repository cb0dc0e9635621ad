#!/bin/sh
# The whole test suite: unit, screen and integration tests in the normal build, then the same
# suite again in an AddressSanitizer + UndefinedBehaviorSanitizer build. Expects .ci/setup to
# have run (it installs packages and builds ./build). Starts every server it needs itself, on
# loopback, and stops them on exit.
set -eu
cd "$(dirname "$0")/.."
root=$(pwd)

# npm fixtures for the real peers (Better Auth server, convex-test deployment), from the lockfile.
if [ -f tests/peers/package-lock.json ]; then
    stamp=tests/peers/node_modules/.bcadmin-lock
    if ! cmp -s tests/peers/package-lock.json "$stamp" 2>/dev/null; then
        [ -f /usr/include/node/node.h ] && export npm_config_nodedir=/usr
        (cd tests/peers && npm ci --no-audit --no-fund)
        cp tests/peers/package-lock.json "$stamp"
    fi
fi

meson test -C build --print-errorlogs --num-processes 2

if [ ! -f build-asan/build.ninja ]; then
    meson setup build-asan -Db_sanitize=address,undefined -Db_lundef=false -Dbench=false
fi
ninja -C build-asan
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
    meson test -C build-asan --print-errorlogs --num-processes 2
echo "all tests passed (normal and sanitizer builds) in $root"
