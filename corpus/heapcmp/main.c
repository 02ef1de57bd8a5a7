/* heapcmp - interns tag names: each tag is looked up by strcmp in a small list and
 * copied with strdup when it is new to the batch. Profiled for allocations: the
 * strdup is what the allocation profile shows; the strcmp compares allocate nothing,
 * so an allocation profile cannot judge them. Benchmark driver: main() [batches]. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_TAGS 16

static const char *const tags[] = {"frontend", "backend", "database", "cache",
                                   "frontend", "queue",   "backend",  "search"};

/* One batch: the distinct tags of the batch, each a heap copy. */
__attribute__((noinline)) static size_t intern_batch(char **seen, size_t batch)
{
    size_t n = 0;
    for (size_t i = 0; i < 8; i++) {
        const char *tag = tags[(i + batch) % 8];
        size_t k = 0;
        while (k < n && strcmp(seen[k], tag) != 0)
            k++;
        if (k == n && n < MAX_TAGS)
            seen[n++] = strdup(tag);
    }
    return n;
}

int main(int argc, char **argv)
{
    long batches = argc > 1 ? strtol(argv[1], NULL, 10) : 200000;
    char *seen[MAX_TAGS];
    size_t total = 0;
    for (long b = 0; b < batches; b++) {
        size_t n = intern_batch(seen, (size_t)b);
        for (size_t k = 0; k < n; k++) {
            total += strlen(seen[k]);
            free(seen[k]);
        }
    }
    printf("%zu\n", total);
    return 0;
}
