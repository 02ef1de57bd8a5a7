#!/bin/bash
# cpu_api.sh - the C API linked shared and static: start/stop writes a
# profile of the hot function; a second start fails with EBUSY; a program
# that handles SIGPROF is refused; hl_rt_cpu_collect returns a gzip profile;
# a cancelled collection stops at once and frees the profiler.
set -u
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*"; exit 1; }

for bin in "$CPU_API" "$CPU_API_STATIC"; do
    name=$(basename "$bin")
    out=$("$bin" startstop "$tmp/$name.prof" 2>"$tmp/err") || fail "$name startstop: exit $?: $out $(cat "$tmp/err")"
    [ "$out" = "ok" ] || fail "$name startstop printed: $out"
    top=$("$HOTLINT" top "$tmp/$name.prof") || fail "$name: unreadable profile"
    echo "$top" | grep -q "api_hot_function" || fail "$name: api_hot_function missing: $top"
    echo "$top" | grep -q "requested 1000 Hz" || fail "$name: no mode comment: $top"

    err=$("$bin" sigprof "$tmp/never.prof" 2>&1 >/dev/null)
    rc=$?
    [ $rc -eq 0 ] || fail "$name sigprof: exit $rc"
    echo "$err" | grep -q "already handles SIGPROF" || fail "$name sigprof: message was: $err"
    [ ! -e "$tmp/never.prof" ] || fail "$name sigprof: a profile was written"

    out=$("$bin" collect "$tmp/$name.collect.prof" 2>/dev/null) || fail "$name collect: exit $?"
    [ "$out" = "collected" ] || fail "$name collect printed: $out"
    top=$("$HOTLINT" top "$tmp/$name.collect.prof") || fail "$name: unreadable collected profile"
    echo "$top" | grep -q "api_hot_function" || fail "$name collect: hot function missing: $top"

    out=$("$bin" cancel 2>"$tmp/err") || fail "$name cancel: exit $?: $(cat "$tmp/err")"
    [ "$out" = "cancelled" ] || fail "$name cancel printed: $out"
done
echo ok
