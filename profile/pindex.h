/* pindex.h - the profile model's allocator hooks and a string-keyed hash
 * index, shared by profile/ and the runtime's profile builder. */
#ifndef HL_PROFILE_PINDEX_H
#define HL_PROFILE_PINDEX_H

#include <stddef.h>
#include <stdint.h>

/* Every allocation made by profile/ goes through these (see
 * hl_profile_set_allocator). They behave as malloc, calloc, realloc, free. */
void *hl_pmalloc(size_t n);
void *hl_pcalloc(size_t n, size_t size);
void *hl_prealloc(void *p, size_t n);
void hl_pfree(void *p);
/* strdup through the allocator; NULL in, "" out (a profile string is never NULL). */
char *hl_pstrdup(const char *s);

/* A hash index from byte strings to size_t values. Keys are copied. */
typedef struct hl_pindex {
    struct hl_pindex_slot *slots;
    size_t cap, len;
} hl_pindex;
/* Looks key up; when absent inserts it with *value and returns 0; when present
 * stores its value in *value and returns 1. Returns -1 on ENOMEM. */
int hl_pindex_get_or_put(hl_pindex *ix, const void *key, size_t klen, size_t *value);
void hl_pindex_free(hl_pindex *ix);

#endif
