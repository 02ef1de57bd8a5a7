/* keybuf.h - a growing byte buffer for composite hash keys: fields are
 * appended, then the bytes are looked up in a map (base/hashmap.h).
 *
 * Not async-signal-safe (it allocates). */
#ifndef HL_BASE_KEYBUF_H
#define HL_BASE_KEYBUF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "grow.h"

typedef struct hl_keybuf {
    char *b;
    size_t n, cap;
    bool oom;                  /* an append failed: the key is incomplete */
    const hl_allocator *alloc; /* NULL: libc */
} hl_keybuf;

static inline void hl_keybuf_reset(hl_keybuf *k)
{
    k->n = 0;
}
/* Appends n bytes; on ENOMEM sets k->oom and leaves the key as it was. */
void hl_keybuf_put(hl_keybuf *k, const void *data, size_t n);
/* Appends the string and its NUL (NULL as ""), so "a","bc" and "ab","c" differ. */
void hl_keybuf_str(hl_keybuf *k, const char *s);
void hl_keybuf_u64(hl_keybuf *k, uint64_t v);
/* Releases the buffer . */
void hl_keybuf_free(hl_keybuf *k);

#endif
