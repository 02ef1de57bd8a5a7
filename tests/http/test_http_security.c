/* test_http_security.c - unit tests of the endpoint's address rules, bind
 * policy, token syntax, bearer parsing and constant-time comparison. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <string.h>

#include "http_internal.h"

static int parse(const char *addr, struct sockaddr_storage *ss)
{
    socklen_t len;
    char err[256];
    return hl_http_parse_addr(addr, ss, &len, err, sizeof err);
}

static void test_parse_forms(void **state)
{
    (void)state;
    struct sockaddr_storage ss;
    struct sockaddr_in *v4 = (struct sockaddr_in *)&ss;
    struct sockaddr_in6 *v6 = (struct sockaddr_in6 *)&ss;

    assert_int_equal(parse("127.0.0.1:6060", &ss), 0);
    assert_int_equal(ss.ss_family, AF_INET);
    assert_int_equal(ntohs(v4->sin_port), 6060);
    assert_int_equal(ntohl(v4->sin_addr.s_addr), 0x7f000001);

    /* No host means loopback, unlike Go's ":port". */
    assert_int_equal(parse(":6061", &ss), 0);
    assert_int_equal(ntohl(v4->sin_addr.s_addr), 0x7f000001);
    assert_int_equal(ntohs(v4->sin_port), 6061);
    assert_int_equal(parse("6062", &ss), 0);
    assert_int_equal(ntohl(v4->sin_addr.s_addr), 0x7f000001);
    assert_int_equal(parse("localhost:0", &ss), 0);
    assert_int_equal(ntohl(v4->sin_addr.s_addr), 0x7f000001);

    assert_int_equal(parse("[::1]:6060", &ss), 0);
    assert_int_equal(ss.ss_family, AF_INET6);
    assert_int_equal(ntohs(v6->sin6_port), 6060);
    assert_int_equal(parse("0.0.0.0:65535", &ss), 0);
    assert_int_equal(ntohs(v4->sin_port), 65535);
}

static void test_parse_rejects(void **state)
{
    (void)state;
    struct sockaddr_storage ss;
    const char *bad[] = {
        "",          "127.0.0.1:", "127.0.0.1:65536", "127.0.0.1:-1", "127.0.0.1:6x",    "::1:6060",
        "[::1]6060", "[::1",       "host.example:80", "1.2.3:80",     "127.0.0.1:123456"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        socklen_t len;
        char err[256] = "";
        assert_int_equal(hl_http_parse_addr(bad[i], &ss, &len, err, sizeof err), -1);
        assert_true(strlen(err) > 0);
    }
}

static void test_loopback(void **state)
{
    (void)state;
    struct sockaddr_storage ss;
    const char *loop[] = {"127.0.0.1:1", "127.1.2.3:1", "[::1]:1", "[::ffff:127.0.0.1]:1"};
    const char *remote[] = {"0.0.0.0:1",           "10.0.0.1:1",  "[::]:1",
                            "[::ffff:10.0.0.1]:1", "128.0.0.1:1", "[fe80::1]:1"};
    for (size_t i = 0; i < sizeof loop / sizeof *loop; i++) {
        assert_int_equal(parse(loop[i], &ss), 0);
        assert_true(hl_http_is_loopback((struct sockaddr *)&ss));
    }
    for (size_t i = 0; i < sizeof remote / sizeof *remote; i++) {
        assert_int_equal(parse(remote[i], &ss), 0);
        assert_false(hl_http_is_loopback((struct sockaddr *)&ss));
    }
}

static void test_policy(void **state)
{
    (void)state;
    struct sockaddr_storage lo, any;
    char err[512];
    const char *tok = "0123456789abcdef";
    assert_int_equal(parse("127.0.0.1:0", &lo), 0);
    assert_int_equal(parse("0.0.0.0:0", &any), 0);
    struct sockaddr *l = (struct sockaddr *)&lo, *a = (struct sockaddr *)&any;

    assert_int_equal(hl_http_check_policy(l, NULL, NULL, err, sizeof err), 0);
    assert_int_equal(hl_http_check_policy(l, NULL, "short", err, sizeof err), 0);
    assert_int_equal(hl_http_check_policy(a, NULL, NULL, err, sizeof err), -1);
    assert_non_null(strstr(err, "HOTLINT_HTTP_ALLOW_REMOTE=1"));
    assert_int_equal(hl_http_check_policy(a, "1", NULL, err, sizeof err), -1);
    assert_int_equal(hl_http_check_policy(a, "1", "", err, sizeof err), -1);
    assert_int_equal(hl_http_check_policy(a, NULL, tok, err, sizeof err), -1);
    assert_int_equal(hl_http_check_policy(a, "0", tok, err, sizeof err), -1);
    assert_int_equal(hl_http_check_policy(a, "1", "0123456789abcde", err, sizeof err), -1);
    assert_non_null(strstr(err, "too short"));
    assert_int_equal(hl_http_check_policy(a, "1", tok, err, sizeof err), 0);
    assert_int_equal(hl_http_check_policy(a, "yes", tok, err, sizeof err), 0);
    assert_int_equal(hl_http_check_policy(a, "TRUE", tok, err, sizeof err), 0);
    /* Token syntax applies everywhere. */
    assert_int_equal(hl_http_check_policy(l, NULL, "a b", err, sizeof err), -1);
    assert_int_equal(hl_http_check_policy(a, "1", "0123456789abcdef\n", err, sizeof err), -1);
    char longtok[HL_HTTP_MAX_TOKEN + 2];
    memset(longtok, 'x', sizeof longtok - 1);
    longtok[sizeof longtok - 1] = '\0';
    assert_int_equal(hl_http_check_policy(a, "1", longtok, err, sizeof err), -1);
}

static void test_token_equal(void **state)
{
    (void)state;
    const char *t = "0123456789abcdef";
    size_t n = strlen(t);
    assert_true(hl_http_token_equal(t, n, t, n));
    assert_false(hl_http_token_equal(NULL, 0, t, n));
    assert_false(hl_http_token_equal("", 0, t, n));
    assert_false(hl_http_token_equal(t, n - 1, t, n));
    assert_false(hl_http_token_equal("0123456789abcdefX", n + 1, t, n));
    assert_false(hl_http_token_equal("1123456789abcdef", n, t, n));
    assert_false(hl_http_token_equal("0123456789abcdeg", n, t, n));
    /* A given token longer than the expected one with the expected prefix. */
    assert_false(hl_http_token_equal("0123456789abcdef0123", 20, t, n));
}

static void test_bearer(void **state)
{
    (void)state;
    size_t n = 0;
    const char *t = hl_http_bearer("Bearer abc", &n);
    assert_non_null(t);
    assert_int_equal(n, 3);
    assert_memory_equal(t, "abc", 3);
    t = hl_http_bearer("bEaReR \t xyz  ", &n);
    assert_non_null(t);
    assert_int_equal(n, 3);
    assert_null(hl_http_bearer(NULL, &n));
    assert_null(hl_http_bearer("Basic abc", &n));
    assert_null(hl_http_bearer("Bearerabc", &n));
    assert_null(hl_http_bearer("Bear", &n));
    t = hl_http_bearer("Bearer ", &n);
    assert_non_null(t);
    assert_int_equal(n, 0);
}

static void test_host_header(void **state)
{
    (void)state;
    const char *ok[] = {NULL,          "localhost", "LOCALHOST:6060", "127.0.0.1", "127.0.0.1:6060",
                        "127.9.9.9:1", "[::1]",     "[::1]:6060"};
    const char *bad[] = {"evil.example",
                         "evil.example:6060",
                         "10.0.0.1:6060",
                         "0.0.0.0:6060",
                         "localhost.evil.example",
                         "[::1",
                         "[::2]:6060",
                         "",
                         ":6060",
                         "127.0.0.1.evil:80",
                         "[::1]x"};
    for (size_t i = 0; i < sizeof ok / sizeof *ok; i++)
        assert_true(hl_http_host_is_loopback(ok[i]));
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
        assert_false(hl_http_host_is_loopback(bad[i]));
}

/* Random and truncated inputs: nothing crashes or reads out of bounds (the
 * sanitizer build checks the latter); results stay within their contracts. */
static void test_random_inputs(void **state)
{
    (void)state;
    const char alphabet[] = "0123456789abcdef:[].lLocahst Bearer\t%";
    unsigned seed = 6060;
    char buf[80], err[256];
    for (int i = 0; i < 200000; i++) {
        seed = seed * 1103515245u + 12345u;
        size_t n = (seed >> 16) % (sizeof buf - 1);
        for (size_t k = 0; k < n; k++) {
            seed = seed * 1103515245u + 12345u;
            buf[k] = alphabet[(seed >> 16) % (sizeof alphabet - 1)];
        }
        buf[n] = '\0';
        struct sockaddr_storage ss;
        socklen_t len;
        if (hl_http_parse_addr(buf, &ss, &len, err, sizeof err) == 0)
            assert_true(len == sizeof(struct sockaddr_in) || len == sizeof(struct sockaddr_in6));
        else
            assert_true(err[0] != '\0');
        (void)hl_http_host_is_loopback(buf);
        size_t tl = 99;
        const char *t = hl_http_bearer(buf, &tl);
        if (t)
            assert_true(t >= buf && t + tl <= buf + n);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parse_forms), cmocka_unit_test(test_parse_rejects),
        cmocka_unit_test(test_loopback),    cmocka_unit_test(test_policy),
        cmocka_unit_test(test_token_equal), cmocka_unit_test(test_bearer),
        cmocka_unit_test(test_host_header), cmocka_unit_test(test_random_inputs),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
