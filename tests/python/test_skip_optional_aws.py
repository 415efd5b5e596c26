"""AWS IATK's skip_optional, through the drop-in surfaces (the Python package
and JSON-RPC service mode), against schemas shaped like the ones AWS IATK's
own integration tests use: an EventBridge envelope whose `required` list
names some members, and a `detail` that has no `required` list.  AWS IATK
drops the envelope's optional members and keeps every member of `detail`;
iatk's `--skip-optional` (JSON Schema's meaning) would empty `detail`."""
import json
import os
import pathlib
import subprocess

import pytest

import aws_iatk

HERE = pathlib.Path(__file__).parent
REGISTRY = HERE / "registry"
IATK = os.environ.get("IATK", "iatk")
NOW = "2023-10-18T21:08:04Z"
REQUIRED = {"detail-type", "resources", "detail", "region"}
OPTIONAL = {"source", "id", "version", "account", "time"}
OPENAPI = dict(registry_name="awscompat", schema_name="ShipmentOpenApi", event_ref="Envelope")
JSONSCHEMA = dict(registry_name="awscompat", schema_name="JobJsonSchema")
JOB_DETAIL = {"jobId": "", "state": "", "attempt": 0, "queue": {"name": ""}}


@pytest.fixture
def client():
    return aws_iatk.AwsIatk(region="us-east-1", registry_dir=REGISTRY)


def test_json_schema_detail_without_required_keeps_everything(client):
    event = client.generate_mock_event(**JSONSCHEMA, skip_optional=True).event
    assert set(event) == REQUIRED
    assert event["detail"] == JOB_DETAIL


def test_openapi_required_lists_apply_per_object(client):
    event = client.generate_mock_event(**OPENAPI, skip_optional=True).event
    assert set(event) == REQUIRED
    # Shipment lists `required` (notes is dropped); Parcel has none (kept whole).
    assert event["detail"] == {"shipmentId": "", "carrier": "",
                               "parcel": {"weight": 0, "fragile": False}}


def test_without_skip_optional_everything_is_there(client):
    for args in (OPENAPI, JSONSCHEMA):
        event = client.generate_mock_event(**args, skip_optional=False).event
        assert set(event) == REQUIRED | OPTIONAL


def test_schema_rule_is_still_available(client):
    event = client.generate_mock_event(**JSONSCHEMA, skip_optional="schema").event
    assert set(event) == REQUIRED and event["detail"] == {}


def test_other_modes_follow_the_same_rule(client):
    for seed in range(10):
        event = client.generate_mock_event(**JSONSCHEMA, skip_optional=True, mode="random",
                                           seed=seed, validate=True).event
        assert REQUIRED <= set(event)
        assert not set(event) & OPTIONAL
    sample = client.generate_mock_event(**JSONSCHEMA, skip_optional=True, mode="sample").event
    assert set(sample["detail"]) == set(JOB_DETAIL)


def rpc(params):
    request = {"jsonrpc": "2.0", "id": "1", "method": "mock.generate_barebone_event",
               "params": params}
    env = dict(os.environ, IATK_REGISTRY_DIR=str(REGISTRY))
    run = subprocess.run([IATK], input=json.dumps(request).encode(), capture_output=True,
                         env=env, timeout=60, check=True)
    return json.loads(json.loads(run.stdout)["result"]["output"])


def test_jsonrpc_skip_optional_is_aws_iatks():
    base = {"RegistryName": "awscompat", "SchemaName": "JobJsonSchema", "Region": "us-east-1"}
    event = rpc(dict(base, SkipOptional=True))
    assert set(event) == REQUIRED and event["detail"] == JOB_DETAIL
    assert set(rpc(dict(base, SkipOptional=False))) == REQUIRED | OPTIONAL
    event = rpc({"RegistryName": "awscompat", "SchemaName": "ShipmentOpenApi",
                 "EventRef": "Envelope", "SkipOptional": True})
    assert set(event) == REQUIRED and set(event["detail"]) == {"shipmentId", "carrier", "parcel"}
    assert event["detail"]["parcel"] == {"weight": 0, "fragile": False}


def test_the_cli_offers_both_rules():
    def cli(*flags):
        run = subprocess.run([IATK, "generate", "--registry-dir", str(REGISTRY), "--registry",
                              "awscompat", "--schema", "JobJsonSchema", "--now", NOW, *flags],
                             capture_output=True, timeout=60, check=True)
        return json.loads(run.stdout)
    assert cli("--skip-optional=aws")["detail"] == JOB_DETAIL
    assert cli("--skip-optional")["detail"] == {}
    assert cli("--skip-optional=schema")["detail"] == {}
