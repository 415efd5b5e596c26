#!/usr/bin/python3
"""Events generated from the project's own schemas must be valid.

Schemas checked:
  * examples/04-event_generation/registry/**/schema.json -- OpenAPI 3 (or JSON
    Schema, by meta.json's "type"); every components/schemas entry is used as
    --event-ref in turn;
  * tests/cases/*/schema.json whose case expects success: no `expected_exit`
    file (or one holding 0).  --type and --event-ref are taken from the case's
    `args` file when it has one; an OpenAPI case without --event-ref is
    checked for every components/schemas entry.

Each is generated in barebone, sample and random mode with seeds 0..4 and
--count 3 (plus --skip-optional and --skip-optional=aws for the examples), and every event
is judged by python3-jsonschema (see oracle.py).  Fails on any invalid event,
and on a refusal (these schemas are all satisfiable).

Run: /usr/bin/python3 tests/validity/test_generated_events.py [-v]
Environment: IATK (the binary), IATK_SOURCE_DIR (the repository).
"""

import glob
import json
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import oracle  # noqa: E402

SEEDS = range(5)
COUNT = 3


def _read(path):
    with open(path, encoding="utf-8") as f:
        return f.read()


def _meta_type(schema_path):
    meta = os.path.join(os.path.dirname(schema_path), "meta.json")
    if os.path.exists(meta):
        try:
            return json.loads(_read(meta)).get("type")
        except ValueError:
            return None
    return None


def _event_refs(doc, dialect):
    """Every components/schemas name for OpenAPI; None (the root) otherwise."""
    if dialect.startswith("openapi"):
        return sorted(((doc.get("components") or {}).get("schemas") or {}).keys())
    return [None]


def _case_expects_success(case_dir):
    path = os.path.join(case_dir, "expected_exit")
    if not os.path.exists(path):
        return True
    try:
        return int(_read(path).strip() or "0") == 0
    except ValueError:
        return False


def _case_args(case_dir):
    """--type, --event-ref and --skip-optional from the case's `args` file
    (one argument per line, as tests/cli/run_case.sh reads it).  The case's
    mode and seed are replaced by ours; contexts are left out, since they
    may legitimately change the event."""
    out = {"extra": ()}
    path = os.path.join(case_dir, "args")
    if not os.path.exists(path):
        return out
    words = _read(path).split("\n")
    for i, w in enumerate(words):
        nxt = words[i + 1] if i + 1 < len(words) else None
        if w == "--type" and nxt is not None:
            out["file_type"] = nxt
        elif w == "--event-ref" and nxt is not None:
            out["event_ref"] = nxt
        elif w.startswith("--skip-optional"):
            out["extra"] = (w,)
    return out


def collect(root):
    """(label, schema_path, doc, dialect, file_type, event_ref, extras) to check."""
    items = []
    pattern = os.path.join(root, "examples", "04-event_generation", "registry", "**", "schema.json")
    for path in sorted(glob.glob(pattern, recursive=True)):
        ftype = _meta_type(path)
        doc = json.loads(_read(path))
        dialect = oracle.detect_dialect(doc, ftype)
        for ref in _event_refs(doc, dialect):
            items.append((os.path.relpath(path, root), path, doc, dialect, ftype, ref,
                          [(), ("--skip-optional",), ("--skip-optional=aws",)]))
    for case_dir in sorted(glob.glob(os.path.join(root, "tests", "cases", "*"))):
        path = os.path.join(case_dir, "schema.json")
        if not os.path.isfile(path) or not _case_expects_success(case_dir):
            continue
        args = _case_args(case_dir)
        try:
            doc = json.loads(_read(path))
        except ValueError:
            continue  # a case about malformed input
        dialect = oracle.detect_dialect(doc, args.get("file_type"))
        refs = [args["event_ref"]] if "event_ref" in args else _event_refs(doc, dialect)
        for ref in refs:
            items.append((os.path.relpath(path, root), path, doc, dialect,
                          args.get("file_type"), ref, [args["extra"]]))
    return items


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    verbose = "-v" in argv
    root = oracle.source_dir()
    binary = oracle.iatk_binary()
    print("iatk validity of events from the project's schemas: %s" % binary)
    print("modes %s x seeds 0..%d x --count %d; judge python3-jsonschema %s"
          % (",".join(oracle.MODES), SEEDS[-1], COUNT, oracle.jsonschema_version()))
    if not os.access(binary, os.X_OK):
        print("iatk binary not found: %s (set IATK)" % binary)
        print("0 passed, 1 failed")
        return 1
    tasks, labels = [], []
    for label, path, doc, dialect, ftype, ref, extras in collect(root):
        for extra in extras:
            modes = ("barebone",) if extra and len(extras) > 1 else oracle.MODES
            for mode in modes:
                tasks.append({"doc": doc, "dialect": dialect, "mode": mode, "seeds": list(SEEDS),
                              "count": COUNT, "file_type": ftype, "event_ref": ref,
                              "schema_path": path, "extra": extra})
                labels.append("%s%s [%s] %s%s" % (label, " " + ref if ref else "", dialect, mode,
                                                  " " + " ".join(extra) if extra else ""))
    before = oracle.binary_identity(binary)
    results = oracle.run_checks(tasks)
    if oracle.binary_identity(binary) != before:
        print("the iatk binary changed during the run (rebuilt?): results not trusted")
        print("0 passed, 1 failed")
        return 1
    passed = failed = 0
    for label, res in zip(labels, results):
        if res["status"] == "pass":
            passed += 1
            if verbose:
                print("ok    %s (%d events)" % (label, res["events"]))
            continue
        failed += 1
        if res["status"] == "fail":
            d = res["detail"]
            print("FAIL  %s: invalid event (seeds %s)" % (label, res["bad_seeds"]))
            print("      event #%s: %s" % (res.get("index"), json.dumps(res.get("event"))[:600]))
            print("      [%s] at %s (schema %s): %s" % (d["keyword"], d["instance_path"] or "(root)",
                                                       d["schema_path"] or "(root)", d["message"]))
        else:
            print("FAIL  %s: iatk refused: %s" % (label, res.get("abnormal") or res["detail"]))
        print("      repro: %s" % res.get("command", ""))
    print("%d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


def test_generated_events():
    """pytest entry point: the same check as running the script."""
    assert main([]) == 0


if __name__ == "__main__":
    sys.exit(main())
