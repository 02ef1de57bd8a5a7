/* internal.h - what profile/'s files share: the replaceable allocator, the
 * generated protobuf-c types and a small string-keyed hash index. */
#ifndef HL_PROFILE_INTERNAL_H
#define HL_PROFILE_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include "profile.h"
#include "pindex.h"
#include "profile.pb-c.h"

/* The same allocator in the form protobuf-c wants. */
extern ProtobufCAllocator hl_pb_allocator;

/* Asks the kernel to back the whole 2 MiB pages inside [p, p+n) with huge
 * pages: big buffers filled once then fault a few pages instead of thousands.
 * A hint only; does nothing for small n. */
void hl_phuge(void *p, size_t n);

/* A bump arena: many small allocations carved from a few big chunks, all
 * released at once. Chunks come from the profile allocator (hl_pmalloc), so a
 * failing allocator fails the arena too. Not thread-safe. */
typedef struct hl_arena {
    struct hl_arena_chunk *head;
    size_t next_size; /* size of the next chunk */
} hl_arena;

/* Starts an empty arena whose first chunk will hold about `hint` bytes. */
void hl_arena_init(hl_arena *a, size_t hint);
/* n bytes aligned for any type, or NULL on ENOMEM (the arena stays usable).
 * Contents are not zeroed. */
void *hl_arena_alloc(hl_arena *a, size_t n);
/* Releases every chunk; the arena is empty and reusable afterwards. */
void hl_arena_release(hl_arena *a);
/* Keeps the first chunk (emptied), releases the others: a scratch arena. */
void hl_arena_reset(hl_arena *a);
/* Hands the chunk list over (for hl_arena_free_chunks); the arena is empty. */
void *hl_arena_detach(hl_arena *a);
/* Releases a chunk list from hl_arena_detach (NULL: nothing). */
void hl_arena_free_chunks(void *head);
/* A protobuf-c allocator drawing from a (free is a no-op: release the arena). */
ProtobufCAllocator hl_arena_pb_allocator(hl_arena *a);

#endif
