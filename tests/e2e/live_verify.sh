#!/usr/bin/env bash
# live_verify.sh - hotlint --verify straight from a running program's
# /debug/pprof/profile endpoint: corpus/chunker serves it while it works.
set -euo pipefail
: "${HOTLINT:?}" "${HOTLINT_SOURCE_DIR:?}" "${HOTLINT_BINARY_DIR:?}"
PY=/usr/bin/python3
T=$(mktemp -d)
pid=
cleanup() {
    if [ -n "$pid" ]; then
        # The whole group: hotlint run and the program it started.
        kill -TERM -- "-$pid" 2> /dev/null || true
        wait "$pid" 2> /dev/null || true
    fi
    rm -rf "$T"
}
trap cleanup EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

PORT=$($PY -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
# 32 MiB (generated in a moment), 1000 rounds: far longer than the test needs;
# it is stopped at the end.
setsid "$HOTLINT" run --http "127.0.0.1:$PORT" -- "$HOTLINT_BINARY_DIR/corpus/corpus_chunker" 32 1000 \
    > "$T/program.out" 2>&1 &
pid=$!
for _ in $(seq 100); do
    $PY -c "import socket; socket.create_connection(('127.0.0.1', $PORT), 0.2)" 2> /dev/null && break
    sleep 0.1
done

cd "$HOTLINT_SOURCE_DIR"
url="http://127.0.0.1:$PORT/debug/pprof/profile?seconds=2&hz=1000"
"$HOTLINT" --verify "$url" corpus/chunker --format json --fail-on none --save-profile "$T/window.prof" \
    > "$T/live.json" 2> "$T/err" ||
    { cat "$T/err" "$T/program.out"; fail "verify from $url"; }
kill -0 "$pid" 2> /dev/null || { cat "$T/program.out"; fail "the program ended before the profile was taken"; }
$PY - "$T/live.json" <<'P'
import json, sys
r = json.load(open(sys.argv[1]))
n = r["profile"]["total_samples"]
# The program's share of a busy machine decides how many samples a second gives.
assert n >= 50, f"only {n} samples in two seconds at 1000 Hz"
verdicts = {(f["rule"], f["line"]): f["verdict"] for f in r["findings"]}
assert set(verdicts) == {("HL001", 61), ("HL002", 95)}, verdicts
allowed = ("dismissed", "not exercised") if n >= 1000 else ("dismissed", "not exercised", "inconclusive")
assert all(v in allowed for v in verdicts.values()), (n, verdicts)
fns = {u["function"] for u in r["unexplained"] if u["kind"] == "function"}
assert fns & {"find_cuts", "fingerprint"}, fns
P

# --save-profile kept the window verify used: the same verdicts from the file,
# with --verify placed after other options (any order), and top, list and
# flame read it.
"$HOTLINT" --rules "$HOTLINT_SOURCE_DIR/rules" --format json --fail-on none --verify "$T/window.prof" \
    corpus/chunker > "$T/saved.json" ||
    fail "verify of the saved window"
$PY - "$T/live.json" "$T/saved.json" <<'P'
import json, sys
a, b = (json.load(open(f)) for f in sys.argv[1:])
assert a["profile"]["total_samples"] == b["profile"]["total_samples"], (a["profile"], b["profile"])
va = [(f["rule"], f["line"], f["verdict"]) for f in a["findings"]]
vb = [(f["rule"], f["line"], f["verdict"]) for f in b["findings"]]
assert va == vb, (va, vb)
P
"$HOTLINT" top "$T/window.prof" > "$T/top.txt" || fail "top of the saved window"
grep -q "find_cuts\|fingerprint" "$T/top.txt" || fail "top of the saved window: $(cat "$T/top.txt")"
"$HOTLINT" top --save-profile "$T/again.prof" "$T/window.prof" > /dev/null && [ -s "$T/again.prof" ] ||
    fail "top --save-profile"
"$HOTLINT" flame --folded "$T/window.prof" > /dev/null || fail "flame of the saved window"
rc=0
"$HOTLINT" --verify "$url" --save-profile /nonexistent-dir/x.prof corpus/chunker > /dev/null 2> "$T/err" || rc=$?
[ $rc -eq 2 ] && grep -q "nonexistent-dir/x.prof" "$T/err" || fail "unwritable --save-profile: $(cat "$T/err")"
echo "live_verify: ok"
