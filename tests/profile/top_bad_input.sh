#!/bin/bash
# top_bad_input.sh - `hotlint top` on empty, truncated, garbage and missing
# profiles: a clear error naming the file, exit 2, never a crash.
set -u
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*"; exit 1; }

: >"$tmp/empty.prof"
printf '\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\x03\x4b\x4c' >"$tmp/truncated.prof"
head -c 4096 /dev/urandom | tr '\037' 'x' >"$tmp/garbage.prof"
printf 'hello, I am not a profile\n' >"$tmp/text.prof"
printf '\x1f\x8bgarbage after a gzip magic' >"$tmp/badgzip.prof"
# A plain protobuf that names string 7 in a table of 1: valid wire format, invalid profile.
printf '\x0a\x04\x08\x07\x10\x00\x32\x00' >"$tmp/badindex.prof"

check() { # file, expected message part
    out=$("$HOTLINT" top "$1" 2>&1 >/dev/null)
    rc=$?
    [ $rc -eq 2 ] || fail "$1: exit $rc, want 2 ($out)"
    echo "$out" | grep -q "$(basename "$1")" || fail "$1: error does not name the file: $out"
    echo "$out" | grep -q "$2" || fail "$1: want '$2' in: $out"
}
check "$tmp/empty.prof" "empty"
check "$tmp/truncated.prof" "truncated gzip"
check "$tmp/garbage.prof" "not a pprof profile"
check "$tmp/text.prof" "not a pprof profile"
check "$tmp/badgzip.prof" "gzip"
check "$tmp/badindex.prof" "string table"
check "$tmp/missing.prof" "cannot open"
"$HOTLINT" top >/dev/null 2>&1; [ $? -eq 2 ] || fail "no argument: want exit 2"
"$HOTLINT" top --sample-index nope "$tmp/empty.prof" >/dev/null 2>&1; [ $? -eq 2 ] || fail "bad file + index"
echo ok
