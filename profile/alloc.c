/* alloc.c - the profile model's replaceable allocator and its hash index. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

static void *(*g_malloc)(size_t) = malloc;
static void *(*g_realloc)(void *, size_t) = realloc;
static void (*g_free)(void *) = free;

void hl_profile_set_allocator(void *(*m)(size_t), void *(*r)(void *, size_t), void (*f)(void *))
{
    g_malloc = m ? m : malloc;
    g_realloc = r ? r : realloc;
    g_free = f ? f : free;
}

void *hl_pmalloc(size_t n)
{
    return g_malloc(n ? n : 1);
}

void *hl_pcalloc(size_t n, size_t size)
{
    if (size && n > SIZE_MAX / size) {
        errno = ENOMEM;
        return NULL;
    }
    void *p = hl_pmalloc(n * size);
    if (p)
        memset(p, 0, n * size);
    return p;
}

void *hl_prealloc(void *p, size_t n)
{
    return g_realloc(p, n ? n : 1);
}

void hl_pfree(void *p)
{
    if (p)
        g_free(p);
}

char *hl_pstrdup(const char *s)
{
    if (!s)
        s = "";
    size_t n = strlen(s) + 1;
    char *d = hl_pmalloc(n);
    if (d)
        memcpy(d, s, n);
    return d;
}

static void *pb_alloc(void *data, size_t size)
{
    (void)data;
    return hl_pmalloc(size);
}

static void pb_free(void *data, void *p)
{
    (void)data;
    hl_pfree(p);
}

ProtobufCAllocator hl_pb_allocator = {pb_alloc, pb_free, NULL};

struct hl_pindex_slot {
    char *key; /* NULL: empty */
    size_t klen;
    uint64_t hash;
    size_t value;
};

static uint64_t hash_bytes(const void *key, size_t n)
{
    const unsigned char *p = key;
    uint64_t h = 1469598103934665603ULL; /* FNV-1a */
    for (size_t i = 0; i < n; i++)
        h = (h ^ p[i]) * 1099511628211ULL;
    return h ? h : 1;
}

static int grow(hl_pindex *ix)
{
    size_t ncap = ix->cap ? ix->cap * 2 : 64;
    struct hl_pindex_slot *ns = hl_pcalloc(ncap, sizeof *ns);
    if (!ns)
        return -1;
    for (size_t i = 0; i < ix->cap; i++) {
        struct hl_pindex_slot *s = &ix->slots[i];
        if (!s->key)
            continue;
        size_t j = s->hash & (ncap - 1);
        while (ns[j].key)
            j = (j + 1) & (ncap - 1);
        ns[j] = *s;
    }
    hl_pfree(ix->slots);
    ix->slots = ns;
    ix->cap = ncap;
    return 0;
}

int hl_pindex_get_or_put(hl_pindex *ix, const void *key, size_t klen, size_t *value)
{
    if ((ix->len + 1) * 2 > ix->cap && grow(ix) < 0)
        return -1;
    uint64_t h = hash_bytes(key, klen);
    size_t j = h & (ix->cap - 1);
    for (;;) {
        struct hl_pindex_slot *s = &ix->slots[j];
        if (!s->key)
            break;
        if (s->hash == h && s->klen == klen && !memcmp(s->key, key, klen)) {
            *value = s->value;
            return 1;
        }
        j = (j + 1) & (ix->cap - 1);
    }
    char *k = hl_pmalloc(klen);
    if (!k)
        return -1;
    memcpy(k, key, klen);
    ix->slots[j] = (struct hl_pindex_slot){k, klen, h, *value};
    ix->len++;
    return 0;
}

void hl_pindex_free(hl_pindex *ix)
{
    for (size_t i = 0; i < ix->cap; i++)
        hl_pfree(ix->slots[i].key);
    hl_pfree(ix->slots);
    ix->slots = NULL;
    ix->cap = ix->len = 0;
}
