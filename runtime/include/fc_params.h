/*
 * fc_params.h - event parameters: typed decoding of every PT_* type and
 * their text as Falco renders it (events.md §3, state-model.md §6, §9.2):
 * flag and enum names from flags.tsv (driver/flags.def), errno names,
 * socket addresses and tuples, fd lists, paths made absolute against the
 * cwd or the dirfd named by event-param-info.tsv (driver/paraminfo.def).
 *
 * Two renderings exist for a parameter: the plain one (what evt.args shows
 * before the parenthesis, and evt.rawarg as text) and the resolved one
 * (fds as <f>/path, uids as user names, flags as O_RDONLY|O_CLOEXEC, ...),
 * which evt.arg.NAME prefers when it exists. Resolution reads the state
 * through the processed event (fc_state.h); pe->st may be NULL, which
 * resolves nothing that needs state.
 *
 * Text functions follow snprintf: they write at most cap bytes including a
 * NUL and return the full length, so a caller can retry with a larger
 * buffer. Nothing here allocates.
 */
#ifndef FALCOC_FC_PARAMS_H
#define FALCOC_FC_PARAMS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "fc_scap.h"
#include "fc_state.h"
#include "ppm_types.h"

/*
 * The value of parameter idx: its type (PT_DYN resolved through the
 * selector byte), where its bytes start and how many there are. False when
 * the event has no such parameter or it is empty (absent).
 */
bool fc_param_get(const struct scap_event *ev, uint32_t idx, enum ppm_param_type *type,
                  const uint8_t **p, uint32_t *len);

/* Integer parameters of any width (INT*, UINT*, ERRNO, FD, PID, FLAGS*,
 * ENUMFLAGS*, UID, GID, MODE, SIGTYPE, SYSCALLID, PORT, RELTIME, ABSTIME,
 * SIGSET, FD32, PID32), sign-extended for signed types. False when absent,
 * of another type, or shorter than its type. */
bool fc_param_int(const struct scap_event *ev, uint32_t idx, int64_t *out);

/* Index of the parameter named name in ev's schema, -1 when none. */
int fc_param_index(const struct scap_event *ev, const char *name);

/* Plain (resolved = false) or resolved text of parameter idx. An absent
 * parameter renders "<NA>" (buffers, tuples and lists "NULL"). */
size_t fc_param_text(const struct fc_pevent *pe, uint32_t idx, bool resolved, char *buf,
                     size_t cap);

/* Does parameter idx have a resolved rendering distinct from the plain one? */
bool fc_param_has_resolved(const struct fc_pevent *pe, uint32_t idx);

/* evt.args / evt.info: "name=value" per parameter joined by spaces, with
 * "(resolved)" after values that have one. */
size_t fc_event_args(const struct fc_pevent *pe, char *buf, size_t cap);

/* "ENOENT" for 2 (or -2); NULL when unknown. */
const char *fc_errno_name(int64_t err);

/* Symbolic text of a flags or enum value with the named flags.tsv table
 * ("file_flags"): bit sets join every fully set name in table order with
 * '|'; enums join every name equal to the value. */
size_t fc_flags_text(const char *table, uint64_t value, bool is_enum, char *buf, size_t cap);

/* PT_SOCKADDR and PT_SOCKTUPLE bytes as text: "1.2.3.4:80",
 * "1.2.3.4:5->6.7.8.9:80", IPv6 without brackets, unix paths. */
size_t fc_sockaddr_text(const uint8_t *p, uint32_t len, char *buf, size_t cap);
size_t fc_socktuple_text(const uint8_t *p, uint32_t len, char *buf, size_t cap);

/* Capability mask as names joined by spaces in bit order (thread.cap_*). */
size_t fc_caps_text(uint64_t caps, char *buf, size_t cap);

/* Printable ASCII (0x20..0x7e): what libsinsp keeps of paths and buffers. */
static inline bool fc_printable(uint8_t c)
{
    return c >= 0x20 && c < 0x7f;
}

/* A buffer as libsinsp shows it: n bytes of src into dst, each byte that is
 * not printable ASCII as '.' (no terminator written). */
void fc_text_dots(char *dst, const uint8_t *src, size_t n);

#endif
