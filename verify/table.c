/* table.c - open-addressing hash tables (linear probing, power-of-two sizes). */
#include "table.h"

#include <stdlib.h>
#include <string.h>

static uint64_t hash_bytes(const char *s, size_t len)
{
    uint64_t h = 1469598103934665603ULL; /* FNV-1a */
    for (size_t i = 0; i < len; i++) {
        h ^= (unsigned char)s[i];
        h *= 1099511628211ULL;
    }
    return h ^ (h >> 29);
}

static uint64_t hash_u64(uint64_t x)
{
    x ^= x >> 33;
    x *= 0xff51afd7ed558ccdULL;
    x ^= x >> 33;
    x *= 0xc4ceb9fe1a85ec53ULL;
    return x ^ (x >> 33);
}

int32_t hl_strtab_find(const hl_strtab *t, const char *s, size_t len)
{
    if (!t->cap_slots)
        return -1;
    size_t mask = t->cap_slots - 1;
    for (size_t i = hash_bytes(s, len) & mask;; i = (i + 1) & mask) {
        uint32_t v = t->slots[i];
        if (!v)
            return -1;
        const char *k = t->strs[v - 1];
        if (!strncmp(k, s, len) && k[len] == '\0')
            return (int32_t)(v - 1);
    }
}

static int strtab_grow(hl_strtab *t)
{
    size_t cap = t->cap_slots ? t->cap_slots * 2 : 64;
    uint32_t *slots = calloc(cap, sizeof *slots);
    if (!slots)
        return -1;
    for (size_t id = 0; id < t->n; id++) {
        const char *k = t->strs[id];
        size_t i = hash_bytes(k, strlen(k)) & (cap - 1);
        while (slots[i])
            i = (i + 1) & (cap - 1);
        slots[i] = (uint32_t)id + 1;
    }
    free(t->slots);
    t->slots = slots;
    t->cap_slots = cap;
    return 0;
}

int32_t hl_strtab_intern(hl_strtab *t, const char *s, size_t len)
{
    int32_t id = hl_strtab_find(t, s, len);
    if (id >= 0)
        return id;
    if (t->n >= INT32_MAX - 1)
        return -1;
    if ((t->n + 1) * 2 > t->cap_slots && strtab_grow(t) < 0)
        return -1;
    if (t->n == t->cap_strs) {
        size_t cap = t->cap_strs ? t->cap_strs * 2 : 32;
        char **strs = realloc(t->strs, cap * sizeof *strs);
        if (!strs)
            return -1;
        t->strs = strs;
        t->cap_strs = cap;
    }
    char *copy = malloc(len + 1);
    if (!copy)
        return -1;
    memcpy(copy, s, len);
    copy[len] = '\0';
    size_t mask = t->cap_slots - 1;
    size_t i = hash_bytes(s, len) & mask;
    while (t->slots[i])
        i = (i + 1) & mask;
    t->strs[t->n] = copy;
    t->slots[i] = (uint32_t)t->n + 1;
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
    for (size_t i = hash_u64(key) & mask;; i = (i + 1) & mask) {
        uint32_t v = t->slots[i];
        if (!v)
            return -1;
        if (t->keys[v - 1] == key)
            return (int32_t)(v - 1);
    }
}

static int u64tab_grow(hl_u64tab *t)
{
    size_t cap = t->cap_slots ? t->cap_slots * 2 : 64;
    uint32_t *slots = calloc(cap, sizeof *slots);
    if (!slots)
        return -1;
    for (size_t id = 0; id < t->n; id++) {
        size_t i = hash_u64(t->keys[id]) & (cap - 1);
        while (slots[i])
            i = (i + 1) & (cap - 1);
        slots[i] = (uint32_t)id + 1;
    }
    free(t->slots);
    t->slots = slots;
    t->cap_slots = cap;
    return 0;
}

int32_t hl_u64tab_intern(hl_u64tab *t, uint64_t key)
{
    int32_t id = hl_u64tab_find(t, key);
    if (id >= 0)
        return id;
    if (t->n >= INT32_MAX - 1)
        return -1;
    if ((t->n + 1) * 2 > t->cap_slots && u64tab_grow(t) < 0)
        return -1;
    if (t->n == t->cap_keys) {
        size_t cap = t->cap_keys ? t->cap_keys * 2 : 32;
        uint64_t *keys = realloc(t->keys, cap * sizeof *keys);
        if (!keys)
            return -1;
        t->keys = keys;
        t->cap_keys = cap;
    }
    size_t mask = t->cap_slots - 1;
    size_t i = hash_u64(key) & mask;
    while (t->slots[i])
        i = (i + 1) & mask;
    t->keys[t->n] = key;
    t->slots[i] = (uint32_t)t->n + 1;
    return (int32_t)t->n++;
}

void hl_u64tab_free(hl_u64tab *t)
{
    free(t->keys);
    free(t->slots);
    memset(t, 0, sizeof *t);
}
