#!/usr/bin/python3
"""Validity rate per dialect and mode, and events per second.

Part 1 runs the JSON Schema Test Suite through `iatk generate` exactly as
tests/validity/test_json_schema_suite.py does (same oracle, same eligible
groups) and prints, per dialect and mode, the share of groups for which every
event was valid, the share of events that were valid, and the refusals.

It then probes every format of the issue alone ({"type": "string",
"format": F}), since the suite's main groups have none.

Part 2 times `iatk generate --count 100000` on a few representative schemas
in each mode (output to /dev/null, best of --repeat runs, process start and
schema compile included) and prints events per second.

usage: /usr/bin/python3 bench/validity_rate.py [--no-suite] [--no-speed]
       [--seeds N] [--count N] [--repeat N] [--jobs N]
Environment: IATK (the binary; default <repo>/build/iatk).
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(REPO, "tests", "validity"))
os.environ.setdefault("IATK_SOURCE_DIR", REPO)
import oracle  # noqa: E402

SEED_SCHEMA = "examples/04-event_generation/registry/MyRegistry-local/MySchema-local/1/schema.json"
EC2_SCHEMA = ("data/aws.events/"
              "aws.autoscaling@EC2InstanceLaunchSuccessful/2/schema.json")

# Constrained JSON Schemas written for this benchmark: strings with formats
# and patterns, bounded numbers, arrays with length and uniqueness limits.
CONSTRAINED = {
    "$schema": "http://json-schema.org/draft-07/schema#",
    "type": "object",
    "required": ["id", "at", "email", "code", "amount", "qty", "tags", "ip"],
    "properties": {
        "id": {"type": "string", "format": "uuid"},
        "at": {"type": "string", "format": "date-time"},
        "email": {"type": "string", "format": "email"},
        "code": {"type": "string", "pattern": "^[A-Z]{3}-[0-9]{4}$"},
        "amount": {"type": "number", "minimum": 0.01, "maximum": 10000, "multipleOf": 0.01},
        "qty": {"type": "integer", "minimum": 1, "maximum": 99},
        "tags": {"type": "array", "items": {"type": "string", "minLength": 2, "maxLength": 8},
                 "minItems": 1, "maxItems": 5, "uniqueItems": True},
        "ip": {"type": "string", "format": "ipv4"},
        "status": {"enum": ["NEW", "PAID", "SHIPPED"]},
    },
    "additionalProperties": False,
}
COMBINATORS = {
    "$schema": "http://json-schema.org/draft-07/schema#",
    "definitions": {
        "money": {"type": "object", "required": ["currency", "value"],
                  "properties": {"currency": {"enum": ["EUR", "USD"]},
                                 "value": {"type": "integer", "minimum": 0}}},
    },
    "type": "object",
    "required": ["kind", "price"],
    "properties": {
        "kind": {"type": "string"},
        "price": {"$ref": "#/definitions/money"},
        "discount": {"oneOf": [{"$ref": "#/definitions/money"}, {"type": "null"}]},
        "note": {"anyOf": [{"type": "string", "maxLength": 20}, {"type": "integer"}]},
    },
    "allOf": [{"properties": {"kind": {"minLength": 1}}}],
}


def parse_args():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--no-suite", action="store_true", help="skip the validity rate")
    p.add_argument("--no-speed", action="store_true", help="skip events per second")
    p.add_argument("--seeds", type=int, default=10, help="seeds per mode (default 10)")
    p.add_argument("--count", type=int, default=100000, help="events per timed run")
    p.add_argument("--repeat", type=int, default=3, help="timed runs, best kept (default 3)")
    p.add_argument("--jobs", type=int, default=2)
    p.add_argument("--schemas-dir", metavar="DIR",
                   help="also measure every *.json schema in DIR (say, a SchemaStore "
                        "checkout's src/schemas/json), each in every mode")
    return p.parse_args()


def validity(args):
    drafts = tuple(d for d in ("draft4", "draft6", "draft7", "draft2019-09", "draft2020-12")
                   if os.path.isdir(os.path.join(oracle.SUITE_DIR, d)))
    groups = oracle.suite_groups(drafts)
    print("\n## validity rate: JSON Schema Test Suite, %d groups (local refs, >= 1 valid test)"
          % len(groups))
    print("## per (group, mode): iatk generate --file G --mode M --seed S --count 3, S = 0..%d"
          % (args.seeds - 1))
    t0 = time.monotonic()
    results = oracle.run_suite(groups, seeds=range(args.seeds), jobs=args.jobs)
    print("## judged by python3-jsonschema %s in %.1fs; 'valid %%' = groups with every event "
          "valid; refusals count as not valid" % (oracle.jsonschema_version(), time.monotonic() - t0))
    print()
    print(oracle.format_table(oracle.tabulate(results)))


def _loadable(path):
    """The document, if it is a JSON object whose references stay inside it."""
    try:
        doc = oracle.read_json_file(path)
    except (ValueError, UnicodeDecodeError):
        return None
    return doc if isinstance(doc, dict) and not oracle._has_remote_ref(doc) else None


def real_world(args):
    """Third-party schemas, judged like the corpus: every event valid, or a
    refusal; a refusal of a real-world schema counts against iatk."""
    paths = sorted(os.path.join(args.schemas_dir, n) for n in os.listdir(args.schemas_dir)
                   if n.endswith(".json"))
    docs = [(p, _loadable(p)) for p in paths]
    docs = [(p, d) for p, d in docs if d is not None]
    seeds = list(range(min(args.seeds, 3)))
    print("\n## real-world schemas: %d of %d files in %s (JSON objects with no remote "
          "$ref), seeds 0..%d x --count 3" % (len(docs), len(paths), args.schemas_dir,
                                              len(seeds) - 1))
    tasks = [{"doc": d, "dialect": oracle.detect_dialect(d), "mode": m, "seeds": seeds,
              "count": 3, "schema_path": p} for p, d in docs for m in oracle.MODES]
    results = oracle.run_checks(tasks, jobs=args.jobs)
    for m in oracle.MODES:
        rs = [(t["schema_path"], r) for t, r in zip(tasks, results) if t["mode"] == m]
        ok = sum(r["status"] == "pass" for _, r in rs)
        print("%-9s %3d/%d schemas all valid (%.1f%%)" % (m, ok, len(rs), 100.0 * ok / len(rs)))
        for path, r in rs:
            if r["status"] != "pass":
                print("    %s %s: %s" % (r["status"], os.path.basename(path),
                                         str(r.get("detail"))[:160]))


FORMATS = ("date-time date time duration email idn-email hostname idn-hostname ipv4 ipv6 "
           "uri uri-reference iri iri-reference uuid uri-template json-pointer "
           "relative-json-pointer regex color").split()


def formats(args):
    """The suite's main groups carry no `format`: probe each format alone."""
    dialect = "draft2020-12" if oracle.validator_class("draft2020-12") else "draft7"
    print("\n## formats: {\"type\":\"string\",\"format\":F} (%s), seeds 0..%d x --count 3"
          % (dialect, args.seeds - 1))
    tasks = [{"doc": oracle.with_schema_uri({"type": "string", "format": f}, dialect),
              "dialect": dialect, "mode": m, "seeds": list(range(args.seeds)), "count": 3}
             for m in oracle.MODES for f in FORMATS]
    results = oracle.run_checks(tasks, jobs=args.jobs)
    for m in oracle.MODES:
        rs = [(t["doc"]["format"], r) for t, r in zip(tasks, results) if t["mode"] == m]
        ok = sum(r["status"] == "pass" for _, r in rs)
        bad = ["%s %s %s" % (f, r["status"], json.dumps(r.get("event")) if r["status"] == "fail"
                             else r.get("detail")) for f, r in rs if r["status"] != "pass"]
        print("%-9s %2d/%d formats valid%s" % (m, ok, len(rs), ("; " + "; ".join(bad)) if bad else ""))


def schema_file(doc, tmpdir, name):
    path = os.path.join(tmpdir, name + ".json")
    with open(path, "w", encoding="utf-8") as f:
        json.dump(doc, f)
    return path


def time_run(argv, repeat):
    best = None
    for _ in range(repeat):
        t0 = time.perf_counter()
        p = subprocess.run(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                           stdin=subprocess.DEVNULL)
        dt = time.perf_counter() - t0
        if p.returncode != 0:
            return None, p.stderr.decode("utf-8", "replace").strip()
        best = dt if best is None else min(best, dt)
    return best, None


SAMPLE = 1000


def sample_validity(path, extra, mode):
    """Judge the first SAMPLE events of the timed command: speed only counts
    if the events are valid."""
    with open(path, encoding="utf-8") as f:
        doc = json.load(f)
    ref = extra[1] if extra[:1] == ["--event-ref"] else None
    run = oracle.generate(path, mode=mode, seed=1, count=SAMPLE, event_ref=ref)
    v = oracle.judge_run(run, oracle.Judge(doc, oracle.detect_dialect(doc), ref), SAMPLE)
    if v.status == "pass":
        return "all valid"
    if v.status == "error":
        return "refused: %s" % v.detail
    return "INVALID: %d/%d valid; [%s] %s" % (v.valid_events, v.events, v.detail["keyword"],
                                             v.detail["message"][:80])


def speed(args):
    binary = oracle.iatk_binary()
    with tempfile.TemporaryDirectory(prefix="iatk-bench-") as tmp:
        cases = [
            ("seed MyEvent (OpenAPI)", os.path.join(REPO, SEED_SCHEMA), ["--event-ref", "MyEvent"]),
            ("EC2 launch AWSEvent (OpenAPI)", os.path.join(REPO, EC2_SCHEMA),
             ["--event-ref", "AWSEvent"]),
            ("constrained (formats, pattern, bounds)", schema_file(CONSTRAINED, tmp, "constrained"), []),
            ("combinators ($ref, oneOf, anyOf, allOf)", schema_file(COMBINATORS, tmp, "combinators"), []),
        ]
        print("\n## events per second: iatk generate --file F [--event-ref R] --mode M "
              "--seed 1 --count %d >/dev/null, best of %d" % (args.count, args.repeat))
        print()
        print("%-40s %-9s %12s %9s  %s" % ("schema", "mode", "events/s", "seconds",
                                           "first %d events judged" % SAMPLE))
        for label, path, extra in cases:
            for mode in oracle.MODES:
                argv = [binary, "generate", "--file", path, "--mode", mode, "--seed", "1",
                        "--count", str(args.count)] + extra
                dt, err = time_run(argv, args.repeat)
                if dt is None:
                    print("%-40s %-9s %12s  %s" % (label, mode, "refused", err[:60]))
                    continue
                print("%-40s %-9s %12.0f %9.3f  %s" % (label, mode, args.count / dt, dt,
                                                      sample_validity(path, extra, mode)))


def main():
    args = parse_args()
    binary = oracle.iatk_binary()
    version = subprocess.run([binary, "version"], capture_output=True, text=True).stdout.strip()
    print("# bench/validity_rate.py: %s (%s); command: iatk generate --file ... "
          "--mode barebone|sample|random --seed N --count N" % (version, binary))
    if not args.no_suite:
        validity(args)
        formats(args)
    if args.schemas_dir:
        real_world(args)
    if not args.no_speed:
        speed(args)
    return 0


if __name__ == "__main__":
    sys.exit(main())
