#!/bin/bash
# Golden diagnostics: `falcoc validate` and `falcoc lint` on the files of
# tests/golden/diag/ must print exactly the committed .out files (text
# renderer, positions, codes, messages). UPDATE=1 rewrites the .out files;
# review their diff like code.
# usage: golden.sh FALCOC SHARED_DIR   (cwd: repository root)
set -u
falcoc=$1
dir=tests/golden/diag
pass=0 fail=0
run() { # name command...
    local name=$1
    shift
    local out
    out=$(cd "$dir" && "$@" 2>&1; echo "exit $?")
    if [ "${UPDATE:-}" = 1 ]; then
        printf '%s\n' "$out" >"$dir/$name.out"
        pass=$((pass + 1))
    elif [ "$out" = "$(cat "$dir/$name.out" 2>/dev/null)" ]; then
        pass=$((pass + 1))
    else
        fail=$((fail + 1))
        echo "FAIL: $name"
        diff <(printf '%s\n' "$out") "$dir/$name.out" | head -20
    fi
}
abs=$(cd "$(dirname "$falcoc")" && pwd)/$(basename "$falcoc")
for f in errors mixed exception_fields plugins; do
    run "$f.validate" "$abs" validate "$f.yaml"
done
run lint.lint "$abs" lint lint.yaml
run multi.validate "$abs" validate multi_a.yaml multi_b.yaml
run errors.json "$abs" validate --json errors.yaml
run lint.sarif "$abs" lint --format sarif lint.yaml
run mixed.explain "$abs" explain mixed.yaml
# Regressions found by validating upstream rule files against Falco's results.
for f in evtnum_never_true_no_evttype deprecated_plugin_fields_warn container_info_twice \
    exception_scalar_value_listform exception_len_mismatch_context; do
    run "$f.validate" "$abs" validate --json "$f.yaml"
done
# Falco compiles after every file: B's result repeats A's compile-time warnings.
run multifile_recompute.validate "$abs" validate multifile_recompute_A.yaml multifile_recompute_B.yaml
run multifile_recompute.json "$abs" validate --json multifile_recompute_A.yaml multifile_recompute_B.yaml
run lint.explain.json "$abs" explain --json lint.yaml appended
echo "$pass passed, $fail failed"
[ $fail -eq 0 ]
