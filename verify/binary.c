/* binary.c - calls the compiler merged: gcc -O2's cross-jumping and tail merging turn
 * two identical calls of one function into one call instruction, so the profile
 * charges one site for both. Read from the profiled binary (the mapping's path, its
 * build ID checked): the DWARF call sites of each finding's function, each at the line
 * the line table gives its call instruction. */
#include <dwarf.h>
#include <elfutils/libdw.h>
#include <elfutils/libdwelf.h>
#include <fcntl.h>
#include <libelf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "grow.h"
#include "internal.h"

#define KEEP_APART "-fno-crossjumping"

/* One call in the function: its line (the call instruction's), the line's file
 * (base name, owned by libdw), the line row's address and the return address. */
typedef struct call_at {
    unsigned line;
    const char *base;
    uint64_t addr, ret;
    bool callee; /* a call of the finding's callee */
} call_at;

/* One row of the line table inside the function. */
typedef struct row_at {
    unsigned line;
    const char *base;
    uint64_t addr;
} row_at;

/* What the binary says about one function. */
typedef struct fn_code {
    call_at *calls;
    size_t n_calls, cap_calls;
    row_at *rows;
    size_t n_rows, cap_rows;
} fn_code;

/* An opened binary. */
typedef struct binary {
    const hl_prof_mapping *m;
    int fd;
    Elf *elf;
    Dwarf *dw;
} binary;

typedef struct binaries {
    binary *v;
    size_t n, cap;
} binaries;

static const char *base_of(const char *path)
{
    const char *s = strrchr(path, '/');
    return s ? s + 1 : path;
}

/* Adds a sentence to out->binary_note. */
static void note(hl_verify_result *out, const char *msg)
{
    if (out->binary_note)
        return; /* the first says enough */
    out->binary_note = vx_strdup(msg);
}

static void hex(const unsigned char *p, size_t n, char *buf, size_t len)
{
    size_t at = 0;
    for (size_t i = 0; i < n && at + 3 <= len; i++)
        at += (size_t)snprintf(buf + at, len - at, "%02x", p[i]);
    buf[at < len ? at : len - 1] = '\0';
}

/* Opens the binary of mapping m (once); NULL with a note when it cannot be read,
 * has another build ID than the profile's, or has no DWARF. */
static binary *open_binary(binaries *bs, const hl_prof_mapping *m, hl_verify_result *out)
{
    char msg[1200];
    for (size_t i = 0; i < bs->n; i++)
        if (bs->v[i].m == m)
            return bs->v[i].dw ? &bs->v[i] : NULL;
    if (HL_GROW(bs->v, bs->n, bs->cap) < 0)
        return NULL;
    binary *b = &bs->v[bs->n++];
    memset(b, 0, sizeof *b);
    b->m = m;
    b->fd = open(m->filename, O_RDONLY | O_CLOEXEC);
    if (b->fd < 0) {
        snprintf(msg, sizeof msg,
                 "%s: cannot open the profiled binary, so merged calls were not "
                 "looked for",
                 m->filename);
        note(out, msg);
        return NULL;
    }
    elf_version(EV_CURRENT);
    b->elf = elf_begin(b->fd, ELF_C_READ_MMAP, NULL);
    const void *id = NULL;
    ssize_t n = b->elf ? dwelf_elf_gnu_build_id(b->elf, &id) : -1;
    char have[256] = "";
    if (n > 0)
        hex(id, (size_t)n, have, sizeof have);
    if (m->build_id && m->build_id[0] && n > 0 && strcasecmp(have, m->build_id)) {
        snprintf(msg, sizeof msg,
                 "%s: build ID %s, but the profile's is %s: the binary was "
                 "rebuilt, so merged calls were not looked for",
                 m->filename, have, m->build_id);
        note(out, msg);
        return NULL;
    }
    b->dw = b->elf ? dwarf_begin_elf(b->elf, DWARF_C_READ, NULL) : NULL;
    if (!b->dw) {
        snprintf(msg, sizeof msg,
                 "%s: no DWARF debug information (build with -g), so merged "
                 "calls were not looked for",
                 m->filename);
        note(out, msg);
    }
    return b->dw ? b : NULL;
}

static void close_binaries(binaries *bs)
{
    for (size_t i = 0; i < bs->n; i++) {
        if (bs->v[i].dw)
            dwarf_end(bs->v[i].dw);
        if (bs->v[i].elf)
            elf_end(bs->v[i].elf);
        if (bs->v[i].fd >= 0)
            close(bs->v[i].fd);
    }
    free(bs->v);
}

/* The name a call site calls ("__snprintf_chk" is snprintf). */
static bool calls_callee(Dwarf_Die *site, const char *callee)
{
    Dwarf_Attribute a;
    Dwarf_Die origin;
    if (!dwarf_attr(site, DW_AT_call_origin, &a) && !dwarf_attr(site, DW_AT_abstract_origin, &a))
        return false;
    if (!dwarf_formref_die(&a, &origin))
        return false;
    const char *name = dwarf_diename(&origin);
    if (!name)
        return false;
    size_t n = strlen(name), k = strlen(callee);
    if (n > 6 && !strncmp(name, "__", 2) && !strcmp(name + n - 4, "_chk"))
        return n - 6 == k && !strncmp(name + 2, callee, k);
    return !strcmp(name, callee);
}

/* Collects the calls under die (call sites in nested blocks too). */
static int collect_calls(Dwarf_Die *cu, Dwarf_Die *die, const char *callee, fn_code *out)
{
    Dwarf_Die child;
    if (dwarf_child(die, &child) != 0)
        return 0;
    do {
        int tag = dwarf_tag(&child);
        Dwarf_Attribute a;
        Dwarf_Addr pc = 0;
        if (tag == DW_TAG_call_site || tag == DW_TAG_GNU_call_site) {
            if (!(dwarf_attr(&child, DW_AT_call_return_pc, &a) ||
                  dwarf_attr(&child, DW_AT_low_pc, &a)) ||
                dwarf_formaddr(&a, &pc) != 0 || pc == 0)
                continue;
            Dwarf_Line *ln = dwarf_getsrc_die(cu, pc - 1); /* the call instruction */
            int line = 0;
            Dwarf_Addr at = pc - 1;
            if (!ln || dwarf_lineno(ln, &line) != 0 || line <= 0)
                continue;
            dwarf_lineaddr(ln, &at);
            if (HL_GROW(out->calls, out->n_calls, out->cap_calls) < 0)
                return -1;
            const char *src = dwarf_linesrc(ln, NULL, NULL);
            out->calls[out->n_calls++] = (call_at){(unsigned)line, src ? base_of(src) : "", at, pc,
                                                   calls_callee(&child, callee)};
        } else if (tag == DW_TAG_lexical_block || tag == DW_TAG_inlined_subroutine) {
            if (collect_calls(cu, &child, callee, out) < 0)
                return -1;
        }
    } while (dwarf_siblingof(&child, &child) == 0);
    return 0;
}

/* The line rows of cu inside die's address ranges. */
static int collect_rows(Dwarf_Die *cu, Dwarf_Die *die, fn_code *out)
{
    Dwarf_Lines *lines;
    size_t nl;
    Dwarf_Addr base, lo, hi;
    if (dwarf_getsrclines(cu, &lines, &nl) != 0)
        return 0;
    for (ptrdiff_t off = 0; (off = dwarf_ranges(die, off, &base, &lo, &hi)) > 0;)
        for (size_t i = 0; i < nl; i++) {
            Dwarf_Line *ln = dwarf_onesrcline(lines, i);
            Dwarf_Addr at;
            int line;
            if (!ln || dwarf_lineaddr(ln, &at) || at < lo || at >= hi || dwarf_lineno(ln, &line) ||
                line <= 0)
                continue;
            if (HL_GROW(out->rows, out->n_rows, out->cap_rows) < 0)
                return -1;
            const char *src = dwarf_linesrc(ln, NULL, NULL);
            out->rows[out->n_rows++] = (row_at){(unsigned)line, src ? base_of(src) : "", at};
        }
    return 0;
}

/* The calls and line rows of every out-of-line copy of function fname (clones too). */
static int function_code(binary *b, const char *fname, size_t flen, const char *callee,
                         fn_code *out)
{
    Dwarf_Off off = 0, next;
    size_t hsize;
    while (dwarf_nextcu(b->dw, off, &next, &hsize, NULL, NULL, NULL) == 0) {
        Dwarf_Die cu, die;
        if (dwarf_offdie(b->dw, off + hsize, &cu) && dwarf_child(&cu, &die) == 0) {
            do {
                if (dwarf_tag(&die) != DW_TAG_subprogram ||
                    !(dwarf_hasattr(&die, DW_AT_low_pc) || dwarf_hasattr(&die, DW_AT_ranges)))
                    continue;
                const char *name = dwarf_diename(&die);
                if (name && strlen(name) == flen && !strncmp(name, fname, flen) &&
                    (collect_calls(&cu, &die, callee, out) < 0 || collect_rows(&cu, &die, out) < 0))
                    return -1;
            } while (dwarf_siblingof(&die, &die) == 0);
        }
        off = next;
    }
    return 0;
}

/* The mapping holding the code of finding fx's function; NULL when unknown. */
static const hl_prof_mapping *mapping_of(const vx_ctx *c, uint32_t fx)
{
    const hl_profile *p = c->p;
    for (size_t i = 0; i < p->n_locations; i++) {
        const hl_prof_location *loc = &p->locations[i];
        if (!loc->mapping || !loc->mapping->filename[0])
            continue;
        for (uint32_t e = c->loc_first[i]; e < c->loc_first[i + 1]; e++) {
            uint32_t fn = c->entries[e].fn;
            if (c->fn_name[fn] == c->f_name[fx] &&
                vx_file_compatible(c, c->fn_pfile[fn], c->f_file[fx]))
                return loc->mapping;
        }
    }
    return NULL;
}

static bool on_lines(const hl_finding *f, unsigned line, const char *base)
{
    unsigned end = f->end_line > f->line ? f->end_line : f->line;
    return line >= f->line && line <= end && !strcmp(base, base_of(f->file ? f->file : ""));
}

/* Does finding f's code hold a call: of the callee (callee_only), or of anything? */
static bool holds_call(const hl_finding *f, const fn_code *fc, bool callee_only)
{
    for (size_t i = 0; i < fc->n_calls; i++)
        if ((fc->calls[i].callee || !callee_only) &&
            on_lines(f, fc->calls[i].line, fc->calls[i].base))
            return true;
    return false;
}

/* Bytes before a shared call that the merged site's code may start at. */
#define MERGED_REACH 96

/* The call of the callee that finding f's code flows into: a line row of f
 * shortly before the call's return address with no call in between (the
 * compiler kept f's line at the start of the shared instructions). -1 when
 * there is none. */
static ptrdiff_t flows_into(const hl_finding *f, const fn_code *fc)
{
    for (size_t r = 0; r < fc->n_rows; r++) {
        const row_at *row = &fc->rows[r];
        if (!on_lines(f, row->line, row->base))
            continue;
        for (size_t k = 0; k < fc->n_calls; k++) {
            const call_at *ca = &fc->calls[k];
            if (!ca->callee || ca->ret <= row->addr || ca->ret - row->addr > MERGED_REACH)
                continue;
            bool between = false;
            for (size_t j = 0; j < fc->n_calls && !between; j++)
                between = fc->calls[j].ret > row->addr && fc->calls[j].ret < ca->ret;
            if (!between)
                return (ptrdiff_t)k;
        }
    }
    return -1;
}

/* Marks the findings g[0..n) merged: they share the call instruction at addr. */
static int mark_merged(vx_ctx *c, hl_verify_result *out, const uint32_t *g, size_t n, uint64_t addr)
{
    int64_t combined = 0;
    for (size_t i = 0; i < n; i++)
        combined += out->items[g[i]].evidence;
    for (size_t i = 0; i < n; i++) {
        hl_verified *it = &out->items[g[i]];
        free(it->merged_with);
        it->n_merged_with = 0;
        it->merged_with = calloc(n, sizeof *it->merged_with);
        if (!it->merged_with)
            return -1;
        for (size_t k = 0; k < n; k++)
            if (k != i)
                it->merged_with[it->n_merged_with++] = &c->fs->items[g[k]];
        it->verdict = HL_VERDICT_MERGED;
        it->merged_evidence = combined;
        it->merged_share = vx_share(combined, c->tot.total);
        it->merged_address = addr;
        it->keep_apart = KEEP_APART;
    }
    return 0;
}

/* A finding with no call at all on its lines, in a function that calls its
 * callee on other findings' lines, fewer times than there are findings: its
 * call was merged into one of theirs, though the line table does not say
 * which (the shared call is reached by a jump). It is merged with the
 * candidates, whose verdicts stand on their own. */
static int merged_somewhere(vx_ctx *c, hl_verify_result *out, const uint32_t *g, size_t n,
                            const fn_code *fc)
{
    size_t calls = 0; /* calls of the callee on the findings' lines (not inlined helpers') */
    for (size_t k = 0; k < fc->n_calls; k++) {
        bool mine = false;
        for (size_t j = 0; j < n && !mine && fc->calls[k].callee; j++)
            mine = on_lines(&c->fs->items[g[j]], fc->calls[k].line, fc->calls[k].base);
        calls += mine;
    }
    for (size_t i = 0; i < n; i++) {
        hl_verified *it = &out->items[g[i]];
        if (it->verdict == HL_VERDICT_MERGED || holds_call(it->finding, fc, false))
            continue;
        size_t cand = 0;
        int64_t combined = it->evidence;
        for (size_t j = 0; j < n; j++)
            if (j != i && holds_call(&c->fs->items[g[j]], fc, true)) {
                cand++;
                combined += out->items[g[j]].evidence;
            }
        if (!cand || calls >= n)
            continue;
        if (!(it->merged_with = calloc(cand, sizeof *it->merged_with)))
            return -1;
        for (size_t j = 0; j < n; j++)
            if (j != i && holds_call(&c->fs->items[g[j]], fc, true))
                it->merged_with[it->n_merged_with++] = &c->fs->items[g[j]];
        it->verdict = HL_VERDICT_MERGED;
        it->merged_evidence = combined;
        it->merged_share = vx_share(combined, c->tot.total);
        it->merged_address = 0; /* one of the candidates' calls */
        it->keep_apart = KEEP_APART;
    }
    return 0;
}

/* Judges one group of findings (same function, file and callee): a finding
 * with no call at all on its lines whose code flows into another finding's
 * call shares that call. (A finding whose call became other calls, as
 * strcat(s, "|") becomes strlen and a store, is not merged.) */
static int judge_group(vx_ctx *c, hl_verify_result *out, binaries *bs, const uint32_t *g, size_t n)
{
    const hl_finding *f0 = &c->fs->items[g[0]];
    const hl_prof_mapping *m = mapping_of(c, g[0]);
    binary *b = m ? open_binary(bs, m, out) : NULL;
    fn_code fc = {0};
    uint32_t pair[2];
    int rc = 0;
    if (!b)
        return 0;
    if (function_code(b, f0->function, hl_function_name_len(f0->function), f0->callee, &fc) < 0)
        rc = -1;
    for (size_t i = 0; rc == 0 && i < n; i++) {
        const hl_finding *f = &c->fs->items[g[i]];
        ptrdiff_t k;
        if (holds_call(f, &fc, false) || (k = flows_into(f, &fc)) < 0)
            continue;
        for (size_t j = 0; j < n; j++) {
            const hl_finding *o = &c->fs->items[g[j]];
            if (j == i || !on_lines(o, fc.calls[k].line, fc.calls[k].base))
                continue;
            pair[0] = g[i];
            pair[1] = g[j];
            rc = mark_merged(c, out, pair, 2, fc.calls[k].addr);
            break;
        }
    }
    if (rc == 0)
        rc = merged_somewhere(c, out, g, n, &fc);
    free(fc.calls);
    free(fc.rows);
    return rc;
}

/* A finding's grouping key: its file, function and callee. */
typedef struct gkey {
    int32_t file, name, callee;
    uint32_t fx;
} gkey;

static int cmp_key(const gkey *x, const gkey *y)
{
    if (x->file != y->file)
        return x->file < y->file ? -1 : 1;
    if (x->name != y->name)
        return x->name < y->name ? -1 : 1;
    return (x->callee > y->callee) - (x->callee < y->callee);
}

static int cmp_gkeys(const void *a, const void *b)
{
    const gkey *x = a, *y = b;
    int k = cmp_key(x, y);
    return k ? k : (x->fx > y->fx) - (x->fx < y->fx);
}

int vx_find_merged(vx_ctx *c, hl_verify_result *out)
{
    size_t nf = c->fs->n, m = 0;
    if (!c->has_lines || nf < 2)
        return 0;
    gkey *keys = malloc(nf * sizeof *keys);
    uint32_t *group = malloc(nf * sizeof *group);
    int rc = keys && group ? 0 : -1;
    for (size_t i = 0; rc == 0 && i < nf; i++)
        if (c->f_name[i] >= 0 && c->f_callee[i] >= 0 && c->fs->items[i].callee)
            keys[m++] = (gkey){c->f_file[i], c->f_name[i], c->f_callee[i], (uint32_t)i};
    if (m > 1)
        qsort(keys, m, sizeof *keys, cmp_gkeys);
    binaries bs = {0};
    for (size_t i = 0; i < m && rc == 0;) {
        size_t j = i;
        while (j < m && !cmp_key(&keys[i], &keys[j])) {
            group[j - i] = keys[j].fx;
            j++;
        }
        if (j - i >= 2)
            rc = judge_group(c, out, &bs, group, j - i);
        i = j;
    }
    close_binaries(&bs);
    free(keys);
    free(group);
    return rc;
}
