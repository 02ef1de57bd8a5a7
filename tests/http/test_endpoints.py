# test_endpoints.py - every /debug/pprof/ path of a preloaded busy program:
# index, cmdline, symbol, threads, heap (off and on), 400/404/405 answers, and
# the application's own signals left to the application.
import gzip
import os
import signal
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from hlhttp import Server, check, finish, request, tool_args  # noqa: E402

busy, linked, rt = tool_args()

s = Server([busy, "--seconds", "60"], env={"HOTLINT_HTTP": "127.0.0.1:0"}, preload=rt)
check(s.addr is not None, "the preloaded endpoint serves on a free port: %r" % s.stderr[-300:])
if not s.addr:
    s.stop()
    finish()
a = s.addr

st, h, body = request(a, "/debug/pprof/")
check(st == 200 and h.get("content-type", "").startswith("text/html"), "index answers HTML")
for name in ("profile", "heap", "allocs", "threads", "cmdline", "symbol"):
    check(('href="/debug/pprof/%s' % name).encode() in body, "index lists %s" % name)
st, _, body2 = request(a, "/debug/pprof")
check(st == 200 and body2 == body, "/debug/pprof without slash is the index too")
check(b"?hz=" in body and b"?seconds=" in body, "the index documents the profile's seconds and hz")

st, h, body = request(a, "/debug/pprof/cmdline")
check(st == 200 and body == ("%s\x00--seconds\x0060" % busy).encode(),
      "cmdline is argv joined by NUL: %r" % body[:80])

# pprof's symbol protocol.
st, _, body = request(a, "/debug/pprof/symbol")
check(st == 200 and body == b"num_symbols: 1\n", "GET symbol says symbols are available")
st, _, body = request(a, "/debug/pprof/symbol", method="POST",
                      body=("%s+0x1+junk+%s" % (s.burn, s.burn)).encode())
lines = body.decode().splitlines()
check(st == 200 and lines[0] == "num_symbols: 1", "POST symbol starts with num_symbols")
check(lines[1:] == ["%s burn" % s.burn] * 2,
      "POST symbol names burn and skips unknown addresses: %r" % lines)
st, _, body = request(a, "/debug/pprof/symbol?%s" % s.burn)
check(st == 200 and body.decode().splitlines()[1:] == ["%s burn" % s.burn],
      "GET symbol?ADDR names burn")
st, _, body = request(a, "/debug/pprof/symbol", method="POST", body=b"x" * 70000)
check(st == 413, "a symbol body over 64 KiB is refused with 413 (got %d)" % st)

# Threads: text with every application thread, and a protobuf profile.
st, h, body = request(a, "/debug/pprof/threads?debug=1")
text = body.decode(errors="replace")
check(st == 200 and text.startswith("threads profile:"), "threads?debug=1 answers text")
check("\tsleeper\t" in text and "\tusr1_waiter\t" in text and "\tmain\t" in text,
      "threads?debug=1 shows the main, sleeper and sigwait threads' frames")
check("busy_server.c:" in text, "threads?debug=1 has file:line")
check(text.count("thread_name=") == 4, "four application threads in the text")
check(text.count("stack=leaf only") == 1 and "blocks signal" in text,
      "the thread blocking every signal is shown where it waits (leaf only)")
check("not captured" in text, "the endpoint's own threads are named as not captured")
st, h, body = request(a, "/debug/pprof/threads")
check(st == 200 and body[:2] == b"\x1f\x8b", "threads answers a gzip profile")
check(h.get("content-disposition") == 'attachment; filename="threads"', "threads filename")
# The protobuf decodes: sample type "threads" is in the string table.
check(b"threads" in gzip.decompress(body), "threads profile has its sample type")
st, _, body = request(a, "/debug/pprof/goroutine?debug=1")
check(st == 200 and b"\tsleeper\t" in body, "goroutine is another name for threads")

# Heap off: a clear text saying how to turn it on.
st, h, body = request(a, "/debug/pprof/heap")
check(st == 503 and b"HOTLINT_MEMPROFILE" in body and h.get("x-go-pprof") == "1",
      "heap without heap profiling: 503 naming HOTLINT_MEMPROFILE (%d %r)" % (st, body[:80]))
st, h, body = request(a, "/debug/pprof/allocs")
check(st == 503 and b"hotlint_heap_start" in body, "allocs without heap profiling: 503")

# Errors: 400 with text, 404, 405.
for q in ("seconds=abc", "seconds=0", "seconds=301", "seconds=-5", "seconds=", "hz=0",
          "seconds=99999999999999999999"):
    st, h, body = request(a, "/debug/pprof/profile?" + q)
    check(st == 400 and b"bad parameter" in body and h.get("x-go-pprof") == "1",
          "profile?%s is 400 with text" % q)
for q in ("debug=x", "debug=3"):
    st, _, body = request(a, "/debug/pprof/threads?" + q)
    check(st == 400, "threads?%s is 400" % q)
st, _, body = request(a, "/debug/pprof/profile?" + "&".join("a%d=1" % i for i in range(20)))
check(st == 400 and b"too many" in body, "more than 16 parameters is 400")
for p in ("/debug/pprof/nope", "/", "/debug/pprofx", "/debug/pprof/heap/x", "/favicon.ico"):
    st, _, body = request(a, p)
    check(st == 404, "%s is 404" % p)
for m in ("PUT", "DELETE", "OPTIONS", "PATCH"):
    st, h, _ = request(a, "/debug/pprof/", method=m)
    check(st == 405 and "GET" in h.get("allow", ""), "%s is 405 with Allow" % m)
st, _, _ = request(a, "/debug/pprof/threads", method="POST", body=b"x")
check(st == 405, "POST on threads is 405")
# DNS rebinding: a page of evil.example resolving to 127.0.0.1 sends its own
# name as Host; without a token the endpoint answers only loopback names.
for host in ("evil.example", "evil.example:%s" % a.rsplit(":", 1)[1], "10.1.2.3"):
    st, h, body = request(a, "/debug/pprof/cmdline", headers={"Host": host})
    check(st == 403 and b"localhost" in body, "Host: %s is refused with 403" % host)
for host in ("localhost:1", "127.0.0.1", "[::1]:6060"):
    st, h, body = request(a, "/debug/pprof/cmdline", headers={"Host": host})
    check(st == 200, "Host: %s is accepted" % host)
st, h, body = request(a, "/debug/pprof/cmdline", method="HEAD")
check(st == 200 and body == b"", "HEAD answers without a body")

# The application's signals stay the application's: SIGUSR1 is blocked in
# its threads and taken by sigwait(); the endpoint's threads block it too,
# otherwise the default action (terminate) could hit the process.
for i in range(5):
    # One at a time: a second SIGUSR1 sent while one is pending would merge.
    try:
        os.kill(s.proc.pid, signal.SIGUSR1)
    except ProcessLookupError:
        break  # killed by the previous one: checked below
    deadline = time.time() + 5
    while s.stdout.count(b"got SIGUSR1") <= i and time.time() < deadline and s.alive():
        s.pump(0.05)
check(s.alive(), "the program survives SIGUSR1 sent to the process")
check(s.stdout.count(b"got SIGUSR1") == 5, "sigwait() got all five SIGUSR1")

st, _, _ = request(a, "/debug/pprof/cmdline")
check(st == 200 and s.alive(), "still serving after all that")
s.stop()

# Heap on: protobuf, text, and allocs defaulting to alloc_space.
s = Server([busy, "--seconds", "60"],
           env={"HOTLINT_HTTP": "127.0.0.1:0",
                "HOTLINT_MEMPROFILE": os.path.join(os.environ.get("TMPDIR", "/tmp"),
                                                   "hl-http-heap-%d.prof" % os.getpid()),
                "HOTLINT_MEMPROFILE_RATE": "4096"},
           preload=rt)
check(s.addr is not None, "endpoint with heap profiling serves")
if s.addr:
    time.sleep(0.3)
    st, h, body = request(s.addr, "/debug/pprof/heap")
    check(st == 200 and body[:2] == b"\x1f\x8b", "heap answers a gzip profile")
    st, h, body = request(s.addr, "/debug/pprof/heap?debug=1")
    text = body.decode(errors="replace")
    check(st == 200 and text.startswith("heap profile:") and "\tburn\t" in text,
          "heap?debug=1 shows burn's allocations")
    st, h, body = request(s.addr, "/debug/pprof/allocs")
    check(st == 200 and body[:2] == b"\x1f\x8b", "allocs answers a gzip profile")
s.stop()
try:
    os.unlink(os.path.join(os.environ.get("TMPDIR", "/tmp"), "hl-http-heap-%d.prof" % os.getpid()))
except OSError:
    pass
finish()
