/* cpu_mix.c - a CPU-bound program whose three functions do 60, 30 and 10 per
 * cent of the work, on 1 or N threads; prints the process CPU time that the
 * kernel accounts (getrusage) and the thread CPU time each function really
 * took (on a loaded machine equal work need not cost equal time), in
 * nanoseconds. Usage: cpu_mix UNITS [THREADS] */
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <time.h>

static volatile unsigned long sink;

/* One unit of work; volatile keeps gcc from folding or hoisting it. */
__attribute__((noinline)) static unsigned long unit(unsigned long seed)
{
    unsigned long x = seed;
    for (int i = 0; i < 20000; i++)
        x = x * 6364136223846793005UL + 1442695040888963407UL;
    return x;
}

/* Each ends with a store, so the call to unit() is not a tail jump. */
__attribute__((noinline)) void heavy_sixty(unsigned long s)
{
    for (int i = 0; i < 6; i++)
        sink += unit(s + (unsigned long)i);
}

__attribute__((noinline)) void medium_thirty(unsigned long s)
{
    for (int i = 0; i < 3; i++)
        sink += unit(s + (unsigned long)i);
}

__attribute__((noinline)) void light_ten(unsigned long s)
{
    sink += unit(s);
}

static long g_units;
static _Atomic long long g_spent_ns[3]; /* heavy, medium, light: summed over threads */

static long long thread_cpu_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static void *worker(void *arg)
{
    unsigned long seed = (unsigned long)arg;
    long long spent[3] = {0, 0, 0};
    for (long r = 0; r < g_units; r++) {
        long long t0 = thread_cpu_ns();
        heavy_sixty(seed + (unsigned long)r);
        long long t1 = thread_cpu_ns();
        medium_thirty(seed + (unsigned long)r);
        long long t2 = thread_cpu_ns();
        light_ten(seed + (unsigned long)r);
        long long t3 = thread_cpu_ns();
        spent[0] += t1 - t0;
        spent[1] += t2 - t1;
        spent[2] += t3 - t2;
    }
    for (int i = 0; i < 3; i++)
        atomic_fetch_add(&g_spent_ns[i], spent[i]);
    return NULL;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: cpu_mix UNITS [THREADS]\n");
        return 2;
    }
    g_units = atol(argv[1]);
    int threads = argc > 2 ? atoi(argv[2]) : 1;
    if (threads <= 1) {
        worker((void *)1);
    } else {
        pthread_t t[64];
        if (threads > 64)
            threads = 64;
        for (int i = 0; i < threads; i++)
            pthread_create(&t[i], NULL, worker, (void *)(unsigned long)(i + 1));
        for (int i = 0; i < threads; i++)
            pthread_join(t[i], NULL);
    }
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    long long ns = (ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1000000000LL +
                   (ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) * 1000LL;
    printf("rusage_cpu_ns %lld\n", ns);
    printf("spent_ns heavy_sixty %lld\nspent_ns medium_thirty %lld\nspent_ns light_ten %lld\n",
           (long long)g_spent_ns[0], (long long)g_spent_ns[1], (long long)g_spent_ns[2]);
    return 0;
}
