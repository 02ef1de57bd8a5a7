/* api_alloc.c - drives the C API: hotlint_heap_start at rate 1, a dump after
 * the first phase, a forked child that allocates and exits (it must write
 * nothing), then hotlint_heap_stop; then a second profile from start to stop.
 * Usage: api_alloc DUMP FINAL AGAIN. */
#include <errno.h>
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include "hotlint/profiler.h"

static void *volatile sink;

__attribute__((noinline)) void phase_one(void)
{
    for (int i = 0; i < 100; i++) {
        sink = malloc(256);
        free(sink);
    }
}

__attribute__((noinline)) void phase_two(void)
{
    for (int i = 0; i < 50; i++) {
        void *p = NULL;
        if (posix_memalign(&p, 64, 512) != 0)
            abort();
        free(p);
        sink = aligned_alloc(128, 1024);
        free(sink);
    }
}

/* The rest of the family, ten calls each; every block is checked with
 * malloc_usable_size, which must keep working on sampled blocks. */
__attribute__((noinline)) int phase_three(void)
{
    void *p = NULL;
    if (posix_memalign(&p, 3, 64) != EINVAL || aligned_alloc(3, 64) != NULL)
        return -1;
    for (int i = 0; i < 10; i++) {
        void *blocks[4] = {reallocarray(NULL, 3, 100), memalign(64, 200), valloc(100),
                           pvalloc(100)};
        for (int k = 0; k < 4; k++) {
            if (blocks[k] == NULL || malloc_usable_size(blocks[k]) < 100)
                return -1;
            free(blocks[k]);
        }
    }
    return 0;
}

__attribute__((noinline)) void in_child(void)
{
    for (int i = 0; i < 1000; i++) {
        sink = malloc(8192);
        free(sink);
    }
}

int main(int argc, char **argv)
{
    if (argc != 4) {
        fprintf(stderr, "usage: api_alloc DUMP FINAL AGAIN\n");
        return 2;
    }
    if (hotlint_heap_start(argv[2], 1) != 0)
        return 1;
    if (hotlint_heap_start(argv[2], 1) == 0) /* a second start must fail */
        return 1;
    phase_one();
    if (hotlint_heap_dump(argv[1]) != 0)
        return 1;
    pid_t pid = fork();
    if (pid < 0)
        return 1;
    if (pid == 0) {
        in_child();
        if (hotlint_heap_dump(NULL) == 0) /* not running in the child */
            _exit(3);
        exit(0); /* runs the destructors: they must not write FINAL */
    }
    int status;
    if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status) || WEXITSTATUS(status) != 0)
        return 1;
    if (access(argv[2], F_OK) == 0) {
        fprintf(stderr, "api_alloc: the forked child wrote %s\n", argv[2]);
        return 1;
    }
    phase_two();
    if (phase_three() != 0) {
        fprintf(stderr, "api_alloc: the allocation family misbehaves\n");
        return 1;
    }
    if (hotlint_heap_stop() != 0)
        return 1;
    if (hotlint_heap_stop() == 0) /* already stopped */
        return 1;
    sink = malloc(4096); /* not profiled any more */
    free(sink);
    /* A second profile starts empty. */
    if (hotlint_heap_start(argv[3], 1) != 0)
        return 1;
    phase_one();
    if (hotlint_heap_stop() != 0)
        return 1;
    puts("api ok");
    return 0;
}
