/* test_http_server.c - the endpoint's request handling inside the test
 * process (so that the sanitizer build checks it): start and stop, tokens,
 * bodies, parameters, every path, with the CPU and heap profilers replaced by
 * fakes that this test controls. Thread stacks are captured for real. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <curl/curl.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hotlint/profiler.h"
#include "http_internal.h"
#include "rt_internal.h"

/* ---- fakes of the runtime's profilers ---- */

/* The smallest valid profile: sample types alloc_space/bytes and
 * inuse_space/bytes, no samples, plain protobuf. */
static const unsigned char k_heap[] = {
    0x0a, 0x04, 0x08, 0x01, 0x10, 0x02, 0x0a, 0x04, 0x08, 0x03, 0x10, 0x02, 0x32, 0x00, 0x32, 0x0b,
    'a',  'l',  'l',  'o',  'c',  '_',  's',  'p',  'a',  'c',  'e',  0x32, 0x05, 'b',  'y',  't',
    'e',  's',  0x32, 0x0b, 'i',  'n',  'u',  's',  'e',  '_',  's',  'p',  'a',  'c',  'e'};

static int g_cpu_busy, g_cpu_seconds, g_heap_on;

int hl_rt_cpu_collect(int seconds, int hz, void **out, size_t *out_len, char *err, size_t errlen)
{
    (void)hz;
    g_cpu_seconds = seconds;
    if (g_cpu_busy) {
        snprintf(err, errlen, "a CPU profile is already running");
        errno = EBUSY;
        return -1;
    }
    *out = strdup("\x1f\x8b-fake-cpu");
    *out_len = strlen(*out);
    return 0;
}

int hl_rt_cpu_collect_cancellable(int seconds, int hz, int (*cancelled)(void *), void *arg,
                                  void **out, size_t *out_len, char *err, size_t errlen)
{
    (void)cancelled;
    (void)arg;
    return hl_rt_cpu_collect(seconds, hz, out, out_len, err, errlen);
}

int hl_rt_own_begin(void)
{
    return 0;
}

void hl_rt_own_end(int saved)
{
    (void)saved;
}

int hl_rt_heap_enabled(void)
{
    return g_heap_on;
}

hl_profile *hl_rt_heap_profile(char *err, size_t errlen)
{
    if (!g_heap_on) {
        snprintf(err, errlen, "not enabled");
        errno = ENOTSUP;
        return NULL;
    }
    return hl_profile_read_buffer(k_heap, sizeof k_heap, "heap", err, errlen);
}

/* ---- a small client ---- */

typedef struct reply {
    long status;
    char body[70000];
    size_t len;
    char headers[4096];
    size_t hlen;
} reply;

static size_t on_body(char *p, size_t size, size_t n, void *ud)
{
    reply *r = ud;
    size_t k = size * n;
    if (r->len + k >= sizeof r->body)
        k = sizeof r->body - 1 - r->len;
    memcpy(r->body + r->len, p, k);
    r->len += k;
    r->body[r->len] = '\0';
    return size * n;
}

static size_t on_header(char *p, size_t size, size_t n, void *ud)
{
    reply *r = ud;
    size_t k = size * n;
    if (r->hlen + k >= sizeof r->headers)
        k = sizeof r->headers - 1 - r->hlen;
    memcpy(r->headers + r->hlen, p, k);
    r->hlen += k;
    r->headers[r->hlen] = '\0';
    return size * n;
}

static char g_addr[80];

/* Requests path; method NULL is GET. Returns the status, 0 on no answer. */
static long req(reply *r, const char *method, const char *path, const char *body, size_t body_len,
                const char *auth)
{
    char url[512];
    snprintf(url, sizeof url, "http://%s%s", g_addr, path);
    memset(r, 0, sizeof *r);
    CURL *c = curl_easy_init();
    struct curl_slist *h = NULL;
    curl_easy_setopt(c, CURLOPT_URL, url);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, r);
    curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header);
    curl_easy_setopt(c, CURLOPT_HEADERDATA, r);
    curl_easy_setopt(c, CURLOPT_TIMEOUT, 20L);
    if (method && !strcmp(method, "HEAD"))
        curl_easy_setopt(c, CURLOPT_NOBODY, 1L);
    else if (method)
        curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method);
    if (body) {
        curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
        curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE, (long)body_len);
    }
    if (auth) {
        char line[300];
        snprintf(line, sizeof line, "Authorization: %s", auth);
        h = curl_slist_append(h, line);
        curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
    }
    if (curl_easy_perform(c) == CURLE_OK)
        curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &r->status);
    curl_slist_free_all(h);
    curl_easy_cleanup(c);
    return r->status;
}

static int setup(void **state)
{
    (void)state;
    curl_global_init(CURL_GLOBAL_DEFAULT);
    unsetenv("HOTLINT_HTTP_TOKEN");
    unsetenv("HOTLINT_HTTP_ALLOW_REMOTE");
    if (hotlint_http_start("127.0.0.1:0") < 0)
        return -1;
    return hl_http_address(g_addr, sizeof g_addr);
}

static int teardown(void **state)
{
    (void)state;
    hotlint_http_stop();
    curl_global_cleanup();
    return 0;
}

static reply g_r;

static void test_index_and_cmdline(void **state)
{
    (void)state;
    reply *r = &g_r;
    assert_int_equal(req(r, NULL, "/debug/pprof/", NULL, 0, NULL), 200);
    assert_non_null(strstr(r->body, "href=\"/debug/pprof/profile\""));
    assert_non_null(strstr(r->body, "href=\"/debug/pprof/threads?debug=1\""));
    assert_non_null(strstr(r->headers, "text/html"));
    assert_int_equal(req(r, NULL, "/debug/pprof/cmdline", NULL, 0, NULL), 200);
    assert_non_null(strstr(r->body, "test_http_server"));
    assert_int_equal(req(r, "HEAD", "/debug/pprof/cmdline", NULL, 0, NULL), 200);
    assert_int_equal(r->len, 0);
}

static void test_errors(void **state)
{
    (void)state;
    reply *r = &g_r;
    assert_int_equal(req(r, NULL, "/debug/pprof/nope", NULL, 0, NULL), 404);
    assert_non_null(strstr(r->headers, "X-Go-Pprof: 1"));
    assert_int_equal(req(r, NULL, "/other", NULL, 0, NULL), 404);
    assert_int_equal(req(r, "PUT", "/debug/pprof/", NULL, 0, NULL), 405);
    assert_non_null(strstr(r->headers, "Allow: "));
    assert_int_equal(req(r, NULL, "/debug/pprof/", "x", 1, NULL), 405); /* POST */
    assert_int_equal(req(r, NULL, "/debug/pprof/profile?seconds=0", NULL, 0, NULL), 400);
    assert_non_null(strstr(r->body, "seconds=0"));
    assert_int_equal(req(r, NULL, "/debug/pprof/profile?seconds=301", NULL, 0, NULL), 400);
    assert_int_equal(req(r, NULL, "/debug/pprof/profile?hz=5000", NULL, 0, NULL), 400);
    assert_int_equal(req(r, NULL, "/debug/pprof/heap?debug=x", NULL, 0, NULL), 400);
    assert_int_equal(
        req(r, NULL,
            "/debug/pprof/cmdline?a=1&b=2&c=3&d=4&e=5&f=6&g=7&h=8&i=9&j=10&k=11&l=12&m="
            "13&n=14&o=15&p=16&q=17",
            NULL, 0, NULL),
        400);
    char *big = malloc(HL_HTTP_MAX_BODY + 10);
    memset(big, '+', HL_HTTP_MAX_BODY + 10);
    assert_int_equal(req(r, NULL, "/debug/pprof/symbol", big, HL_HTTP_MAX_BODY + 10, NULL), 413);
    free(big);
}

static void test_profile(void **state)
{
    (void)state;
    reply *r = &g_r;
    g_cpu_busy = 0;
    assert_int_equal(req(r, NULL, "/debug/pprof/profile", NULL, 0, NULL), 200);
    assert_int_equal(g_cpu_seconds, HL_HTTP_DEFAULT_SECS);
    assert_string_equal(r->body, "\x1f\x8b-fake-cpu");
    assert_non_null(strstr(r->headers, "filename=\"profile\""));
    assert_int_equal(req(r, NULL, "/debug/pprof/profile?seconds=7", NULL, 0, NULL), 200);
    assert_int_equal(g_cpu_seconds, 7);
    g_cpu_busy = 1;
    assert_int_equal(req(r, NULL, "/debug/pprof/profile?seconds=1", NULL, 0, NULL), 500);
    assert_non_null(strstr(r->body, "already running"));
    assert_non_null(strstr(r->headers, "X-Go-Pprof: 1"));
    assert_non_null(strstr(r->headers, "text/plain"));
    g_cpu_busy = 0;
}

static void test_heap(void **state)
{
    (void)state;
    reply *r = &g_r;
    g_heap_on = 0;
    assert_int_equal(req(r, NULL, "/debug/pprof/heap", NULL, 0, NULL), 503);
    assert_non_null(strstr(r->body, "HOTLINT_MEMPROFILE"));
    g_heap_on = 1;
    assert_int_equal(req(r, NULL, "/debug/pprof/heap", NULL, 0, NULL), 200);
    assert_memory_equal(r->body, "\x1f\x8b", 2); /* the model, encoded once */
    char err[256];
    hl_profile *back = hl_profile_read_buffer(r->body, r->len, "reply", err, sizeof err);
    assert_non_null(back);
    assert_int_equal(back->n_sample_types, 2);
    assert_string_equal(back->sample_types[0].type, "alloc_space");
    assert_string_equal(back->sample_types[1].type, "inuse_space");
    hl_profile_free(back);
    assert_int_equal(req(r, NULL, "/debug/pprof/heap?debug=1", NULL, 0, NULL), 200);
    assert_non_null(strstr(r->body, "heap profile: 0 samples"));
    assert_non_null(strstr(r->body, "alloc_space/bytes"));
    assert_int_equal(req(r, NULL, "/debug/pprof/allocs", NULL, 0, NULL), 200);
    assert_memory_equal(r->body, "\x1f\x8b", 2); /* gzip */
    g_heap_on = 0;
}

__attribute__((noinline)) int hl_test_marker_function(int x)
{
    return x * 3 + 1;
}

static void test_symbol(void **state)
{
    (void)state;
    reply *r = &g_r;
    assert_int_equal(req(r, NULL, "/debug/pprof/symbol", NULL, 0, NULL), 200);
    assert_string_equal(r->body, "num_symbols: 1\n");
    char body[128], want[128];
    uintptr_t a = (uintptr_t)hl_test_marker_function;
    snprintf(body, sizeof body, "%#lx+0x0+zz+%#lx", (unsigned long)a, (unsigned long)a);
    snprintf(want, sizeof want,
             "num_symbols: 1\n%#lx hl_test_marker_function\n%#lx "
             "hl_test_marker_function\n",
             (unsigned long)a, (unsigned long)a);
    assert_int_equal(req(r, NULL, "/debug/pprof/symbol", body, strlen(body), NULL), 200);
    assert_string_equal(r->body, want);
}

static void test_threads(void **state)
{
    (void)state;
    reply *r = &g_r;
    assert_int_equal(req(r, NULL, "/debug/pprof/threads?debug=1", NULL, 0, NULL), 200);
    assert_non_null(strstr(r->body, "threads profile:"));
    /* The test's main thread waits in libcurl for this very answer. */
    assert_non_null(strstr(r->body, "\treq\t"));
    assert_non_null(strstr(r->body, "not captured"));
    assert_int_equal(req(r, NULL, "/debug/pprof/threads", NULL, 0, NULL), 200);
    assert_memory_equal(r->body, "\x1f\x8b", 2);
}

static void test_start_rules(void **state)
{
    (void)state;
    reply *r = &g_r;
    /* Already running. */
    assert_int_equal(hotlint_http_start("127.0.0.1:0"), -1);
    assert_int_equal(hotlint_http_start("0.0.0.0:0") == 0, 0);

    /* Stop, then a token-protected endpoint. */
    hotlint_http_stop();
    char tmp[80];
    assert_int_equal(hl_http_address(tmp, sizeof tmp), -1);
    assert_int_equal(req(r, NULL, "/debug/pprof/cmdline", NULL, 0, NULL), 0);
    setenv("HOTLINT_HTTP_TOKEN", "tok-abc", 1);
    assert_int_equal(hotlint_http_start("0.0.0.0:0"), -1); /* no opt-in */
    assert_int_equal(hotlint_http_start("127.0.0.1:0"), 0);
    assert_int_equal(hl_http_address(g_addr, sizeof g_addr), 0);
    assert_int_equal(req(r, NULL, "/debug/pprof/cmdline", NULL, 0, NULL), 401);
    assert_non_null(strstr(r->headers, "WWW-Authenticate: Bearer"));
    assert_int_equal(req(r, NULL, "/debug/pprof/cmdline", NULL, 0, "Bearer tok-abd"), 401);
    assert_int_equal(req(r, NULL, "/debug/pprof/symbol", "0x1", 3, NULL), 401);
    assert_int_equal(req(r, NULL, "/debug/pprof/cmdline", NULL, 0, "Bearer tok-abc"), 200);
    assert_int_equal(req(r, NULL, "/debug/pprof/cmdline?token=tok-abc", NULL, 0, NULL), 200);
    unsetenv("HOTLINT_HTTP_TOKEN");
    hotlint_http_stop();
    hotlint_http_stop(); /* twice is harmless */
    assert_int_equal(hotlint_http_start("127.0.0.1:0"), 0);
    assert_int_equal(hl_http_address(g_addr, sizeof g_addr), 0);
    assert_int_equal(req(r, NULL, "/debug/pprof/cmdline", NULL, 0, NULL), 200);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_index_and_cmdline),
        cmocka_unit_test(test_errors),
        cmocka_unit_test(test_profile),
        cmocka_unit_test(test_heap),
        cmocka_unit_test(test_symbol),
        cmocka_unit_test(test_threads),
        cmocka_unit_test(test_start_rules),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
