#!/usr/bin/env bash
# The rules a .hotlint.yaml disables are left out before matching: with HL006
# (linear-realloc) disabled, the realloc that grows by a constant is reported
# by HL002 (alloc-in-loop) instead of by nobody; with both enabled HL006 wins
# and HL002 stays quiet. The result cache keeps the two apart.
set -euo pipefail
: "${HOTLINT:?}"
. "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/../lib/harness.sh"

mkdir -p proj/src
cat > proj/src/rows.c <<'C'
#include <stdlib.h>
char *rows(size_t n)
{
    char *buf = NULL;
    size_t cap = 0;
    for (size_t i = 0; i < n; i++) {
        cap += 64;
        buf = realloc(buf, cap);
        buf[cap - 1] = 0;
    }
    return buf;
}
C
line=8 # the realloc
[ "$(sed -n "${line}p" proj/src/rows.c | grep -c realloc)" = 1 ] || fail "the fixture's realloc is not on line $line"
export HOTLINT_CACHE_DIR="$work/cache"

# lint RULE...: the rules reported at the realloc's line, sorted (cached runs).
lint() {
    set +e
    "$HOTLINT" -q --format json proj >out.json 2>err
    local rc=$?
    set -e
    [ "$rc" -le 1 ] || { cat err; fail "hotlint exited $rc"; }
    /usr/bin/python3 -c 'import json,sys
f = json.load(open("out.json"))["findings"]
print(" ".join(sorted(x["rule"] for x in f if x["line"] == int(sys.argv[1]))))' "$line"
}

got=$(lint)
[ "$got" = "HL006" ] || fail "no config: expected HL006 alone at line $line, got '$got'"
ok "both rules enabled: HL006 reports the realloc, HL002 does not"
[ -n "$(find "$HOTLINT_CACHE_DIR" -type f ! -name CACHEDIR.TAG | head -1)" ] ||
    fail "the first run stored no result in $HOTLINT_CACHE_DIR: the cache checks below would test nothing"

printf 'rules:\n  disable: [HL006]\n' > proj/.hotlint.yaml
got=$(lint)
[ "$got" = "HL002" ] || fail "HL006 disabled: expected HL002 at line $line, got '$got'"
ok "HL006 disabled: HL002 reports the realloc (the cached result of the first run is not reused)"

printf 'rules:\n  disable: [linear-realloc, alloc-in-loop]\n' > proj/.hotlint.yaml
got=$(lint)
[ -z "$got" ] || fail "both disabled: expected no finding at line $line, got '$got'"
ok "both disabled: nothing at the realloc"

printf 'rules:\n  enable: ["*"]\n' > proj/.hotlint.yaml
got=$(lint)
[ "$got" = "HL006" ] || fail "both enabled again: expected HL006 alone, got '$got'"
got=$(lint)
[ "$got" = "HL006" ] || fail "both enabled, from the cache: expected HL006 alone, got '$got'"
ok "both enabled again (fresh and cached): HL006 alone"

# The nearest config decides per file: a subdirectory that disables HL006.
mkdir -p proj/src/legacy
sed 's/rows/legacy_rows/' proj/src/rows.c > proj/src/legacy/rows.c
printf 'rules:\n  disable: [HL006]\n' > proj/src/legacy/.hotlint.yaml
"$HOTLINT" -q --format json proj >out.json 2>err || [ $? -eq 1 ] || { cat err; fail "hotlint failed"; }
per_file=$(/usr/bin/python3 -c 'import json
f = json.load(open("out.json"))["findings"]
print(" ".join(sorted(x["file"].split("proj/")[-1] + "=" + x["rule"] for x in f)))')
[ "$per_file" = "src/legacy/rows.c=HL002 src/rows.c=HL006" ] ||
    fail "per-directory configs: expected src/legacy/rows.c=HL002 src/rows.c=HL006, got '$per_file'"
ok "per file: HL002 under the config that disables HL006, HL006 elsewhere"
harness_done
