"""Repeated generate_mock_event calls (bindings/python/iatk/client.py,
_Prepared): each thread keeps the plan and a configured C generator of the
calls it made, checks the tree in the same foreign call as the event, and
must give exactly what a fresh generator gives, never mix up two calls'
arguments, never serve a schema that changed on disk, and never share a
generator between threads."""
import concurrent.futures
import datetime
import json
import os
import pathlib
import shutil
import subprocess
import sys
import threading
import time

import pytest

import iatk
from iatk import client as client_module
from iatk.context_generation import eventbridge_event_context

SOURCE = pathlib.Path(os.environ.get("IATK_SOURCE_DIR", pathlib.Path(__file__).parents[2]))
SEED_REGISTRY = SOURCE / "tests" / "python" / "registry" / "seed"
ORDER_PLACED = (SOURCE / "bench" / "schemas" / "order-placed.json").read_text()
REG, SCHEMA = "MyRegistry-local", "MySchema-local"
AWS_REG, AWS_SCHEMA = "aws.events", "aws.autoscaling@EC2InstanceLaunchSuccessful"
NOW = "2024-05-06T07:08:09.123456+02:00"


@pytest.fixture(autouse=True)
def fresh_caches():
    iatk.clear_plan_cache()
    yield
    iatk.clear_plan_cache()


def prepared_calls():
    """This thread's prepared calls (internal: what the tests check)."""
    if getattr(client_module._prepared, "epoch", None) != client_module._epoch:
        return {}
    return getattr(client_module._prepared, "calls", {})


def canonical(event):
    return json.dumps(event)  # keeps the members' order


def schema_doc(**properties):
    return json.dumps({"type": "object", "required": sorted(properties),
                       "properties": {name: {"enum": [value]}
                                      for name, value in properties.items()}})


def age(path, seconds_ago):
    then = time.time_ns() - seconds_ago * 10**9
    os.utime(path, ns=(then, then))


# ------------------------------------------------- same events as before

SOURCES = [
    ("seed MyEvent", dict(registry_name=REG, schema_name=SCHEMA, event_ref="MyEvent"),
     lambda: iatk.Registry(SEED_REGISTRY).load(REG, SCHEMA), "MyEvent"),
    ("EC2 AWSEvent v2", dict(registry_name=AWS_REG, schema_name=AWS_SCHEMA, schema_version="2",
                             event_ref="AWSEvent"),
     lambda: iatk.Registry(SEED_REGISTRY).load(AWS_REG, AWS_SCHEMA, "2"), "AWSEvent"),
    ("OrderPlaced text", dict(schema_text=ORDER_PLACED),
     lambda: iatk.Schema.from_text(ORDER_PLACED), None),
]
INDICES = [0, 1, 5, 2**63, 3, 2**64 - 1, 1, 0]


@pytest.mark.parametrize("name,args,load,ref", SOURCES, ids=[s[0] for s in SOURCES])
def test_repeated_calls_give_the_events_of_fresh_generators(name, args, load, ref):
    client = iatk.AwsIatk(registry_dir=str(SEED_REGISTRY))
    with load() as schema:
        plan = schema.compile(ref)
    for mode, seed in (("barebone", None), ("sample", None), ("random", 7), ("random", 8)):
        for skip in (None, True, "schema"):
            rule = {None: False, True: "aws", "schema": "schema"}[skip]
            for index in INDICES:
                expected = plan.event_text(index, mode=mode, seed=seed, skip_optional=rule,
                                           now=NOW)
                for _ in range(2):  # prepared by the first, repeated by the second
                    event = client.generate_mock_event(
                        **args, mode=mode, seed=seed, skip_optional=skip, now=NOW,
                        index=index).event
                    assert canonical(event) == canonical(json.loads(expected)), \
                        (mode, seed, skip, index)


def test_the_prepared_text_is_byte_identical_to_a_fresh_generators():
    client = iatk.AwsIatk(registry_dir=str(SEED_REGISTRY))
    plan = iatk.Schema.from_text(ORDER_PLACED).compile()
    client.generate_mock_event(schema_text=ORDER_PLACED, mode="random", seed=3, now=NOW)
    (prepared,) = prepared_calls().values()
    for index in [9, 0, 2**64 - 1, 4, 4, 1000]:
        assert prepared.text_of(index) == plan.event_text(index, mode="random", seed=3,
                                                          now=NOW)


def test_the_clock_still_moves_without_now():
    client = iatk.AwsIatk(registry_dir=str(SEED_REGISTRY))
    args = dict(registry_name=REG, schema_name=SCHEMA, event_ref="MyEvent")
    first = client.generate_mock_event(**args).event["datetime"]
    time.sleep(0.01)
    assert client.generate_mock_event(**args).event["datetime"] > first


# ------------------------------------------------- arguments not mixed up

def test_calls_with_different_arguments_are_not_mixed_up(tmp_path):
    client = iatk.AwsIatk(registry_dir=str(SEED_REGISTRY))
    doc = iatk.Registry(SEED_REGISTRY).load(REG, SCHEMA)
    my_event, item = doc.compile("MyEvent"), doc.compile("Item")

    def call(**kw):
        return client.generate_mock_event(registry_name=REG, schema_name=SCHEMA, **kw).event

    def fresh(plan, index=0, **kw):
        return json.loads(plan.event_text(index, **kw))

    utc = datetime.datetime(2024, 1, 2, 3, 4, 5, tzinfo=datetime.timezone.utc)
    plus2 = utc.astimezone(datetime.timezone(datetime.timedelta(hours=2)))
    assert utc == plus2 and hash(utc) == hash(plus2)  # equal keys, different events
    cases = [
        (dict(event_ref="MyEvent", now=NOW), fresh(my_event, now=NOW)),
        (dict(event_ref="Item", now=NOW), fresh(item, now=NOW)),
        (dict(event_ref="#/components/schemas/Item", now=NOW), fresh(item, now=NOW)),
        (dict(event_ref="MyEvent", mode="random", seed=1, now=NOW),
         fresh(my_event, mode="random", seed=1, now=NOW)),
        (dict(event_ref="MyEvent", mode="random", seed=2, now=NOW),
         fresh(my_event, mode="random", seed=2, now=NOW)),
        (dict(event_ref="MyEvent", mode="random", seed=1, index=1, now=NOW),
         fresh(my_event, 1, mode="random", seed=1, now=NOW)),
        (dict(event_ref="MyEvent", mode="random", now=NOW), fresh(my_event, mode="random",
                                                                   now=NOW)),
        (dict(event_ref="MyEvent", now=utc), fresh(my_event, now=utc)),
        (dict(event_ref="MyEvent", now=plus2), fresh(my_event, now=plus2)),
        (dict(event_ref="MyEvent", now="2024-01-02T03:04:05Z"),
         fresh(my_event, now="2024-01-02T03:04:05Z")),
        (dict(event_ref="MyEvent", now=NOW.encode()), fresh(my_event, now=NOW)),
        (dict(event_ref="MyEvent", now=NOW, skip_optional="schema"),
         fresh(my_event, now=NOW, skip_optional="schema")),
        (dict(event_ref="MyEvent", now=NOW, skip_optional=True),
         fresh(my_event, now=NOW, skip_optional="aws")),
        (dict(event_ref="MyEvent", now=NOW, schema_version="1"), fresh(my_event, now=NOW)),
        (dict(event_ref="MyEvent", now=NOW, schema_version=1), fresh(my_event, now=NOW)),
    ]
    assert utc.isoformat() != plus2.isoformat()
    assert cases[7][1]["datetime"] != cases[8][1]["datetime"]
    for _ in range(3):
        for kw, expected in cases:
            assert canonical(call(**kw)) == canonical(expected), kw

    # Values equal to cached ones (True == 1, 1.0 == 1) but invalid still fail.
    call(event_ref="MyEvent", mode="random", seed=1)
    call(event_ref="MyEvent", schema_version=1)
    call(event_ref="MyEvent", index=1)
    for bad in (dict(seed=True), dict(seed=1.0), dict(schema_version=True),
                dict(schema_version=1.0), dict(index=True), dict(index=1.0), dict(index=-1),
                dict(index=2**64)):
        kw = dict(event_ref="MyEvent", mode="random", seed=1)
        kw.update(bad)
        with pytest.raises(iatk.IatkException) as info:
            call(**kw)
        assert info.value.iatk_name == "IATK_EINVAL", (bad, info.value.message)


def test_contexts_and_validate_apply_to_each_call_on_its_own():
    client = iatk.AwsIatk(registry_dir=str(SEED_REGISTRY))
    args = dict(registry_name=REG, schema_name=SCHEMA, event_ref="MyEvent", now=NOW)
    plain = client.generate_mock_event(**args).event

    def stamp(event):
        event["customerId"] = "c-1"
        return event

    assert client.generate_mock_event(**args, contexts=[stamp]).event["customerId"] == "c-1"
    assert client.generate_mock_event(**args).event == plain
    with pytest.raises(iatk.IatkException) as info:
        client.generate_mock_event(**args, contexts=[lambda e: dict(e, orderItems="x")],
                                   validate=True)
    assert info.value.iatk_name == "IATK_EINVALID"
    assert client.generate_mock_event(**args, validate=True).event == plain
    with pytest.raises(iatk.IatkException) as info:
        client.generate_mock_event(**args, contexts=["not callable"])
    assert info.value.iatk_name == "IATK_EINVAL"
    eb = dict(registry_name=AWS_REG, schema_name=AWS_SCHEMA, event_ref="AWSEvent", seed=5,
              now="2024-05-06T07:08:09Z")
    plan = iatk.Registry(SEED_REGISTRY).load(AWS_REG, AWS_SCHEMA).compile("AWSEvent")
    bare = plan.event(seed=5, skip_optional=False, now=eb["now"])
    assert client.generate_mock_event(**eb).event == bare
    first = client.generate_mock_event(**eb, contexts=[eventbridge_event_context]).event
    again = client.generate_mock_event(**eb, contexts=[eventbridge_event_context]).event
    assert first == again != bare and first["source"] == "aws.autoscaling"
    assert client.generate_mock_event(**eb).event == bare


def test_trees_instances_and_the_environment_are_not_mixed_up(tmp_path, monkeypatch):
    for name, value in (("a", 1), ("b", 2)):
        iatk.Registry(tmp_path / name).put("r", "s", schema_doc(tree=value))
        age(tmp_path / name / "r" / "s", 3600)
    a = iatk.AwsIatk(registry_dir=str(tmp_path / "a"))
    b = iatk.AwsIatk(registry_dir=str(tmp_path / "b"))
    monkeypatch.delenv("IATK_REGISTRY_DIR", raising=False)
    env = iatk.AwsIatk()
    for _ in range(3):
        assert a.generate_mock_event("r", "s").event == {"tree": 1}
        assert b.generate_mock_event("r", "s").event == {"tree": 2}
        assert a.generate_mock_event("r", "s", registry_dir=tmp_path / "b").event == {"tree": 2}
        assert iatk.AwsIatk(registry_dir=str(tmp_path / "a")).generate_mock_event(
            "r", "s").event == {"tree": 1}
        monkeypatch.setenv("IATK_REGISTRY_DIR", str(tmp_path / "a"))
        assert env.generate_mock_event("r", "s").event == {"tree": 1}
        monkeypatch.setenv("IATK_REGISTRY_DIR", str(tmp_path / "b"))
        assert env.generate_mock_event("r", "s").event == {"tree": 2}
        monkeypatch.delenv("IATK_REGISTRY_DIR")
    for value in (1, 2, 1, 2):
        assert a.generate_mock_event(schema_text=schema_doc(t=value)).event == {"t": value}


def test_a_relative_tree_follows_the_working_directory(tmp_path, monkeypatch):
    for name, value in (("a", 1), ("b", 2)):
        iatk.Registry(tmp_path / name / "tree").put("r", "s", schema_doc(cwd=value))
        age(tmp_path / name / "tree" / "r" / "s", 3600)
    client = iatk.AwsIatk(registry_dir="tree")
    for name, value in (("a", 1), ("a", 1), ("b", 2), ("b", 2), ("a", 1)):
        monkeypatch.chdir(tmp_path / name)
        assert client.generate_mock_event("r", "s").event == {"cwd": value}
        assert client.generate_mock_event("r", "s", schema_version=1).event == {"cwd": value}


# ------------------------------------------------- changes on disk

def test_a_new_version_is_used_by_the_next_call(tmp_path):
    reg = iatk.Registry(tmp_path)
    client = iatk.AwsIatk(registry_dir=str(tmp_path))
    directory = tmp_path / "r" / "s"
    reg.put("r", "s", schema_doc(v=1))
    age(directory, 3600)
    assert client.generate_mock_event("r", "s").event == {"v": 1}
    assert len(prepared_calls()) == 1  # settled: prepared
    assert client.generate_mock_event("r", "s").event == {"v": 1}
    reg.put("r", "s", schema_doc(v=2))
    assert client.generate_mock_event("r", "s").event == {"v": 2}
    assert client.generate_mock_event("r", "s").event == {"v": 2}  # unsettled: resolved again
    age(directory, 1800)
    assert client.generate_mock_event("r", "s").event == {"v": 2}
    assert client.generate_mock_event("r", "s").event == {"v": 2}
    # Another process publishes.
    subprocess.run([sys.executable, "-c", "import iatk, sys; "
                    "iatk.Registry(sys.argv[1]).put('r', 's', sys.argv[2])",
                    str(tmp_path), schema_doc(v=3)], check=True)
    assert client.generate_mock_event("r", "s").event == {"v": 3}
    assert client.generate_mock_event("r", "s", schema_version=1).event == {"v": 1}
    assert client.generate_mock_event("r", "s", schema_version="2").event == {"v": 2}


def test_an_unrelated_change_keeps_the_generator(tmp_path):
    reg = iatk.Registry(tmp_path)
    client = iatk.AwsIatk(registry_dir=str(tmp_path))
    reg.put("r", "s", schema_doc(v=1))
    age(tmp_path / "r" / "s", 3600)
    age(tmp_path / "r", 3600)
    for version in (None, 1):
        client.generate_mock_event("r", "s", schema_version=version)
    before = {key[2]: p.gen for key, p in prepared_calls().items()}
    reg.put("r", "other", schema_doc(o=1))  # the registry's directory changes
    age(tmp_path / "r" / "s", 1200)         # and, say, the schema's mtime
    for version in (None, 1):
        assert client.generate_mock_event("r", "s", schema_version=version).event == {"v": 1}
    after = {key[2]: p.gen for key, p in prepared_calls().items()}
    assert after.keys() == before.keys()
    assert all(after[k] is before[k] for k in before)  # same plan: same generator


def test_a_replaced_schema_directory_is_seen(tmp_path):
    reg = iatk.Registry(tmp_path)
    client = iatk.AwsIatk(registry_dir=str(tmp_path))
    reg.put("r", "s", schema_doc(v="old"))
    reg.put("r", "s", schema_doc(v="old2"))
    age(tmp_path / "r" / "s", 3600)
    assert client.generate_mock_event("r", "s").event == {"v": "old2"}
    os.rename(tmp_path / "r" / "s", tmp_path / "r" / "s.away")
    shutil.rmtree(tmp_path / "r" / "s.away")
    reg.put("r", "s", schema_doc(v="new"))  # version 1 again, another document
    age(tmp_path / "r" / "s", 3600)
    assert client.generate_mock_event("r", "s").event == {"v": "new"}


@pytest.mark.parametrize("version", [None, 1])
def test_a_removed_registry_fails_as_it_would_for_a_fresh_client(tmp_path, version):
    reg = iatk.Registry(tmp_path)
    client = iatk.AwsIatk(registry_dir=str(tmp_path))
    reg.put("r", "s", schema_doc(v=1))
    age(tmp_path / "r" / "s", 3600)
    age(tmp_path / "r", 3600)
    assert client.generate_mock_event("r", "s", schema_version=version).event == {"v": 1}
    assert client.generate_mock_event("r", "s", schema_version=version).event == {"v": 1}
    shutil.rmtree(tmp_path / "r")
    with pytest.raises(iatk.IatkException) as info:
        client.generate_mock_event("r", "s", schema_version=version)
    with pytest.raises(iatk.IatkException) as fresh:
        iatk.AwsIatk(registry_dir=str(tmp_path)).generate_mock_event(
            "r", "s", schema_version=version)
    assert info.value.iatk_name == fresh.value.iatk_name == "IATK_ENOREGISTRY"
    assert info.value.message == fresh.value.message


def test_a_tree_that_gains_aws_events_is_read_instead_of_the_catalogue(tmp_path):
    client = iatk.AwsIatk(registry_dir=str(tmp_path))
    args = dict(registry_name=AWS_REG, schema_name=AWS_SCHEMA, event_ref="AWSEvent")
    catalogue = iatk.Registry(tmp_path).load(AWS_REG, AWS_SCHEMA, "2").compile("AWSEvent")
    for version in ("2", None, "2"):
        assert client.generate_mock_event(**args, schema_version=version, now=NOW).event == \
            catalogue.event(now=NOW)
    doc = json.dumps({"openapi": "3.0.0", "info": {"title": "t", "version": "1"}, "paths": {},
                      "components": {"schemas": {"AWSEvent": {
                          "type": "object", "required": ["mine"],
                          "properties": {"mine": {"enum": [True]}}}}}})
    reg = iatk.Registry(tmp_path)
    reg.create(AWS_REG)  # the tree's own aws.events takes the catalogue's place
    reg.put(AWS_REG, AWS_SCHEMA, doc)
    reg.put(AWS_REG, AWS_SCHEMA, doc)
    for version in ("2", None, "2"):
        assert client.generate_mock_event(**args, schema_version=version, now=NOW).event == \
            {"mine": True}


def test_an_edit_in_place_is_seen_after_clear_plan_cache_in_every_thread(tmp_path):
    reg = iatk.Registry(tmp_path)
    reg.put("r", "s", schema_doc(v="before"))
    age(tmp_path / "r" / "s", 3600)
    client = iatk.AwsIatk(registry_dir=str(tmp_path))
    stored = tmp_path / "r" / "s" / "1" / "schema.json"
    with concurrent.futures.ThreadPoolExecutor(1) as other:
        def both():
            return (client.generate_mock_event("r", "s").event,
                    other.submit(lambda: client.generate_mock_event("r", "s").event).result())
        assert both() == ({"v": "before"}, {"v": "before"})
        stat = (tmp_path / "r" / "s").stat()
        stored.write_text(schema_doc(v="after"))  # iatk never does this
        os.utime(tmp_path / "r" / "s", ns=(stat.st_atime_ns, stat.st_mtime_ns))
        assert both() == ({"v": "before"}, {"v": "before"})  # versions are immutable
        iatk.clear_plan_cache()
        assert both() == ({"v": "after"}, {"v": "after"})


# ------------------------------------------------- threads

def test_each_thread_has_its_own_generators_and_the_same_events():
    client = iatk.AwsIatk(registry_dir=str(SEED_REGISTRY))
    args = dict(registry_name=REG, schema_name=SCHEMA, event_ref="MyEvent", mode="random",
                seed=4, now=NOW)
    expected = [client.generate_mock_event(**args, index=i).event for i in range(300)]
    barrier = threading.Barrier(6)

    def work(worker):
        barrier.wait()
        events = [client.generate_mock_event(**args, index=i).event for i in range(300)]
        (prepared,) = [p for key, p in prepared_calls().items() if key[6] == 4]
        return events, prepared.gen._handle, prepared

    with concurrent.futures.ThreadPoolExecutor(6) as pool:
        results = list(pool.map(work, range(6)))
    assert all(events == expected for events, _, _ in results)
    handles = [handle for _, handle, _ in results]
    assert len(set(handles)) == len(handles)


def test_a_version_published_in_one_thread_is_seen_by_the_others_next_call(tmp_path):
    reg = iatk.Registry(tmp_path)
    reg.put("live", "s", schema_doc(v=1))
    age(tmp_path / "live" / "s", 3600)
    client = iatk.AwsIatk(registry_dir=str(tmp_path))
    threads = 6
    ready, published = threading.Barrier(threads + 1), threading.Barrier(threads + 1)

    def work(_):
        before = [client.generate_mock_event("live", "s").event for _ in range(50)]
        ready.wait()
        published.wait()
        return before, client.generate_mock_event("live", "s").event

    with concurrent.futures.ThreadPoolExecutor(threads) as pool:
        futures = [pool.submit(work, i) for i in range(threads)]
        ready.wait()
        reg.put("live", "s", schema_doc(v=2))
        published.wait()
        results = [f.result() for f in futures]
    for before, after in results:
        assert before == [{"v": 1}] * 50 and after == {"v": 2}


# ------------------------------------------------- what is not kept

def test_a_failed_generation_is_reported_the_same_every_time_and_not_kept():
    client = iatk.AwsIatk()
    text = json.dumps({"type": "array", "minItems": 100000,
                       "items": {"type": "string", "minLength": 1000}})
    errors = []
    for _ in range(2):
        with pytest.raises(iatk.IatkException) as info:
            client.generate_mock_event(schema_text=text)
        errors.append((info.value.iatk_name, info.value.message, info.value.where))
    assert errors[0] == errors[1] and errors[0][0] == "IATK_ELIMIT"
    assert not prepared_calls()
    assert client.generate_mock_event(schema_text=schema_doc(ok=1)).event == {"ok": 1}


def test_a_large_event_is_not_kept():
    client = iatk.AwsIatk()
    text = json.dumps({"type": "object", "required": ["s"],
                       "properties": {"s": {"type": "string", "minLength": 2 << 20}}})
    assert len(client.generate_mock_event(schema_text=text).event["s"]) == 2 << 20
    assert not prepared_calls()


def test_calls_from_a_context_and_a_busy_generator():
    client = iatk.AwsIatk(registry_dir=str(SEED_REGISTRY))
    args = dict(registry_name=REG, schema_name=SCHEMA, event_ref="MyEvent", mode="random",
                seed=9, now=NOW)
    expected = [client.generate_mock_event(**args, index=i).event for i in range(3)]

    def nested(event):  # the same call again, from inside the first
        assert client.generate_mock_event(**args, index=2).event == expected[2]
        return event

    assert client.generate_mock_event(**args, index=1, contexts=[nested]).event == expected[1]
    (prepared,) = prepared_calls().values()
    prepared.busy = True  # as if a signal handler ran between the C call and its read
    assert client.generate_mock_event(**args, index=0).event == expected[0]
    (replacement,) = prepared_calls().values()
    assert replacement is not prepared and replacement.gen is not prepared.gen


def test_prepared_calls_are_bounded():
    client = iatk.AwsIatk(registry_dir=str(SEED_REGISTRY))
    args = dict(registry_name=REG, schema_name=SCHEMA, event_ref="MyEvent", mode="random",
                now=NOW)
    for seed in range(client_module._PREPARED_PER_THREAD * 2 + 5):
        client.generate_mock_event(**args, seed=seed)
        assert len(prepared_calls()) <= client_module._PREPARED_PER_THREAD
