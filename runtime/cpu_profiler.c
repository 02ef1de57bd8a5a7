/* cpu_profiler.c - the CPU profiler's control side: start and stop, the
 * writer thread that drains the sample ring into a stack profile, the write
 * at stop and at exit, fork handling, and the interposed pthread_create that
 * arms a timer in every new thread. Nothing here runs in the signal handler. */
#include <dlfcn.h>
#include <errno.h>
#include <link.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "../profile/profile.h"
#include "cpu_internal.h"
#include "hotlint/profiler.h"
#include "rt_internal.h"
#include "signal_owner.h"
#include "stack_profile.h"

typedef struct {
    bool running;
    bool collecting; /* started by hl_rt_cpu_collect, not by a path */
    char *path;
    int hz;
    hl_stack_profile *sp;
    pthread_t writer;
    bool writer_started;
    _Atomic int writer_stop;
    _Atomic pid_t writer_tid;
    int64_t t0_real_ns, t0_mono_ns, t0_cpu_ns;
} cpu_state;

static pthread_mutex_t g_lock = PTHREAD_MUTEX_INITIALIZER;     /* start/stop */
static pthread_mutex_t drain_lock = PTHREAD_MUTEX_INITIALIZER; /* g.sp */
static cpu_state g;
static bool g_hooks_installed;
static bool g_fork_profiles;      /* HOTLINT_CPUPROFILE_FORK=1: children write path.<pid> */
static _Atomic pid_t g_owner_pid; /* the process whose threads the timers sample */
static bool g_exec_paused;        /* sampling paused by hl_cpu_exec_prepare */
static _Atomic int g_yielded;     /* the program took SIGPROF: sampling stopped for good */
/* Process CPU and monotonic clocks when sampling stopped for the runtime's
 * exit work (0: it did not): the profile's rates end there. */
static _Atomic int64_t g_paused_cpu_ns, g_paused_mono_ns;

static int64_t now_ns(clockid_t c)
{
    struct timespec ts;
    clock_gettime(c, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static int64_t g_recorded_ns; /* sum of the weights drained (under drain_lock) */

static void add_slot(const hl_cpu_slot *s, void *ctx)
{
    hl_stack_profile *sp = ctx;
    int64_t values[2] = {1, s->weight_ns};
    g_recorded_ns += s->weight_ns;
    if (hl_sp_add(sp, s->pcs, s->depth, values, NULL, 0) < 0) {
        atomic_fetch_add(&hl_cpu_counters.dropped_full, 1);
        atomic_fetch_add(&hl_cpu_counters.dropped_ns, s->weight_ns);
    }
}

static void drain(void)
{
    pthread_mutex_lock(&drain_lock);
    if (g.sp)
        hl_cpu_store_drain(add_slot, g.sp);
    pthread_mutex_unlock(&drain_lock);
}

static int (*real_pthread_create(void))(pthread_t *, const pthread_attr_t *, void *(*)(void *),
                                        void *)
{
    static int (*fn)(pthread_t *, const pthread_attr_t *, void *(*)(void *), void *);
    if (!fn)
        *(void **)&fn = dlsym(RTLD_NEXT, "pthread_create");
    return fn;
}

static void *writer_main(void *arg)
{
    (void)arg;
    hl_rt_own_begin(); /* for the thread's whole life */
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, HL_CPU_SIGNAL);
    pthread_sigmask(SIG_BLOCK, &set, NULL);
    atomic_store(&g.writer_tid, hl_gettid());
    hl_sig_disarm_thread(hl_gettid()); /* armed by a concurrent arm_all: undo */
    struct timespec ts = {0, 20 * 1000 * 1000};
    while (!atomic_load(&g.writer_stop)) {
        drain();
        nanosleep(&ts, NULL);
    }
    return NULL;
}

static void atexit_write(void);
static void atfork_prepare(void);
static void atfork_parent(void);
static void atfork_child(void);

/* Starts profiling with g_lock held. Returns 0 or -1 with errno and err. */
static int start_locked(const char *path, int hz, bool collecting, char *err, size_t errlen)
{
    if (g.running) {
        snprintf(err, errlen, "a CPU profile is already running%s%s", g.path ? " for " : "",
                 g.path ? g.path : "");
        errno = EBUSY;
        return -1;
    }
    if (hz <= 0)
        hz = HL_CPU_DEFAULT_HZ;
    if (hz > HL_CPU_MAX_HZ) {
        snprintf(err, errlen, "%d Hz is more than the %d Hz the profiler supports", hz,
                 HL_CPU_MAX_HZ);
        errno = EINVAL;
        return -1;
    }
    if (hl_sig_check_free(err, errlen) < 0)
        return -1;
    int mode = hl_cpu_timer_probe(hz, err, errlen);
    if (mode < 0) {
        errno = ENOTSUP;
        return -1;
    }
    if (hl_cpu_store_init() < 0) {
        snprintf(err, errlen, "cannot allocate the sample ring: %s", strerror(errno));
        return -1;
    }
    int64_t period = 1000000000LL / hz;
    hl_prof_value_type types[2] = {{"samples", "count"}, {"cpu", "nanoseconds"}};
    hl_stack_profile *sp = hl_sp_new(types, 2, types[1], period);
    hl_sp_drop_runtime_samples(sp); /* the heap sampler's work is not the program's */
    char *pcopy = path ? strdup(path) : NULL;
    if (!sp || (path && !pcopy)) {
        free(pcopy);
        hl_sp_free(sp);
        snprintf(err, errlen, "out of memory");
        errno = ENOMEM;
        return -1;
    }
    if (!g_hooks_installed) {
        g_hooks_installed = true;
        atexit(atexit_write);
        pthread_atfork(atfork_prepare, atfork_parent, atfork_child);
    }
    hl_cpu_unwind_warmup();
    if (hl_sig_install() < 0) {
        snprintf(err, errlen, "cannot install the SIGPROF handler: %s", strerror(errno));
        free(pcopy);
        hl_sp_free(sp);
        return -1;
    }
    pthread_mutex_lock(&drain_lock);
    g.sp = sp;
    pthread_mutex_unlock(&drain_lock);
    g.path = pcopy;
    g.hz = hz;
    g.collecting = collecting;
    g.running = true;
    hl_cpu_mode_now = mode;
    hl_cpu_period_ns = period;
    atomic_fetch_add(&hl_cpu_gen, 1);
    g.t0_real_ns = now_ns(CLOCK_REALTIME);
    g.t0_mono_ns = now_ns(CLOCK_MONOTONIC);
    g.t0_cpu_ns = now_ns(CLOCK_PROCESS_CPUTIME_ID);
    atomic_store(&g_paused_cpu_ns, 0);
    atomic_store(&g_paused_mono_ns, 0);
    atomic_store(&g.writer_stop, 0);
    atomic_store(&g.writer_tid, 0);
    int (*create)(pthread_t *, const pthread_attr_t *, void *(*)(void *), void *) =
        real_pthread_create();
    /* Without a writer the ring is drained at stop only (and may overflow,
     * which is counted). */
    g.writer_started = create && create(&g.writer, NULL, writer_main, NULL) == 0;
    /* Wait for the writer to name itself, so that it is not armed. */
    for (int i = 0; g.writer_started && !atomic_load(&g.writer_tid) && i < 100000; i++)
        sched_yield();
    hl_cpu_timer_failures(true);
    hl_cpu_timer_counted_ns(NULL, true);
    g_recorded_ns = 0;
    atomic_store(&g_owner_pid, getpid());
    atomic_store(&g_yielded, 0);
    atomic_store_explicit(&hl_cpu_active, 1, memory_order_release);
    hl_cpu_timer_arm_all(atomic_load(&g.writer_tid));
    return 0;
}

/* Stops profiling with g_lock held and returns the symbolized profile (NULL
 * on ENOMEM or when not running). */
static hl_profile *stop_locked(void)
{
    if (!g.running)
        return NULL;
    hl_sig_quiet(false);
    if (g.writer_started) {
        atomic_store(&g.writer_stop, 1);
        pthread_join(g.writer, NULL);
        g.writer_started = false;
    }
    drain();
    int64_t end_cpu = atomic_load(&g_paused_cpu_ns), end_mono = atomic_load(&g_paused_mono_ns);
    int64_t cpu_ns = (end_cpu ? end_cpu : now_ns(CLOCK_PROCESS_CPUTIME_ID)) - g.t0_cpu_ns;
    int64_t wall_ns = (end_mono ? end_mono : now_ns(CLOCK_MONOTONIC)) - g.t0_mono_ns;
    pthread_mutex_lock(&drain_lock);
    hl_stack_profile *sp = g.sp;
    g.sp = NULL;
    pthread_mutex_unlock(&drain_lock);

    uint64_t rec = atomic_load(&hl_cpu_counters.recorded);
    uint64_t full = atomic_load(&hl_cpu_counters.dropped_full);
    uint64_t reent = atomic_load(&hl_cpu_counters.dropped_reentry);
    uint64_t leaf = atomic_load(&hl_cpu_counters.leaf_only);
    uint64_t trunc = atomic_load(&hl_cpu_counters.truncated);
    double cpu_s = (double)cpu_ns / 1e9;
    char c[512];
    snprintf(c, sizeof c, "hotlint cpu profiler: mode %s, requested %d Hz",
             hl_cpu_mode_now != HL_CPU_MODE_PERF ? "timer_create (per-thread CPU-time timers)"
             : hl_cpu_kernel_samples()           ? "perf_event (software CPU clock, per thread, "
                                                   "system calls included)"
                                       : "perf_event (software CPU clock, per thread, user "
                                         "mode only: perf_event_paranoid)",
             g.hz);
    hl_sp_add_comment(sp, c);
    if (atomic_load(&g_yielded))
        hl_sp_add_comment(sp,
                          "sampling stopped when the program installed its own SIGPROF "
                          "handler or ITIMER_PROF timer: later CPU time is not in this profile");
    snprintf(c, sizeof c,
             "delivered %.1f samples per CPU second (%llu samples in %.3f s of process CPU "
             "time, %.3f s wall)",
             cpu_s > 0 ? (double)(rec + full + reent) / cpu_s : 0.0, (unsigned long long)rec, cpu_s,
             (double)wall_ns / 1e9);
    hl_sp_add_comment(sp, c);
    if (full + reent) {
        snprintf(c, sizeof c,
                 "dropped %llu samples (%llu: sample ring full, %llu: re-entered handler), "
                 "%.3f s of CPU time",
                 (unsigned long long)(full + reent), (unsigned long long)full,
                 (unsigned long long)reent, (double)atomic_load(&hl_cpu_counters.dropped_ns) / 1e9);
        hl_sp_add_comment(sp, c);
        fprintf(stderr, "hotlint: warning: %s\n", c);
    }
    if (leaf) {
        snprintf(c, sizeof c,
                 "%llu samples kept the interrupted function only (the thread was inside the "
                 "dynamic loader)",
                 (unsigned long long)leaf);
        hl_sp_add_comment(sp, c);
    }
    unsigned armed = 0;
    int64_t counted = hl_cpu_timer_counted_ns(&armed, true);
    int64_t missing = counted - g_recorded_ns;
    /* Each thread leaves up to a period after its last sample. */
    if (hl_cpu_mode_now == HL_CPU_MODE_PERF &&
        missing > (int64_t)armed * hl_cpu_period_ns + counted / 50) {
        snprintf(c, sizeof c,
                 "%.3f s of the %.3f s of CPU time the threads used was not sampled (threads "
                 "blocking SIGPROF?)",
                 (double)missing / 1e9, (double)counted / 1e9);
        hl_sp_add_comment(sp, c);
        fprintf(stderr, "hotlint: warning: %s\n", c);
    }
    unsigned unarmed = hl_cpu_timer_failures(true);
    if (unarmed) {
        snprintf(c, sizeof c,
                 "%u threads could not be given a sampling timer (descriptor or timer limit); "
                 "their CPU time is missing",
                 unarmed);
        hl_sp_add_comment(sp, c);
        fprintf(stderr, "hotlint: warning: %s\n", c);
    }
    if (trunc) {
        snprintf(c, sizeof c, "%llu stacks were cut at %d frames", (unsigned long long)trunc,
                 HL_CPU_MAX_DEPTH);
        hl_sp_add_comment(sp, c);
    }
    hl_sp_set_times(sp, g.t0_real_ns, wall_ns);
    g.running = false;
    return hl_sp_finish(sp);
}

/* Stops and writes to g.path; g_lock held. Returns 0 or -1 (message printed). */
static int stop_and_write_locked(void)
{
    char *path = g.path;
    g.path = NULL;
    hl_profile *p = stop_locked();
    int rc = 0, e = 0;
    if (!p) {
        e = ENOMEM;
        fprintf(stderr, "hotlint: %s: cannot build the CPU profile (out of memory)\n",
                path ? path : "cpu profile");
        rc = -1;
    } else if (path && hl_profile_write_file(p, path) < 0) {
        e = errno;
        fprintf(stderr,
                "hotlint: %s: cannot write the CPU profile: %s; check that the directory "
                "exists and is writable\n",
                path, strerror(e));
        rc = -1;
    }
    hl_profile_free(p);
    free(path);
    if (rc < 0)
        errno = e;
    return rc;
}

int hotlint_cpu_start(const char *path, int hz)
{
    char err[256];
    if (!path || !*path) {
        fprintf(stderr, "hotlint: hotlint_cpu_start needs a file path\n");
        errno = EINVAL;
        return -1;
    }
    int own = hl_rt_own_begin();
    pthread_mutex_lock(&g_lock);
    int rc = start_locked(path, hz, false, err, sizeof err);
    int e = errno;
    pthread_mutex_unlock(&g_lock);
    hl_rt_own_end(own);
    if (rc < 0)
        fprintf(stderr, "hotlint: %s: CPU profiling not started: %s\n", path, err);
    errno = e;
    return rc;
}

int hotlint_cpu_stop(void)
{
    pthread_mutex_lock(&g_lock);
    if (!g.running || g.collecting) {
        pthread_mutex_unlock(&g_lock);
        errno = g.running ? EBUSY : EINVAL;
        return -1;
    }
    int own = hl_rt_own_begin();
    int rc = stop_and_write_locked();
    hl_rt_own_end(own);
    pthread_mutex_unlock(&g_lock);
    return rc;
}

/* Sleeps until deadline in steps of at most 100 ms, asking cancelled(arg)
 * after each. Returns true when it said so. */
static bool wait_or_cancel(const struct timespec *deadline, int (*cancelled)(void *), void *arg)
{
    for (;;) {
        struct timespec now;
        clock_gettime(CLOCK_MONOTONIC, &now);
        long long left = (long long)(deadline->tv_sec - now.tv_sec) * 1000000000LL +
                         (deadline->tv_nsec - now.tv_nsec);
        if (left <= 0)
            return false;
        long long step = left < 100000000LL ? left : 100000000LL;
        struct timespec ts = {(time_t)(step / 1000000000LL), (long)(step % 1000000000LL)};
        while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
            ;
        if (cancelled && cancelled(arg))
            return true;
    }
}

int hl_rt_cpu_collect(int seconds, int hz, void **out, size_t *out_len, char *err, size_t errlen)
{
    return hl_rt_cpu_collect_cancellable(seconds, hz, NULL, NULL, out, out_len, err, errlen);
}

static int collect(int seconds, int hz, int (*cancelled)(void *), void *arg, void **out,
                   size_t *out_len, char *err, size_t errlen);

int hl_rt_cpu_collect_cancellable(int seconds, int hz, int (*cancelled)(void *), void *arg,
                                  void **out, size_t *out_len, char *err, size_t errlen)
{
    int own = hl_rt_own_begin();
    int rc = collect(seconds, hz, cancelled, arg, out, out_len, err, errlen);
    int e = errno;
    hl_rt_own_end(own);
    errno = e;
    return rc;
}

static int collect(int seconds, int hz, int (*cancelled)(void *), void *arg, void **out,
                   size_t *out_len, char *err, size_t errlen)
{
    if (seconds <= 0) {
        snprintf(err, errlen, "seconds must be positive");
        errno = EINVAL;
        return -1;
    }
    pthread_mutex_lock(&g_lock);
    int rc = start_locked(NULL, hz, true, err, errlen);
    pthread_mutex_unlock(&g_lock);
    if (rc < 0)
        return -1;
    struct timespec deadline;
    clock_gettime(CLOCK_MONOTONIC, &deadline);
    deadline.tv_sec += seconds;
    if (wait_or_cancel(&deadline, cancelled, arg)) {
        pthread_mutex_lock(&g_lock);
        hl_profile *dropped = g.running && g.collecting ? stop_locked() : NULL;
        pthread_mutex_unlock(&g_lock);
        hl_profile_free(dropped);
        snprintf(err, errlen, "the CPU profile was cancelled");
        errno = ECANCELED;
        return -1;
    }
    pthread_mutex_lock(&g_lock);
    hl_profile *p = g.running && g.collecting ? stop_locked() : NULL;
    pthread_mutex_unlock(&g_lock);
    if (!p) {
        snprintf(err, errlen, "the CPU profile was stopped early or could not be built");
        errno = ECANCELED;
        return -1;
    }
    rc = hl_profile_encode(p, out, out_len);
    int e = errno;
    hl_profile_free(p);
    if (rc < 0) {
        snprintf(err, errlen, "cannot encode the CPU profile: %s", strerror(e));
        errno = e;
    }
    return rc;
}

/* ---- process events ---- */

static void atexit_write(void)
{
    int own = hl_rt_own_begin();
    pthread_mutex_lock(&g_lock);
    if (g.running && !g.collecting)
        stop_and_write_locked();
    else if (g.running)
        hl_profile_free(stop_locked());
    pthread_mutex_unlock(&g_lock);
    hl_rt_own_end(own);
}

static void atfork_prepare(void)
{
    pthread_mutex_lock(&g_lock);
    pthread_mutex_lock(&drain_lock);
}

static void atfork_parent(void)
{
    pthread_mutex_unlock(&drain_lock);
    pthread_mutex_unlock(&g_lock);
}

static void atfork_child(void)
{
    g_exec_paused = false;
    atomic_store(&g_yielded, 0);
    pthread_mutex_init(&drain_lock, NULL);
    pthread_mutex_init(&g_lock, NULL);
    bool was_running = g.running && !g.collecting;
    int hz = g.hz;
    char *parent_path = g.path;
    /* The parent's samples and timers are the parent's: drop them. */
    atomic_store(&hl_cpu_active, 0);
    hl_cpu_timer_forget_all();
    g.writer_started = false;
    g.running = false;
    g.collecting = false;
    g.path = NULL;
    hl_sp_free(g.sp);
    g.sp = NULL;
    if (was_running && g_fork_profiles && parent_path) {
        size_t n = strlen(parent_path) + 32;
        char *p = malloc(n);
        if (p) {
            char err[256];
            snprintf(p, n, "%s.%d", parent_path, (int)getpid());
            if (start_locked(p, hz, false, err, sizeof err) < 0)
                fprintf(stderr, "hotlint: %s: CPU profiling not started: %s\n", p, err);
            free(p);
        }
    }
    free(parent_path);
}

void hl_cpu_set_fork_profiles(bool on)
{
    g_fork_profiles = on;
}

/* ---- threads started later ---- */

typedef struct {
    void *(*fn)(void *);
    void *arg;
    int own; /* created by the profiler: works for it for its whole life */
} thread_start;

static void thread_exit_cleanup(void *arg)
{
    (void)arg;
    if (atomic_load(&hl_cpu_active))
        hl_sig_disarm_thread(hl_gettid());
}

static void *thread_trampoline(void *p)
{
    thread_start ts = *(thread_start *)p;
    if (ts.own)
        hl_rt_own_begin();
    free(p);
    pthread_mutex_lock(&g_lock);
    if (g.running && !atomic_load(&g_yielded)) {
        hl_cpu_unwind_warmup();
        if (hl_cpu_timer_arm(hl_gettid()) < 0)
            hl_cpu_timer_count_failure();
    }
    pthread_mutex_unlock(&g_lock);
    void *ret;
    pthread_cleanup_push(thread_exit_cleanup, NULL);
    ret = ts.fn(ts.arg);
    pthread_cleanup_pop(1);
    return ret;
}

/* Interposed: every thread the program starts gets its own sampling timer. */
__attribute__((visibility("default"))) int pthread_create(pthread_t *t, const pthread_attr_t *attr,
                                                          void *(*fn)(void *), void *arg)
{
    int (*real)(pthread_t *, const pthread_attr_t *, void *(*)(void *), void *) =
        real_pthread_create();
    if (!real)
        return EAGAIN;
    int own = hl_rt_own_begin();
    thread_start *ts = malloc(sizeof *ts);
    hl_rt_own_end(own);
    if (!ts)
        return real(t, attr, fn, arg);
    ts->fn = fn;
    ts->arg = arg;
    ts->own = own;
    int rc = real(t, attr, thread_trampoline, ts);
    if (rc != 0)
        free(ts);
    return rc;
}

/* ---- exec ---- */

/* Whether this process's timers are sampling now: not in a vfork child,
 * which shares our memory but not our timers. */
static bool sampling_here(void)
{
    return atomic_load_explicit(&hl_cpu_active, memory_order_acquire) &&
           getpid() == atomic_load(&g_owner_pid);
}

/* The new image starts with SIGPROF at its default action, which ends the
 * process: no sampling signal may be generated or left pending across exec.
 * Called by the interposed exec family (exec_guard.c). */
void hl_cpu_exec_prepare(void)
{
    if (!sampling_here())
        return;
    hl_sig_quiet(true); /* the handler stays, in case the exec fails */
    g_exec_paused = true;
}

void hl_rt_cpu_pause_for_exit(void)
{
    if (!sampling_here())
        return;
    atomic_store(&g_paused_cpu_ns, now_ns(CLOCK_PROCESS_CPUTIME_ID));
    atomic_store(&g_paused_mono_ns, now_ns(CLOCK_MONOTONIC));
    hl_sig_quiet(true);
}

/* The exec failed: sampling resumes where hl_cpu_exec_prepare paused it. */
void hl_cpu_exec_failed(void)
{
    if (!g_exec_paused || getpid() != atomic_load(&g_owner_pid) || atomic_load(&g_yielded))
        return;
    g_exec_paused = false;
    atomic_store_explicit(&hl_cpu_active, 1, memory_order_release);
    hl_cpu_timer_arm_all(atomic_load(&g.writer_tid));
}

/* ---- the program's own SIGPROF ---- */

void hl_cpu_yield_sigprof(void)
{
    if (!sampling_here() || atomic_exchange(&g_yielded, 1))
        return;
    hl_sig_quiet(true); /* our ticks must not reach the program's handler */
    static const char msg[] = "hotlint: the program uses SIGPROF itself (its own handler or "
                              "ITIMER_PROF timer); CPU profiling stopped, samples until now "
                              "are kept\n";
    ssize_t w = write(STDERR_FILENO, msg, sizeof msg - 1);
    (void)w;
}
