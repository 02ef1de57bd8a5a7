#!/usr/bin/env python3
"""stats_scipy.py - hl_mann_whitney against scipy.stats.mannwhitneyu on 400
seeded random cases: small samples without ties (exact distribution), small
samples with ties and large samples (normal approximation with tie and
continuity correction, as R's wilcox.test(correct = TRUE)). Deterministic:
the cases come from a fixed seed."""
import subprocess
import sys

import numpy as np
from scipy import stats

cli = sys.argv[1]
rng = np.random.default_rng(20261201)
cases = []
for i in range(400):
    kind = i % 4
    m, n = (int(rng.integers(2, 20)), int(rng.integers(2, 20))) if kind < 3 else \
        (int(rng.integers(50, 120)), int(rng.integers(50, 120)))
    if kind == 0:    # continuous, no ties: exact
        x, y = rng.normal(1.0, 0.1, m), rng.normal(1.0 + 0.05 * (i % 3), 0.1, n)
    elif kind == 1:  # rounded: ties, normal approximation
        x, y = np.round(rng.normal(10, 2, m)), np.round(rng.normal(11, 2, n))
    elif kind == 2:  # many zeros, as functions absent from some runs
        x, y = rng.integers(0, 3, m).astype(float), rng.integers(0, 4, n).astype(float)
    else:            # large: normal approximation even without ties
        x, y = rng.exponential(1.0, m), rng.exponential(1.2, n)
    cases.append((x, y))
text = "".join(" ".join(repr(float(v)) for v in x) + " | " + " ".join(repr(float(v)) for v in y) + "\n"
               for x, y in cases)
out = subprocess.run([cli], input=text, capture_output=True, text=True, check=True).stdout.split("\n")
bad = 0
n_exact = 0
for (x, y), got in zip(cases, out):
    u, p, exact = got.split()
    u, p, exact = float(u), float(p), exact == "1"
    ties = len(set(np.concatenate([x, y]))) < len(x) + len(y)
    want_exact = len(x) < 50 and len(y) < 50 and not ties
    if len(set(np.concatenate([x, y]))) == 1:
        ref_u, ref_p = len(x) * len(y) / 2, 1.0
    else:
        r = stats.mannwhitneyu(x, y, alternative="two-sided", use_continuity=True,
                               method="exact" if want_exact else "asymptotic")
        ref_u, ref_p = r.statistic, r.pvalue
    n_exact += exact
    if exact != want_exact or abs(u - ref_u) > 1e-9 or abs(p - ref_p) > 1e-9 * max(1, ref_p):
        bad += 1
        print(f"mismatch: m={len(x)} n={len(y)} ties={ties}: got U={u} p={p} exact={exact}, "
              f"scipy U={ref_u} p={ref_p}", file=sys.stderr)
if len(out) < len(cases) or bad:
    sys.exit(f"stats_scipy: {bad} of {len(cases)} cases differ from scipy")
assert 50 < n_exact < 150, n_exact  # both methods exercised
print(f"stats_scipy: {len(cases)} cases agree with scipy ({n_exact} exact)")
