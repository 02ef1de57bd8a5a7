/* verify.c - joins findings with a profile: flat, cum, loop cum, evidence, verdicts,
 * the rule families' share and the hot code no finding explains. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "table.h"
#include "verify.h"

const char *hl_verdict_name(hl_verdict v)
{
    switch (v) {
    case HL_VERDICT_CONFIRMED:
        return "confirmed";
    case HL_VERDICT_DISMISSED:
        return "dismissed";
    case HL_VERDICT_NOT_EXERCISED:
        return "not exercised";
    case HL_VERDICT_INCONCLUSIVE:
        return "inconclusive";
    }
    return "unknown";
}

int hl_verify_sample_index(const hl_profile *prof, const char *name, char *err, size_t errlen)
{
    if (prof->n_sample_types == 0) {
        snprintf(err, errlen, "profile: no sample types; is it a pprof profile?");
        return -1;
    }
    if (!name) {
        /* Allocation rules are about allocated bytes: a heap profile's default
         * (inuse_space in Go's) shows nothing for a program that frees all. */
        int alloc = hl_profile_sample_index(prof, "alloc_space");
        if (alloc >= 0)
            return alloc;
        return prof->default_sample_index < prof->n_sample_types ? (int)prof->default_sample_index
                                                                 : (int)prof->n_sample_types - 1;
    }
    int ix = hl_profile_sample_index(prof, name);
    if (ix >= 0)
        return ix;
    int len =
        snprintf(err, errlen, "profile: no sample type '%s' (give --sample-index one of:", name);
    for (size_t i = 0; i < prof->n_sample_types && len > 0 && (size_t)len < errlen; i++)
        len += snprintf(err + len, errlen - (size_t)len, " %s",
                        prof->sample_types[i].type ? prof->sample_types[i].type : "?");
    if (len > 0 && (size_t)len < errlen)
        snprintf(err + len, errlen - (size_t)len, ")");
    return -1;
}

void hl_verify_options_init(hl_verify_options *o)
{
    memset(o, 0, sizeof *o);
    o->min_share = HL_VERIFY_DEFAULT_MIN_SHARE;
    o->min_samples = HL_VERIFY_DEFAULT_MIN_SAMPLES;
    o->max_unexplained = HL_VERIFY_DEFAULT_MAX_UNEXPLAINED;
}

#define MAX_FAMILIES 64

/* One line of one location, with everything the sample pass needs. */
typedef struct entry {
    int32_t line_key, func_key; /* rows for the unexplained lists; -1: none */
    uint32_t site_off, site_n;  /* findings whose site holds this line */
    uint32_t loop_off, loop_n;  /* findings whose loop holds this line */
    uint32_t fn : 31;           /* index of the function in the profile */
    uint32_t cost : 1;          /* the function is a cost symbol of some rule */
} entry;

/* A growable array of uint32_t. */
typedef struct u32vec {
    uint32_t *v;
    size_t n, cap;
} u32vec;

static int u32vec_push(u32vec *a, uint32_t x)
{
    if (a->n == a->cap) {
        size_t cap = a->cap ? a->cap * 2 : 256;
        uint32_t *v = realloc(a->v, cap * sizeof *v);
        if (!v)
            return -1;
        a->v = v;
        a->cap = cap;
    }
    a->v[a->n++] = x;
    return 0;
}

/* Compressed lists: the members of group g are items[off[g] .. off[g+1]). */
typedef struct csr {
    uint32_t *off, *items;
} csr;

/* Builds a csr of n groups from the group of each of m members (-1: none). */
static int csr_build(csr *c, const int32_t *group_of, size_t m, size_t n)
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

static void csr_free(csr *c)
{
    free(c->off);
    free(c->items);
}

/* All the working state of one verification. */
typedef struct ctx {
    const hl_findings *fs;
    const hl_profile *p;
    hl_verify_options opt;
    /* rules and families */
    const hl_rule **rules;
    size_t n_rules, words; /* words: 64-bit words per rule mask */
    hl_strtab families;
    /* findings */
    hl_strtab files, names; /* source files (absolute) and function names of findings */
    int32_t *f_file, *f_name, *f_rule;
    csr by_name;         /* name id -> findings */
    csr by_file;         /* source file id -> findings */
    hl_strtab basenames; /* basename of a source file -> id */
    csr files_by_base;   /* basename id -> source files */
    /* profile files */
    hl_strtab pfiles; /* trimmed profile file names */
    csr cands;        /* profile file -> candidate source files */
    /* profile functions */
    int32_t *fn_name, *fn_pfile, *fn_key;
    bool *fn_root;          /* process start-up frames, left out of the unexplained lists */
    uint64_t *fn_rule_mask; /* words per function */
    uint64_t *fn_fam_mask;
    /* unexplained rows */
    hl_u64tab line_keys, func_keys;
    hl_strtab fnames; /* every normalised function name in the profile */
    /* locations */
    entry *entries;
    uint32_t *loc_first; /* entries of location i: loc_first[i] .. loc_first[i+1] */
    u32vec site_list, loop_list;
    u32vec line_fn;                   /* line row -> the function of the first line naming it */
    bool *loc_unknown;                /* no symbol, in a mapping that may hold the program's code */
    u32vec nameless_loc, nameless_fx; /* a nameless line of a location in a finding's function */
    bool *mapping_named; /* some location of the mapping has lines: it was symbolized */
} ctx;

static void ctx_free(ctx *c)
{
    free(c->rules);
    hl_strtab_free(&c->families);
    hl_strtab_free(&c->files);
    hl_strtab_free(&c->names);
    free(c->f_file);
    free(c->f_name);
    free(c->f_rule);
    csr_free(&c->by_name);
    csr_free(&c->by_file);
    hl_strtab_free(&c->basenames);
    csr_free(&c->files_by_base);
    hl_strtab_free(&c->pfiles);
    csr_free(&c->cands);
    free(c->fn_name);
    free(c->fn_pfile);
    free(c->fn_key);
    free(c->fn_root);
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
    free(c->loc_unknown);
    free(c->nameless_loc.v);
    free(c->nameless_fx.v);
    free(c->mapping_named);
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
static bool is_system_object(const char *path)
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

static const char *fn_display_name(const hl_prof_function *f)
{
    if (f->name && f->name[0])
        return f->name;
    return f->system_name ? f->system_name : "";
}

/* Distinct rules of the catalog and the findings, and their families. */
static int collect_rules(ctx *c, const hl_catalog *cat)
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
        if (c->families.n < MAX_FAMILIES && hl_strtab_intern(&c->families, fam, strlen(fam)) < 0)
            return -1;
    }
    return 0;
}

/* Interns the findings' files and functions and indexes them. */
static int index_findings(ctx *c)
{
    size_t n = c->fs->n;
    c->f_file = malloc((n + 1) * sizeof *c->f_file);
    c->f_name = malloc((n + 1) * sizeof *c->f_name);
    if (!c->f_file || !c->f_name)
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
static int match_pfiles(ctx *c)
{
    size_t n = c->pfiles.n;
    u32vec cand = {0};
    u32vec group = {0};
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
            if (u32vec_push(&cand, (uint32_t)exact) < 0 || u32vec_push(&group, (uint32_t)i) < 0)
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
            if (u32vec_push(&cand, file) < 0 || u32vec_push(&group, (uint32_t)i) < 0)
                goto err;
        }
    }
    /* cand is already grouped by profile file in order: turn it into a csr. */
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

static bool file_compatible(const ctx *c, int32_t pfile, int32_t file)
{
    if (pfile < 0 || !c->pfiles.strs[pfile][0])
        return true; /* no file name in the profile: the function name decides */
    for (uint32_t k = c->cands.off[pfile]; k < c->cands.off[pfile + 1]; k++)
        if ((int32_t)c->cands.items[k] == file)
            return true;
    return false;
}

/* Per profile function: finding name id, trimmed file, cost masks, row key. */
static int index_functions(ctx *c)
{
    const hl_profile *p = c->p;
    size_t n = p->n_functions;
    c->fn_name = malloc((n + 1) * sizeof *c->fn_name);
    c->fn_pfile = malloc((n + 1) * sizeof *c->fn_pfile);
    c->fn_key = malloc((n + 1) * sizeof *c->fn_key);
    c->fn_root = calloc(n + 1, sizeof *c->fn_root);
    c->fn_rule_mask = calloc((n + 1) * c->words, sizeof *c->fn_rule_mask);
    c->fn_fam_mask = calloc(n + 1, sizeof *c->fn_fam_mask);
    if (!c->fn_name || !c->fn_pfile || !c->fn_key || !c->fn_root || !c->fn_rule_mask ||
        !c->fn_fam_mask)
        return -1;
    for (size_t i = 0; i < n; i++) {
        const hl_prof_function *f = &p->functions[i];
        const char *name = fn_display_name(f);
        size_t nlen = hl_function_name_len(name);
        c->fn_name[i] = hl_strtab_find(&c->names, name, nlen);
        const char *file =
            hl_path_trim(f->filename ? f->filename : "", c->opt.trim_paths, c->opt.n_trim_paths);
        if ((c->fn_pfile[i] = hl_strtab_intern(&c->pfiles, file, strlen(file))) < 0)
            return -1;
        c->fn_key[i] = -1;
        c->fn_root[i] = is_root_frame(name);
        if (nlen && !c->fn_root[i]) {
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
 * loops to the current entry and remembers the location for "exercised". */
static int match_nameless(ctx *c, uint32_t loc, int32_t pf, int64_t L)
{
    for (uint32_t k = c->cands.off[pf]; k < c->cands.off[pf + 1]; k++) {
        uint32_t file = c->cands.items[k];
        for (uint32_t j = c->by_file.off[file]; j < c->by_file.off[file + 1]; j++) {
            uint32_t fx = c->by_file.items[j];
            const hl_finding *f = &c->fs->items[fx];
            unsigned end = f->end_line > f->line ? f->end_line : f->line;
            bool site = L >= f->line && L <= end;
            bool loop = f->loop_start_line && L >= f->loop_start_line &&
                        L <= (f->loop_end_line ? f->loop_end_line : f->loop_start_line);
            bool inside =
                site || loop ||
                (f->function_start_line && L >= f->function_start_line &&
                 L <= (f->function_end_line ? f->function_end_line : f->function_start_line));
            if (!inside)
                continue;
            if (site && u32vec_push(&c->site_list, fx) < 0)
                return -1;
            if (loop && u32vec_push(&c->loop_list, fx) < 0)
                return -1;
            if (u32vec_push(&c->nameless_loc, loc) < 0 || u32vec_push(&c->nameless_fx, fx) < 0)
                return -1;
        }
    }
    return 0;
}

/* Builds the entries of every location: which findings' sites and loops each
 * line belongs to, and its rows for the unexplained lists. */
static int build_entries(ctx *c, bool has_lines, char *err, size_t errlen)
{
    const hl_profile *p = c->p;
    size_t total = 0;
    for (size_t i = 0; i < p->n_locations; i++)
        total += p->locations[i].n_lines;
    c->entries = malloc((total + 1) * sizeof *c->entries);
    c->loc_first = malloc((p->n_locations + 1) * sizeof *c->loc_first);
    c->loc_unknown = calloc(p->n_locations + 1, sizeof *c->loc_unknown);
    if (!c->entries || !c->loc_first || !c->loc_unknown)
        return -1;
    if (p->n_functions >= (1u << 31) || total >= UINT32_MAX) {
        snprintf(err, errlen, "profile: too many functions or lines (%zu, %zu)", p->n_functions,
                 total);
        return -2;
    }
    bool *mapping_named = c->mapping_named = calloc(p->n_mappings + 1, sizeof *mapping_named);
    if (!mapping_named)
        return -1;
    for (size_t i = 0; i < p->n_locations; i++) {
        const hl_prof_location *loc = &p->locations[i];
        if (loc->mapping && loc->mapping >= p->mappings &&
            loc->mapping < p->mappings + p->n_mappings)
            if (loc->n_lines > 0)
                mapping_named[loc->mapping - p->mappings] = true;
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
        c->loc_unknown[i] =
            loc->n_lines == 0 && m && mi < p->n_mappings &&
            !(m->has_functions || mapping_named[mi] || is_system_object(m->filename));
        for (size_t j = 0; j < loc->n_lines; j++) {
            const hl_prof_line *ln = &loc->lines[j];
            int32_t fi = fn_index(p, ln->function);
            if (fi < 0) {
                snprintf(err, errlen,
                         "profile: location %llu names a function outside the function table",
                         (unsigned long long)loc->id);
                return -2;
            }
            entry *en = &c->entries[e++];
            en->fn = (uint32_t)fi;
            en->cost = c->fn_fam_mask[fi] != 0;
            for (size_t w = 0; w < c->words && !en->cost; w++)
                en->cost = c->fn_rule_mask[(size_t)fi * c->words + w] != 0;
            en->func_key = c->fn_key[fi];
            en->line_key = -1;
            int32_t pf = c->fn_pfile[fi];
            if (ln->line > 0 && c->pfiles.strs[pf][0] && !c->fn_root[fi]) {
                uint64_t key = (uint64_t)(uint32_t)pf << 32 | (uint32_t)ln->line;
                if ((en->line_key = hl_u64tab_intern(&c->line_keys, key)) < 0)
                    return -1;
                if ((size_t)en->line_key == c->line_fn.n && u32vec_push(&c->line_fn, en->fn) < 0)
                    return -1;
            }
            en->site_off = (uint32_t)c->site_list.n;
            en->loop_off = (uint32_t)c->loop_list.n;
            int32_t nid = c->fn_name[fi];
            if (nid >= 0 && (ln->line > 0 || !has_lines)) {
                int64_t L = ln->line;
                for (uint32_t k = c->by_name.off[nid]; k < c->by_name.off[nid + 1]; k++) {
                    uint32_t fx = c->by_name.items[k];
                    const hl_finding *f = &c->fs->items[fx];
                    if (!file_compatible(c, pf, c->f_file[fx]))
                        continue;
                    bool site, loop;
                    if (has_lines) {
                        unsigned end = f->end_line > f->line ? f->end_line : f->line;
                        site = L >= f->line && L <= end;
                        loop = f->loop_start_line && L >= f->loop_start_line &&
                               L <= (f->loop_end_line ? f->loop_end_line : f->loop_start_line);
                    } else {
                        site = true;
                        loop = f->loop_start_line != 0;
                    }
                    if (site && u32vec_push(&c->site_list, fx) < 0)
                        return -1;
                    if (loop && u32vec_push(&c->loop_list, fx) < 0)
                        return -1;
                }
            }
            if (nid < 0 && has_lines && ln->line > 0 && c->pfiles.strs[pf][0] &&
                !fn_display_name(&p->functions[fi])[0] &&
                match_nameless(c, (uint32_t)i, pf, ln->line) < 0)
                return -1;
            en->site_n = (uint32_t)c->site_list.n - en->site_off;
            en->loop_n = (uint32_t)c->loop_list.n - en->loop_off;
        }
    }
    c->loc_first[p->n_locations] = (uint32_t)e;
    return 0;
}

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

typedef struct row {
    int32_t key;
    int64_t flat, cum;
} row;

/* -1, 0 or 1 for a descending order of a and b. */
static int desc(int64_t a, int64_t b)
{
    return (a < b) - (a > b);
}

/* By flat then cum (by_flat), or by cum then flat; then by key. */
static int cmp_rows(const row *x, const row *y, bool by_flat)
{
    int c = by_flat ? desc(x->flat, y->flat) : desc(x->cum, y->cum);
    if (!c)
        c = by_flat ? desc(x->cum, y->cum) : desc(x->flat, y->flat);
    return c ? c : (x->key > y->key) - (x->key < y->key);
}

static int cmp_rows_flat(const void *a, const void *b)
{
    return cmp_rows(a, b, true);
}

static int cmp_rows_cum(const void *a, const void *b)
{
    return cmp_rows(a, b, false);
}

static int cmp_families(const void *a, const void *b)
{
    const hl_family_share *x = a, *y = b;
    if (x->value != y->value)
        return x->value > y->value ? -1 : 1;
    return strcmp(x->family, y->family);
}

static double share(int64_t v, int64_t total)
{
    return total > 0 ? (double)v / (double)total : 0.0;
}

static char *dup_str(const char *s)
{
    size_t n = strlen(s) + 1;
    char *d = malloc(n);
    if (d)
        memcpy(d, s, n);
    return d;
}

/* Appends the top rows (by flat, then by cum) of one kind to out, once each. */
static int add_rows(ctx *c, hl_verify_result *out, row *rows, size_t n, bool lines, int64_t total,
                    size_t cap)
{
    size_t start = out->n_unexplained;
    for (int pass = 0; pass < 2; pass++) {
        if (n > 1) /* qsort(NULL, 0) is undefined */
            qsort(rows, n, sizeof *rows, pass == 0 ? cmp_rows_flat : cmp_rows_cum);
        for (size_t i = 0; i < n && i < c->opt.max_unexplained; i++) {
            if ((pass == 0 ? rows[i].flat : rows[i].cum) <= 0)
                break;
            const char *file, *fname;
            int64_t line = 0;
            if (lines) {
                uint64_t key = c->line_keys.keys[rows[i].key];
                file = c->pfiles.strs[key >> 32];
                line = (int64_t)(key & 0xffffffffu);
                fname = fn_display_name(&c->p->functions[c->line_fn.v[rows[i].key]]);
            } else {
                uint64_t key = c->func_keys.keys[rows[i].key];
                file = c->pfiles.strs[key & 0xffffffffu];
                fname = c->fnames.strs[key >> 32];
            }
            size_t flen = hl_function_name_len(fname);
            bool seen = false;
            for (size_t k = start; k < out->n_unexplained && !seen; k++) {
                hl_unexplained *u = &out->unexplained[k];
                seen = u->line == line && !strcmp(u->file, file) &&
                       !strncmp(u->function, fname, flen) && !u->function[flen];
            }
            if (seen)
                continue;
            if (out->n_unexplained >= cap)
                return 0;
            hl_unexplained *u = &out->unexplained[out->n_unexplained];
            memset(u, 0, sizeof *u);
            u->file = dup_str(file);
            u->function = malloc(flen + 1);
            if (!u->file || !u->function) {
                free(u->file);
                free(u->function);
                return -1;
            }
            memcpy(u->function, fname, flen);
            u->function[flen] = '\0';
            u->line = line;
            u->flat = rows[i].flat;
            u->cum = rows[i].cum;
            u->flat_share = share(u->flat, total);
            u->cum_share = share(u->cum, total);
            out->n_unexplained++;
        }
    }
    return 0;
}

static int64_t count_of(const hl_prof_sample *s, int ci)
{
    return ci >= 0 ? s->values[ci] : 1;
}

/* Which findings' functions appear in the profile at all: exercised[fx] for
 * every finding whose function has a sampled location (loc_used), by name
 * and compatible file, or through a nameless line in it. fn_used is scratch
 * of n_functions. Can't fail. */
static void mark_exercised(const ctx *c, const bool *loc_used, bool *fn_used, bool *exercised)
{
    const hl_profile *prof = c->p;
    for (size_t li = 0; li < prof->n_locations; li++)
        if (loc_used[li])
            for (uint32_t e = c->loc_first[li]; e < c->loc_first[li + 1]; e++)
                fn_used[c->entries[e].fn] = true;
    for (size_t k = 0; k < c->nameless_loc.n; k++)
        if (loc_used[c->nameless_loc.v[k]])
            exercised[c->nameless_fx.v[k]] = true;
    for (size_t fi = 0; fi < prof->n_functions; fi++) {
        int32_t nid = c->fn_name[fi];
        if (!fn_used[fi] || nid < 0)
            continue;
        for (uint32_t k = c->by_name.off[nid]; k < c->by_name.off[nid + 1]; k++) {
            uint32_t fx = c->by_name.items[k];
            if (file_compatible(c, c->fn_pfile[fi], c->f_file[fx]))
                exercised[fx] = true;
        }
    }
}

/* A function with a confirmed finding is explained as a function (its other
 * lines may still be listed): sets explained[key] for its function row.
 * items are in finding order. Can't fail. */
static void mark_explained_functions(const ctx *c, const hl_verified *items, bool *explained)
{
    const hl_profile *prof = c->p;
    for (size_t fi = 0; fi < prof->n_functions; fi++) {
        int32_t nid = c->fn_name[fi];
        if (nid < 0 || c->fn_key[fi] < 0)
            continue;
        for (uint32_t k = c->by_name.off[nid]; k < c->by_name.off[nid + 1]; k++) {
            uint32_t fx = c->by_name.items[k];
            if (items[fx].verdict == HL_VERDICT_CONFIRMED &&
                file_compatible(c, c->fn_pfile[fi], c->f_file[fx]))
                explained[c->fn_key[fi]] = true;
        }
    }
}

/* The cost symbols of a family's rules, once each in catalog order,
 * comma-separated. NULL when out of memory. */
static char *family_symbols(const ctx *c, const char *family)
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

/* The verdict of one finding (see hl_verify in verify.h). */
static hl_verdict decide(const hl_verified *it, bool exercised, bool can_match, int64_t total,
                         int64_t total_samples, double unsym_share, const hl_verify_options *o)
{
    if (!can_match)
        return HL_VERDICT_INCONCLUSIVE; /* nothing to tell from */
    if (total > 0 && it->cum_share >= o->min_share)
        return HL_VERDICT_CONFIRMED;
    if (!exercised) /* unless it may hide in unsymbolized frames */
        return unsym_share < o->min_share ? HL_VERDICT_NOT_EXERCISED : HL_VERDICT_INCONCLUSIVE;
    if (total_samples >= o->min_samples && it->ci_high < o->min_share)
        return HL_VERDICT_DISMISSED;
    return HL_VERDICT_INCONCLUSIVE;
}

int hl_verify(const hl_findings *findings, const hl_catalog *cat, const hl_profile *prof,
              const hl_verify_options *opt, hl_verify_result *out, char *err, size_t errlen)
{
    ctx c;
    memset(&c, 0, sizeof c);
    memset(out, 0, sizeof *out);
    c.fs = findings;
    c.p = prof;
    if (opt)
        c.opt = *opt;
    else
        hl_verify_options_init(&c.opt);
    if (c.opt.min_share <= 0)
        c.opt.min_share = HL_VERIFY_DEFAULT_MIN_SHARE;
    if (c.opt.min_samples <= 0)
        c.opt.min_samples = HL_VERIFY_DEFAULT_MIN_SAMPLES;
    if (!c.opt.max_unexplained)
        c.opt.max_unexplained = HL_VERIFY_DEFAULT_MAX_UNEXPLAINED;

    int64_t *flat = NULL, *cum = NULL, *cumc = NULL, *loopc = NULL, *evid = NULL;
    int64_t *lflat = NULL, *lcum = NULL, *fflat = NULL, *fcum = NULL;
    uint32_t *st_site = NULL, *st_loop = NULL, *st_ev = NULL, *st_line = NULL, *st_func = NULL;
    uint64_t *acc = NULL;
    bool *loc_used = NULL, *fn_used = NULL, *exercised = NULL, *key_explained = NULL;
    row *rows = NULL;
    int64_t fam_value[MAX_FAMILIES] = {0};
    int status = -1;

    /* The value to sum and the count behind the interval. */
    int vi = hl_verify_sample_index(prof, c.opt.sample_index, err, errlen);
    if (vi < 0)
        goto fail;
    /* The number of samples behind the shares, for the interval: the "samples"
     * type when there is one (CPU profiles); else the total over the sampling
     * period when it is in the same unit (heap profiles: bytes per sample);
     * else one per sample record. */
    int ci = -1;
    for (size_t i = 0; i < prof->n_sample_types && ci < 0; i++)
        if (prof->sample_types[i].type && !strcmp(prof->sample_types[i].type, "samples"))
            ci = (int)i;
    bool per_period = ci < 0 && prof->period > 0 && prof->period_type.unit &&
                      prof->sample_types[vi].unit &&
                      !strcmp(prof->period_type.unit, prof->sample_types[vi].unit);

    bool has_lines = false, has_functions = false;
    for (size_t i = 0; i < prof->n_locations && !has_lines; i++)
        for (size_t j = 0; j < prof->locations[i].n_lines; j++)
            if (prof->locations[i].lines[j].line > 0)
                has_lines = true;
    for (size_t i = 0; i < prof->n_functions && !has_functions; i++)
        if (fn_display_name(&prof->functions[i])[0])
            has_functions = true;

    if (collect_rules(&c, cat) < 0 || index_findings(&c) < 0 || index_functions(&c) < 0)
        goto oom;
    int rc = build_entries(&c, has_lines, err, errlen);
    if (rc == -2)
        goto fail;
    if (rc < 0)
        goto oom;

    size_t nf = findings->n, nl = c.line_keys.n, nk = c.func_keys.n, W = c.words;
    flat = calloc(nf + 1, sizeof *flat);
    cum = calloc(nf + 1, sizeof *cum);
    cumc = calloc(nf + 1, sizeof *cumc);
    loopc = calloc(nf + 1, sizeof *loopc);
    evid = calloc(nf + 1, sizeof *evid);
    st_site = calloc(nf + 1, sizeof *st_site);
    st_loop = calloc(nf + 1, sizeof *st_loop);
    st_ev = calloc(nf + 1, sizeof *st_ev);
    lflat = calloc(nl + 1, sizeof *lflat);
    lcum = calloc(nl + 1, sizeof *lcum);
    st_line = calloc(nl + 1, sizeof *st_line);
    fflat = calloc(nk + 1, sizeof *fflat);
    fcum = calloc(nk + 1, sizeof *fcum);
    st_func = calloc(nk + 1, sizeof *st_func);
    acc = calloc(W, sizeof *acc);
    loc_used = calloc(prof->n_locations + 1, sizeof *loc_used);
    if (!flat || !cum || !cumc || !loopc || !evid || !st_site || !st_loop || !st_ev || !lflat ||
        !lcum || !st_line || !fflat || !fcum || !st_func || !acc || !loc_used)
        goto oom;

    int64_t total = 0, total_samples = 0, unexpl_total = 0, unsym_total = 0;
    const hl_prof_location *lbase = prof->locations;
    for (size_t s = 0; s < prof->n_samples; s++) {
        const hl_prof_sample *sm = &prof->samples[s];
        int64_t v = sm->values[vi], cnt = count_of(sm, ci);
        uint32_t stamp = (uint32_t)s + 1;
        total += v;
        total_samples += cnt;
        memset(acc, 0, W * sizeof *acc);
        uint64_t fam = 0;
        bool explained = false, leaf = true, unknown = false;
        for (size_t l = 0; l < sm->n_locs; l++) {
            const hl_prof_location *loc = sm->locs[l];
            if (loc < lbase || loc >= lbase + prof->n_locations) {
                snprintf(err, errlen, "profile: sample %zu names a location outside the table", s);
                goto fail;
            }
            size_t li = (size_t)(loc - lbase);
            loc_used[li] = true;
            unknown |= c.loc_unknown[li];
            for (uint32_t e = c.loc_first[li]; e < c.loc_first[li + 1]; e++, leaf = false) {
                const entry *en = &c.entries[e];
                for (uint32_t k = 0; k < en->site_n; k++) {
                    uint32_t fx = c.site_list.v[en->site_off + k];
                    explained = true;
                    if (leaf)
                        flat[fx] += v;
                    if (st_site[fx] != stamp) {
                        st_site[fx] = stamp;
                        cum[fx] += v;
                        cumc[fx] += cnt;
                    }
                    int32_t r = c.f_rule[fx];
                    if (r >= 0 && st_ev[fx] != stamp && (acc[r / 64] >> (r % 64) & 1)) {
                        st_ev[fx] = stamp;
                        evid[fx] += v;
                    }
                }
                for (uint32_t k = 0; k < en->loop_n; k++) {
                    uint32_t fx = c.loop_list.v[en->loop_off + k];
                    if (st_loop[fx] != stamp) {
                        st_loop[fx] = stamp;
                        loopc[fx] += v;
                    }
                }
                if (!en->cost)
                    continue;
                const uint64_t *m = &c.fn_rule_mask[(size_t)en->fn * W];
                for (size_t w = 0; w < W; w++)
                    acc[w] |= m[w];
                uint64_t fresh = c.fn_fam_mask[en->fn] & ~fam;
                fam |= fresh;
                while (fresh) {
                    int b = __builtin_ctzll(fresh);
                    fam_value[b] += v;
                    fresh &= fresh - 1;
                }
            }
        }
        if (unknown)
            unsym_total += v;
        if (explained)
            continue;
        unexpl_total += v;
        leaf = true;
        for (size_t l = 0; l < sm->n_locs; l++) {
            size_t li = (size_t)(sm->locs[l] - lbase);
            for (uint32_t e = c.loc_first[li]; e < c.loc_first[li + 1]; e++, leaf = false) {
                const entry *en = &c.entries[e];
                if (en->line_key >= 0) {
                    if (leaf)
                        lflat[en->line_key] += v;
                    if (st_line[en->line_key] != stamp) {
                        st_line[en->line_key] = stamp;
                        lcum[en->line_key] += v;
                    }
                }
                if (en->func_key >= 0) {
                    if (leaf)
                        fflat[en->func_key] += v;
                    if (st_func[en->func_key] != stamp) {
                        st_func[en->func_key] = stamp;
                        fcum[en->func_key] += v;
                    }
                }
            }
        }
    }

    if (per_period && total > 0) {
        out->sampling_period = prof->period;
        total_samples = total / prof->period;
        if (total_samples < 1)
            total_samples = 1;
    }

    fn_used = calloc(prof->n_functions + 1, sizeof *fn_used);
    exercised = calloc(nf + 1, sizeof *exercised);
    if (!fn_used || !exercised)
        goto oom;
    mark_exercised(&c, loc_used, fn_used, exercised);

    out->items = calloc(nf + 1, sizeof *out->items);
    if (!out->items)
        goto oom;
    out->n_items = nf;
    for (size_t i = 0; i < nf; i++) {
        hl_verified *it = &out->items[i];
        it->finding = &findings->items[i];
        it->flat = flat[i];
        it->cum = cum[i];
        it->loop_cum = loopc[i];
        it->evidence = evid[i];
        it->cum_samples = cumc[i];
        it->flat_share = share(flat[i], total);
        it->cum_share = share(cum[i], total);
        it->loop_cum_share = share(loopc[i], total);
        it->evidence_share = share(evid[i], total);
        it->evidence_of_cum = share(evid[i], cum[i]);
        it->by_function = !has_lines;
        if (ci < 0)
            it->cum_samples = (int64_t)(it->cum_share * (double)total_samples + 0.5);
        hl_wilson_share(it->cum_share, total_samples, &it->ci_low, &it->ci_high);
        it->verdict = decide(it, exercised[i], (has_functions || has_lines) && prof->n_samples > 0,
                             total, total_samples, share(unsym_total, total), &c.opt);
        out->n_confirmed += it->verdict == HL_VERDICT_CONFIRMED;
        out->n_dismissed += it->verdict == HL_VERDICT_DISMISSED;
        out->n_not_exercised += it->verdict == HL_VERDICT_NOT_EXERCISED;
        out->n_inconclusive += it->verdict == HL_VERDICT_INCONCLUSIVE;
    }
    key_explained = calloc(nk + 1, sizeof *key_explained);
    if (!key_explained)
        goto oom;
    mark_explained_functions(&c, out->items, key_explained);
    if (nf > 1) /* qsort(NULL, 0) is undefined */
        qsort(out->items, nf, sizeof *out->items, cmp_items);

    /* Hot code no finding explains. */
    size_t cap = 4 * c.opt.max_unexplained;
    out->unexplained = calloc(cap + 1, sizeof *out->unexplained);
    rows = malloc((nl > nk ? nl : nk) * sizeof *rows + sizeof *rows);
    if (!out->unexplained || !rows)
        goto oom;
    size_t nr = 0;
    for (size_t i = 0; i < nl; i++)
        if (lcum[i] > 0 || lflat[i] > 0)
            rows[nr++] = (row){(int32_t)i, lflat[i], lcum[i]};
    if (add_rows(&c, out, rows, nr, true, total, cap) < 0)
        goto oom;
    nr = 0;
    for (size_t i = 0; i < nk; i++)
        if ((fcum[i] > 0 || fflat[i] > 0) && !key_explained[i])
            rows[nr++] = (row){(int32_t)i, fflat[i], fcum[i]};
    if (add_rows(&c, out, rows, nr, false, total, cap) < 0)
        goto oom;

    /* The rule families' share of the total. */
    out->families = calloc(c.families.n + 1, sizeof *out->families);
    if (!out->families)
        goto oom;
    for (size_t b = 0; b < c.families.n; b++) {
        hl_family_share *fsh = &out->families[out->n_families++];
        fsh->family = dup_str(c.families.strs[b]);
        fsh->value = fam_value[b];
        fsh->share = share(fam_value[b], total);
        fsh->symbols = family_symbols(&c, fsh->family);
        if (!fsh->family || !fsh->symbols)
            goto oom;
    }
    if (out->n_families > 1) /* qsort(NULL, 0) is undefined */
        qsort(out->families, out->n_families, sizeof *out->families, cmp_families);

    out->total = total;
    out->total_samples = total_samples;
    out->sample_type = prof->sample_types[vi].type;
    if (!c.opt.sample_index && (size_t)vi != prof->default_sample_index &&
        prof->default_sample_index < prof->n_sample_types)
        out->profile_default_type = prof->sample_types[prof->default_sample_index].type;
    out->sample_unit = prof->sample_types[vi].unit;
    out->profile_has_lines = has_lines;
    out->profile_has_functions = has_functions;
    out->unexplained_total = unexpl_total;
    out->unsymbolized = unsym_total;
    out->unsymbolized_share = share(unsym_total, total);
    out->options = c.opt;
    status = 0;
    goto done;

oom:
    snprintf(err, errlen, "verify: out of memory");
fail:
    hl_verify_result_free(out);
done:
    free(flat), free(cum), free(cumc), free(loopc), free(evid);
    free(lflat), free(lcum), free(fflat), free(fcum);
    free(st_site), free(st_loop), free(st_ev), free(st_line), free(st_func);
    free(acc), free(loc_used), free(fn_used), free(exercised), free(rows);
    free(key_explained);
    ctx_free(&c);
    return status;
}

void hl_verify_result_free(hl_verify_result *r)
{
    if (!r)
        return;
    free(r->items);
    for (size_t i = 0; i < r->n_unexplained; i++) {
        free(r->unexplained[i].file);
        free(r->unexplained[i].function);
    }
    free(r->unexplained);
    for (size_t i = 0; i < r->n_families; i++) {
        free(r->families[i].family);
        free(r->families[i].symbols);
    }
    free(r->families);
    memset(r, 0, sizeof *r);
}
