#!/usr/bin/python3
"""signal_safety_tags.py - every declaration in runtime/*.h (functions and
extern variables) says in its comment whether it is async-signal-safe: the
comment right above it (declarations may share one, with no blank line
between them) or one on the same lines must contain "async-signal-safe"
("Not async-signal-safe" counts too). Prints each declaration without one.
Usage: signal_safety_tags.py RUNTIME_DIR"""
import glob
import os
import re
import sys

TAG = re.compile(r"async-signal-safe", re.I)


def declarations(text):
    """(line, statement, comment) for each top-level declaration."""
    out = []
    comment = ""  # the comment block that applies to the next declaration
    depth = 0  # brace depth: struct, enum and union bodies are skipped
    stmt, stmt_line, stmt_comment = "", 0, ""
    in_comment = False
    for no, raw in enumerate(text.splitlines(), 1):
        line = raw
        if not in_comment and not stmt and not raw.strip():
            comment = ""  # a blank line ends the comment's reach
            continue
        if in_comment:
            end = line.find("*/")
            comment += " " + (line if end < 0 else line[:end])
            if end < 0:
                continue
            in_comment = False
            line = line[end + 2:]
            if not line.strip():
                continue
        if line.lstrip().startswith("#"):
            continue
        # Comments on this line (kept: a trailing comment tags its declaration).
        while True:
            start = line.find("/*")
            if start < 0:
                break
            end = line.find("*/", start + 2)
            if end < 0:
                if not stmt:
                    comment = ""
                comment += " " + line[start + 2:]
                line = line[:start]
                in_comment = True
                break
            text_c = line[start + 2:end]
            if stmt or line[:start].strip():
                stmt_comment += " " + text_c
            else:
                comment = text_c if not comment or not stmt else comment + " " + text_c
            line = line[:start] + line[end + 2:]
        line = re.sub(r"//.*", "", line)
        if depth == 0 and "{" in line:
            head = (stmt + " " + line[:line.index("{")]).strip()
            if "(" in head and not head.startswith(("typedef", "struct", "enum", "union")):
                # An inline function's definition: a declaration too.
                out.append((stmt_line if stmt else no, head, comment + " " + stmt_comment))
                stmt, comment = "", ""
                line = line[line.index("{"):]
            elif stmt or line.strip():
                pass
        rest = line
        for i, ch in enumerate(line):
            if ch == "{":
                depth += 1
            elif ch == "}":
                depth -= 1
                if depth == 0:
                    rest = line[i + 1:]  # what follows a closed body
        line = rest if rest is not line else line
        if depth > 0 or not line.strip() or line.strip().startswith("{"):
            continue
        if not stmt:
            stmt_line, stmt_comment = no, ""
        stmt += " " + line.strip()
        if stmt.rstrip().endswith(";"):
            s = stmt.strip()
            stmt = ""
            if s.startswith(("typedef", "struct", "enum", "union", "}")) or s == ";":
                continue
            if "(" in s or s.startswith("extern"):
                out.append((stmt_line, s, comment + " " + stmt_comment))
    return out


def main():
    root = sys.argv[1] if len(sys.argv) > 1 else "runtime"
    headers = sorted(glob.glob(os.path.join(root, "*.h")))
    if not headers:
        sys.exit(f"signal_safety_tags: no headers in {root}")
    missing, total = [], 0
    for h in headers:
        with open(h) as f:
            for no, stmt, comment in declarations(f.read()):
                total += 1
                if not TAG.search(comment):
                    missing.append(f"{h}:{no}: {stmt[:90]}")
    for m in missing:
        print(f"no async-signal-safe tag: {m}")
    if total < 50:
        sys.exit(f"FAIL: only {total} declarations found in {root}/*.h: is the parser broken?")
    if missing:
        sys.exit(f"FAIL: {len(missing)} of {total} declarations carry no tag")
    print(f"ok: {total} declarations in {len(headers)} headers, each tagged")


main()
