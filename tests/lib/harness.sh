# harness.sh - what the shell tests share, sourced after `set -euo pipefail`:
# a scratch directory ($work, the current directory, removed at exit even when
# a test made parts of it read-only) and the pass/fail counting.
#   ok "what held"      counts a passed check
#   fail "what broke"   reports it and ends the test with status 1
#   harness_done        the summary line, at the end of a test that passed
work=$(mktemp -d)
trap 'chmod -R u+w "$work" 2>/dev/null; rm -rf "$work"' EXIT
cd "$work"
pass=0
fail() { echo "FAIL: $*"; echo "$pass passed, 1 failed"; exit 1; }
ok() { echo "ok: $*"; pass=$((pass + 1)); }
harness_done() { echo "$pass passed, 0 failed"; }
