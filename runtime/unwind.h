/* unwind.h - the runtime's one in-process unwinder (libunwind's local API):
 * the CPU sampler's handler, the threads endpoint's handler and the heap
 * sampler all take their stacks here, and the signal-context walk carries the
 * dynamic-loader guard. */
#ifndef HL_UNWIND_H
#define HL_UNWIND_H

#include <stddef.h>
#include <stdint.h>

#pragma GCC visibility push(hidden)

#define HL_UNWIND_LEAF_ONLY 1u /* only the interrupted pc (loader busy, or no unwind info) */
#define HL_UNWIND_TRUNCATED 2u /* the stack was deeper than max */

/* The stack of the context a signal interrupted (uc: the handler's third
 * argument), leaf first: the interrupted pc exactly, then return addresses.
 * While this thread is inside the dynamic loader (hl_cpu_in_loader) or the
 * loader's lists are changing (_r_debug.r_state), keeps the interrupted pc
 * only, since the unwinder would search the same lists. Sets *flags to
 * HL_UNWIND_* bits. Returns the depth (>= 1 when max >= 1).
 * Async-signal-safe once hl_unwind_warmup has run in the process. */
size_t hl_unwind_signal(void *uc, uintptr_t *pcs, size_t max, unsigned *flags);
/* The calling thread's own stack from the caller of hl_unwind_here up:
 * return addresses, the innermost first. Returns the depth. Async-signal-safe
 * once hl_unwind_warmup has run. */
size_t hl_unwind_here(uintptr_t *pcs, size_t max);
/* Initializes libunwind (its descriptors above the program's low numbers,
 * per-thread caches) and walks the calling thread once, so that a handler's
 * first unwind initializes nothing. Idempotent. Not async-signal-safe. */
void hl_unwind_warmup(void);

#pragma GCC visibility pop

#endif
