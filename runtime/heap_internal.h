/* heap_internal.h - what the heap profiler's files share: sampler state, the
 * live-block and stack tables, and the unsampling arithmetic (not installed).
 * Functions marked "malloc-safe" may run inside an interposed allocation call:
 * they never allocate with malloc and never take a lock that the profile
 * builder holds while it allocates. None of them is async-signal-safe. */
#ifndef HL_HEAP_INTERNAL_H
#define HL_HEAP_INTERNAL_H

#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

/* Everything here stays inside the library: no PLT, no interposition. */
#pragma GCC visibility push(hidden)

#define HL_HEAP_DEFAULT_RATE (512 * 1024)
#define HL_HEAP_MAX_DEPTH    64

/* The allocation function a sampled block came from; the profile shows it as
 * the leaf frame, so that a sample's stack reads "malloc <- caller <- ...". */
enum hl_heap_kind {
    HL_HEAP_MALLOC,
    HL_HEAP_CALLOC,
    HL_HEAP_REALLOC,
    HL_HEAP_REALLOCARRAY,
    HL_HEAP_POSIX_MEMALIGN,
    HL_HEAP_ALIGNED_ALLOC,
    HL_HEAP_MEMALIGN,
    HL_HEAP_VALLOC,
    HL_HEAP_PVALLOC,
    HL_HEAP_NKINDS
};

/* One stack and allocation size: what Go calls a memory-profile bucket.
 * Counters only grow (but for undoing the free of a failed realloc); in use
 * = allocs - frees, and frees never exceeds allocs. */
typedef struct hl_heap_bucket {
    struct hl_heap_bucket *next;     /* chain in the stack table */
    struct hl_heap_bucket *all_next; /* list of every bucket, newest first */
    uint64_t hash;
    uint64_t size;
    _Atomic int64_t allocs, frees;
    uint32_t depth;
    uint32_t kind;   /* enum hl_heap_kind: the allocation function called */
    uintptr_t pcs[]; /* leaf first: the call in the allocation function's caller */
} hl_heap_bucket;

/* Shared switches, read with relaxed loads on the fast paths.
 * hl_heap_on: sampling new allocations. hl_heap_armed: the live table may hold
 * blocks, so free and realloc must look there. Async-signal-safe to read (atomics). */
extern _Atomic int hl_heap_on;
extern _Atomic int hl_heap_armed;
extern _Atomic int64_t hl_heap_rate;
extern _Atomic uint32_t hl_heap_gen;

/* Per-thread sampler state (initial-exec TLS: no allocation on first use). */
struct hl_heap_tls {
    int64_t budget; /* bytes left before the next sample; < 0 takes the slow path */
    uint64_t rng;
    uint32_t gen; /* hl_heap_gen the budget was drawn for */
    int guard;    /* inside the profiler: allocations go straight to libc */
};
/* This thread's state. Async-signal-safe to touch (initial-exec TLS). */
extern __thread struct hl_heap_tls hl_heap_tls __attribute__((tls_model("initial-exec")));

/* heap_table.c ------------------------------------------------------------ */

/* Malloc-safe. Decides whether the allocation of n bytes that drove the
 * budget below zero is sampled, and draws the next gap. Async-signal-safe. */
int hl_heap_should_sample(struct hl_heap_tls *t, size_t n);

/* Malloc-safe. Records p (n bytes, from allocation function kind) as a
 * sampled live block with the caller's stack. Drops the sample (counted) when
 * the profiler's own memory runs out; never fails otherwise. Not async-signal-safe. */
void hl_heap_record(void *p, size_t n, enum hl_heap_kind kind);

/* A counting filter over live sampled blocks: slot -> how many live sampled
 * blocks hash there (saturating; changed only under the slot's shard lock).
 * Async-signal-safe to read (atomics). */
#define HL_HEAP_FILTER_BITS 16
extern _Atomic uint8_t hl_heap_filter[1u << HL_HEAP_FILTER_BITS];

/* The filter slot of p (pure arithmetic). Async-signal-safe. */
static inline uint32_t hl_heap_slot(const void *p)
{
    return (uint32_t)((((uintptr_t)p >> 4) * 0x9E3779B97F4A7C15ULL) >> (64 - HL_HEAP_FILTER_BITS));
}

/* Malloc-safe, lock-free. True when p may be a live sampled block (false
 * positives only; the caller's own synchronization orders the insertion of a
 * block before its free). Async-signal-safe. */
static inline int hl_heap_maybe_sampled(const void *p)
{
    return p != NULL &&
           atomic_load_explicit(&hl_heap_filter[hl_heap_slot(p)], memory_order_relaxed) != 0;
}

/* Malloc-safe. Removes p from the live table and counts it freed. Returns the
 * bucket it belonged to (for hl_heap_unforget), or NULL when p was not live.
 * Not async-signal-safe. */
hl_heap_bucket *hl_heap_forget(const void *p);
/* Malloc-safe. Undoes hl_heap_forget(p) (a realloc that failed). Not async-signal-safe. */
void hl_heap_unforget(const void *p, hl_heap_bucket *b);

/* Starts a new profile: empties both tables. Not malloc-safe; called with
 * sampling off. Not async-signal-safe. */
void hl_heap_tables_reset(void);
/* The newest bucket; follow all_next. Stable: buckets are never freed. Async-signal-safe. */
hl_heap_bucket *hl_heap_buckets(void);
/* Samples dropped for lack of memory since the last reset. Async-signal-safe. */
int64_t hl_heap_dropped(void);
/* Fork handlers: take every table lock before fork, release them in the
 * parent; in the child, empty the tables (a fresh state) and release. Not async-signal-safe. */
void hl_heap_fork_prepare(void);
void hl_heap_fork_parent(void);
void hl_heap_fork_child(void);
/* The entry address of each interposed allocation function (heap_alloc.c). Async-signal-safe. */
extern const uintptr_t hl_heap_entry[HL_HEAP_NKINDS];
/* True when pc lies in the interposers or the sampler (frames to skip). Async-signal-safe. */
int hl_heap_own_pc(uintptr_t pc);
/* Non-zero when this build interposes malloc (not under a sanitizer). Async-signal-safe. */
int hl_heap_interposes(void);
/* Sets seed for the per-thread generators (0: from the clock). Not async-signal-safe. */
void hl_heap_set_seed(uint64_t seed);

/* heap_math.c ------------------------------------------------------------ */

/* Natural logarithm of x in (0, 1] without libm (used to draw gaps). Async-signal-safe. */
double hl_heap_ln(double x);
/* e^x without libm, for x <= 0. Async-signal-safe. */
double hl_heap_exp_neg(double x);
/* The next sampling gap in bytes: exponential with mean rate, from one
 * 64-bit random number. Async-signal-safe. */
int64_t hl_heap_gap(uint64_t random, int64_t rate);
/* Go's unsampling: the estimated (count, bytes) of all allocations behind
 * count sampled ones of total size bytes, at the given rate. Rate <= 1 means
 * every allocation was recorded and returns the values unchanged. Async-signal-safe. */
void hl_heap_scale(int64_t count, int64_t bytes, int64_t rate, int64_t *out_count,
                   int64_t *out_bytes);

#pragma GCC visibility pop

#endif
