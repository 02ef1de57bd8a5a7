/* dupfmt - cache keys for two kinds of records, formatted by the same snprintf in
 * both branches: gcc -O2 merges the two identical calls into one (cross-jumping),
 * so a profile charges every key to one of the two lines. Benchmark driver: main(). */
#include <stdio.h>
#include <stdlib.h>

static char key[64];

/* The hot path: one key per record; odd records also add to the checksum. */
__attribute__((noinline)) static unsigned long format_keys(const char *prefix, int n)
{
    unsigned long sum = 0;
    for (int i = 0; i < n; i++) {
        if (i & 1) {
            sum += (unsigned long)i * 3;
            snprintf(key, sizeof key, "%s:%d", prefix, i);
        } else {
            sum ^= (unsigned long)i << 1;
            snprintf(key, sizeof key, "%s:%d", prefix, i);
        }
        sum += (unsigned char)key[3];
    }
    return sum;
}

int main(int argc, char **argv)
{
    int n = argc > 1 ? atoi(argv[1]) : 1500000;
    printf("%lu\n", format_keys("user", n));
    return 0;
}
