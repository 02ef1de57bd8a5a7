/* source.c - opens a profile from a file path or an http(s) URL (libcurl):
 * bearer token, bounded size and time, errors with the server's status and
 * text. */
#include <ctype.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#ifdef HL_HAVE_CURL
#include <curl/curl.h>
#endif

#include "fetch.h"
#include "source.h"

static bool is_url(const char *s)
{
    return !strncasecmp(s, "http://", 7) || !strncasecmp(s, "https://", 8);
}

static int hex_val(int c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* True when the query parameter name [p, end) names the token as the
 * server's parser (libmicrohttpd) reads it: '+' is a space, %XX escapes are
 * decoded (a bad escape stays as it is), and the name is compared without
 * regard to case. A decoded NUL ends the name too, to be safe either way. */
static bool names_token(const char *p, const char *end)
{
    static const char want[] = "token";
    size_t k = 0;
    while (p < end) {
        int c = (unsigned char)*p++;
        if (c == '+')
            c = ' ';
        else if (c == '%' && end - p >= 2 && hex_val(p[0]) >= 0 && hex_val(p[1]) >= 0) {
            c = hex_val(p[0]) * 16 + hex_val(p[1]);
            p += 2;
        }
        if (c == 0)
            break;
        if (k >= sizeof want - 1 || tolower(c) != want[k])
            return false;
        k++;
    }
    return k == sizeof want - 1;
}

/* Appends n bytes of s to buf (size buflen) at *o, as far as they fit. */
static void put(char *buf, size_t buflen, size_t *o, const char *s, size_t n)
{
    while (n-- && *o + 1 < buflen)
        buf[(*o)++] = *s++;
}

char *hl_fetch_redact(const char *url, char *buf, size_t buflen)
{
    size_t o = 0;
    if (!buflen)
        return buf;
    const char *scheme_end = strstr(url, "://");
    const char *host = scheme_end ? scheme_end + 3 : url;
    const char *auth_end = host + strcspn(host, "/?#");
    const char *at = NULL;
    for (const char *p = host; p < auth_end; p++)
        if (*p == '@')
            at = p;
    const char *p = url;
    if (at) {
        /* user:password@ keeps the user; a lone user@ may be a token too. */
        const char *colon = memchr(host, ':', (size_t)(at - host));
        put(buf, buflen, &o, url, (size_t)((colon ? colon + 1 : host) - url));
        put(buf, buflen, &o, "REDACTED", 8);
        p = at;
    }
    const char *q = strchr(p, '?');
    if (!q)
        q = p + strlen(p);
    put(buf, buflen, &o, p, (size_t)(q - p));
    /* The parameters: split on '&' (and on '#', so that a fragment's are
     * redacted too); each one named token, however spelt, loses its value. */
    for (p = q; *p;) {
        put(buf, buflen, &o, p, 1); /* '?', '&' or '#' */
        p++;
        const char *end = p + strcspn(p, "&#");
        const char *eq = memchr(p, '=', (size_t)(end - p));
        if (eq && names_token(p, eq)) {
            put(buf, buflen, &o, p, (size_t)(eq + 1 - p));
            put(buf, buflen, &o, "REDACTED", 8);
        } else {
            put(buf, buflen, &o, p, (size_t)(end - p));
        }
        p = end;
    }
    buf[o < buflen ? o : buflen - 1] = '\0';
    return buf;
}

long hl_fetch_timeout_for(const char *url)
{
    const char *q = strchr(url, '?');
    for (const char *p = q; p && *p; p++) {
        if ((*p == '?' || *p == '&') && !strncmp(p + 1, "seconds=", 8)) {
            char *end;
            long s = strtol(p + 9, &end, 10);
            if (end != p + 9 && s > 0 && s < 100000)
                return s + 60;
        }
    }
    size_t n = q ? (size_t)(q - url) : strlen(url);
    if (n >= 8 && !strncmp(url + n - 8, "/profile", 8))
        return 90;
    return 60;
}

#ifdef HL_HAVE_CURL
/* True when url names this machine (localhost, 127.x.x.x, [::1]). */
static bool loopback_url(const char *url)
{
    const char *h = strstr(url, "://");
    h = h ? h + 3 : url;
    const char *end = h + strcspn(h, "/?#");
    const char *at = memchr(h, '@', (size_t)(end - h));
    if (at)
        h = at + 1;
    if (!strncasecmp(h, "localhost", 9) && strchr(":/?#", h[9]))
        return true;
    return !strncmp(h, "127.", 4) || !strncmp(h, "[::1]", 5);
}

typedef struct body {
    char *data;
    size_t len, max;
    bool too_big;
} body;

static size_t on_data(char *ptr, size_t size, size_t nmemb, void *userdata)
{
    body *b = userdata;
    size_t n = size * nmemb;
    if (b->len + n > b->max) {
        b->too_big = true;
        return 0; /* aborts the transfer */
    }
    char *d = realloc(b->data, b->len + n + 1);
    if (!d)
        return 0;
    memcpy(d + b->len, ptr, n);
    b->data = d;
    b->len += n;
    b->data[b->len] = '\0';
    return n;
}

/* The first line(s) of a text error body, printable and short. */
static void body_excerpt(const body *b, char *out, size_t outlen)
{
    size_t o = 0;
    for (size_t i = 0; b->data && i < b->len && o + 4 < outlen; i++) {
        unsigned char c = (unsigned char)b->data[i];
        if (c == '\n' || c == '\r' || c == '\t')
            c = ' ';
        if (c < ' ' || c > '~')
            continue; /* binary or non-ASCII: skipped, not echoed */
        if (c == ' ' && o && out[o - 1] == ' ')
            continue;
        out[o++] = (char)c;
    }
    if (o + 4 >= outlen && b->len) {
        memcpy(out + o, "...", 3);
        o += 3;
    }
    while (o && out[o - 1] == ' ')
        o--;
    out[o] = '\0';
}

int hl_fetch_url(const char *url, const char *token, const hl_fetch_limits *limits, void **out,
                 size_t *len, char *err, size_t errlen)
{
    char shown[512], curl_err[CURL_ERROR_SIZE] = "";
    hl_fetch_redact(url, shown, sizeof shown);
    long timeout = limits && limits->timeout_s ? limits->timeout_s : hl_fetch_timeout_for(url);
    long connect = limits && limits->connect_timeout_s ? limits->connect_timeout_s : 10;
    body b = {.max = limits && limits->max_bytes ? limits->max_bytes : HL_FETCH_MAX_BYTES};
    int ret = -1;
    if (!token || !*token)
        token = getenv("HOTLINT_HTTP_TOKEN");
    if (token && !*token)
        token = NULL;

    CURL *c = curl_easy_init();
    if (!c) {
        snprintf(err, errlen, "%s: cannot initialize libcurl", shown);
        return -1;
    }
    curl_easy_setopt(c, CURLOPT_URL, url);
    curl_easy_setopt(c, CURLOPT_ERRORBUFFER, curl_err);
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_data);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, &b);
    curl_easy_setopt(c, CURLOPT_TIMEOUT, timeout);
    curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, connect);
    curl_easy_setopt(c, CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)b.max);
    curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 1L);
    curl_easy_setopt(c, CURLOPT_MAXREDIRS, 5L);
#if LIBCURL_VERSION_NUM >= 0x075500
    curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(c, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
#else
    curl_easy_setopt(c, CURLOPT_PROTOCOLS, (long)(CURLPROTO_HTTP | CURLPROTO_HTTPS));
    curl_easy_setopt(c, CURLOPT_REDIR_PROTOCOLS, (long)(CURLPROTO_HTTP | CURLPROTO_HTTPS));
#endif
    curl_easy_setopt(c, CURLOPT_USERAGENT, "hotlint");
    if (loopback_url(url))
        curl_easy_setopt(c, CURLOPT_PROXY, ""); /* never through http_proxy */
    if (token) {
        /* Sent as "Authorization: Bearer"; libcurl does not send it on to
         * another host after a redirect. */
        curl_easy_setopt(c, CURLOPT_HTTPAUTH, (long)CURLAUTH_BEARER);
        curl_easy_setopt(c, CURLOPT_XOAUTH2_BEARER, token);
    }

    CURLcode rc = curl_easy_perform(c);
    long status = 0;
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
    if (rc != CURLE_OK) {
        if (b.too_big || rc == CURLE_FILESIZE_EXCEEDED)
            snprintf(err, errlen, "%s: the response is larger than %zu bytes; refusing it", shown,
                     b.max);
        else if (rc == CURLE_OPERATION_TIMEDOUT)
            snprintf(err, errlen,
                     "%s: no complete answer within %ld s (%s); for a CPU profile the server "
                     "needs ?seconds=N plus a little",
                     shown, timeout, curl_err[0] ? curl_err : curl_easy_strerror(rc));
        else if (rc == CURLE_COULDNT_CONNECT)
            snprintf(err, errlen,
                     "%s: cannot connect (%s): is the program running with HOTLINT_HTTP set to "
                     "this address?",
                     shown, curl_err[0] ? curl_err : curl_easy_strerror(rc));
        else
            snprintf(err, errlen, "%s: %s", shown, curl_err[0] ? curl_err : curl_easy_strerror(rc));
        goto out;
    }
    if (status != 200) {
        char text[400];
        body_excerpt(&b, text, sizeof text);
        const char *hint = "";
        if (status == 401)
            hint = token ? " (the token was refused: check --token or HOTLINT_HTTP_TOKEN)"
                         : " (the endpoint needs a token: pass --token or set HOTLINT_HTTP_TOKEN)";
        snprintf(err, errlen, "%s: server answered HTTP %ld%s%s%s", shown, status,
                 text[0] ? ": " : "", text, hint);
        goto out;
    }
    const char *ctype = NULL;
    curl_easy_getinfo(c, CURLINFO_CONTENT_TYPE, &ctype);
    if (ctype && (!strncasecmp(ctype, "text/html", 9))) {
        snprintf(err, errlen,
                 "%s: the server sent a web page, not a profile; use a profile URL such as "
                 ".../debug/pprof/profile?seconds=30 or .../debug/pprof/heap",
                 shown);
        goto out;
    }
    *out = b.data;
    *len = b.len;
    b.data = NULL;
    ret = 0;
out:
    free(b.data);
    curl_easy_cleanup(c);
    return ret;
}
#else
int hl_fetch_url(const char *url, const char *token, const hl_fetch_limits *limits, void **out,
                 size_t *len, char *err, size_t errlen)
{
    char shown[512];
    (void)token;
    (void)limits;
    (void)out;
    (void)len;
    snprintf(err, errlen, "%s: this build has no libcurl; install libcurl4-openssl-dev and rebuild",
             hl_fetch_redact(url, shown, sizeof shown));
    return -1;
}
#endif

hl_profile *hl_profile_open(const char *source, const char *token, char *err, size_t errlen)
{
    if (!is_url(source))
        return hl_profile_read_file(source, err, errlen);
    void *data = NULL;
    size_t len = 0;
    /* The body is bounded by the download cap and by the memory limit of
     * profile reads; its decompressed bytes and what they decode to are
     * counted by the reader against that limit too. */
    hl_fetch_limits lim = {.max_bytes = HL_FETCH_MAX_BYTES};
    if (hl_profile_max_memory() < lim.max_bytes)
        lim.max_bytes = hl_profile_max_memory();
    if (hl_fetch_url(source, token, &lim, &data, &len, err, errlen) < 0)
        return NULL;
    char shown[512];
    hl_profile *p = hl_profile_read_buffer(data, len, hl_fetch_redact(source, shown, sizeof shown),
                                           err, errlen);
    free(data);
    return p;
}
