#!/usr/bin/python3
"""Every schema of the built-in aws.events catalogue generates valid events.

For each schema of data/aws.events (its latest version), in barebone, sample
and random mode, `iatk generate --registry aws.events --schema S
--context eventbridge` runs with NO registry configured (no tree, no
--source: the built-in catalogue serves aws.events, IATK_CATALOGUE_DIR
pointing at this source tree's data/).  Each event must be accepted by
python3-jsonschema (oracle.py) against the schema's AWSEvent, and its
`source` and `detail-type` must be the schema's x-amazon-events-source and
x-amazon-events-detail-type, in every mode: barebone leaves them "" for
the eventbridge context to fill, sample and random mode write them (see
declare_envelope in lib/compile/plan.c).

One iatk process per schema and mode (random mode: --count 3, seed 7), run
in parallel.  Prints a line per failure with a reproducer and the figures
per mode.

Run: /usr/bin/python3 tests/validity/test_aws_events_catalogue.py [-v]
Environment: IATK (the binary), IATK_SOURCE_DIR (the repository).
"""

import json
import os
import subprocess
import sys
from concurrent import futures

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import oracle  # noqa: E402

REGISTRY = "aws.events"
RANDOM_SEED = 7
COUNTS = {"barebone": 1, "sample": 1, "random": 3}


def catalogue_dir():
    return os.path.join(oracle.source_dir(), "data")


def latest_versions(root):
    """(schema name, path of its latest schema.json), by name."""
    registry = os.path.join(root, REGISTRY)
    out = []
    for name in sorted(os.listdir(registry)):
        d = os.path.join(registry, name)
        if not os.path.isdir(d):
            continue
        latest = max(int(v) for v in os.listdir(d) if v.isdigit())
        out.append((name, os.path.join(d, str(latest), "schema.json")))
    return out


def environment():
    """Nothing configured: no tree, no source; the catalogue of this tree."""
    env = {k: v for k, v in os.environ.items()
           if k not in ("IATK_REGISTRY_DIR", "IATK_SOURCE") and not k.startswith("AWS_")}
    env["IATK_CATALOGUE_DIR"] = catalogue_dir()
    # No AWS configuration can be found: the catalogue must not need any.
    env["AWS_CONFIG_FILE"] = env["AWS_SHARED_CREDENTIALS_FILE"] = os.devnull
    return env


def argv(name, mode):
    cmd = [oracle.iatk_binary(), "generate", "--registry", REGISTRY, "--schema", name,
           "--event-ref", "AWSEvent", "--mode", mode, "--context", "eventbridge"]
    if mode == "random":
        cmd += ["--seed", str(RANDOM_SEED), "--count", str(COUNTS[mode])]
    return cmd


def envelope_problem(event, envelope):
    for member, ext in (("source", "x-amazon-events-source"),
                        ("detail-type", "x-amazon-events-detail-type")):
        if event.get(member) != envelope[ext]:
            return "%s is %r, the schema says %r" % (member, event.get(member), envelope[ext])
    return None


def check(name, path, mode, env):
    """None when every event is valid and carries the declared envelope,
    else ("fail", description)."""
    with open(path, encoding="utf-8") as f:
        doc = json.load(f)
    cmd = argv(name, mode)
    try:
        p = subprocess.run(cmd, env=env, stdin=subprocess.DEVNULL, capture_output=True,
                           timeout=oracle.RUN_TIMEOUT)
    except subprocess.TimeoutExpired:
        return "fail", "timed out: %s" % " ".join(cmd)
    if p.returncode != 0:
        return "fail", "iatk failed (%d): %s" % (p.returncode,
                                                 p.stderr.decode(errors="replace").strip())
    events, malformed = oracle.parse_ndjson(p.stdout, COUNTS[mode])
    if malformed:
        return "fail", malformed
    judge = oracle.Judge(doc, oracle.detect_dialect(doc, "OpenApi3"), "AWSEvent")
    envelope = doc["components"]["schemas"]["AWSEvent"]
    for i, event in enumerate(events):
        bad = judge.problem(event)
        if bad:
            return "fail", "event #%d invalid: [%s] at %s: %s" % (
                i, bad["keyword"], bad["instance_path"] or "(root)", bad["message"])
        wrong = envelope_problem(event, envelope)
        if wrong:
            return "fail", "event #%d: %s" % (i, wrong)
    return None


def main(argv_=None):
    argv_ = sys.argv[1:] if argv_ is None else argv_
    verbose = "-v" in argv_
    binary = oracle.iatk_binary()
    if not os.access(binary, os.X_OK):
        print("iatk binary not found: %s (set IATK)" % binary)
        return 1
    schemas = latest_versions(catalogue_dir())
    env = environment()
    jobs = [(name, path, mode) for name, path in schemas for mode in oracle.MODES]
    with futures.ThreadPoolExecutor(max_workers=max(2, os.cpu_count() or 2)) as pool:
        results = list(pool.map(lambda j: check(*j, env), jobs))
    failed = {mode: 0 for mode in oracle.MODES}
    for (name, _, mode), result in zip(jobs, results):
        if result:
            failed[mode] += 1
            print("FAIL  %s [%s]: %s" % (name, mode, result[1]))
            print("      repro: IATK_CATALOGUE_DIR=%s %s" % (env["IATK_CATALOGUE_DIR"],
                                                         " ".join(argv(name, mode))))
        elif verbose:
            print("ok    %s [%s]" % (name, mode))
    for mode in oracle.MODES:
        print("%-8s %d/%d schemas: valid, with the declared source and detail-type"
              % (mode, len(schemas) - failed[mode], len(schemas)))
    return 1 if any(failed.values()) else 0


def test_aws_events_catalogue():
    """pytest entry point: the same check as running the script."""
    assert main([]) == 0


if __name__ == "__main__":
    sys.exit(main())
