/* run_outside.c - the outside CPU profiler of `hotlint run`: per-CPU perf
 * events on the child, rings drained while it runs, stacks unwound by DWARF
 * CFI and symbolized after it ends, the profile written here, so a program
 * that leaves by _exit, crashes, is killed, is statically linked or blocks
 * signals is profiled like any other. */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "../runtime/ring_reader.h"
#include "../runtime/ring_replay.h"
#include "run_outside.h"

#define MAX_RINGS       256
#define REPLAY_AT_BYTES (64u << 20) /* unwind what is kept past this much */

struct hl_outside {
    hl_ring *ring;
    hl_ring_session *sess;
    int hz;
    int64_t t0_real, t0_mono, t1_mono;
};

static int64_t now_ns(clockid_t c)
{
    struct timespec ts;
    clock_gettime(c, &ts);
    return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

int hl_outside_wanted(const char *mode)
{
    if (!mode)
        mode = getenv("HOTLINT_CPUPROFILE_MODE");
    if (!mode || !*mode)
        return 0;
    if (!strcmp(mode, "outside"))
        return 1;
    if (!strcmp(mode, "perf") || !strcmp(mode, "timer"))
        return -1;
    return -2;
}

hl_outside *hl_outside_start(pid_t child, int hz, bool forks, bool follow_exec, char *err,
                             size_t errlen)
{
    hl_outside *o = calloc(1, sizeof *o);
    if (!o) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    o->hz = hz;
    hl_ring_opts ro = {.pid = child, .hz = hz, .forks = forks, .enable_exec = true};
    o->ring = hl_ring_open(&ro, err, errlen);
    o->sess = o->ring ? hl_rsess_new(child, 1000000000LL / hz, forks, follow_exec) : NULL;
    if (!o->sess) {
        if (o->ring)
            snprintf(err, errlen, "out of memory");
        hl_ring_close(o->ring);
        free(o);
        return NULL;
    }
    o->t0_real = now_ns(CLOCK_REALTIME);
    o->t0_mono = now_ns(CLOCK_MONOTONIC);
    return o;
}

static void drain(hl_outside *o)
{
    hl_ring_drain(o->ring, hl_rsess_keep, o->sess);
    if (hl_rsess_pending(o->sess) > REPLAY_AT_BYTES)
        hl_rsess_replay(o->sess);
}

int hl_outside_wait(hl_outside *o, pid_t child, int *status, struct rusage *ru)
{
    struct pollfd fds[MAX_RINGS + 1];
    int ring_fds[MAX_RINGS];
    size_t n = hl_ring_fds(o->ring, ring_fds, MAX_RINGS);
    int pidfd = (int)syscall(SYS_pidfd_open, child, 0);
    for (size_t i = 0; i < n; i++)
        fds[i] = (struct pollfd){.fd = ring_fds[i], .events = POLLIN};
    fds[n] = (struct pollfd){.fd = pidfd, .events = POLLIN};
    for (;;) {
        /* Without a pidfd (an old kernel) the child is looked at every 50 ms. */
        int rc = poll(fds, pidfd >= 0 ? n + 1 : n, pidfd >= 0 ? 1000 : 50);
        if (rc < 0 && errno != EINTR)
            break;
        drain(o);
        pid_t w = wait4(child, status, WNOHANG, ru);
        if (w == child)
            break;
        if (w < 0 && errno != EINTR) {
            int e = errno;
            if (pidfd >= 0)
                close(pidfd);
            errno = e;
            return -1;
        }
    }
    o->t1_mono = now_ns(CLOCK_MONOTONIC);
    if (pidfd >= 0)
        close(pidfd);
    drain(o);
    return 0;
}

/* A comment "N samples WHY" on samples set apart, when there were any. */
static void note_set_apart(hl_rp *rp, uint64_t n, const char *why)
{
    char c[256];
    if (!n)
        return;
    snprintf(c, sizeof c, "%llu samples %s", (unsigned long long)n, why);
    hl_rp_comment(rp, c);
}

static void add_comments(hl_outside *o, hl_rp *rp, const struct rusage *ru, bool root)
{
    char c[512];
    snprintf(c, sizeof c,
             "hotlint cpu profiler: mode outside (perf_event software CPU clock read by hotlint "
             "run from the kernel's ring buffers, stacks unwound by DWARF CFI after the run, %s), "
             "requested %d Hz",
             hl_ring_kernel_included(o->ring) ? "system calls included"
                                              : "user mode only: perf_event_paranoid",
             o->hz);
    hl_rp_comment(rp, c);
    if (!root)
        return;
    hl_ring_stats st = hl_rsess_stats(o->sess);
    double cpu_s = ru ? (double)(ru->ru_utime.tv_sec + ru->ru_stime.tv_sec) +
                            (double)(ru->ru_utime.tv_usec + ru->ru_stime.tv_usec) / 1e6
                      : 0.0;
    snprintf(c, sizeof c,
             "delivered %.1f samples per CPU second (%llu samples in %.3f s of CPU time of the "
             "program and the children it waited for)",
             cpu_s > 0 ? (double)st.samples / cpu_s : 0.0, (unsigned long long)st.samples, cpu_s);
    hl_rp_comment(rp, c);
    if (st.lost + st.dropped_oom) {
        snprintf(c, sizeof c, "dropped %llu samples (%llu: ring full, %llu: out of memory)",
                 (unsigned long long)(st.lost + st.dropped_oom), (unsigned long long)st.lost,
                 (unsigned long long)st.dropped_oom);
        hl_rp_comment(rp, c);
        fprintf(stderr, "hotlint run: warning: %s\n", c);
    }
    char leaf[160];
    snprintf(leaf, sizeof leaf,
             "kept the interrupted function only (no unwind information for it, or a stack "
             "deeper than the %d bytes copied)",
             HL_RING_STACK_BYTES);
    note_set_apart(rp, st.leaf_only, leaf);
    note_set_apart(rp, st.runtime_own,
                   "of the preloaded runtime's own work (heap profiler, HTTP endpoint) were left "
                   "out");
    note_set_apart(rp, st.after_exec,
                   "after the program executed another were left out (see --follow-exec)");
}

int hl_outside_finish(hl_outside *o, const char *path, const char *shown, const struct rusage *ru)
{
    int rc = 0;
    if (hl_rsess_replay(o->sess) < 0)
        fprintf(stderr, "hotlint run: %s: out of memory while unwinding; samples are missing\n",
                shown);
    int64_t wall = (o->t1_mono ? o->t1_mono : now_ns(CLOCK_MONOTONIC)) - o->t0_mono;
    hl_ring_stats st = hl_rsess_stats(o->sess);
    pid_t pid;
    hl_rp *rp;
    for (size_t i = 0; (rp = hl_rsess_take(o->sess, i, &pid)); i++) {
        char name[4096];
        if (i == 0)
            snprintf(name, sizeof name, "%s", path);
        else
            snprintf(name, sizeof name, "%s.%d", path, (int)pid);
        add_comments(o, rp, i == 0 ? ru : NULL, i == 0);
        uint64_t samples = hl_rp_count(rp);
        hl_profile *p = hl_rp_finish(rp, o->t0_real, wall);
        if (!p || hl_profile_write_file(p, name) < 0) {
            fprintf(stderr,
                    "hotlint run: %s: cannot write the CPU profile: %s; check that the "
                    "directory exists and is writable\n",
                    i == 0 ? shown : name, p ? strerror(errno) : "out of memory");
            rc = -1;
        } else if (i == 0) {
            fprintf(stderr,
                    "hotlint run: %s: %llu CPU samples (mode outside: perf events read by hotlint "
                    "run, nothing loaded into the program)\n",
                    shown, (unsigned long long)samples);
        }
        hl_profile_free(p);
    }
    (void)st;
    hl_rsess_free(o->sess);
    hl_ring_close(o->ring);
    free(o);
    return rc;
}
