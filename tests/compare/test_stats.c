/* test_stats.c - compare/'s statistics against published and independently
 * computed values.
 *
 * Reference values:
 * - R's wilcox.test help page example (Hollander & Wolfe, permeability
 *   constants): x (10 values) against y (5): W = 35, one-sided p = 0.1272,
 *   two-sided 0.2544 (exact; scipy.stats.mannwhitneyu(method="exact") gives
 *   0.2544122544...), and for the shift y - x the 95% interval [-0.76, 0.15]
 *   (R prints [-0.15, 0.76] for x - y).
 * - The exact null distribution of U for m = n = 10: P(U <= 23) = 0.021629 and
 *   P(U <= 24) = 0.026213 (the two-sided 5% critical value is 23, as in the
 *   published tables), checked by enumerating the recurrence in Python.
 * - Normal approximation with ties: a = 1 2 2 3 4 5 5 5 6 7 against
 *   b = 3 4 5 6 6 7 8 8 9 9 10: U = 19, p = 0.011862 (by hand: mn/2 = 55,
 *   tie term sum(t^3 - t) = 120, sigma = sqrt(110/12 * (22 - 120/420)) =
 *   14.1084, z = (19 - 55 + 0.5)/14.1084 = -2.5163, p = 2 Phi(z); R's wilcox.test with
 *   correct = TRUE and scipy agree).
 * - Large samples without ties (60 and 55 values): normal approximation,
 *   U = 1434, p = 0.227598 (scipy, asymptotic with continuity correction).
 * - The order-statistic interval of the median: n = 10 at 95% is
 *   [x(2), x(9)] with coverage 1 - 2 * 11/1024 = 0.978516; n = 20 is
 *   [x(6), x(15)] with coverage 0.958611 (Conover's table); n = 5 cannot reach
 *   95% and gives [min, max], coverage 0.9375. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "compare.h"
#include "stats.h"

/* cmocka's assert_float_equal compares floats; these values need doubles. */
#define assert_close(a, b, eps) close_or_fail((a), (b), (eps), __FILE__, __LINE__)

static void close_or_fail(double a, double b, double eps, const char *file, int line)
{
    if (!(fabs(a - b) <= eps)) {
        print_error("%.15g != %.15g (within %g)\n", a, b, eps);
        _fail(file, line);
    }
}

static const double perm_x[] = {0.80, 0.83, 1.89, 1.04, 1.45, 1.38, 1.91, 1.64, 0.73, 1.46};
static const double perm_y[] = {1.15, 0.88, 0.90, 0.74, 1.21};

static void test_exact_r_example(void **state)
{
    (void)state;
    hl_mwu t;
    assert_int_equal(hl_mann_whitney(perm_x, 10, perm_y, 5, &t), 0);
    assert_true(t.exact);
    assert_false(t.ties);
    assert_close(t.u, 35, 1e-12);
    assert_close(t.p, 0.2544122544, 1e-9);
    /* The other way round: U = 50 - 35, the same two-sided p. */
    assert_int_equal(hl_mann_whitney(perm_y, 5, perm_x, 10, &t), 0);
    assert_close(t.u, 15, 1e-12);
    assert_close(t.p, 0.2544122544, 1e-9);
    /* One-sided P(U >= 35) = 1 - P(U <= 34). */
    assert_close(1 - hl_mwu_exact_cdf(10, 5, 34), 0.1272061272, 1e-9);
}

static void test_exact_distribution(void **state)
{
    (void)state;
    assert_close(hl_mwu_exact_cdf(10, 10, 23), 0.02162852627, 1e-10);
    assert_close(hl_mwu_exact_cdf(10, 10, 24), 0.02621295114, 1e-10);
    assert_close(hl_mwu_exact_cdf(10, 5, 14), 0.10323010323, 1e-10);
    assert_close(hl_mwu_exact_cdf(3, 4, 12), 1.0, 1e-12);
    /* m = n = 2: U takes 0,1,2,2,3,4 over the six arrangements. */
    assert_close(hl_mwu_exact_cdf(2, 2, 0), 1.0 / 6, 1e-12);
    assert_close(hl_mwu_exact_cdf(2, 2, 2), 4.0 / 6, 1e-12);
    /* Completely separated samples of 8: p = 2 / C(16, 8). */
    double lo[8], hi[8];
    for (int i = 0; i < 8; i++) {
        lo[i] = i;
        hi[i] = 100 + i;
    }
    hl_mwu t;
    assert_int_equal(hl_mann_whitney(lo, 8, hi, 8, &t), 0);
    assert_close(t.p, 2.0 / 12870, 1e-12);
}

static void test_normal_with_ties(void **state)
{
    (void)state;
    const double a[] = {1, 2, 2, 3, 4, 5, 5, 5, 6, 7};
    const double b[] = {3, 4, 5, 6, 6, 7, 8, 8, 9, 9, 10};
    hl_mwu t;
    assert_int_equal(hl_mann_whitney(a, 10, b, 11, &t), 0);
    assert_false(t.exact);
    assert_true(t.ties);
    assert_close(t.u, 19, 1e-12);
    assert_close(t.sigma, sqrt(110.0 / 12 * (22 - 120.0 / 420)), 1e-9);
    assert_close(t.p, 0.011861867560, 1e-9);
    /* All values equal: nothing to test, p = 1. */
    const double same[] = {2, 2, 2};
    assert_int_equal(hl_mann_whitney(same, 3, same, 3, &t), 0);
    assert_close(t.p, 1, 0);
}

static void test_normal_large(void **state)
{
    (void)state;
    double a[60], b[55];
    for (int i = 0; i < 60; i++)
        a[i] = (i * 37) % 101 + 0.5;
    for (int i = 0; i < 55; i++)
        b[i] = (i * 53) % 103 + 10.25;
    hl_mwu t;
    assert_int_equal(hl_mann_whitney(a, 60, b, 55, &t), 0);
    assert_false(t.exact);
    assert_false(t.ties);
    assert_close(t.u, 1434, 1e-12);
    assert_close(t.p, 0.2275984174, 1e-8);
}

static void test_shift_ci(void **state)
{
    (void)state;
    double lo, hi;
    assert_int_equal(hl_shift_ci(perm_x, 10, perm_y, 5, 0.05, &lo, &hi), 0);
    assert_close(lo, -0.76, 1e-12);
    assert_close(hi, 0.15, 1e-12);
    /* A pure shift of 10 of the same values: the interval holds 10 and, at
     * n = 10 exact (rank 24 of the 100 differences 10 + j - i), it is
     * [10 - 3, 10 + 3]. */
    double x[10], y[10];
    for (int i = 0; i < 10; i++) {
        x[i] = i;
        y[i] = i + 10;
    }
    assert_int_equal(hl_shift_ci(x, 10, y, 10, 0.05, &lo, &hi), 0);
    assert_close(lo, 7, 1e-12);
    assert_close(hi, 13, 1e-12);
}

static void test_median_ci(void **state)
{
    (void)state;
    double x[20], lo, hi, cov, med;
    for (int i = 0; i < 20; i++)
        x[i] = (double)((i * 7) % 20) + 1; /* 1..20, shuffled */
    assert_int_equal(hl_median_ci(x, 20, 0.95, &lo, &hi, &cov), 0);
    assert_close(lo, 6, 0);
    assert_close(hi, 15, 0);
    assert_close(cov, 0.9586105347, 1e-9);
    assert_int_equal(hl_median(x, 20, &med), 0);
    assert_close(med, 10.5, 0);
    double y[10] = {10, 1, 9, 2, 8, 3, 7, 4, 6, 5};
    assert_int_equal(hl_median_ci(y, 10, 0.95, &lo, &hi, &cov), 0);
    assert_close(lo, 2, 0);
    assert_close(hi, 9, 0);
    assert_close(cov, 0.978515625, 1e-12);
    double z[5] = {5, 3, 1, 4, 2};
    assert_int_equal(hl_median_ci(z, 5, 0.95, &lo, &hi, &cov), 0);
    assert_close(lo, 1, 0);
    assert_close(hi, 5, 0);
    assert_close(cov, 0.9375, 1e-12);
    assert_close(hl_binom_half_cdf(10, 1), 11.0 / 1024, 1e-15);
}

static void test_normal_functions(void **state)
{
    (void)state;
    assert_close(hl_norm_cdf(0), 0.5, 1e-15);
    assert_close(hl_norm_cdf(-1.959963985), 0.025, 1e-9);
    assert_close(hl_norm_quantile(0.975), 1.959963985, 1e-8);
}

static void test_row_verdicts(void **state)
{
    (void)state;
    double before[8], faster[8], slower[8], same[8];
    for (int i = 0; i < 8; i++) {
        before[i] = 1.0 + 0.01 * i;
        faster[i] = 0.8 + 0.01 * i;
        slower[i] = 1.2 + 0.01 * i;
        same[i] = 1.0 + 0.01 * ((i * 3) % 8) + 0.001;
    }
    hl_cmp_stat s;
    assert_int_equal(hl_cmp_stat_compute(before, 8, faster, 8, 0.05, &s), 0);
    assert_int_equal(hl_cmp_stat_verdict(&s), HL_CMP_IMPROVED);
    assert_close(s.change, 0.835 / 1.035 - 1, 1e-9);
    assert_true(s.ci_hi < 0 && s.ci_lo <= s.change);
    assert_close(s.p, 2.0 / 12870, 1e-12);
    assert_int_equal(hl_cmp_stat_compute(before, 8, slower, 8, 0.05, &s), 0);
    assert_int_equal(hl_cmp_stat_verdict(&s), HL_CMP_REGRESSED);
    assert_true(s.ci_lo > 0);
    assert_int_equal(hl_cmp_stat_compute(before, 8, same, 8, 0.05, &s), 0);
    assert_int_equal(hl_cmp_stat_verdict(&s), HL_CMP_UNCHANGED);
    assert_true(s.ci_lo < 0 && s.ci_hi > 0);
    assert_true(s.p > 0.5);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_exact_r_example),  cmocka_unit_test(test_exact_distribution),
        cmocka_unit_test(test_normal_with_ties), cmocka_unit_test(test_normal_large),
        cmocka_unit_test(test_shift_ci),         cmocka_unit_test(test_median_ci),
        cmocka_unit_test(test_normal_functions), cmocka_unit_test(test_row_verdicts),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
