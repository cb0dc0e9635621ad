#!/bin/sh
# Run the libFuzzer targets of a fuzz build (tests/fuzz/README.md), one at a time, each for at
# most SECONDS (and at most $FUZZ_RUNS executions when set), starting from the checked-in seed
# corpus, which is replayed first (every crash ever found is a file there). New interesting
# inputs go to a temporary directory that is removed afterwards, so the checkout stays as it
# was. Prints one line per target with its executions; exits non-zero on the first finding,
# leaving the crashing input in $FUZZ_ARTIFACTS (default: the working directory).
#   usage: tests/fuzz/run.sh BUILD_DIR SECONDS [TARGET...]
set -eu
build=$1 seconds=$2
shift 2
src=$(cd "$(dirname "$0")/../.." && pwd)
# Every target built (tests/fuzz/meson.build lists them), unless some are named.
targets=${*:-$(for f in "$build"/tests/fuzz/fuzz_*; do [ -f "$f" ] && [ -x "$f" ] && basename "$f"; done | sed 's/^fuzz_//')}
artifacts=${FUZZ_ARTIFACTS:-$(pwd)}
mkdir -p "$artifacts"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT INT TERM

# Seeds kept elsewhere in the tree, used as they are.
extra_seeds() {
    case $1 in
    dotenv | deployment) echo "$src/tests/dotenv" ;;
    checklist) echo "$src/assets/checklists" ;;
    esac
}

export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-halt_on_error=1:print_stacktrace=1}
for t in $targets; do
    exe=$build/tests/fuzz/fuzz_$t
    [ -x "$exe" ] || { echo "fuzz: $exe is missing (configure with -Dfuzz=true)" >&2; exit 2; }
    mkdir -p "$work/$t"
    runs=${FUZZ_RUNS:+-runs=$FUZZ_RUNS}
    # shellcheck disable=SC2046,SC2086
    if ! "$exe" -max_total_time="$seconds" $runs -max_len=8192 -timeout=10 -rss_limit_mb=2048 \
        -print_final_stats=1 -artifact_prefix="$artifacts/fuzz_$t-" \
        "$work/$t" "$src/tests/fuzz/corpus/$t" $(extra_seeds "$t") >"$work/$t.log" 2>&1; then
        tail -n 60 "$work/$t.log" >&2
        echo "fuzz: fuzz_$t found a problem; the input is in $artifacts/fuzz_$t-*" >&2
        exit 1
    fi
    execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$work/$t.log")
    secs=$(sed -n 's/^Done [0-9]* runs in \([0-9]*\) second.*/\1/p' "$work/$t.log")
    cov=$(grep -o 'cov: [0-9]*' "$work/$t.log" | tail -n 1)
    echo "fuzz_$t: $execs executions in ${secs:-?} s, $cov, no finding"
done
