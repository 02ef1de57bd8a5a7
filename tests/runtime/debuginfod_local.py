#!/usr/bin/python3
"""debuginfod_local.py - symbolizing a profile at exit looks for debug files
locally only. A copy of a test program whose debug information was moved to
a separate file (found by .gnu_debuglink) is symbolized with lines; a copy
with no debug file anywhere, whose build id a debuginfod server could be
asked for, is profiled at once with DEBUGINFOD_URLS naming a closed port, and
nothing connects to a server that accepts and never answers."""
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time

HOTLINT = os.environ["HOTLINT"]
PROG = os.environ["CPU_LIBC"]


def fail(msg):
    print("FAIL: " + msg)
    sys.exit(1)


def run(*cmd):
    subprocess.run(cmd, check=True)


def profile(tmp, prog, name, urls):
    env = dict(os.environ, DEBUGINFOD_URLS=urls, DEBUGINFOD_TIMEOUT="5",
               DEBUGINFOD_CACHE_PATH=os.path.join(tmp, "cache"))
    out = os.path.join(tmp, name)
    start = time.monotonic()
    try:
        r = subprocess.run([HOTLINT, "run", "--hz", "1000", "--cpuprofile", out, "--", prog],
                           env=env, stdout=subprocess.PIPE, timeout=60)
    except subprocess.TimeoutExpired:
        fail("%s: the profiled program hung at exit (a debuginfod server asked?)" % name)
    took = time.monotonic() - start
    if r.returncode != 0 or r.stdout != b"done\n":
        fail("%s: exit %d, output %r" % (name, r.returncode, r.stdout))
    if not os.path.exists(out):
        fail("%s: no profile written" % name)
    top = subprocess.run([HOTLINT, "top", "--lines", out], stdout=subprocess.PIPE, text=True,
                         check=True).stdout
    return top, took


def main():
    with tempfile.TemporaryDirectory() as tmp:
        linked = os.path.join(tmp, "linked")
        bare = os.path.join(tmp, "bare")
        shutil.copy(PROG, linked)
        run("objcopy", "--only-keep-debug", linked, linked + ".debug")
        run("strip", "--strip-debug", linked)
        run("objcopy", "--add-gnu-debuglink=" + linked + ".debug", linked)
        shutil.copy(PROG, bare)
        run("strip", "--strip-debug", bare)

        # The debug file beside the program, by its .gnu_debuglink.
        top, took = profile(tmp, linked, "linked.prof", "http://127.0.0.1:9/")
        if "burn" not in top or "cpu_libc.c:" not in top:
            fail("debuglink: no lines from linked.debug:\n" + top)

        # No debug file: a closed port costs nothing, names come from .symtab.
        top, took = profile(tmp, bare, "closed.prof", "http://127.0.0.1:9/")
        if took > 10:
            fail("closed port: the run took %.1f s" % took)
        if "burn" not in top:
            fail("closed port: the profile is not symbolized:\n" + top)

        # A server that accepts and never answers: no one may connect.
        srv = socket.socket()
        srv.bind(("127.0.0.1", 0))
        srv.listen(16)
        srv.settimeout(0.2)
        conns, stop = [], threading.Event()

        def accept():
            while not stop.is_set():
                try:
                    conns.append(srv.accept()[0])
                except OSError:
                    pass

        t = threading.Thread(target=accept)
        t.start()
        try:
            top, took = profile(tmp, bare, "silent.prof",
                                "http://127.0.0.1:%d/" % srv.getsockname()[1])
        finally:
            stop.set()
            t.join()
            for c in conns:
                c.close()
            srv.close()
        if conns:
            fail("%d connection(s) to the debuginfod server at exit" % len(conns))
        if took > 10:
            fail("silent server: the run took %.1f s" % took)
        if "burn" not in top:
            fail("silent server: the profile is not symbolized:\n" + top)
    print("ok")


main()
