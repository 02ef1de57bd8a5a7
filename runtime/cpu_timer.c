/* cpu_timer.c - owns the per-thread sampling timers: a perf event (software
 * CPU clock, high-resolution, overflow signal sent to the thread itself) per
 * thread, or a per-thread CPU-time timer_create timer where perf events are
 * not permitted. None of this is async-signal-safe. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/perf_event.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "cpu_internal.h"

#define MAX_THREADS 4096

typedef struct {
    pid_t tid; /* 0: free */
    int fd;    /* perf mode */
    timer_t timer;
} thread_timer;

static pthread_mutex_t table_lock = PTHREAD_MUTEX_INITIALIZER;
static thread_timer table[MAX_THREADS];
static int g_mode;
static int64_t g_period_ns;
static _Atomic int64_t g_counted_ns; /* CPU time the released perf events counted */
static _Atomic unsigned g_armed;     /* timers armed since the last reset */

pid_t hl_gettid(void)
{
    return (pid_t)syscall(SYS_gettid);
}

/* Whether samples may interrupt kernel code: -1 unknown, 0 no, 1 yes. With
 * it, CPU time spent in system calls is sampled (the signal arrives as the
 * call returns, so it lands on the user code that made the call); without
 * it (perf_event_paranoid 2 for unprivileged users) that time only shows in
 * the weight of the next user-mode sample. */
static _Atomic int g_kernel_samples = -1;

int hl_cpu_kernel_samples(void)
{
    return atomic_load(&g_kernel_samples) == 1;
}

static int perf_open(pid_t tid, int64_t period_ns)
{
    struct perf_event_attr a;
    memset(&a, 0, sizeof a);
    a.size = sizeof a;
    a.type = PERF_TYPE_SOFTWARE;
    a.config = PERF_COUNT_SW_CPU_CLOCK;
    a.sample_period = (uint64_t)period_ns;
    a.disabled = 1;
    a.exclude_kernel = atomic_load(&g_kernel_samples) == 0;
    a.exclude_hv = 1;
    a.wakeup_events = 1;
    int fd = (int)syscall(SYS_perf_event_open, &a, tid, -1, -1, PERF_FLAG_FD_CLOEXEC);
    if (fd < 0 && !a.exclude_kernel && (errno == EACCES || errno == EPERM)) {
        a.exclude_kernel = 1; /* permitted at perf_event_paranoid 2 */
        fd = (int)syscall(SYS_perf_event_open, &a, tid, -1, -1, PERF_FLAG_FD_CLOEXEC);
    }
    if (fd >= 0)
        atomic_store(&g_kernel_samples, !a.exclude_kernel);
    if (fd < 0)
        return -1;
    /* Keep the low descriptor numbers for the program: it should see the
     * same numbers from open() as when it runs unprofiled. */
    int high = fcntl(fd, F_DUPFD_CLOEXEC, HL_CPU_FD_HIGH);
    if (high >= 0) {
        close(fd);
        fd = high;
    }
    struct f_owner_ex owner = {F_OWNER_TID, tid};
    int fl = fcntl(fd, F_GETFL);
    if (fl < 0 || fcntl(fd, F_SETFL, fl | O_ASYNC) < 0 || fcntl(fd, F_SETSIG, HL_CPU_SIGNAL) < 0 ||
        fcntl(fd, F_SETOWN_EX, &owner) < 0) {
        int e = errno;
        close(fd);
        errno = e;
        return -1;
    }
    return fd;
}

static int timer_open(pid_t tid, int64_t period_ns, timer_t *out)
{
    /* The CPU-time clock of one thread, as the kernel encodes it. */
    clockid_t clk = (clockid_t)((~(unsigned)tid << 3) | 6);
    struct sigevent sev;
    memset(&sev, 0, sizeof sev);
    sev.sigev_notify = SIGEV_THREAD_ID;
    sev.sigev_signo = HL_CPU_SIGNAL;
    sev._sigev_un._tid = tid;
    if (timer_create(clk, &sev, out) < 0)
        return -1;
    struct itimerspec its;
    its.it_interval.tv_sec = period_ns / 1000000000;
    its.it_interval.tv_nsec = period_ns % 1000000000;
    its.it_value = its.it_interval;
    if (timer_settime(*out, 0, &its, NULL) < 0) {
        int e = errno;
        timer_delete(*out);
        errno = e;
        return -1;
    }
    return 0;
}

static char g_forced_mode[16];

void hl_cpu_set_forced_mode(const char *mode)
{
    snprintf(g_forced_mode, sizeof g_forced_mode, "%s", mode ? mode : "");
}

int hl_cpu_timer_probe(int hz, char *err, size_t errlen)
{
    g_period_ns = 1000000000LL / hz;
    const char *force = g_forced_mode[0] ? g_forced_mode : getenv("HOTLINT_CPUPROFILE_MODE");
    if (force && *force && strcmp(force, "perf") && strcmp(force, "timer")) {
        snprintf(err, errlen, "HOTLINT_CPUPROFILE_MODE=%s: use perf or timer", force);
        return -1;
    }
    if (!force || !*force || !strcmp(force, "perf")) {
        int fd = perf_open(hl_gettid(), g_period_ns);
        if (fd >= 0) {
            close(fd);
            return g_mode = HL_CPU_MODE_PERF;
        }
        if (force && *force) {
            snprintf(err, errlen,
                     "perf events are not permitted here (%s; see "
                     "/proc/sys/kernel/perf_event_paranoid); unset HOTLINT_CPUPROFILE_MODE",
                     strerror(errno));
            return -1;
        }
    }
    timer_t t;
    if (timer_open(hl_gettid(), g_period_ns, &t) < 0) {
        snprintf(err, errlen, "cannot create a CPU-time timer: %s", strerror(errno));
        return -1;
    }
    timer_delete(t);
    return g_mode = HL_CPU_MODE_TIMER;
}

static _Atomic unsigned g_arm_failures;

unsigned hl_cpu_timer_failures(bool reset)
{
    return reset ? atomic_exchange(&g_arm_failures, 0) : atomic_load(&g_arm_failures);
}

int hl_cpu_timer_arm(pid_t tid)
{
    int rc = 0;
    pthread_mutex_lock(&table_lock);
    thread_timer *free_slot = NULL;
    for (int i = 0; i < MAX_THREADS; i++) {
        if (table[i].tid == tid)
            goto out;
        if (!table[i].tid && !free_slot)
            free_slot = &table[i];
    }
    if (!free_slot) {
        errno = ENOSPC;
        rc = -1;
        goto out;
    }
    if (g_mode == HL_CPU_MODE_PERF) {
        int fd = perf_open(tid, g_period_ns);
        if (fd < 0) {
            rc = -1;
            goto out;
        }
        if (ioctl(fd, PERF_EVENT_IOC_ENABLE, 0) < 0) {
            close(fd);
            rc = -1;
            goto out;
        }
        free_slot->fd = fd;
    } else if (g_mode == HL_CPU_MODE_TIMER) {
        if (timer_open(tid, g_period_ns, &free_slot->timer) < 0) {
            rc = -1;
            goto out;
        }
        free_slot->fd = -1;
    } else {
        errno = EINVAL;
        rc = -1;
        goto out;
    }
    free_slot->tid = tid;
    atomic_fetch_add(&g_armed, 1);
out:
    pthread_mutex_unlock(&table_lock);
    return rc;
}

void hl_cpu_timer_count_failure(void)
{
    atomic_fetch_add(&g_arm_failures, 1);
}

int hl_cpu_timer_arm_all(pid_t skip_tid)
{
    DIR *d = opendir("/proc/self/task");
    if (!d)
        return hl_cpu_timer_arm(hl_gettid()) == 0;
    int n = 0;
    struct dirent *e;
    while ((e = readdir(d))) {
        pid_t tid = (pid_t)atoi(e->d_name);
        if (tid <= 0 || tid == skip_tid)
            continue;
        char task[64];
        if (hl_cpu_timer_arm(tid) == 0)
            n++;
        else if (snprintf(task, sizeof task, "/proc/self/task/%d", (int)tid) > 0 &&
                 access(task, F_OK) == 0)
            hl_cpu_timer_count_failure(); /* still there: its CPU time goes missing */
    }
    closedir(d);
    return n;
}

/* True when fd is still a perf event: a program that closes descriptors it
 * does not know may have closed ours and reused the number. */
static bool still_perf_event(int fd)
{
    char link[64], target[64];
    snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
    ssize_t n = readlink(link, target, sizeof target - 1);
    if (n < 0)
        return errno != ENOENT; /* no /proc: trust the table */
    target[n] = 0;
    return strstr(target, "perf_event") != NULL;
}

static _Atomic int64_t g_counted_ns; /* CPU time the released perf events counted */
static _Atomic unsigned g_armed;     /* timers armed since the last reset */

int64_t hl_cpu_timer_counted_ns(unsigned *armed, bool reset)
{
    if (armed)
        *armed = reset ? atomic_exchange(&g_armed, 0) : atomic_load(&g_armed);
    return reset ? atomic_exchange(&g_counted_ns, 0) : atomic_load(&g_counted_ns);
}

static void release(thread_timer *t)
{
    if (t->fd >= 0) {
        if (still_perf_event(t->fd)) {
            uint64_t count;
            ioctl(t->fd, PERF_EVENT_IOC_DISABLE, 0);
            if (read(t->fd, &count, sizeof count) == (ssize_t)sizeof count)
                atomic_fetch_add(&g_counted_ns, (int64_t)count);
            close(t->fd);
        }
    } else {
        timer_delete(t->timer);
    }
    t->tid = 0;
    t->fd = -1;
}

void hl_cpu_timer_disarm(pid_t tid)
{
    pthread_mutex_lock(&table_lock);
    for (int i = 0; i < MAX_THREADS; i++)
        if (table[i].tid == tid)
            release(&table[i]);
    pthread_mutex_unlock(&table_lock);
}

void hl_cpu_timer_disarm_all(void)
{
    pthread_mutex_lock(&table_lock);
    for (int i = 0; i < MAX_THREADS; i++)
        if (table[i].tid)
            release(&table[i]);
    pthread_mutex_unlock(&table_lock);
}

void hl_cpu_timer_forget_all(void)
{
    /* The lock may have been held by another thread of the parent at fork. */
    pthread_mutex_init(&table_lock, NULL);
    for (int i = 0; i < MAX_THREADS; i++) {
        if (table[i].tid && table[i].fd >= 0 && still_perf_event(table[i].fd))
            close(table[i].fd); /* our copy only: no ioctl on the parent's event */
        table[i].tid = 0;
        table[i].fd = -1;
    }
}
