/* alloc.c - the profile model's replaceable allocator and its hash index. */
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "internal.h"

static void *(*g_malloc)(size_t) = malloc;
static void *(*g_realloc)(void *, size_t) = realloc;
static void (*g_free)(void *) = free;

void hl_profile_set_allocator(void *(*m)(size_t), void *(*r)(void *, size_t), void (*f)(void *))
{
    g_malloc = m ? m : malloc;
    g_realloc = r ? r : realloc;
    g_free = f ? f : free;
}

void *hl_pmalloc(size_t n)
{
    return g_malloc(n ? n : 1);
}

void *hl_pcalloc(size_t n, size_t size)
{
    if (size && n > SIZE_MAX / size) {
        errno = ENOMEM;
        return NULL;
    }
    void *p = hl_pmalloc(n * size);
    if (p)
        memset(p, 0, n * size);
    return p;
}

void *hl_prealloc(void *p, size_t n)
{
    return g_realloc(p, n ? n : 1);
}

void hl_pfree(void *p)
{
    if (p)
        g_free(p);
}

char *hl_pstrdup(const char *s)
{
    if (!s)
        s = "";
    size_t n = strlen(s) + 1;
    char *d = hl_pmalloc(n);
    if (d)
        memcpy(d, s, n);
    return d;
}

static void *pb_alloc(void *data, size_t size)
{
    (void)data;
    return hl_pmalloc(size);
}

static void pb_free(void *data, void *p)
{
    (void)data;
    hl_pfree(p);
}

ProtobufCAllocator hl_pb_allocator = {pb_alloc, pb_free, NULL};

void hl_phuge(void *p, size_t n)
{
#ifdef MADV_HUGEPAGE
    const uintptr_t huge = (uintptr_t)2 << 20;
    uintptr_t start = ((uintptr_t)p + huge - 1) & ~(huge - 1);
    uintptr_t end = ((uintptr_t)p + n) & ~(huge - 1);
    if (n >= 2 * huge && end > start)
        madvise((void *)start, end - start, MADV_HUGEPAGE); /* a hint: failure is harmless */
#else
    (void)p;
    (void)n;
#endif
}

struct hl_arena_chunk {
    struct hl_arena_chunk *next;
    size_t cap, used;
    max_align_t data[];
};

#define HL_ARENA_MIN   ((size_t)16 << 10)
#define HL_ARENA_MAX   ((size_t)64 << 20)
#define HL_ARENA_ALIGN (sizeof(max_align_t))

void hl_arena_init(hl_arena *a, size_t hint)
{
    a->head = NULL;
    a->next_size = hint < HL_ARENA_MIN ? HL_ARENA_MIN : hint > HL_ARENA_MAX ? HL_ARENA_MAX : hint;
}

void *hl_arena_alloc(hl_arena *a, size_t n)
{
    n = (n + HL_ARENA_ALIGN - 1) & ~(HL_ARENA_ALIGN - 1);
    if (!n)
        n = HL_ARENA_ALIGN;
    struct hl_arena_chunk *c = a->head;
    if (!c || c->cap - c->used < n) {
        if (n > SIZE_MAX / 2 - sizeof *c) {
            errno = ENOMEM;
            return NULL;
        }
        size_t cap = a->next_size > n ? a->next_size : n;
        struct hl_arena_chunk *nc = hl_pmalloc(sizeof *nc + cap);
        if (!nc)
            return NULL;
        nc->cap = cap;
        nc->used = 0;
        hl_phuge(nc->data, cap);
        /* A request bigger than a chunk gets a chunk of its own behind the
         * current one, so the current one's free space is not lost. */
        if (c && n > a->next_size && c->cap - c->used >= HL_ARENA_MIN) {
            nc->next = c->next;
            c->next = nc;
        } else {
            nc->next = c;
            a->head = nc;
        }
        if (a->next_size < HL_ARENA_MAX)
            a->next_size *= 2;
        c = nc;
    }
    void *p = (char *)c->data + c->used;
    c->used += n;
    return p;
}

void hl_arena_release(hl_arena *a)
{
    while (a->head) {
        struct hl_arena_chunk *next = a->head->next;
        hl_pfree(a->head);
        a->head = next;
    }
}

void hl_arena_reset(hl_arena *a)
{
    if (!a->head)
        return;
    struct hl_arena_chunk *c = a->head->next;
    while (c) {
        struct hl_arena_chunk *next = c->next;
        hl_pfree(c);
        c = next;
    }
    a->head->next = NULL;
    a->head->used = 0;
}

void *hl_arena_detach(hl_arena *a)
{
    void *head = a->head;
    a->head = NULL;
    return head;
}

void hl_arena_free_chunks(void *head)
{
    hl_arena a = {head, 0};
    hl_arena_release(&a);
}

static void *arena_pb_alloc(void *data, size_t size)
{
    return hl_arena_alloc(data, size);
}

static void arena_pb_free(void *data, void *p)
{
    (void)data;
    (void)p;
}

ProtobufCAllocator hl_arena_pb_allocator(hl_arena *a)
{
    return (ProtobufCAllocator){arena_pb_alloc, arena_pb_free, a};
}

static void *pcalloc_fn(size_t n, size_t size)
{
    return hl_pcalloc(n, size);
}

const hl_allocator hl_profile_allocator = {hl_pmalloc, pcalloc_fn, hl_prealloc, hl_pfree};
