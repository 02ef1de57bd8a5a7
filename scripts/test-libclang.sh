#!/usr/bin/env bash
# Builds hotlint against another libclang (16, 19, ...) and runs the analyzer's
# tests with it: the default libclang 14 must work, newer ones should too.
# Usage: scripts/test-libclang.sh VERSION
set -euo pipefail
cd "$(dirname "$0")/.."
v=${1:?usage: scripts/test-libclang.sh VERSION}
config=/usr/lib/llvm-$v/bin/llvm-config
if [ ! -x "$config" ]; then
    SUDO=""
    [ "$(id -u)" -eq 0 ] || SUDO=sudo
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q --no-install-recommends \
        "libclang-$v-dev" "llvm-$v"
fi
dir=build-clang$v
cmake -S . -B "$dir" -DHOTLINT_WERROR=ON -DLIBCLANG_LLVM_CONFIG="$config" >/dev/null
grep -q "llvm-$v" "$dir/CMakeCache.txt" || { echo "$dir: not configured with libclang $v" >&2; exit 1; }
cmake --build "$dir" -j"$(nproc)" >/dev/null
ctest --test-dir "$dir" --output-on-failure -j"$(nproc)" -R '^(lint|rules)_'
