/* storm.c - four threads allocate and free many small blocks (some freed by
 * another thread, some grown with realloc) and print a checksum of what they
 * wrote: the output must not change under the heap profiler.
 * Usage: storm [allocations per thread] [forks] (default 100000, 0): with
 * forks, the main thread forks that many children while the workers run; each
 * child allocates, frees blocks its parent allocated, and exits through
 * exit(), so that fork handling is exercised under load. */
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#define THREADS 4
#define SLOTS   256

typedef struct {
    int id;
    long n;
    uint64_t sum;
    void *handoff[SLOTS]; /* blocks the next thread frees */
} worker;

static worker workers[THREADS];
static pthread_barrier_t barrier;

static void *run(void *arg)
{
    worker *w = arg;
    char *slots[SLOTS] = {0};
    uint64_t x = 0x9E3779B97F4A7C15ULL * (uint64_t)(w->id + 1);
    for (long i = 0; i < w->n; i++) {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        size_t k = x % SLOTS, size = 1 + (x >> 20) % 200;
        char *p;
        switch ((x >> 40) % 4) {
        case 0:
            p = calloc(1, size);
            break;
        case 1:
            p = slots[k] ? realloc(slots[k], size) : malloc(size);
            slots[k] = NULL;
            break;
        default:
            p = malloc(size);
            break;
        }
        if (p == NULL)
            abort();
        memset(p, (int)(i & 0x7f), size);
        w->sum += (unsigned char)p[size - 1] + size;
        free(slots[k]);
        slots[k] = p;
    }
    for (size_t k = 0; k < SLOTS; k++)
        w->handoff[k] = slots[k];
    pthread_barrier_wait(&barrier);
    /* Free the previous thread's blocks: frees from another thread. */
    worker *prev = &workers[(w->id + THREADS - 1) % THREADS];
    for (size_t k = 0; k < SLOTS; k++)
        free(prev->handoff[k]);
    return NULL;
}

/* Forks children that allocate and free while the workers run. Returns the
 * number of children that did not exit with status 0. */
static int fork_children(int forks)
{
    int bad = 0;
    char *inherited = malloc(1 << 20); /* likely sampled at the default rate */
    for (int i = 0; i < forks; i++) {
        pid_t pid = fork();
        if (pid < 0)
            return forks;
        if (pid == 0) {
            for (int k = 0; k < 10000; k++) {
                void *p = malloc(1 + k % 4000);
                if (p == NULL)
                    _exit(1);
                free(p);
            }
            free(inherited);
            exit(0); /* destructors run: they must not write the parent's profile */
        }
        int status;
        if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status) || WEXITSTATUS(status) != 0)
            bad++;
    }
    free(inherited);
    return bad;
}

int main(int argc, char **argv)
{
    long n = argc > 1 ? strtol(argv[1], NULL, 10) : 100000;
    int forks = argc > 2 ? atoi(argv[2]) : 0;
    pthread_t t[THREADS];
    pthread_barrier_init(&barrier, NULL, THREADS);
    for (int i = 0; i < THREADS; i++) {
        workers[i].id = i;
        workers[i].n = n;
        if (pthread_create(&t[i], NULL, run, &workers[i]) != 0)
            return 1;
    }
    int bad = fork_children(forks);
    uint64_t sum = 0;
    for (int i = 0; i < THREADS; i++) {
        pthread_join(t[i], NULL);
        sum += workers[i].sum;
    }
    pthread_barrier_destroy(&barrier);
    if (bad) {
        fprintf(stderr, "storm: %d of %d children failed\n", bad, forks);
        return 1;
    }
    printf("storm %d threads x %ld allocations: checksum %llu\n", THREADS, n,
           (unsigned long long)sum);
    return 0;
}
