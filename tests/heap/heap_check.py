#!/usr/bin/python3
"""heap_check.py - runs the heap test programs under libhotlint-rt and checks
their profiles against the figures the programs know.

Usage: heap_check.py CHECK --rt LIB --summary BIN [--prog BIN] ...
Each CHECK exits 0 on success and 1 with the reason on stderr."""

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

DEFAULT_RATE = 512 * 1024


class Failure(Exception):
    pass


def run(cmd, env=None, timeout=60, check=True):
    """Runs cmd; returns stdout. A hang past timeout is a failure (deadlock)."""
    full = dict(os.environ)
    for k in ("HOTLINT_MEMPROFILE", "HOTLINT_MEMPROFILE_RATE", "HOTLINT_MEMPROFILE_SEED",
              "HOTLINT_CPUPROFILE", "LD_PRELOAD"):
        full.pop(k, None)
    full.update(env or {})
    try:
        r = subprocess.run(cmd, env=full, capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        raise Failure("%s: no exit after %ds (deadlock?)" % (" ".join(cmd), timeout))
    if check and r.returncode != 0:
        raise Failure("%s: exit %d\n%s%s" % (" ".join(cmd), r.returncode, r.stdout, r.stderr))
    return r.stdout


def profiled(args, cmd, prof, rate=None, seed=None, timeout=60):
    env = {"LD_PRELOAD": args.rt, "HOTLINT_MEMPROFILE": prof}
    if rate is not None:
        env["HOTLINT_MEMPROFILE_RATE"] = str(rate)
    if seed is not None:
        env["HOTLINT_MEMPROFILE_SEED"] = str(seed)
    out = run(cmd, env, timeout)
    if not os.path.exists(prof):
        raise Failure("%s: no profile written to %s" % (" ".join(cmd), prof))
    return out


class Summary:
    """heap_summary's output: period, types, and per (site, leaf) values."""

    def __init__(self, args, prof):
        text = run([args.summary, prof])
        self.sites = {}
        for line in text.splitlines():
            f = line.split()
            if f[0] == "period":
                self.period_type, self.period_unit, self.period = f[1], f[2], int(f[3])
            elif f[0] == "types":
                self.types = f[1:]
            elif f[0] == "default":
                self.default = f[1]
            elif f[0] == "own":
                self.own = int(f[1])
            elif f[0] == "site":
                vals = [int(v) for v in f[3:7]]
                self.sites[(f[1], f[2])] = (vals, int(f[8]))

    def by_site(self, site):
        """Summed values of every leaf under site; None when absent."""
        rows = [v for (s, _), (v, _) in self.sites.items() if s == site]
        if not rows:
            return None
        return [sum(r[i] for r in rows) for i in range(4)]

    def leaves(self, site):
        return sorted(l for (s, l) in self.sites if s == site)

    def check_layout(self, rate):
        want = ["alloc_objects/count", "alloc_space/bytes", "inuse_objects/count",
                "inuse_space/bytes"]
        if self.types != want:
            raise Failure("sample types %s, want %s" % (self.types, want))
        if (self.period_type, self.period_unit, self.period) != ("space", "bytes", rate):
            raise Failure("period %s/%s %d, want space/bytes %d" %
                          (self.period_type, self.period_unit, self.period, rate))
        if self.default != "inuse_space":
            raise Failure("default sample type %s, want inuse_space (as Go)" % self.default)
        if self.own:
            raise Failure("%d locations of the profiler's own allocation functions (the leaf "
                          "must be their caller)" % self.own)
        bad = [k for k, (_, mismatch) in self.sites.items() if mismatch]
        if bad:
            raise Failure("samples whose alloc_space != alloc_objects * bytes label: %s" % bad)


def truth(out, prefix=None):
    """Lines "[prefix] name objects bytes" printed by a test program."""
    t = {}
    for line in out.splitlines():
        f = line.split()
        if prefix:
            if not f or f[0] != prefix:
                continue
            f = f[1:]
        if len(f) == 3 and f[1].isdigit():
            t[f[0]] = (int(f[1]), int(f[2]))
    return t


def check_known_exact(args, tmp):
    prof = os.path.join(tmp, "known1.prof")
    out = profiled(args, [args.prog, "50"], prof, rate=1)
    s = Summary(args, prof)
    s.check_layout(1)
    leaves = {"alloc_small": ["malloc"], "alloc_medium": ["calloc"], "alloc_large": ["malloc"]}
    for site, (objs, nbytes) in truth(out).items():
        got = s.by_site(site)
        if got != [objs, nbytes, 0, 0]:
            raise Failure("%s: got %s, want [%d, %d, 0, 0] at rate 1" % (site, got, objs, nbytes))
        if s.leaves(site) != leaves[site]:
            raise Failure("%s: leaf frames %s, want %s" % (site, s.leaves(site), leaves[site]))
    print("rate 1: every site exact")


def check_known_sampled(args, tmp):
    prof = os.path.join(tmp, "known.prof")
    rounds = "16000"
    plain = run([args.prog, rounds])
    out = profiled(args, [args.prog, rounds], prof, seed=12345)
    if out != plain:
        raise Failure("output changed under the profiler:\n%s\nvs\n%s" % (out, plain))
    s = Summary(args, prof)
    s.check_layout(DEFAULT_RATE)
    for site, (objs, nbytes) in sorted(truth(out).items()):
        got = s.by_site(site)
        if got is None:
            raise Failure("%s: not in the profile" % site)
        err = (got[1] - nbytes) / nbytes
        err_objs = (got[0] - objs) / objs
        print("%-13s alloc_space %12d, truth %12d: %+.2f%%; alloc_objects %+.2f%%" %
              (site, got[1], nbytes, 100 * err, 100 * err_objs))
        if abs(err) > 0.10 or abs(err_objs) > 0.10:
            raise Failure("%s: estimate off by more than 10%%" % site)


def check_leak(args, tmp):
    prof = os.path.join(tmp, "leak.prof")
    out = profiled(args, [args.prog], prof, rate=1)
    s = Summary(args, prof)
    s.check_layout(1)
    inuse, alloc = truth(out, "site"), truth(out, "alloc")
    for site in inuse:
        got = s.by_site(site)
        want = [alloc[site][0], alloc[site][1], inuse[site][0], inuse[site][1]]
        if got != want:
            raise Failure("%s: got %s, want %s" % (site, got, want))
    if s.leaves("grow_some") != ["realloc"]:
        raise Failure("grow_some: leaves %s, want realloc" % s.leaves("grow_some"))
    print("rate 1: in-use objects and bytes exact after frees and reallocs")


def check_storm(args, tmp):
    plain = run([args.prog])
    for i in range(args.runs):
        prof = os.path.join(tmp, "storm%d.prof" % i)
        # Alternate a dense rate (many samples, busy tables) with the default;
        # half of the runs also fork children while the threads allocate.
        rate = 4096 if i % 2 == 0 else None
        cmd = [args.prog, "100000", "20"] if i % 4 < 2 else [args.prog]
        out = profiled(args, cmd, prof, rate=rate, timeout=30)
        if out != plain:
            raise Failure("run %d: output changed:\n%s\nvs\n%s" % (i, out, plain))
        s = Summary(args, prof)
        s.check_layout(rate or DEFAULT_RATE)
        got = s.by_site("run")
        if rate and (got is None or got[0] == 0):
            raise Failure("run %d: no samples from the worker threads" % i)
        if got and (got[2] != 0 or got[3] != 0):
            raise Failure("run %d: every block was freed, yet in use %s" % (i, got[2:]))
    print("%d runs: output unchanged, nothing left in use, no hang" % args.runs)


def check_pprof(args, tmp):
    go = shutil.which("go")
    if go is None:
        raise Failure("go is not installed (golang-go, from scripts/install-deps.sh)")
    prof = os.path.join(tmp, "known1.prof")
    out = profiled(args, [args.prog, "20"], prof, rate=1)
    env = {"HOME": tmp, "GOCACHE": os.path.join(tmp, "gocache"), "GOFLAGS": "-mod=mod"}
    text = run([go, "tool", "pprof", "-sample_index=alloc_space", "-top", "-cum", "-unit=B",
                prof], env, timeout=120)
    if "Type: alloc_space" not in text:
        raise Failure("pprof did not read alloc_space:\n%s" % text)
    for site, (_, nbytes) in truth(out).items():
        m = re.search(r"^\s*\S+\s+\S+\s+\S+\s+(\d+)B\s+\S+\s+%s$" % site, text, re.M)
        if not m or int(m.group(1)) != nbytes:
            raise Failure("pprof -top: %s cum %s, want %dB:\n%s" %
                          (site, m.group(1) if m else None, nbytes, text))
    print("go tool pprof reads the profile; cum per site exact")


def check_api(args, tmp):
    dump, final = os.path.join(tmp, "dump.prof"), os.path.join(tmp, "final.prof")
    again = os.path.join(tmp, "again.prof")
    out = run([args.prog, dump, final, again], {})
    if out.strip() != "api ok":
        raise Failure("api_alloc: %s" % out)
    d = Summary(args, dump)
    d.check_layout(1)
    if d.by_site("phase_one") != [100, 25600, 0, 0] or d.by_site("phase_two") is not None:
        raise Failure("dump: phase_one %s phase_two %s" % (d.by_site("phase_one"),
                                                            d.by_site("phase_two")))
    f = Summary(args, final)
    if f.by_site("phase_one") != [100, 25600, 0, 0]:
        raise Failure("final: phase_one %s" % f.by_site("phase_one"))
    if f.by_site("phase_two") != [100, 50 * 512 + 50 * 1024, 0, 0]:
        raise Failure("final: phase_two %s" % f.by_site("phase_two"))
    if f.leaves("phase_two") != ["aligned_alloc", "posix_memalign"]:
        raise Failure("final: phase_two leaves %s" % f.leaves("phase_two"))
    three = {l: s for (site, l), (s, _) in f.sites.items() if site == "phase_three"}
    want = {"reallocarray": [10, 3000, 0, 0], "memalign": [10, 2000, 0, 0],
            "valloc": [10, 1000, 0, 0], "pvalloc": [10, 1000, 0, 0]}
    if three != want:
        raise Failure("final: phase_three %s, want %s" % (three, want))
    if f.by_site("in_child") is not None or f.by_site("main") is not None and \
            f.by_site("main")[0] > 4:
        raise Failure("final: allocations after stop or from the child were recorded")
    a = Summary(args, again)
    if a.by_site("phase_one") != [100, 25600, 0, 0] or a.by_site("phase_two") is not None:
        raise Failure("second profile: phase_one %s phase_two %s" %
                      (a.by_site("phase_one"), a.by_site("phase_two")))
    print("start, dump, fork, stop, start again: profiles as expected")


def check_top(args, tmp):
    prof = os.path.join(tmp, "known1.prof")
    profiled(args, [args.prog, "20"], prof, rate=1)
    hotlint = os.environ["HOTLINT"]
    text = run([hotlint, "top", "--sample-index", "alloc_space", "--cum", prof])
    for site in ("alloc_large", "alloc_medium", "alloc_small"):
        if site not in text:
            raise Failure("hotlint top: %s missing:\n%s" % (site, text))
    order = [text.index(s) for s in ("alloc_large", "alloc_medium", "alloc_small")]
    if order != sorted(order):
        raise Failure("hotlint top --cum: sites not in alloc_space order:\n%s" % text)
    print(text)


def check_run(args, tmp):
    """hotlint run --memprofile, together with --cpuprofile: both written."""
    prof, cpu = os.path.join(tmp, "run.prof"), os.path.join(tmp, "cpu.prof")
    hotlint = os.environ["HOTLINT"]
    out = run([hotlint, "run", "--cpuprofile", cpu, "--memprofile", prof, "--memprofile-rate",
               "1", "--", args.prog, "200"])
    top = run([hotlint, "top", cpu])
    if "Type: cpu" not in top and "cpu" not in top.split("\n", 1)[0]:
        raise Failure("the CPU profile written alongside is not a CPU profile:\n%s" % top)
    s = Summary(args, prof)
    s.check_layout(1)
    for site, (objs, nbytes) in truth(out).items():
        if s.by_site(site) != [objs, nbytes, 0, 0]:
            raise Failure("hotlint run: %s %s, want %d %d" % (site, s.by_site(site), objs, nbytes))
    # The runtime's own start-up (environment scrubbing) is never recorded.
    own = run([hotlint, "top", "--cum", "-n", "0", "--sample-index", "alloc_space", prof])
    for name in ("scrub_preload", "scrub_env", "hl_rt_init", "hl_heap_ctor"):
        if name in own:
            raise Failure("the profiler's own allocation in %s was recorded:\n%s" % (name, own))
    # --follow-exec: a program the started one executes writes PATH.<pid>.
    prof = os.path.join(tmp, "exec.prof")
    out = run([hotlint, "run", "--cpuprofile", cpu, "--memprofile", prof, "--memprofile-rate",
               "1", "--follow-exec", "--", "/bin/sh", "-c", "%s 10; true" % args.prog])
    mine = [f for f in os.listdir(tmp) if f.startswith("exec.prof.")]
    if len(mine) != 1:
        raise Failure("--follow-exec: want one exec.prof.<pid>, got %s" % os.listdir(tmp))
    s = Summary(args, os.path.join(tmp, mine[0]))
    for site, (objs, nbytes) in truth(out).items():
        if s.by_site(site) != [objs, nbytes, 0, 0]:
            raise Failure("--follow-exec: %s %s" % (site, s.by_site(site)))
    # The same with the heap profile alone: the program the started shell
    # executes writes PATH.<pid>, never the started process's PATH (the shell
    # leaves with _exit and writes nothing).
    for f in os.listdir(tmp):
        if f.startswith("exec.prof"):
            os.unlink(os.path.join(tmp, f))
    out = run([hotlint, "run", "--memprofile", prof, "--memprofile-rate", "1", "--follow-exec",
               "--", "/bin/sh", "-c", "%s 10; true" % args.prog])
    mine = sorted(f for f in os.listdir(tmp) if f.startswith("exec.prof"))
    if len(mine) != 1 or not mine[0].startswith("exec.prof."):
        raise Failure("--memprofile --follow-exec: want only exec.prof.<pid>, got %s" % mine)
    s = Summary(args, os.path.join(tmp, mine[0]))
    for site, (objs, nbytes) in truth(out).items():
        if s.by_site(site) != [objs, nbytes, 0, 0]:
            raise Failure("--memprofile --follow-exec: %s %s" % (site, s.by_site(site)))
    print("hotlint run --memprofile: exact at rate 1, with --cpuprofile, and across exec")


ALLOC_RULES = ("HL002", "HL006")


def corpus_cases(src):
    """(name, args, findings) of every corpus case with allocation-rule labels:
    HL002, HL006, and HL001 where the labelled line calls asprintf or
    vasprintf. A case proved by a CPU profile contributes its hot labels only:
    its decoys are cold in time, which says nothing of the bytes they
    allocate (one block per distinct chunk can be all of a program's
    allocations and still cost no time)."""
    cases = []
    root = os.path.join(src, "corpus")
    for name in sorted(os.listdir(root)):
        path = os.path.join(root, name, "labels")
        if not os.path.isfile(path):
            continue
        findings, args, current, kind = [], [], "main.c", "cpu"
        with open(path) as f:
            for raw in f:
                w = raw.split("#", 1)[0].split()
                if not w:
                    continue
                if w[0] == "profile" and len(w) == 2:
                    kind = w[1]
                elif w[0] == "file" and len(w) == 2:
                    current = w[1]
                elif w[0] == "args":
                    args = w[1:]
                elif w[0] == "finding" and len(w) in (4, 5):  # RULE LINE EXPECT [heat=H]
                    rule, line, expect = w[1], int(w[2]), w[3]
                    if rule == "HL001":
                        with open(os.path.join(root, name, current)) as srcf:
                            lines = srcf.read().splitlines()
                        if line > len(lines) or "asprintf" not in lines[line - 1]:
                            continue
                    elif rule not in ALLOC_RULES:
                        continue
                    findings.append((rule, os.path.join("corpus", name, current), line, expect))
        if kind != "heap":
            cold = [f for f in findings if f[3] != "hot"]
            for rule, fpath, line, _ in cold:
                print("%s:%d: %s decoy of a CPU-profile case: not a claim about bytes" %
                      (fpath, line, rule))
            findings = [f for f in findings if f[3] == "hot"]
        if findings:
            cases.append((name, args, findings))
    return cases


def check_corpus(args, tmp):
    hotlint = os.environ["HOTLINT"]
    src = os.environ["HOTLINT_SOURCE_DIR"]
    bindir = os.environ["HOTLINT_BINARY_DIR"]
    cases = corpus_cases(src)
    if not any(any(f[0] == "HL001" for f in c[2]) for c in cases) or \
            not any(any(f[0] == "HL002" for f in c[2]) for c in cases) or \
            not any(any(f[0] == "HL006" for f in c[2]) for c in cases):
        raise Failure("the corpus lacks a labelled HL001-with-asprintf, HL002 or HL006 case")
    failures = []
    for name, pargs, findings in cases:
        program = os.path.join(bindir, "corpus", "corpus_" + name)
        prof = os.path.join(tmp, name + ".prof")
        run([hotlint, "run", "--memprofile", prof, "--", program] + pargs, timeout=120)
        # Labels speak of bytes: by alloc_space a decoy must be dismissed or
        # not exercised. By alloc_objects a few sampled large blocks are too
        # few samples to dismiss anything, so there a decoy must only never
        # be confirmed; hot labels are confirmed by both.
        for index in ("alloc_space", "alloc_objects"):
            failures += verify_case(hotlint, src, name, prof, index, findings,
                                    strict_decoys=index == "alloc_space")
    if failures:
        raise Failure("\n".join(failures))


def verify_case(hotlint, src, name, prof, index, findings, strict_decoys):
    """Verifies one corpus case's heap profile by one sample index; returns
    the label mismatches."""
    failures = []
    r = subprocess.run([hotlint, "--verify", prof, os.path.join("corpus", name), "--format",
                        "json", "--fail-on", "none", "--sample-index", index],
                       cwd=src, capture_output=True, text=True, timeout=120)
    if r.returncode != 0:
        raise Failure("hotlint --verify %s: exit %d\n%s" % (name, r.returncode, r.stderr))
    report = json.loads(r.stdout)
    # A program that allocates less than one sampling period in all has
    # an empty heap profile: nothing is measured, so a decoy can only be
    # required not to be confirmed. Hot labels stay strict.
    empty = report["profile"]["total"] == 0
    if empty:
        print("%s: empty heap profile (allocates less than the sampling period)" % name)
    for rule, path, line, expect in findings:
        match = [f for f in report["findings"] if f["rule"] == rule and f["line"] == line
                 and (f["file"] == path or f["file"].endswith("/" + path))]
        if not match:
            failures.append("%s:%d: no %s finding" % (path, line, rule))
            continue
        verdict = match[0]["verdict"]
        if expect == "hot":
            ok = verdict == "confirmed"
        elif empty or not strict_decoys:
            ok = verdict in ("dismissed", "not exercised", "inconclusive")
        else:
            ok = verdict in ("dismissed", "not exercised")
        print("%s %s %s:%d %s -> %s (%s cum %.1f%%)" %
              ("ok  " if ok else "FAIL", rule, path, line, expect, verdict, index,
               100 * match[0]["cum_share"]))
        if not ok:
            failures.append("%s:%d: %s labelled %s came out %s by %s" %
                            (path, line, rule, expect, verdict, index))
    return failures


def check_env(args, tmp):
    """Bad settings never change the program's output or exit status: a bad
    rate falls back to the default with a message, an unwritable path is
    named on stderr."""
    plain = run([args.prog, "5"])
    prof = os.path.join(tmp, "env.prof")
    env = {"LD_PRELOAD": args.rt, "HOTLINT_MEMPROFILE": prof, "HOTLINT_MEMPROFILE_RATE": "lots"}
    full = dict(os.environ, **env)
    r = subprocess.run([args.prog, "5"], env=full, capture_output=True, text=True, timeout=60)
    if r.returncode != 0 or r.stdout != plain:
        raise Failure("bad rate: exit %d, output %r" % (r.returncode, r.stdout))
    if "HOTLINT_MEMPROFILE_RATE=lots" not in r.stderr:
        raise Failure("bad rate: no message naming it: %r" % r.stderr)
    Summary(args, prof).check_layout(DEFAULT_RATE)
    bad = os.path.join(tmp, "no", "such", "dir", "mem.prof")
    full = dict(os.environ, LD_PRELOAD=args.rt, HOTLINT_MEMPROFILE=bad)
    r = subprocess.run([args.prog, "5"], env=full, capture_output=True, text=True, timeout=60)
    if r.returncode != 0 or r.stdout != plain:
        raise Failure("unwritable path: exit %d, output %r" % (r.returncode, r.stdout))
    if bad not in r.stderr:
        raise Failure("unwritable path: stderr does not name %s: %r" % (bad, r.stderr))
    print("bad settings: same output and exit status, messages name the setting")


def check_dlopen(args, tmp):
    """A library loaded, used, unloaded, loaded and used again at rate 1:
    every allocation is counted; the library's own function is named."""
    prof = os.path.join(tmp, "dl.prof")
    out = profiled(args, [args.prog, args.lib], prof, rate=1)
    s = Summary(args, prof)
    s.check_layout(1)
    t = truth(out)
    if s.by_site("main_alloc") != [t["main_alloc"][0], t["main_alloc"][1], 0, 0]:
        raise Failure("main_alloc: %s, want %s" % (s.by_site("main_alloc"), t["main_alloc"]))
    # The first load's frames may be unsymbolizable once it is unloaded (its
    # addresses can be reused by the second load); the second load is named.
    lib = s.by_site("lib_alloc") or [0, 0, 0, 0]
    unnamed = s.by_site("?") or [0, 0, 0, 0]
    if lib[0] < 100 or lib[0] + unnamed[0] < t["lib_alloc"][0] or lib[1] % 300:
        raise Failure("lib_alloc: %s (unnamed %s), want %s" % (lib, unnamed, t["lib_alloc"]))
    print("dlopen, dlclose, dlopen: every allocation counted, lib_alloc %s" % lib)


CHECKS = {
    "dlopen": check_dlopen,
    "env": check_env,
    "corpus": check_corpus,
    "known-exact": check_known_exact,
    "known-sampled": check_known_sampled,
    "leak": check_leak,
    "storm": check_storm,
    "pprof": check_pprof,
    "api": check_api,
    "top": check_top,
    "run": check_run,
}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("check", choices=sorted(CHECKS))
    ap.add_argument("--rt", required=True, help="libhotlint-rt.so")
    ap.add_argument("--summary", required=True, help="heap_summary")
    ap.add_argument("--prog", help="the test program")
    ap.add_argument("--runs", type=int, default=20)
    ap.add_argument("--lib", help="the library the dlopen test loads")
    args = ap.parse_args()
    tmp = tempfile.mkdtemp(prefix="hl-heap-")
    try:
        CHECKS[args.check](args, tmp)
    except Failure as e:
        print("FAIL %s: %s" % (args.check, e), file=sys.stderr)
        return 1
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
