/* msglog - formats log messages into heap strings with asprintf and keeps
 * them in a list that grows one slot at a time, then ships each batch.
 * Benchmark driver: main() [batches]. The allocation profile proves it. */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct log {
    char **items;
    size_t n;
};

static const char *const levels[] = {"debug", "info", "warn", "error"};
static char *sources[8];

/* Start-up: the names of the message sources, copied once. */
__attribute__((noinline)) static void load_sources(void)
{
    static const char *const defaults[] = {"api",   "auth",   "db",     "cache",
                                           "queue", "mailer", "search", "billing"};
    for (int i = 0; i < 8; i++)
        sources[i] = strdup(defaults[i]);
}

/* Hot: one heap string per message, and the list grown by one slot each. */
__attribute__((noinline)) static size_t log_batch(struct log *lg, size_t first, size_t n)
{
    size_t bytes = 0;
    for (size_t i = first; i < first + n; i++) {
        char *text;
        if (asprintf(&text, "%s %s request=%zu user=u%04zu status=%d", levels[i % 4],
                     sources[i % 8], i, i % 977, 200 + (int)(i % 7)) < 0)
            abort();
        lg->items = realloc(lg->items, (lg->n + 1) * sizeof *lg->items);
        lg->items[lg->n++] = text;
        bytes += strlen(text);
    }
    return bytes;
}

/* Ships a batch: a checksum stands in for the network. */
__attribute__((noinline)) static unsigned long ship(struct log *lg)
{
    unsigned long h = 5381;
    for (size_t i = 0; i < lg->n; i++) {
        for (const char *p = lg->items[i]; *p; p++)
            h = h * 33 + (unsigned char)*p;
        free(lg->items[i]);
    }
    free(lg->items);
    lg->items = NULL;
    lg->n = 0;
    return h;
}

int main(int argc, char **argv)
{
    size_t batches = argc > 1 ? strtoul(argv[1], NULL, 10) : 3000;
    load_sources();
    struct log lg = {0};
    unsigned long sum = 0;
    size_t bytes = 0;
    for (size_t b = 0; b < batches; b++) {
        bytes += log_batch(&lg, b * 200, 200);
        sum ^= ship(&lg);
    }
    printf("%zu batches, %zu bytes of messages, checksum %lu\n", batches, bytes, sum);
    for (int i = 0; i < 8; i++)
        free(sources[i]);
    return 0;
}
