#!/usr/bin/env python3
"""craft.py - writes hostile and edge-case pprof profiles for the robustness tests.

  craft.py bomb OUT          ~32 KB gzip of millions of empty Function entries
  craft.py big OUT N         a real-looking CPU profile of N samples (5 frames each)
  craft.py deep OUT N        one sample whose stack is N distinct frames deep
  craft.py overflow OUT      values that sum past INT64_MAX
  craft.py empty OUT         sample types but no samples
  craft.py members OUT       the same profile as two concatenated gzip members
  craft.py garbage OUT       a gzip profile followed by bytes that are not gzip
"""
import gzip
import random
import sys
import zlib


def varint(v):
    v &= (1 << 64) - 1
    out = bytearray()
    while True:
        b = v & 0x7F
        v >>= 7
        if v:
            out.append(b | 0x80)
        else:
            out.append(b)
            return bytes(out)


def field(num, payload):
    if isinstance(payload, int):
        return varint(num << 3) + varint(payload)
    return varint(num << 3 | 2) + varint(len(payload)) + payload


def packed(num, values):
    return field(num, b"".join(varint(v) for v in values))


class Profile:
    def __init__(self):
        self.strings = [""]
        self.index = {"": 0}
        self.parts = []

    def s(self, text):
        if text not in self.index:
            self.index[text] = len(self.strings)
            self.strings.append(text)
        return self.index[text]

    def types(self, *pairs):
        for t, u in pairs:
            self.parts.append(field(1, field(1, self.s(t)) + field(2, self.s(u))))

    def function(self, fid, name, filename):
        self.parts.append(
            field(5, field(1, fid) + field(2, self.s(name)) + field(4, self.s(filename))))

    def location(self, lid, fid, line):
        self.parts.append(field(4, field(1, lid) + field(4, field(1, fid) + field(2, line))))

    def sample(self, locs, values):
        self.parts.append(field(2, packed(1, locs) + packed(2, values)))

    def encode(self):
        body = b"".join(self.parts)
        body += field(11, field(1, self.s("cpu")) + field(2, self.s("nanoseconds")))
        body += field(12, 10000000)
        return body + b"".join(field(6, s.encode()) for s in self.strings)


def cpu_profile():
    p = Profile()
    p.types(("samples", "count"), ("cpu", "nanoseconds"))
    return p


def small():
    p = cpu_profile()
    for i in range(1, 6):
        p.function(i, "fn%d" % i, "src/f%d.c" % i)
        p.location(i, i, 10 * i)
    for i in range(100):
        p.sample([1 + i % 5, 5], [1, 10000000])
    return p.encode()


def main():
    mode, out = sys.argv[1], sys.argv[2]
    data = None
    if mode == "bomb":
        p = cpu_profile()
        head = p.encode()
        # An empty Function is 2 bytes (tag, length 0); ~1000:1 under deflate.
        n = 16 << 20
        z = zlib.compressobj(9, zlib.DEFLATED, 31)
        data = z.compress(head) + z.compress(b"\x2a\x00" * n) + z.flush()
    elif mode == "big":
        n = int(sys.argv[3])
        p = cpu_profile()
        rnd = random.Random(1)
        nf = 2000
        for i in range(1, nf + 1):
            p.function(i, "function_%d" % i, "src/module%d.c" % (i % 50))
            p.location(i, i, 1 + i % 400)
        for _ in range(n):
            p.sample([rnd.randint(1, nf) for _ in range(5)], [1, 10000000])
        data = gzip.compress(p.encode(), 6)
    elif mode == "deep":
        n = int(sys.argv[3])
        p = cpu_profile()
        for i in range(1, n + 1):
            p.function(i, "frame%d" % i, "deep.c")
            p.location(i, i, i)
        p.sample(list(range(1, n + 1)), [1, 10000000])
        p.sample([n // 2, n], [1, 10000000])
        data = gzip.compress(p.encode())
    elif mode == "overflow":
        p = cpu_profile()
        p.function(1, "hot", "hot.c")
        p.location(1, 1, 3)
        p.function(2, "main", "main.c")
        p.location(2, 2, 7)
        big = (1 << 62) + 12345
        for _ in range(3):  # 3 * 2^62 > INT64_MAX
            p.sample([1, 2], [1 << 61, big])
        p.sample([2], [1 << 61, big])
        data = gzip.compress(p.encode())
    elif mode == "empty":
        data = gzip.compress(cpu_profile().encode())
    elif mode == "members":
        plain = small()
        half = len(plain) // 2
        data = gzip.compress(plain[:half]) + gzip.compress(plain[half:])
    elif mode == "garbage":
        data = gzip.compress(small()) + b"this is not gzip"
    elif mode == "plain":
        data = gzip.compress(small())
    else:
        sys.exit("craft.py: unknown mode " + mode)
    with open(out, "wb") as f:
        f.write(data)


if __name__ == "__main__":
    main()
