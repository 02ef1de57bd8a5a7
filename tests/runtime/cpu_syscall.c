/* cpu_syscall.c - a program that spends most of its CPU time in system calls
 * (reading its own thread CPU clock, which is not served by the vDSO), then
 * prints the process CPU time the kernel accounts (getrusage) in
 * nanoseconds. Usage: cpu_syscall CALLS */
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <time.h>

__attribute__((noinline)) long long in_system_calls(long calls)
{
    long long sum = 0;
    struct timespec ts;
    for (long i = 0; i < calls; i++) {
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
        sum += ts.tv_nsec & 1;
    }
    return sum;
}

int main(int argc, char **argv)
{
    long calls = argc > 1 ? atol(argv[1]) : 1000000;
    long long sum = in_system_calls(calls);
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    printf("rusage_cpu_ns %lld\n", (ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1000000000LL +
                                       (ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) * 1000LL);
    printf("checksum %lld\n", sum);
    return 0;
}
