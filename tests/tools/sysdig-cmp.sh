#!/usr/bin/env bash
# sysdig-cmp.sh - developer tool: print the same fields for every event of a
# capture with sysdig and with fcdump, joined on rawtime, tid, type and
# direction, and show the rows that differ.
#
#   sysdig-cmp.sh FCDUMP CAPTURE FIELD...
# Output: a diff (sysdig lines "-", ours "+"); exit 1 when they differ.
set -u -o pipefail
fcdump=$1 cap=$2
shift 2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
US=$'\x1f' RS=$'\x1e'
fmt="*%evt.rawtime${US}%thread.tid${US}%evt.type${US}%evt.dir"
for f in "$@"; do fmt+="${US}%${f}"; done
fmt+="$RS"
TZ=UTC LC_ALL=C sysdig -r "$cap" -p "$fmt" |
    sed -e 's/\\/\\\\/g' -e 's/\t/\\t/g' -e 's/\r/\\r/g' |
    awk 'BEGIN { RS = "\036\n"; FS = "\037"; OFS = "\t" } { gsub(/\n/, "\\n"); $1 = $1; print }' \
        >"$tmp/sysdig"
TZ=UTC LC_ALL=C "$fcdump" "$cap" "$@" >"$tmp/ours"
# sysdig does not know event codes past its table; keep the events it printed.
awk -F'\t' 'NR == FNR { k[$1 FS $2 FS $3 FS $4] = 1; next } ($1 FS $2 FS $3 FS $4) in k' \
    "$tmp/sysdig" "$tmp/ours" >"$tmp/ours.common"
diff "$tmp/sysdig" "$tmp/ours.common" >"$tmp/diff"
status=$?
head -c 20000 "$tmp/diff"
echo "rows: sysdig $(wc -l <"$tmp/sysdig"), ours $(wc -l <"$tmp/ours.common"), differing lines $(grep -c '^[<>]' "$tmp/diff")" >&2
exit $status
