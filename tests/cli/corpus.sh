#!/bin/bash
# The upstream ruleset and our own ruleset validate cleanly, in text and JSON.
# usage: corpus.sh FALCOC SHARED_DIR   (cwd: repository root)
set -u
falcoc=$1 shared=$2
pass=0 fail=0
ok() { pass=$((pass + 1)); }
ko() { fail=$((fail + 1)); echo "FAIL: $*"; }

corpus=$shared/corpus/rules/falco_rules.yaml
out=$("$falcoc" validate "$corpus"); rc=$?
[ $rc -eq 0 ] && ok || ko "validate falco_rules.yaml exited $rc"
got=$(printf '%s\n' "$out" | sed "s|$shared/corpus/rules/||")
[ "$got" = "$(cat tests/golden/validate/falco_rules.txt)" ] && ok || ko "report differs: $got"

json=$("$falcoc" validate --json "$corpus"); rc=$?
[ $rc -eq 0 ] && ok || ko "validate --json exited $rc"
case $json in
*'"errors":[]'*'"successful":true,"warnings":[]'*) ok ;;
*) ko "json: $json" ;;
esac

out=$("$falcoc" validate rules/*.yaml); rc=$?
[ $rc -eq 0 ] && ok || ko "our rules: exit $rc"
printf '%s\n' "$out" | grep -qv ': Ok$' && ko "our rules are not clean: $out" || ok

# explain sees every rule of the corpus with a small event-type set.
n=$("$falcoc" explain "$corpus" | grep -c '^rule ')
[ "$n" -eq 25 ] && ok || ko "explain listed $n rules, want 25"
all=$("$falcoc" explain "$corpus" | grep -c 'event types   ALL')
[ "$all" -eq 0 ] && ok || ko "$all rules without event types"

# Event types of every corpus rule, against the table of rules-language.md §13.
rows=0
while IFS='|' read -r _ rule want _; do
    rule=$(echo "$rule" | sed 's/^ *//;s/ *$//')
    want="{$(echo "$want" | sed 's/^ *//;s/ *$//;s/, /,/g')}"
    got=$("$falcoc" explain "$corpus" "$rule" | sed -n 's/^  event types   //p')
    [ "$got" = "$want" ] && ok || ko "event types of '$rule': $got, want $want"
    rows=$((rows + 1))
done < <(sed -n '/^| rule | event types |/,/^$/p' "$shared/spec/rules-language.md" | tail -n +3 | grep '^|')
[ $rows -eq 25 ] && ok || ko "read $rows rows of the event-type table"

echo "$pass passed, $fail failed"
[ $fail -eq 0 ]
