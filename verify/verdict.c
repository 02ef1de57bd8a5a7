/* verdict.c - from the sample pass's sums to each finding's shares, intervals and
 * verdict: symmetric tests on the evidence's interval, hot other cause, not applicable,
 * not exercised only with enough samples to say so. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

const char *hl_verdict_name(hl_verdict v)
{
    switch (v) {
    case HL_VERDICT_CONFIRMED:
        return "confirmed";
    case HL_VERDICT_DISMISSED:
        return "dismissed";
    case HL_VERDICT_NOT_EXERCISED:
        return "not exercised";
    case HL_VERDICT_INCONCLUSIVE:
        return "inconclusive";
    case HL_VERDICT_HOT_OTHER_CAUSE:
        return "hot other cause";
    case HL_VERDICT_NOT_APPLICABLE:
        return "not applicable";
    case HL_VERDICT_MERGED:
        return "merged";
    }
    return "unknown";
}

int hl_verdict_rank(hl_verdict v)
{
    switch (v) {
    case HL_VERDICT_CONFIRMED:
        return 0;
    case HL_VERDICT_HOT_OTHER_CAUSE:
        return 1;
    case HL_VERDICT_MERGED:
        return 2;
    case HL_VERDICT_INCONCLUSIVE:
        return 3;
    case HL_VERDICT_DISMISSED:
        return 4;
    case HL_VERDICT_NOT_APPLICABLE:
        return 5;
    case HL_VERDICT_NOT_EXERCISED:
        return 6;
    }
    return 7;
}

int hl_verify_sample_index(const hl_profile *prof, const char *name, char *err, size_t errlen)
{
    if (prof->n_sample_types == 0) {
        snprintf(err, errlen, "profile: no sample types; is it a pprof profile?");
        return -1;
    }
    if (!name) {
        /* Allocation rules are about allocated bytes: a heap profile's default
         * (inuse_space in Go's) shows nothing for a program that frees all. */
        int alloc = hl_profile_sample_index(prof, "alloc_space");
        if (alloc >= 0)
            return alloc;
        return prof->default_sample_index < prof->n_sample_types ? (int)prof->default_sample_index
                                                                 : (int)prof->n_sample_types - 1;
    }
    int ix = hl_profile_sample_index(prof, name);
    if (ix >= 0)
        return ix;
    int len =
        snprintf(err, errlen, "profile: no sample type '%s' (give --sample-index one of:", name);
    for (size_t i = 0; i < prof->n_sample_types && len > 0 && (size_t)len < errlen; i++)
        len += snprintf(err + len, errlen - (size_t)len, " %s",
                        prof->sample_types[i].type ? prof->sample_types[i].type : "?");
    if (len > 0 && (size_t)len < errlen)
        snprintf(err + len, errlen - (size_t)len, ")");
    return -1;
}

void hl_verify_options_init(hl_verify_options *o)
{
    memset(o, 0, sizeof *o);
    o->min_share = HL_VERIFY_DEFAULT_MIN_SHARE;
    o->min_samples = HL_VERIFY_DEFAULT_MIN_SAMPLES;
    o->max_unexplained = HL_VERIFY_DEFAULT_MAX_UNEXPLAINED;
}

double vx_share(int64_t v, int64_t total)
{
    return total > 0 ? (double)v / (double)total : 0.0;
}

char *vx_strdup(const char *s)
{
    size_t n = strlen(s) + 1;
    char *d = malloc(n);
    if (d)
        memcpy(d, s, n);
    return d;
}

/* Calls that allocate whatever their rule's family: in an allocation profile
 * their findings can be judged. */
static bool allocating_callee(const char *callee)
{
    static const char *const names[] = {"asprintf", "vasprintf", "strdup",        "strndup",
                                        "getline",  "getdelim",  "open_memstream"};
    for (size_t i = 0; callee && i < sizeof names / sizeof names[0]; i++)
        if (!strcmp(callee, names[i]))
            return true;
    return false;
}

bool vx_applicable(const vx_ctx *c, const hl_finding *f)
{
    if (!c->heap)
        return true;
    const char *fam = f->rule && f->rule->family ? f->rule->family : "";
    return !strcmp(fam, "allocation") || allocating_callee(f->callee);
}

/* Samples at which zero hits put the Wilson upper bound under share: below
 * it nothing can be dismissed or called not exercised. */
static int64_t samples_to_decide(double share, int64_t floor)
{
    int64_t n = 1;
    double lo, hi = 1.0;
    while (n < ((int64_t)1 << 40)) {
        hl_wilson_interval(0, n, &lo, &hi);
        if (hi < share)
            break;
        n *= 2;
    }
    int64_t a = n / 2, b = n; /* hi(a) >= share > hi(b) */
    while (b - a > 1) {
        int64_t m = a + (b - a) / 2;
        hl_wilson_interval(0, m, &lo, &hi);
        if (hi < share)
            b = m;
        else
            a = m;
    }
    return b > floor ? b : floor;
}

int vx_fill_items(vx_ctx *c, hl_verify_result *out)
{
    const hl_profile *prof = c->p;
    size_t nf = c->fs->n;
    bool per_period = c->ci < 0 && prof->period > 0 && prof->period_type.unit &&
                      prof->sample_types[c->vi].unit &&
                      !strcmp(prof->period_type.unit, prof->sample_types[c->vi].unit);
    if (per_period && c->tot.total > 0) {
        out->sampling_period = prof->period;
        c->tot.samples = c->tot.total / prof->period;
        if (c->tot.samples < 1)
            c->tot.samples = 1;
    }
    int64_t total = c->tot.total, n = c->tot.samples;
    out->items = calloc(nf + 1, sizeof *out->items);
    if (!out->items)
        return -1;
    out->n_items = nf;
    for (size_t i = 0; i < nf; i++) {
        hl_verified *it = &out->items[i];
        const vx_site *s = &c->site[i];
        it->finding = &c->fs->items[i];
        it->flat = s->flat;
        it->cum = s->cum;
        it->loop_cum = c->loop_acc[i].value;
        it->evidence = s->evidence;
        it->cum_samples = s->cum_count;
        it->flat_share = vx_share(s->flat, total);
        it->cum_share = vx_share(s->cum, total);
        it->loop_cum_share = vx_share(it->loop_cum, total);
        it->evidence_share = vx_share(s->evidence, total);
        it->evidence_of_cum = vx_share(s->evidence, s->cum);
        it->by_function = !c->has_lines;
        if (c->ci < 0)
            it->cum_samples = (int64_t)(it->cum_share * (double)n + 0.5);
        hl_wilson_share(it->evidence_share, n, &it->ci_low, &it->ci_high);
        hl_wilson_share(it->cum_share, n, &it->cum_ci_low, &it->cum_ci_high);
    }
    out->samples_to_decide = samples_to_decide(c->opt.min_share, c->opt.min_samples);
    return 0;
}

/* The verdict of one finding (see hl_verify in verify.h). */
static hl_verdict decide(const vx_ctx *c, hl_verified *it, bool exercised, int64_t to_decide)
{
    const hl_verify_options *o = &c->opt;
    bool can_match = (c->has_functions || c->has_lines) && c->p->n_samples > 0;
    bool enough = c->tot.samples >= to_decide;
    if (!vx_applicable(c, it->finding)) {
        it->why_not_applicable = "an allocation profile cannot show this rule's cost (it does "
                                 "not allocate); verify it against a CPU profile";
        return HL_VERDICT_NOT_APPLICABLE;
    }
    if (!can_match)
        return HL_VERDICT_INCONCLUSIVE; /* nothing to tell from */
    if (!exercised)                     /* unless it may hide in unsymbolized frames */
        return enough && vx_share(c->tot.unsymbolized, c->tot.total) < o->min_share
                   ? HL_VERDICT_NOT_EXERCISED
                   : HL_VERDICT_INCONCLUSIVE;
    if (it->ci_low >= o->min_share)
        return HL_VERDICT_CONFIRMED;
    if (enough && it->ci_high < o->min_share)
        return it->cum_ci_low >= o->min_share ? HL_VERDICT_HOT_OTHER_CAUSE : HL_VERDICT_DISMISSED;
    return HL_VERDICT_INCONCLUSIVE;
}

int vx_decide_all(vx_ctx *c, hl_verify_result *out, const bool *exercised)
{
    for (size_t i = 0; i < out->n_items; i++) {
        hl_verified *it = &out->items[i];
        if (it->verdict != HL_VERDICT_MERGED) /* set by vx_find_merged */
            it->verdict = decide(c, it, exercised[i], out->samples_to_decide);
        switch (it->verdict) {
        case HL_VERDICT_CONFIRMED:
            out->n_confirmed++;
            break;
        case HL_VERDICT_DISMISSED:
            out->n_dismissed++;
            break;
        case HL_VERDICT_NOT_EXERCISED:
            out->n_not_exercised++;
            break;
        case HL_VERDICT_INCONCLUSIVE:
            out->n_inconclusive++;
            break;
        case HL_VERDICT_HOT_OTHER_CAUSE:
            out->n_hot_other_cause++;
            break;
        case HL_VERDICT_NOT_APPLICABLE:
            out->n_not_applicable++;
            break;
        case HL_VERDICT_MERGED:
            out->n_merged++;
            break;
        }
    }
    return 0;
}
