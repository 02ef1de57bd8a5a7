/* cpu_robust.c - a program that forks, starts threads, dlopens in a loop and
 * exits with status 3: its output and status must not change under the
 * profiler. Usage: cpu_robust KEEP_PLUGIN.so CYCLE_PLUGIN.so */
#include <dlfcn.h>
#include <fcntl.h>
#include <stdint.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

static const char *g_cycle;
static unsigned long (*g_burn)(unsigned long);

__attribute__((noinline)) static unsigned long spin(unsigned long n)
{
    unsigned long x = n;
    for (unsigned long i = 0; i < n; i++)
        x = x * 6364136223846793005UL + 1442695040888963407UL;
    return x & 0xff;
}

static void *loader(void *arg)
{
    unsigned long sum = (unsigned long)arg;
    for (int i = 0; i < 60; i++) {
        void *h = dlopen(g_cycle, RTLD_NOW | RTLD_LOCAL);
        if (!h) {
            fprintf(stderr, "dlopen %s: %s\n", g_cycle, dlerror());
            return (void *)1;
        }
        unsigned long (*f)(unsigned long) =
            (unsigned long (*)(unsigned long))dlsym(h, "plugin_burn");
        sum += f ? f(2000) : 0;
        dlclose(h);
        sum += spin(20000);
    }
    return (void *)(uintptr_t)(sum == 0xdeadbeef);
}

static void *burner(void *arg)
{
    unsigned long sum = (unsigned long)arg;
    for (int i = 0; i < 200; i++)
        sum += g_burn(50000) + spin(50000);
    return (void *)(uintptr_t)(sum == 0xdeadbeef);
}

int main(int argc, char **argv)
{
    if (argc < 3) {
        fprintf(stderr, "usage: cpu_robust KEEP.so CYCLE.so\n");
        return 2;
    }
    g_cycle = argv[2];
    void *keep = dlopen(argv[1], RTLD_NOW);
    if (!keep) {
        fprintf(stderr, "dlopen %s: %s\n", argv[1], dlerror());
        return 2;
    }
    g_burn = (unsigned long (*)(unsigned long))dlsym(keep, "plugin_burn");
    printf("start\n");
    fflush(stdout);
    pid_t pid = fork();
    if (pid == 0) {
        printf("child %lu\n", spin(300000));
        exit(0); /* runs atexit handlers: the child must not write the parent's profile */
    }
    int st = 0;
    waitpid(pid, &st, 0);
    printf("child exited %d\n", WIFEXITED(st) ? WEXITSTATUS(st) : -1);
    pthread_t t[4];
    pthread_create(&t[0], NULL, loader, (void *)1);
    pthread_create(&t[1], NULL, loader, (void *)2);
    pthread_create(&t[2], NULL, burner, (void *)3);
    pthread_create(&t[3], NULL, burner, (void *)4);
    int bad = 0;
    for (int i = 0; i < 4; i++) {
        void *r;
        pthread_join(t[i], &r);
        bad += r != NULL;
    }
    printf("threads done, %d failed\n", bad);
    /* The profiler's descriptors stay out of the program's way. */
    int fd = open("/dev/null", O_RDONLY);
    printf("first free descriptor %d\n", fd);
    close(fd);
    printf("main %lu\n", spin(200000));
    exit(3);
}
