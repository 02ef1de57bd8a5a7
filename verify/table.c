/* table.c - open-addressing hash tables (linear probing, power-of-two sizes). */
#include "table.h"

#include <stdlib.h>
#include <string.h>

#include "grow.h"
#include "hash.h"

/* Places id at the first free slot from hash h. The table has a free slot. */
static void slot_put(uint32_t *slots, size_t cap, uint64_t h, size_t id)
{
    size_t i = h & (cap - 1);
    while (slots[i])
        i = (i + 1) & (cap - 1);
    slots[i] = (uint32_t)id + 1;
}

/* Doubles *slots (64 at first) and places ids 0..n-1 again by hash_of(t, id).
 * Returns 0, or -1 when out of memory with the table unchanged. */
static int slots_grow(uint32_t **slots, size_t *cap, size_t n,
                      uint64_t (*hash_of)(const void *t, size_t id), const void *t)
{
    size_t ncap = *cap ? *cap * 2 : 64;
    uint32_t *ns = calloc(ncap, sizeof *ns);
    if (!ns)
        return -1;
    for (size_t id = 0; id < n; id++)
        slot_put(ns, ncap, hash_of(t, id), id);
    free(*slots);
    *slots = ns;
    *cap = ncap;
    return 0;
}

static uint64_t strtab_hash_of(const void *t, size_t id)
{
    const char *k = ((const hl_strtab *)t)->strs[id];
    return hl_hash_bytes(k, strlen(k));
}

static uint64_t u64tab_hash_of(const void *t, size_t id)
{
    return hl_hash_u64(((const hl_u64tab *)t)->keys[id]);
}

int32_t hl_strtab_find(const hl_strtab *t, const char *s, size_t len)
{
    if (!t->cap_slots)
        return -1;
    size_t mask = t->cap_slots - 1;
    for (size_t i = hl_hash_bytes(s, len) & mask;; i = (i + 1) & mask) {
        uint32_t v = t->slots[i];
        if (!v)
            return -1;
        const char *k = t->strs[v - 1];
        if (!strncmp(k, s, len) && k[len] == '\0')
            return (int32_t)(v - 1);
    }
}

int32_t hl_strtab_intern(hl_strtab *t, const char *s, size_t len)
{
    int32_t id = hl_strtab_find(t, s, len);
    if (id >= 0)
        return id;
    if (t->n >= INT32_MAX - 1)
        return -1;
    if ((t->n + 1) * 2 > t->cap_slots &&
        slots_grow(&t->slots, &t->cap_slots, t->n, strtab_hash_of, t) < 0)
        return -1;
    if (HL_GROW(t->strs, t->n, t->cap_strs) < 0)
        return -1;
    char *copy = malloc(len + 1);
    if (!copy)
        return -1;
    memcpy(copy, s, len);
    copy[len] = '\0';
    t->strs[t->n] = copy;
    slot_put(t->slots, t->cap_slots, hl_hash_bytes(s, len), t->n);
    return (int32_t)t->n++;
}

void hl_strtab_free(hl_strtab *t)
{
    for (size_t i = 0; i < t->n; i++)
        free(t->strs[i]);
    free(t->strs);
    free(t->slots);
    memset(t, 0, sizeof *t);
}

int32_t hl_u64tab_find(const hl_u64tab *t, uint64_t key)
{
    if (!t->cap_slots)
        return -1;
    size_t mask = t->cap_slots - 1;
    for (size_t i = hl_hash_u64(key) & mask;; i = (i + 1) & mask) {
        uint32_t v = t->slots[i];
        if (!v)
            return -1;
        if (t->keys[v - 1] == key)
            return (int32_t)(v - 1);
    }
}

int32_t hl_u64tab_intern(hl_u64tab *t, uint64_t key)
{
    int32_t id = hl_u64tab_find(t, key);
    if (id >= 0)
        return id;
    if (t->n >= INT32_MAX - 1)
        return -1;
    if ((t->n + 1) * 2 > t->cap_slots &&
        slots_grow(&t->slots, &t->cap_slots, t->n, u64tab_hash_of, t) < 0)
        return -1;
    if (HL_GROW(t->keys, t->n, t->cap_keys) < 0)
        return -1;
    t->keys[t->n] = key;
    slot_put(t->slots, t->cap_slots, hl_hash_u64(key), t->n);
    return (int32_t)t->n++;
}

void hl_u64tab_free(hl_u64tab *t)
{
    free(t->keys);
    free(t->slots);
    memset(t, 0, sizeof *t);
}
