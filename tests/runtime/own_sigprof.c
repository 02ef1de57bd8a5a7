/* own_sigprof.c - a program with its own profiler: a SIGPROF handler (set
 * with signal(), or with sigaction() when given "sigaction") and a 100 Hz
 * ITIMER_PROF timer. Burns argv[1] seconds of CPU time and prints how many
 * ticks its handler counted. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>

static volatile sig_atomic_t ticks;

static void on_prof(int sig)
{
    (void)sig;
    ticks++;
}

static double cpu_seconds(void)
{
    struct timespec t;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
    double secs = argc > 1 ? atof(argv[1]) : 1.0;
    if (argc > 2 && !strcmp(argv[2], "sigaction")) {
        struct sigaction sa;
        memset(&sa, 0, sizeof sa);
        sa.sa_handler = on_prof;
        sigemptyset(&sa.sa_mask);
        sigaction(SIGPROF, &sa, NULL);
    } else {
        signal(SIGPROF, on_prof);
    }
    struct itimerval it = {{0, 10000}, {0, 10000}};
    setitimer(ITIMER_PROF, &it, NULL);
    volatile double x = 0;
    double t0 = cpu_seconds();
    while (cpu_seconds() - t0 < secs)
        for (int i = 0; i < 100000; i++)
            x += i * 0.5;
    printf("%d\n", (int)ticks);
    return 0;
}
