/* ring_profile.c - the CPU profile of a program sampled from outside:
 * locations keyed by (address space, address), symbolized on first sight
 * through symbolize.c, and samples summed per stack. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../base/grow.h"
#include "../profile/palloc.h"
#include "ring_profile.h"
#include "symbol_cache.h"
#include "symbolize.h"

typedef struct {
    size_t *locs; /* location indices, leaf first */
    size_t n;
    int64_t count;
} rp_sample;

typedef struct {
    size_t mapping; /* index + 1; 0: none */
    uint64_t address;
    hl_prof_line *lines; /* function = index + 1 until finish */
    size_t n_lines;
} rp_location;

typedef struct {
    int total, with_functions, with_files, with_lines;
} rp_counts;

struct hl_rp {
    int64_t period;
    hl_profile *p; /* functions and mappings grow here, comments too */
    hl_sym_table syms;
    rp_location *locs;
    size_t n_locs, cap_locs;
    hl_hashmap loc_index; /* (space id, address) -> location */
    size_t cap_maps;
    rp_counts *map_counts;
    hl_hashmap map_index; /* (space id, mapping start) -> mapping */
    rp_sample *samples;
    size_t n_samples, cap_samples;
    hl_hashmap sample_index; /* location indices -> sample */
    size_t *key;
    size_t key_cap;
    size_t main_mapping; /* index + 1 of the first program's own mapping */
    hl_symcache *cache;  /* frames per build id, from earlier runs */
    uint64_t added;
};

hl_rp *hl_rp_new(int64_t period_ns)
{
    hl_rp *b = calloc(1, sizeof *b);
    if (!b)
        return NULL;
    b->p = hl_profile_new();
    if (!b->p) {
        free(b);
        return NULL;
    }
    b->syms.p = b->p;
    b->period = period_ns;
    b->cache = hl_symcache_open();
    return b;
}

uint64_t hl_rp_count(const hl_rp *b)
{
    return b->added;
}

void hl_rp_comment(hl_rp *b, const char *comment)
{
    hl_profile *p = b->p;
    char **nc = hl_prealloc(p->comments, (p->n_comments + 1) * sizeof *nc);
    if (!nc)
        return;
    p->comments = nc;
    if ((nc[p->n_comments] = hl_pstrdup(comment)))
        p->n_comments++;
}

/* The mapping (index + 1) for the module map m of space s; 0 on ENOMEM. */
static size_t mapping_for(hl_rp *b, hl_ring_space *s, const hl_rs_map *m)
{
    uint64_t key[2] = {s->id, m->start};
    hl_profile *p = b->p;
    size_t idx = p->n_mappings;
    int rc = hl_hashmap_get_or_put(&b->map_index, key, sizeof key, &idx);
    if (rc < 0)
        return 0;
    if (rc == 1)
        return idx + 1;
    if (p->n_mappings == b->cap_maps) {
        size_t ncap = b->cap_maps ? b->cap_maps * 2 : 64;
        hl_prof_mapping *nm = hl_prealloc(p->mappings, ncap * sizeof *nm);
        rp_counts *nc = realloc(b->map_counts, ncap * sizeof *nc);
        if (nm)
            p->mappings = nm;
        if (nc)
            b->map_counts = nc;
        if (!nm || !nc)
            return 0;
        b->cap_maps = ncap;
    }
    hl_prof_mapping *pm = &p->mappings[p->n_mappings];
    memset(pm, 0, sizeof *pm);
    memset(&b->map_counts[p->n_mappings], 0, sizeof b->map_counts[0]);
    pm->id = p->n_mappings + 1;
    pm->memory_start = m->start;
    pm->memory_limit = m->limit;
    pm->file_offset = m->pgoff;
    pm->filename = hl_pstrdup(m->path);
    pm->build_id = hl_sym_build_id(hl_rs_module(s, m->start));
    p->n_mappings++;
    if (!b->main_mapping && m->start == s->main_start)
        b->main_mapping = idx + 1;
    if (!pm->filename || !pm->build_id)
        return 0;
    return idx + 1;
}

/* Fills a new location for addr with its mapping and frames. */
static int describe(hl_rp *b, hl_ring_space *s, rp_location *l, uint64_t addr)
{
    l->address = addr;
    const hl_rs_map *m = hl_rs_map_at(s, addr);
    if (m && !(l->mapping = mapping_for(b, s, m)))
        return -1;
    hl_sym_frame fr[HL_SYM_MAX_INLINE];
    size_t nf = hl_symcache_frames(b->cache, hl_rs_module(s, addr), addr, fr, HL_SYM_MAX_INLINE);
    const char *base = m ? strrchr(m->path, '/') : NULL;
    if (nf > 1 && base && !strncmp(base + 1, "libhotlint-rt.so", 16)) {
        /* An interposer of the preloaded runtime (malloc, free, ...): the
         * program's call, shown as that function alone, without the
         * runtime's helpers inlined into it. */
        fr[0] = fr[nf - 1];
        nf = 1;
    }
    bool all_files = nf > 0, all_lines = nf > 0;
    if (nf) {
        l->lines = hl_pcalloc(nf, sizeof *l->lines);
        if (!l->lines)
            return -1;
        l->n_lines = nf;
        for (size_t k = 0; k < nf; k++) {
            int64_t fi = hl_sym_function_for(&b->syms, fr[k].name, fr[k].file, fr[k].start_line);
            if (fi < 0)
                return -1;
            l->lines[k].function = (hl_prof_function *)(uintptr_t)(fi + 1);
            l->lines[k].line = fr[k].line;
            all_files = all_files && *fr[k].file;
            all_lines = all_lines && fr[k].line > 0;
        }
    }
    if (l->mapping) {
        rp_counts *c = &b->map_counts[l->mapping - 1];
        c->total++;
        c->with_functions += nf > 0;
        c->with_files += all_files;
        c->with_lines += all_lines;
    }
    return 0;
}

/* The location index for addr in s, adding it; (size_t)-1 on ENOMEM. */
static size_t location_for(hl_rp *b, hl_ring_space *s, uint64_t addr)
{
    uint64_t key[2] = {s->id, addr};
    size_t idx = b->n_locs;
    int rc = hl_hashmap_get_or_put(&b->loc_index, key, sizeof key, &idx);
    if (rc < 0)
        return (size_t)-1;
    if (rc == 1)
        return idx;
    if (HL_GROW(b->locs, b->n_locs, b->cap_locs) < 0)
        return (size_t)-1;
    rp_location *l = &b->locs[b->n_locs++];
    memset(l, 0, sizeof *l);
    return describe(b, s, l, addr) < 0 ? (size_t)-1 : idx;
}

int hl_rp_add(hl_rp *b, hl_ring_space *s, const uint64_t *pcs, size_t n)
{
    if (n == 0)
        return 0;
    if (n > b->key_cap) {
        size_t *nk = realloc(b->key, n * sizeof *nk);
        if (!nk)
            return -1;
        b->key = nk;
        b->key_cap = n;
    }
    for (size_t d = 0; d < n; d++) {
        uint64_t addr = pcs[d];
        if (d > 0 && addr > 0)
            addr -= 1; /* a return address: the call is the byte before */
        size_t li = location_for(b, s, addr);
        if (li == (size_t)-1)
            return -1;
        b->key[d] = li;
    }
    size_t si = b->n_samples;
    int rc = hl_hashmap_get_or_put(&b->sample_index, b->key, n * sizeof *b->key, &si);
    if (rc < 0)
        return -1;
    if (rc == 0) {
        if (HL_GROW(b->samples, b->n_samples, b->cap_samples) < 0)
            return -1;
        rp_sample *ns = &b->samples[b->n_samples];
        ns->locs = malloc(n * sizeof *ns->locs);
        if (!ns->locs)
            return -1;
        memcpy(ns->locs, b->key, n * sizeof *ns->locs);
        ns->n = n;
        ns->count = 0;
        b->n_samples++;
    }
    b->samples[si].count++;
    b->added++;
    return 0;
}

static void free_parts(hl_rp *b)
{
    hl_symcache_close(b->cache);
    for (size_t i = 0; i < b->n_locs; i++)
        hl_pfree(b->locs[i].lines);
    free(b->locs);
    for (size_t i = 0; i < b->n_samples; i++)
        free(b->samples[i].locs);
    free(b->samples);
    free(b->map_counts);
    free(b->key);
    hl_hashmap_free(&b->loc_index);
    hl_hashmap_free(&b->map_index);
    hl_hashmap_free(&b->sample_index);
    hl_hashmap_free(&b->syms.fn_index);
    free(b);
}

void hl_rp_free(hl_rp *b)
{
    if (!b)
        return;
    /* Lines still hold function indices: drop the functions' owner first. */
    hl_profile_free(b->p);
    free_parts(b);
}

static int set_types(hl_profile *p, int64_t period)
{
    p->sample_types = hl_pcalloc(2, sizeof *p->sample_types);
    if (!p->sample_types)
        return -1;
    p->n_sample_types = 2;
    p->sample_types[0] = (hl_prof_value_type){hl_pstrdup("samples"), hl_pstrdup("count")};
    p->sample_types[1] = (hl_prof_value_type){hl_pstrdup("cpu"), hl_pstrdup("nanoseconds")};
    p->default_sample_index = 1;
    p->period_type = (hl_prof_value_type){hl_pstrdup("cpu"), hl_pstrdup("nanoseconds")};
    p->period = period;
    return 0;
}

hl_profile *hl_rp_finish(hl_rp *b, int64_t time_nanos, int64_t duration_nanos)
{
    if (!b)
        return NULL;
    hl_profile *p = b->p;
    p->time_nanos = time_nanos;
    p->duration_nanos = duration_nanos;
    for (size_t i = 0; i < p->n_mappings; i++) {
        rp_counts *c = &b->map_counts[i];
        hl_prof_mapping *m = &p->mappings[i];
        m->has_functions = c->total > 0 && c->with_functions == c->total;
        m->has_filenames = c->total > 0 && c->with_files == c->total;
        m->has_line_numbers = c->total > 0 && c->with_lines == c->total;
        m->has_inline_frames = m->has_line_numbers;
    }
    /* pprof takes the first mapping for the program's own. */
    size_t first = b->main_mapping ? b->main_mapping - 1 : 0;
    if (first) {
        hl_prof_mapping tmp = p->mappings[0];
        p->mappings[0] = p->mappings[first];
        p->mappings[first] = tmp;
        p->mappings[0].id = 1;
        p->mappings[first].id = first + 1;
    }
    p->locations = hl_pcalloc(b->n_locs ? b->n_locs : 1, sizeof *p->locations);
    p->samples = hl_pcalloc(b->n_samples ? b->n_samples : 1, sizeof *p->samples);
    if (!p->locations || !p->samples || set_types(p, b->period) < 0)
        goto err;
    for (size_t i = 0; i < b->n_locs; i++) {
        rp_location *l = &b->locs[i];
        hl_prof_location *o = &p->locations[i];
        o->id = i + 1;
        o->address = l->address;
        size_t mi = l->mapping ? l->mapping - 1 : 0;
        mi = mi == first ? 0 : mi == 0 ? first : mi;
        o->mapping = l->mapping ? &p->mappings[mi] : NULL;
        o->lines = l->lines;
        o->n_lines = l->n_lines;
        l->lines = NULL;
        for (size_t k = 0; k < o->n_lines; k++)
            o->lines[k].function = &p->functions[(uintptr_t)o->lines[k].function - 1];
        p->n_locations = i + 1;
    }
    for (size_t i = 0; i < b->n_samples; i++) {
        rp_sample *s = &b->samples[i];
        hl_prof_sample *o = &p->samples[i];
        o->locs = hl_pcalloc(s->n, sizeof *o->locs);
        o->values = hl_pcalloc(2, sizeof *o->values);
        p->n_samples = i + 1;
        if (!o->locs || !o->values)
            goto err;
        o->n_locs = s->n;
        for (size_t d = 0; d < s->n; d++)
            o->locs[d] = &p->locations[s->locs[d]];
        o->values[0] = s->count;
        o->values[1] = s->count * b->period;
    }
    free_parts(b);
    return p;
err:
    /* Locations moved so far have real function pointers; the rest do not
     * point anywhere yet and are freed with the builder. */
    free_parts(b);
    hl_profile_free(p);
    return NULL;
}
