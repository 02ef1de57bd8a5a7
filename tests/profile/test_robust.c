/* test_robust.c - hostile input: the memory limit of profile reads, multi-member
 * gzip, sums past INT64_MAX, token redaction in URLs, exclude patterns of any
 * length and YAML nested too deep. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <zlib.h>

#include <cmocka.h>

#include "aggregate.h"
#include "config.h"
#include "fetch.h"
#include "profile.h"
#include "rule.h"

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* ---- profiles built in memory ---- */

static char *xdup(const char *s)
{
    char *d = strdup(s);
    assert_non_null(d);
    return d;
}

/* Two functions, two locations, n samples [main] and [hot, main] with values
 * v (two sample types: samples/count, cpu/nanoseconds). */
static hl_profile *make_profile(size_t n, int64_t v)
{
    hl_profile *p = hl_profile_new();
    assert_non_null(p);
    p->n_sample_types = 2;
    p->sample_types = calloc(2, sizeof *p->sample_types);
    p->sample_types[0].type = xdup("samples");
    p->sample_types[0].unit = xdup("count");
    p->sample_types[1].type = xdup("cpu");
    p->sample_types[1].unit = xdup("nanoseconds");
    p->default_sample_index = 1;
    p->period_type.type = xdup("cpu");
    p->period_type.unit = xdup("nanoseconds");
    p->period = 10000000;
    p->n_functions = 2;
    p->functions = calloc(2, sizeof *p->functions);
    const char *names[] = {"main", "hot"};
    for (size_t i = 0; i < 2; i++) {
        p->functions[i].id = i + 1;
        p->functions[i].name = xdup(names[i]);
        p->functions[i].system_name = xdup(names[i]);
        p->functions[i].filename = xdup("x.c");
    }
    p->n_locations = 2;
    p->locations = calloc(2, sizeof *p->locations);
    for (size_t i = 0; i < 2; i++) {
        p->locations[i].id = i + 1;
        p->locations[i].n_lines = 1;
        p->locations[i].lines = calloc(1, sizeof *p->locations[i].lines);
        p->locations[i].lines[0].function = &p->functions[i];
        p->locations[i].lines[0].line = (int64_t)i + 3;
    }
    p->n_samples = n;
    p->samples = calloc(n, sizeof *p->samples);
    for (size_t i = 0; i < n; i++) {
        hl_prof_sample *s = &p->samples[i];
        s->n_locs = i % 4 ? 2 : 1; /* 3 of 4 samples in hot */
        s->locs = calloc(2, sizeof *s->locs);
        s->locs[0] = &p->locations[s->n_locs == 2 ? 1 : 0];
        s->locs[1] = &p->locations[0];
        s->values = calloc(2, sizeof *s->values);
        s->values[0] = 1;
        s->values[1] = v;
    }
    return p;
}

static void *encode_plain(const hl_profile *p, size_t *len)
{
    void *buf = NULL;
    assert_int_equal(hl_profile_encode_ex(p, false, &buf, len), 0);
    return buf;
}

/* Appends one gzip member of [data, data+len) to out. */
static void gz_member(unsigned char **out, size_t *out_len, const void *data, size_t len)
{
    z_stream z = {0};
    assert_int_equal(deflateInit2(&z, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY), Z_OK);
    size_t cap = deflateBound(&z, len) + 64;
    *out = realloc(*out, *out_len + cap);
    z.next_in = (unsigned char *)data;
    z.avail_in = (unsigned)len;
    z.next_out = *out + *out_len;
    z.avail_out = (unsigned)cap;
    assert_int_equal(deflate(&z, Z_FINISH), Z_STREAM_END);
    *out_len += cap - z.avail_out;
    deflateEnd(&z);
}

static int64_t total_of(const hl_profile *p, size_t col)
{
    hl_agg *a = hl_agg_build(p, col, HL_AGG_FUNCTION);
    assert_non_null(a);
    int64_t t = a->total;
    hl_agg_free(a);
    return t;
}

static void test_multi_member_gzip(void **state)
{
    (void)state;
    char err[512] = "";
    hl_profile *p = make_profile(100, 10000000);
    size_t len;
    unsigned char *plain = encode_plain(p, &len);
    unsigned char *one = NULL, *two = NULL;
    size_t one_len = 0, two_len = 0;
    gz_member(&one, &one_len, plain, len);
    gz_member(&two, &two_len, plain, len / 2);
    gz_member(&two, &two_len, plain + len / 2, len - len / 2);

    hl_profile *a = hl_profile_read_buffer(one, one_len, "one.prof", err, sizeof err);
    assert_non_null(a);
    hl_profile *b = hl_profile_read_buffer(two, two_len, "two.prof", err, sizeof err);
    if (!b)
        fail_msg("two members: %s", err);
    assert_int_equal(b->n_samples, 100);
    assert_int_equal(total_of(a, 1), total_of(b, 1));
    assert_int_equal(total_of(b, 1), 100 * (int64_t)10000000);
    hl_profile_free(b);

    /* Zero padding after the last member is ignored, as gzip -d does. */
    unsigned char *padded = malloc(two_len + 512);
    memcpy(padded, two, two_len);
    memset(padded + two_len, 0, 512);
    b = hl_profile_read_buffer(padded, two_len + 512, "padded.prof", err, sizeof err);
    assert_non_null(b);
    assert_int_equal(b->n_samples, 100);
    hl_profile_free(b);

    /* Anything else after a member is refused, not silently dropped. */
    memcpy(padded + two_len, "not gzip", 8);
    assert_null(hl_profile_read_buffer(padded, two_len + 8, "tail.prof", err, sizeof err));
    assert_non_null(strstr(err, "tail.prof"));
    assert_non_null(strstr(err, "not gzip after gzip member 2"));

    free(padded);
    free(one);
    free(two);
    free(plain);
    hl_profile_free(a);
    hl_profile_free(p);
}

static void test_memory_limit(void **state)
{
    (void)state;
    char err[512] = "";
    hl_profile *p = make_profile(1000, 10000000);
    size_t len;
    unsigned char *plain = encode_plain(p, &len), *gz = NULL;
    size_t gz_len = 0;
    gz_member(&gz, &gz_len, plain, len);

    assert_int_equal(hl_profile_max_memory(), HL_PROFILE_DEFAULT_MAX_MEMORY);
    hl_profile *q = hl_profile_read_buffer(gz, gz_len, "ok.prof", err, sizeof err);
    assert_non_null(q);
    hl_profile_free(q);

    /* 1K: refused while decompressing, with the file, the size and the option. */
    hl_profile_set_max_memory(1024);
    assert_null(hl_profile_read_buffer(gz, gz_len, "small.prof", err, sizeof err));
    assert_non_null(strstr(err, "small.prof: decompressing"));
    assert_non_null(strstr(err, "--max-profile-memory"));
    assert_non_null(strstr(err, "limit of 1K"));
    /* The plain protobuf: refused at the estimate of the decoded model. */
    hl_profile_set_max_memory(len * 2 + 1024);
    assert_null(hl_profile_read_buffer(plain, len, "plain.prof", err, sizeof err));
    assert_non_null(strstr(err, "plain.prof: decoding the profile would take at least"));

    /* A bomb of empty Function entries (2 bytes each, ~200 bytes decoded):
     * refused quickly, before anything is built. */
    size_t n = 4u << 20, hl = 0;
    unsigned char *head = encode_plain(p, &hl);
    unsigned char *bomb = malloc(hl + 2 * n);
    memcpy(bomb, head, hl);
    for (size_t i = 0; i < n; i++)
        bomb[hl + 2 * i] = 0x2a, bomb[hl + 2 * i + 1] = 0;
    hl_profile_set_max_memory((size_t)256 << 20);
    double t0 = now();
    assert_null(hl_profile_read_buffer(bomb, hl + 2 * n, "bomb.prof", err, sizeof err));
    assert_true(now() - t0 < 5.0);
    assert_non_null(strstr(err, "bomb.prof: decoding the profile"));
    assert_non_null(strstr(err, "over the limit of 256M"));
    hl_profile_set_max_memory(0);
    assert_int_equal(hl_profile_max_memory(), HL_PROFILE_DEFAULT_MAX_MEMORY);

    free(bomb);
    free(head);
    free(gz);
    free(plain);
    hl_profile_free(p);
}

static void test_parse_size(void **state)
{
    (void)state;
    size_t n = 0;
    assert_int_equal(hl_profile_parse_size("2G", &n), 0);
    assert_int_equal(n, (size_t)2 << 30);
    assert_int_equal(hl_profile_parse_size("512M", &n), 0);
    assert_int_equal(n, (size_t)512 << 20);
    assert_int_equal(hl_profile_parse_size("64KiB", &n), 0);
    assert_int_equal(n, 64 << 10);
    assert_int_equal(hl_profile_parse_size("1k", &n), 0);
    assert_int_equal(n, 1024);
    assert_int_equal(hl_profile_parse_size("1000", &n), 0);
    assert_int_equal(n, 1000);
    const char *bad[] = {"", "x", "2X", "0", "-1", "1.5G", "99999999999999999999G", "4G extra"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        assert_int_equal(hl_profile_parse_size(bad[i], &n), -1);
}

static void test_sums_past_int64_max(void **state)
{
    (void)state;
    char err[512] = "";
    /* 8 samples of 2^61 + 12345: the cpu values sum to over 2^64. */
    hl_profile *p = make_profile(8, ((int64_t)1 << 61) + 12345);
    size_t len;
    unsigned char *plain = encode_plain(p, &len);
    hl_profile *q = hl_profile_read_buffer(plain, len, "big.prof", err, sizeof err);
    assert_non_null(q);
    int64_t t = total_of(q, 1);
    assert_true(t > 0);
    assert_true(t >= INT64_MAX / 2); /* the least power of two: still near the top */
    bool noted = false;
    for (size_t i = 0; i < q->n_comments; i++)
        noted |= strstr(q->comments[i], "cpu values sum past INT64_MAX") != NULL;
    assert_true(noted);
    /* The shares survive: hot is in 6 of the 8 samples. */
    hl_agg *a = hl_agg_build(q, 1, HL_AGG_FUNCTION);
    hl_agg_sort(a, true);
    assert_string_equal(a->rows[1].function, "hot");
    double share = (double)a->rows[1].cum / (double)a->total;
    assert_true(share > 0.7499 && share < 0.7501);
    hl_agg_free(a);
    /* The samples column is untouched. */
    assert_int_equal(total_of(q, 0), 8);

    /* Merging two profiles whose sums fit alone but not together. */
    hl_profile *r = make_profile(4, ((int64_t)1 << 60) + 1);
    hl_profile *const two[] = {r, r};
    hl_profile *m = hl_profile_merge(two, 2, err, sizeof err);
    assert_non_null(m);
    assert_true(total_of(m, 1) > 0);
    noted = false;
    for (size_t i = 0; i < m->n_comments; i++)
        noted |= strstr(m->comments[i], "divided by 2^1") != NULL;
    assert_true(noted);
    hl_profile_free(m);
    hl_profile_free(r);

    /* No samples at all: totals are 0, sorting nothing is fine. */
    hl_profile *e = make_profile(0, 0);
    hl_agg *ea = hl_agg_build(e, 1, HL_AGG_LINE);
    assert_non_null(ea);
    hl_agg_sort(ea, false);
    assert_int_equal(ea->n_rows, 0);
    hl_agg_free(ea);
    hl_profile_free(e);

    hl_profile_free(q);
    free(plain);
    hl_profile_free(p);
}

/* ---- URLs ---- */

static void redacts(const char *url, const char *want)
{
    char buf[512];
    assert_string_equal(hl_fetch_redact(url, buf, sizeof buf), want);
}

static void test_redact(void **state)
{
    (void)state;
    redacts("http://h/x?TOKEN=s3cret", "http://h/x?TOKEN=REDACTED");
    redacts("http://h/x?%74oken=s3cret&a=1", "http://h/x?%74oken=REDACTED&a=1");
    redacts("http://h/x?a=1&T%4fKEN=s3cret#frag", "http://h/x?a=1&T%4fKEN=REDACTED#frag");
    redacts("http://h/x?%54%4F%4B%45%4E=s3cret", "http://h/x?%54%4F%4B%45%4E=REDACTED");
    redacts("http://h/x?token=a&token=b", "http://h/x?token=REDACTED&token=REDACTED");
    redacts("http://h/x?token%00x=s3cret", "http://h/x?token%00x=REDACTED");
    redacts("http://h/x?to+ken=1&mytoken=2&tokens=3", "http://h/x?to+ken=1&mytoken=2&tokens=3");
    redacts("http://u:pw@h:1/x?a=1&token=abc&b=2",
            "http://u:REDACTED@h:1/x?a=1&token=REDACTED&b=2");
    redacts("https://s3cret@h/x", "https://REDACTED@h/x");
    redacts("http://h/a@b?x=1", "http://h/a@b?x=1"); /* '@' in the path is not userinfo */
    redacts("http://h/debug/pprof/heap", "http://h/debug/pprof/heap");
    /* A short buffer truncates, never overflows. */
    char small[12];
    hl_fetch_redact("http://u:pw@host/x?token=abc", small, sizeof small);
    assert_int_equal(strlen(small), sizeof small - 1);
    assert_null(strstr(small, "pw"));
}

/* ---- .hotlint.yaml and rule files ---- */

static char g_dir[64];

static char *write_file(const char *name, const char *head, char fill, size_t n, const char *tail)
{
    static char path[256];
    snprintf(path, sizeof path, "%s/%s", g_dir, name);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(head, f);
    char chunk[65536];
    memset(chunk, fill, sizeof chunk);
    for (size_t left = n; left;) {
        size_t k = left < sizeof chunk ? left : sizeof chunk;
        assert_int_equal(fwrite(chunk, 1, k, f), k);
        left -= k;
    }
    fputs(tail, f);
    assert_int_equal(fclose(f), 0);
    return path;
}

/* exclude: a pattern of n bytes, then whether src/a.c is excluded. */
static bool excluded_by(const char *head, char fill, size_t n, const char *tail)
{
    char err[1024] = "";
    const char *path = write_file(".hotlint.yaml", head, fill, n, tail);
    hl_config *c = hl_config_load(path, err, sizeof err);
    if (!c)
        fail_msg("%s", err);
    char file[256];
    snprintf(file, sizeof file, "%s/src/a.c", c->dir);
    bool ex = hl_config_excludes(c, file);
    hl_config_free(c);
    return ex;
}

static void test_long_exclude_patterns(void **state)
{
    (void)state;
    const size_t sizes[] = {4096, 4097, 65536, (size_t)50 << 20};
    for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
        size_t n = sizes[i];
        /* Never matching: a long literal. */
        assert_false(excluded_by("exclude: [\"", 'x', n, "\"]\n"));
        /* Matching: "src" then thousands of '/' (trimmed), or "*" runs. */
        assert_true(excluded_by("exclude: [\"src", '/', n, "\"]\n"));
        if (n <= 65536) /* fnmatch on 50 MB of stars is slow, not wrong */
            assert_true(excluded_by("exclude: [\"", '*', n, "\"]\n"));
    }
}

static void test_deep_yaml(void **state)
{
    (void)state;
    char err[1024] = "";
    size_t n = 100000;
    /* Flow nesting, 100k deep: refused after 64 levels, fast. */
    char *path = write_file(".hotlint.yaml", "rules: ", '[', n, "");
    FILE *f = fopen(path, "a");
    for (size_t i = 0; i < n; i++)
        fputc(']', f);
    fputc('\n', f);
    fclose(f);
    double t0 = now();
    assert_null(hl_config_load(path, err, sizeof err));
    assert_true(now() - t0 < 1.0);
    assert_non_null(strstr(err, ".hotlint.yaml:1:"));
    assert_non_null(strstr(err, "nested more than 64 levels"));

    /* The same in a rule file. */
    hl_catalog cat = {0};
    path = write_file("HL950-deep.yaml", "id: HL950\ncallees: ", '{', n, "\n");
    t0 = now();
    assert_int_equal(hl_catalog_load_file(&cat, path, err, sizeof err), -1);
    assert_true(now() - t0 < 1.0);
    assert_non_null(strstr(err, "HL950-deep.yaml:2:"));
    assert_non_null(strstr(err, "nested more than 64 levels"));
    hl_catalog_free(&cat);

    /* 64 levels are fine (the value is then refused for its type). */
    path = write_file(".hotlint.yaml", "rules: ", '[', 63, "");
    f = fopen(path, "a");
    for (size_t i = 0; i < 63; i++)
        fputc(']', f);
    fputc('\n', f);
    fclose(f);
    assert_null(hl_config_load(path, err, sizeof err));
    assert_null(strstr(err, "nested"));
    assert_non_null(strstr(err, "must be strings"));
}

static int setup_dir(void **state)
{
    (void)state;
    snprintf(g_dir, sizeof g_dir, "/tmp/hl-robust-XXXXXX");
    assert_non_null(mkdtemp(g_dir));
    char src[128];
    snprintf(src, sizeof src, "%s/src", g_dir);
    mkdir(src, 0755);
    return 0;
}

static int teardown_dir(void **state)
{
    (void)state;
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", g_dir);
    return system(cmd) == 0 ? 0 : -1;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_multi_member_gzip),
        cmocka_unit_test(test_memory_limit),
        cmocka_unit_test(test_parse_size),
        cmocka_unit_test(test_sums_past_int64_max),
        cmocka_unit_test(test_redact),
        cmocka_unit_test(test_long_exclude_patterns),
        cmocka_unit_test(test_deep_yaml),
    };
    return cmocka_run_group_tests(tests, setup_dir, teardown_dir);
}
