/* hotlint/profiler.h - the public API of libhotlint-rt: CPU and heap profiling
 * and the /debug/pprof/ HTTP endpoint, for programs that link the runtime.
 * None of these functions is async-signal-safe. */
#ifndef HOTLINT_PROFILER_H
#define HOTLINT_PROFILER_H

#ifdef __cplusplus
extern "C" {
#endif

/* Starts CPU profiling of every thread of the process, and of every thread
 * started later, at hz samples per CPU second (0: the default, 100; at most
 * 10000). Uses per-thread perf events where permitted, else per-thread
 * CPU-time timers (HOTLINT_CPUPROFILE_MODE=perf|timer forces one); either way
 * the signal is SIGPROF. The profile is written to path atomically at
 * hotlint_cpu_stop() or at exit. Returns 0, or -1 with errno set and a
 * message on stderr: EBUSY (already running, or the program handles SIGPROF
 * itself), EINVAL (bad path or rate), ENOTSUP (no usable timer).
 * The environment does the same before main: HOTLINT_CPUPROFILE=path,
 * HOTLINT_CPUPROFILE_HZ=hz. A forked child drops its parent's profile; with
 * HOTLINT_CPUPROFILE_FORK=1 it writes path.<pid> of its own. Programs run
 * with exec are not profiled unless HOTLINT_FOLLOW_EXEC=1. */
int hotlint_cpu_start(const char *path, int hz);
/* Stops CPU profiling and writes the profile atomically. Returns 0, or -1
 * with errno set: EINVAL when not running, EBUSY while hl_rt_cpu_collect
 * runs, or the write error (then also a message on stderr). */
int hotlint_cpu_stop(void);

/* Starts heap profiling: one allocation sampled per rate bytes on average
 * (0: the default, 512 KiB; 1: every allocation). The profile is written to
 * path at hotlint_heap_stop() or at exit (path may be NULL when the profile
 * is only served over HTTP). Returns 0, or -1 with errno set and a message on
 * stderr: EBUSY (already running), EINVAL (rate < 0), ENOTSUP (malloc is not
 * interposed: the runtime must be preloaded or linked before libc; or a
 * sanitizer build). The environment does the same before main:
 * HOTLINT_MEMPROFILE=path, HOTLINT_MEMPROFILE_RATE=bytes. A forked child is
 * not profiled and never writes its parent's profile. */
int hotlint_heap_start(const char *path, long rate);
/* Writes the heap profile as it is now to path (NULL: the start path),
 * atomically. Returns 0, or -1 with errno set (EINVAL when not running). */
int hotlint_heap_dump(const char *path);
/* Stops sampling and writes the profile to the start path. Returns 0 or -1
 * (EINVAL when not running). A later start begins an empty profile. */
int hotlint_heap_stop(void);

/* Serves /debug/pprof/ on addr ("127.0.0.1:6060") from a thread of its own.
 * A non-loopback address needs HOTLINT_HTTP_ALLOW_REMOTE=1 and
 * HOTLINT_HTTP_TOKEN. Returns 0, or -1 with a message on stderr. */
int hotlint_http_start(const char *addr);
void hotlint_http_stop(void);

#ifdef __cplusplus
}
#endif

#endif
