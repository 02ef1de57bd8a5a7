/* verify.c - joins findings with a profile, stage by stage: index (index.c), the
 * source/binary match (stale.c), the sample pass (attribute.c), merged call sites
 * (binary.c), verdicts (verdict.c), the hot code no finding explains and the families'
 * shares (unexplained.c). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

static int cmp_items(const void *a, const void *b)
{
    const hl_verified *x = a, *y = b;
    if (x->cum != y->cum)
        return x->cum > y->cum ? -1 : 1;
    if (x->verdict != y->verdict)
        return x->verdict < y->verdict ? -1 : 1;
    const char *fx = x->finding->file ? x->finding->file : "";
    const char *fy = y->finding->file ? y->finding->file : "";
    int s = strcmp(fx, fy);
    if (s)
        return s;
    if (x->finding->line != y->finding->line)
        return x->finding->line < y->finding->line ? -1 : 1;
    return x->finding->column < y->finding->column ? -1 : x->finding->column > y->finding->column;
}

static void fill_options(hl_verify_options *o, const hl_verify_options *given)
{
    if (given)
        *o = *given;
    else
        hl_verify_options_init(o);
    if (o->min_share <= 0)
        o->min_share = HL_VERIFY_DEFAULT_MIN_SHARE;
    if (o->min_samples <= 0)
        o->min_samples = HL_VERIFY_DEFAULT_MIN_SAMPLES;
    if (!o->max_unexplained)
        o->max_unexplained = HL_VERIFY_DEFAULT_MAX_UNEXPLAINED;
}

/* Verdicts, then the causes of the hot sites whose rule's cost is small. */
static int judge(vx_ctx *c, hl_verify_result *out)
{
    size_t nf = c->fs->n;
    bool *flags = calloc(nf + 1, sizeof *flags);
    if (!flags)
        return -1;
    vx_mark_exercised(c, flags);
    int rc = vx_find_merged(c, out) < 0 || vx_decide_all(c, out, flags) < 0 ? -1 : 0;
    for (size_t i = 0; i < nf; i++)
        flags[i] = out->items[i].verdict == HL_VERDICT_HOT_OTHER_CAUSE;
    if (rc == 0 && out->n_hot_other_cause && vx_causes(c, out, flags) < 0)
        rc = -1;
    free(flags);
    return rc;
}

static void fill_summary(const vx_ctx *c, hl_verify_result *out)
{
    const hl_profile *prof = c->p;
    out->total = c->tot.total;
    out->total_samples = c->tot.samples;
    out->sample_type = prof->sample_types[c->vi].type;
    if (!c->opt.sample_index && (size_t)c->vi != prof->default_sample_index &&
        prof->default_sample_index < prof->n_sample_types)
        out->profile_default_type = prof->sample_types[prof->default_sample_index].type;
    out->sample_unit = prof->sample_types[c->vi].unit;
    out->profile_has_lines = c->has_lines;
    out->profile_has_functions = c->has_functions;
    out->allocation_profile = c->heap;
    out->unexplained_total = c->tot.unexplained;
    out->unsymbolized = c->tot.unsymbolized;
    out->unsymbolized_share = vx_share(c->tot.unsymbolized, c->tot.total);
    out->options = c->opt;
}

int hl_verify(const hl_findings *findings, const hl_catalog *cat, const hl_profile *prof,
              const hl_verify_options *opt, hl_verify_result *out, char *err, size_t errlen)
{
    vx_ctx c;
    memset(&c, 0, sizeof c);
    memset(out, 0, sizeof *out);
    c.fs = findings;
    c.p = prof;
    fill_options(&c.opt, opt);
    int rc = vx_index(&c, cat, err, errlen);
    if (rc == 0 && (rc = vx_check_stale(&c, out)) > 0) {
        rc = 0;
        if (!c.opt.allow_stale) {
            snprintf(err, errlen, "%s; rebuild and profile again, or give --allow-stale",
                     out->stale);
            rc = -2;
        }
    }
    if (rc == 0)
        rc = vx_attribute(&c, err, errlen);
    if (rc == 0)
        rc = vx_fill_items(&c, out) < 0 || judge(&c, out) < 0 || vx_unexplained(&c, out) < 0 ||
                     vx_families(&c, out) < 0
                 ? -1
                 : 0;
    if (rc == 0) {
        fill_summary(&c, out);
        if (out->n_items > 1) /* qsort(NULL, 0) is undefined */
            qsort(out->items, out->n_items, sizeof *out->items, cmp_items);
    } else {
        if (rc == -1)
            snprintf(err, errlen, "verify: out of memory");
        hl_verify_result_free(out);
    }
    vx_ctx_free(&c);
    return rc == 0 ? 0 : -1;
}

void hl_verify_result_free(hl_verify_result *r)
{
    if (!r)
        return;
    for (size_t i = 0; i < r->n_items; i++) {
        for (size_t k = 0; k < r->items[i].n_causes; k++) {
            free(r->items[i].causes[k].function);
            free(r->items[i].causes[k].file);
        }
        free(r->items[i].causes);
        free(r->items[i].merged_with);
    }
    free(r->items);
    for (size_t i = 0; i < r->n_unexplained; i++) {
        free(r->unexplained[i].file);
        free(r->unexplained[i].function);
        free(r->unexplained[i].callee);
    }
    free(r->unexplained);
    for (size_t i = 0; i < r->n_families; i++) {
        free(r->families[i].family);
        free(r->families[i].symbols);
    }
    free(r->families);
    free(r->stale);
    free(r->binary_note);
    memset(r, 0, sizeof *r);
}
