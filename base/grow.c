/* grow.c - doubling growth of arrays (see grow.h). */
#include "grow.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>

int hl_grow_to(void **arr, size_t *cap, size_t need, size_t elem, const hl_allocator *a)
{
    if (need <= *cap)
        return 0;
    size_t nc = *cap ? *cap : 16;
    while (nc < need) {
        if (nc > SIZE_MAX / 2)
            goto overflow;
        nc *= 2;
    }
    if (elem && nc > SIZE_MAX / elem)
        goto overflow;
    void *p = hl_allocator_or_libc(a)->realloc(*arr, nc * elem);
    if (!p) {
        errno = ENOMEM;
        return -1;
    }
    *arr = p;
    *cap = nc;
    return 0;
overflow:
    errno = ENOMEM;
    return -1;
}
