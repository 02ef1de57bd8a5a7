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
    golang-go google-perftools libgoogle-perftools-dev libjemalloc2 libjemalloc-dev
    python3 python3-jsonschema python3-yaml python3-scipy pre-commit curl bc dpkg-dev time
    clang libclang-rt-14-dev llvm
    chromium
    busybox-static xz-utils perl linux-perf
    autoconf automake libtool libonig-dev tcl
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

# SARIF validation for the tests (tests/report/validate_sarif.py): Microsoft's SARIF
# Multitool from npm (its Linux binary ships inside the package) and the SARIF 2.1.0
# schema it carries, installed into a fixed prefix the tests look in:
# /opt/hotlint-test-tools/node_modules/@microsoft/sarif-multitool-linux/ (override with
# HOTLINT_TEST_TOOLS=DIR here and in the tests' environment). Idempotent.
sarif_prefix=${HOTLINT_TEST_TOOLS:-/opt/hotlint-test-tools}
sarif_version=5.7.0
sarif_dir=$sarif_prefix/node_modules/@microsoft/sarif-multitool-linux
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO=sudo
if ! grep -qs "\"version\": \"$sarif_version\"" "$sarif_dir/package.json"; then
    if ! command -v npm >/dev/null; then
        $SUDO apt-get update -q
        DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q --no-install-recommends npm
    fi
    $SUDO mkdir -p "$sarif_prefix"
    $SUDO npm install --prefix "$sarif_prefix" --no-audit --no-fund --loglevel=error \
        "@microsoft/sarif-multitool@$sarif_version"
fi
# The package's own install step (chmod) may not run under npm's install-script policy.
[ -x "$sarif_dir/Sarif.Multitool" ] || $SUDO chmod +x "$sarif_dir/Sarif.Multitool"

# The "real" tests lint Debian's lua5.4 and redis sources (fetched once, cached).
bash "$(dirname "$0")/fetch-test-sources.sh"
