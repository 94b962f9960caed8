#!/bin/sh
# The whole test suite: install, check formatting, build and run every test
# in a release build and once more under ASan+UBSan, then run each fuzz
# target for a bounded time. Exits non-zero on the first failure.
set -eu
cd "$(dirname "$0")/.."
sh scripts/install-deps.sh

echo "== clang-format"
files=$(git ls-files '*.c' '*.h' 2>/dev/null || find . -name '*.[ch]' -not -path './build/*')
# shellcheck disable=SC2086
clang-format --dry-run -Werror $files

echo "== release build and tests"
cmake --preset release >/dev/null
cmake --build --preset release
ctest --preset release -j2

echo "== ASan+UBSan build and tests"
cmake --preset asan >/dev/null
cmake --build --preset asan
# The release run already compares 10,000 random conditions; here fewer
# keep the sanitizer run short while still covering the same code.
FALCOC_DIFF_N=2000 ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
    ctest --preset asan -j2

echo "== fuzzing (bounded)"
cmake --preset fuzz >/dev/null
cmake --build --preset fuzz
secs=${FUZZ_SECONDS:-60}
for t in build/fuzz/tests/fuzz/fuzz_*; do
    [ -x "$t" ] || continue
    name=$(basename "$t")
    # absolute: a target may change its working directory (fuzz_config does)
    corpus="$PWD/tests/fuzz/corpus/${name#fuzz_}"
    [ -d "$corpus" ] || corpus=""
    extra=""
    # The upstream ruleset is a good seed for the YAML-level targets.
    case $name in
    fuzz_yaml | fuzz_rules) [ -d ../shared/corpus/rules ] && extra=../shared/corpus/rules ;;
    fuzz_scap | fuzz_state) [ -d ../shared/corpus/captures ] && extra=../shared/corpus/captures ;;
    esac
    work=$(mktemp -d)
    echo "-- $name for ${secs}s"
    "$t" -max_total_time="$secs" -max_len=65536 -timeout=10 -rss_limit_mb=2048 \
        -print_final_stats=0 "$work" $corpus $extra >"$work.log" 2>&1 || {
        tail -n 60 "$work.log"
        echo "fuzz target $name failed"
        exit 1
    }
    tail -n 1 "$work.log"
    rm -rf "$work" "$work.log"
done
echo "all tests passed"
