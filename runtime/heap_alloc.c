/* heap_alloc.c - the malloc-family interposers: a counter decrement on the
 * fast path, the sampler only when the thread's byte budget runs out.
 *
 * Every call is forwarded to the allocator the program would have used
 * without the runtime: the next definition after this library (jemalloc,
 * tcmalloc, mimalloc, or glibc), found by dlsym(RTLD_NEXT) at the first
 * allocation. dlsym may itself allocate: while the one thread resolving is
 * inside it, allocations come from a small static arena whose blocks are
 * never given back (free ignores them, realloc moves them out). Every
 * function here works before the library's constructor has run.
 *
 * All code that can be on the stack between the program and the stack walk
 * lives in the section hl_heap_text, so the sampler skips exactly its own
 * frames whatever the compiler inlined. */
#include <dlfcn.h>
#include <errno.h>
#include <stdalign.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "heap_internal.h"

#if defined(__SANITIZE_ADDRESS__)
#define HL_HEAP_NO_INTERPOSE 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define HL_HEAP_NO_INTERPOSE 1
#endif
#endif

#define HL_TEXT        __attribute__((section("hl_heap_text")))
#define HL_SLOW        __attribute__((section("hl_heap_text"), noinline, cold))
#define hl_unlikely(x) __builtin_expect(!!(x), 0)
#define hl_likely(x)   __builtin_expect(!!(x), 1)

extern void *__libc_malloc(size_t n);
extern void *__libc_calloc(size_t n, size_t size);
extern void *__libc_realloc(void *p, size_t n);
extern void __libc_free(void *p);
extern void *__libc_memalign(size_t align, size_t n);
extern void *__libc_valloc(size_t n);
extern void *__libc_pvalloc(size_t n);

_Atomic int hl_heap_on;
_Atomic int hl_heap_armed;
_Atomic int64_t hl_heap_rate = HL_HEAP_DEFAULT_RATE;
_Atomic uint32_t hl_heap_gen = 1;
__thread struct hl_heap_tls hl_heap_tls __attribute__((tls_model("initial-exec"))) = {.budget = -1};

/* Charges n bytes to the thread's budget (unsigned arithmetic: no overflow
 * whatever n is). Returns non-zero when the budget went negative. */
static inline int hl_charge(size_t n)
{
    struct hl_heap_tls *t = &hl_heap_tls;
    t->budget = (int64_t)((uint64_t)t->budget - (uint64_t)n);
    return t->budget < 0;
}

/* The thread crossed a sampling point while allocating n bytes: decides
 * whether this allocation is recorded. Allocations made by the profiler
 * itself (guard set) give their bytes back and are never sampled. */
static inline int hl_take(size_t n)
{
    struct hl_heap_tls *t = &hl_heap_tls;
    if (t->guard) {
        t->budget = (int64_t)((uint64_t)t->budget + (uint64_t)n);
        return 0;
    }
    return hl_heap_should_sample(t, n);
}

#ifndef HL_HEAP_NO_INTERPOSE

/* ---- the next allocator ---- */

typedef struct {
    void *(*malloc)(size_t);
    void *(*calloc)(size_t, size_t);
    void *(*realloc)(void *, size_t);
    void (*free)(void *);
    void *(*memalign)(size_t, size_t);
    void *(*valloc)(size_t);
    void *(*pvalloc)(size_t);
} hl_next_alloc;

static hl_next_alloc g_next;
static _Atomic int g_next_state; /* 0 unresolved, 1 being resolved, 2 resolved */
static __thread int tls_resolving __attribute__((tls_model("initial-exec")));

/* The bootstrap arena: a size header before each block, 16-byte aligned. */
#define BOOT_ARENA_SIZE (256 * 1024)
static alignas(64) unsigned char boot_arena[BOOT_ARENA_SIZE];
static _Atomic size_t boot_used;

/* Macros, not inline functions, here and in NX(): the entry address of each
 * public function must symbolize to that function itself. */
#define in_boot_arena(p)                                                                           \
    ((const unsigned char *)(p) >= boot_arena &&                                                   \
     (const unsigned char *)(p) < boot_arena + BOOT_ARENA_SIZE)

HL_SLOW static void *boot_memalign(size_t align, size_t n)
{
    if (align < 16)
        align = 16;
    for (;;) {
        size_t used = atomic_load(&boot_used);
        size_t start = (used + 16 + align - 1) & ~(align - 1);
        if (start + n < start || start + n > BOOT_ARENA_SIZE) {
            errno = ENOMEM;
            return NULL;
        }
        if (atomic_compare_exchange_weak(&boot_used, &used, start + n)) {
            memcpy(boot_arena + start - sizeof n, &n, sizeof n);
            return boot_arena + start;
        }
    }
}
HL_SLOW static void *boot_malloc(size_t n)
{
    return boot_memalign(16, n);
}
HL_SLOW static void *boot_calloc(size_t a, size_t b)
{
    size_t n;
    if (__builtin_mul_overflow(a, b, &n)) {
        errno = ENOMEM;
        return NULL;
    }
    return boot_memalign(16, n); /* static memory, never reused: already zero */
}
HL_SLOW static void *boot_realloc(void *p, size_t n)
{
    void *q = boot_malloc(n);
    if (q && p && in_boot_arena(p)) {
        size_t old;
        memcpy(&old, (unsigned char *)p - sizeof old, sizeof old);
        memcpy(q, p, old < n ? old : n);
    }
    return q;
}
HL_SLOW static void boot_free(void *p)
{
    (void)p;
}
HL_SLOW static void *boot_valloc(size_t n)
{
    return boot_memalign(4096, n);
}

static const hl_next_alloc boot_alloc = {boot_malloc,   boot_calloc, boot_realloc, boot_free,
                                         boot_memalign, boot_valloc, boot_valloc};

static const hl_next_alloc glibc_alloc = {__libc_malloc, __libc_calloc,   __libc_realloc,
                                          __libc_free,   __libc_memalign, __libc_valloc,
                                          __libc_pvalloc};

/* pvalloc where the next allocator has none (jemalloc): page-rounded valloc. */
HL_SLOW static void *pvalloc_by_memalign(size_t n)
{
    size_t page = (size_t)sysconf(_SC_PAGESIZE);
    size_t r = (n + page - 1) & ~(page - 1);
    return g_next.memalign(page, r < n ? n : (r ? r : page));
}
HL_SLOW static void *valloc_by_memalign(size_t n)
{
    return g_next.memalign((size_t)sysconf(_SC_PAGESIZE), n);
}

/* Finds the next allocator once; the thread inside dlsym gets the arena.
 * Another thread waits for the resolution (it takes microseconds). */
HL_SLOW static const hl_next_alloc *hl_next_resolve(void)
{
    if (tls_resolving)
        return &boot_alloc;
    int expect = 0;
    if (atomic_compare_exchange_strong(&g_next_state, &expect, 1)) {
        tls_resolving = 1;
        hl_next_alloc n;
        *(void **)&n.malloc = dlsym(RTLD_NEXT, "malloc");
        *(void **)&n.calloc = dlsym(RTLD_NEXT, "calloc");
        *(void **)&n.realloc = dlsym(RTLD_NEXT, "realloc");
        *(void **)&n.free = dlsym(RTLD_NEXT, "free");
        *(void **)&n.memalign = dlsym(RTLD_NEXT, "memalign");
        *(void **)&n.valloc = dlsym(RTLD_NEXT, "valloc");
        *(void **)&n.pvalloc = dlsym(RTLD_NEXT, "pvalloc");
        tls_resolving = 0;
        if (!n.malloc || !n.calloc || !n.realloc || !n.free || !n.memalign ||
            n.malloc == __libc_malloc) {
            g_next = glibc_alloc; /* glibc itself, or no other complete allocator */
        } else {
            if (!n.valloc)
                n.valloc = valloc_by_memalign;
            if (!n.pvalloc)
                n.pvalloc = pvalloc_by_memalign;
            g_next = n;
        }
        atomic_store_explicit(&g_next_state, 2, memory_order_release);
    } else {
        while (atomic_load_explicit(&g_next_state, memory_order_acquire) != 2)
            ;
    }
    return &g_next;
}

/* The allocator calls go to. */
#define NX()                                                                                       \
    (hl_likely(atomic_load_explicit(&g_next_state, memory_order_acquire) == 2)                     \
         ? (const hl_next_alloc *)&g_next                                                          \
         : hl_next_resolve())

#define __libc_malloc   NX()->malloc
#define __libc_calloc   NX()->calloc
#define __libc_realloc  NX()->realloc
#define __libc_memalign NX()->memalign
#define __libc_valloc   NX()->valloc
#define __libc_pvalloc  NX()->pvalloc
#define __libc_free     NX()->free

/* Start and end of hl_heap_text, made by the linker. */
extern char __start_hl_heap_text[] __attribute__((visibility("hidden")));
extern char __stop_hl_heap_text[] __attribute__((visibility("hidden")));

int hl_heap_own_pc(uintptr_t pc)
{
    return pc >= (uintptr_t)__start_hl_heap_text && pc < (uintptr_t)__stop_hl_heap_text;
}

HL_SLOW static void *hl_malloc_slow(size_t n)
{
    if (!hl_take(n))
        return __libc_malloc(n);
    void *p = __libc_malloc(n);
    if (p)
        hl_heap_record(p, n, HL_HEAP_MALLOC);
    return p;
}

HL_TEXT void *malloc(size_t n)
{
    if (!atomic_load_explicit(&hl_heap_on, memory_order_relaxed) || !hl_charge(n))
        return __libc_malloc(n);
    return hl_malloc_slow(n);
}

HL_SLOW static void hl_free_slow(void *p)
{
    hl_heap_forget(p);
    __libc_free(p);
}

HL_TEXT void free(void *p)
{
    if (hl_unlikely(in_boot_arena(p)))
        return;
    if (!atomic_load_explicit(&hl_heap_armed, memory_order_relaxed) || !hl_heap_maybe_sampled(p))
        __libc_free(p);
    else
        hl_free_slow(p);
}

HL_SLOW static void *hl_calloc_slow(size_t nmemb, size_t size, size_t n)
{
    if (!hl_take(n))
        return __libc_calloc(nmemb, size);
    void *p = __libc_calloc(nmemb, size);
    if (p)
        hl_heap_record(p, n, HL_HEAP_CALLOC);
    return p;
}

HL_TEXT void *calloc(size_t nmemb, size_t size)
{
    size_t n;
    if (!atomic_load_explicit(&hl_heap_on, memory_order_relaxed) ||
        __builtin_mul_overflow(nmemb, size, &n) || !hl_charge(n))
        return __libc_calloc(nmemb, size);
    return hl_calloc_slow(nmemb, size, n);
}

/* realloc(p, n) counts as an allocation of n bytes and, when p was a sampled
 * block, as its free. The live entry is removed before the block can be
 * reused by another thread, and restored when realloc fails. */
HL_SLOW static void *hl_realloc_slow(void *p, size_t n, enum hl_heap_kind kind, int crossed)
{
    hl_heap_bucket *old = NULL;
    if (hl_heap_maybe_sampled(p))
        old = hl_heap_forget(p);
    int sample = crossed && hl_take(n);
    void *q = __libc_realloc(p, n);
    if (q == NULL && !(p != NULL && n == 0)) {
        if (old)
            hl_heap_unforget(p, old);
        return NULL;
    }
    if (q && sample)
        hl_heap_record(q, n, kind);
    return q;
}

/* The common case stays a tail call: no sampling point crossed and the old
 * block not possibly sampled. A macro, not an inline function: the entry
 * address of realloc must symbolize to realloc itself. */
#define HL_REALLOC(p, n, kind)                                                                     \
    do {                                                                                           \
        if (hl_unlikely(in_boot_arena(p)))                                                         \
            return boot_realloc_out(p, n);                                                         \
        if (!atomic_load_explicit(&hl_heap_armed, memory_order_relaxed))                           \
            return __libc_realloc(p, n);                                                           \
        int crossed_ = atomic_load_explicit(&hl_heap_on, memory_order_relaxed) && hl_charge(n);    \
        if (!crossed_ && !hl_heap_maybe_sampled(p))                                                \
            return __libc_realloc(p, n);                                                           \
        return hl_realloc_slow(p, n, kind, crossed_);                                              \
    } while (0)

/* A block of the bootstrap arena resized: moved to the real allocator. */
HL_SLOW static void *boot_realloc_out(void *p, size_t n)
{
    void *q = malloc(n);
    if (q) {
        size_t old;
        memcpy(&old, (unsigned char *)p - sizeof old, sizeof old);
        memcpy(q, p, old < n ? old : n);
    }
    return q;
}

HL_TEXT void *realloc(void *p, size_t n)
{
    HL_REALLOC(p, n, HL_HEAP_REALLOC);
}

HL_TEXT void *reallocarray(void *p, size_t nmemb, size_t size)
{
    size_t n;
    if (__builtin_mul_overflow(nmemb, size, &n)) {
        errno = ENOMEM;
        return NULL;
    }
    HL_REALLOC(p, n, HL_HEAP_REALLOCARRAY);
}

/* The aligned family: glibc's __libc_memalign rounds a non-power-of-two
 * alignment up, as memalign documents; posix_memalign and aligned_alloc
 * validate theirs first as POSIX and C11 require. */
HL_SLOW static void *hl_aligned_slow(size_t align, size_t n, enum hl_heap_kind kind)
{
    void *p;
    int take = hl_take(n);
    if (kind == HL_HEAP_VALLOC)
        p = __libc_valloc(n);
    else if (kind == HL_HEAP_PVALLOC)
        p = __libc_pvalloc(n);
    else
        p = __libc_memalign(align, n);
    if (p && take)
        hl_heap_record(p, n, kind);
    return p;
}

/* Not inlined: the public functions' entry addresses, which name the leaf
 * frame of their samples, must symbolize to them and not to this helper. */
HL_TEXT __attribute__((noinline)) static void *hl_aligned(size_t align, size_t n,
                                                          enum hl_heap_kind kind)
{
    if (hl_unlikely(atomic_load_explicit(&hl_heap_on, memory_order_relaxed) && hl_charge(n)))
        return hl_aligned_slow(align, n, kind);
    if (kind == HL_HEAP_VALLOC)
        return __libc_valloc(n);
    if (kind == HL_HEAP_PVALLOC)
        return __libc_pvalloc(n);
    return __libc_memalign(align, n);
}

HL_TEXT int posix_memalign(void **out, size_t align, size_t n)
{
    if (align < sizeof(void *) || (align & (align - 1)) != 0)
        return EINVAL;
    int saved = errno;
    void *p = hl_aligned(align, n, HL_HEAP_POSIX_MEMALIGN);
    if (p == NULL) {
        int e = errno ? errno : ENOMEM;
        errno = saved;
        return e;
    }
    errno = saved;
    *out = p;
    return 0;
}

HL_TEXT void *aligned_alloc(size_t align, size_t n)
{
    if (align == 0 || (align & (align - 1)) != 0) {
        errno = EINVAL;
        return NULL;
    }
    return hl_aligned(align, n, HL_HEAP_ALIGNED_ALLOC);
}

HL_TEXT void *memalign(size_t align, size_t n)
{
    return hl_aligned(align, n, HL_HEAP_MEMALIGN);
}

HL_TEXT void *valloc(size_t n)
{
    return hl_aligned(0, n, HL_HEAP_VALLOC);
}

HL_TEXT void *pvalloc(size_t n)
{
    return hl_aligned(0, n, HL_HEAP_PVALLOC);
}

/* The profile names each sample's allocation function by its entry address
 * (symbolized like any other frame). Hidden aliases give the address inside
 * this library without going through the GOT. */
#if defined(__clang__)
#define HL_COPY(name)
#else
#define HL_COPY(name) copy(name),
#endif
#define HL_ALIAS(name)                                                                             \
    extern __typeof(name) hl_entry_##name                                                          \
        __attribute__((alias(#name), HL_COPY(name) visibility("hidden")));
HL_ALIAS(malloc)
HL_ALIAS(calloc)
HL_ALIAS(realloc)
HL_ALIAS(reallocarray)
HL_ALIAS(posix_memalign)
HL_ALIAS(aligned_alloc)
HL_ALIAS(memalign)
HL_ALIAS(valloc)
HL_ALIAS(pvalloc)

const uintptr_t hl_heap_entry[HL_HEAP_NKINDS] = {
    [HL_HEAP_MALLOC] = (uintptr_t)hl_entry_malloc,
    [HL_HEAP_CALLOC] = (uintptr_t)hl_entry_calloc,
    [HL_HEAP_REALLOC] = (uintptr_t)hl_entry_realloc,
    [HL_HEAP_REALLOCARRAY] = (uintptr_t)hl_entry_reallocarray,
    [HL_HEAP_POSIX_MEMALIGN] = (uintptr_t)hl_entry_posix_memalign,
    [HL_HEAP_ALIGNED_ALLOC] = (uintptr_t)hl_entry_aligned_alloc,
    [HL_HEAP_MEMALIGN] = (uintptr_t)hl_entry_memalign,
    [HL_HEAP_VALLOC] = (uintptr_t)hl_entry_valloc,
    [HL_HEAP_PVALLOC] = (uintptr_t)hl_entry_pvalloc,
};

#undef __libc_malloc
#undef __libc_calloc
#undef __libc_realloc
#undef __libc_memalign
#undef __libc_valloc
#undef __libc_pvalloc
#undef __libc_free

#else /* sanitizer build: the sanitizer owns malloc; heap profiling is off */

int hl_heap_own_pc(uintptr_t pc)
{
    (void)pc;
    return 0;
}

const uintptr_t hl_heap_entry[HL_HEAP_NKINDS];

#endif

/* Non-zero when this build interposes malloc (not in a sanitizer build). */
int hl_heap_interposes(void)
{
#ifdef HL_HEAP_NO_INTERPOSE
    return 0;
#else
    return 1;
#endif
}
