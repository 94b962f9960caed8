/*
 * state_cgroup.c - containers: the container id a thread's cgroups name
 * (state-model.md §5.1, the matchers of the container plugin in their
 * order) and the container records the capture's `container` events
 * carry (§5.2, a small JSON reader for their payload).
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "state_int.h"

/* ------------------------------------------------------------------ */
/* cgroup path matchers */

struct span {
    const char *p;
    size_t n;
};

static bool ends_with(struct span s, const char *suf)
{
    size_t l = strlen(suf);
    return s.n >= l && !memcmp(s.p + s.n - l, suf, l);
}

/* last occurrence of needle in s at or after from; -1 if none */
static long last_of(struct span s, const char *needle, size_t from)
{
    size_t l = strlen(needle);
    if (l > s.n)
        return -1;
    for (size_t i = s.n - l + 1; i-- > from;)
        if (!memcmp(s.p + i, needle, l))
            return (long)i;
    return -1;
}

static bool all_hex(const char *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!isxdigit((unsigned char)p[i]))
            return false;
    return true;
}

/* The runc-style match of a (prefix, suffix) pair; short ids are accepted
 * only for the containerd matcher. */
static size_t runc_match(struct span s, const char *prefix, const char *suffix, bool allow_short,
                         char *out)
{
    long at = last_of(s, prefix, 0);
    if (at < 0)
        return 0;
    size_t start = (size_t)at + strlen(prefix);
    size_t end = s.n;
    if (*suffix) {
        long e = last_of(s, suffix, start);
        if (e < 0)
            return 0;
        end = (size_t)e;
    }
    if (end <= start)
        return 0;
    size_t n = end - start;
    const char *id = s.p + start;
    if (n == 64 && all_hex(id, n)) {
        memcpy(out, id, 12);
        return 12;
    }
    if (allow_short && n <= 64 && !memchr(id, '/', n) && !ends_with(s, ".service") &&
        !ends_with(s, ".slice") && !ends_with(s, ".scope")) {
        n = n > 12 ? 12 : n;
        memcpy(out, id, n);
        return n;
    }
    return 0;
}

static size_t match_pairs(struct span s, const char *const (*pairs)[2], size_t np, char *out)
{
    for (size_t i = 0; i < np; i++) {
        size_t n = runc_match(s, pairs[i][0], pairs[i][1], false, out);
        if (n)
            return n;
    }
    return 0;
}

static const char *const podman_pairs[][2] = {
    {"/libpod-", ".scope"},
    {"/libpod-", ".scope/container"},
    {"/libpod-", ""},
    {"/libpod-payload-", ".scope"},
    {"/libpod-payload-", ".scope/container"},
    {"/libpod-payload-", ""},
};
static const char *const docker_pairs[][2] = {{"/", ""}, {"/docker-", ".scope"}};
static const char *const cri_pairs[][2] = {
    {"/", ""},
    {"/crio-", ""},
    {"/cri-containerd-", ".scope"},
    {"/crio-", ".scope"},
    {":cri-containerd:", ""},
    {"/docker-", ".scope"},
    {"/nerdctl-", ".scope"},
};

static bool name_char(char c)
{
    return isalnum((unsigned char)c) || c == '.' || c == '_' || c == '-';
}

static size_t match_containerd(struct span s, char *out)
{
    if (s.n < 3 || s.p[0] != '/')
        return 0;
    size_t i = 1;
    while (i < s.n && name_char(s.p[i]))
        i++;
    if (i == 1 || i >= s.n || s.p[i] != '/')
        return 0;
    char prefix[300];
    if (i + 2 > sizeof(prefix))
        return 0;
    memcpy(prefix, s.p, i + 1);
    prefix[i + 1] = 0;
    return runc_match(s, prefix, "", true, out);
}

static size_t copy_id(const char *p, size_t n, char *out, size_t cap)
{
    if (n == 0 || n >= cap)
        return 0;
    memcpy(out, p, n);
    return n;
}

static size_t match_lxc(struct span s, char *out, size_t cap)
{
    static const char *const pre[] = {"/lxc/", "/lxc.payload/", "/lxc.payload."};
    for (size_t k = 0; k < 3; k++) {
        long at = last_of(s, pre[k], 0);
        if (at < 0)
            continue;
        size_t st = (size_t)at + strlen(pre[k]), e = st;
        while (e < s.n && s.p[e] != '/')
            e++;
        size_t n = copy_id(s.p + st, e - st, out, cap);
        if (n)
            return n;
    }
    return 0;
}

static size_t match_libvirt(struct span s, char *out, size_t cap)
{
    if (ends_with(s, ".libvirt-lxc")) {
        size_t e = s.n - strlen(".libvirt-lxc"), b = e;
        while (b > 0 && s.p[b - 1] != '/')
            b--;
        return copy_id(s.p + b, e - b, out, cap);
    }
    long at = last_of(s, "-lxc\\x2", 0);
    if (at >= 0) {
        size_t st = (size_t)at + strlen("-lxc\\x2");
        struct span rest = {s.p + st, s.n - st};
        size_t e;
        if (ends_with(rest, ".scope"))
            e = rest.n - 6;
        else if (ends_with(rest, ".scope/libvirt"))
            e = rest.n - 14;
        else
            e = 0;
        if (e)
            return copy_id(rest.p, e, out, cap);
    }
    at = last_of(s, "/libvirt/lxc/", 0);
    if (at >= 0) {
        size_t st = (size_t)at + strlen("/libvirt/lxc/");
        return copy_id(s.p + st, s.n - st, out, cap);
    }
    return 0;
}

static size_t match_bpm(struct span s, char *out, size_t cap)
{
    long at = last_of(s, "bpm-", 0);
    if (at < 0)
        return 0;
    size_t st = (size_t)at + 4, e = st;
    while (e < s.n && name_char(s.p[e]) && !(s.n - e >= 6 && !memcmp(s.p + e, ".scope", 6)))
        e++;
    if (e < s.n && memcmp(s.p + e, ".scope", s.n - e < 6 ? s.n - e : 6))
        return 0;
    return copy_id(s.p + st, e - st, out, cap);
}

static size_t match_path(struct span s, char *out, size_t cap)
{
    size_t n;
    if ((n = match_pairs(s, podman_pairs, sizeof(podman_pairs) / sizeof(podman_pairs[0]), out)))
        return n;
    if ((n = match_pairs(s, docker_pairs, sizeof(docker_pairs) / sizeof(docker_pairs[0]), out)))
        return n;
    if ((n = match_pairs(s, cri_pairs, sizeof(cri_pairs) / sizeof(cri_pairs[0]), out)))
        return n;
    if ((n = match_containerd(s, out)))
        return n;
    if ((n = match_lxc(s, out, cap)))
        return n;
    if ((n = match_libvirt(s, out, cap)))
        return n;
    return match_bpm(s, out, cap);
}

size_t st_cgroup_container_id(const struct fc_sb *cgroups, char *out, size_t cap)
{
    out[0] = 0;
    if (cap < 65 || !cgroups->p)
        return 0;
    const char *p = cgroups->p, *end = p + cgroups->len;
    while (p < end) {
        size_t l = strnlen(p, (size_t)(end - p));
        const char *eq = memchr(p, '=', l);
        if (eq) {
            struct span s = {eq + 1, l - (size_t)(eq + 1 - p)};
            if (s.n > 1) {
                size_t n = match_path(s, out, cap);
                if (n) {
                    out[n] = 0;
                    return n;
                }
            }
        }
        p += l + 1;
    }
    out[0] = 0;
    return 0;
}

/* ------------------------------------------------------------------ */
/* container records */

enum cstr {
    CS_ID,
    CS_FULL_ID,
    CS_NAME,
    CS_TYPE,
    CS_IMAGE,
    CS_IMAGE_ID,
    CS_REPO,
    CS_TAG,
    CS_DIGEST,
    CS_IP,
    CS_CNI,
    CS_HOST_PID,
    CS_HOST_NET,
    CS_HOST_IPC,
    CS_SANDBOX,
    CS_COUNT
};

struct cont {
    struct fc_container c;
    struct fc_sb s[CS_COUNT];
    struct fc_sb labels, mounts, pod_labels;
    struct cont *next;
};

struct conts {
    struct cont *head;
};

static const char *const type_names[] = {
    "docker", "lxc",        "libvirt-lxc", "mesos", "rkt", "",
    "cri",    "containerd", "cri-o",       "bpm",   "",    "podman",
};

static void cont_publish(struct cont *k)
{
    struct fc_container *c = &k->c;
    c->id = fc_sb_str(&k->s[CS_ID]);
    c->full_id = fc_sb_str(&k->s[k->s[CS_FULL_ID].len ? CS_FULL_ID : CS_ID]);
    c->name = fc_sb_str(&k->s[CS_NAME]);
    c->type = fc_sb_str(&k->s[CS_TYPE]);
    c->image = fc_sb_str(&k->s[CS_IMAGE]);
    c->image_id = fc_sb_str(&k->s[CS_IMAGE_ID]);
    c->image_repository = fc_sb_str(&k->s[CS_REPO]);
    c->image_tag = fc_sb_str(&k->s[CS_TAG]);
    c->image_digest = fc_sb_str(&k->s[CS_DIGEST]);
    c->ip = fc_sb_str(&k->s[CS_IP]);
    c->cni_json = fc_sb_str(&k->s[CS_CNI]);
    c->host_pid = fc_sb_str(&k->s[CS_HOST_PID]);
    c->host_network = fc_sb_str(&k->s[CS_HOST_NET]);
    c->host_ipc = fc_sb_str(&k->s[CS_HOST_IPC]);
    c->pod_sandbox_id = fc_sb_str(&k->s[CS_SANDBOX]);
    c->labels = &k->labels;
    c->mounts = &k->mounts;
    c->pod_labels = &k->pod_labels;
}

static struct cont *cont_get(struct fc_state *st, const char *id, size_t n)
{
    if (!st->conts && !(st->conts = calloc(1, sizeof(*st->conts))))
        return NULL;
    for (struct cont *k = st->conts->head; k; k = k->next)
        if (k->s[CS_ID].len == n && !memcmp(k->s[CS_ID].p, id, n))
            return k;
    struct cont *k = calloc(1, sizeof(*k));
    if (!k)
        return NULL;
    sb_set(&k->s[CS_ID], id, n);
    k->next = st->conts->head;
    st->conts->head = k;
    st->stats.containers++;
    cont_publish(k);
    return k;
}

static void cont_set_type(struct cont *k, uint64_t type)
{
    sb_setz(&k->s[CS_TYPE],
            type < sizeof(type_names) / sizeof(type_names[0]) ? type_names[type] : "");
}

const struct fc_container *st_container_add_simple(struct fc_state *st, const char *id,
                                                   size_t idlen, uint32_t type, const char *name,
                                                   size_t nlen, const char *image, size_t ilen)
{
    struct cont *k = cont_get(st, id, idlen);
    if (!k)
        return NULL;
    cont_set_type(k, type);
    sb_set(&k->s[CS_NAME], name, nlen);
    sb_set(&k->s[CS_IMAGE], image, ilen);
    k->c.has_metadata = true;
    cont_publish(k);
    return &k->c;
}

static void cont_free(struct cont *k)
{
    for (int i = 0; i < CS_COUNT; i++)
        free(k->s[i].p);
    free(k->labels.p);
    free(k->mounts.p);
    free(k->pod_labels.p);
    free(k);
}

/* The runtime reported the container gone: its record goes with it. */
static void cont_remove(struct fc_state *st, const char *id, size_t n)
{
    if (!st->conts)
        return;
    for (struct cont **pp = &st->conts->head; *pp; pp = &(*pp)->next)
        if ((*pp)->s[CS_ID].len == n && !memcmp((*pp)->s[CS_ID].p, id, n)) {
            struct cont *k = *pp;
            *pp = k->next;
            cont_free(k);
            st->stats.containers--;
            return;
        }
}

void st_containers_free(struct fc_state *st)
{
    if (!st->conts)
        return;
    struct cont *k = st->conts->head;
    while (k) {
        struct cont *nx = k->next;
        cont_free(k);
        k = nx;
    }
    free(st->conts);
    st->conts = NULL;
}

const struct fc_container *st_container_find(const struct fc_state *st, const char *id)
{
    if (!st->conts || !id)
        return NULL;
    size_t n = strlen(id);
    for (struct cont *k = st->conts->head; k; k = k->next)
        if (k->s[CS_ID].len == n && !memcmp(k->s[CS_ID].p, id, n))
            return &k->c;
    return NULL;
}

const char *st_container_ip(const struct fc_state *st, const char *id)
{
    const struct fc_container *c = st_container_find(st, id);
    return c ? c->ip : NULL;
}

bool st_any_container_ip(const struct fc_state *st, const uint8_t *addr)
{
    char want[16];
    snprintf(want, sizeof(want), "%u.%u.%u.%u", addr[0], addr[1], addr[2], addr[3]);
    for (struct cont *k = st->conts ? st->conts->head : NULL; k; k = k->next)
        if (k->s[CS_IP].len && !strcmp(k->s[CS_IP].p, want))
            return true;
    return false;
}

/* ------------------------------------------------------------------ */
/* a small JSON reader: enough for the container event payload */

struct jr {
    const char *p, *end;
    int depth;
};

static void ws(struct jr *j)
{
    while (j->p < j->end && (*j->p == ' ' || *j->p == '\t' || *j->p == '\n' || *j->p == '\r'))
        j->p++;
}

static bool lit(struct jr *j, char c)
{
    ws(j);
    if (j->p < j->end && *j->p == c) {
        j->p++;
        return true;
    }
    return false;
}

static void put_utf8(char *o, size_t *n, size_t cap, unsigned cp)
{
    char b[4];
    size_t l;
    if (cp < 0x80)
        b[0] = (char)cp, l = 1;
    else if (cp < 0x800)
        b[0] = (char)(0xc0 | cp >> 6), b[1] = (char)(0x80 | (cp & 0x3f)), l = 2;
    else
        b[0] = (char)(0xe0 | cp >> 12), b[1] = (char)(0x80 | ((cp >> 6) & 0x3f)),
        b[2] = (char)(0x80 | (cp & 0x3f)), l = 3;
    if (*n + l < cap) {
        memcpy(o + *n, b, l);
        *n += l;
    }
}

/* Reads a string into o (cap bytes, truncated); false when malformed. */
static bool jstr(struct jr *j, char *o, size_t cap, size_t *olen)
{
    size_t n = 0;
    if (!lit(j, '"'))
        return false;
    while (j->p < j->end && *j->p != '"') {
        char c = *j->p++;
        if (c == '\\' && j->p < j->end) {
            char e = *j->p++;
            switch (e) {
            case 'n':
                c = '\n';
                break;
            case 't':
                c = '\t';
                break;
            case 'r':
                c = '\r';
                break;
            case 'b':
                c = '\b';
                break;
            case 'f':
                c = '\f';
                break;
            case 'u': {
                unsigned cp = 0;
                for (int i = 0; i < 4 && j->p < j->end; i++, j->p++) {
                    char h = *j->p;
                    cp = cp * 16 +
                         (unsigned)(isdigit((unsigned char)h) ? h - '0' : (tolower(h) - 'a' + 10));
                }
                put_utf8(o, &n, cap, cp & 0xffff);
                continue;
            }
            default:
                c = e;
            }
        }
        if (n + 1 < cap)
            o[n++] = c;
    }
    if (j->p >= j->end)
        return false;
    j->p++;
    o[n < cap ? n : cap - 1] = 0;
    *olen = n;
    return true;
}

static bool jskip(struct jr *j)
{
    ws(j);
    if (j->p >= j->end || ++j->depth > 64)
        return false;
    bool ok = true;
    char c = *j->p;
    if (c == '"') {
        char tmp[1];
        size_t l;
        ok = jstr(j, tmp, sizeof(tmp), &l);
    } else if (c == '{' || c == '[') {
        char close = c == '{' ? '}' : ']';
        j->p++;
        if (!lit(j, close)) {
            do {
                if (c == '{') {
                    char tmp[1];
                    size_t l;
                    if (!jstr(j, tmp, sizeof(tmp), &l) || !lit(j, ':')) {
                        ok = false;
                        break;
                    }
                }
                if (!jskip(j)) {
                    ok = false;
                    break;
                }
            } while (lit(j, ','));
            ok = ok && lit(j, close);
        }
    } else {
        while (j->p < j->end && !strchr(",}] \t\r\n", *j->p))
            j->p++;
    }
    j->depth--;
    return ok;
}

/* A scalar as text: strings decoded, numbers/true/false/null verbatim. */
static bool jscalar(struct jr *j, char *o, size_t cap, size_t *olen)
{
    ws(j);
    if (j->p < j->end && *j->p == '"')
        return jstr(j, o, cap, olen);
    const char *b = j->p;
    if (!jskip(j))
        return false;
    size_t n = (size_t)(j->p - b);
    if (n >= cap)
        n = cap - 1;
    memcpy(o, b, n);
    o[n] = 0;
    *olen = n;
    return true;
}

/* appends "item\0" to a list */
static void list_add(struct fc_sb *l, const char *item, size_t n)
{
    char *buf = malloc(l->len + n + 2);
    if (!buf)
        return;
    if (l->len)
        memcpy(buf, l->p, l->len);
    memcpy(buf + l->len, item, n);
    buf[l->len + n] = 0;
    uint32_t items = l->n + 1;
    sb_set_list(l, buf, l->len + n + 1);
    l->n = items;
    free(buf);
}

static bool jlabels(struct jr *j, struct fc_sb *out)
{
    sb_set_list(out, "", 0);
    if (!lit(j, '{'))
        return jskip(j);
    if (lit(j, '}'))
        return true;
    char k[512], v[2048], item[2600];
    do {
        size_t kl, vl;
        if (!jstr(j, k, sizeof(k), &kl) || !lit(j, ':') || !jscalar(j, v, sizeof(v), &vl))
            return false;
        int n = snprintf(item, sizeof(item), "%s=%s", k, v);
        if (n > 0)
            list_add(out, item, (size_t)n < sizeof(item) ? (size_t)n : sizeof(item) - 1);
    } while (lit(j, ','));
    return lit(j, '}');
}

static void scopy(char *d, size_t cap, const char *v, size_t n)
{
    n = n < cap ? n : cap - 1;
    memcpy(d, v, n);
    d[n] = 0;
}

static bool jmounts(struct jr *j, struct fc_sb *out)
{
    sb_set_list(out, "", 0);
    if (!lit(j, '['))
        return jskip(j);
    if (lit(j, ']'))
        return true;
    do {
        char src[1024] = "", dst[1024] = "", mode[64] = "", rw[16] = "", prop[64] = "";
        if (!lit(j, '{'))
            return false;
        if (!lit(j, '}')) {
            do {
                char k[64], v[1024];
                size_t kl, vl;
                if (!jstr(j, k, sizeof(k), &kl) || !lit(j, ':') || !jscalar(j, v, sizeof(v), &vl))
                    return false;
                if (!strcmp(k, "Source"))
                    scopy(src, sizeof(src), v, vl);
                else if (!strcmp(k, "Destination"))
                    scopy(dst, sizeof(dst), v, vl);
                else if (!strcmp(k, "Mode"))
                    scopy(mode, sizeof(mode), v, vl);
                else if (!strcmp(k, "RW"))
                    scopy(rw, sizeof(rw), v, vl);
                else if (!strcmp(k, "Propagation"))
                    scopy(prop, sizeof(prop), v, vl);
            } while (lit(j, ','));
            if (!lit(j, '}'))
                return false;
        }
        char item[2300];
        int n = snprintf(item, sizeof(item), "%s:%s:%s:%s:%s", src, dst, mode, rw, prop);
        if (n > 0)
            list_add(out, item, (size_t)n < sizeof(item) ? (size_t)n : sizeof(item) - 1);
    } while (lit(j, ','));
    return lit(j, ']');
}

static const struct {
    const char *key;
    int slot;
} json_keys[] = {
    {"id", CS_ID},
    {"full_id", CS_FULL_ID},
    {"name", CS_NAME},
    {"image", CS_IMAGE},
    {"imageid", CS_IMAGE_ID},
    {"imagerepo", CS_REPO},
    {"imagetag", CS_TAG},
    {"imagedigest", CS_DIGEST},
    {"ip", CS_IP},
    {"cni_json", CS_CNI},
    {"host_pid", CS_HOST_PID},
    {"host_network", CS_HOST_NET},
    {"host_ipc", CS_HOST_IPC},
    {"pod_sandbox_id", CS_SANDBOX},
};

const struct fc_container *st_container_json(struct fc_state *st, const char *json, size_t len,
                                             bool removed)
{
    struct jr j = {json, json + len, 0};
    char key[64];
    size_t kl;
    const struct fc_container *stored = NULL;
    if (!lit(&j, '{') || !jstr(&j, key, sizeof(key), &kl) || strcmp(key, "container") ||
        !lit(&j, ':') || !lit(&j, '{'))
        return NULL;
    /* collect into a scratch record, then store under its id */
    struct cont tmp = {0};
    bool privileged = false, have_type = false;
    uint64_t type = 0;
    if (!lit(&j, '}')) {
        do {
            if (!jstr(&j, key, sizeof(key), &kl) || !lit(&j, ':'))
                goto out;
            size_t k;
            for (k = 0; k < sizeof(json_keys) / sizeof(json_keys[0]); k++)
                if (!strcmp(key, json_keys[k].key))
                    break;
            if (k < sizeof(json_keys) / sizeof(json_keys[0])) {
                char v[4096];
                size_t vl;
                if (!jscalar(&j, v, sizeof(v), &vl))
                    goto out;
                sb_set(&tmp.s[json_keys[k].slot], v, vl);
            } else if (!strcmp(key, "privileged")) {
                char v[16];
                size_t vl;
                if (!jscalar(&j, v, sizeof(v), &vl))
                    goto out;
                privileged = !strcmp(v, "true");
            } else if (!strcmp(key, "type")) {
                char v[32];
                size_t vl;
                if (!jscalar(&j, v, sizeof(v), &vl))
                    goto out;
                type = strtoull(v, NULL, 10);
                have_type = true;
            } else if (!strcmp(key, "labels")) {
                if (!jlabels(&j, &tmp.labels))
                    goto out;
            } else if (!strcmp(key, "pod_sandbox_labels")) {
                if (!jlabels(&j, &tmp.pod_labels))
                    goto out;
            } else if (!strcmp(key, "Mounts")) {
                if (!jmounts(&j, &tmp.mounts))
                    goto out;
            } else if (!jskip(&j)) {
                goto out;
            }
        } while (lit(&j, ','));
    }
    if (tmp.s[CS_ID].len && removed) {
        cont_remove(st, tmp.s[CS_ID].p, tmp.s[CS_ID].len);
    } else if (tmp.s[CS_ID].len) {
        struct cont *c = cont_get(st, tmp.s[CS_ID].p, tmp.s[CS_ID].len);
        if (c) {
            for (int i = 1; i < CS_COUNT; i++)
                if (i != CS_TYPE)
                    sb_copy(&c->s[i], &tmp.s[i]);
            sb_copy(&c->labels, &tmp.labels);
            sb_copy(&c->mounts, &tmp.mounts);
            sb_copy(&c->pod_labels, &tmp.pod_labels);
            if (have_type)
                cont_set_type(c, type);
            c->c.privileged = privileged;
            c->c.has_metadata = true;
            cont_publish(c);
            stored = &c->c;
        }
    }
out:
    for (int i = 0; i < CS_COUNT; i++)
        free(tmp.s[i].p);
    free(tmp.labels.p);
    free(tmp.mounts.p);
    free(tmp.pod_labels.p);
    return stored;
}
