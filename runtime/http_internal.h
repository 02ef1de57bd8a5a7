/* http_internal.h - what the /debug/pprof/ endpoint's files offer each other:
 * address and token rules (http_security.c), endpoints (http_endpoints.c),
 * thread stacks (http_threads.c) and text rendering (http_text.c). Not
 * installed. Nothing here is async-signal-safe unless its comment says so. */
#ifndef HL_HTTP_INTERNAL_H
#define HL_HTTP_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/socket.h>

#include "../profile/profile.h"

/* Bounds of what a client may ask for. */
#define HL_HTTP_MAX_SECONDS    300         /* ?seconds= of a CPU profile */
#define HL_HTTP_DEFAULT_SECS   30          /* when ?seconds= is absent */
#define HL_HTTP_MAX_BODY       65536       /* POST body of /symbol */
#define HL_HTTP_MAX_ARGS       16          /* query parameters per request */
#define HL_HTTP_MAX_TOKEN      256         /* characters of a token */
#define HL_HTTP_MIN_REMOTE_TOK 16          /* token length needed off loopback */
#define HL_HTTP_CONN_LIMIT     32          /* open connections in total */
#define HL_HTTP_PER_IP_LIMIT   8           /* open connections per client address */
#define HL_HTTP_IDLE_TIMEOUT   10          /* seconds a connection may stay silent */
#define HL_HTTP_CONN_MEMORY    (32 * 1024) /* request line and headers, per connection */

/* ---- http_security.c: pure functions, no server state ---- */

/* Parses "host:port", "[v6]:port", ":port" or "port" into *ss. The host must
 * be numeric or "localhost"; no host means 127.0.0.1 (loopback is the
 * default, unlike Go's ":port"). Returns 0, or -1 with a message in err. Not async-signal-safe. */
int hl_http_parse_addr(const char *addr, struct sockaddr_storage *ss, socklen_t *len, char *err,
                       size_t errlen);
/* True for 127.0.0.0/8, ::1 and ::ffff:127.0.0.0/104. Async-signal-safe. */
bool hl_http_is_loopback(const struct sockaddr *sa);
/* Decides whether the endpoint may listen on sa, given the values of
 * HOTLINT_HTTP_ALLOW_REMOTE and HOTLINT_HTTP_TOKEN (either may be NULL).
 * Off loopback both are needed, and the token must be at least
 * HL_HTTP_MIN_REMOTE_TOK characters. A token, wherever it is set, must be
 * printable ASCII without spaces. Returns 0, or -1 with the reason in err.
 * Not async-signal-safe. */
int hl_http_check_policy(const struct sockaddr *sa, const char *allow_remote, const char *token,
                         char *err, size_t errlen);
/* Compares a token a client sent with the expected one in time that depends
 * only on the expected length. given may be NULL (never equal). Async-signal-safe. */
bool hl_http_token_equal(const char *given, size_t given_len, const char *expected,
                         size_t expected_len);
/* The token inside an Authorization header value ("Bearer TOKEN", scheme in
 * any case); NULL when the header is not a bearer credential. *len is set. Async-signal-safe. */
const char *hl_http_bearer(const char *header, size_t *len);

/* True when the Host header names this machine's loopback: localhost,
 * 127.x.x.x or [::1], with or without a port; also when it is absent.
 * A browser lured to a page whose name resolves to 127.0.0.1 (DNS
 * rebinding) sends that page's name, which fails this test. Not async-signal-safe. */
bool hl_http_host_is_loopback(const char *host);

/* ---- a request as the endpoints see it (http_server.c fills it) ---- */

typedef struct hl_http_arg {
    const char *key, *value; /* value NULL for "?key" without "=" */
} hl_http_arg;

typedef struct hl_http_request {
    const char *method; /* GET, HEAD or POST */
    const char *path;   /* after /debug/pprof/, e.g. "profile"; "" for the index */
    hl_http_arg args[HL_HTTP_MAX_ARGS];
    size_t n_args;
    const char *body; /* POST body (not NUL-terminated), may be NULL */
    size_t body_len;
    bool has_client_fd; /* client_fd is the client's socket, to notice a disconnect */
    int client_fd;
} hl_http_request;

typedef struct hl_http_reply {
    int status;
    const char *content_type;
    char *body; /* malloc'ed, owned by the reply */
    size_t len;
    const char *filename; /* Content-Disposition: attachment, or NULL */
    const char *allow;    /* Allow header for 405, or NULL */
} hl_http_reply;

/* The value of query parameter key; NULL when absent (or given as "?key").
 * Not async-signal-safe. */
const char *hl_http_arg_get(const hl_http_request *req, const char *key);

/* Fills r with a text/plain answer (printf format). Error answers carry
 * X-Go-Pprof: 1 so that go tool pprof prints the text. Can't fail: on
 * ENOMEM the body is empty. Not async-signal-safe. */
void hl_http_reply_text(hl_http_reply *r, int status, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* ---- http_server.c ---- */

/* Copies the address being served ("127.0.0.1:41234") into buf. Returns 0,
 * or -1 when the endpoint is not running. Not async-signal-safe. */
int hl_http_address(char *buf, size_t len);

/* ---- http_endpoints.c ---- */

/* Answers one authorized request under /debug/pprof/. May block for the
 * duration of a CPU profile. Never fails: errors become 4xx/5xx replies. Not async-signal-safe. */
void hl_http_dispatch(const hl_http_request *req, hl_http_reply *r);

/* ---- http_threads.c ---- */

/* Captures the stack of every thread of the process (except the endpoint's
 * own) by signalling each one and waiting at most timeout_ms in total.
 * Returns a profile with one sample type "threads"/"count" and, when
 * per_thread, one sample per thread labelled "thread" (its id) and
 * "thread_name"; otherwise equal stacks summed. NULL with a message in err.
 * Not async-signal-safe. */
hl_profile *hl_http_threads_profile(bool per_thread, int timeout_ms, char *err, size_t errlen);

/* In a forked child (single-threaded): forgets a capture the parent was in
 * the middle of, so that the child can serve threads later. Not async-signal-safe. */
void hl_http_threads_atfork_child(void);

/* ---- http_text.c ---- */

/* A growing text buffer; allocation failure is sticky in oom (the caller
 * checks it once at the end and frees s). */
typedef struct hl_http_buf {
    char *s;
    size_t len, cap;
    bool oom;
} hl_http_buf;

/* Appends formatted text to b. Not async-signal-safe. */
void hl_http_buf_printf(hl_http_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Renders a profile as text for ?debug=1: a header, then one block per
 * sample with its values, labels and symbolized frames. Returns a malloc'ed
 * NUL-terminated string and its length, or NULL on ENOMEM. Not async-signal-safe. */
char *hl_http_profile_text(const hl_profile *p, const char *title, size_t *len);

#endif
