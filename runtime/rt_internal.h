/* rt_internal.h - what the runtime's parts offer each other (not installed).
 * None of these is async-signal-safe. */
#ifndef HL_RT_INTERNAL_H
#define HL_RT_INTERNAL_H

#include <stddef.h>

#include "../profile/profile.h"

/* CPU profiler (cpu_*.c): profiles every thread for `seconds` at hz (0: the
 * default) and returns the gzip-compressed profile in *out (malloc'ed).
 * Fails with EBUSY when a CPU profile is already running. Returns 0 or -1
 * with a message in err. Blocks the calling thread for the duration. Not async-signal-safe. */
int hl_rt_cpu_collect(int seconds, int hz, void **out, size_t *out_len, char *err, size_t errlen);
/* The same, calling cancelled(arg) (when not NULL) about every 100 ms while
 * it waits, from the calling thread; when that returns non-zero the profile
 * is stopped and dropped at once, so that another may start, and the call
 * fails with ECANCELED. For a client that went away mid-profile. Not async-signal-safe. */
int hl_rt_cpu_collect_cancellable(int seconds, int hz, int (*cancelled)(void *), void *arg,
                                  void **out, size_t *out_len, char *err, size_t errlen);

/* Before the runtime's own work at exit (the heap profile built and
 * written): the CPU profiler's timers are disarmed and a pending SIGPROF
 * discarded, so that none of that work is sampled; the CPU profile, written
 * later, ends here. Does nothing when no CPU profile runs in this process.
 * Not async-signal-safe. */
void hl_rt_cpu_pause_for_exit(void);

/* Heap profiler (heap_*.c): the heap profile as it is now, as a model to
 * release with hl_profile_free. NULL (errno ENOTSUP) when heap profiling is
 * not enabled, or NULL on ENOMEM, with a message in err. Not async-signal-safe. */
hl_profile *hl_rt_heap_profile(char *err, size_t errlen);
/* The same, gzip-compressed,
 * in *out (malloc'ed). Fails with ENOTSUP when heap profiling is not enabled.
 * Returns 0 or -1 with a message in err. Not async-signal-safe. */
int hl_rt_heap_encode(void **out, size_t *out_len, char *err, size_t errlen);
/* Non-zero when heap profiling is running. Async-signal-safe. */
int hl_rt_heap_enabled(void);

/* Marks the calling thread as working for the profiler until the matching
 * hl_rt_own_end(saved): the heap profiler does not sample its allocations,
 * and threads it creates meanwhile work for the profiler for their whole
 * life. Nestable; async-signal-safe (a thread-local flag). */
int hl_rt_own_begin(void);
void hl_rt_own_end(int saved);

#endif
