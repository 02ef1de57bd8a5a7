#!/bin/bash
# other_allocators.sh - the heap profiler on programs it did not build: one on
# jemalloc that calls malloc_usable_size on its blocks (glibc memory reaching
# jemalloc crashes it), under `hotlint run --memprofile` and LD_PRELOAD; and
# Debian's python3, a non-PIE executable that takes malloc's address (the
# profiler must not refuse it as "not preloaded").
set -u
prog=$1 rt=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*"; exit 1; }
export GOCACHE="$tmp/gocache" GOPATH="$tmp/gopath" GO111MODULE=off GOFLAGS=

want=$("$prog") || fail "$prog fails unprofiled"
for n in $(seq 5); do
    got=$("$HOTLINT" run --memprofile "$tmp/j.prof" -- "$prog") || fail "jemalloc run $n: status $?"
    [ "$got" = "$want" ] || fail "jemalloc run $n: output '$got', want '$want'"
    got=$(LD_PRELOAD="$rt" HOTLINT_MEMPROFILE="$tmp/je.prof" HOTLINT_MEMPROFILE_RATE=4096 "$prog") ||
        fail "jemalloc LD_PRELOAD run $n: status $?"
    [ "$got" = "$want" ] || fail "jemalloc LD_PRELOAD run $n: output '$got', want '$want'"
done
# The samples are there, and go tool pprof reads them.
"$HOTLINT" top --sample-index alloc_space "$tmp/je.prof" >"$tmp/je.top" || fail "top of the jemalloc profile"
grep -q " main$" "$tmp/je.top" || fail "jemalloc profile has no main: $(cat "$tmp/je.top")"
go tool pprof -sample_index=alloc_space -top "$tmp/je.prof" >/dev/null 2>"$tmp/go.err" ||
    fail "go tool pprof: $(cat "$tmp/go.err")"

py=/usr/bin/python3
[ -x $py ] || fail "Debian's python3 is not installed"
"$HOTLINT" run --memprofile "$tmp/py.prof" -- $py -c 'x = ["%d" % i * 200 for i in range(20000)]; print(len(x))' \
    >"$tmp/py.out" 2>"$tmp/py.err" || fail "python3 run: status $?: $(cat "$tmp/py.err")"
[ "$(cat "$tmp/py.out")" = 20000 ] || fail "python3 output: $(cat "$tmp/py.out")"
grep -q "not interposed\|not preloaded" "$tmp/py.err" && fail "python3 refused: $(cat "$tmp/py.err")"
[ -s "$tmp/py.prof" ] || fail "no python3 heap profile: $(cat "$tmp/py.err")"
"$HOTLINT" top --sample-index alloc_space "$tmp/py.prof" | grep -q "PyObject\|_Py\|Py" ||
    fail "python3 heap profile has no python frames"
echo ok
