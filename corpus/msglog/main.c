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

/* Start-up: the shipper's send buffers, 128 KiB each, allocated once. */
__attribute__((noinline)) static void alloc_buffers(char **bufs, int n)
{
    for (int i = 0; i < n; i++)
        bufs[i] = calloc(1, 1 << 17);
}

/* Ships a batch through a send buffer: a checksum stands in for the network. */
__attribute__((noinline)) static unsigned long ship(struct log *lg, char *buf)
{
    unsigned long h = 5381;
    size_t used = 0;
    for (size_t i = 0; i < lg->n; i++) {
        size_t len = strlen(lg->items[i]);
        if (used + len > (1 << 17))
            used = 0;
        memcpy(buf + used, lg->items[i], len);
        for (size_t k = 0; k < len; k++)
            h = h * 33 + (unsigned char)buf[used + k];
        used += len;
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
    char *bufs[3];
    alloc_buffers(bufs, 3);
    struct log lg = {0};
    unsigned long sum = 0;
    size_t bytes = 0;
    for (size_t b = 0; b < batches; b++) {
        bytes += log_batch(&lg, b * 200, 200);
        sum ^= ship(&lg, bufs[b % 3]);
    }
    printf("%zu batches, %zu bytes of messages, checksum %lu\n", batches, bytes, sum);
    for (int i = 0; i < 8; i++)
        free(sources[i]);
    for (int i = 0; i < 3; i++)
        free(bufs[i]);
    return 0;
}
