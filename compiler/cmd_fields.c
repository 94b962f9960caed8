/*
 * cmd_fields.c - `falcoc fields`: the field catalogue (fields.def, through
 * fc_fields.h) rendered for people or for tools.
 *
 * Text: one block per class (the name part before the first dot), fields in
 * catalogue order, name / type / wrapped description, like `falco --list`;
 * hidden (table-only) and removed fields are left out. JSON: an array with
 * every field, hidden and removed included, each
 * {"name", "type", "arg": null | {"syntax", "required"}, "flags": [...], "desc"}.
 * Output goes to stdout only; nothing is allocated.
 */
#include "cmd_fields.h"

#include "diag.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "fc_fields.h"

enum { NAME_COL = 34, TYPE_COL = 10, LINE_WIDTH = 100 };

static const char usage[] = "usage: falcoc fields [--json]\n";

static size_t class_len(const char *name)
{
    const char *dot = strchr(name, '.');
    return dot ? (size_t)(dot - name) : strlen(name);
}

static bool listed(const struct fc_field *f)
{
    return !(f->flags & (FC_FF_HIDDEN | FC_FF_REMOVED));
}

/* Print TEXT word-wrapped between column INDENT and LINE_WIDTH; the cursor
 * is already at INDENT. */
static void put_wrapped(FILE *out, const char *text, int indent)
{
    int width = LINE_WIDTH - indent, col = 0;
    const char *p = text;
    while (*p) {
        while (*p == ' ')
            p++;
        size_t w = strcspn(p, " ");
        if (!w)
            break;
        if (col > 0 && col + 1 + (int)w > width) {
            fprintf(out, "\n%*s", indent, "");
            col = 0;
        } else if (col > 0) {
            fputc(' ', out);
            col++;
        }
        fwrite(p, 1, w, out);
        col += (int)w;
        p += w;
    }
    fputc('\n', out);
}

static void print_text(FILE *out)
{
    static const char rule[] =
        "-----------------------------------------------------------------------------------------"
        "-----------";
    int n = fc_field_count();
    bool done[FC_FIELD_COUNT] = {false};

    /* Classes in the order they first appear; fields of a class stay in
     * catalogue order even where the table interleaves classes. */
    for (int i = 0; i < n; i++) {
        const struct fc_field *first = fc_field_get(i);
        if (done[i] || !listed(first))
            continue;
        size_t cl = class_len(first->name);
        fprintf(out, "%.*s\nField Class: %.*s\n\n", LINE_WIDTH, rule, (int)cl, first->name);
        for (int j = i; j < n; j++) {
            const struct fc_field *f = fc_field_get(j);
            if (done[j] || class_len(f->name) != cl || strncmp(f->name, first->name, cl) != 0)
                continue;
            done[j] = true;
            if (!listed(f))
                continue;
            int len = (int)strlen(f->name);
            if (len >= NAME_COL)
                fprintf(out, "%s\n%*s", f->name, NAME_COL, "");
            else
                fprintf(out, "%-*s", NAME_COL, f->name);
            fprintf(out, "%-*s", TYPE_COL, fc_type_name(f->type));

            /* The description, then what the table says beyond it. */
            char desc[1024];
            size_t k = (size_t)snprintf(desc, sizeof(desc), "%s", f->desc);
            if (f->argform != FC_ARG_NONE && k < sizeof(desc))
                k += (size_t)snprintf(desc + k, sizeof(desc) - k, " Argument: %s%s.",
                                      fc_argform_syntax(f->argform),
                                      fc_argform_required(f->argform) ? "" : ", optional");
            if ((f->flags & FC_FF_FILTER_ONLY) && k < sizeof(desc))
                k += (size_t)snprintf(desc + k, sizeof(desc) - k, " [filter only]");
            if ((f->flags & FC_FF_OUTPUT_ONLY) && k < sizeof(desc))
                k += (size_t)snprintf(desc + k, sizeof(desc) - k, " [output only]");
            if ((f->flags & FC_FF_DEPRECATED) && !strstr(f->desc, "eprecated") && k < sizeof(desc))
                snprintf(desc + k, sizeof(desc) - k, " [deprecated]");
            put_wrapped(out, desc, NAME_COL + TYPE_COL);
        }
        fputc('\n', out);
    }
}

/* One JSON writer for the project: diag.c's. */
static void put_json_string(FILE *out, const char *s)
{
    json_str(out, s, strlen(s));
}

static void print_json(FILE *out)
{
    int n = fc_field_count();
    fputs("[\n", out);
    for (int i = 0; i < n; i++) {
        const struct fc_field *f = fc_field_get(i);
        fputs("  {\"name\": ", out);
        put_json_string(out, f->name);
        fputs(", \"type\": ", out);
        put_json_string(out, fc_type_name(f->type));
        fputs(", \"arg\": ", out);
        if (f->argform == FC_ARG_NONE) {
            fputs("null", out);
        } else {
            fputs("{\"syntax\": ", out);
            put_json_string(out, fc_argform_syntax(f->argform));
            fprintf(out, ", \"required\": %s}", fc_argform_required(f->argform) ? "true" : "false");
        }
        fputs(", \"flags\": [", out);
        bool first = true;
        for (uint32_t bit = 1; bit; bit <<= 1) {
            const char *fname = (f->flags & bit) ? fc_flag_name(bit) : NULL;
            if (!fname)
                continue;
            if (!first)
                fputs(", ", out);
            put_json_string(out, fname);
            first = false;
        }
        fputs("], \"desc\": ", out);
        put_json_string(out, f->desc);
        fputs(i + 1 < n ? "},\n" : "}\n", out);
    }
    fputs("]\n", out);
}

int cmd_fields(int argc, char **argv)
{
    bool json = false;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--json")) {
            json = true;
        } else if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
            fputs(usage, stdout);
            return 0;
        } else {
            fprintf(stderr, "falcoc fields: unexpected argument '%s'\n%s", argv[i], usage);
            return 2;
        }
    }
    if (json)
        print_json(stdout);
    else
        print_text(stdout);
    return 0;
}
