# lib.sh - shared pieces of the differential tests against sysdig 0.29.3
# (tests/cli/sysdig_fields.sh, tests/cli/sysdig_conditions.sh). Sourced, not run.
#
# Both tools print the same -p format: the join key (evt.rawtime, thread.tid,
# evt.type, evt.dir) and then the values under test, separated by the ASCII
# unit separator and ended by the record separator, so that no value (command
# lines, buffers) can break a row. sd_rows turns that into one tab-separated
# line per event whose first column is the key plus the occurrence number of
# that key (two events may share all four parts), with backslash, tab, newline
# and CR inside values escaped as \\ \t \n \r.

# The differences both tests excuse, with their reasons.
known=$(dirname "${BASH_SOURCE[0]}")/known-differences.txt
export SD_KNOWN=$known

SD_US=$'\x1f'
SD_RS=$'\x1e'

# sd_format FIELD... -> the -p format (with sysdig's leading '*': print events
# whose fields are absent too, as <NA>).
sd_format() {
    local fmt="*%evt.rawtime${SD_US}%thread.tid${SD_US}%evt.type${SD_US}%evt.dir" f
    for f in "$@"; do fmt+="${SD_US}%${f}"; done
    printf '%s' "$fmt$SD_RS"
}

# sd_rows < raw output > rows
sd_rows() {
    LC_ALL=C awk 'BEGIN { RS = "\036\n?"; FS = "\037"; OFS = "\t" }
        {
            gsub(/\\/, "\\\\"); gsub(/\t/, "\\t"); gsub(/\r/, "\\r"); gsub(/\n/, "\\n")
            key = $1 ":" $2 ":" $3 ":" $4
            n = ++seen[key]
            line = key "#" n
            for (i = 5; i <= NF; i++) line = line OFS $i
            print line
        }'
}

# sd_sysdig CAPTURE FORMAT [CONDITION] > rows; sysdig's status is returned.
# Oracle normalisations (differences of the sysdig command line, not of
# libsinsp):
# - -v: without it the sysdig CLI cuts every data buffer it prints (evt.buffer,
#   evt.arg.data, evt.args) to 80 characters ending in "..."; libsinsp itself
#   does not cut them (its output length limit is 0 unless a tool sets one, as
#   Falco does not). -v's summary goes to stderr.
# - evt.args / evt.info: the 2022 libsinsp ends them with the space that
#   follows every parameter; current libsinsp drops that last space
#   (sinsp_filtercheck_event.cpp, TYPE_ARGS). One trailing space is removed
#   from sysdig's value of these two fields (SD_TRIM_FIELDS: their 1-based
#   positions among the printed fields). In the same two fields:
#   - an empty buffer parameter (data, args, env, cgroups: the PT_BYTEBUF
#     names of these events), which the 2022 libsinsp printed as nothing, is
#     "NULL" in current libsinsp (event.cpp, get_param_as_str: an empty
#     parameter renders NULL), so sysdig's "data=" becomes "data=NULL";
#   - mmap/mmap2 exits: res was PT_UINT64 printed in hex in the 2022 schema;
#     it is PT_ERRNO now (spec/events.tsv), which libsinsp prints in decimal,
#     so a leading "res=HEX" of these events is converted to decimal (only
#     addresses below 2^53, which awk holds exactly; others stay as printed).
sd_sysdig() {
    local cap=$1 fmt=$2
    shift 2
    TZ=UTC LC_ALL=C "${SYSDIG:-sysdig}" -v -r "$cap" -p "$fmt" "$@" >"$SD_TMP/raw.sysdig" 2>"$SD_TMP/err.sysdig"
    local rc=$?
    sd_rows <"$SD_TMP/raw.sysdig" | sd_trim_args
    return $rc
}

# sd_trim_fields FIELD...: the value of SD_TRIM_FIELDS for these fields.
sd_trim_fields() {
    local i=0 f out=
    for f in "$@"; do
        i=$((i + 1))
        case $f in evt.args | evt.info) out+="$i " ;; esac
    done
    printf '%s' "$out"
}

# sd_trim_args < rows > rows: drop one trailing space of the fields listed
# in SD_TRIM_FIELDS (column 1 is the key, so field i is column i + 1).
sd_trim_args() {
    if [ -z "${SD_TRIM_FIELDS:-}" ]; then
        cat
        return
    fi
    LC_ALL=C awk -F'\t' -v OFS='\t' -v cols="$SD_TRIM_FIELDS" '
        BEGIN { n = split(cols, c, " "); nb = split("data data:tuple args:tid env env:tty cgroups:env", bufs, " ") }
        function hex2dec(h,   i, v) {
            v = 0
            for (i = 1; i <= length(h); i++) v = v * 16 + index("0123456789ABCDEF", substr(h, i, 1)) - 1
            return sprintf("%.0f", v)
        }
        {
            mmapx = $1 ~ /^[0-9]+:[0-9]+:mmap2?:</
            for (i = 1; i <= n; i++) {
                k = c[i] + 1
                sub(/ $/, "", $k)
                # only where the next parameter (or the end) follows
                # directly: a buffer may itself start with a space
                for (j = 1; j <= nb; j++) {
                    split(bufs[j], bn, ":")
                    if (bn[2] == "") {
                        if ($k ~ (" " bn[1] "=$")) $k = $k "NULL"
                    } else
                        sub(" " bn[1] "= " bn[2] "=", " " bn[1] "=NULL " bn[2] "=", $k)
                }
                if (mmapx && match($k, /^res=[0-9A-F]+( |$)/) && RLENGTH <= 18) {
                    h = substr($k, 5, RLENGTH - 4)
                    sub(/ $/, "", h)
                    $k = "res=" hex2dec(h) substr($k, 5 + length(h))
                }
            }
            print
        }'
}

# sd_ours FALCOC CAPTURE FORMAT [CONDITION] > rows; falcoc's status is returned.
sd_ours() {
    local falcoc=$1 cap=$2 fmt=$3
    shift 3
    TZ=UTC LC_ALL=C "$falcoc" filter "$cap" "$@" -p "$fmt" >"$SD_TMP/raw.ours" 2>"$SD_TMP/err.ours"
    local rc=$?
    sd_rows <"$SD_TMP/raw.ours"
    return $rc
}

# sd_require FALCOC: both tools are there, or the test fails (exit 1): a
# comparison that cannot run must not pass.
sd_require() {
    if ! command -v "${SYSDIG:-sysdig}" >/dev/null; then
        echo "FAIL: sysdig is not installed (scripts/install-deps.sh installs it)"
        exit 1
    fi
    if ! grep -qE '^ +filter ' < <("$1" 2>&1); then
        echo "FAIL: $1 has no filter command"
        exit 1
    fi
}

# sd_captures SHARED KNOWN: the corpus captures, minus the ones the known
# differences file marks as unreadable by sysdig (item "@capture").
sd_captures() {
    local shared=$1 known=$2 cap
    for cap in "$shared"/corpus/captures/*.scap; do
        awk -F'\t' -v c="$(basename "$cap")" '$1 == "@capture" && $2 == c { found = 1 } END { exit !found }' \
            "$known" || printf '%s\n' "$cap"
    done
}

# Mismatches are aggregated per (item, capture, event type): one line with
# item, capture, type, count and up to three examples ("key: sysdig=V
# ours=V", separated by the group separator \035). A mismatch that an entry
# of the known-differences file (awk variable "known") covers is counted
# under item "@known:LINE" instead.
SD_AGG='
    function load_known(f,   line, n, p, i) {
        while ((getline line < f) > 0) {
            n++
            if (line ~ /^#/ || line == "") continue
            split(line, p, "\t")
            nk++; kitem[nk] = p[1]; kcap[nk] = p[2]; kline[nk] = n
            kby[p[1], ++kn[p[1]]] = nk # the entries of each item, in file order
            ntok[nk] = split(p[3], t, ",")
            for (i = 1; i <= ntok[nk]; i++) ktok[nk, i] = t[i]
            i = index(p[4], "=>")
            ks[nk] = i ? substr(p[4], 1, i - 1) : "*"
            ko[nk] = i ? substr(p[4], i + 2) : "*"
        }
        close(f)
    }
    # EVENTS tokens: *, an event type, a direction, or FIELD=VALUE: sysdig
    # printed VALUE for FIELD (another compared field) on the same event.
    function event_hit(j, type, dir,   i, tk, e) {
        for (i = 1; i <= ntok[j]; i++) {
            tk = ktok[j, i]
            if (tk == "*" || tk == type || tk == dir) return 1
            if ((e = index(tk, "=")) && (substr(tk, 1, e - 1) in rowv) &&
                rowv[substr(tk, 1, e - 1)] == substr(tk, e + 1)) return 1
        }
        return 0
    }
    function entry_hit(j, cap, type, dir, sv, ov) {
        return (kcap[j] == "*" || kcap[j] == cap) && event_hit(j, type, dir) &&
               (ks[j] == "*" || ks[j] == sv) && (ko[j] == "*" || ko[j] == ov)
    }
    # The first entry in file order that covers the mismatch: among the
    # item'"'"'s own entries and, for conditions, the "@condition" ones.
    function known_hit(item, cap, type, dir, sv, ov,   i, j, c) {
        for (i = 1; i <= kn[item]; i++)
            if (entry_hit(j = kby[item, i], cap, type, dir, sv, ov))
                break
        if (i > kn[item]) j = 0
        if (item ~ /^(op|macro|rule):/)
            for (i = 1; i <= kn["@condition"] && (!j || kby["@condition", i] < j); i++)
                if (entry_hit(c = kby["@condition", i], cap, type, dir, sv, ov))
                    return c
        return j
    }
    function cut(s) { return length(s) > 160 ? substr(s, 1, 160) "..." : s }
    function miss(item, cap, type, key, sv, ov,   g, j, p) {
        if (!loaded) { loaded = 1; if (known != "") load_known(known) }
        split(key, p, "[:#]")
        if ((j = known_hit(item, cap, type, p[4], sv, ov))) item = "@known:" kline[j]
        g = item "\t" cap "\t" type
        if (!(g in cnt)) grp[++ng] = g
        if (++cnt[g] <= 3 && item !~ /^@known:/)
            ex[g] = ex[g] (cnt[g] > 1 ? "\035" : "") key ": sysdig=" cut(sv) " ours=" cut(ov)
    }
    function flush(   i) { for (i = 1; i <= ng; i++) print grp[i], cnt[grp[i]], ex[grp[i]] }
    function type_of(k,   p) { split(k, p, ":"); return p[3] }
'

# sd_cmp_fields CAPNAME FIELDS_FILE SYSDIG_ROWS OUR_ROWS >> mismatches
# Compares the values of every field event by event; a row printed by one
# tool only is item "@row".
sd_cmp_fields() {
    LC_ALL=C awk -F'\t' -v OFS='\t' -v cap="$1" -v known="$SD_KNOWN" "$SD_AGG"'
        FILENAME == ARGV[1] { if ($0 !~ /^#/ && $0 != "") name[++nf] = $0; next }
        FILENAME == ARGV[2] { row[$1] = $0; next }
        {
            if (!($1 in row)) { miss("@row", cap, type_of($1), $1, "(absent)", "(present)"); next }
            if (row[$1] != $0) {
                split(row[$1], s, "\t")
                split($0, o, "\t")
                for (i = 2; i <= nf + 1; i++) rowv[name[i - 1]] = s[i]
                for (i = 2; i <= nf + 1; i++)
                    if (s[i] != o[i]) miss(name[i - 1], cap, type_of($1), $1, s[i], o[i])
            }
            delete row[$1]
        }
        END {
            for (k in row) miss("@row", cap, type_of(k), k, "(present)", "(absent)")
            flush()
        }' "$2" "$3" "$4"
}

# sd_cmp_sets ITEM CAPNAME SYSDIG_KEYS OUR_KEYS [COMMON_KEYS] >> mismatches
# Compares the sets of events two runs of a condition matched, given as one
# key (rawtime:tid:type:dir) per line; a key printed twice is two events.
# With COMMON_KEYS only the events listed there count (events one tool does
# not show at all are the fields test's "@row" differences).
sd_cmp_sets() {
    LC_ALL=C awk -F'\t' -v OFS='\t' -v item="$1" -v cap="$2" -v known="$SD_KNOWN" \
        -v with_common="${5:+1}" "$SD_AGG"'
        with_common && FILENAME == ARGV[1] { common[$0] = 1; next }
        FILENAME == ARGV[1 + with_common] { if (!with_common || $0 in common) in_s[$0 "#" ++ns[$0]] = 1; next }
        {
            if (with_common && !($0 in common)) next
            k = $0 "#" ++no[$0]
            if (k in in_s) delete in_s[k]; else miss(item, cap, type_of(k), k, "no", "match")
        }
        END {
            for (k in in_s) miss(item, cap, type_of(k), k, "match", "no")
            flush()
        }' ${5:+"$5"} "$3" "$4"
}

# sd_judge ITEMS_FILE KNOWN MISMATCHES: print per item the count of
# unexcused differences with up to three examples, and the known entries for
# tested items that matched nothing (stale: reported, not a failure).
# Returns 1 when something is unexcused.
sd_judge() {
    LC_ALL=C awk -F'\t' '
        FILENAME == ARGV[1] { if ($0 !~ /^#/ && $0 != "") { sub(/\t.*/, ""); tested[$0] = 1 } next }
        FILENAME == ARGV[2] {
            if ($0 ~ /^#/ || $0 == "") next
            nk++; kitem[nk] = $1; kline[nk] = FNR; kdesc[nk] = $1 " " $2 " " $3 " " $4
            next
        }
        $1 ~ /^@known:/ { used[substr($1, 8)] += $4; nexc += $4; next }
        {
            if (!($1 in bad)) order[++ni] = $1
            bad[$1] += $4
            if (nex[$1] < 3) {
                n = split($5, e, "\035")
                for (i = 1; i <= n && nex[$1] < 3; i++) { nex[$1]++; ex[$1] = ex[$1] "    " $2 " " e[i] "\n" }
            }
            where[$1] = where[$1] " " $2 "/" $3 "=" $4
        }
        END {
            for (i = 1; i <= ni; i++) {
                it = order[i]
                w = where[it]
                if (length(w) > 300) w = substr(w, 1, 300) " ..."
                printf "DIFF %s: %d differences\n    where:%s\n%s", it, bad[it], w, ex[it]
                ndiff += bad[it]
            }
            for (j = 1; j <= nk; j++)
                if (!used[kline[j]] && kitem[j] in tested)
                    printf "STALE known difference (line %d: %s): no longer occurs\n", kline[j], kdesc[j]
            printf "%d unexcused differences in %d items, %d known differences excused\n", ndiff, ni, nexc
            exit ni > 0
        }' "$1" "$2" "$3"
}
