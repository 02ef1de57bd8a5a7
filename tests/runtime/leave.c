/* leave.c - burns about 0.3 s of CPU in work(), then leaves as asked:
 * "exit" (return from main), "_exit" (no atexit, no stdio flush), "term"
 * (killed by SIGTERM) or "abort" (SIGABRT). Usage: leave HOW */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static volatile double sink;

__attribute__((noinline)) static void work(long n)
{
    double s = 0;
    for (long i = 0; i < n; i++)
        s += (double)i * 0.5 / ((double)i + 1.0);
    sink = s;
}

int main(int argc, char **argv)
{
    const char *how = argc > 1 ? argv[1] : "exit";
    work(150000000);
    if (!strcmp(how, "_exit"))
        _exit(3);
    if (!strcmp(how, "term"))
        raise(SIGTERM);
    if (!strcmp(how, "abort"))
        abort();
    puts("left");
    return 0;
}
