/* dispatch - a key-value server's command dispatcher: parses request lines
 * and runs the matching command against a small store. Benchmark driver: main(). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SLOTS 1024

struct store {
    long values[SLOTS];
    long hits, misses;
};

struct options {
    int verbose;
    int pipeline;
    long requests;
    const char *mode;
};

/* Keys are "type:id": the slot comes from the type's first letters. */
static unsigned slot_of(const char *key)
{
    return ((unsigned char)key[0] * 31u + (unsigned char)key[1]) % SLOTS;
}

/* Command-line parsing: runs once at start-up. */
__attribute__((noinline)) static int parse_options(struct options *o, int argc, char **argv)
{
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "--verbose") == 0)
            o->verbose = 1;
        else if (strcmp(a, "--pipeline") == 0)
            o->pipeline = 1;
        else if (strcmp(a, "--requests") == 0 && i + 1 < argc)
            o->requests = strtol(argv[++i], NULL, 10);
        else if (strcmp(a, "--mode") == 0 && i + 1 < argc)
            o->mode = argv[++i];
        else if (strcmp(a, "--help") == 0)
            return 1;
        else
            o->requests = strtol(a, NULL, 10);
    }
    return 0;
}

/* The hot path: one request. */
__attribute__((noinline)) static long execute(struct store *s, const char *cmd, const char *key,
                                              long arg)
{
    unsigned slot = slot_of(key);
    if (strcmp(cmd, "lookup") == 0) {
        s->hits++;
        return s->values[slot];
    } else if (strcmp(cmd, "insert") == 0) {
        s->values[slot] = arg;
        return 1;
    } else if (strcmp(cmd, "remove") == 0) {
        s->values[slot] = 0;
        return 1;
    } else if (strcmp(cmd, "increment") == 0) {
        return s->values[slot] += arg;
    } else if (strcmp(cmd, "decrement") == 0) {
        return s->values[slot] -= arg;
    } else if (strcmp(cmd, "expire_at") == 0) {
        s->values[slot] = -arg;
        return 1;
    } else if (strcmp(cmd, "flush_all") == 0) {
        memset(s->values, 0, sizeof s->values);
        return 1;
    }
    s->misses++;
    return -1;
}

static const char *const commands[] = {"lookup",    "insert",    "increment", "remove",
                                       "decrement", "expire_at", "lookup",    "increment"};
static const char *const keys[] = {"user:1001", "session:9f2", "cart:77", "page:/index",
                                   "rate:10.0.0.1"};

int main(int argc, char **argv)
{
    struct options o = {.requests = 45000000, .mode = "bench"};
    if (parse_options(&o, argc, argv)) {
        puts("usage: dispatch [--verbose] [--pipeline] [--requests N] [--mode M]");
        return 0;
    }
    static struct store st;
    long sum = 0;
    for (long i = 0; i < o.requests; i++)
        sum += execute(&st, commands[i % 8], keys[i % 5], i & 0xff);
    printf("dispatch: %ld requests, checksum %ld, hits %ld, misses %ld\n", o.requests, sum, st.hits,
           st.misses);
    return 0;
}
