/* index.c - the index verify works from: the findings by function name and file, the
 * profile's file names matched to source files, and one entry per frame of every
 * location saying which findings' sites and loops it belongs to. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "grow.h"
#include "internal.h"

int vx_u32s_push(vx_u32s *a, uint32_t x)
{
    if (HL_GROW(a->v, a->n, a->cap) < 0)
        return -1;
    a->v[a->n++] = x;
    return 0;
}

/* Builds a vx_csr of n groups from the group of each of m members (-1: none). */
static int csr_build(vx_csr *c, const int32_t *group_of, size_t m, size_t n)
{
    c->off = calloc(n + 1, sizeof *c->off);
    c->items = malloc((m ? m : 1) * sizeof *c->items);
    if (!c->off || !c->items)
        return -1;
    for (size_t i = 0; i < m; i++)
        if (group_of[i] >= 0)
            c->off[group_of[i] + 1]++;
    for (size_t g = 0; g < n; g++)
        c->off[g + 1] += c->off[g];
    uint32_t *fill = malloc((n ? n : 1) * sizeof *fill);
    if (!fill)
        return -1;
    memcpy(fill, c->off, n * sizeof *fill);
    for (size_t i = 0; i < m; i++)
        if (group_of[i] >= 0)
            c->items[fill[group_of[i]]++] = (uint32_t)i;
    free(fill);
    return 0;
}

void *vx_alloc_aligned(size_t n, size_t size)
{
    if (n > SIZE_MAX / size - 64)
        return NULL;
    size_t bytes = (n * size + 63) / 64 * 64; /* aligned_alloc wants a multiple */
    void *p = aligned_alloc(64, bytes);
    if (p)
        memset(p, 0, bytes);
    return p;
}

static void csr_free(vx_csr *c)
{
    free(c->off);
    free(c->items);
}

void vx_ctx_free(vx_ctx *c)
{
    free(c->rules);
    hl_strtab_free(&c->families);
    hl_strtab_free(&c->files);
    hl_strtab_free(&c->names);
    free(c->f_file);
    free(c->f_name);
    free(c->f_rule);
    free(c->f_callee);
    hl_strtab_free(&c->callees);
    csr_free(&c->by_name);
    csr_free(&c->by_file);
    hl_strtab_free(&c->basenames);
    csr_free(&c->files_by_base);
    hl_strtab_free(&c->pfiles);
    csr_free(&c->cands);
    free(c->fn_name);
    free(c->fn_pfile);
    free(c->fn_key);
    free(c->fn_kind);
    free(c->fn_callee);
    free(c->fn_rule_mask);
    free(c->fn_fam_mask);
    hl_u64tab_free(&c->line_keys);
    hl_u64tab_free(&c->func_keys);
    hl_strtab_free(&c->fnames);
    free(c->entries);
    free(c->loc_first);
    free(c->site_list.v);
    free(c->loop_list.v);
    free(c->line_fn.v);
    free(c->loc_flags);
    free(c->nameless_loc.v);
    free(c->nameless_fx.v);
    free(c->mapping_named);
    free(c->site);
    free(c->loop_acc);
    free(c->line_slots);
    free(c->func_slots);
    hl_hashmap_free(&c->more_rows);
    free(c->rows);
}

static const char *base_name(const char *path)
{
    const char *s = strrchr(path, '/');
    return s ? s + 1 : path;
}

/* Frames every stack of a process starts with: listing them as unexplained
 * hot code would only say that the program ran. */
static bool is_root_frame(const char *name)
{
    static const char *const roots[] = {"_start",
                                        "__libc_start_main",
                                        "__libc_start_main_impl",
                                        "__libc_start_call_main",
                                        "start_thread",
                                        "clone",
                                        "clone3",
                                        "__clone",
                                        "__clone3",
                                        "__clone_internal"};
    size_t n = hl_function_name_len(name);
    for (size_t i = 0; i < sizeof roots / sizeof roots[0]; i++)
        if (strlen(roots[i]) == n && !strncmp(roots[i], name, n))
            return true;
    return false;
}

/* True for the system's shared libraries: findings are never in them, so
 * their unsymbolized frames cannot hide a finding's function. */
bool vx_is_system_object(const char *path)
{
    static const char *const dirs[] = {"/lib/", "/lib64/", "/usr/lib/", "/usr/lib64/",
                                       "/usr/local/lib/"};
    if (!path || !path[0])
        return false;
    if (path[0] == '[') /* [vdso], [vsyscall], [kernel.kallsyms] */
        return true;
    for (size_t i = 0; i < sizeof dirs / sizeof dirs[0]; i++)
        if (!strncmp(path, dirs[i], strlen(dirs[i])))
            return true;
    return false;
}

const char *vx_fn_name(const hl_prof_function *f)
{
    if (f->name && f->name[0])
        return f->name;
    return f->system_name ? f->system_name : "";
}

/* Distinct rules of the catalog and the findings, and their families. */
static int collect_rules(vx_ctx *c, const hl_catalog *cat)
{
    size_t cap = (cat ? cat->n_rules : 0) + c->fs->n + 1;
    c->rules = malloc(cap * sizeof *c->rules);
    if (!c->rules)
        return -1;
    for (size_t i = 0; cat && i < cat->n_rules; i++)
        c->rules[c->n_rules++] = &cat->rules[i];
    c->f_rule = malloc((c->fs->n + 1) * sizeof *c->f_rule);
    if (!c->f_rule)
        return -1;
    for (size_t i = 0; i < c->fs->n; i++) {
        const hl_rule *r = c->fs->items[i].rule;
        size_t k = 0;
        while (k < c->n_rules && c->rules[k] != r &&
               !(r && c->rules[k] && r->id && c->rules[k]->id && !strcmp(c->rules[k]->id, r->id)))
            k++;
        if (k == c->n_rules && r)
            c->rules[c->n_rules++] = r;
        c->f_rule[i] = r ? (int32_t)k : -1;
    }
    c->words = (c->n_rules + 63) / 64;
    if (!c->words)
        c->words = 1;
    for (size_t k = 0; k < c->n_rules; k++) {
        const char *fam = c->rules[k]->family ? c->rules[k]->family : "other";
        if (c->families.n < HL_VX_MAX_FAMILIES &&
            hl_strtab_intern(&c->families, fam, strlen(fam)) < 0)
            return -1;
    }
    return 0;
}

/* The name a call is known by: "__snprintf_chk" is snprintf, clone and
 * version suffixes left out. */
static const char *callee_key(const char *name, size_t *len)
{
    size_t n = hl_function_name_len(name);
    if (n > 6 && !strncmp(name, "__", 2) && !strncmp(name + n - 4, "_chk", 4)) {
        *len = n - 6;
        return name + 2;
    }
    *len = n;
    return name;
}

/* Allocator entry points and the heap profiler's hooks: an allocation
 * profile's leaves, which unexplained rows step over to the code that
 * allocated. */
static bool is_allocator(const char *name, size_t n)
{
    static const char *const names[] = {
        "malloc",        "calloc",         "realloc",        "free",       "reallocarray",
        "aligned_alloc", "posix_memalign", "memalign",       "valloc",     "pvalloc",
        "strdup",        "strndup",        "_int_malloc",    "_int_free",  "_int_realloc",
        "__libc_malloc", "__libc_calloc",  "__libc_realloc", "__libc_free"};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (strlen(names[i]) == n && !strncmp(names[i], name, n))
            return true;
    return !strncmp(name, "hl_heap_", 8) || !strncmp(name, "hotlint_", 8);
}

/* Interns the findings' files and functions and indexes them. */
static int index_findings(vx_ctx *c)
{
    size_t n = c->fs->n;
    c->f_file = malloc((n + 1) * sizeof *c->f_file);
    c->f_name = malloc((n + 1) * sizeof *c->f_name);
    c->f_callee = malloc((n + 1) * sizeof *c->f_callee);
    if (!c->f_file || !c->f_name || !c->f_callee)
        return -1;
    for (size_t i = 0; i < n; i++) {
        const hl_finding *f = &c->fs->items[i];
        const char *file = f->abs_file ? f->abs_file : (f->file ? f->file : "");
        if ((c->f_file[i] = hl_strtab_intern(&c->files, file, strlen(file))) < 0)
            return -1;
        c->f_name[i] = -1;
        if (f->function && f->function[0] &&
            (c->f_name[i] =
                 hl_strtab_intern(&c->names, f->function, hl_function_name_len(f->function))) < 0)
            return -1;
        c->f_callee[i] = -1;
        if (f->callee && f->callee[0]) {
            size_t len;
            const char *k = callee_key(f->callee, &len);
            if ((c->f_callee[i] = hl_strtab_intern(&c->callees, k, len)) < 0)
                return -1;
        }
    }
    if (csr_build(&c->by_name, c->f_name, n, c->names.n) < 0 ||
        csr_build(&c->by_file, c->f_file, n, c->files.n) < 0)
        return -1;
    int32_t *base_of = malloc((c->files.n + 1) * sizeof *base_of);
    if (!base_of)
        return -1;
    for (size_t i = 0; i < c->files.n; i++) {
        const char *b = base_name(c->files.strs[i]);
        if ((base_of[i] = hl_strtab_intern(&c->basenames, b, strlen(b))) < 0) {
            free(base_of);
            return -1;
        }
    }
    int rc = csr_build(&c->files_by_base, base_of, c->files.n, c->basenames.n);
    free(base_of);
    return rc;
}

/* The source files a profile file name may denote: an exact match (after
 * --trim-path, under --source-root), else every file sharing the longest
 * common path suffix (at least the base name). */
static int match_pfiles(vx_ctx *c)
{
    size_t n = c->pfiles.n;
    vx_u32s cand = {0};
    vx_u32s group = {0};
    char buf[4096];
    for (size_t i = 0; i < n; i++) {
        const char *path = c->pfiles.strs[i];
        size_t before = cand.n;
        int32_t exact = -1;
        if (!path[0])
            continue;
        if (path[0] == '/')
            exact = hl_strtab_find(&c->files, path, strlen(path));
        else if (c->opt.source_root) {
            const char *rel = path;
            while (!strncmp(rel, "./", 2))
                rel += 2;
            int len = snprintf(buf, sizeof buf, "%s%s%s", c->opt.source_root,
                               c->opt.source_root[0] &&
                                       c->opt.source_root[strlen(c->opt.source_root) - 1] == '/'
                                   ? ""
                                   : "/",
                               rel);
            if (len > 0 && (size_t)len < sizeof buf)
                exact = hl_strtab_find(&c->files, buf, (size_t)len);
        }
        if (exact >= 0) {
            if (vx_u32s_push(&cand, (uint32_t)exact) < 0 || vx_u32s_push(&group, (uint32_t)i) < 0)
                goto err;
            continue;
        }
        const char *b = base_name(path);
        int32_t bid = hl_strtab_find(&c->basenames, b, strlen(b));
        if (bid < 0)
            continue;
        size_t best = 0;
        for (uint32_t k = c->files_by_base.off[bid]; k < c->files_by_base.off[bid + 1]; k++) {
            uint32_t file = c->files_by_base.items[k];
            size_t s = hl_path_common_suffix(path, c->files.strs[file]);
            if (s == 0 || s < best)
                continue;
            if (s > best) {
                best = s;
                cand.n = before;
                group.n = before;
            }
            if (vx_u32s_push(&cand, file) < 0 || vx_u32s_push(&group, (uint32_t)i) < 0)
                goto err;
        }
    }
    /* cand is already grouped by profile file in order: turn it into a vx_csr. */
    c->cands.off = calloc(n + 1, sizeof *c->cands.off);
    if (!c->cands.off)
        goto err;
    for (size_t k = 0; k < group.n; k++)
        c->cands.off[group.v[k] + 1]++;
    for (size_t g = 0; g < n; g++)
        c->cands.off[g + 1] += c->cands.off[g];
    c->cands.items = cand.v ? cand.v : malloc(sizeof *c->cands.items);
    cand.v = NULL;
    free(group.v);
    return c->cands.items ? 0 : -1;
err:
    free(cand.v);
    free(group.v);
    return -1;
}

bool vx_file_compatible(const vx_ctx *c, int32_t pfile, int32_t file)
{
    if (pfile < 0 || !c->pfiles.strs[pfile][0])
        return true; /* no file name in the profile: the function name decides */
    for (uint32_t k = c->cands.off[pfile]; k < c->cands.off[pfile + 1]; k++)
        if ((int32_t)c->cands.items[k] == file)
            return true;
    return false;
}

/* Per profile function: finding name id, trimmed file, cost masks, row key. */
static int index_functions(vx_ctx *c)
{
    const hl_profile *p = c->p;
    size_t n = p->n_functions;
    c->fn_name = malloc((n + 1) * sizeof *c->fn_name);
    c->fn_pfile = malloc((n + 1) * sizeof *c->fn_pfile);
    c->fn_key = malloc((n + 1) * sizeof *c->fn_key);
    c->fn_kind = calloc(n + 1, sizeof *c->fn_kind);
    c->fn_callee = malloc((n + 1) * sizeof *c->fn_callee);
    c->fn_rule_mask = calloc((n + 1) * c->words, sizeof *c->fn_rule_mask);
    c->fn_fam_mask = calloc(n + 1, sizeof *c->fn_fam_mask);
    if (!c->fn_name || !c->fn_pfile || !c->fn_key || !c->fn_kind || !c->fn_callee ||
        !c->fn_rule_mask || !c->fn_fam_mask)
        return -1;
    for (size_t i = 0; i < n; i++) {
        const hl_prof_function *f = &p->functions[i];
        const char *name = vx_fn_name(f);
        size_t nlen = hl_function_name_len(name);
        c->fn_name[i] = hl_strtab_find(&c->names, name, nlen);
        const char *file =
            hl_path_trim(f->filename ? f->filename : "", c->opt.trim_paths, c->opt.n_trim_paths);
        if ((c->fn_pfile[i] = hl_strtab_intern(&c->pfiles, file, strlen(file))) < 0)
            return -1;
        c->fn_key[i] = -1;
        c->fn_kind[i] = (uint8_t)((is_root_frame(name) ? VX_FN_ROOT : 0) |
                                  (is_allocator(name, nlen) ? VX_FN_ALLOC : 0) |
                                  (!strncmp(file, "/usr/", 5) ? VX_FN_LIB : 0));
        size_t klen;
        const char *k = callee_key(name, &klen);
        c->fn_callee[i] = nlen ? hl_strtab_find(&c->callees, k, klen) : -1;
        if (nlen && !(c->fn_kind[i] & VX_FN_ROOT)) {
            int32_t nid = hl_strtab_intern(&c->fnames, name, nlen);
            if (nid < 0)
                return -1;
            uint64_t key = (uint64_t)(uint32_t)nid << 32 | (uint32_t)c->fn_pfile[i];
            if ((c->fn_key[i] = hl_u64tab_intern(&c->func_keys, key)) < 0)
                return -1;
        }
        for (size_t r = 0; r < c->n_rules && nlen; r++) {
            const hl_rule *rule = c->rules[r];
            for (size_t s = 0; s < rule->n_cost_symbols; s++) {
                if (!hl_cost_symbol_match(rule->cost_symbols[s], name))
                    continue;
                c->fn_rule_mask[i * c->words + r / 64] |= 1ULL << (r % 64);
                const char *fam = rule->family ? rule->family : "other";
                int32_t b = hl_strtab_find(&c->families, fam, strlen(fam));
                if (b >= 0)
                    c->fn_fam_mask[i] |= 1ULL << b;
                break;
            }
        }
    }
    return match_pfiles(c);
}

static int32_t fn_index(const hl_profile *p, const hl_prof_function *f)
{
    if (!f || f < p->functions || f >= p->functions + p->n_functions)
        return -1;
    return (int32_t)(f - p->functions);
}

/* A line whose function has no name (some symbolizers leave the name of an
 * out-of-line copy empty) still names a file and a line: it belongs to the
 * findings of that file whose function spans the line. Adds their sites and
 * loops to the current vx_entry and remembers the location for "exercised". */
static int match_nameless(vx_ctx *c, uint32_t loc, int32_t pf, int64_t L)
{
    for (uint32_t k = c->cands.off[pf]; k < c->cands.off[pf + 1]; k++) {
        uint32_t file = c->cands.items[k];
        for (uint32_t j = c->by_file.off[file]; j < c->by_file.off[file + 1]; j++) {
            uint32_t fx = c->by_file.items[j];
            const hl_finding *f = &c->fs->items[fx];
            bool site = L > 0 && hl_finding_site_has_line(f, (unsigned)L);
            bool loop = f->loop_start_line && L >= f->loop_start_line &&
                        L <= (f->loop_end_line ? f->loop_end_line : f->loop_start_line);
            bool inside =
                site || loop ||
                (f->function_start_line && L >= f->function_start_line &&
                 L <= (f->function_end_line ? f->function_end_line : f->function_start_line));
            if (!inside)
                continue;
            if (site && vx_u32s_push(&c->site_list, fx) < 0)
                return -1;
            if (loop && vx_u32s_push(&c->loop_list, fx) < 0)
                return -1;
            if (vx_u32s_push(&c->nameless_loc, loc) < 0 || vx_u32s_push(&c->nameless_fx, fx) < 0)
                return -1;
        }
    }
    return 0;
}

/* Fills the entry of line ln of location loc: its flags, its row keys, and the
 * findings whose site or loop holds it. */
static int fill_entry(vx_ctx *c, vx_entry *en, uint32_t loc, const hl_prof_line *ln, int32_t fi,
                      bool lib_mapping)
{
    const hl_profile *p = c->p;
    memset(en, 0, sizeof *en);
    en->fn = (uint32_t)fi;
    en->cost = c->fn_fam_mask[fi] != 0;
    for (size_t w = 0; w < c->words && !en->cost; w++)
        en->cost = c->fn_rule_mask[(size_t)fi * c->words + w] != 0;
    uint8_t kind = c->fn_kind[fi];
    en->root = (kind & VX_FN_ROOT) != 0;
    en->alloc = (kind & VX_FN_ALLOC) != 0;
    en->user = !lib_mapping && !kind && vx_fn_name(&p->functions[fi])[0];
    en->func_key = c->fn_key[fi];
    en->line_key = -1;
    int32_t pf = c->fn_pfile[fi];
    if (ln->line > 0 && c->pfiles.strs[pf][0] && !en->root) {
        uint64_t key = (uint64_t)(uint32_t)pf << 32 | (uint32_t)ln->line;
        if ((en->line_key = hl_u64tab_intern(&c->line_keys, key)) < 0)
            return -1;
        if ((size_t)en->line_key == c->line_fn.n && vx_u32s_push(&c->line_fn, en->fn) < 0)
            return -1;
    }
    en->site_off = (uint32_t)c->site_list.n;
    en->loop_off = (uint32_t)c->loop_list.n;
    int32_t nid = c->fn_name[fi];
    if (nid >= 0 && (ln->line > 0 || !c->has_lines)) {
        int64_t L = ln->line;
        for (uint32_t k = c->by_name.off[nid]; k < c->by_name.off[nid + 1]; k++) {
            uint32_t fx = c->by_name.items[k];
            const hl_finding *f = &c->fs->items[fx];
            if (!vx_file_compatible(c, pf, c->f_file[fx]))
                continue;
            bool site = true, loop = f->loop_start_line != 0;
            if (c->has_lines) {
                site = L > 0 && hl_finding_site_has_line(f, (unsigned)L);
                loop = f->loop_start_line && L >= f->loop_start_line &&
                       L <= (f->loop_end_line ? f->loop_end_line : f->loop_start_line);
            }
            if (site && vx_u32s_push(&c->site_list, fx) < 0)
                return -1;
            if (loop && vx_u32s_push(&c->loop_list, fx) < 0)
                return -1;
        }
    }
    if (nid < 0 && c->has_lines && ln->line > 0 && c->pfiles.strs[pf][0] &&
        !vx_fn_name(&p->functions[fi])[0] && match_nameless(c, loc, pf, ln->line) < 0)
        return -1;
    en->site_n = (uint32_t)c->site_list.n - en->site_off;
    en->loop_n = (uint32_t)c->loop_list.n - en->loop_off;
    if (en->site_n == 1) /* kept in the entry (vx_sites) */
        en->site_off = c->site_list.v[--c->site_list.n];
    if (en->loop_n == 1)
        en->loop_off = c->loop_list.v[--c->loop_list.n];
    return 0;
}

/* The heap profiler's own library: its frames are the allocator's. */
static bool is_runtime_object(const char *path)
{
    const char *b = path ? base_name(path) : "";
    return !strncmp(b, "libhotlint-rt", 13);
}

/* Builds the entries of every location: which findings' sites and loops each
 * line belongs to, and its rows for the unexplained lists. */
static int build_entries(vx_ctx *c, char *err, size_t errlen)
{
    const hl_profile *p = c->p;
    size_t total = 0;
    for (size_t i = 0; i < p->n_locations; i++)
        total += p->locations[i].n_lines;
    c->entries = vx_alloc_aligned(total + 1, sizeof *c->entries);
    c->loc_first = malloc((p->n_locations + 1) * sizeof *c->loc_first);
    c->loc_flags = calloc(p->n_locations + 1, sizeof *c->loc_flags);
    c->mapping_named = calloc(p->n_mappings + 1, sizeof *c->mapping_named);
    if (!c->entries || !c->loc_first || !c->loc_flags || !c->mapping_named)
        return -1;
    if (p->n_functions >= (1u << 26) || total >= UINT32_MAX) {
        snprintf(err, errlen, "profile: too many functions or lines (%zu, %zu)", p->n_functions,
                 total);
        return -2;
    }
    for (size_t i = 0; i < p->n_locations; i++) {
        const hl_prof_location *loc = &p->locations[i];
        if (loc->mapping && loc->mapping >= p->mappings &&
            loc->mapping < p->mappings + p->n_mappings && loc->n_lines > 0)
            c->mapping_named[loc->mapping - p->mappings] = true;
    }
    size_t e = 0;
    for (size_t i = 0; i < p->n_locations; i++) {
        const hl_prof_location *loc = &p->locations[i];
        c->loc_first[i] = (uint32_t)e;
        /* An address without symbols can hide a function of the program only
         * in an object nothing else was symbolized in: where other addresses
         * have lines it is a PLT stub or padding. */
        const hl_prof_mapping *m = loc->mapping;
        size_t mi = m ? (size_t)(m - p->mappings) : 0;
        bool valid = m && mi < p->n_mappings;
        if (loc->n_lines == 0 && valid &&
            !(m->has_functions || c->mapping_named[mi] || vx_is_system_object(m->filename)))
            c->loc_flags[i] |= VX_LOC_UNKNOWN;
        bool lib = valid && (vx_is_system_object(m->filename) || is_runtime_object(m->filename));
        if (loc->n_lines == 0 && valid && vx_is_system_object(m->filename))
            c->loc_flags[i] |= VX_LOC_LIBCALL;
        for (size_t j = 0; j < loc->n_lines; j++) {
            int32_t fi = fn_index(p, loc->lines[j].function);
            if (fi < 0) {
                snprintf(err, errlen,
                         "profile: location %llu names a function outside the function table",
                         (unsigned long long)loc->id);
                return -2;
            }
            if (fill_entry(c, &c->entries[e++], (uint32_t)i, &loc->lines[j], fi, lib) < 0)
                return -1;
        }
    }
    c->loc_first[p->n_locations] = (uint32_t)e;
    memset(&c->libcall, 0, sizeof c->libcall);
    c->libcall.libcall = 1;
    c->libcall.line_key = c->libcall.func_key = -1;
    return 0;
}

/* The heap profile's sample types: every sample an allocation. */
static bool is_allocation_type(const hl_prof_value_type *t)
{
    const char *ty = t->type ? t->type : "";
    return !strncmp(ty, "alloc_", 6) || !strncmp(ty, "inuse_", 6) ||
           (t->unit && !strcmp(t->unit, "bytes"));
}

int vx_index(vx_ctx *c, const hl_catalog *cat, char *err, size_t errlen)
{
    const hl_profile *prof = c->p;
    if ((c->vi = hl_verify_sample_index(prof, c->opt.sample_index, err, errlen)) < 0)
        return -2;
    /* The number of samples behind the shares, for the interval: the "samples"
     * type when there is one (CPU profiles); else the total over the sampling
     * period when it is in the same unit (heap profiles: bytes per sample);
     * else one per sample record. */
    c->ci = -1;
    for (size_t i = 0; i < prof->n_sample_types && c->ci < 0; i++)
        if (prof->sample_types[i].type && !strcmp(prof->sample_types[i].type, "samples"))
            c->ci = (int)i;
    c->heap = is_allocation_type(&prof->sample_types[c->vi]);
    for (size_t i = 0; i < prof->n_locations && !c->has_lines; i++)
        for (size_t j = 0; j < prof->locations[i].n_lines; j++)
            if (prof->locations[i].lines[j].line > 0)
                c->has_lines = true;
    for (size_t i = 0; i < prof->n_functions && !c->has_functions; i++)
        if (vx_fn_name(&prof->functions[i])[0])
            c->has_functions = true;
    if (collect_rules(c, cat) < 0 || index_findings(c) < 0 || index_functions(c) < 0)
        return -1;
    return build_entries(c, err, errlen);
}
