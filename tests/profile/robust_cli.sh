#!/bin/bash
# robust_cli.sh - hostile profiles and repositories through the commands: a
# decompression bomb refused fast with bounded RSS, --max-profile-memory on
# every command that reads profiles, a 100,000-frame stack in flame, sums past
# INT64_MAX, an empty profile, two-member gzip, deep YAML, and user rules.
set -u
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*"; exit 1; }
craft() { python3 "$HOTLINT_SOURCE_DIR/tests/profile/craft.py" "$@" || fail "craft.py $*"; }
[ -x /usr/bin/time ] || fail "/usr/bin/time is missing: run scripts/install-deps.sh"
cd "$tmp"

# ---- the bomb: 32 KB of gzip, 16 M empty Function entries (4.4 GB RSS before) ----
craft bomb bomb.prof
[ "$(stat -c %s bomb.prof)" -lt 40000 ] || fail "the bomb is not small"
# An ASan build maps shadow memory for what it allocates: a looser bound there.
limit_kb=300000
nm "$HOTLINT" 2>/dev/null | grep -q __asan_init && limit_kb=600000
start=$(date +%s)
/usr/bin/time -f %M -o rss "$HOTLINT" top bomb.prof >/dev/null 2>err
rc=$?
secs=$(($(date +%s) - start))
rss=$(tail -1 rss)
[ $rc -eq 2 ] || fail "bomb: exit $rc, want 2: $(cat err)"
grep -q "bomb.prof: decoding the profile would take at least" err || fail "bomb: $(cat err)"
grep -q -- "--max-profile-memory" err || fail "bomb: the message does not name the option: $(cat err)"
[ "$rss" -lt "$limit_kb" ] || fail "bomb: peak RSS ${rss} KB, want < ${limit_kb} KB"
[ "$secs" -lt 30 ] || fail "bomb: took ${secs}s"
echo "bomb refused: ${rss} KB peak, ${secs}s"

# ---- a normal profile reads; --max-profile-memory 1K refuses it everywhere ----
craft plain ok.prof
"$HOTLINT" top ok.prof >out 2>err || fail "top ok.prof: $(cat err)"
grep -q "fn5" out || fail "top ok.prof: $(cat out)"
"$HOTLINT" top --max-profile-memory 64M ok.prof >/dev/null 2>err || fail "64M: $(cat err)"
"$HOTLINT" top --max-profile-memory=64M ok.prof >/dev/null 2>err || fail "=64M: $(cat err)"
mkdir src && printf 'int main(void) { return 0; }\n' >src/m.c
expect_refused() { # command...
    "$@" >/dev/null 2>err
    rc=$?
    [ $rc -eq 2 ] || fail "$*: exit $rc, want 2: $(cat err)"
    grep -q "ok.prof: decompressing the profile would take at least" err || fail "$*: $(cat err)"
    grep -q "over the limit of 1K" err || fail "$*: no limit in: $(cat err)"
    grep -q -- "--max-profile-memory" err || fail "$*: no option in: $(cat err)"
}
expect_refused "$HOTLINT" top --max-profile-memory 1K ok.prof
expect_refused "$HOTLINT" verify ok.prof src --max-profile-memory 1K
expect_refused "$HOTLINT" --verify ok.prof src --max-profile-memory 1K
expect_refused "$HOTLINT" list fn ok.prof --max-profile-memory 1K
expect_refused "$HOTLINT" flame ok.prof --max-profile-memory 1K -o flame.svg
"$HOTLINT" top --max-profile-memory 12Q ok.prof >/dev/null 2>err
[ $? -eq 2 ] && grep -q "'12Q' is not a size" err || fail "bad size: $(cat err)"

# ---- the same over http: decompressed bytes and the model count, the token is never shown ----
python3 -m http.server --bind 127.0.0.1 0 >http.log 2>&1 &
server=$!
trap 'kill $server 2>/dev/null; rm -rf "$tmp"' EXIT
for _ in $(seq 100); do
    port=$(sed -n 's/.*port \([0-9]*\).*/\1/p' http.log | head -1)
    [ -n "$port" ] && break
    sleep 0.1
done
[ -n "$port" ] || fail "the test http server did not start: $(cat http.log)"
url="http://u:pa55@127.0.0.1:$port"
/usr/bin/time -f %M -o rss "$HOTLINT" top "$url/bomb.prof?TOKEN=s3cret&%74oken=s3cret" >/dev/null 2>err
rc=$?
[ $rc -eq 2 ] && grep -q "bomb.prof?TOKEN=REDACTED&%74oken=REDACTED: decoding the profile" err ||
    fail "bomb by URL: exit $rc: $(cat err)"
[ "$(tail -1 rss)" -lt "$limit_kb" ] || fail "bomb by URL: peak RSS $(tail -1 rss) KB"
grep -q "s3cret\|pa55" err && fail "bomb by URL: the token is shown: $(cat err)"
"$HOTLINT" top "$url/ok.prof?Token=s3cret" >/dev/null 2>err || fail "ok by URL: $(cat err)"
"$HOTLINT" top --max-profile-memory 2K "$url/ok.prof?Token=s3cret" >/dev/null 2>err
[ $? -eq 2 ] && grep -q "ok.prof?Token=REDACTED: de.* over the limit of 2K" err ||
    fail "2K by URL: $(cat err)"
grep -q "s3cret\|pa55" err && fail "ok by URL: the token is shown: $(cat err)"
kill $server 2>/dev/null

# ---- flame: a stack 100,000 frames deep (the recursion overflowed at ~1,500) ----
craft deep deep.prof 100000
"$HOTLINT" flame deep.prof -o deep.svg 2>err || fail "flame deep: $(cat err)"
grep -q 'data-n="frame1"' deep.svg || fail "flame deep: no leaf frame in the SVG"
grep -q 'data-n="frame100000"' deep.svg || fail "flame deep: no root frame in the SVG"
"$HOTLINT" flame --folded deep.prof >deep.folded 2>err || fail "folded deep: $(cat err)"
grep -q '^frame100000;.*;frame1 10000000$' deep.folded || fail "folded deep: $(head -c 300 deep.folded)"

# ---- values that sum past INT64_MAX: scaled, said, no overflow ----
craft overflow over.prof
"$HOTLINT" top over.prof >out 2>err || fail "top over: $(cat err)"
grep -q "Comment: hotlint: the cpu values sum past INT64_MAX" out || fail "top over: $(cat out)"
grep -q "75.00%.*hot" out || fail "top over: shares: $(cat out)"
grep -q -- "-[0-9]" out && fail "top over: a negative value: $(cat out)"
"$HOTLINT" flame over.prof -o over.svg 2>err || fail "flame over: $(cat err)"
grep -q "note: the cpu values sum past INT64_MAX" err || fail "flame over: no note: $(cat err)"
"$HOTLINT" flame --folded over.prof >out 2>/dev/null || fail "folded over"
grep -q -- " -" out && fail "folded over: a negative value: $(cat out)"
"$HOTLINT" list hot over.prof >/dev/null 2>err || fail "list over: $(cat err)"
"$HOTLINT" verify over.prof src >/dev/null 2>err || fail "verify over: $(cat err)"

# ---- a profile without samples ----
craft empty empty.prof
"$HOTLINT" top empty.prof >out 2>err || fail "top empty: $(cat err)"
"$HOTLINT" verify empty.prof src >out 2>err || fail "verify empty: $(cat err)"
grep -q "holds no samples" out || fail "verify empty: $(cat out)"
"$HOTLINT" list fn empty.prof >/dev/null 2>err
[ $? -eq 2 ] && grep -q "no function in the profile matches" err || fail "list empty: $(cat err)"
"$HOTLINT" flame empty.prof -o e.svg 2>err
[ $? -eq 2 ] && grep -q "no samples" err || fail "flame empty: $(cat err)"
"$HOTLINT" flame --folded empty.prof >out 2>err || fail "folded empty: $(cat err)"
[ -s out ] && fail "folded empty: output $(cat out)"

# ---- a profile written as two gzip members reads whole; junk after is refused ----
craft members two.prof
"$HOTLINT" top two.prof >two.out 2>err || fail "two members: $(cat err)"
"$HOTLINT" top ok.prof >one.out
cmp -s one.out two.out || fail "two members read differently: $(diff one.out two.out)"
craft garbage junk.prof
"$HOTLINT" top junk.prof >/dev/null 2>err
[ $? -eq 2 ] && grep -q "junk.prof: 16 bytes of data that are not gzip" err || fail "junk: $(cat err)"

# ---- YAML nested 100,000 deep: refused in under a second, naming file:line ----
mkdir deep && cp src/m.c deep/ && cd deep
python3 -c "print('rules: ' + '[' * 100000 + ']' * 100000)" >.hotlint.yaml
start=$(date +%s%N)
"$HOTLINT" --no-cache m.c >/dev/null 2>err
rc=$?
ms=$((($(date +%s%N) - start) / 1000000))
[ $rc -eq 2 ] && grep -q ".hotlint.yaml:1:[0-9]*: error: nested more than 64 levels" err ||
    fail "deep yaml: exit $rc: $(cat err)"
[ $ms -lt 1000 ] || fail "deep yaml: ${ms} ms"
cd ..

# ---- user rules: a replaced built-in is said; rule-dirs and --rules agree ----
mkdir -p proj/myrules proj/src
cat >proj/src/a.c <<'EOF'
#include <stdio.h>
void put(const char *);
void f(int n, const int *ids)
{
    char key[64];
    for (int i = 0; i < n; i++) {
        snprintf(key, sizeof key, "user:%d:name", ids[i]);
        put(key);
    }
}
EOF
rules="$HOTLINT_SOURCE_DIR/rules"
sed -e 's/^id: HL001/id: HL901/' -e 's/^name: format-in-loop/name: my-format/' \
    "$rules"/HL001-*.yaml >proj/myrules/HL901-my-format.yaml
printf 'rule-dirs: [myrules]\n' >proj/.hotlint.yaml
(cd proj && "$HOTLINT" --no-cache --format json src/ >../dirs.json 2>../err)
[ $? -eq 1 ] || fail "rule-dirs: $(cat err)"
(cd proj && "$HOTLINT" --no-cache --no-config --rules myrules --format json src/ >../flag.json 2>../err)
[ $? -eq 1 ] || fail "--rules: $(cat err)"
python3 - dirs.json flag.json <<'EOF' || fail "rule-dirs and --rules differ for HL901"
import json, sys
def hl901(path):
    data = json.load(open(path))
    items = data["findings"] if isinstance(data, dict) else data
    return sorted((f["file"], f["line"], f["column"]) for f in items if f["rule"] == "HL901")
a, b = hl901(sys.argv[1]), hl901(sys.argv[2])
assert a and a == b, (a, b)
EOF
grep -q '"rule": *"HL001"' dirs.json || fail "rule-dirs: the built-in HL001 finding is gone"
# A repository rule with a built-in id: one line on stderr naming file and id.
sed -e 's/^name: format-in-loop/name: mine/' "$rules"/HL001-*.yaml >proj/myrules/HL001-mine.yaml
(cd proj && "$HOTLINT" --no-cache src/ >/dev/null 2>../err)
grep -q "myrules/HL001-mine.yaml: rule HL001 replaces the rule HL001 of .*HL001-format-in-loop.yaml" err ||
    fail "no word on the replaced rule: $(cat err)"
[ "$(grep -c replaces err)" -eq 1 ] || fail "said more than once: $(cat err)"
echo ok
