/* test_heap_table.c - unit tests of the heap sampler's tables (heap_table.c)
 * without interposing malloc, so that they also run under the sanitizers:
 * live-block tracking and its filter, buckets per stack and size, table
 * growth, reset and the fork-child reset, and the sampling decision. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include <cmocka.h>

#include "heap_internal.h"

/* What heap_alloc.c defines in the library. */
_Atomic int hl_heap_on;
_Atomic int hl_heap_armed;
_Atomic int64_t hl_heap_rate = HL_HEAP_DEFAULT_RATE;
_Atomic uint32_t hl_heap_gen = 1;
__thread struct hl_heap_tls hl_heap_tls __attribute__((tls_model("initial-exec"))) = {.budget = -1};
const uintptr_t hl_heap_entry[HL_HEAP_NKINDS] = {0x1000, 0x2000, 0x3000};

int hl_heap_own_pc(uintptr_t pc)
{
    (void)pc;
    return 0;
}

int hl_heap_interposes(void)
{
    return 0;
}

/* Fake block addresses: never dereferenced, only tracked. */
static void *addr(size_t i)
{
    return (void *)(uintptr_t)(0x7f0000000000ULL + 16 * i);
}

static size_t count_buckets(int64_t *allocs, int64_t *frees)
{
    size_t n = 0;
    *allocs = *frees = 0;
    for (hl_heap_bucket *b = hl_heap_buckets(); b; b = b->all_next) {
        n++;
        *allocs += b->allocs;
        *frees += b->frees;
    }
    return n;
}

static int setup(void **state)
{
    (void)state;
    hl_heap_tables_reset();
    return 0;
}

static void test_record_and_forget(void **state)
{
    (void)state;
    const size_t n = 5000;
    for (size_t i = 0; i < n; i++)
        hl_heap_record(addr(i), 64, HL_HEAP_MALLOC);
    int64_t allocs, frees;
    assert_int_equal(count_buckets(&allocs, &frees), 1); /* one stack, one size */
    assert_int_equal(allocs, n);
    assert_int_equal(frees, 0);
    hl_heap_bucket *b = hl_heap_buckets();
    assert_int_equal(b->size, 64);
    assert_true(b->depth >= 1);
    assert_int_equal(b->kind, HL_HEAP_MALLOC);
    for (uint32_t k = 0; k < b->depth; k++) /* no frame of the allocation function */
        assert_true(b->pcs[k] != hl_heap_entry[HL_HEAP_MALLOC] + 1);
    for (size_t i = 0; i < n; i++)
        assert_true(hl_heap_maybe_sampled(addr(i)));
    assert_null(hl_heap_forget(addr(n + 7))); /* never recorded */
    for (size_t i = 0; i < n; i += 2)
        assert_ptr_equal(hl_heap_forget(addr(i)), b);
    assert_null(hl_heap_forget(addr(0))); /* already forgotten */
    count_buckets(&allocs, &frees);
    assert_int_equal(frees, n / 2);
    for (size_t i = 1; i < n; i += 2)
        assert_ptr_equal(hl_heap_forget(addr(i)), b);
    for (size_t i = 0; i < n; i++)
        assert_false(hl_heap_maybe_sampled(addr(i))); /* the filter drains to zero */
    count_buckets(&allocs, &frees);
    assert_int_equal(frees, n);
}

static void test_sizes_and_kinds_split_buckets(void **state)
{
    (void)state;
    /* One call site (a loop), so that only size and kind tell them apart. */
    static const struct {
        size_t size;
        enum hl_heap_kind kind;
    } calls[] = {
        {64, HL_HEAP_MALLOC}, {128, HL_HEAP_MALLOC}, {64, HL_HEAP_CALLOC}, {64, HL_HEAP_MALLOC}};
    volatile size_t n = 4; /* not unrolled into four call sites */
    for (size_t i = 0; i < n; i++)
        hl_heap_record(addr(i + 1), calls[i].size, calls[i].kind);
    int64_t allocs, frees;
    assert_int_equal(count_buckets(&allocs, &frees), 3);
    assert_int_equal(allocs, 4);
}

static void test_unforget(void **state)
{
    (void)state;
    hl_heap_record(addr(9), 32, HL_HEAP_REALLOC);
    hl_heap_bucket *b = hl_heap_forget(addr(9));
    assert_non_null(b);
    assert_int_equal(b->frees, 1);
    hl_heap_unforget(addr(9), b); /* the realloc failed: still live */
    assert_int_equal(b->frees, 0);
    assert_true(hl_heap_maybe_sampled(addr(9)));
    assert_ptr_equal(hl_heap_forget(addr(9)), b);
}

/* Many live blocks: the shards grow and everything stays findable. */
static void test_growth(void **state)
{
    (void)state;
    const size_t n = 200000;
    for (size_t i = 0; i < n; i++)
        hl_heap_record(addr(i * 3), 16, HL_HEAP_MALLOC);
    for (size_t i = 0; i < n; i++)
        assert_non_null(hl_heap_forget(addr(i * 3)));
    int64_t allocs, frees;
    count_buckets(&allocs, &frees);
    assert_int_equal(allocs, n);
    assert_int_equal(frees, n);
}

static void test_reset_and_fork_child(void **state)
{
    (void)state;
    hl_heap_record(addr(5), 8, HL_HEAP_MALLOC);
    hl_heap_tables_reset();
    assert_null(hl_heap_buckets());
    assert_false(hl_heap_maybe_sampled(addr(5)));
    assert_null(hl_heap_forget(addr(5)));
    hl_heap_record(addr(6), 8, HL_HEAP_MALLOC);
    hl_heap_on = hl_heap_armed = 1;
    hl_heap_fork_prepare();
    hl_heap_fork_child(); /* a fresh state, locks released */
    assert_int_equal(hl_heap_on, 0);
    assert_int_equal(hl_heap_armed, 0);
    assert_null(hl_heap_buckets());
    assert_false(hl_heap_maybe_sampled(addr(6)));
    hl_heap_record(addr(7), 8, HL_HEAP_MALLOC); /* usable again */
    assert_true(hl_heap_maybe_sampled(addr(7)));
    hl_heap_fork_prepare();
    hl_heap_fork_parent();
    assert_true(hl_heap_maybe_sampled(addr(7)));
}

/* Allocations of size s are sampled with probability 1 - e^(-s/rate), and
 * rate 1 samples everything. Drives the budget as the interposers do. */
static void test_sampling_probability(void **state)
{
    (void)state;
    struct hl_heap_tls *t = &hl_heap_tls;
    hl_heap_set_seed(7);
    hl_heap_rate = 1;
    hl_heap_gen++;
    for (int i = 0; i < 1000; i++) {
        t->budget = (int64_t)((uint64_t)t->budget - 1);
        assert_true(t->budget < 0 && hl_heap_should_sample(t, 1));
    }
    const int64_t rate = 4096;
    const size_t sizes[] = {64, 1024, 4096, 16384};
    for (size_t k = 0; k < 4; k++) {
        hl_heap_rate = rate;
        hl_heap_gen++;
        int n = 200000, sampled = 0;
        for (int i = 0; i < n; i++) {
            t->budget = (int64_t)((uint64_t)t->budget - (uint64_t)sizes[k]);
            if (t->budget < 0)
                sampled += hl_heap_should_sample(t, sizes[k]);
        }
        double want = 1.0 - exp(-(double)sizes[k] / rate);
        double got = (double)sampled / n;
        assert_true(fabs(got - want) < 0.01 + 0.03 * want);
    }
    hl_heap_rate = HL_HEAP_DEFAULT_RATE;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_record_and_forget, setup),
        cmocka_unit_test_setup(test_sizes_and_kinds_split_buckets, setup),
        cmocka_unit_test_setup(test_unforget, setup),
        cmocka_unit_test_setup(test_growth, setup),
        cmocka_unit_test_setup(test_reset_and_fork_child, setup),
        cmocka_unit_test_setup(test_sampling_probability, setup),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
