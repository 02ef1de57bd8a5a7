#!/usr/bin/env bash
# compare_synth.sh - hotlint compare on synthetic profiles of eight runs a side,
# written from specs (tests/verify/synth_profile) with fixed per-run variation,
# and sources before and after an edit that moves every line down by three:
# an improved finding, an unchanged one, a regressed one, a gone one, a new one
# and a fixed one, each matched by fingerprint; the JSON contract, the text
# table, one labelled profile against several files a side, --fail-on and the
# usage errors. The data are fixed, so every figure is deterministic.
set -euo pipefail
: "${HOTLINT:?}" "${HOTLINT_BINARY_DIR:?}" "${HOTLINT_SOURCE_DIR:?}"
SYNTH="$HOTLINT_BINARY_DIR/tests/verify/synth_profile"
ANALYZER="$HOTLINT_BINARY_DIR/cli/hotlint-analyzer"
PY=/usr/bin/python3
T=$(mktemp -d)
[ -z "${KEEP:-}" ] || echo "kept in $T" >&2
trap '[ -n "${KEEP:-}" ] || rm -rf "$T"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
cd "$T"
mkdir -p before/src src

cat > before/src/app.c <<'C'
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void fmt_hot(char *buf, int n)
{
    for (int i = 0; i < n; i++)
        snprintf(buf, 16, "%d", i);
}

void alloc_steady(char **out, int n)
{
    for (int i = 0; i < n; i++)
        out[i] = malloc(16);
}

void fmt_grow(char *buf, int n)
{
    for (int i = 0; i < n; i++)
        sprintf(buf, "%d", i);
}

void old_cat(char *d, const char **s, int n)
{
    for (int i = 0; i < n; i++)
        strcat(d, s[i]);
}

int fixed_fmt(char *buf, int n, int slow)
{
    int k = 0;
    for (int i = 0; i < n; i++)
        k += slow ? snprintf(buf, 16, "%d", i) : 1;
    return k;
}
C
{
    printf '/* After the edit: three lines of comment move every line down by three,\n'
    printf ' * old_cat no longer concatenates in a loop, new_dup copies every string and\n'
    printf ' * fixed_fmt no longer takes its slow path. */\n'
    sed -n '1,22p' before/src/app.c
    printf 'void old_cat(char *d, const char *s, size_t n)\n{\n    memcpy(d, s, n);\n}\n'
    sed -n '28,$p' before/src/app.c
    printf '\nvoid new_dup(char **out, const char **in, int n)\n{\n'
    printf '    for (int i = 0; i < n; i++)\n        out[i] = strdup(in[i]);\n}\n'
} > src/app.c

# v K SALT: the fixed variation of run K, -5..5.
v() { echo $(( ($1 * 37 + $2 * 13) % 11 - 5 )); }
A=/build/src/app.c
M=main@/build/src/main.c
for k in 1 2 3 4 5 6 7 8; do
    cat > "b$k.spec" <<S
sample $((300 + $(v $k 1))) __vfprintf_internal@:0 fmt_hot@$A:8 $M:5
sample $((200 + $(v $k 2))) malloc@:0 alloc_steady@$A:14 $M:6
sample $((100 + $(v $k 3))) __vfprintf_internal@:0 fmt_grow@$A:20 $M:7
sample $((50 + $(v $k 4))) strcat@:0 old_cat@$A:26 $M:8
sample $((120 + $(v $k 5))) __vfprintf_internal@:0 fixed_fmt@$A:33 $M:9
sample 5 fixed_fmt@$A:31 $M:9
sample $((225 + $(v $k 6))) $M:4
S
    cat > "a$k.spec" <<S
sample $((150 + $(v $k 7))) __vfprintf_internal@:0 fmt_hot@$A:11 $M:5
sample $((200 + $(v $k 8))) malloc@:0 alloc_steady@$A:17 $M:6
sample $((200 + $(v $k 9))) __vfprintf_internal@:0 fmt_grow@$A:23 $M:7
sample $((80 + $(v $k 10))) strdup@:0 new_dup@$A:42 $M:8
sample 5 fixed_fmt@$A:33 $M:9
sample $((365 + $(v $k 11))) $M:4
S
    "$SYNTH" write "b$k.spec" "b$k.prof"
    "$SYNTH" write "a$k.spec" "a$k.prof"
    bm+=("b$k.prof" 1000000000 1100000000 exit:0)
    am+=("a$k.prof" 1000000000 1100000000 exit:0)
done
# One labelled profile a side, as hotlint run --repeat writes it.
"$ANALYZER" __merge-runs before.prof "${bm[@]}"
"$ANALYZER" __merge-runs after.prof "${am[@]}"

"$HOTLINT" compare before.prof after.prof --before-source before --no-cache --format json src \
    > out.json || fail "compare exited $?"
"$PY" - out.json <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
assert set(d) == {"total", "findings", "functions"}, d.keys()
t = d["total"]
assert set(t) == {"before", "after", "change", "ci", "p", "verdict"}, t.keys()
assert t["verdict"] == "unchanged" and t["ci"][0] < 0 < t["ci"][1], t
assert abs(t["before"] - 10.0) < 0.2 and abs(t["after"] - 10.0) < 0.2, t
keys = {"fingerprint", "rule", "file", "line", "before_line", "before", "after", "change", "ci", "verdict"}
by = {}
for f in d["findings"]:
    assert set(f) == keys, f.keys()
    assert f["file"] == "src/app.c", f
    by[(f["rule"], f["line"] if f["line"] is not None else -f["before_line"])] = f
def row(rule, line):
    assert (rule, line) in by, (rule, line, sorted(by))
    return by[(rule, line)]
hot = row("HL001", 11)  # moved from line 8, cost halved
assert hot["before_line"] == 8 and hot["verdict"] == "improved", hot
assert hot["ci"][1] < 0 and abs(hot["change"] + 0.5) < 0.05, hot
assert abs(hot["before"] - 3.0) < 0.1 and abs(hot["after"] - 1.5) < 0.1, hot
steady = row("HL002", 17)
assert steady["before_line"] == 14 and steady["verdict"] == "unchanged", steady
assert steady["ci"][0] < 0 < steady["ci"][1], steady
grow = row("HL001", 23)
assert grow["before_line"] == 20 and grow["verdict"] == "regressed" and grow["ci"][0] > 0, grow
gone = row("HL005", -26)
assert gone["verdict"] == "gone" and gone["line"] is None and gone["after"] is None, gone
new = row("HL002", 42)
assert new["verdict"] == "new" and new["before_line"] is None and new["before"] is None, new
assert all(f["ci"] is None or f["ci"][0] >= -1 for f in d["findings"]), d["findings"]
fixed = row("HL001", 35)
assert fixed["before_line"] == 33 and fixed["verdict"] == "fixed" and fixed["after"] == 0, fixed
assert len(d["findings"]) == 6, d["findings"]
# Biggest significant change first: categorical verdicts and significant rows
# before the unchanged one.
assert d["findings"][-1]["verdict"] == "unchanged", d["findings"]
fn = {f["function"]: f for f in d["functions"]}
assert fn["strcat"]["after"] == 0 and fn["strdup"]["before"] == 0, fn.get("strcat")
assert fn["strdup"]["change"] is None and fn["strcat"]["change"] == -1, (fn["strdup"], fn["strcat"])
assert fn["main"]["verdict"] == "regressed", fn["main"]
PY

# The same runs as one profile file each give the same report.
args=()
for k in 1 2 3 4 5 6 7 8; do args+=(--before "b$k.prof" --after "a$k.prof"); done
"$HOTLINT" compare "${args[@]}" --before-source before --no-cache --format json src > files.json
"$PY" - out.json files.json <<'PY'
import json, sys
a, b = (json.load(open(p)) for p in sys.argv[1:3])
assert a == b, "labelled profiles and one file per run disagree"
PY

# The text table: the total, the moved finding with its old line, the verdicts.
"$HOTLINT" compare before.prof after.prof --before-source before --no-cache src > out.txt
grep -q '^before: before.prof: 8 runs' out.txt || fail "text header: $(head -3 out.txt)"
grep -qE '^unchanged .* total \(sampled cpu\)' out.txt || fail "text total: $(cat out.txt)"
grep -qE '^improved .*HL001 format-in-loop  src/app.c:11 \(was 8\)  fmt_hot' out.txt ||
    fail "text moved finding: $(cat out.txt)"
for v in regressed gone new fixed; do
    grep -qE "^$v " out.txt || fail "text has no $v row: $(cat out.txt)"
done
grep -q 'CPU time measured' out.txt || fail "text: no measured CPU row"

# --fail-on regressed: the regressed finding makes it exit 1.
rc=0
"$HOTLINT" compare before.prof after.prof --before-source before --no-cache --fail-on regressed \
    src > /dev/null || rc=$?
[ "$rc" = 1 ] || fail "--fail-on regressed exited $rc, want 1"
# Without sources: total and functions only, exit 0; fewer than 5 runs warns.
"$HOTLINT" compare b1.prof a1.prof --format json > one.json 2> one.err
grep -q 'has 1 run: with fewer than 5' one.err || fail "no warning for 1 run: $(cat one.err)"
"$PY" -c 'import json,sys; d=json.load(open("one.json")); assert d["findings"]==[] and d["total"]["verdict"]=="unchanged", d'

# Usage and input errors: exit 2 with a message naming the file.
expect2() {
    local want=$1; shift
    local rc=0
    "$HOTLINT" compare "$@" > /dev/null 2> err.txt || rc=$?
    [ "$rc" = 2 ] || fail "compare $* exited $rc, want 2"
    grep -q -- "$want" err.txt || fail "compare $*: message lacks '$want': $(cat err.txt)"
}
expect2 'give the BEFORE and AFTER profiles' before.prof
expect2 'missing.prof' missing.prof after.prof
expect2 'not a directory' before.prof after.prof --before-source nowhere --no-cache src
expect2 '--format sarif' before.prof after.prof --format sarif
expect2 '--before needs --after' --before before.prof
expect2 "--alpha: '2'" before.prof after.prof --alpha 2
printf 'not a profile' > junk.prof
expect2 'junk.prof' junk.prof after.prof
"$HOTLINT" compare --help | grep -q 'Did the change work' || fail "--help"
echo "compare_synth: ok"
