#!/usr/bin/env bash
# Columns and hostile text through the command line: SARIF columns in code points and the
# caret in display columns after UTF-8 and tabs; file names, rule ids, source lines and
# profile names holding newlines, workflow commands or ESC escaped in every human-readable
# output (no line starts a GitHub workflow command except in --format github, where the
# fields are %-escaped); non-UTF-8 names kept in JSON, Code Quality and SARIF.
set -euo pipefail
: "${HOTLINT:?}" "${HOTLINT_SOURCE_DIR:?}" "${HOTLINT_BINARY_DIR:?}"
here=$(cd "$(dirname "$0")" && pwd)
synth=$HOTLINT_BINARY_DIR/tests/verify/synth_profile
. "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/../lib/harness.sh"
py() { /usr/bin/python3 "$@"; }
hl() { set +e; "$HOTLINT" -q --no-config --no-color "$@"; rc=$?; set -e; }
ESC=$(printf '\033')

# --- columns ---------------------------------------------------------------------------
mkdir col
cp "$here/data/utf8_columns.c" "$here/data/tab_columns.c" col/
hl --format sarif col >col.sarif 2>col.err
[ "$rc" = 1 ] || fail "columns sarif: exit $rc"
py "$here/validate_sarif.py" col.sarif || fail "columns SARIF does not validate"
py - col.sarif <<'PY' || fail "SARIF columns are not code points"
import json, sys
res = json.load(open(sys.argv[1]))["runs"][0]["results"]
got = sorted((r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
              r["locations"][0]["physicalLocation"]["region"]["startLine"],
              r["locations"][0]["physicalLocation"]["region"]["startColumn"],
              r["locations"][0]["physicalLocation"]["region"]["endColumn"]) for r in res)
# byte columns 22/45 after "ééé" and "日本", 9/32 after three tabs
want = [("col/tab_columns.c", 6, 9, 32), ("col/utf8_columns.c", 6, 19, 42),
        ("col/utf8_columns.c", 7, 18, 41)]
assert got == want, got
PY
hl col >col.txt 2>col.err
grep -qx 'col/utf8_columns.c:6:22: warning: snprintf formats a string on every iteration of this loop \[HL001 format-in-loop, warm\]' col.txt ||
    { cat col.txt; fail "the text diagnostic's column is not gcc's byte column"; }
want_caret() { # FILE LINE CARET-LINE: the caret line under FILE:LINE's source line
    awk -v h="$1:$2:" 'index($0, h) == 1 { getline; getline; print; exit }' col.txt >caret
    printf '%s\n' "$3" | cmp -s - caret || { cat col.txt; echo "want [$3]"; echo "got  [$(cat caret)]"; fail "caret under $1:$2"; }
}
want_caret col/utf8_columns.c 6 "$(printf '%18s' '')^$(printf '~%.0s' $(seq 22))"
want_caret col/utf8_columns.c 7 "$(printf '%19s' '')^$(printf '~%.0s' $(seq 22))"
want_caret col/tab_columns.c 6 "$(printf '%24s' '')^$(printf '~%.0s' $(seq 22))"
grep -qx "$(printf '%16s' '')/\*x\*/   snprintf(b, 8, \"%d\", i);" col.txt ||
    { cat -A col.txt; fail "tabs in the source line are not expanded to multiples of 8"; }
ok "SARIF columns in code points; text column in bytes; caret and underline in display columns"

# --- hostile names -----------------------------------------------------------------------
mkdir evil
name=$'evil/y\n::warning title=X::injected\n.c'
cat >"$name" <<'C'
#include <stdio.h>
void f(char *b, int n)
{
    for (int i = 0; i < n; i++)
        snprintf(b, 8, "%d", i);
}
C
printf 'int f( {\n' >$'evil/z\n::error::unparsable\n.c'
printf '\177ELF\001\000\000' >$'evil/w\n::error::binary\n.c'
printf '#include <stdio.h>\nvoid e(char *b, int n)\n{\n    for (int i = 0; i < n; i++)\n        snprintf(b, 8, "%s[31m%%d", i);\n}\n' "$ESC" >evil/esc_line.c
# A line starts a workflow command when it starts, after blanks, with "::".
no_command_lines() { # FILE WHAT
    if grep -nE '^[[:space:]]*::' "$1"; then fail "$2: a line starts a workflow command"; fi
    if grep -n '##\[' "$1"; then fail "$2: a line holds an old-style workflow command"; fi
}
for fmt in text json sarif github codequality; do
    hl --format "$fmt" evil >"out.$fmt" 2>"err.$fmt"
    [ "$rc" = 2 ] || { cat "err.$fmt"; fail "$fmt: exit $rc, expected 2 (unparsable and binary files)"; }
    no_command_lines "err.$fmt" "$fmt stderr"
    if [ "$fmt" = github ]; then
        grep -vE '^::(warning|error|notice) ' out.github | grep -E '^[[:space:]]*::' && fail "github: a stray command"
        grep -q '^::warning file=evil/y%0A%3A%3Awarning title=X%3A%3Ainjected%0A.c,line=5,' out.github ||
            { cat out.github; fail "github: the file property is not escaped"; }
        grep -q '^::error file=evil/z%0A%3A%3Aerror%3A%3Aunparsable%0A.c,line=1,' out.github ||
            { cat out.github; fail "github: the error's file property is not escaped"; }
        [ "$(grep -c '^::' out.github)" -ge 4 ] || { cat out.github; fail "github: missing annotations"; }
    else
        no_command_lines "out.$fmt" "$fmt stdout"
    fi
    if grep -q "$ESC" "out.$fmt" "err.$fmt"; then fail "$fmt: a raw ESC reached the output"; fi
done
grep -qF 'evil/y\n::warning title=X::injected\n.c:5:9: warning: snprintf' out.text || { cat out.text; fail "text: the name is not shown escaped"; }
grep -qF 'snprintf(b, 8, "\x1B[31m%d", i);' out.text || { cat out.text; fail "text: the ESC in the source line is not shown as \\x1B"; }
grep -qF 'evil/z\n::error::unparsable\n.c:1:' err.text || { cat err.text; fail "text: the parse error's name is not escaped"; }
grep -qF 'evil/w\n::error::binary\n.c: binary file' err.text || { cat err.text; fail "text: the binary file's name is not escaped"; }
py - out.json out.sarif out.codequality <<'PY' || fail "JSON outputs lost the name"
import json, sys
name = "evil/y\n::warning title=X::injected\n.c"
j = json.load(open(sys.argv[1]))
assert name in [f["file"] for f in j["findings"]], j
s = json.load(open(sys.argv[2]))
uris = [r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in s["runs"][0]["results"]]
assert "evil/y%0A%3A%3Awarning%20title%3DX%3A%3Ainjected%0A.c" in uris, uris
c = json.load(open(sys.argv[3]))
assert name in [i["location"]["path"] for i in c], c
PY
py "$here/validate_sarif.py" out.sarif || fail "SARIF with hostile names and analysis errors does not validate"
ok "file names with newlines and workflow commands, and an ESC in a source line, escaped in every format"

# --- a rule id with a newline (user rule directory) --------------------------------------
cp -r "$HOTLINT_SOURCE_DIR/rules" userrules
sed -i 's/^id: HL001$/id: "HL001\\n::warning title=R::rule"/' userrules/HL001-format-in-loop.yaml
grep -q 'id: "HL001\\n::warning' userrules/HL001-format-in-loop.yaml || fail "the rule fixture was not made"
for fmt in text github; do
    set +e
    "$HOTLINT" --no-config --no-color --rules userrules --format "$fmt" evil/esc_line.c >"r.$fmt" 2>"rerr.$fmt"
    rc=$?
    set -e
    [ "$rc" = 1 ] || { cat "rerr.$fmt"; fail "user rule, $fmt: exit $rc"; }
    no_command_lines "rerr.$fmt" "user rule $fmt summary"
done
grep -qF 'hotlint: 1 finding (1 HL001\n::warning title=R::rule) in 1 file' rerr.text || { cat rerr.text; fail "summary: the rule id is not escaped"; }
no_command_lines r.text "user rule text stdout"
grep -q '^::warning file=evil/esc_line.c,line=5,.*title=HL001%0A%3A%3Awarning title=R%3A%3Arule format-in-loop::' r.github ||
    { cat r.github; fail "github: the rule id in the title is not escaped"; }
[ "$(grep -c '^::' r.github)" = 1 ] || { cat r.github; fail "github: the rule id made a second command"; }
"$HOTLINT" rules --rules userrules >rules.txt 2>&1 || fail "hotlint rules with the user rules"
no_command_lines rules.txt "hotlint rules"
grep -qF 'HL001\n::warning title=R::rule format-in-loop' rules.txt || { cat rules.txt; fail "rules: the id is not escaped"; }
ok "a rule id with a newline stays on its line in the summary, text, github and rules outputs"

# --- a name that is not UTF-8 -----------------------------------------------------------
mkdir latin
printf '#include <stdio.h>\nvoid l(char *b, int n)\n{\n    for (int i = 0; i < n; i++)\n        /* caf\351 */ snprintf(b, 8, "%%d", i);\n}\n' >$'latin/caf\351.c'
for fmt in json codequality sarif; do
    hl --format "$fmt" latin >"l.$fmt" 2>"lerr.$fmt"
    [ "$rc" = 1 ] || { cat "lerr.$fmt"; fail "non-UTF-8 name, $fmt: exit $rc, expected 1"; }
done
py - l.json l.codequality l.sarif <<'PY' || fail "non-UTF-8 name or line in the JSON outputs"
import json, sys
j = json.load(open(sys.argv[1]))
assert [f["file"] for f in j["findings"]] == ["latin/caf\\xE9.c"], j
c = json.load(open(sys.argv[2]))
assert [i["location"]["path"] for i in c] == ["latin/caf\\xE9.c"], c
s = json.load(open(sys.argv[3]))
r = s["runs"][0]["results"]
loc = r[0]["locations"][0]["physicalLocation"]
assert loc["artifactLocation"]["uri"] == "latin/caf%E9.c", loc
assert loc["region"]["snippet"]["text"] == "        /* caf\\xE9 */ snprintf(b, 8, \"%d\", i);", loc
# the Latin-1 byte counts as one code point: byte column 20 stays column 20
assert loc["region"]["startColumn"] == 20, loc
PY
py "$here/validate_sarif.py" l.sarif || fail "SARIF with a non-UTF-8 name does not validate"
hl latin >l.text 2>/dev/null
grep -qF 'latin/caf\xE9.c:5:20: warning:' l.text || { cat l.text; fail "text: the non-UTF-8 name is not escaped"; }
ok "a non-UTF-8 file name and a Latin-1 line: JSON, Code Quality and SARIF valid, exit 1"

# --- strings from a profile -------------------------------------------------------------
[ -x "$synth" ] || fail "$synth: not built"
cat >spec <<EOF
types samples/count/1 cpu/nanoseconds/10000000
sample 90 snprintf@:0 e@evil/esc_line.c:5 main@evil/main.c:9
sample 10 bad${ESC}[2Jname@evil/esc_line.c:3 main@evil/main.c:9
EOF
"$synth" write spec cpu.prof || fail "synth_profile"
set +e
"$HOTLINT" top cpu.prof >top.txt 2>&1
"$HOTLINT" list 'bad' cpu.prof >list.txt 2>&1
"$HOTLINT" --verify cpu.prof -q --no-config --no-color evil/esc_line.c >verify.txt 2>&1
set -e
for f in top.txt list.txt verify.txt; do
    if grep -q "$ESC" "$f"; then cat -A "$f"; fail "$f: a raw ESC from the profile reached the output"; fi
done
grep -qF 'bad\x1B[2Jname' top.txt || { cat top.txt; fail "top: the function name is not shown escaped"; }
grep -qF 'bad\x1B[2Jname' list.txt || { cat list.txt; fail "list: the function name is not shown escaped"; }
grep -qF 'bad\x1B[2Jname' verify.txt || { cat verify.txt; fail "verify: the function name is not shown escaped"; }
"$HOTLINT" flame --folded cpu.prof >folded.txt 2>&1 || true
if [ -s folded.txt ] && grep -q "$ESC" folded.txt; then fail "folded: a raw ESC"; fi
ok "function names from a profile escaped in top, list and verify"
harness_done
