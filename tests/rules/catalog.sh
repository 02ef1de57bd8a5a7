#!/usr/bin/env bash
# The rule catalog: `hotlint rules` lists HL001..HL007, `hotlint rules ID` explains
# one, and broken rule files are reported with their file and line.
set -u
fail=0
check() { if ! eval "$2"; then echo "FAIL: $1"; fail=1; fi; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

list=$("$HOTLINT" rules)
check "rules exits 0" '[ $? -eq 0 ]'
for id in HL001 HL002 HL003 HL004 HL005 HL006 HL007; do
    check "$id listed" 'grep -q "^$id " <<<"$list"'
    text=$("$HOTLINT" rules "$id")
    for section in "Why:" "Bad:" "Good:" "Fix:" "Profile symbols showing its cost: [a-z_]" "Callees: [a-z]"; do
        check "$id explains '$section'" 'grep -q "$section" <<<"$text"'
    done
done
check "lookup by name" '"$HOTLINT" rules alloc-in-loop | grep -q "^HL002 alloc-in-loop"'
check "every rule names a cost family" \
    '[ "$(grep -h "^family:" "$HOTLINT_SOURCE_DIR"/rules/*.yaml | grep -cE "family: (allocation|formatting|string-compare|string-length|string-concat|io)$")" -eq 7 ]'

"$HOTLINT" rules HL999 >/dev/null 2>"$tmp/err"
check "unknown rule exits 2" '[ $? -eq 2 ]'
check "unknown rule message" 'grep -q "no rule .HL999." "$tmp/err"'

# A user rule directory: a rule of a known shape is data only.
mkdir "$tmp/rules"
cat >"$tmp/rules/HL900-puts-in-loop.yaml" <<'YAML'
id: HL900
name: puts-in-loop
severity: note
family: io
summary: puts in a loop
match: call-in-loop-body
callees: [puts]
cost_symbols: [puts]
message: "{callee} in a loop in {function}"
YAML
cat >"$tmp/a.c" <<'C'
#include <stdio.h>
void f(int n) { for (int i = 0; i < n; i++) puts("x"); }
C
out=$(cd "$tmp" && "$HOTLINT" --rules rules --no-color a.c 2>/dev/null)
check "user rule exits 1" '[ $? -eq 1 ]'
check "user rule finding" 'grep -q "a.c:2:45: note: puts in a loop in f \[HL900 puts-in-loop, warm\]" <<<"$out"'

# Broken rule files name the file and the line.
mkdir "$tmp/bad"
printf 'id: HL901\nname: x\nmatch: call-in-loop-body\ncallees: [a]\nmessage: m\nbogus: 1\n' \
    >"$tmp/bad/HL901-x.yaml"
"$HOTLINT" rules --rules "$tmp/bad" >/dev/null 2>"$tmp/err"
check "unknown key exits 2" '[ $? -eq 2 ]'
check "unknown key names file:line" 'grep -q "HL901-x.yaml:6: unknown key .bogus." "$tmp/err"'
printf 'id: [unclosed\n' >"$tmp/bad/HL901-x.yaml"
"$HOTLINT" --rules "$tmp/bad" "$tmp/a.c" >/dev/null 2>"$tmp/err"
check "invalid YAML exits 2" '[ $? -eq 2 ]'
check "invalid YAML names the file" 'grep -q "HL901-x.yaml:[0-9]*:[0-9]*: invalid YAML" "$tmp/err"'
printf 'id: HL901\nname: x\nmatch: call-in-everything\ncallees: [a]\nmessage: m\n' \
    >"$tmp/bad/HL901-x.yaml"
"$HOTLINT" rules --rules "$tmp/bad" >/dev/null 2>"$tmp/err"
check "unknown matcher exits 2" '[ $? -eq 2 ]'
check "unknown matcher named" 'grep -q "HL901-x.yaml:3: unknown matcher" "$tmp/err"'
printf 'id: HL901\nname: x\nmatch: call-in-loop-body\nmessage: m\n' >"$tmp/bad/HL901-x.yaml"
"$HOTLINT" rules --rules "$tmp/bad" >/dev/null 2>"$tmp/err"
check "missing key named" 'grep -q "missing required key .callees." "$tmp/err"'
exit $fail
