/* hashwalk - a symbol table with chained buckets, far bigger than the caches:
 * each lookup walks a long chain of nodes scattered over memory, and compares the
 * key with memcmp only where the lengths agree. The walk's loads miss the cache;
 * the compares are a small part of it. Benchmark driver: main(). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NODES   (1u << 19)
#define BUCKETS (1u << 12)

struct node {
    struct node *next;
    unsigned klen;
    char key[52];
};

static struct node *buckets[BUCKETS];

static unsigned hash_key(const char *key, unsigned len)
{
    unsigned h = 2166136261u;
    for (unsigned i = 0; i < len; i++)
        h = (h ^ (unsigned char)key[i]) * 16777619u;
    return h;
}

/* Builds the table: nodes linked in a shuffled order, so consecutive nodes of a
 * chain are far apart in memory. */
__attribute__((noinline)) static struct node *build(unsigned seed)
{
    struct node *pool = malloc(sizeof *pool * NODES);
    unsigned *order = malloc(sizeof *order * NODES);
    if (!pool || !order)
        exit(1);
    for (unsigned i = 0; i < NODES; i++)
        order[i] = i;
    for (unsigned i = NODES - 1; i > 0; i--) {
        seed = seed * 1103515245u + 12345u;
        unsigned j = seed % (i + 1), t = order[i];
        order[i] = order[j];
        order[j] = t;
    }
    for (unsigned i = 0; i < NODES; i++) {
        struct node *n = &pool[order[i]];
        n->klen = 8 + (i * 2654435761u >> 7) % 40;
        memset(n->key, 'a' + i % 26, sizeof n->key);
        memcpy(n->key, &i, sizeof i);
        unsigned b = i % BUCKETS;
        n->next = buckets[b];
        buckets[b] = n;
    }
    free(order);
    return pool;
}

/* The hot path: one lookup walks the key's chain. */
__attribute__((noinline)) static const struct node *lookup(const char *key, unsigned klen,
                                                           unsigned bucket)
{
    for (const struct node *n = buckets[bucket]; n; n = n->next) {
        if (n->klen == klen && memcmp(n->key, key, klen) == 0)
            return n;
    }
    return NULL;
}

int main(int argc, char **argv)
{
    long rounds = argc > 1 ? strtol(argv[1], NULL, 10) : 5000;
    struct node *pool = build(12345u);
    char key[52];
    unsigned long found = 0;
    for (long r = 0; r < rounds; r++) {
        unsigned i = (unsigned)(r * 2654435761u) % NODES;
        memset(key, 'a' + (i + 1) % 26, sizeof key); /* a miss: the whole chain is walked */
        memcpy(key, &i, sizeof i);
        const struct node *n = lookup(key, 8 + r % 40, i % BUCKETS);
        found += n ? n->klen : hash_key(key, 4) & 1;
    }
    printf("%lu\n", found);
    free(pool);
    return 0;
}
