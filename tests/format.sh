#!/usr/bin/env bash
# Every C file of the project follows .clang-format (fixtures that must stay
# malformed, under tests/*/data/, are exempt).
set -euo pipefail
cd "${HOTLINT_SOURCE_DIR:?set by ctest}"
bad=0
while IFS= read -r -d '' f; do
    case "$f" in ./tests/*/data/*) continue ;; esac
    if ! clang-format --dry-run -Werror "$f" >/dev/null 2>&1; then
        echo "not formatted: $f (run clang-format -i $f)"
        bad=$((bad + 1))
    fi
done < <(find . \( -path './build*' -o -path './.git' \) -prune -o \( -name '*.c' -o -name '*.h' \) -print0)
echo "$bad files not formatted"
[ "$bad" -eq 0 ]
