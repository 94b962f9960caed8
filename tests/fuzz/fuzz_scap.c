/*
 * fuzz_scap.c - libFuzzer target for the capture reader (runtime/scap.c).
 *
 * Input: any bytes, given to scap_open_mem as a capture (plain, or gzip when
 * they start with 1f 8b). Each run walks all metadata (machine, threads,
 * fds, users, groups, interfaces), then every event and every located
 * parameter byte, until the end or an error.
 *
 * Invariants checked (abort on violation): no crash, no hang, no leak; a
 * result is 1, 0 or a negative errno; an error always has a message naming
 * a block offset that is not past the bytes delivered; errors are sticky;
 * every parameter lies inside its event, and the event inside the reader.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fc_scap.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static volatile uint8_t sink;

static void touch(const void *p, size_t n)
{
    const uint8_t *b = p;
    uint8_t x = 0;
    for (size_t i = 0; i < n; i++)
        x ^= b[i];
    sink ^= x;
}

static void touch_str(struct scap_str s)
{
    touch(s.p, s.len);
}

static void walk_metadata(struct scap_reader *r)
{
    size_t n;
    const struct scap_machine *m = scap_machine(r);
    if (m)
        touch(m->hostname, strlen(m->hostname));
    const struct scap_thread *t = scap_threads(r, &n);
    for (size_t i = 0; i < n; i++) {
        touch_str(t[i].comm), touch_str(t[i].exe), touch_str(t[i].exepath);
        touch_str(t[i].args), touch_str(t[i].cwd), touch_str(t[i].env);
        touch_str(t[i].cgroups), touch_str(t[i].root);
    }
    const struct scap_fd *f = scap_fds(r, &n);
    for (size_t i = 0; i < n; i++)
        touch_str(f[i].name);
    const struct scap_user *u = scap_users(r, &n);
    for (size_t i = 0; i < n; i++)
        touch_str(u[i].name), touch_str(u[i].home), touch_str(u[i].shell);
    const struct scap_group *g = scap_groups(r, &n);
    for (size_t i = 0; i < n; i++)
        touch_str(g[i].name);
    const struct scap_iface *ifs = scap_ifaces(r, &n);
    for (size_t i = 0; i < n; i++)
        touch_str(ifs[i].name);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    int err = 0;
    struct scap_reader *r = scap_open_mem(data, size, &err);
    if (!r)
        return 0; /* out of memory only */
    walk_metadata(r);
    struct scap_event ev;
    int rc = err;
    uint32_t section = 0;
    while (!err && (rc = scap_next(r, &ev)) == 1) {
        if (ev.section != section) {
            section = ev.section;
            walk_metadata(r);
        }
        if (ev.nparams > SCAP_MAX_PARAMS || ev.nparams > ev.nparams_raw || ev.hdr_len < 26)
            abort();
        touch(ev.hdr, ev.hdr_len);
        for (uint32_t i = 0; i < ev.nparams; i++) {
            if (ev.len[i] &&
                (ev.param[i] < ev.hdr || ev.param[i] + ev.len[i] > ev.hdr + ev.hdr_len))
                abort();
            touch(ev.param[i], ev.len[i]);
        }
    }
    if (rc > 0)
        abort();
    if (rc < 0) {
        const char *msg = scap_error(r);
        if (strncmp(msg, "block at offset ", 16) != 0)
            abort();
        struct scap_event again;
        if (scap_next(r, &again) != rc)
            abort();
    } else if (scap_error(r)[0]) {
        abort();
    }
    scap_close(r);
    return 0;
}
