#!/bin/bash
# Differential test against sysdig 0.29.3: on every corpus capture sysdig can
# read, each condition of tests/sysdig/conditions.txt (every macro and rule of
# falco_rules.yaml resolved, plus operator cases) matches the same events with
# `falcoc filter CAP COND` as with sysdig, events joined on evt.rawtime,
# thread.tid, evt.type and evt.dir, enter and exit events alike. Only the
# differences tests/sysdig/known-differences.txt lists are excused; the
# conditions sysdig cannot evaluate are listed (with the reason) as skipped.
#
# To stay fast, sysdig evaluates all conditions in one pass per capture (one
# instance of the chisel tests/sysdig/sdmatch.lua per condition), keeping the
# events its printer shows. A chisel evaluates its condition on the event as
# sysdig returns it, after the event updated the state: the point where Falco
# evaluates its rules and where -p prints fields (sysdig's command-line
# filter is evaluated before the event is fully handled and differs for a few
# fields: it sees fd.name of a failed open, which -p then prints as <NA>).
# falcoc runs once per condition that matched something in sysdig; the
# conditions that matched nothing are checked together by falcoc runs of
# their disjunction, halved until the ones that match something are found.
# usage: sysdig_conditions.sh FALCOC SHARED_DIR   (cwd: repository root)
set -u -o pipefail
falcoc=$1 shared=$2
dir=tests/sysdig
. "$dir/lib.sh"
jobs=${SYSDIFF_JOBS:-2}
sysdig=${SYSDIG:-sysdig}

sd_require "$falcoc"

SD_TMP=$(mktemp -d)
trap 'rm -rf "$SD_TMP"' EXIT
export SD_TMP falcoc SD_AGG
grep $'\t!\t' "$dir/conditions.txt" | awk -F'\t' '{ print "SKIP " $1 ": " $3 }'
grep -v '^#' "$dir/conditions.txt" | grep -v $'\t!\t' >"$SD_TMP/conds"
cut -f1 "$SD_TMP/conds" >"$SD_TMP/items"
# name and condition N in files i.N and c.N, for the runs to read
awk -F'\t' -v d="$SD_TMP" '{ print $1 > (d "/i." NR); close(d "/i." NR)
    sub(/^[^\t]*\t/, ""); print > (d "/c." NR); close(d "/c." NR) }' "$SD_TMP/conds"
ncond=$(wc -l <"$SD_TMP/conds")
keyfmt='*%evt.rawtime:%thread.tid:%evt.type:%evt.dir'
export keyfmt
chisel=$(realpath "$dir/sdmatch.lua")
# Two sysdig processes share the conditions (odd and even numbers), and the
# lengths of the conditions decide how they are put in disjunctions.
chisel_args=() chisel_args2=() clen=()
for ((i = 1; i <= ncond; i++)); do
    if ((i % 2)); then chisel_args+=(-c "$chisel" "$SD_TMP/conds:$i"); else chisel_args2+=(-c "$chisel" "$SD_TMP/conds:$i"); fi
done
mapfile -t clen < <(awk -F'\t' '{ print length($0) - length($1) }' "$SD_TMP/conds")

# one_cond N CAPTURE CAPNAME: run condition N with falcoc and compare the
# events it matched with sysdig's (cap/s.N); mismatches go to cap/m.N.
one_cond() {
    local n=$1 cap=$2 name=$3 d=$SD_TMP/cap
    if ! TZ=UTC LC_ALL=C "$falcoc" filter "$cap" "$(<"$SD_TMP/c.$n")" -p "$keyfmt" \
        >"$d/o.$n" 2>"$d/e.$n"; then
        printf '%s\t%s\t*\t1\tfalcoc filter failed: %s\n' "$(<"$SD_TMP/i.$n")" "$name" \
            "$(head -c 300 "$d/e.$n" | tr '\n\t' '  ')" >>"$d/m.$n"
    fi
    cmp -s "$d/s.$n" "$d/o.$n" ||
        sd_cmp_sets "$(<"$SD_TMP/i.$n")" "$name" "$d/s.$n" "$d/o.$n" "$d/common" >>"$d/m.$n"
}
export -f one_cond sd_cmp_sets

# matches_none CAPTURE N...: check that the disjunction of conditions N...
# matches no event with falcoc; if it does, halve the set until the
# conditions that match are found, and add them to "rerun".
matches_none() {
    local cap=$1 union= j
    shift
    for j in "$@"; do union+="($(<"$SD_TMP/c.$j")) or "; done
    nruns=$((nruns + 1))
    if out=$(TZ=UTC LC_ALL=C "$falcoc" filter "$cap" "${union% or }" -p "$keyfmt" -n 1 2>&1) &&
        [ -z "$out" ]; then
        return
    fi
    if [ $# -eq 1 ]; then
        rerun+=("$1")
    else
        local half=$(($# / 2))
        matches_none "$cap" "${@:1:half}"
        matches_none "$cap" "${@:half+1}"
    fi
}

: >"$SD_TMP/mismatches"
fail=0 ncap=0 nruns=0
while read -r cap; do
    name=$(basename "$cap")
    rm -rf "$SD_TMP/cap"
    mkdir -p "$SD_TMP/cap"
    # The events sysdig shows, then the ones each condition matches.
    TZ=UTC LC_ALL=C "$sysdig" -r "$cap" -p "$keyfmt" >"$SD_TMP/cap/shown" 2>"$SD_TMP/err" || {
        echo "FAIL: $name: sysdig failed: $(head -c 300 "$SD_TMP/err")"
        fail=1
        continue
    }
    # Events only one tool shows are not compared here (sysdig_fields.sh
    # reports them as "@row"): only the events both show count.
    TZ=UTC LC_ALL=C "$falcoc" filter "$cap" -p "$keyfmt" 2>/dev/null |
        LC_ALL=C awk 'NR == FNR { s[$0] = 1; next } $0 in s' "$SD_TMP/cap/shown" - >"$SD_TMP/cap/common"
    for ((i = 1; i <= ncond; i++)); do : >"$SD_TMP/cap/s.$i"; done
    matched() {
        TZ=UTC LC_ALL=C "$sysdig" -r "$cap" "$@" 2>>"$SD_TMP/err" |
            LC_ALL=C awk -F'\t' -v d="$SD_TMP/cap" 'NR == FNR { shown[$0] = 1; next }
                ($2 in shown) { print $2 > (d "/s." $1) }' "$SD_TMP/cap/shown" -
    }
    : >"$SD_TMP/err"
    matched "${chisel_args[@]}" &
    pid=$!
    st=0
    matched "${chisel_args2[@]}" || st=1
    wait $pid || st=1
    if [ $st -ne 0 ]; then
        echo "FAIL: $name: sysdig (chisels) failed: $(head -c 300 "$SD_TMP/err")"
        fail=1
        continue
    fi
    # Conditions sysdig matched nothing with go in disjunctions (each short
    # enough for one argument), the others run one by one.
    rerun=() runs=() batch=() blen=0
    for ((i = 1; i <= ncond + 1; i++)); do
        if [ $i -le "$ncond" ] && [ -s "$SD_TMP/cap/s.$i" ]; then
            runs+=("$i")
            continue
        fi
        len=${clen[i - 1]:-0}
        if [ ${#batch[@]} -gt 0 ] && { [ $i -gt "$ncond" ] || [ $((blen + len)) -ge 100000 ]; }; then
            matches_none "$cap" "${batch[@]}"
            batch=() blen=0
        fi
        [ $i -le "$ncond" ] || break
        batch+=("$i")
        blen=$((blen + len + 8))
    done
    runs+=("${rerun[@]}")
    nruns=$((nruns + ${#runs[@]}))
    if [ ${#runs[@]} -gt 0 ]; then
        printf '%s\n' "${runs[@]}" | xargs -P "$jobs" -I{} bash -c 'one_cond "$@"' _ {} "$cap" "$name"
    fi
    cat "$SD_TMP"/cap/m.* >>"$SD_TMP/mismatches" 2>/dev/null
    ncap=$((ncap + 1))
done < <(sd_captures "$shared" "$known")

echo "compared $ncond conditions on $ncap captures ($nruns falcoc runs)"
sd_judge "$SD_TMP/items" "$known" "$SD_TMP/mismatches" || fail=1
[ "$ncap" -gt 0 ] || { echo "FAIL: no capture compared"; fail=1; }
exit $fail
