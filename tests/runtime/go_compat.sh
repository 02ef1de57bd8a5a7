#!/bin/bash
# go_compat.sh - the compatibility contract with Go's pprof: `go tool pprof
# -top` and `-list` read hotlint's CPU profiles unchanged and agree with
# `hotlint top` on the top functions; a CPU profile written by Go's
# runtime/pprof is read by `hotlint top`.
set -u
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*"; exit 1; }
command -v go >/dev/null || fail "go is not installed (golang-go)"
export GOCACHE="$tmp/gocache" GOPATH="$tmp/gopath" GO111MODULE=off GOFLAGS= HOME="$tmp"

"$HOTLINT" run --hz 1000 --cpuprofile "$tmp/cpu.prof" -- "$CPU_MIX" 1500 >/dev/null || fail "hotlint run failed"
go tool pprof -top -nodecount=200 "$tmp/cpu.prof" >"$tmp/go.top" 2>"$tmp/go.err" ||
    fail "go tool pprof -top rejected the profile: $(cat "$tmp/go.err")"
"$HOTLINT" top --cum -n 0 "$tmp/cpu.prof" >"$tmp/hl.top" || fail "hotlint top failed"
# Same cum% (to 0.1) for the three functions of the mix.
for fn in heavy_sixty medium_thirty light_ten unit; do
    g=$(awk -v f="$fn" '$6 == f { print $5 }' "$tmp/go.top")
    h=$(awk -v f="$fn" '$6 == f { print $5 }' "$tmp/hl.top")
    [ -n "$g" ] && [ -n "$h" ] || fail "$fn missing: go '$g' hotlint '$h'"
    awk -v a="${g%\%}" -v b="${h%\%}" 'BEGIN { d = a - b; if (d < 0) d = -d; exit !(d < 0.1) }' ||
        fail "$fn: go tool pprof says cum $g, hotlint top $h"
done
# The flat leader is the same.
gtop=$(awk '/flat%/ { getline; print $6; exit }' "$tmp/go.top")
htop=$("$HOTLINT" top "$tmp/cpu.prof" | awk '/flat%/ { getline; print $6; exit }')
[ "$gtop" = "$htop" ] || fail "top function: go $gtop, hotlint $htop"
# -list finds the source through the profile's file and line information (run
# from a neutral directory: pprof trims paths at the name of the current one).
(cd "$tmp" && go tool pprof -list heavy_sixty "$tmp/cpu.prof") >"$tmp/go.list" 2>&1 || fail "-list failed: $(cat "$tmp/go.list")"
grep -q "cpu_mix.c" "$tmp/go.list" || fail "-list does not name the file: $(cat "$tmp/go.list")"
grep -q "sink += unit" "$tmp/go.list" || fail "-list shows no source lines: $(cat "$tmp/go.list")"

# A profile written by Go's runtime/pprof.
cat >"$tmp/main.go" <<'GO'
package main

import (
	"os"
	"runtime/pprof"
	"time"
)

//go:noinline
func goBurn(n int) int {
	s := 0
	for i := 0; i < n; i++ {
		s += i * i % 7
	}
	return s
}

func main() {
	f, err := os.Create(os.Args[1])
	if err != nil {
		panic(err)
	}
	pprof.StartCPUProfile(f)
	s := 0
	for start := time.Now(); time.Since(start) < 400*time.Millisecond; {
		s += goBurn(100000)
	}
	pprof.StopCPUProfile()
	f.Close()
	if s == 42 {
		println(s)
	}
}
GO
(cd "$tmp" && go run main.go "$tmp/go.prof") || fail "go run failed"
"$HOTLINT" top "$tmp/go.prof" >"$tmp/gohl.top" 2>&1 || fail "hotlint top cannot read Go's profile: $(cat "$tmp/gohl.top")"
grep -q "main.goBurn" "$tmp/gohl.top" || fail "main.goBurn not in: $(cat "$tmp/gohl.top")"
# and `go tool pprof -proto` output (re-encoded by Go) too
go tool pprof -proto "$tmp/cpu.prof" >"$tmp/re.pb.gz" 2>/dev/null || fail "go tool pprof -proto failed"
"$HOTLINT" top "$tmp/re.pb.gz" | grep -q heavy_sixty || fail "hotlint cannot read go tool pprof -proto output"
echo ok
