/*
 * fuzz_format.c - libFuzzer target for run-time output formats and alert
 * rendering (fc_format.h, fc_alert.h).
 *
 * Input: the format text up to the first NUL; after it, NUL-separated
 * values given in turn to a fixed list of fields (text, numbers, lists,
 * buffers, addresses, container fields) of a field-vector event; values a
 * field refuses are left out. Each run compiles the format; a refused
 * format must carry a message and an offset inside the text. A compiled
 * one is rendered under every flag combination, field by field, and as a
 * rule alert in text and JSON form. Invariants: no crash, no leak, the
 * rendered length matches the buffer, and a JSON alert is valid UTF-8
 * without raw control characters.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fc_alert.h"
#include "fc_format.h"
#include "fc_fvec.h"
#include "fc_rt.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *const fields[] = {
    "proc.name",  "proc.cmdline", "fd.name",          "evt.buffer",     "proc.pid",
    "fd.types",   "evt.rawtime",  "evt.time",         "container.name", "fd.sip",
    "evt.failed", "fd.dev",       "proc.aname[1]",    "proc.aenv[0]",   "user.loginuid",
    "proc.args",  "container.id", "evt.time.iso8601", "proc.apid[1]",   "fd.sport",
};

static void check_json(const struct fc_fmt_buf *b)
{
    const unsigned char *s = (const unsigned char *)b->p;
    for (size_t i = 0; i < b->len;) {
        uint32_t cp;
        int l = fc_utf8_seq(s + i, b->len - i, &cp);
        if (l <= 0 || cp < 0x20)
            abort();
        i += (size_t)l;
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *in = (const char *)data;
    const char *nul = memchr(in, '\0', size);
    size_t flen = nul ? (size_t)(nul - in) : size;

    struct fvec fv;
    fvec_init(&fv);
    size_t at = flen + 1, k = 0;
    char err[256];
    while (nul && at <= size && k < sizeof(fields) / sizeof(*fields)) {
        const char *end = memchr(in + at, '\0', size - at);
        size_t vl = end ? (size_t)(end - (in + at)) : size - at;
        char *v = malloc(vl + 1);
        if (!v)
            break;
        memcpy(v, in + at, vl);
        v[vl] = '\0';
        const char *vals[] = {v, v};
        /* fd.types takes a list: the value twice */
        fvec_add(&fv, fields[k], vals, !strcmp(fields[k], "fd.types") ? 2 : 1, err, sizeof(err));
        free(v);
        k++;
        at += vl + 1;
    }

    struct fc_format f;
    struct fc_fmt_error e;
    uint32_t cflags = flen && (in[0] & 1) ? FC_FMT_ISO8601 : 0;
    int rc = fc_format_compile(&f, in, flen, cflags, &e);
    if (rc == -22 /* EINVAL */) {
        if (e.off > flen || !memchr(e.msg, '\0', sizeof(e.msg)) || !e.msg[0])
            abort();
    } else if (rc == 0) {
        struct fc_ctx c;
        struct fc_fmt_buf b = {0};
        if (fc_ctx_init(&c, &fvec_provider, f.frefs, f.nfrefs)) {
            c.data = &fv;
            for (uint32_t fl = 0; fl < 4; fl++) {
                fc_ctx_next_event(&c);
                int r = fc_format_render(&c, f.toks, f.ntoks, fl, &b);
                if (r > 0 && strlen(b.p) != b.len)
                    abort(); /* neither the text nor the values hold a NUL */
            }
            for (uint32_t i = 0; i < f.ntoks; i++) {
                b.len = 0;
                if (f.toks[i].fref >= 0 && fc_format_field(&c, &f.toks[i], FC_FMT_SANITIZE, &b) < 0)
                    abort();
            }
            static const char *const tags[] = {"a", "b"};
            struct fc_rule_desc rd = {.name = "fuzz\n\"rule\"",
                                      .source = "syscall",
                                      .tags = tags,
                                      .ntags = 2,
                                      .priority = flen ? (uint8_t)in[0] % 9 : 0,
                                      .out = f.toks,
                                      .nout = f.ntoks};
            for (uint32_t mode = 0; mode < 2; mode++) {
                struct fc_alerter al;
                uint32_t af = FC_ALERT_SUGGESTED | (mode ? FC_ALERT_JSON : 0) |
                              (cflags ? FC_ALERT_ISO8601 : 0);
                if (fc_alerter_init(&al, &fvec_provider, af, "host") == 0) {
                    fc_ctx_next_event(&c);
                    if (fc_alert_render(&al, &rd, &c, &b) == 0 && mode)
                        check_json(&b);
                    fc_alerter_free(&al);
                }
            }
            fc_ctx_fini(&c);
        }
        fc_fmt_buf_free(&b);
        fc_format_free(&f);
    }
    fvec_free(&fv);
    return 0;
}
