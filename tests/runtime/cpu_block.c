/* cpu_block.c - a thread that blocks every signal burns CPU: the profiler
 * cannot sample it and must say so rather than lose the time silently. */
#include <pthread.h>
#include <signal.h>
#include <stdio.h>

static volatile unsigned long sink;

__attribute__((noinline)) static void burn(long n)
{
    unsigned long x = 1;
    for (long i = 0; i < n; i++)
        x = x * 6364136223846793005UL + 1442695040888963407UL;
    sink = x;
}

static void *blocked(void *arg)
{
    sigset_t all;
    sigfillset(&all);
    pthread_sigmask(SIG_BLOCK, &all, NULL);
    burn(150000000);
    return arg;
}

int main(void)
{
    pthread_t t;
    pthread_create(&t, NULL, blocked, NULL);
    burn(50000000);
    pthread_join(t, NULL);
    puts("done");
    return 0;
}
