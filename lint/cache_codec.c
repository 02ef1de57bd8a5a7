/* cache_codec.c - the records of a result cache entry: numbers and
 * length-prefixed strings, a finding with its heat and notes, and the unit's
 * summary for the whole-program stage. One reader and one writer per record,
 * side by side, so that the two stay in step. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../base/grow.h"
#include "cache_internal.h"
#include "finding_fields.h"

/* A number's start: false (and r->bad set) when nothing is left to read. */
static bool rd_start(hl_rd *r)
{
    if (r->bad || r->p >= r->end) {
        r->bad = 1;
        return false;
    }
    errno = 0;
    return true;
}

/* A number's end at e: sets r->bad when none was read or it overflowed, else
 * moves past it and the blanks after it. */
static void rd_finish(hl_rd *r, char *e)
{
    if (e == r->p || errno) {
        r->bad = 1;
        return;
    }
    r->p = e;
    while (r->p < r->end && (*r->p == ' ' || *r->p == '\n'))
        r->p++;
}

long long hl_rd_num(hl_rd *r)
{
    char *e;
    if (!rd_start(r))
        return 0;
    long long v = strtoll(r->p, &e, 10);
    rd_finish(r, e);
    return r->bad ? 0 : v;
}

unsigned long long hl_rd_hex(hl_rd *r)
{
    char *e;
    if (!rd_start(r))
        return 0;
    unsigned long long v = strtoull(r->p, &e, 16);
    rd_finish(r, e);
    return r->bad ? 0 : v;
}

/* "<len>:<bytes>\n"; len -1 for NULL. Returns a malloc'ed copy (NULL for NULL or error). */
char *hl_rd_str(hl_rd *r)
{
    long long n = hl_rd_num(r);
    char *s;
    if (r->bad || n < -1)
        return r->bad = 1, NULL;
    if (n == -1) { /* "-1:\n" */
        if (r->p < r->end && *r->p == ':')
            r->p++;
        while (r->p < r->end && *r->p == '\n')
            r->p++;
        return NULL;
    }
    if (r->p >= r->end || *r->p != ':' || r->end - r->p - 1 < n) {
        r->bad = 1;
        return NULL;
    }
    r->p++;
    if (!(s = malloc((size_t)n + 1))) {
        r->bad = 1;
        return NULL;
    }
    memcpy(s, r->p, (size_t)n);
    s[n] = '\0';
    r->p += n;
    while (r->p < r->end && *r->p == '\n')
        r->p++;
    return s;
}

void hl_wr_str(FILE *f, const char *s)
{
    if (!s)
        fputs("-1:\n", f);
    else
        fprintf(f, "%zu:%s\n", strlen(s), s);
}

/* A count that must be sane before anything is allocated for it. */
static size_t rd_count(hl_rd *r, long long max)
{
    long long n = hl_rd_num(r);
    if (r->bad || n < 0 || n > max) {
        r->bad = 1;
        return 0;
    }
    return (size_t)n;
}

static void *rd_array(hl_rd *r, size_t n, size_t elem)
{
    if (r->bad || n == 0)
        return NULL;
    void *p = calloc(n, elem);
    if (!p)
        r->bad = 1;
    return p;
}

/* ---- findings ---- */

/* A finding is its fields of the table (finding_fields.c) that the cache
 * carries, in the table's order. */
void hl_cache_write_finding(FILE *f, const hl_finding *x)
{
    for (size_t k = 0; k < hl_n_finding_fields; k++) {
        const hl_finding_field *fd = &hl_finding_fields[k];
        if (!(fd->in & HL_FIELD_IN_CACHE))
            continue;
        switch (fd->kind) {
        case HL_FIELD_RULE:
            hl_wr_str(f, x->rule ? x->rule->id : NULL);
            break;
        case HL_FIELD_STR:
            hl_wr_str(f, hl_field_cstr(x, fd));
            break;
        case HL_FIELD_UINT:
            fprintf(f, "%u\n", hl_field_cuint(x, fd));
            break;
        case HL_FIELD_LOOP:
            fprintf(f, "%u %u %u\n", x->loop_start_line, x->loop_end_line, x->loop_depth);
            break;
        case HL_FIELD_HEAT:
            fprintf(f, "%d\n", (int)x->heat);
            break;
        case HL_FIELD_HEAT_REASONS:
            fprintf(f, "%zu\n", x->n_heat_reasons);
            for (size_t i = 0; i < x->n_heat_reasons; i++)
                hl_wr_str(f, x->heat_reasons[i]);
            break;
        case HL_FIELD_NOTES:
            fprintf(f, "%zu\n", x->n_notes);
            for (size_t i = 0; i < x->n_notes; i++) {
                const hl_note *n = &x->notes[i];
                fprintf(f, "%u %u %u %u\n", n->line, n->column, n->end_line, n->end_column);
                hl_wr_str(f, n->file);
                hl_wr_str(f, n->message);
            }
            break;
        default: /* derived from the catalog or the source: not stored */
            break;
        }
    }
}

static unsigned rd_uint(hl_rd *r)
{
    long long v = hl_rd_num(r);
    if (v < 0 || v > 0xffffffffLL)
        r->bad = 1;
    return (unsigned)v;
}

static void read_heat_reasons(hl_rd *r, hl_finding *x)
{
    size_t nr = rd_count(r, 64);
    if ((x->heat_reasons = rd_array(r, nr, sizeof *x->heat_reasons)))
        for (; x->n_heat_reasons < nr && !r->bad; x->n_heat_reasons++)
            if (!(x->heat_reasons[x->n_heat_reasons] = hl_rd_str(r)))
                r->bad = 1;
}

static void read_notes(hl_rd *r, hl_finding *x)
{
    size_t nn = rd_count(r, 64);
    if ((x->notes = rd_array(r, nn, sizeof *x->notes)))
        for (; x->n_notes < nn && !r->bad; x->n_notes++) {
            hl_note *n = &x->notes[x->n_notes];
            n->line = rd_uint(r);
            n->column = rd_uint(r);
            n->end_line = rd_uint(r);
            n->end_column = rd_uint(r);
            n->file = hl_rd_str(r);
            if (!(n->message = hl_rd_str(r)))
                r->bad = 1;
        }
}

void hl_cache_read_finding(hl_rd *r, const hl_catalog *cat, hl_finding *x)
{
    for (size_t k = 0; k < hl_n_finding_fields && !r->bad; k++) {
        const hl_finding_field *fd = &hl_finding_fields[k];
        if (!(fd->in & HL_FIELD_IN_CACHE))
            continue;
        switch (fd->kind) {
        case HL_FIELD_RULE: {
            char *id = hl_rd_str(r);
            x->rule = id && cat ? hl_catalog_find(cat, id) : NULL;
            free(id);
            break;
        }
        case HL_FIELD_STR:
            *hl_field_str(x, fd) = hl_rd_str(r);
            break;
        case HL_FIELD_UINT:
            *hl_field_uint(x, fd) = rd_uint(r);
            break;
        case HL_FIELD_LOOP:
            x->loop_start_line = rd_uint(r);
            x->loop_end_line = rd_uint(r);
            x->loop_depth = rd_uint(r);
            break;
        case HL_FIELD_HEAT: {
            long long heat = hl_rd_num(r);
            if (heat < 0 || heat > HL_HEAT_HOT)
                r->bad = 1;
            x->heat = (hl_heat)heat;
            break;
        }
        case HL_FIELD_HEAT_REASONS:
            read_heat_reasons(r, x);
            break;
        case HL_FIELD_NOTES:
            read_notes(r, x);
            break;
        default:
            break;
        }
    }
    if (!x->abs_file)
        r->bad = 1;
}

/* ---- the unit's summary ---- */

static void write_step(FILE *f, const hl_step *s)
{
    fprintf(f, "%u %u\n", s->line, s->group);
    hl_wr_str(f, s->callee);
}

static void read_step(hl_rd *r, hl_step *s)
{
    s->line = (unsigned)hl_rd_num(r);
    s->group = (unsigned)hl_rd_num(r);
    s->callee = hl_rd_str(r);
}

void hl_cache_write_summary(FILE *f, const hl_tu_summary *s)
{
    fprintf(f, "%zu\n", s->n_fns);
    for (size_t i = 0; i < s->n_fns; i++) {
        const hl_fn_summary *fn = &s->fns[i];
        hl_wr_str(f, fn->name);
        hl_wr_str(f, fn->abs_file);
        fprintf(f, "%u %u %d %d %u\n", fn->line, fn->end_line, fn->is_static, fn->parses_options,
                fn->families);
        for (int k = 0; k < HL_N_FAMILIES; k++)
            if (fn->families & HL_FAM_BIT(k))
                write_step(f, &fn->direct[k]);
        fprintf(f, "%zu\n", fn->n_always);
        for (size_t k = 0; k < fn->n_always; k++)
            write_step(f, &fn->always[k]);
        fprintf(f, "%zu\n", fn->n_returns);
        for (size_t k = 0; k < fn->n_returns; k++)
            write_step(f, &fn->returns[k]);
    }
    fprintf(f, "%zu\n", s->n_edges);
    for (size_t i = 0; i < s->n_edges; i++) {
        fprintf(f, "%u %u %d\n", s->edges[i].caller, s->edges[i].line, (int)s->edges[i].kind);
        hl_wr_str(f, s->edges[i].callee);
    }
    fprintf(f, "%zu\n", s->n_calls);
    for (size_t i = 0; i < s->n_calls; i++) {
        fprintf(f, "%u %d %d\n", s->calls[i].attr_families, s->calls[i].conditional,
                s->calls[i].cheap_compare);
        hl_cache_write_finding(f, &s->calls[i].at);
    }
}

void hl_cache_read_summary(hl_rd *r, const hl_scope *scope, hl_tu_summary *s)
{
    size_t nf = rd_count(r, 10000000);
    if ((s->fns = rd_array(r, nf, sizeof *s->fns)))
        s->cap_fns = nf;
    for (; s->n_fns < nf && !r->bad; s->n_fns++) {
        hl_fn_summary *fn = &s->fns[s->n_fns];
        fn->name = hl_rd_str(r);
        fn->abs_file = hl_rd_str(r);
        fn->line = (unsigned)hl_rd_num(r);
        fn->end_line = (unsigned)hl_rd_num(r);
        fn->is_static = hl_rd_num(r) != 0;
        fn->parses_options = hl_rd_num(r) != 0;
        fn->families = (unsigned)hl_rd_num(r) & ((1u << HL_N_FAMILIES) - 1);
        for (int k = 0; k < HL_N_FAMILIES; k++)
            if (fn->families & HL_FAM_BIT(k))
                read_step(r, &fn->direct[k]);
        size_t na = rd_count(r, 1000000);
        if ((fn->always = rd_array(r, na, sizeof *fn->always)))
            fn->cap_always = na;
        for (; fn->n_always < na && !r->bad; fn->n_always++)
            read_step(r, &fn->always[fn->n_always]);
        size_t nr = rd_count(r, 1000000);
        if ((fn->returns = rd_array(r, nr, sizeof *fn->returns)))
            fn->cap_returns = nr;
        for (; fn->n_returns < nr && !r->bad; fn->n_returns++)
            read_step(r, &fn->returns[fn->n_returns]);
        if (!fn->name || !fn->abs_file)
            r->bad = 1;
    }
    size_t ne = rd_count(r, 100000000);
    if ((s->edges = rd_array(r, ne, sizeof *s->edges)))
        s->cap_edges = ne;
    for (; s->n_edges < ne && !r->bad; s->n_edges++) {
        hl_edge *e = &s->edges[s->n_edges];
        long long caller = hl_rd_num(r), line = hl_rd_num(r), kind = hl_rd_num(r);
        e->callee = hl_rd_str(r);
        if (caller < 0 || (size_t)caller >= s->n_fns || kind < 0 || kind > HL_EDGE_COLD ||
            line < 0 || !e->callee)
            r->bad = 1;
        e->caller = (unsigned)caller;
        e->line = (unsigned)line;
        e->kind = (hl_edge_kind)kind;
    }
    size_t nc = rd_count(r, 10000000);
    if ((s->calls = rd_array(r, nc, sizeof *s->calls)))
        s->cap_calls = nc;
    for (; s->n_calls < nc && !r->bad; s->n_calls++) {
        hl_wrapper_call *w = &s->calls[s->n_calls];
        w->attr_families = (unsigned)hl_rd_num(r);
        w->conditional = hl_rd_num(r) != 0;
        w->cheap_compare = hl_rd_num(r) != 0;
        hl_cache_read_finding(r, NULL, &w->at);
        if (!r->bad && !(w->at.file = hl_scope_display(scope, w->at.abs_file)))
            r->bad = 1;
    }
}
