/*
 * x_cont.c - extractors of container.* and k8s.* (extract.h), as Falco's
 * container plugin answers them (state-model.md §5).
 *
 * The thread's container_id is known at once ("" = host). Everything else
 * comes from the container's metadata record: until it has arrived only
 * container.id, container.start_ts and container.duration have values.
 * The host answers like a record of its own: id, full id, name and type
 * "host", empty strings, false booleans, no labels and no mounts. k8s
 * fields come from the container's labels and pod sandbox data (a CRI
 * container without the sandbox's data borrows it from the sandbox's own
 * record); the deprecated ones, which needed the Kubernetes API, never
 * have a value. On a container event itself the fields describe the
 * container the event carries.
 */
#include <fnmatch.h>
#include <stdlib.h>
#include <string.h>

#include "extract.h"
#include "fc_fields.h"

static const struct fc_sb no_items;

static const struct fc_container host = {
    .id = "host",
    .full_id = "host",
    .name = "host",
    .type = "host",
    .image = "",
    .image_id = "",
    .image_repository = "",
    .image_tag = "",
    .image_digest = "",
    .ip = "",
    .cni_json = "",
    .host_pid = "",
    .host_network = "",
    .host_ipc = "",
    .pod_sandbox_id = "",
    .labels = &no_items,
    .mounts = &no_items,
    .pod_labels = &no_items,
    .has_metadata = true,
};

/* Boolean metadata kept as text by the state. */
static bool truthy(const char *s)
{
    return s && (!strcmp(s, "true") || !strcmp(s, "1"));
}

/* ---- lists of the record: NUL-separated items, n of them ---------------- */

static const char *item_next(const struct fc_sb *l, const char *it)
{
    const char *end = fc_sb_str(l) + l->len;
    if (!it)
        return l->n && l->p ? l->p : NULL;
    it += strlen(it) + 1;
    return it < end ? it : NULL;
}

/* A "key=value" label: the key's length. */
static size_t key_len(const char *item)
{
    const char *eq = strchr(item, '=');
    return eq ? (size_t)(eq - item) : strlen(item);
}

static const char *label_value(const struct fc_sb *labels, const char *key, size_t klen)
{
    for (const char *it = item_next(labels, NULL); it; it = item_next(labels, it))
        if (key_len(it) == klen && !memcmp(it, key, klen))
            return it[klen] == '=' ? it + klen + 1 : it + klen;
    return NULL;
}

static int by_key(const void *a, const void *b)
{
    const char *x = *(const char *const *)a, *y = *(const char *const *)b;
    size_t kx = key_len(x), ky = key_len(y);
    int r = memcmp(x, y, kx < ky ? kx : ky);
    return r ? r : (kx > ky) - (kx < ky);
}

static bool hidden_label(const char *item)
{
    return !strncmp(item, "annotation.", 11) || !strncmp(item, "io.kubernetes.", 14);
}

/* container.labels: "k:v" items sorted by key, joined by ", ", without the
 * annotation. and io.kubernetes. keys; an empty value leaves just "k". */
static bool render_labels(const struct fc_ctx *c, const struct fc_sb *labels, struct fc_xv *out)
{
    uint32_t n = 0;
    size_t total = 0;
    for (const char *it = item_next(labels, NULL); it; it = item_next(labels, it))
        if (!hidden_label(it)) {
            n++;
            total += strlen(it) + 2;
        }
    if (!n)
        return fc_xv_str(out, "", 0);
    const char **v = fc_scratch_alloc(c->scratch, n * sizeof(*v));
    char *buf = fc_scratch_alloc(c->scratch, total + 1);
    if (!v || !buf)
        return false;
    uint32_t k = 0;
    for (const char *it = item_next(labels, NULL); it && k < n; it = item_next(labels, it))
        if (!hidden_label(it))
            v[k++] = it;
    qsort(v, n, sizeof(*v), by_key);
    size_t len = 0;
    for (uint32_t j = 0; j < n; j++) {
        size_t kl = key_len(v[j]);
        const char *val = v[j][kl] == '=' ? v[j] + kl + 1 : "";
        if (j) {
            memcpy(buf + len, ", ", 2);
            len += 2;
        }
        memcpy(buf + len, v[j], kl);
        len += kl;
        if (*val) {
            buf[len++] = ':';
            size_t vl = strlen(val);
            memcpy(buf + len, val, vl);
            len += vl;
        }
    }
    buf[len] = '\0';
    return fc_xv_str(out, buf, len);
}

/* ---- mounts: "source:dest:mode:rdwr:propagation" ------------------------ */

struct mount {
    const char *item, *src, *dst, *mode, *rdwr, *prop;
    size_t item_len, src_len, dst_len, mode_len, rdwr_len, prop_len;
};

/* Splits an item: the last three fields from the right (they hold no ':'),
 * the source up to the first ':' of the rest. */
static bool mount_split(const char *item, struct mount *m)
{
    size_t n = strlen(item);
    const char *cut[3];
    size_t end = n;
    for (int k = 2; k >= 0; k--) {
        const char *p = end ? memrchr(item, ':', end) : NULL;
        if (!p)
            return false;
        cut[k] = p;
        end = (size_t)(p - item);
    }
    const char *c1 = memchr(item, ':', end);
    if (!c1)
        return false;
    *m = (struct mount){item, item, c1 + 1, cut[0] + 1, cut[1] + 1, cut[2] + 1, n, 0, 0, 0, 0, 0};
    m->src_len = (size_t)(c1 - item);
    m->dst_len = (size_t)(cut[0] - (c1 + 1));
    m->mode_len = (size_t)(cut[1] - m->mode);
    m->rdwr_len = (size_t)(cut[2] - m->rdwr);
    m->prop_len = n - (size_t)(m->prop - item);
    return true;
}

/* The mount chosen by [N], or by a glob on its source ([PATH]; for
 * container.mount.source, on its destination). */
static bool mount_select(const struct fc_ctx *c, const struct fc_sb *mounts,
                         const struct fc_fref *f, struct mount *m)
{
    uint64_t k = 0;
    bool by_dest = f->field == FC_F_CONTAINER_MOUNT_SOURCE;
    for (const char *it = item_next(mounts, NULL); it; it = item_next(mounts, it), k++) {
        if (!mount_split(it, m))
            continue;
        if (f->argkind == FC_ARGV_INDEX) {
            if (k == f->index)
                return true;
            continue;
        }
        if (!f->key)
            return false;
        const char *s = by_dest ? m->dst : m->src;
        char *path = fc_x_strdup(c, s, (uint32_t)(by_dest ? m->dst_len : m->src_len));
        if (path && fnmatch(f->key, path, 0) == 0)
            return true;
    }
    return false;
}

static bool mount_field(const struct fc_ctx *c, const struct fc_container *ct,
                        const struct fc_fref *f, struct fc_xv *out)
{
    struct mount m;
    if (!mount_select(c, ct->mounts, f, &m))
        return false;
    switch (f->field) {
    case FC_F_CONTAINER_MOUNT:
        return fc_xv_str(out, m.item, m.item_len);
    case FC_F_CONTAINER_MOUNT_SOURCE:
        return fc_xv_str(out, m.src, m.src_len);
    case FC_F_CONTAINER_MOUNT_DEST:
        return fc_xv_str(out, m.dst, m.dst_len);
    case FC_F_CONTAINER_MOUNT_MODE:
        return fc_xv_str(out, m.mode, m.mode_len);
    case FC_F_CONTAINER_MOUNT_RDWR: {
        bool rw = (m.rdwr_len == 4 && !memcmp(m.rdwr, "true", 4)) ||
                  (m.rdwr_len == 2 && !memcmp(m.rdwr, "rw", 2)) ||
                  (m.rdwr_len == 1 && m.rdwr[0] == '1');
        return fc_xv_cstr(out, rw ? "true" : "false");
    }
    default:
        return fc_xv_str(out, m.prop, m.prop_len);
    }
}

/* container.mounts: every item, comma-separated. */
static bool render_mounts(const struct fc_ctx *c, const struct fc_sb *mounts, struct fc_xv *out)
{
    if (!mounts->n || !mounts->p)
        return fc_xv_str(out, "", 0);
    char *buf = fc_x_strdup(c, mounts->p, mounts->len);
    if (!buf)
        return false;
    uint32_t len = mounts->len;
    while (len && buf[len - 1] == '\0') /* the last item's NUL */
        len--;
    for (uint32_t k = 0; k < len; k++)
        if (buf[k] == '\0')
            buf[k] = ',';
    buf[len] = '\0';
    return fc_xv_str(out, buf, len);
}

/* ---- the extractor ------------------------------------------------------ */

static bool label_field(const struct fc_container *ct, const char *key, struct fc_xv *out)
{
    return fc_xv_cstr(out, label_value(ct->labels, key, strlen(key)));
}

/* The record holding the pod sandbox data for ct: ct itself when it has a
 * CNI result, else the sandbox container's record (keyed by the first 12
 * characters of the sandbox id), else NULL (the host, containers outside
 * a pod: the plugin then has no k8s.pod.ip either). */
static const struct fc_container *sandbox_of(const struct fc_pevent *pe,
                                             const struct fc_container *ct)
{
    if (*ct->cni_json)
        return ct;
    char id[13];
    size_t n = strnlen(ct->pod_sandbox_id, 12);
    memcpy(id, ct->pod_sandbox_id, n);
    id[n] = 0;
    if (!n)
        return NULL;
    return pe->st ? fc_state_container(pe->st, id) : NULL;
}

bool fc_x_cont(const struct fc_ctx *c, const struct fc_pevent *pe, const struct fc_fref *f,
               uint32_t i, struct fc_xv *out)
{
    const struct fc_thread *t = pe->thr;
    const struct fc_container *ct = pe->container;
    if (i != 0 || (!t && !ct))
        return false;

    if (ct) { /* a container event: its record, no thread's times */
        if (f->field == FC_F_CONTAINER_START_TS || f->field == FC_F_CONTAINER_DURATION)
            return false;
        if (f->field == FC_F_CONTAINER_ID)
            return fc_xv_cstr(out, ct->id);
    } else {
        bool on_host = t->container_id.len == 0;
        switch (f->field) { /* known without metadata */
        case FC_F_CONTAINER_ID:
            return on_host ? fc_xv_cstr(out, "host")
                           : fc_xv_str(out, t->container_id.p, t->container_id.len);
        case FC_F_CONTAINER_START_TS:
            return t->pidns_init_start_ts && fc_xv_num(out, t->pidns_init_start_ts);
        case FC_F_CONTAINER_DURATION:
            return t->pidns_init_start_ts && pe->ev &&
                   fc_xv_num(out, pe->ev->ts - t->pidns_init_start_ts);
        default:
            break;
        }
        ct = &host;
        if (!on_host) {
            ct = pe->st ? fc_state_container(pe->st, fc_sb_str(&t->container_id)) : NULL;
            if (!ct || !ct->has_metadata)
                return false;
        }
    }
    const struct fc_container *sb;

    switch (f->field) {
    case FC_F_CONTAINER_FULL_ID:
        return fc_xv_cstr(out, ct->full_id);
    case FC_F_CONTAINER_NAME:
        return fc_xv_cstr(out, ct->name);
    case FC_F_CONTAINER_IMAGE:
        return fc_xv_cstr(out, ct->image);
    case FC_F_CONTAINER_IMAGE_ID:
        return fc_xv_cstr(out, ct->image_id);
    case FC_F_CONTAINER_TYPE:
        return fc_xv_cstr(out, ct->type);
    case FC_F_CONTAINER_IMAGE_REPOSITORY:
        return fc_xv_cstr(out, ct->image_repository);
    case FC_F_CONTAINER_IMAGE_TAG:
        return fc_xv_cstr(out, ct->image_tag);
    case FC_F_CONTAINER_IMAGE_DIGEST:
        return fc_xv_cstr(out, ct->image_digest);
    case FC_F_CONTAINER_IP:
        return fc_xv_cstr(out, ct->ip);
    case FC_F_CONTAINER_CNI_JSON:
        return fc_xv_cstr(out, ct->cni_json);
    case FC_F_K8S_POD_IP:
        return (sb = sandbox_of(pe, ct)) && fc_xv_cstr(out, sb->ip);
    case FC_F_K8S_POD_CNI_JSON:
        return (sb = sandbox_of(pe, ct)) && fc_xv_cstr(out, sb->cni_json);
    case FC_F_CONTAINER_PRIVILEGED:
        return fc_xv_num(out, ct->privileged);
    case FC_F_CONTAINER_HOST_PID:
        return fc_xv_num(out, truthy(ct->host_pid));
    case FC_F_CONTAINER_HOST_NETWORK:
        return fc_xv_num(out, truthy(ct->host_network));
    case FC_F_CONTAINER_HOST_IPC:
        return fc_xv_num(out, truthy(ct->host_ipc));
    case FC_F_CONTAINER_MOUNTS:
        return render_mounts(c, ct->mounts, out);
    case FC_F_CONTAINER_MOUNT:
    case FC_F_CONTAINER_MOUNT_SOURCE:
    case FC_F_CONTAINER_MOUNT_DEST:
    case FC_F_CONTAINER_MOUNT_MODE:
    case FC_F_CONTAINER_MOUNT_RDWR:
    case FC_F_CONTAINER_MOUNT_PROPAGATION:
        return mount_field(c, ct, f, out);
    case FC_F_CONTAINER_LABEL:
        return f->key && fc_xv_cstr(out, label_value(ct->labels, f->key, f->key_len));
    case FC_F_CONTAINER_LABELS:
        return render_labels(c, ct->labels, out);
    case FC_F_K8S_POD_NAME:
        return label_field(ct, "io.kubernetes.pod.name", out);
    case FC_F_K8S_NS_NAME:
        return label_field(ct, "io.kubernetes.pod.namespace", out);
    case FC_F_K8S_POD_ID:
    case FC_F_K8S_POD_UID:
        return label_field(ct, "io.kubernetes.pod.uid", out);
    case FC_F_K8S_POD_SANDBOX_ID: /* the short form: 12 characters */
        return fc_xv_str(out, ct->pod_sandbox_id, strnlen(ct->pod_sandbox_id, 12));
    case FC_F_K8S_POD_FULL_SANDBOX_ID:
        return fc_xv_cstr(out, ct->pod_sandbox_id);
    case FC_F_K8S_POD_LABELS:
        sb = sandbox_of(pe, ct);
        return render_labels(c, (sb ? sb : ct)->pod_labels, out);
    case FC_F_K8S_POD_LABEL: {
        if (!f->key)
            return false;
        const char *v = NULL;
        if ((sb = sandbox_of(pe, ct)))
            v = label_value(sb->pod_labels, f->key, f->key_len);
        if (!v)
            v = label_value(ct->pod_labels, f->key, f->key_len);
        return fc_xv_cstr(out, v);
    }
    default: /* the deprecated fields */
        return false;
    }
}

uint32_t fc_xc_cont(const struct fc_ctx *c, const struct fc_pevent *pe, const struct fc_fref *f)
{
    struct fc_xv v = {0};
    return fc_x_cont(c, pe, f, 0, &v) ? 1 : 0;
}
