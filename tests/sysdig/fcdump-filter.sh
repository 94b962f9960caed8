#!/bin/bash
# fcdump-filter.sh - developer stand-in for `falcoc filter CAP -p FORMAT`
# (no condition) built on tests/tools/fcdump, to run sysdig_fields.sh before
# the filter command exists or to tell the state engine's differences from
# the output formatter's:
#   FCDUMP=build/tests/fcdump tests/cli/sysdig_fields.sh tests/sysdig/fcdump-filter.sh SHARED
# It understands only the formats sd_format writes; fcdump renders values
# plainly (no flag names, no sysdig text forms), so expect rendering noise.
set -u -o pipefail
[ "${1:-}" = filter ] || { echo "usage: $0 filter CAPTURE -p FORMAT" >&2; echo "  filter "; exit 2; }
cap=$2 fmt=${4#\*}
fmt=${fmt%$'\x1e'}
IFS=$'\x1f' read -r -a toks <<<"$fmt"
fields=()
for t in "${toks[@]:4}"; do fields+=("${t#%}"); done
"${FCDUMP:-build/tests/fcdump}" "$cap" "${fields[@]}" | LC_ALL=C awk -F'\t' '
    { for (i = 1; i <= NF; i++) { v = $i; gsub(/\\t/, "\t", v); gsub(/\\n/, "\n", v); gsub(/\\r/, "\r", v); gsub(/\\\\/, "\\", v)
        printf "%s%s", v, i < NF ? "\037" : "\036\n" } }'
