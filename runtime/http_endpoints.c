/* http_endpoints.c - what each /debug/pprof/ path answers: the index, CPU,
 * heap, allocs and threads profiles, cmdline and pprof's symbol protocol.
 * Parameters are checked here; every failure is a 4xx/5xx text reply. */
#include <elfutils/libdwfl.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "http_internal.h"
#include "rt_internal.h"
#include "symbolize.h"

#define MAX_SYMBOLS 4096 /* addresses per symbol request */

typedef struct endpoint {
    const char *name;
    void (*serve)(const hl_http_request *, hl_http_reply *);
    const char *what;
} endpoint;

/* Parses the decimal parameter key into *out within [lo, hi]; absent gives
 * def. Returns 0, or -1 after filling r with a 400. */
static int int_arg(const hl_http_request *req, hl_http_reply *r, const char *key, long lo, long hi,
                   long def, long *out)
{
    const char *v = hl_http_arg_get(req, key);
    *out = def;
    if (!v)
        return 0;
    char *end;
    errno = 0;
    long n = strtol(v, &end, 10);
    if (!*v || *end || errno || n < lo || n > hi) {
        hl_http_reply_text(r, 400, "bad parameter %s=%.32s: want an integer from %ld to %ld\n", key,
                           v, lo, hi);
        return -1;
    }
    *out = n;
    return 0;
}

static void reply_blob(hl_http_reply *r, void *data, size_t len, const char *filename)
{
    free(r->body);
    r->status = 200;
    r->content_type = "application/octet-stream";
    r->body = data;
    r->len = len;
    r->filename = filename;
}

static void reply_profile_text(hl_http_reply *r, const hl_profile *p, const char *title)
{
    size_t len;
    char *text = hl_http_profile_text(p, title, &len);
    if (!text) {
        hl_http_reply_text(r, 500, "out of memory rendering the %s profile\n", title);
        return;
    }
    free(r->body);
    r->status = 200;
    r->content_type = "text/plain; charset=utf-8";
    r->body = text;
    r->len = len;
}

/* Non-zero once the client has gone: it closed or reset the connection
 * while it waited (poll sees POLLRDHUP, POLLHUP or POLLERR; the request is
 * read in full, so nothing else is expected from it until the answer). */
static int client_gone(void *arg)
{
    const hl_http_request *req = arg;
    struct pollfd pfd = {.fd = req->client_fd, .events = POLLRDHUP};
    return poll(&pfd, 1, 0) == 1 && (pfd.revents & (POLLRDHUP | POLLHUP | POLLERR | POLLNVAL));
}

static void serve_profile(const hl_http_request *req, hl_http_reply *r)
{
    long seconds, hz;
    if (int_arg(req, r, "seconds", 1, HL_HTTP_MAX_SECONDS, HL_HTTP_DEFAULT_SECS, &seconds) < 0 ||
        int_arg(req, r, "hz", 1, 1000, 0, &hz) < 0)
        return;
    void *out = NULL;
    size_t len = 0;
    char err[256] = "";
    errno = 0;
    /* Stops early when the client goes away, so that the next may profile. */
    if (hl_rt_cpu_collect_cancellable((int)seconds, (int)hz,
                                      req->has_client_fd ? client_gone : NULL, (void *)req, &out,
                                      &len, err, sizeof err) < 0) {
        if (errno == ECANCELED)
            hl_http_reply_text(r, 499, "the client closed the connection: profile dropped\n");
        else if (errno == EBUSY)
            hl_http_reply_text(r, 500,
                               "Could not enable CPU profiling: a CPU profile is already running "
                               "in this process (one at a time); retry when it ends\n");
        else
            hl_http_reply_text(r, 500, "Could not collect a CPU profile: %s\n", err);
        free(out);
        return;
    }
    reply_blob(r, out, len, "profile");
}

/* heap and allocs: the same samples; allocs makes alloc_space the default
 * sample type, as Go does. */
static void serve_heap_like(const hl_http_request *req, hl_http_reply *r, bool allocs)
{
    long debug;
    if (int_arg(req, r, "debug", 0, 2, 0, &debug) < 0)
        return;
    if (!hl_rt_heap_enabled()) {
        hl_http_reply_text(r, 503,
                           "heap profiling is not enabled in this process: start the program with "
                           "HOTLINT_MEMPROFILE=PATH and libhotlint-rt preloaded or linked, or call "
                           "hotlint_heap_start() in the program\n");
        return;
    }
    char err[256] = "";
    hl_profile *p = hl_rt_heap_profile(err, sizeof err);
    if (!p) {
        hl_http_reply_text(r, 500, "Could not build the heap profile: %s\n", err);
        return;
    }
    if (allocs) {
        int i = hl_profile_sample_index(p, "alloc_space");
        if (i >= 0)
            p->default_sample_index = (size_t)i;
    }
    void *out = NULL;
    size_t len = 0;
    if (debug)
        reply_profile_text(r, p, allocs ? "allocs" : "heap");
    else if (hl_profile_encode(p, &out, &len) < 0)
        hl_http_reply_text(r, 500, "Could not encode the %s profile: %s\n",
                           allocs ? "allocs" : "heap", strerror(errno));
    else
        reply_blob(r, out, len, allocs ? "allocs" : "heap");
    hl_profile_free(p);
}

static void serve_heap(const hl_http_request *req, hl_http_reply *r)
{
    serve_heap_like(req, r, false);
}

static void serve_allocs(const hl_http_request *req, hl_http_reply *r)
{
    serve_heap_like(req, r, true);
}

static void serve_threads(const hl_http_request *req, hl_http_reply *r)
{
    long debug;
    if (int_arg(req, r, "debug", 0, 2, 0, &debug) < 0)
        return;
    char err[256] = "";
    hl_profile *p = hl_http_threads_profile(debug > 0, 1000, err, sizeof err);
    if (!p) {
        hl_http_reply_text(r, 500, "Could not capture the threads' stacks: %s\n", err);
        return;
    }
    void *out;
    size_t len;
    if (debug)
        reply_profile_text(r, p, "threads");
    else if (hl_profile_encode(p, &out, &len) < 0)
        hl_http_reply_text(r, 500, "Could not encode the threads profile: %s\n", strerror(errno));
    else
        reply_blob(r, out, len, "threads");
    hl_profile_free(p);
}

static void serve_cmdline(const hl_http_request *req, hl_http_reply *r)
{
    (void)req;
    char buf[16384];
    size_t n = 0;
    int fd = open("/proc/self/cmdline", O_RDONLY | O_CLOEXEC);
    if (fd >= 0) {
        ssize_t k;
        while (n < sizeof buf && (k = read(fd, buf + n, sizeof buf - n)) > 0)
            n += (size_t)k;
        close(fd);
    }
    if (n && buf[n - 1] == '\0')
        n--;
    /* Arguments separated by NUL bytes, as Go's os.Args joined by "\x00". */
    char *body = malloc(n + 1);
    if (!body) {
        hl_http_reply_text(r, 500, "out of memory\n");
        return;
    }
    memcpy(body, buf, n);
    body[n] = '\0';
    free(r->body);
    r->status = 200;
    r->content_type = "text/plain; charset=utf-8";
    r->body = body;
    r->len = n;
}

/* Appends one "0xADDR name" line per address of list (separated by '+',
 * spaces or commas) that names a function; at most MAX_SYMBOLS. */
static void symbolize_list(Dwfl *dwfl, const char *list, size_t len, hl_http_buf *b, size_t *count)
{
    size_t i = 0;
    while (i < len && *count < MAX_SYMBOLS) {
        while (i < len && (list[i] == '+' || list[i] == ' ' || list[i] == ',' || list[i] == '\n' ||
                           list[i] == '\r'))
            i++;
        size_t j = i;
        while (j < len && list[j] != '+' && list[j] != ' ' && list[j] != ',' && list[j] != '\n' &&
               list[j] != '\r')
            j++;
        if (j > i && j - i < 24) {
            char word[24];
            memcpy(word, list + i, j - i);
            word[j - i] = '\0';
            char *end;
            errno = 0;
            unsigned long long pc = strtoull(word, &end, 0);
            if (!*end && !errno && pc) {
                (*count)++;
                const char *name = hl_sym_symbol_name(hl_sym_module(dwfl, pc), pc);
                if (name)
                    hl_http_buf_printf(b, "%#llx %s\n", pc, name);
            }
        }
        i = j;
    }
}

/* Answers 200 with the buffer's text (which the reply takes over), or 500
 * when building it ran out of memory. */
static void reply_buf(hl_http_reply *r, hl_http_buf *b, const char *content_type)
{
    if (b->oom) {
        free(b->s);
        hl_http_reply_text(r, 500, "out of memory\n");
        return;
    }
    free(r->body);
    r->status = 200;
    r->content_type = content_type;
    r->body = b->s;
    r->len = b->len;
}

/* pprof's symbol protocol: GET answers "num_symbols: 1" (symbols are
 * available); POST "0xA+0xB..." (or GET ?0xA+0xB) answers "0xA name" lines
 * for the addresses that resolve, after that header line, as Go does. */
static void serve_symbol(const hl_http_request *req, hl_http_reply *r)
{
    hl_http_buf b = {0};
    size_t count = 0;
    hl_http_buf_printf(&b, "num_symbols: 1\n");
    Dwfl *dwfl = NULL;
    bool want = req->body_len > 0;
    for (size_t i = 0; i < req->n_args; i++)
        want |= !req->args[i].value && !strncmp(req->args[i].key, "0x", 2);
    if (want) {
        /* Debug files are found locally only (hl_sym_find_debuginfo): an
         * endpoint inside a server must never ask a debuginfod server. */
        const char *why;
        dwfl = hl_sym_report_self(&why);
        if (!dwfl) {
            free(b.s);
            hl_http_reply_text(r, 500, "Could not read this process's mappings: %s\n", why);
            return;
        }
    }
    if (req->body_len)
        symbolize_list(dwfl, req->body, req->body_len, &b, &count);
    for (size_t i = 0; i < req->n_args; i++)
        if (!req->args[i].value && !strncmp(req->args[i].key, "0x", 2))
            symbolize_list(dwfl, req->args[i].key, strlen(req->args[i].key), &b, &count);
    hl_sym_end(dwfl);
    reply_buf(r, &b, "text/plain; charset=utf-8");
}

static void serve_index(const hl_http_request *req, hl_http_reply *r);

static const endpoint endpoints[] = {
    {"allocs", serve_allocs,
     "A sampling of all past memory allocations (needs heap profiling; ?debug=1 for text)."},
    {"cmdline", serve_cmdline,
     "The command line of this program, arguments separated by NUL bytes."},
    {"heap", serve_heap,
     "A sampling of the memory allocations of live objects (needs heap profiling; ?debug=1 for "
     "text)."},
    {"profile", serve_profile,
     "CPU profile over ?seconds=N (default 30, at most 300), sampled at ?hz=N (default 100, at "
     "most 1000); one at a time. Open it with go tool pprof or hotlint top."},
    {"symbol", serve_symbol,
     "Function names of program counters (pprof's symbol protocol: POST 0xADDR+0xADDR)."},
    {"threads", serve_threads,
     "Stack of every thread, the analog of Go's goroutine profile (?debug=1 for text)."},
};

static void serve_index(const hl_http_request *req, hl_http_reply *r)
{
    hl_http_buf b = {0};
    /* A browser that came with ?token= keeps it in the links (percent-encoded,
     * which is also safe inside the HTML attribute); header users need not. */
    char tok[3 * HL_HTTP_MAX_TOKEN + 16] = "";
    const char *t = hl_http_arg_get(req, "token");
    if (t && strlen(t) <= HL_HTTP_MAX_TOKEN) {
        size_t o = 0;
        for (const unsigned char *p = (const unsigned char *)t; *p; p++) {
            if ((*p >= '0' && *p <= '9') || (*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
                strchr("-._~", *p))
                tok[o++] = (char)*p;
            else
                o += (size_t)snprintf(tok + o, sizeof tok - o, "%%%02X", *p);
        }
        tok[o] = '\0';
    }
    hl_http_buf_printf(&b,
                       "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>/debug/pprof/"
                       "</title></head>\n<body>\n<h1>/debug/pprof/</h1>\n"
                       "<p>Profiles of process %ld, served by libhotlint-rt.</p>\n<table>\n",
                       (long)getpid());
    for (size_t i = 0; i < sizeof endpoints / sizeof *endpoints; i++) {
        const char *n = endpoints[i].name;
        bool text = !strcmp(n, "threads") || !strcmp(n, "heap") || !strcmp(n, "allocs");
        hl_http_buf_printf(
            &b, "<tr><td><a href=\"/debug/pprof/%s%s%s%s\">%s</a></td><td>%s</td></tr>\n", n,
            text ? "?debug=1" : "", tok[0] ? (text ? "&amp;token=" : "?token=") : "", tok, n,
            endpoints[i].what);
    }
    hl_http_buf_printf(
        &b, "</table>\n<p>Use: <code>go tool pprof http://HOST:PORT/debug/pprof/"
            "profile?seconds=30</code> or <code>hotlint top "
            "http://HOST:PORT/debug/pprof/profile?seconds=30</code>. When the endpoint has "
            "a token, add <code>?token=TOKEN</code> or send <code>Authorization: Bearer "
            "TOKEN</code>.</p>\n</body></html>\n");
    reply_buf(r, &b, "text/html; charset=utf-8");
}

void hl_http_dispatch(const hl_http_request *req, hl_http_reply *r)
{
    if (!*req->path) {
        if (!strcmp(req->method, "POST")) {
            hl_http_reply_text(r, 405, "method POST not allowed here: use GET\n");
            r->allow = "GET, HEAD";
            return;
        }
        serve_index(req, r);
        return;
    }
    /* Go's name for the same thing, so that habits and scripts carry over. */
    const char *path = strcmp(req->path, "goroutine") ? req->path : "threads";
    for (size_t i = 0; i < sizeof endpoints / sizeof *endpoints; i++) {
        if (strcmp(path, endpoints[i].name))
            continue;
        if (!strcmp(req->method, "POST") && endpoints[i].serve != serve_symbol) {
            hl_http_reply_text(r, 405, "method POST not allowed here: use GET\n");
            r->allow = "GET, HEAD";
            return;
        }
        endpoints[i].serve(req, r);
        return;
    }
    hl_http_reply_text(r, 404,
                       "404 unknown profile %.64s: the index at /debug/pprof/ lists allocs, "
                       "cmdline, heap, profile, symbol and threads\n",
                       req->path);
}
