#!/usr/bin/env bash
# redis (Debian's source) with a compile database where src/ae.c is a
# translation unit and src/ae_epoll.c (which ae.c #includes) is not: naming
# ae_epoll.c alone analyses it inside ae.c, with no parse errors.
set -euo pipefail
. "$(dirname "$0")/common.sh"
need_sources redis
fresh_work redis-fragment
proj="$work/redis"
mkdir -p "$proj"
cp -a "$sources/redis/src" "$proj/src"
cp "$sources/redis/compile_commands.json" "$proj/"
sed -i "s|$sources/redis|$proj|g" "$proj/compile_commands.json"
grep -q '"ae.c"' "$proj/compile_commands.json" || fail "ae.c is not in the database"
grep -q 'ae_epoll' "$proj/compile_commands.json" && fail "ae_epoll.c should not be in the database"
cd "$proj"

for mode in "--no-cache" "--cache-dir=$work/cache" "--cache-dir=$work/cache"; do
    rc=0
    "$HOTLINT" "$mode" -p "$proj" src/ae_epoll.c >"$work/out" 2>"$work/err" || rc=$?
    [ "$rc" -ne 2 ] || { cat "$work/out" "$work/err"; fail "hotlint -p DIR src/ae_epoll.c ($mode): exit 2"; }
    grep -q "error" "$work/out" "$work/err" && { cat "$work/out" "$work/err"; fail "parse errors ($mode)"; }
    grep -q "not analysed" "$work/err" && { cat "$work/err"; fail "ae_epoll.c was not analysed ($mode)"; }
    grep -q "in 1 file" "$work/err" || { cat "$work/err"; fail "no summary ($mode)"; }
done
echo "ok: hotlint -p DIR src/ae_epoll.c: exit $rc, no errors, also from the cache"

# It is really analysed (in ae.c's context): a loop added to it is reported,
# and nothing of ae.c is.
cat >> src/ae_epoll.c <<'C'

static void aeApiTestNames(aeEventLoop *eventLoop, char *buf) {
    for (int j = 0; j < eventLoop->setsize; j++)
        snprintf(buf, 32, "fd:%d", j);
}
C
line=$(grep -n 'snprintf(buf, 32, "fd:%d", j);' src/ae_epoll.c | cut -d: -f1)
rc=0
"$HOTLINT" --no-cache -p "$proj" --format json src/ae_epoll.c >"$work/json" 2>"$work/err" || rc=$?
[ "$rc" -eq 1 ] || { cat "$work/json" "$work/err"; fail "the added loop: exit $rc, want 1"; }
/usr/bin/python3 - "$work/json" "$line" <<'PY' || fail "the added loop's finding"
import json, sys
out = json.load(open(sys.argv[1]))
got = [(f["file"], f["line"], f["rule"]) for f in out["findings"]]
want = [("src/ae_epoll.c", int(sys.argv[2]), "HL001")]
if got != want or out["errors"]:
    print("got", got, "errors", out["errors"], "want", want)
    sys.exit(1)
PY
echo "ok: a loop added to ae_epoll.c is reported at src/ae_epoll.c:$line (type aeEventLoop from ae.c's context)"

# ae_select.c is not built on Linux (ae.c includes ae_epoll.c instead): a
# one-line warning, exit 0.
rc=0
"$HOTLINT" --no-cache -p "$proj" src/ae_select.c >"$work/out" 2>"$work/err" || rc=$?
[ "$rc" -eq 0 ] || { cat "$work/out" "$work/err"; fail "ae_select.c: exit $rc, want 0 with a warning"; }
[ "$(grep -c 'warning: src/ae_select.c: not analysed' "$work/err")" -eq 1 ] || { cat "$work/err"; fail "ae_select.c: no one-line warning"; }
echo "ok: ae_select.c (not built here): one warning, exit 0"
echo "3 passed, 0 failed"
