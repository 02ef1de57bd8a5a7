#!/usr/bin/env bash
# The CI formats from the command line on real findings: SARIF validated against
# the official 2.1.0 schema, GitHub workflow commands, GitLab Code Quality JSON.
set -euo pipefail
: "${HOTLINT:?}" "${HOTLINT_SOURCE_DIR:?}"
here=$(cd "$(dirname "$0")" && pwd)
. "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/../lib/harness.sh"
mkdir -p "src/my dir"
cat > "src/my dir/hot.c" <<'C'
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
void keys(char *out, const char *s, int n)
{
    char key[64];
    for (int i = 0; i < n; i++) {
        snprintf(key, sizeof key, "user:%d", i);
        char *p = malloc(16);
        out[i] = key[5];
        free(p);
    }
    for (size_t i = 0; i < strlen(s); i++)
        out[i] = s[i];
}
C

set +e
"$HOTLINT" -q --no-config --format sarif src >out.sarif; rc=$?
set -e
[ "$rc" = 1 ] || fail "sarif: exit $rc, expected 1"
HL_EXPECT_RESULTS=1 /usr/bin/python3 "$here/validate_sarif.py" out.sarif || fail "SARIF does not validate"
/usr/bin/python3 - out.sarif <<'PY' || fail "SARIF content"
import json, sys
doc = json.load(open(sys.argv[1]))
run = doc["runs"][0]
rules = run["tool"]["driver"]["rules"]
assert len(rules) >= 7, len(rules)
for r in rules:
    for k in ("id", "name", "shortDescription", "fullDescription", "help", "defaultConfiguration"):
        assert k in r, (r["id"], k)
res = run["results"]
ids = sorted(r["ruleId"] for r in res)
assert ids == ["HL001", "HL002", "HL004"], ids
for r in res:
    loc = r["locations"][0]["physicalLocation"]
    assert loc["artifactLocation"]["uri"] == "src/my%20dir/hot.c", loc
    assert loc["artifactLocation"]["uriBaseId"] == "%SRCROOT%"
    assert loc["region"]["startLine"] in (8, 9, 13), loc
    assert r["partialFingerprints"]["primaryLocationLineHash"].endswith(":1")
    assert rules[r["ruleIndex"]]["id"] == r["ruleId"]
print("sarif content ok")
PY
ok "SARIF 2.1.0 valid against the schema, with rules, regions and fingerprints"

# Every other shape of SARIF hotlint writes passes the schema and the Multitool too: no
# findings, findings all in a baseline, analysis errors (executionSuccessful false), a
# path outside the working directory (file:// URI without uriBaseId).
mkdir clean bad
echo 'int add(int a, int b) { return a + b; }' >clean/ok.c
printf 'int broken( {\n' >bad/broken.c
set +e
"$HOTLINT" -q --no-config --format sarif clean >clean.sarif; rc_clean=$?
"$HOTLINT" -q --no-config --write-baseline base.json src >/dev/null
"$HOTLINT" -q --no-config --baseline base.json --format sarif src >base.sarif; rc_base=$?
"$HOTLINT" -q --no-config --format sarif bad src >bad.sarif 2>/dev/null; rc_bad=$?
(cd clean && "$HOTLINT" -q --no-config --format sarif "$work/src") >outside.sarif; rc_out=$?
set -e
[ "$rc_clean/$rc_base/$rc_bad/$rc_out" = 0/0/2/1 ] || fail "SARIF variants: exits $rc_clean/$rc_base/$rc_bad/$rc_out, expected 0/0/2/1"
/usr/bin/python3 "$here/validate_sarif.py" clean.sarif base.sarif bad.sarif outside.sarif || fail "a SARIF variant does not validate"
/usr/bin/python3 - bad.sarif outside.sarif <<'PY' || fail "SARIF variants' content"
import json, sys
bad = json.load(open(sys.argv[1]))["runs"][0]
inv = bad["invocations"][0]
assert inv["executionSuccessful"] is False and inv["toolExecutionNotifications"], inv
out = json.load(open(sys.argv[2]))["runs"][0]["results"][0]["locations"][0]["physicalLocation"]
assert out["artifactLocation"]["uri"].startswith("file:///"), out
assert "uriBaseId" not in out["artifactLocation"], out
PY
ok "SARIF without findings, with a baseline, with analysis errors and outside the checkout: valid, 0 Multitool warnings"

set +e
"$HOTLINT" -q --no-config --format github src >out.gh; rc=$?
set -e
[ "$rc" = 1 ] || fail "github: exit $rc"
grep -q '^::warning file=src/my dir/hot.c,line=8,endLine=8,col=9,endColumn=[0-9]*,title=HL001 format-in-loop (warm)::snprintf formats' out.gh || { cat out.gh; fail "github annotation"; }
[ "$(grep -c '^::warning ' out.gh)" = 3 ] || { cat out.gh; fail "expected 3 annotations"; }
grep -q '^hotlint: 3 findings (0 error, 3 warning, 0 notice)' out.gh || { cat out.gh; fail "summary line"; }
ok "GitHub workflow commands and summary"

set +e
"$HOTLINT" -q --no-config --format codequality src >out.cq; rc=$?
set -e
/usr/bin/python3 - out.cq <<'PY' || fail "Code Quality JSON shape"
import json, sys
doc = json.load(open(sys.argv[1]))
assert isinstance(doc, list) and len(doc) == 3, doc
fps = set()
for i in doc:
    assert isinstance(i["description"], str) and i["description"]
    assert i["check_name"].startswith("HL")
    assert i["severity"] in ("info", "minor", "major", "critical", "blocker")
    assert i["location"]["path"] == "src/my dir/hot.c"
    assert isinstance(i["location"]["lines"]["begin"], int)
    fps.add(i["fingerprint"])
assert len(fps) == 3
print("codequality ok")
PY
ok "GitLab Code Quality JSON"

set +e
"$HOTLINT" -q --format nope src >/dev/null 2>err; rc=$?
set -e
[ "$rc" = 2 ] && grep -q "sarif, github or codequality" err || fail "unknown format: exit $rc"
ok "unknown format is a usage error"
harness_done
