/* test_profile.c - unit tests of the profile model: round trip, validation,
 * aggregation under recursion, merge, and a reader that fails the Nth
 * allocation without leaking or crashing. */
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "aggregate.h"
#include "profile.h"

/* ---- a counting allocator that fails the Nth allocation ---- */
static long g_live, g_count, g_fail_at;

static void *t_malloc(size_t n)
{
    if (g_fail_at && ++g_count == g_fail_at)
        return NULL;
    void *p = malloc(n);
    if (p)
        g_live++;
    return p;
}

static long g_reallocs; /* grown buffers */

static void *t_realloc(void *p, size_t n)
{
    if (p)
        g_reallocs++;
    if (g_fail_at && ++g_count == g_fail_at)
        return NULL;
    void *q = realloc(p, n);
    if (q && !p)
        g_live++;
    return q;
}

static void t_free(void *p)
{
    if (p)
        g_live--;
    free(p);
}

static char *dup(const char *s)
{
    return strdup(s);
}

/* main -> outer -> inner -> outer (recursion), values cpu ns; plus a second
 * sample with an inlined frame in one location. */
static hl_profile *make_profile(void)
{
    hl_profile *p = hl_profile_new();
    assert_non_null(p);
    p->n_sample_types = 2;
    p->sample_types = calloc(2, sizeof *p->sample_types);
    p->sample_types[0] = (hl_prof_value_type){dup("samples"), dup("count")};
    p->sample_types[1] = (hl_prof_value_type){dup("cpu"), dup("nanoseconds")};
    p->default_sample_index = 1;
    p->period_type = (hl_prof_value_type){dup("cpu"), dup("nanoseconds")};
    p->period = 10000000;
    p->time_nanos = 1;
    p->duration_nanos = 2000000000;
    p->n_mappings = 1;
    p->mappings = calloc(1, sizeof *p->mappings);
    p->mappings[0] = (hl_prof_mapping){1,           0x400000, 0x500000, 0,    dup("/bin/prog"),
                                       dup("abcd"), true,     true,     true, true};
    const char *names[] = {"main", "outer", "inner", "helper"};
    p->n_functions = 4;
    p->functions = calloc(4, sizeof *p->functions);
    for (int i = 0; i < 4; i++)
        p->functions[i] = (hl_prof_function){(uint64_t)i + 1, dup(names[i]), dup(names[i]),
                                             dup("prog.c"), 10 * (i + 1)};
    /* loc 1: main:5, loc 2: outer:21, loc 3: inner:31, loc 4: outer:22,
     * loc 5: helper:41 inlined into inner:32 */
    p->n_locations = 5;
    p->locations = calloc(5, sizeof *p->locations);
    int fn[] = {0, 1, 2, 1, 3};
    int ln[] = {5, 21, 31, 22, 41};
    for (int i = 0; i < 5; i++) {
        hl_prof_location *l = &p->locations[i];
        l->id = (uint64_t)i + 1;
        l->mapping = &p->mappings[0];
        l->address = 0x401000 + (uint64_t)i * 16;
        l->n_lines = i == 4 ? 2 : 1;
        l->lines = calloc(l->n_lines, sizeof *l->lines);
        l->lines[0] = (hl_prof_line){&p->functions[fn[i]], ln[i]};
        if (i == 4)
            l->lines[1] = (hl_prof_line){&p->functions[2], 32};
    }
    p->n_samples = 2;
    p->samples = calloc(2, sizeof *p->samples);
    /* sample 0: outer:22 <- inner:31 <- outer:21 <- main (leaf first), 3 samples */
    hl_prof_sample *s = &p->samples[0];
    s->n_locs = 4;
    s->locs = calloc(4, sizeof *s->locs);
    s->locs[0] = &p->locations[3];
    s->locs[1] = &p->locations[2];
    s->locs[2] = &p->locations[1];
    s->locs[3] = &p->locations[0];
    s->values = calloc(2, sizeof *s->values);
    s->values[0] = 3;
    s->values[1] = 30000000;
    s->n_labels = 1;
    s->labels = calloc(1, sizeof *s->labels);
    s->labels[0] = (hl_prof_label){dup("thread"), dup("worker"), 0, NULL};
    s = &p->samples[1];
    s->n_locs = 3;
    s->locs = calloc(3, sizeof *s->locs);
    s->locs[0] = &p->locations[4];
    s->locs[1] = &p->locations[1];
    s->locs[2] = &p->locations[0];
    s->values = calloc(2, sizeof *s->values);
    s->values[0] = 1;
    s->values[1] = 10000000;
    p->n_comments = 1;
    p->comments = calloc(1, sizeof *p->comments);
    p->comments[0] = dup("hotlint test");
    return p;
}

static void *encode(const hl_profile *p, bool gz, size_t *len)
{
    void *buf = NULL;
    assert_int_equal(hl_profile_encode_ex(p, gz, &buf, len), 0);
    assert_non_null(buf);
    return buf;
}

static void test_round_trip(void **state)
{
    (void)state;
    hl_profile *p = make_profile();
    for (int gz = 0; gz < 2; gz++) {
        size_t len;
        void *buf = encode(p, gz, &len);
        char err[256] = "";
        hl_profile *q = hl_profile_read_buffer(buf, len, "t.prof", err, sizeof err);
        assert_non_null(q);
        assert_int_equal(q->n_sample_types, 2);
        assert_string_equal(q->sample_types[1].unit, "nanoseconds");
        assert_int_equal(q->default_sample_index, 1);
        assert_int_equal(q->n_samples, 2);
        assert_int_equal(q->n_locations, 5);
        assert_int_equal(q->period, 10000000);
        assert_int_equal(q->duration_nanos, 2000000000);
        assert_string_equal(q->mappings[0].build_id, "abcd");
        assert_true(q->mappings[0].has_inline_frames);
        assert_string_equal(q->samples[0].locs[1]->lines[0].function->name, "inner");
        assert_int_equal(q->locations[4].n_lines, 2);
        assert_string_equal(q->locations[4].lines[0].function->name, "helper");
        assert_string_equal(q->samples[0].labels[0].str, "worker");
        assert_string_equal(q->comments[0], "hotlint test");
        assert_int_equal(hl_profile_sample_index(q, "cpu"), 1);
        assert_int_equal(hl_profile_sample_index(q, "alloc_space"), -1);
        assert_true(hl_profile_has_lines(q));
        hl_profile_free(q);
        free(buf);
    }
    hl_profile_free(p);
}

static void test_aggregate_recursion(void **state)
{
    (void)state;
    hl_profile *p = make_profile();
    hl_agg *a = hl_agg_build(p, 1, HL_AGG_FUNCTION);
    assert_non_null(a);
    assert_int_equal(a->total, 40000000);
    hl_agg_sort(a, false);
    int seen = 0;
    for (size_t i = 0; i < a->n_rows; i++) {
        const hl_agg_row *r = &a->rows[i];
        if (!strcmp(r->function, "outer")) {
            /* twice in sample 0's stack, counted once */
            assert_int_equal(r->flat, 30000000);
            assert_int_equal(r->cum, 40000000);
            seen++;
        } else if (!strcmp(r->function, "helper")) {
            assert_int_equal(r->flat, 10000000); /* the inlined frame is the leaf */
            seen++;
        } else if (!strcmp(r->function, "inner")) {
            assert_int_equal(r->flat, 0);
            assert_int_equal(r->cum, 40000000);
            seen++;
        } else if (!strcmp(r->function, "main")) {
            assert_int_equal(r->cum, 40000000);
            seen++;
        }
    }
    assert_int_equal(seen, 4);
    assert_string_equal(a->rows[0].function, "outer"); /* sorted by flat */
    hl_agg_free(a);
    a = hl_agg_build(p, 1, HL_AGG_LINE);
    assert_non_null(a);
    bool found = false;
    for (size_t i = 0; i < a->n_rows; i++)
        if (!strcmp(a->rows[i].function, "outer") && a->rows[i].line == 22) {
            assert_int_equal(a->rows[i].flat, 30000000);
            assert_int_equal(a->rows[i].cum, 30000000);
            found = true;
        }
    assert_true(found);
    hl_agg_free(a);
    assert_null(hl_agg_build(p, 2, HL_AGG_LINE));
    hl_profile_free(p);
}

static void test_merge(void **state)
{
    (void)state;
    hl_profile *p = make_profile(), *q = make_profile();
    hl_profile *in[] = {p, q};
    char err[256];
    hl_profile *m = hl_profile_merge(in, 2, err, sizeof err);
    assert_non_null(m);
    assert_int_equal(m->n_samples, 2);
    assert_int_equal(m->n_locations, 5);
    assert_int_equal(m->n_functions, 4);
    assert_int_equal(m->samples[0].values[1], 60000000);
    assert_int_equal(m->duration_nanos, 4000000000LL);
    /* and it encodes */
    size_t len;
    void *buf = encode(m, true, &len);
    free(buf);
    hl_profile_free(m);
    free(q->sample_types[1].unit);
    q->sample_types[1].unit = strdup("bytes");
    assert_null(hl_profile_merge(in, 2, err, sizeof err));
    assert_non_null(strstr(err, "different kinds"));
    hl_profile_free(p);
    hl_profile_free(q);
}

static void expect_reject(const void *buf, size_t len, const char *what)
{
    char err[256] = "";
    hl_profile *p = hl_profile_read_buffer(buf, len, "bad.prof", err, sizeof err);
    assert_null(p);
    assert_non_null(strstr(err, "bad.prof: "));
    assert_non_null(strstr(err, what));
}

static void test_reject(void **state)
{
    (void)state;
    expect_reject("", 0, "empty");
    expect_reject("garbage, not a profile at all\xff\xff", 31, "not a pprof profile");
    hl_profile *p = make_profile();
    size_t len;
    unsigned char *gz = encode(p, true, &len);
    expect_reject(gz, len / 2, "truncated gzip");
    gz[12] ^= 0x55;
    gz[13] ^= 0x55;
    char err[256] = "";
    assert_null(hl_profile_read_buffer(gz, len, "bad.prof", err, sizeof err));
    assert_true(err[0] != '\0');
    free(gz);
    unsigned char *plain = encode(p, false, &len);
    expect_reject(plain, len - 1, "not a pprof profile");
    free(plain);
    /* a sample pointing at a location the profile does not have */
    p->samples[1].locs[0] = &p->locations[4];
    p->n_locations = 4;
    assert_int_equal(hl_profile_encode_ex(p, false, (void **)&plain, &len), -1);
    p->n_locations = 5;
    hl_profile_free(p);
}

/* Fails allocation 1, 2, ... N until the operation succeeds: every failure
 * must be an error return with a message and no leaked allocation. */
static void test_failing_allocator(void **state)
{
    (void)state;
    hl_profile *p = make_profile();
    size_t glen, plen;
    void *gz = encode(p, true, &glen), *plain = encode(p, false, &plen);
    hl_profile_free(p);
    hl_profile_set_allocator(t_malloc, t_realloc, t_free);
    for (int variant = 0; variant < 2; variant++) {
        const void *buf = variant ? plain : gz;
        size_t len = variant ? plen : glen;
        long failures = 0;
        for (long n = 1;; n++) {
            g_live = 0;
            g_count = 0;
            g_fail_at = n;
            char err[256] = "";
            hl_profile *q = hl_profile_read_buffer(buf, len, "oom.prof", err, sizeof err);
            if (q) {
                assert_true(g_count < n); /* succeeded: the Nth was never reached */
                g_fail_at = 0;
                hl_agg *a = hl_agg_build(q, 1, HL_AGG_LINE);
                assert_non_null(a);
                hl_agg_free(a);
                hl_profile_free(q);
                assert_int_equal(g_live, 0);
                break;
            }
            failures++;
            assert_int_equal(g_live, 0);
            assert_non_null(strstr(err, "oom.prof: "));
            assert_true(n < 100000);
        }
        assert_true(failures > 20);
    }
    /* the aggregator and merge under the same regime */
    g_fail_at = 0;
    char err[256];
    hl_profile *q = hl_profile_read_buffer(gz, glen, "oom.prof", err, sizeof err);
    assert_non_null(q);
    for (long n = 1;; n++) {
        long base = g_live;
        g_count = 0;
        g_fail_at = n;
        hl_agg *a = hl_agg_build(q, 1, HL_AGG_FUNCTION);
        hl_profile *in[] = {q, q};
        hl_profile *m = a ? hl_profile_merge(in, 2, err, sizeof err) : NULL;
        g_fail_at = 0;
        hl_agg_free(a);
        hl_profile_free(m);
        assert_int_equal(g_live, base);
        if (a && m)
            break;
        assert_true(n < 100000);
    }
    hl_profile_free(q);
    assert_int_equal(g_live, 0);
    hl_profile_set_allocator(NULL, NULL, NULL);
    free(gz);
    free(plain);
}

/* make_profile with its first sample repeated n times (values varying),
 * then gzip- or plain-encoded. */
static void *encode_many(size_t n, bool gz, size_t *len)
{
    hl_profile *p = make_profile();
    hl_prof_sample first = p->samples[0];
    hl_prof_sample *ns = calloc(n, sizeof *ns);
    assert_non_null(ns);
    for (size_t i = 0; i < n; i++) {
        ns[i] = first;
        ns[i].labels = NULL;
        ns[i].n_labels = 0;
        ns[i].values = calloc(2, sizeof *ns[i].values);
        ns[i].locs = calloc(first.n_locs, sizeof *ns[i].locs);
        assert_true(ns[i].values && ns[i].locs);
        memcpy(ns[i].locs, first.locs, first.n_locs * sizeof *ns[i].locs);
        ns[i].values[0] = (int64_t)i % 7 + 1;
        ns[i].values[1] = ns[i].values[0] * 10000000;
    }
    for (size_t i = 0; i < p->n_samples; i++) {
        free(p->samples[i].values);
        free(p->samples[i].locs);
        for (size_t j = 0; j < p->samples[i].n_labels; j++) {
            free(p->samples[i].labels[j].key);
            free(p->samples[i].labels[j].str);
        }
        free(p->samples[i].labels);
    }
    free(p->samples);
    p->samples = ns;
    p->n_samples = n;
    void *buf = encode(p, gz, len);
    hl_profile_free(p);
    return buf;
}

/* Allocations made reading a profile of n samples (the counting allocator). */
static long read_allocations(size_t n, bool gz, long *reallocs)
{
    size_t len;
    void *buf = encode_many(n, gz, &len);
    char err[256] = "";
    hl_profile_set_allocator(t_malloc, t_realloc, t_free);
    g_live = g_count = g_reallocs = 0;
    g_fail_at = LONG_MAX; /* count, never fail */
    hl_profile *q = hl_profile_read_buffer(buf, len, "many.prof", err, sizeof err);
    long count = g_count;
    *reallocs = g_reallocs;
    g_fail_at = 0;
    assert_non_null(q);
    assert_int_equal(q->n_samples, n);
    int64_t sum = 0;
    for (size_t i = 0; i < q->n_samples; i++) {
        assert_int_equal(q->samples[i].n_locs, 4);
        assert_ptr_equal(q->samples[i].locs[0], &q->locations[3]);
        assert_int_equal(q->samples[i].values[1], q->samples[i].values[0] * 10000000);
        sum += q->samples[i].values[0];
    }
    int64_t want = 0;
    for (size_t i = 0; i < n; i++)
        want += (int64_t)i % 7 + 1;
    assert_int_equal(sum, want);
    hl_profile_free(q);
    assert_int_equal(g_live, 0);
    hl_profile_set_allocator(NULL, NULL, NULL);
    free(buf);
    return count;
}

/* Reading costs a number of allocations that does not grow with the number
 * of samples (protobuf-c's sub-messages come from an arena, sample arrays
 * from one store), and the gzip output buffer is sized from the trailer once
 * instead of grown, even when the stream compresses far better than 4:1. */
static void test_read_allocations(void **state)
{
    (void)state;
    for (int gz = 0; gz < 2; gz++) {
        long r_small, r_big;
        long small = read_allocations(10, gz, &r_small);
        long big = read_allocations(20000, gz, &r_big);
        assert_true(small < 100);
        assert_true(big < small + 20);
        assert_int_equal(r_small, 0);
        assert_int_equal(r_big, 0);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_round_trip),
        cmocka_unit_test(test_aggregate_recursion),
        cmocka_unit_test(test_merge),
        cmocka_unit_test(test_reject),
        cmocka_unit_test(test_failing_allocator),
        cmocka_unit_test(test_read_allocations),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
