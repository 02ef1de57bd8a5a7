#!/usr/bin/env bash
# hotlint flame on a real profile of a small program, rendered by headless Chromium:
# the screenshot is not blank, the DOM holds the expected top frames, the confirmed
# finding's frame has its own class and rule, the folded stacks agree, and the
# interactive parts (hover, zoom, search, reset) work through the DevTools protocol.
set -euo pipefail
: "${HOTLINT:?}" "${HOTLINT_SOURCE_DIR:?}" "${HOTLINT_BINARY_DIR:?}"
here=$(cd "$(dirname "$0")" && pwd)
prog=${1:?usage: flame_browser.sh PROGRAM}
src="$here/flame_prog"
[ -x "$prog" ] || { echo "FAIL: $prog not built"; exit 1; }
[ -x /usr/bin/chromium ] || { echo "FAIL: /usr/bin/chromium missing (scripts/install-deps.sh installs chromium)"; exit 1; }
. "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/../lib/harness.sh"
chrome() {
    timeout 120 /usr/bin/chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
        --disable-background-networking --disable-component-update --disable-sync \
        --user-data-dir="$(mktemp -d "$work/chrome.XXXXXX")" --window-size=1200,800 "$@" 2>/dev/null
}

"$HOTLINT" run --hz 1000 --cpuprofile cpu.prof -- "$prog" >/dev/null
[ -s cpu.prof ] || fail "no profile written"

"$HOTLINT" flame cpu.prof --findings "$src" -o flame.svg
[ -s flame.svg ] || fail "no SVG written"
grep -q '<script' flame.svg && ! grep -q 'xlink:href="http\|src="http' flame.svg || fail "SVG is not self-contained"
ok "hotlint flame writes a self-contained SVG"

"$HOTLINT" flame cpu.prof --folded -o folded.txt
grep -q '^.*main;format_rows;.* [0-9][0-9]*$' folded.txt || { head folded.txt; fail "folded stacks lack main;format_rows"; }
total=$(awk '{s += $NF} END {print s}' folded.txt)
[ "$total" -gt 0 ] || fail "folded total is 0"
ok "folded stacks (total $total)"

chrome --screenshot="$work/flame.png" "file://$work/flame.svg" >/dev/null
/usr/bin/python3 "$here/png_stats.py" flame.png 20 20000 || fail "the screenshot looks blank"
ok "Chromium renders a non-blank flame graph"

chrome --dump-dom "file://$work/flame.svg" >dom.html
for f in main format_rows copy_fields; do
    grep -q "data-n=\"$f\"" dom.html || fail "DOM lacks the frame $f"
done
grep -q 'data-ready="1"' dom.html || fail "the script did not run"
grep -q '<g class="f m"[^>]*data-n="format_rows"[^>]*data-r="HL001 format-in-loop' dom.html ||
    fail "format_rows is not marked with the confirmed HL001"
grep -q '<g class="f m"[^>]*data-n="copy_fields"[^>]*data-r="HL002 alloc-in-loop' dom.html ||
    fail "copy_fields is not marked with the confirmed HL002"
grep -q '<g class="f m"[^>]*data-n="write_header"' dom.html && fail "the cold start-up loop is marked"
ok "DOM holds the top frames and the confirmed finding's frame"

chrome --dump-dom "file://$work/flame.svg#search=snprintf&zoom=format_rows" >dom2.html
grep -q 'data-zoomed="format_rows"' dom2.html && grep -q 'data-matches="[1-9]' dom2.html ||
    fail "zoom and search from the URL fragment did not apply"
ok "zoom and search state from the URL fragment"

timeout 180 /usr/bin/python3 "$here/cdp_flame.py" flame.svg format_rows HL001 snprintf || fail "interaction through the DevTools protocol"
ok "hover, click zoom, search and reset in the browser"
harness_done
