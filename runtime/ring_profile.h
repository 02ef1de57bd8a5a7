/* ring_profile.h - builds a CPU profile (pprof model) from stacks unwound in
 * the address spaces of a program sampled from outside. Each address is
 * symbolized as it first appears, while its space's modules are known, and
 * locations are told apart by (space, address), so one profile can hold the
 * images before and after an exec. */
#ifndef HL_RING_PROFILE_H
#define HL_RING_PROFILE_H

#include <stddef.h>
#include <stdint.h>

#include "../profile/profile.h"
#include "ring_space.h"

#pragma GCC visibility push(hidden)

typedef struct hl_rp hl_rp;

/* A new builder for samples of period_ns of CPU time each. NULL on ENOMEM.
 * Not async-signal-safe. */
hl_rp *hl_rp_new(int64_t period_ns);
/* Adds one sample: pcs[0] is the leaf, the others return addresses. Returns 0
 * or -1 (ENOMEM). Not async-signal-safe. */
int hl_rp_add(hl_rp *b, hl_ring_space *s, const uint64_t *pcs, size_t n);
/* Samples added so far. Not async-signal-safe. */
uint64_t hl_rp_count(const hl_rp *b);
/* Adds a comment to the profile. Not async-signal-safe. */
void hl_rp_comment(hl_rp *b, const char *comment);
/* Builds the profile; the builder is consumed. NULL on ENOMEM. Not
 * async-signal-safe. */
hl_profile *hl_rp_finish(hl_rp *b, int64_t time_nanos, int64_t duration_nanos);
/* Releases a builder without building anything. NULL is allowed. Not
 * async-signal-safe. */
void hl_rp_free(hl_rp *b);

#pragma GCC visibility pop

#endif
