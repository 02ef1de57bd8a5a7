/* stack_profile.c - turns raw program-counter stacks into a symbolized pprof
 * profile: mappings from /proc/self/maps with GNU build ids, functions, files,
 * lines and inlined frames from DWARF via libdw (dwfl), falling back to the
 * ELF symbol tables and then to raw addresses. */
#include <dwarf.h>
#include <elfutils/libdwfl.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include "../profile/pindex.h"
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
    hl_pindex index; /* stack + labels -> sample */
    char **comments;
    size_t n_comments;
    char *key;
    size_t key_cap;
    bool oom;
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
    hl_pindex_free(&sp->index);
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
    int rc = hl_pindex_get_or_put(&sp->index, sp->key, n, &idx);
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

typedef struct {
    uintptr_t addr; /* the address symbolized (pc - 1 for return addresses) */
    size_t loc;
} pc_entry;

hl_profile *hl_sp_finish(hl_stack_profile *sp)
{
    hl_profile *p = NULL;
    proc_map *maps = NULL;
    size_t n_maps = 0;
    Dwfl *dwfl = NULL;
    hl_pindex loc_index = {0};
    hl_sym_table t = {0};
    char *debuginfo_path = NULL;

    if (!sp)
        return NULL;
    if (sp->oom)
        goto err;
    p = hl_profile_new();
    if (!p)
        goto err;
    /* Sample types, period, times, comments move over. */
    p->sample_types = sp->types;
    p->n_sample_types = sp->n_types;
    sp->types = NULL;
    sp->n_types = 0;
    p->default_sample_index = p->n_sample_types ? p->n_sample_types - 1 : 0;
    p->period_type = sp->period_type;
    sp->period_type.type = sp->period_type.unit = NULL;
    p->period = sp->period;
    p->time_nanos = sp->time_nanos;
    p->duration_nanos = sp->duration_nanos;
    p->comments = sp->comments;
    p->n_comments = sp->n_comments;
    sp->comments = NULL;
    sp->n_comments = 0;

    maps = read_maps(&n_maps);
    if (!maps)
        goto err;
    p->mappings = hl_pcalloc(n_maps, sizeof *p->mappings);
    if (!p->mappings)
        goto err;

    const Dwfl_Callbacks callbacks = {
        .find_elf = dwfl_linux_proc_find_elf,
        .find_debuginfo = hl_sym_find_debuginfo,
        .debuginfo_path = &debuginfo_path,
    };
    dwfl = dwfl_begin(&callbacks);
    if (dwfl) {
        dwfl_report_begin(dwfl);
        if (dwfl_linux_proc_report(dwfl, getpid()) != 0 || dwfl_report_end(dwfl, NULL, NULL) != 0) {
            dwfl_end(dwfl);
            dwfl = NULL;
        }
    }
    for (size_t i = 0; i < n_maps; i++) {
        hl_prof_mapping *m = &p->mappings[i];
        p->n_mappings = i + 1;
        m->id = i + 1;
        m->memory_start = maps[i].start;
        m->memory_limit = maps[i].limit;
        m->file_offset = maps[i].offset;
        m->filename = hl_pstrdup(maps[i].path);
        m->build_id = hl_sym_build_id(dwfl ? dwfl_addrmodule(dwfl, maps[i].start) : NULL);
        if (!m->filename || !m->build_id)
            goto err;
    }

    /* Every distinct address becomes one location. */
    size_t max_locs = 0;
    for (size_t i = 0; i < sp->n_samples; i++)
        max_locs += sp->samples[i].depth;
    p->locations = hl_pcalloc(max_locs, sizeof *p->locations);
    p->samples = hl_pcalloc(sp->n_samples, sizeof *p->samples);
    int *map_total = hl_pcalloc(n_maps * 5, sizeof *map_total);
    if (!p->locations || !p->samples || !map_total) {
        hl_pfree(map_total);
        goto err;
    }
    t.p = p;
    for (size_t si = 0; si < sp->n_samples; si++) {
        sp_sample *s = &sp->samples[si];
        hl_prof_sample *o = &p->samples[si];
        p->n_samples = si + 1;
        o->values = s->values;
        s->values = NULL;
        o->labels = s->labels;
        o->n_labels = s->n_labels;
        s->labels = NULL;
        s->n_labels = 0;
        o->locs = hl_pcalloc(s->depth, sizeof *o->locs);
        if (!o->locs)
            goto err_map_total;
        o->n_locs = s->depth;
        for (size_t d = 0; d < s->depth; d++) {
            uintptr_t addr = s->pcs[d];
            if (d > 0 && addr > 0)
                addr -= 1; /* a return address: the call is the byte before */
            size_t li = p->n_locations;
            int rc = hl_pindex_get_or_put(&loc_index, &addr, sizeof addr, &li);
            if (rc < 0)
                goto err_map_total;
            o->locs[d] = &p->locations[li];
            if (rc == 1)
                continue;
            hl_prof_location *l = &p->locations[p->n_locations++];
            l->id = p->n_locations;
            l->address = addr;
            size_t mi = n_maps;
            for (size_t k = 0; k < n_maps; k++)
                if (addr >= maps[k].start && addr < maps[k].limit) {
                    mi = k;
                    break;
                }
            if (mi < n_maps)
                l->mapping = &p->mappings[mi];
            hl_sym_frame fr[HL_SYM_MAX_INLINE];
            size_t nf = 0;
            Dwfl_Module *mod = dwfl ? dwfl_addrmodule(dwfl, addr) : NULL;
            if (mod)
                nf = hl_sym_dwarf_frames(mod, addr, fr, HL_SYM_MAX_INLINE);
            if (nf == 0 && mod) {
                GElf_Off off;
                GElf_Sym sym;
                const char *name = dwfl_module_addrinfo(mod, addr, &off, &sym, NULL, NULL, NULL);
                if (name) {
                    fr[0] = (hl_sym_frame){name, "", 0, 0};
                    nf = 1;
                }
            }
            bool all_files = nf > 0, all_lines = nf > 0;
            if (nf) {
                l->lines = hl_pcalloc(nf, sizeof *l->lines);
                if (!l->lines)
                    goto err_map_total;
                l->n_lines = nf;
                for (size_t k = 0; k < nf; k++) {
                    int64_t fi = hl_sym_function_for(&t, fr[k].name, fr[k].file, fr[k].start_line);
                    if (fi < 0)
                        goto err_map_total;
                    l->lines[k].function = (hl_prof_function *)(uintptr_t)(fi + 1);
                    l->lines[k].line = fr[k].line;
                    if (!*fr[k].file)
                        all_files = false;
                    if (fr[k].line <= 0)
                        all_lines = false;
                }
            }
            if (mi < n_maps) {
                int *c = &map_total[mi * 5];
                c[0]++;
                c[1] += nf > 0;
                c[2] += all_files;
                c[3] += all_lines;
                c[4] += nf > 0 && all_lines; /* DWARF scopes were consulted */
            }
        }
    }
    for (size_t i = 0; i < p->n_locations; i++)
        for (size_t k = 0; k < p->locations[i].n_lines; k++)
            p->locations[i].lines[k].function =
                &p->functions[(uintptr_t)p->locations[i].lines[k].function - 1];
    for (size_t i = 0; i < n_maps; i++) {
        int *c = &map_total[i * 5];
        hl_prof_mapping *m = &p->mappings[i];
        m->has_functions = c[0] > 0 && c[1] == c[0];
        m->has_filenames = c[0] > 0 && c[2] == c[0];
        m->has_line_numbers = c[0] > 0 && c[3] == c[0];
        m->has_inline_frames = c[0] > 0 && c[4] == c[0];
    }
    hl_pfree(map_total);
    if (dwfl)
        dwfl_end(dwfl);
    hl_pindex_free(&loc_index);
    hl_pindex_free(&t.fn_index);
    hl_pfree(maps);
    hl_sp_free(sp);
    return p;
err_map_total:
    hl_pfree(map_total);
err:
    if (dwfl)
        dwfl_end(dwfl);
    hl_pindex_free(&loc_index);
    hl_pindex_free(&t.fn_index);
    hl_pfree(maps);
    hl_profile_free(p);
    hl_sp_free(sp);
    return NULL;
}
