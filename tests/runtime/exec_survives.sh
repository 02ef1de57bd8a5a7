#!/bin/bash
# exec_survives.sh - a profiled process that replaces itself by exec is never
# killed by a sampling signal: the new image starts with SIGPROF at its
# default action, so sampling stops and no SIGPROF stays pending across exec.
# At 1000 Hz, 20 runs each (10 in timer mode): through `hotlint run`, with
# --follow-exec and through LD_PRELOAD; a process holding 200 MB (slow to tear down)
# before its exec; a failed exec resumes sampling.
set -u
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*"; exit 1; }
cd "$tmp"

busy_then_exec='i=0; while [ $i -lt 30000 ]; do i=$((i+1)); done; exec /bin/echo done'
for mode in perf timer; do
    runs=20
    [ $mode = timer ] && runs=10
    for n in $(seq $runs); do
        out=$(HOTLINT_CPUPROFILE_MODE=$mode "$HOTLINT" run --hz 1000 --cpuprofile "$tmp/a.prof" \
            -- /bin/sh -c "$busy_then_exec")
        rc=$?
        [ $rc -eq 0 ] && [ "$out" = done ] || fail "$mode run $n: status $rc, output '$out'"
        out=$(HOTLINT_CPUPROFILE_MODE=$mode "$HOTLINT" run --follow-exec --hz 1000 \
            --cpuprofile "$tmp/b.prof" -- /bin/sh -c "$busy_then_exec")
        rc=$?
        [ $rc -eq 0 ] && [ "$out" = done ] || fail "$mode --follow-exec run $n: status $rc, output '$out'"
        out=$(LD_PRELOAD="$HOTLINT_RT" HOTLINT_CPUPROFILE="$tmp/c.prof" HOTLINT_CPUPROFILE_HZ=1000 \
            HOTLINT_CPUPROFILE_MODE=$mode /bin/sh -c "$busy_then_exec")
        rc=$?
        [ $rc -eq 0 ] && [ "$out" = done ] || fail "$mode LD_PRELOAD run $n: status $rc, output '$out'"
    done
done

# A process with tens of MB mapped takes long to tear down inside exec.
for n in $(seq 5); do
    out=$("$HOTLINT" run --hz 1000 --cpuprofile "$tmp/p.prof" -- /usr/bin/perl -e \
        '$x = "a" x (200 * 1024 * 1024); for (1 .. 3e5) { $y += $_ } exec "/bin/echo", "done"')
    rc=$?
    [ $rc -eq 0 ] && [ "$out" = done ] || fail "perl 200 MB run $n: status $rc, output '$out'"
done

# A failed exec (no such file) leaves the profiler running: the process goes on
# burning CPU after it and its profile has those samples.
"$HOTLINT" run --hz 1000 --cpuprofile "$tmp/f.prof" -- /usr/bin/perl -e \
    'exec "/nonexistent/x"; my $s = 0; for (1 .. 2e7) { $s += $_ } print "after\n"' \
    >"$tmp/f.out" 2>/dev/null || fail "failed-exec run: status $?"
grep -q after "$tmp/f.out" || fail "failed-exec run: no output after the failed exec"
samples=$("$HOTLINT" top "$tmp/f.prof" | sed -n 's/.*(\([0-9]*\) samples in.*/\1/p')
[ "${samples:-0}" -ge 50 ] || fail "failed exec: only '${samples:-}' samples after it (sampling did not resume)"
echo ok
