/* jemalloc_usable.c - a program on jemalloc that asks jemalloc about its own
 * blocks (malloc_usable_size): every block it gets must come from jemalloc,
 * not from glibc, also while the heap profiler is on. Prints a count. */
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
int main(void)
{
    size_t total = 0;
    for (int i = 0; i < 20000; i++) {
        char *p = malloc(100 + i % 500);
        memset(p, 1, 100);
        total += malloc_usable_size(p) >= 100;
        p = realloc(p, 2000);
        total += malloc_usable_size(p) >= 2000;
        free(p);
    }
    printf("%zu\n", total);
    return 0;
}
