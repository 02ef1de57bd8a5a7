#!/usr/bin/env bash
# The pre-commit hook, run by the real pre-commit in a scratch git repository:
# a commit adding snprintf in a loop is refused with the finding shown, a clean
# commit passes, a suppressed finding passes, an edit beside an old finding
# passes (the hook reports changed lines only), and the hotlint-all hook still
# sees the old finding. No network: the hook
# repository is a local git repository holding this tree's .pre-commit-hooks.yaml.
set -euo pipefail
: "${HOTLINT:?}" "${HOTLINT_SOURCE_DIR:?}"
command -v pre-commit >/dev/null || { echo "FAIL: pre-commit is not installed (scripts/install-deps.sh)"; exit 1; }

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export HOME="$work/home" PRE_COMMIT_HOME="$work/cache" XDG_CACHE_HOME="$work/xdg"
export PATH="$(dirname "$HOTLINT"):$PATH"
export GIT_AUTHOR_NAME=t GIT_AUTHOR_EMAIL=t@example.invalid GIT_COMMITTER_NAME=t GIT_COMMITTER_EMAIL=t@example.invalid
export PRE_COMMIT_COLOR=never
mkdir -p "$HOME"
git config --global init.defaultBranch main
git config --global protocol.file.allow always

# The hook repository: this tree's hook definitions, committed.
hooks="$work/hooks"
mkdir -p "$hooks"
cp "$HOTLINT_SOURCE_DIR/.pre-commit-hooks.yaml" "$hooks/"
git -C "$hooks" init -q
git -C "$hooks" add .pre-commit-hooks.yaml
git -C "$hooks" commit -q -m hooks
rev=$(git -C "$hooks" rev-parse HEAD)

proj="$work/proj"
mkdir -p "$proj"
cd "$proj"
git init -q
cat > .pre-commit-config.yaml <<YAML
repos:
  - repo: $hooks
    rev: $rev
    hooks:
      - id: hotlint
      - id: hotlint-all
        stages: [manual]
YAML
git add .pre-commit-config.yaml
git commit -q --no-verify -m config
pre-commit install >/dev/null

fail() { echo "FAIL: $*"; exit 1; }

# 1. A clean commit passes.
cat > clean.c <<'C'
#include <stdio.h>
int main(void)
{
    char buf[32];
    snprintf(buf, sizeof buf, "%d", 42);
    puts(buf);
    return 0;
}
C
git add clean.c
git commit -q -m clean >"$work/out1" 2>&1 || { cat "$work/out1"; fail "a clean commit was refused"; }
grep -q "hotlint" "$work/out1" || { cat "$work/out1"; fail "the hook did not run on the clean commit"; }
echo "ok: clean commit passes"

# 2. snprintf in a loop: refused, the finding shown.
cat > hot.c <<'C'
#include <stdio.h>
void keys(char *out, int n)
{
    char key[64];
    for (int i = 0; i < n; i++) {
        snprintf(key, sizeof key, "user:%d", i);
        out[i] = key[5];
    }
}
C
git add hot.c
if git commit -q -m hot >"$work/out2" 2>&1; then
    cat "$work/out2"
    fail "a commit adding snprintf in a loop was accepted"
fi
grep -q "hot.c:6:" "$work/out2" || { cat "$work/out2"; fail "the finding (hot.c:6) is not shown"; }
grep -q "HL001" "$work/out2" || { cat "$work/out2"; fail "the rule id HL001 is not shown"; }
git log --oneline | grep -q " hot$" && fail "the refused commit exists"
echo "ok: snprintf in a loop is refused with the finding shown"

# 3. The same code with a suppression passes.
sed -i 's|snprintf(key, sizeof key, "user:%d", i);|snprintf(key, sizeof key, "user:%d", i); // hotlint: ignore HL001 runs once per request|' hot.c
git add hot.c
git commit -q -m suppressed >"$work/out3" 2>&1 || { cat "$work/out3"; fail "a suppressed finding was refused"; }
echo "ok: a suppressed finding passes"

# 4. Headers are hooked too.
cat > fmt.h <<'C'
#include <stdio.h>
static inline void fill(char *b, int n)
{
    for (int i = 0; i < n; i++)
        sprintf(b + 2 * i, "%02d", i);
}
C
git add fmt.h
if git commit -q -m header >"$work/out4" 2>&1; then
    cat "$work/out4"
    fail "a header adding sprintf in a loop was accepted"
fi
grep -q "fmt.h:5:" "$work/out4" || { cat "$work/out4"; fail "the header's finding is not shown"; }
echo "ok: a staged header is checked"

# 5. A file with an old finding (committed without the hook): a comment-only
#    edit passes, since the hook reports the lines the commit changes.
cat > legacy.c <<'C'
#include <stdio.h>
void legacy(char *out, int n)
{
    for (int i = 0; i < n; i++)
        sprintf(out + i, "%d", i % 10);
}
C
git add legacy.c
git commit -q --no-verify -m legacy
sed -i '1i /* legacy formatting, kept for now */' legacy.c
git add legacy.c
git commit -q -m comment >"$work/out5" 2>&1 || { cat "$work/out5"; fail "a comment-only edit beside an old finding was refused"; }
echo "ok: an edit beside an old finding passes"

# 6. ...and a change to the loop's header makes it the commit's finding.
sed -i 's/i < n; i++/i < n; i += 1/' legacy.c
git add legacy.c
if git commit -q -m loop >"$work/out6" 2>&1; then
    cat "$work/out6"
    fail "a commit changing the loop header of a finding was accepted"
fi
grep -q "legacy.c:6:" "$work/out6" || { cat "$work/out6"; fail "the finding (legacy.c:6) is not shown"; }
git reset -q --hard
echo "ok: changing a finding's loop header is refused"

# 7. hotlint-all reports every finding of the files it is given.
if pre-commit run --hook-stage manual hotlint-all --files legacy.c >"$work/out7" 2>&1; then
    cat "$work/out7"
    fail "hotlint-all passed a file with a finding"
fi
grep -q "legacy.c:6:" "$work/out7" || { cat "$work/out7"; fail "hotlint-all did not show legacy.c:6"; }
echo "ok: hotlint-all sees the old finding"
echo "7 passed, 0 failed"
