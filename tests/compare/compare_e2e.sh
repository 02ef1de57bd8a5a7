#!/usr/bin/env bash
# compare_e2e.sh - hotlint run --repeat and hotlint compare on a corpus program
# (corpus/keyfmt) and a copy with its hot findings fixed: every full batch
# holds the same records, so the copy formats (and allocates) their keys once
# instead of once per batch; a second comment line above build_keys moves its
# findings down one line:
#  1. run --repeat writes one profile of every run that go tool pprof reads,
#     with a "run" label per run and each run's figures in the comments;
#  2. before (8 runs) against after (8 runs): the total improved with its
#     interval below zero, the finding matched across the move and improved
#     or fixed. The machine is shared: CPU time per run can double while
#     another job runs, so the sides are recorded in alternating blocks of
#     --repeat 2 (ABBA order), each side four profiles of two runs, and the
#     fix is far bigger than that noise;
#  3. two sets of 8 runs of the same binary, one profile file per run: the
#     total unchanged with its interval across zero, no finding changed.
# Making 3 deterministic: the runs of the two sets alternate (ABBA order, so
# neither set always runs first, after a warm cache or a cold CPU), which makes
# them exchangeable; the comparison then runs at --alpha 0.001, so a false
# "changed" row has a chance of 1 in 1000 per row by construction of the test
# (8 against 8 can still reach p = 0.00016, so the test is not blind: the
# same call on the fixed binary finds the improvement, checked below).
# A run also records differing exit statuses: checked with a program whose
# status changes from run to run.
set -euo pipefail
: "${HOTLINT:?}" "${HOTLINT_SOURCE_DIR:?}"
PY=/usr/bin/python3
T=$(mktemp -d)
trap '[ -n "${KEEP:-}" ] || rm -rf "$T"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
N=8
KEYS=1200000
mkdir -p "$T/before" "$T/after"
cp "$HOTLINT_SOURCE_DIR/corpus/keyfmt/main.c" "$T/before/main.c"
sed -e 's|^/\* The hot path: one key per record. \*/$|/* The hot path: one key per record. Called for every batch of records,\n * which main() now does once per distinct batch. */|' \
    -e 's|^        sum += build_keys(&cfg, recs, n - done < 4096 ? n - done : 4096);$|        sum += n - done < 4096 ? build_keys(\&cfg, recs, n - done) : full;|' \
    -e 's|^    for (size_t done = 0; done < n; done += 4096)$|    /* Every full batch holds the same records: their keys are built once. */\n    unsigned long full = build_keys(\&cfg, recs, 4096);\n&|' \
    "$T/before/main.c" > "$T/after/main.c"
grep -q ': full;' "$T/after/main.c" && grep -q 'once per distinct batch' "$T/after/main.c" ||
    fail "the fix did not apply to corpus/keyfmt/main.c"
cc -g -O2 -o "$T/before/keyfmt" "$T/before/main.c"
cc -g -O2 -o "$T/after/keyfmt" "$T/after/main.c"
[ "$("$T/before/keyfmt" "$KEYS")" = "$("$T/after/keyfmt" "$KEYS")" ] || fail "the fixed copy computes another result"
cd "$T/after"

# 1. One profile of every run.
"$HOTLINT" run --repeat 3 --hz 1000 --cpuprofile three.prof -- ../before/keyfmt "$KEYS" > /dev/null
ls -a | grep -q '^\.hotlint-runs' && fail "run --repeat left its runs' directory behind"
tags=$(HOME=$T go tool pprof -tags three.prof 2>&1)
for k in 1 2 3; do
    grep -qE "^ +[0-9.]+m?s \([ 0-9.]+%\): $k\$" <<<"$tags" || fail "no run $k in pprof -tags: $tags"
done
comments=$(HOME=$T go tool pprof -comments three.prof 2>&1)
[ "$(grep -cE '^hotlint-run run=[0-9]+ cpu_ns=[0-9]+ wall_ns=[0-9]+ status=exit:0$' <<<"$comments")" = 3 ] ||
    fail "want 3 run comments: $comments"
HOME=$T go tool pprof -top -tagfocus 'run=^3$' three.prof 2>&1 | grep -q build_keys ||
    fail "pprof -tagfocus run=^3$ shows no build_keys"

# 2. The fix, in alternating blocks of two runs.
fixargs=()
for k in 1 2 3 4; do
    for side in $([ $((k % 2)) = 1 ] && echo before after || echo after before); do
        bin=./keyfmt
        [ "$side" = before ] && bin=../before/keyfmt
        "$HOTLINT" run --repeat 2 --hz 1000 --cpuprofile "$side$k.prof" -- "$bin" "$KEYS" > /dev/null
    done
    fixargs+=(--before "before$k.prof" --after "after$k.prof")
done
"$HOTLINT" compare "${fixargs[@]}" --before-source ../before --no-cache --format json \
    main.c > fix.json
"$PY" - fix.json <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
t = d["total"]
assert t["verdict"] == "improved" and t["ci"][1] < 0 and t["change"] < -0.5, t
alloc = [f for f in d["findings"] if f["rule"] == "HL002" and f["before_line"] == 48]
assert len(alloc) == 1, d["findings"]
a = alloc[0]
assert a["line"] == 49, a  # moved by the comment, matched by fingerprint
assert a["verdict"] in ("improved", "fixed") and a["ci"][1] < 0, a
PY

# 3. The same binary twice, alternating, one profile file per run.
args=()
for k in $(seq "$N"); do
    for side in $([ $((k % 2)) = 1 ] && echo a b || echo b a); do
        "$HOTLINT" run --hz 1000 --cpuprofile "$side$k.prof" -- ../before/keyfmt "$KEYS" > /dev/null
    done
    args+=(--before "a$k.prof" --after "b$k.prof")
done
"$HOTLINT" compare "${args[@]}" --alpha 0.001 --no-cache --format json ../before/main.c > same.json
# The same threshold sees the fix (the test above is not blind at this level).
"$HOTLINT" compare "${fixargs[@]}" --alpha 0.001 --format json > fix001.json
"$PY" - same.json fix001.json <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
t = d["total"]
assert t["verdict"] == "unchanged" and t["ci"][0] < 0 < t["ci"][1], t
assert d["findings"], "no findings compared"
changed = [f for f in d["findings"] if f["verdict"] != "unchanged"]
assert not changed, changed
# before_line == line: the sources (before and after the "edit") are the same.
assert all(f["line"] == f["before_line"] for f in d["findings"]), d["findings"]
fix = json.load(open(sys.argv[2]))["total"]
assert fix["verdict"] == "improved", fix
PY

# Runs that end differently are named.
cat > "$T/flaky.c" <<'C'
#include <stdio.h>
#include <stdlib.h>
int main(int argc, char **argv)
{
    FILE *f = fopen(argv[1], "r+");
    int n = 0;
    if (!f || fscanf(f, "%d", &n) != 1)
        return 9;
    rewind(f);
    fprintf(f, "%d\n", n + 1);
    fclose(f);
    volatile double x = 0;
    for (long i = 0; i < 20000000; i++)
        x += i;
    return n == 1 ? 3 : 0;
}
C
cc -O2 -o "$T/flaky" "$T/flaky.c"
echo 0 > "$T/count"
rc=0
"$HOTLINT" run --repeat 3 --cpuprofile flaky.prof -- "$T/flaky" "$T/count" 2> flaky.err || rc=$?
[ "$rc" = 3 ] || fail "run --repeat with a failing run exited $rc, want 3 (the first failure)"
grep -q 'the runs ended differently: exit:0 (runs 1, 3), exit:3 (run 2)$' flaky.err ||
    fail "statuses not reported: $(cat flaky.err)"
"$HOTLINT" compare flaky.prof flaky.prof 2> flaky2.err > /dev/null
grep -q 'the runs ended differently' flaky2.err || fail "compare does not warn: $(cat flaky2.err)"
echo "compare_e2e: ok"
