/* fuzz_http.c - libFuzzer target for the /debug/pprof/ endpoint's security
 * checks (runtime/http_security.c): listen addresses, the Host header test,
 * bearer-token extraction, token comparison and the listen policy. The
 * input is split at NUL bytes into the strings each function is given. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "http_internal.h"

#define CHECK(cond)                                                                                \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            fprintf(stderr, "fuzz_http: invariant failed: %s (line %d)\n", #cond, __LINE__);       \
            abort();                                                                               \
        }                                                                                          \
    } while (0)

/* The next NUL-terminated piece of the input, copied to its own allocation
 * so that ASan sees reads past its end; NULL when the input is used up. */
static char *next_piece(const uint8_t **d, size_t *n)
{
    if (*n == 0)
        return NULL;
    const uint8_t *z = memchr(*d, '\0', *n);
    size_t len = z ? (size_t)(z - *d) : *n;
    char *s = malloc(len + 1);
    if (!s)
        abort();
    memcpy(s, *d, len);
    s[len] = '\0';
    *d += z ? len + 1 : len;
    *n -= z ? len + 1 : len;
    return s;
}

static void fuzz_addr(const char *addr, const char *allow, const char *token)
{
    struct sockaddr_storage ss;
    socklen_t len = 0;
    char err[256] = "";
    if (hl_http_parse_addr(addr, &ss, &len, err, sizeof err) < 0) {
        CHECK(err[0]);
        return;
    }
    CHECK((ss.ss_family == AF_INET && len == sizeof(struct sockaddr_in)) ||
          (ss.ss_family == AF_INET6 && len == sizeof(struct sockaddr_in6)));
    bool loop = hl_http_is_loopback((const struct sockaddr *)&ss);
    /* No host and "localhost" mean 127.0.0.1. */
    if (addr[0] == ':' || !strchr(addr, ':') || !strncasecmp(addr, "localhost:", 10))
        CHECK(loop);
    err[0] = '\0';
    int rc = hl_http_check_policy((const struct sockaddr *)&ss, allow, token, err, sizeof err);
    CHECK(rc == 0 || err[0]);
    /* Off loopback, nothing is allowed without a long enough token. */
    if (rc == 0 && !loop)
        CHECK(token && strlen(token) >= HL_HTTP_MIN_REMOTE_TOK);
}

static void fuzz_host(const char *host)
{
    bool ok = hl_http_host_is_loopback(host);
    /* Accepted names are loopback ones: never a name with a dot-free suffix
     * other than localhost, e.g. "evil.example" or "127.0.0.1.evil". */
    if (ok) {
        const char *h = host[0] == '[' ? host + 1 : host;
        size_t n = strcspn(h, host[0] == '[' ? "]" : ":");
        CHECK(n > 0);
        CHECK((n == 9 && !strncasecmp(h, "localhost", 9)) || !strncmp(h, "127.", 4) ||
              host[0] == '[');
    }
}

static void fuzz_token(const char *header, const char *expected)
{
    size_t n = 0;
    const char *t = hl_http_bearer(header, &n);
    if (t) {
        CHECK(t >= header && t + n <= header + strlen(header));
        CHECK(!strncasecmp(header, "Bearer", 6));
        CHECK(n == 0 || (t[0] != ' ' && t[0] != '\t' && t[n - 1] != ' ' && t[n - 1] != '\t'));
    }
    size_t en = strlen(expected);
    bool eq = hl_http_token_equal(t, n, expected, en);
    CHECK(eq == (t && n == en && !memcmp(t, expected, en)));
    /* A ?token= value is compared whole. */
    CHECK(hl_http_token_equal(header, strlen(header), expected, en) == !strcmp(header, expected));
    CHECK(!hl_http_token_equal(NULL, 0, expected, en));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *p[4] = {0};
    for (size_t i = 0; i < 4; i++)
        p[i] = next_piece(&data, &size);
    if (!p[0])
        return 0;
    const char *a = p[0], *b = p[1] ? p[1] : "", *c = p[2] ? p[2] : NULL, *d = p[3] ? p[3] : "";
    fuzz_addr(a, c, b);
    fuzz_host(a);
    (void)hl_http_host_is_loopback(NULL);
    fuzz_token(a, b);
    fuzz_token(d, b);
    for (size_t i = 0; i < 4; i++)
        free(p[i]);
    return 0;
}
