#!/usr/bin/python3
"""http_cancel.py - /debug/pprof/profile stops when its client goes away: a
client asks for ?seconds=30 and disconnects after 1 s; a second CPU profile
must then be served within a few seconds (one runs at a time, so without the
cancellation it would be refused for the remaining 29 s)."""
import http.client
import os
import select
import socket
import subprocess
import sys
import time

HOTLINT_RT = os.environ["HOTLINT_RT"]
PROG = os.environ["SIG_WAIT"]


def fail(msg):
    print("FAIL: " + msg)
    sys.exit(1)


def main():
    env = dict(os.environ, LD_PRELOAD=HOTLINT_RT, HOTLINT_HTTP="127.0.0.1:0")
    for k in ("HOTLINT_CPUPROFILE", "HOTLINT_MEMPROFILE", "HOTLINT_HTTP_TOKEN"):
        env.pop(k, None)
    proc = subprocess.Popen([PROG, "plain"], env=env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE)
    try:
        err, addr, deadline = b"", None, time.monotonic() + 10
        while addr is None and time.monotonic() < deadline:
            if select.select([proc.stderr], [], [], 0.2)[0]:
                err += os.read(proc.stderr.fileno(), 4096)
            marker = b"serving /debug/pprof/ on http://"
            if marker in err and b"/" in err.split(marker, 1)[1]:
                addr = err.split(marker, 1)[1].split(b"/", 1)[0].decode()
        if not addr:
            fail("the endpoint did not start: %r" % err)
        host, port = addr.rsplit(":", 1)

        # The client that goes away.
        s = socket.create_connection((host, int(port)))
        s.sendall(b"GET /debug/pprof/profile?seconds=30 HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
        time.sleep(1)
        s.close()

        # The next CPU profile is served soon after.
        start = time.monotonic()
        while True:
            c = http.client.HTTPConnection(host, int(port), timeout=20)
            c.request("GET", "/debug/pprof/profile?seconds=1")
            r = c.getresponse()
            body = r.read()
            c.close()
            took = time.monotonic() - start
            if r.status == 200 and body[:2] == b"\x1f\x8b":
                break
            if took > 5:
                fail("no CPU profile %.1f s after the first client left: %d %r"
                     % (took, r.status, body[:100]))
            time.sleep(0.2)
        if took > 5:
            fail("the second profile took %.1f s" % took)
    finally:
        proc.kill()
        proc.wait()
    print("ok (second profile after %.1f s)" % took)


main()
