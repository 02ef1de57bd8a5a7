#!/bin/bash
# cpu_robust.sh - a program that forks, starts threads, dlopens in a loop and
# exits 3, run 20 times under the profiler at 1000 Hz: status 3, stdout
# byte-identical to an unprofiled run, exactly one valid profile, no hang.
set -u
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*"; exit 1; }

"$CPU_ROBUST" "$PLUGIN_KEEP" "$PLUGIN_CYCLE" >"$tmp/plain.out"
rc=$?
[ $rc -eq 3 ] || fail "unprofiled run exited $rc"
grep -q "threads done, 0 failed" "$tmp/plain.out" || fail "unprofiled run: $(cat "$tmp/plain.out")"

for i in $(seq 1 20); do
    dir="$tmp/run$i"
    mkdir "$dir"
    timeout 60 "$HOTLINT" run --hz 1000 --cpuprofile "$dir/cpu.prof" -- \
        "$CPU_ROBUST" "$PLUGIN_KEEP" "$PLUGIN_CYCLE" >"$dir/out" 2>"$dir/err"
    rc=$?
    [ $rc -ne 124 ] || fail "run $i hung (killed after 60 s)"
    [ $rc -eq 3 ] || fail "run $i exited $rc, want 3: $(cat "$dir/err")"
    cmp -s "$tmp/plain.out" "$dir/out" || fail "run $i: stdout differs: $(diff "$tmp/plain.out" "$dir/out")"
    files=$(ls "$dir" | grep -v '^out$\|^err$' | tr '\n' ' ')
    [ "$files" = "cpu.prof " ] || fail "run $i: want exactly cpu.prof, got: $files"
    "$HOTLINT" top -n 0 "$dir/cpu.prof" >"$dir/top" 2>&1 || fail "run $i: unreadable profile: $(cat "$dir/top")"
done
# The library that stays loaded is symbolized, and the threads are in it.
grep -q " plugin_burn" "$tmp/run1/top" || fail "plugin_burn missing from the profile: $(cat "$tmp/run1/top")"
grep -q " burner" "$tmp/run1/top" || fail "thread function burner missing: $(cat "$tmp/run1/top")"
grep -q " loader" "$tmp/run1/top" || fail "thread function loader missing"
echo "ok: 20 profiled runs"
