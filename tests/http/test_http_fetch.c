/* test_http_fetch.c - unit tests of fetching profiles by URL (fetch/) against
 * a libmicrohttpd server inside the test: success, bearer token from the
 * argument or HOTLINT_HTTP_TOKEN, the server's status and text in errors,
 * size and time limits, refused connections, redaction of tokens. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <microhttpd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "fetch.h"
#include "source.h"

/* The smallest valid profile: sample type samples/count, no samples. */
static const unsigned char k_profile[] = {0x0a, 0x04, 0x08, 0x01, 0x10, 0x02, 0x32, 0x00,
                                          0x32, 0x07, 's',  'a',  'm',  'p',  'l',  'e',
                                          's',  0x32, 0x05, 'c',  'o',  'u',  'n',  't'};

static struct MHD_Daemon *g_d;
static unsigned g_port;

static enum MHD_Result answer(struct MHD_Connection *c, unsigned status, const char *ctype,
                              const void *data, size_t len)
{
    struct MHD_Response *r =
        MHD_create_response_from_buffer(len, (void *)data, MHD_RESPMEM_MUST_COPY);
    MHD_add_response_header(r, "Content-Type", ctype);
    if (status >= 400)
        MHD_add_response_header(r, "X-Go-Pprof", "1");
    enum MHD_Result ret = MHD_queue_response(c, status, r);
    MHD_destroy_response(r);
    return ret;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *c, const char *url,
                                  const char *method, const char *version, const char *upload,
                                  size_t *upload_size, void **con_cls)
{
    (void)cls;
    (void)method;
    (void)version;
    (void)upload;
    (void)upload_size;
    if (!*con_cls) {
        *con_cls = (void *)1;
        return MHD_YES;
    }
    const char *bin = "application/octet-stream";
    if (!strcmp(url, "/ok"))
        return answer(c, 200, bin, k_profile, sizeof k_profile);
    if (!strcmp(url, "/auth")) {
        const char *a = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Authorization");
        if (a && !strcmp(a, "Bearer tok-123"))
            return answer(c, 200, bin, k_profile, sizeof k_profile);
        const char *m = "unauthorized: this endpoint needs its token\n";
        return answer(c, 401, "text/plain", m, strlen(m));
    }
    if (!strcmp(url, "/busy")) {
        const char *m = "Could not enable CPU profiling: a CPU profile is already running\n";
        return answer(c, 500, "text/plain", m, strlen(m));
    }
    if (!strcmp(url, "/big")) {
        size_t n = 2u << 20;
        char *big = calloc(1, n);
        enum MHD_Result ret = answer(c, 200, bin, big, n);
        free(big);
        return ret;
    }
    if (!strcmp(url, "/slow")) {
        sleep(2);
        return answer(c, 200, bin, k_profile, sizeof k_profile);
    }
    if (!strcmp(url, "/html")) {
        const char *m = "<html><body>index</body></html>";
        return answer(c, 200, "text/html; charset=utf-8", m, strlen(m));
    }
    if (!strcmp(url, "/garbage"))
        return answer(c, 200, bin, "hello, world", 12);
    const char *m = "404 page not found\n";
    return answer(c, 404, "text/plain", m, strlen(m));
}

static int setup(void **state)
{
    (void)state;
    struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = 0};
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    g_d = MHD_start_daemon(MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_THREAD_PER_CONNECTION, 0, NULL,
                           NULL, on_request, NULL, MHD_OPTION_SOCK_ADDR, &sa, MHD_OPTION_END);
    if (!g_d)
        return -1;
    const union MHD_DaemonInfo *info = MHD_get_daemon_info(g_d, MHD_DAEMON_INFO_BIND_PORT);
    g_port = info ? info->port : 0;
    unsetenv("HOTLINT_HTTP_TOKEN");
    return g_port ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    MHD_stop_daemon(g_d);
    return 0;
}

static char *url(const char *path)
{
    static char buf[256];
    snprintf(buf, sizeof buf, "http://127.0.0.1:%u%s", g_port, path);
    return buf;
}

static void test_ok(void **state)
{
    (void)state;
    char err[1024] = "";
    hl_profile *p = hl_profile_open(url("/ok"), NULL, err, sizeof err);
    assert_non_null(p);
    assert_int_equal(p->n_sample_types, 1);
    assert_string_equal(p->sample_types[0].type, "samples");
    hl_profile_free(p);

    /* A proxy in the environment is not used for this machine's addresses. */
    setenv("http_proxy", "http://127.0.0.1:9", 1);
    p = hl_profile_open(url("/ok"), NULL, err, sizeof err);
    unsetenv("http_proxy");
    assert_non_null(p);
    hl_profile_free(p);
}

static void test_token(void **state)
{
    (void)state;
    char err[1024] = "";
    assert_null(hl_profile_open(url("/auth"), NULL, err, sizeof err));
    assert_non_null(strstr(err, "HTTP 401"));
    assert_non_null(strstr(err, "needs its token"));
    assert_non_null(strstr(err, "--token or set HOTLINT_HTTP_TOKEN"));

    assert_null(hl_profile_open(url("/auth"), "wrong", err, sizeof err));
    assert_non_null(strstr(err, "the token was refused"));

    hl_profile *p = hl_profile_open(url("/auth"), "tok-123", err, sizeof err);
    assert_non_null(p);
    hl_profile_free(p);

    setenv("HOTLINT_HTTP_TOKEN", "tok-123", 1);
    p = hl_profile_open(url("/auth"), NULL, err, sizeof err);
    unsetenv("HOTLINT_HTTP_TOKEN");
    assert_non_null(p);
    hl_profile_free(p);
}

static void test_server_error_text(void **state)
{
    (void)state;
    char err[1024] = "";
    assert_null(hl_profile_open(url("/busy?seconds=5"), NULL, err, sizeof err));
    assert_non_null(strstr(err, "HTTP 500"));
    assert_non_null(strstr(err, "a CPU profile is already running"));
    assert_null(hl_profile_open(url("/nowhere"), NULL, err, sizeof err));
    assert_non_null(strstr(err, "HTTP 404"));
}

static void test_limits(void **state)
{
    (void)state;
    char err[1024] = "";
    void *out = NULL;
    size_t len = 0;
    hl_fetch_limits small = {.max_bytes = 1u << 20};
    assert_int_equal(hl_fetch_url(url("/big"), NULL, &small, &out, &len, err, sizeof err), -1);
    assert_non_null(strstr(err, "larger than 1048576 bytes"));
    hl_fetch_limits roomy = {.max_bytes = 4u << 20};
    assert_int_equal(hl_fetch_url(url("/big"), NULL, &roomy, &out, &len, err, sizeof err), 0);
    assert_int_equal(len, 2u << 20);
    free(out);

    hl_fetch_limits quick = {.timeout_s = 1};
    assert_int_equal(hl_fetch_url(url("/slow"), NULL, &quick, &out, &len, err, sizeof err), -1);
    assert_non_null(strstr(err, "no complete answer within 1 s"));
}

static void test_not_a_profile(void **state)
{
    (void)state;
    char err[1024] = "";
    assert_null(hl_profile_open(url("/html"), NULL, err, sizeof err));
    assert_non_null(strstr(err, "web page, not a profile"));
    assert_null(hl_profile_open(url("/garbage"), NULL, err, sizeof err));
    assert_non_null(strstr(err, "/garbage"));
}

static void test_refused_and_redacted(void **state)
{
    (void)state;
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in sa = {.sin_family = AF_INET};
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t sl = sizeof sa;
    assert_int_equal(bind(fd, (struct sockaddr *)&sa, sizeof sa), 0);
    assert_int_equal(getsockname(fd, (struct sockaddr *)&sa, &sl), 0);
    close(fd); /* nobody listens there now */
    char u[256], err[1024] = "";
    snprintf(u, sizeof u, "http://127.0.0.1:%u/debug/pprof/heap?token=secret-xyz",
             ntohs(sa.sin_port));
    assert_null(hl_profile_open(u, NULL, err, sizeof err));
    assert_non_null(strstr(err, "cannot connect"));
    assert_non_null(strstr(err, "token=REDACTED"));
    assert_null(strstr(err, "secret-xyz"));

    char buf[256];
    assert_string_equal(hl_fetch_redact("http://u:pw@h:1/x?a=1&token=abc&b=2", buf, sizeof buf),
                        "http://u:REDACTED@h:1/x?a=1&token=REDACTED&b=2");
    assert_string_equal(hl_fetch_redact("http://h/x?mytoken=1", buf, sizeof buf),
                        "http://h/x?mytoken=1");
}

static void test_timeouts_and_paths(void **state)
{
    (void)state;
    assert_int_equal(hl_fetch_timeout_for("http://h/debug/pprof/profile?seconds=30"), 90);
    assert_int_equal(hl_fetch_timeout_for("http://h/debug/pprof/profile?token=x&seconds=5"), 65);
    assert_int_equal(hl_fetch_timeout_for("http://h/debug/pprof/profile"), 90);
    assert_int_equal(hl_fetch_timeout_for("http://h/debug/pprof/heap"), 60);
    assert_int_equal(hl_fetch_timeout_for("http://h/debug/pprof/profile?seconds=abc"), 90);

    /* Local paths still go through the file reader. */
    char path[] = "/tmp/hl-fetch-XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, k_profile, sizeof k_profile), (ssize_t)sizeof k_profile);
    close(fd);
    char err[1024] = "";
    hl_profile *p = hl_profile_open(path, NULL, err, sizeof err);
    unlink(path);
    assert_non_null(p);
    hl_profile_free(p);
    assert_null(hl_profile_open("/nonexistent/cpu.prof", NULL, err, sizeof err));
    assert_non_null(strstr(err, "/nonexistent/cpu.prof"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ok),
        cmocka_unit_test(test_token),
        cmocka_unit_test(test_server_error_text),
        cmocka_unit_test(test_limits),
        cmocka_unit_test(test_not_a_profile),
        cmocka_unit_test(test_refused_and_redacted),
        cmocka_unit_test(test_timeouts_and_paths),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
