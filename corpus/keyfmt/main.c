/* keyfmt - builds cache keys for a batch of user records, the way a session
 * cache or a metrics exporter does. Benchmark driver: main(). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct record {
    unsigned user_id;
    unsigned shard;
    const char *field;
};

static const char *const fields[] = {"name", "email", "last_login", "quota", "plan"};

struct config {
    char prefixes[8][32];
    int n_prefixes;
};

/* Start-up: the key prefixes of each shard. Runs once. */
__attribute__((noinline)) static void load_config(struct config *c)
{
    c->n_prefixes = 8;
    for (int i = 0; i < c->n_prefixes; i++)
        snprintf(c->prefixes[i], sizeof c->prefixes[i], "cache:shard%02d", i);
}

/* A small hash table stand-in: mixes the key into a checksum. */
__attribute__((noinline)) static unsigned long store_key(const char *key, size_t len)
{
    unsigned long h = 1469598103934665603UL ^ len;
    for (size_t i = 0; i + 8 <= len; i += 8) {
        unsigned long w;
        memcpy(&w, key + i, 8);
        h = (h ^ w) * 1099511628211UL;
    }
    return h;
}

/* The hot path: one key per record. */
__attribute__((noinline)) static unsigned long build_keys(const struct config *c,
                                                          const struct record *recs, size_t n)
{
    unsigned long sum = 0;
    for (size_t i = 0; i < n; i++) {
        const struct record *r = &recs[i];
        size_t cap = 3000 + r->shard * 64; /* room for the value that follows the key */
        char *key = calloc(1, cap);
        int len = snprintf(key, cap, "%s:user:%u:%s:v%u", c->prefixes[r->shard % 8], r->user_id,
                           r->field, r->shard);
        sum += store_key(key, (size_t)len);
        free(key);
    }
    return sum;
}

int main(int argc, char **argv)
{
    size_t n = argc > 1 ? strtoul(argv[1], NULL, 10) : 2400000;
    struct config cfg;
    load_config(&cfg);
    struct record *recs = malloc(4096 * sizeof *recs);
    if (!recs)
        return 1;
    for (size_t i = 0; i < 4096; i++) {
        recs[i].user_id = (unsigned)(i * 2654435761u % 10000000u);
        recs[i].shard = (unsigned)(i % 13);
        recs[i].field = fields[i % 5];
    }
    unsigned long sum = 0;
    for (size_t done = 0; done < n; done += 4096)
        sum += build_keys(&cfg, recs, n - done < 4096 ? n - done : 4096);
    printf("keyfmt: %zu keys, checksum %lx\n", n, sum);
    free(recs);
    return 0;
}
