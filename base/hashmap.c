/* hashmap.c - open-addressing byte-string map (see hashmap.h). */
#include "hashmap.h"

#include "hash.h"

#include <stdlib.h>
#include <string.h>

struct hl_hashmap_slot {
    char *key; /* NULL: empty */
    size_t klen;
    uint64_t hash;
    size_t value;
};

static const hl_allocator *alloc_of(const hl_hashmap *m)
{
    return hl_allocator_or_libc(m->alloc);
}

static uint64_t key_hash(const void *key, size_t klen)
{
    uint64_t h = hl_hash_bytes(key, klen);
    return h ? h : 1;
}

static int rehash(hl_hashmap *m)
{
    size_t ncap = m->cap ? m->cap * 2 : 64;
    if (ncap < m->cap)
        return -1;
    struct hl_hashmap_slot *ns = alloc_of(m)->calloc(ncap, sizeof *ns);
    if (!ns)
        return -1;
    for (size_t i = 0; i < m->cap; i++) {
        struct hl_hashmap_slot *s = &m->slots[i];
        if (!s->key)
            continue;
        size_t j = s->hash & (ncap - 1);
        while (ns[j].key)
            j = (j + 1) & (ncap - 1);
        ns[j] = *s;
    }
    alloc_of(m)->free(m->slots);
    m->slots = ns;
    m->cap = ncap;
    return 0;
}

/* The slot holding key, or the empty slot where it would go. */
static struct hl_hashmap_slot *probe(const hl_hashmap *m, const void *key, size_t klen, uint64_t h)
{
    size_t j = h & (m->cap - 1);
    for (;;) {
        struct hl_hashmap_slot *s = &m->slots[j];
        if (!s->key || (s->hash == h && s->klen == klen && !memcmp(s->key, key, klen)))
            return s;
        j = (j + 1) & (m->cap - 1);
    }
}

int hl_hashmap_get_or_put(hl_hashmap *m, const void *key, size_t klen, size_t *value)
{
    if ((m->len + 1) * 2 > m->cap && rehash(m) < 0)
        return -1;
    uint64_t h = key_hash(key, klen);
    struct hl_hashmap_slot *s = probe(m, key, klen, h);
    if (s->key) {
        *value = s->value;
        return 1;
    }
    /* A key of length 0 still needs a non-NULL copy: NULL marks empty slots. */
    char *k = alloc_of(m)->malloc(klen ? klen : 1);
    if (!k)
        return -1;
    if (klen)
        memcpy(k, key, klen);
    *s = (struct hl_hashmap_slot){k, klen, h, *value};
    m->len++;
    return 0;
}

int hl_hashmap_find(const hl_hashmap *m, const void *key, size_t klen, size_t *value)
{
    if (!m->cap)
        return 0;
    struct hl_hashmap_slot *s = probe(m, key, klen, key_hash(key, klen));
    if (!s->key)
        return 0;
    *value = s->value;
    return 1;
}

void hl_hashmap_free(hl_hashmap *m)
{
    for (size_t i = 0; i < m->cap; i++)
        alloc_of(m)->free(m->slots[i].key);
    alloc_of(m)->free(m->slots);
    m->slots = NULL;
    m->cap = m->len = 0;
}
