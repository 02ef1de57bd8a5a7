#!/usr/bin/env bash
# Fresh Debian 12 machine to results: installs the packages, builds, and runs
# hotlint on the bundled corpus.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
bash scripts/build.sh
echo "== hotlint corpus/ (static findings)"
./build/cli/hotlint corpus/ || [ $? -eq 1 ]
