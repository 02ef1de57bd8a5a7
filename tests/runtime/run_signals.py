#!/usr/bin/python3
"""run_signals.py - `hotlint run` passes SIGINT, SIGTERM, SIGHUP, SIGQUIT,
SIGUSR1 and SIGUSR2 sent to it on to the program and ends as the program
ends: with its exit status when it handles the signal (and the CPU profile
is still written), killed by the same signal when it does not. Ctrl-C on a
terminal, which the kernel sends to both, does the same."""
import os
import pty
import signal
import subprocess
import sys
import tempfile
import time

HOTLINT = os.environ["HOTLINT"]
PROG = os.environ["SIG_WAIT"]
FORWARDED = [signal.SIGINT, signal.SIGTERM, signal.SIGHUP, signal.SIGQUIT, signal.SIGUSR1,
             signal.SIGUSR2]


def fail(msg):
    print("FAIL: " + msg)
    sys.exit(1)


def run_and_signal(args, sig, prof):
    p = subprocess.Popen([HOTLINT, "run", "--hz", "1000", "--cpuprofile", prof, "--", PROG]
                         + args, stdout=subprocess.PIPE)
    if p.stdout.readline() != b"ready\n":
        p.kill()
        fail("%s: the program did not start" % args)
    time.sleep(0.3)  # some CPU samples first
    p.send_signal(sig)
    try:
        rc = p.wait(timeout=30)
    except subprocess.TimeoutExpired:
        p.kill()
        fail("%s: hotlint run still running after %s" % (args, sig.name))
    p.stdout.close()
    return rc


def ctrl_c_on_terminal(args):
    """Runs hotlint run on a pseudo-terminal, types Ctrl-C; its exit code
    (negative: killed by that signal)."""
    pid, fd = pty.fork()
    if pid == 0:
        os.execv(HOTLINT, [HOTLINT, "run", "--", PROG] + args)
    out, deadline = b"", time.monotonic() + 10
    while b"ready" not in out and time.monotonic() < deadline:
        try:
            out += os.read(fd, 100)
        except OSError:
            break
    if b"ready" not in out:
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
        fail("terminal %s: the program did not start: %r" % (args, out))
    time.sleep(0.3)
    os.write(fd, b"\x03")
    for _ in range(300):
        done, st = os.waitpid(pid, os.WNOHANG)
        if done:
            os.close(fd)
            return os.waitstatus_to_exitcode(st)
        time.sleep(0.1)
    os.kill(pid, signal.SIGKILL)
    os.waitpid(pid, 0)
    fail("terminal %s: hotlint run still running after Ctrl-C" % args)


def main():
    with tempfile.TemporaryDirectory() as tmp:
        for sig in FORWARDED:
            marker = os.path.join(tmp, "got-" + sig.name)
            prof = os.path.join(tmp, sig.name + ".prof")
            rc = run_and_signal(["trap", marker], sig, prof)
            if rc != 7:
                fail("%s: hotlint exited %d, the program's status is 7" % (sig.name, rc))
            if not os.path.exists(marker) or open(marker).read().strip() != str(int(sig)):
                fail("%s: the program did not get the signal" % sig.name)
            top = subprocess.run([HOTLINT, "top", prof], stdout=subprocess.PIPE, text=True)
            if top.returncode != 0 or "burn" not in top.stdout:
                fail("%s: no valid profile after the program handled the signal" % sig.name)
        for sig in (signal.SIGTERM, signal.SIGINT, signal.SIGUSR1):
            prof = os.path.join(tmp, "plain.prof")
            rc = run_and_signal(["plain"], sig, prof)
            if rc != -sig:
                fail("plain %s: hotlint ended with %d, not killed by %s" % (sig.name, rc, sig.name))
        marker = os.path.join(tmp, "got-tty")
        rc = ctrl_c_on_terminal(["trap", marker])
        if rc != 7 or not os.path.exists(marker) or open(marker).read().strip() != "2":
            fail("terminal Ctrl-C with a handler: exit %d" % rc)
        rc = ctrl_c_on_terminal(["plain"])
        if rc != -signal.SIGINT:
            fail("terminal Ctrl-C without a handler: hotlint ended with %d" % rc)
    print("ok")


main()
