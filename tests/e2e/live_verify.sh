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
"$HOTLINT" --verify "$url" corpus/chunker --format json --fail-on none > "$T/live.json" 2> "$T/err" ||
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
echo "live_verify: ok"
