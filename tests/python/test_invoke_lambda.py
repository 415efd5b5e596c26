"""iatk invoke --lambda and AwsIatk.invoke(lambda_=...) against a loopback
Lambda fake (no moto needed: bench/invoke_moto.sh runs the same commands
against moto).  The fake checks every request's SigV4 signature with
botocore and its shape against botocore's model of Lambda (Invoke found
by method and URI, required members present, InvocationType and LogType
values from the model's enums), then answers as the Lambda API reference
documents: 200 with the payload, X-Amz-Function-Error with the error
object, X-Amz-Log-Result in base64, 202 for Event, 404
ResourceNotFoundException, 429 TooManyRequestsException."""
import base64
import json
import os
import pathlib
import subprocess
import sys

import pytest

from awsfake import Answer, Fake, ServiceFake, clean_env, error_line, json_answer

IATK = os.environ.get("IATK", str(pathlib.Path(__file__).parents[2] / "build" / "iatk"))
KEY, SECRET = "AKIDINVOKE", "invoke-secret"
REGION = "eu-west-1"
ACCOUNT = "123456789012"
EVENT = {"detail-type": "OrderPlaced", "detail": {"count": 3, "unitPrice": 12.5}}
EXIT_CONSUMER, EXIT_AWS, EXIT_USAGE = 9, 10, 2


def arn(name):
    return f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:{name}"


class LambdaFake(ServiceFake):
    """Functions by name: each maps the event to (payload, error type or
    None, log text).  `throttle` refuses that many calls first."""
    service = signing_name = "lambda"

    def __init__(self, functions, throttle=0):
        super().__init__({KEY: SECRET})
        self.functions = functions
        self.throttle = throttle

    @staticmethod
    def error(status, code, message):
        return json_answer(status, {"Type": "User", "message": message},
                           {"x-amzn-ErrorType": code})

    def op_Invoke(self, request, params):
        if self.throttle:
            self.throttle -= 1
            return self.error(429, "TooManyRequestsException", "Rate exceeded")
        name = params["FunctionName"].split(":function:")[-1].split(":")[0]
        if name not in self.functions:
            return self.error(404, "ResourceNotFoundException",
                              f"Function not found: {arn(name)}")
        if params.get("InvocationType") == "Event":
            return Answer(202, b"", {"Content-Type": "application/json"})
        payload, error_type, log = self.functions[name](json.loads(request.body))
        headers = {"Content-Type": "application/json", "X-Amz-Executed-Version": "$LATEST"}
        if error_type:
            headers["X-Amz-Function-Error"] = "Unhandled"
        if params.get("LogType") == "Tail":
            headers["X-Amz-Log-Result"] = base64.b64encode(log.encode()).decode()
        return Answer(200, json.dumps(payload), headers)


def total(event):
    d = event["detail"]
    return {"total": d["count"] * d["unitPrice"]}, None, "START RequestId: 1\ntotal computed\nEND\n"


def failing(event):
    return ({"errorType": "ValueError", "errorMessage": "count must be positive",
             "stackTrace": ["  File \"/var/task/app.py\", line 3"]}, "ValueError",
            "START\n[ERROR] ValueError: count must be positive\nEND\n")


@pytest.fixture
def fake():
    with Fake(LambdaFake({"calc": total, "broken": failing})) as f:
        yield f


@pytest.fixture
def env(tmp_path, fake):
    return clean_env(tmp_path, AWS_ACCESS_KEY_ID=KEY, AWS_SECRET_ACCESS_KEY=SECRET,
                     AWS_REGION=REGION, AWS_ENDPOINT_URL_LAMBDA=fake.url)


def invoke(env, *args, event=EVENT, timeout=60):
    return subprocess.run([IATK, "invoke", *args], input=json.dumps(event), env=env,
                          capture_output=True, text=True, timeout=timeout)


def only_call(fake):
    assert fake.handler.refused == []
    (call,) = fake.handler.calls
    return call


# ------------------------------------------------------------------ success

def test_invoke_prints_the_answer(fake, env):
    proc = invoke(env, "--lambda", "calc")
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout) == {"total": 37.5}
    assert proc.stderr == ""
    name, params, region = only_call(fake)
    assert (name, region) == ("Invoke", REGION)
    assert params["FunctionName"] == "calc"
    assert params["InvocationType"] == "RequestResponse"
    assert "LogType" not in params and "Qualifier" not in params
    assert json.loads(params["Payload"]) == EVENT
    request = fake.requests[0]
    assert request.path == "/2015-03-31/functions/calc/invocations"
    assert "content-type" not in request.headers  # a blob payload, as botocore


def test_generate_piped_into_invoke(fake, env, tmp_path):
    schema = tmp_path / "schema.json"
    schema.write_text(json.dumps({"type": "object", "required": ["detail"], "properties": {
        "detail": {"type": "object", "required": ["count", "unitPrice"], "properties": {
            "count": {"type": "integer", "const": 4},
            "unitPrice": {"type": "number", "const": 2.5}}}}}))
    proc = subprocess.run(f"'{IATK}' generate --file '{schema}' --mode sample | "
                          f"'{IATK}' invoke --lambda calc", shell=True, env=env,
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout) == {"total": 10.0}


def test_event_from_a_file(fake, env, tmp_path):
    path = tmp_path / "event.json"
    path.write_text(json.dumps(EVENT))
    proc = subprocess.run([IATK, "invoke", "--lambda", "calc", "--event", str(path)],
                          env=env, capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout) == {"total": 37.5}


# ----------------------------------------------------------- function error

def test_function_error(fake, env):
    proc = invoke(env, "--lambda", "broken")
    assert proc.returncode == EXIT_CONSUMER
    assert json.loads(proc.stdout)["errorType"] == "ValueError"  # the payload still printed
    assert error_line(proc) == "ValueError: count must be positive"


def test_log_tail(fake, env):
    proc = invoke(env, "--lambda", "calc", "--log-tail")
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr == "START RequestId: 1\ntotal computed\nEND\n"
    assert only_call(fake)[1]["LogType"] == "Tail"


def test_log_tail_of_a_failed_function(fake, env):
    proc = invoke(env, "--lambda", "broken", "--log-tail")
    assert proc.returncode == EXIT_CONSUMER
    assert proc.stderr.startswith("START\n[ERROR] ValueError: count must be positive\nEND\n")
    assert error_line(proc) == "ValueError: count must be positive"


def test_async(fake, env):
    proc = invoke(env, "--lambda", "calc", "--async")
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == ""
    assert proc.stderr == "iatk: event queued for calc (HTTP 202)\n"
    assert only_call(fake)[1]["InvocationType"] == "Event"


# ------------------------------------------------------------ AWS failures

def test_function_not_found(fake, env):
    proc = invoke(env, "--lambda", "missing")
    assert proc.returncode == EXIT_AWS
    assert error_line(proc) == f"ResourceNotFoundException: Function not found: {arn('missing')}"
    assert proc.stdout == ""


def test_throttled_then_answered(tmp_path):
    with Fake(LambdaFake({"calc": total}, throttle=2)) as fake:
        env = clean_env(tmp_path, AWS_ACCESS_KEY_ID=KEY, AWS_SECRET_ACCESS_KEY=SECRET,
                        AWS_REGION=REGION, AWS_ENDPOINT_URL_LAMBDA=fake.url)
        proc = invoke(env, "--lambda", "calc")
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout) == {"total": 37.5}
    assert fake.handler.operations() == ["Invoke"] * 3  # each attempt signed anew
    assert fake.handler.refused == []


def test_throttled_past_max_attempts(tmp_path):
    with Fake(LambdaFake({"calc": total}, throttle=5)) as fake:
        env = clean_env(tmp_path, AWS_ACCESS_KEY_ID=KEY, AWS_SECRET_ACCESS_KEY=SECRET,
                        AWS_REGION=REGION, AWS_ENDPOINT_URL_LAMBDA=fake.url,
                        AWS_MAX_ATTEMPTS=2)
        proc = invoke(env, "--lambda", "calc")
    assert proc.returncode == EXIT_AWS
    assert error_line(proc) == "TooManyRequestsException: Rate exceeded (after 2 attempts)"


class SilentLambda(LambdaFake):
    """Takes the invoke, then answers late (`delay` s) or never (`drop`)."""

    def __init__(self, **answer):
        super().__init__({"calc": total})
        self.answer = answer

    def op_Invoke(self, request, params):
        return Answer(200, b"{}", {"Content-Type": "application/json"}, **self.answer)


@pytest.mark.parametrize("answer, why", [
    ({"delay": 4}, " within 1 s;"),
    ({"drop": True}, ""),
], ids=["no answer in time", "connection dropped"])
def test_an_invoke_that_went_out_is_not_sent_again(tmp_path, answer, why):
    """The function may have run: a second request could run it twice."""
    with Fake(SilentLambda(**answer)) as fake:
        env = clean_env(tmp_path, AWS_ACCESS_KEY_ID=KEY, AWS_SECRET_ACCESS_KEY=SECRET,
                        AWS_REGION=REGION, AWS_ENDPOINT_URL_LAMBDA=fake.url)
        proc = invoke(env, "--lambda", "calc", "--timeout", "1")
    assert proc.returncode == 11, proc.stderr
    assert fake.handler.operations() == ["Invoke"]
    line = error_line(proc)
    assert line.startswith("no answer from 127.0.0.1:") or line.startswith("cannot reach"), line
    assert why in line
    assert line.endswith("not sent again: the request went out and may have run "
                         "(it is not idempotent)"), line


def test_python_invoke_timeout_is_the_read_timeout(tmp_path):
    """AwsIatk.invoke(lambda_=..., timeout=N): N seconds for the answer, then
    IATK_ENETWORK and no second request; other calls keep the default."""
    with Fake(SilentLambda(delay=4)) as fake:
        env = clean_env(tmp_path, AWS_ACCESS_KEY_ID=KEY, AWS_SECRET_ACCESS_KEY=SECRET,
                        AWS_REGION=REGION, AWS_ENDPOINT_URL_LAMBDA=fake.url)
        proc = python(env, f"""
import json, time
from iatk import AwsIatk, IatkException
iatk = AwsIatk(region={REGION!r})
for bad in (0, -1, "1", True, 86401):
    try:
        iatk.invoke({EVENT!r}, lambda_="calc", timeout=bad)
    except IatkException as e:
        print(json.dumps([e.iatk_name, e.message]))
start = time.monotonic()
try:
    iatk.invoke({EVENT!r}, lambda_="calc", timeout=1)
except IatkException as e:
    print(json.dumps([e.iatk_name, e.message, round(time.monotonic() - start)]))
out = iatk.invoke({EVENT!r}, lambda_="calc")  # the default waits out the delay
print(json.dumps(out.payload))
""")
    assert proc.returncode == 0, proc.stderr
    lines = [json.loads(ln) for ln in proc.stdout.splitlines()]
    assert lines[:5] == [["IATK_EINVAL", "timeout must be a number of seconds in (0, 86400]"]] * 5
    name, message, seconds = lines[5]
    assert name == "IATK_ENETWORK" and seconds == 1, lines[5]
    assert message.endswith("not sent again: the request went out and may have run "
                            "(it is not idempotent)"), message
    assert lines[6] == {}
    assert fake.handler.operations() == ["Invoke", "Invoke"]


def test_wrong_key_is_refused_by_the_fake(fake, env):
    env["AWS_SECRET_ACCESS_KEY"] = "not-the-secret"
    proc = invoke(env, "--lambda", "calc")
    assert proc.returncode == EXIT_AWS
    assert "InvalidSignatureException: signature mismatch" in error_line(proc)


# --------------------------------------------------------------- name forms

@pytest.mark.parametrize("given, path_name, qualifier", [
    ("calc:live", "calc", "live"),
    ("calc:$LATEST", "calc", "$LATEST"),
    (f"{ACCOUNT}:function:calc", f"{ACCOUNT}:function:calc", None),
    (f"{ACCOUNT}:function:calc:7", f"{ACCOUNT}:function:calc", "7"),
    (arn("calc"), arn("calc"), None),
    (arn("calc") + ":prod", arn("calc"), "prod"),
])
def test_names_split_as_lambda_does(fake, env, given, path_name, qualifier):
    proc = invoke(env, "--lambda", given)
    assert proc.returncode == 0, proc.stderr
    _, params, _ = only_call(fake)
    assert params["FunctionName"] == path_name
    assert params.get("Qualifier") == qualifier
    encoded = path_name.replace(":", "%3A")
    assert fake.requests[0].path.split("?")[0] == f"/2015-03-31/functions/{encoded}/invocations"


@pytest.mark.parametrize("given", ["", "calc:", "a:b:c", "calc:li ve", "bad name",
                                   "arn:aws:lambda:eu-west-1:1:function:", "calc:v1:v2",
                                   "arn:aws:s3:::bucket", f"{ACCOUNT}:function:calc:1:2"])
def test_bad_names_send_nothing(fake, env, given):
    proc = invoke(env, "--lambda", given)
    assert proc.returncode == EXIT_USAGE
    assert "is not a Lambda function" in error_line(proc)
    assert fake.requests == []


@pytest.mark.parametrize("args, message", [
    (["--lambda", "calc", "--state-machine", "arn:x"], "exclude each other"),
    (["--lambda", "calc", "--sync"], "--sync applies to --state-machine only"),
    (["--lambda", "calc", "--", "cat"], "a consumer COMMAND and --lambda exclude each other"),
])
def test_usage_errors(fake, env, args, message):
    proc = invoke(env, *args)
    assert proc.returncode == EXIT_USAGE
    assert message in error_line(proc)
    assert fake.requests == []


def test_event_must_be_json(fake, env):
    proc = subprocess.run([IATK, "invoke", "--lambda", "calc"], input="{not json", env=env,
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 3
    assert fake.requests == []


# ------------------------------------------------------------------- Python

def python(env, code):
    env = dict(env, PYTHONPATH=os.environ.get("PYTHONPATH", ""))
    for name in ("IATK_LIBRARY", "LD_PRELOAD"):
        if name in os.environ:
            env[name] = os.environ[name]
    if "LD_PRELOAD" in env:
        env["ASAN_OPTIONS"] = "detect_leaks=0"
    return subprocess.run([sys.executable, "-c", code], env=env, capture_output=True,
                          text=True, timeout=60)


def test_python_invoke(fake, env):
    proc = python(env, f"""
import json
from iatk import AwsIatk, IatkException
iatk = AwsIatk(region={REGION!r})
out = iatk.invoke({EVENT!r}, lambda_="calc", log_tail=True)
print(json.dumps([out.payload, out.log_tail, out.status_code, out.executed_version]))
out = iatk.invoke(json.dumps({EVENT!r}), lambda_="calc", qualifier="live")
print(json.dumps(out.payload))
try:
    iatk.invoke({EVENT!r}, lambda_="broken")
except IatkException as e:
    print(json.dumps([e.message, e.error_type, e.error_message, e.payload["errorType"],
                      e.iatk_name]))
try:
    iatk.invoke({EVENT!r}, lambda_="missing")
except IatkException as e:
    print(json.dumps([e.iatk_name, e.error_type]))
out = iatk.invoke({EVENT!r}, lambda_="calc", asynchronous=True)
print(json.dumps([out.payload, out.status_code]))
""")
    assert proc.returncode == 0, proc.stderr
    lines = [json.loads(ln) for ln in proc.stdout.splitlines()]
    assert lines[0] == [{"total": 37.5}, "START RequestId: 1\ntotal computed\nEND\n", 200, "$LATEST"]
    assert lines[1] == {"total": 37.5}
    assert lines[2] == ["ValueError: count must be positive", "ValueError",
                        "count must be positive", "ValueError", "IATK_ECONSUMER"]
    assert lines[3] == ["IATK_EAWS", None]
    assert lines[4] == [None, 202]
    assert fake.handler.refused == []
    qualifiers = [c[1].get("Qualifier") for c in fake.handler.calls]
    assert qualifiers == [None, "live", None, None, None]
