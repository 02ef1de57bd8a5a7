"""Validates SARIF files against the official SARIF 2.1.0 JSON schema (Draft 7)."""
import json
import os
import sys

import jsonschema


def main():
    src = os.environ.get("HOTLINT_SOURCE_DIR", os.path.join(os.path.dirname(__file__), "..", ".."))
    schema_path = os.path.join(src, "..", "shared", "schemas", "sarif-schema-2.1.0.json")
    if not os.path.exists(schema_path):
        print(f"{schema_path}: SARIF schema not found (clone the repository beside shared/)")
        return 2
    with open(schema_path) as f:
        schema = json.load(f)
    validator = jsonschema.Draft7Validator(schema)
    failed = 0
    for path in sys.argv[1:]:
        with open(path) as f:
            doc = json.load(f)
        errors = sorted(validator.iter_errors(doc), key=lambda e: list(e.path))
        for e in errors[:20]:
            print(f"{path}: {'/'.join(str(p) for p in e.path)}: {e.message}")
        if errors:
            failed += 1
        results = sum(len(r.get("results", [])) for r in doc.get("runs", []))
        print(f"{path}: {'INVALID' if errors else 'valid'} SARIF 2.1.0 ({results} results)")
        if not errors and results == 0 and os.environ.get("HL_EXPECT_RESULTS"):
            print(f"{path}: expected results, found none")
            failed += 1
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
