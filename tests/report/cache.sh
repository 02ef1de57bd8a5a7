#!/usr/bin/env bash
# The lint result cache: a warm run prints exactly what a cold run printed and takes
# its results from the cache; changing a header, a rule or the flags invalidates.
set -euo pipefail
: "${HOTLINT:?}" "${HOTLINT_SOURCE_DIR:?}"
. "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/../lib/harness.sh"
export HOTLINT_CACHE_DIR="$work/cache"
unset HOTLINT_CACHE
mkdir src
cat > src/util.h <<'C'
#include <stdio.h>
static inline void label(char *b, int i) { (void)b; (void)i; }
C
cat > src/a.c <<'C'
#include <stdlib.h>
#include "util.h"
void keys(char *out, int n)
{
    char key[64];
    for (int i = 0; i < n; i++) {
        snprintf(key, sizeof key, "user:%d", i);
        label(key, i);
        out[i] = key[5];
    }
#ifdef EXTRA
    for (int i = 0; i < n; i++) {
        char *p = malloc(8);
        free(p);
    }
#endif
}
C
cat > src/b.c <<'C'
#include <string.h>
int count(const char *s)
{
    int n = 0;
    for (size_t i = 0; i < strlen(s); i++)
        n += s[i] == ',';
    return n;
}
C
lint() { set +e; "$HOTLINT" --no-config -j1 "$@" >"$out" 2>"$out.err"; rc=$?; set -e; }

out=cold.txt lint src
HOTLINT_CACHE=0 out=nocache.txt lint src
[ "$rc" = 1 ] || { cat cold.txt cold.txt.err; fail "cold run: exit $rc"; }
n=$(find cache -mindepth 2 -type f | wc -l)
[ "$n" = 2 ] || { find cache -type f; fail "expected 2 cache entries after the cold run, found $n"; }
out=warm.txt lint src
cmp -s cold.txt warm.txt || { diff cold.txt warm.txt; fail "warm output differs from cold"; }
cmp -s nocache.txt warm.txt || { diff nocache.txt warm.txt; fail "warm output differs from a run without cache"; }
out=warm.json lint --format json src
HOTLINT_CACHE=0 out=nocache.json lint --format json src
sed -i 's/"elapsed[^,]*,//' warm.json nocache.json
cmp -s warm.json nocache.json || { diff warm.json nocache.json | head; fail "warm JSON differs"; }
ok "warm output identical to cold (text and JSON)"

# The warm run really reads the cache: a planted message shows through.
entry=$(grep -l "formats a string" -r cache)
cp "$entry" "$work/entry.bak"
/usr/bin/python3 - "$entry" <<'PY'
import sys
p = sys.argv[1]
s = open(p).read()
old = [l for l in s.split("\n") if "formats a string" in l][0]
text = old.split(":", 1)[1]
new = text.replace("formats a string", "FROM-THE-CACHE")
s = s.replace(old, f"{len(new)}:{new}")
open(p, "w").write(s)
PY
out=planted.txt lint src
grep -q "FROM-THE-CACHE" planted.txt || { cat planted.txt; fail "the warm run did not use the cache"; }
cp "$work/entry.bak" "$entry"
ok "the warm run takes its results from the cache"

# Same content, new mtime: still a hit (contents are hashed), output unchanged.
touch src/util.h src/a.c
out=touched.txt lint src
cmp -s cold.txt touched.txt || fail "touch changed the output"
ok "a touched but unchanged file keeps its results"

# A header change invalidates the files that include it.
cat >> src/util.h <<'C'
static inline void dump(char *b, int n) { for (int i = 0; i < n; i++) sprintf(b, "%d", i); }
C
out=header.txt lint src
HOTLINT_CACHE=0 out=header-nocache.txt lint src
cmp -s header.txt header-nocache.txt || { diff header.txt header-nocache.txt; fail "after a header change the cache disagrees with a fresh run"; }
cmp -s cold.txt header.txt && fail "a header change did not change the results"
ok "changing an included header invalidates"

# Flags are part of the key.
out=flags.txt lint src -- -DEXTRA
grep -q "HL002" flags.txt || { cat flags.txt; fail "-DEXTRA did not re-parse (no HL002)"; }
ok "changing the compile flags invalidates"

# So is the rule catalog.
cp -r "$HOTLINT_SOURCE_DIR/rules" myrules
sed -i 's/^message: .*/message: "{callee} CHANGED-RULE formats in a loop"/' myrules/HL001-*.yaml
out=rules.txt lint --rules myrules src
grep -q "CHANGED-RULE" rules.txt || { cat rules.txt; fail "a changed rule did not invalidate"; }
ok "changing a rule invalidates"

# --no-cache reads and writes nothing; --cache-dir picks the place.
before=$(find cache -mindepth 2 -type f | wc -l)
echo "/* new */" >>src/b.c
out=nc.txt lint --no-cache src
[ "$(find cache -mindepth 2 -type f | wc -l)" = "$before" ] || fail "--no-cache wrote cache entries"
out=cd.txt lint --cache-dir "$work/other" src
[ "$(find "$work/other" -mindepth 2 -type f | wc -l)" -ge 2 ] || fail "--cache-dir not used"
ok "--no-cache and --cache-dir"

# Clean-up: an entry unused for weeks goes (checked once a day), used ones stay.
mkdir -p cache/ab
echo stale >cache/ab/000000000000000000000000000000
touch -d '20 days ago' cache/ab/000000000000000000000000000000 cache/last-clean
out=clean.txt lint src
[ ! -e cache/ab/000000000000000000000000000000 ] || fail "a stale entry survived the clean-up"
[ "$(find cache -mindepth 2 -type f | wc -l)" -ge 2 ] || fail "the clean-up removed entries in use"
ok "stale entries are removed"
harness_done
