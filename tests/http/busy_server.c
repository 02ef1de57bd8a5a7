/* busy_server.c - a long-running CPU-busy program for the /debug/pprof/ tests:
 * the main thread burns CPU in burn(), a worker sleeps, a third waits for
 * SIGUSR1 with sigwait() (the endpoint must never take that signal from it),
 * a fourth sleeps with every signal blocked.
 * Runs for --seconds N (default 60) or, with --work N, does N rounds of work,
 * prints the elapsed time and exits (for bench/http-overhead). --fork forks a
 * sleeping child first; --cycle (linked build) stops and restarts the endpoint. */
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#ifdef HL_LINKED
#include "hotlint/profiler.h"
#endif

static volatile uint64_t sink;

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* One round of work: a hash over a small allocated buffer. */
__attribute__((noinline)) static uint64_t burn(uint64_t seed)
{
    unsigned char *buf = malloc(4096);
    if (!buf)
        return seed;
    uint64_t h = seed ^ 1469598103934665603ULL;
    for (int r = 0; r < 64; r++) {
        for (int i = 0; i < 4096; i++) {
            buf[i] = (unsigned char)(h >> (i & 31));
            h = (h ^ buf[i]) * 1099511628211ULL;
        }
    }
    free(buf);
    return h;
}

static void *sleeper(void *arg)
{
    (void)arg;
    for (;;)
        sleep(1);
    return NULL;
}

/* Blocks every signal, as some servers' workers do: its stack cannot be
 * taken by a signal, only where it waits. */
static void *masked_sleeper(void *arg)
{
    (void)arg;
    sigset_t all;
    sigfillset(&all);
    pthread_sigmask(SIG_BLOCK, &all, NULL);
    for (;;)
        sleep(1);
    return NULL;
}

static void *usr1_waiter(void *arg)
{
    sigset_t *set = arg;
    for (;;) {
        int sig;
        if (sigwait(set, &sig) == 0 && sig == SIGUSR1) {
            printf("got SIGUSR1\n");
            fflush(stdout);
        }
    }
    return NULL;
}

int main(int argc, char **argv)
{
    double seconds = 60;
    long work = -1;
    const char *start = NULL;
    int fork_child = 0, cycle = 0;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--seconds") && i + 1 < argc)
            seconds = atof(argv[++i]);
        else if (!strcmp(argv[i], "--work") && i + 1 < argc)
            work = atol(argv[++i]);
        else if (!strcmp(argv[i], "--start") && i + 1 < argc)
            start = argv[++i];
        else if (!strcmp(argv[i], "--fork"))
            fork_child = 1;
        else if (!strcmp(argv[i], "--cycle"))
            cycle = 1;
        else {
            fprintf(stderr,
                    "usage: %s [--seconds N | --work N] [--start ADDR [--cycle]] [--fork]\n",
                    argv[0]);
            return 2;
        }
    }
    /* SIGUSR1 is blocked in every thread of ours and taken by sigwait(). */
    static sigset_t usr1;
    sigemptyset(&usr1);
    sigaddset(&usr1, SIGUSR1);
    pthread_sigmask(SIG_BLOCK, &usr1, NULL);
#ifdef HL_LINKED
    if (start && hotlint_http_start(start) < 0)
        fprintf(stderr, "busy_server: continuing without the endpoint\n");
#else
    if (start) {
        fprintf(stderr, "busy_server: --start needs the linked build\n");
        return 2;
    }
    (void)cycle;
#endif
    pthread_t t1, t2, t3;
    pthread_create(&t1, NULL, sleeper, NULL);
    pthread_create(&t2, NULL, usr1_waiter, &usr1);
    pthread_create(&t3, NULL, masked_sleeper, NULL);
    if (fork_child) {
        /* A child that only sleeps: it must not keep the endpoint's port. */
        pid_t pid = fork();
        if (pid == 0) {
            sleep(60);
            _exit(0);
        }
        printf("child=%d\n", (int)pid);
    }
    printf("burn=%p\n", (void *)(uintptr_t)burn);
    fflush(stdout);

    double t0 = now();
    uint64_t h = 0;
    if (work >= 0) {
        for (long i = 0; i < work; i++)
            h += burn((uint64_t)i);
        sink = h;
        printf("elapsed %.6f\n", now() - t0);
        return 0;
    }
    long rounds = 0;
    while (now() - t0 < seconds) {
        for (int i = 0; i < 16; i++)
            h += burn((uint64_t)i);
        rounds += 16;
#ifdef HL_LINKED
        /* --cycle: after a second, stop the endpoint, wait, start it again. */
        if (cycle == 1 && now() - t0 > 1) {
            hotlint_http_stop();
            printf("stopped\n");
            fflush(stdout);
            sleep(2);
            printf(hotlint_http_start(start) == 0 ? "restarted\n" : "restart failed\n");
            fflush(stdout);
            cycle = 2;
        }
#endif
    }
    sink = h;
    printf("done %ld rounds\n", rounds);
    return 0;
}
