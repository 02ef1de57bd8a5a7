/* table.c - dense-id interners over base/hashmap (see table.h). */
#include "table.h"

#include <stdlib.h>
#include <string.h>

#include "../base/grow.h"

int32_t hl_strtab_find(const hl_strtab *t, const char *s, size_t len)
{
    size_t id;
    return hl_hashmap_find(&t->ids, s, len, &id) ? (int32_t)id : -1;
}

int32_t hl_strtab_intern(hl_strtab *t, const char *s, size_t len)
{
    int32_t known = hl_strtab_find(t, s, len);
    if (known >= 0)
        return known;
    if (t->n >= INT32_MAX - 1 || HL_GROW(t->strs, t->n, t->cap_strs) < 0)
        return -1;
    char *copy = malloc(len + 1);
    size_t id = t->n;
    if (!copy || hl_hashmap_get_or_put(&t->ids, s, len, &id) < 0) {
        free(copy);
        return -1;
    }
    memcpy(copy, s, len);
    copy[len] = '\0';
    t->strs[t->n] = copy;
    return (int32_t)t->n++;
}

void hl_strtab_free(hl_strtab *t)
{
    for (size_t i = 0; i < t->n; i++)
        free(t->strs[i]);
    free(t->strs);
    hl_hashmap_free(&t->ids);
    memset(t, 0, sizeof *t);
}

int32_t hl_u64tab_find(const hl_u64tab *t, uint64_t key)
{
    size_t id;
    return hl_hashmap_find(&t->ids, &key, sizeof key, &id) ? (int32_t)id : -1;
}

int32_t hl_u64tab_intern(hl_u64tab *t, uint64_t key)
{
    if (t->n >= INT32_MAX - 1 || HL_GROW(t->keys, t->n, t->cap_keys) < 0)
        return -1;
    size_t id = t->n;
    int found = hl_hashmap_get_or_put(&t->ids, &key, sizeof key, &id);
    if (found != 0)
        return found > 0 ? (int32_t)id : -1;
    t->keys[t->n] = key;
    return (int32_t)t->n++;
}

void hl_u64tab_free(hl_u64tab *t)
{
    free(t->keys);
    hl_hashmap_free(&t->ids);
    memset(t, 0, sizeof *t);
}
