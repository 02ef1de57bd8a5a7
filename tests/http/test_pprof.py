# test_pprof.py - live CPU profiles over the endpoint with the real clients:
# go tool pprof -top and hotlint top on the URL, one CPU profile at a time
# (the second gets 500 with X-Go-Pprof and a text go tool pprof prints),
# tokens through both clients, and `hotlint run --http`.
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from hlhttp import Server, check, finish, request, tool_args  # noqa: E402

busy, linked, rt = tool_args()
hotlint = os.environ.get("HOTLINT")
check(hotlint and os.path.exists(hotlint), "HOTLINT names the hotlint binary")
tmp = tempfile.mkdtemp(prefix="hl-http-pprof-")
goenv = dict(os.environ, HOME=tmp, GOCACHE=os.path.join(tmp, "gocache"), PPROF_TMPDIR=tmp,
             GOFLAGS="", GOTOOLCHAIN="local")
goenv.pop("HOTLINT_HTTP_TOKEN", None)


def run(argv, env=None, timeout=60):
    p = subprocess.run(argv, env=env or goenv, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       timeout=timeout)
    return p.returncode, p.stdout.decode(errors="replace"), p.stderr.decode(errors="replace")


s = Server([busy, "--seconds", "90"], env={"HOTLINT_HTTP": "127.0.0.1:0"}, preload=rt)
check(s.addr is not None, "endpoint serves")
if not s.addr:
    s.stop()
    finish()
base = "http://%s/debug/pprof/" % s.addr

# One CPU profile at a time. The first one lasts longer than the endpoint's
# idle timeout (10 s): a connection waiting for its profile is not idle.
first = {}


def long_profile():
    first["r"] = request(s.addr, "/debug/pprof/profile?seconds=11", timeout=40)


t = threading.Thread(target=long_profile)
t.start()
time.sleep(1.5)  # the first request is collecting by now
st, h, body = request(s.addr, "/debug/pprof/profile?seconds=1")
check(st == 500 and h.get("x-go-pprof") == "1" and h.get("content-type", "").startswith(
    "text/plain") and b"already running" in body,
      "a second concurrent CPU profile gets 500, X-Go-Pprof and a text (%d %r)" % (st, body[:90]))
# What go tool pprof shows for it.
rc, out, err = run(["go", "tool", "pprof", "-top", base + "profile?seconds=1"])
check(rc != 0 and "already running" in err,
      "go tool pprof prints the server's text for the busy answer: %r" % err[-200:])
t.join()
st, h, body = first["r"]
check(st == 200 and body[:2] == b"\x1f\x8b" and h.get("content-disposition") ==
      'attachment; filename="profile"', "the first CPU profile completes as gzip")

# The real clients on the live URL.
rc, out, err = run(["go", "tool", "pprof", "-top", base + "profile?seconds=2"])
check(rc == 0 and "burn" in out and "Type: cpu" in out,
      "go tool pprof -top over the URL shows burn (rc %d): %s" % (rc, (out + err)[-300:]))
rc, out, err = run([hotlint, "top", base + "profile?seconds=2"])
check(rc == 0 and "burn" in out, "hotlint top over the URL shows burn (rc %d): %s" %
      (rc, (out + err)[-300:]))
rc, out, err = run(["go", "tool", "pprof", "-top", base + "threads"])
check(rc == 0 and "sleeper" in out and "Type: threads" in out,
      "go tool pprof -top over threads shows every thread")
# hotlint --verify joins a live profile with the program's source.
src = os.path.join(tmp, "src")
os.makedirs(src)
shutil.copy(os.path.join(os.path.dirname(os.path.abspath(__file__)), "busy_server.c"), src)
rc, out, err = run([hotlint, "--verify", base + "profile?seconds=2", src])
check(rc in (0, 1) and "profile: " + base + "profile?seconds=2" in out,
      "hotlint --verify over the URL (rc %d): %s" % (rc, (out + err)[-300:]))
rc, out, err = run([hotlint, "top", base + "nope"])
check(rc == 2 and "HTTP 404" in err, "hotlint top on a bad URL: exit 2 with the status")
s.stop()

# With a token: go tool pprof via ?token=, hotlint top via --token and the
# environment; without it, 401 explained.
TOKEN = "pprof-token-abcdef0123456789"
s = Server([busy, "--seconds", "90"],
           env={"HOTLINT_HTTP": "127.0.0.1:0", "HOTLINT_HTTP_TOKEN": TOKEN}, preload=rt)
if s.addr:
    base = "http://%s/debug/pprof/" % s.addr
    rc, out, err = run(["go", "tool", "pprof", "-top", base + "profile?seconds=1&token=" + TOKEN])
    check(rc == 0 and "Type: cpu" in out, "go tool pprof with ?token= works")
    rc, out, err = run([hotlint, "top", "--token", TOKEN, base + "profile?seconds=1"])
    check(rc == 0 and "burn" in out, "hotlint top --token works: %s" % (out + err)[-200:])
    rc, out, err = run([hotlint, "top", base + "profile?seconds=1"],
                       env=dict(goenv, HOTLINT_HTTP_TOKEN=TOKEN))
    check(rc == 0 and "burn" in out, "hotlint top with HOTLINT_HTTP_TOKEN works")
    rc, out, err = run([hotlint, "top", base + "profile?seconds=1"])
    check(rc == 2 and "HTTP 401" in err and "HOTLINT_HTTP_TOKEN" in err,
          "hotlint top without the token: exit 2, 401 explained: %r" % err[-200:])
    rc, out, err = run([hotlint, "top", base + "profile?seconds=1&token=wrong-secret"])
    check(rc == 2 and "wrong-secret" not in err, "a token in the URL is not echoed in errors")
else:
    check(False, "endpoint with a token serves")
s.stop()

# hotlint run --http passes the address to the program.
s = Server([hotlint, "run", "--http", "127.0.0.1:0", "--", busy, "--seconds", "90"])
check(s.addr is not None, "hotlint run --http starts the endpoint in the program")
if s.addr:
    st, _, body = request(s.addr, "/debug/pprof/cmdline")
    check(st == 200 and body.startswith(busy.encode()), "it is the program's endpoint")
s.stop()
shutil.rmtree(tmp, ignore_errors=True)
finish()
