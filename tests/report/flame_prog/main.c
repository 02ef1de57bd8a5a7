/* flame_prog - a small CSV exporter with two hot loops and a cold one, profiled by
 * the flame graph and --verify format tests. Lines the tests expect:
 *   HL001 in format_rows (snprintf per row): hot
 *   HL002 in copy_fields (malloc per field, freed in the iteration): hot
 *   HL001 in write_header (once at start-up): cold */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char header[8][32];

__attribute__((noinline)) static void write_header(void)
{
    for (int i = 0; i < 8; i++)
        snprintf(header[i], sizeof header[i], "column_%02d", i); /* HL001 cold */
}

__attribute__((noinline)) static unsigned long mix(const char *s, size_t n)
{
    unsigned long h = 1469598103934665603UL ^ n;
    for (size_t i = 0; i < n; i++)
        h = (h ^ (unsigned char)s[i]) * 1099511628211UL;
    return h;
}

__attribute__((noinline)) static unsigned long format_rows(const unsigned *v, size_t n)
{
    char line[128];
    unsigned long sum = 0;
    for (size_t i = 0; i < n; i++) {
        int len = snprintf(line, sizeof line, "%u,%u,%u,%.3f", v[i], v[i] * 7u, i & 0xffu,
                           v[i] / 3.0); /* HL001 hot */
        sum += mix(line, (size_t)len);
    }
    return sum;
}

__attribute__((noinline)) static unsigned long copy_fields(const unsigned *v, size_t n)
{
    unsigned long sum = 0;
    for (size_t i = 0; i < n; i++) {
        char *field = malloc(1100 + (v[i] & 4095)); /* HL002 hot */
        memset(field, (int)(i & 0x7f), 32);
        sum += mix(field, 32);
        free(field);
    }
    return sum;
}

int main(int argc, char **argv)
{
    size_t rounds = argc > 1 ? strtoul(argv[1], NULL, 10) : 200;
    static unsigned v[4096];
    unsigned long sum = 0;
    write_header();
    for (size_t i = 0; i < 4096; i++)
        v[i] = (unsigned)(i * 2654435761u % 1000003u);
    for (size_t r = 0; r < rounds; r++) {
        sum += format_rows(v, 4096);
        for (int k = 0; k < 8; k++)
            sum += copy_fields(v, 4096);
    }
    printf("flame_prog: %zu rounds, checksum %lx, %s\n", rounds, sum, header[0]);
    return 0;
}
