/* http_server.c - serves /debug/pprof/ with libmicrohttpd from threads of its
 * own: listening socket, limits, token check, request bodies, replies; the
 * constructor that reads HOTLINT_HTTP; hotlint_http_start/stop. */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

#include "hotlint/profiler.h"
#include "http_internal.h"
#include "lazy_mhd.h"
#include "rt_internal.h"

#define PREFIX "/debug/pprof"

/* Server state: changed only under g_lock by start/stop and by the fork
 * child handler (which runs single-threaded). Request threads read g_token,
 * which is set before the daemon starts and freed after it stops. */
static pthread_mutex_t g_lock = PTHREAD_MUTEX_INITIALIZER;
static struct MHD_Daemon *g_daemon;
/* libmicrohttpd, loaded by the first start; set before any request thread
 * exists. */
static const hl_mhd_api *g_mhd;
static int g_listen_fd = -1;
static char *g_token;
static size_t g_token_len;
static char g_addr[80];
static bool g_check_host; /* loopback bind without a token: Host must be loopback */
static int g_atfork_done;

/* HOTLINT_HTTP_TOKEN and HOTLINT_HTTP_ALLOW_REMOTE as the program's
 * environment had them when the runtime was loaded: the runtime removes
 * HOTLINT_* from the environment at start-up (so that programs this one
 * executes are not affected), and hotlint_http_start() may be called later.
 * glibc never frees the strings of the initial environment. */
static const char *g_env_token, *g_env_remote;

/* Runs before every unprioritized constructor, the one that scrubs the
 * environment included; only reads. */
__attribute__((constructor(101))) static void hl_http_snapshot_env(void)
{
    g_env_token = getenv("HOTLINT_HTTP_TOKEN");
    g_env_remote = getenv("HOTLINT_HTTP_ALLOW_REMOTE");
}

/* The variable as the program sees it now, else as it was at load time. */
static const char *setting(const char *name, const char *at_load)
{
    const char *v = getenv(name);
    return v ? v : at_load;
}

/* Per-request state kept between the calls MHD makes for one request. */
typedef struct conn_state {
    char *body;
    size_t len;
    bool answered; /* a reply is queued already: ignore the rest */
} conn_state;

const char *hl_http_arg_get(const hl_http_request *req, const char *key)
{
    for (size_t i = 0; i < req->n_args; i++)
        if (!strcmp(req->args[i].key, key))
            return req->args[i].value;
    return NULL;
}

void hl_http_reply_text(hl_http_reply *r, int status, const char *fmt, ...)
{
    va_list ap;
    free(r->body);
    memset(r, 0, sizeof *r);
    r->status = status;
    r->content_type = "text/plain; charset=utf-8";
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0)
        return;
    r->body = malloc((size_t)n + 1);
    if (!r->body)
        return;
    va_start(ap, fmt);
    vsnprintf(r->body, (size_t)n + 1, fmt, ap);
    va_end(ap);
    r->len = (size_t)n;
}

/* Queues r on c with the headers every answer carries; takes ownership of
 * r->body whatever happens. MHD_NO (MHD then closes the connection) when
 * the response cannot be built or queued. */
static enum MHD_Result send_reply(struct MHD_Connection *c, hl_http_reply *r)
{
    struct MHD_Response *resp = g_mhd->create_response_from_buffer(
        r->len, r->body ? r->body : (void *)"",
        r->body ? MHD_RESPMEM_MUST_FREE : MHD_RESPMEM_PERSISTENT);
    if (!resp) {
        free(r->body);
        r->body = NULL;
        return MHD_NO;
    }
    r->body = NULL; /* owned by the response now */
    g_mhd->add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, r->content_type);
    g_mhd->add_response_header(resp, "X-Content-Type-Options", "nosniff");
    g_mhd->add_response_header(resp, MHD_HTTP_HEADER_CACHE_CONTROL, "no-store");
    if (r->status >= 400)
        g_mhd->add_response_header(resp, "X-Go-Pprof", "1");
    if (r->status == MHD_HTTP_UNAUTHORIZED)
        g_mhd->add_response_header(resp, MHD_HTTP_HEADER_WWW_AUTHENTICATE,
                                   "Bearer realm=\"hotlint\"");
    if (r->allow)
        g_mhd->add_response_header(resp, MHD_HTTP_HEADER_ALLOW, r->allow);
    if (r->filename) {
        char disp[128];
        snprintf(disp, sizeof disp, "attachment; filename=\"%s\"", r->filename);
        g_mhd->add_response_header(resp, MHD_HTTP_HEADER_CONTENT_DISPOSITION, disp);
    }
    enum MHD_Result ret = g_mhd->queue_response(c, (unsigned)r->status, resp);
    g_mhd->destroy_response(resp);
    return ret;
}

static enum MHD_Result reply_now(struct MHD_Connection *c, int status, const char *msg)
{
    hl_http_reply r = {0};
    hl_http_reply_text(&r, status, "%s\n", msg);
    return send_reply(c, &r);
}

typedef struct arg_walk {
    hl_http_request *req;
    bool overflow;
} arg_walk;

static enum MHD_Result collect_arg(void *cls, enum MHD_ValueKind kind, const char *key,
                                   const char *value)
{
    (void)kind;
    arg_walk *w = cls;
    if (w->req->n_args == HL_HTTP_MAX_ARGS) {
        w->overflow = true;
        return MHD_NO;
    }
    w->req->args[w->req->n_args].key = key ? key : "";
    w->req->args[w->req->n_args].value = value;
    w->req->n_args++;
    return MHD_YES;
}

/* True when no token is set, or the request carries it as a bearer header
 * or as ?token=. Both are compared in constant time, always both. */
static bool authorized(struct MHD_Connection *c)
{
    if (!g_token)
        return true;
    size_t n = 0;
    const char *auth = g_mhd->lookup_connection_value(c, MHD_HEADER_KIND, "Authorization");
    const char *t = hl_http_bearer(auth, &n);
    bool ok = hl_http_token_equal(t, n, g_token, g_token_len);
    const char *q = g_mhd->lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "token");
    ok |= hl_http_token_equal(q, q ? strlen(q) : 0, g_token, g_token_len);
    return ok;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *c, const char *url,
                                  const char *method, const char *version, const char *upload_data,
                                  size_t *upload_data_size, void **con_cls)
{
    (void)cls;
    (void)version;
    conn_state *st = *con_cls;
    if (!st) {
        /* First call: headers are in. Decide everything that does not need
         * the body before reading any of it. */
        st = calloc(1, sizeof *st);
        if (!st)
            return MHD_NO;
        *con_cls = st;
        if (!authorized(c)) {
            st->answered = true;
            return reply_now(c, MHD_HTTP_UNAUTHORIZED,
                             "unauthorized: this endpoint needs its token, as "
                             "'Authorization: Bearer TOKEN' or '?token=TOKEN'");
        }
        if (g_check_host &&
            !hl_http_host_is_loopback(g_mhd->lookup_connection_value(c, MHD_HEADER_KIND, "Host"))) {
            st->answered = true;
            return reply_now(c, MHD_HTTP_FORBIDDEN,
                             "forbidden: this endpoint answers only requests addressed to "
                             "localhost, 127.0.0.1 or [::1] (the Host header names another "
                             "host; a web page may be trying to read it)");
        }
        bool get = !strcmp(method, "GET") || !strcmp(method, "HEAD");
        bool post = !strcmp(method, "POST");
        if (!get && !post) {
            hl_http_reply r = {0};
            hl_http_reply_text(&r, MHD_HTTP_METHOD_NOT_ALLOWED,
                               "method %.16s not allowed: use GET (or POST for symbol)\n", method);
            r.allow = "GET, HEAD, POST";
            st->answered = true;
            return send_reply(c, &r);
        }
        if (post) {
            const char *cl =
                g_mhd->lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_LENGTH);
            if (cl && strtoull(cl, NULL, 10) > HL_HTTP_MAX_BODY) {
                st->answered = true;
                return reply_now(c, 413 /* content too large */,
                                 "request body too large (at most 65536 bytes)");
            }
        }
        return MHD_YES;
    }
    if (*upload_data_size) {
        /* A body chunk. Keep at most HL_HTTP_MAX_BODY bytes; answer 413 at
         * once beyond that (MHD then closes the connection). */
        size_t n = *upload_data_size;
        *upload_data_size = 0;
        if (st->answered)
            return MHD_YES;
        if (st->len + n > HL_HTTP_MAX_BODY) {
            st->answered = true;
            return reply_now(c, 413 /* content too large */,
                             "request body too large (at most 65536 bytes)");
        }
        char *b = realloc(st->body, st->len + n + 1);
        if (!b)
            return MHD_NO;
        memcpy(b + st->len, upload_data, n);
        st->body = b;
        st->len += n;
        st->body[st->len] = '\0';
        return MHD_YES;
    }
    if (st->answered)
        return MHD_YES;
    st->answered = true;

    hl_http_request req = {.method = method, .body = st->body, .body_len = st->len};
    if (strncmp(url, PREFIX, strlen(PREFIX)) ||
        (url[strlen(PREFIX)] != '/' && url[strlen(PREFIX)] != '\0'))
        return reply_now(c, MHD_HTTP_NOT_FOUND,
                         "404 page not found: the profiles are under /debug/pprof/");
    req.path = url + strlen(PREFIX);
    if (*req.path == '/')
        req.path++;
    arg_walk w = {.req = &req};
    g_mhd->get_connection_values(c, MHD_GET_ARGUMENT_KIND, collect_arg, &w);
    if (w.overflow)
        return reply_now(c, MHD_HTTP_BAD_REQUEST, "too many query parameters (at most 16)");

    const union MHD_ConnectionInfo *ci =
        g_mhd->get_connection_info(c, MHD_CONNECTION_INFO_CONNECTION_FD);
    if (ci) {
        req.has_client_fd = true;
        req.client_fd = ci->connect_fd;
    }
    hl_http_reply r = {0};
    hl_http_dispatch(&req, &r);
    return send_reply(c, &r);
}

static void on_completed(void *cls, struct MHD_Connection *c, void **con_cls,
                         enum MHD_RequestTerminationCode toe)
{
    (void)cls;
    (void)c;
    (void)toe;
    conn_state *st = *con_cls;
    if (st) {
        free(st->body);
        free(st);
        *con_cls = NULL;
    }
}

/* In a forked child the server threads are gone: forget the daemon without
 * touching it, and close the listening socket so that the port is free when
 * the parent exits. Runs single-threaded in the child. */
static void atfork_child(void)
{
    if (g_listen_fd >= 0)
        close(g_listen_fd);
    g_listen_fd = -1;
    g_daemon = NULL;
    pthread_mutex_init(&g_lock, NULL);
    hl_http_threads_atfork_child();
}

/* Creates, binds and listens on addr with SO_REUSEADDR and close-on-exec.
 * Returns the socket or -1 with a message in err. */
static int open_listener(const struct sockaddr_storage *ss, socklen_t len, const char *addr,
                         char *err, size_t errlen)
{
    int fd = socket(ss->ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        snprintf(err, errlen, "%s: socket: %s", addr, strerror(errno));
        return -1;
    }
    int one = 1;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    if (ss->ss_family == AF_INET6)
        setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof one);
    if (bind(fd, (const struct sockaddr *)ss, len) < 0 || listen(fd, 64) < 0) {
        int e = errno;
        snprintf(err, errlen, "%s: %s%s", addr, strerror(e),
                 e == EADDRINUSE      ? " (another process holds it: choose another port)"
                 : e == EACCES        ? " (ports below 1024 need privileges: choose another)"
                 : e == EADDRNOTAVAIL ? " (no interface of this machine has that address)"
                                      : "");
        close(fd);
        return -1;
    }
    return fd;
}

static void describe_bound(int fd, const char *addr, char *out, size_t outlen)
{
    struct sockaddr_storage ss;
    socklen_t len = sizeof ss;
    char host[64] = "?";
    unsigned port = 0;
    snprintf(out, outlen, "%s", addr);
    if (getsockname(fd, (struct sockaddr *)&ss, &len) < 0)
        return;
    if (ss.ss_family == AF_INET) {
        struct sockaddr_in *v4 = (struct sockaddr_in *)&ss;
        inet_ntop(AF_INET, &v4->sin_addr, host, sizeof host);
        port = ntohs(v4->sin_port);
        snprintf(out, outlen, "%s:%u", host, port);
    } else if (ss.ss_family == AF_INET6) {
        struct sockaddr_in6 *v6 = (struct sockaddr_in6 *)&ss;
        inet_ntop(AF_INET6, &v6->sin6_addr, host, sizeof host);
        port = ntohs(v6->sin6_port);
        snprintf(out, outlen, "[%s]:%u", host, port);
    }
}

int hotlint_http_start(const char *addr)
{
    char err[512];
    struct sockaddr_storage ss;
    socklen_t len;
    int fd = -1;
    sigset_t all, old;

    pthread_mutex_lock(&g_lock);
    if (g_daemon) {
        fprintf(stderr, "hotlint: /debug/pprof/ is already served on %s\n", g_addr);
        pthread_mutex_unlock(&g_lock);
        errno = EBUSY;
        return -1;
    }
    if (hl_http_parse_addr(addr, &ss, &len, err, sizeof err) < 0)
        goto err;
    if (!g_mhd) {
        int own = hl_rt_own_begin(); /* the loader's allocations are the profiler's */
        g_mhd = hl_mhd();
        hl_rt_own_end(own);
    }
    if (!g_mhd) {
        snprintf(err, sizeof err, "%s: %s could not be loaded", addr, HL_MHD_SONAME);
        goto err;
    }
    const char *token = setting("HOTLINT_HTTP_TOKEN", g_env_token);
    const char *remote = setting("HOTLINT_HTTP_ALLOW_REMOTE", g_env_remote);
    char why[400];
    if (hl_http_check_policy((struct sockaddr *)&ss, remote, token, why, sizeof why) < 0) {
        snprintf(err, sizeof err, "%.64s: %s", addr, why);
        goto err;
    }
    fd = open_listener(&ss, len, addr, err, sizeof err);
    if (fd < 0)
        goto err;
    free(g_token);
    g_token = NULL;
    g_token_len = 0;
    if (token && *token) {
        g_token = strdup(token);
        if (!g_token) {
            snprintf(err, sizeof err, "%s: out of memory", addr);
            goto err;
        }
        g_token_len = strlen(g_token);
    }

    /* The server's threads inherit this mask: they never take the
     * application's process-directed signals (SIGTERM, SIGINT, SIGCHLD, ...),
     * so its handlers and sigwait() threads see what they saw before. Faults
     * and SIGPROF stay open so that the threads show in CPU profiles. */
    sigfillset(&all);
    sigdelset(&all, SIGSEGV);
    sigdelset(&all, SIGBUS);
    sigdelset(&all, SIGFPE);
    sigdelset(&all, SIGILL);
    sigdelset(&all, SIGPROF);
    pthread_sigmask(SIG_SETMASK, &all, &old);
    unsigned flags = MHD_USE_THREAD_PER_CONNECTION | MHD_USE_INTERNAL_POLLING_THREAD |
                     MHD_USE_POLL | MHD_USE_ITC;
    if (ss.ss_family == AF_INET6)
        flags |= MHD_USE_IPv6;
    /* The server's threads work for the profiler: their allocations are not
     * the application's and are never heap-sampled. */
    int own = hl_rt_own_begin();
    g_daemon =
        g_mhd->start_daemon(flags, 0, NULL, NULL, on_request, NULL, MHD_OPTION_LISTEN_SOCKET, fd,
                            MHD_OPTION_CONNECTION_LIMIT, (unsigned)HL_HTTP_CONN_LIMIT,
                            MHD_OPTION_PER_IP_CONNECTION_LIMIT, (unsigned)HL_HTTP_PER_IP_LIMIT,
                            MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)HL_HTTP_IDLE_TIMEOUT,
                            MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)HL_HTTP_CONN_MEMORY,
                            MHD_OPTION_NOTIFY_COMPLETED, on_completed, NULL, MHD_OPTION_END);
    hl_rt_own_end(own);
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    if (!g_daemon) {
        snprintf(err, sizeof err, "%s: libmicrohttpd could not start its threads", addr);
        goto err;
    }
    g_listen_fd = fd;
    g_check_host = !g_token && hl_http_is_loopback((struct sockaddr *)&ss);
    describe_bound(fd, addr, g_addr, sizeof g_addr);
    if (!g_atfork_done && pthread_atfork(NULL, NULL, atfork_child) == 0)
        g_atfork_done = 1;
    /* Port 0 asks for any free port: say which one, since nobody else can. */
    const char *colon = strrchr(addr, ':');
    if (colon && !strcmp(colon, ":0"))
        fprintf(stderr, "hotlint: serving /debug/pprof/ on http://%s/\n", g_addr);
    pthread_mutex_unlock(&g_lock);
    return 0;

err:
    if (fd >= 0)
        close(fd);
    free(g_token);
    g_token = NULL;
    fprintf(stderr, "hotlint: not serving /debug/pprof/: %s\n", err);
    pthread_mutex_unlock(&g_lock);
    errno = EINVAL;
    return -1;
}

int hl_http_address(char *buf, size_t len)
{
    pthread_mutex_lock(&g_lock);
    int rc = g_daemon ? 0 : -1;
    if (g_daemon)
        snprintf(buf, len, "%s", g_addr);
    pthread_mutex_unlock(&g_lock);
    return rc;
}

void hotlint_http_stop(void)
{
    pthread_mutex_lock(&g_lock);
    if (g_daemon) {
        /* Waits for requests in flight; a CPU profile request ends within
         * its ?seconds=. */
        g_mhd->stop_daemon(g_daemon); /* closes the listening socket too */
        g_daemon = NULL;
        g_listen_fd = -1;
        free(g_token);
        g_token = NULL;
        g_token_len = 0;
    }
    pthread_mutex_unlock(&g_lock);
}

/* HOTLINT_HTTP=ADDR starts the endpoint when the runtime is loaded (by
 * LD_PRELOAD, `hotlint run --http` or linking). A failure is reported on
 * stderr and the program runs on without the endpoint. */
__attribute__((constructor)) static void hl_http_from_env(void)
{
    const char *addr = getenv("HOTLINT_HTTP");
    if (addr && *addr)
        (void)hotlint_http_start(addr);
}
