/* internal.h - what profile/'s files share: the replaceable allocator, the
 * generated protobuf-c types and a small string-keyed hash index. */
#ifndef HL_PROFILE_INTERNAL_H
#define HL_PROFILE_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include "profile.h"
#include "palloc.h"
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

/* Sums of sample values: every sum hotlint takes (totals, flat and cum by
 * function, line or frame) adds each sample's value at most once, so it
 * cannot overflow when, for each sample type, the sum of |value| over all
 * samples is at most INT64_MAX. A profile past that has the values of that
 * type divided by a power of two (hl_profile_fit_values), with a comment
 * saying so. */

__extension__ typedef unsigned __int128 hl_u128; /* sums of |value| */

/* v / 2^k rounded toward zero (0 or -1 once k >= 63). */
int64_t hl_profile_scale_value(int64_t v, unsigned k);
/* The smallest k with sum / 2^k <= INT64_MAX. */
unsigned hl_profile_shift_for(hl_u128 sum);
/* Appends the comment saying that column's values were divided by 2^k.
 * Returns 0, or -1 on ENOMEM. */
int hl_profile_note_scaled(hl_profile *p, size_t column, unsigned k);
/* Divides the values of each sample type whose sum of |value| exceeds
 * INT64_MAX by the least power of two that makes it fit, noting it in a
 * comment. Returns the number of sample types scaled, or -1 on ENOMEM. */
int hl_profile_fit_values(hl_profile *p);

#endif
