/* stats.h - the distribution-free statistics of a before/after comparison:
 * medians, the order-statistic confidence interval of a median, the
 * Mann-Whitney U test and the Hodges-Lehmann (Moses) interval of the shift.
 * Pure functions over arrays of doubles; no profile, no I/O. */
#ifndef HL_COMPARE_STATS_H
#define HL_COMPARE_STATS_H

#include <stdbool.h>
#include <stddef.h>

/* The median of x[0..n) (the mean of the two middle values when n is even);
 * 0 when n is 0. x is not changed. Returns -1 when out of memory, else 0. */
int hl_median(const double *x, size_t n, double *out);

/* The distribution-free confidence interval of the median from order
 * statistics: [x_(k), x_(n+1-k)] of the sorted sample, with k the largest
 * rank whose coverage 1 - 2 P(Binomial(n, 1/2) <= k - 1) is still at least
 * conf. When no rank reaches conf (n < 6 at 95%) the interval is [min, max].
 * *coverage (may be NULL) receives the coverage achieved. Returns 0, or -1
 * when out of memory or n is 0. */
int hl_median_ci(const double *x, size_t n, double conf, double *lo, double *hi, double *coverage);

/* P(Binomial(n, 1/2) <= k). */
double hl_binom_half_cdf(size_t n, size_t k);

/* The standard normal distribution function and its inverse (0 < p < 1). */
double hl_norm_cdf(double z);
double hl_norm_quantile(double p);

/* Sample sizes up to which the exact distribution of U is used (as R's
 * wilcox.test does: both samples under 50 and no ties). */
#define HL_MWU_EXACT_MAX 49

typedef struct hl_mwu {
    double u;     /* U of the first sample: pairs (x_i, y_j) with x_i > y_j, ties 1/2
                     (R's W statistic of wilcox.test(x, y)) */
    double p;     /* two-sided p-value */
    bool exact;   /* exact distribution (small samples, no ties); else the normal
                     approximation with tie and continuity correction */
    bool ties;    /* the pooled sample has ties */
    double sigma; /* the standard deviation of U used by the normal approximation
                     (tie-corrected); 0 when exact */
} hl_mwu;

/* The Mann-Whitney U test of x[0..m) against y[0..n), two-sided. Returns 0,
 * or -1 when out of memory or a sample is empty. */
int hl_mann_whitney(const double *x, size_t m, const double *y, size_t n, hl_mwu *out);

/* P(U <= u) under the null hypothesis for samples of sizes m and n without
 * ties (the exact distribution, counted by recurrence). Returns a negative
 * value when out of memory. */
double hl_mwu_exact_cdf(size_t m, size_t n, double u);

/* The confidence interval (level 1 - alpha) of the shift y - x: the order
 * statistics d_(k) and d_(mn+1-k) of the m*n pairwise differences y_j - x_i,
 * with k from the exact distribution of U (as R's wilcox.test(conf.int = TRUE)
 * when exact) or from its normal approximation with the tie-corrected
 * variance otherwise. Returns 0, or -1 when out of memory or a sample is
 * empty. */
int hl_shift_ci(const double *x, size_t m, const double *y, size_t n, double alpha, double *lo,
                double *hi);

#endif
