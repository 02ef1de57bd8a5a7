/* unexplained.c - the hot code no finding explains, by its own cost, and the share of
 * each rule family's cost symbols. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

/* A function with a confirmed finding is explained as a function (its other
 * lines may still be listed): sets explained[key] for its function row.
 * items are in finding order. Can't fail. */
static void mark_explained_functions(const vx_ctx *c, const hl_verified *items, bool *explained)
{
    const hl_profile *prof = c->p;
    for (size_t fi = 0; fi < prof->n_functions; fi++) {
        int32_t nid = c->fn_name[fi];
        if (nid < 0 || c->fn_key[fi] < 0)
            continue;
        for (uint32_t k = c->by_name.off[nid]; k < c->by_name.off[nid + 1]; k++) {
            uint32_t fx = c->by_name.items[k];
            if (items[fx].verdict == HL_VERDICT_CONFIRMED &&
                vx_file_compatible(c, c->fn_pfile[fi], c->f_file[fx]))
                explained[c->fn_key[fi]] = true;
        }
    }
}

static int cmp_rows(const void *a, const void *b)
{
    const vx_row *x = *(const vx_row *const *)a, *y = *(const vx_row *const *)b;
    if (x->value != y->value)
        return x->value > y->value ? -1 : 1;
    if (x->where != y->where)
        return x->where < y->where ? -1 : 1;
    return (x->callee > y->callee) - (x->callee < y->callee);
}

/* Appends row r to out's list. */
static int add_unexplained(const vx_ctx *c, hl_verify_result *out, const vx_row *r)
{
    hl_unexplained *u = &out->unexplained[out->n_unexplained];
    const char *file, *fname;
    memset(u, 0, sizeof *u);
    if (r->where & VX_ROW_FUNC) {
        uint64_t key = c->func_keys.keys[r->where & ~VX_ROW_FUNC];
        file = c->pfiles.strs[key & 0xffffffffu];
        fname = c->fnames.strs[key >> 32];
    } else {
        uint64_t key = c->line_keys.keys[r->where];
        file = c->pfiles.strs[key >> 32];
        u->line = (int64_t)(key & 0xffffffffu);
        fname = vx_fn_name(&c->p->functions[c->line_fn.v[r->where]]);
    }
    size_t flen = hl_function_name_len(fname);
    u->file = vx_strdup(file);
    u->function = malloc(flen + 1);
    if (r->callee >= 0) {
        const char *cn = vx_fn_name(&c->p->functions[r->callee]);
        size_t cl = hl_function_name_len(cn);
        if ((u->callee = malloc(cl + 1))) {
            memcpy(u->callee, cn, cl);
            u->callee[cl] = '\0';
        }
    }
    if (!u->file || !u->function || (r->callee >= 0 && !u->callee)) {
        free(u->file);
        free(u->function);
        free(u->callee);
        return -1;
    }
    memcpy(u->function, fname, flen);
    u->function[flen] = '\0';
    u->flat = u->cum = r->value;
    u->flat_share = u->cum_share = vx_share(r->value, c->tot.total);
    out->n_unexplained++;
    return 0;
}

/* The function rows: the line rows summed by function (and callee). 0 or -1. */
static int sum_function_rows(vx_ctx *c)
{
    for (size_t k = 0; k < c->line_keys.n; k++) {
        vx_row_slot sl = c->line_slots[k];
        if (sl.own_seen && sl.own_func >= 0 &&
            vx_add_row(c, sl.own_func | VX_ROW_FUNC, -1, -1, sl.own) < 0)
            return -1;
        if (sl.callee >= 0 && sl.call_func >= 0 &&
            vx_add_row(c, sl.call_func | VX_ROW_FUNC, sl.callee, -1, sl.call) < 0)
            return -1;
    }
    for (size_t i = 0, n = c->n_rows; i < n; i++) {
        vx_row r = c->rows[i]; /* a copy: adding rows moves them */
        if (!(r.where & VX_ROW_FUNC) && r.func >= 0 &&
            vx_add_row(c, r.func | VX_ROW_FUNC, r.callee, -1, r.value) < 0)
            return -1;
    }
    return 0;
}

/* Appends the rows of n slots of keys kind (0 or VX_ROW_FUNC) with a value above 0
 * to all[*n_all..], the function rows of explained functions left out. */
static void gather_slots(const vx_row_slot *slots, size_t n, int32_t kind, const bool *explained,
                         vx_row *all, size_t *n_all)
{
    for (size_t k = 0; k < n; k++) {
        if (kind && explained[k])
            continue;
        if (slots[k].own > 0)
            all[(*n_all)++] = (vx_row){(int32_t)k | kind, -1, slots[k].own_func, slots[k].own};
        if (slots[k].callee >= 0 && slots[k].call > 0)
            all[(*n_all)++] =
                (vx_row){(int32_t)k | kind, slots[k].callee, slots[k].call_func, slots[k].call};
    }
}

/* Puts the max first rows of order[0..n) by cmp_rows in order[0..max), sorted, and
 * returns how many there are: one pass keeping the best so far (max is small),
 * as all the rows of a large profile need not be sorted. */
static size_t top_rows(const vx_row **order, size_t n, size_t max)
{
    if (max > 64 || n <= max) {
        if (n > 1)
            qsort(order, n, sizeof *order, cmp_rows);
        return n < max ? n : max;
    }
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        const vx_row *r = order[i];
        if (k == max && cmp_rows(&r, &order[k - 1]) >= 0)
            continue;
        size_t at = k < max ? k++ : k - 1;
        while (at > 0 && cmp_rows(&r, &order[at - 1]) < 0) {
            order[at] = order[at - 1];
            at--;
        }
        order[at] = r;
    }
    return k;
}

/* The top max_unexplained rows by own cost, for lines and for functions (those
 * with a confirmed finding left out). out->items must be in finding order. */
int vx_unexplained(vx_ctx *c, hl_verify_result *out)
{
    size_t max = c->opt.max_unexplained;
    int rc = -1;
    if (sum_function_rows(c) < 0)
        return -1;
    size_t cap = 2 * (c->line_keys.n + c->func_keys.n) + c->n_rows + 1, n_all = 0;
    vx_row *all = malloc(cap * sizeof *all);
    const vx_row **order = malloc(cap * sizeof *order);
    bool *explained = calloc(c->func_keys.n + 1, sizeof *explained);
    out->unexplained = calloc(2 * max + 1, sizeof *out->unexplained);
    if (!all || !order || !explained || !out->unexplained)
        goto done;
    mark_explained_functions(c, out->items, explained);
    for (int funcs = 0; funcs < 2; funcs++) {
        int32_t kind = funcs ? VX_ROW_FUNC : 0;
        size_t from = n_all;
        if (funcs)
            gather_slots(c->func_slots, c->func_keys.n, kind, explained, all, &n_all);
        else
            gather_slots(c->line_slots, c->line_keys.n, kind, explained, all, &n_all);
        for (size_t i = 0; i < c->n_rows; i++) {
            const vx_row *r = &c->rows[i];
            if ((r->where & VX_ROW_FUNC) == kind && r->value > 0 &&
                !(funcs && explained[r->where & ~VX_ROW_FUNC]))
                all[n_all++] = *r;
        }
        for (size_t i = from; i < n_all; i++)
            order[i - from] = &all[i];
        size_t shown = top_rows(order, n_all - from, max);
        for (size_t i = 0; i < shown; i++)
            if (add_unexplained(c, out, order[i]) < 0)
                goto done;
    }
    rc = 0;
done:
    free(all);
    free(order);
    free(explained);
    return rc;
}

/* The cost symbols of a family's rules, once each in catalog order,
 * comma-separated. NULL when out of memory. */
static char *family_symbols(const vx_ctx *c, const char *family)
{
    size_t len = 1, at = 0;
    for (size_t r = 0; r < c->n_rules; r++)
        if (!strcmp(c->rules[r]->family ? c->rules[r]->family : "other", family))
            for (size_t s = 0; s < c->rules[r]->n_cost_symbols; s++)
                len += strlen(c->rules[r]->cost_symbols[s]) + 2;
    char *out = malloc(len);
    if (!out)
        return NULL;
    out[0] = '\0';
    for (size_t r = 0; r < c->n_rules; r++) {
        if (strcmp(c->rules[r]->family ? c->rules[r]->family : "other", family))
            continue;
        for (size_t s = 0; s < c->rules[r]->n_cost_symbols; s++) {
            const char *sym = c->rules[r]->cost_symbols[s];
            bool dup = false;
            for (size_t q = 0; q < r && !dup; q++)
                for (size_t t = 0; t < c->rules[q]->n_cost_symbols && !dup; t++)
                    dup = !strcmp(c->rules[q]->cost_symbols[t], sym) &&
                          !strcmp(c->rules[q]->family ? c->rules[q]->family : "other", family);
            for (size_t t = 0; t < s && !dup; t++)
                dup = !strcmp(c->rules[r]->cost_symbols[t], sym);
            if (!dup)
                at += (size_t)sprintf(out + at, "%s%s", at ? ", " : "", sym);
        }
    }
    return out;
}

static int cmp_families(const void *a, const void *b)
{
    const hl_family_share *x = a, *y = b;
    if (x->value != y->value)
        return x->value > y->value ? -1 : 1;
    return strcmp(x->family, y->family);
}

/* The rule families' share of the total. */
int vx_families(vx_ctx *c, hl_verify_result *out)
{
    out->families = calloc(c->families.n + 1, sizeof *out->families);
    if (!out->families)
        return -1;
    for (size_t b = 0; b < c->families.n; b++) {
        hl_family_share *fsh = &out->families[out->n_families++];
        fsh->family = vx_strdup(c->families.strs[b]);
        fsh->value = c->tot.family[b];
        fsh->share = vx_share(c->tot.family[b], c->tot.total);
        fsh->symbols = fsh->family ? family_symbols(c, fsh->family) : NULL;
        if (!fsh->family || !fsh->symbols)
            return -1;
    }
    if (out->n_families > 1) /* qsort(NULL, 0) is undefined */
        qsort(out->families, out->n_families, sizeof *out->families, cmp_families);
    return 0;
}
