#!/usr/bin/python3
"""cpu_accuracy.py - at 1000 Hz the CPU profiler measures a 60/30/10 program
within 5 percentage points per function (perf events, 1 and 4 threads) of the
thread CPU time each function really took (the program measures it; it is
close to 60/30/10 on a quiet machine and may drift under load), and
its total CPU time is within 10% of what the kernel accounts (getrusage) in
both sampler modes, with 1 and 4 threads."""
import os
import re
import subprocess
import sys
import tempfile

HOTLINT = os.environ["HOTLINT"]
MIX = os.environ["CPU_MIX"]
UNITS = {"ns": 1, "us": 1e3, "ms": 1e6, "s": 1e9}
failures = []


def seconds(text):
    m = re.fullmatch(r"([0-9.]+)(ns|us|ms|s)", text)
    if not m:
        raise ValueError("not a duration: " + text)
    return float(m.group(1)) * UNITS[m.group(2)] / 1e9


def run_case(name, mode, rounds, threads, tolerance):
    with tempfile.TemporaryDirectory() as tmp:
        prof = os.path.join(tmp, "cpu.prof")
        env = dict(os.environ, HOTLINT_CPUPROFILE_MODE=mode)
        r = subprocess.run([HOTLINT, "run", "--hz", "1000", "--cpuprofile", prof, "--",
                            MIX, str(rounds), str(threads)],
                           env=env, capture_output=True, text=True, timeout=120)
        if r.returncode != 0:
            failures.append(f"{name}: exit {r.returncode}: {r.stderr}")
            return
        rusage_s = int(re.search(r"rusage_cpu_ns (\d+)", r.stdout).group(1)) / 1e9
        spent = {m.group(1): int(m.group(2))
                 for m in re.finditer(r"spent_ns (\w+) (\d+)", r.stdout)}
        truth = {fn: 100.0 * ns / sum(spent.values()) for fn, ns in spent.items()}
        top = subprocess.run([HOTLINT, "top", "--cum", "-n", "0", prof],
                             capture_output=True, text=True, timeout=60)
        if top.returncode != 0:
            failures.append(f"{name}: hotlint top exit {top.returncode}: {top.stderr}")
            return
        out = top.stdout
        if f"mode {mode}" not in out.replace("perf_event", "perf").replace("timer_create", "timer"):
            failures.append(f"{name}: the profile does not say it ran in {mode} mode:\n{out}")
        total = seconds(re.search(r"of (\S+) total", out).group(1))
        cum = {}
        for line in out.splitlines():
            f = line.split()
            if len(f) >= 6 and f[4].endswith("%"):
                cum[f[5]] = float(f[4].rstrip("%"))
        err = abs(total - rusage_s) / rusage_s
        print(f"{name}: profile {total:.3f}s, getrusage {rusage_s:.3f}s ({100 * err:.1f}% off); "
              f"cum% heavy_sixty={cum.get('heavy_sixty')} medium_thirty={cum.get('medium_thirty')} "
              f"light_ten={cum.get('light_ten')}; measured "
              + " ".join(f"{fn}={truth[fn]:.1f}" for fn in sorted(truth)))
        if err > 0.10:
            failures.append(f"{name}: total CPU {total:.3f}s vs getrusage {rusage_s:.3f}s")
        if tolerance:
            for fn, nominal in (("heavy_sixty", 60), ("medium_thirty", 30), ("light_ten", 10)):
                want = truth[fn]
                if abs(want - nominal) > 10:
                    failures.append(f"{name}: {fn} took {want:.1f}% of the CPU time, far from "
                                    f"its {nominal}% of the work: the test program is broken")
                got = cum.get(fn)
                if got is None or abs(got - want) > tolerance:
                    failures.append(f"{name}: {fn} cum {got}% (measured {want:.1f}% +/- {tolerance})\n{out}")


# perf events deliver 1000 Hz: shares within 5 pp on 800 (1 thread) and 1600
# (4 threads) samples; the spread seen here is about 1.5 pp.
run_case("perf, 1 thread", "perf", 4000, 1, 5)
run_case("perf, 4 threads", "perf", 2000, 4, 5)
# CPU-time timers fire at the kernel tick (250 Hz here): the total stays exact
# through the overrun count, but a quarter of the samples gives twice the
# spread, so the shares are only sanity-checked (10 pp) on a run of this size.
run_case("timer, 1 thread", "timer", 2500, 1, 0)
run_case("timer, 4 threads", "timer", 1500, 4, 10)



def syscall_case():
    """CPU time spent in system calls is sampled where the kernel permits it
    (the profile says so) and then counted within 10%; where it does not, the
    profile must say what it could not sample instead of losing it quietly."""
    with tempfile.TemporaryDirectory() as tmp:
        prof = os.path.join(tmp, "cpu.prof")
        env = dict(os.environ, HOTLINT_CPUPROFILE_MODE="perf")
        r = subprocess.run([HOTLINT, "run", "--hz", "1000", "--cpuprofile", prof, "--",
                            os.environ["CPU_SYSCALL"], "1500000"],
                           env=env, capture_output=True, text=True, timeout=120)
        if r.returncode != 0:
            failures.append(f"system calls: exit {r.returncode}: {r.stderr}")
            return
        rusage_s = int(re.search(r"rusage_cpu_ns (\d+)", r.stdout).group(1)) / 1e9
        out = subprocess.run([HOTLINT, "top", "--cum", "-n", "0", prof],
                             capture_output=True, text=True, timeout=60).stdout
        total = seconds(re.search(r"of (\S+) total", out).group(1))
        err = abs(total - rusage_s) / rusage_s
        print(f"system calls: profile {total:.3f}s, getrusage {rusage_s:.3f}s ({100 * err:.1f}% off)")
        with open("/proc/sys/kernel/perf_event_paranoid") as f:
            permitted = os.geteuid() == 0 or int(f.read()) <= 1
        if permitted and "system calls included" not in out:
            failures.append(f"system calls: kernel-mode sampling is permitted here, but the "
                            f"profile did not use it\n{out}")
        if "system calls included" in out:
            if err > 0.10:
                failures.append(f"system calls: total CPU {total:.3f}s vs getrusage "
                                f"{rusage_s:.3f}s\n{out}")
            if "in_system_calls" not in out:
                failures.append(f"system calls: the calling function is missing\n{out}")
        elif "user mode only" not in out or (err > 0.10 and "was not sampled" not in out):
            failures.append(f"system calls: time lost without a word in the profile\n{out}")


syscall_case()

for f in failures:
    print("FAIL:", f)
sys.exit(1 if failures else 0)
