/* dl_lib.c - a library the dlopen test loads: allocates from its own code. */
#include <stdlib.h>

static void *volatile sink;

void lib_alloc(int n)
{
    for (int i = 0; i < n; i++) {
        sink = malloc(300);
        free(sink);
    }
}
