/*
 * replay.c - the capture replay loop (fc_replay.h).
 */
#include "fc_replay.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "events.h"

/* Metadata the capture writer puts before the first event: libsinsp
 * consumes it while opening the file, so sysdig never shows it. */
static bool leading_meta(uint16_t type)
{
    switch (type) {
    case PPME_CONTAINER_JSON_E:
    case PPME_CONTAINER_JSON_2_E:
    case PPME_USER_ADDED_E:
    case PPME_USER_DELETED_E:
    case PPME_GROUP_ADDED_E:
    case PPME_GROUP_DELETED_E:
        return true;
    default:
        return false;
    }
}

/* Is this event shown? sysdig hides state-only and internal events
 * (procinfo, ...) and the metadata at the start of each capture. */
static bool shown(const struct scap_event *ev, bool *leading)
{
    if (!leading_meta(ev->type))
        *leading = false;
    else if (*leading)
        return false;
    return !(ev->flags & SCAP_DF_STATE_ONLY) && !(ev_category(ev->type) & EC_INTERNAL);
}

int fc_replay_capture(const char *who, const char *path, fc_replay_fn fn, void *user,
                      uint64_t *nread)
{
    *nread = 0;
    int err = 0;
    struct scap_reader *rd = scap_open(path, &err);
    if (!rd) {
        fprintf(stderr, "%s: %s: %s\n", who, path, strerror(-err));
        return 1;
    }
    struct fc_state *st = fc_state_new(NULL);
    if (!st) {
        scap_close(rd);
        fprintf(stderr, "%s: out of memory\n", who);
        return 3;
    }
    fc_state_load_scap(st, rd);
    uint32_t section = 0;
    bool leading = true;
    struct scap_event ev;
    struct fc_pevent pe;
    int rc, status = 0;
    while ((rc = fc_state_next(st, rd, &ev, &pe)) > 0) {
        ++*nread;
        if (ev.section != section) { /* a new capture starts with its leading events */
            section = ev.section;
            leading = true;
        }
        if (!shown(&ev, &leading))
            continue;
        int k = fn(user, &ev, &pe);
        if (k < 0) {
            fprintf(stderr, "%s: out of memory\n", who);
            status = 3;
            break;
        }
        if (k)
            break;
    }
    if (rc < 0) {
        fflush(stdout);
        fprintf(stderr, "%s: %s: %s\n", who, path, scap_error(rd));
        status = 1;
    }
    fc_state_free(st);
    scap_close(rd);
    return status;
}
