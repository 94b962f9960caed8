#!/bin/bash
# falcoc run on the capture corpus: alerts of the bundled and the upstream
# rules, Falco's text line and JSON object, first/all rule matching, the
# counts on stderr, and the error cases with their exit codes. Alert counts
# and values of simple rules are checked against sysdig 0.29.3 running the
# same conditions on the same captures.
# usage: run.sh FALCOC SHARED_DIR   (cwd: repository root)
set -u
export LC_ALL=C TZ=UTC FALCO_HOSTNAME=test-host
falcoc=$1 shared=$2
caps=$shared/corpus/captures
psp=$caps/falco__psp_run_as_user_0_container.scap
. "$(dirname "$0")/../lib/cli.sh"

# run ARGS...: falcoc run ARGS (see fc_run); Falco's end-of-run counts,
# which follow the alerts on stdout, are moved to $tmp/sum.
run() {
    fc_run run "$@"
    sed -n '/^Events detected: /,$p' "$tmp/out" >"$tmp/sum"
    sed -i '/^Events detected: /,$d' "$tmp/out"
}

# 1. The bundled rules on the nginx container capture: bash's execve enter
#    (evt.num 1884 for sysdig, still named bash) is the one shell spawned in
#    a container. Values as sysdig prints them for that event; the tail is
#    Falco's default append_output of the container plugin's fields.
run rules/falcoc_rules.yaml -e "$psp"
want='22:31:12.093443820: Notice Shell started in a container (shell=bash cmdline=bash parent=bash user=root container=697956520d89 image=nginx) container_id=697956520d89 container_name=hopeful_taussig container_image_repository=nginx container_image_tag=latest k8s_pod_name=<NA> k8s_ns_name=<NA>'
[ $rc -eq 0 ] && [ "$(cat "$tmp/out")" = "$want" ] && ok ||
    ko "bundled rules on psp capture: exit $rc: $(head -c 600 "$tmp/out")"
grep -qx 'Events detected: 1' "$tmp/sum" && grep -qx '   NOTICE: 1' "$tmp/sum" &&
    grep -qx '   Shell spawned in container: 1' "$tmp/sum" && grep -qx 'Events read: 4143' "$tmp/err" &&
    ok || ko "counts: $(cat "$tmp/sum" "$tmp/err")"

# 2. The same alert as JSON (outputs.md §4): keys in order, typed fields.
run rules/falcoc_rules.yaml -e "$psp" -o json
python3 - "$tmp/out" "$want" <<'PY' && ok || ko "JSON alert: $(head -c 800 "$tmp/out")"
import json, sys
lines = open(sys.argv[1]).read().splitlines()
assert len(lines) == 1, lines
o = json.loads(lines[0])
assert list(o) == ["hostname", "output", "output_fields", "priority", "rule", "source", "tags", "time"], list(o)
assert o["hostname"] == "test-host"
assert o["output"] == sys.argv[2], o["output"]
assert o["priority"] == "Notice" and o["rule"] == "Shell spawned in container" and o["source"] == "syscall"
assert o["tags"] == ["container", "falcoc", "shell"], o["tags"]
assert o["time"] == "2019-07-09T22:31:12.093443820Z", o["time"]
f = o["output_fields"]
assert list(f) == sorted(f), list(f)
assert f == {"container.id": "697956520d89", "container.image.repository": "nginx",
             "container.image.tag": "latest", "container.name": "hopeful_taussig",
             "evt.time": 1562711472093443820, "k8s.ns.name": None, "k8s.pod.name": None,
             "proc.cmdline": "bash", "proc.name": "bash", "proc.pname": "bash",
             "user.name": "root"}, f
PY

# 3. time_format_iso_8601 and no suggested fields.
run rules/falcoc_rules.yaml -e "$psp" --iso8601 --no-suggested
[ $rc -eq 0 ] && [ "$(cat "$tmp/out")" = '2019-07-09T22:31:12.093443820+0000: Notice Shell started in a container (shell=bash cmdline=bash parent=bash user=root container=697956520d89 image=nginx)' ] &&
    ok || ko "--iso8601 --no-suggested: $(cat "$tmp/out")"
run rules/falcoc_rules.yaml -e "$psp" --iso8601 -o json
python3 -c '
import json, sys
o = json.loads(open(sys.argv[1]).read())
assert o["output_fields"]["evt.time.iso8601"] == 1562711472093443820 and "evt.time" not in o["output_fields"]
assert o["output"].startswith("2019-07-09T22:31:12.093443820+0000: Notice ")
' "$tmp/out" && ok || ko "--iso8601 JSON: $(cat "$tmp/out")"

# 4. Alerts of simple rules against sysdig: the same events, in order,
#    with the same values (rule output "%evt.rawtime %fd.name").
oracle() { # CAPTURE CONDITION
    cat >"$tmp/o.yaml" <<Y
- rule: oracle
  desc: compared with sysdig
  condition: $2
  output: "%evt.rawtime %fd.name %proc.name"
  priority: DEBUG
Y
    run "$tmp/o.yaml" -e "$1" --no-suggested
    sed 's/^[0-9:.]*: Debug //' "$tmp/out" >"$tmp/ours"
    sysdig -r "$1" -p '*%evt.rawtime %fd.name %proc.name' "$2" >"$tmp/theirs" 2>/dev/null
    [ $rc -eq 0 ] && [ -s "$tmp/theirs" ] && cmp -s "$tmp/ours" "$tmp/theirs" && ok ||
        ko "$(basename "$1") '$2': exit $rc, $(wc -l <"$tmp/ours") alerts, sysdig $(wc -l <"$tmp/theirs"): $(diff "$tmp/ours" "$tmp/theirs" | head -4)"
}
if command -v sysdig >/dev/null; then
    oracle "$caps/falco__cat_write.scap" "evt.type = open and evt.dir = < and proc.name = cat"
    oracle "$caps/libs__curl_google.scap" "evt.type = connect and evt.dir = <"
    oracle "$caps/bencer__example0_nginx.scap" "evt.type in (accept, sendfile) and evt.dir = <"
    oracle "$caps/falco__open-multiple-files.scap" "evt.type = open and evt.dir = < and fd.name startswith /tmp"
fi

# 5. Rule matching: the first matching rule in load order by default, every
#    one with --all (outputs.md §10).
cat >"$tmp/two.yaml" <<'Y'
- rule: first
  desc: x
  condition: evt.type = open and evt.dir = < and proc.name = cat
  output: first %fd.name
  priority: ERROR
  tags: [z, a, a]
- rule: second
  desc: x
  condition: evt.type = open and evt.dir = <
  output: second %fd.name
  priority: INFO
Y
run "$tmp/two.yaml" -e "$caps/falco__cat_write.scap" --no-suggested
[ $rc -eq 0 ] && [ "$(grep -c ': Error first ' "$tmp/out")" -eq 4 ] &&
    [ "$(grep -c ': Informational second ' "$tmp/out")" -eq 0 ] &&
    grep -qx '   ERROR: 4' "$tmp/sum" && ok || ko "first match: $(cat "$tmp/out" "$tmp/sum")"
run "$tmp/two.yaml" -e "$caps/falco__cat_write.scap" --no-suggested --all
[ $rc -eq 0 ] && [ "$(grep -c ': Error first ' "$tmp/out")" -eq 4 ] &&
    [ "$(grep -c ': Informational second ' "$tmp/out")" -eq 4 ] &&
    grep -qx '   INFO: 4' "$tmp/sum" && grep -qx '   second: 4' "$tmp/sum" &&
    grep -qx 'Events detected: 8' "$tmp/sum" && ok || ko "--all: $(cat "$tmp/out" "$tmp/sum")"
run "$tmp/two.yaml" -e "$caps/falco__cat_write.scap" -o json -q
[ $rc -eq 0 ] && [ "$(lines)" -eq 0 ] && grep -qx 'Events detected: 4' "$tmp/sum" && ok ||
    ko "-q: $(cat "$tmp/out" "$tmp/sum")"
run "$tmp/two.yaml" -e "$caps/falco__cat_write.scap" -o json
python3 -c '
import json, sys
for l in open(sys.argv[1]):
    o = json.loads(l)
    assert o["tags"] == ["a", "z"] and o["priority"] == "Error", o
    assert isinstance(o["output_fields"]["evt.time"], int)
' "$tmp/out" && ok || ko "tags sorted and unique: $(head -1 "$tmp/out")"

# 6. The upstream ruleset loads, compiles and runs over every capture.
for f in "$caps"/*.scap; do
    case $f in *comments*) continue ;; esac
    run "$shared/corpus/rules/falco_rules.yaml" rules/falcoc_rules.yaml -e "$f" -o json --all
    [ $rc -eq 0 ] && grep -q '^Events detected: ' "$tmp/sum" &&
        python3 -c 'import json,sys; [json.loads(l) for l in open(sys.argv[1])]' "$tmp/out" &&
        ok || ko "upstream rules on $(basename "$f"): exit $rc: $(tail -3 "$tmp/err")"
done

# 7. Bad rules: diagnostics with positions, exit 1, no replay.
printf -- '- rule: bad\n  desc: x\n  condition: evt.type = open and (proc.name = cat\n  output: x\n  priority: ERROR\n' >"$tmp/bad.yaml"
run "$tmp/bad.yaml" -e "$psp"
[ $rc -eq 1 ] && [ "$(lines)" -eq 0 ] && grep -q "bad.yaml:3:[0-9]*: error" "$tmp/err" && [ ! -s "$tmp/sum" ] &&
    ok || ko "bad rules: exit $rc: $(cat "$tmp/err")"
run "$tmp/nope.yaml" -e "$psp"
[ $rc -eq 1 ] && ok || ko "missing rules file: exit $rc"
printf -- '- rule: bad out\n  desc: x\n  condition: evt.type = open\n  output: x %%proc.nope\n  priority: ERROR\n' >"$tmp/badout.yaml"
run "$tmp/badout.yaml" -e "$psp"
[ $rc -eq 1 ] && grep -q "badout.yaml:4:[0-9]*: error" "$tmp/err" && ok ||
    ko "bad output: exit $rc: $(cat "$tmp/err")"

# 8. Bad captures: missing, not a capture, cut short (the alerts before the
#    damage are printed, then the error; exit 1).
run rules/falcoc_rules.yaml -e "$tmp/none.scap"
[ $rc -eq 1 ] && has_err "none.scap" && ok || ko "missing capture: exit $rc"
echo "not a capture" >"$tmp/junk.scap"
run rules/falcoc_rules.yaml -e "$tmp/junk.scap"
[ $rc -eq 1 ] && has_err "junk.scap" && ok || ko "junk capture: exit $rc $(cat "$tmp/err")"
gzip -dc "$caps/falco__cat_write.scap" | head -c 95000 >"$tmp/cut.scap" # cuts an event block after the first opens
run "$tmp/two.yaml" -e "$tmp/cut.scap" --no-suggested
n_cut=$(lines)
run "$tmp/two.yaml" -e "$caps/falco__cat_write.scap" --no-suggested
head -n "$n_cut" "$tmp/out" >"$tmp/full_head"
run "$tmp/two.yaml" -e "$tmp/cut.scap" --no-suggested
[ $rc -eq 1 ] && [ "$n_cut" -gt 0 ] && cmp -s "$tmp/out" "$tmp/full_head" && has_err "cut.scap" &&
    grep -q '^Events detected: ' "$tmp/sum" && ok ||
    ko "cut capture: exit $rc, $n_cut alerts: $(cat "$tmp/err")"

# 9. Usage errors: exit 2.
for args in "rules/falcoc_rules.yaml" "-e $psp" "rules/falcoc_rules.yaml -e $psp -o xml" \
    "rules/falcoc_rules.yaml -e $psp --bogus" "rules/falcoc_rules.yaml -e"; do
    # shellcheck disable=SC2086
    run $args
    [ $rc -eq 2 ] && ok || ko "usage '$args': exit $rc"
done
run --help
[ $rc -eq 0 ] && grep -q 'usage: falcoc run' "$tmp/out" && ok || ko "--help: exit $rc"

summary run.sh
