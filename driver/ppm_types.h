/*
 * ppm_types.h - the vocabulary events.def is written in: parameter types
 * (PT_*), print formats (PF_*), event categories (EC_*) and event flags
 * (EF_*). Each list is an X-macro so that the enum and any name table come
 * from the same rows.
 *
 * Freestanding (no includes, no C library) so BPF programs can include it
 * next to events.def. PT_*, PF_* and the values of the EC_/EF_ bits that
 * upstream defines are the libs values (ppm_events_public.h); EC_ITER and
 * EF_CONVERTER_MANAGED are newer than the header we could read, so their
 * bit positions are ours. None of these numbers is stored in captures
 * except through the parameter encodings, which PT_* names.
 */
#ifndef FALCOC_PPM_TYPES_H
#define FALCOC_PPM_TYPES_H

/* X(symbol, value, lower-case name used in messages, size, integer):
 * size is the bytes a fixed-width parameter takes in an event (0: variable
 * length); integer is 1 for a signed integer, 0 for an unsigned one and -1
 * for a type that is not an integer. */
#define PPM_PARAM_TYPES(X)                                                                         \
    X(PT_NONE, 0, "none", 0, -1)                                                                   \
    X(PT_INT8, 1, "int8", 1, 1)                                                                    \
    X(PT_INT16, 2, "int16", 2, 1)                                                                  \
    X(PT_INT32, 3, "int32", 4, 1)                                                                  \
    X(PT_INT64, 4, "int64", 8, 1)                                                                  \
    X(PT_UINT8, 5, "uint8", 1, 0)                                                                  \
    X(PT_UINT16, 6, "uint16", 2, 0)                                                                \
    X(PT_UINT32, 7, "uint32", 4, 0)                                                                \
    X(PT_UINT64, 8, "uint64", 8, 0)                                                                \
    X(PT_CHARBUF, 9, "charbuf", 0, -1)                                                             \
    X(PT_BYTEBUF, 10, "bytebuf", 0, -1)                                                            \
    X(PT_ERRNO, 11, "errno", 8, 1)                                                                 \
    X(PT_SOCKADDR, 12, "sockaddr", 0, -1)                                                          \
    X(PT_SOCKTUPLE, 13, "socktuple", 0, -1)                                                        \
    X(PT_FD, 14, "fd", 8, 1)                                                                       \
    X(PT_PID, 15, "pid", 8, 1)                                                                     \
    X(PT_FDLIST, 16, "fdlist", 0, -1)                                                              \
    X(PT_FSPATH, 17, "fspath", 0, -1)                                                              \
    X(PT_SYSCALLID, 18, "syscallid", 2, 0)                                                         \
    X(PT_SIGTYPE, 19, "sigtype", 1, 0)                                                             \
    X(PT_RELTIME, 20, "reltime", 8, 0)                                                             \
    X(PT_ABSTIME, 21, "abstime", 8, 0)                                                             \
    X(PT_PORT, 22, "port", 2, 0)                                                                   \
    X(PT_L4PROTO, 23, "l4proto", 1, 0)                                                             \
    X(PT_SOCKFAMILY, 24, "sockfamily", 1, 0)                                                       \
    X(PT_BOOL, 25, "bool", 4, 0)                                                                   \
    X(PT_IPV4ADDR, 26, "ipv4addr", 4, -1)                                                          \
    X(PT_DYN, 27, "dyn", 0, -1)                                                                    \
    X(PT_FLAGS8, 28, "flags8", 1, 0)                                                               \
    X(PT_FLAGS16, 29, "flags16", 2, 0)                                                             \
    X(PT_FLAGS32, 30, "flags32", 4, 0)                                                             \
    X(PT_UID, 31, "uid", 4, 0)                                                                     \
    X(PT_GID, 32, "gid", 4, 0)                                                                     \
    X(PT_DOUBLE, 33, "double", 8, -1)                                                              \
    X(PT_SIGSET, 34, "sigset", 4, 0)                                                               \
    X(PT_CHARBUFARRAY, 35, "charbufarray", 0, -1)                                                  \
    X(PT_CHARBUF_PAIR_ARRAY, 36, "charbuf_pair_array", 0, -1)                                      \
    X(PT_IPV4NET, 37, "ipv4net", 0, -1)                                                            \
    X(PT_IPV6ADDR, 38, "ipv6addr", 16, -1)                                                         \
    X(PT_IPV6NET, 39, "ipv6net", 0, -1)                                                            \
    X(PT_IPADDR, 40, "ipaddr", 0, -1)                                                              \
    X(PT_IPNET, 41, "ipnet", 0, -1)                                                                \
    X(PT_MODE, 42, "mode", 4, 0)                                                                   \
    X(PT_FSRELPATH, 43, "fsrelpath", 0, -1)                                                        \
    X(PT_ENUMFLAGS8, 44, "enumflags8", 1, 0)                                                       \
    X(PT_ENUMFLAGS16, 45, "enumflags16", 2, 0)                                                     \
    X(PT_ENUMFLAGS32, 46, "enumflags32", 4, 0)                                                     \
    X(PT_FD32, 47, "fd32", 4, 1)                                                                   \
    X(PT_PID32, 48, "pid32", 4, 1)

/* X(symbol, value): how a numeric parameter is rendered. */
#define PPM_PRINT_FORMATS(X)                                                                       \
    X(PF_NA, 0)                                                                                    \
    X(PF_DEC, 1)                                                                                   \
    X(PF_HEX, 2)                                                                                   \
    X(PF_10_PADDED_DEC, 3)                                                                         \
    X(PF_ID, 4)                                                                                    \
    X(PF_DIR, 5)                                                                                   \
    X(PF_OCT, 6)

/*
 * X(symbol, value). A category is one class (the values below 256, EC_WAIT
 * and EC_SCHEDULER included) OR-ed with source bits (EC_SOURCE_MASK).
 */
#define PPM_EVENT_CATEGORIES(X)                                                                    \
    X(EC_UNKNOWN, 0)                                                                               \
    X(EC_OTHER, 1)                                                                                 \
    X(EC_FILE, 2)                                                                                  \
    X(EC_NET, 3)                                                                                   \
    X(EC_IPC, 4)                                                                                   \
    X(EC_MEMORY, 5)                                                                                \
    X(EC_PROCESS, 6)                                                                               \
    X(EC_SLEEP, 7)                                                                                 \
    X(EC_SYSTEM, 8)                                                                                \
    X(EC_SIGNAL, 9)                                                                                \
    X(EC_USER, 10)                                                                                 \
    X(EC_TIME, 11)                                                                                 \
    X(EC_PROCESSING, 12)                                                                           \
    X(EC_IO_READ, 32)                                                                              \
    X(EC_IO_WRITE, 33)                                                                             \
    X(EC_IO_OTHER, 34)                                                                             \
    X(EC_WAIT, 1 << 6)                                                                             \
    X(EC_SCHEDULER, 1 << 7)                                                                        \
    X(EC_INTERNAL, 1 << 8)                                                                         \
    X(EC_SYSCALL, 1 << 9)                                                                          \
    X(EC_TRACEPOINT, 1 << 10)                                                                      \
    X(EC_PLUGIN, 1 << 11)                                                                          \
    X(EC_METAEVENT, 1 << 12)                                                                       \
    X(EC_ITER, 1 << 13)

/* X(symbol, value): bits of an event's flags. */
#define PPM_EVENT_FLAGS(X)                                                                         \
    X(EF_NONE, 0)                                                                                  \
    X(EF_CREATES_FD, 1 << 0)                                                                       \
    X(EF_DESTROYS_FD, 1 << 1)                                                                      \
    X(EF_USES_FD, 1 << 2)                                                                          \
    X(EF_READS_FROM_FD, 1 << 3)                                                                    \
    X(EF_WRITES_TO_FD, 1 << 4)                                                                     \
    X(EF_MODIFIES_STATE, 1 << 5)                                                                   \
    X(EF_UNUSED, 1 << 6)                                                                           \
    X(EF_WAITS, 1 << 7)                                                                            \
    X(EF_SKIPPARSERESET, 1 << 8)                                                                   \
    X(EF_OLD_VERSION, 1 << 9)                                                                      \
    X(EF_LARGE_PAYLOAD, 1 << 11)                                                                   \
    X(EF_CONVERTER_MANAGED, 1 << 12)

#define PPM_ENUM_ROW_(sym, value, ...) sym = (value),

enum ppm_param_type { PPM_PARAM_TYPES(PPM_ENUM_ROW_) PT_MAX };
enum ppm_print_format { PPM_PRINT_FORMATS(PPM_ENUM_ROW_) PPM_PF_MAX };
enum ppm_event_category { PPM_EVENT_CATEGORIES(PPM_ENUM_ROW_) };
enum ppm_event_flags { PPM_EVENT_FLAGS(PPM_ENUM_ROW_) };

#undef PPM_ENUM_ROW_

/* Bytes a fixed-width parameter type takes in an event; 0 for variable-length
 * and unknown types. */
static inline unsigned ppm_param_size(enum ppm_param_type t)
{
    switch (t) {
#define PPM_SIZE_ROW_(sym, value, name, size, integer)                                             \
    case sym:                                                                                      \
        return size;
        PPM_PARAM_TYPES(PPM_SIZE_ROW_)
#undef PPM_SIZE_ROW_
    default:
        return 0;
    }
}

/* Width of an integer parameter type (its size); 0 for the other types. */
static inline unsigned ppm_param_int_width(enum ppm_param_type t)
{
    switch (t) {
#define PPM_INT_ROW_(sym, value, name, size, integer)                                              \
    case sym:                                                                                      \
        return (integer) >= 0 ? (size) : 0;
        PPM_PARAM_TYPES(PPM_INT_ROW_)
#undef PPM_INT_ROW_
    default:
        return 0;
    }
}

/* Whether an integer parameter type is signed (sign-extends when widened). */
static inline int ppm_param_signed(enum ppm_param_type t)
{
    switch (t) {
#define PPM_SIGN_ROW_(sym, value, name, size, integer)                                             \
    case sym:                                                                                      \
        return (integer) > 0;
        PPM_PARAM_TYPES(PPM_SIGN_ROW_)
#undef PPM_SIGN_ROW_
    default:
        return 0;
    }
}

/* The I/O classes share this base; the source bits sit above the classes. */
#define EC_IO_BASE EC_IO_READ
#define EC_CLASS_MASK 0xff
#define EC_SOURCE_MASK                                                                             \
    (EC_INTERNAL | EC_SYSCALL | EC_TRACEPOINT | EC_PLUGIN | EC_METAEVENT | EC_ITER)

/* Most parameters an event can carry (the length array is sized for it). */
#define PPM_MAX_EVENT_PARAMS 32

#endif
