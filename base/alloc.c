/* alloc.c - the C library's allocator as an hl_allocator. */
#include "alloc.h"

#include <stdlib.h>

static const hl_allocator libc_allocator = {malloc, calloc, realloc, free};

const hl_allocator *hl_allocator_or_libc(const hl_allocator *a)
{
    return a ? a : &libc_allocator;
}
