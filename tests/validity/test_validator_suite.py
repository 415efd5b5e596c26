#!/usr/bin/env python3
"""The validator (`iatk validate`) against the official JSON Schema Test Suite.

Every test of the draft-04, -06 and -07 groups (Debian's json-schema-test-suite)
is run through `iatk validate --file`; iatk's verdict must equal the suite's.
refRemote.json and groups whose $ref names another document (the metaschema)
are skipped: iatk resolves references within the document only.
"""
import glob
import json
import os
import subprocess
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor

IATK = os.environ["IATK"]
SUITE = "/usr/share/json-schema-test-suite/tests"
DIALECTS = {
    "draft4": "http://json-schema.org/draft-04/schema#",
    "draft6": "http://json-schema.org/draft-06/schema#",
    "draft7": "http://json-schema.org/draft-07/schema#",
}


def strings_under(node, key):
    if isinstance(node, dict):
        for k, v in node.items():
            if k == key and isinstance(v, str):
                yield v
            yield from strings_under(v, key)
    elif isinstance(node, list):
        for v in node:
            yield from strings_under(v, key)


def needs_remote(schema):
    """True when a $ref names a document that is not inside the schema."""
    ids = {i.split("#")[0] for key in ("$id", "id") for i in strings_under(schema, key)}
    return any(r.startswith("http") and r.split("#")[0] not in ids
               for r in strings_under(schema, "$ref"))


def cases():
    for draft, uri in DIALECTS.items():
        for path in sorted(glob.glob(f"{SUITE}/{draft}/*.json")):
            if os.path.basename(path) == "refRemote.json":
                continue
            for group in json.load(open(path)):
                schema = group["schema"]
                if needs_remote(schema):
                    continue
                if isinstance(schema, dict) and "$schema" not in schema:
                    schema = dict(schema, **{"$schema": uri})
                for test in group["tests"]:
                    name = f"{draft}/{os.path.basename(path)}: {group['description']}: {test['description']}"
                    yield name, schema, test["data"], test["valid"]


def verdict(case):
    name, schema, data, valid = case
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as f:
        json.dump(schema, f)
    try:
        p = subprocess.run([IATK, "validate", "-q", "--file", f.name, "-"],
                           input=json.dumps(data), capture_output=True, text=True, timeout=30)
    finally:
        os.unlink(f.name)
    if p.returncode not in (0, 8):
        return name, f"iatk failed with status {p.returncode}: {p.stderr.strip()}"
    if (p.returncode == 0) != valid:
        return name, f"expected {'valid' if valid else 'invalid'}: {p.stderr.strip()}"
    return name, None


def main():
    with ThreadPoolExecutor(max_workers=4) as pool:
        results = list(pool.map(verdict, cases()))
    failures = [(n, why) for n, why in results if why]
    for name, why in failures:
        print(f"FAIL {name}: {why}")
    print(f"{len(results) - len(failures)} passed, {len(failures)} failed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
