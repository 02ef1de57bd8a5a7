/* grow.h - the one way arrays grow: doubling, overflow-checked.
 *
 * Not async-signal-safe (it allocates); the runtime's signal handlers never
 * grow arrays. */
#ifndef HL_BASE_GROW_H
#define HL_BASE_GROW_H

#include <stddef.h>

#include "alloc.h"

/* Makes room for at least need elements of elem bytes in *arr, whose capacity
 * is *cap, doubling from 16, with allocator a (NULL: libc). Returns 0, or -1 (errno ENOMEM) when
 * out of memory or when the size overflows; *arr and *cap are unchanged then. */
int hl_grow_to(void **arr, size_t *cap, size_t need, size_t elem, const hl_allocator *a);

/* Room for one more element after the n in use: 0 or -1, as hl_grow_to. */
#define HL_GROW(arr, n, cap) HL_GROW_WITH(arr, n, cap, NULL)
#define HL_GROW_WITH(arr, n, cap, a)                                                               \
    ((n) < (cap) ? 0 : hl_grow_to((void **)&(arr), &(cap), (size_t)(n) + 1, sizeof *(arr), (a)))

#endif
