/* shortrun - a checksum tool profiled for a fraction of a second at 100 Hz: a few
 * dozen samples, too few to dismiss anything or to call it not exercised.
 * Benchmark driver: main(). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Usage text: only with a second argument (never in the benchmark). */
__attribute__((noinline)) static void print_usage(const char *const *names, int n)
{
    char line[64];
    for (int i = 0; i < n; i++) {
        snprintf(line, sizeof line, "  --%s", names[i]);
        puts(line);
    }
}

/* Start-up: the tool's name in upper case, once. */
__attribute__((noinline)) static size_t shout(char *s)
{
    size_t n = 0;
    for (size_t i = 0; i < strlen(s); i++)
        n += (s[i] = (char)(s[i] & ~0x20)) != 0;
    return n;
}

/* The work: a multiplicative checksum over a buffer, many times. */
__attribute__((noinline)) static unsigned long checksum(const unsigned char *buf, size_t len,
                                                        int rounds)
{
    unsigned long h = 0;
    for (int r = 0; r < rounds; r++)
        for (size_t i = 0; i < len; i++)
            h = h * 31 + buf[i] + (unsigned long)r;
    return h;
}

int main(int argc, char **argv)
{
    static const char *const names[] = {"rounds", "size", "help"};
    int rounds = argc > 1 ? atoi(argv[1]) : 3000;
    if (argc > 2)
        print_usage(names, 3);
    char name[] = "shortrun";
    size_t n = shout(name);
    static unsigned char buf[1 << 16];
    for (size_t i = 0; i < sizeof buf; i++)
        buf[i] = (unsigned char)(i * 7);
    printf("%s %zu %lu\n", name, n, checksum(buf, sizeof buf, rounds));
    return 0;
}
