/* heap_table.c - the heap sampler's slow path: per-thread gaps, stack capture
 * with libunwind, the stack table (per-stack, per-size counters) and the
 * sharded table of live sampled blocks. Its memory comes from mmap, never
 * from malloc, so it can run inside an interposed malloc. */
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>

#include "heap_internal.h"
#include "unwind.h"

#define HL_SLOW __attribute__((section("hl_heap_text"), noinline, cold))

#define HL_NSHARDS       64
#define HL_STACK_HEADS   16384
#define HL_STACK_STRIPES 64
#define HL_ARENA_CHUNK   (1u << 20)
#define HL_FILTER_SLOTS  (1u << HL_HEAP_FILTER_BITS)
#define HL_FILTER_SAT    0xff

_Atomic uint8_t hl_heap_filter[HL_FILTER_SLOTS];

/* --- arena: bump allocation from mmap'ed chunks, never freed ------------ */

static pthread_mutex_t hl_arena_mu = PTHREAD_MUTEX_INITIALIZER;
static char *hl_arena_cur;
static size_t hl_arena_left;

/* Malloc-safe. 16-byte aligned zeroed memory, or NULL when mmap fails. */
static void *hl_arena_alloc(size_t n)
{
    n = (n + 15) & ~(size_t)15;
    pthread_mutex_lock(&hl_arena_mu);
    if (n > hl_arena_left) {
        size_t len = n > HL_ARENA_CHUNK ? n : HL_ARENA_CHUNK;
        void *m = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        if (m == MAP_FAILED) {
            pthread_mutex_unlock(&hl_arena_mu);
            return NULL;
        }
        hl_arena_cur = m;
        hl_arena_left = len;
    }
    void *p = hl_arena_cur;
    hl_arena_cur += n;
    hl_arena_left -= n;
    pthread_mutex_unlock(&hl_arena_mu);
    return p;
}

/* --- per-thread gaps ----------------------------------------------------- */

static _Atomic uint64_t hl_seed;
static _Atomic uint64_t hl_threads;
static _Atomic int64_t hl_dropped;

void hl_heap_set_seed(uint64_t seed)
{
    atomic_store(&hl_seed, seed);
}

static uint64_t hl_splitmix(uint64_t x)
{
    x += 0x9E3779B97F4A7C15ULL;
    x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ULL;
    x = (x ^ (x >> 27)) * 0x94D049BB133111EBULL;
    return x ^ (x >> 31);
}

/* xorshift64*: a few instructions per gap, good enough for sampling. */
static uint64_t hl_rand(struct hl_heap_tls *t)
{
    uint64_t x = t->rng;
    x ^= x >> 12;
    x ^= x << 25;
    x ^= x >> 27;
    t->rng = x;
    return x * 0x2545F4914F6CDD1DULL;
}

HL_SLOW int hl_heap_should_sample(struct hl_heap_tls *t, size_t n)
{
    int64_t rate = atomic_load_explicit(&hl_heap_rate, memory_order_relaxed);
    uint32_t gen = atomic_load_explicit(&hl_heap_gen, memory_order_relaxed);
    if (rate <= 1) {
        t->gen = gen;
        t->budget = -1; /* every allocation takes the slow path */
        return 1;
    }
    if (t->gen != gen) {
        /* First sampling decision of this thread in this profile: seed its
         * generator and start its byte count from here. */
        uint64_t idx = atomic_fetch_add(&hl_threads, 1) + 1;
        uint64_t seed = atomic_load(&hl_seed);
        if (seed == 0) {
            struct timespec ts;
            clock_gettime(CLOCK_MONOTONIC, &ts);
            seed = (uint64_t)ts.tv_nsec ^ ((uint64_t)ts.tv_sec << 32) ^ (uintptr_t)t;
        }
        t->rng = hl_splitmix(seed + idx * 0xD1B54A32D192ED03ULL) | 1;
        t->gen = gen;
        t->budget = (int64_t)((uint64_t)hl_heap_gap(hl_rand(t), rate) - (uint64_t)n);
        if (t->budget >= 0)
            return 0;
    }
    t->budget = hl_heap_gap(hl_rand(t), rate);
    return 1;
}

/* --- stack table --------------------------------------------------------- */

static hl_heap_bucket *hl_stack_heads[HL_STACK_HEADS];
static pthread_mutex_t hl_stack_mu[HL_STACK_STRIPES] = {[0 ... HL_STACK_STRIPES - 1] =
                                                            PTHREAD_MUTEX_INITIALIZER};
static _Atomic(hl_heap_bucket *) hl_all;

static uint64_t hl_stack_hash(const uintptr_t *pcs, size_t depth, uint64_t size)
{
    uint64_t h = hl_splitmix(size ^ depth);
    for (size_t i = 0; i < depth; i++)
        h = hl_splitmix(h ^ pcs[i]);
    return h;
}

/* Malloc-safe. The bucket of (stack, size), created when new; NULL when the
 * arena is exhausted. */
static hl_heap_bucket *hl_bucket_get(const uintptr_t *pcs, size_t depth, uint64_t size,
                                     uint32_t kind)
{
    uint64_t h = hl_stack_hash(pcs, depth, size);
    size_t head = (size_t)(h % HL_STACK_HEADS);
    pthread_mutex_t *mu = &hl_stack_mu[head % HL_STACK_STRIPES];
    pthread_mutex_lock(mu);
    hl_heap_bucket *b = hl_stack_heads[head];
    for (; b; b = b->next)
        if (b->hash == h && b->size == size && b->depth == depth && b->kind == kind &&
            memcmp(b->pcs, pcs, depth * sizeof *pcs) == 0)
            break;
    if (b == NULL) {
        b = hl_arena_alloc(sizeof *b + depth * sizeof *pcs);
        if (b) {
            b->hash = h;
            b->size = size;
            b->depth = (uint32_t)depth;
            b->kind = kind;
            memcpy(b->pcs, pcs, depth * sizeof *pcs);
            b->next = hl_stack_heads[head];
            hl_stack_heads[head] = b;
            hl_heap_bucket *old = atomic_load_explicit(&hl_all, memory_order_relaxed);
            do
                b->all_next = old;
            while (!atomic_compare_exchange_weak_explicit(&hl_all, &old, b, memory_order_release,
                                                          memory_order_relaxed));
        }
    }
    pthread_mutex_unlock(mu);
    return b;
}

hl_heap_bucket *hl_heap_buckets(void)
{
    return atomic_load_explicit(&hl_all, memory_order_acquire);
}

int64_t hl_heap_dropped(void)
{
    return atomic_load(&hl_dropped);
}

/* --- live table ---------------------------------------------------------- */

typedef struct hl_live {
    uintptr_t addr;
    hl_heap_bucket *bucket;
    struct hl_live *next;
} hl_live;

typedef struct hl_shard {
    pthread_mutex_t mu;
    hl_live **heads; /* mmap'ed, nheads a power of two */
    size_t nheads, count;
    hl_live *spare;
} __attribute__((aligned(64))) hl_shard;

static hl_shard hl_shards[HL_NSHARDS] = {
    [0 ... HL_NSHARDS - 1] = {.mu = PTHREAD_MUTEX_INITIALIZER}};

static size_t hl_live_index(uintptr_t addr, size_t nheads)
{
    uint64_t h = addr;
    h ^= h >> 33;
    h *= 0xff51afd7ed558ccdULL;
    h ^= h >> 33;
    return (size_t)(h & (nheads - 1));
}

/* Malloc-safe, shard locked. Doubles the bucket array when chains get long
 * (keeps the old one when mmap fails). */
static void hl_shard_grow(hl_shard *s)
{
    size_t n = s->nheads ? s->nheads * 2 : 256;
    hl_live **heads =
        mmap(NULL, n * sizeof *heads, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (heads == MAP_FAILED)
        return;
    for (size_t i = 0; i < s->nheads; i++) {
        hl_live *e = s->heads[i];
        while (e) {
            hl_live *next = e->next;
            size_t j = hl_live_index(e->addr, n);
            e->next = heads[j];
            heads[j] = e;
            e = next;
        }
    }
    if (s->heads)
        munmap(s->heads, s->nheads * sizeof *heads);
    s->heads = heads;
    s->nheads = n;
}

/* Malloc-safe. Adds p to the live table. Returns 0, or -1 when out of memory. */
static int hl_live_insert(const void *p, hl_heap_bucket *b)
{
    uint32_t slot = hl_heap_slot(p);
    hl_shard *s = &hl_shards[slot % HL_NSHARDS];
    int rc = -1;
    pthread_mutex_lock(&s->mu);
    if (s->count >= 2 * s->nheads)
        hl_shard_grow(s);
    if (s->nheads == 0)
        goto out;
    if (s->spare == NULL) {
        enum { CHUNK = 256 };
        hl_live *chunk = hl_arena_alloc(CHUNK * sizeof *chunk);
        if (chunk == NULL)
            goto out;
        for (size_t i = 0; i < CHUNK; i++) {
            chunk[i].next = s->spare;
            s->spare = &chunk[i];
        }
    }
    hl_live *e = s->spare;
    s->spare = e->next;
    e->addr = (uintptr_t)p;
    e->bucket = b;
    size_t i = hl_live_index(e->addr, s->nheads);
    e->next = s->heads[i];
    s->heads[i] = e;
    s->count++;
    uint8_t v = atomic_load_explicit(&hl_heap_filter[slot], memory_order_relaxed);
    if (v != HL_FILTER_SAT)
        atomic_store_explicit(&hl_heap_filter[slot], (uint8_t)(v + 1), memory_order_relaxed);
    rc = 0;
out:
    pthread_mutex_unlock(&s->mu);
    return rc;
}

hl_heap_bucket *hl_heap_forget(const void *p)
{
    uint32_t slot = hl_heap_slot(p);
    hl_shard *s = &hl_shards[slot % HL_NSHARDS];
    hl_heap_bucket *b = NULL;
    pthread_mutex_lock(&s->mu);
    if (s->nheads) {
        hl_live **link = &s->heads[hl_live_index((uintptr_t)p, s->nheads)];
        for (hl_live *e = *link; e; link = &e->next, e = e->next) {
            if (e->addr != (uintptr_t)p)
                continue;
            *link = e->next;
            b = e->bucket;
            e->next = s->spare;
            s->spare = e;
            s->count--;
            uint8_t v = atomic_load_explicit(&hl_heap_filter[slot], memory_order_relaxed);
            if (v != HL_FILTER_SAT && v != 0)
                atomic_store_explicit(&hl_heap_filter[slot], (uint8_t)(v - 1),
                                      memory_order_relaxed);
            break;
        }
    }
    pthread_mutex_unlock(&s->mu);
    if (b)
        atomic_fetch_add_explicit(&b->frees, 1, memory_order_relaxed);
    return b;
}

void hl_heap_unforget(const void *p, hl_heap_bucket *b)
{
    if (hl_live_insert(p, b) == 0)
        atomic_fetch_sub_explicit(&b->frees, 1, memory_order_relaxed);
}

/* --- recording ----------------------------------------------------------- */

HL_SLOW void hl_heap_record(void *p, size_t n, enum hl_heap_kind kind)
{
    struct hl_heap_tls *t = &hl_heap_tls;
    uintptr_t raw[HL_HEAP_MAX_DEPTH + 16];
    uintptr_t pcs[HL_HEAP_MAX_DEPTH];
    int saved = t->guard;
    t->guard = 1; /* libunwind and its callees may allocate: not sampled */
    int d = (int)hl_unwind_here(raw, sizeof raw / sizeof raw[0]);
    int i = 0;
    while (i < d && hl_heap_own_pc((uintptr_t)raw[i]))
        i++;
    size_t depth = 0;
    /* The leaf is the caller of the allocation function, as in Go's and
     * tcmalloc's heap profiles: the call instruction itself (a return address
     * minus one, since the symbolizer takes the leaf as it is). Which function
     * it called is the bucket's kind (a label in the profile). */
    if (i < d && raw[i])
        pcs[depth++] = (uintptr_t)raw[i++] - 1;
    for (; i < d && depth < HL_HEAP_MAX_DEPTH; i++)
        pcs[depth++] = (uintptr_t)raw[i];
    hl_heap_bucket *b = hl_bucket_get(pcs, depth, n, (uint32_t)kind);
    if (b == NULL) {
        atomic_fetch_add(&hl_dropped, 1);
    } else {
        atomic_fetch_add_explicit(&b->allocs, 1, memory_order_relaxed);
        if (hl_live_insert(p, b) != 0) {
            /* Counted as allocated, not tracked as in use. */
            atomic_fetch_add_explicit(&b->frees, 1, memory_order_relaxed);
            atomic_fetch_add(&hl_dropped, 1);
        }
    }
    t->guard = saved;
}

/* --- reset and fork ------------------------------------------------------ */

static void hl_shard_clear(hl_shard *s, size_t index)
{
    for (size_t i = 0; i < s->nheads; i++) {
        hl_live *e = s->heads[i];
        while (e) {
            hl_live *next = e->next;
            e->next = s->spare;
            s->spare = e;
            e = next;
        }
        s->heads[i] = NULL;
    }
    s->count = 0;
    for (size_t slot = index; slot < HL_FILTER_SLOTS; slot += HL_NSHARDS)
        atomic_store_explicit(&hl_heap_filter[slot], 0, memory_order_relaxed);
}

void hl_heap_tables_reset(void)
{
    for (size_t i = 0; i < HL_STACK_STRIPES; i++)
        pthread_mutex_lock(&hl_stack_mu[i]);
    memset(hl_stack_heads, 0, sizeof hl_stack_heads);
    atomic_store(&hl_all, NULL);
    for (size_t i = 0; i < HL_STACK_STRIPES; i++)
        pthread_mutex_unlock(&hl_stack_mu[i]);
    for (size_t i = 0; i < HL_NSHARDS; i++) {
        pthread_mutex_lock(&hl_shards[i].mu);
        hl_shard_clear(&hl_shards[i], i);
        pthread_mutex_unlock(&hl_shards[i].mu);
    }
    atomic_store(&hl_dropped, 0);
}

void hl_heap_fork_prepare(void)
{
    for (size_t i = 0; i < HL_STACK_STRIPES; i++)
        pthread_mutex_lock(&hl_stack_mu[i]);
    for (size_t i = 0; i < HL_NSHARDS; i++)
        pthread_mutex_lock(&hl_shards[i].mu);
    pthread_mutex_lock(&hl_arena_mu);
}

void hl_heap_fork_parent(void)
{
    pthread_mutex_unlock(&hl_arena_mu);
    for (size_t i = HL_NSHARDS; i-- > 0;)
        pthread_mutex_unlock(&hl_shards[i].mu);
    for (size_t i = HL_STACK_STRIPES; i-- > 0;)
        pthread_mutex_unlock(&hl_stack_mu[i]);
}

void hl_heap_fork_child(void)
{
    atomic_store(&hl_heap_on, 0);
    atomic_store(&hl_heap_armed, 0);
    memset(hl_stack_heads, 0, sizeof hl_stack_heads);
    atomic_store(&hl_all, NULL);
    for (size_t i = 0; i < HL_NSHARDS; i++)
        hl_shard_clear(&hl_shards[i], i);
    atomic_store(&hl_dropped, 0);
    hl_heap_fork_parent();
}
