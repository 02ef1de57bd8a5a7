#!/usr/bin/env bash
# Builds the libFuzzer targets (tests/fuzz, clang, ASan+UBSan) in build-fuzz/
# and runs each one for a bounded time from its seed corpus. Fails (exit 1) on
# any crash, leak, timeout or out-of-memory; prints each target's executions.
# usage: scripts/fuzz.sh [SECONDS_PER_TARGET [TARGET...]]   (default 50, every target)
# Environment: HL_FUZZ_BUILD (default build-fuzz), HL_FUZZ_COVERAGE=1 builds the
# coverage variant instead (bench/fuzz uses it; nothing is fuzzed then).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
secs=${1:-50}
shift || true
all_targets=(fuzz_profile fuzz_config fuzz_rule fuzz_http)
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=("${all_targets[@]}")
case "$secs" in '' | *[!0-9]*) echo "scripts/fuzz.sh: SECONDS_PER_TARGET must be a number, not '$secs'" >&2; exit 2 ;; esac
command -v clang >/dev/null || { echo "scripts/fuzz.sh: clang not found (bash scripts/install-deps.sh)" >&2; exit 2; }

build=${HL_FUZZ_BUILD:-build-fuzz}
cov=OFF
[ "${HL_FUZZ_COVERAGE:-0}" = 1 ] && cov=ON
mkdir -p "$build"
cmake -S . -B "$build" -DCMAKE_C_COMPILER=clang -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DHOTLINT_WERROR=ON -DHOTLINT_FUZZ=ON -DHOTLINT_FUZZ_COVERAGE="$cov" >"$build/fuzz-configure.log" 2>&1 ||
    { cat "$build/fuzz-configure.log" >&2; echo "scripts/fuzz.sh: configuring $build failed" >&2; exit 2; }
cmake --build "$build" -j"$(nproc)" --target "${targets[@]}"
[ "$cov" = ON ] && exit 0

# Per target: the longest input worth trying (the YAML loaders' path buffers
# are PATH_MAX long, so their inputs must be able to exceed 4096 bytes).
max_len() {
    case "$1" in
    fuzz_config | fuzz_rule) echo 8192 ;;
    fuzz_http) echo 1024 ;;
    *) echo 16384 ;;
    esac
}

pass=0 fail=0
for t in "${targets[@]}"; do
    seeds="$root/tests/fuzz/corpus/$t"
    work="$build/fuzz-corpus/$t"     # grows across runs; the seeds stay as committed
    art="$build/fuzz-artifacts/$t/"
    log="$build/fuzz-$t.log"
    mkdir -p "$work" "$art"
    rm -f "$art"/*
    dict=()
    [ -f "tests/fuzz/$t.dict" ] && dict=(-dict="tests/fuzz/$t.dict")
    cmd=("$build/tests/fuzz/$t" "$work" "$seeds" "${dict[@]}" -max_total_time="$secs" -timeout=10
        -rss_limit_mb=2048 -max_len="$(max_len "$t")" -print_final_stats=1 -artifact_prefix="$art")
    echo "== $t: ${cmd[*]}"
    set +e
    ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
        "${cmd[@]}" >"$log" 2>&1
    rc=$?
    set -e
    execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
    found=$(find "$art" -type f | wc -l)
    if [ "$rc" -eq 0 ] && [ "$found" -eq 0 ] && [ -n "$execs" ]; then
        echo "$t: ${execs} executions in ${secs} s, no crash, leak or timeout"
        pass=$((pass + 1))
    else
        grep -E 'ERROR|SUMMARY|runtime error|invariant failed|Test unit written' "$log" | head -20 >&2 || true
        echo "$t: FAILED (exit $rc, ${execs:-?} executions; reproducer in $art, log $log)" >&2
        echo "  replay: $build/tests/fuzz/$t $art<file>" >&2
        fail=$((fail + 1))
    fi
done
echo "fuzz: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
