#!/usr/bin/env bash
# Builds (if needed) and runs the whole test suite through ctest.
# --sanitize: the ASan+UBSan build, without the tests that LD_PRELOAD the runtime.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/build.sh "$@"
if [ "${1:-}" = "--sanitize" ]; then
    ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
        ctest --test-dir build-asan --output-on-failure -j"$(nproc)" -LE preload
else
    ctest --test-dir build --output-on-failure -j"$(nproc)"
fi
