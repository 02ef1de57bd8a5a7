/* keybuf.c - composite hash keys (see keybuf.h). */
#include "keybuf.h"

#include <stdlib.h>
#include <string.h>

void hl_keybuf_put(hl_keybuf *k, const void *data, size_t n)
{
    if (k->oom)
        return;
    if (k->n + n < k->n || hl_grow_to((void **)&k->b, &k->cap, k->n + n, 1, k->alloc) < 0) {
        k->oom = true;
        return;
    }
    if (n)
        memcpy(k->b + k->n, data, n);
    k->n += n;
}

void hl_keybuf_str(hl_keybuf *k, const char *s)
{
    if (!s)
        s = "";
    hl_keybuf_put(k, s, strlen(s) + 1);
}

void hl_keybuf_u64(hl_keybuf *k, uint64_t v)
{
    hl_keybuf_put(k, &v, sizeof v);
}

void hl_keybuf_free(hl_keybuf *k)
{
    hl_allocator_or_libc(k->alloc)->free(k->b);
    k->b = NULL;
    k->n = k->cap = 0;
}
