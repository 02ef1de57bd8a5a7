#!/usr/bin/python3
"""Generic rule-fixture driver: lints one fixture and compares the findings
with the expectations written next to the lines.

  // expect: HL001                  a finding of HL001 on this line
  // expect: HL002 "freed in the"   ... whose message contains the quoted text
  // expect: HL003 cold "why"       ... whose heat is cold (hot, warm or cold)
  // silent: <why>                  a negative case (documents why it stays quiet)
  // hotlint-test-flags: -I x       compiler flags for the fixture (first lines)

The findings must be exactly the expected ones: same rules, same lines. A
finding's further call sites (notes with "site") count as findings on their lines."""
import json
import os
import re
import subprocess
import sys

HOTLINT = os.environ["HOTLINT"]
fixture = os.path.abspath(sys.argv[1])
d, name = os.path.split(fixture)
expected = {}
flags = []
silent = 0
with open(fixture) as f:
    for n, line in enumerate(f, 1):
        m = re.search(r"hotlint-test-flags:(.*)$", line)
        if m:
            flags += m.group(1).split()
        for m in re.finditer(r'expect: (HL\d{3})(?: (hot|warm|cold))?(?: "([^"]*)")?', line):
            expected.setdefault((n, m.group(1)), []).append((m.group(3), m.group(2)))
        silent += "silent:" in line

cmd = [HOTLINT, "--format", "json", "-j1", name]
if flags:
    cmd += ["--"] + flags
r = subprocess.run(cmd, cwd=d, capture_output=True, text=True)
fail = []
if r.returncode != (1 if expected else 0):
    fail.append(f"exit code {r.returncode}, expected {1 if expected else 0}; stderr: {r.stderr}")
try:
    out = json.loads(r.stdout)
except ValueError:
    sys.exit(f"FAIL: not JSON: {r.stdout!r} {r.stderr}")
if out["errors"]:
    fail.append(f"errors: {out['errors']}")
got = {}
for f in out["findings"]:
    got.setdefault((f["line"], f["rule"]), []).append((f["message"], f["heat"]))
    # A further call site of the finding (one finding per rule, loop and callee).
    for n in f["notes"]:
        if "site" in n:
            got.setdefault((n["line"], f["rule"]), []).append((f["message"], f["heat"]))
for key, wants in sorted(expected.items()):
    msgs = got.get(key, [])
    if len(msgs) != len(wants):
        fail.append(f"{name}:{key[0]}: expected {len(wants)} x {key[1]}, got {len(msgs)}")
        continue
    for w, heat in wants:
        if w and not any(w in m for m, _ in msgs):
            fail.append(f"{name}:{key[0]}: {key[1]} message lacks {w!r}: {msgs}")
        if heat and not any(h == heat for _, h in msgs):
            fail.append(f"{name}:{key[0]}: {key[1]} is not {heat}: {msgs}")
for key, msgs in sorted(got.items()):
    if key not in expected:
        fail.append(f"{name}:{key[0]}: unexpected {key[1]}: {msgs[0][0]} ({msgs[0][1]})")
if not expected or not silent:
    fail.append(f"{name}: a fixture needs positive (expect:) and negative (silent:) cases")
for f in fail:
    print("FAIL:", f)
print(f"{name}: {sum(len(v) for v in expected.values())} expected, "
      f"{sum(len(v) for v in got.values())} reported, {silent} silent cases")
sys.exit(1 if fail else 0)
