#!/usr/bin/env bash
# Installs the Debian packages hotlint needs to build, test and compare with its peers.
set -euo pipefail
packages=(
    build-essential cmake pkg-config git
    libclang-dev clang-tidy clang-format bear
    libunwind-dev libdw-dev libelf-dev zlib1g-dev
    libprotobuf-c-dev protobuf-c-compiler
    libyaml-dev libjansson-dev libmicrohttpd-dev libcurl4-openssl-dev
    libcmocka-dev
    golang-go google-perftools libgoogle-perftools-dev libjemalloc2
    python3 python3-jsonschema pre-commit curl bc
    chromium
)
missing=()
for p in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
    SUDO=""
    [ "$(id -u)" -eq 0 ] || SUDO=sudo
    export DEBIAN_FRONTEND=noninteractive
    $SUDO apt-get update -q
    $SUDO apt-get install -y -q --no-install-recommends "${missing[@]}"
fi
# Fuzzing (scripts/fuzz.sh, bench/fuzz): clang with libFuzzer and the sanitizer
# runtimes (a Recommends of clang, so named here), llvm-profdata and llvm-cov.
fuzz_packages=(clang libclang-rt-14-dev llvm)
fuzz_missing=()
for p in "${fuzz_packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || fuzz_missing+=("$p")
done
if [ ${#fuzz_missing[@]} -gt 0 ]; then
    SUDO=""
    [ "$(id -u)" -eq 0 ] || SUDO=sudo
    export DEBIAN_FRONTEND=noninteractive
    $SUDO apt-get update -q
    $SUDO apt-get install -y -q --no-install-recommends "${fuzz_missing[@]}"
fi
