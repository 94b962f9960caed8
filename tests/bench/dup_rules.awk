# dup_rules.awk - writes COPIES copies of one rules file as a single bigger
# ruleset that still validates: in copy K every rule is renamed
# "NAME (copy K)" and every macro and list NAME becomes NAME_cK, with the
# references renamed to match (whole words only, so fields like proc.name are
# untouched). Plugin names (`name:` lines) are left alone, and a name that is
# also used as an event-type value (Falco's macro `dup` is the syscall dup)
# keeps its name, so each copy redefines it instead.
# usage: awk -v copies=20 -f dup_rules.awk falco_rules.yaml > big.yaml
{
    lines[NR] = $0
    if ($0 ~ /^- (macro|list): *[A-Za-z0-9_]+/) {
        n = $0
        sub(/^- (macro|list): */, "", n)
        sub(/[ \t].*$/, "", n)
        names[n] = 1
    }
    l = $0
    while (match(l, /evt\.type *(=|in) *(\([^)]*\)|[A-Za-z0-9_]+)/)) {
        v = substr(l, RSTART, RLENGTH)
        l = substr(l, RSTART + RLENGTH)
        sub(/^evt\.type *(=|in) */, "", v)
        while (match(v, /[A-Za-z0-9_]+/)) {
            evtval[substr(v, RSTART, RLENGTH)] = 1
            v = substr(v, RSTART + RLENGTH)
        }
    }
}
END {
    for (n in evtval)
        delete names[n]
    for (k = 1; k <= copies; k++)
        for (i = 1; i <= NR; i++) {
            l = lines[i]
            if (l ~ /^- rule: /) {
                print l " (copy " k ")"
                continue
            }
            if (l ~ /^ *-? *name: /) {
                print l
                continue
            }
            out = ""
            while (match(l, /[A-Za-z0-9_.]+/)) {
                w = substr(l, RSTART, RLENGTH)
                out = out substr(l, 1, RSTART - 1) ((w in names) ? w "_c" k : w)
                l = substr(l, RSTART + RLENGTH)
            }
            print out l
        }
}
