/*
 * fuzz_rules.c - libFuzzer target for the whole front end: the input is a
 * rules file that goes through YAML, loading, resolution, checking and lint,
 * then through the three diagnostic renderers. Nothing may crash, hang or
 * leak, whatever the bytes.
 */
#include <stdint.h>
#include <stdio.h>

#include "session.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct session s;
    session_init(&s);
    s.diags.lint = true;
    session_load_bytes(&s, "fuzz.yaml", (const char *)data, size);
    session_compile(&s);
    diags_sort(&s.diags, (const struct source *const *)s.files, s.nfiles);
    FILE *null = fopen("/dev/null", "w");
    if (null) {
        diag_render_text(null, &s.diags, false);
        diag_render_falco_json(null, &s.diags, (const struct source *const *)s.files, s.nfiles);
        diag_render_sarif(null, &s.diags);
        fclose(null);
    }
    session_free(&s);
    return 0;
}
