/* stats.c - medians, the order-statistic interval of a median, the
 * Mann-Whitney U test (exact and normal) and the interval of the shift. */
#include "stats.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static double *sorted_copy(const double *x, size_t n)
{
    double *s = malloc((n ? n : 1) * sizeof *s);
    if (!s)
        return NULL;
    if (n)
        memcpy(s, x, n * sizeof *s);
    qsort(s, n, sizeof *s, cmp_double);
    return s;
}

int hl_median(const double *x, size_t n, double *out)
{
    *out = 0;
    if (n == 0)
        return 0;
    double *s = sorted_copy(x, n);
    if (!s)
        return -1;
    *out = n % 2 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
    free(s);
    return 0;
}

double hl_binom_half_cdf(size_t n, size_t k)
{
    if (k >= n)
        return 1.0;
    double sum = 0, ln2n = (double)n * log(2.0);
    for (size_t i = 0; i <= k; i++)
        sum +=
            exp(lgamma((double)n + 1) - lgamma((double)i + 1) - lgamma((double)(n - i) + 1) - ln2n);
    return sum > 1 ? 1 : sum;
}

int hl_median_ci(const double *x, size_t n, double conf, double *lo, double *hi, double *coverage)
{
    if (n == 0)
        return -1;
    double *s = sorted_copy(x, n);
    if (!s)
        return -1;
    size_t k = 1;
    double cov = 1 - 2 * hl_binom_half_cdf(n, 0);
    while (k + 1 <= (n + 1) / 2) {
        double next = 1 - 2 * hl_binom_half_cdf(n, k);
        if (next < conf)
            break;
        k++;
        cov = next;
    }
    *lo = s[k - 1];
    *hi = s[n - k];
    if (coverage)
        *coverage = n == 1 ? 0 : cov;
    free(s);
    return 0;
}

double hl_norm_cdf(double z)
{
    return 0.5 * erfc(-z / sqrt(2.0));
}

double hl_norm_quantile(double p)
{
    double lo = -40, hi = 40;
    for (int i = 0; i < 200; i++) {
        double mid = (lo + hi) / 2;
        if (hl_norm_cdf(mid) < p)
            lo = mid;
        else
            hi = mid;
    }
    return (lo + hi) / 2;
}

/* The counts of U = 0..m*n over all arrangements of m x's and n y's, by the
 * recurrence w(i, j; k) = w(i-1, j; k-j) + w(i, j-1; k): the largest value is
 * an x (beating all j y's) or a y. Returns a malloc'ed array of m*n+1. */
static double *mwu_counts(size_t m, size_t n)
{
    size_t width = m * n + 1;
    double *prev = calloc((n + 1) * width, sizeof *prev);
    double *cur = calloc((n + 1) * width, sizeof *cur);
    double *out = malloc(width * sizeof *out);
    if (!prev || !cur || !out) {
        free(prev);
        free(cur);
        free(out);
        return NULL;
    }
    for (size_t j = 0; j <= n; j++)
        prev[j * width] = 1; /* i = 0: U is 0 */
    for (size_t i = 1; i <= m; i++) {
        memset(cur, 0, (n + 1) * width * sizeof *cur);
        cur[0] = 1; /* j = 0 */
        for (size_t j = 1; j <= n; j++) {
            double *c = cur + j * width, *left = cur + (j - 1) * width, *up = prev + j * width;
            for (size_t k = 0; k <= i * j; k++)
                c[k] = (k >= j ? up[k - j] : 0) + (k <= i * (j - 1) ? left[k] : 0);
        }
        double *t = prev;
        prev = cur;
        cur = t;
    }
    memcpy(out, prev + n * width, width * sizeof *out);
    free(prev);
    free(cur);
    return out;
}

double hl_mwu_exact_cdf(size_t m, size_t n, double u)
{
    if (u < 0)
        return 0;
    double *w = mwu_counts(m, n);
    if (!w)
        return -1;
    double below = 0, total = 0;
    for (size_t k = 0; k <= m * n; k++) {
        total += w[k];
        if ((double)k <= u + 1e-9)
            below += w[k];
    }
    free(w);
    return below / total;
}

/* Midranks of the pooled sample; returns the sum of the first sample's ranks
 * and the tie term sum(t^3 - t) over groups of tied values. */
static int rank_sum(const double *x, size_t m, const double *y, size_t n, double *rx, double *ties)
{
    size_t N = m + n;
    struct pooled {
        double v;
        int first;
    } *p = malloc(N * sizeof *p);
    if (!p)
        return -1;
    for (size_t i = 0; i < m; i++)
        p[i] = (struct pooled){x[i], 1};
    for (size_t j = 0; j < n; j++)
        p[m + j] = (struct pooled){y[j], 0};
    qsort(p, N, sizeof *p, cmp_double); /* v is the first member */
    *rx = 0;
    *ties = 0;
    for (size_t i = 0; i < N;) {
        size_t e = i;
        while (e + 1 < N && p[e + 1].v == p[i].v)
            e++;
        double t = (double)(e - i + 1), rank = ((double)i + (double)e) / 2 + 1;
        *ties += t * t * t - t;
        for (size_t k = i; k <= e; k++)
            if (p[k].first)
                *rx += rank;
        i = e + 1;
    }
    free(p);
    return 0;
}

static double tie_sigma(size_t m, size_t n, double ties)
{
    double N = (double)(m + n), mn = (double)m * (double)n;
    double v = mn / 12 * ((N + 1) - ties / (N * (N - 1)));
    return v > 0 ? sqrt(v) : 0;
}

int hl_mann_whitney(const double *x, size_t m, const double *y, size_t n, hl_mwu *out)
{
    memset(out, 0, sizeof *out);
    if (!m || !n)
        return -1;
    double rx, ties;
    if (rank_sum(x, m, y, n, &rx, &ties) < 0)
        return -1;
    double mn = (double)m * (double)n;
    out->u = rx - (double)m * ((double)m + 1) / 2;
    out->ties = ties > 0;
    if (m <= HL_MWU_EXACT_MAX && n <= HL_MWU_EXACT_MAX && !out->ties) {
        out->exact = true;
        double p = out->u > mn / 2 ? 1 - hl_mwu_exact_cdf(m, n, out->u - 1)
                                   : hl_mwu_exact_cdf(m, n, out->u);
        if (p < 0)
            return -1;
        out->p = fmin(1, 2 * p);
        return 0;
    }
    out->sigma = tie_sigma(m, n, ties);
    if (out->sigma == 0) { /* every value the same */
        out->p = 1;
        return 0;
    }
    double z = out->u - mn / 2;
    z = (z - (z > 0 ? 0.5 : z < 0 ? -0.5 : 0)) / out->sigma;
    out->p = fmin(1, 2 * fmin(hl_norm_cdf(z), 1 - hl_norm_cdf(z)));
    return 0;
}

/* The rank k of the lower bound among the m*n differences: the smallest q with
 * P(U <= q) >= alpha/2 (R's qwilcox), at least 1. */
static size_t shift_rank(size_t m, size_t n, double alpha, bool exact, double sigma)
{
    size_t mn = m * n, k;
    if (exact) {
        double *w = mwu_counts(m, n);
        if (!w)
            return 0;
        double total = 0, below = 0;
        for (size_t i = 0; i <= mn; i++)
            total += w[i];
        for (k = 0; k < mn; k++) {
            below += w[k];
            if (below / total >= alpha / 2 - 1e-12)
                break;
        }
        free(w);
    } else {
        double c = (double)mn / 2 - hl_norm_quantile(1 - alpha / 2) * sigma;
        k = c > 1 ? (size_t)floor(c) : 1;
    }
    if (k < 1)
        k = 1;
    if (k > (mn + 1) / 2)
        k = (mn + 1) / 2;
    return k;
}

int hl_shift_ci(const double *x, size_t m, const double *y, size_t n, double alpha, double *lo,
                double *hi)
{
    hl_mwu t;
    if (hl_mann_whitney(x, m, y, n, &t) < 0)
        return -1;
    size_t mn = m * n;
    double *d = malloc(mn * sizeof *d);
    if (!d)
        return -1;
    for (size_t i = 0; i < m; i++)
        for (size_t j = 0; j < n; j++)
            d[i * n + j] = y[j] - x[i];
    qsort(d, mn, sizeof *d, cmp_double);
    size_t k = shift_rank(m, n, alpha, t.exact, t.sigma ? t.sigma : tie_sigma(m, n, 0));
    if (k == 0) {
        free(d);
        return -1;
    }
    *lo = d[k - 1];
    *hi = d[mn - k];
    free(d);
    return 0;
}
