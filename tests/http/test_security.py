# test_security.py - the endpoint is never a public port by accident: a
# non-loopback bind needs the opt-in and a token, then every request needs the
# token (401 otherwise); refusals and bind failures leave the program running.
# All traffic stays on loopback: 0.0.0.0 is reached through 127.0.0.1.
import os
import socket
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from hlhttp import Server, check, finish, request, tool_args  # noqa: E402

busy, linked, rt = tool_args()
TOKEN = "s3cret-token-0123456789abcdef"


def refused(env, what, needle):
    s = Server([busy, "--seconds", "0.5"], env=env, preload=rt, expect_serving=False)
    rc = s.wait(20)
    err = s.stderr.decode(errors="replace")
    check(s.addr is None and "not serving /debug/pprof/" in err and needle in err,
          "%s: refused with a reason (%r)" % (what, err.strip()[:160]))
    check(rc == 0 and b"done" in s.stdout, "%s: the program runs on and exits 0" % what)


refused({"HOTLINT_HTTP": "0.0.0.0:0"}, "0.0.0.0 without opt-in or token", "ALLOW_REMOTE")
refused({"HOTLINT_HTTP": "0.0.0.0:0", "HOTLINT_HTTP_ALLOW_REMOTE": "1"},
        "0.0.0.0 with opt-in, no token", "HOTLINT_HTTP_TOKEN")
refused({"HOTLINT_HTTP": "0.0.0.0:0", "HOTLINT_HTTP_TOKEN": TOKEN},
        "0.0.0.0 with a token, no opt-in", "ALLOW_REMOTE=1")
refused({"HOTLINT_HTTP": "0.0.0.0:0", "HOTLINT_HTTP_ALLOW_REMOTE": "1",
         "HOTLINT_HTTP_TOKEN": "short"}, "0.0.0.0 with a short token", "too short")
refused({"HOTLINT_HTTP": "0.0.0.0:0", "HOTLINT_HTTP_ALLOW_REMOTE": "0",
         "HOTLINT_HTTP_TOKEN": TOKEN}, "0.0.0.0 with the opt-in set to 0", "ALLOW_REMOTE=1")
refused({"HOTLINT_HTTP": "example.com:6060"}, "a host name", "names are not resolved")
refused({"HOTLINT_HTTP": "127.0.0.1:99999"}, "a port out of range", "port must be")
refused({"HOTLINT_HTTP": "127.0.0.1:0", "HOTLINT_HTTP_TOKEN": "has space"},
        "a token with a space", "printable")

# A port already taken: reported, the program continues.
taken = socket.socket()
taken.bind(("127.0.0.1", 0))
taken.listen(1)
port = taken.getsockname()[1]
refused({"HOTLINT_HTTP": "127.0.0.1:%d" % port}, "a port in use", "Address already in use")
taken.close()

# With a port of its own choosing the endpoint says nothing: the program's
# output is the program's.
probe = socket.socket()
probe.bind(("127.0.0.1", 0))
free_port = probe.getsockname()[1]
probe.close()
s = Server([busy, "--seconds", "2"], env={"HOTLINT_HTTP": "127.0.0.1:%d" % free_port},
           preload=rt, expect_serving=False)
st, _, _ = request("127.0.0.1:%d" % free_port, "/debug/pprof/cmdline")
check(st == 200, "the endpoint serves on the port given")
rc = s.wait(20)
check(rc == 0 and s.stderr == b"" and s.stdout.startswith(b"burn=") and b"done" in s.stdout,
      "a started endpoint adds nothing to the program's output (stderr %r)" % s.stderr[:100])

# ":PORT" means loopback, not every interface.
s = Server([busy, "--seconds", "60"], env={"HOTLINT_HTTP": ":0"}, preload=rt)
check(s.addr is not None and s.addr.startswith("127.0.0.1:"), ":0 binds 127.0.0.1 (%r)" % s.addr)
s.stop()

# Opt-in and token on 0.0.0.0: every request needs the token.
s = Server([busy, "--seconds", "60"],
           env={"HOTLINT_HTTP": "0.0.0.0:0", "HOTLINT_HTTP_ALLOW_REMOTE": "1",
                "HOTLINT_HTTP_TOKEN": TOKEN}, preload=rt)
check(s.addr is not None and s.addr.startswith("0.0.0.0:"), "opt-in + token binds 0.0.0.0")
if s.addr:
    a = "127.0.0.1:" + s.addr.rsplit(":", 1)[1]
    bad = [
        ({}, "/debug/pprof/cmdline", "no token"),
        ({}, "/debug/pprof/nope", "no token on an unknown path (401, not 404)"),
        ({"Authorization": "Bearer wrong"}, "/debug/pprof/cmdline", "a wrong bearer token"),
        ({"Authorization": "Bearer " + TOKEN[:-1]}, "/debug/pprof/cmdline", "a token prefix"),
        ({"Authorization": "Bearer " + TOKEN + "x"}, "/debug/pprof/cmdline", "a longer token"),
        ({"Authorization": "Basic " + TOKEN}, "/debug/pprof/cmdline", "another scheme"),
        ({"Authorization": TOKEN}, "/debug/pprof/cmdline", "no scheme"),
        ({}, "/debug/pprof/cmdline?token=wrong", "a wrong ?token="),
        ({}, "/debug/pprof/cmdline?token=", "an empty ?token="),
        ({}, "/debug/pprof/cmdline?tok=" + TOKEN, "a misspelt parameter"),
    ]
    for headers, path, what in bad:
        st, h, body = request(a, path, headers=headers)
        check(st == 401 and "bearer" in h.get("www-authenticate", "").lower()
              and b"token" in body and h.get("x-go-pprof") == "1", "401 for %s" % what)
    good = [
        ({"Authorization": "Bearer " + TOKEN}, "/debug/pprof/cmdline", "a bearer token"),
        ({"Authorization": "bearer  " + TOKEN}, "/debug/pprof/cmdline", "scheme in any case"),
        ({}, "/debug/pprof/cmdline?token=" + TOKEN, "?token="),
        ({"Authorization": "Bearer wrong"}, "/debug/pprof/cmdline?token=" + TOKEN,
         "a good ?token= beside a bad header"),
    ]
    for headers, path, what in good:
        st, h, body = request(a, path, headers=headers)
        check(st == 200 and body.startswith(busy.encode()), "200 for %s" % what)
    st, _, _ = request(a, "/debug/pprof/cmdline?token=" + TOKEN, headers={"Host": "prod-7:6060"})
    check(st == 200, "with a token any Host name is fine (the token is the guard)")
    st, _, body = request(a, "/debug/pprof/?token=" + TOKEN)
    check(st == 200 and ('href="/debug/pprof/threads?debug=1&amp;token=%s"' % TOKEN).encode()
          in body and ('href="/debug/pprof/cmdline?token=%s"' % TOKEN).encode() in body,
          "the index reached with ?token= keeps it in its links")
    st, _, body = request(a, "/debug/pprof/?token=" + TOKEN.replace("-", "%2D") + "&x=<b>")
    check(st == 200 and b"<b>" not in body, "nothing of the query is echoed unescaped")
    st, _, _ = request(a, "/debug/pprof/nope?token=" + TOKEN)
    check(st == 404, "with the token an unknown path is 404")
s.stop()

# A token on loopback is enforced as well.
s = Server([busy, "--seconds", "60"],
           env={"HOTLINT_HTTP": "127.0.0.1:0", "HOTLINT_HTTP_TOKEN": "loop"}, preload=rt)
if s.addr:
    st, _, _ = request(s.addr, "/debug/pprof/cmdline")
    check(st == 401, "a token set on loopback is required too")
    st, _, _ = request(s.addr, "/debug/pprof/cmdline", headers={"Authorization": "Bearer loop"})
    check(st == 200, "and accepted")
else:
    check(False, "loopback with a token serves")
s.stop()

# fork(): the child has no endpoint and closes its copy of the listening
# socket, so the port is free again as soon as the parent is gone.
s = Server([busy, "--seconds", "60", "--fork"], env={"HOTLINT_HTTP": "127.0.0.1:0"}, preload=rt)
check(s.addr is not None and b"child=" in s.stdout, "a forking program serves")
if s.addr:
    child = int(s.stdout.split(b"child=", 1)[1].split(b"\n", 1)[0])
    st, _, _ = request(s.addr, "/debug/pprof/threads?debug=1")
    check(st == 200, "the parent serves after the fork")
    os.kill(s.proc.pid, 9)
    s.proc.wait()
    os.kill(child, 0)  # the child is still there
    probe = socket.socket()
    try:
        probe.bind(("127.0.0.1", int(s.addr.rsplit(":", 1)[1])))
        freed = True
    except OSError:
        freed = False
    probe.close()
    check(freed, "the port is free once the parent is gone, though the child lives on")
s.stop()

# Started from code: hotlint_http_start() in the linked program.
s = Server([linked, "--seconds", "60", "--start", "127.0.0.1:0"])
check(s.addr is not None, "hotlint_http_start() from code serves")
if s.addr:
    st, _, body = request(s.addr, "/debug/pprof/cmdline")
    check(st == 200 and b"--start" in body, "the linked program answers cmdline")
s.stop()
# The runtime removes HOTLINT_* from the environment at start-up; a later
# hotlint_http_start() still sees the opt-in and the token it was given.
s = Server([linked, "--seconds", "60", "--start", "0.0.0.0:0"],
           env={"HOTLINT_HTTP_ALLOW_REMOTE": "1", "HOTLINT_HTTP_TOKEN": TOKEN})
check(s.addr is not None and s.addr.startswith("0.0.0.0:"),
      "hotlint_http_start() from code uses the opt-in and token of the environment")
if s.addr:
    a = "127.0.0.1:" + s.addr.rsplit(":", 1)[1]
    st, _, _ = request(a, "/debug/pprof/cmdline")
    check(st == 401, "and requires the token")
    st, _, _ = request(a, "/debug/pprof/cmdline", headers={"Authorization": "Bearer " + TOKEN})
    check(st == 200, "and accepts it")
s.stop()

# hotlint_http_stop() closes the port; hotlint_http_start() serves again.
s = Server([linked, "--seconds", "60", "--start", "127.0.0.1:0", "--cycle"])
first = s.addr
check(first is not None, "the cycling program serves")
deadline = time.time() + 10
while b"stopped" not in s.stdout and time.time() < deadline:
    s.pump(0.1)
try:
    request(first, "/debug/pprof/cmdline", timeout=5)
    refused_after_stop = False
except OSError:
    refused_after_stop = True
check(b"stopped" in s.stdout and refused_after_stop, "after hotlint_http_stop() nobody listens")
while b"restarted" not in s.stdout and time.time() < deadline + 5:
    s.pump(0.1)
second = s.stderr.decode().split("on http://")[-1].split("/")[0]
check(b"restarted" in s.stdout, "hotlint_http_start() after stop succeeds")
if b"restarted" in s.stdout:
    st, _, body = request(second, "/debug/pprof/cmdline")
    check(st == 200 and b"--cycle" in body, "and serves again on %s" % second)
s.stop()

s = Server([linked, "--seconds", "0.5", "--start", "0.0.0.0:0"], expect_serving=False)
rc = s.wait(20)
check(rc == 0 and b"continuing without the endpoint" in s.stderr and b"done" in s.stdout,
      "hotlint_http_start() refuses 0.0.0.0 and returns -1; the program continues")
finish()
