/* attribute.c - the sample pass: each finding's flat, cum, loop cum and evidence (the
 * samples that pass through its call into the rule's cost), the families' shares, and
 * the rows of hot code no finding explains; and the second pass that names the causes
 * under a hot site whose rule's cost is small. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "grow.h"
#include "internal.h"

static int64_t count_of(const hl_prof_sample *s, int ci)
{
    return ci >= 0 ? s->values[ci] : 1;
}

/* True when the frame below the site (deeper in the stack) is the finding's
 * call: its callee, one of its rule's cost symbols, or a library function
 * (the callee's name may be an alias there), or nothing in a heap profile;
 * and, in a CPU profile, the rule's cost symbols are below the site (cost
 * holds the rules seen so far). */
static bool through_call(const vx_ctx *c, uint32_t fx, const vx_entry *below, const uint64_t *cost)
{
    /* A heap profile's leaf is the allocation function's caller (the runtime
     * and Go's and tcmalloc's profiles drop the allocator's own frames): a
     * sample that ends at the site allocated there. */
    if (!below)
        return c->heap;
    if (below->libcall) /* a library function without symbols: its cost cannot be seen */
        return true;
    int32_t r = c->f_rule[fx];
    if (r < 0)
        return false;
    /* The cheap test first: most samples hold no cost symbol of the rule. */
    if (!c->heap && !(cost[(size_t)r / 64] >> ((unsigned)r % 64) & 1))
        return false;
    uint32_t fn = below->fn;
    if (!below->user ||
        (c->fn_rule_mask[(size_t)fn * c->words + (size_t)r / 64] >> ((unsigned)r % 64) & 1))
        return true;
    return c->f_callee[fx] >= 0 && c->fn_callee[fn] == c->f_callee[fx];
}

/* Adds one row's value; rows are keyed by (where, callee). Own-cost rows (no
 * callee) are found by their line or function key directly, and the last row
 * with a callee of each key is remembered (a line calls one function, as a
 * rule): the hash is the fallback. */
int vx_add_row(vx_ctx *c, int32_t where, int32_t callee, int32_t func, int64_t v)
{
    int32_t k = where & ~VX_ROW_FUNC;
    int32_t *own = where & VX_ROW_FUNC ? c->row_func : c->row_line;
    int32_t *last = where & VX_ROW_FUNC ? c->last_func : c->last_line;
    int32_t *slot = callee < 0 ? &own[k] : &last[k];
    int32_t id = *slot;
    if (id < 0 || c->rows[id].callee != callee) {
        uint64_t key = (uint64_t)(uint32_t)where << 32 | (uint32_t)(callee + 1);
        if ((id = hl_u64tab_intern(&c->row_keys, key)) < 0)
            return -1;
        if ((size_t)id == c->n_rows) {
            if (HL_GROW(c->rows, c->n_rows, c->cap_rows) < 0)
                return -1;
            c->rows[c->n_rows++] = (vx_row){where, callee, func, 0};
        }
        *slot = id;
    }
    c->rows[id].value += v;
    return 0;
}

/* A sample no finding explains (none of their calls into their rules' cost
 * is in its stack: a site's other work is not explained): its own cost goes
 * to its leaf when that is the program's code, else to the first frame of the
 * program's code (user) above the library leaves, naming the library function
 * it called (below; in an allocation profile allocator frames are not named:
 * every sample ends in one). */
static int unexplained_sample(vx_ctx *c, const vx_entry *user, const vx_entry *below,
                              const vx_entry *leaf, int64_t v)
{
    int32_t callee = -1;
    if (user) {
        if (below && !below->root && !below->libcall && !(below->alloc && c->heap))
            callee = (int32_t)below->fn;
        leaf = user;
    } else if (!leaf || leaf->root || leaf->alloc) {
        return 0;
    }
    /* A line row carries its function: the function rows are summed from the
     * line rows once, after the pass (vx_unexplained). */
    if (leaf->line_key >= 0)
        return vx_add_row(c, leaf->line_key, callee, leaf->func_key, v);
    if (leaf->func_key >= 0)
        return vx_add_row(c, leaf->func_key | VX_ROW_FUNC, callee, -1, v);
    return 0;
}

/* Counts the sites and loops of entry en in sample stamp. Returns true when
 * the sample passes through a finding's call into its rule's cost here: a
 * finding explains it. */
static bool count_entry(vx_ctx *c, const vx_entry *en, const vx_entry *below, bool leaf,
                        uint32_t stamp, int64_t v, int64_t cnt, const uint64_t *cost)
{
    bool explained = false;
    for (uint32_t k = 0; k < en->site_n; k++) {
        uint32_t fx = c->site_list.v[en->site_off + k];
        vx_site *s = &c->site[fx];
        if (leaf)
            s->flat += v;
        if (s->st_site != stamp) {
            s->st_site = stamp;
            s->cum += v;
            s->cum_count += cnt;
        }
        if (s->st_ev == stamp) {
            explained = true;
        } else if (through_call(c, fx, below, cost)) {
            s->st_ev = stamp;
            s->evidence += v;
            explained = true;
        }
    }
    for (uint32_t k = 0; k < en->loop_n; k++) {
        vx_site *s = &c->site[c->loop_list.v[en->loop_off + k]];
        if (s->st_loop != stamp) {
            s->st_loop = stamp;
            s->loop += v;
        }
    }
    return explained;
}

int vx_attribute(vx_ctx *c, char *err, size_t errlen)
{
    const hl_profile *prof = c->p;
    size_t W = c->words;
    uint64_t *cost = calloc(W, sizeof *cost);
    c->site = calloc(c->fs->n + 1, sizeof *c->site);
    c->loc_used = calloc(prof->n_locations + 1, sizeof *c->loc_used);
    c->row_line = malloc((c->line_keys.n + 1) * sizeof *c->row_line);
    c->row_func = malloc((c->func_keys.n + 1) * sizeof *c->row_func);
    c->last_line = malloc((c->line_keys.n + 1) * sizeof *c->last_line);
    c->last_func = malloc((c->func_keys.n + 1) * sizeof *c->last_func);
    if (!cost || !c->site || !c->loc_used || !c->row_line || !c->row_func || !c->last_line ||
        !c->last_func) {
        free(cost);
        return -1;
    }
    memset(c->row_line, 0xff, (c->line_keys.n + 1) * sizeof *c->row_line); /* -1 */
    memset(c->row_func, 0xff, (c->func_keys.n + 1) * sizeof *c->row_func);
    memset(c->last_line, 0xff, (c->line_keys.n + 1) * sizeof *c->last_line);
    memset(c->last_func, 0xff, (c->func_keys.n + 1) * sizeof *c->last_func);
    const hl_prof_location *lbase = prof->locations;
    for (size_t s = 0; s < prof->n_samples; s++) {
        const hl_prof_sample *sm = &prof->samples[s];
        int64_t v = sm->values[c->vi], cnt = count_of(sm, c->ci);
        uint32_t stamp = (uint32_t)s + 1;
        c->tot.total += v;
        c->tot.samples += cnt;
        for (size_t w = 0; w < W; w++)
            cost[w] = 0;
        uint64_t fam = 0;
        bool explained = false, unknown = false;
        const vx_entry *below = NULL, *user = NULL, *user_below = NULL, *leaf = NULL;
        for (size_t l = 0; l < sm->n_locs; l++) {
            const hl_prof_location *loc = sm->locs[l];
            if (loc < lbase || loc >= lbase + prof->n_locations) {
                snprintf(err, errlen, "profile: sample %zu names a location outside the table", s);
                free(cost);
                return -2;
            }
            size_t li = (size_t)(loc - lbase);
            c->loc_used[li] = true;
            unknown |= c->loc_unknown[li];
            if (c->loc_libcall[li] && c->loc_first[li] == c->loc_first[li + 1])
                below = &c->libcall;
            for (uint32_t e = c->loc_first[li]; e < c->loc_first[li + 1]; e++) {
                const vx_entry *en = &c->entries[e];
                if (!leaf)
                    leaf = en;
                if (en->user && !user) {
                    user = en;
                    user_below = below;
                }
                if ((en->site_n || en->loop_n) &&
                    count_entry(c, en, below, !below, stamp, v, cnt, cost))
                    explained = true;
                below = en;
                if (!en->cost)
                    continue;
                const uint64_t *m = &c->fn_rule_mask[(size_t)en->fn * W];
                for (size_t w = 0; w < W; w++)
                    cost[w] |= m[w];
                uint64_t fresh = c->fn_fam_mask[en->fn] & ~fam;
                fam |= fresh;
                while (fresh) {
                    c->tot.family[__builtin_ctzll(fresh)] += v;
                    fresh &= fresh - 1;
                }
            }
        }
        if (unknown)
            c->tot.unsymbolized += v;
        if (explained)
            continue;
        c->tot.unexplained += v;
        if (unexplained_sample(c, user, user_below, leaf, v) < 0) {
            free(cost);
            return -1;
        }
    }
    free(cost);
    return 0;
}

/* Which findings' functions appear in the profile at all: exercised[fx] for
 * every finding whose function has a sampled location, by name and
 * compatible file, or through a nameless line in it. Can't fail (no memory:
 * every finding counts as exercised, which only makes verdicts inconclusive). */
void vx_mark_exercised(const vx_ctx *c, bool *exercised)
{
    const hl_profile *prof = c->p;
    bool *fn_used = calloc(prof->n_functions + 1, sizeof *fn_used);
    if (!fn_used) {
        for (size_t i = 0; i < c->fs->n; i++)
            exercised[i] = true;
        return;
    }
    for (size_t li = 0; li < prof->n_locations; li++)
        if (c->loc_used[li])
            for (uint32_t e = c->loc_first[li]; e < c->loc_first[li + 1]; e++)
                fn_used[c->entries[e].fn] = true;
    for (size_t k = 0; k < c->nameless_loc.n; k++)
        if (c->loc_used[c->nameless_loc.v[k]])
            exercised[c->nameless_fx.v[k]] = true;
    for (size_t fi = 0; fi < prof->n_functions; fi++) {
        int32_t nid = c->fn_name[fi];
        if (!fn_used[fi] || nid < 0)
            continue;
        for (uint32_t k = c->by_name.off[nid]; k < c->by_name.off[nid + 1]; k++) {
            uint32_t fx = c->by_name.items[k];
            if (vx_file_compatible(c, c->fn_pfile[fi], c->f_file[fx]))
                exercised[fx] = true;
        }
    }
    free(fn_used);
}

/* One (finding, leaf) pair of the causes pass. */
typedef struct cause_acc {
    uint32_t fx, leaf_entry;
    int64_t value;
} cause_acc;

static int cmp_causes(const void *a, const void *b)
{
    const cause_acc *x = a, *y = b;
    if (x->fx != y->fx)
        return x->fx < y->fx ? -1 : 1;
    if (x->value != y->value)
        return x->value > y->value ? -1 : 1;
    return (x->leaf_entry > y->leaf_entry) - (x->leaf_entry < y->leaf_entry);
}

/* Fills item fx's causes from its tallies acc[0..n), sorted by value; seen is
 * the value of the site in the samples the tallies come from. */
static int fill_causes(vx_ctx *c, hl_verified *it, const cause_acc *acc, size_t n, int64_t seen)
{
    size_t k = n < HL_VERIFY_MAX_CAUSES ? n : HL_VERIFY_MAX_CAUSES;
    it->causes = calloc(k + 1, sizeof *it->causes);
    if (!it->causes)
        return -1;
    for (size_t i = 0; i < k; i++) {
        const vx_entry *en = &c->entries[acc[i].leaf_entry];
        hl_cause *h = &it->causes[it->n_causes++];
        h->function = vx_strdup(vx_fn_name(&c->p->functions[en->fn]));
        const char *file = "";
        if (en->line_key >= 0) {
            uint64_t key = c->line_keys.keys[en->line_key];
            file = c->pfiles.strs[key >> 32];
            h->line = (int64_t)(key & 0xffffffffu);
        }
        h->file = vx_strdup(file);
        if (!h->function || !h->file)
            return -1;
        h->of_site = vx_share(acc[i].value, seen);
        h->value = (int64_t)(h->of_site * (double)it->cum + 0.5);
        h->share = vx_share(h->value, c->tot.total);
    }
    return 0;
}

/* Samples the causes pass reads at most: every stride-th sample of a bigger
 * profile (deterministic): the top leaves' shares of the site within about
 * half a percent (one standard error at 25 k samples), at a fortieth of the
 * sample pass's cost on a million samples. */
#define CAUSE_SAMPLES 25000

/* Second pass over the samples for the findings marked in want (items in
 * finding order): the leaves (symbol and line) the time under the site goes
 * to, top HL_VERIFY_MAX_CAUSES each. */
int vx_causes(vx_ctx *c, hl_verify_result *out, const bool *want)
{
    const hl_profile *prof = c->p;
    hl_u64tab keys = {0};
    cause_acc *acc = NULL;
    size_t n = 0, cap = 0;
    int rc = -1;
    size_t stride = prof->n_samples / CAUSE_SAMPLES + 1;
    for (size_t i = 0; i < c->fs->n; i++) {
        c->site[i].st_site = 0;
        c->site[i].cum_count = 0; /* reused: the site's value in the samples read */
    }
    for (size_t s = 0; s < prof->n_samples; s += stride) {
        const hl_prof_sample *sm = &prof->samples[s];
        uint32_t stamp = (uint32_t)s + 1, leaf = UINT32_MAX, lkey = 0;
        for (size_t l = 0; l < sm->n_locs; l++) {
            size_t li = (size_t)(sm->locs[l] - prof->locations);
            for (uint32_t e = c->loc_first[li]; e < c->loc_first[li + 1]; e++) {
                const vx_entry *en = &c->entries[e];
                if (leaf == UINT32_MAX) { /* one cause per leaf line (or function) */
                    leaf = e;
                    lkey = en->line_key >= 0   ? (uint32_t)en->line_key
                           : en->func_key >= 0 ? (uint32_t)en->func_key | 0x40000000u
                                               : en->fn | 0x80000000u;
                }
                for (uint32_t k = 0; k < en->site_n; k++) {
                    uint32_t fx = c->site_list.v[en->site_off + k];
                    if (!want[fx] || c->site[fx].st_site == stamp)
                        continue;
                    c->site[fx].st_site = stamp;
                    c->site[fx].cum_count += sm->values[c->vi];
                    int32_t id = hl_u64tab_intern(&keys, (uint64_t)fx << 32 | lkey);
                    if (id < 0)
                        goto done;
                    if ((size_t)id == n) {
                        if (HL_GROW(acc, n, cap) < 0)
                            goto done;
                        acc[n++] = (cause_acc){fx, leaf, 0};
                    }
                    acc[id].value += sm->values[c->vi];
                }
            }
        }
    }
    if (n > 1)
        qsort(acc, n, sizeof *acc, cmp_causes);
    for (size_t i = 0; i < n;) {
        size_t j = i;
        while (j < n && acc[j].fx == acc[i].fx)
            j++;
        if (fill_causes(c, &out->items[acc[i].fx], acc + i, j - i, c->site[acc[i].fx].cum_count) <
            0)
            goto done;
        i = j;
    }
    rc = 0;
done:
    hl_u64tab_free(&keys);
    free(acc);
    return rc;
}
