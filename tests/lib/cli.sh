# cli.sh - the setup the falcoc command-line tests share; sourced (not a test
# itself: tests/CMakeLists.txt registers only tests/cli/*.sh).
#
# Gives: pass/fail counters with ok and ko MESSAGE, a scratch directory $tmp
# removed on exit, fc_run SUBCOMMAND ARGS... (falcoc with a time limit,
# stdout in $tmp/out, stderr in $tmp/err, status in $rc), lines (of
# $tmp/out), has_err TEXT (in $tmp/err) and summary [LABEL] (prints the
# counts; its status is the test's result).
# Expects $falcoc to be set before sourcing.

pass=0 fail=0
ok() { pass=$((pass + 1)); }
ko() {
    fail=$((fail + 1))
    echo "FAIL: $*"
}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

fc_run() {
    timeout 120 "$falcoc" "$@" >"$tmp/out" 2>"$tmp/err"
    rc=$?
}
lines() { wc -l <"$tmp/out" | tr -d ' '; }
has_err() { grep -qF -- "$1" "$tmp/err"; }

summary() {
    echo "${1:+$1: }$pass passed, $fail failed"
    [ $fail -eq 0 ]
}
