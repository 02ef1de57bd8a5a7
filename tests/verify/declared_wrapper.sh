#!/usr/bin/env bash
# declared_wrapper.sh - an allocator the linter cannot see through (a pool of
# its own, no malloc below it) declared in .hotlint.yaml: the call in a loop
# becomes a finding, and verify counts the samples in the declared function
# as the rule's cost, on a real profile.
set -euo pipefail
: "${HOTLINT:?}"
. "$(dirname "$0")/../lib/harness.sh"

mkdir src
cat >src/pool.c <<'C'
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char arena[1 << 20];
static size_t top;

__attribute__((noinline)) void *pool_get(size_t n)
{
    if (top + n > sizeof arena)
        top = 0;
    void *p = arena + top;
    top += n;
    memset(p, 0, n);
    return p;
}

__attribute__((noinline)) static unsigned long fill(long r)
{
    unsigned long s = 0;
    for (int i = 0; i < 64; i++) {
        char *p = pool_get(512);
        p[0] = (char)(i + r);
        s += (unsigned char)p[0];
    }
    return s;
}

int main(int argc, char **argv)
{
    long rounds = argc > 1 ? atol(argv[1]) : 60000;
    unsigned long s = 0;
    for (long r = 0; r < rounds; r++)
        s += fill(r);
    printf("%lu\n", s);
    return 0;
}
C
cc -g -O2 -fno-omit-frame-pointer -o pool src/pool.c

lint() { "$HOTLINT" --format json --no-cache "$@" src 2>/dev/null || true; }
lint --no-config | python3 -c '
import json, sys
f = [x for x in json.load(sys.stdin)["findings"] if x["callee"] == "pool_get"]
sys.exit(1 if f else 0)' || fail "pool_get is reported without being declared"
ok "an allocator with no malloc below it is no finding until declared"

printf 'allocators: [pool_get]\n' >src/.hotlint.yaml
lint | python3 -c '
import json, sys
f = [x for x in json.load(sys.stdin)["findings"] if x["callee"] == "pool_get"]
assert len(f) == 1 and f[0]["rule"] == "HL002" and f[0]["line"] == 22, f
assert any("declared in .hotlint.yaml" in n["message"] for n in f[0]["notes"]), f[0]["notes"]
assert f[0]["heat"] == "hot", f[0]' || fail "the declared allocator's call is not an HL002 finding at src/pool.c:22"
ok "declared: HL002 at the call, hot, with a note saying why"

"$HOTLINT" run --cpuprofile cpu.prof -- ./pool 200000 >/dev/null 2>run.err || { cat run.err; fail "hotlint run"; }
"$HOTLINT" --verify cpu.prof --format json src >verify.json 2>verify.err || true
python3 - <<'PY' || { cat verify.json verify.err; fail "verify does not count the declared allocator as the rule's cost"; }
import json
v = json.load(open("verify.json"))
f = [x for x in v["findings"] if x.get("callee") == "pool_get" or x.get("line") == 22]
assert len(f) == 1, [x.get("line") for x in v["findings"]]
assert f[0]["verdict"] == "confirmed", f[0]
assert f[0]["evidence_share"] > 0.3, f[0]["evidence_share"]
PY
ok "verify confirms it: the samples in pool_get are the allocation's cost"
harness_done
