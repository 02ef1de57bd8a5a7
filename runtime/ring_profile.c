/* ring_profile.c - the CPU profile of a program sampled from outside:
 * locations keyed by (address space, address), symbolized on first sight
 * through symbolize.c, and built with profile/'s builder, which sums equal
 * stacks. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../base/grow.h"
#include "../profile/builder.h"
#include "../profile/palloc.h"
#include "ring_profile.h"
#include "symbol_cache.h"
#include "symbolize.h"

typedef struct {
    int total, with_functions, with_files, with_lines;
} rp_counts;

struct hl_rp {
    int64_t period;
    hl_pbuilder *b;
    hl_hashmap loc_index;  /* (space id, address) -> location */
    hl_hashmap map_index;  /* (space id, mapping start) -> mapping */
    rp_counts *map_counts; /* per mapping of the builder */
    size_t n_counts, cap_counts;
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
    hl_prof_value_type types[2] = {{"samples", "count"}, {"cpu", "nanoseconds"}};
    b->b = hl_pb_new(types, 2, types[1], period_ns);
    if (!b->b) {
        free(b);
        return NULL;
    }
    b->loc_index = b->map_index = HL_PMAP_INIT;
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
    hl_pb_comment(b->b, comment);
}

/* The mapping (index + 1) for the module map m of space s; 0 on ENOMEM. */
static size_t mapping_for(hl_rp *b, hl_ring_space *s, const hl_rs_map *m)
{
    uint64_t key[2] = {s->id, m->start};
    size_t idx;
    if (hl_hashmap_find(&b->map_index, key, sizeof key, &idx))
        return idx + 1;
    hl_prof_mapping pm = {
        .memory_start = m->start,
        .memory_limit = m->limit,
        .file_offset = m->pgoff,
        .filename = (char *)m->path,
        .build_id = hl_sym_build_id(hl_rs_module(s, m->start)),
    };
    int64_t x = pm.build_id ? hl_pb_mapping(b->b, &pm) : -1;
    hl_pfree(pm.build_id);
    idx = (size_t)x;
    if (x < 0 || hl_hashmap_get_or_put(&b->map_index, key, sizeof key, &idx) < 0 ||
        hl_grow_to((void **)&b->map_counts, &b->cap_counts, idx + 1, sizeof *b->map_counts, NULL) <
            0)
        return 0;
    if (!b->main_mapping && m->start == s->main_start)
        b->main_mapping = idx + 1;
    return idx + 1;
}

/* The frames of addr: the symbol cache's, or libdw's. An interposer of the
 * preloaded runtime (malloc, free, ...) is shown as the program's call, that
 * function alone, without the runtime's helpers inlined into it. */
static size_t frames_of(hl_rp *b, hl_ring_space *s, const hl_rs_map *m, uint64_t addr,
                        hl_sym_frame *fr)
{
    size_t nf = hl_symcache_frames(b->cache, hl_rs_module(s, addr), addr, fr, HL_SYM_MAX_INLINE);
    const char *base = m ? strrchr(m->path, '/') : NULL;
    if (nf > 1 && base && !strncmp(base + 1, "libhotlint-rt.so", 16)) {
        fr[0] = fr[nf - 1];
        nf = 1;
    }
    return nf;
}

/* A new location for addr with its mapping and frames; -1 on ENOMEM. */
static int64_t describe(hl_rp *b, hl_ring_space *s, uint64_t addr)
{
    const hl_rs_map *m = hl_rs_map_at(s, addr);
    size_t mapping = 0;
    if (m && !(mapping = mapping_for(b, s, m)))
        return -1;
    hl_sym_frame fr[HL_SYM_MAX_INLINE];
    hl_pb_line lines[HL_SYM_MAX_INLINE];
    size_t nf = frames_of(b, s, m, addr, fr);
    bool all_files = nf > 0, all_lines = nf > 0;
    for (size_t k = 0; k < nf; k++) {
        int64_t f = hl_pb_function(b->b, fr[k].name, fr[k].name, fr[k].file, fr[k].start_line);
        if (f < 0)
            return -1;
        lines[k] = (hl_pb_line){(size_t)f, fr[k].line};
        all_files = all_files && *fr[k].file;
        all_lines = all_lines && fr[k].line > 0;
    }
    if (mapping) {
        rp_counts *c = &b->map_counts[mapping - 1];
        c->total++;
        c->with_functions += nf > 0;
        c->with_files += all_files;
        c->with_lines += all_lines;
    }
    return hl_pb_location(b->b, (int64_t)mapping - 1, addr, lines, nf);
}

/* The location index for addr in s, adding it; (size_t)-1 on ENOMEM. */
static size_t location_for(hl_rp *b, hl_ring_space *s, uint64_t addr)
{
    uint64_t key[2] = {s->id, addr};
    size_t idx;
    if (hl_hashmap_find(&b->loc_index, key, sizeof key, &idx))
        return idx;
    int64_t l = describe(b, s, addr);
    idx = (size_t)l;
    if (l < 0 || hl_hashmap_get_or_put(&b->loc_index, key, sizeof key, &idx) < 0)
        return (size_t)-1;
    return idx;
}

int hl_rp_add(hl_rp *b, hl_ring_space *s, const uint64_t *pcs, size_t n)
{
    if (n == 0)
        return 0;
    if (hl_grow_to((void **)&b->key, &b->key_cap, n, sizeof *b->key, NULL) < 0)
        return -1;
    for (size_t d = 0; d < n; d++) {
        uint64_t addr = pcs[d];
        if (d > 0 && addr > 0)
            addr -= 1; /* a return address: the call is the byte before */
        size_t li = location_for(b, s, addr);
        if (li == (size_t)-1)
            return -1;
        b->key[d] = li;
    }
    int64_t values[2] = {1, b->period};
    if (hl_pb_sample(b->b, b->key, n, values, NULL, 0) < 0)
        return -1;
    b->added++;
    return 0;
}

void hl_rp_free(hl_rp *b)
{
    if (!b)
        return;
    hl_symcache_close(b->cache);
    hl_pb_free(b->b);
    free(b->map_counts);
    free(b->key);
    hl_hashmap_free(&b->loc_index);
    hl_hashmap_free(&b->map_index);
    free(b);
}

/* pprof takes the first mapping for the program's own: swap it there. */
static void main_mapping_first(hl_profile *p, size_t first)
{
    if (!first || first >= p->n_mappings)
        return;
    hl_prof_mapping tmp = p->mappings[0];
    p->mappings[0] = p->mappings[first];
    p->mappings[first] = tmp;
    p->mappings[0].id = 1;
    p->mappings[first].id = first + 1;
    for (size_t i = 0; i < p->n_locations; i++) {
        hl_prof_location *l = &p->locations[i];
        if (l->mapping == &p->mappings[0])
            l->mapping = &p->mappings[first];
        else if (l->mapping == &p->mappings[first])
            l->mapping = &p->mappings[0];
    }
}

hl_profile *hl_rp_finish(hl_rp *b, int64_t time_nanos, int64_t duration_nanos)
{
    if (!b)
        return NULL;
    hl_profile *p = hl_pb_profile(b->b);
    p->time_nanos = time_nanos;
    p->duration_nanos = duration_nanos;
    for (size_t i = 0; i < p->n_mappings && i < b->n_counts; i++) {
        rp_counts *c = &b->map_counts[i];
        hl_prof_mapping *m = hl_pb_mapping_at(b->b, i);
        m->has_functions = c->total > 0 && c->with_functions == c->total;
        m->has_filenames = c->total > 0 && c->with_files == c->total;
        m->has_line_numbers = c->total > 0 && c->with_lines == c->total;
        m->has_inline_frames = m->has_line_numbers;
    }
    size_t first = b->main_mapping ? b->main_mapping - 1 : 0;
    p = hl_pb_finish(b->b);
    b->b = NULL;
    if (p)
        main_mapping_first(p, first);
    hl_rp_free(b);
    return p;
}
