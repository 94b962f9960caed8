#!/bin/bash
# Rule unit tests: `falcoc test` must pass every case of
#   tests/rules/falco_rules_cases.yaml   (upstream default ruleset, shared corpus)
#   rules/tests/falcoc_rules_cases.yaml  (the project's own ruleset)
# every rule of each ruleset must be expected to fire by at least one case,
# and the runner must really fail (exit 1, a FAIL line, a `decided by` line)
# on a case whose expectation is wrong.
# usage: rule_cases.sh FALCOC SHARED_DIR   (cwd: repository root)
set -u
falcoc=$1
shared=$2
pass=0 fail=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

ok() { pass=$((pass + 1)); }
bad() {
    fail=$((fail + 1))
    echo "FAIL: $*"
}

# Rule names of a rules file, one per line.
rule_names() {
    sed -n 's/^- rule:[[:space:]]*//p' "$1" | sed 's/[[:space:]]*$//; s/^"\(.*\)"$/\1/; s/^'"'"'\(.*\)'"'"'$/\1/'
}

# Rule names listed in the `match:` lists of a cases file, one per line.
# Handles the flow form `match: [A, B]` and the block form `match:` + `- A`.
matched_names() {
    awk '
        function emit(s) {
            gsub(/^[[:space:]]+|[[:space:]]+$/, "", s)
            if (s ~ /^".*"$/ || s ~ /^'"'"'.*'"'"'$/)
                s = substr(s, 2, length(s) - 2)
            if (s != "")
                print s
        }
        inblock && /^[[:space:]]*- / {
            s = $0
            sub(/^[[:space:]]*- /, "", s)
            emit(s)
            next
        }
        { inblock = 0 }
        /^[[:space:]]*match:[[:space:]]*\[/ {
            s = $0
            sub(/^[[:space:]]*match:[[:space:]]*\[/, "", s)
            sub(/\][[:space:]]*(#.*)?$/, "", s)
            n = split(s, parts, ",")
            for (i = 1; i <= n; i++)
                emit(parts[i])
            next
        }
        /^[[:space:]]*match:[[:space:]]*(#.*)?$/ { inblock = 1 }
    ' "$1"
}

# run_suite LABEL RULES CASES: falcoc test passes, and covers every rule.
run_suite() {
    local label=$1 rules=$2 cases=$3 out rc
    out=$("$falcoc" test "$rules" "$cases" 2>&1)
    rc=$?
    if [ $rc -eq 0 ]; then
        ok
        echo "$label: $(printf '%s\n' "$out" | tail -n 1)"
    else
        bad "$label: falcoc test exited $rc"
        printf '%s\n' "$out" | grep -v '^ok ' | head -60
    fi
    local names matched missing=0 n=0
    names=$(rule_names "$rules")
    matched=$(matched_names "$cases" | sort -u)
    if [ -z "$names" ]; then
        bad "$label: no '- rule:' items found in $rules"
        return
    fi
    while IFS= read -r r; do
        n=$((n + 1))
        if ! printf '%s\n' "$matched" | grep -qxF -- "$r"; then
            missing=$((missing + 1))
            echo "  rule '$r' has no positive case in $cases"
        fi
    done <<<"$names"
    if [ $missing -eq 0 ]; then
        ok
        echo "$label: all $n rules have a positive case"
    else
        bad "$label: $missing of $n rules have no positive case"
    fi
}

run_suite "falco_rules" "$shared/corpus/rules/falco_rules.yaml" tests/rules/falco_rules_cases.yaml
run_suite "falcoc_rules" rules/falcoc_rules.yaml rules/tests/falcoc_rules_cases.yaml

# A wrong expectation must fail: the shell in a container does fire, and the
# host shell does not.
cat >"$tmp/wrong.yaml" <<'EOF'
- name: deliberately wrong - expects silence from a shell in a container
  fields:
    evt.type: execve
    proc.name: bash
    proc.cmdline: bash -i
    container.id: 3f2a9c1b7d4e
  match: []
- name: deliberately wrong - expects a rule to fire on the host
  fields:
    evt.type: execve
    proc.name: bash
    container.id: host
  match: [Shell spawned in container]
EOF
before=$fail
out=$("$falcoc" test rules/falcoc_rules.yaml "$tmp/wrong.yaml" 2>&1)
rc=$?
if [ $rc -eq 1 ]; then ok; else bad "wrong expectation: exit $rc, want 1"; fi
if [ "$(printf '%s\n' "$out" | grep -c '^FAIL ')" -eq 2 ]; then
    ok
else
    bad "wrong expectation: want 2 FAIL lines"
fi
if printf '%s\n' "$out" | grep -q "rule 'Shell spawned in container' fired: decided by " &&
    printf '%s\n' "$out" | grep -q "rule 'Shell spawned in container' did not fire: decided by "; then
    ok
else
    bad "wrong expectation: want a 'decided by' line for each wrong case"
fi
if printf '%s\n' "$out" | tail -n 1 | grep -qx '0 passed, 2 failed'; then
    ok
else
    bad "wrong expectation: want the summary '0 passed, 2 failed'"
fi
[ $fail -eq "$before" ] || printf '%s\n' "$out"

echo "$pass passed, $fail failed"
[ $fail -eq 0 ]
