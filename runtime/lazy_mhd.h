/* lazy_mhd.h - libmicrohttpd's functions, loaded by dlopen when the
 * /debug/pprof/ endpoint is first started, so that a profiled program that
 * never serves it carries neither libmicrohttpd nor the TLS libraries it
 * pulls in. microhttpd.h gives the types only. */
#ifndef HL_LAZY_MHD_H
#define HL_LAZY_MHD_H

#include <stdint.h>
#include <sys/socket.h>

#include <microhttpd.h>

#pragma GCC visibility push(hidden)

/* The soname loaded, and the Debian package that ships it. */
#define HL_MHD_SONAME  "libmicrohttpd.so.12"
#define HL_MHD_PACKAGE "libmicrohttpd12"

/* Every libmicrohttpd function the endpoint calls, member m for MHD_m (only
 * function pointers, in the order of lazy_mhd.c's names). */
typedef struct hl_mhd_api {
    struct MHD_Daemon *(*start_daemon)(unsigned int, uint16_t, MHD_AcceptPolicyCallback, void *,
                                       MHD_AccessHandlerCallback, void *, ...);
    void (*stop_daemon)(struct MHD_Daemon *);
    struct MHD_Response *(*create_response_from_buffer)(size_t, void *,
                                                        enum MHD_ResponseMemoryMode);
    enum MHD_Result (*add_response_header)(struct MHD_Response *, const char *, const char *);
    enum MHD_Result (*queue_response)(struct MHD_Connection *, unsigned int, struct MHD_Response *);
    void (*destroy_response)(struct MHD_Response *);
    const char *(*lookup_connection_value)(struct MHD_Connection *, enum MHD_ValueKind,
                                           const char *);
    int (*get_connection_values)(struct MHD_Connection *, enum MHD_ValueKind, MHD_KeyValueIterator,
                                 void *);
    const union MHD_ConnectionInfo *(*get_connection_info)(struct MHD_Connection *,
                                                           enum MHD_ConnectionInfoType, ...);
} hl_mhd_api;

/* libmicrohttpd, loaded on the first call (later calls return at once).
 * NULL when it cannot be loaded: said on stderr (once), naming the library
 * and its package. Not async-signal-safe (dlopen). */
const hl_mhd_api *hl_mhd(void);

#pragma GCC visibility pop

#endif
