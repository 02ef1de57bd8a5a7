/* leak_alloc.c - allocates from two sites and frees only some blocks (with
 * free and realloc), so that what stays in use is known exactly. Prints
 * "site <function> <inuse objects> <inuse bytes>" for each site. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void *kept[4096];
static size_t n_kept;

/* Allocates n blocks of size bytes and keeps every third one. */
__attribute__((noinline)) void leak_some(int n, size_t size)
{
    for (int i = 0; i < n; i++) {
        char *p = malloc(size);
        if (p == NULL)
            abort();
        memset(p, i, size);
        if (i % 3 == 0)
            kept[n_kept++] = p;
        else
            free(p);
    }
}

/* Grows n buffers with realloc to final bytes each and keeps half of them:
 * every intermediate block is freed by the next realloc. */
__attribute__((noinline)) void grow_some(int n, size_t final)
{
    for (int i = 0; i < n; i++) {
        char *p = NULL;
        for (size_t len = 64; len <= final; len *= 2) {
            char *q = realloc(p, len);
            if (q == NULL)
                abort();
            p = q;
            p[len - 1] = 1;
        }
        if (i % 2 == 0)
            kept[n_kept++] = p;
        else
            free(p);
    }
}

int main(void)
{
    leak_some(300, 100); /* keeps 100 x 100 B */
    grow_some(40, 4096); /* keeps 20 x 4096 B; each buffer allocates 64..4096 */
    fflush(stdout);
    printf("site leak_some %d %d\n", 100, 100 * 100);
    printf("site grow_some %d %d\n", 20, 20 * 4096);
    /* alloc figures: 300 x 100; 40 x (64+128+...+4096) over 7 reallocs */
    printf("alloc leak_some %d %d\n", 300, 300 * 100);
    printf("alloc grow_some %d %d\n", 40 * 7, 40 * (64 + 128 + 256 + 512 + 1024 + 2048 + 4096));
    return 0;
}
