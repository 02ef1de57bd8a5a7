"""Validates SARIF files two ways: against the SARIF 2.1.0 JSON schema (python3-jsonschema)
and with Microsoft's SARIF Multitool (`validate --rule-kind "Gh;Sarif"`: the SARIF rules and
GitHub code scanning's ingestion rules). A file passes with no schema error and no
Multitool result of level error or warning.

Both tools come from the npm package @microsoft/sarif-multitool, which
scripts/install-deps.sh installs under /opt/hotlint-test-tools (or $HOTLINT_TEST_TOOLS):
its Linux binary and the schema it carries (sarif-2.1.0.json) sit in
node_modules/@microsoft/sarif-multitool-linux/. Missing tools fail the test."""
import json
import os
import subprocess
import sys
import tempfile

import jsonschema

TOOLS = os.environ.get("HOTLINT_TEST_TOOLS", "/opt/hotlint-test-tools")
PKG = os.path.join(TOOLS, "node_modules", "@microsoft", "sarif-multitool-linux")
MULTITOOL = os.path.join(PKG, "Sarif.Multitool")
SCHEMA = os.path.join(PKG, "sarif-2.1.0.json")


def multitool_problems(path):
    """The Multitool's error and warning results for path, as printable lines."""
    with tempfile.TemporaryDirectory() as tmp:
        log = os.path.join(tmp, "validation.sarif")
        cmd = [MULTITOOL, "validate", path, "--rule-kind", "Gh;Sarif",
               "--level", "Error;Warning", "--output", log, "--log", "ForceOverwrite", "--quiet"]
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=120,
                              env={**os.environ, "DOTNET_CLI_TELEMETRY_OPTOUT": "1"})
        if not os.path.exists(log):
            return [f"{path}: the SARIF Multitool wrote no log (exit {proc.returncode}): "
                    f"{proc.stdout.strip()} {proc.stderr.strip()}"]
        with open(log) as f:
            out = json.load(f)
    problems = []
    for run in out.get("runs", []):
        for inv in run.get("invocations", []):
            for n in inv.get("toolExecutionNotifications", []) + \
                    inv.get("toolConfigurationNotifications", []):
                if n.get("level", "warning") in ("error", "warning"):
                    problems.append(f"{path}: multitool: {n['message'].get('text')}")
        rules = {r["id"]: r for r in run.get("tool", {}).get("driver", {}).get("rules", [])}
        for r in run.get("results", []):
            level = r.get("level", "warning")
            if level not in ("error", "warning"):
                continue
            msg = r.get("message", {})
            text = msg.get("text")
            if text is None:
                rule = rules.get(r.get("ruleId"), {})
                fmt = rule.get("messageStrings", {}).get(msg.get("id"), {}).get("text", "")
                args = msg.get("arguments", [])
                try:
                    text = fmt.format(*args) if fmt else " ".join(args)
                except (IndexError, KeyError):
                    text = f"{fmt} {args}"
            problems.append(f"{path}: {level} {r.get('ruleId')}: {text}")
    return problems


def main():
    missing = [p for p in (MULTITOOL, SCHEMA) if not os.path.exists(p)]
    if missing:
        print(f"{missing[0]}: not found; run scripts/install-deps.sh (it installs the SARIF "
              f"Multitool from npm under {TOOLS})")
        return 2
    with open(SCHEMA) as f:
        schema = json.load(f)
    validator = jsonschema.validators.validator_for(schema)(schema)
    failed = 0
    for path in sys.argv[1:]:
        with open(path) as f:
            doc = json.load(f)
        errors = sorted(validator.iter_errors(doc), key=lambda e: list(e.path))
        for e in errors[:20]:
            print(f"{path}: {'/'.join(str(p) for p in e.path)}: {e.message}")
        problems = multitool_problems(path)
        for p in problems:
            print(p)
        if errors or problems:
            failed += 1
        results = sum(len(r.get("results", [])) for r in doc.get("runs", []))
        print(f"{path}: {'INVALID' if errors else 'valid'} SARIF 2.1.0 ({results} results); "
              f"SARIF Multitool (Gh;Sarif): {len(problems)} errors and warnings")
        if not errors and results == 0 and os.environ.get("HL_EXPECT_RESULTS"):
            print(f"{path}: expected results, found none")
            failed += 1
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
