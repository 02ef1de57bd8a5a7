/* cmdchain - a report server's command dispatcher: an if/else-if chain of strcmp
 * picks the command, and each command does real work (checksums, sorting, scans
 * of a record table). The chain is hot, but its compares are not what costs.
 * Benchmark driver: main(). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define RECORDS 262144

struct table {
    unsigned values[RECORDS];
    unsigned long served;
};

/* A checksum over every record: the "digest" command. */
__attribute__((noinline)) static unsigned long digest(const struct table *t)
{
    unsigned long h = 1469598103u;
    for (size_t i = 0; i < RECORDS; i++)
        h = (h ^ t->values[i]) * 16777619u;
    return h;
}

/* The largest record below a bound: the "ceiling" command. */
__attribute__((noinline)) static unsigned long ceiling(const struct table *t, unsigned bound)
{
    unsigned best = 0;
    for (size_t i = 0; i < RECORDS; i++)
        if (t->values[i] < bound && t->values[i] > best)
            best = t->values[i];
    return best;
}

/* How many records fall in a range: the "count" command. */
__attribute__((noinline)) static unsigned long count_range(const struct table *t, unsigned lo,
                                                           unsigned hi)
{
    unsigned long n = 0;
    for (size_t i = 0; i < RECORDS; i++)
        n += t->values[i] >= lo && t->values[i] < hi;
    return n;
}

/* Rewrites every record: the "rehash" command. */
__attribute__((noinline)) static unsigned long rehash(struct table *t, unsigned seed)
{
    for (size_t i = 0; i < RECORDS; i++)
        t->values[i] = t->values[i] * 2654435761u + seed;
    return t->values[seed % RECORDS];
}

/* One request: the chain picks the command, the command does the work. */
__attribute__((noinline)) static unsigned long serve(struct table *t, const char *cmd, unsigned arg)
{
    unsigned long r;
    t->served++;
    if (strcmp(cmd, "digest") == 0) {
        r = digest(t);
    } else if (strcmp(cmd, "ceiling") == 0) {
        r = ceiling(t, arg);
    } else if (strcmp(cmd, "count") == 0) {
        r = count_range(t, arg / 2, arg);
    } else if (strcmp(cmd, "rehash") == 0) {
        r = rehash(t, arg);
    } else if (strcmp(cmd, "status") == 0) {
        r = t->served;
    } else {
        r = 0;
    }
    t->served += r & 1; /* after the calls: none of them is a tail call */
    return r;
}

static const char *const requests[] = {"digest", "ceiling", "count",  "rehash",
                                       "count",  "ceiling", "digest", "status"};

int main(int argc, char **argv)
{
    long rounds = argc > 1 ? strtol(argv[1], NULL, 10) : 1000;
    static struct table t;
    for (size_t i = 0; i < RECORDS; i++)
        t.values[i] = (unsigned)(i * 2654435761u);
    unsigned long sum = 0;
    for (long i = 0; i < rounds; i++)
        sum += serve(&t, requests[i % 8], (unsigned)i * 7919u);
    printf("%lu\n", sum);
    return 0;
}
