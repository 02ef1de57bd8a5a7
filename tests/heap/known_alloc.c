/* known_alloc.c - allocates known sizes from three call sites in known
 * proportions (by bytes 1 : 2 : 4) and frees them; the heap tests compare the
 * profile with these figures. Usage: known_alloc [rounds] (default 1000). */
#include <stdio.h>
#include <stdlib.h>

#define SMALL  64
#define MEDIUM 1024
#define LARGE  16384

/* Keeps the compiler from dropping malloc/free pairs. */
static void *volatile sink;

__attribute__((noinline)) void alloc_small(int n)
{
    for (int i = 0; i < n; i++) {
        sink = malloc(SMALL);
        free(sink);
    }
}

__attribute__((noinline)) void alloc_medium(int n)
{
    for (int i = 0; i < n; i++) {
        sink = calloc(1, MEDIUM);
        free(sink);
    }
}

__attribute__((noinline)) void alloc_large(int n)
{
    for (int i = 0; i < n; i++) {
        sink = malloc(LARGE);
        free(sink);
    }
}

int main(int argc, char **argv)
{
    long rounds = argc > 1 ? strtol(argv[1], NULL, 10) : 1000;
    if (rounds < 1) {
        fprintf(stderr, "usage: known_alloc [rounds]\n");
        return 2;
    }
    /* Per round: 512 x 64 B, 64 x 1 KiB (calloc), 8 x 16 KiB: 32, 64 and
     * 128 KiB, bytes in proportions 1 : 2 : 4 from three sizes far apart. */
    for (long r = 0; r < rounds; r++) {
        alloc_small(512); /* 32 KiB */
        alloc_medium(64); /* 64 KiB */
        alloc_large(8);   /* 128 KiB */
    }
    printf("alloc_small %ld %ld\n", rounds * 512, rounds * 512 * SMALL);
    printf("alloc_medium %ld %ld\n", rounds * 64, rounds * 64 * MEDIUM);
    printf("alloc_large %ld %ld\n", rounds * 8, rounds * 8 * LARGE);
    return 0;
}
