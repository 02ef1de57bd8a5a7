/* sig_wait.c - burns CPU until a signal comes. "trap FILE": catches SIGINT,
 * SIGTERM, SIGHUP, SIGQUIT, SIGUSR1 and SIGUSR2, writes the signal's number
 * to FILE and exits 7. "plain": default dispositions, so a signal kills it.
 * Prints "ready" once set up; exits 3 when nothing came within 20 s. */
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

static volatile sig_atomic_t got;
static volatile unsigned long sink;

static void on_signal(int sig)
{
    got = sig;
}

__attribute__((noinline)) static void burn(void)
{
    unsigned long x = sink + 1;
    for (int i = 0; i < 100000; i++)
        x = x * 6364136223846793005UL + 1442695040888963407UL;
    sink = x;
}

int main(int argc, char **argv)
{
    int trap = argc == 3 && !strcmp(argv[1], "trap");
    if (!trap && !(argc == 2 && !strcmp(argv[1], "plain"))) {
        fputs("usage: sig_wait trap FILE | sig_wait plain\n", stderr);
        return 2;
    }
    if (trap) {
        static const int sigs[] = {SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2};
        struct sigaction sa;
        memset(&sa, 0, sizeof sa);
        sa.sa_handler = on_signal;
        for (size_t i = 0; i < sizeof sigs / sizeof sigs[0]; i++)
            sigaction(sigs[i], &sa, NULL);
    }
    puts("ready");
    fflush(stdout);
    time_t end = time(NULL) + 20;
    while (!got && time(NULL) < end)
        burn();
    if (!got)
        return 3;
    FILE *f = fopen(argv[2], "w");
    if (!f)
        return 4;
    fprintf(f, "%d\n", (int)got);
    fclose(f);
    return 7;
}
