"""Runs the moto suite: every test_* function of tests/moto/test_*.py, in
file order, each with a fresh moto server (the `moto` argument) and its
own directory (`tmp`), each bounded by its `timeout` attribute (seconds,
default 60).

The PATH's python3 on the CI machine has moto and boto3 but no pytest,
and Debian's python3 has pytest but no moto, so this small runner stands
in for pytest: plain functions, plain asserts (with messages), fixtures
by argument name (conftest.py gives pytest the same fixtures, for a
python that has pytest too).  A test's printed lines (counts, timings) are shown
under its name.  Exit status 0 when every test passed, 1 otherwise.

  python3 tests/moto/run.py [-k SUBSTRING] [--log-dir DIR] [--iatk PATH]

The moto log and the files of every test stay in --log-dir (default
build/moto-logs) for a look after a failure."""
import argparse
import importlib
import inspect
import os
import pathlib
import shutil
import signal
import sys
import time
import traceback

HERE = pathlib.Path(__file__).resolve().parent
DEFAULT_TIMEOUT = 60


# What the suite needs in the python that runs it: (module, what provides it).
NEEDS = [("boto3", "boto3"), ("botocore", "botocore (with boto3)"), ("moto", "moto"),
         ("moto.moto_server.werkzeug_app", "moto's server extras: pip install 'moto[server]'")]


def missing():
    """The NEEDS that do not import, as 'module (what provides it): error'."""
    out = []
    for module, hint in NEEDS:
        try:
            importlib.import_module(module)
        except Exception as e:  # noqa: BLE001 - ImportError, or a broken install
            out.append(f"{module} ({hint}): {type(e).__name__}: {e}")
    return out


class TestTimeout(Exception):
    pass


def _alarm(signum, frame):
    raise TestTimeout("the test ran past its time limit")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("-k", dest="pattern", default="", help="run tests whose name has this")
    ap.add_argument("--log-dir", default=str(HERE.parents[1] / "build" / "moto-logs"))
    ap.add_argument("--iatk", help="the iatk binary (default $IATK, else build/iatk)")
    ap.add_argument("--check-only", action="store_true",
                    help="only check that moto and boto3 import")
    args = ap.parse_args()
    lacking = missing()
    if lacking:
        print(f"test-moto: {sys.executable} cannot run the moto suite; missing:", file=sys.stderr)
        for line in lacking:
            print(f"  {line}", file=sys.stderr)
        print("test-moto: set MOTO_PYTHON to a python that has moto[server] and boto3",
              file=sys.stderr)
        return 2
    if args.check_only:
        return 0
    if args.iatk:
        os.environ["IATK"] = str(pathlib.Path(args.iatk).resolve())

    sys.path.insert(0, str(HERE))
    import motoharness  # after IATK is set
    import boto3
    import moto

    if not os.access(motoharness.IATK, os.X_OK):
        print(f"test-moto: no iatk at {motoharness.IATK} (make build first, or --iatk)",
              file=sys.stderr)
        return 2
    log_dir = pathlib.Path(args.log_dir)
    shutil.rmtree(log_dir, ignore_errors=True)
    log_dir.mkdir(parents=True)
    print(f"moto {moto.__version__}, boto3 {boto3.__version__}, python {sys.version.split()[0]} "
          f"({sys.executable}); iatk {motoharness.IATK}; logs in {log_dir}", flush=True)

    tests = []
    for path in sorted(HERE.glob("test_*.py")):
        mod = importlib.import_module(path.stem)
        for name, fn in inspect.getmembers(mod, inspect.isfunction):
            if name.startswith("test_") and fn.__module__ == mod.__name__:
                tests.append((fn.__code__.co_firstlineno, path.name, name, fn))
    tests.sort(key=lambda t: (t[1], t[0]))
    tests = [t for t in tests if args.pattern in f"{t[1]}::{t[2]}"]
    if not tests:
        print("test-moto: no test matched", file=sys.stderr)
        return 2

    signal.signal(signal.SIGALRM, _alarm)
    failed = []
    t_suite = time.monotonic()
    for _, file, name, fn in tests:
        label = f"{file}::{name}"
        tdir = log_dir / f"{pathlib.Path(file).stem}.{name}"
        tdir.mkdir()
        limit = getattr(fn, "timeout", DEFAULT_TIMEOUT)
        print(f"--- {label} (limit {limit} s)", flush=True)
        server = None
        t0 = time.monotonic()
        signal.alarm(limit)
        try:
            kwargs = {}
            params = inspect.signature(fn).parameters
            if "tmp" in params:
                kwargs["tmp"] = tdir
            if "moto" in params:
                server = motoharness.Moto(tdir / "moto")
                kwargs["moto"] = server.start()
            fn(**kwargs)
            ok = True
        except BaseException as e:  # noqa: BLE001 - every failure is reported
            if isinstance(e, KeyboardInterrupt):
                raise
            ok = False
            print("".join(traceback.format_exception(e)).rstrip(), flush=True)
            if server is not None:
                print(f"    moto log tail ({server.log_path}):\n{server.log_tail(15)}")
        finally:
            signal.alarm(0)
            if server is not None:
                server.stop()
        secs = time.monotonic() - t0
        print(f"{'PASS' if ok else 'FAIL'} {label} ({secs:.1f} s)", flush=True)
        if not ok:
            failed.append(label)
    total = time.monotonic() - t_suite
    print(f"== moto suite: {len(tests) - len(failed)} passed, {len(failed)} failed "
          f"in {total:.1f} s")
    for label in failed:
        print(f"   FAILED {label}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
