/* cpu_signal.c - the CPU profiler's signal side: the SIGPROF handler, which
 * walks the interrupted stack with the runtime's unwinder (unwind.c), and the fixed-size lock-free
 * ring it writes into. Everything reachable from the handler is
 * async-signal-safe: no malloc, no locks, no stdio. */
#include <errno.h>
#include <fcntl.h>
#include <linux/perf_event.h>
#include <stddef.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/ioctl.h>
#include <sys/resource.h>
#include <ucontext.h>
#include <unistd.h>

#include "cpu_internal.h"
#include "unwind.h"

_Atomic int hl_cpu_active;
_Atomic uint32_t hl_cpu_gen;
_Atomic int hl_cpu_in_handler;
int hl_cpu_mode_now;
int64_t hl_cpu_period_ns;
hl_cpu_stats hl_cpu_counters;

/* Per-thread handler state. */
static __thread int tls_in_handler __attribute__((tls_model("initial-exec")));
static __thread uint32_t tls_gen __attribute__((tls_model("initial-exec")));
static __thread uint64_t tls_last_count __attribute__((tls_model("initial-exec")));
static __thread uint64_t tls_rng __attribute__((tls_model("initial-exec")));
static __thread int64_t tls_asked __attribute__((tls_model("initial-exec"))); /* last period set */
static __thread uint32_t tls_samples __attribute__((tls_model("initial-exec")));
static __thread int64_t tls_lag __attribute__((tls_model("initial-exec"))); /* restart lag */

static hl_cpu_slot *ring;
static _Atomic uint64_t ring_head; /* next position to reserve */
static _Atomic uint64_t ring_tail; /* next position to consume */

int hl_cpu_store_init(void)
{
    if (!ring) {
        void *m = mmap(NULL, sizeof(hl_cpu_slot) * HL_CPU_RING_SLOTS, PROT_READ | PROT_WRITE,
                       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        if (m == MAP_FAILED)
            return -1;
        ring = m;
    }
    /* Empty the ring: only called while no handler records. */
    for (size_t i = 0; i < HL_CPU_RING_SLOTS; i++)
        atomic_store_explicit(&ring[i].seq, 0, memory_order_relaxed);
    atomic_store(&ring_head, 0);
    atomic_store(&ring_tail, 0);
    memset(&hl_cpu_counters, 0, sizeof hl_cpu_counters);
    return 0;
}

size_t hl_cpu_store_drain(void (*fn)(const hl_cpu_slot *s, void *ctx), void *ctx)
{
    size_t n = 0;
    if (!ring)
        return 0;
    uint64_t pos = atomic_load_explicit(&ring_tail, memory_order_relaxed);
    for (;;) {
        hl_cpu_slot *s = &ring[pos % HL_CPU_RING_SLOTS];
        if (atomic_load_explicit(&s->seq, memory_order_acquire) != pos + 1)
            break; /* empty, or a handler is still writing it */
        fn(s, ctx);
        pos++;
        n++;
        atomic_store_explicit(&ring_tail, pos, memory_order_release);
    }
    return n;
}

/* Reserves a slot; NULL when the ring is full. Async-signal-safe. */
static hl_cpu_slot *reserve(uint64_t *pos_out)
{
    uint64_t h = atomic_load_explicit(&ring_head, memory_order_relaxed);
    for (;;) {
        uint64_t t = atomic_load_explicit(&ring_tail, memory_order_acquire);
        if (h - t >= HL_CPU_RING_SLOTS)
            return NULL;
        if (atomic_compare_exchange_weak_explicit(&ring_head, &h, h + 1, memory_order_acq_rel,
                                                  memory_order_relaxed))
            break;
    }
    *pos_out = h;
    return &ring[h % HL_CPU_RING_SLOTS];
}

/* Sets the thread's next sampling period to a uniform draw from
 * [period/2, 3*period/2): a fixed period locks onto a loop whose iterations
 * take a multiple of it (aliasing) and then samples the same phase over and
 * over. The timer restarts when the period is set, so the lag of a restart
 * (the interval measured after it minus the period asked for) is taken off
 * the next draw to keep the mean rate as asked. Every sample is weighted by the
 * CPU-clock counter's delta, so totals stay exact. Async-signal-safe. */
static void jitter_next_period(int fd, int64_t period, uint64_t count, int64_t d)
{
    if (tls_asked > 0) {
        /* The interval since the last restart: its excess is the lag. */
        tls_lag = d - tls_asked;
        if (tls_lag < 0 || tls_lag > period / 4)
            tls_lag = tls_lag < 0 ? 0 : period / 4;
        tls_asked = 0;
    }
    /* A new period every 4th sample: as good against aliasing (each change
     * moves the phase by a random amount) at a quarter of the ioctl cost. */
    if (++tls_samples % 4 != 0)
        return;
    uint64_t x = tls_rng ? tls_rng : (count ^ (uint64_t)(uintptr_t)&tls_rng) | 1;
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    tls_rng = x;
    /* The period holds for about four intervals and only the first pays the
     * restart lag: a quarter of it comes off each. */
    uint64_t next = (uint64_t)(period / 2 - tls_lag / 4) + x % (uint64_t)period;
    tls_asked = (int64_t)next;
    ioctl(fd, PERF_EVENT_IOC_PERIOD, &next);
}

/* CPU time this sample stands for. Perf mode reads the thread's CPU clock
 * counter (exact, even when a signal was merged); timer mode counts overruns. */
static int64_t sample_weight(const siginfo_t *si)
{
    int64_t period = hl_cpu_period_ns;
    uint32_t gen = atomic_load_explicit(&hl_cpu_gen, memory_order_relaxed);
    if (tls_gen != gen) {
        tls_gen = gen;
        tls_last_count = 0;
        tls_asked = 0;
        tls_lag = 0;
    }
    if (hl_cpu_mode_now == HL_CPU_MODE_PERF) {
        uint64_t count;
        if (si->si_fd >= 0 && read(si->si_fd, &count, sizeof count) == (ssize_t)sizeof count) {
            int64_t d = (int64_t)(count - tls_last_count);
            tls_last_count = count;
            jitter_next_period(si->si_fd, period, count, d);
            /* Merged signals stand for a few periods. More means the thread
             * had SIGPROF blocked: that time is not given to wherever the
             * thread happens to be now (the profiler reports it instead). */
            if (d <= 0 || d > period * 15)
                d = period;
            return d;
        }
        return period;
    }
    int over = si->si_code == SI_TIMER ? si->si_overrun : 0;
    return period * (1 + (over > 0 ? over : 0));
}

void hl_cpu_signal_handler(int sig, siginfo_t *si, void *ucv)
{
    (void)sig;
    int saved_errno = errno;
    if (!atomic_load_explicit(&hl_cpu_active, memory_order_acquire))
        goto out_noflag;
    atomic_fetch_add_explicit(&hl_cpu_in_handler, 1, memory_order_acq_rel);
    /* Re-check after announcing ourselves: stop waits for in_handler == 0. */
    if (!atomic_load_explicit(&hl_cpu_active, memory_order_acquire))
        goto out;
    int64_t weight = sample_weight(si);
    if (tls_in_handler) {
        atomic_fetch_add_explicit(&hl_cpu_counters.dropped_reentry, 1, memory_order_relaxed);
        atomic_fetch_add_explicit(&hl_cpu_counters.dropped_ns, weight, memory_order_relaxed);
        goto out;
    }
    tls_in_handler = 1;
    uint64_t pos;
    hl_cpu_slot *s = reserve(&pos);
    if (!s) {
        atomic_fetch_add_explicit(&hl_cpu_counters.dropped_full, 1, memory_order_relaxed);
        atomic_fetch_add_explicit(&hl_cpu_counters.dropped_ns, weight, memory_order_relaxed);
        tls_in_handler = 0;
        goto out;
    }
    unsigned uf = 0;
    uint32_t depth = (uint32_t)hl_unwind_signal(ucv, s->pcs, HL_CPU_MAX_DEPTH, &uf);
    uint32_t flags = 0;
    if (uf & HL_UNWIND_LEAF_ONLY) {
        flags |= HL_CPU_SLOT_LEAF_ONLY;
        atomic_fetch_add_explicit(&hl_cpu_counters.leaf_only, 1, memory_order_relaxed);
    }
    if (uf & HL_UNWIND_TRUNCATED) {
        flags |= HL_CPU_SLOT_TRUNCATED;
        atomic_fetch_add_explicit(&hl_cpu_counters.truncated, 1, memory_order_relaxed);
    }
    s->depth = depth;
    s->flags = flags;
    s->weight_ns = weight;
    atomic_store_explicit(&s->seq, pos + 1, memory_order_release);
    atomic_fetch_add_explicit(&hl_cpu_counters.recorded, 1, memory_order_relaxed);
    tls_in_handler = 0;
out:
    atomic_fetch_sub_explicit(&hl_cpu_in_handler, 1, memory_order_acq_rel);
out_noflag:
    errno = saved_errno;
}

void hl_cpu_unwind_warmup(void)
{
    hl_unwind_warmup();
}
