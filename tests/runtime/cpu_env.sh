#!/bin/bash
# cpu_env.sh - the runtime without the wrapper (LD_PRELOAD + HOTLINT_CPUPROFILE),
# exec not followed by default but followed with --follow-exec, forked children
# writing cpu.prof.<pid> when asked, and usage errors of `hotlint run`.
set -u
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*"; exit 1; }
cd "$tmp"

LD_PRELOAD="$HOTLINT_RT" HOTLINT_CPUPROFILE="$tmp/env.prof" HOTLINT_CPUPROFILE_HZ=500 \
    "$CPU_MIX" 300 >/dev/null || fail "preloaded run failed"
"$HOTLINT" top "$tmp/env.prof" | grep -q "requested 500 Hz" || fail "env.prof missing or wrong rate"

# top's options: -n, --sample-index, --cum.
rows=$("$HOTLINT" top -n 2 "$tmp/env.prof" | awk 'p { n++ } /flat%/ { p = 1 } END { print n }')
[ "$rows" = 2 ] || fail "top -n 2 printed $rows rows"
"$HOTLINT" top --sample-index samples "$tmp/env.prof" | grep -q "^Type: samples" || fail "--sample-index samples"
"$HOTLINT" top --sample-index 1 "$tmp/env.prof" | grep -q "^Type: cpu" || fail "--sample-index 1"
"$HOTLINT" top --sample-index bytes "$tmp/env.prof" >/dev/null 2>&1; [ $? -eq 2 ] || fail "unknown sample index accepted"
first=$("$HOTLINT" top --cum "$tmp/env.prof" | awk '/flat%/ { getline; print $4; exit }')
total=$("$HOTLINT" top "$tmp/env.prof" | sed -n 's/.* of \(.*\) total/\1/p')
[ "$first" = "$total" ] || fail "--cum: first row has cum $first, total is $total"

# A thread that blocks SIGPROF cannot be sampled in process: said in the
# profile and on stderr. Sampled from outside, it is sampled like any other.
"$HOTLINT" run --hz 1000 --cpuprofile "$tmp/blk-out.prof" -- "$CPU_BLOCK" >/dev/null 2>"$tmp/blk.err" || fail "cpu_block failed"
grep -q "was not sampled" "$tmp/blk.err" && fail "outside: the blocked thread was not sampled: $(cat "$tmp/blk.err")"
"$HOTLINT" top --cum -n 0 "$tmp/blk-out.prof" | awk '$6 == "blocked" { sub("%", "", $5); ok = $5 >= 40 } END { exit !ok }' ||
    fail "outside: the blocked thread's function has too few samples: $("$HOTLINT" top --cum "$tmp/blk-out.prof")"
HOTLINT_CPUPROFILE_MODE=perf "$HOTLINT" run --hz 1000 --cpuprofile "$tmp/blk.prof" -- "$CPU_BLOCK" >/dev/null 2>"$tmp/blk.err" || fail "cpu_block failed"
grep -q "was not sampled" "$tmp/blk.err" || fail "no warning for the blocked thread: $(cat "$tmp/blk.err")"
"$HOTLINT" top "$tmp/blk.prof" | grep -q "Comment: .*was not sampled" || fail "no comment for the blocked thread"
# ... and no such warning when every thread is sampled.
"$HOTLINT" run --hz 1000 --cpuprofile "$tmp/ok.prof" -- "$CPU_MIX" 300 4 >/dev/null 2>"$tmp/ok.err" || fail "cpu_mix failed"
grep -v "^hotlint run: .* CPU samples (mode outside" "$tmp/ok.err" >"$tmp/ok.rest"
[ ! -s "$tmp/ok.rest" ] || fail "unexpected warning: $(cat "$tmp/ok.err")"

# High rates are delivered: at 4000 Hz at least 90% of the samples asked for.
"$HOTLINT" run --hz 4000 --cpuprofile "$tmp/hi.prof" -- "$CPU_MIX" 2000 >/dev/null || fail "4000 Hz run failed"
rate=$("$HOTLINT" top "$tmp/hi.prof" | sed -n 's/.*delivered \([0-9.]*\) samples per CPU second.*/\1/p')
awk -v r="$rate" 'BEGIN { exit !(r >= 3600) }' || fail "4000 Hz: delivered '$rate' samples per CPU second"

# Sampled from outside, nothing of hotlint reaches the program's environment.
out=$(env -u HOTLINT_RT "$HOTLINT" run --cpuprofile "$tmp/y.prof" -- /bin/sh -c 'env' ) || fail "run sh failed"
echo "$out" | grep -q "HOTLINT_CPU\|HOTLINT_MEM\|libhotlint-rt" && fail "outside: hotlint's settings reached the program: $out"
# In process, the profiled program's children see neither the runtime nor HOTLINT_*.
out=$(HOTLINT_CPUPROFILE_MODE=timer "$HOTLINT" run --cpuprofile "$tmp/x.prof" -- /bin/sh -c 'env' ) || fail "run sh failed"
echo "$out" | grep -q "HOTLINT_\|libhotlint-rt" && fail "environment leaked to the exec'ed program: $out"
[ -s "$tmp/x.prof" ] && fail "exec was followed without --follow-exec"
# With --follow-exec the exec'ed image is profiled (same process: same file).
# (Every sample of cpu_mix is under its worker(); a short run at the default
# rate may miss a given one of its three functions.)
"$HOTLINT" run --follow-exec --hz 1000 --cpuprofile "$tmp/f.prof" -- /bin/sh -c "exec '$CPU_MIX' 300" \
    >/dev/null || fail "follow-exec run failed"
"$HOTLINT" top "$tmp/f.prof" | grep -q " worker$" || fail "--follow-exec: no profile of the exec'ed program"

# Forked children: with --cpuprofile-fork each writes cpu.prof.<pid>.
"$HOTLINT" run --cpuprofile-fork --cpuprofile "$tmp/fk.prof" -- "$CPU_ROBUST" "$PLUGIN_KEEP" "$PLUGIN_CYCLE" >/dev/null
[ $? -eq 3 ] || fail "fork run: wrong status"
n=$(ls "$tmp" | grep -c '^fk\.prof\.[0-9]*$')
[ "$n" -eq 1 ] || fail "want one child profile, got $n: $(ls "$tmp")"
"$HOTLINT" top "$tmp"/fk.prof.[0-9]* >/dev/null || fail "child profile unreadable"

# A stripped library falls back to its dynamic symbol table (names, no lines).
# (Without the symbol cache: it keeps the unstripped copy's frames under the
# same build id.)
cp "$PLUGIN_KEEP" "$tmp/stripped.so" && strip --strip-all "$tmp/stripped.so" || fail "strip failed"
HOTLINT_SYMBOL_CACHE=0 "$HOTLINT" run --hz 2000 --cpuprofile "$tmp/s.prof" -- "$CPU_ROBUST" "$tmp/stripped.so" "$PLUGIN_CYCLE" >/dev/null
"$HOTLINT" top --lines -n 0 "$tmp/s.prof" >"$tmp/s.top" || fail "stripped: unreadable profile"
grep -q "plugin_burn\$" "$tmp/s.top" || fail "stripped: plugin_burn by name without a file: $(cat "$tmp/s.top")"
grep -q "spin .*cpu_robust.c:[0-9]" "$tmp/s.top" || fail "stripped: the program itself keeps its lines"

# Usage errors.
"$HOTLINT" run --hz 0 -- /bin/true 2>/dev/null; [ $? -eq 2 ] || fail "--hz 0 accepted"
"$HOTLINT" run --cpuprofile x 2>/dev/null; [ $? -eq 2 ] || fail "no program accepted"
"$HOTLINT" run --bogus -- /bin/true 2>/dev/null; [ $? -eq 2 ] || fail "unknown option accepted"
"$HOTLINT" run --cpuprofile "$tmp/n.prof" -- /nonexistent/program 2>/dev/null
[ $? -eq 127 ] || fail "missing program: want 127"
# The program's status comes back, also for a signal.
"$HOTLINT" run --cpuprofile "$tmp/k.prof" -- /bin/sh -c 'kill -TERM $$'
[ $? -eq 143 ] || fail "killed program: want 128+15"
echo ok
