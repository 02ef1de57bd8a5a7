/* chunker: content-defined chunking of a generated stream, as a deduplicating backup
 * tool does. The hot code is the rolling hash, plain arithmetic that no rule knows;
 * the progress message and the chunk index are the cold findings a linter reports
 * anyway. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MIN_CHUNK 16384
#define MASK      0xffffu /* about one cut per 80 KiB */

struct chunk {
    uint64_t fp;
    size_t len;
    struct chunk *next;
};

static uint32_t gear[256];

static void init_gear(uint64_t seed)
{
    for (int i = 0; i < 256; i++) {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        gear[i] = (uint32_t)seed;
    }
}

/* Fills buf with data that repeats in places, as backups do. */
static void generate(unsigned char *buf, size_t n, uint64_t seed)
{
    for (size_t i = 0; i < n; i++) {
        if ((i & 0xffff) == 0 && (seed & 3) == 0 && i >= 0x10000) {
            size_t len = 0x8000 < n - i ? 0x8000 : n - i;
            memcpy(buf + i, buf + i - 0x10000, len);
            i += len - 1;
            seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
            continue;
        }
        seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
        buf[i] = (unsigned char)(seed >> 56);
    }
}

/* The hot loop: a gear hash over every byte; returns the number of cuts. */
__attribute__((noinline)) static size_t find_cuts(const unsigned char *buf, size_t n, size_t *cuts,
                                                  size_t max_cuts, char *progress,
                                                  size_t progress_len)
{
    uint32_t h = 0;
    size_t n_cuts = 0, last = 0;
    for (size_t i = 0; i < n; i++) {
        h = (h << 1) + gear[buf[i]];
        if (i - last >= MIN_CHUNK && (h & MASK) == 0 && n_cuts < max_cuts) {
            cuts[n_cuts++] = i + 1;
            last = i + 1;
        }
        if ((i & 0xffffff) == 0)
            snprintf(progress, progress_len, "scanned %zu MiB", i >> 20);
    }
    if (n_cuts < max_cuts && last < n)
        cuts[n_cuts++] = n;
    return n_cuts;
}

/* FNV-1a over one chunk. */
__attribute__((noinline)) static uint64_t fingerprint(const unsigned char *p, size_t len)
{
    uint64_t h = 1469598103934665603ULL;
    for (size_t i = 0; i < len; i++) {
        h ^= p[i];
        h *= 1099511628211ULL;
    }
    return h;
}

/* Indexes the chunks by fingerprint; returns the number of distinct ones. */
__attribute__((noinline)) static size_t index_chunks(const unsigned char *buf, const size_t *cuts,
                                                     size_t n_cuts, struct chunk **table,
                                                     size_t buckets, size_t *dup_bytes)
{
    size_t distinct = 0, start = 0;
    for (size_t i = 0; i < n_cuts; i++) {
        size_t len = cuts[i] - start;
        uint64_t fp = fingerprint(buf + start, len);
        struct chunk **slot = &table[fp % buckets];
        struct chunk *c = *slot;
        while (c && c->fp != fp)
            c = c->next;
        if (c) {
            *dup_bytes += len;
        } else {
            c = malloc(sizeof *c);
            c->fp = fp;
            c->len = len;
            c->next = *slot;
            *slot = c;
            distinct++;
        }
        start = cuts[i];
    }
    return distinct;
}

int main(int argc, char **argv)
{
    size_t mib = argc > 1 ? strtoul(argv[1], NULL, 10) : 160;
    int rounds = argc > 2 ? atoi(argv[2]) : 3;
    size_t n = mib << 20, max_cuts = n / MIN_CHUNK + 1, buckets = 1 << 16;
    unsigned char *buf = malloc(n);
    size_t *cuts = malloc(max_cuts * sizeof *cuts);
    struct chunk **table = calloc(buckets, sizeof *table);
    char progress[64] = "";
    if (!buf || !cuts || !table)
        return 1;
    init_gear(0x9e3779b97f4a7c15ULL);
    generate(buf, n, 42);
    size_t n_cuts = 0, distinct = 0, dup = 0;
    for (int r = 0; r < rounds; r++) {
        n_cuts = find_cuts(buf, n, cuts, max_cuts, progress, sizeof progress);
        dup = 0;
        for (size_t b = 0; b < buckets; b++) {
            while (table[b]) {
                struct chunk *next = table[b]->next;
                free(table[b]);
                table[b] = next;
            }
        }
        distinct = index_chunks(buf, cuts, n_cuts, table, buckets, &dup);
    }
    printf("chunker: %zu chunks, %zu distinct, %zu bytes duplicate (%s)\n", n_cuts, distinct, dup,
           progress);
    return 0;
}
