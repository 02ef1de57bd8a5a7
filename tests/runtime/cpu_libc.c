/* cpu_libc.c - burns CPU in its own code and inside libc (qsort, memchr), so
 * that symbolizing its profile looks up debug information for libc too. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static volatile unsigned long sink;

__attribute__((noinline)) static void burn(long n)
{
    unsigned long x = 1;
    for (long i = 0; i < n; i++)
        x = x * 6364136223846793005UL + 1442695040888963407UL;
    sink = x;
}

static int cmp(const void *a, const void *b)
{
    int x = *(const int *)a, y = *(const int *)b;
    return (x > y) - (x < y);
}

__attribute__((noinline)) static void in_libc(int rounds)
{
    enum { N = 200000 };
    static int v[N];
    static char buf[1 << 20];
    for (int r = 0; r < rounds; r++) {
        unsigned x = (unsigned)r + 1;
        for (int i = 0; i < N; i++)
            v[i] = (int)(x = x * 1103515245u + 12345u);
        qsort(v, N, sizeof v[0], cmp);
        for (int i = 0; i < 200; i++)
            sink += (unsigned long)(memchr(buf, 1, sizeof buf) == NULL);
    }
}

int main(void)
{
    burn(100000000);
    in_libc(4);
    puts("done");
    return 0;
}
