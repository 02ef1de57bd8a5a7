/* signal_owner.h - the runtime's one owner of SIGPROF: it installs the CPU
 * profiler's handler, tells it from the program's, quiets the profiler's
 * signals (timers disarmed, a pending SIGPROF discarded) for a stop, an exec,
 * the runtime's exit work or the program taking SIGPROF, and interposes
 * sigaction, signal, bsd_signal and setitimer to see the program take it.
 * Nothing else in the runtime changes SIGPROF's disposition or disarms the
 * timers. */
#ifndef HL_SIGNAL_OWNER_H
#define HL_SIGNAL_OWNER_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#pragma GCC visibility push(hidden)

/* 0 when SIGPROF is free for the profiler (default, ignored, or already
 * ours); -1 with errno EBUSY and a message in err when the program handles
 * it itself. Not async-signal-safe. */
int hl_sig_check_free(char *err, size_t errlen);
/* Installs the CPU profiler's handler (hl_cpu_signal_handler) for SIGPROF.
 * Returns 0 or -1 with errno. Not async-signal-safe. */
int hl_sig_install(void);
/* Whether sa installs the profiler's own handler. Async-signal-safe. */
bool hl_sig_handler_is_ours(const struct sigaction *sa);
/* Stops the sampling signals: the handler stops recording, every timer is
 * disarmed, handlers already past their check finish, and with discard a
 * SIGPROF still pending in any thread is dropped. The handler stays
 * installed (a late signal finds it and returns). Not async-signal-safe. */
void hl_sig_quiet(bool discard);
/* Disarms the timer of thread tid (it exits, or works for the profiler). Not
 * async-signal-safe. */
void hl_sig_disarm_thread(pid_t tid);

#pragma GCC visibility pop

#endif
