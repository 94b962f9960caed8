#!/bin/bash
# falcoc filter on the capture corpus: which events it shows (the oracle's
# "shown" column of corpus/captures/README.md, i.e. sysdig 0.29.3's count),
# conditions (JIT), -p formats, -n, -q, and the error cases with their
# positions and exit codes. When sysdig is installed and our extractors give
# values, matching lines are also compared with sysdig's, line by line.
# usage: filter.sh FALCOC SHARED_DIR   (cwd: repository root)
set -u
export LC_ALL=C TZ=UTC
falcoc=$1 shared=$2
caps=$shared/corpus/captures
. "$(dirname "$0")/../lib/cli.sh"

# run ARGS...: falcoc filter ARGS (see fc_run).
run() { fc_run filter "$@"; }

# 1. Without a condition every event sysdig shows is printed: the README's
#    "shown" column (sysdig 0.29.3's count; '–' where sysdig cannot read).
n=0
while IFS='|' read -r _ file _ _ _ _ shown _; do
    file=$(echo "$file" | tr -d ' `')
    shown=$(echo "$shown" | tr -d ' ')
    [[ $file == *.scap && $shown =~ ^[0-9]+$ ]] || continue
    run "$caps/$file" -p '*%evt.num' # one line per event (evt.info may hold newlines)
    [ $rc -eq 0 ] && [ "$(lines)" -eq "$shown" ] && ok ||
        ko "$file: exit $rc, $(lines) lines, sysdig shows $shown"
    n=$((n + 1))
done <"$caps/README.md"
[ $n -ge 14 ] && ok || ko "read $n capture rows from the corpus README"

cap=$caps/libs__curl_google.scap

# 2. The default line has sysdig's shape: num time cpu proc (tid) dir type info.
run "$cap" -n 3
[ $rc -eq 0 ] && [ "$(lines)" -eq 3 ] && ok || ko "-n 3: exit $rc, $(lines) lines"
grep -qvE '^[^ ]+ [^ ]+ [^ ]+ [^ ]+ \([^)]*\) [^ ]+ [^ ]+ ' "$tmp/out" &&
    ko "default line shape: $(head -1 "$tmp/out")" || ok

# Without a condition LLVM is never loaded: a missing module does not matter.
FALCOC_LLVM_MODULE=/nonexistent/falcoc-llvm.so run "$cap" -n 2 -p '*%evt.num'
[ $rc -eq 0 ] && [ "$(lines)" -eq 2 ] && ok || ko "no condition needs LLVM: exit $rc: $(cat "$tmp/err")"
FALCOC_LLVM_MODULE=/nonexistent/falcoc-llvm.so run "$cap" 'evt.num = 0'
[ $rc -eq 3 ] && ok || ko "a condition without the module: exit $rc"

# 3. -q prints nothing; a condition that never holds prints nothing.
run "$cap" -q
[ $rc -eq 0 ] && [ "$(lines)" -eq 0 ] && ok || ko "-q: exit $rc, $(lines) lines"
run "$cap" 'evt.num = 0' -p '%evt.num'
[ $rc -eq 0 ] && [ "$(lines)" -eq 0 ] && ok || ko "never-true condition: exit $rc, $(lines) lines"
# Condition words are joined like sysdig joins them.
run "$cap" evt.num = 0
[ $rc -eq 0 ] && [ "$(lines)" -eq 0 ] && ok || ko "condition in words: exit $rc"

# 4. -p: '*' prints <NA>; literal text kept; width pads.
run "$cap" -n 2 -p '*x=%fd.num|%5proc.name|'
[ $rc -eq 0 ] && [ "$(lines)" -eq 2 ] && grep -q '^x=' "$tmp/out" && ok ||
    ko "-p with '*': exit $rc: $(head -1 "$tmp/out")"
[ "$(grep -c '|.....|$' "$tmp/out")" -eq 2 ] && ok || ko "width 5: $(cat "$tmp/out")"

# 5. Format errors: message with position, exit 1.
run "$cap" -p '%evt.num %foo'
[ $rc -eq 1 ] && grep -q '^<format>:1:11: error: unknown filter: foo' "$tmp/err" && ok ||
    ko "unknown field in -p: exit $rc: $(cat "$tmp/err")"
run "$cap" -p 'abc%'
[ $rc -eq 1 ] && grep -q 'formatting cannot end with a %' "$tmp/err" && ok ||
    ko "trailing %: exit $rc: $(cat "$tmp/err")"
run "$cap" -p '%fd.ip'
[ $rc -eq 1 ] && grep -q "'fd.ip' is filter only" "$tmp/err" && ok ||
    ko "filter-only field: exit $rc: $(cat "$tmp/err")"

# 6. Condition errors point into the condition text.
run "$cap" 'evt.type=execve and proc.nme=x'
[ $rc -eq 1 ] && grep -q '^<condition>:1:21: error\[LOAD_ERR_COMPILE_CONDITION\]' "$tmp/err" &&
    grep -q '^      |                     \^' "$tmp/err" && ok ||
    ko "unknown field in condition: exit $rc: $(cat "$tmp/err")"
run "$cap" 'evt.type=open and (proc.name=a'
[ $rc -eq 1 ] && grep -q '^<condition>:1:' "$tmp/err" && ok ||
    ko "syntax error: exit $rc: $(cat "$tmp/err")"
run "$cap" "$(printf 'evt.type=open and\n  fd.nme=x')"
[ $rc -eq 1 ] && grep -q '^<condition>:2:3: ' "$tmp/err" && ok ||
    ko "second line of a condition: exit $rc: $(cat "$tmp/err")"
run "$cap" '  evt.type=open and proc.nme=x  '
[ $rc -eq 1 ] && grep -q '^<condition>:1:19: ' "$tmp/err" && ok ||
    ko "blanks around the condition: exit $rc: $(cat "$tmp/err")"

run "$cap" 'evt.around[1534527348514667033] > 3'
[ $rc -eq 1 ] && grep -q "^<condition>:1:1: .*evt.around supports only '='" "$tmp/err" && ok ||
    ko "evt.around with another operator than =: exit $rc: $(cat "$tmp/err")"

# Macros and lists of a rules file (-r); its own rules never match.
rules=$shared/corpus/rules/falco_rules.yaml
run "$cap" -r "$rules" 'spawned_process and evt.num = 0' -p '%evt.num'
[ $rc -eq 0 ] && [ "$(lines)" -eq 0 ] && ok || ko "-r with macros: exit $rc: $(cat "$tmp/err")"
run "$cap" -r "$rules" 'spawned_process and shell_prcs'
[ $rc -eq 1 ] && grep -q "^<condition>:1:21: .*'shell_prcs'" "$tmp/err" && ok ||
    ko "-r, undefined macro: exit $rc: $(cat "$tmp/err")"

# 7. Capture errors: missing file, damaged data after good events.
run "$caps/no-such.scap"
[ $rc -eq 1 ] && grep -q 'no-such.scap: No such file' "$tmp/err" && ok ||
    ko "missing capture: exit $rc: $(cat "$tmp/err")"
head -c 400000 "$caps/bencer__example4_example4-1.scap" >"$tmp/cut.scap" # plain scap
run "$tmp/cut.scap" -p '*%evt.num'
[ $rc -eq 1 ] && [ "$(lines)" -gt 1000 ] && [ "$(lines)" -lt 6255 ] &&
    grep -q 'runs past the end of the file' "$tmp/err" && ok ||
    ko "truncated capture: exit $rc, $(lines) lines: $(cat "$tmp/err")"

# 8. Usage errors.
run
[ $rc -eq 2 ] && ok || ko "no capture: exit $rc"
run "$cap" -n
[ $rc -eq 2 ] && ok || ko "-n without number: exit $rc"
run "$cap" --bogus
[ $rc -eq 2 ] && ok || ko "unknown option: exit $rc"

# 9. Against sysdig, once the extractors give values: same matching lines.
# Without '*' a line needs every field: one line each says the family works.
has_values() {
    run "$cap" -n 1 -p '%evt.type %proc.name' 'evt.type=execve' && [ "$(lines)" -eq 1 ] &&
        run "$cap" -n 1 -p '%fd.name' 'evt.type=open' && [ "$(lines)" -eq 1 ]
}
if command -v sysdig >/dev/null && has_values; then
    cmp_sysdig() { # CAPTURE FORMAT CONDITION
        sysdig -r "$1" -p "$2" "$3" >"$tmp/want" 2>/dev/null
        run "$1" -p "$2" "$3"
        [ $rc -eq 0 ] && diff -q "$tmp/want" "$tmp/out" >/dev/null && ok ||
            ko "vs sysdig: $(basename "$1") -p '$2' '$3': $(diff "$tmp/want" "$tmp/out" | head -5)"
    }
    cmp_sysdig "$cap" '*%evt.num %evt.type %evt.dir %proc.name' 'evt.type=execve'
    cmp_sysdig "$cap" '%evt.num %fd.name' 'evt.type in (open,openat) and evt.dir=<'
    # evt.around[T] = D: the events within D ms of T (an event of this capture)
    for d in 0 1 5; do
        cmp_sysdig "$cap" '%evt.num %evt.rawtime' "evt.around[1534527348514667033] = $d"
    done
    cmp_sysdig "$caps/falco__psp_run_as_user_0_container.scap" '*%evt.num %proc.name %fd.name' \
        'evt.type in (open,openat) and evt.dir=< and fd.name startswith /etc'
else
    echo "note: sysdig comparison skipped (no sysdig, or no field values yet)"
fi

summary
