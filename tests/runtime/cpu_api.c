/* cpu_api.c - uses the runtime from code: hotlint_cpu_start/stop around a
 * CPU-bound function, hl_rt_cpu_collect (and its EBUSY), its cancellable
 * variant, and the refusal when the program already handles SIGPROF.
 * Usage: cpu_api MODE [PATH] */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <hotlint/profiler.h>

int hl_rt_cpu_collect(int seconds, int hz, void **out, size_t *out_len, char *err, size_t errlen);
int hl_rt_cpu_collect_cancellable(int seconds, int hz, int (*cancelled)(void *), void *arg,
                                  void **out, size_t *out_len, char *err, size_t errlen);

/* Cancels on its third call (about 0.3 s in). */
static int cancel_third(void *arg)
{
    int *calls = arg;
    return ++*calls >= 3;
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static volatile unsigned long sink;

__attribute__((noinline)) void api_hot_function(unsigned long n)
{
    unsigned long x = n;
    for (unsigned long i = 0; i < n; i++)
        x = x * 6364136223846793005UL + 1442695040888963407UL;
    sink = x;
}

static void *burn_thread(void *arg)
{
    (void)arg;
    api_hot_function(300000000);
    return NULL;
}

static void on_prof(int sig)
{
    (void)sig;
}

int main(int argc, char **argv)
{
    const char *mode = argc > 1 ? argv[1] : "";
    if (!strcmp(mode, "startstop") && argc > 2) {
        if (hotlint_cpu_start(argv[2], 1000) != 0)
            return 10;
        if (hotlint_cpu_start(argv[2], 1000) != -1 || errno != EBUSY)
            return 11; /* a second start must fail */
        api_hot_function(100000000);
        if (hotlint_cpu_stop() != 0)
            return 12;
        if (hotlint_cpu_stop() != -1)
            return 13;              /* nothing to stop */
        api_hot_function(10000000); /* not profiled */
        puts("ok");
        return 0;
    }
    if (!strcmp(mode, "sigprof") && argc > 2) {
        signal(SIGPROF, on_prof);
        if (hotlint_cpu_start(argv[2], 100) != -1)
            return 20;
        puts("refused");
        return 0;
    }
    if (!strcmp(mode, "collect")) {
        void *buf = NULL;
        size_t len = 0;
        char err[256];
        if (hotlint_cpu_start("/nonexistent-dir/never.prof", 100) != 0)
            return 30;
        /* busy: a profile is running */
        if (hl_rt_cpu_collect(1, 100, &buf, &len, err, sizeof err) != -1 || errno != EBUSY)
            return 31;
        hotlint_cpu_stop(); /* fails to write: the directory does not exist */
        pthread_t t;
        pthread_create(&t, NULL, burn_thread, NULL); /* started before: armed by collect */
        if (hl_rt_cpu_collect(1, 500, &buf, &len, err, sizeof err) != 0) {
            fprintf(stderr, "collect: %s\n", err);
            return 32;
        }
        pthread_join(t, NULL);
        if (len < 20 || ((unsigned char *)buf)[0] != 0x1f || ((unsigned char *)buf)[1] != 0x8b)
            return 33;
        if (argc > 2) {
            FILE *f = fopen(argv[2], "wb");
            if (!f || fwrite(buf, 1, len, f) != len || fclose(f) != 0)
                return 34;
        }
        free(buf);
        puts("collected");
        return 0;
    }
    if (!strcmp(mode, "cancel")) {
        void *buf = NULL;
        size_t len = 0;
        char err[256];
        int calls = 0;
        double t0 = now_s();
        if (hl_rt_cpu_collect_cancellable(30, 100, cancel_third, &calls, &buf, &len, err,
                                          sizeof err) != -1 ||
            errno != ECANCELED)
            return 40;
        double took = now_s() - t0;
        if (calls != 3 || took > 2.0 || buf) {
            fprintf(stderr, "cancel: %d calls, %.2f s\n", calls, took);
            return 41;
        }
        /* the profiler is free again */
        if (hl_rt_cpu_collect(1, 100, &buf, &len, err, sizeof err) != 0) {
            fprintf(stderr, "collect after cancel: %s\n", err);
            return 42;
        }
        free(buf);
        puts("cancelled");
        return 0;
    }
    fprintf(stderr, "usage: cpu_api startstop|sigprof|collect|cancel [PATH]\n");
    return 2;
}
