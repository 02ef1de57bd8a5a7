#!/usr/bin/env bash
# Lua 5.4 (Debian's lua5.4 source, compile database by bear) in a scratch git
# repository, with the shipped .pre-commit-hooks.yaml definition driven by the
# real pre-commit: comment-only edits of a header and of a .c file with old
# findings pass, a new snprintf in a loop is refused with HL001 shown.
set -euo pipefail
. "$(dirname "$0")/common.sh"
need_sources lua
command -v pre-commit >/dev/null || fail "pre-commit is not installed (scripts/install-deps.sh)"
fresh_work lua-precommit
proj="$work/lua"
copy_tree lua "$proj"
# Nothing outside the work directory: pre-commit's cache, git's and hotlint's.
export HOME="$work/home" PRE_COMMIT_HOME="$work/pre-commit" HOTLINT_CACHE_DIR="$work/hotlint-cache"
export PRE_COMMIT_COLOR=never GIT_CONFIG_NOSYSTEM=1
export PATH="$(dirname "$HOTLINT"):$PATH"
mkdir -p "$HOME"

cd "$proj"
git init -q
git config user.email test@example.invalid
git config user.name "hotlint test"
git config commit.gpgsign false
# The hook as shipped, as a local hook (language: system needs no network).
/usr/bin/python3 - "$HOTLINT_SOURCE_DIR/.pre-commit-hooks.yaml" > .pre-commit-config.yaml <<'PY'
import sys, yaml
hooks = yaml.safe_load(open(sys.argv[1]))
hook = next(h for h in hooks if h["id"] == "hotlint")
keep = ("id", "name", "entry", "args", "language", "types", "require_serial")
print(yaml.safe_dump({"repos": [{"repo": "local", "hooks": [{k: hook[k] for k in keep if k in hook}]}]}))
PY
grep -q -- "--diff" .pre-commit-config.yaml || fail "the shipped hook does not pass --diff"
printf 'compile_commands.json\n*.o\n' > .gitignore
git add -A
git commit -q --no-verify -m "lua 5.4"
pre-commit install >/dev/null

"$HOTLINT" -q src/lstring.h >"$work/direct" 2>&1 || { cat "$work/direct"; fail "hotlint src/lstring.h with the database: exit $?"; }
echo "ok: hotlint src/lstring.h (compile database present) exits 0"

# (a) A comment-only edit of a header.
sed -i 's|^#define lstring_h|#define lstring_h\n/* strings: a comment added by the test */|' src/lstring.h
git diff --quiet && fail "the edit of lstring.h changed nothing"
git add src/lstring.h
git commit -q -m "comment in lstring.h" >"$work/a" 2>&1 || { cat "$work/a"; fail "(a) a comment-only edit of lstring.h was refused"; }
grep -q "Passed" "$work/a" || { cat "$work/a"; fail "(a) the hook did not run"; }
grep -qi "error" "$work/a" && { cat "$work/a"; fail "(a) errors in the hook's output"; }
echo "ok: (a) a comment-only edit of lstring.h passes"

# (b) A comment-only edit of a .c file with findings, next to one of them.
"$HOTLINT" -q --format json src/lstrlib.c >"$work/lstrlib.json" || [ $? -eq 1 ] || fail "(b) hotlint src/lstrlib.c failed"
old=$(/usr/bin/python3 -c 'import json,sys; f=json.load(open(sys.argv[1]))["findings"]; print(len(f), f[0]["line"] if f else 0)' "$work/lstrlib.json")
set -- $old
[ "$1" -gt 0 ] || fail "(b) lstrlib.c has no findings to stay quiet about"
sed -i "${2}i /* formatting here is per call, not per byte: a comment added by the test */" src/lstrlib.c
git add src/lstrlib.c
git commit -q -m "comment in lstrlib.c" >"$work/b" 2>&1 || { cat "$work/b"; fail "(b) a comment-only edit beside $1 old findings of lstrlib.c was refused"; }
grep -q "Passed" "$work/b" || { cat "$work/b"; fail "(b) the hook did not run"; }
echo "ok: (b) a comment-only edit of lstrlib.c ($1 old findings) passes"

# (c) A new snprintf in a loop.
cat >> src/lstring.c <<'C'

#include <stdio.h>
void luaS_testkeys (char *buf, int n) {
  int i;
  for (i = 0; i < n; i++)
    snprintf(buf, 16, "k%d", i);
}
C
line=$(grep -n 'snprintf(buf, 16, "k%d", i);' src/lstring.c | cut -d: -f1)
git add src/lstring.c
if git commit -q -m "keys" >"$work/c" 2>&1; then
    cat "$work/c"
    fail "(c) a commit adding snprintf in a loop was accepted"
fi
grep -q "src/lstring.c:$line:" "$work/c" || { cat "$work/c"; fail "(c) the finding (src/lstring.c:$line) is not shown"; }
grep -q "HL001" "$work/c" || { cat "$work/c"; fail "(c) HL001 is not shown"; }
[ "$(grep -c 'warning: ' "$work/c")" -eq 1 ] || { cat "$work/c"; fail "(c) old findings of lstring.c were shown too"; }
git log --format=%s | grep -qx keys && fail "(c) the refused commit exists"
echo "ok: (c) a new snprintf in a loop is refused with HL001 shown"
echo "4 passed, 0 failed"
