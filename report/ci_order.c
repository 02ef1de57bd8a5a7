/* ci_order.c - what the CI writers (github, sarif, codequality) share: the
 * order of the findings, how loud each is, and unique fingerprints. */
#include "ci_order.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* One finding with what orders it. */
typedef struct ord {
    size_t i;
    const hl_finding *f;
    const hl_verified *v;
} ord;

static int order_cmp(const void *pa, const void *pb)
{
    const ord *a = pa, *b = pb;
    int ca = a->v && a->v->verdict == HL_VERDICT_CONFIRMED,
        cb = b->v && b->v->verdict == HL_VERDICT_CONFIRMED;
    int64_t cuma = a->v ? a->v->cum : 0, cumb = b->v ? b->v->cum : 0;
    int c;
    if (ca != cb)
        return cb - ca;
    if (cuma != cumb)
        return cuma > cumb ? -1 : 1;
    c = strcmp(a->f->file ? a->f->file : "", b->f->file ? b->f->file : "");
    if (c)
        return c;
    if (a->f->line != b->f->line)
        return a->f->line < b->f->line ? -1 : 1;
    if (a->f->column != b->f->column)
        return a->f->column < b->f->column ? -1 : 1;
    return a->i < b->i ? -1 : a->i > b->i;
}

static int ptr_cmp(const void *a, const void *b)
{
    const hl_finding *x = (*(const hl_verified *const *)a)->finding;
    const hl_finding *y = (*(const hl_verified *const *)b)->finding;
    return (uintptr_t)x < (uintptr_t)y ? -1 : (uintptr_t)x > (uintptr_t)y;
}

size_t *hl_report_order(const hl_findings *f, const hl_verify_result *vr,
                        const hl_verified ***verified)
{
    size_t *idx = malloc((f->n + 1) * sizeof *idx);
    const hl_verified **v = calloc(f->n + 1, sizeof *v);
    const hl_verified **byptr = NULL;
    ord *o = malloc((f->n + 1) * sizeof *o);
    if (!idx || !v || !o)
        goto err;
    if (vr && vr->n_items) {
        /* Sort the verified entries by finding address, then look each finding up. */
        if (!(byptr = malloc(vr->n_items * sizeof *byptr)))
            goto err;
        for (size_t i = 0; i < vr->n_items; i++)
            byptr[i] = &vr->items[i];
        qsort(byptr, vr->n_items, sizeof *byptr, ptr_cmp);
        for (size_t i = 0; i < f->n; i++) {
            hl_verified key = {.finding = &f->items[i]};
            const hl_verified *kp = &key, **hit;
            hit = bsearch(&kp, byptr, vr->n_items, sizeof *byptr, ptr_cmp);
            v[i] = hit ? *hit : NULL;
        }
        free(byptr);
    }
    for (size_t i = 0; i < f->n; i++)
        o[i] = (ord){i, &f->items[i], v[i]};
    qsort(o, f->n, sizeof *o, order_cmp);
    for (size_t i = 0; i < f->n; i++)
        idx[i] = o[i].i;
    free(o);
    if (verified)
        *verified = v;
    else
        free(v);
    return idx;
err:
    free(o);
    free(idx);
    free(v);
    return NULL;
}

hl_report_level hl_report_level_of(const hl_finding *x, const hl_verified *v)
{
    const char *sev = hl_finding_severity(x);
    if (v && v->verdict == HL_VERDICT_CONFIRMED)
        return HL_LEVEL_LOUD;
    if (v && v->verdict == HL_VERDICT_DISMISSED)
        return HL_LEVEL_QUIET;
    if (!strcmp(sev, "error"))
        return HL_LEVEL_LOUD;
    if (!strcmp(sev, "note"))
        return HL_LEVEL_QUIET;
    return HL_LEVEL_NORMAL;
}

static int fp_cmp(const void *a, const void *b)
{
    const hl_report_fp *x = *(const hl_report_fp *const *)a, *y = *(const hl_report_fp *const *)b;
    int c = strcmp(x->fp, y->fp);
    return c ? c : (x > y) - (x < y);
}

hl_report_fp *hl_report_fingerprints(const hl_findings *f, const size_t *idx, const char *root)
{
    hl_report_fp *fps = calloc(f->n + 1, sizeof *fps);
    hl_report_fp **by = calloc(f->n + 1, sizeof *by);
    if (!fps || !by) {
        free(fps);
        free(by);
        return NULL;
    }
    for (size_t k = 0; k < f->n; k++) {
        hl_finding_fingerprint(&f->items[idx[k]], root, fps[k].fp);
        by[k] = &fps[k];
    }
    /* Equal fingerprints sort together, in report order: number them. */
    qsort(by, f->n, sizeof *by, fp_cmp);
    for (size_t k = 0; k < f->n; k++)
        by[k]->occurrence =
            k > 0 && !strcmp(by[k - 1]->fp, by[k]->fp) ? by[k - 1]->occurrence + 1 : 1;
    free(by);
    return fps;
}
