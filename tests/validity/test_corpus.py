#!/usr/bin/python3
"""The project's own validity corpus: one schema per file, judged end to end.

tests/validity/corpus/<name>.json holds one case each:

  {"description": "...",
   "dialect": "draft4|draft6|draft7|2019-09|2020-12|openapi-3.0|openapi-3.1",
   "schema": <the whole document: JSON Schema, or an OpenAPI document>,
   "event_ref": <optional: --event-ref, required for OpenAPI>,
   "satisfiable": true | false,
   "witness": <satisfiable: an instance that validates, written by hand>,
   "counterexample": <optional: an instance that must NOT validate>,
   "judge": <optional: {"dialect", "schema", "note"} -- an equivalent schema
             the judge checks instead, where jsonschema 4.10 cannot judge the
             original soundly (e.g. it ignores $recursiveRef)>,
   "expected_exit": <unsatisfiable: 5 (default), or 3 for a malformed schema>,
   "error_contains": <unsatisfiable: a substring the iatk error must contain>}

Satisfiable cases run `iatk generate --file SCHEMA` in barebone, sample and
random mode (seeds 0..9), --count 3; iatk must exit 0 and every event must
validate (oracle.py: python3-jsonschema with the dialect's validator class
and format checking; OpenAPI 3.0 converted to draft-04).  Unsatisfiable cases
run in every mode and must exit 5 (or expected_exit) with exactly one
`iatk: error: ...` line on stderr containing error_contains, and no output.

Before judging iatk, the corpus judges itself: each schema must pass its
dialect's metaschema, each witness must validate and each counterexample
must not (so a case cannot be silently wrong, and the judge is shown to
enforce the keyword the case is about).

Known gaps live in corpus_known_failures.json ({"case": "reason"}): a listed
case that fails is reported but does not fail the test; a listed case that
passes is printed as "fixed, remove from known failures"; an unlisted case
that fails fails the test.  --record-known-failures rewrites the file from
this run (keeping the reasons already written for cases that still fail).

Run: /usr/bin/python3 tests/validity/test_corpus.py [-k TEXT] [-v] [--jobs N]
Environment: IATK (the binary), IATK_SOURCE_DIR (the repository).
"""

import argparse
import glob
import json
import os
import sys
import tempfile
import time
from concurrent import futures

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import oracle  # noqa: E402
import jsonschema  # noqa: E402

CORPUS = os.path.join(HERE, "corpus")
KNOWN = os.path.join(HERE, "corpus_known_failures.json")
SEEDS = list(range(10))
COUNT = 3
MODES = ("barebone", "sample", "random")

# case dialect -> oracle dialect
DIALECTS = {
    "draft4": "draft4", "draft6": "draft6", "draft7": "draft7",
    "2019-09": "draft2019-09", "2020-12": "draft2020-12",
    "openapi-3.0": "openapi3.0", "openapi-3.1": "openapi3.1",
}
ORDER = list(DIALECTS)
CASE_KEYS = {"description", "dialect", "schema", "event_ref", "satisfiable", "witness",
             "counterexample", "judge", "expected_exit", "error_contains"}


def parse_args(argv):
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("-k", dest="filter", default="", help="only cases whose name contains TEXT")
    p.add_argument("-v", "--verbose", action="store_true", help="list every case")
    p.add_argument("--jobs", type=int, default=2, help="parallel workers (default 2)")
    p.add_argument("--seeds", type=int, default=len(SEEDS), help="random seeds 0..N-1 (default 10)")
    p.add_argument("--known", default=KNOWN, help="known-failures file (default: %(default)s)")
    p.add_argument("--record-known-failures", action="store_true",
                   help="rewrite the known-failures file from this run")
    p.add_argument("--json", dest="json_out", help="write every case's outcome to this file")
    return p.parse_args(argv)


# ---------------------------------------------------------------------------
# The corpus


def load_cases(pattern=""):
    """{name: case} for every corpus file whose name contains `pattern`."""
    cases = {}
    for path in sorted(glob.glob(os.path.join(CORPUS, "*.json"))):
        name = os.path.basename(path)[:-5]
        if pattern and pattern not in name:
            continue
        with open(path, encoding="utf-8") as f:
            case = json.load(f)
        case["_path"] = path
        cases[name] = case
    return cases


def judge_for(case):
    """The oracle Judge for a case (its `judge` override if it has one)."""
    if "judge" in case:
        j = case["judge"]
        return oracle.Judge(j["schema"], DIALECTS[j["dialect"]])
    return oracle.Judge(case["schema"], DIALECTS[case["dialect"]], case.get("event_ref"))


def _component_schemas(case):
    """The schemas to check against the metaschema, with their validator class."""
    d = DIALECTS[case["dialect"]]
    cls = oracle.validator_class(d)
    doc = case["schema"]
    if d == "openapi3.0":
        return cls, list(oracle.openapi30_document(doc)["components"]["schemas"].values())
    if d == "openapi3.1":
        return cls, list(doc["components"]["schemas"].values())
    return cls, [doc]


def corpus_problems(name, case):
    """What is wrong with the case itself (not with iatk): a list of strings."""
    out = []
    unknown = set(case) - CASE_KEYS - {"_path"}
    if unknown:
        out.append("unknown keys %s" % sorted(unknown))
    if case.get("dialect") not in DIALECTS:
        return out + ["unknown dialect %r" % case.get("dialect")]
    if "schema" not in case or not isinstance(case.get("satisfiable"), bool):
        return out + ["needs 'schema' and a boolean 'satisfiable'"]
    if case["dialect"].startswith("openapi") and "event_ref" not in case:
        out.append("an OpenAPI case needs event_ref")
    malformed = not case["satisfiable"] and case.get("expected_exit") == 3
    try:
        cls, schemas = _component_schemas(case)
        for s in schemas:
            cls.check_schema(s)
        if "judge" in case:
            oracle.validator_class(DIALECTS[case["judge"]["dialect"]]).check_schema(
                case["judge"]["schema"])
    except jsonschema.SchemaError as e:
        if not malformed:
            out.append("schema fails its metaschema: %s" % e.message)
    except Exception as e:  # noqa: BLE001 - a broken case must be reported, not crash
        out.append("cannot check the schema: %r" % (e,))
    if not case["satisfiable"]:
        if "witness" in case:
            out.append("an unsatisfiable case has a witness")
        return out
    if "witness" not in case:
        return out + ["a satisfiable case needs a witness"]
    try:
        judge = judge_for(case)
        prob = judge.problem(case["witness"])
        if prob is not None:
            out.append("the witness is invalid: [%s] %s" % (prob["keyword"], prob["message"]))
        if "counterexample" in case and judge.problem(case["counterexample"]) is None:
            out.append("the counterexample validates (the judge does not enforce the case)")
    except Exception as e:  # noqa: BLE001
        out.append("the judge failed on the witness: %r" % (e,))
    return out


# ---------------------------------------------------------------------------
# Running iatk (in worker processes)

_JUDGES = {}


def _worker_judge(name, case):
    """One Judge per case per worker process (building one resolves refs)."""
    if name not in _JUDGES:
        _JUDGES[name] = judge_for(case)
    return _JUDGES[name]


def repro(run, path, case):
    """The failing command, runnable from the repository: the schema is
    extracted from the case file and piped to `iatk generate --file -`."""
    argv = ["-" if a == path else a for a in run.argv]
    rel = os.path.relpath(case["_path"], oracle.source_dir())
    extract = ("/usr/bin/python3 -c 'import json,sys; json.dump(json.load(open(sys.argv[1]))"
               "[\"schema\"], sys.stdout)' %s" % rel)
    return "%s | %s" % (extract, oracle.Run(argv, 0, b"", b"").command())


def _run_satisfiable(name, case, path, mode, seeds):
    judge = _worker_judge(name, case)
    seeds = seeds if mode == "random" else [None]
    out = {"status": "pass", "events": 0, "valid": 0, "bad_seeds": []}
    for seed in seeds:
        run = oracle.generate(path, mode=mode, seed=seed, count=COUNT,
                              event_ref=case.get("event_ref"))
        v = oracle.judge_run(run, judge, COUNT)
        out["events"] += v.events
        out["valid"] += v.valid_events
        if v.status == "pass":
            continue
        out["bad_seeds"].append(seed)
        status = "invalid" if v.status == "invalid" else "refused"
        # the first invalid event outranks a refusal
        if out["status"] == "pass" or (status == "invalid" and out["status"] != "invalid"):
            out["status"] = status
            out["command"] = repro(run, path, case)
            out["detail"] = v.detail
            out["event"] = v.event
            out["abnormal"] = run.abnormal() if status == "refused" else None
        if run.timed_out:
            break
    return out


def _run_unsatisfiable(case, path, mode):
    run = oracle.generate(path, mode=mode, seed=0 if mode == "random" else None,
                          count=COUNT, event_ref=case.get("event_ref"))
    want = case.get("expected_exit", 5)
    err = run.stderr.decode("utf-8", "replace")
    lines = err.rstrip("\n").split("\n") if err.strip() else []
    out = {"status": "pass", "events": 0, "valid": 0, "command": repro(run, path, case),
           "rc": run.rc, "stderr": err.strip()[:400]}
    if run.timed_out:
        out.update(status="wrong", detail="timeout after %gs" % oracle.RUN_TIMEOUT)
    elif run.rc == 0:
        first = run.stdout.decode("utf-8", "replace").split("\n")[0]
        out.update(status="accepted", detail="exit 0, emitted %s" % first[:300])
    elif run.rc != want:
        out.update(status="wrong", detail="exit %d, expected %d: %s"
                   % (run.rc, want, err.strip()[:300]))
    elif len(lines) != 1 or not lines[0].startswith("iatk: error: "):
        out.update(status="wrong", detail="stderr is not one 'iatk: error:' line: %r"
                   % err[:300])
    elif case.get("error_contains") and case["error_contains"] not in lines[0]:
        out.update(status="wrong", detail="error lacks %r: %s"
                   % (case["error_contains"], lines[0]))
    elif run.stdout:
        out.update(status="wrong", detail="exit %d but wrote output" % run.rc)
    return out


def _task(args):
    name, case, path, mode, seeds = args
    try:
        if case["satisfiable"]:
            res = _run_satisfiable(name, case, path, mode, seeds)
        else:
            res = _run_unsatisfiable(case, path, mode)
    except Exception as e:  # noqa: BLE001 - the harness failed, say so
        res = {"status": "harness", "events": 0, "valid": 0,
               "detail": "harness failure: %r" % (e,)}
    return name, mode, res


def run_all(cases, seeds, jobs):
    """{name: {mode: result}}; each schema is written once to a private
    temporary directory that is removed afterwards."""
    results = {}
    with tempfile.TemporaryDirectory(prefix="iatk-corpus-") as tmp:
        tasks = []
        for name, case in cases.items():
            path = os.path.join(tmp, name + ".json")
            with open(path, "w", encoding="utf-8") as f:
                json.dump(case["schema"], f, ensure_ascii=False)
            tasks += [(name, case, path, mode, seeds) for mode in MODES]
        # the long tasks (random mode: ten runs) first, for an even load
        tasks.sort(key=lambda t: t[3] != "random" or not t[1]["satisfiable"])
        with futures.ProcessPoolExecutor(max_workers=jobs) as pool:
            for name, mode, res in pool.map(_task, tasks, chunksize=1):
                results.setdefault(name, {})[mode] = res
    return results


# ---------------------------------------------------------------------------
# Reporting


def case_passed(per_mode):
    return all(r["status"] == "pass" for r in per_mode.values())


def failure_summary(case, per_mode):
    """A one-line account of how the case failed, for the known-failures file."""
    parts = []
    for mode in MODES:
        r = per_mode.get(mode)
        if not r or r["status"] == "pass":
            continue
        if r["status"] == "invalid":
            d = r["detail"]
            ev = json.dumps(r.get("event"), ensure_ascii=False)
            parts.append("%s: invalid event %s -- [%s] at %s: %s"
                         % (mode, oracle._clip(ev, 160), d["keyword"],
                            d["instance_path"] or "(root)", oracle._clip(d["message"], 160)))
        elif r["status"] == "refused":
            parts.append("%s: refused: %s" % (mode, r.get("abnormal") or r.get("detail")))
        else:
            parts.append("%s: %s" % (mode, r.get("detail")))
    return "; ".join(parts)


def table(cases, results):
    rows = {}
    for name, case in cases.items():
        for mode in MODES:
            r = results.get(name, {}).get(mode)
            if r is None:
                continue
            row = rows.setdefault((case["dialect"], mode), [0] * 9)
            if case["satisfiable"]:
                row[0] += 1
                row[1] += r["status"] == "pass"
                row[2] += r["status"] == "invalid"
                row[3] += r["status"] in ("refused", "harness")
                row[4] += r["events"]
                row[5] += r["valid"]
            else:
                row[6] += 1
                row[7] += r["status"] == "pass"
                row[8] += r["status"] != "pass"
    head = "%-12s %-9s %5s %5s %8s %8s %15s %6s %8s %6s" % (
        "dialect", "mode", "cases", "pass", "invalid", "refused", "events valid",
        "unsat", "refuse ok", "wrong")
    lines = [head, "-" * len(head)]
    tot = [0] * 9
    for key in sorted(rows, key=lambda k: (ORDER.index(k[0]), MODES.index(k[1]))):
        r = rows[key]
        tot = [a + b for a, b in zip(tot, r)]
        lines.append(_row(key[0], key[1], r))
    lines.append("-" * len(head))
    lines.append(_row("all", "", tot))
    return "\n".join(lines)


def _row(dialect, mode, r):
    return "%-12s %-9s %5d %5d %8d %8d %7d/%-7d %6d %8d %6d" % (
        dialect, mode, r[0], r[1], r[2], r[3], r[5], r[4], r[6], r[7], r[8])


def describe_failure(name, case, per_mode):
    out = ["FAIL  %s [%s] %s" % (name, case["dialect"], case["description"])]
    for mode in MODES:
        r = per_mode.get(mode)
        if not r or r["status"] == "pass":
            continue
        if r["status"] == "invalid":
            d = r["detail"]
            out.append("      %s: invalid event (seeds %s): %s" % (
                mode, r["bad_seeds"], oracle._clip(json.dumps(r.get("event"), ensure_ascii=False), 400)))
            out.append("        [%s] at %s (schema %s): %s" % (
                d["keyword"], d["instance_path"] or "(root)", d["schema_path"] or "(root)",
                d["message"]))
        elif r["status"] == "refused":
            out.append("      %s: refused (seeds %s): %s" % (
                mode, r["bad_seeds"], r.get("abnormal") or r.get("detail")))
        else:
            out.append("      %s: %s" % (mode, r.get("detail")))
        if r.get("command"):
            out.append("        repro: %s" % r["command"])
    return "\n".join(out)


def read_known(path):
    if not os.path.exists(path):
        return {}
    with open(path, encoding="utf-8") as f:
        return json.load(f)


def write_known(path, known):
    with open(path, "w", encoding="utf-8") as f:
        json.dump(dict(sorted(known.items())), f, indent=2, ensure_ascii=False)
        f.write("\n")


def main(argv=None):
    args = parse_args(sys.argv[1:] if argv is None else argv)
    t0 = time.monotonic()
    binary = oracle.iatk_binary()
    print("iatk validity corpus: %s" % binary)
    print("satisfiable: barebone, sample, random seeds 0..%d, --count %d; unsatisfiable: "
          "every mode must refuse; judge python3-jsonschema %s"
          % (args.seeds - 1, COUNT, oracle.jsonschema_version()))
    if not os.access(binary, os.X_OK):
        print("iatk binary not found: %s (set IATK)" % binary)
        print("0 passed, 1 failed")
        return 1
    cases = load_cases(args.filter)
    known = read_known(args.known)

    broken = {}
    for name, case in cases.items():
        probs = corpus_problems(name, case)
        if probs:
            broken[name] = probs
    for name, probs in sorted(broken.items()):
        print("CORPUS ERROR  %s: %s" % (name, "; ".join(probs)))
    runnable = {n: c for n, c in cases.items() if n not in broken}

    before = oracle.binary_identity(binary)
    results = run_all(runnable, list(range(args.seeds)), args.jobs)
    if oracle.binary_identity(binary) != before:
        print("the iatk binary changed during the run (rebuilt?): results not trusted")
        print("0 passed, 1 failed")
        return 1

    print()
    print(table(runnable, results))
    print()

    passed, new_fail, known_fail, fixed = [], [], [], []
    for name in sorted(runnable):
        per_mode = results.get(name, {})
        if case_passed(per_mode):
            passed.append(name)
            if name in known:
                fixed.append(name)
        elif name in known:
            known_fail.append(name)
        else:
            new_fail.append(name)
        if args.verbose:
            print("%-6s %s" % ("ok" if case_passed(per_mode) else "FAIL", name))

    for name in new_fail:
        print(describe_failure(name, runnable[name], results[name]))
    if known_fail:
        print("\nknown failures (%d, from %s):" % (len(known_fail), os.path.basename(args.known)))
        for name in known_fail:
            print("  known  %s: %s" % (name, known[name]))
            if args.verbose:
                print(describe_failure(name, runnable[name], results[name]))
    for name in fixed:
        print("fixed, remove from known failures: %s" % name)
    if not args.filter:
        for name in sorted(set(known) - set(cases)):
            print("stale entry in known failures (no such case): %s" % name)

    if args.record_known_failures:
        rec = {} if not args.filter else {k: v for k, v in known.items() if k not in runnable}
        for name in new_fail + known_fail:
            rec[name] = known.get(name) or failure_summary(runnable[name], results[name])
        write_known(args.known, rec)
        print("wrote %d known failures to %s" % (len(rec), args.known))

    if args.json_out:
        with open(args.json_out, "w", encoding="utf-8") as f:
            json.dump(results, f, indent=1, ensure_ascii=False, default=str)

    sat = sum(1 for c in runnable.values() if c["satisfiable"])
    print("\n%d cases (%d satisfiable, %d unsatisfiable): %d known failures, %d fixed, "
          "%d corpus errors; %.1f s" % (len(cases), sat, len(runnable) - sat, len(known_fail),
                                        len(fixed), len(broken), time.monotonic() - t0))
    failed = len(new_fail) + len(broken)
    print("%d passed, %d failed" % (len(passed), failed))
    return 1 if failed else 0


def test_corpus():
    """pytest entry point: the same check as running the script."""
    assert main([]) == 0


if __name__ == "__main__":
    sys.exit(main())
