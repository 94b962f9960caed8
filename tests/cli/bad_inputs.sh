#!/bin/bash
# The bad-input corpus: every broken rules file of tests/bad/ must be refused
# with exactly the diagnostics its "# expect: CODE LINE:COL" lines announce,
# exit code 1, no crash and no hang; every line of tests/bad/conditions.txt
# must make `falcoc parse -e` exit 1 at the announced column. Generated cases
# (a huge file, very deep nesting) are built at test time in a temporary
# folder. tests/bad/pending/ holds cases that falcoc still gets wrong: they are
# run and reported, but never counted (see tests/bad/README.md).
# usage: bad_inputs.sh FALCOC [SHARED_DIR]   (cwd: repository root)
# Needs only bash, coreutils, grep, sed and awk.
set -u
export LC_ALL=C
falcoc=${1:?usage: bad_inputs.sh FALCOC [SHARED_DIR]}
# The runs happen from other folders: make a relative path absolute.
[[ $falcoc == */* && $falcoc != /* ]] && falcoc=$(pwd)/$falcoc
root=$(cd "$(dirname "$0")/../.." && pwd)
bad=$root/tests/bad
limit=20 # seconds, per falcoc run
pending_fixed=0
. "$root/tests/lib/cli.sh"

# run OUT_PREFIX ARGS... : runs falcoc under the time limit; stdout and stderr
# go to OUT_PREFIX.out / OUT_PREFIX.err; sets $rc. A sanitizer report counts
# as a crash even when the process exits 1 (ASan's and UBSan's exit code).
run() {
    local o=$1
    shift
    timeout "$limit" "$falcoc" "$@" >"$o.out" 2>"$o.err"
    rc=$?
    if grep -qE 'Sanitizer|runtime error:' "$o.err"; then rc=sanitizer; fi
}

# rc_problem RC : prints why an exit code is not the "errors found" code 1.
rc_problem() {
    case $1 in
    1) ;;
    sanitizer) echo "sanitizer report" ;;
    124) echo "timed out after ${limit}s" ;;
    0) echo "exit 0: the input was accepted" ;;
    *) if [ "$1" -ge 128 ]; then echo "crashed (exit $1, signal $(($1 - 128)))"; else echo "exit $1"; fi ;;
    esac
}

# errors_of NAME FILE : "CODE LINE:COL" for every error line that FILE (a
# falcoc text report) gives for the rules file NAME, sorted.
errors_of() {
    local name=$1 line rest
    while IFS= read -r line; do
        [[ $line == "$name:"* ]] || continue
        rest=${line#"$name:"}
        [[ $rest =~ ^([0-9]+):([0-9]+):\ error\[([A-Z_]+)\]: ]] || continue
        echo "${BASH_REMATCH[3]} ${BASH_REMATCH[1]}:${BASH_REMATCH[2]}"
    done <"$2" | sort
}

# expectations_of FILE : the "CODE LINE:COL" of its "# expect:" lines, sorted.
expectations_of() {
    local line
    while IFS= read -r line; do
        line=${line%$'\r'}
        [[ $line =~ ^#\ expect:\ ([A-Z_]+)\ ([0-9]+:[0-9]+)\ *$ ]] || continue
        echo "${BASH_REMATCH[1]} ${BASH_REMATCH[2]}"
    done <"$1" | sort
}

# check_file FILE : prints nothing when FILE behaves as announced, else one
# line per problem.
check_file() {
    local f=$1 want got mode args
    want=$(expectations_of "$f")
    if [ -z "$want" ]; then
        echo "no '# expect: CODE LINE:COL' line"
        return
    fi
    run "$tmp/v" validate "$f"
    local why
    why=$(rc_problem $rc)
    [ -n "$why" ] && echo "validate: $why"
    got=$(errors_of "$f" "$tmp/v.out")
    local missing extra
    missing=$(comm -23 <(printf '%s\n' "$want") <(printf '%s\n' "$got"))
    extra=$(comm -13 <(printf '%s\n' "$want") <(printf '%s\n' "$got") | sed '/^$/d')
    [ -n "$missing" ] && echo "expected, not reported: ${missing//$'\n'/, }"
    [ -n "$extra" ] && echo "reported, not expected: ${extra//$'\n'/, }"
    # The other renderers and commands read the same file: same exit code,
    # and lint reports the same errors (it only adds warnings).
    for mode in "validate --json" "lint --format sarif" "explain"; do
        read -ra args <<<"$mode"
        run "$tmp/m" "${args[@]}" "$f"
        why=$(rc_problem $rc)
        [ -n "$why" ] && echo "$mode: $why"
    done
    run "$tmp/l" lint "$f"
    [ "$(errors_of "$f" "$tmp/l.out")" = "$got" ] || echo "lint reports other errors than validate"
}

# check_condition COND COL : prints nothing when parse -e fails at COL.
check_condition() {
    local cond=$1 col=$2 why
    run "$tmp/p" parse -e "$cond"
    why=$(rc_problem $rc)
    [ -n "$why" ] && echo "$why"
    grep -q "^<condition>:1:$col: error\[" "$tmp/p.err" ||
        echo "no diagnostic at column $col, got: $(head -1 "$tmp/p.err")"
}

# for_conditions FILE CALLBACK : calls CALLBACK COND COL for each case line.
for_conditions() {
    local line
    while IFS= read -r line || [ -n "$line" ]; do
        [[ -z $line || $line == \#* ]] && continue
        "$2" "${line%$'\t'*}" "${line##*$'\t'}"
    done <"$1"
}

# ---- the corpus -------------------------------------------------------------
cd "$bad" || exit 1
nfiles=0
for f in *.yaml; do
    problems=$(check_file "$f")
    nfiles=$((nfiles + 1))
    if [ -z "$problems" ]; then ok; else ko "$f: $(echo "$problems" | paste -sd ';' | sed 's/;/; /g')"; fi
done
if [ $nfiles -ge 60 ]; then ok; else ko "only $nfiles files in tests/bad"; fi

cond_case() {
    local problems shown=$1
    problems=$(check_condition "$1" "$2" | paste -sd ';' | sed 's/;/; /g')
    [ ${#shown} -gt 60 ] && shown="${shown:0:30}...${shown: -20} (${#1} bytes)"
    if [ -z "$problems" ]; then ok; else ko "parse -e '$shown': $problems"; fi
}
for_conditions conditions.txt cond_case

# ---- generated cases ------------------------------------------------------------
# gen_check NAME CODE LINE COL[*] SECONDS : the file $tmp/NAME must give exactly
# one error, CODE at LINE:COL ('*' accepts any column), within SECONDS.
gen_check() {
    local name=$1 code=$2 line=$3 col=$4 secs=$5 t0 t1 ms why got
    t0=$(date +%s%N)
    (
        cd "$tmp" || exit
        run "$tmp/g" validate "$name"
        echo "$rc" >"$tmp/g.rc"
    )
    rc=$(cat "$tmp/g.rc")
    t1=$(date +%s%N)
    ms=$(((t1 - t0) / 1000000))
    why=$(rc_problem "$rc")
    got=$(errors_of "$name" "$tmp/g.out")
    if [ -n "$why" ]; then
        ko "$name: $why"
    elif [ "$col" = '*' ] && [[ $got =~ ^$code\ $line:[0-9]+$ ]]; then
        ok
    elif [ "$got" = "$code $line:$col" ]; then
        ok
    else
        ko "$name: want $code $line:$col, got: ${got//$'\n'/, }"
    fi
    if [ "$ms" -le $((secs * 1000)) ]; then ok; else ko "$name: took ${ms} ms, limit ${secs} s"; fi
    echo "note: $name took ${ms} ms"
}

# 20 000 valid rules (100 000 lines), then one with an unknown field.
awk 'BEGIN {
    for (i = 1; i <= 20000; i++)
        printf "- rule: generated rule %d\n  desc: generated\n  condition: evt.type = open and proc.name = p%d and fd.name startswith /tmp/d%d\n  output: opened %%fd.name by %%proc.name\n  priority: WARNING\n", i, i, i
    printf "- rule: the broken one\n  desc: unknown field after 100000 lines\n  condition: evt.type = open and proc.nmae = x\n  output: o\n  priority: WARNING\n"
}' >"$tmp/huge.yaml"
gen_check huge.yaml LOAD_ERR_COMPILE_CONDITION 100003 34 "$limit"

# One condition line of about 1 MB: 50 000 checks, the unknown field last.
{
    printf -- '- rule: very long condition\n  desc: d\n  condition: evt.type = open and ('
    awk 'BEGIN { for (i = 1; i <= 50000; i++) printf "proc.name = p%d or ", i }'
    printf 'proc.nmae = x)\n  output: o\n  priority: WARNING\n'
} >"$tmp/longline.yaml"
col=$(($(sed -n 3p "$tmp/longline.yaml" | wc -c) - 14))
gen_check longline.yaml LOAD_ERR_COMPILE_CONDITION 3 "$col" "$limit"

# 100 000 nested parentheses: refused at the same depth as 2000 (Falco's
# limit, see cond_deep_nesting.yaml), without exhausting the stack.
{
    printf -- '- rule: very deep\n  desc: d\n  condition: '
    printf '%100000s' '' | tr ' ' '('
    printf 'evt.type = open'
    printf '%100000s' '' | tr ' ' ')'
    printf '\n  output: o\n  priority: WARNING\n'
} >"$tmp/deep_condition.yaml"
gen_check deep_condition.yaml LOAD_ERR_COMPILE_CONDITION 3 214 "$limit"

# 20 000 nested YAML flow sequences: a YAML error on that line, not a crash.
{
    printf -- '- list: deep\n  items: '
    printf '%20000s' '' | tr ' ' '['
    printf '%20000s' '' | tr ' ' ']'
    printf '\n'
} >"$tmp/deep_yaml.yaml"
gen_check deep_yaml.yaml LOAD_ERR_YAML_PARSE 2 '*' "$limit"

# The same depth limit through parse -e.
cond_case "$(printf '%2000s' '' | tr ' ' '(')a.b = 1$(printf '%2000s' '' | tr ' ' ')')" 201

# ---- pending cases: run, reported, not counted ------------------------------------
for f in pending/*.yaml; do
    [ -e "$f" ] || continue
    if [ -z "$(check_file "$f")" ]; then
        pending_fixed=$((pending_fixed + 1))
        echo "note: $f now passes; move it out of pending/"
    fi
done
pending_cond() {
    if [ -z "$(check_condition "$1" "$2")" ]; then
        pending_fixed=$((pending_fixed + 1))
        echo "note: pending condition '$1' now passes; move it to conditions.txt"
    fi
}
[ -f pending/conditions.txt ] && for_conditions pending/conditions.txt pending_cond

[ $pending_fixed -gt 0 ] && echo "note: $pending_fixed pending case(s) now pass"
summary
