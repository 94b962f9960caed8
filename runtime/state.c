/*
 * state.c - the state engine (fc_state.h). Placeholder: no tables yet.
 */
#include <stdlib.h>

#include "fc_state.h"

struct fc_state {
    uint64_t num;
};

struct fc_state *fc_state_new(const struct fc_state_opts *opts)
{
    (void)opts;
    return calloc(1, sizeof(struct fc_state));
}

void fc_state_free(struct fc_state *st)
{
    free(st);
}

int fc_state_load_scap(struct fc_state *st, const struct scap_reader *r)
{
    (void)st;
    (void)r;
    return 0;
}

void fc_state_event(struct fc_state *st, const struct scap_event *ev, struct fc_pevent *pe)
{
    *pe = (struct fc_pevent){.ev = ev, .st = st, .num = ++st->num, .fdnum = -1};
}

struct fc_thread *fc_state_thread(const struct fc_state *st, int64_t tid)
{
    (void)st;
    (void)tid;
    return NULL;
}

struct fc_thread *fc_state_main(const struct fc_state *st, const struct fc_thread *t)
{
    (void)st;
    (void)t;
    return NULL;
}

struct fc_fd *fc_state_fd(const struct fc_state *st, const struct fc_thread *t, int64_t fd)
{
    (void)st;
    (void)t;
    (void)fd;
    return NULL;
}

uint32_t fc_state_fd_each(const struct fc_state *st, const struct fc_thread *t,
                          bool (*fn)(void *ud, const struct fc_fd *fd), void *ud)
{
    (void)st;
    (void)t;
    (void)fn;
    (void)ud;
    return 0;
}

const struct fc_user *fc_state_user(const struct fc_state *st, const char *container_id,
                                    uint32_t uid)
{
    (void)st;
    (void)container_id;
    (void)uid;
    return NULL;
}

const struct fc_group *fc_state_group(const struct fc_state *st, const char *container_id,
                                      uint32_t gid)
{
    (void)st;
    (void)container_id;
    (void)gid;
    return NULL;
}

const struct fc_container *fc_state_container(const struct fc_state *st, const char *id)
{
    (void)st;
    (void)id;
    return NULL;
}

bool fc_state_is_local(const struct fc_state *st, const struct fc_thread *t, int family,
                       const uint8_t *addr)
{
    (void)st;
    (void)t;
    (void)family;
    (void)addr;
    return false;
}

const struct scap_machine *fc_state_machine(const struct fc_state *st)
{
    (void)st;
    return NULL;
}

void fc_state_get_stats(const struct fc_state *st, struct fc_state_stats *out)
{
    (void)st;
    *out = (struct fc_state_stats){0};
}
