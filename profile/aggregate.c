/* aggregate.c - flat/cum by function or line; cum counts a row once per
 * sample even when the stack recurses through it. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "aggregate.h"
#include "internal.h"

typedef struct {
    hl_agg *a;
    size_t cap;
    hl_hashmap ix;
    size_t *seen; /* per row: 1 + index of the last sample that counted it */
    size_t cap_seen;
    hl_keybuf key;
} agg_state;

/* The row for (function, file, line); -1 on ENOMEM. */
static int64_t row_for(agg_state *st, const char *fn, const char *file, int64_t line)
{
    hl_keybuf_reset(&st->key);
    hl_keybuf_str(&st->key, fn);
    hl_keybuf_str(&st->key, file);
    hl_keybuf_u64(&st->key, (uint64_t)line);
    if (st->key.oom)
        return -1;
    size_t idx = st->a->n_rows;
    int rc = hl_hashmap_get_or_put(&st->ix, st->key.b, st->key.n, &idx);
    if (rc < 0)
        return -1;
    if (rc == 1)
        return (int64_t)idx;
    if (HL_GROW_WITH(st->a->rows, st->a->n_rows, st->cap, &hl_profile_allocator) < 0 ||
        HL_GROW_WITH(st->seen, st->a->n_rows, st->cap_seen, &hl_profile_allocator) < 0)
        return -1;
    hl_agg_row *r = &st->a->rows[st->a->n_rows];
    memset(r, 0, sizeof *r);
    r->function = hl_pstrdup(fn);
    r->file = hl_pstrdup(file);
    r->line = line;
    st->seen[st->a->n_rows] = 0;
    st->a->n_rows++;
    if (!r->function || !r->file)
        return -1;
    return (int64_t)idx;
}

static void count(agg_state *st, int64_t row, size_t sample, bool leaf, int64_t v)
{
    hl_agg_row *r = &st->a->rows[row];
    if (leaf)
        r->flat += v;
    if (st->seen[row] != sample + 1) {
        st->seen[row] = sample + 1;
        r->cum += v;
    }
}

hl_agg *hl_agg_build(const hl_profile *p, size_t sample_index, hl_agg_by by)
{
    if (sample_index >= p->n_sample_types)
        return NULL;
    agg_state st = {.ix = HL_PMAP_INIT, .key = HL_PKEY_INIT};
    st.a = hl_pcalloc(1, sizeof *st.a);
    if (!st.a)
        return NULL;
    char addr[64];
    for (size_t i = 0; i < p->n_samples; i++) {
        const hl_prof_sample *s = &p->samples[i];
        int64_t v = s->values[sample_index];
        st.a->total += v;
        bool leaf = true;
        for (size_t j = 0; j < s->n_locs; j++) {
            const hl_prof_location *l = s->locs[j];
            if (l->n_lines == 0) {
                snprintf(addr, sizeof addr, "0x%016" PRIx64, l->address);
                const char *file = l->mapping && l->mapping->filename ? l->mapping->filename : "";
                int64_t row = row_for(&st, addr, file, 0);
                if (row < 0)
                    goto oom;
                count(&st, row, i, leaf, v);
                leaf = false;
                continue;
            }
            for (size_t k = 0; k < l->n_lines; k++) {
                const hl_prof_function *f = l->lines[k].function;
                int64_t line = by == HL_AGG_LINE ? l->lines[k].line : 0;
                const char *name = f->name && *f->name ? f->name : f->system_name;
                int64_t row = row_for(&st, name ? name : "", f->filename ? f->filename : "", line);
                if (row < 0)
                    goto oom;
                count(&st, row, i, leaf, v);
                leaf = false;
            }
        }
    }
    hl_hashmap_free(&st.ix);
    hl_pfree(st.seen);
    hl_keybuf_free(&st.key);
    return st.a;
oom:
    hl_hashmap_free(&st.ix);
    hl_pfree(st.seen);
    hl_keybuf_free(&st.key);
    hl_agg_free(st.a);
    return NULL;
}

static bool g_by_cum;

static int cmp_rows(const void *x, const void *y)
{
    const hl_agg_row *a = x, *b = y;
    int64_t ka = g_by_cum ? a->cum : a->flat, kb = g_by_cum ? b->cum : b->flat;
    if (ka != kb)
        return ka > kb ? -1 : 1;
    ka = g_by_cum ? a->flat : a->cum;
    kb = g_by_cum ? b->flat : b->cum;
    if (ka != kb)
        return ka > kb ? -1 : 1;
    int c = strcmp(a->function, b->function);
    if (c)
        return c;
    c = strcmp(a->file, b->file);
    if (c)
        return c;
    return a->line < b->line ? -1 : a->line > b->line;
}

void hl_agg_sort(hl_agg *a, bool by_cum)
{
    g_by_cum = by_cum;
    if (a->n_rows > 1) /* rows is NULL for a profile without samples */
        qsort(a->rows, a->n_rows, sizeof *a->rows, cmp_rows);
}

void hl_agg_free(hl_agg *a)
{
    if (!a)
        return;
    for (size_t i = 0; i < a->n_rows; i++) {
        hl_pfree(a->rows[i].function);
        hl_pfree(a->rows[i].file);
    }
    hl_pfree(a->rows);
    hl_pfree(a);
}
