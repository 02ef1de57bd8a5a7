/* http_threads.c - the stack of every thread for /debug/pprof/threads: each
 * thread is sent a signal of ours, unwinds itself in the handler into a
 * pre-allocated slot, and the endpoint waits a bounded time for the answers.
 * The application is never blocked: a thread that does not answer in time is
 * reported as such and its late answer is dropped. */
#include <dirent.h>
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "http_internal.h"
#include "stack_profile.h"
#include "unwind.h"

#define MAX_THREADS 1024
#define MAX_DEPTH   64

enum { SLOT_FREE, SLOT_REQUESTED, SLOT_WRITING, SLOT_DONE, SLOT_ABANDONED };

/* One thread's answer. The handler writes pcs and depth only after moving
 * state from REQUESTED to WRITING; the capturing thread reads them only in
 * DONE, and retires a slot by moving it from REQUESTED to ABANDONED. */
typedef struct slot {
    _Atomic int state;
    _Atomic pid_t tid;
    int depth;
    uintptr_t pcs[MAX_DEPTH];
} slot;

static slot g_slots[MAX_THREADS];
static _Atomic size_t g_nslots;
static pthread_mutex_t g_capture = PTHREAD_MUTEX_INITIALIZER;
static int g_signo;   /* 0 until the handler is installed */
static bool g_broken; /* a handler never finished: slots are unsafe to reuse */

/* Async-signal-safe: touches only the pre-allocated slots, no locks, no
 * allocation (the runtime's unwinder, unwind.c). */
static void on_signal(int sig, siginfo_t *si, void *uc)
{
    (void)sig;
    int saved = errno;
    if (si->si_code != SI_TKILL || si->si_pid != getpid())
        goto out; /* not ours: ignore rather than die */
    pid_t tid = (pid_t)syscall(SYS_gettid);
    size_t n = atomic_load(&g_nslots);
    for (size_t i = 0; i < n; i++) {
        slot *s = &g_slots[i];
        if (atomic_load(&s->tid) != tid)
            continue;
        int want = SLOT_REQUESTED;
        if (!atomic_compare_exchange_strong(&s->state, &want, SLOT_WRITING))
            break;
        if (atomic_load(&s->tid) != tid) { /* the slot was reused meanwhile */
            atomic_store(&s->state, SLOT_REQUESTED);
            break;
        }
        /* The interrupted context, with the dynamic-loader guard. */
        unsigned flags;
        int depth = (int)hl_unwind_signal(uc, s->pcs, MAX_DEPTH, &flags);
        s->depth = depth;
        atomic_store(&s->state, SLOT_DONE);
        break;
    }
out:
    errno = saved;
}

void hl_http_threads_atfork_child(void)
{
    atomic_store(&g_nslots, 0);
    pthread_mutex_init(&g_capture, NULL);
}

/* Installs the handler on a real-time signal the program does not use.
 * Called with g_capture held. Returns 0 or -1 with a message in err. */
static int install_handler(char *err, size_t errlen)
{
    hl_unwind_warmup(); /* the handler then initializes nothing */
    struct sigaction cur;
    if (g_signo) {
        if (sigaction(g_signo, NULL, &cur) == 0 && (cur.sa_flags & SA_SIGINFO) &&
            cur.sa_sigaction == on_signal)
            return 0;
        snprintf(err, errlen, "the program replaced the handler of signal %d, used for stacks",
                 g_signo);
        return -1;
    }
    for (int sig = SIGRTMAX - 4; sig > SIGRTMAX - 12 && sig > SIGRTMIN; sig--) {
        if (sigaction(sig, NULL, &cur) < 0)
            continue;
        if (!(cur.sa_flags & SA_SIGINFO) && cur.sa_handler == SIG_DFL) {
            struct sigaction sa;
            memset(&sa, 0, sizeof sa);
            sa.sa_sigaction = on_signal;
            sa.sa_flags = SA_SIGINFO | SA_RESTART;
            sigfillset(&sa.sa_mask);
            if (sigaction(sig, &sa, NULL) < 0)
                continue;
            g_signo = sig;
            return 0;
        }
    }
    snprintf(err, errlen, "no free real-time signal to capture thread stacks with");
    return -1;
}

static int64_t now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static void read_small(const char *path, char *buf, size_t len)
{
    buf[0] = '\0';
    FILE *f = fopen(path, "re");
    if (!f)
        return;
    size_t n = fread(buf, 1, len - 1, f);
    buf[n] = '\0';
    fclose(f);
}

/* True when thread tid blocks signal sig (from SigBlk in its status). */
static bool blocks_signal(pid_t tid, int sig)
{
    char path[64], buf[2048];
    snprintf(path, sizeof path, "/proc/self/task/%d/status", (int)tid);
    read_small(path, buf, sizeof buf);
    const char *p = strstr(buf, "\nSigBlk:");
    if (!p)
        return false;
    unsigned long long mask = strtoull(p + 8, NULL, 16);
    return sig <= 64 && (mask >> (sig - 1)) & 1;
}

static void thread_name(pid_t tid, char *name, size_t len)
{
    char path[64];
    snprintf(path, sizeof path, "/proc/self/task/%d/comm", (int)tid);
    read_small(path, name, len);
    name[strcspn(name, "\n")] = '\0';
}

/* Where a thread that cannot be signalled waits: the user pc at its system
 * call entry, from /proc/self/task/TID/syscall ("NR args... SP PC").
 * Returns 0, or -1 when it is running or the file cannot be read. */
static int proc_leaf(pid_t tid, uintptr_t *pc, long *nr)
{
    char path[64], buf[256];
    snprintf(path, sizeof path, "/proc/self/task/%d/syscall", (int)tid);
    read_small(path, buf, sizeof buf);
    if (!buf[0] || !strncmp(buf, "running", 7))
        return -1;
    char *end;
    *nr = strtol(buf, &end, 10);
    if (end == buf)
        return -1;
    char *last = strrchr(buf, ' ');
    if (!last)
        return -1;
    unsigned long long v = strtoull(last + 1, &end, 16);
    if (!v)
        return -1;
    *pc = (uintptr_t)v;
    return 0;
}

/* The threads asked for their stacks, and those that block our signal. */
typedef struct capture {
    size_t n, n_more, n_skipped;
    pid_t skipped[MAX_THREADS];
} capture;

/* Fills a slot for every thread but self (those blocking our signal go to
 * c->skipped) and signals them. Returns 0 or -1 with a message in err. */
static int request_stacks(capture *c, pid_t self, char *err, size_t errlen)
{
    DIR *d = opendir("/proc/self/task");
    if (!d) {
        snprintf(err, errlen, "/proc/self/task: %s", strerror(errno));
        return -1;
    }
    atomic_store(&g_nslots, 0);
    struct dirent *e;
    while ((e = readdir(d))) {
        pid_t tid = (pid_t)atoi(e->d_name);
        if (tid <= 0 || tid == self)
            continue;
        if (blocks_signal(tid, g_signo)) {
            if (c->n_skipped < MAX_THREADS)
                c->skipped[c->n_skipped++] = tid;
            continue;
        }
        if (c->n == MAX_THREADS) {
            c->n_more++;
            continue;
        }
        slot *s = &g_slots[c->n++];
        atomic_store(&s->state, SLOT_FREE);
        atomic_store(&s->tid, tid);
        s->depth = 0;
        atomic_store(&s->state, SLOT_REQUESTED);
    }
    closedir(d);
    atomic_store(&g_nslots, c->n);
    pid_t pid = getpid();
    for (size_t i = 0; i < c->n; i++) {
        if (syscall(SYS_tgkill, pid, atomic_load(&g_slots[i].tid), g_signo) < 0) {
            int want = SLOT_REQUESTED; /* the thread has exited */
            atomic_compare_exchange_strong(&g_slots[i].state, &want, SLOT_ABANDONED);
        }
    }
    return 0;
}

/* Waits up to timeout_ms for the n answers; the silent ones are retired.
 * Returns 0, or -1 (message in err) when a handler never finished. */
static int wait_answers(size_t n, int timeout_ms, char *err, size_t errlen)
{
    int64_t deadline = now_ns() + (int64_t)timeout_ms * 1000000;
    for (;;) {
        size_t pending = 0;
        for (size_t i = 0; i < n; i++)
            pending += atomic_load(&g_slots[i].state) == SLOT_REQUESTED ||
                       atomic_load(&g_slots[i].state) == SLOT_WRITING;
        if (!pending)
            return 0;
        if (now_ns() > deadline)
            break;
        nanosleep(&(struct timespec){0, 1000000}, NULL);
    }
    /* Retire the silent ones; give handlers already running a little more
     * time to finish. */
    for (size_t i = 0; i < n; i++) {
        int want = SLOT_REQUESTED;
        atomic_compare_exchange_strong(&g_slots[i].state, &want, SLOT_ABANDONED);
    }
    int64_t grace = now_ns() + 200000000;
    bool writing = true;
    while (writing && now_ns() < grace) {
        writing = false;
        for (size_t i = 0; i < n; i++)
            writing |= atomic_load(&g_slots[i].state) == SLOT_WRITING;
        if (writing)
            nanosleep(&(struct timespec){0, 1000000}, NULL);
    }
    if (writing) {
        g_broken = true;
        snprintf(err, errlen, "a thread never finished writing its stack");
        return -1;
    }
    return 0;
}

/* Adds the answered stacks, and a comment for each thread without one.
 * Returns 0 or -1 (ENOMEM). */
static int add_answers(hl_stack_profile *sp, size_t n, bool per_thread, int timeout_ms)
{
    char comment[160];
    for (size_t i = 0; i < n; i++) {
        slot *s = &g_slots[i];
        pid_t tid = atomic_load(&s->tid);
        char name[32];
        thread_name(tid, name, sizeof name);
        if (atomic_load(&s->state) != SLOT_DONE || s->depth == 0) {
            if (atomic_load(&s->state) == SLOT_ABANDONED)
                snprintf(comment, sizeof comment,
                         "thread %d (%s): no stack (exited, or did not answer within %d ms)",
                         (int)tid, name, timeout_ms);
            else
                snprintf(comment, sizeof comment, "thread %d (%s): no stack (unwinding failed)",
                         (int)tid, name);
            hl_sp_add_comment(sp, comment);
            continue;
        }
        int64_t one = 1;
        hl_prof_label labels[2] = {
            {.key = (char *)"thread", .num = tid},
            {.key = (char *)"thread_name", .str = name},
        };
        if (hl_sp_add(sp, s->pcs, (size_t)s->depth, &one, per_thread ? labels : NULL,
                      per_thread ? 2 : 0) < 0)
            return -1;
    }
    return 0;
}

/* Adds the threads that block our signal: where the kernel says each waits.
 * Returns 0 or -1 (ENOMEM). */
static int add_skipped(hl_stack_profile *sp, const capture *c, bool per_thread)
{
    char comment[160];
    for (size_t i = 0; i < c->n_skipped; i++) {
        pid_t tid = c->skipped[i];
        char name[32];
        thread_name(tid, name, sizeof name);
        if (!strncmp(name, "MHD-", 4)) {
            snprintf(comment, sizeof comment,
                     "thread %d (%s): a thread of this endpoint (not captured)", (int)tid, name);
            hl_sp_add_comment(sp, comment);
            continue;
        }
        uintptr_t pc;
        long nr;
        if (proc_leaf(tid, &pc, &nr) == 0) {
            int64_t one = 1;
            hl_prof_label labels[3] = {
                {.key = (char *)"thread", .num = tid},
                {.key = (char *)"thread_name", .str = name},
                {.key = (char *)"stack", .str = (char *)"leaf only"},
            };
            if (hl_sp_add(sp, &pc, 1, &one, per_thread ? labels : NULL, per_thread ? 3 : 0) < 0)
                return -1;
            snprintf(comment, sizeof comment,
                     "thread %d (%s): blocks signal %d; only where it waits is known (system "
                     "call %ld)",
                     (int)tid, name, g_signo, nr);
        } else {
            snprintf(comment, sizeof comment,
                     "thread %d (%s): not captured (it blocks signal %d and is running)", (int)tid,
                     name, g_signo);
        }
        hl_sp_add_comment(sp, comment);
    }
    return 0;
}

hl_profile *hl_http_threads_profile(bool per_thread, int timeout_ms, char *err, size_t errlen)
{
    pthread_mutex_lock(&g_capture);
    hl_profile *p = NULL;
    hl_stack_profile *sp = NULL;
    pid_t self = (pid_t)syscall(SYS_gettid);
    static capture c; /* under g_capture */
    memset(&c, 0, sizeof c);
    if (g_broken) {
        snprintf(err, errlen, "an earlier capture never finished; restart the program to retry");
        goto err;
    }
    if (install_handler(err, errlen) < 0 || request_stacks(&c, self, err, errlen) < 0 ||
        wait_answers(c.n, timeout_ms, err, errlen) < 0)
        goto err;
    hl_prof_value_type type = {(char *)"threads", (char *)"count"};
    sp = hl_sp_new(&type, 1, type, 1);
    if (!sp) {
        snprintf(err, errlen, "out of memory");
        goto err;
    }
    struct timespec rt;
    clock_gettime(CLOCK_REALTIME, &rt);
    hl_sp_set_times(sp, (int64_t)rt.tv_sec * 1000000000 + rt.tv_nsec, 0);
    if (add_answers(sp, c.n, per_thread, timeout_ms) < 0 || add_skipped(sp, &c, per_thread) < 0) {
        snprintf(err, errlen, "out of memory");
        goto err;
    }
    char comment[160];
    snprintf(comment, sizeof comment, "thread %d: the thread serving this request (not captured)",
             (int)self);
    hl_sp_add_comment(sp, comment);
    if (c.n_more) {
        snprintf(comment, sizeof comment, "%zu more threads not captured (at most %d)", c.n_more,
                 MAX_THREADS);
        hl_sp_add_comment(sp, comment);
    }
    p = hl_sp_finish(sp);
    sp = NULL;
    if (!p)
        snprintf(err, errlen, "could not symbolize the stacks");
err:
    hl_sp_free(sp);
    atomic_store(&g_nslots, 0);
    pthread_mutex_unlock(&g_capture);
    return p;
}
