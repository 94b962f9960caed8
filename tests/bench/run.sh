#!/bin/bash
# Runs every falcoc benchmark and prints one table. A report, not a test: it
# exits 0 unless a command fails or gives a wrong answer (a benchmark of a
# failing run would mean nothing).
#
# usage: tests/bench/run.sh [BUILD_DIR]     (default build/release)
#   BUILD_DIR is built first when it holds no falcoc: build/release with the
#   release preset, any other folder as a Release build.
# environment: BENCH_RUNS (timed runs per figure, default 30, at least 20),
#   BENCH_RSS_RUNS (default 5), FALCOC_SHARED (default ../shared).
# Wall times come from hyperfine when it is installed, else from a loop with
# bash's microsecond clock; every run is pinned to CPU 0 with taskset.
# Nothing is written outside a temporary folder.
set -u
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root" || exit 1
build=${1:-build/release}
shared=${FALCOC_SHARED:-$root/../shared}
corpus=$shared/corpus/rules/falco_rules.yaml
runs=${BENCH_RUNS:-30}
rss_runs=${BENCH_RSS_RUNS:-5}
[ "$runs" -ge 20 ] 2>/dev/null || runs=20
export LC_ALL=C

die() {
    echo "bench: $*" >&2
    exit 1
}

[ -r "$corpus" ] || die "no corpus at $corpus (set FALCOC_SHARED)"
falcoc=$build/compiler/falcoc
if [ ! -x "$falcoc" ]; then
    echo "bench: building $build" >&2
    if [ "$build" = build/release ]; then
        { cmake --preset release && cmake --build --preset release; } >&2 || die "build failed"
    else
        { cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release &&
            cmake --build "$build"; } >&2 || die "build failed"
    fi
fi
[ -x "$falcoc" ] || die "no falcoc in $build"
falcoc=$(cd "$(dirname "$falcoc")" && pwd)/falcoc

tmp=$(mktemp -d) || die "mktemp failed"
trap 'rm -rf "$tmp"' EXIT

# Pin to CPU 0 when this machine lets us.
pin=()
cpu_note="not pinned (taskset unavailable)"
if command -v taskset >/dev/null 2>&1 && taskset -c 0 true 2>/dev/null; then
    pin=(taskset -c 0)
    cpu_note="pinned to CPU 0"
fi
gnu_time=
for t in /usr/bin/time /bin/time; do
    [ -x "$t" ] && "$t" -f %M -o "$tmp/probe" true 2>/dev/null && gnu_time=$t && break
done
hyperfine=
command -v hyperfine >/dev/null 2>&1 && hyperfine=hyperfine

# must_pass CMD... : the command must succeed before it is measured.
must_pass() {
    "$@" >"$tmp/check.out" 2>&1 || die "command failed (exit $?): $* -- $(tail -3 "$tmp/check.out")"
}

# median_ms CMD... : prints the median wall time of the command in ms.
median_ms() {
    if [ -n "$hyperfine" ]; then
        local cmd
        cmd=$(printf '%q ' "$@")
        if "${pin[@]}" "$hyperfine" -N --style none --warmup 3 --runs "$runs" \
            --export-json "$tmp/h.json" -- "$cmd" >/dev/null 2>&1 ||
            "${pin[@]}" "$hyperfine" --style none --warmup 3 --runs "$runs" \
                --export-json "$tmp/h.json" -- "$cmd" >/dev/null 2>&1; then
            grep -o '"median": *[0-9.eE+-]*' "$tmp/h.json" | head -1 |
                awk -F: '{ printf "%.2f\n", $2 * 1000 }'
            return
        fi
        die "hyperfine failed on: $*"
    fi
    # The loop runs in one pinned shell; bash 5's EPOCHREALTIME reads the
    # clock without a fork, older shells fall back to date.
    # shellcheck disable=SC2016 # the script is expanded by the inner shell
    "${pin[@]}" bash -c '
        runs=$1; shift
        now() { if [ -n "${EPOCHREALTIME:-}" ]; then echo $((${EPOCHREALTIME/./} * 1000)); else date +%s%N; fi; }
        for i in 1 2 3; do "$@" >/dev/null 2>&1; done
        for ((i = 0; i < runs; i++)); do
            t0=$(now); "$@" >/dev/null 2>&1 || exit 1; t1=$(now)
            echo $((t1 - t0))
        done' _ "$runs" "$@" >"$tmp/ns" || die "run failed: $*"
    sort -n "$tmp/ns" | awk '{ v[NR] = $1 }
        END { m = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2; printf "%.2f\n", m / 1e6 }'
}

# last_cpu_ms : mean user+system CPU time in ms of the last median_ms run
# (hyperfine only; "n/a" otherwise). On a loaded machine CPU time is the
# steadier figure, so capture replay reports both.
last_cpu_ms() {
    if [ -n "$hyperfine" ] && [ -r "$tmp/h.json" ]; then
        awk '/"user":/ { gsub(/[",]/, ""); u = $2 } /"system":/ { gsub(/[",]/, ""); s = $2 }
            END { if (u != "") printf "%.2f\n", (u + s) * 1000; else print "n/a" }' "$tmp/h.json"
    else
        echo n/a
    fi
}

# median_rss_mb CMD... : prints the median peak resident set size in MB.
median_rss_mb() {
    [ -n "$gnu_time" ] || {
        echo "n/a"
        return
    }
    local i
    : >"$tmp/kb"
    for ((i = 0; i < rss_runs; i++)); do
        "${pin[@]}" "$gnu_time" -f %M -o "$tmp/rss" "$@" >/dev/null 2>&1 || die "run failed: $*"
        tail -1 "$tmp/rss" >>"$tmp/kb"
    done
    sort -n "$tmp/kb" | awk '{ v[NR] = $1 } END { printf "%.1f\n", v[int((NR + 1) / 2)] / 1024 }'
}

# versus FIGURE LIMIT : "(met)" or "(MISSED)" for a "< LIMIT" target.
versus() {
    awk -v f="$1" -v l="$2" 'BEGIN { print (f != "n/a" && f + 0 < l + 0) ? "(met)" : "(MISSED)" }'
}

rows=$tmp/rows
: >"$rows"
row() { # benchmark figure unit target reference
    printf '%s\t%s\t%s\t%s\t%s\n' "$@" >>"$rows"
}
none="no reference available"

# ---- (a)-(c): the upstream ruleset --------------------------------------------------
nrules=$(grep -c '^- rule:' "$corpus")
for cmd in validate lint; do
    must_pass "$falcoc" $cmd "$corpus"
    t=$(median_ms "$falcoc" $cmd "$corpus")
    m=$(median_rss_mb "$falcoc" $cmd "$corpus")
    row "falcoc $cmd falco_rules.yaml: wall time" "$t" ms "< 20 $(versus "$t" 20)" "$none"
    row "falcoc $cmd falco_rules.yaml: peak RSS" "$m" MB "< 16 $(versus "$m" 16)" "$none"
    [ $cmd = validate ] && base_t=$t && base_m=$m
done

# ---- (d): scaling, the ruleset 20 times under new names -------------------------------
awk -v copies=20 -f tests/bench/dup_rules.awk "$corpus" >"$tmp/rules_x20.yaml"
big=$tmp/rules_x20.yaml
bigrules=$(grep -c '^- rule:' "$big")
bigmacros=$(grep '^- macro:' "$big" | sort -u | wc -l)
must_pass "$falcoc" validate "$big"
t20=$(median_ms "$falcoc" validate "$big")
m20=$(median_rss_mb "$falcoc" validate "$big")
per1=$(awk -v t="$base_t" -v n="$nrules" 'BEGIN { printf "%.3f", t / n }')
per20=$(awk -v t="$t20" -v n="$bigrules" 'BEGIN { printf "%.3f", t / n }')
row "falcoc validate 20x ruleset ($bigrules rules, $bigmacros macros): time per rule" "$per20" \
    ms - "$(awk -v a="$per20" -v b="$per1" 'BEGIN { printf "x%.2f of the 1x ruleset (%s ms per rule)", a / b, b }')"
row "falcoc validate 20x ruleset: wall time" "$t20" ms - \
    "$(awk -v a="$t20" -v b="$base_t" 'BEGIN { printf "x%.1f of the 1x ruleset for x20 the rules", a / b }')"
row "falcoc validate 20x ruleset: peak RSS" "$m20" MB - \
    "$(awk -v a="$m20" -v b="$base_m" 'BEGIN { if (a + 0 > 0 && b + 0 > 0) printf "x%.1f of the 1x ruleset", a / b; else print "-" }')"

# ---- code generation: AOT, JIT and evaluation ----------------------------------------
must_pass "$falcoc" compile "$corpus" -O2 -o "$tmp/rules.fco"
ta=$(median_ms "$falcoc" compile "$corpus" -O2 -o "$tmp/rules.fco")
row "falcoc compile -O2 falco_rules.yaml (AOT to .fco)" "$ta" ms "< 1500 $(versus "$ta" 1500)" "$none"
bench_eval=$build/tests/bench_eval
if [ -x "$bench_eval" ]; then
    "${pin[@]}" "$bench_eval" "$corpus" >>"$rows" || die "bench_eval failed"
else
    row "evaluation benchmarks" n/a - - "bench_eval not built in $build"
fi

# ---- captures: decode + state + filter, against sysdig in the same run ---------------
cap=$shared/corpus/captures/bencer_troubleshooting__capture.scap
cond='evt.type in (open,openat) and evt.dir=< and fd.name startswith /etc'
fmt='%evt.num %evt.type %proc.name %fd.name'
if [ -r "$cap" ] && "$falcoc" filter "$cap" "$cond" -p "$fmt" >"$tmp/ours.txt" 2>/dev/null; then
    nev=$("$falcoc" filter "$cap" -p '%evt.num' | wc -l)
    tf=$(median_ms "$falcoc" filter "$cap" "$cond" -p "$fmt")
    cf=$(last_cpu_ms)
    evs=$(awk -v n="$nev" -v t="$tf" 'BEGIN { printf "%.0f", n / (t / 1000) }')
    if command -v sysdig >/dev/null 2>&1; then
        ts=$(median_ms sysdig -r "$cap" -q "$cond")
        cs=$(last_cpu_ms)
        tsp=$(median_ms sysdig -r "$cap" -p "*$fmt" "$cond")
        sevs=$(awk -v n="$nev" -v t="$ts" 'BEGIN { printf "%.0f", n / (t / 1000) }')
        ratio=$(awk -v a="$ts" -v b="$tf" 'BEGIN { printf "%.1f", a / b }')
        ratiop=$(awk -v a="$tsp" -v b="$tf" 'BEGIN { printf "%.1f", a / b }')
        row "falcoc filter troubleshooting capture ($nev events), typical condition + -p" "$tf" ms \
            ">= x5 sysdig $(awk -v r="$ratio" 'BEGIN { print (r + 0 >= 5) ? "(met)" : "(MISSED)" }')" \
            "sysdig -q same filter: $ts ms; x$ratio (x$ratiop vs sysdig with the same -p)"
        row "falcoc filter throughput" "$evs" events/s - "sysdig -q: $sevs events/s"
        row "falcoc filter CPU time (user+sys), same run" "$cf" ms - \
            "sysdig -q: $cs ms; $(awk -v a="$cs" -v b="$cf" 'BEGIN { if (b + 0 > 0) printf "x%.1f", a / b; else print "-" }')"
    else
        row "falcoc filter troubleshooting capture ($nev events)" "$tf" ms - "sysdig not installed"
        row "falcoc filter throughput" "$evs" events/s - "$none"
    fi
else
    row "falcoc filter on captures" n/a - - "falcoc filter unavailable or capture missing"
fi

# ---- falcod: the upstream ruleset over a capture -----------------------------------
# falcod evaluates all 25 rules of falco_rules.yaml, compiled, on every event;
# the reference is sysdig -q filtering the same capture with the OR of the
# rule conditions it can evaluate (tests/sysdig/conditions.txt, resolved from
# the same file), the closest sysdig comes to running the ruleset.
falcod=$(dirname "$falcoc")/../runtime/falcod
conds=tests/sysdig/conditions.txt
if [ -x "$falcod" ] && [ -r "$cap" ] && "$falcoc" compile "$corpus" -o "$tmp/rules.fco" 2>/dev/null; then
    dcmd=("$falcod" -r "$tmp/rules.fco" -e "$cap" -o syslog_output.enabled=false -o stdout_output.enabled=true)
    "${dcmd[@]}" >/dev/null 2>"$tmp/falcod.err" || die "falcod failed: $(head -c 300 "$tmp/falcod.err")"
    nread=$(sed -n 's/^Events read: //p' "$tmp/falcod.err")
    td=$(median_ms "${dcmd[@]}")
    cd_=$(last_cpu_ms)
    devs=$(awk -v n="$nread" -v t="$td" 'BEGIN { printf "%.0f", n / (t / 1000) }')
    if command -v sysdig >/dev/null 2>&1 && [ -r "$conds" ]; then
        nr=$(awk -F'\t' '$1 ~ /^rule:/ && $2 != "!" { n++ } END { print n + 0 }' "$conds")
        all=$(awk -F'\t' '$1 ~ /^rule:/ && $2 != "!" { s = s (s == "" ? "" : " or ") "(" $2 ")" } END { print s }' "$conds")
        ts=$(median_ms sysdig -r "$cap" -q "$all")
        cs=$(last_cpu_ms)
        row "falcod replay, falco_rules.yaml (25 rules) on the troubleshooting capture" "$td" ms - \
            "sysdig -q with the OR of $nr rule conditions: $ts ms; x$(awk -v a="$ts" -v b="$td" 'BEGIN { printf "%.1f", a / b }')"
        row "falcod replay throughput" "$devs" events/s - \
            "CPU $cd_ ms against sysdig's $cs ms"
    else
        row "falcod replay, falco_rules.yaml on the troubleshooting capture" "$td" ms - "sysdig not installed"
    fi
else
    row "falcod replay" n/a - - "falcod not built or capture missing"
fi

# ---- the table ---------------------------------------------------------------------
awk -F'\t' '
    BEGIN { h[1] = "benchmark"; h[2] = "figure"; h[3] = "unit"; h[4] = "target"; h[5] = "reference / ratio"
            for (c = 1; c <= 5; c++) w[c] = length(h[c]) }
    { n++; for (c = 1; c <= 5; c++) { cell[n, c] = $c; if (length($c) > w[c]) w[c] = length($c) } }
    function line(a1, a2, a3, a4, a5) {
        printf "%-" w[1] "s  %" w[2] "s  %-" w[3] "s  %-" w[4] "s  %s\n", a1, a2, a3, a4, a5
    }
    END {
        line(h[1], h[2], h[3], h[4], h[5])
        rule = ""; for (c = 1; c <= 5; c++) { s = ""; for (i = 0; i < w[c]; i++) s = s "-"; rule = rule s (c < 5 ? "  " : "") }
        print rule
        for (r = 1; r <= n; r++) line(cell[r, 1], cell[r, 2], cell[r, 3], cell[r, 4], cell[r, 5])
    }' "$rows"
echo
echo "falcoc: $falcoc"
echo "wall time: median of $runs runs after 3 warm-up runs, ${hyperfine:-shell loop (hyperfine not installed)}, $cpu_note"
echo "peak RSS: median of $rss_runs runs of ${gnu_time:-GNU time (not found)} -f %M"
exit 0
