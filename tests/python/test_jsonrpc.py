"""JSON-RPC service mode: `iatk` with no arguments and a request on stdin,
driven the way AWS IATK's Python client drives its service binary: spawn
the binary, write one JSON-RPC 2.0 request, read one JSON response."""
import json
import os
import pathlib
import re
import subprocess
import uuid

import pytest

IATK = os.environ.get("IATK", "iatk")
SOURCE = pathlib.Path(os.environ.get("IATK_SOURCE_DIR", pathlib.Path(__file__).parents[2]))
EXAMPLE_REGISTRY = SOURCE / "tests" / "python" / "registry" / "seed"
METHOD = "mock.generate_barebone_event"
MY_EVENT = {"RegistryName": "MyRegistry-local", "SchemaName": "MySchema-local",
            "EventRef": "MyEvent"}


def env(registry=EXAMPLE_REGISTRY):
    environ = dict(os.environ)
    environ.pop("IATK_REGISTRY_DIR", None)
    if registry is not None:
        environ["IATK_REGISTRY_DIR"] = str(registry)
    return environ


def spawn(raw, registry=EXAMPLE_REGISTRY):
    """Runs `iatk` with `raw` (bytes) on stdin; (exit status, response, stderr)."""
    run = subprocess.run([IATK], input=raw, capture_output=True, env=env(registry), timeout=60)
    lines = run.stdout.decode().splitlines()
    assert len(lines) == 1, run.stdout  # exactly one response line
    return run.returncode, json.loads(lines[0]), run.stderr.decode()


def request(params, method=METHOD, rid=None, **members):
    """A request as AWS IATK's client writes it."""
    payload = {"jsonrpc": "2.0", "id": rid if rid is not None else str(uuid.uuid4()),
               "method": method, "params": params,
               "metadata": {"client": "python", "version": "0.1.0",
                            "caller": "generate_mock_event"}}
    payload.update(members)
    return json.dumps(payload).encode()


def call(params, **kw):
    status, response, _ = spawn(request(params, rid="req-1", **kw))
    assert status == 0
    assert response["jsonrpc"] == "2.0" and response["id"] == "req-1"
    return response


def error_of(response, code):
    assert "result" not in response and set(response["error"]) == {"code", "message"}
    assert response["error"]["code"] == code, response
    assert response["error"]["message"]
    return response["error"]["message"]


# ---------------------------------------------------------------- success

def test_barebone_event():
    response = call(MY_EVENT)
    assert set(response) == {"jsonrpc", "id", "result"}
    output = response["result"]["output"]
    assert isinstance(output, str)  # the event as a JSON string, as AWS IATK sends it
    event = json.loads(output)
    assert event["address"] == "" and event["customerId"] == "" and event["orderItems"] == []
    assert event["membershipType"] == "A"
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d+([Zz]|[+-]\d\d:\d\d)",
                        event["datetime"])


def test_all_params_and_null_params():
    params = {"RegistryName": "aws.events",
              "SchemaName": "aws.autoscaling@EC2InstanceLaunchSuccessful",
              "SchemaVersion": "2", "EventRef": "AWSEvent", "SkipOptional": True,
              "Region": "us-west-2", "Profile": "default"}
    event = json.loads(call(params)["result"]["output"])
    assert "Description" in event["detail"]
    params.update(SchemaVersion="1", SkipOptional=None, Region=None, Profile=None)
    assert "Description" not in json.loads(call(params)["result"]["output"])["detail"]


def test_skip_optional_is_aws_iatks():
    # MyEvent has no `required` list, so AWS IATK keeps all of its properties.
    event = json.loads(call(dict(MY_EVENT, SkipOptional=True))["result"]["output"])
    assert set(event) == {"customerId", "datetime", "membershipType", "address", "orderItems"}


def test_ids_are_echoed():
    for rid in [7, "abc", None, 1.5]:
        status, response, _ = spawn(request(MY_EVENT, rid=0, id=rid))
        assert status == 0 and response["id"] == rid and "result" in response
    payload = json.loads(request(MY_EVENT))
    del payload["id"], payload["metadata"]  # both optional
    status, response, _ = spawn(json.dumps(payload).encode())
    assert response["id"] is None and "result" in response


def test_a_client_that_keeps_stdin_open_gets_its_answer():
    proc = subprocess.Popen([IATK], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            env=env())
    try:
        proc.stdin.write(request(MY_EVENT, rid=5) + b"\n")
        proc.stdin.flush()
        response = json.loads(proc.stdout.readline())  # before stdin is closed
        assert response["id"] == 5 and "result" in response
    finally:
        proc.stdin.close()
        assert proc.wait(timeout=60) == 0


def test_matches_the_python_package():
    import iatk
    event = iatk.AwsIatk(registry_dir=EXAMPLE_REGISTRY).generate_mock_event(
        "MyRegistry-local", "MySchema-local", event_ref="MyEvent").event
    rpc = json.loads(call(MY_EVENT)["result"]["output"])
    event.pop("datetime"), rpc.pop("datetime")
    assert event == rpc


# ----------------------------------------------------------------- errors

@pytest.mark.parametrize("raw", [b"", b"{", b'{"jsonrpc": "2.0",', b"not json", b"\xff\xfe"])
def test_parse_error(raw):
    status, response, _ = spawn(raw)
    assert status == 0 and response["id"] is None
    error_of(response, -32700)


@pytest.mark.parametrize("raw", [b"[]", b"42", b'"x"',
                                 b'{"jsonrpc": "1.0", "id": 1, "method": "m"}',
                                 b'{"id": 1, "method": "mock.generate_barebone_event"}',
                                 b'{"jsonrpc": "2.0", "id": 1, "method": 3}',
                                 b'{"jsonrpc": "2.0", "id": 1, "method": "m", "extra": 1}',
                                 b'{"jsonrpc": "2.0", "id": 1, "method": "m", "metadata": 1}'])
def test_invalid_request(raw):
    status, response, _ = spawn(raw)
    assert status == 0
    error_of(response, -32600)


def test_invalid_id_is_answered_with_null():
    status, response, _ = spawn(request(MY_EVENT, id={"no": 1}))
    assert response["id"] is None
    error_of(response, -32600)


def test_method_not_found():
    message = error_of(call(MY_EVENT, method="mock.generate_mock_event"), -32601)
    assert "mock.generate_mock_event" in message


@pytest.mark.parametrize("params, fragment", [
    (dict(MY_EVENT, Unknown=1), "Unknown"),
    (dict(MY_EVENT, registryName="x"), "registryName"),
    ({"SchemaName": "MySchema-local"}, "RegistryName"),
    ({"RegistryName": "MyRegistry-local"}, "SchemaName"),
    (dict(MY_EVENT, RegistryName=""), "RegistryName"),
    (dict(MY_EVENT, SchemaVersion=2), "SchemaVersion"),
    (dict(MY_EVENT, SkipOptional="yes"), "SkipOptional"),
    (dict(MY_EVENT, EventRef=["MyEvent"]), "EventRef"),
    (dict(MY_EVENT, Region=1), "Region"),
    (dict(MY_EVENT, Profile=True), "Profile"),
    (["MyRegistry-local", "MySchema-local"], "params"),
    (None, "params"),
])
def test_invalid_params(params, fragment):
    message = error_of(call(params), -32602)
    assert fragment in message


@pytest.mark.parametrize("params, fragment", [
    (dict(MY_EVENT, RegistryName="NoSuchRegistry"), "NoSuchRegistry"),
    (dict(MY_EVENT, SchemaName="NoSuchSchema"), "NoSuchSchema"),
    (dict(MY_EVENT, SchemaVersion="42"), "42"),
    (dict(MY_EVENT, EventRef="NoSuchEvent"), "NoSuchEvent"),
    (dict(MY_EVENT, RegistryName="../escape"), None),
])
def test_failed_operation_has_code_10_and_the_iatk_message(params, fragment):
    import iatk
    message = error_of(call(params), 10)
    if fragment:
        assert fragment in message
    # The same message the Python package (the C library) gives.
    args = (params["RegistryName"], params["SchemaName"])
    with pytest.raises(iatk.IatkException) as info:
        iatk.AwsIatk(registry_dir=EXAMPLE_REGISTRY).generate_mock_event(
            *args, schema_version=params.get("SchemaVersion"), event_ref=params["EventRef"])
    assert info.value.message == message


def test_no_registry_dir_is_a_failed_operation():
    status, response, _ = spawn(request(MY_EVENT), registry=None)
    assert status == 0
    assert "IATK_REGISTRY_DIR" in error_of(response, 10)


def test_internal_error_code_is_documented():
    """-32603 is reserved for failures of iatk itself (out of memory), which a
    test cannot provoke portably; the protocol page must list it."""
    doc = (SOURCE / "docs" / "jsonrpc.md").read_text()
    for code in ["-32700", "-32600", "-32601", "-32602", "-32603", "10"]:
        assert f"`{code}`" in doc
