#!/usr/bin/python3
"""Corpus lint test: every finding hotlint reports in corpus/ is labeled, and
every labeled finding is reported (rule, file, line)."""
import json
import os
import subprocess
import sys

HOTLINT = os.environ["HOTLINT"]
SRC = os.environ["HOTLINT_SOURCE_DIR"]
corpus = os.path.join(SRC, "corpus")
# What a finding's label may expect of verify (tests/e2e/run_corpus.py checks it).
EXPECT = ("hot", "decoy", "hot-other-cause", "merged", "not-applicable", "inconclusive")


HEATS = ("hot", "warm", "cold")


def read_labels(path):
    """(file, rule, line) triples from a labels file, and the heat each one
    is labeled with (heat=hot|warm|cold after the verdict), when it is."""
    expected, heats = set(), {}
    current = "main.c"
    with open(path) as f:
        for n, raw in enumerate(f, 1):
            line = raw.split("#", 1)[0].split()
            if not line:
                continue
            if line[0] == "file":
                current = line[1]
            elif line[0] == "finding":
                if len(line) < 4 or line[3] not in EXPECT:
                    sys.exit(f"{path}:{n}: finding needs RULE LINE {'|'.join(EXPECT)}")
                key = (current, line[1], int(line[2]))
                expected.add(key)
                if len(line) > 4:
                    if not line[4].startswith("heat=") or line[4][5:] not in HEATS:
                        sys.exit(f"{path}:{n}: after the verdict: heat={'|'.join(HEATS)}")
                    heats[key] = line[4][5:]
    return expected, heats


failures = []
programs = sorted(d for d in os.listdir(corpus) if os.path.isfile(os.path.join(corpus, d, "labels")))
if sum(len(read_labels(os.path.join(corpus, p, "labels"))[1]) for p in programs) < 20:
    failures.append("fewer than 20 corpus findings carry an expected heat")
if len(programs) < 8:
    failures.append(f"corpus has {len(programs)} labeled programs, expected at least 8")
for prog in programs:
    d = os.path.join(corpus, prog)
    expected, heats = read_labels(os.path.join(d, "labels"))
    r = subprocess.run([HOTLINT, "--format", "json", "-j2", "."], cwd=d, capture_output=True,
                       text=True)
    if r.returncode not in (0, 1):
        failures.append(f"{prog}: hotlint exited {r.returncode}: {r.stderr.strip()}")
        continue
    out = json.loads(r.stdout)
    if out["errors"]:
        failures.append(f"{prog}: errors: {out['errors']}")
    got = {(f["file"], f["rule"], f["line"]) for f in out["findings"]}
    # further call sites of a finding (one finding per rule, loop and callee)
    got |= {(n["file"], f["rule"], n["line"]) for f in out["findings"] for n in f["notes"]
            if "site" in n}
    got_heat = {(f["file"], f["rule"], f["line"]): f["heat"] for f in out["findings"]}
    for key, heat in sorted(heats.items()):
        if key in got_heat and got_heat[key] != heat:
            failures.append(f"{prog}: {key[0]}:{key[2]} {key[1]} is {got_heat[key]}, labeled {heat}")
    for miss in sorted(expected - got):
        failures.append(f"{prog}: labeled but not reported: {miss[0]}:{miss[2]} {miss[1]}")
    for extra in sorted(got - expected):
        failures.append(f"{prog}: reported but not labeled: {extra[0]}:{extra[2]} {extra[1]}")
    print(f"{prog}: {len(got)} findings, {len(expected)} labels, {len(heats)} with heat")

for f in failures:
    print("FAIL:", f)
sys.exit(1 if failures else 0)
