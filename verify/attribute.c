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

/* Adds one row's value; rows are keyed by (where, callee). The own-cost row and
 * the first callee's row of each key are in its slot (dense by key); a further
 * callee's row is found by hash. 0, or -1 out of memory. */
int vx_add_row(vx_ctx *c, int32_t where, int32_t callee, int32_t func, int64_t v)
{
    vx_row_slot *sl =
        where & VX_ROW_FUNC ? &c->func_slots[where & ~VX_ROW_FUNC] : &c->line_slots[where];
    if (callee < 0) {
        if (!sl->own_seen) {
            sl->own_seen = true;
            sl->own_func = func;
        }
        sl->own += v;
        return 0;
    }
    if (sl->callee == callee) {
        sl->call += v;
        return 0;
    }
    if (sl->callee < 0) {
        *sl = (vx_row_slot){sl->own, v, sl->own_func, func, callee, sl->own_seen};
        return 0;
    }
    uint64_t key = (uint64_t)(uint32_t)where << 32 | (uint32_t)callee;
    size_t id = c->n_rows;
    if (HL_GROW(c->rows, c->n_rows, c->cap_rows) < 0)
        return -1;
    int found = hl_hashmap_get_or_put(&c->more_rows, &key, sizeof key, &id);
    if (found < 0)
        return -1;
    if (!found)
        c->rows[c->n_rows++] = (vx_row){where, callee, func, 0};
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
    const uint32_t *sites = vx_sites(c, en);
    for (uint32_t k = 0; k < en->site_n; k++) {
        uint32_t fx = sites[k];
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
    const uint32_t *loops = vx_loops(c, en);
    for (uint32_t k = 0; k < en->loop_n; k++) {
        vx_loop_acc *a = &c->loop_acc[loops[k]];
        if (a->stamp != stamp) {
            a->stamp = stamp;
            a->value += v;
        }
    }
    return explained;
}

/* Samples ahead of the pass whose frames are fetched into cache: the entries are
 * read in the profile's order of locations, which samples visit at random. */
#define PREFETCH_AHEAD 4

static void prefetch_sample(const vx_ctx *c, const hl_prof_sample *sm)
{
    const hl_prof_location *lbase = c->p->locations;
    for (size_t l = 0; l < sm->n_locs; l++) {
        const hl_prof_location *loc = sm->locs[l];
        if (loc >= lbase && loc < lbase + c->p->n_locations) /* else count_sample fails */
            __builtin_prefetch(&c->entries[c->loc_first[loc - lbase]]);
    }
}

/* The frames of one sample, all of a stack's entries in order. */
typedef struct walk {
    uint64_t fam;
    bool explained, unknown;
    const vx_entry *below, *user, *user_below, *leaf;
} walk;

/* Adds the cost symbols and families of entry en to the sample's. */
static void add_cost(vx_ctx *c, walk *w, const vx_entry *en, uint64_t *cost, int64_t v)
{
    const uint64_t *m = &c->fn_rule_mask[(size_t)en->fn * c->words];
    for (size_t k = 0; k < c->words; k++)
        cost[k] |= m[k];
    uint64_t fresh = c->fn_fam_mask[en->fn] & ~w->fam;
    w->fam |= fresh;
    while (fresh) {
        c->tot.family[__builtin_ctzll(fresh)] += v;
        fresh &= fresh - 1;
    }
}

/* Counts sample s. 0, or -2 with err when it names a location outside the table. */
static int count_sample(vx_ctx *c, size_t s, uint64_t *cost, char *err, size_t errlen)
{
    const hl_profile *prof = c->p;
    const hl_prof_location *lbase = prof->locations;
    const hl_prof_sample *sm = &prof->samples[s];
    int64_t v = sm->values[c->vi], cnt = count_of(sm, c->ci);
    uint32_t stamp = (uint32_t)s + 1;
    c->tot.total += v;
    c->tot.samples += cnt;
    for (size_t k = 0; k < c->words; k++)
        cost[k] = 0;
    walk w = {0};
    for (size_t l = 0; l < sm->n_locs; l++) {
        const hl_prof_location *loc = sm->locs[l];
        if (loc < lbase || loc >= lbase + prof->n_locations) {
            snprintf(err, errlen, "profile: sample %zu names a location outside the table", s);
            return -2;
        }
        size_t li = (size_t)(loc - lbase);
        uint8_t flags = c->loc_flags[li];
        if (!(flags & VX_LOC_USED))
            c->loc_flags[li] = flags |= VX_LOC_USED;
        w.unknown |= (flags & VX_LOC_UNKNOWN) != 0;
        if (flags & VX_LOC_LIBCALL)
            w.below = &c->libcall;
        for (uint32_t e = c->loc_first[li]; e < c->loc_first[li + 1]; e++) {
            const vx_entry *en = &c->entries[e];
            if (!w.leaf)
                w.leaf = en;
            if (en->user && !w.user) {
                w.user = en;
                w.user_below = w.below;
                if (en->line_key >= 0) /* its row, counted after the stack */
                    __builtin_prefetch(&c->line_slots[en->line_key], 1);
            }
            if ((en->site_n || en->loop_n) &&
                count_entry(c, en, w.below, !w.below, stamp, v, cnt, cost))
                w.explained = true;
            w.below = en;
            if (en->cost)
                add_cost(c, &w, en, cost, v);
        }
    }
    if (w.unknown)
        c->tot.unsymbolized += v;
    if (w.explained)
        return 0;
    c->tot.unexplained += v;
    return unexplained_sample(c, w.user, w.user_below, w.leaf, v);
}

int vx_attribute(vx_ctx *c, char *err, size_t errlen)
{
    const hl_profile *prof = c->p;
    uint64_t *cost = calloc(c->words, sizeof *cost);
    c->site = calloc(c->fs->n + 1, sizeof *c->site);
    c->loop_acc = calloc(c->fs->n + 1, sizeof *c->loop_acc);
    c->line_slots = vx_alloc_aligned(c->line_keys.n + 1, sizeof *c->line_slots);
    c->func_slots = vx_alloc_aligned(c->func_keys.n + 1, sizeof *c->func_slots);
    int rc = -1;
    if (!cost || !c->site || !c->loop_acc || !c->line_slots || !c->func_slots)
        goto done;
    for (size_t k = 0; k < c->line_keys.n; k++)
        c->line_slots[k].callee = -1;
    for (size_t k = 0; k < c->func_keys.n; k++)
        c->func_slots[k].callee = -1;
    rc = 0;
    for (size_t s = 0; s < prof->n_samples && rc == 0; s++) {
        if (s + PREFETCH_AHEAD < prof->n_samples)
            prefetch_sample(c, &prof->samples[s + PREFETCH_AHEAD]);
        rc = count_sample(c, s, cost, err, errlen);
    }
done:
    free(cost);
    return rc;
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
        if (c->loc_flags[li] & VX_LOC_USED)
            for (uint32_t e = c->loc_first[li]; e < c->loc_first[li + 1]; e++)
                fn_used[c->entries[e].fn] = true;
    for (size_t k = 0; k < c->nameless_loc.n; k++)
        if (c->loc_flags[c->nameless_loc.v[k]] & VX_LOC_USED)
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
                const uint32_t *sites = vx_sites(c, en);
                for (uint32_t k = 0; k < en->site_n; k++) {
                    uint32_t fx = sites[k];
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
