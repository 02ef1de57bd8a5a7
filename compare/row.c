/* row.c - one row of a comparison: medians, intervals, test and verdict. */
#include <math.h>

#include "compare.h"
#include "stats.h"

const char *hl_cmp_verdict_name(hl_cmp_verdict v)
{
    switch (v) {
    case HL_CMP_IMPROVED:
        return "improved";
    case HL_CMP_REGRESSED:
        return "regressed";
    case HL_CMP_FIXED:
        return "fixed";
    case HL_CMP_NEW:
        return "new";
    case HL_CMP_GONE:
        return "gone";
    case HL_CMP_UNCHANGED:
        break;
    }
    return "unchanged";
}

int hl_cmp_stat_compute(const double *before, size_t nb, const double *after, size_t na,
                        double alpha, hl_cmp_stat *out)
{
    *out = (hl_cmp_stat){.p = 1, .change = NAN, .ci_lo = NAN, .ci_hi = NAN};
    out->has_before = nb > 0;
    out->has_after = na > 0;
    if (nb && (hl_median(before, nb, &out->before) < 0 ||
               hl_median_ci(before, nb, 1 - alpha, &out->before_lo, &out->before_hi, NULL) < 0))
        return -1;
    if (na && (hl_median(after, na, &out->after) < 0 ||
               hl_median_ci(after, na, 1 - alpha, &out->after_lo, &out->after_hi, NULL) < 0))
        return -1;
    if (!nb || !na)
        return 0;
    hl_mwu t;
    double lo, hi;
    if (hl_mann_whitney(before, nb, after, na, &t) < 0 ||
        hl_shift_ci(before, nb, after, na, alpha, &lo, &hi) < 0)
        return -1;
    out->p = t.p;
    out->exact = t.exact;
    out->significant = t.p < alpha;
    if (out->before > 0) {
        out->change = out->after / out->before - 1;
        /* A cost cannot fall below zero: the shift's bound is clamped there. */
        out->ci_lo = fmax(-1, lo / out->before);
        out->ci_hi = fmax(-1, hi / out->before);
    }
    return 0;
}

hl_cmp_verdict hl_cmp_stat_verdict(const hl_cmp_stat *s)
{
    if (!s->significant || !s->has_before || !s->has_after)
        return HL_CMP_UNCHANGED;
    if (s->after < s->before)
        return HL_CMP_IMPROVED;
    if (s->after > s->before)
        return HL_CMP_REGRESSED;
    return HL_CMP_UNCHANGED;
}
