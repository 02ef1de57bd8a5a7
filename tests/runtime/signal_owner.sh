#!/bin/bash
# signal_owner.sh - SIGPROF has one owner in the runtime: only signal_owner.c
# changes its disposition (libc's __sigaction), disarms every timer or drops a
# pending SIGPROF; cpu_timer.c, which keeps the timers, defines the disarming.
set -u
dir=${1:?usage: signal_owner.sh RUNTIME_DIR}
fail() { echo "FAIL: $*"; exit 1; }
[ -f "$dir/signal_owner.c" ] || fail "no $dir/signal_owner.c"
grep -q '__sigaction(HL_CPU_SIGNAL' "$dir/signal_owner.c" || fail "signal_owner.c does not install the handler"
others=$(grep -lE '__sigaction\(|hl_cpu_timer_disarm(_all)?\(|sigpending|SIG_IGN' "$dir"/*.c |
    grep -vE '/(signal_owner|cpu_timer)\.c$')
[ -z "$others" ] || fail "SIGPROF handled outside signal_owner.c: $(grep -nE '__sigaction\(|hl_cpu_timer_disarm(_all)?\(|sigpending|SIG_IGN' $others)"
echo "signal_owner: ok"
