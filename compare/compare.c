/* compare.c - the comparison: totals, functions and findings, each a row of
 * per-run statistics with a verdict, ordered biggest significant change first. */
#include "compare.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "match.h"
#include "measure.h"
#include "stats.h"

/* Median share of rows (value / total per run). */
static int median_share(const double *v, const double *total, size_t n, double *out)
{
    *out = 0;
    if (!n)
        return 0;
    double *s = malloc(n * sizeof *s);
    if (!s)
        return -1;
    for (size_t r = 0; r < n; r++)
        s[r] = total[r] > 0 ? v[r] / total[r] : 0;
    int rc = hl_median(s, n, out);
    free(s);
    return rc;
}

/* How big a row's change is, for the order: seconds per run. */
static double magnitude(const hl_cmp_stat *s)
{
    return fabs((s->has_after ? s->after : 0) - (s->has_before ? s->before : 0));
}

static bool stands_out(const hl_cmp_stat *s, hl_cmp_verdict v)
{
    return v != HL_CMP_UNCHANGED || s->significant;
}

static int order(const hl_cmp_stat *a, hl_cmp_verdict va, const hl_cmp_stat *b, hl_cmp_verdict vb)
{
    bool sa = stands_out(a, va), sb = stands_out(b, vb);
    if (sa != sb)
        return sa ? -1 : 1;
    double ma = magnitude(a), mb = magnitude(b);
    return (ma < mb) - (ma > mb);
}

static int cmp_findings(const void *x, const void *y)
{
    const hl_cmp_finding *a = x, *b = y;
    int c = order(&a->st, a->verdict, &b->st, b->verdict);
    return c ? c : strcmp(a->fingerprint, b->fingerprint);
}

static int cmp_functions(const void *x, const void *y)
{
    const hl_cmp_function *a = x, *b = y;
    int c = order(&a->st, a->verdict, &b->st, b->verdict);
    return c ? c : strcmp(a->name, b->name);
}

/* Per-run arrays of both sides for one comparison. */
typedef struct sides {
    const hl_side *b, *a;
    size_t nb, na;
    double *tb, *ta; /* totals */
    double alpha;
} sides;

static int do_functions(const sides *sd, const hl_compare_input *in, const char *type,
                        hl_compare_result *out)
{
    hl_fn_names fn = {0};
    double *fb = NULL, *fa = NULL;
    int rc = -1;
    if (hl_measure_collect_names(&fn, sd->b) < 0 || hl_measure_collect_names(&fn, sd->a) < 0)
        goto done;
    fb = calloc(fn.n * sd->nb + 1, sizeof *fb);
    fa = calloc(fn.n * sd->na + 1, sizeof *fa);
    out->functions = calloc(fn.n + 1, sizeof *out->functions);
    if (!fb || !fa || !out->functions)
        goto done;
    hl_measure_functions(sd->b, type, &fn, fb);
    hl_measure_functions(sd->a, type, &fn, fa);
    double min_share = in->min_share > 0 ? in->min_share : 0.01;
    for (size_t i = 0; i < fn.n; i++) {
        hl_cmp_function *f = &out->functions[out->n_functions];
        if (hl_cmp_stat_compute(fb + i * sd->nb, sd->nb, fa + i * sd->na, sd->na, sd->alpha,
                                &f->st) < 0 ||
            median_share(fb + i * sd->nb, sd->tb, sd->nb, &f->st.before_share) < 0 ||
            median_share(fa + i * sd->na, sd->ta, sd->na, &f->st.after_share) < 0)
            goto done;
        if (fmax(f->st.before_share, f->st.after_share) < min_share)
            continue;
        f->verdict = hl_cmp_stat_verdict(&f->st);
        f->name = fn.names[i];
        fn.names[i] = NULL;
        out->n_functions++;
    }
    qsort(out->functions, out->n_functions, sizeof *out->functions, cmp_functions);
    rc = 0;
done:
    for (size_t i = 0; i < fn.n; i++)
        free(fn.names[i]);
    fn.n = 0;
    hl_fn_names_free(&fn);
    free(fb);
    free(fa);
    return rc;
}

/* Costs and shares of one side's findings, and verify's verdicts over all runs. */
typedef struct side_costs {
    double *cost, *share;
    hl_verdict *verdict;
} side_costs;

static int side_costs_make(side_costs *c, const hl_side *s, const hl_findings *fs,
                           const hl_compare_input *in, const hl_verify_options *vo, char *err,
                           size_t errlen)
{
    size_t n = fs ? fs->n : 0;
    c->cost = calloc(n * s->n_runs + 1, sizeof *c->cost);
    c->share = calloc(n * s->n_runs + 1, sizeof *c->share);
    c->verdict = calloc(n + 1, sizeof *c->verdict);
    if (!c->cost || !c->share || !c->verdict) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    return hl_measure_findings(s, fs, in->cat, vo, c->cost, c->share, c->verdict, err, errlen);
}

static void side_costs_free(side_costs *c)
{
    free(c->cost);
    free(c->share);
    free(c->verdict);
}

static int finding_row(const sides *sd, const hl_compare_input *in, const hl_finding_pair *p,
                       const side_costs *cb, const side_costs *ca, hl_cmp_finding *f)
{
    memcpy(f->fingerprint, p->fingerprint, sizeof f->fingerprint);
    f->before = p->before >= 0 ? &in->before_findings->items[p->before] : NULL;
    f->after = p->after >= 0 ? &in->after_findings->items[p->after] : NULL;
    const double *vb = f->before ? cb->cost + (size_t)p->before * sd->nb : NULL;
    const double *va = f->after ? ca->cost + (size_t)p->after * sd->na : NULL;
    if (hl_cmp_stat_compute(vb, vb ? sd->nb : 0, va, va ? sd->na : 0, sd->alpha, &f->st) < 0)
        return -1;
    if (f->before &&
        hl_median(cb->share + (size_t)p->before * sd->nb, sd->nb, &f->st.before_share) < 0)
        return -1;
    if (f->after &&
        hl_median(ca->share + (size_t)p->after * sd->na, sd->na, &f->st.after_share) < 0)
        return -1;
    if (!f->before)
        f->verdict = HL_CMP_NEW;
    else if (!f->after)
        f->verdict = HL_CMP_GONE;
    else if (ca->verdict[p->after] == HL_VERDICT_DISMISSED &&
             cb->verdict[p->before] == HL_VERDICT_CONFIRMED)
        f->verdict = HL_CMP_FIXED;
    else
        f->verdict = hl_cmp_stat_verdict(&f->st);
    return 0;
}

static int do_findings(const sides *sd, const hl_compare_input *in, const char *type,
                       hl_compare_result *out, char *err, size_t errlen)
{
    hl_verify_options vo = in->vo;
    vo.sample_index = type;
    side_costs cb = {0}, ca = {0};
    hl_finding_pair *pairs = NULL;
    size_t np = 0;
    int rc = -1;
    if (side_costs_make(&cb, sd->b, in->before_findings, in, &vo, err, errlen) < 0 ||
        side_costs_make(&ca, sd->a, in->after_findings, in, &vo, err, errlen) < 0)
        goto done;
    pairs = hl_match_findings(in->before_findings, in->before_root, in->after_findings,
                              in->after_root, &np);
    out->findings = calloc(np + 1, sizeof *out->findings);
    if (!pairs || !out->findings) {
        snprintf(err, errlen, "out of memory matching the findings");
        goto done;
    }
    for (size_t i = 0; i < np; i++) {
        if (finding_row(sd, in, &pairs[i], &cb, &ca, &out->findings[i]) < 0) {
            snprintf(err, errlen, "out of memory");
            goto done;
        }
        out->n_findings++;
    }
    qsort(out->findings, out->n_findings, sizeof *out->findings, cmp_findings);
    rc = 0;
done:
    side_costs_free(&cb);
    side_costs_free(&ca);
    free(pairs);
    return rc;
}

static int do_measured(const sides *sd, hl_compare_result *out)
{
    for (size_t r = 0; r < sd->nb; r++)
        if (!sd->b->runs[r].has_measured)
            return 0;
    for (size_t r = 0; r < sd->na; r++)
        if (!sd->a->runs[r].has_measured)
            return 0;
    double *v = malloc((2 * (sd->nb + sd->na) + 1) * sizeof *v);
    if (!v)
        return -1;
    double *cb = v, *ca = v + sd->nb, *wb = ca + sd->na, *wa = wb + sd->nb;
    for (size_t r = 0; r < sd->nb; r++) {
        cb[r] = (double)sd->b->runs[r].cpu_ns * 1e-9;
        wb[r] = (double)sd->b->runs[r].wall_ns * 1e-9;
    }
    for (size_t r = 0; r < sd->na; r++) {
        ca[r] = (double)sd->a->runs[r].cpu_ns * 1e-9;
        wa[r] = (double)sd->a->runs[r].wall_ns * 1e-9;
    }
    int rc = hl_cmp_stat_compute(cb, sd->nb, ca, sd->na, sd->alpha, &out->measured_cpu) |
             hl_cmp_stat_compute(wb, sd->nb, wa, sd->na, sd->alpha, &out->wall);
    out->has_measured = rc == 0;
    free(v);
    return rc;
}

int hl_compare(const hl_compare_input *in, hl_compare_result *out, char *err, size_t errlen)
{
    memset(out, 0, sizeof *out);
    sides sd = {in->before,
                in->after,
                in->before->n_runs,
                in->after->n_runs,
                NULL,
                NULL,
                in->alpha > 0 ? in->alpha : 0.05};
    out->alpha = sd.alpha;
    out->before_root = in->before_root;
    out->after_root = in->after_root;
    out->n_before_runs = sd.nb;
    out->n_after_runs = sd.na;
    if (!sd.nb || !sd.na) {
        snprintf(err, errlen, "a side has no runs");
        return -1;
    }
    char *type = out->sample_type;
    if (hl_measure_check_type(in->before, in->vo.sample_index, type, sizeof out->sample_type, err,
                              errlen) < 0 ||
        hl_measure_check_type(in->after, type, type, sizeof out->sample_type, err, errlen) < 0)
        return -1;
    int rc = -1;
    sd.tb = calloc(sd.nb, sizeof *sd.tb);
    sd.ta = calloc(sd.na, sizeof *sd.ta);
    if (!sd.tb || !sd.ta)
        goto oom;
    hl_measure_totals(in->before, type, sd.tb);
    hl_measure_totals(in->after, type, sd.ta);
    if (hl_cmp_stat_compute(sd.tb, sd.nb, sd.ta, sd.na, sd.alpha, &out->total) < 0)
        goto oom;
    out->total.before_share = out->total.after_share = 1;
    out->total_verdict = hl_cmp_stat_verdict(&out->total);
    if (do_measured(&sd, out) < 0 || do_functions(&sd, in, type, out) < 0)
        goto oom;
    if (do_findings(&sd, in, type, out, err, errlen) < 0)
        goto done;
    rc = 0;
    goto done;
oom:
    snprintf(err, errlen, "out of memory comparing the profiles");
done:
    free(sd.tb);
    free(sd.ta);
    if (rc < 0)
        hl_compare_result_free(out);
    return rc;
}

void hl_compare_result_free(hl_compare_result *r)
{
    for (size_t i = 0; i < r->n_functions; i++)
        free(r->functions[i].name);
    free(r->functions);
    free(r->findings);
    r->functions = NULL;
    r->findings = NULL;
    r->n_functions = r->n_findings = 0;
}
