"""The oracle refuses to judge when a format checker it relies on is missing.

python3-jsonschema checks uri, iri, idn-hostname, json-pointer... only when the
Debian packages it recommends are installed; without them it accepts every
string, and the validity tests would pass while judging less.  This checks
both halves: the refusal names the packages, and this machine has them all.
"""
import sys

import oracle


def expect_refusal(available, packages):
    try:
        oracle.require_format_checkers(available)
    except oracle.OracleIncomplete as e:
        text = str(e)
        missing = [p for p in packages if p not in text]
        return "" if not missing else "refusal does not name %s: %s" % (missing, text)
    return "no refusal with checkers %s" % sorted(available)


def accepts(available):
    try:
        oracle.require_format_checkers(available)
    except oracle.OracleIncomplete as e:
        return str(e)
    return ""


def main():
    everything = set(oracle.REQUIRED_CHECKERS)
    results = [
        expect_refusal(set(), sorted(set(oracle.REQUIRED_CHECKERS.values()))),
        expect_refusal(everything - {"idn-hostname"}, ["python3-idna"]),
        expect_refusal(everything - {"uri", "json-pointer"},
                       ["python3-rfc3987", "python3-json-pointer"]),
        accepts(everything),
        accepts(None),  # this machine, as the other validity tests see it
    ]
    failures = [r for r in results if r]
    for f in failures:
        print("FAIL:", f)
    print("%d passed, %d failed" % (len(results) - len(failures), len(failures)))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
