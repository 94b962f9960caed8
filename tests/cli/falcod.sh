#!/bin/bash
# falcod replaying captures with compiled rule objects: its alerts must be
# exactly those of `falcoc run` (JIT) on the same rules and captures, in
# every output form; then the configuration (file, -o, shipped defaults),
# the priority threshold, rule_matching, the file and program channels, -M,
# -L, --dry-run, and the error cases with their exit codes.
# usage: falcod.sh FALCOC SHARED_DIR   (cwd: repository root)
set -u
export LC_ALL=C TZ=UTC FALCO_HOSTNAME=test-host
falcoc=$1 shared=$2
falcod=$(dirname "$falcoc")/../runtime/falcod
caps=$shared/corpus/captures
. "$(dirname "$0")/../lib/cli.sh"

# split_sum: moves Falco's end-of-run counts, which follow the alerts on
# stdout, from $tmp/out to $tmp/sum.
split_sum() {
    sed -n '/^Events detected: /,$p' "$tmp/out" >"$tmp/sum"
    sed -i '/^Events detected: /,$d' "$tmp/out"
}
# fd_run ARGS...: falcod ARGS, like fc_run (stdout $tmp/out less the counts,
# which go to $tmp/sum; stderr $tmp/err).
fd_run() {
    timeout 120 "$falcod" "$@" >"$tmp/out" 2>"$tmp/err"
    rc=$?
    split_sum
}

# Two rules files, compiled to two objects: rules of every priority on
# frequent events, overlapping so that first and all matching differ.
cat >"$tmp/a.yaml" <<'Y'
- rule: Open below etc
  desc: an open of a file below /etc
  condition: evt.type in (open, openat) and evt.dir = < and fd.name startswith /etc
  output: open below etc (file=%fd.name proc=%proc.name cmd=%proc.cmdline)
  priority: WARNING
  tags: [files, etc]
- rule: Program run
  desc: a successful execve
  condition: evt.type = execve and evt.dir = < and evt.res = SUCCESS
  output: program run (proc=%proc.name parent=%proc.pname user=%user.name)
  priority: NOTICE
Y
cat >"$tmp/b.yaml" <<'Y'
- rule: Any open
  desc: every open
  condition: evt.type in (open, openat) and evt.dir = <
  output: any open (file=%fd.name fd=%fd.num)
  priority: INFO
  tags: [files]
- rule: Outbound connect
  desc: a connect
  condition: evt.type = connect and evt.dir = <
  output: connect (conn=%fd.name proc=%proc.name)
  priority: ERROR
  tags: [network]
- rule: File read
  desc: a read of a file
  condition: evt.type = read and evt.dir = < and fd.typechar = f
  output: read (file=%fd.name size=%evt.rawres)
  priority: DEBUG
Y
for r in a b; do
    "$falcoc" compile "$tmp/$r.yaml" -o "$tmp/$r.fco" >"$tmp/out" 2>"$tmp/err" ||
        { ko "compile $r.yaml: $(cat "$tmp/err")"; summary falcod; exit 1; }
done
# Outputs to stdout only (the shipped defaults also log to syslog).
quiet=(-o syslog_output.enabled=false)

# 1. Every capture, every form: falcod's alerts and counts are falcoc run's.
ncap=0 nalerts=0
for cap in "$caps"/*.scap; do
    name=$(basename "$cap")
    for form in text json iso all; do
        case $form in
        text) fa=() da=() ;;
        json) fa=(-o json) da=(-o json_output=true) ;;
        iso) fa=(--iso8601) da=(-o time_format_iso_8601=true) ;;
        all) fa=(--all) da=(-o rule_matching=all) ;;
        esac
        fc_run run "$tmp/a.yaml" "$tmp/b.yaml" -e "$cap" "${fa[@]}"
        want_rc=$rc
        split_sum
        mv "$tmp/out" "$tmp/want.out"
        mv "$tmp/sum" "$tmp/want.sum"
        grep -v '^falcoc: ' "$tmp/err" >"$tmp/want.err"
        fd_run -r "$tmp/a.fco" -r "$tmp/b.fco" -e "$cap" "${quiet[@]}" "${da[@]}"
        grep -v '^falcod: ' "$tmp/err" >"$tmp/got.err"
        if [ $rc -eq $want_rc ] && cmp -s "$tmp/out" "$tmp/want.out" &&
            cmp -s "$tmp/sum" "$tmp/want.sum" && cmp -s "$tmp/got.err" "$tmp/want.err"; then
            ok
        else
            ko "$name $form: exit $rc (falcoc run $want_rc); $(diff "$tmp/want.out" "$tmp/out" | head -5)" \
                "$(diff "$tmp/want.err" "$tmp/got.err" | head -5)"
        fi
        [ $form = all ] && nalerts=$((nalerts + $(wc -l <"$tmp/out")))
    done
    ncap=$((ncap + 1))
done
[ $nalerts -gt 1000 ] && ok || ko "too few alerts to compare: $nalerts"

cap=$caps/bencer_troubleshooting__capture.scap
fd_run -r "$tmp/a.fco" -r "$tmp/b.fco" -e "$cap" "${quiet[@]}" -o rule_matching=all
cp "$tmp/out" "$tmp/all.out"

# 2. priority: rules less severe than the threshold never alert; the others
#    alert exactly as before (rule_matching all, so nothing else changes).
fd_run -r "$tmp/a.fco" -r "$tmp/b.fco" -e "$cap" "${quiet[@]}" -o rule_matching=all -o priority=warning
grep -E '^[0-9:.]+: (Emergency|Alert|Critical|Error|Warning) ' "$tmp/all.out" >"$tmp/want.out"
[ $rc -eq 0 ] && [ -s "$tmp/out" ] && cmp -s "$tmp/out" "$tmp/want.out" && ok ||
    ko "priority=warning: $(diff "$tmp/want.out" "$tmp/out" | head -3)"
#    with rule_matching first, a below-threshold first match must not hide
#    a later rule: every open below /etc still alerts as Warning
fd_run -r "$tmp/b.fco" -r "$tmp/a.fco" -e "$cap" "${quiet[@]}" -o priority=notice
grep -c 'Warning open below etc' "$tmp/out" >"$tmp/n1"
grep -c 'Warning open below etc' "$tmp/all.out" >"$tmp/n2"
[ $rc -eq 0 ] && [ "$(cat "$tmp/n1")" -gt 0 ] && cmp -s "$tmp/n1" "$tmp/n2" && ! grep -q ' Informational \| Debug ' "$tmp/out" &&
    ok || ko "priority=notice with rule_matching first: $(cat "$tmp/n1") vs $(cat "$tmp/n2")"

#    the json_include_* switches: keys in Falco's order, message without
#    the time and priority of output
cat >"$tmp/keys.py" <<'PY'
import json, sys
lines = open(sys.argv[1]).read().splitlines()
assert lines
for l in lines:
    o = json.loads(l)
    assert list(o) == sys.argv[2].split(","), list(o)
    if "message" in o:
        assert o["output"].endswith(": " + o["priority"] + " " + o["message"]), (o["output"], o["message"])
PY
for sw in "message_property=true tags_property=false:hostname,message,output,output_fields,priority,rule,source,time" \
    "output_property=false output_fields_property=false:hostname,priority,rule,source,tags,time"; do
    set -- ${sw%%:*}
    fd_run -r "$tmp/a.fco" -e "$caps/falco__cat_write.scap" "${quiet[@]}" -o json_output=true \
        -o "json_include_$1" -o "json_include_$2"
    python3 "$tmp/keys.py" "$tmp/out" "${sw#*:}" && ok || ko "json_include $1 $2: $(head -c 600 "$tmp/out")"
done

#    the rules: selectors, applied in order: by name pattern, by tag, and
#    an enable that turns back on what a disable turned off
sel() {
    fd_run -r "$tmp/a.fco" -r "$tmp/b.fco" -e "$cap" "${quiet[@]}" -o rule_matching=all "$@"
}
sel -o 'rules[]={disable: {rule: "Any*"}}'
grep -v ': Informational any open (' "$tmp/all.out" >"$tmp/want.out"
[ $rc -eq 0 ] && cmp -s "$tmp/out" "$tmp/want.out" && ok || ko "disable by name: $(diff "$tmp/want.out" "$tmp/out" | head -3)"
sel -o 'rules[]={disable: {tag: files}}'
grep -v ': Informational any open (\|: Warning open below etc (' "$tmp/all.out" >"$tmp/want.out"
[ $rc -eq 0 ] && cmp -s "$tmp/out" "$tmp/want.out" && ok || ko "disable by tag: $(diff "$tmp/want.out" "$tmp/out" | head -3)"
sel -o 'rules[]={disable: {tag: files}}' -o 'rules[]={enable: {rule: Open below etc}}'
grep -v ': Informational any open (' "$tmp/all.out" >"$tmp/want.out"
[ $rc -eq 0 ] && cmp -s "$tmp/out" "$tmp/want.out" && ok || ko "disable then enable: $(diff "$tmp/want.out" "$tmp/out" | head -3)"
#    with rule_matching first, a rule turned off does not hide the next one
fd_run -r "$tmp/b.fco" -r "$tmp/a.fco" -e "$cap" "${quiet[@]}" -o 'rules[]={disable: {rule: Any open}}'
[ $rc -eq 0 ] && [ "$(grep -c 'Warning open below etc' "$tmp/out")" = "$(cat "$tmp/n2")" ] && ok ||
    ko "disabled first match: $(grep -c 'Warning open below etc' "$tmp/out") vs $(cat "$tmp/n2")"
sel -o 'rules[]={enable: {rule: "No such*"}}'
[ $rc -eq 0 ] && cmp -s "$tmp/out" "$tmp/all.out" && has_err 'rules[0]: no loaded rule matches' && ok ||
    ko "enable of an unknown rule: $(cat "$tmp/err")"
sel -o 'rules[]={drop: {rule: x}}'
[ $rc -eq 1 ] && has_err 'rules[0]: expected exactly one of enable or disable' && ok || ko "bad selector: $(cat "$tmp/err")"

# 3. A configuration file, with -o applied on top of it.
cat >"$tmp/falco.yaml" <<Y
json_output: true
rule_matching: all
append_output:
  - suggested_output: true
stdout_output:
  enabled: false
file_output:
  enabled: true
  filename: $tmp/events.txt
  keep_alive: false
Y
fd_run -c "$tmp/falco.yaml" -r "$tmp/a.fco" -r "$tmp/b.fco" -e "$cap" -o json_output=false
[ $rc -eq 0 ] && [ ! -s "$tmp/out" ] && cmp -s "$tmp/events.txt" "$tmp/all.out" && ok ||
    ko "file_output from a config file: $(diff "$tmp/all.out" "$tmp/events.txt" | head -3)"
#    keys absent from a given file take Falco's built-in defaults: no
#    suggested container fields, and no output channel unless enabled
printf 'stdout_output:\n  enabled: true\n' >"$tmp/min.yaml"
fd_run -c "$tmp/min.yaml" -r "$tmp/a.fco" -e "$caps/falco__cat_write.scap"
[ $rc -eq 0 ] && [ -s "$tmp/out" ] && ! grep -q 'container_id=' "$tmp/out" && ok ||
    ko "minimal config: exit $rc $(head -c 300 "$tmp/out")"
printf 'json_output: true\n' >"$tmp/none.yaml"
fd_run -c "$tmp/none.yaml" -r "$tmp/a.fco" -e "$cap"
[ $rc -eq 1 ] && has_err 'Error: no output configured' && ok || ko "no output: exit $rc $(cat "$tmp/err")"

#    rules_files (a list, or one string) and ${VAR} in the file; a drop-in
#    of config_files adds the second object and turns stdout on
mkdir -p "$tmp/conf.d"
printf 'rules_files:\n  - ${FALCOD_T}/a.fco\nconfig_files: [%s/conf.d]\nsyslog_output: {enabled: false}\n' "$tmp" >"$tmp/one.yaml"
printf 'rules_files: [%s/b.fco]\nstdout_output: {enabled: true}\n' "$tmp" >"$tmp/conf.d/10-more.yaml"
FALCOD_T=$tmp fd_run -c "$tmp/one.yaml" -e "$cap" -L
[ $rc -eq 0 ] && [ "$(lines)" -eq 5 ] && ok || ko "rules_files and config_files: exit $rc $(cat "$tmp/out" "$tmp/err")"
FALCOD_T=$tmp fd_run -c "$tmp/one.yaml" -e "$cap" -o rule_matching=all \
    -o 'append_output[]={suggested_output: true}'
[ $rc -eq 0 ] && cmp -s "$tmp/out" "$tmp/all.out" && ok ||
    ko "objects from the configuration: $(diff "$tmp/all.out" "$tmp/out" | head -3)"

printf 'rules_files: ${FALCOD_T}/b.fco\n' >"$tmp/str.yaml"
FALCOD_T=$tmp fd_run -c "$tmp/str.yaml" -L
[ $rc -eq 0 ] && [ "$(lines)" -eq 3 ] && grep -qx 'File read: a read of a file' "$tmp/out" && ok ||
    ko "rules_files as one string: exit $rc $(cat "$tmp/out" "$tmp/err")"

#    file_output kept open, appending to what the file already holds
echo "earlier line" >"$tmp/kept.txt"
fd_run -r "$tmp/a.fco" -r "$tmp/b.fco" -e "$cap" "${quiet[@]}" -o rule_matching=all \
    -o stdout_output.enabled=false -o file_output.enabled=true -o file_output.keep_alive=true \
    -o "file_output.filename=$tmp/kept.txt"
{ echo "earlier line"; cat "$tmp/all.out"; } >"$tmp/want.out"
[ $rc -eq 0 ] && cmp -s "$tmp/kept.txt" "$tmp/want.out" && ok || ko "file_output keep_alive: exit $rc"

# 4. The program channel, spawned per alert or kept alive.
for keep in false true; do
    rm -f "$tmp/prog.txt"
    fd_run -r "$tmp/a.fco" -r "$tmp/b.fco" -e "$cap" "${quiet[@]}" -o rule_matching=all \
        -o stdout_output.enabled=false -o program_output.enabled=true \
        -o "program_output.keep_alive=$keep" -o "program_output.program=cat >> $tmp/prog.txt"
    [ $rc -eq 0 ] && cmp -s "$tmp/prog.txt" "$tmp/all.out" && ok ||
        ko "program_output keep_alive=$keep: $(diff "$tmp/all.out" "$tmp/prog.txt" 2>&1 | head -3)"
done

# 4b. The http channel: one POST per alert to a receiver on loopback that
#     records each request (method, Content-Type, User-Agent, body).
cat >"$tmp/recv.py" <<'PY'
import http.server, json, sys
out = open(sys.argv[1], "a")
class H(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        body = self.rfile.read(int(self.headers["Content-Length"])).decode()
        out.write(json.dumps([self.command, self.headers["Content-Type"], self.headers["User-Agent"], body]) + "\n")
        out.flush()
        self.send_response(404)  # not an error for Falco: status codes are not checked
        self.end_headers()
    def log_message(self, *a):
        pass
s = http.server.HTTPServer(("127.0.0.1", 0), H)
open(sys.argv[2], "w").write(str(s.server_address[1]))
s.serve_forever()
PY
python3 "$tmp/recv.py" "$tmp/posts.jsonl" "$tmp/port" &
recv=$!
for _ in $(seq 50); do [ -s "$tmp/port" ] && break; sleep 0.1; done
port=$(cat "$tmp/port" 2>/dev/null)
for json in false true; do
    : >"$tmp/posts.jsonl"
    fd_run -r "$tmp/a.fco" -r "$tmp/b.fco" -e "$caps/falco__cat_write.scap" "${quiet[@]}" \
        -o rule_matching=all -o "json_output=$json" -o http_output.enabled=true \
        -o "http_output.url=\"http://127.0.0.1:$port/alerts\"" -o http_output.user_agent=falcod-test
    cp "$tmp/out" "$tmp/stdout.txt"
    python3 - "$tmp/posts.jsonl" "$tmp/stdout.txt" "$json" <<'PY' && [ $rc -eq 0 ] && ok || ko "http_output json=$json: exit $rc $(head -c 400 "$tmp/posts.jsonl") $(cat "$tmp/err")"
import json, sys
posts = [json.loads(l) for l in open(sys.argv[1])]
want = open(sys.argv[2]).read().splitlines()
ctype = "application/json" if sys.argv[3] == "true" else "text/plain"
assert len(want) > 0 and [p[3] for p in posts] == want, (len(posts), len(want))
assert all(p[0] == "POST" and p[1] == ctype and p[2] == "falcod-test" for p in posts), posts[0]
PY
done
#     http as the only channel (falcosidekick's set-up)
: >"$tmp/posts.jsonl"
fd_run -r "$tmp/a.fco" -e "$caps/falco__cat_write.scap" "${quiet[@]}" -o stdout_output.enabled=false \
    -o http_output.enabled=true -o "http_output.url=http://127.0.0.1:$port/"
[ $rc -eq 0 ] && [ ! -s "$tmp/out" ] && [ "$(wc -l <"$tmp/posts.jsonl")" -gt 0 ] && ok ||
    ko "http_output alone: exit $rc $(cat "$tmp/err")"
kill $recv 2>/dev/null
wait $recv 2>/dev/null
#     a receiver that is not there: the error is logged, alerts go on
fd_run -r "$tmp/a.fco" -e "$caps/falco__cat_write.scap" "${quiet[@]}" -o http_output.enabled=true \
    -o "http_output.url=http://127.0.0.1:$port/gone"
[ $rc -eq 0 ] && [ -s "$tmp/out" ] && has_err 'libcurl failed to perform call' && ok ||
    ko "http_output without a receiver: exit $rc $(cat "$tmp/err")"
fd_run -r "$tmp/a.fco" -e "$cap" -o http_output.enabled=true -o stdout_output.enabled=false
[ $rc -eq 1 ] && has_err 'http_output.url is empty' && ok || ko "http without url: $(cat "$tmp/err")"

# 4c. A bounded queue in front of a slow channel: the events go on, the
#     newest alerts are dropped, and the first drop is reported once.
rm -f "$tmp/slow.txt"
fd_run -r "$tmp/a.fco" -r "$tmp/b.fco" -e "$cap" "${quiet[@]}" -o rule_matching=all \
    -o stdout_output.enabled=false -o outputs_queue.capacity=1 -o program_output.enabled=true \
    -o "program_output.program=sleep 0.2; cat >> $tmp/slow.txt"
got=$(wc -l <"$tmp/slow.txt" 2>/dev/null || echo 0)
[ $rc -eq 0 ] && [ "$got" -ge 1 ] && [ "$got" -lt 50 ] &&
    [ "$(grep -c 'Outputs queue out of memory' "$tmp/err")" -eq 1 ] && ok ||
    ko "bounded queue: exit $rc, $got alerts written of $(wc -l <"$tmp/all.out"); $(head -c 300 "$tmp/err")"

# 5. -M stops after that much event time; -L lists; --dry-run reads nothing.
fd_run -r "$tmp/a.fco" -r "$tmp/b.fco" -e "$cap" "${quiet[@]}" -M 1
full=$(grep -o 'Events read: [0-9]*' "$tmp/err")
fd_run -r "$tmp/a.fco" -r "$tmp/b.fco" -e "$cap" "${quiet[@]}" -M 0.2
part=$(grep -o 'Events read: [0-9]*' "$tmp/err")
[ $rc -eq 0 ] && [ "${part##* }" -gt 0 ] && [ "${part##* }" -lt "${full##* }" ] && ok ||
    ko "-M: $part vs $full"
fd_run -r "$tmp/a.fco" -e "$cap" "${quiet[@]}"
whole=$(grep -o 'Events read: [0-9]*' "$tmp/err")
fd_run -r "$tmp/a.fco" -e "$cap" "${quiet[@]}" -M 0
[ $rc -eq 0 ] && grep -q "^${whole}\$" "$tmp/err" && ok || ko "-M 0 is no limit: $(grep 'Events read' "$tmp/err") vs $whole"
fd_run -r "$tmp/a.fco" -r "$tmp/b.fco" -L
[ $rc -eq 0 ] && [ "$(lines)" -eq 5 ] && grep -qx 'Outbound connect: a connect' "$tmp/out" && ok ||
    ko "-L: $(cat "$tmp/out")"
fd_run -r "$tmp/a.fco" -e "$cap" --dry-run
[ $rc -eq 0 ] && [ ! -s "$tmp/out" ] && ! has_err 'Events read' && ok || ko "--dry-run: exit $rc"

fd_run -r "$tmp/a.fco" -e "$cap" --dry-run -o stdout_output.enabled=false -o syslog_output.enabled=false
[ $rc -eq 1 ] && has_err 'no output configured' && ok || ko "--dry-run checks outputs: exit $rc"
fd_run --help
[ $rc -eq 0 ] && grep -q '^usage: falcod' "$tmp/out" && ok || ko "--help: exit $rc"
fd_run --version
[ $rc -eq 0 ] && grep -q '^falcod version: ' "$tmp/out" && ok || ko "--version: exit $rc"
#    rules_files: missing entries skipped, a directory's .fco files in name
#    order; -r with a missing file is an error
mkdir -p "$tmp/objs"
cp "$tmp/b.fco" "$tmp/objs/1-b.fco" && cp "$tmp/a.fco" "$tmp/objs/2-a.fco" && touch "$tmp/objs/notes.txt"
printf 'rules_files:\n  - %s/nope.fco\n  - %s/objs\n' "$tmp" "$tmp" >"$tmp/dir.yaml"
fd_run -c "$tmp/dir.yaml" -L
[ $rc -eq 0 ] && [ "$(head -1 "$tmp/out")" = "Any open: every open" ] && [ "$(lines)" -eq 5 ] && ok ||
    ko "rules_files directory: exit $rc $(cat "$tmp/out" "$tmp/err")"
printf 'rules_files: [%s/a.fco]\nrules_file: [%s/b.fco]\n' "$tmp" "$tmp" >"$tmp/both.yaml"
fd_run -c "$tmp/both.yaml" -L
[ $rc -eq 1 ] && has_err 'both rules_file and rules_files' && ok || ko "rules_file and rules_files: $(cat "$tmp/err")"
#    Falco reads the first of two equal keys
printf 'stdout_output: {enabled: true}\njson_output: false\njson_output: true\n' >"$tmp/dup.yaml"
fd_run -c "$tmp/dup.yaml" -r "$tmp/a.fco" -e "$caps/falco__cat_write.scap"
[ $rc -eq 0 ] && [ -s "$tmp/out" ] && ! grep -q '^{' "$tmp/out" && ok || ko "duplicate key: $(head -c 200 "$tmp/out")"

# 6. Errors: exit 1 with "Error: ..." (or the capture's own message).
fd_run -r "$tmp/a.fco"
[ $rc -eq 1 ] && has_err 'Error: engine.kind modern_ebpf' && ok || ko "live engine: exit $rc $(cat "$tmp/err")"
fd_run -r "$tmp/a.fco" -o engine.kind=gvisor
[ $rc -eq 1 ] && has_err "unknown engine 'gvisor'" && ok || ko "unknown engine: $(cat "$tmp/err")"
fd_run -r "$tmp/a.yaml" -e "$cap"
[ $rc -eq 1 ] && has_err 'falcoc compile' && ok || ko "YAML rules: $(cat "$tmp/err")"
fd_run -e "$cap"
[ $rc -eq 1 ] && has_err 'Error: no rules' && ok || ko "no rules: $(cat "$tmp/err")"
fd_run -r "$tmp/a.fco" -e "$tmp/missing.scap" "${quiet[@]}"
[ $rc -eq 1 ] && has_err "missing.scap" && ! has_err 'Events read' && ok ||
    ko "missing capture: exit $rc $(cat "$tmp/err")"
fd_run -r "$tmp/nope.fco" -e "$cap"
[ $rc -eq 1 ] && has_err "Error: $tmp/nope.fco: No such file" && ok || ko "-r missing: $(cat "$tmp/err")"
head -c 100000 "$cap" >"$tmp/cut.scap"
fd_run -r "$tmp/a.fco" -e "$tmp/cut.scap" "${quiet[@]}"
[ $rc -eq 1 ] && has_err 'cut.scap' && has_err 'Events read' && ok || ko "damaged capture: exit $rc"
fd_run -r "$tmp/a.fco" -e "$cap" -o rule_matching=some
[ $rc -eq 1 ] && has_err "rule_matching" && ok || ko "bad rule_matching: $(cat "$tmp/err")"
fd_run -r "$tmp/a.fco" -e "$cap" -o priority=loud
[ $rc -eq 1 ] && has_err "priority" && ok || ko "bad priority: $(cat "$tmp/err")"
fd_run -r "$tmp/a.fco" -e "$cap" -o novalue
[ $rc -eq 1 ] && has_err "novalue" && ok || ko "bad -o: $(cat "$tmp/err")"
printf 'json_output: [unclosed\n' >"$tmp/broken.yaml"
fd_run -c "$tmp/broken.yaml" -r "$tmp/a.fco" -e "$cap"
[ $rc -eq 1 ] && grep -q "broken.yaml:[0-9]*:[0-9]*" "$tmp/err" && ok || ko "broken config: $(cat "$tmp/err")"
fd_run -r "$tmp/a.fco" -e "$cap" -M soon
[ $rc -eq 1 ] && has_err '-M' && ok || ko "bad -M: $(cat "$tmp/err")"
fd_run --bogus
[ $rc -eq 1 ] && has_err "unknown option '--bogus'" && ok || ko "unknown option: $(cat "$tmp/err")"

echo "compared falcod with falcoc run on $ncap captures ($nalerts alerts with rule_matching all)"
summary falcod
