/* pathjoin - expands a file list against search directories, the inner loop
 * of a build tool's include or module resolver. Benchmark driver: main(). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const dirs[] = {"/usr/local/include", "/usr/include/x86_64-linux-gnu",
                                   "/usr/include", "/opt/project/src/include",
                                   "/opt/project/third_party/zlib"};
static const char *const names[] = {"stdio.h",        "config.h",    "zlib.h",
                                    "project/util.h", "sys/types.h", "internal/alloc.h"};

struct hit_list {
    char **paths;
    size_t n, cap;
};

/* Usage text: prints each search directory once. */
__attribute__((noinline)) static void print_search_dirs(size_t n)
{
    char line[256];
    for (size_t i = 0; i < n; i++) {
        snprintf(line, sizeof line, "  -I%s", dirs[i]);
        puts(line);
    }
}

/* A stand-in for stat(): deterministic, cheap. */
static int exists(const char *path, size_t len)
{
    return ((unsigned char)path[len - 3] + (unsigned char)path[len / 2]) % 3 != 0;
}

/* The hot path: every name against every directory. */
__attribute__((noinline)) static size_t resolve(struct hit_list *hits)
{
    char buf[512];
    size_t found = 0;
    for (size_t d = 0; d < 5; d++) {
        for (size_t k = 0; k < 6; k++) {
            int len = snprintf(buf, sizeof buf, "%s/%s", dirs[d], names[k]);
            if (len > 0 && exists(buf, (size_t)len)) {
                if (hits->n == hits->cap) {
                    hits->cap = hits->cap ? hits->cap * 2 : 64;
                    hits->paths = realloc(hits->paths, hits->cap * sizeof *hits->paths);
                }
                hits->paths[hits->n++] = strdup(buf);
                found++;
            }
        }
    }
    return found;
}

int main(int argc, char **argv)
{
    size_t rounds = argc > 1 ? strtoul(argv[1], NULL, 10) : 170000;
    if (argc > 2)
        print_search_dirs(5);
    struct hit_list hits = {0};
    size_t found = 0, bytes = 0;
    for (size_t r = 0; r < rounds; r++) {
        found += resolve(&hits);
        for (size_t i = 0; i < hits.n; i++) {
            bytes += strlen(hits.paths[i]);
            free(hits.paths[i]);
        }
        hits.n = 0;
    }
    free(hits.paths);
    printf("pathjoin: %zu rounds, %zu hits, %zu bytes\n", rounds, found, bytes);
    return 0;
}
