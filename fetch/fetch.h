/* fetch.h - fetching a profile over http(s) with libcurl, with the limits
 * spelled out (used by source.c; exposed for tests with small limits). */
#ifndef HL_FETCH_H
#define HL_FETCH_H

#include <stddef.h>

typedef struct hl_fetch_limits {
    long timeout_s;         /* whole transfer; 0: from the URL (?seconds=N + 60, else 90) */
    long connect_timeout_s; /* 0: 10 */
    size_t max_bytes;       /* response body; 0: HL_FETCH_MAX_BYTES */
} hl_fetch_limits;

#define HL_FETCH_MAX_BYTES ((size_t)256 << 20)

/* GETs url and returns the body in *out (malloc'ed) and *len when the server
 * answers 200. token (or, when NULL, HOTLINT_HTTP_TOKEN) is sent as a bearer
 * token. Returns 0, or -1 with a message in err naming the URL (its token
 * redacted): the HTTP status and the server's text, or curl's reason. */
int hl_fetch_url(const char *url, const char *token, const hl_fetch_limits *limits, void **out,
                 size_t *len, char *err, size_t errlen);

/* The total timeout hl_fetch_url uses for url: ?seconds=N plus 60 s for
 * the server to encode and send (a CPU profile takes N seconds to collect);
 * 90 s for a profile URL without seconds (the server's default is 30), 60 s
 * for anything else. */
long hl_fetch_timeout_for(const char *url);

/* Copies url into buf with the value of any token= parameter and any
 * password replaced by "REDACTED", for messages. Returns buf. */
char *hl_fetch_redact(const char *url, char *buf, size_t buflen);

#endif
