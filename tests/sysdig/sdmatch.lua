-- sdmatch.lua - sysdig chisel for tests/cli/sysdig_conditions.sh: one
-- instance per condition, so that one pass over a capture evaluates them all.
-- Argument "FILE:N": line N of FILE is "NAME<TAB>CONDITION"; the chisel
-- filters on CONDITION and prints "N<TAB>rawtime:tid:type:dir" for each
-- matching event. Chisels also see events sysdig's printer hides (procinfo,
-- state-only events): the test keeps only the keys sysdig prints.
description = "prints the join key of the events a condition (line N of a file) matches"
short_description = "condition matches"
category = "misc"
args = { { name = "spec", description = "FILE:N", argtype = "string" } }

local num, cond
local f_s, f_ns, f_tid, f_type, f_dir

function on_set_arg(name, val)
    local file, n = val:match("^(.*):(%d+)$")
    local i = 0
    num = n
    for line in io.lines(file) do
        i = i + 1
        if i == tonumber(n) then cond = line:match("^[^\t]*\t(.*)$") end
    end
    return cond ~= nil
end

function on_init()
    chisel.set_filter(cond)
    -- evt.rawtime does not fit a Lua number exactly: print seconds and ns.
    f_s = chisel.request_field("evt.rawtime.s")
    f_ns = chisel.request_field("evt.rawtime.ns")
    f_tid = chisel.request_field("thread.tid")
    f_type = chisel.request_field("evt.type")
    f_dir = chisel.request_field("evt.dir")
    return true
end

function on_event()
    print(string.format("%s\t%d%09d:%s:%s:%s", num, evt.field(f_s), evt.field(f_ns),
        tostring(evt.field(f_tid)), tostring(evt.field(f_type)), tostring(evt.field(f_dir))))
    return true
end
