#!/usr/bin/env python3
"""structure.py - the code's shape, as docs/ARCHITECTURE.md states it:

- every #include of another folder's header names it as "../folder/x.h" (one
  include style), and goes along an arrow of the dependency graph written in
  ARCHITECTURE.md between the include-graph markers;
- no C file outside tests/ and corpus/ is over 650 lines, and no function in
  one is over 120 lines (clang-format puts a function's braces in column 0).

usage: structure.py SOURCE_DIR"""
import os
import re
import sys

MAX_FILE_LINES = 650
MAX_FUNCTION_LINES = 120


def allowed_graph(root):
    text = open(os.path.join(root, "docs", "ARCHITECTURE.md"), encoding="utf-8").read()
    m = re.search(r"<!-- include-graph -->\s*```\n(.*?)```", text, re.S)
    if not m:
        sys.exit("FAIL: docs/ARCHITECTURE.md has no include-graph block")
    graph = {}
    for line in m.group(1).splitlines():
        if "->" not in line:
            continue
        src, dsts = line.split("->", 1)
        graph[src.strip()] = set(dsts.split())
    return graph


def main():
    root = sys.argv[1]
    graph = allowed_graph(root)
    failures = []
    checked_files = checked_includes = 0
    for folder in sorted(graph):
        path = os.path.join(root, folder)
        if not os.path.isdir(path):
            failures.append(f"{folder}/: named in ARCHITECTURE.md but missing")
            continue
        for dirpath, _, names in os.walk(path):
            for name in sorted(names):
                if not name.endswith((".c", ".h")):
                    continue
                file = os.path.join(dirpath, name)
                rel = os.path.relpath(file, root)
                lines = open(file, encoding="utf-8", errors="replace").read().split("\n")
                checked_files += 1
                for no, line in enumerate(lines, 1):
                    m = re.match(r'\s*#\s*include\s+"([^"]+)"', line)
                    if not m:
                        continue
                    inc = m.group(1)
                    checked_includes += 1
                    here = os.path.dirname(file)
                    target = os.path.normpath(os.path.join(here, inc))
                    if os.path.exists(target):
                        dest = os.path.relpath(target, root).split(os.sep)[0]
                    else:
                        dest = None  # generated (protobuf) or system-style: not a folder edge
                    if dest and dest != folder:
                        if not inc.startswith("../"):
                            failures.append(f"{rel}:{no}: include another folder's header as "
                                            f'"../{dest}/{os.path.basename(inc)}"')
                        if dest not in graph.get(folder, set()):
                            failures.append(f"{rel}:{no}: {folder} -> {dest} is not an arrow of "
                                            "the include graph in docs/ARCHITECTURE.md")
                if name.endswith(".c"):
                    if len(lines) - 1 > MAX_FILE_LINES:
                        failures.append(f"{rel}: {len(lines) - 1} lines (at most {MAX_FILE_LINES})")
                    start = None
                    for no, line in enumerate(lines, 1):
                        if line.startswith("{"):
                            start = no
                        elif line.startswith("}") and start:
                            if no - start + 1 > MAX_FUNCTION_LINES:
                                failures.append(f"{rel}:{start}: a function of {no - start + 1} "
                                                f"lines (at most {MAX_FUNCTION_LINES})")
                            start = None
    for f in failures:
        print("FAIL:", f)
    print(f"{checked_files} files, {checked_includes} includes checked; {len(failures)} problems")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
