"""AwsIatk().invoke(event, handler=..., runtime=...): local Lambda handlers
through the Python package (libiatk's iatk_handler_* calls)."""
import os
import pathlib
import shutil
import time

import pytest

import iatk

SOURCE = pathlib.Path(os.environ.get("IATK_SOURCE_DIR", pathlib.Path(__file__).parents[2]))
HANDLERS = SOURCE / "tests" / "handlers"
CALCULATOR = SOURCE / "examples" / "04-event_generation" / "consumer" / "calculatorHandler"
EVENT = {"orderItems": [{"unitPrice": (i + 1) * 2, "count": i + 1} for i in range(5)]}
RID = "11111111-2222-4333-8444-555555555555"

node = pytest.mark.skipif(shutil.which("node") is None, reason="no node")


@node
def test_the_seed_calculator_returns_110():
    answer = iatk.AwsIatk().invoke(EVENT, handler=f"{CALCULATOR}/index.lambdaHandler",
                                   runtime="nodejs")
    assert answer.payload == 110
    assert answer.text == "110"


@node
def test_event_as_text_and_context_settings():
    result = iatk.AwsIatk(region="eu-west-1").invoke(
        '{"a": 1}', handler=f"{HANDLERS}/node/cjs/index.contextHandler", runtime="nodejs",
        timeout=5, function_name="calc", memory_size=256, env={"MY_SETTING": "yes"},
        handler_settings={"request-id": RID}).payload
    assert result["fields"]["invokedFunctionArn"] == \
        "arn:aws:lambda:eu-west-1:123456789012:function:calc"
    assert result["fields"]["memoryLimitInMB"] == "256"
    assert result["fields"]["awsRequestId"] == RID
    assert result["env"] == "yes"
    assert 0 < result["second"] < result["first"] <= 5000


@node
def test_node_error_document():
    with pytest.raises(iatk.IatkException) as info:
        iatk.AwsIatk().invoke(EVENT, handler=f"{HANDLERS}/node/cjs/index.customErrorHandler",
                              runtime="nodejs")
    e = info.value
    assert (e.error_type, e.error_message) == ("OrderError", "order 42 is empty")
    assert e.trace[0] == "OrderError: order 42 is empty"
    assert list(e.payload) == ["errorType", "errorMessage", "trace"]
    assert str(e) == "OrderError: order 42 is empty"
    assert e.iatk_name == "IATK_ECONSUMER"


def test_python_handler_and_error():
    app = f"{HANDLERS}/python/app"
    assert iatk.AwsIatk().invoke(EVENT, handler=f"{app}.handler", runtime="python").payload == 110
    assert iatk.AwsIatk().invoke(EVENT, handler=f"{app}.none", runtime="python").payload is None
    with pytest.raises(iatk.IatkException) as info:
        iatk.AwsIatk().invoke(EVENT, handler=f"{app}.nope", runtime="python",
                              handler_settings={"request_id": RID})
    assert info.value.payload == {
        "errorMessage": "Handler 'nope' missing on module 'app'",
        "errorType": "Runtime.HandlerNotFound", "requestId": RID, "stackTrace": []}


def test_timeout_is_bounded():
    start = time.monotonic()
    with pytest.raises(iatk.IatkException) as info:
        iatk.AwsIatk().invoke(EVENT, handler=f"{HANDLERS}/python/app.slow", runtime="python",
                              timeout=0.5)
    assert time.monotonic() - start < 10  # the handler sleeps 30 s: it was killed
    assert info.value.error_type == "Sandbox.Timedout"
    assert info.value.error_message.endswith("Task timed out after 0.50 seconds")
    assert info.value.iatk_name == "IATK_ETIMEOUT"


def test_bad_arguments():
    with pytest.raises(iatk.IatkException) as info:
        iatk.AwsIatk().invoke(EVENT, handler=f"{HANDLERS}/python/app.handler", runtime="ruby")
    assert info.value.iatk_name == "IATK_EINVAL"
    with pytest.raises(iatk.IatkException):
        iatk.AwsIatk().invoke(EVENT, handler=f"{HANDLERS}/python/app.handler")
    with pytest.raises(iatk.IatkException) as info:
        iatk.AwsIatk().invoke(EVENT, handler=f"{HANDLERS}/python/app.handler", runtime="python",
                              memory_size=1)
    assert "memory size" in str(info.value)
