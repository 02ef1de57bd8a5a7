/* stack_profile.c - turns raw program-counter stacks into a symbolized pprof
 * profile: mappings from /proc/self/maps with GNU build ids, functions, files,
 * lines and inlined frames from DWARF via libdw (dwfl), falling back to the
 * ELF symbol tables and then to raw addresses. */
#include <dwarf.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include "../base/grow.h"
#include "../profile/builder.h"
#include "../profile/palloc.h"
#include "stack_profile.h"
#include "symbolize.h"

typedef struct {
    uintptr_t *pcs;
    size_t depth;
    int64_t *values;
    hl_prof_label *labels;
    size_t n_labels;
} sp_sample;

struct hl_stack_profile {
    hl_prof_value_type *types;
    size_t n_types;
    hl_prof_value_type period_type;
    int64_t period;
    int64_t time_nanos, duration_nanos;
    sp_sample *samples;
    size_t n_samples, cap_samples;
    hl_hashmap index; /* stack + labels -> sample */
    char **comments;
    size_t n_comments;
    char *key;
    size_t key_cap;
    bool oom;
    bool drop_runtime; /* leave out samples of the runtime's own hl_* work */
};

static void free_labels(hl_prof_label *l, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        hl_pfree(l[i].key);
        hl_pfree(l[i].str);
        hl_pfree(l[i].num_unit);
    }
    hl_pfree(l);
}

void hl_sp_free(hl_stack_profile *sp)
{
    if (!sp)
        return;
    for (size_t i = 0; i < sp->n_types; i++) {
        hl_pfree(sp->types[i].type);
        hl_pfree(sp->types[i].unit);
    }
    hl_pfree(sp->types);
    hl_pfree(sp->period_type.type);
    hl_pfree(sp->period_type.unit);
    for (size_t i = 0; i < sp->n_samples; i++) {
        hl_pfree(sp->samples[i].pcs);
        hl_pfree(sp->samples[i].values);
        free_labels(sp->samples[i].labels, sp->samples[i].n_labels);
    }
    hl_pfree(sp->samples);
    hl_hashmap_free(&sp->index);
    for (size_t i = 0; i < sp->n_comments; i++)
        hl_pfree(sp->comments[i]);
    hl_pfree(sp->comments);
    hl_pfree(sp->key);
    hl_pfree(sp);
}

hl_stack_profile *hl_sp_new(const hl_prof_value_type *types, size_t n_types,
                            hl_prof_value_type period_type, int64_t period)
{
    hl_stack_profile *sp = hl_pcalloc(1, sizeof *sp);
    if (!sp)
        return NULL;
    sp->index = HL_PMAP_INIT;
    sp->types = hl_pcalloc(n_types, sizeof *sp->types);
    if (!sp->types)
        goto err;
    sp->n_types = n_types;
    for (size_t i = 0; i < n_types; i++) {
        sp->types[i].type = hl_pstrdup(types[i].type);
        sp->types[i].unit = hl_pstrdup(types[i].unit);
        if (!sp->types[i].type || !sp->types[i].unit)
            goto err;
    }
    sp->period_type.type = hl_pstrdup(period_type.type);
    sp->period_type.unit = hl_pstrdup(period_type.unit);
    if (!sp->period_type.type || !sp->period_type.unit)
        goto err;
    sp->period = period;
    return sp;
err:
    hl_sp_free(sp);
    return NULL;
}

static int key_put(hl_stack_profile *sp, size_t *n, const void *data, size_t len)
{
    if (*n + len > sp->key_cap) {
        size_t ncap = sp->key_cap ? sp->key_cap : 256;
        while (ncap < *n + len)
            ncap *= 2;
        char *nk = hl_prealloc(sp->key, ncap);
        if (!nk)
            return -1;
        sp->key = nk;
        sp->key_cap = ncap;
    }
    memcpy(sp->key + *n, data, len);
    *n += len;
    return 0;
}

int hl_sp_add(hl_stack_profile *sp, const uintptr_t *pcs, size_t depth, const int64_t *values,
              const hl_prof_label *labels, size_t n_labels)
{
    size_t n = 0;
    if (key_put(sp, &n, &depth, sizeof depth) < 0 || key_put(sp, &n, pcs, depth * sizeof *pcs) < 0)
        goto oom;
    for (size_t i = 0; i < n_labels; i++) {
        const char *k = labels[i].key ? labels[i].key : "";
        const char *s = labels[i].str ? labels[i].str : "\x01";
        const char *u = labels[i].num_unit ? labels[i].num_unit : "";
        if (key_put(sp, &n, k, strlen(k) + 1) < 0 || key_put(sp, &n, s, strlen(s) + 1) < 0 ||
            key_put(sp, &n, &labels[i].num, sizeof labels[i].num) < 0 ||
            key_put(sp, &n, u, strlen(u) + 1) < 0)
            goto oom;
    }
    size_t idx = sp->n_samples;
    int rc = hl_hashmap_get_or_put(&sp->index, sp->key, n, &idx);
    if (rc < 0)
        goto oom;
    if (rc == 1) {
        for (size_t i = 0; i < sp->n_types; i++)
            sp->samples[idx].values[i] += values[i];
        return 0;
    }
    if (sp->n_samples == sp->cap_samples) {
        size_t ncap = sp->cap_samples ? sp->cap_samples * 2 : 256;
        sp_sample *ns = hl_prealloc(sp->samples, ncap * sizeof *ns);
        if (!ns)
            goto oom_unindex;
        sp->samples = ns;
        sp->cap_samples = ncap;
    }
    sp_sample *s = &sp->samples[sp->n_samples];
    memset(s, 0, sizeof *s);
    s->pcs = hl_pmalloc(depth * sizeof *pcs);
    s->values = hl_pmalloc(sp->n_types * sizeof *values);
    if (n_labels)
        s->labels = hl_pcalloc(n_labels, sizeof *s->labels);
    if (!s->pcs || !s->values || (n_labels && !s->labels))
        goto oom_sample;
    s->n_labels = n_labels;
    for (size_t i = 0; i < n_labels; i++) {
        s->labels[i].key = hl_pstrdup(labels[i].key);
        s->labels[i].num = labels[i].num;
        if (labels[i].str)
            s->labels[i].str = hl_pstrdup(labels[i].str);
        if (labels[i].num_unit)
            s->labels[i].num_unit = hl_pstrdup(labels[i].num_unit);
        if (!s->labels[i].key || (labels[i].str && !s->labels[i].str) ||
            (labels[i].num_unit && !s->labels[i].num_unit))
            goto oom_sample;
    }
    memcpy(s->pcs, pcs, depth * sizeof *pcs);
    s->depth = depth;
    memcpy(s->values, values, sp->n_types * sizeof *values);
    sp->n_samples++;
    return 0;
oom_sample:
    hl_pfree(s->pcs);
    hl_pfree(s->values);
    free_labels(s->labels, s->n_labels);
oom_unindex:
    /* The index now names a sample that does not exist: rebuild is costly,
     * so mark the builder as failed; hl_sp_finish reports it. */
    sp->oom = true;
oom:
    errno = ENOMEM;
    return -1;
}

void hl_sp_add_comment(hl_stack_profile *sp, const char *comment)
{
    char **nc = hl_prealloc(sp->comments, (sp->n_comments + 1) * sizeof *nc);
    if (!nc)
        return;
    sp->comments = nc;
    if ((nc[sp->n_comments] = hl_pstrdup(comment)))
        sp->n_comments++;
}

void hl_sp_drop_runtime_samples(hl_stack_profile *sp)
{
    if (sp)
        sp->drop_runtime = true;
}

void hl_sp_set_times(hl_stack_profile *sp, int64_t time_nanos, int64_t duration_nanos)
{
    sp->time_nanos = time_nanos;
    sp->duration_nanos = duration_nanos;
}

typedef struct {
    uint64_t start, limit, offset;
    char path[512];
} proc_map;

/* Executable mappings of this process; NULL on error. */
static proc_map *read_maps(size_t *n_out)
{
    FILE *f = fopen("/proc/self/maps", "re");
    if (!f)
        return NULL;
    proc_map *v = NULL;
    size_t n = 0, cap = 0;
    char line[1024];
    while (fgets(line, sizeof line, f)) {
        unsigned long long s, e, off;
        char perms[8];
        int pos = 0;
        if (sscanf(line, "%llx-%llx %7s %llx %*s %*s %n", &s, &e, perms, &off, &pos) < 4)
            continue;
        if (perms[2] != 'x')
            continue;
        char *path = line + pos;
        path[strcspn(path, "\n")] = 0;
        if (n == cap) {
            size_t ncap = cap ? cap * 2 : 32;
            proc_map *nv = hl_prealloc(v, ncap * sizeof *nv);
            if (!nv) {
                hl_pfree(v);
                fclose(f);
                return NULL;
            }
            v = nv;
            cap = ncap;
        }
        v[n].start = s;
        v[n].limit = e;
        v[n].offset = off;
        snprintf(v[n].path, sizeof v[n].path, "%s", path);
        n++;
    }
    fclose(f);
    *n_out = n;
    return v ? v : hl_pcalloc(1, sizeof *v);
}

/* What symbolizing this process's addresses into the builder needs. */
typedef struct {
    hl_pbuilder *b;
    Dwfl *dwfl;
    const proc_map *maps;
    size_t n_maps;
    int64_t *mapping;     /* per map: its index in the builder */
    int (*counts)[4];     /* per map: locations, with functions, all files, all lines */
    hl_hashmap locations; /* address -> location index * 2 + (a runtime hl_* frame) */
    const char *own_path; /* the file this code was loaded from (NULL: unknown) */
    size_t dropped;       /* samples left out as the runtime's own work */
} sp_symbolizer;

/* Whether the frames at addr, in map mi, are the runtime's own work: an hl_*
 * function of the file this code is in. Its interposers (malloc, free, ...)
 * are the program's calls and are not. */
static bool runtime_work(const sp_symbolizer *z, size_t mi, const hl_sym_frame *fr, size_t nf)
{
    if (!z->own_path || mi >= z->n_maps || strcmp(z->maps[mi].path, z->own_path))
        return false;
    for (size_t k = 0; k < nf; k++)
        if (!strncmp(fr[k].name, "hl_", 3))
            return true;
    return false;
}

/* The location of addr, symbolized on first sight (DWARF frames, else the
 * ELF symbol table, else the bare address), and in *own whether it is the
 * runtime's own work. -1 on ENOMEM. */
static int64_t location_at(sp_symbolizer *z, uintptr_t addr, bool *own)
{
    size_t li;
    if (hl_hashmap_find(&z->locations, &addr, sizeof addr, &li)) {
        *own = li & 1;
        return (int64_t)(li >> 1);
    }
    size_t mi = z->n_maps;
    for (size_t k = 0; k < z->n_maps && mi == z->n_maps; k++)
        if (addr >= z->maps[k].start && addr < z->maps[k].limit)
            mi = k;
    hl_sym_frame fr[HL_SYM_MAX_INLINE];
    hl_pb_line lines[HL_SYM_MAX_INLINE];
    Dwfl_Module *mod = hl_sym_module(z->dwfl, addr);
    size_t nf = hl_sym_frames(mod, addr, fr, HL_SYM_MAX_INLINE);
    bool all_files = nf > 0, all_lines = nf > 0;
    for (size_t k = 0; k < nf; k++) {
        int64_t f = hl_pb_function(z->b, fr[k].name, fr[k].name, fr[k].file, fr[k].start_line);
        if (f < 0)
            return -1;
        lines[k] = (hl_pb_line){(size_t)f, fr[k].line};
        all_files = all_files && *fr[k].file;
        all_lines = all_lines && fr[k].line > 0;
    }
    int64_t l = hl_pb_location(z->b, mi < z->n_maps ? z->mapping[mi] : -1, addr, lines, nf);
    *own = runtime_work(z, mi, fr, nf);
    li = (size_t)l * 2 + *own;
    if (l < 0 || hl_hashmap_get_or_put(&z->locations, &addr, sizeof addr, &li) < 0)
        return -1;
    if (mi < z->n_maps) {
        int *c = z->counts[mi];
        c[0]++;
        c[1] += nf > 0;
        c[2] += all_files;
        c[3] += all_lines;
    }
    return l;
}

/* One mapping per executable map of /proc/self/maps, with its build id. */
static int add_mappings(sp_symbolizer *z)
{
    for (size_t i = 0; i < z->n_maps; i++) {
        hl_prof_mapping m = {
            .memory_start = z->maps[i].start,
            .memory_limit = z->maps[i].limit,
            .file_offset = z->maps[i].offset,
            .filename = (char *)z->maps[i].path,
            .build_id = hl_sym_build_id(hl_sym_module(z->dwfl, z->maps[i].start)),
        };
        z->mapping[i] = m.build_id ? hl_pb_mapping(z->b, &m) : -1;
        hl_pfree(m.build_id);
        if (z->mapping[i] < 0)
            return -1;
    }
    return 0;
}

/* A mapping has functions (files, lines) when every location in it does. */
static void set_mapping_flags(sp_symbolizer *z)
{
    for (size_t i = 0; i < z->n_maps; i++) {
        int *c = z->counts[i];
        hl_prof_mapping *m = hl_pb_mapping_at(z->b, (size_t)z->mapping[i]);
        m->has_functions = c[0] > 0 && c[1] == c[0];
        m->has_filenames = c[0] > 0 && c[2] == c[0];
        m->has_line_numbers = c[0] > 0 && c[3] == c[0];
        m->has_inline_frames = m->has_line_numbers; /* DWARF scopes were read */
    }
}

static int add_samples(sp_symbolizer *z, const hl_stack_profile *sp)
{
    size_t *locs = NULL, cap = 0;
    int rc = 0;
    for (size_t si = 0; si < sp->n_samples && rc == 0; si++) {
        const sp_sample *s = &sp->samples[si];
        if (hl_grow_to((void **)&locs, &cap, s->depth, sizeof *locs, &hl_profile_allocator) < 0) {
            rc = -1;
            break;
        }
        bool own = false;
        for (size_t d = 0; d < s->depth && rc == 0; d++) {
            uintptr_t addr = s->pcs[d];
            if (d > 0 && addr > 0)
                addr -= 1; /* a return address: the call is the byte before */
            bool own_frame;
            int64_t l = location_at(z, addr, &own_frame);
            rc = l < 0 ? -1 : 0;
            own |= own_frame;
            if (l >= 0)
                locs[d] = (size_t)l;
        }
        if (rc == 0 && own && sp->drop_runtime)
            z->dropped++;
        else if (rc == 0)
            rc = hl_pb_sample(z->b, locs, s->depth, s->values, s->labels, s->n_labels);
    }
    hl_pfree(locs);
    return rc;
}

hl_profile *hl_sp_finish(hl_stack_profile *sp)
{
    if (!sp)
        return NULL;
    hl_profile *p = NULL;
    sp_symbolizer z = {.locations = HL_PMAP_INIT};
    z.b = sp->oom ? NULL : hl_pb_new(sp->types, sp->n_types, sp->period_type, sp->period);
    z.maps = z.b ? read_maps(&z.n_maps) : NULL;
    if (z.maps) {
        z.mapping = hl_pcalloc(z.n_maps + 1, sizeof *z.mapping);
        z.counts = hl_pcalloc(z.n_maps + 1, sizeof *z.counts);
        const char *why;
        z.dwfl = hl_sym_report_self(&why); /* NULL: the profile has addresses only */
        for (size_t i = 0; i < z.n_maps && !z.own_path; i++)
            if ((uintptr_t)hl_sp_finish >= z.maps[i].start &&
                (uintptr_t)hl_sp_finish < z.maps[i].limit)
                z.own_path = z.maps[i].path;
    }
    if (z.mapping && z.counts && add_mappings(&z) == 0 && add_samples(&z, sp) == 0) {
        set_mapping_flags(&z);
        hl_profile *r = hl_pb_profile(z.b);
        r->time_nanos = sp->time_nanos;
        r->duration_nanos = sp->duration_nanos;
        size_t i = 0;
        while (i < sp->n_comments && hl_pb_comment(z.b, sp->comments[i]) == 0)
            i++;
        char c[160];
        snprintf(c, sizeof c, "%zu samples of the profiler's own work (hl_* functions) left out",
                 z.dropped);
        if (z.dropped)
            hl_pb_comment(z.b, c); /* on ENOMEM the profile goes without it */
        p = hl_pb_finish(z.b);
        z.b = NULL;
    }
    hl_sym_end(z.dwfl);
    hl_pb_free(z.b);
    hl_hashmap_free(&z.locations);
    hl_pfree(z.mapping);
    hl_pfree(z.counts);
    hl_pfree((void *)z.maps);
    hl_sp_free(sp);
    return p;
}
