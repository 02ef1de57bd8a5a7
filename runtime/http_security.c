/* http_security.c - the /debug/pprof/ endpoint's safety rules: which address
 * it may listen on, what a valid token is, and how a client's token is
 * checked (constant time). Pure functions, unit-tested on their own. */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "http_internal.h"

static int parse_port(const char *s, uint16_t *port)
{
    if (!*s || strlen(s) > 5)
        return -1;
    unsigned long v = 0;
    for (const char *p = s; *p; p++) {
        if (*p < '0' || *p > '9')
            return -1;
        v = v * 10 + (unsigned long)(*p - '0');
    }
    if (v > 65535)
        return -1;
    *port = (uint16_t)v;
    return 0;
}

int hl_http_parse_addr(const char *addr, struct sockaddr_storage *ss, socklen_t *len, char *err,
                       size_t errlen)
{
    char host[64];
    const char *port_s;
    memset(ss, 0, sizeof *ss);
    if (!addr || !*addr) {
        snprintf(err, errlen, "empty address: write HOST:PORT, e.g. 127.0.0.1:6060");
        return -1;
    }
    if (addr[0] == '[') {
        const char *close = strchr(addr, ']');
        if (!close || close[1] != ':' || (size_t)(close - addr - 1) >= sizeof host) {
            snprintf(err, errlen, "'%s': write an IPv6 address as [ADDR]:PORT, e.g. [::1]:6060",
                     addr);
            return -1;
        }
        memcpy(host, addr + 1, (size_t)(close - addr - 1));
        host[close - addr - 1] = '\0';
        port_s = close + 2;
    } else {
        const char *colon = strrchr(addr, ':');
        if (!colon) {
            host[0] = '\0';
            port_s = addr;
        } else {
            if (memchr(addr, ':', (size_t)(colon - addr))) {
                snprintf(err, errlen, "'%s': write an IPv6 address in brackets, e.g. [::1]:6060",
                         addr);
                return -1;
            }
            if ((size_t)(colon - addr) >= sizeof host) {
                snprintf(err, errlen, "'%s': host too long", addr);
                return -1;
            }
            memcpy(host, addr, (size_t)(colon - addr));
            host[colon - addr] = '\0';
            port_s = colon + 1;
        }
    }
    uint16_t port;
    if (parse_port(port_s, &port) < 0) {
        snprintf(err, errlen, "'%s': the port must be a number from 0 to 65535", addr);
        return -1;
    }
    if (!host[0] || !strcasecmp(host, "localhost"))
        strcpy(host, "127.0.0.1");
    struct sockaddr_in *v4 = (struct sockaddr_in *)ss;
    struct sockaddr_in6 *v6 = (struct sockaddr_in6 *)ss;
    if (inet_pton(AF_INET, host, &v4->sin_addr) == 1) {
        ss->ss_family = AF_INET;
        v4->sin_port = htons(port);
        *len = sizeof *v4;
        return 0;
    }
    if (inet_pton(AF_INET6, host, &v6->sin6_addr) == 1) {
        ss->ss_family = AF_INET6;
        v6->sin6_port = htons(port);
        *len = sizeof *v6;
        return 0;
    }
    snprintf(err, errlen,
             "'%s': the host must be a numeric address or localhost (names are not resolved)",
             addr);
    return -1;
}

static bool v4_loopback(const struct in_addr *a)
{
    return (ntohl(a->s_addr) >> 24) == 127;
}

static bool v6_loopback(const struct in6_addr *a)
{
    return IN6_IS_ADDR_LOOPBACK(a) || (IN6_IS_ADDR_V4MAPPED(a) && a->s6_addr[12] == 127);
}

bool hl_http_is_loopback(const struct sockaddr *sa)
{
    /* Copied out, not cast: the caller may have written it through another
     * sockaddr type, and the optimizer may assume those do not alias. */
    sa_family_t family;
    memcpy(&family, (const char *)sa + offsetof(struct sockaddr, sa_family), sizeof family);
    if (family == AF_INET) {
        struct sockaddr_in v4;
        memcpy(&v4, sa, sizeof v4);
        return v4_loopback(&v4.sin_addr);
    }
    if (family == AF_INET6) {
        struct sockaddr_in6 v6;
        memcpy(&v6, sa, sizeof v6);
        return v6_loopback(&v6.sin6_addr);
    }
    return false;
}

static bool token_ok(const char *t)
{
    size_t n = strlen(t);
    if (n == 0 || n > HL_HTTP_MAX_TOKEN)
        return false;
    for (size_t i = 0; i < n; i++)
        if (t[i] <= ' ' || t[i] > '~')
            return false;
    return true;
}

static bool truthy(const char *s)
{
    return s && (!strcmp(s, "1") || !strcasecmp(s, "true") || !strcasecmp(s, "yes"));
}

int hl_http_check_policy(const struct sockaddr *sa, const char *allow_remote, const char *token,
                         char *err, size_t errlen)
{
    if (token && *token && !token_ok(token)) {
        snprintf(err, errlen,
                 "HOTLINT_HTTP_TOKEN must be 1 to %d printable characters without spaces",
                 HL_HTTP_MAX_TOKEN);
        return -1;
    }
    if (hl_http_is_loopback(sa))
        return 0;
    if (!truthy(allow_remote) || !token || !*token) {
        snprintf(err, errlen,
                 "refusing a non-loopback address: the endpoint exposes the program's memory "
                 "and stacks; set HOTLINT_HTTP_ALLOW_REMOTE=1 and HOTLINT_HTTP_TOKEN (at least "
                 "%d characters) to allow it, or listen on 127.0.0.1",
                 HL_HTTP_MIN_REMOTE_TOK);
        return -1;
    }
    if (strlen(token) < HL_HTTP_MIN_REMOTE_TOK) {
        snprintf(err, errlen,
                 "HOTLINT_HTTP_TOKEN is too short for a non-loopback address: use at least %d "
                 "random characters (e.g. from `head -c 24 /dev/urandom | base64`)",
                 HL_HTTP_MIN_REMOTE_TOK);
        return -1;
    }
    return 0;
}

bool hl_http_token_equal(const char *given, size_t given_len, const char *expected,
                         size_t expected_len)
{
    if (!given)
        return false;
    /* Every byte of the expected token is visited whatever the input; the
     * only data-dependent branch is on given_len, which the client knows. */
    volatile unsigned char diff = given_len != expected_len;
    for (size_t i = 0; i < expected_len; i++) {
        unsigned char g = i < given_len ? (unsigned char)given[i] : 0;
        diff |= (unsigned char)(g ^ (unsigned char)expected[i]);
    }
    return diff == 0;
}

const char *hl_http_bearer(const char *header, size_t *len)
{
    if (!header || strncasecmp(header, "Bearer", 6) || (header[6] != ' ' && header[6] != '\t'))
        return NULL;
    const char *t = header + 6;
    while (*t == ' ' || *t == '\t')
        t++;
    size_t n = strlen(t);
    while (n && (t[n - 1] == ' ' || t[n - 1] == '\t'))
        n--;
    *len = n;
    return t;
}

bool hl_http_host_is_loopback(const char *host)
{
    char name[64];
    const char *end;
    if (!host)
        return true; /* HTTP/1.0 without Host: not a browser */
    if (host[0] == '[') {
        host++;
        end = strchr(host, ']');
        if (!end || (end[1] && end[1] != ':'))
            return false;
    } else {
        end = strchr(host, ':');
        if (!end)
            end = host + strlen(host);
    }
    size_t n = (size_t)(end - host);
    if (n == 0 || n >= sizeof name)
        return false;
    memcpy(name, host, n);
    name[n] = '\0';
    if (!strcasecmp(name, "localhost"))
        return true;
    struct in_addr a4;
    struct in6_addr a6;
    if (inet_pton(AF_INET, name, &a4) == 1)
        return v4_loopback(&a4);
    if (inet_pton(AF_INET6, name, &a6) == 1)
        return v6_loopback(&a6);
    return false;
}
