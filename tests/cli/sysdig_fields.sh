#!/bin/bash
# Differential test against sysdig 0.29.3: on every corpus capture sysdig can
# read, `falcoc filter CAP -p FORMAT` and `sysdig -r CAP -p FORMAT` print the
# same values, event by event, for every field of tests/sysdig/fields.txt.
# Rows are joined on evt.rawtime, thread.tid, evt.type and evt.dir; enter and
# exit events are both compared. Only the differences that
# tests/sysdig/known-differences.txt lists (with their reason) are excused;
# a listed difference that no longer occurs is reported as stale.
# usage: sysdig_fields.sh FALCOC SHARED_DIR   (cwd: repository root)
set -u -o pipefail
falcoc=$1 shared=$2
dir=tests/sysdig
. "$dir/lib.sh"

sd_require "$falcoc"

SD_TMP=$(mktemp -d)
trap 'rm -rf "$SD_TMP"' EXIT
mapfile -t fields < <(grep -v '^#' "$dir/fields.txt" | grep -v '^$')
fmt=$(sd_format "${fields[@]}")
SD_TRIM_FIELDS=$(sd_trim_fields "${fields[@]}")
{ printf '%s\n' "${fields[@]}"; echo "@row"; } >"$SD_TMP/items"
: >"$SD_TMP/mismatches"
fail=0 ncap=0 nrows=0
while read -r cap; do
    name=$(basename "$cap")
    sd_sysdig "$cap" "$fmt" >"$SD_TMP/sysdig" || {
        echo "FAIL: $name: sysdig failed: $(head -c 300 "$SD_TMP/err.sysdig")"
        fail=1
        continue
    }
    sd_ours "$falcoc" "$cap" "$fmt" >"$SD_TMP/ours" || {
        echo "FAIL: $name: falcoc filter failed: $(head -c 300 "$SD_TMP/err.ours")"
        fail=1
    }
    sd_cmp_fields "$name" "$SD_TMP/items" "$SD_TMP/sysdig" "$SD_TMP/ours" >>"$SD_TMP/mismatches"
    ncap=$((ncap + 1))
    nrows=$((nrows + $(wc -l <"$SD_TMP/sysdig")))
done < <(sd_captures "$shared" "$known")

echo "compared ${#fields[@]} fields on $ncap captures ($nrows events shown by sysdig)"
sd_judge "$SD_TMP/items" "$known" "$SD_TMP/mismatches" || fail=1
[ "$ncap" -gt 0 ] || { echo "FAIL: no capture compared"; fail=1; }
exit $fail
