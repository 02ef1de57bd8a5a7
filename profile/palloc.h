/* palloc.h - the profile model's allocator, shared by profile/ and the
 * runtime, which redirects it so the heap profiler never samples itself. */
#ifndef HL_PROFILE_PALLOC_H
#define HL_PROFILE_PALLOC_H

#include <stddef.h>
#include <stdint.h>

#include "../base/alloc.h"
#include "../base/hashmap.h"
#include "../base/keybuf.h"

/* Every allocation made by profile/ goes through these (see
 * hl_profile_set_allocator). They behave as malloc, calloc, realloc, free. */
void *hl_pmalloc(size_t n);
void *hl_pcalloc(size_t n, size_t size);
void *hl_prealloc(void *p, size_t n);
void hl_pfree(void *p);
/* strdup through the allocator; NULL in, "" out (a profile string is never NULL). */
char *hl_pstrdup(const char *s);

/* The same allocator as a value, for base/'s containers (maps, key
 * buffers, growing arrays) that hold profile parts. */
extern const hl_allocator hl_profile_allocator;
/* An empty map (base/hashmap.h) allocating with the profile allocator. */
#define HL_PMAP_INIT HL_HASHMAP_INIT_WITH(&hl_profile_allocator)
/* An empty key buffer (base/keybuf.h) allocating with the profile allocator. */
#define HL_PKEY_INIT ((hl_keybuf){.alloc = &hl_profile_allocator})

#endif
