# test_garbage.py - a bounded garbage run against the endpoint: several
# thousand malformed requests (bad methods, broken request lines, huge headers
# and URLs, bad parameters, lying bodies, random bytes, slow and silent
# clients) on loopback. The program must stay up, keep working, and answer a
# valid request afterwards; the silent client must be dropped by the server.
import os
import random
import socket
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from hlhttp import Server, check, finish, request, tool_args  # noqa: E402

busy, linked, rt = tool_args()
rng = random.Random(6060)  # deterministic mix

s = Server([busy, "--seconds", "120"], env={"HOTLINT_HTTP": "127.0.0.1:0"}, preload=rt)
check(s.addr is not None, "endpoint serves")
if not s.addr:
    s.stop()
    finish()
host, port = s.addr.rsplit(":", 1)
port = int(port)
statuses = {}


def send_raw(data, read_timeout=2.0):
    """Sends data, closes the write side, returns the status code or None."""
    c = socket.socket()
    c.settimeout(read_timeout)
    try:
        c.connect((host, port))
        c.sendall(data)
        c.shutdown(socket.SHUT_WR)
        got = b""
        while len(got) < 64:
            b = c.recv(4096)
            if not b:
                break
            got += b
    except OSError:
        got = b""
    finally:
        c.close()
    code = None
    if got.startswith(b"HTTP/1.") and len(got) >= 12 and got[9:12].isdigit():
        code = int(got[9:12])
    statuses[code] = statuses.get(code, 0) + 1
    return code


def req(line, headers=(), body=b""):
    return line + b"\r\n" + b"".join(h + b"\r\n" for h in headers) + b"\r\n" + body


PATHS = [b"/debug/pprof/", b"/debug/pprof/cmdline", b"/debug/pprof/symbol",
         b"/debug/pprof/threads", b"/debug/pprof/heap", b"/debug/pprof/profile?seconds=0",
         b"/nope"]  # a valid profile request would hold its connection for seconds
# Bad values of known parameters (each must be refused before any work) and
# junk query strings (on an endpoint that ignores unknown parameters).
BAD_QUERIES = [b"profile?seconds=abc", b"profile?seconds=0", b"profile?seconds=301",
               b"profile?seconds=1e9", b"profile?seconds=%zz", b"profile?seconds=%00",
               b"threads?debug=-1", b"threads?debug=1" + b"&debug=1" * 50, b"profile?hz=0",
               b"threads?debug=99999999999999999999", b"profile?seconds=x&seconds=1",
               b"profile?seconds=" + b"9" * 100, b"heap?debug=%ff"]
JUNK_QUERIES = [b"%%%%", b"a=" + b"%" * 300, b"\xff\xfe", b"&&&&&&&", b"=" * 20, b"%00=%00",
                b"a" * 20000]


def garbage():
    k = rng.randrange(12)
    p = rng.choice(PATHS)
    if k == 0:  # bad methods
        m = rng.choice([b"FOO", b"G\x00T", b"get", b"X" * 5000, b"PUT", b"TRACE", b"CONNECT"])
        return req(m + b" " + p + b" HTTP/1.1", [b"Host: 127.0.0.1"])
    if k == 1:  # broken request lines
        return rng.choice([b"GET\r\n\r\n", b"GET " + p + b"\r\n\r\n", b"GET  HTTP/1.1\r\n\r\n",
                           b"GET " + p + b" HTTP/9.9\r\nHost: x\r\n\r\n", b"\r\n\r\n\r\n",
                           b"GET " + p + b" HTTP/1.1\nHost: x\n\n", b" / HTTP/1.1\r\n\r\n"])
    if k == 2:  # huge header value
        return req(b"GET " + p + b" HTTP/1.1", [b"Host: 127.0.0.1", b"X-Big: " + b"a" * 100000])
    if k == 3:  # many headers
        return req(b"GET " + p + b" HTTP/1.1",
                   [b"Host: 127.0.0.1"] + [b"X-%d: y" % i for i in range(3000)])
    if k == 4:  # huge URL
        return req(b"GET /debug/pprof/" + b"a" * 70000 + b" HTTP/1.1", [b"Host: 127.0.0.1"])
    if k == 5:  # bad parameters
        if rng.randrange(2):
            return req(b"GET /debug/pprof/" + rng.choice(BAD_QUERIES) + b" HTTP/1.1",
                       [b"Host: 127.0.0.1", b"Connection: close"])
        return req(b"GET /debug/pprof/cmdline?" + rng.choice(JUNK_QUERIES) + b" HTTP/1.1",
                   [b"Host: 127.0.0.1", b"Connection: close"])
    if k == 6:  # lying Content-Length, short body
        return req(b"POST /debug/pprof/symbol HTTP/1.1",
                   [b"Host: 127.0.0.1", b"Content-Length: %d" % rng.choice([10, 1000, 10 ** 12, -1])],
                   b"0x1+")
    if k == 7:  # broken chunked body
        return req(b"POST /debug/pprof/symbol HTTP/1.1",
                   [b"Host: 127.0.0.1", b"Transfer-Encoding: chunked"],
                   rng.choice([b"zz\r\nabc\r\n0\r\n\r\n", b"ffffffffffffffff\r\nab",
                               b"5\r\n0x1+0x2\r\n0\r\n\r\n", b"-1\r\n"]))
    if k == 8:  # random bytes
        return bytes(rng.randrange(256) for _ in range(rng.randrange(1, 2000)))
    if k == 9:  # bad header syntax
        return req(b"GET " + p + b" HTTP/1.1",
                   rng.choice([[b"NoColon"], [b": empty"], [b"Host x"], [b"\x00\x01: \x02"],
                               [b"Host: 127.0.0.1", b" folded continuation"],
                               [b"Host: 127.0.0.1", b"Content-Length: abc"],
                               [b"Host: 127.0.0.1", b"Content-Length: 1", b"Content-Length: 2"],
                               [b"Host: evil.example"], [b"Host: [::1"], [b"Host: " + b"h" * 300]]))
    if k == 10:  # a symbol body over the limit
        return req(b"POST /debug/pprof/symbol HTTP/1.1",
                   [b"Host: 127.0.0.1", b"Content-Length: 70000"], b"0x1+" * 17500)
    # pipelined: a valid request followed by junk
    return req(b"GET /debug/pprof/cmdline HTTP/1.1", [b"Host: 127.0.0.1"]) + b"\x00\xff junk\r\n\r\n"


def patient(addr, path):
    """A valid request, retried briefly: while garbage connections are being
    torn down the per-address connection limit may refuse a new one."""
    for _ in range(40):
        try:
            st, _, body = request(addr, path, timeout=10)
            return st, body
        except OSError:
            time.sleep(0.05)
    return None, b""


# A client that connects and never sends: the server must drop it after its
# idle timeout (10 s) even while the rest goes on.
silent = socket.socket()
silent.connect((host, port))
t_silent = time.time()

# Slow clients: a few connections trickle a request byte by byte meanwhile.
slow = []
for i in range(5):
    c = socket.socket()
    c.connect((host, port))
    c.setblocking(False)
    slow.append([c, b"GET /debug/pprof/cmdline HTTP/1.1\r\nHost: x\r\n\r\n", 0])

N = 3000
t0 = time.time()
for i in range(N):
    send_raw(garbage())
    if i % 10 == 0:
        for sc in slow:
            if sc[2] < len(sc[1]):
                try:
                    sc[0].send(sc[1][sc[2]:sc[2] + 1])
                    sc[2] += 1
                except OSError:
                    sc[2] = len(sc[1])
    if i % 500 == 0:  # real work in the middle of it
        st, body = patient(s.addr, "/debug/pprof/threads?debug=1")
        check(st == 200 and b"\tsleeper\t" in body, "threads works during the run (%d)" % i)
elapsed = time.time() - t0
for sc in slow:
    sc[0].close()
print("%d malformed requests in %.1f s; statuses %s" % (N, elapsed, sorted(
    statuses.items(), key=lambda kv: -kv[1])))

check(s.alive(), "the program is still running")
check(statuses.get(400, 0) > 100, "malformed requests got 400s")
check(statuses.get(405, 0) > 50, "bad methods got 405s")
check(statuses.get(403, 0) > 10, "requests naming another host got 403s")
check(statuses.get(413, 0) + statuses.get(431, 0) + statuses.get(414, 0) > 50,
      "oversized requests got 413/414/431")
# 501 (unknown method) and 505 (HTTP/9.9) are libmicrohttpd's right answers;
# 503 is heap profiling being off. Anything else in 5xx would be a fault.
check(not any(k is not None and k >= 500 and k not in (501, 503, 505) for k in statuses),
      "no server error from garbage (%s)" % statuses)

# The silent client is dropped once its idle timeout has passed.
wait = t_silent + 13 - time.time()
if wait > 0:
    time.sleep(wait)
silent.settimeout(3)
try:
    dropped = silent.recv(1) == b""
except socket.timeout:
    dropped = False
except OSError:
    dropped = True
silent.close()
check(dropped, "a silent connection is closed by the server after its idle timeout")

st, h, body = request(s.addr, "/debug/pprof/cmdline")
check(st == 200 and body.startswith(busy.encode()), "a valid request succeeds afterwards")
st, h, body = request(s.addr, "/debug/pprof/symbol", method="POST", body=s.burn.encode())
check(st == 200 and body.endswith(b" burn\n"), "symbol still resolves afterwards")
check(s.alive(), "and the program is still running")
s.stop()
finish()
