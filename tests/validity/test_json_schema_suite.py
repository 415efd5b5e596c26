#!/usr/bin/python3
"""Every event iatk generates from the JSON Schema Test Suite must be valid.

Walks Debian's json-schema-test-suite (draft4, draft6, draft7; not optional/),
keeps the groups that admit a valid instance and use local refs only, injects
the draft's "$schema", and runs `iatk generate` on each in barebone, sample
and random mode with seeds 0..9 and --count 3.  python3-jsonschema, with the
draft's validator class and a format checker, judges every event.

A (group, mode) is
  pass   iatk exited 0 and every event validated,
  error  iatk refused (non-zero exit) -- acceptable only if unsatisfiable,
  fail   iatk emitted an invalid event -- the broken promise.

Compared with tests/validity/baseline.json, a regression (exit 1) is a
(group, mode) that was "pass" and no longer is, or was "error" and is now
"fail".  --update-baseline rewrites the baseline from this run.

Run: /usr/bin/python3 tests/validity/test_json_schema_suite.py [options]
Environment: IATK (the binary), IATK_SOURCE_DIR (the repository).
"""

import argparse
import json
import os
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import oracle  # noqa: E402

BASELINE = os.path.join(HERE, "baseline.json")
RANK = {"fail": 0, "error": 1, "pass": 2}


def parse_args(argv):
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--update-baseline", action="store_true",
                   help="rewrite baseline.json from this run")
    p.add_argument("--baseline", default=BASELINE, help="baseline file (default: %(default)s)")
    p.add_argument("--jobs", type=int, default=2, help="parallel workers (default 2)")
    p.add_argument("--seeds", type=int, default=10, help="seeds 0..N-1 per mode (default 10)")
    p.add_argument("--count", type=int, default=3, help="events per seed (default 3)")
    p.add_argument("--drafts", default="draft4,draft6,draft7")
    p.add_argument("--modes", default=",".join(oracle.MODES))
    p.add_argument("-k", dest="filter", default="",
                   help="only groups whose key contains this text")
    p.add_argument("-v", "--verbose", action="store_true",
                   help="list every refused (group, mode), not just a summary")
    p.add_argument("--json", dest="json_out", help="write the full results to this file")
    p.add_argument("--exclude-unsound", action="store_true",
                   help="measure only the groups the judge gets right, instead of failing "
                        "(for newer suites than python3-jsonschema 4.10 knows: IATK_SUITE_DIR)")
    return p.parse_args(argv)


def compare(results, baseline):
    """(regressions, improvements, new) as lists of (key, mode, old, new)."""
    regressions, improvements, new = [], [], []
    for key in sorted(results):
        for mode, s in sorted(results[key].items()):
            old = baseline.get(key, {}).get(mode)
            now = s["status"]
            if old is None:
                new.append((key, mode, None, now))
            elif RANK[now] < RANK[old]:
                regressions.append((key, mode, old, now))
            elif RANK[now] > RANK[old]:
                improvements.append((key, mode, old, now))
    return regressions, improvements, new


def clip(value, n=400):
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    return text if len(text) <= n else text[: n - 3] + "..."


def repro(summary):
    """The failing command, with the temporary schema path made generic."""
    argv = summary.get("command", "").split(" ")
    if "--file" in argv:
        argv[argv.index("--file") + 1] = "schema.json"
    argv[0] = "iatk"
    return " ".join(argv)


def print_invalid(results, schemas):
    bad = [(s["detail"]["keyword"], key, mode, s) for key, per in results.items()
           for mode, s in per.items() if s["status"] == "fail"]
    bad.sort(key=lambda t: (t[0], t[1], oracle.MODES.index(t[2])))
    print("\ninvalid events: %d (group, mode) pairs emitted an invalid event" % len(bad))
    by_kw = {}
    for kw, key, mode, s in bad:
        by_kw.setdefault(kw, set()).add(key.split("/", 1)[1])
    if by_kw:
        print("by failing keyword (distinct suite groups, any draft): " + ", ".join(
            "%s %d" % (kw, len(keys)) for kw, keys in sorted(by_kw.items(), key=lambda kv: -len(kv[1]))))
    for kw, key, mode, s in bad:
        d = s["detail"]
        print("\n  [%s] %s  (%s; bad seeds %s)" % (kw, key, mode, s["bad_seeds"]))
        print("    schema: %s" % clip(schemas[key]))
        if s.get("event") is not None or d["keyword"] != "(output)":
            print("    event #%s: %s" % (s.get("index"), clip(s.get("event"))))
        print("    error:  at %s (schema %s): %s" % (d["instance_path"] or "(root)",
                                                   d["schema_path"] or "(root)", d["message"]))
        print("    repro:  %s" % repro(s))


def print_errors(results, verbose):
    errs = [(key, mode, s) for key, per in results.items()
            for mode, s in per.items() if s["status"] == "error"]
    abnormal = [(k, m, s) for k, m, s in errs if s.get("abnormal")]
    if abnormal:
        print("\nabnormal failures (crash, timeout, exit 1, malformed stderr): %d" % len(abnormal))
        for key, mode, s in sorted(abnormal):
            print("  %s (%s): %s\n    repro: %s" % (key, mode, s["abnormal"], repro(s)))
    print("\nrefused: %d (group, mode) pairs exited non-zero" % len(errs))
    if verbose:
        for key, mode, s in sorted(errs):
            print("  %s (%s): %s" % (key, mode, s["detail"]))
        return
    by_msg = {}
    for key, mode, s in errs:
        by_msg.setdefault(str(s["detail"])[:90], []).append("%s (%s)" % (key, mode))
    for msg, where in sorted(by_msg.items(), key=lambda kv: -len(kv[1])):
        print("  %4d  %s\n        e.g. %s" % (len(where), msg, where[0]))
    if errs:
        print("  (-v lists every one)")


def write_baseline(path, results, filtered):
    old = {}
    if filtered and os.path.exists(path):
        old = oracle.read_json_file(path)
    for key, per in results.items():
        old.setdefault(key, {}).update({m: s["status"] for m, s in per.items()})
    ordered = {k: {m: old[k][m] for m in oracle.MODES if m in old[k]} for k in sorted(old)}
    tmp = path + ".tmp"
    with open(tmp, "w", encoding="utf-8") as f:
        json.dump(ordered, f, indent=1, ensure_ascii=False)
        f.write("\n")
    os.replace(tmp, path)


def main(argv=None):
    args = parse_args(sys.argv[1:] if argv is None else argv)
    drafts = tuple(d for d in args.drafts.split(",") if d)
    modes = tuple(m for m in args.modes.split(",") if m)
    binary = oracle.iatk_binary()
    if not os.access(binary, os.X_OK):
        print("iatk binary not found: %s (set IATK)" % binary)
        print("0 passed, 1 failed")
        return 1
    disagreements = oracle.self_check(drafts)
    unsound = oracle.unsound_group_keys(disagreements) if args.exclude_unsound else set()
    if unsound:
        print("excluded: %d groups the judge cannot judge soundly" % len(unsound))
    elif disagreements:
        print("the oracle disagrees with the suite's own expected results:")
        for d in disagreements:
            print("  " + d)
        print("0 passed, %d failed" % len(disagreements))
        return 1
    groups = [g for g in oracle.suite_groups(drafts)
              if args.filter in g[0] and g[0].split(" ", 1)[0] not in unsound]
    schemas = {key: schema for key, _, schema in groups}
    print("iatk validity on the JSON Schema Test Suite: %s" % binary)
    print("oracle: python3-jsonschema %s, agrees with all of the suite's expected results%s"
          % (oracle.jsonschema_version(), " on the groups kept" if unsound else ""))
    print("suite %s (%s), %d groups x modes %s x seeds 0..%d x --count %d, %d workers"
          % (oracle.SUITE_DIR, ",".join(drafts), len(groups), ",".join(modes),
             args.seeds - 1, args.count, args.jobs))
    t0 = time.monotonic()
    before = oracle.binary_identity(binary)
    results = oracle.run_suite(groups, modes=modes, seeds=range(args.seeds),
                               count=args.count, jobs=args.jobs)
    elapsed = time.monotonic() - t0
    harness = [(key, mode, s["detail"]) for key, per in sorted(results.items())
               for mode, s in per.items() if s.get("oracle_failure")]
    if oracle.binary_identity(binary) != before:
        harness.append(("(all)", "", "the iatk binary changed during the run (rebuilt?)"))
    if harness:
        print("\nthe harness could not judge this run (nothing compared, baseline untouched):")
        for key, mode, why in harness[:20]:
            print("  %s %s: %s" % (key, mode, why))
        if len(harness) > 20:
            print("  ... and %d more" % (len(harness) - 20))
        print("rebuild (cmake --build build) and run again")
        print("0 passed, %d failed" % len(harness))
        return 1

    print()
    print(oracle.format_table(oracle.tabulate(results, modes)))
    print_invalid(results, schemas)
    print_errors(results, args.verbose)

    baseline = {}
    if os.path.exists(args.baseline):
        baseline = oracle.read_json_file(args.baseline)
    else:
        print("\nno baseline at %s: nothing to compare" % args.baseline)
    regressions, improvements, new = compare(results, baseline)
    if improvements:
        print("\nimprovements over the baseline: %d" % len(improvements))
        for key, mode, old, now in improvements:
            print("  %s (%s): %s -> %s" % (key, mode, old, now))
    if new and baseline:
        print("\nnot in the baseline: %d (group, mode) pairs" % len(new))
    if regressions:
        print("\nREGRESSIONS against the baseline: %d" % len(regressions))
        for key, mode, old, now in regressions:
            print("  %s (%s): %s -> %s" % (key, mode, old, now))
    if args.json_out:
        with open(args.json_out, "w", encoding="utf-8") as f:
            json.dump(results, f, indent=1, ensure_ascii=False, default=str)
    if args.update_baseline:
        write_baseline(args.baseline, results, bool(args.filter) or drafts != ("draft4", "draft6", "draft7")
                       or modes != oracle.MODES)
        print("\nbaseline written: %s" % args.baseline)
        regressions = []

    passed = sum(s["status"] == "pass" for per in results.values() for s in per.values())
    print("\ntime: %.1fs" % elapsed)
    print("%d passed, %d failed" % (passed, len(regressions)))
    return 1 if regressions else 0


def test_json_schema_suite():
    """pytest entry point: the same check as running the script."""
    assert main([]) == 0


if __name__ == "__main__":
    sys.exit(main())
