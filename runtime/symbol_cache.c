/* symbol_cache.c - per-build-id files of symbolized addresses: one line per
 * address relative to the module's start, "REL\tN" then N frames of
 * "\tNAME\tFILE\tLINE\tSTART_LINE". */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "../base/atomic_file.h"
#include "../base/grow.h"
#include "../base/hashmap.h"
#include "../profile/palloc.h"
#include "lazy_dw.h"
#include "symbol_cache.h"

#define MAX_FILE (64u << 20)

typedef struct {
    uint64_t rel;
    size_t first, n; /* frames[first .. first + n) */
} sc_entry;

typedef struct {
    char *build_id;
    hl_hashmap index; /* rel -> entry */
    sc_entry *entries;
    size_t n_entries, cap_entries;
    hl_sym_frame *frames; /* strings owned (malloc) */
    size_t n_frames, cap_frames;
    bool dirty;
} sc_module;

struct hl_symcache {
    char dir[4096];
    hl_hashmap by_id; /* build id -> module */
    sc_module *mods;
    size_t n_mods, cap_mods;
};

hl_symcache *hl_symcache_open(void)
{
    const char *off = getenv("HOTLINT_SYMBOL_CACHE");
    if (off && !strcmp(off, "0"))
        return NULL;
    const char *env = getenv("HOTLINT_CACHE_DIR"), *xdg = getenv("XDG_CACHE_HOME"),
               *home = getenv("HOME");
    hl_symcache *c = calloc(1, sizeof *c);
    if (!c)
        return NULL;
    if (env && *env)
        snprintf(c->dir, sizeof c->dir, "%s/symbols", env);
    else if (xdg && xdg[0] == '/')
        snprintf(c->dir, sizeof c->dir, "%s/hotlint/symbols", xdg);
    else if (home && home[0] == '/')
        snprintf(c->dir, sizeof c->dir, "%s/.cache/hotlint/symbols", home);
    else {
        free(c);
        return NULL;
    }
    return c;
}

/* Adds an entry with n frames copied from fr (strings duplicated). */
static int remember(sc_module *m, uint64_t rel, const hl_sym_frame *fr, size_t n)
{
    if (HL_GROW(m->entries, m->n_entries, m->cap_entries) < 0 ||
        hl_grow_to((void **)&m->frames, &m->cap_frames, m->n_frames + n, sizeof *m->frames, NULL) <
            0)
        return -1;
    size_t idx = m->n_entries;
    if (hl_hashmap_get_or_put(&m->index, &rel, sizeof rel, &idx) != 0)
        return -1; /* present already, or ENOMEM */
    for (size_t k = 0; k < n; k++) {
        hl_sym_frame *f = &m->frames[m->n_frames + k];
        f->name = strdup(fr[k].name ? fr[k].name : "");
        f->file = strdup(fr[k].file ? fr[k].file : "");
        f->line = fr[k].line;
        f->start_line = fr[k].start_line;
    }
    m->entries[m->n_entries++] = (sc_entry){rel, m->n_frames, n};
    m->n_frames += n;
    return 0;
}

/* Parses one cache file into m; a malformed line ends the reading. */
static void load(sc_module *m, char *text)
{
    char *save = NULL;
    for (char *line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
        char *f[1 + 2 + 4 * HL_SYM_MAX_INLINE];
        size_t nf = 0;
        for (char *p = line; nf < sizeof f / sizeof f[0];) {
            f[nf++] = p;
            char *tab = strchr(p, '\t');
            if (!tab)
                break;
            *tab = 0;
            p = tab + 1;
        }
        if (nf < 2)
            return;
        uint64_t rel = strtoull(f[0], NULL, 16);
        size_t n = strtoul(f[1], NULL, 10);
        if (n > HL_SYM_MAX_INLINE || nf != 2 + 4 * n)
            return;
        hl_sym_frame fr[HL_SYM_MAX_INLINE];
        for (size_t k = 0; k < n; k++)
            fr[k] = (hl_sym_frame){f[2 + 4 * k], f[3 + 4 * k], strtoll(f[4 + 4 * k], NULL, 10),
                                   strtoll(f[5 + 4 * k], NULL, 10)};
        if (remember(m, rel, fr, n) < 0)
            return;
    }
}

static bool hex_id(const char *s)
{
    size_t n = strspn(s, "0123456789abcdef");
    return n >= 8 && n <= 128 && s[n] == 0;
}

/* The module of build id id, loaded from its file on first use; NULL on ENOMEM. */
static sc_module *module_for(hl_symcache *c, const char *id)
{
    size_t idx = c->n_mods;
    int rc = hl_hashmap_get_or_put(&c->by_id, id, strlen(id), &idx);
    if (rc < 0)
        return NULL;
    if (rc == 1)
        return &c->mods[idx];
    if (HL_GROW(c->mods, c->n_mods, c->cap_mods) < 0)
        return NULL;
    sc_module *m = &c->mods[c->n_mods++];
    memset(m, 0, sizeof *m);
    m->build_id = strdup(id);
    char path[4200], *text = NULL;
    size_t len;
    snprintf(path, sizeof path, "%s/%s", c->dir, id);
    if (hl_file_read_all(AT_FDCWD, path, 1, MAX_FILE, &text, &len) == 0)
        load(m, text);
    free(text);
    m->dirty = false;
    return m;
}

size_t hl_symcache_frames(hl_symcache *c, Dwfl_Module *mod, uint64_t addr, hl_sym_frame *out,
                          size_t max)
{
    const hl_dw_api *dw = mod ? hl_dw() : NULL;
    if (!c || !dw)
        return hl_sym_frames(mod, addr, out, max);
    char *id = hl_sym_build_id(mod);
    Dwarf_Addr start = 0;
    dw->dwfl_module_info(mod, NULL, &start, NULL, NULL, NULL, NULL, NULL);
    sc_module *m = id && hex_id(id) ? module_for(c, id) : NULL;
    hl_pfree(id);
    if (!m)
        return hl_sym_frames(mod, addr, out, max);
    uint64_t rel = addr - start;
    size_t idx;
    if (!hl_hashmap_find(&m->index, &rel, sizeof rel, &idx)) {
        hl_sym_frame fr[HL_SYM_MAX_INLINE];
        size_t n = hl_sym_frames(mod, addr, fr, HL_SYM_MAX_INLINE);
        if (remember(m, rel, fr, n) < 0) {
            size_t k = n < max ? n : max;
            memcpy(out, fr, k * sizeof *out); /* libdw's strings: valid while mod is */
            return k;
        }
        m->dirty = true;
        idx = m->n_entries - 1;
    }
    sc_entry *e = &m->entries[idx];
    size_t k = e->n < max ? e->n : max;
    memcpy(out, &m->frames[e->first], k * sizeof *out);
    return k;
}

/* Writes s with tabs and newlines turned into spaces. */
static void put_field(FILE *f, const char *s)
{
    fputc('\t', f);
    for (; *s; s++)
        fputc(*s == '\t' || *s == '\n' ? ' ' : *s, f);
}

static void save(const hl_symcache *c, const sc_module *m)
{
    hl_afile a;
    char path[4200];
    snprintf(path, sizeof path, "%s/%s", c->dir, m->build_id);
    if (hl_afile_begin(&a, AT_FDCWD, path, 0644) < 0)
        return;
    FILE *f = hl_afile_stream(&a);
    if (!f) {
        hl_afile_abort(&a);
        return;
    }
    for (size_t i = 0; i < m->n_entries; i++) {
        const sc_entry *e = &m->entries[i];
        fprintf(f, "%" PRIx64 "\t%zu", e->rel, e->n);
        for (size_t k = 0; k < e->n; k++) {
            const hl_sym_frame *fr = &m->frames[e->first + k];
            put_field(f, fr->name);
            put_field(f, fr->file);
            fprintf(f, "\t%" PRId64 "\t%" PRId64, fr->line, fr->start_line);
        }
        fputc('\n', f);
    }
    hl_afile_commit(&a);
}

/* Creates dir and its parents (mode 0700 for what is new). */
static int make_dirs(char *dir)
{
    for (char *p = dir + 1; *p; p++) {
        if (*p != '/')
            continue;
        *p = 0;
        int rc = mkdir(dir, 0700);
        *p = '/';
        if (rc < 0 && errno != EEXIST)
            return -1;
    }
    return mkdir(dir, 0700) < 0 && errno != EEXIST ? -1 : 0;
}

void hl_symcache_close(hl_symcache *c)
{
    if (!c)
        return;
    bool dirty = false;
    for (size_t i = 0; i < c->n_mods; i++)
        dirty |= c->mods[i].dirty;
    if (dirty && make_dirs(c->dir) == 0)
        for (size_t i = 0; i < c->n_mods; i++)
            if (c->mods[i].dirty)
                save(c, &c->mods[i]);
    for (size_t i = 0; i < c->n_mods; i++) {
        sc_module *m = &c->mods[i];
        for (size_t k = 0; k < m->n_frames; k++) {
            free((char *)m->frames[k].name);
            free((char *)m->frames[k].file);
        }
        free(m->frames);
        free(m->entries);
        free(m->build_id);
        hl_hashmap_free(&m->index);
    }
    free(c->mods);
    hl_hashmap_free(&c->by_id);
    free(c);
}
