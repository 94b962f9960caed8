/*
 * path.c - fd type names and the path joining Falco applies to file names
 * (state-model.md §3.1, §3.4). One table and one algorithm, shared by the
 * state engine (fd names), the parameter renderer (evt.arg paths) and the
 * extractors (fs.path.*, fd.name fallbacks).
 */
#include <string.h>

#include "fc_state.h"

static const struct {
    const char *name;
    char c;
} fd_types[FC_FD_TYPE_MAX] = {
    [FC_FD_UNKNOWN] = {NULL, 'o'},
    [FC_FD_FILE] = {"file", 'f'},
    [FC_FD_DIRECTORY] = {"directory", 'd'},
    [FC_FD_IPV4_SOCK] = {"ipv4", '4'},
    [FC_FD_IPV6_SOCK] = {"ipv6", '6'},
    [FC_FD_IPV4_SERVSOCK] = {"ipv4", '4'},
    [FC_FD_IPV6_SERVSOCK] = {"ipv6", '6'},
    [FC_FD_FIFO] = {"pipe", 'p'},
    [FC_FD_UNIX_SOCK] = {"unix", 'u'},
    [FC_FD_EVENT] = {"event", 'e'},
    [FC_FD_UNSUPPORTED] = {NULL, 'X'},
    [FC_FD_SIGNALFD] = {"signalfd", 's'},
    [FC_FD_EVENTPOLL] = {"eventpoll", 'l'},
    [FC_FD_INOTIFY] = {"inotify", 'i'},
    [FC_FD_TIMERFD] = {"timerfd", 't'},
    [FC_FD_NETLINK] = {"netlink", 'n'},
    [FC_FD_FILE_V2] = {"file", 'f'},
    [FC_FD_BPF] = {"bpf", 'b'},
    [FC_FD_USERFAULTFD] = {"userfaultfd", 'u'},
    [FC_FD_IOURING] = {"io_uring", 'r'},
    [FC_FD_MEMFD] = {"memfd", 'm'},
    [FC_FD_PIDFD] = {"pidfd", 'P'},
};

const char *fc_fd_type_name(int type)
{
    return type >= 0 && type < FC_FD_TYPE_MAX ? fd_types[type].name : NULL;
}

char fc_fd_type_char(int type)
{
    return type >= 0 && type < FC_FD_TYPE_MAX ? fd_types[type].c : 'o';
}

#define PATH_LIMIT 4096
static const char too_long[] = "/DIR_TOO_LONG/FILENAME_TOO_LONG";

/* Appends path's segments to out[0..n): empty and "." segments vanish, ".."
 * drops the last component (never the first character). */
static size_t append_segments(char *out, size_t n, const char *path, size_t len)
{
    size_t i = 0;
    while (i < len) {
        size_t j = i;
        while (j < len && path[j] != '/')
            j++;
        size_t seg = j - i;
        if (seg == 0 || (seg == 1 && path[i] == '.')) {
            /* nothing */
        } else if (seg == 2 && path[i] == '.' && path[i + 1] == '.') {
            size_t floor = n > 0 && out[0] == '/' ? 1 : 0;
            if (n > floor && out[n - 1] == '/')
                n--;
            while (n > floor && out[n - 1] != '/')
                n--;
        } else {
            if (n > 0 && out[n - 1] != '/')
                out[n++] = '/';
            memcpy(out + n, path + i, seg);
            n += seg;
        }
        if (j < len && n > 0 && out[n - 1] != '/')
            out[n++] = '/'; /* keeps "dir/" so a following ".." or name attaches */
        i = j + 1;
    }
    return n;
}

size_t fc_path_join(const char *base, size_t base_len, const char *path, size_t path_len, char *out,
                    size_t cap)
{
    char tmp[2 * PATH_LIMIT + 2];
    size_t n = 0;
    if (path_len > 0 && path[0] == '/') {
        tmp[n++] = '/';
    } else if (base && base_len > 0) {
        if (base_len + path_len > PATH_LIMIT)
            goto long_path;
        memcpy(tmp, base, base_len);
        n = base_len;
    }
    if (n + path_len > PATH_LIMIT)
        goto long_path;
    n = append_segments(tmp, n, path, path_len);
    if (n > 1 && tmp[n - 1] == '/')
        n--;
    if (cap > 0) {
        size_t k = n < cap - 1 ? n : cap - 1;
        memcpy(out, tmp, k);
        out[k] = '\0';
    }
    return n;
long_path:
    if (cap > 0) {
        size_t k = sizeof(too_long) - 1 < cap - 1 ? sizeof(too_long) - 1 : cap - 1;
        memcpy(out, too_long, k);
        out[k] = '\0';
    }
    return sizeof(too_long) - 1;
}
