#!/usr/bin/python3
"""End-to-end cases of `hotlint lint`: one function per ctest test (cases.py NAME)."""
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time

import jsonschema

HOTLINT = os.environ["HOTLINT"]
SRC = os.environ["HOTLINT_SOURCE_DIR"]
HERE = os.path.dirname(os.path.abspath(__file__))
DATA = os.path.join(HERE, "data")
failures = []


_staged = None


def staged_hotlint():
    """A copy of hotlint, its analyzer and the rules that any user can reach
    (tests/stage_unprivileged.sh), made once."""
    global _staged
    if _staged is None:
        d = tempfile.mkdtemp()
        os.chmod(d, 0o755)
        subprocess.run(["bash", os.path.join(HERE, "..", "stage_unprivileged.sh"),
                        os.path.join(d, "bin")], check=True)
        _staged = os.path.join(d, "bin")
    return _staged


def run(args, cwd=None, user=None):
    cmd, env = [HOTLINT] + args, None
    if user is not None:
        stage = staged_hotlint()
        env = dict(os.environ, HOTLINT_RULES_DIR=os.path.join(stage, "rules"))
        cmd = ["setpriv", f"--reuid={user}", f"--regid={user}", "--clear-groups",
               os.path.join(stage, "hotlint")] + args
    return subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True, timeout=120)


def check(what, cond, detail=""):
    if not cond:
        failures.append(f"{what} {detail}".rstrip())


def lint_json(args, cwd=None):
    r = run(["--format", "json"] + args, cwd=cwd)
    try:
        return r, json.loads(r.stdout)
    except ValueError:
        failures.append(f"not JSON for {args}: {r.stdout!r} {r.stderr!r}")
        return r, {"findings": [], "errors": []}


def case_json_schema():
    with open(os.path.join(HERE, "lint-output.schema.json")) as f:
        schema = json.load(f)
    rules = os.path.join(SRC, "tests", "rules")
    r, out = lint_json(["HL001.c", "HL003.c", "HL006.c", "--", "-isystem", "sysinc", "-D_GNU_SOURCE"],
                       cwd=rules)
    check("exit 1 with findings", r.returncode == 1, r.stderr)
    jsonschema.validate(out, schema)
    contract = ["rule", "name", "severity", "file", "line", "column", "end_line", "end_column",
                "function", "loop", "callee", "message", "fix"]
    f0 = out["findings"][0]
    check("contract keys in order", list(f0)[:len(contract)] == contract, str(list(f0)))
    check("first finding", (f0["rule"], f0["file"], f0["line"], f0["column"], f0["callee"],
                            f0["function"]) == ("HL001", "HL001.c", 15, 9, "snprintf", "positives"),
          str(f0))
    check("loop of the first finding", f0["loop"] == {"start_line": 14, "end_line": 15, "depth": 1},
          str(f0["loop"]))
    check("end column after the call", f0["end_line"] == 15 and f0["end_column"] > f0["column"])
    nested = [f for f in out["findings"] if f["file"] == "HL001.c" and f["line"] == 24]
    check("nested loop depth (the constant inner loop does not count)",
          nested and nested[0]["loop"]["depth"] == 1, str(nested))
    chain = [f for f in out["findings"] if f["file"] == "HL003.c" and f["line"] == 25]
    check("a chain outside any loop has loop null", chain and chain[0]["loop"] is None, str(chain))
    check("family", all(f["family"] for f in out["findings"]))
    r, out = lint_json(["clean.c"], cwd=DATA)
    check("clean: exit 0", r.returncode == 0, r.stderr)
    check("clean: empty lists", out == {"version": 1, "findings": [], "errors": []}, str(out))
    jsonschema.validate(out, schema)


def case_text_format():
    r = run(["--no-color", "findings.c"], cwd=DATA)
    check("exit 1", r.returncode == 1)
    lines = r.stdout.splitlines()
    check("compiler-style line", lines[0] == "findings.c:7:14: warning: malloc allocates on every "
          "iteration of this loop [HL002 alloc-in-loop, warm]", lines[0] if lines else "")
    check("source line", lines[1] == "        free(malloc(16));", repr(lines[1:2]))
    check("caret under the call", lines[2] == "             ^~~~~~~~~~", repr(lines[2:3]))
    check("no colour when not a terminal", "\033[" not in r.stdout)
    check("summary on stderr", r.stderr.startswith("hotlint: 1 finding (1 HL002) in 1 file"),
          r.stderr)
    r = run(["--color", "findings.c"], cwd=DATA)
    check("--color forces colour", "\033[" in r.stdout)
    r = run(["--quiet", "findings.c"], cwd=DATA)
    check("--quiet: no summary", r.stderr == "", r.stderr)
    r = run(["lint", "--no-color", "findings.c"], cwd=DATA)
    check("'hotlint lint' is the same", r.returncode == 1 and "findings.c:7:14" in r.stdout)


def case_exit_codes():
    check("clean: 0", run(["clean.c"], cwd=DATA).returncode == 0)
    check("findings: 1", run(["findings.c"], cwd=DATA).returncode == 1)
    r = run(["--bogus-option", "clean.c"], cwd=DATA)
    check("unknown option: 2", r.returncode == 2 and "unknown option '--bogus-option'" in r.stderr,
          r.stderr)
    r = run(["--format", "yaml", "clean.c"], cwd=DATA)
    check("unknown format: 2", r.returncode == 2 and "yaml" in r.stderr, r.stderr)
    r = run(["-j", "many", "clean.c"], cwd=DATA)
    check("bad -j: 2", r.returncode == 2 and "-j" in r.stderr, r.stderr)
    r = run(["-p"], cwd=DATA)
    check("-p without a value: 2", r.returncode == 2 and "needs a value" in r.stderr, r.stderr)
    r = run(["--help"])
    check("--help: 0", r.returncode == 0 and "usage: hotlint" in r.stdout)


def case_errors():
    tmp = tempfile.mkdtemp()
    try:
        r = run(["does/not/exist.c"], cwd=tmp)
        check("missing path: 2", r.returncode == 2, r.stderr)
        check("missing path named", "does/not/exist.c: no such file or directory" in r.stderr,
              r.stderr)
        os.mkdir(os.path.join(tmp, "empty"))
        os.mkdir(os.path.join(tmp, "empty", "sub"))
        with open(os.path.join(tmp, "empty", "notes.txt"), "w") as f:
            f.write("no C here\n")
        r = run(["empty"], cwd=tmp)
        check("empty tree: 2", r.returncode == 2, r.stderr)
        check("empty tree message", "nothing to lint: no C files (.c) under empty" in r.stderr,
              r.stderr)
        with open(os.path.join(tmp, "notes.txt"), "w") as f:
            f.write("text\n")
        r = run(["notes.txt"], cwd=tmp)
        check("non-C file: 2", r.returncode == 2, r.stderr)
        check("non-C file named",
              "notes.txt: not a C source file (expected a .c or .h file)" in r.stderr, r.stderr)
        with open(os.path.join(tmp, "blob.c"), "wb") as f:
            f.write(b"\x7fELF\x02\x01\x01\x00\x00\x00binary")
        r = run(["blob.c"], cwd=tmp)
        check("binary file: 2", r.returncode == 2, r.stderr)
        check("binary file named", "blob.c: binary file, not C source" in r.stderr, r.stderr)
        secret = os.path.join(tmp, "secret.c")
        shutil.copy(os.path.join(DATA, "findings.c"), secret)
        os.chmod(secret, 0)
        os.chmod(tmp, 0o755)
        # root reads anything: drop to an unprivileged user for this case
        r = run(["secret.c"], cwd=tmp, user=65534 if os.geteuid() == 0 else None)
        check("unreadable file: 2", r.returncode == 2, r.stderr)
        check("unreadable file named", "secret.c: cannot read: Permission denied" in r.stderr,
              r.stderr)
        # A file that does not parse: its errors are shown, the others still analyzed.
        mixed = os.path.join(tmp, "mixed")
        os.mkdir(mixed)
        for name in ("broken.c", "findings.c"):
            shutil.copy(os.path.join(DATA, name), mixed)
        r, out = lint_json(["mixed"], cwd=tmp)
        check("parse error: 2", r.returncode == 2, r.stderr)
        check("parse error reported with file and line",
              any(e.startswith("mixed/broken.c:4:18: error: expected ';'") for e in out["errors"]),
              str(out["errors"]))
        check("the other file still analyzed",
              [(f["file"], f["line"]) for f in out["findings"]] == [("mixed/findings.c", 7)],
              str(out["findings"]))
        r = run(["--no-color", "mixed"], cwd=tmp)
        check("text: errors on stderr", "mixed/broken.c:4:18: error:" in r.stderr, r.stderr)
        check("text: findings still printed", "mixed/findings.c:7:14: warning:" in r.stdout)
        # A missing header is a diagnostic, not a crash; the rest of the file counts.
        r, out = lint_json(["missing_header.c"], cwd=DATA)
        check("missing header: 2", r.returncode == 2, r.stderr)
        check("missing header diagnostic",
              len(out["errors"]) == 1 and out["errors"][0].startswith("missing_header.c:2:10: ")
              and out["errors"][0].endswith("error: 'no_such_header_hotlint.h' file not found"),
              str(out["errors"]))
        check("missing header: the loop still found",
              [(f["rule"], f["line"]) for f in out["findings"]] == [("HL001", 8)],
              str(out["findings"]))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def case_resource_headers():
    r, out = lint_json(["resource.c"], cwd=DATA)
    check("stddef.h/stdarg.h found without flags", r.returncode == 0 and not out["errors"],
          str(out["errors"]) + r.stderr)


def write(path, text):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as f:
        f.write(text)


def case_compdb():
    tmp = tempfile.mkdtemp()
    try:
        write(os.path.join(tmp, "include", "cfg.h"), "#define ROUNDS 100\n")
        write(os.path.join(tmp, "src", "a.c"),
              '#include <stdio.h>\n#include "cfg.h"\nvoid f(char *b)\n{\n#ifdef HOT\n'
              '    for (int i = 0; i < ROUNDS; i++)\n        snprintf(b, 8, "%d", i);\n#endif\n}\n')
        # Not in the database: included by a built file, or not built at all.
        write(os.path.join(tmp, "src", "extra.c"),
              '#include <stdlib.h>\nvoid g(int n) { while (n--) free(malloc(1)); }\n')
        db = [{"directory": tmp, "file": "src/a.c",
               "arguments": ["cc", "-Iinclude", "-DHOT", "-c", "src/a.c", "-o", "a.o"]}]
        write(os.path.join(tmp, "build", "compile_commands.json"), json.dumps(db))
        r, out = lint_json(["-p", "build", "src"], cwd=tmp)
        check("-p: flags from the database", r.returncode == 1 and not out["errors"],
              str(out["errors"]))
        check("-p: finding under -DHOT; a directory means the files the database lists",
              [(f["file"], f["line"]) for f in out["findings"]] == [("src/a.c", 7)],
              str(out["findings"]))
        r, out = lint_json(["-p", "build", "src", "src/extra.c"], cwd=tmp)
        check("-p: a file named explicitly is linted even if unlisted",
              sorted(f["file"] for f in out["findings"]) == ["src/a.c", "src/extra.c"],
              str(out["findings"]))
        r, out = lint_json(["src"], cwd=tmp)
        check("auto-detect ./build/compile_commands.json",
              r.returncode == 1 and len(out["findings"]) == 1, r.stderr + str(out))
        shutil.move(os.path.join(tmp, "build", "compile_commands.json"),
                    os.path.join(tmp, "compile_commands.json"))
        r, out = lint_json([], cwd=tmp)
        check("auto-detect ./compile_commands.json, no path means .",
              r.returncode == 1 and [f["file"] for f in out["findings"]] == ["src/a.c"],
              r.stderr + str(out))
        r = run(["-p", "nowhere", "src"], cwd=tmp)
        check("-p to a directory without a database: 2",
              r.returncode == 2 and "nowhere/compile_commands.json: no such file" in r.stderr,
              r.stderr)
        os.remove(os.path.join(tmp, "compile_commands.json"))
        r, out = lint_json(["src"], cwd=tmp)
        check("no database: default flags (cfg.h not found, HOT unset)",
              r.returncode == 2 and "'cfg.h' file not found" in " ".join(out["errors"]),
              str(out))
        os.remove(os.path.join(tmp, "src", "extra.c"))
        r, out = lint_json(["src", "--", "-Iinclude", "-DHOT"], cwd=tmp)
        check("flags after --", r.returncode == 1 and len(out["findings"]) == 1 and
              not out["errors"], str(out))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def case_header_once():
    r, out = lint_json(["header"], cwd=DATA)
    got = [(f["file"], f["line"], f["function"]) for f in out["findings"]]
    check("one finding for a header included twice",
          got == [("header/shared.h", 7, "shared_format")], str(got))


def case_outside_scope():
    # Only files named or under a named directory are reported: linting
    # header/a.c alone still reports shared.h? No: shared.h is not under a.c.
    r, out = lint_json(["header/a.c"], cwd=DATA)
    check("header outside the named paths is not reported",
          r.returncode == 0 and out["findings"] == [], str(out))


def case_jobs():
    for target in ("corpus", os.path.join("tests", "rules")):
        # --no-cache: both runs really parse (a cached re-run would compare nothing)
        r1 = run(["--no-cache", "--format", "json", "-j1", target], cwd=SRC)
        r2 = run(["--no-cache", "--format", "json", "-j2", target], cwd=SRC)
        check(f"{target}: -j1 and -j2 identical", r1.stdout == r2.stdout and r1.stdout,
              f"{len(r1.stdout)} vs {len(r2.stdout)}")
        t1 = run(["--no-cache", "--no-color", "-j1", target], cwd=SRC)
        t2 = run(["--no-cache", "--no-color", "-j2", target], cwd=SRC)
        check(f"{target}: text -j1 and -j2 identical", t1.stdout == t2.stdout and t1.stdout)


def case_discovery():
    tmp = tempfile.mkdtemp()
    try:
        body = '#include <stdlib.h>\nvoid f(int n) { for (int i = 0; i < n; i++) free(malloc(1)); }\n'
        write(os.path.join(tmp, "src", "a.c"), body)
        write(os.path.join(tmp, ".hidden", "h.c"), body)
        write(os.path.join(tmp, "build", "gen.c"), body)
        write(os.path.join(tmp, "out", "CMakeCache.txt"), "")
        write(os.path.join(tmp, "out", "gen.c"), body)
        os.symlink(tmp, os.path.join(tmp, "src", "loop"))  # a symlink loop
        r, out = lint_json(["."], cwd=tmp)
        check("hidden and build directories skipped, symlink loop survived",
              [f["file"] for f in out["findings"]] == ["src/a.c"], str(out) + r.stderr)
        r, out = lint_json(["src/a.c", "src", "./src/a.c"], cwd=tmp)
        check("a file named twice is linted once", len(out["findings"]) == 1, str(out))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def case_progress():
    # Progress goes to stderr only when it is a terminal (a pseudo-terminal via
    # script(1) here) and the run is long: HOTLINT_PROGRESS_AFTER=0 makes any
    # run long enough, so the test does not depend on the machine's speed.
    tmp = tempfile.mkdtemp()
    try:
        for i in range(40):
            write(os.path.join(tmp, "t", f"f{i:03d}.c"),
                  f"#include <stdio.h>\nint f{i}(void) {{ return {i}; }}\n")
        env = dict(os.environ, HOTLINT_PROGRESS_AFTER="0")
        r = subprocess.run(["script", "-qec", f"{HOTLINT} -j1 t", "/dev/null"], cwd=tmp,
                           capture_output=True, text=True, timeout=120, env=env)
        check("progress line on a terminal", "hotlint: parsed " in r.stdout and "/40 files (" in r.stdout,
              repr(r.stdout[-300:]))
        check("progress line cleared, summary follows", "\033[Khotlint: 0 findings in 40 files" in r.stdout,
              repr(r.stdout[-200:]))
        r = subprocess.run([HOTLINT, "-j1", "t"], cwd=tmp, capture_output=True, text=True, env=env)
        check("no progress when stderr is not a terminal", "parsed" not in r.stderr, r.stderr)
        r = subprocess.run(["script", "-qec", f"{HOTLINT} -q -j1 t", "/dev/null"], cwd=tmp,
                           capture_output=True, text=True, timeout=120, env=env)
        check("no progress with --quiet", "parsed" not in r.stdout, repr(r.stdout))
        r = subprocess.run(["script", "-qec", f"{HOTLINT} -j1 t", "/dev/null"], cwd=tmp,
                           capture_output=True, text=True, timeout=120,
                           env=dict(os.environ, HOTLINT_PROGRESS_AFTER="1000"))
        check("no progress on a short run", "parsed" not in r.stdout, repr(r.stdout))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)

def case_context():
    """Headers and included .c files named alone, with a compile database."""
    tmp = tempfile.mkdtemp()
    try:
        write(os.path.join(tmp, "include", "cfg.h"), "#define ROUNDS 100\n")
        # ev.c is the only translation unit; it includes ev.h and the fragment ev_impl.c.
        write(os.path.join(tmp, "src", "ev.c"),
              '#include <stdio.h>\n#include <stdlib.h>\n#include "cfg.h"\n'
              'typedef struct state { char buf[16]; } state_t;\n'
              '#include "ev.h"\n#include "ev_impl.c"\n'
              'void ev_run(char *b)\n{\n    for (int i = 0; i < ROUNDS; i++)\n'
              '        sprintf(b, "%d", i);\n}\n')
        write(os.path.join(tmp, "src", "ev.h"),
              '#include "inner.h"\nstatic inline void ev_fill(state_t *s)\n{\n'
              '    for (int i = 0; i < ROUNDS; i++)\n'
              '        snprintf(s->buf, sizeof s->buf, "%d", i);\n}\n')
        # Reached only through ev.h: found through the files next to it.
        write(os.path.join(tmp, "src", "inner.h"),
              'static inline void ev_inner(state_t *s)\n{\n    for (int i = 0; i < ROUNDS; i++)\n'
              '        free(malloc(sizeof *s));\n}\n')
        write(os.path.join(tmp, "src", "ev_impl.c"),
              'static void ev_poll(state_t *s, int n)\n{\n    while (n--)\n'
              '        snprintf(s->buf, sizeof s->buf, "%d", n);\n}\n')
        # Included by nothing, and not C on its own.
        write(os.path.join(tmp, "src", "orphan.h"), "static unknown_t orphan;\n")
        write(os.path.join(tmp, "src", "other.c"),
              '#include <stdlib.h>\nvoid g(int n) { while (n--) free(malloc(1)); }\n')
        db = [{"directory": tmp, "file": f"src/{f}",
               "arguments": ["cc", "-Iinclude", "-c", f"src/{f}", "-o", f"{f}.o"]}
              for f in ("ev.c", "other.c")]
        write(os.path.join(tmp, "build", "compile_commands.json"), json.dumps(db))

        def sites(out):
            return [(f["file"], f["line"], f["rule"]) for f in out["findings"]]

        for cache in (["--no-cache"], ["--cache-dir", os.path.join(tmp, "cache")],
                      ["--cache-dir", os.path.join(tmp, "cache")]):
            r, out = lint_json(["-p", "build", "src/ev_impl.c"] + cache, cwd=tmp)
            check(f"fragment {cache}: analysed inside ev.c, only its own findings",
                  r.returncode == 1 and not out["errors"] and
                  sites(out) == [("src/ev_impl.c", 4, "HL001")], r.stderr + str(out))
            r, out = lint_json(["-p", "build", "src/ev.h"] + cache, cwd=tmp)
            check(f"header {cache}: analysed inside ev.c",
                  r.returncode == 1 and not out["errors"] and
                  sites(out) == [("src/ev.h", 5, "HL001")], r.stderr + str(out))
        r, out = lint_json(["-p", "build", "src/inner.h", "--no-cache"], cwd=tmp)
        check("a header included through another header",
              r.returncode == 1 and sites(out) == [("src/inner.h", 4, "HL002")],
              r.stderr + str(out))
        # Auto-detected database (build/), text output: no parse errors shown.
        r = run(["--no-cache", "src/ev_impl.c", "src/ev.h"], cwd=tmp)
        check("auto-detected database: no errors", r.returncode == 1 and "error" not in r.stderr
              and "src/ev.c" not in r.stdout, r.stdout + r.stderr)
        r = run(["--no-cache", "-p", "build", "src/orphan.h"], cwd=tmp)
        warn = [line for line in r.stderr.splitlines() if "warning:" in line]
        check("an unanalysable header: exit 0", r.returncode == 0, r.stdout + r.stderr)
        check("one warning line naming the file, why and what to pass",
              len(warn) == 1 and "src/orphan.h: not analysed" in warn[0] and
              "unknown type name 'unknown_t'" in warn[0] and "-p BUILD-DIR" in warn[0] and
              " -- " in warn[0], r.stderr)
        check("no error lines for it", not [line for line in r.stderr.splitlines()
                                             if "error" in line and "warning:" not in line],
              r.stderr)
        r, out = lint_json(["--no-cache", "-p", "build", "src/orphan.h", "src/other.c"], cwd=tmp)
        check("findings elsewhere still decide the exit status",
              r.returncode == 1 and sites(out) == [("src/other.c", 2, "HL002")] and
              not out["errors"], r.stderr + str(out))
        r = run(["--no-cache", "-p", "build", "src/orphan.h", "--", "-Dunknown_t=int"], cwd=tmp)
        check("flags after -- make it analysable", r.returncode == 0 and "warning" not in r.stderr,
              r.stderr)
        # Without a database nothing changes: a fragment alone is an error.
        shutil.rmtree(os.path.join(tmp, "build"))
        r, out = lint_json(["--no-cache", "src/ev_impl.c"], cwd=tmp)
        check("no database: the fragment's parse errors fail the run",
              r.returncode == 2 and any("unknown type name 'state_t'" in e for e in out["errors"]),
              str(out))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def git(cwd, *args):
    env = dict(os.environ, GIT_AUTHOR_NAME="t", GIT_AUTHOR_EMAIL="t@example.invalid",
               GIT_COMMITTER_NAME="t", GIT_COMMITTER_EMAIL="t@example.invalid",
               GIT_CONFIG_GLOBAL="/dev/null", GIT_CONFIG_NOSYSTEM="1")
    subprocess.run(["git"] + list(args), cwd=cwd, env=env, check=True, capture_output=True)


def case_diff():
    """--diff [REV]: only the findings the change touches."""
    tmp = tempfile.mkdtemp()
    try:
        repo = os.path.join(tmp, "repo")
        k = os.path.join(repo, "src", "k.c")
        body = ('#include <stdio.h>\nvoid keys(char *b, int n)\n{\n'
                '    for (int i = 0; i < n; i++)\n        snprintf(b, 8, "%d", i);\n}\n')
        write(k, body)
        write(os.path.join(repo, "notes.txt"), "x\n")
        git(repo, "init", "-q")
        git(repo, "add", "-A")
        git(repo, "commit", "-q", "-m", "one")
        outside = os.path.join(tmp, "outside")
        write(os.path.join(outside, "a.c"), body)
        r = run(["--diff", "a.c"], cwd=outside)
        check("outside a git repository: 2 with a message",
              r.returncode == 2 and "not in a git repository" in r.stderr, r.stderr)
        r = run(["--diff", "no-such-rev", "src/k.c"], cwd=repo)
        check("a bad revision: 2 naming it",
              r.returncode == 2 and "'no-such-rev' is neither a commit" in r.stderr, r.stderr)
        r = run(["--no-cache", "--diff", "src/k.c"], cwd=repo)
        check("nothing staged: the old finding is not reported",
              r.returncode == 0 and "1 finding on lines the change does not touch" in r.stderr,
              r.stderr)
        write(k, body.replace("void keys", "/* a comment */\nvoid keys"))
        git(repo, "add", "src/k.c")
        r, out = lint_json(["--no-cache", "--diff", "src/k.c"], cwd=repo)
        check("a staged comment-only edit: 0", r.returncode == 0 and out["findings"] == [],
              r.stderr + str(out))
        r, out = lint_json(["--no-cache", "src/k.c"], cwd=repo)
        check("without --diff the finding is there", r.returncode == 1, str(out))
        write(k, body.replace("void keys", "/* a comment */\nvoid keys")
              .replace("i < n; i++", "i < n; i += 1"))
        r, out = lint_json(["--no-cache", "--diff", "src/k.c"], cwd=repo)
        check("an unstaged change is not part of --diff", r.returncode == 0, str(out))
        r, out = lint_json(["--no-cache", "--diff", "HEAD", "src/k.c"], cwd=repo)
        check("--diff HEAD: the working tree; a changed loop header counts",
              r.returncode == 1 and [f["line"] for f in out["findings"]] == [6], str(out))
        r, out = lint_json(["--no-cache", "--diff=HEAD", "k.c"], cwd=os.path.join(repo, "src"))
        check("--diff=REV from a subdirectory: paths meet the repository's",
              r.returncode == 1 and [f["file"] for f in out["findings"]] == ["k.c"], str(out))
        git(repo, "add", "src/k.c")
        git(repo, "commit", "-q", "-m", "two")
        r, out = lint_json(["--no-cache", "--diff", "HEAD~1", "src/k.c"], cwd=repo)
        check("--diff HEAD~1 after the commit", r.returncode == 1, str(out))
        # No path: the changed C files only.
        write(os.path.join(repo, "src", "new.c"),
              '#include <string.h>\nvoid c(char *d, const char *s, int n)\n{\n'
              '    while (n--)\n        strcat(d, s);\n}\n')
        write(os.path.join(repo, "src", "untouched.c"), body)
        git(repo, "add", "src/new.c")
        write(os.path.join(repo, "notes.txt"), "y\n")
        git(repo, "add", "notes.txt")
        r, out = lint_json(["--no-cache", "--diff"], cwd=repo)
        check("--diff without paths lints the changed C files",
              r.returncode == 1 and [(f["file"], f["rule"]) for f in out["findings"]] ==
              [("src/new.c", "HL005")], r.stderr + str(out))
        git(repo, "reset", "-q")
        r, out = lint_json(["--no-cache", "--diff"], cwd=repo)
        check("--diff with nothing staged and no paths: 0", r.returncode == 0 and
              out["findings"] == [] and not out["errors"], r.stderr + str(out))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


name = sys.argv[1]
globals()["case_" + name]()
for f in failures:
    print("FAIL:", f)
print(f"{name}: {'FAIL' if failures else 'ok'}")
sys.exit(1 if failures else 0)
