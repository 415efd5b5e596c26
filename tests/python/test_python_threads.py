"""Concurrent generate_mock_event calls from many threads: one shared plan
(from the cache), one C generator per call, contexts run per call."""
import concurrent.futures
import json
import os
import pathlib
import threading

import iatk
from iatk.context_generation import eventbridge_event_context

SOURCE = pathlib.Path(os.environ.get("IATK_SOURCE_DIR", pathlib.Path(__file__).parents[2]))
EXAMPLE_REGISTRY = SOURCE / "tests" / "python" / "registry" / "seed"
NOW = "2024-05-06T07:08:09Z"
THREADS = 8
CALLS = 400


def generate(client, index):
    def stamp(event):
        event["customerId"] = f"c-{index}"
        return event
    return client.generate_mock_event(
        registry_name="MyRegistry-local", schema_name="MySchema-local", event_ref="MyEvent",
        mode="random", seed=11, index=index, now=NOW, contexts=[stamp], validate=True).event


def test_concurrent_calls_match_sequential_ones():
    iatk.clear_plan_cache()  # the threads race to compile the first plan too
    client = iatk.AwsIatk(registry_dir=str(EXAMPLE_REGISTRY))
    with concurrent.futures.ThreadPoolExecutor(THREADS) as pool:
        parallel = list(pool.map(lambda i: generate(client, i), range(CALLS)))
    sequential = [generate(client, i) for i in range(CALLS)]
    assert parallel == sequential
    assert all(e["customerId"] == f"c-{i}" for i, e in enumerate(parallel))


def test_concurrent_mixed_workload_with_errors_and_contexts(tmp_path):
    """Barebone, EventBridge, schema text, failing lookups and a registry being
    written to, all at once: every call gets its own right answer."""
    reg = iatk.Registry(tmp_path)
    reg.put("live", "s", json.dumps({"type": "object", "properties": {"n": {"type": "integer"}}}))
    client = iatk.AwsIatk(registry_dir=str(EXAMPLE_REGISTRY))
    barrier = threading.Barrier(THREADS)

    def work(worker):
        barrier.wait()
        for i in range(60):
            kind = (worker + i) % 5
            if kind == 0:
                assert generate(client, i)["customerId"] == f"c-{i}"
            elif kind == 1:
                event = client.generate_mock_event(
                    "aws.events", "aws.autoscaling@EC2InstanceLaunchSuccessful",
                    event_ref="AWSEvent", contexts=[eventbridge_event_context]).event
                assert event["source"] == "aws.autoscaling" and event["id"]
            elif kind == 2:
                try:
                    client.generate_mock_event("MyRegistry-local", "Nope")
                    raise AssertionError("no error")
                except iatk.IatkException as e:
                    assert e.iatk_name == "IATK_ENOSCHEMA" and "Nope" in e.message
            elif kind == 3:
                text = json.dumps({"type": "object", "required": ["w"],
                                   "properties": {"w": {"const": worker}}})
                assert client.generate_mock_event(schema_text=text).event == {"w": worker}
            else:
                reg_client = iatk.AwsIatk(registry_dir=str(tmp_path))
                assert set(reg_client.generate_mock_event("live", "s").event) <= {"n", "m"}
                if i % 20 == 4:
                    iatk.Registry(tmp_path).put("live", "s", json.dumps(
                        {"type": "object", "properties": {"m": {"type": "integer"}}}))
        return worker

    with concurrent.futures.ThreadPoolExecutor(THREADS) as pool:
        assert sorted(pool.map(work, range(THREADS))) == list(range(THREADS))


def test_generators_in_threads_are_independent():
    client = iatk.AwsIatk(registry_dir=str(EXAMPLE_REGISTRY))
    args = dict(registry_name="MyRegistry-local", schema_name="MySchema-local",
                event_ref="MyEvent", mode="random", seed=3, now=NOW)
    expected = list(client.generate_mock_events(count=200, **args))

    def chunk(start):
        return list(client.generate_mock_events(count=50, start=start, **args))

    with concurrent.futures.ThreadPoolExecutor(4) as pool:
        chunks = list(pool.map(chunk, [0, 50, 100, 150]))
    assert [e for c in chunks for e in c] == expected
