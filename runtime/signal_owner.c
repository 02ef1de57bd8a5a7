/* signal_owner.c - the one owner of SIGPROF (signal_owner.h): installs and
 * recognizes the CPU profiler's handler, quiets its signals, and interposes
 * sigaction, signal, bsd_signal and setitimer. When the program takes
 * SIGPROF for itself (installs a handler or disposition of its own, or arms
 * ITIMER_PROF), the profiler's timers stop first, so that the program's own
 * profiler counts its own ticks only and a SIG_DFL set by the program cannot
 * be hit by one of ours. Calls that do not concern SIGPROF go straight to
 * libc. sigaction stays async-signal-safe for the program except when it
 * changes SIGPROF while the profiler runs. */
#include <dlfcn.h>
#include <errno.h>
#include <sched.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <unistd.h>

#include "cpu_internal.h"
#include "signal_owner.h"

/* libc's sigaction itself: the runtime's own calls do not go through the
 * interposed sigaction below, which treats every other caller as the
 * program. */
extern int __sigaction(int sig, const struct sigaction *act, struct sigaction *old);

bool hl_sig_handler_is_ours(const struct sigaction *sa)
{
    return sa && (sa->sa_flags & SA_SIGINFO) && sa->sa_sigaction == hl_cpu_signal_handler;
}

int hl_sig_check_free(char *err, size_t errlen)
{
    struct sigaction old;
    if (__sigaction(HL_CPU_SIGNAL, NULL, &old) < 0) {
        snprintf(err, errlen, "cannot read SIGPROF's disposition: %s", strerror(errno));
        return -1;
    }
    if (!hl_sig_handler_is_ours(&old) && old.sa_handler != SIG_DFL && old.sa_handler != SIG_IGN) {
        snprintf(err, errlen,
                 "the program already handles SIGPROF (the profiling signal); not profiling "
                 "rather than taking it over");
        errno = EBUSY;
        return -1;
    }
    return 0;
}

int hl_sig_install(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = hl_cpu_signal_handler;
    sa.sa_flags = SA_SIGINFO | SA_RESTART;
    sigemptyset(&sa.sa_mask);
    return __sigaction(HL_CPU_SIGNAL, &sa, NULL);
}

/* Discards a pending SIGPROF in every thread (setting SIG_IGN does that) and
 * puts the disposition back as it was. */
static void discard_pending(void)
{
    struct sigaction cur, ign;
    memset(&ign, 0, sizeof ign);
    ign.sa_handler = SIG_IGN;
    sigemptyset(&ign.sa_mask);
    if (__sigaction(HL_CPU_SIGNAL, NULL, &cur) == 0 && __sigaction(HL_CPU_SIGNAL, &ign, NULL) == 0)
        __sigaction(HL_CPU_SIGNAL, &cur, NULL);
}

void hl_sig_quiet(bool discard)
{
    atomic_store_explicit(&hl_cpu_active, 0, memory_order_release);
    hl_cpu_timer_disarm_all();
    /* Handlers already past the active check finish their slot. */
    for (int i = 0; i < 100000 && atomic_load(&hl_cpu_in_handler) > 0; i++)
        sched_yield();
    if (discard)
        discard_pending();
}

void hl_sig_disarm_thread(pid_t tid)
{
    hl_cpu_timer_disarm(tid);
}

/* ---- the program's own SIGPROF ---- */

#define HL_EXPORT __attribute__((visibility("default")))

HL_EXPORT int sigaction(int sig, const struct sigaction *act, struct sigaction *old)
{
    if (sig == HL_CPU_SIGNAL && act && !hl_sig_handler_is_ours(act))
        hl_cpu_yield_sigprof();
    return __sigaction(sig, act, old);
}

typedef void (*hl_sighandler)(int);

/* signal() with glibc's (BSD) semantics: restartable, the signal blocked in
 * its own handler. Only SIGPROF comes here; others go to libc's signal. */
static hl_sighandler sigprof_signal(int sig, hl_sighandler handler)
{
    struct sigaction sa, old;
    sa.sa_handler = handler;
    sigemptyset(&sa.sa_mask);
    sigaddset(&sa.sa_mask, sig);
    sa.sa_flags = SA_RESTART;
    hl_cpu_yield_sigprof();
    if (__sigaction(sig, &sa, &old) < 0)
        return SIG_ERR;
    return old.sa_handler;
}

HL_EXPORT hl_sighandler signal(int sig, hl_sighandler handler)
{
    static hl_sighandler (*real)(int, hl_sighandler);
    if (sig == HL_CPU_SIGNAL)
        return sigprof_signal(sig, handler);
    if (!real && !(*(void **)&real = dlsym(RTLD_NEXT, "signal"))) {
        errno = ENOSYS;
        return SIG_ERR;
    }
    return real(sig, handler);
}

HL_EXPORT hl_sighandler bsd_signal(int sig, hl_sighandler handler)
{
    return signal(sig, handler);
}

HL_EXPORT int setitimer(__itimer_which_t which, const struct itimerval *nv, struct itimerval *old)
{
    if (which == ITIMER_PROF && nv && (nv->it_value.tv_sec || nv->it_value.tv_usec))
        hl_cpu_yield_sigprof();
    return (int)syscall(SYS_setitimer, which, nv, old);
}
