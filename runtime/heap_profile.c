/* heap_profile.c - the heap profiler's control: start from the environment or
 * the C API, build Go-layout heap profiles from the sampled buckets, write
 * them at dump, stop and exit, and fork handling. */
#include <dlfcn.h>
#include <link.h>
#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <time.h>
#include <unistd.h>

#include "hotlint/profiler.h"
#include "heap_internal.h"
#include "ring_replay.h"
#include "rt_internal.h"
#include "stack_profile.h"

/* Serializes start, dump, stop and encode. Held while the profile is built,
 * with the thread's guard set so that its allocations are never sampled. */
static pthread_mutex_t hl_ctl_mu = PTHREAD_MUTEX_INITIALIZER;
static char hl_path[PATH_MAX]; /* "" when the profile is only served */
static int64_t hl_start_ns;
static int64_t hl_run_rate;

static int64_t hl_now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static void hl_fork_prepare(void)
{
    pthread_mutex_lock(&hl_ctl_mu);
    hl_heap_fork_prepare();
}

static void hl_fork_parent(void)
{
    hl_heap_fork_parent();
    pthread_mutex_unlock(&hl_ctl_mu);
}

/* The child starts afresh: no sampling, and the parent's profile is never
 * written from it. */
static void hl_fork_child(void)
{
    hl_heap_fork_child();
    hl_path[0] = '\0';
    pthread_mutex_unlock(&hl_ctl_mu);
}

static pthread_once_t hl_atfork_once = PTHREAD_ONCE_INIT;

static void hl_atfork_register(void)
{
    pthread_atfork(hl_fork_prepare, hl_fork_parent, hl_fork_child);
}

/* The allocation function of a bucket, for the sample's "function" label. */
static char *kind_name(uint32_t kind)
{
    static char names[HL_HEAP_NKINDS][16] = {
        [HL_HEAP_MALLOC] = "malloc",
        [HL_HEAP_CALLOC] = "calloc",
        [HL_HEAP_REALLOC] = "realloc",
        [HL_HEAP_REALLOCARRAY] = "reallocarray",
        [HL_HEAP_POSIX_MEMALIGN] = "posix_memalign",
        [HL_HEAP_ALIGNED_ALLOC] = "aligned_alloc",
        [HL_HEAP_MEMALIGN] = "memalign",
        [HL_HEAP_VALLOC] = "valloc",
        [HL_HEAP_PVALLOC] = "pvalloc",
    };
    static char unknown[] = "?";
    return kind < HL_HEAP_NKINDS ? names[kind] : unknown;
}

/* Builds the profile of the buckets as they are now. Called with hl_ctl_mu
 * held and the guard set. NULL with a message in err on failure. */
static hl_profile *hl_heap_build(char *err, size_t errlen)
{
    static char s_alloc_objects[] = "alloc_objects", s_alloc_space[] = "alloc_space",
                s_inuse_objects[] = "inuse_objects", s_inuse_space[] = "inuse_space",
                s_count[] = "count", s_bytes[] = "bytes", s_space[] = "space";
    hl_prof_value_type types[4] = {{s_alloc_objects, s_count},
                                   {s_alloc_space, s_bytes},
                                   {s_inuse_objects, s_count},
                                   {s_inuse_space, s_bytes}};
    hl_prof_value_type period = {s_space, s_bytes};
    int64_t rate = hl_run_rate;
    hl_stack_profile *sp = hl_sp_new(types, 4, period, rate);
    if (sp == NULL)
        goto nomem;
    for (hl_heap_bucket *b = hl_heap_buckets(); b; b = b->all_next) {
        /* frees first: allocs only grows, so allocs >= frees holds. */
        int64_t frees = atomic_load_explicit(&b->frees, memory_order_relaxed);
        int64_t allocs = atomic_load_explicit(&b->allocs, memory_order_relaxed);
        if (allocs <= 0)
            continue;
        int64_t live = allocs - frees > 0 ? allocs - frees : 0;
        int64_t size = (int64_t)b->size;
        int64_t v[4];
        hl_heap_scale(allocs, allocs * size, rate, &v[0], &v[1]);
        hl_heap_scale(live, live * size, rate, &v[2], &v[3]);
        static char s_key[] = "bytes", s_fn[] = "function";
        hl_prof_label labels[2] = {{.key = s_fn, .str = kind_name(b->kind)},
                                   {.key = s_key, .num = size}};
        if (hl_sp_add(sp, b->pcs, b->depth, v, labels, size != 0 ? 2 : 1) != 0) {
            hl_sp_free(sp);
            goto nomem;
        }
    }
    char comment[128];
    snprintf(comment, sizeof comment, "hotlint heap profile: one allocation sampled per %lld bytes",
             (long long)rate);
    hl_sp_add_comment(sp, comment);
    int64_t dropped = hl_heap_dropped();
    if (dropped > 0) {
        snprintf(comment, sizeof comment, "%lld samples dropped: out of memory for the profiler",
                 (long long)dropped);
        hl_sp_add_comment(sp, comment);
    }
    int64_t now = hl_now_ns();
    hl_sp_set_times(sp, hl_start_ns, now - hl_start_ns);
    hl_profile *p = hl_sp_finish(sp);
    if (p == NULL)
        snprintf(err, errlen, "heap profile: cannot symbolize the samples");
    return p;
nomem:
    snprintf(err, errlen, "heap profile: out of memory");
    return NULL;
}

/* Builds and writes the profile to path. Called with hl_ctl_mu held.
 * Returns 0, or -1 with errno set and a message on stderr. */
static int hl_heap_write(const char *path)
{
    char err[256];
    int rc = -1, saved_errno = 0;
    struct hl_heap_tls *t = &hl_heap_tls;
    int guard = t->guard;
    t->guard = 1;
    /* The thread is named HL_WRITER_COMM meanwhile: a CPU profile taken from
     * outside (hotlint run) sees the rename and leaves this work out. */
    char name[16] = "";
    prctl(PR_GET_NAME, name);
    prctl(PR_SET_NAME, HL_WRITER_COMM);
    hl_profile *p = hl_heap_build(err, sizeof err);
    if (p == NULL) {
        fprintf(stderr, "hotlint: %s; %s not written\n", err, path);
        saved_errno = ENOMEM;
        goto out;
    }
    if (hl_profile_write_file(p, path) != 0) {
        saved_errno = errno;
        fprintf(stderr, "hotlint: cannot write heap profile %s: %s\n", path, strerror(errno));
        goto out;
    }
    rc = 0;
out:
    hl_profile_free(p);
    prctl(PR_SET_NAME, name);
    t->guard = guard;
    if (rc != 0)
        errno = saved_errno;
    return rc;
}

/* Whether the program's malloc calls reach this library. Usually the global
 * lookup of "malloc" finds our definition. A non-PIE executable that takes
 * malloc's address (python3, pigz) makes its own PLT slot the symbol's
 * canonical address instead; the slot jumps to what the loader's lookup
 * found, which is us when this library comes before libc in the load order
 * (preloaded, or linked before libc) and nothing earlier defines malloc. */
static bool malloc_interposed(void)
{
    void *sym = dlsym(RTLD_DEFAULT, "malloc");
    if ((uintptr_t)sym == hl_heap_entry[HL_HEAP_MALLOC])
        return true;
    Dl_info di;
    const ElfW(Sym) *es = NULL;
    if (!sym || !dladdr1(sym, &di, (void **)&es, RTLD_DL_SYMENT) || !es)
        return false;
    if (es->st_shndx != SHN_UNDEF)
        return false; /* another object defines malloc and is found first */
    void *self = dlopen(NULL, RTLD_NOW | RTLD_NOLOAD);
    struct link_map *lm = NULL;
    if (!self || dlinfo(self, RTLD_DI_LINKMAP, &lm) < 0) {
        if (self)
            dlclose(self);
        return false;
    }
    Dl_info mine;
    bool ours_first = false;
    if (dladdr((void *)hl_heap_entry[HL_HEAP_MALLOC], &mine)) {
        for (; lm; lm = lm->l_next) {
            const char *base = strrchr(lm->l_name, '/');
            base = base ? base + 1 : lm->l_name;
            if (mine.dli_fbase == (void *)lm->l_addr ||
                (mine.dli_fname && !strcmp(lm->l_name, mine.dli_fname))) {
                ours_first = true;
                break;
            }
            if (!strncmp(base, "libc.so", 7))
                break;
        }
    }
    dlclose(self);
    return ours_first;
}

/* Starts profiling with hl_ctl_mu held. path may be NULL (served only). */
static int hl_heap_start_locked(const char *path, long rate)
{
    if (!hl_heap_interposes()) {
        fprintf(stderr, "hotlint: heap profiling is not available in a sanitizer build\n");
        errno = ENOTSUP;
        return -1;
    }
    /* The malloc the program's calls resolve to (the library itself is linked
     * with -Bsymbolic-functions, so &malloc here would always be its own). */
    if (!malloc_interposed()) {
        fprintf(stderr, "hotlint: heap profiling needs libhotlint-rt preloaded (LD_PRELOAD) or "
                        "linked before libc; malloc is not interposed\n");
        errno = ENOTSUP;
        return -1;
    }
    if (atomic_load(&hl_heap_on)) {
        fprintf(stderr, "hotlint: heap profiling is already running\n");
        errno = EBUSY;
        return -1;
    }
    if (rate < 0) {
        fprintf(stderr, "hotlint: heap profile rate %ld: give a positive number of bytes\n", rate);
        errno = EINVAL;
        return -1;
    }
    hl_path[0] = '\0';
    if (path && *path) {
        /* Absolute, so that a chdir in the program does not move the file. */
        int n;
        if (path[0] == '/') {
            n = snprintf(hl_path, sizeof hl_path, "%s", path);
        } else {
            char cwd[PATH_MAX];
            if (getcwd(cwd, sizeof cwd) == NULL)
                n = snprintf(hl_path, sizeof hl_path, "%s", path);
            else
                n = snprintf(hl_path, sizeof hl_path, "%s/%s", cwd, path);
        }
        if (n < 0 || (size_t)n >= sizeof hl_path) {
            hl_path[0] = '\0';
            fprintf(stderr, "hotlint: heap profile path too long: %s\n", path);
            errno = ENAMETOOLONG;
            return -1;
        }
    }
    pthread_once(&hl_atfork_once, hl_atfork_register);
    hl_heap_tables_reset();
    hl_run_rate = rate == 0 ? HL_HEAP_DEFAULT_RATE : rate;
    hl_start_ns = hl_now_ns();
    atomic_store(&hl_heap_rate, hl_run_rate);
    atomic_fetch_add(&hl_heap_gen, 1);
    /* This thread starts counting afresh; others redraw their gap when their
     * current budget runs out (a later start with a new rate is exact from
     * the starting thread on, approximately so on the others). */
    hl_heap_tls.budget = -1;
    atomic_store(&hl_heap_armed, 1);
    atomic_store(&hl_heap_on, 1);
    return 0;
}

int hotlint_heap_start(const char *path, long rate)
{
    pthread_mutex_lock(&hl_ctl_mu);
    int rc = hl_heap_start_locked(path, rate);
    pthread_mutex_unlock(&hl_ctl_mu);
    return rc;
}

int hotlint_heap_dump(const char *path)
{
    int rc = -1;
    pthread_mutex_lock(&hl_ctl_mu);
    if (!atomic_load(&hl_heap_on)) {
        fprintf(stderr, "hotlint: heap profiling is not running; call hotlint_heap_start first\n");
        errno = EINVAL;
        goto out;
    }
    if (path == NULL || *path == '\0')
        path = hl_path;
    if (*path == '\0') {
        fprintf(stderr, "hotlint: hotlint_heap_dump: no path given and none at start\n");
        errno = EINVAL;
        goto out;
    }
    rc = hl_heap_write(path);
out:
    pthread_mutex_unlock(&hl_ctl_mu);
    return rc;
}

int hotlint_heap_stop(void)
{
    int rc = 0;
    pthread_mutex_lock(&hl_ctl_mu);
    if (!atomic_load(&hl_heap_on)) {
        fprintf(stderr, "hotlint: heap profiling is not running\n");
        errno = EINVAL;
        rc = -1;
        goto out;
    }
    atomic_store(&hl_heap_on, 0);
    if (hl_path[0])
        rc = hl_heap_write(hl_path);
    hl_path[0] = '\0';
    /* free goes back to its one-load fast path; the tables are emptied
     * (their memory is kept for the next start). */
    atomic_store(&hl_heap_armed, 0);
    hl_heap_tables_reset();
out:
    pthread_mutex_unlock(&hl_ctl_mu);
    return rc;
}

int hl_rt_own_begin(void)
{
    int saved = hl_heap_tls.guard;
    hl_heap_tls.guard = 1;
    return saved;
}

void hl_rt_own_end(int saved)
{
    hl_heap_tls.guard = saved;
}

int hl_rt_heap_enabled(void)
{
    return atomic_load(&hl_heap_on);
}

hl_profile *hl_rt_heap_profile(char *err, size_t errlen)
{
    hl_profile *p = NULL;
    pthread_mutex_lock(&hl_ctl_mu);
    struct hl_heap_tls *t = &hl_heap_tls;
    int guard = t->guard;
    t->guard = 1;
    if (!atomic_load(&hl_heap_on)) {
        snprintf(err, errlen,
                 "heap profiling is not enabled; start the program with HOTLINT_MEMPROFILE set "
                 "or call hotlint_heap_start");
        errno = ENOTSUP;
    } else if (!(p = hl_heap_build(err, errlen))) {
        errno = ENOMEM;
    }
    t->guard = guard;
    pthread_mutex_unlock(&hl_ctl_mu);
    return p;
}

int hl_rt_heap_encode(void **out, size_t *out_len, char *err, size_t errlen)
{
    hl_profile *p = hl_rt_heap_profile(err, errlen);
    if (!p)
        return -1;
    struct hl_heap_tls *t = &hl_heap_tls;
    int guard = t->guard;
    t->guard = 1; /* the encoder's allocations are the profiler's own */
    int rc = hl_profile_encode(p, out, out_len);
    if (rc != 0)
        snprintf(err, errlen, "heap profile: cannot encode: %s", strerror(errno));
    hl_profile_free(p);
    t->guard = guard;
    return rc == 0 ? 0 : -1;
}

/* HOTLINT_MEMPROFILE=path starts profiling before main;
 * HOTLINT_MEMPROFILE_RATE=bytes sets the rate; HOTLINT_MEMPROFILE_SEED=n
 * makes the sampling points reproducible (tests). A program reached by exec
 * under HOTLINT_FOLLOW_EXEC=1 writes path.<pid> unless it is the process that
 * was started (HOTLINT_MEMPROFILE_PID, else HOTLINT_CPUPROFILE_PID).
 * Prioritized: it must read the variables before init.c's constructor
 * removes them from the environment. */
__attribute__((constructor(150))) static void hl_heap_ctor(void)
{
    const char *path = getenv("HOTLINT_MEMPROFILE");
    if (path == NULL || *path == '\0')
        return;
    const char *orig = getenv("HOTLINT_MEMPROFILE_PID");
    if (orig == NULL || *orig == '\0')
        orig = getenv("HOTLINT_CPUPROFILE_PID");
    char mine[PATH_MAX];
    if (orig && *orig && atol(orig) != (long)getpid()) {
        snprintf(mine, sizeof mine, "%s.%ld", path, (long)getpid());
        path = mine;
    }
    long rate = 0;
    const char *r = getenv("HOTLINT_MEMPROFILE_RATE");
    if (r && *r) {
        char *end;
        errno = 0;
        long v = strtol(r, &end, 10);
        if (errno || *end != '\0' || v < 1) {
            fprintf(stderr,
                    "hotlint: HOTLINT_MEMPROFILE_RATE=%s is not a positive number of bytes; "
                    "using the default %d\n",
                    r, HL_HEAP_DEFAULT_RATE);
        } else {
            rate = v;
        }
    }
    const char *seed = getenv("HOTLINT_MEMPROFILE_SEED");
    if (seed && *seed)
        hl_heap_set_seed(strtoull(seed, NULL, 10));
    int saved = errno;
    hotlint_heap_start(path, rate);
    errno = saved;
}

/* At exit: the profile as it is, when profiling still runs. Threads that
 * still allocate are sampled until the end; the profile is a snapshot. */
__attribute__((destructor)) static void hl_heap_dtor(void)
{
    pthread_mutex_lock(&hl_ctl_mu);
    if (atomic_load(&hl_heap_on)) {
        atomic_store(&hl_heap_on, 0);
        if (hl_path[0]) {
            int saved = errno;
            /* Destructors run before the CPU profile's atexit write: stop
             * its sampling first, or it would sample this work. */
            hl_rt_cpu_pause_for_exit();
            hl_heap_write(hl_path);
            errno = saved;
        }
    }
    pthread_mutex_unlock(&hl_ctl_mu);
}
