/* alloc.h - an allocator as a value: what base/'s containers allocate with.
 * NULL wherever one is taken means the C library's.
 *
 * The profile model passes its own (replaceable in tests, and redirected by
 * the runtime's heap profiler so it never samples itself). */
#ifndef HL_BASE_ALLOC_H
#define HL_BASE_ALLOC_H

#include <stddef.h>

typedef struct hl_allocator {
    void *(*malloc)(size_t n);
    void *(*calloc)(size_t n, size_t size);
    void *(*realloc)(void *p, size_t n);
    void (*free)(void *p);
} hl_allocator;

/* a, or the C library's allocator when a is NULL. */
const hl_allocator *hl_allocator_or_libc(const hl_allocator *a);

#endif
