/* test_heap_math.c - unit tests of the heap sampler's arithmetic: logarithm
 * and exponential without libm, the gap distribution and Go's unsampling. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include <cmocka.h>

#include "heap_internal.h"

static void test_ln(void **state)
{
    (void)state;
    for (double x = 1e-12; x <= 1.0; x *= 1.37)
        assert_true(fabs(hl_heap_ln(x) - log(x)) <= 1e-12 * fmax(1.0, fabs(log(x))));
    assert_true(hl_heap_ln(1.0) == 0.0);
}

static void test_exp_neg(void **state)
{
    (void)state;
    for (double x = 0; x > -700; x -= 0.731)
        assert_true(fabs(hl_heap_exp_neg(x) - exp(x)) <= 1e-12 * exp(x));
    assert_true(hl_heap_exp_neg(-1000) == 0.0);
    assert_true(hl_heap_exp_neg(0) == 1.0);
}

/* The mean of many gaps is the rate, and a gap of 3 rates or more is as rare
 * as e^-3 says (both within 2%). */
static void test_gap_distribution(void **state)
{
    (void)state;
    const int64_t rate = 512 * 1024;
    uint64_t x = 88172645463325252ULL;
    double sum = 0;
    int n = 200000, tail = 0;
    for (int i = 0; i < n; i++) {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        int64_t g = hl_heap_gap(x, rate);
        assert_true(g >= 0);
        sum += (double)g;
        tail += g >= 3 * rate;
    }
    assert_true(fabs(sum / n / rate - 1.0) < 0.02);
    assert_true(fabs((double)tail / n / exp(-3.0) - 1.0) < 0.05);
    assert_int_equal(hl_heap_gap(x, 1), 0);
    assert_true(hl_heap_gap(0, rate) >= 0); /* u = 2^-53, the longest gap */
}

static void test_scale(void **state)
{
    (void)state;
    int64_t c, b;
    hl_heap_scale(10, 640, 1, &c, &b); /* rate 1: exact */
    assert_int_equal(c, 10);
    assert_int_equal(b, 640);
    hl_heap_scale(0, 0, 524288, &c, &b);
    assert_int_equal(c, 0);
    assert_int_equal(b, 0);
    /* Go: scale = 1 / (1 - exp(-avg/rate)) */
    hl_heap_scale(3, 3 * 64, 524288, &c, &b);
    double s = 1.0 / (1.0 - exp(-64.0 / 524288));
    assert_true(llabs(c - (int64_t)(3 * s + 0.5)) <= 1);
    assert_true(llabs(b - (int64_t)(192 * s + 0.5)) <= 1);
    /* Blocks far larger than the rate are always sampled: scale 1. */
    hl_heap_scale(2, 2 * 100000000LL, 524288, &c, &b);
    assert_int_equal(c, 2);
    assert_int_equal(b, 200000000LL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ln),
        cmocka_unit_test(test_exp_neg),
        cmocka_unit_test(test_gap_distribution),
        cmocka_unit_test(test_scale),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
