/* hashmap.h - one open-addressing hash table from byte strings to size_t.
 *
 * Keys are copied. Linear probing, power-of-two capacity, at most half full.
 * Allocates through the hooks given at init (the profile model's allocator,
 * which the runtime's heap profiler redirects), so it is not
 * async-signal-safe. */
#ifndef HL_BASE_HASHMAP_H
#define HL_BASE_HASHMAP_H

#include <stddef.h>
#include <stdint.h>

#include "alloc.h"

typedef struct hl_hashmap {
    struct hl_hashmap_slot *slots;
    size_t cap, len;
    const hl_allocator *alloc; /* NULL: libc */
} hl_hashmap;

/* A zeroed hl_hashmap is an empty map using calloc/malloc/free. */
#define HL_HASHMAP_INIT_WITH(a) ((hl_hashmap){NULL, 0, 0, (a)})

/* Looks key up; when absent inserts it with *value and returns 0; when present
 * stores its value in *value and returns 1. Returns -1 when out of memory. */
int hl_hashmap_get_or_put(hl_hashmap *m, const void *key, size_t klen, size_t *value);
/* Stores key's value in *value and returns 1, or returns 0 when absent. */
int hl_hashmap_find(const hl_hashmap *m, const void *key, size_t klen, size_t *value);
/* Frees the keys and the slots; the map is empty and reusable afterwards. */
void hl_hashmap_free(hl_hashmap *m);

#endif
