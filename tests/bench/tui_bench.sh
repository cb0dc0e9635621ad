#!/bin/bash
# tui_bench.sh - the console's responsiveness (issues 3 and 13): the real bcadmin under tmux on
# the 1M-user demo database with BCADMIN_TRACE, a scripted key sequence sent one key at a time
# (each key waits for its frame in the trace), and the trace turned into time to first screen,
# per-keypress frame times and, for live search, each typed letter's time to its rows on the
# screen and to the count filled in after them (median, p95, max), written to the "Console
# responsiveness" section of tests/bench/README.md.
#
# Usage: tests/bench/tui_bench.sh [--build DIR] [--db PATH] [--users N] [--runs N] [--moves N]
#                                 [--no-readme]
#   --build DIR   meson build dir with bcadmin (default: build)
#   --db PATH     database to browse (default: tests/bench/results/demo-1000000.db; when it is
#                 missing, a smaller demo database is made, see --users, and the report says so)
#   --users N     users of the database made when there is none (default 100000)
#   --runs N      times the whole sequence runs, each in a fresh process (default 3)
#   --moves N     j presses per run (default 200)
#   --no-readme   print the section instead of rewriting README.md
# The database is opened --read-only: the benchmark never writes to it.
set -eu
root=$(cd "$(dirname "$0")/../.." && pwd)
build="$root/build" db="" users=100000 runs=3 moves=200 readme=1
while [ $# -gt 0 ]; do
    case $1 in
    --build) build=$2; shift ;;
    --db) db=$2; shift ;;
    --users) users=$2; shift ;;
    --runs) runs=$2; shift ;;
    --moves) moves=$2; shift ;;
    --no-readme) readme=0 ;;
    *) echo "usage: $0 [--build DIR] [--db PATH] [--users N] [--runs N] [--moves N] [--no-readme]" >&2; exit 2 ;;
    esac
    shift
done
case $build in /*) ;; *) build="$root/$build" ;; esac
bcadmin="$build/tui/bcadmin"
[ -x "$bcadmin" ] || { echo "tui_bench: $bcadmin is missing: ninja -C $build" >&2; exit 1; }
command -v tmux >/dev/null || { echo "tui_bench: tmux is not installed" >&2; exit 1; }
results="$root/tests/bench/results"
mkdir -p "$results"
note=""
if [ -z "$db" ]; then
    db="$results/demo-1000000.db"
    if [ ! -f "$db" ]; then
        db="$results/demo-$users.db"
        note="The 1M-user database (tests/bench/results/demo-1000000.db, made by run.sh) was missing, so this run used a $users-user demo database."
        if [ ! -f "$db" ]; then
            echo "tui_bench: creating $db with $users users" >&2
            "$bcadmin" demo --db "$db" --users "$users" --seed 1 >/dev/null
        fi
    fi
fi
[ -f "$db" ] || { echo "tui_bench: no database $db" >&2; exit 1; }
tmp=$(mktemp -d /tmp/bcadmin-tui-bench-XXXXXX)
sock="bcadmin-tui-bench-$$-0"
cleanup() {
    tmux -L "$sock" kill-server 2>/dev/null || true
    rm -rf "$tmp"
}
trap cleanup EXIT INT TERM

screen() { tmux -L "$sock" capture-pane -p; }
frames() { grep -c '^frame=' "$trace" 2>/dev/null || true; }
# lines of the trace with FIELD= (rows_ms: a search's rows drawn; count_ms: its count filled in)
marks() { grep -c " $1=" "$trace" 2>/dev/null || true; }
# wait_mark FIELD BEFORE: wait until the trace has more FIELD lines than BEFORE; print the last
# value (nothing after 20 s)
wait_mark() {
    for _ in $(seq 1 4000); do
        if [ "$(marks "$1")" -gt "$2" ]; then
            grep -o " $1=[0-9.]*" "$trace" | tail -n 1 | cut -d= -f2
            return 0
        fi
        sleep 0.005
    done
}
# key K...: send one key and wait until its frame is in the trace (so keys never queue up and
# each frame is one keypress); idle frames (the debounced search fetch) may follow.
key() {
    local before
    before=$(frames)
    tmux -L "$sock" send-keys "$@"
    for _ in $(seq 1 2000); do
        [ "$(frames)" -gt "$before" ] && return 0
        sleep 0.005
    done
    echo "tui_bench: no frame after key $*" >&2
    exit 1
}
wait_screen() {
    for _ in $(seq 1 6000); do
        screen | grep -qF -- "$1" && return 0
        sleep 0.005
    done
    echo "tui_bench: never saw \"$1\"" >&2
    screen >&2
    exit 1
}

# The searches typed letter by letter: CLASS:NEEDLE. Each letter waits for its rows on the
# screen, then the next letter follows after a typing pause (it lands while the count of the
# letter before runs, and drops it); after the last letter the count is waited for.
needles="common:s two-letter:ng rare:biga no-match:qxzj non-ascii:nguyễn"

# The sequence: j x moves, C-f x 20, G, g, the searches above (each: /, C-u, its letters,
# Enter), then a search typed while its fetches run, Enter, q.
term=40
for run in $(seq 1 "$runs"); do
    trace="$tmp/trace.$run"
    : >"$trace"
    sock="bcadmin-tui-bench-$$-$run" # a fresh tmux server per run
    tmux -L "$sock" -f /dev/null new-session -d -x 120 -y "$term" \
        "env -i PATH=/usr/bin:/bin HOME=$tmp XDG_STATE_HOME=$tmp/state LANG=C.UTF-8 \
         TERM=tmux-256color BCADMIN_TRACE=$trace $bcadmin --db '$db' --read-only; sleep 600"
    t0=$(date +%s%N)
    wait_screen "Users  row 1 of"
    t1=$(date +%s%N)
    echo "wall_first_screen_ms=$(((t1 - t0) / 1000000))" >>"$tmp/wall"
    for _ in $(seq 1 "$moves"); do key j; done
    for _ in $(seq 1 20); do key C-f; done
    key G
    key g
    for spec in $needles; do
        class=${spec%%:*} needle=${spec#*:}
        key /
        key C-u
        typed=""
        for c in $(printf '%s' "$needle" | python3 -c 'import sys; print(" ".join(sys.stdin.read()))'); do
            typed="$typed$c"
            before=$(marks rows_ms) before_count=$(marks count_ms)
            key -l "$c"
            ms=$(wait_mark rows_ms "$before")
            [ -n "$ms" ] || { echo "tui_bench: no rows after a letter of $class" >&2; exit 1; }
            echo "$class $ms $typed" >>"$tmp/letters"
            sleep 0.12 # typing
        done
        ms=$(wait_mark count_ms "$before_count")
        [ -n "$ms" ] || { echo "tui_bench: no count after $class" >&2; exit 1; }
        echo "$class $ms" >>"$tmp/counts"
        key Enter
    done
    # letters typed while a search runs: each is handled beside the fetch (a busy frame) and
    # drops it; a pause longer than the debounce lets the next search start first
    key /
    key C-u
    for c in j o n e s; do
        sleep 0.3
        key -l "$c"
    done
    wait_screen "search: jones"
    key Enter
    tmux -L "$sock" send-keys q
    sleep 0.3
    tmux -L "$sock" kill-server 2>/dev/null || true
done

# --- report ---------------------------------------------------------------------------------------
# stats FILE: "median p95 max count" of the numbers in FILE (one a line).
stats() {
    sort -g "$1" | awk '{ v[NR] = $1 } END {
        if (NR == 0) { print "- - - 0"; exit }
        m = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
        i = int(0.95 * NR + 0.999999); if (i < 1) i = 1; if (i > NR) i = NR
        printf "%.2f %.2f %.2f %d\n", m, v[i], v[NR], NR }'
}
# collect NAME AWK-CONDITION: total_ms of the frames matching the condition, over every run.
collect() {
    cat "$tmp"/trace.* | awk -v want="$2" '
        /^frame=/ {
            for (i = 1; i <= NF; i++) { split($i, kv, "="); f[kv[1]] = kv[2] }
            ok = 0
            if (want == "all-keys") ok = f["event"] != "idle" && f["event"] != "resize"
            else if (want == "search-fetch") ok = f["event"] == "idle"
            else if (want == "typed") ok = f["event"] == "char" && f["action"] == "-"
            else if (want == "busy") ok = f["action"] == "(busy)"
            else if (want == "Enter" || want == "enter-rows") ok = f["event"] == "Enter"
            else ok = f["event"] == want && f["action"] != "-"
            # a key counts until the screen first answered it (the busy line, when it started a
            # slow fetch); a fetch counts until its rows were drawn
            if (ok) print (want == "search-fetch" || want == "enter-rows") ? f["total_ms"] : f["first_ms"]
        }' >"$tmp/$1"
}
collect all all-keys
collect j j
collect cf C-f
collect G G
collect g g
collect typed typed
collect fetch search-fetch
collect enter Enter
collect enterrows enter-rows
collect busy busy
# per-letter time to rows (and the needles' counts), by needle class and over all letters
awk '{ print $2 }' "$tmp/letters" >"$tmp/letters-all"
awk '{ print $2 }' "$tmp/counts" >"$tmp/counts-all"
for spec in $needles; do
    class=${spec%%:*}
    awk -v c="$class" '$1 == c { print $2 }' "$tmp/letters" >"$tmp/letters-$class"
    awk -v c="$class" '$1 == c { print $3 }' "$tmp/letters" | awk '!seen[$0]++' >"$tmp/prefixes-$class"
    i=0
    while read -r prefix; do
        i=$((i + 1))
        awk -v c="$class" -v p="$prefix" '$1 == c && $3 == p { print $2 }' "$tmp/letters" >"$tmp/prefix-$class-$i"
    done <"$tmp/prefixes-$class"
done
grep -h '^startup_ms=' "$tmp"/trace.* | cut -d= -f2 >"$tmp/startup"
cut -d= -f2 "$tmp/wall" >"$tmp/wallms"

users_in_db=$(sqlite3 -readonly "$db" "SELECT count(*) FROM user" 2>/dev/null || echo "?")
row() { # LABEL FILE
    read -r med p95 max n <<<"$(stats "$tmp/$2")"
    printf '| %s | %s | %s | %s | %s |\n' "$1" "$n" "$med" "$p95" "$max"
}
over=$(awk '$1 > 16' "$tmp/all" | wc -l)
total=$(wc -l <"$tmp/all")
section=$(
    echo "<!-- bench:tui:begin -->"
    echo "Run of $(date -u +%Y-%m-%dT%H:%M:%SZ) on $(uname -sr), $(nproc) cores; database: $(printf "%'d" "$users_in_db" 2>/dev/null || echo "$users_in_db") users ($(basename "$db")), opened --read-only; terminal 120x$term under tmux; $runs runs of the sequence, each in a fresh process. Load average: $(cut -d' ' -f1-3 /proc/loadavg) (other jobs shared the machine)."
    [ -n "$note" ] && echo && echo "$note"
    echo
    echo "| what | frames | median ms | p95 ms | max ms |"
    echo "| --- | --- | --- | --- | --- |"
    row "first screen (startup_ms: opening the file to the first frame drawn)" startup
    row "first screen, wall clock (launch to text seen by tmux, 5 ms polling)" wallms
    row "every keypress (to the first redraw)" all
    row "j (move down one row)" j
    row "C-f (page down)" cf
    row "G (last row: fetched from the end)" G
    row "g (first row)" g
    row "search: each typed letter (line editor)" typed
    row "search: a letter to its rows on the screen (every needle below)" letters-all
    for spec in $needles; do
        class=${spec%%:*}
        row "    \"${spec#*:}\" ($class), each of its letters to its rows" "letters-$class"
        i=0
        while read -r prefix; do
            i=$((i + 1))
            row "        \"$prefix\"" "prefix-$class-$i"
        done <"$tmp/prefixes-$class"
    done
    row "search: the last letter to the count filled in (one per needle)" counts-all
    row "search: the debounced fetch after a letter (idle frame)" fetch
    row "search: a letter typed while a search runs (handled beside the fetch)" busy
    row "Enter (accept the search: the screen answers; a pending search is fetched)" enter
    row "Enter, until the search's rows are drawn" enterrows
    echo
    echo "Letters over 50 ms to their rows: $(awk '$1 > 50' "$tmp/letters-all" | wc -l) of $(wc -l <"$tmp/letters-all")."
    echo "Keypress frames over 16 ms: $over of $total. Every frame over 16 ms (idle fetches included), by what woke it: $(cat "$tmp"/trace.* | awk '/^frame=/ { t = $0; sub(/.*total_ms=/, "", t); if (t + 0 > 16) { split($2, e, "="); n[e[2]]++ } } END { for (k in n) { printf "%s%s x%d", sep, k, n[k]; sep = ", " } }')."
    echo "Targets: every keypress redrawn within 16 ms, the first screen in under 100 ms (issue 3); each typed letter's rows on the screen within 50 ms, the count after them (issue 13)."
    echo "<!-- bench:tui:end -->"
)
if [ "$readme" = 0 ]; then
    echo "$section"
    exit 0
fi
readme_md="$root/tests/bench/README.md"
SECTION="$section" python3 - "$readme_md" <<'EOF'
import os, sys
path = sys.argv[1]
text = open(path).read()
section = os.environ["SECTION"]
begin, end = "<!-- bench:tui:begin -->", "<!-- bench:tui:end -->"
if begin in text and end in text:
    a, b = text.index(begin), text.index(end) + len(end)
    text = text[:a] + section + text[b:]
else:
    text = text.rstrip("\n") + """

## Console responsiveness

`tests/bench/tui_bench.sh` runs the real `bcadmin` under tmux with `BCADMIN_TRACE` (one line per
frame: what woke it, the action, fetch / handle / draw times) and sends a scripted sequence one
key at a time, each waiting for its frame: `j` x 200, `C-f` x 20, `G`, `g`, `/` and "smith" typed
letter by letter (each letter waits for the debounced search fetch), `Enter`, then "jones" typed
while its searches run, `Enter`, `q`. A key's time is from the key read to the first screen flush
that answers it; a fetch's time is until its rows are drawn.

    tests/bench/tui_bench.sh [--build DIR] [--db PATH] [--runs N] [--moves N] [--no-readme]

""" + section + "\n"
open(path, "w").write(text)
EOF
echo "tui_bench: wrote the Console responsiveness section of $readme_md" >&2
echo "$section"
