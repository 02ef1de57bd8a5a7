/* measure.c - per-run totals, function costs and finding costs. */
#include "measure.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../base/grow.h"

double hl_measure_time_scale(const char *unit)
{
    if (!strcmp(unit, "nanoseconds"))
        return 1e-9;
    if (!strcmp(unit, "microseconds"))
        return 1e-6;
    if (!strcmp(unit, "milliseconds"))
        return 1e-3;
    if (!strcmp(unit, "seconds"))
        return 1;
    return 0;
}

static int type_index(const hl_profile *p, const char *type)
{
    if (type)
        return hl_profile_sample_index(p, type);
    int i = hl_profile_sample_index(p, "cpu");
    if (i >= 0)
        return i;
    return p->n_sample_types ? (int)p->default_sample_index : -1;
}

int hl_measure_check_type(const hl_side *s, const char *type, char *type_out, size_t type_len,
                          char *err, size_t errlen)
{
    for (size_t r = 0; r < s->n_runs; r++) {
        const hl_profile *p = &s->runs[r].view;
        int i = type_index(p, type ? type : (r ? type_out : NULL));
        if (i < 0) {
            snprintf(err, errlen,
                     "%s: no sample type '%s'; give --sample-index with one of its types",
                     s->runs[r].source,
                     type ? type
                     : r  ? type_out
                          : "cpu");
            return -1;
        }
        const hl_prof_value_type *t = &p->sample_types[i];
        if (hl_measure_time_scale(t->unit) == 0) {
            snprintf(err, errlen,
                     "%s: sample type %s is in %s, not a time: compare needs a CPU profile "
                     "(or --sample-index naming a time)",
                     s->runs[r].source, t->type, t->unit);
            return -1;
        }
        if (!type && r == 0)
            snprintf(type_out, type_len, "%s", t->type);
    }
    if (type && type != type_out)
        snprintf(type_out, type_len, "%s", type);
    return 0;
}

static double run_scale(const hl_profile *p, int idx)
{
    return hl_measure_time_scale(p->sample_types[idx].unit);
}

void hl_measure_totals(const hl_side *s, const char *type, double *out)
{
    for (size_t r = 0; r < s->n_runs; r++) {
        const hl_profile *p = &s->runs[r].view;
        int idx = type_index(p, type);
        double sum = 0;
        for (size_t i = 0; idx >= 0 && i < p->n_samples; i++)
            sum += (double)p->samples[i].values[idx];
        out[r] = idx >= 0 ? sum * run_scale(p, idx) : 0;
    }
}

/* The leaf frame's function name of a sample (innermost inlined line), or
 * NULL when it has none. */
static const char *leaf_name(const hl_prof_sample *s, size_t *len)
{
    if (!s->n_locs || !s->locs[0]->n_lines)
        return NULL;
    const hl_prof_function *f = s->locs[0]->lines[0].function;
    if (!f || !f->name || !*f->name)
        return NULL;
    *len = hl_function_name_len(f->name);
    return *len ? f->name : NULL;
}

int hl_measure_collect_names(hl_fn_names *fn, const hl_side *s)
{
    for (size_t r = 0; r < s->n_runs; r++) {
        const hl_profile *p = &s->runs[r].view;
        for (size_t i = 0; i < p->n_samples; i++) {
            size_t len, v = fn->n;
            const char *name = leaf_name(&p->samples[i], &len);
            if (!name)
                continue;
            int got = hl_hashmap_get_or_put(&fn->map, name, len, &v);
            if (got < 0)
                return -1;
            if (got == 1)
                continue;
            if (HL_GROW(fn->names, fn->n, fn->cap) < 0 || !(fn->names[fn->n] = strndup(name, len)))
                return -1;
            fn->n++;
        }
    }
    return 0;
}

void hl_fn_names_free(hl_fn_names *fn)
{
    for (size_t i = 0; i < fn->n; i++)
        free(fn->names[i]);
    free(fn->names);
    hl_hashmap_free(&fn->map);
    memset(fn, 0, sizeof *fn);
}

void hl_measure_functions(const hl_side *s, const char *type, const hl_fn_names *fn, double *flat)
{
    for (size_t r = 0; r < s->n_runs; r++) {
        const hl_profile *p = &s->runs[r].view;
        int idx = type_index(p, type);
        if (idx < 0)
            continue;
        double scale = run_scale(p, idx);
        for (size_t i = 0; i < p->n_samples; i++) {
            size_t len, row;
            const char *name = leaf_name(&p->samples[i], &len);
            if (name && hl_hashmap_find(&fn->map, name, len, &row))
                flat[row * s->n_runs + r] += (double)p->samples[i].values[idx] * scale;
        }
    }
}

static int verify_one(const hl_profile *p, const hl_findings *fs, const hl_catalog *cat,
                      const hl_verify_options *vo, hl_verify_result *vr, char *err, size_t errlen,
                      const char *source)
{
    char e[512] = "";
    if (hl_verify(fs, cat, p, vo, vr, e, sizeof e) < 0) {
        snprintf(err, errlen, "%s: %s", source, e);
        return -1;
    }
    return 0;
}

int hl_measure_findings(const hl_side *s, const hl_findings *fs, const hl_catalog *cat,
                        const hl_verify_options *vo, double *cost, double *share,
                        hl_verdict *verdict, char *err, size_t errlen)
{
    if (!fs || !fs->n)
        return 0;
    for (size_t r = 0; r < s->n_runs; r++) {
        hl_verify_result vr;
        if (verify_one(&s->runs[r].view, fs, cat, vo, &vr, err, errlen, s->runs[r].source) < 0)
            return -1;
        int idx = type_index(&s->runs[r].view, vo->sample_index);
        double scale = idx >= 0 ? run_scale(&s->runs[r].view, idx) : 0;
        for (size_t k = 0; k < vr.n_items; k++) {
            size_t i = (size_t)(vr.items[k].finding - fs->items);
            cost[i * s->n_runs + r] = (double)vr.items[k].cum * scale;
            if (share)
                share[i * s->n_runs + r] = vr.items[k].cum_share;
        }
        hl_verify_result_free(&vr);
    }
    if (verdict) {
        hl_verify_result vr;
        if (verify_one(s->merged, fs, cat, vo, &vr, err, errlen, s->runs[0].source) < 0)
            return -1;
        for (size_t k = 0; k < vr.n_items; k++)
            verdict[vr.items[k].finding - fs->items] = vr.items[k].verdict;
        hl_verify_result_free(&vr);
    }
    return 0;
}
