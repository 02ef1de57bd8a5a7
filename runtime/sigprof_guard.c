/* sigprof_guard.c - the interposed sigaction, signal and setitimer: when the
 * program takes SIGPROF for itself (installs a handler or disposition of its
 * own, or arms ITIMER_PROF), the CPU profiler's timers stop first, so that
 * the program's own profiler counts its own ticks only and a SIG_DFL set by
 * the program cannot be hit by one of ours. Calls that do not concern
 * SIGPROF go straight to libc. sigaction stays async-signal-safe for the
 * program except when it changes SIGPROF while the profiler runs. */
#include <dlfcn.h>
#include <errno.h>
#include <signal.h>
#include <stddef.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <unistd.h>

#include "cpu_internal.h"

#define HL_EXPORT __attribute__((visibility("default")))

extern int __sigaction(int sig, const struct sigaction *act, struct sigaction *old);

HL_EXPORT int sigaction(int sig, const struct sigaction *act, struct sigaction *old)
{
    if (sig == HL_CPU_SIGNAL && act && !hl_cpu_handler_is_ours(act))
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
