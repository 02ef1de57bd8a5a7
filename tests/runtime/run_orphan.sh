#!/bin/bash
# run_orphan.sh - `hotlint run` killed by SIGKILL takes its program with it
# (no orphan left running unprofiled); a program killed by a signal has its
# profile written by hotlint when sampled from outside, and in process is told
# on stderr to have left none.
set -u
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*"; exit 1; }

"$HOTLINT" run --cpuprofile "$tmp/o.prof" -- /bin/sleep 1000 &
runner=$!
for _ in $(seq 100); do
    child=$(pgrep -P "$runner" -x sleep) && break
    sleep 0.05
done
[ -n "${child:-}" ] || fail "the program did not start"
kill -KILL "$runner"
wait "$runner" 2>/dev/null
for _ in $(seq 100); do
    kill -0 "$child" 2>/dev/null || break
    sleep 0.05
done
if kill -0 "$child" 2>/dev/null; then
    kill -KILL "$child"
    fail "the program ran on after hotlint run was killed"
fi

# Sampled from outside, the profile of a killed program is written by hotlint.
"$HOTLINT" run --cpuprofile "$tmp/o.prof" -- /bin/sh -c 'kill -TERM $$' 2>"$tmp/err"
[ $? -eq 143 ] || fail "killed program (outside): want status 143"
"$HOTLINT" top "$tmp/o.prof" >/dev/null || fail "killed program (outside): no profile: $(cat "$tmp/err")"
HOTLINT_CPUPROFILE_MODE=timer "$HOTLINT" run --cpuprofile "$tmp/k.prof" -- /bin/sh -c 'kill -TERM $$' 2>"$tmp/err"
[ $? -eq 143 ] || fail "killed program: want status 143"
grep -q "k.prof: no CPU profile was written: the program was killed by signal 15" "$tmp/err" ||
    fail "no word about the missing profile: $(cat "$tmp/err")"
echo ok
