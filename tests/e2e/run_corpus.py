#!/usr/bin/python3
"""run_corpus.py - profiles one corpus program and checks hotlint --verify's verdicts
against its labels file.

usage: run_corpus.py NAME [--json] [--producer hotlint|gperftools] [--args ARG...]

Runs build/corpus/corpus_NAME under `hotlint run --cpuprofile --hz 10000` (or --memprofile for
`profile heap`), then `hotlint --verify PROFILE corpus/NAME --format json`, and checks:
every `hot` label is confirmed, every `decoy` is dismissed or not exercised, a label
naming a verdict (hot-other-cause, merged, not-applicable, inconclusive) gets exactly
it, every `unexplained FUNC` shows up in the unexplained list. With `stale FILE` the
profile is verified once more against a copy of the sources whose FILE has lines added
at its top: that must fail with exit 2, naming FILE. --args replaces the labels' args. Exits 1 on any mismatch, 2 when
something cannot run. With --json it prints one line of counts for bench/verify.
With --producer gperftools the CPU profile comes from gperftools' libprofiler
instead, converted by `go tool pprof -proto` (profiles from any producer).

Environment: HOTLINT, HOTLINT_SOURCE_DIR, HOTLINT_BINARY_DIR (set by ctest).
"""
import json
import os
import shutil
import subprocess
import sys
import tempfile

# 10 kHz: even the shortest corpus run (0.1 s of CPU) gets ~1000 samples, enough
# for the Wilson bound to dismiss a cold line that a stray sample lands on
# (at 1 kHz a 150-sample run cannot dismiss anything: the bound stays above 2%).
HZ = os.environ.get("HOTLINT_E2E_HZ", "10000")


# Label words naming a verdict, and the verdict hotlint reports for each.
VERDICTS = {"hot-other-cause": "hot other cause", "merged": "merged",
            "not-applicable": "not applicable", "inconclusive": "inconclusive"}


def parse_labels(path):
    labels = {"findings": [], "unexplained": [], "args": [], "profile": "cpu", "hz": None,
              "stale": None}
    current_file = "main.c"
    with open(path) as f:
        for lineno, raw in enumerate(f, 1):
            line = raw.split("#", 1)[0].split()
            if not line:
                continue
            kind = line[0]
            if (kind == "finding" and len(line) in (4, 5) and line[3] in ("hot", "decoy", *VERDICTS)
                    and (len(line) == 4 or line[4].startswith("heat="))):
                labels["findings"].append(
                    {"rule": line[1], "line": int(line[2]), "expect": line[3], "file": current_file,
                     "where": f"{path}:{lineno}"})
            elif kind == "unexplained" and len(line) == 2:
                labels["unexplained"].append(line[1])
            elif kind == "args":
                labels["args"] = line[1:]
            elif kind == "file" and len(line) == 2:
                current_file = line[1]
            elif kind == "profile" and len(line) == 2 and line[1] in ("cpu", "heap"):
                labels["profile"] = line[1]
            elif kind == "hz" and len(line) == 2 and line[1].isdigit():
                labels["hz"] = line[1]
            elif kind == "stale" and len(line) == 2:
                labels["stale"] = line[1]
            else:
                raise SystemExit(f"{path}:{lineno}: cannot read this label line: {raw.strip()}")
    return labels


def check_stale(hotlint, prof, case_dir, name, tmp):
    """Verifies prof against a copy of case_dir whose file name has three lines added
    at its top; returns the failures (none when verify exits 2 naming the file)."""
    copy = os.path.join(tmp, "edited", os.path.basename(case_dir))
    shutil.copytree(case_dir, copy)
    path = os.path.join(copy, name)
    with open(path) as f:
        text = f.read()
    with open(path, "w") as f:
        f.write("/* edited after the build */\n\n\n" + text)
    verify = [hotlint, "--verify", prof, copy, "--format", "json", "--fail-on", "none"]
    r = subprocess.run(verify, cwd=tmp, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    if r.returncode != 2 or name not in r.stderr:
        return [f"stale sources: $ {' '.join(verify)} exited {r.returncode} (want 2, naming "
                f"{name}); stderr: {r.stderr.strip()}"]
    print(f"ok   stale {name}: exit 2: {r.stderr.strip()}")
    r = subprocess.run(verify + ["--allow-stale"], cwd=tmp, stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE, text=True)
    if r.returncode != 0 or name not in json.loads(r.stdout)["profile"].get("stale", ""):
        return [f"stale sources with --allow-stale: exit {r.returncode}, the report should say "
                f"what differs; stderr: {r.stderr.strip()}"]
    return []


def main():
    if len(sys.argv) < 2:
        raise SystemExit("usage: run_corpus.py NAME [--json] [--producer hotlint|gperftools]")
    name = sys.argv[1]
    as_json = "--json" in sys.argv[2:]
    producer = "hotlint"
    if "--producer" in sys.argv[2:]:
        producer = sys.argv[sys.argv.index("--producer") + 1]
    missing = [v for v in ("HOTLINT", "HOTLINT_SOURCE_DIR", "HOTLINT_BINARY_DIR")
               if not os.environ.get(v)]
    if missing:
        print(f"run_corpus.py: set {', '.join(missing)} (ctest does)", file=sys.stderr)
        return 2
    hotlint = os.environ["HOTLINT"]
    src = os.environ["HOTLINT_SOURCE_DIR"]
    bindir = os.environ["HOTLINT_BINARY_DIR"]
    case_dir = os.path.join(src, "corpus", name)
    program = os.path.join(bindir, "corpus", "corpus_" + name)
    labels = parse_labels(os.path.join(case_dir, "labels"))
    if "--args" in sys.argv[2:]:
        labels["args"] = sys.argv[sys.argv.index("--args") + 1:]
    hz = labels["hz"] or HZ
    if not os.access(program, os.X_OK):
        print(f"{program}: not built; build the corpus first (cmake --build)", file=sys.stderr)
        return 2

    with tempfile.TemporaryDirectory(prefix="hotlint-e2e-") as tmp:
        prof = os.path.join(tmp, name + ".prof")
        env = None
        if producer == "gperftools":
            if labels["profile"] != "cpu":
                print(f"{name}: gperftools gives CPU profiles only", file=sys.stderr)
                return 2
            raw = os.path.join(tmp, name + ".gperftools")
            run = [program] + labels["args"]
            env = dict(os.environ, LD_PRELOAD="libprofiler.so.0", CPUPROFILE=raw,
                       CPUPROFILE_FREQUENCY="1000")
            index = []
        elif labels["profile"] == "heap":
            run = [hotlint, "run", "--memprofile", prof, "--", program] + labels["args"]
            index = []  # verify picks alloc_space in a heap profile by itself
        else:
            run = [hotlint, "run", "--cpuprofile", prof, "--hz", hz, "--", program] + labels["args"]
            index = []
        r = subprocess.run(run, cwd=tmp, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                           text=True)
        if r.returncode == 0 and producer == "gperftools":
            # The legacy format needs the binary to symbolize: pprof writes the proto.
            conv = ["go", "tool", "pprof", "-proto", program, raw]
            with open(prof, "wb") as out:
                r = subprocess.run(conv, cwd=tmp, stdout=out, stderr=subprocess.PIPE, text=True)
            run = conv
        if r.returncode != 0 or not os.path.exists(prof):
            print(f"$ {' '.join(run)}\nexit {r.returncode}\n{r.stderr}", file=sys.stderr)
            return 2
        verify = [hotlint, "--verify", prof, os.path.join("corpus", name), "--format", "json",
                  "--fail-on", "none"] + index
        r = subprocess.run(verify, cwd=src, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        if r.returncode != 0:
            print(f"$ {' '.join(verify)}\nexit {r.returncode}\n{r.stderr}", file=sys.stderr)
            return 2
        report = json.loads(r.stdout)
        failures = []
        if labels["stale"]:
            failures += check_stale(hotlint, prof, case_dir, labels["stale"], tmp)

    if labels["profile"] == "heap" and report["profile"]["sample_type"] != "alloc_space":
        failures.append(f"heap profile verified on {report['profile']['sample_type']}, "
                        "not alloc_space")
    rows = []
    counts = {"case": name, "hot": 0, "confirmed": 0, "decoys": 0, "dismissed": 0,
              "decoys_confirmed": 0, "unexplained": len(labels["unexplained"]),
              "unexplained_found": 0}
    for lab in labels["findings"]:
        want_file = os.path.join("corpus", name, lab["file"])
        # the finding's line, or one of its further call sites (one finding per
        # rule, loop and callee)
        match = [f for f in report["findings"]
                 if f["rule"] == lab["rule"]
                 and (f["line"] == lab["line"]
                      or any("site" in n and n["line"] == lab["line"] for n in f.get("notes", [])))
                 and (f["file"] == want_file or f["file"].endswith("/" + want_file))]
        if not match:
            failures.append(f"{lab['where']}: no {lab['rule']} finding at {want_file}:{lab['line']}")
            continue
        f = match[0]
        verdict = f["verdict"]
        if lab["expect"] in VERDICTS:
            counts.setdefault(lab["expect"], 0)
            counts.setdefault(lab["expect"] + "_agree", 0)
            counts[lab["expect"]] += 1
            ok = verdict == VERDICTS[lab["expect"]]
            counts[lab["expect"] + "_agree"] += ok
        elif lab["expect"] == "hot":
            counts["hot"] += 1
            ok = verdict == "confirmed"
            counts["confirmed"] += ok
        else:
            counts["decoys"] += 1
            ok = verdict in ("dismissed", "not exercised")
            counts["dismissed"] += ok
            counts["decoys_confirmed"] += verdict == "confirmed"
        rows.append(f"{'ok  ' if ok else 'FAIL'} {lab['rule']} {want_file}:{lab['line']} "
                    f"{lab['expect']:5} -> {verdict} (cum {100 * f['cum_share']:.1f}%, "
                    f"CI [{100 * f['ci_low']:.1f},{100 * f['ci_high']:.1f}])")
        if not ok:
            failures.append(f"{lab['where']}: {lab['rule']} at line {lab['line']} is labelled "
                            f"{lab['expect']} but came out {verdict}")
    listed = {u["function"] for u in report["unexplained"] if u.get("kind", "function") == "function"}
    for fn in labels["unexplained"]:
        ok = fn in listed
        counts["unexplained_found"] += ok
        rows.append(f"{'ok  ' if ok else 'FAIL'} unexplained {fn}")
        if not ok:
            failures.append(f"{name}: {fn} is labelled unexplained but is not in the "
                            f"unexplained list ({', '.join(sorted(listed)) or 'empty'})")

    if as_json:
        print(json.dumps(counts))
    else:
        p = report["profile"]
        print(f"{name}: {p['total_samples']} samples, {len(report['findings'])} findings")
        print("\n".join(rows))
    for msg in failures:
        print("error: " + msg, file=sys.stderr)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
