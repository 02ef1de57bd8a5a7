#!/usr/bin/env bash
# .hotlint.yaml and baselines through the command line: walking up, rule globs,
# excludes, severity overrides, a user rule directory, a bad config (exit 2 with
# file:line), and a baseline that survives an edit shifting every line.
set -euo pipefail
: "${HOTLINT:?}"
. "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/../lib/harness.sh"

mkdir -p proj/src/net proj/third_party/zlib proj/tools/rules
cat > proj/src/net/hot.c <<'C'
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
static int cmp(const void *a, const void *b) { return *(const int *)a - *(const int *)b; }
void keys(char *out, int *v, int n)
{
    char key[64];
    for (int i = 0; i < n; i++) {
        snprintf(key, sizeof key, "user:%d", i);
        char *p = malloc(16);
        out[i] = key[5];
        free(p);
        qsort(v, (size_t)n, sizeof *v, cmp);
    }
}
C
cp proj/src/net/hot.c proj/third_party/zlib/z.c
cp proj/src/net/hot.c proj/src/gen.pb.c

# No config: both rules everywhere, the user rule nowhere.
set +e
"$HOTLINT" -q --no-config proj >out0; rc=$?
set -e
[ "$rc" = 1 ] || fail "no config: exit $rc, expected 1"
[ "$(grep -c 'HL00[12]' out0)" = 6 ] || { cat out0; fail "no config: expected 6 findings"; }
ok "without a config every built-in rule reports"

cat > proj/.hotlint.yaml <<'Y'
# project settings
rules:
  disable: ["alloc-*"]
exclude:
  - third_party/
  - "*.pb.c"
severity:
  HL0*: error
rule-dirs: [tools/rules]
verify:
  min-share: 0.05
Y
cat > proj/tools/rules/HL900-sort-in-loop.yaml <<'Y'
id: HL900
name: sort-in-loop
severity: note
family: sorting
summary: sorting the same array on every iteration
why: qsort is O(n log n) per call.
match: call-in-loop-body
callees: [qsort]
cost_symbols: [qsort, msort_with_tmp*]
message: "{callee} sorts on every iteration of this loop"
fix: sort once after the loop
Y
set +e
(cd proj/src/net && "$HOTLINT" -q hot.c) >out1 2>err1; rc=$?
set -e
[ "$rc" = 1 ] || { cat out1 err1; fail "config: exit $rc, expected 1"; }
grep -q "hot.c:9:9: error: snprintf .*\[HL001 format-in-loop, warm\]" out1 || { cat out1; fail "walking up from src/net: HL001 not raised to error"; }
grep -q "HL002" out1 && { cat out1; fail "alloc-* glob did not disable HL002"; }
grep -q "hot.c:13:9: note: qsort sorts on every iteration of this loop \[HL900 sort-in-loop, warm\]" out1 || { cat out1; fail "the user rule HL900 from rule-dirs did not report"; }
ok "config found by walking up: glob disable, severity override, user rule"

# A user rule reports only in the tree whose config loads it.
mkdir -p other
cp proj/src/net/hot.c other/o.c
set +e
"$HOTLINT" -q proj/src/net other >outu; rc=$?
set -e
grep -q "hot.c:13:9: note: .*HL900" outu && ! grep -q "o.c:.*HL900" outu || { cat outu; fail "HL900 leaked outside its config's tree"; }
grep -q "o.c:10:19: warning: .*HL002" outu || { cat outu; fail "the tree without config lost the built-in rules"; }
ok "user rules stay in their config's tree"

set +e
"$HOTLINT" -q proj >out2; rc=$?
set -e
grep -q "third_party" out2 && { cat out2; fail "third_party/ not excluded"; }
grep -q "gen.pb.c" out2 && { cat out2; fail "*.pb.c not excluded"; }
[ "$(grep -c 'HL001' out2)" = 1 ] || { cat out2; fail "expected one HL001 after excludes"; }
ok "per-path excludes"

# Excluded files are not even parsed: a broken one stays silent, and naming only
# excluded files is a clean run.
echo 'this is not C {' > proj/third_party/zlib/broken.c
set +e
"$HOTLINT" -q proj >out2b 2>err2b; rc=$?
set -e
[ "$rc" = 1 ] && ! grep -q broken.c err2b || { cat err2b; fail "an excluded file was parsed (exit $rc)"; }
set +e
"$HOTLINT" -q proj/third_party/zlib/broken.c proj/src/gen.pb.c >out2c 2>err2c; rc=$?
set -e
[ "$rc" = 0 ] && [ ! -s out2c ] || { cat out2c err2c; fail "only excluded files named: exit $rc, expected 0"; }
rm proj/third_party/zlib/broken.c
ok "excluded files are not parsed"

# The nearest config wins: src/net gets its own.
printf 'rules: [HL002]\n' > proj/src/net/.hotlint.yaml
set +e
"$HOTLINT" -q proj/src/net/hot.c >out3; rc=$?
set -e
grep -q "HL002" out3 && ! grep -q "HL001" out3 || { cat out3; fail "nearest config (src/net) not used"; }
ok "the nearest .hotlint.yaml wins"

# A bad config: exit 2, file and line named.
printf 'rules:\n  enable: [HL001]\nverify:\n  min-share: lots\n' > proj/src/net/.hotlint.yaml
set +e
"$HOTLINT" -q proj/src/net/hot.c >out4 2>err4; rc=$?
set -e
[ "$rc" = 2 ] || fail "bad config: exit $rc, expected 2"
grep -q "src/net/.hotlint.yaml:4:14: error: min-share must be a number" err4 || { cat err4; fail "bad config error lacks file:line"; }
printf 'rules:\n  enable: [HL001\n' > proj/src/net/.hotlint.yaml
set +e
"$HOTLINT" -q proj/src/net/hot.c >out5 2>err5; rc=$?
set -e
[ "$rc" = 2 ] && grep -q "src/net/.hotlint.yaml:3:1: error: invalid YAML" err5 || { cat err5; fail "YAML syntax error: exit $rc"; }
rm proj/src/net/.hotlint.yaml
ok "a bad config is an input error with file:line (exit 2)"

# --config replaces the search; --no-config ignores the files.
printf 'rules:\n  enable: [HL002]\n' > alt.yaml
set +e
"$HOTLINT" -q --config alt.yaml proj/src/net/hot.c >out6; rc=$?
set -e
grep -q HL002 out6 && ! grep -q HL001 out6 || { cat out6; fail "--config not applied"; }
ok "--config FILE"

# Baseline: record, shift every line with an unrelated edit, nothing new; a new finding shows.
set +e
"$HOTLINT" -q --no-config --write-baseline base.json proj/src/net >out7; rc=$?
set -e
[ "$rc" = 0 ] || { cat out7; fail "--write-baseline: exit $rc, expected 0"; }
sed -i '1i /* a licence header\n   of three lines */\n' proj/src/net/hot.c
set +e
"$HOTLINT" -q --no-config --baseline base.json proj/src/net >out8; rc=$?
set -e
[ "$rc" = 0 ] || { cat out8; fail "baseline after a line shift: exit $rc, expected 0"; }
cat >> proj/src/net/hot.c <<'C'
void more(char *b, int n)
{
    for (int i = 0; i < n; i++)
        sprintf(b, "%d", i);
}
C
set +e
"$HOTLINT" -q --no-config --baseline base.json proj/src/net >out9; rc=$?
set -e
[ "$rc" = 1 ] && [ "$(grep -c 'warning:' out9)" = 1 ] && grep -q "sprintf" out9 || { cat out9; fail "baseline: the new finding is not the only one reported"; }
ok "baseline survives a line shift and reports only the new finding"
harness_done
