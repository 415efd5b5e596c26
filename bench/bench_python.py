#!/usr/bin/env python3
"""Time per generate_mock_event call from Python, next to one JSON-RPC round
trip through a spawned `iatk` process (how AWS IATK's client works).

    IATK_LIBRARY=build/libiatk.so PYTHONPATH=bindings/python \\
        python3 bench/bench_python.py [--calls N] [--round-trips N] [--iatk build/iatk]

Both generate the seed's MyEvent (barebone) from the example registry.
"""
import argparse
import json
import os
import pathlib
import statistics
import subprocess
import sys
import time
import uuid

REPO = pathlib.Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "bindings" / "python"))
if "IATK_LIBRARY" not in os.environ and (REPO / "build" / "libiatk.so").exists():
    os.environ["IATK_LIBRARY"] = str(REPO / "build" / "libiatk.so")

import iatk  # noqa: E402
from iatk.context_generation import eventbridge_event_context  # noqa: E402

REGISTRY = REPO / "examples" / "04-event_generation" / "registry"
MY_EVENT = dict(registry_name="MyRegistry-local", schema_name="MySchema-local",
                event_ref="MyEvent")
AWS_EVENT = dict(registry_name="aws.events",
                 schema_name="aws.autoscaling@EC2InstanceLaunchSuccessful",
                 schema_version="2", event_ref="AWSEvent")


def apply_context(event):
    """The seed's apply_context."""
    event["customerId"] = str(uuid.uuid4())
    event["address"] = "99 Some Street"
    for i in range(5):
        event["orderItems"].append({"unitPrice": (i + 1) * 2, "count": i + 1})
    return event


def per_call(fn, calls, repeats=5):
    """Best and median seconds per call of fn() over `repeats` runs."""
    fn()  # warm up: load the library, compile and cache the plan
    runs = []
    for _ in range(repeats):
        start = time.perf_counter()
        for _ in range(calls):
            fn()
        runs.append((time.perf_counter() - start) / calls)
    return min(runs), statistics.median(runs)


def rpc_request():
    return json.dumps({
        "jsonrpc": "2.0", "id": str(uuid.uuid4()), "method": "mock.generate_barebone_event",
        "params": {"RegistryName": "MyRegistry-local", "SchemaName": "MySchema-local",
                   "EventRef": "MyEvent"},
        "metadata": {"client": "python", "caller": "bench"}}).encode()


def rpc_round_trip(binary, env):
    run = subprocess.run([binary], input=rpc_request(), capture_output=True, env=env)
    response = json.loads(run.stdout)
    json.loads(response["result"]["output"])


def python_rows(calls):
    client = iatk.AwsIatk(registry_dir=str(REGISTRY))
    rows = [
        ("generate_mock_event, MyEvent barebone",
         lambda: client.generate_mock_event(**MY_EVENT)),
        ("  + the seed's apply_context",
         lambda: client.generate_mock_event(**MY_EVENT, contexts=[apply_context])),
        ("  AWSEvent + eventbridge_event_context",
         lambda: client.generate_mock_event(**AWS_EVENT, contexts=[eventbridge_event_context])),
        ("  MyEvent, mode=random seed=1",
         lambda: client.generate_mock_event(**MY_EVENT, mode="random", seed=1)),
    ]
    out = [(name, *per_call(fn, calls)) for name, fn in rows]
    stream = client.generate_mock_events(**MY_EVENT, mode="random", seed=1)
    out.append(("generate_mock_events, per event", *per_call(lambda: next(stream), calls)))
    return out


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=20000, help="Python calls per run")
    parser.add_argument("--round-trips", type=int, default=200, help="JSON-RPC round trips")
    parser.add_argument("--iatk", default=os.environ.get("IATK", str(REPO / "build" / "iatk")))
    args = parser.parse_args()

    print(f"libiatk {iatk.library_version()} ({os.environ.get('IATK_LIBRARY', 'system')}), "
          f"Python {sys.version.split()[0]}")
    print(f"{'what':46} {'best':>12} {'median':>12} {'per second':>12}")
    rows = python_rows(args.calls)
    for name, best, median in rows:
        print(f"{name:46} {best * 1e6:9.2f} us {median * 1e6:9.2f} us {1 / best:12,.0f}")

    env = dict(os.environ, IATK_REGISTRY_DIR=str(REGISTRY))
    env.pop("LD_PRELOAD", None)
    best, median = per_call(lambda: rpc_round_trip(args.iatk, env), args.round_trips, 3)
    print(f"{'JSON-RPC round trip (spawned iatk), MyEvent':46} "
          f"{best * 1e6:9.0f} us {median * 1e6:9.0f} us {1 / best:12,.0f}")
    python_best = rows[0][1]
    print(f"one JSON-RPC round trip costs as much as {best / python_best:,.0f} "
          "in-process generate_mock_event calls")


if __name__ == "__main__":
    main()
