# The seed's tests/python/test_example_04.py, run offline with iatk.
#
# Changed from the seed only where it must reach local resources instead of
# AWS (each change is marked "iatk:"):
#   * the schema registry is the local tree ../../registry (or
#     $IATK_REGISTRY_DIR), given to AwsIatk as registry_dir=;
#   * the calculator Lambda function is its Node.js handler,
#     ../../consumer/<CalculatorFunction>/index.lambdaHandler, run locally by
#     iatk (AwsIatk().invoke(handler=...)) behind a small stand-in for
#     boto3's Lambda client, so the invoke code is unchanged.
import io
import logging
import json
import os
import pathlib
import uuid

import aws_iatk
from aws_iatk.context_generation import eventbridge_event_context

LOG = logging.getLogger(__name__)
LOG.setLevel(logging.DEBUG)

# iatk: the example's local registry and consumer, next to outputs.json.
EXAMPLE_DIR = pathlib.Path(__file__).parent.parent.parent
REGISTRY_DIR = os.environ.get("IATK_REGISTRY_DIR") or str(EXAMPLE_DIR / "registry")


class LocalLambdaClient:
    """iatk: boto3's lambda client, for functions run locally by iatk."""

    def invoke(self, FunctionName, Payload):
        handler = EXAMPLE_DIR / "consumer" / FunctionName / "index.lambdaHandler"
        answer = aws_iatk.AwsIatk().invoke(Payload.decode("utf-8"), handler=str(handler),
                                           runtime="nodejs")
        return {"StatusCode": 200, "Payload": io.BytesIO(answer.text.encode())}


lambda_client = LocalLambdaClient()  # iatk: was boto3.client("lambda")

def read_cdk_outputs() -> dict:
    with open(pathlib.Path(__file__).parent.parent.parent / "outputs.json") as f:
        outputs = json.load(f)
    return outputs

def test_generate_barebone_event():
    stack_name = "cdk-example-schemaStack"
    stack_outputs = read_cdk_outputs().get(stack_name, {})
    registry_name = stack_outputs["RegistryName"]
    schema_name = stack_outputs["SchemaName"]
    iatk = aws_iatk.AwsIatk(registry_dir=REGISTRY_DIR)  # iatk: local registry
    barebone_event = iatk.generate_mock_event(
        registry_name=registry_name,
        schema_name=schema_name,
        event_ref="MyEvent",
    ).event
    LOG.debug(json.dumps(barebone_event, indent=2))
    for key in ["address", "customerId", "datetime", "membershipType", "orderItems"]:
        assert key in barebone_event
    assert barebone_event["address"] == ""
    assert barebone_event["customerId"] == ""
    assert barebone_event["orderItems"] == []
    
def test_generate_contextful_event():
    stack_name = "cdk-example-schemaStack"
    stack_outputs = read_cdk_outputs().get(stack_name, {})
    registry_name = stack_outputs["RegistryName"]
    schema_name = stack_outputs["SchemaName"]
    function_name = stack_outputs["CalculatorFunction"]
    iatk = aws_iatk.AwsIatk(registry_dir=REGISTRY_DIR)  # iatk: local registry
    
    def apply_context(event: dict) -> dict:
        event["customerId"] = str(uuid.uuid4())
        event["address"] = "99 Some Street"
        for i in range(5):
            item = {
                "unitPrice": (i + 1) * 2,
                "count": i + 1, 
            }
            event["orderItems"].append(item)
        return event
        
    mock_event = iatk.generate_mock_event(
        registry_name=registry_name,
        schema_name=schema_name,
        event_ref="MyEvent",
        contexts=[apply_context],
    ).event
    LOG.debug(json.dumps(mock_event, indent=2))
    for key in ["address", "customerId", "datetime", "membershipType", "orderItems"]:
        assert key in mock_event
    assert mock_event["customerId"] != ""
    assert mock_event["address"] == "99 Some Street"
    assert len(mock_event["orderItems"]) > 0

    response = lambda_client.invoke(
        FunctionName=function_name,
        Payload=bytes(json.dumps(mock_event), encoding="utf-8"),
    )
    result = int(response['Payload'].read())
    assert result == 110

def test_generate_eventbridge_event():
    iatk = aws_iatk.AwsIatk(registry_dir=REGISTRY_DIR)  # iatk: local registry

    mock_eb_event = iatk.generate_mock_event(
        registry_name="aws.events",
        schema_name="aws.autoscaling@EC2InstanceLaunchSuccessful",
        schema_version="2",
        event_ref="AWSEvent",
        contexts=[eventbridge_event_context],
    ).event
    LOG.debug(json.dumps(mock_eb_event, indent=2))
    for key in ["detail-type", "resources", "id", "source", "time", "detail", "region", "version", "account"]:
        assert key in mock_eb_event
    assert mock_eb_event["id"] != ""
    assert mock_eb_event["account"] != ""
    assert mock_eb_event["time"] != ""
