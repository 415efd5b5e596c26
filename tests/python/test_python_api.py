"""The Python package (bindings/python/iatk and its aws_iatk alias): every
public function, every error path, contexts, and iatk's extras."""
import datetime
import json
import os
import pathlib
import re
import subprocess
import sys
import time
import uuid

import jsonschema
import pytest

import aws_iatk
import iatk
from aws_iatk.context_generation import eventbridge_event_context
from iatk import IatkException

SOURCE = pathlib.Path(os.environ.get("IATK_SOURCE_DIR", pathlib.Path(__file__).parents[2]))
EXAMPLE_REGISTRY = SOURCE / "tests" / "python" / "registry" / "seed"
REG, SCHEMA = "MyRegistry-local", "MySchema-local"
AWS_REG, AWS_SCHEMA = "aws.events", "aws.autoscaling@EC2InstanceLaunchSuccessful"
RFC3339_FRACTION = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d+([Zz]|[+-]\d\d:\d\d)")
# `time` as EventBridge writes it: UTC, whole seconds, "Z".
EVENTBRIDGE_TIME = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ")
NOW = "2024-05-06T07:08:09.123456Z"
ENVELOPE = ["detail-type", "resources", "id", "source", "time", "detail", "region", "version",
            "account"]


@pytest.fixture
def client():
    return iatk.AwsIatk(registry_dir=str(EXAMPLE_REGISTRY))


def my_event(client, **kw):
    return client.generate_mock_event(registry_name=REG, schema_name=SCHEMA,
                                      event_ref="MyEvent", **kw).event


def example_document():
    path = EXAMPLE_REGISTRY / REG / SCHEMA / "1" / "schema.json"
    return json.loads(path.read_text())


def oracle(document, name):
    """A jsonschema validator for components/schemas/<name> of an OpenAPI doc."""
    schema = {"$ref": f"#/components/schemas/{name}", "components": document["components"]}
    return jsonschema.Draft7Validator(schema, format_checker=jsonschema.FormatChecker())


def expect_error(fn, error_code=10, name=None, contains=None):
    with pytest.raises(IatkException) as info:
        fn()
    e = info.value
    assert e.error_code == error_code, (e.error_code, e.message)
    if name:
        assert e.iatk_name == name, (e.iatk_name, e.message)
    if contains:
        assert contains in e.message, e.message
    assert str(e) == e.message and e.args == (e.message, e.error_code)
    return e


# ------------------------------------------------------------------ surface

def test_aws_iatk_is_an_alias_of_iatk():
    assert aws_iatk.AwsIatk is iatk.AwsIatk
    assert aws_iatk.IatkException is iatk.IatkException
    assert eventbridge_event_context is iatk.context_generation.eventbridge_event_context
    from aws_iatk.exceptions import IatkException as alias
    assert alias is IatkException


def test_library_version_matches_the_package():
    assert re.fullmatch(r"\d+\.\d+\.\d+", iatk.library_version())


def test_constructor_accepts_region_and_profile():
    client = aws_iatk.AwsIatk(region="eu-west-1", profile="dev")
    assert (client.region, client.profile) == ("eu-west-1", "dev")


# -------------------------------------------------------------- generation

def test_barebone_event_has_the_seed_values(client):
    output = client.generate_mock_event(registry_name=REG, schema_name=SCHEMA,
                                        event_ref="MyEvent")
    assert isinstance(output, iatk.GenerateMockEventOutput)
    event = output.event
    assert set(event) == {"address", "customerId", "datetime", "membershipType", "orderItems"}
    assert event["address"] == "" and event["customerId"] == "" and event["orderItems"] == []
    assert event["membershipType"] == "A"
    assert RFC3339_FRACTION.fullmatch(event["datetime"])


def test_registry_dir_from_the_environment(monkeypatch):
    monkeypatch.setenv("IATK_REGISTRY_DIR", str(EXAMPLE_REGISTRY))
    assert "customerId" in my_event(aws_iatk.AwsIatk())


def test_registry_dir_per_call_overrides_the_instance(tmp_path):
    client = iatk.AwsIatk(registry_dir=str(tmp_path))
    assert "customerId" in my_event(client, registry_dir=EXAMPLE_REGISTRY)


def test_schema_version_string_and_integer_and_latest(client):
    def detail(version):
        return client.generate_mock_event(registry_name=AWS_REG, schema_name=AWS_SCHEMA,
                                          schema_version=version, event_ref="AWSEvent").event
    assert "Description" not in detail("1")["detail"]
    assert "Description" in detail(2)["detail"]
    assert "Description" in detail(None)["detail"]  # latest


def test_skip_optional_is_aws_iatks(client):
    # MyEvent has no `required` list: AWS IATK keeps all of its properties.
    full = my_event(client, now=NOW)
    assert my_event(client, skip_optional=True, now=NOW) == full
    assert my_event(client, skip_optional="aws", now=NOW) == full
    assert my_event(client, skip_optional="schema") == {}  # JSON Schema's meaning
    event = client.generate_mock_event(registry_name=AWS_REG, schema_name=AWS_SCHEMA,
                                       event_ref="AWSEvent", skip_optional=True).event
    assert set(event) == set(ENVELOPE)
    expect_error(lambda: my_event(client, skip_optional="some"), 10, "IATK_EINVAL",
                 contains="unknown skip_optional 'some'")


def test_event_ref_as_json_pointer(client):
    event = client.generate_mock_event(registry_name=REG, schema_name=SCHEMA,
                                       event_ref="#/components/schemas/Item").event
    assert set(event) == {"sku", "unitPrice", "count"}


def test_now_pins_the_clock(client):
    assert my_event(client, now="2024-01-02T03:04:05.5+02:00")["datetime"].startswith(
        "2024-01-02T03:04:05.5")
    when = datetime.datetime(2023, 10, 18, 21, 8, 4, 782196,
                             tzinfo=datetime.timezone(datetime.timedelta(hours=-7)))
    assert my_event(client, now=when)["datetime"] == "2023-10-18T21:08:04.782196-07:00"


def test_modes_and_seeds(client):
    validator = oracle(example_document(), "MyEvent")
    sample = my_event(client, mode="sample")
    validator.validate(sample)
    first = my_event(client, mode="random", seed=42, now=NOW)
    assert first == my_event(client, mode="random", seed=42, now=NOW)
    assert first != my_event(client, mode="random", seed=42, index=1, now=NOW) or \
        first != my_event(client, mode="random", seed=43, now=NOW)
    for index in range(50):
        validator.validate(my_event(client, mode="random", seed=7, index=index))


def test_generate_mock_events_yields_count_events_from_start(client):
    args = dict(registry_name=REG, schema_name=SCHEMA, event_ref="MyEvent", mode="random",
                seed=9, now=NOW)
    events = list(client.generate_mock_events(count=20, **args))
    assert len(events) == 20
    assert list(client.generate_mock_events(count=5, start=15, **args)) == events[15:]
    assert events[3] == my_event(client, mode="random", seed=9, index=3, now=NOW)
    unbounded = client.generate_mock_events(**args)
    assert [next(unbounded) for _ in range(3)] == events[:3]
    assert list(client.generate_mock_events(count=0, **args)) == []


def test_schema_from_text_and_file(tmp_path):
    text = json.dumps({"type": "object", "required": ["n"],
                       "properties": {"n": {"type": "integer", "minimum": 3}}})
    client = iatk.AwsIatk()
    assert client.generate_mock_event(schema_text=text).event == {"n": 3}
    path = tmp_path / "s.json"
    path.write_text(text)
    assert client.generate_mock_event(schema_file=path, skip_optional=True).event == {"n": 3}
    assert client.generate_mock_event(schema_file=str(path),
                                      schema_type="JSONSchemaDraft4").event == {"n": 3}


# ---------------------------------------------------------------- contexts

def test_contexts_apply_in_order_and_chain(client):
    calls = []

    def first(event):
        calls.append("first")
        event["customerId"] = "c-1"
        return event

    def second(event):
        calls.append("second")
        assert event["customerId"] == "c-1"
        return {**event, "orderItems": [{"unitPrice": 2, "count": 1}], "extra": True}

    event = my_event(client, contexts=[first, second, lambda e: dict(e, last=e["extra"])])
    assert calls == ["first", "second"]
    assert event["customerId"] == "c-1" and event["extra"] is True and event["last"] is True
    assert event["orderItems"] == [{"unitPrice": 2, "count": 1}]


def test_contexts_apply_to_every_generated_event(client):
    seen = []
    events = client.generate_mock_events(REG, SCHEMA, event_ref="MyEvent", count=3,
                                         contexts=[lambda e: seen.append(1) or e])
    assert len(list(events)) == 3 and len(seen) == 3


def test_context_returning_none(client):
    expect_error(lambda: my_event(client, contexts=[lambda e: None]), 404,
                 contains="event is empty, make sure function returns a valid event")


def test_context_returning_a_non_serialisable_result(client):
    def bad_context(event):
        event["when"] = datetime.datetime.now()
        return event
    e = expect_error(lambda: my_event(client, contexts=[bad_context]), 400)
    assert e.message == "context applier bad_context returns a non-JSON-serializable result"
    expect_error(lambda: my_event(client, contexts=[lambda e: {"x": float("nan")}]), 400)


def test_a_context_that_raises_propagates_its_exception(client):
    def boom(event):
        raise KeyError("mine")
    with pytest.raises(KeyError):
        my_event(client, contexts=[boom])


def test_contexts_must_be_callables(client):
    expect_error(lambda: my_event(client, contexts=["eventbridge"]), name="IATK_EINVAL")
    expect_error(lambda: my_event(client, contexts=eventbridge_event_context),
                 name="IATK_EINVAL")


def test_eventbridge_context_in_generate_uses_the_schema(client):
    event = client.generate_mock_event(registry_name=AWS_REG, schema_name=AWS_SCHEMA,
                                       schema_version="2", event_ref="AWSEvent",
                                       contexts=[eventbridge_event_context]).event
    for key in ENVELOPE:
        assert key in event
    assert event["detail-type"] == "EC2 Instance Launch Successful"
    assert event["source"] == "aws.autoscaling"
    assert uuid.UUID(event["id"]) and re.fullmatch(r"\d{12}", event["account"])
    assert event["version"] == "0" and event["region"]
    assert EVENTBRIDGE_TIME.fullmatch(event["time"]), event["time"]
    # A strict consumer's parse: the instant is now, in UTC.
    parsed = datetime.datetime.strptime(event["time"], "%Y-%m-%dT%H:%M:%SZ")
    assert abs(parsed.replace(tzinfo=datetime.timezone.utc).timestamp() - time.time()) < 60


def test_eventbridge_context_with_seed_and_now_is_reproducible(client):
    def run(index):
        return client.generate_mock_event(AWS_REG, AWS_SCHEMA, event_ref="AWSEvent",
                                          skip_optional=True, seed=5, index=index,
                                          now="2024-01-02T03:04:05Z",
                                          contexts=[eventbridge_event_context]).event
    assert run(0) == run(0)
    assert run(0)["id"] != run(1)["id"]
    assert run(0)["time"] == "2024-01-02T03:04:05Z"


def test_eventbridge_region_is_the_clients(monkeypatch):
    """AwsIatk(region=...) is the envelope's region, over $AWS_REGION; each
    client keeps its own although a repeated call reuses what the first
    prepared on this thread."""
    monkeypatch.setenv("AWS_REGION", "eu-west-3")

    def region(client):
        return client.generate_mock_event(registry_name=REG, schema_name=SCHEMA,
                                          event_ref="MyEvent",
                                          contexts=[eventbridge_event_context]).event["region"]
    sydney = iatk.AwsIatk(region="ap-southeast-2", registry_dir=str(EXAMPLE_REGISTRY))
    unset = iatk.AwsIatk(registry_dir=str(EXAMPLE_REGISTRY))
    for _ in range(2):
        assert region(sydney) == "ap-southeast-2"
        assert region(unset) == "eu-west-3"
    events = sydney.generate_mock_events(registry_name=REG, schema_name=SCHEMA,
                                         event_ref="MyEvent", count=2,
                                         contexts=[eventbridge_event_context])
    assert [e["region"] for e in events] == ["ap-southeast-2"] * 2
    bad = iatk.AwsIatk(region="../evil", registry_dir=str(EXAMPLE_REGISTRY))
    with pytest.raises(IatkException, match="not an AWS region name"):
        region(bad)


def test_eventbridge_time_is_utc_whole_seconds_z(client):
    def event_time(now, **kw):
        return client.generate_mock_event(AWS_REG, AWS_SCHEMA, event_ref="AWSEvent", now=now,
                                          contexts=[eventbridge_event_context], **kw).event["time"]
    assert event_time("2023-10-18T21:08:04.782196-07:00") == "2023-10-19T04:08:04Z"
    assert event_time(NOW) == "2024-05-06T07:08:09Z"
    for seed in range(5):  # random mode's made-up times keep their instant, in this form
        assert EVENTBRIDGE_TIME.fullmatch(event_time(NOW, mode="random", seed=seed,
                                                     validate=True))


def test_eventbridge_event_context_standalone():
    event = {"id": "", "detail": {"k": 1}, "source": "mine"}
    result = eventbridge_event_context(event)
    assert result is event  # updated in place, and returned
    for key in ["id", "account", "time", "version", "region", "resources", "detail"]:
        assert key in event
    assert event["source"] == "mine" and event["detail"] == {"k": 1}
    assert uuid.UUID(event["id"]) and re.fullmatch(r"\d{12}", event["account"])
    assert EVENTBRIDGE_TIME.fullmatch(event["time"]), event["time"]
    # AWS IATK's placeholders when nothing names them; never empty.
    assert event["detail-type"] == "detail-type"
    kept = eventbridge_event_context({"time": "2019-11-30T10:02:36.250+01:00"})
    assert kept["time"] == "2019-11-30T09:02:36Z"
    named = eventbridge_event_context({}, detail_type="Thing Happened", source="my.app")
    assert named["detail-type"] == "Thing Happened" and named["source"] == "my.app"


def test_eventbridge_event_context_errors():
    expect_error(lambda: eventbridge_event_context([1, 2]), 10, name="IATK_ECONTEXT")
    expect_error(lambda: eventbridge_event_context({"x": object()}), 400)


# ------------------------------------------------------------- error paths

@pytest.mark.parametrize("args, name, fragment", [
    (dict(registry_name="NoSuchRegistry", schema_name=SCHEMA), "IATK_ENOREGISTRY",
     "NoSuchRegistry"),
    (dict(registry_name=REG, schema_name="NoSuchSchema"), "IATK_ENOSCHEMA", "NoSuchSchema"),
    (dict(registry_name=REG, schema_name=SCHEMA, schema_version="99"), "IATK_ENOVERSION", "99"),
    (dict(registry_name=REG, schema_name=SCHEMA, event_ref="NoSuchEvent"), "IATK_ENOEVENT",
     "NoSuchEvent"),
    (dict(registry_name=REG, schema_name=SCHEMA), "IATK_ENOEVENT", None),  # two schemas
    (dict(registry_name="../etc", schema_name=SCHEMA), "IATK_ENAME", None),
])
def test_lookup_errors_carry_the_c_message(client, args, name, fragment):
    e = expect_error(lambda: client.generate_mock_event(**args), 10, name)
    assert e.message and "\n" not in e.message
    if fragment:
        assert fragment in e.message


def test_bad_registry_dir(tmp_path):
    missing = tmp_path / "missing"
    expect_error(lambda: my_event(iatk.AwsIatk(registry_dir=str(missing))), 10,
                 "IATK_ENOREGISTRY")
    file = tmp_path / "file"
    file.write_text("not a directory")
    expect_error(lambda: my_event(iatk.AwsIatk(registry_dir=str(file))), 10)


def test_no_registry_dir_at_all(monkeypatch):
    monkeypatch.delenv("IATK_REGISTRY_DIR", raising=False)
    expect_error(lambda: my_event(iatk.AwsIatk()), 10, "IATK_EINVAL", "IATK_REGISTRY_DIR")


def test_bad_schema_documents_report_where():
    e = expect_error(lambda: iatk.AwsIatk().generate_mock_event(schema_text='{"type": '),
                     10, "IATK_EJSON")
    assert e.line == 1 and e.column > 0
    e = expect_error(lambda: iatk.AwsIatk().generate_mock_event(
        schema_text='{"$ref": "#/definitions/none"}'), 10, "IATK_EREF")
    assert e.where.startswith("#")
    expect_error(lambda: iatk.AwsIatk().generate_mock_event(schema_file="/no/such/file.json"),
                 10, "IATK_EIO")


@pytest.mark.parametrize("kw, fragment", [
    (dict(mode="fancy"), "mode"),
    (dict(seed=-1), "seed"),
    (dict(seed="1"), "seed"),
    (dict(now="yesterday"), "RFC 3339"),
    (dict(now=12), "now"),
    (dict(index=-1), "index"),
    (dict(schema_version=1.5), "schema_version"),
    (dict(schema_text="{}"), "not both"),
])
def test_invalid_arguments(client, kw, fragment):
    expect_error(lambda: my_event(client, **kw), 10, "IATK_EINVAL", fragment)


def test_missing_names_are_invalid(client):
    expect_error(lambda: client.generate_mock_event(schema_name=SCHEMA), 10, "IATK_EINVAL",
                 "registry_name")
    expect_error(lambda: client.generate_mock_event(registry_name=REG), 10, "IATK_EINVAL",
                 "schema_name")
    expect_error(lambda: client.generate_mock_events(REG, SCHEMA, count=-1), 10, "IATK_EINVAL")


# --------------------------------------------------------------- validate

def test_validate_generated_events_in_every_mode(client):
    for mode in iatk.MODES:
        for index in range(20):
            my_event(client, mode=mode, seed=4, index=index, validate=True)
    events = client.generate_mock_events(AWS_REG, AWS_SCHEMA, event_ref="AWSEvent", count=20,
                                         mode="random", seed=2, validate=True,
                                         contexts=[eventbridge_event_context])
    assert len(list(events)) == 20


def test_validate_checks_the_event_after_the_contexts(client):
    def break_it(event):
        event["orderItems"] = [{"count": "three"}]
        return event
    e = expect_error(lambda: my_event(client, contexts=[break_it], validate=True), 10,
                     "IATK_EINVALID")
    assert "/orderItems/0/count" in e.where
    assert my_event(client, contexts=[break_it])["orderItems"] == [{"count": "three"}]


def test_validate_event(client):
    args = dict(registry_name=REG, schema_name=SCHEMA, event_ref="MyEvent")
    assert client.validate_event({"membershipType": "B", "orderItems": []}, **args) is None
    assert client.validate_event('{"address": "x"}', **args) is None
    e = expect_error(lambda: client.validate_event({"membershipType": "Z"}, **args), 10,
                     "IATK_EINVALID")
    assert "/membershipType" in e.where
    expect_error(lambda: client.validate_event("{", **args), 10, "IATK_EJSON")
    expect_error(lambda: client.validate_event({"a": object()}, **args), 10, "IATK_EINVAL")
    expect_error(lambda: client.validate_event({}, REG, SCHEMA, event_ref="Nope"), 10,
                 "IATK_ENOEVENT")
    text = json.dumps({"type": "object", "properties": {"n": {"type": "integer"}}})
    assert client.validate_event({"n": 1}, schema_text=text) is None
    expect_error(lambda: client.validate_event({"n": 1.5}, schema_text=text), 10,
                 "IATK_EINVALID")


def test_validator_object():
    schema = iatk.Schema.from_text(json.dumps(example_document()))
    with schema.validator("Item") as validator:
        schema.close()  # the validator keeps its own reference
        assert validator.is_valid({"sku": "a", "count": 2})
        assert not validator.is_valid({"count": 2.5})
        with pytest.raises(IatkException):
            validator.is_valid("{")  # not a validity question: malformed JSON


def test_error_codes_match_the_c_table():
    from iatk import exceptions
    lib = iatk._lib.lib()
    for name in ["EINVAL", "ECONTEXT", "EINVALID"]:
        assert lib.iatk_err_name(getattr(exceptions, "IATK_" + name)).decode() == "IATK_" + name


# -------------------------------------------------- registry, schema, plan

def test_registry_round_trip(tmp_path):
    root = tmp_path / "tree"
    with iatk.Registry(root) as reg:
        assert reg.root == str(root) and reg.list() == ["aws.events"]  # the built-in catalogue
        reg.create("orders")
        expect_error(lambda: reg.create("orders"), 10, "IATK_EEXIST")
        doc = {"type": "object", "properties": {"a": {"type": "string"}}}
        assert reg.put("orders", "Placed", json.dumps(doc)) == 1
        assert reg.put("orders", "Placed", json.dumps(doc).encode(), "JSONSchemaDraft4") == 2
        assert reg.list() == ["aws.events", "orders"] and reg.list("orders") == ["Placed"]
        assert reg.versions("orders", "Placed") == ["1", "2"]
        schema = reg.load("orders", "Placed", 1)
        assert schema.type == "JSONSchemaDraft4"
        expect_error(lambda: reg.put("orders", "Placed", "{"), 10, "IATK_EJSON")
        expect_error(lambda: reg.versions("orders", "None"), 10, "IATK_ENOSCHEMA")
    event = iatk.AwsIatk(registry_dir=root).generate_mock_event("orders", "Placed").event
    assert event == {"a": ""}
    expect_error(lambda: reg.list(), 10, "IATK_EINVAL")  # closed


def test_new_versions_are_seen_without_clearing_the_cache(tmp_path):
    reg = iatk.Registry(tmp_path)
    client = iatk.AwsIatk(registry_dir=tmp_path)
    reg.put("r", "s", json.dumps({"type": "object", "properties": {"v1": {"type": "string"}}}))
    assert client.generate_mock_event("r", "s").event == {"v1": ""}
    reg.put("r", "s", json.dumps({"type": "object", "properties": {"v2": {"type": "string"}}}))
    assert client.generate_mock_event("r", "s").event == {"v2": ""}
    assert client.generate_mock_event("r", "s", schema_version=1).event == {"v1": ""}
    iatk.clear_plan_cache()
    assert client.generate_mock_event("r", "s", schema_version=1).event == {"v1": ""}


def test_latest_version_is_remembered_only_while_the_schema_is_unchanged(tmp_path):
    reg = iatk.Registry(tmp_path)
    client = iatk.AwsIatk(registry_dir=tmp_path)
    directory = tmp_path / "r" / "s"

    def put(name):
        reg.put("r", "s", json.dumps({"type": "object", "properties": {name: {"type": "string"}}}))

    def age(seconds_ago):
        then = time.time_ns() - seconds_ago * 10**9
        os.utime(directory, ns=(then, then))

    put("v1")
    age(3600)
    assert client.generate_mock_event("r", "s").event == {"v1": ""}  # remembered
    assert client.generate_mock_event("r", "s").event == {"v1": ""}
    put("v2")  # the directory changes: listed again
    assert client.generate_mock_event("r", "s").event == {"v2": ""}
    age(1800)
    assert client.generate_mock_event("r", "s").event == {"v2": ""}
    put("v3")
    age(900)
    assert client.generate_mock_event("r", "s").event == {"v3": ""}


def test_schema_plan_and_generator_objects():
    text = json.dumps(example_document())
    schema = iatk.Schema.from_text(text, origin="mine.json")
    assert schema.type == "OpenApi3" and schema.origin == "mine.json"
    plan = schema.compile("MyEvent")
    schema.close()  # the plan keeps no reference to the document
    assert plan.pointer == "#/components/schemas/MyEvent"
    assert plan.detail_type is None and plan.source is None
    assert json.loads(plan.event_text(mode="sample", now=NOW)) == \
        plan.event(mode="sample", now=NOW)
    assert list(plan.events(3, mode="random", seed=1, now=NOW)) == \
        [plan.event(i, mode="random", seed=1, now=NOW) for i in range(3)]
    with iatk.Generator(plan, skip_optional=True) as gen:  # iatk's own: JSON Schema's
        assert gen.text(0) == "{}"
    with iatk.Generator(plan, skip_optional="aws", now=NOW) as gen:
        assert json.loads(gen.text(0)) == plan.event(now=NOW)
    assert plan.event_text(skip_optional="schema") == "{}"
    expect_error(lambda: schema.compile("MyEvent"), 10, "IATK_EINVAL")  # closed
    eb = iatk.Registry(EXAMPLE_REGISTRY).load(AWS_REG, AWS_SCHEMA).compile("AWSEvent")
    assert (eb.detail_type, eb.source) == ("EC2 Instance Launch Successful", "aws.autoscaling")


def test_library_is_found_next_to_the_package(tmp_path):
    """Without IATK_LIBRARY, a libiatk.so placed next to the package is used."""
    library = os.environ.get("IATK_LIBRARY")
    if not library:
        pytest.skip("IATK_LIBRARY is not set")
    package = tmp_path / "iatk"
    source = pathlib.Path(iatk.__file__).parent
    package.mkdir()
    for py in source.glob("*.py"):
        (package / py.name).write_text(py.read_text())
    (package / "libiatk.so").symlink_to(library)
    env = {k: v for k, v in os.environ.items() if k != "IATK_LIBRARY"}
    env["PYTHONPATH"] = str(tmp_path)
    code = "import iatk, iatk._lib as l; print(iatk.library_version(), l.lib()._name)"
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True,
                         text=True, check=True).stdout
    assert str(package / "libiatk.so") in out


def test_a_bad_iatk_library_is_reported(tmp_path):
    env = dict(os.environ, IATK_LIBRARY=str(tmp_path / "nope.so"))
    run = subprocess.run([sys.executable, "-c", "import iatk; iatk.library_version()"],
                         env=env, capture_output=True, text=True)
    assert run.returncode != 0 and "IATK_LIBRARY" in run.stderr
