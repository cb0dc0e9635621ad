#!/bin/sh
# The whole test suite: unit, screen and integration tests in the normal build, then the same
# suite again in an AddressSanitizer + UndefinedBehaviorSanitizer build without the version
# matrix (suite 'matrix': the same code paths against other peer lines) and without suite
# 'repeat' (the conformance suite a second time, on the Convex driver), the unit and screen
# tests that run two threads in a ThreadSanitizer build, and a short run of every fuzz target.
# Expects .ci/setup to have run (it installs packages and builds ./build). Starts every server
# it needs itself, on loopback, and stops them on exit.
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
    meson test -C build-asan --print-errorlogs --num-processes 2 --no-suite matrix --no-suite repeat

# ThreadSanitizer: it reports races between threads, so it runs what runs two threads: the unit
# tests that do (interrupt: SQLite and Convex calls stopped from another thread; sqlite_driver:
# the same on the driver, and the search image read on a thread of its own; demo: the search
# index built on a thread of its own; rowwin: rows
# loaded beside the window on screen) and the screen tests that drive the console through its
# worker thread (tui/app_call.c) with new interplay: busy (latency, typing and Esc during requests),
# search, search_count (a count behind the screen, dropped by a letter, stopped by Esc),
# deployments (switching on the worker), checklist_resume, overview (panels loaded in
# steps) and the admin_* screens (writes on the worker). The other unit tests are single-threaded
# (TSan checks nothing there), and the other screen tests draw the same screens through the same
# calls: the whole screen suite took twice as long here for no other code path.
if [ ! -f build-tsan/build.ninja ]; then
    meson setup build-tsan -Dwerror=true -Db_sanitize=thread -Dbench=false
fi
ninja -C build-tsan
export TSAN_OPTIONS=halt_on_error=1:second_deadlock_stack=1
meson test -C build-tsan --print-errorlogs --num-processes 2 interrupt sqlite_driver demo rowwin \
    busy search search_count deployments checklist_resume overview admin_ban admin_detail admin_readonly \
    admin_bulk admin_audit admin_impersonate admin_forms
unset TSAN_OPTIONS

# Fuzzing: every target of tests/fuzz for 4 s from its seed corpus (replaying every crash ever
# found), in a clang build of its own; the gcc builds above stay as they are.
if [ ! -f build-fuzz/build.ninja ]; then
    CC=clang-14 meson setup build-fuzz -Dwerror=true -Dfuzz=true -Dbench=false \
        -Db_sanitize=address,undefined -Db_lundef=false
fi
ninja -C build-fuzz $(sed -n "s/^  '\([a-z_]*\)' : .*/tests\/fuzz\/fuzz_\1/p" tests/fuzz/meson.build)
FUZZ_ARTIFACTS="$root/build-fuzz/findings" tests/fuzz/run.sh build-fuzz 4
echo "all tests passed (normal, sanitizer, thread-sanitizer and fuzz builds) in $root"
