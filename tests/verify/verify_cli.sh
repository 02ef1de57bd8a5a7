#!/usr/bin/env bash
# verify_cli.sh - hotlint --verify and hotlint list on a small source tree and
# profiles written from a spec: verdicts, JSON keys, exit codes, merging,
# refusing mixed sample types, path matching, profiles without lines.
set -euo pipefail
: "${HOTLINT:?}" "${HOTLINT_BINARY_DIR:?}" "${HOTLINT_SOURCE_DIR:?}"
SYNTH="$HOTLINT_BINARY_DIR/tests/verify/synth_profile"
PY=/usr/bin/python3
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

mkdir -p "$T/src"
cat > "$T/src/app.c" <<'C'
#include <stdlib.h>

void work(char **out, int n)
{
    for (int i = 0; i < n; i++) {
        out[i] = malloc(16);
    }
}

int rare(int n)
{
    int k = 0;
    for (int i = 0; i < n; i++) {
        char *b = malloc(4);
        k += b != 0;
        free(b);
    }
    return k;
}

int never(int n)
{
    int k = 0;
    for (int i = 0; i < n; i++) {
        char *b = malloc(8);
        k += b != 0;
        free(b);
    }
    return k;
}
C
# The profile was taken on another machine: /ci/build/src/app.c.
cat > "$T/cpu.spec" <<'S'
sample 200 malloc@:0 work@/ci/build/src/app.c:6 main@/ci/build/src/main.c:9
sample 100 work@/ci/build/src/app.c:5 main@/ci/build/src/main.c:9
sample 1 rare@/ci/build/src/app.c:15 main@/ci/build/src/main.c:10
sample 698 hot_hash@/ci/build/src/hash.c:20 main@/ci/build/src/main.c:11
sample 1 mix@/ci/build/src/hash.c:5+hot_hash@/ci/build/src/hash.c:21 main@/ci/build/src/main.c:11
S
cat > "$T/heap.spec" <<'S'
types alloc_objects/count/1 alloc_space/bytes/64
sample 10 malloc@:0 work@/ci/build/src/app.c:6 main@/ci/build/src/main.c:9
S
sed -E 's/:[0-9]+([ +]|$)/:0\1/g' "$T/cpu.spec" > "$T/nolines.spec"
"$SYNTH" write "$T/cpu.spec" "$T/cpu.prof"
"$SYNTH" write "$T/heap.spec" "$T/heap.prof"
"$SYNTH" write "$T/nolines.spec" "$T/nolines.prof"

cd "$T"
set +e
"$HOTLINT" --verify cpu.prof src --format json > out.json 2> err.txt
rc=$?
set -e
[ "$rc" = 1 ] || { cat err.txt; fail "a confirmed finding should exit 1, got $rc"; }
$PY - out.json <<'P'
import json, sys
r = json.load(open(sys.argv[1]))
by_fn = {f["function"]: f for f in r["findings"]}
need = ["verdict", "flat", "cum", "flat_share", "cum_share", "ci_low", "ci_high", "loop_cum",
        "evidence_share", "rule", "file", "line", "column", "message"]
for f in r["findings"]:
    missing = [k for k in need if k not in f]
    assert not missing, f"missing keys {missing}"
assert by_fn["work"]["verdict"] == "confirmed", by_fn["work"]
assert by_fn["work"]["cum"] == 200 * 10000000, by_fn["work"]["cum"]
assert by_fn["work"]["flat"] == 0
assert by_fn["work"]["loop_cum"] == 300 * 10000000
assert abs(by_fn["work"]["evidence_share"] - 0.2) < 1e-9
assert by_fn["rare"]["verdict"] == "dismissed", by_fn["rare"]
assert by_fn["never"]["verdict"] == "not exercised", by_fn["never"]
assert r["findings"][0]["function"] == "work"          # sorted by cum
fns = {u["function"] for u in r["unexplained"] if u["kind"] == "function"}
assert "hot_hash" in fns and "work" not in fns and "rare" in fns, fns  # rare's finding is dismissed
lines = {(u["function"], u["line"]) for u in r["unexplained"] if u["kind"] == "line"}
assert ("hot_hash", 20) in lines and ("work", 6) not in lines, lines
assert r["profile"]["total_samples"] == 1000
assert r["thresholds"]["min_share"] == 0.01
assert r["summary"]["confirmed"] == 1
P

# The JSON keeps the lint keys (lint's schema) and adds the verify keys (ours).
$PY - out.json "$HOTLINT_SOURCE_DIR/tests/lint/lint-output.schema.json" \
    "$HOTLINT_SOURCE_DIR/tests/verify/verify-output.schema.json" <<'P'
import json, sys
import jsonschema
doc = json.load(open(sys.argv[1]))
for schema in sys.argv[2:]:
    jsonschema.validate(doc, json.load(open(schema)))
P

# Exit codes follow --fail-on; thresholds move verdicts.
"$HOTLINT" verify cpu.prof src --fail-on none > /dev/null || fail "--fail-on none should exit 0"
set +e
"$HOTLINT" verify cpu.prof src --fail-on any > /dev/null; rc=$?
set -e
[ "$rc" = 1 ] || fail "--fail-on any with findings should exit 1, got $rc"
"$HOTLINT" --verify cpu.prof src --min-share 50 > text.txt || fail "nothing over 50% should exit 0"
grep -q "confirmed when its 95% interval is at or above 50.0% of the total" text.txt ||
    fail "thresholds not printed"

# The text report: diagnosis first, the table, evidence, unexplained.
set +e
"$HOTLINT" --verify cpu.prof src > text.txt; rc=$?
set -e
[ "$rc" = 1 ] || fail "text: expected exit 1, got $rc"
for want in "diagnosis:" "allocation" "confirmed" "(1 not exercised" "evidence:" \
    "malloc under this call: 20.0% of total" "hot code no rule explains" "hot_hash" \
    "by own cost, lines:" "by own cost, functions:"; do
    grep -q -- "$want" text.txt || { cat text.txt; fail "text report lacks '$want'"; }
done
[ "$(grep -n 'diagnosis:' text.txt | cut -d: -f1)" -lt "$(grep -n '^verdict' text.txt | cut -d: -f1)" ] ||
    fail "the diagnosis should come before the table"
# What needs a decision comes first; the not-exercised rows only with --all.
[ "$(grep -n '^confirmed' text.txt | cut -d: -f1)" -lt "$(grep -n '^dismissed' text.txt | cut -d: -f1)" ] ||
    fail "confirmed should be listed before dismissed"
! grep -q '^not exercised' text.txt || fail "not-exercised rows without --all"
set +e
"$HOTLINT" --verify cpu.prof src --all > all.txt
set -e
grep -q '^not exercised .*never' all.txt || { cat all.txt; fail "--all should list the not-exercised rows"; }
# The by-cum spine (main) is not a row: rows are own cost.
! grep -qE '^ +[0-9.]+[a-z]+ +[0-9.]+% +main ' text.txt || { cat text.txt; fail "main listed as unexplained"; }

# Colour only when asked for (or on a terminal).
! grep -q $'\033' text.txt || fail "colour codes in output to a file"
set +e
"$HOTLINT" --verify cpu.prof src --color > color.txt
set -e
grep -q $'\033\\[1;31mconfirmed' color.txt || fail "--color does not colour the verdicts"

# Two profiles of one kind are merged: every value doubles.
"$HOTLINT" --verify cpu.prof cpu.prof src --format json --fail-on none > merged.json
$PY -c 'import json,sys; r=json.load(open("merged.json")); assert r["profile"]["total_samples"] == 2000, r["profile"]'

# --profile names profiles explicitly; then every positional argument may be a path.
"$HOTLINT" verify src --profile cpu.prof --format json --fail-on none > named.json
$PY -c 'import json; r=json.load(open("named.json")); assert r["profile"]["total_samples"] == 1000, r["profile"]'

# Profiles of different kinds are refused with exit 2 and both names.
set +e
"$HOTLINT" --verify cpu.prof heap.prof src > /dev/null 2> err.txt; rc=$?
set -e
[ "$rc" = 2 ] || fail "mixed sample types should exit 2, got $rc"
grep -q "heap.prof: sample types" err.txt && grep -q "cpu.prof" err.txt || { cat err.txt; fail "unclear merge error"; }

# Usage and input errors exit 2.
set +e
"$HOTLINT" --verify cpu.prof src --sample-index nosuch > /dev/null 2> err.txt; rc=$?
set -e
[ "$rc" = 2 ] && grep -q "nosuch" err.txt || fail "unknown sample index: exit $rc"
set +e
"$HOTLINT" --verify missing.prof src > /dev/null 2> err.txt; rc=$?
set -e
[ "$rc" = 2 ] && grep -q "missing.prof" err.txt || fail "missing profile: exit $rc"
set +e
"$HOTLINT" --verify cpu.prof src --fail-on sometimes > /dev/null 2>&1; rc=$?
set -e
[ "$rc" = 2 ] || fail "bad --fail-on: exit $rc"

# A file lint cannot analyze makes the run incomplete: exit 2, report printed.
mkdir -p broken
printf 'int f(void) { return undeclared_thing; }\n' > broken/b.c
set +e
"$HOTLINT" --verify cpu.prof src broken --format json > broken.json 2> err.txt; rc=$?
set -e
[ "$rc" = 2 ] || fail "a file with errors should exit 2, got $rc"
grep -q "undeclared_thing" err.txt || fail "the file's error is not shown"
$PY -c 'import json; r=json.load(open("broken.json")); assert r["errors"] and r["summary"]["confirmed"] == 1, r["errors"]'

# Without line information: matched by function name, and said so.
"$HOTLINT" --verify nolines.prof src --fail-on none > text.txt
grep -q "no line information" text.txt || fail "a profile without lines is not reported as such"

# An empty profile: every verdict inconclusive, and said why.
printf '# no samples\n' > empty.spec
"$SYNTH" write empty.spec empty.prof
"$HOTLINT" --verify empty.prof src > text.txt || fail "an empty profile confirms nothing: exit 0"
grep -q "holds no samples" text.txt || fail "an empty profile is not reported as such"
[ "$(grep -c '^inconclusive' text.txt)" = 3 ] || { cat text.txt; fail "empty profile verdicts"; }

# list: annotated source through --trim-path/--source-root, findings marked.
"$HOTLINT" list '^work$' cpu.prof src --trim-path /ci/build --source-root "$T" > list.txt
grep -q "ROUTINE =* work in src/app.c" list.txt || { cat list.txt; fail "list header"; }
grep -q "out\[i\] = malloc(16);   <- HL002 alloc-in-loop: confirmed" list.txt ||
    { cat list.txt; fail "list does not mark the finding on its line"; }
grep -Eq "^ +\. +2.00s +6: " list.txt || { cat list.txt; fail "list flat/cum of line 6"; }
set +e
"$HOTLINT" list 'nothing_like_this' cpu.prof > /dev/null 2>&1; rc=$?
set -e
[ "$rc" = 2 ] || fail "list without a match should exit 2, got $rc"
# Another producer's encoding of the same profile (go tool pprof -proto rewrites
# ids, strings and layout) gives the same figures and verdicts.
go tool pprof -proto -symbolize=none cpu.prof > conv.prof 2> err.txt || { cat err.txt; fail "go tool pprof -proto"; }
"$HOTLINT" --verify conv.prof src --format json --fail-on none > conv.json
$PY - out.json conv.json <<'P'
import json, sys
a, b = (json.load(open(p)) for p in sys.argv[1:3])
keys = ["rule", "line", "verdict", "flat", "cum", "loop_cum", "evidence_share", "ci_low", "ci_high"]
fa = [[f[k] for k in keys] for f in a["findings"]]
fb = [[f[k] for k in keys] for f in b["findings"]]
assert fa == fb, (fa, fb)
ua = sorted((u["function"], u["line"], u["cum"]) for u in a["unexplained"])
ub = sorted((u["function"], u["line"], u["cum"]) for u in b["unexplained"])
assert ua == ub, (ua, ub)
P
# A heap profile whose default is inuse_space (as Go's) of a program that frees
# everything: verify sums alloc_space and says so; --sample-index overrides.
cat > goheap.spec <<'S'
types alloc_objects/count/1 alloc_space/bytes/524288 inuse_objects/count/0 inuse_space/bytes/0
default inuse_space
sample 50 malloc@:0 work@/ci/build/src/app.c:6 main@/ci/build/src/main.c:9
sample 50 main@/ci/build/src/main.c:12
S
"$SYNTH" write goheap.spec goheap.prof
set +e
"$HOTLINT" --verify goheap.prof src > heap.txt 2> err.txt; rc=$?
set -e
[ "$rc" = 1 ] || { cat err.txt heap.txt; fail "alloc_space should confirm work's malloc (exit 1), got $rc"; }
grep -q "^profile: goheap.prof (alloc_space, bytes)" heap.txt || { cat heap.txt; fail "heap header"; }
# Byte-sampled with the period in bytes (as hotlint's heap profiles): the
# statistics count sampling periods, not sample records.
cat > period.spec <<'S'
types alloc_objects/count/1 alloc_space/bytes/524288
sample 50 malloc@:0 work@/ci/build/src/app.c:6 main@/ci/build/src/main.c:9
sample 30 main@/ci/build/src/main.c:12
S
"$SYNTH" write period.spec period.prof
"$HOTLINT" --verify period.prof src --fail-on none > period.txt 2> err.txt ||
    { cat err.txt; fail "verify of a byte-sampled profile"; }
grep -q "^profile: period.prof (alloc_space, bytes): total .*, 80 sampling periods of " period.txt ||
    { cat period.txt; fail "the heap header does not count sampling periods"; }
grep -q "^sample type: alloc_space, not the profile's default inuse_space" heap.txt ||
    { cat heap.txt; fail "the header does not say alloc_space was chosen"; }
grep -Eq "^confirmed .*HL002 alloc-in-loop +src/app.c:6" heap.txt || { cat heap.txt; fail "heap verdict"; }
"$HOTLINT" --verify goheap.prof src --format json --fail-on none > heap.json
$PY - heap.json <<'P'
import json, sys
p = json.load(open(sys.argv[1]))["profile"]
assert p["sample_type"] == "alloc_space" and p["default_sample_type"] == "inuse_space", p
P
"$HOTLINT" --verify goheap.prof src --sample-index inuse_space > heap2.txt ||
    { cat heap2.txt; fail "inuse_space confirms nothing: exit 0"; }
grep -q "^profile: goheap.prof (inuse_space, bytes)" heap2.txt && ! grep -q "^sample type:" heap2.txt ||
    { cat heap2.txt; fail "--sample-index inuse_space"; }
"$HOTLINT" list '^work$' goheap.prof src > heaplist.txt
grep -q "<- HL002 alloc-in-loop: confirmed" heaplist.txt || { cat heaplist.txt; fail "list on a heap profile"; }

# A compare chain's finding spans its compares: samples on the fourth compare's
# line confirm it (the finding stays reported at the first).
mkdir -p chain
cat > chain/cmd.c <<'C'
#include <string.h>

int dispatch(const char *cmd)
{
    if (strcmp(cmd, "get") == 0)
        return 1;
    else if (strcmp(cmd, "set") == 0)
        return 2;
    else if (!strcmp(cmd, "del"))
        return 3;
    else if (!strcmp(cmd,
                     "incr"))
        return 4;
    return 0;
}
C
cat > chain.spec <<'S'
sample 300 __strcmp_avx2@:0 dispatch@/ci/build/chain/cmd.c:11 main@/ci/build/main.c:3
sample 700 main@/ci/build/main.c:4
S
"$SYNTH" write chain.spec chain.prof
set +e
"$HOTLINT" --verify chain.prof chain --format json > chain.json 2> err.txt; rc=$?
set -e
[ "$rc" = 1 ] || { cat err.txt chain.json; fail "the chain should be confirmed (exit 1), got $rc"; }
$PY - chain.json <<'P'
import json, sys
f, = json.load(open(sys.argv[1]))["findings"]
assert f["rule"] == "HL003" and "4 literals" in f["message"], f
assert (f["line"], f["column"]) == (5, 9), f
assert f["end_line"] == 12 and f["end_column"] == 29, f
assert f["verdict"] == "confirmed" and f["cum"] == 300 * 10000000, f
P

echo "verify_cli: ok"
