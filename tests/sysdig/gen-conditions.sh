#!/bin/bash
# gen-conditions.sh - writes tests/sysdig/conditions.txt, the conditions
# tests/cli/sysdig_conditions.sh evaluates with falcoc and with sysdig 0.29.3.
# Run it again (and commit the result) when falco_rules.yaml or the operator
# cases below change; the test itself reads only the committed list.
#
#   tests/sysdig/gen-conditions.sh FALCOC SHARED_DIR   (cwd: repository root)
#
# The list holds, as "NAME<TAB>CONDITION" lines:
#   macro:NAME  every macro of falco_rules.yaml, resolved by `falcoc explain`
#               (nested macros and lists expanded): a temporary rules file
#               adds one rule per macro whose condition is the macro alone;
#   rule:NAME   the condition of every rule of falco_rules.yaml, resolved;
#   op:NNN      operator cases over the corpus (below).
# A condition sysdig 0.29.3 rejects (a field or operator it lacks) is written
# as "NAME<TAB>!<TAB>REASON<TAB>CONDITION": the test lists it as skipped.
set -eu -o pipefail
falcoc=$1 shared=$2
rules=$shared/corpus/rules/falco_rules.yaml
out=tests/sysdig/conditions.txt
# sysdig only parses the condition on this (small) capture.
probe=$shared/corpus/captures/falco__cat_write.scap
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# One rule per macro, named after it.
cp "$rules" "$tmp/rules.yaml"
sed -n 's/^- macro: *\([^ ]*\) *$/\1/p' "$rules" | while read -r m; do
    printf -- '\n- rule: sysdiff macro %s\n  desc: the macro alone\n  condition: %s\n  output: "%%evt.num"\n  priority: INFO\n' "$m" "$m"
done >>"$tmp/rules.yaml"
"$falcoc" explain "$tmp/rules.yaml" >"$tmp/explain"
# explain prints "rule 'NAME' (file:line:col)" and later "  resolved  TEXT".
awk '/^rule \047/ { name = $0; sub(/^rule \047/, "", name); sub(/\047 \(.*$/, "", name) }
     /^  resolved  / { text = $0; sub(/^  resolved +/, "", text)
         if (name ~ /^sysdiff macro /) { sub(/^sysdiff macro /, "", name); print "macro:" name "\t" text }
         else print "rule:" name "\t" text }' "$tmp/explain" >"$tmp/resolved"
# The resolved text leaves list values unquoted, so a value with parentheses
# such as '"(systemd)"' would not parse again: quote those list values.
awk -F'\t' -v OFS='\t' '
    function requote(s,   out, i, c, n, depth, item, q) {
        out = ""; n = length(s); i = 1
        while (i <= n) {
            if (substr(s, i) ~ /^ (in|pmatch) \(/) {
                c = index(substr(s, i), "("); out = out substr(s, i, c); i += c
                for (;;) {                  # one list value per turn
                    item = ""; depth = 0; q = 0
                    while (i <= n) {
                        c = substr(s, i, 1)
                        if (q) { item = item c; if (c == "\\") { item = item substr(s, i + 1, 1); i++ } else if (c == "\"") q = 0; i++; continue }
                        if (c == "\"") q = 1
                        else if (c == "(") depth++
                        else if (c == ")") { if (depth == 0) break; depth-- }
                        else if (c == "," && depth == 0) break
                        item = item c; i++
                    }
                    if (item ~ /[()]/ && item !~ /^ *"/) { sub(/^ */, "", item); gsub(/"/, "\\\"", item); item = " \"" item "\"" }
                    sub(/^ /, "", item)
                    out = out (out ~ /\($/ ? "" : " ") item
                    c = substr(s, i, 1); out = out c; i++
                    if (c != ",") break
                }
                continue
            }
            out = out substr(s, i, 1); i++
        }
        return out
    }
    { $2 = requote($2); print }' "$tmp/resolved" >"$tmp/requoted"
mv "$tmp/requoted" "$tmp/resolved"
nmacros=$(grep -c '^- macro:' "$rules")
nrules=$(grep -c '^- rule:' "$rules")
[ "$(grep -c '^macro:' "$tmp/resolved")" -eq "$nmacros" ] || { echo "explain resolved too few macros" >&2; exit 1; }
[ "$(grep -c '^rule:' "$tmp/resolved")" -eq "$nrules" ] || { echo "explain resolved too few rules" >&2; exit 1; }

# Operator cases: every operator, negation and precedence, string, numeric,
# address, network and port fields, field arguments and evt.arg forms, on
# values the corpus captures hold.
cat >"$tmp/ops" <<'EOF'
evt.type = open
evt.type != switch and evt.dir = <
evt.type in (open, openat, close)
evt.type = execve and evt.dir = <
evt.type in (clone, fork, vfork) and evt.dir = <
evt.type = procexit
evt.type = container
proc.name = curl
proc.name != curl and evt.type = execve
proc.name in (bash, sh, python, nginx, httpd)
proc.name icontains CURL
proc.name glob 'docker*'
proc.name in ()
not proc.name in ()
proc.pname in (bash, sh, zsh, dash)
proc.pname exists
not proc.pname exists
proc.exe startswith /usr/
proc.exepath endswith /curl
proc.exepath = /bin/ls
proc.cmdline contains google
proc.cmdline icontains GOOGLE
proc.cmdline = "curl -6 http://www.google.com"
proc.cmdline startswith "sh -c"
proc.cmdline glob '*http*'
proc.args = ""
proc.args contains -
proc.cwd startswith /home
proc.cwd = /
proc.pid = 1
proc.ppid = 1
proc.vpid = 1
proc.vpid < 100
proc.sid = 0
proc.tty != 0
proc.nthreads > 1
proc.duration > 1000000000
proc.duration <= 5000000000 and evt.type = execve
proc.sname = bash
proc.loginshellid > 0
proc.aname[1] = bash
proc.aname[2] = sshd
proc.aname[3] exists
proc.aname[7] exists
proc.aname = bash
proc.aname in (dockerd, containerd, docker-containe)
proc.aname startswith system
proc.apid[1] = 1
proc.apid = 1
proc.pcmdline contains docker
thread.ismain = true
thread.tid < 1000
thread.vtid = 1
user.uid = 0
user.uid != 0
user.uid in (0, 1000)
user.name = root
user.name in (mstemm, ubuntu)
user.loginuid = -1
user.loginuid >= 0
user.loginname exists
group.gid = 0
group.name = root
fd.num < 3 and fd.num >= 0
fd.num > 100
fd.num in (0, 1, 2)
fd.num = -1
fd.type = ipv4
fd.type in (file, directory)
fd.typechar = u
fd.typechar = p
fd.name exists
not fd.name exists
fd.name = ""
fd.name contains /etc/
fd.name icontains ETC
fd.name startswith /usr/lib
fd.name endswith .so.6
fd.name glob /lib/x86_64-linux-gnu/*
fd.name glob '/etc/*.conf'
fd.name glob '*/?ibc*'
fd.name pmatch (/etc, /usr/lib)
fd.name pmatch (/proc)
fd.directory = /etc
fd.directory pmatch (/var/lib)
fd.filename = ld.so.cache
fd.filename in (passwd, group, hosts, resolv.conf)
fd.ip = 127.0.0.1
fd.ip = 10.0.2.15
fd.ip = 2001:4860:4860::8888
fd.ip != "0.0.0.0" and fd.typechar = 4
fd.sip = 172.24.0.2
fd.sip = "2001:db8::3"
fd.cip = 172.24.0.1
fd.lip = 127.0.0.1
fd.rip = 172.24.0.3
fd.net = 172.24.0.0/16
fd.net != 127.0.0.0/8 and fd.typechar = 4
fd.snet = 10.0.0.0/8
fd.snet in (172.16.0.0/12, 192.168.0.0/16)
fd.cnet = 127.0.0.0/8
fd.lnet = 10.0.0.0/8
fd.rnet = 172.16.0.0/12
fd.port = 80
fd.sport in (22, 80, 443, 3306)
fd.cport > 40000
fd.lport = 4001
fd.rport < 1024
fd.l4proto = tcp
fd.l4proto = udp
fd.l4proto != tcp and fd.typechar = 6
fd.sockfamily = unix
fd.sockfamily = ip
fd.is_server = true
fd.connected = true
fd.connected = false and fd.typechar = 4
fd.name_changed = true
evt.is_open_read = true
evt.is_open_write = true
evt.is_open_exec = true
evt.is_io_write = true and fd.typechar = p
evt.is_io_read = true
evt.io_dir = r
evt.is_wait = true
evt.failed = true
evt.category = file
evt.category = net
evt.buflen > 1000
evt.buffer contains GET
evt.cpu = 0
evt.latency > 1000000
evt.res = SUCCESS and evt.type = connect
evt.res startswith E
evt.res = ENOENT
evt.rawres < 0
evt.rawres >= 0 and evt.type = read
evt.rawres in (0, -2, -11)
evt.num > 1000 and evt.num < 1010
evt.info contains ENOENT
evt.args contains "res=0"
evt.arg.flags contains O_CREAT
evt.arg.flags contains O_RDONLY
evt.arg.flags contains CLONE_VM
evt.arg.flags contains MAP_PRIVATE
evt.arg.flags exists
evt.arg.fd contains /etc
evt.arg.name startswith /etc
evt.arg.path contains lib
evt.arg.domain = AF_INET6
evt.arg.res = 0
evt.arg[0] = 3
evt.arg[1] contains O_RDONLY
evt.rawarg.fd = 3
evt.rawarg.res < 0
evt.rawarg.flags > 0 and evt.type = open
container.id = 697956520d89
container.id != host
container.id exists and container.id != host
container.name = hopeful_taussig
container.image startswith gcr.io
container.image.repository endswith hyperkube-amd64
container.image.tag = latest
container.type = docker
container.privileged = true
container.privileged = false
k8s.ns.name = kube-system
k8s.pod.name startswith kubernetes-dashboard
not evt.type in (switch, select, futex)
(evt.type = open or evt.type = openat) and not fd.name startswith /proc
evt.dir = < and (fd.typechar = 4 or fd.typechar = 6)
not (proc.name = dockerd or proc.name = hyperkube) and evt.type = clone
evt.type = open or (evt.type = close and fd.num = 3)
not evt.type = switch and not evt.type = select and evt.dir = >
proc.name = curl and (fd.name contains google or fd.typechar = 6)
EOF

{
    printf '# Conditions of tests/cli/sysdig_conditions.sh, written by tests/sysdig/gen-conditions.sh\n'
    printf '# from %s (%d macros, %d rules) and its operator cases. Do not edit.\n' \
        "$(basename "$rules")" "$nmacros" "$nrules"
    printf '# NAME<TAB>CONDITION, or NAME<TAB>!<TAB>REASON<TAB>CONDITION when sysdig 0.29.3 cannot evaluate it.\n'
    awk '{ printf "op:%03d\t%s\n", NR, $0 }' "$tmp/ops" | cat "$tmp/resolved" - |
        while IFS=$'\t' read -r name cond; do
            if err=$(sysdig -r "$probe" -p '%evt.num' "$cond" 2>&1 >/dev/null); then
                printf '%s\t%s\n' "$name" "$cond"
            else
                # "filter error at position 10: filter error: unrecognized field proc.pexe at pos 1"
                reason=$(printf '%s' "$err" | sed -n '1s/^.*filter error: //p')
                printf '%s\t!\tsysdig 0.29.3 rejects it: %s\t%s\n' "$name" "${reason:-$err}" "$cond"
            fi
        done
} >"$out"
echo "$out: $(grep -vc -e '^#' -e $'\t!\t' "$out") conditions, $(grep -c $'\t!\t' "$out") that sysdig cannot evaluate"
