#!/usr/bin/env bash
# The CI formats under --verify, on a real profile of a small program: SARIF valid
# against the schema with verdicts and figures in result properties (level error for
# confirmed), GitHub ::error annotations for confirmed findings first, Code Quality
# severity critical for confirmed findings.
set -euo pipefail
: "${HOTLINT:?}" "${HOTLINT_SOURCE_DIR:?}" "${HOTLINT_BINARY_DIR:?}"
here=$(cd "$(dirname "$0")" && pwd)
prog=${1:?usage: verify_formats.sh PROGRAM}
. "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/../lib/harness.sh"
cp -r "$here/flame_prog" src
"$HOTLINT" run --hz 1000 --cpuprofile cpu.prof -- "$prog" >/dev/null
run() { set +e; "$HOTLINT" --verify cpu.prof -q --no-config "$@" src >"$out"; rc=$?; set -e; }

out=v.sarif run --format sarif
[ "$rc" = 1 ] || fail "verify sarif: exit $rc, expected 1 (confirmed findings)"
HL_EXPECT_RESULTS=1 /usr/bin/python3 "$here/validate_sarif.py" v.sarif || fail "SARIF under --verify does not validate"
/usr/bin/python3 - v.sarif <<'PY' || fail "SARIF verdicts"
import json, sys
res = json.load(open(sys.argv[1]))["runs"][0]["results"]
by = {(r["ruleId"], r["locations"][0]["physicalLocation"]["region"]["startLine"]): r for r in res}
hot = by[("HL001", 31)]
assert hot["level"] == "error", hot["level"]
p = hot["properties"]
assert p["verdict"] == "confirmed" and p["cum"] > 0 and 0 < p["cumShare"] <= 1, p
assert "flat" in p and "sampleType" in p
decoy = by[("HL001", 15)]
assert decoy["properties"]["verdict"] in ("not exercised", "dismissed", "inconclusive")
assert decoy["level"] != "error"
assert res[0]["properties"]["verdict"] == "confirmed"
print("sarif verdicts ok")
PY
ok "SARIF under --verify: schema-valid, verdicts and figures, error for confirmed"

out=v.gh run --format github
head -1 v.gh | grep -q '^::error file=src/main.c,line=\(31\|42\),' || { cat v.gh; fail "confirmed findings are not the first ::error annotations"; }
[ "$(grep -c '^::error ' v.gh)" = 2 ] || { cat v.gh; fail "expected 2 ::error annotations"; }
grep -q '%0Aconfirmed: flat .*, cum .*%25 of cpu' v.gh || fail "verdict and figures missing from the annotation"
grep -q '; 2 confirmed)' v.gh || fail "summary line lacks the confirmed count"
ok "GitHub annotations: confirmed first as errors, with the figures"

out=v.cq run --format codequality
/usr/bin/python3 - v.cq <<'PY' || fail "Code Quality under --verify"
import json, sys
doc = json.load(open(sys.argv[1]))
sev = {(i["check_name"], i["location"]["lines"]["begin"]): i["severity"] for i in doc}
assert sev[("HL001", 31)] == "critical" and sev[("HL002", 42)] == "critical", sev
assert sev[("HL001", 15)] != "critical", sev
print("codequality verdicts ok")
PY
ok "Code Quality severities from the verdicts"
harness_done
