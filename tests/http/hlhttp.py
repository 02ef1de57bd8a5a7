# hlhttp.py - helpers shared by the /debug/pprof/ tests: start busy_server with
# the endpoint on a free loopback port, make requests, check answers.
import http.client
import os
import select
import signal
import subprocess
import sys
import time

FAILS = []


def check(cond, what):
    """Records a failed expectation (the test goes on, and fails at the end)."""
    if cond:
        print("ok   " + what)
    else:
        print("FAIL " + what)
        FAILS.append(what)


def finish():
    if FAILS:
        print("%d failed expectation(s)" % len(FAILS))
        sys.exit(1)
    print("all expectations met")
    sys.exit(0)


class Server:
    """busy_server with the endpoint; addr is HOST:PORT once it serves."""

    def __init__(self, argv, env=None, preload=None, expect_serving=True, timeout=15):
        e = dict(os.environ)
        for k in ("HOTLINT_HTTP", "HOTLINT_HTTP_TOKEN", "HOTLINT_HTTP_ALLOW_REMOTE",
                  "HOTLINT_MEMPROFILE", "HOTLINT_CPUPROFILE", "LD_PRELOAD"):
            e.pop(k, None)
        e.update(env or {})
        if preload:
            e["LD_PRELOAD"] = preload
        # A session of its own, so that stop() also ends the children of a
        # wrapper such as `hotlint run`.
        self.proc = subprocess.Popen(argv, env=e, stdout=subprocess.PIPE,
                                     stderr=subprocess.PIPE, start_new_session=True)
        self.stderr = b""
        self.stdout = b""
        self.addr = None
        deadline = time.time() + timeout
        # Wait for the program's first line (burn=0x...) and, when expected,
        # the endpoint's "serving ... on http://ADDR/" line on stderr.
        while time.time() < deadline:
            if b"burn=" in self.stdout and b"\n" in self.stdout.split(b"burn=", 1)[1]:
                if not expect_serving or self.addr:
                    break
            self._pump(0.2)
            if b"serving /debug/pprof/ on http://" in self.stderr and not self.addr:
                rest = self.stderr.split(b"serving /debug/pprof/ on http://", 1)[1]
                if b"/" in rest:
                    self.addr = rest.split(b"/", 1)[0].decode()
            if self.proc.poll() is not None:
                self._pump(0)
                break
        self.burn = None
        if b"burn=" in self.stdout:
            self.burn = self.stdout.split(b"burn=", 1)[1].split(b"\n", 1)[0].decode()

    def _pump(self, wait):
        fds = [f for f in (self.proc.stdout, self.proc.stderr) if f and not f.closed]
        r, _, _ = select.select(fds, [], [], wait)
        for f in r:
            data = os.read(f.fileno(), 65536)
            if f is self.proc.stdout:
                self.stdout += data
            else:
                self.stderr += data

    def pump(self, seconds):
        end = time.time() + seconds
        while time.time() < end:
            self._pump(0.05)

    def alive(self):
        return self.proc.poll() is None

    def stop(self):
        try:
            os.killpg(self.proc.pid, signal.SIGKILL)
        except OSError:
            pass
        out, err = self.proc.communicate(timeout=10)
        self.stdout += out or b""
        self.stderr += err or b""

    def wait(self, timeout):
        try:
            out, err = self.proc.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            out, err = self.proc.communicate()
        self.stdout += out or b""
        self.stderr += err or b""
        return self.proc.returncode


def request(addr, path, method="GET", body=None, headers=None, timeout=30):
    """Returns (status, headers dict with lower-case keys, body bytes)."""
    host, port = addr.rsplit(":", 1)
    c = http.client.HTTPConnection(host.strip("[]"), int(port), timeout=timeout)
    try:
        c.request(method, path, body=body, headers=headers or {})
        r = c.getresponse()
        data = r.read()
        return r.status, {k.lower(): v for k, v in r.getheaders()}, data
    finally:
        c.close()


def tool_args():
    """busy_server, busy_server_linked, libhotlint-rt.so from the command line."""
    if len(sys.argv) < 4:
        print("usage: %s BUSY BUSY_LINKED LIBHOTLINT_RT" % sys.argv[0])
        sys.exit(2)
    return sys.argv[1], sys.argv[2], sys.argv[3]
