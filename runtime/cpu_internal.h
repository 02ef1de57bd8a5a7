/* cpu_internal.h - the CPU profiler's three parts and what they share: the
 * sample store touched from the signal handler (cpu_signal.c), the per-thread
 * timer owner (cpu_timer.c) and the profiler that starts, drains and writes
 * (cpu_profiler.c). Each declaration says whether it is async-signal-safe. */
#ifndef HL_CPU_INTERNAL_H
#define HL_CPU_INTERNAL_H

#include <signal.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#pragma GCC visibility push(hidden)

#define HL_CPU_SIGNAL     SIGPROF
#define HL_CPU_MAX_DEPTH  64
#define HL_CPU_RING_SLOTS 8192
#define HL_CPU_DEFAULT_HZ 100
#define HL_CPU_MAX_HZ     10000
/* The profiler's descriptors live from here up (the soft limit is usually
 * 1024), out of the way of the program's low numbers. */
#define HL_CPU_FD_HIGH 700

enum hl_cpu_mode { HL_CPU_MODE_PERF = 1, HL_CPU_MODE_TIMER = 2 };

/* Slot flags. */
#define HL_CPU_SLOT_TRUNCATED 1u /* the stack was deeper than HL_CPU_MAX_DEPTH */
#define HL_CPU_SLOT_LEAF_ONLY 2u /* the thread was in the dynamic loader: leaf only */

typedef struct hl_cpu_slot {
    _Atomic uint64_t seq; /* position + 1 once the slot is complete */
    uint32_t depth, flags;
    int64_t weight_ns;
    uintptr_t pcs[HL_CPU_MAX_DEPTH];
} hl_cpu_slot;

/* Counters kept by the handler (atomics only). */
typedef struct hl_cpu_stats {
    _Atomic uint64_t recorded;        /* samples stored in the ring */
    _Atomic uint64_t dropped_full;    /* ring full: the writer fell behind */
    _Atomic uint64_t dropped_reentry; /* signal while the thread was in the handler */
    _Atomic uint64_t leaf_only;       /* thread inside dlopen/dl_iterate_phdr */
    _Atomic uint64_t truncated;       /* stacks cut at HL_CPU_MAX_DEPTH */
    _Atomic int64_t dropped_ns;       /* CPU time of dropped samples */
} hl_cpu_stats;

/* Shared state (cpu_signal.c). hl_cpu_active is read by the handler: it
 * records only while it is non-zero. hl_cpu_gen changes at each start.
 * Reading and setting these shared values is async-signal-safe (atomics, or plain values set before
 * sampling starts). */
extern _Atomic int hl_cpu_active;
extern _Atomic uint32_t hl_cpu_gen;
extern _Atomic int hl_cpu_in_handler; /* handlers running right now */
extern int hl_cpu_mode_now;
extern int64_t hl_cpu_period_ns;
extern hl_cpu_stats hl_cpu_counters;

/* Per-thread: > 0 while the thread is inside the dynamic loader. Initial-exec
 * TLS, so that reading it from the handler never allocates.
 * Async-signal-safe to read and change. */
extern __thread int hl_cpu_in_loader __attribute__((tls_model("initial-exec")));

/* Allocates the ring (mmap) and resets counters. Not async-signal-safe.
 * Returns 0 or -1 with errno. */
int hl_cpu_store_init(void);
/* Consumes complete slots in order, calling fn for each; returns how many.
 * Single consumer only. Not async-signal-safe. */
size_t hl_cpu_store_drain(void (*fn)(const hl_cpu_slot *s, void *ctx), void *ctx);
/* The SIGPROF handler. Async-signal-safe: no malloc, no locks, no stdio. */
void hl_cpu_signal_handler(int sig, siginfo_t *si, void *uc);
/* Warms libunwind up on the calling thread so that the handler's first
 * unwind does not initialize anything. Not async-signal-safe. */
void hl_cpu_unwind_warmup(void);

/* Per-thread timers (cpu_timer.c). None is async-signal-safe. */
/* Decides the mode (perf events when permitted, else timer_create; the
 * environment variable HOTLINT_CPUPROFILE_MODE=perf|timer forces one).
 * Returns the mode, or -1 with a message in err. Not async-signal-safe. */
int hl_cpu_timer_probe(int hz, char *err, size_t errlen);
/* Non-zero when perf events may sample kernel mode (system-call time is then
 * sampled as the call returns). Async-signal-safe (an atomic load). */
int hl_cpu_kernel_samples(void);
/* Remembers HOTLINT_CPUPROFILE_MODE read at start-up (the environment is
 * cleaned before the program runs). Not async-signal-safe. */
void hl_cpu_set_forced_mode(const char *mode);
/* Arms a timer for thread tid (idempotent). Returns 0 or -1. Not async-signal-safe. */
int hl_cpu_timer_arm(pid_t tid);
/* Threads that could not get a timer (descriptor limit, ...) since the last
 * reset: their CPU time is missing from the profile. Not async-signal-safe. */
unsigned hl_cpu_timer_failures(bool reset);
/* Perf mode: the CPU time (ns) that the perf events released so far counted,
 * and in *armed how many timers were armed (both since the last reset). Not async-signal-safe. */
int64_t hl_cpu_timer_counted_ns(unsigned *armed, bool reset);
/* Counts a live thread that hl_cpu_timer_arm could not arm. Not async-signal-safe. */
void hl_cpu_timer_count_failure(void);
/* Arms every thread of the process except skip_tid. Returns how many. Not async-signal-safe. */
int hl_cpu_timer_arm_all(pid_t skip_tid);
/* Disarms tid's timer; called by signal_owner.c only. Not async-signal-safe. */
void hl_cpu_timer_disarm(pid_t tid);
/* Disarms every timer; called by signal_owner.c only (hl_sig_quiet). Not
 * async-signal-safe. */
void hl_cpu_timer_disarm_all(void);
/* After fork, in the child: forgets the parent's timers without touching
 * them (the perf events still belong to the parent's threads). Not async-signal-safe. */
void hl_cpu_timer_forget_all(void);

/* The calling thread's id (one system call). Async-signal-safe. */
pid_t hl_gettid(void);

/* Before an exec of this process: stops sampling and discards any pending
 * SIGPROF, so the new image is not killed by one. Not async-signal-safe
 * (takes the timer table's lock); does nothing in a vfork child. */
void hl_cpu_exec_prepare(void);
/* After an exec that failed: sampling resumes. Not async-signal-safe. */
void hl_cpu_exec_failed(void);

/* The program takes SIGPROF for itself (a handler or an ITIMER_PROF timer):
 * sampling stops for the rest of the profile, pending ticks are discarded and
 * stderr says so once. Not async-signal-safe. */
void hl_cpu_yield_sigprof(void);

#pragma GCC visibility pop

#endif
