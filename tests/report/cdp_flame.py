"""Drives headless Chromium over the DevTools protocol (a small WebSocket client on the
standard library) to check a flame graph's behaviour: hover tooltip, click zoom,
search box, reset.  usage: cdp_flame.py FLAME.svg FRAME EXPECT_RULE SEARCH"""
import base64
import json
import os
import shutil
import socket
import struct
import subprocess
import sys
import tempfile
import time
import urllib.request


class WebSocket:
    def __init__(self, url):
        assert url.startswith("ws://"), url
        hostport, path = url[5:].split("/", 1)
        host, port = hostport.rsplit(":", 1)
        self.sock = socket.create_connection((host, int(port)), timeout=30)
        key = base64.b64encode(os.urandom(16)).decode()
        self.sock.sendall((f"GET /{path} HTTP/1.1\r\nHost: {hostport}\r\nUpgrade: websocket\r\n"
                           f"Connection: Upgrade\r\nSec-WebSocket-Key: {key}\r\n"
                           "Sec-WebSocket-Version: 13\r\n\r\n").encode())
        head = b""
        while b"\r\n\r\n" not in head:
            chunk = self.sock.recv(4096)
            if not chunk:
                raise OSError("connection closed during the WebSocket handshake")
            head += chunk
        if b" 101 " not in head.split(b"\r\n", 1)[0]:
            raise OSError(f"WebSocket handshake refused: {head[:200]!r}")
        self.buf = head.split(b"\r\n\r\n", 1)[1]

    def _read(self, n):
        while len(self.buf) < n:
            chunk = self.sock.recv(65536)
            if not chunk:
                raise OSError("connection closed")
            self.buf += chunk
        out, self.buf = self.buf[:n], self.buf[n:]
        return out

    def send(self, text):
        data = text.encode()
        mask = os.urandom(4)
        n = len(data)
        if n < 126:
            head = struct.pack("!BB", 0x81, 0x80 | n)
        elif n < 65536:
            head = struct.pack("!BBH", 0x81, 0x80 | 126, n)
        else:
            head = struct.pack("!BBQ", 0x81, 0x80 | 127, n)
        self.sock.sendall(head + mask + bytes(b ^ mask[i % 4] for i, b in enumerate(data)))

    def recv(self):
        message = b""
        while True:
            b0, b1 = self._read(2)
            n = b1 & 0x7F
            if n == 126:
                (n,) = struct.unpack("!H", self._read(2))
            elif n == 127:
                (n,) = struct.unpack("!Q", self._read(8))
            payload = self._read(n)
            opcode = b0 & 0x0F
            if opcode == 8:
                raise OSError("WebSocket closed by the browser")
            if opcode in (9, 10):
                continue
            message += payload
            if b0 & 0x80:
                return message.decode()


class Page:
    def __init__(self, ws):
        self.ws, self.next_id = ws, 0

    def call(self, method, **params):
        self.next_id += 1
        self.ws.send(json.dumps({"id": self.next_id, "method": method, "params": params}))
        while True:
            msg = json.loads(self.ws.recv())
            if msg.get("id") == self.next_id:
                if "error" in msg:
                    raise RuntimeError(f"{method}: {msg['error']}")
                return msg["result"]

    def js(self, expr):
        r = self.call("Runtime.evaluate", expression=expr, returnByValue=True)
        if "exceptionDetails" in r:
            raise RuntimeError(f"{expr}: {r['exceptionDetails']}")
        return r["result"].get("value")

    def mouse(self, kind, x, y, **extra):
        self.call("Input.dispatchMouseEvent", type=kind, x=x, y=y, **extra)


def main():
    svg, frame, rule, term = sys.argv[1:5]
    profile_dir = tempfile.mkdtemp(prefix="hl-cdp-")
    proc = subprocess.Popen(
        ["/usr/bin/chromium", "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
         "--no-first-run", "--disable-background-networking", "--disable-component-update",
         "--disable-sync", f"--user-data-dir={profile_dir}", "--remote-debugging-port=0",
         "--window-size=1200,800", "file://" + os.path.abspath(svg)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    passed, failed = 0, 0

    def check(ok, what):
        nonlocal passed, failed
        print(("ok: " if ok else "FAIL: ") + what)
        if ok:
            passed += 1
        else:
            failed += 1

    try:
        port_file = os.path.join(profile_dir, "DevToolsActivePort")
        for _ in range(300):
            if os.path.exists(port_file) and open(port_file).read().strip():
                break
            time.sleep(0.1)
        port = open(port_file).read().split()[0]
        targets = []
        for _ in range(100):
            targets = json.load(urllib.request.urlopen(f"http://127.0.0.1:{port}/json/list"))
            targets = [t for t in targets if t.get("type") == "page" and t["url"].startswith("file:")]
            if targets:
                break
            time.sleep(0.1)
        page = Page(WebSocket(targets[0]["webSocketDebuggerUrl"]))
        for _ in range(100):
            if page.js("document.documentElement.getAttribute('data-ready')") == "1":
                break
            time.sleep(0.1)
        box = page.js(f"""(function(){{var g=[].slice.call(document.querySelectorAll('g.f'))
            .filter(function(g){{return g.getAttribute('data-n')==={json.dumps(frame)};}})[0];
            if(!g)return null;var r=g.querySelector('rect').getBoundingClientRect();
            return {{x:r.x,y:r.y,w:r.width,h:r.height}};}})()""")
        check(box is not None and box["w"] > 5, f"frame {frame} is drawn ({box})")
        cx, cy = box["x"] + min(box["w"] / 2, 40), box["y"] + box["h"] / 2

        page.mouse("mouseMoved", cx, cy)
        tip = page.js("""(function(){var t=document.getElementById('tip');
            return {shown:t.style.display!=='none',text:document.getElementById('tiptext').textContent};})()""")
        check(tip["shown"], "hover shows the tooltip")
        text = tip["text"]
        check(frame in text and ".c:" in text and "flat " in text and "cum " in text,
              f"tooltip has function, file:line, flat and cum: {text[:160]!r}")
        check(f"confirmed: {rule}" in text, f"tooltip names the confirmed rule {rule}")

        page.js("document.getElementById('search').focus()")
        page.call("Input.insertText", text=term)
        matches = page.js("document.documentElement.getAttribute('data-matches')")
        label = page.js("document.getElementById('matched').textContent")
        check(matches is not None and int(matches) >= 1 and label.startswith("Matched: "),
              f"search box highlights {term}: {matches} frames, {label!r}")

        # Zoom into the widest frame narrower than the graph, a highlighted one if any.
        target = page.js("""(function(){var best=null,hits=document.querySelectorAll('g.f.hit');
            [].slice.call(hits).concat([].slice.call(document.querySelectorAll('g.f'))).forEach(function(g){
              if(best&&best.hit&&!g.classList.contains('hit'))return;
              var r=g.querySelector('rect').getBoundingClientRect();
              if(r.width<1000&&r.width>4&&(!best||r.width>best.w))
                best={n:g.getAttribute('data-n'),x:r.x+Math.min(r.width/2,20),y:r.y+r.height/2,w:r.width,
                      hit:g.classList.contains('hit')};});
            return best;})()""")
        check(target is not None, f"a highlighted frame narrower than the graph: {target}")
        page.mouse("mousePressed", target["x"], target["y"], button="left", clickCount=1)
        page.mouse("mouseReleased", target["x"], target["y"], button="left", clickCount=1)
        zoomed = page.js("document.documentElement.getAttribute('data-zoomed')")
        width = page.js("""(function(){var z=document.documentElement.getAttribute('data-zoomed');
            var g=[].slice.call(document.querySelectorAll('g.f')).filter(function(g){
              return g.getAttribute('data-n')===z&&g.style.display!=='none';})[0];
            return g?g.querySelector('rect').getBoundingClientRect().width:0;})()""")
        hidden = page.js("[].slice.call(document.querySelectorAll('g.f')).filter(function(g){return g.style.display==='none';}).length")
        check(zoomed == target["n"] and width > 1100 and hidden > 0,
              f"click zooms {target['n']} from {target['w']:.0f}px to {width:.0f}px ({hidden} frames hidden)")

        rb = page.js("""(function(){var r=document.querySelector('#reset rect').getBoundingClientRect();
            return {x:r.x+r.width/2,y:r.y+r.height/2};})()""")
        page.mouse("mousePressed", rb["x"], rb["y"], button="left", clickCount=1)
        page.mouse("mouseReleased", rb["x"], rb["y"], button="left", clickCount=1)
        zoomed = page.js("document.documentElement.getAttribute('data-zoomed')")
        hidden = page.js("[].slice.call(document.querySelectorAll('g.f')).filter(function(g){return g.style.display==='none';}).length")
        check(zoomed is None and hidden == 0, f"reset restores every frame ({hidden} hidden)")
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
        shutil.rmtree(profile_dir, ignore_errors=True)
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
