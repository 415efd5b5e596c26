#!/usr/bin/env python3
"""The validator (`iatk validate`) against the official JSON Schema Test Suite.

Every test of the suite's draft groups is run through `iatk validate --file`;
iatk's verdict must equal the suite's.  Debian's json-schema-test-suite has
draft-04, -06 and -07; a newer copy of the suite (JSON_SCHEMA_TEST_SUITE=its
tests/ folder) adds draft 2019-09 and 2020-12.  refRemote.json and groups
whose references name another document (the metaschema, the suite's remotes)
are skipped: iatk resolves references within the document only.  Tests the
validator fails on purpose are listed, with the reason, in
validator_suite_known_failures.json; one of them that passes fails the run
until it is taken off the list.
"""
import glob
import json
import os
import subprocess
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import urljoin

IATK = os.environ["IATK"]
HERE = os.path.dirname(os.path.abspath(__file__))
SUITE = os.environ.get("JSON_SCHEMA_TEST_SUITE", "/usr/share/json-schema-test-suite/tests")
KNOWN = os.path.join(HERE, "validator_suite_known_failures.json")
DIALECTS = {
    "draft4": "http://json-schema.org/draft-04/schema#",
    "draft6": "http://json-schema.org/draft-06/schema#",
    "draft7": "http://json-schema.org/draft-07/schema#",
    "draft2019-09": "https://json-schema.org/draft/2019-09/schema",
    "draft2020-12": "https://json-schema.org/draft/2020-12/schema",
}
DATA_KEYWORDS = {"enum", "const", "examples", "default"}
REF_KEYWORDS = ("$ref", "$dynamicRef", "$recursiveRef")


def needs_remote(schema):
    """True when a reference names a document that is not inside the schema
    (relative references resolved against the ids in force, as iatk does)."""
    ids, refs = {""}, []

    def walk(node, base):
        if isinstance(node, list):
            for v in node:
                walk(v, base)
        if not isinstance(node, dict):
            return
        own = node.get("$id", node.get("id"))
        if isinstance(own, str):
            base = urljoin(base, own)
            ids.add(base.split("#")[0])
        refs.extend(urljoin(base, node[k]).split("#")[0]
                    for k in REF_KEYWORDS if isinstance(node.get(k), str))
        for k, v in node.items():
            if k not in DATA_KEYWORDS:
                walk(v, base)

    walk(schema, "")
    return any(r not in ids for r in refs)


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


def known_failures():
    """{test name prefix: reason}."""
    with open(KNOWN, encoding="utf-8") as f:
        return {k["test"]: k["reason"] for k in json.load(f)}


def main():
    known = known_failures()
    with ThreadPoolExecutor(max_workers=4) as pool:
        results = list(pool.map(verdict, cases()))
    failures, expected, stale = [], 0, []
    for name, why in results:
        reason = next((r for k, r in known.items() if name.startswith(k)), None)
        if why and reason:
            expected += 1
        elif why:
            failures.append((name, why))
        elif reason:
            stale.append(name)
    for name, why in failures:
        print(f"FAIL {name}: {why}")
    for name in stale:
        print(f"FAIL {name}: passes now; take it off {os.path.basename(KNOWN)}")
    passed = len(results) - len(failures) - expected - len(stale)
    print(f"({expected} known failures, listed in {os.path.basename(KNOWN)})")
    print(f"{passed} passed, {len(failures) + len(stale)} failed")
    return 1 if failures or stale else 0


if __name__ == "__main__":
    sys.exit(main())
