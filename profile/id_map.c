/* id_map.c - resolves pprof ids to array indices: directly when the ids
 * are 1..n in order (what most writers emit), else by binary search. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "read_internal.h"

/* hl_pcalloc for big arrays: huge pages asked for before the zeroing. */
void *hl_pcalloc_huge(size_t n, size_t size)
{
    if (size && n > SIZE_MAX / size)
        return NULL;
    void *p = hl_pmalloc(n * size);
    if (p) {
        hl_phuge(p, n * size);
        memset(p, 0, n * size);
    }
    return p;
}

static int cmp_pair(const void *a, const void *b)
{
    const id_pair *x = a, *y = b;
    return x->id < y->id ? -1 : x->id > y->id;
}

/* Returns 0, or -1 (with err) on id 0, a duplicate id, or ENOMEM. */
int hl_id_map_build(id_map *m, const uint64_t *ids, size_t stride, size_t n, const char *what,
                    const char *name, char *err, size_t errlen)
{
    memset(m, 0, sizeof *m);
    m->n = n;
    m->dense = true;
    for (size_t i = 0; i < n; i++) {
        uint64_t id = *(const uint64_t *)((const char *)ids + i * stride);
        if (id != i + 1)
            m->dense = false;
    }
    if (m->dense)
        return 0;
    m->pairs = hl_pcalloc(n, sizeof *m->pairs);
    if (!m->pairs) {
        hl_read_err(err, errlen, name, "out of memory");
        return -1;
    }
    for (size_t i = 0; i < n; i++) {
        m->pairs[i].id = *(const uint64_t *)((const char *)ids + i * stride);
        m->pairs[i].idx = i;
        if (!m->pairs[i].id) {
            hl_read_err(err, errlen, name, "%s %zu has id 0 (ids must be non-zero)", what, i);
            return -1;
        }
    }
    if (n > 1)
        qsort(m->pairs, n, sizeof *m->pairs, cmp_pair);
    for (size_t i = 1; i < n; i++)
        if (m->pairs[i].id == m->pairs[i - 1].id) {
            hl_read_err(err, errlen, name, "duplicate %s id %llu", what,
                        (unsigned long long)m->pairs[i].id);
            return -1;
        }
    return 0;
}

/* Index of id, or (size_t)-1 when absent. */
size_t hl_id_map_find(const id_map *m, uint64_t id)
{
    if (m->dense)
        return id >= 1 && id <= m->n ? (size_t)(id - 1) : (size_t)-1;
    size_t lo = 0, hi = m->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (m->pairs[mid].id == id)
            return m->pairs[mid].idx;
        if (m->pairs[mid].id < id)
            lo = mid + 1;
        else
            hi = mid;
    }
    return (size_t)-1;
}
