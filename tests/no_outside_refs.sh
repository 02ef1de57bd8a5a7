#!/usr/bin/env bash
# Fails when a tracked file of the project refers to a directory beside the repository
# (the tests and the build must work from a plain clone). The pattern is written in
# octal escapes so that this file does not spell it, and so does not match itself.
set -euo pipefail
: "${HOTLINT_SOURCE_DIR:?}"
cd "$HOTLINT_SOURCE_DIR"
pattern=$(printf '\056\056/\163\150\141\162\145\144')
files=$(git ls-files -z | xargs -0 grep -lF -- "$pattern" 2>/dev/null || true)
if [ -n "$files" ]; then
    printf '%s\n' "$files" | while read -r f; do
        grep -nF -- "$pattern" "$f" | sed "s|^|$f:|"
    done
    echo "FAIL: these files refer to $pattern, outside the repository; use what the repository or scripts/install-deps.sh provides"
    echo "0 passed, 1 failed"
    exit 1
fi
n=$(git ls-files | wc -l)
[ "$n" -gt 0 ] || { echo "FAIL: git ls-files lists nothing in $HOTLINT_SOURCE_DIR"; echo "0 passed, 1 failed"; exit 1; }
echo "ok: none of the $n tracked files refers to $pattern"
echo "1 passed, 0 failed"
