#!/bin/bash
# own_sigprof.sh - a program that profiles itself with SIGPROF and ITIMER_PROF
# keeps its own tick rate under hotlint (within 30% of its unprofiled rate),
# is never killed, and is told on stderr (and in the profile) that CPU
# sampling stopped when it took the signal. Both sampling modes, signal() and
# sigaction(), under `hotlint run` and LD_PRELOAD.
set -u
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*"; exit 1; }

base=$("$OWN_SIGPROF" 1) || fail "unprofiled run failed"
[ "$base" -ge 50 ] || fail "unprofiled run counted only $base ticks in 1 s of CPU"
within() { awk -v a="$1" -v b="$base" 'BEGIN { exit !(a >= 0.7 * b && a <= 1.3 * b) }'; }
for mode in perf timer; do
    for how in signal sigaction; do
        got=$(HOTLINT_CPUPROFILE_MODE=$mode "$HOTLINT" run --hz 1000 --cpuprofile "$tmp/o.prof" \
            -- "$OWN_SIGPROF" 1 $how 2>"$tmp/err") || fail "$mode $how: status $?"
        within "$got" || fail "$mode $how: $got ticks under hotlint run, $base unprofiled"
        grep -q "uses SIGPROF itself" "$tmp/err" || fail "$mode $how: nothing said: $(cat "$tmp/err")"
        "$HOTLINT" top "$tmp/o.prof" | grep -q "Comment: sampling stopped when the program installed" ||
            fail "$mode $how: the profile does not say sampling stopped"
        got=$(LD_PRELOAD="$HOTLINT_RT" HOTLINT_CPUPROFILE="$tmp/e.prof" HOTLINT_CPUPROFILE_HZ=1000 \
            HOTLINT_CPUPROFILE_MODE=$mode "$OWN_SIGPROF" 1 $how 2>/dev/null) ||
            fail "$mode $how LD_PRELOAD: status $?"
        within "$got" || fail "$mode $how LD_PRELOAD: $got ticks, $base unprofiled"
    done
done
echo ok
