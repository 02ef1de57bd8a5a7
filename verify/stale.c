/* stale.c - does the source still match the profiled binary? Each finding's function
 * starts (DWARF's declaration line, the line naming it) where the profile says. */
#include <ctype.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "atomic_file.h"
#include "internal.h"

#define MAX_SOURCE_BYTES ((size_t)64 << 20)

/* The line in text, from first to last, naming function name as a declarator
 * (the name, then '('); 0 when none does. */
static unsigned name_line(const char *text, unsigned first, unsigned last, const char *name,
                          size_t nlen)
{
    unsigned line = 1;
    const char *p = text;
    while (*p && line < first) {
        if (*p++ == '\n')
            line++;
    }
    for (; *p && line <= last; line++) {
        const char *end = strchr(p, '\n');
        size_t len = end ? (size_t)(end - p) : strlen(p);
        for (const char *q = p; q + nlen <= p + len; q++) {
            if (strncmp(q, name, nlen) ||
                (q > p && (isalnum((unsigned char)q[-1]) || q[-1] == '_')))
                continue;
            const char *r = q + nlen;
            while (r < p + len && (*r == ' ' || *r == '\t'))
                r++;
            if (r < p + len && *r == '(')
                return line;
        }
        if (!end)
            break;
        p = end + 1;
    }
    return 0;
}

/* The text of source file id, read once; NULL when it cannot be read. */
static const char *source_text(const vx_ctx *c, char **texts, bool *tried, int32_t id)
{
    if (!tried[id]) {
        size_t len;
        tried[id] = true;
        if (hl_file_read_all(AT_FDCWD, c->files.strs[id], 0, MAX_SOURCE_BYTES, &texts[id], &len) <
            0)
            texts[id] = NULL;
    }
    return texts[id];
}

/* Compares profile function fi with the findings of its name; writes the first
 * difference to out->stale. Returns 1 when one was found, 0, or -1 (memory). */
static int check_function(const vx_ctx *c, size_t fi, char **texts, bool *tried,
                          hl_verify_result *out)
{
    const hl_prof_function *pf = &c->p->functions[fi];
    int32_t nid = c->fn_name[fi];
    for (uint32_t k = c->by_name.off[nid]; k < c->by_name.off[nid + 1]; k++) {
        uint32_t fx = c->by_name.items[k];
        const hl_finding *f = &c->fs->items[fx];
        if (!f->function_start_line || !vx_file_compatible(c, c->fn_pfile[fi], c->f_file[fx]))
            continue;
        const char *text = source_text(c, texts, tried, c->f_file[fx]);
        if (!text)
            continue;
        size_t nlen = hl_function_name_len(f->function);
        unsigned last = f->function_end_line ? f->function_end_line : f->function_start_line + 8;
        unsigned at = name_line(text, f->function_start_line, last, f->function, nlen);
        if (!at || (int64_t)at == pf->start_line)
            continue;
        char msg[1024];
        snprintf(msg, sizeof msg,
                 "%s: the source does not match the profiled binary: function %.*s is at line "
                 "%lld in the binary's debug information but at line %u in the source",
                 f->file ? f->file : c->files.strs[c->f_file[fx]], (int)nlen, f->function,
                 (long long)pf->start_line, at);
        out->stale = vx_strdup(msg);
        return out->stale ? 1 : -1;
    }
    return 0;
}

int vx_check_stale(vx_ctx *c, hl_verify_result *out)
{
    size_t nfiles = c->files.n;
    char **texts = calloc(nfiles + 1, sizeof *texts);
    bool *tried = calloc(nfiles + 1, sizeof *tried);
    int rc = texts && tried ? 0 : -1;
    for (size_t fi = 0; rc == 0 && fi < c->p->n_functions; fi++)
        if (c->fn_name[fi] >= 0 && c->p->functions[fi].start_line > 0)
            rc = check_function(c, fi, texts, tried, out);
    for (size_t i = 0; texts && i < nfiles; i++)
        free(texts[i]);
    free(texts);
    free(tried);
    return rc;
}
