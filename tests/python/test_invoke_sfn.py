"""iatk invoke --state-machine and AwsIatk.invoke(state_machine=...)
against a loopback Step Functions fake (bench/invoke_moto.sh runs the same
against moto).  The fake checks every request's SigV4 signature with
botocore and its shape against botocore's model of Step Functions
(X-Amz-Target, Content-Type application/x-amz-json-1.0, required members,
no unknown ones), then answers as the API reference documents:
StartExecution, DescribeExecution (RUNNING for a scripted number of polls,
then SUCCEEDED, FAILED, TIMED_OUT or ABORTED with error and cause),
StartSyncExecution (on host sync-..., botocore's hostPrefix), and
StateMachineDoesNotExist."""
import json
import os
import pathlib
import subprocess
import sys
import time

import pytest

from awsfake import Fake, ServiceFake, clean_env, error_line, json_answer

IATK = os.environ.get("IATK", str(pathlib.Path(__file__).parents[2] / "build" / "iatk"))
KEY, SECRET = "AKIDSFN", "sfn-secret"
REGION = "us-west-2"
ACCOUNT = "123456789012"
EVENT = {"detail-type": "OrderPlaced", "detail": {"count": 2}}
EXIT_CONSUMER, EXIT_AWS, EXIT_USAGE = 9, 10, 2


def machine(name):
    return f"arn:aws:states:{REGION}:{ACCOUNT}:stateMachine:{name}"


class SfnFake(ServiceFake):
    """State machines by name: each is (polls answered RUNNING, final
    status, error, cause).  The output of a SUCCEEDED execution is its
    input with "seen": true added."""
    service = "stepfunctions"
    signing_name = "states"

    def __init__(self, machines):
        super().__init__({KEY: SECRET})
        self.machines = machines
        self.executions = {}
        self.hosts = []

    @staticmethod
    def error(status, code, message):
        return json_answer(status, {"__type": f"com.amazonaws.swf.service.v2.model#{code}",
                                    "message": message},
                           {"Content-Type": "application/x-amz-json-1.0"})

    @staticmethod
    def answer(doc):
        return json_answer(200, doc, {"Content-Type": "application/x-amz-json-1.0"})

    def _start(self, request, params):
        self.hosts.append(request.headers["host"])
        name = params["stateMachineArn"].rsplit(":", 1)[-1]
        if params["stateMachineArn"] != machine(name) or name not in self.machines:
            return None, self.error(400, "StateMachineDoesNotExist",
                                    f"State Machine Does Not Exist: '{params['stateMachineArn']}'")
        run = params.get("name", f"run-{len(self.executions) + 1}")
        arn = f"arn:aws:states:{REGION}:{ACCOUNT}:execution:{name}:{run}"
        self.executions[arn] = {"machine": name, "input": params.get("input", "{}"), "polls": 0,
                                "times": []}
        return arn, None

    def _state(self, arn):
        ex = self.executions[arn]
        running, status, error, cause = self.machines[ex["machine"]]
        doc = {"executionArn": arn, "stateMachineArn": machine(ex["machine"]),
               "status": status, "startDate": 1700000000.0, "input": ex["input"]}
        if ex["polls"] <= running:
            doc["status"] = "RUNNING"
            return doc
        doc["stopDate"] = 1700000001.0
        if status == "SUCCEEDED":
            doc["output"] = json.dumps(dict(json.loads(ex["input"]), seen=True))
        if error:
            doc["error"] = error
        if cause:
            doc["cause"] = cause
        return doc

    def op_StartExecution(self, request, params):
        arn, refusal = self._start(request, params)
        return refusal or self.answer({"executionArn": arn, "startDate": 1700000000.0})

    def op_DescribeExecution(self, request, params):
        ex = self.executions.get(params["executionArn"])
        if ex is None:
            return self.error(400, "ExecutionDoesNotExist", "Execution Does Not Exist")
        ex["polls"] += 1
        ex["times"].append(time.monotonic())
        return self.answer(self._state(params["executionArn"]))

    def op_StartSyncExecution(self, request, params):
        arn, refusal = self._start(request, params)
        if refusal:
            return refusal
        self.executions[arn]["polls"] = 10 ** 6  # an Express run is over when it answers
        return self.answer(self._state(arn))


MACHINES = {
    "Pass": (0, "SUCCEEDED", None, None),
    "Slow": (3, "SUCCEEDED", None, None),
    "Fails": (1, "FAILED", "States.TaskFailed", "price must be positive"),
    "TimesOut": (0, "TIMED_OUT", "States.Timeout", None),
    "Aborted": (0, "ABORTED", None, None),
    "Forever": (10 ** 9, "SUCCEEDED", None, None),
}


@pytest.fixture
def fake():
    with Fake(SfnFake(MACHINES)) as f:
        yield f


def sfn_env(home, fake, **extra):
    return clean_env(home, AWS_ACCESS_KEY_ID=KEY, AWS_SECRET_ACCESS_KEY=SECRET,
                     AWS_REGION=REGION, AWS_ENDPOINT_URL_SFN=fake.url, **extra)


@pytest.fixture
def env(tmp_path, fake):
    return sfn_env(tmp_path, fake)


def invoke(env, *args, event=EVENT, timeout=60):
    return subprocess.run([IATK, "invoke", *args], input=json.dumps(event), env=env,
                          capture_output=True, text=True, timeout=timeout)


def checked(fake):
    assert fake.handler.refused == []
    return fake.handler.calls


# ------------------------------------------------------------------ success

def test_succeeded_at_once(fake, env):
    proc = invoke(env, "--state-machine", machine("Pass"))
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout) == dict(EVENT, seen=True)
    calls = checked(fake)
    assert [c[0] for c in calls] == ["StartExecution", "DescribeExecution"]
    start = calls[0][1]
    assert start == {"stateMachineArn": machine("Pass"), "input": json.dumps(EVENT, separators=(",", ":"))}
    assert calls[1][1] == {"executionArn": f"arn:aws:states:{REGION}:{ACCOUNT}:execution:Pass:run-1"}
    assert {c[2] for c in calls} == {REGION}
    assert fake.handler.hosts == [fake.host]


def test_succeeded_after_polls_with_backoff(fake, env):
    proc = invoke(env, "--state-machine", machine("Slow"), "--name", "order-1")
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout) == dict(EVENT, seen=True)
    calls = checked(fake)
    assert [c[0] for c in calls] == ["StartExecution"] + ["DescribeExecution"] * 4
    assert calls[0][1]["name"] == "order-1"
    (ex,) = fake.handler.executions.values()
    gaps = [b - a for a, b in zip(ex["times"], ex["times"][1:])]
    # 100 ms, 200 ms, 400 ms between polls (less a little for scheduling)
    for gap, want in zip(gaps, (0.1, 0.2, 0.4)):
        assert want * 0.9 <= gap < want + 0.5, gaps


# ----------------------------------------------------------------- failures

@pytest.mark.parametrize("name, message", [
    ("Fails", "FAILED: States.TaskFailed: price must be positive"),
    ("TimesOut", "TIMED_OUT: States.Timeout"),
    ("Aborted", "ABORTED"),
])
def test_execution_that_did_not_succeed(fake, env, name, message):
    proc = invoke(env, "--state-machine", machine(name))
    assert proc.returncode == EXIT_CONSUMER
    assert error_line(proc) == message
    assert proc.stdout == ""
    checked(fake)


def test_own_timeout_leaves_the_execution_running(fake, env):
    began = time.monotonic()
    proc = invoke(env, "--state-machine", machine("Forever"), "--timeout", "1")
    elapsed = time.monotonic() - began
    assert proc.returncode == EXIT_CONSUMER
    arn = f"arn:aws:states:{REGION}:{ACCOUNT}:execution:Forever:run-1"
    assert error_line(proc) == (f"execution {arn} still RUNNING after 1.0 s; it was left "
                                "running (StopExecution ends it)")
    assert 0.9 <= elapsed < 5, elapsed
    ops = [c[0] for c in checked(fake)]
    assert "StopExecution" not in ops
    # polls at 0, 0.1, 0.3, 0.7 and the deadline (1.0): never past it
    assert 4 <= ops.count("DescribeExecution") <= 6, ops


def test_state_machine_not_found(fake, env):
    proc = invoke(env, "--state-machine", machine("Missing"))
    assert proc.returncode == EXIT_AWS
    assert error_line(proc) == (f"StateMachineDoesNotExist: State Machine Does Not Exist: "
                                f"'{machine('Missing')}'")


# --------------------------------------------------------------------- sync

def test_sync_execution(fake, tmp_path):
    env = sfn_env(tmp_path, fake, AWS_DISABLE_HOST_PREFIX_INJECTION="true")
    proc = invoke(env, "--state-machine", machine("Pass"), "--sync", "--name", "x1")
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout) == dict(EVENT, seen=True)
    calls = checked(fake)
    assert [c[0] for c in calls] == ["StartSyncExecution"]
    assert calls[0][1]["name"] == "x1"
    assert fake.handler.hosts == [fake.host]


def test_sync_execution_failed(fake, tmp_path):
    env = sfn_env(tmp_path, fake, AWS_DISABLE_HOST_PREFIX_INJECTION="true")
    proc = invoke(env, "--state-machine", machine("Fails"), "--sync")
    assert proc.returncode == EXIT_CONSUMER
    assert error_line(proc) == "FAILED: States.TaskFailed: price must be positive"


def test_sync_host_prefix_as_botocore(fake, tmp_path):
    """botocore puts hostPrefix "sync-" before an explicit endpoint's host
    too.  sync-127.0.0.1 cannot be resolved, so the fake is also the HTTP
    proxy: curl hands it the request without resolving the host, and the
    Host header and signature show the prefix."""
    env = sfn_env(tmp_path, fake, http_proxy=fake.url, NO_PROXY=None)
    proc = invoke(env, "--state-machine", machine("Pass"), "--sync")
    assert proc.returncode == 0, proc.stderr
    assert fake.handler.hosts == [f"sync-{fake.host}"]
    assert fake.requests[0].path == f"http://sync-{fake.host}/"
    assert [c[0] for c in checked(fake)] == ["StartSyncExecution"]


def test_host_prefix_setting_must_be_boolean(fake, tmp_path):
    env = sfn_env(tmp_path, fake, AWS_DISABLE_HOST_PREFIX_INJECTION="maybe")
    proc = invoke(env, "--state-machine", machine("Pass"), "--sync")
    assert proc.returncode == EXIT_USAGE
    assert "AWS_DISABLE_HOST_PREFIX_INJECTION" in error_line(proc)
    assert fake.requests == []


@pytest.mark.parametrize("args, message", [
    (["--state-machine", machine("Pass"), "--async"], "--async applies to --lambda only"),
    (["--state-machine", machine("Pass"), "--log-tail"], "--log-tail applies to --lambda only"),
    (["--lambda", "f", "--name", "n"], "--name applies to --state-machine only"),
])
def test_usage_errors(fake, env, args, message):
    proc = invoke(env, *args)
    assert proc.returncode == EXIT_USAGE
    assert message in error_line(proc)
    assert fake.requests == []


# ------------------------------------------------------------------- Python

def test_python_invoke(fake, env):
    env = dict(env, PYTHONPATH=os.environ.get("PYTHONPATH", ""),
               AWS_DISABLE_HOST_PREFIX_INJECTION="true")
    for name in ("IATK_LIBRARY", "LD_PRELOAD"):
        if name in os.environ:
            env[name] = os.environ[name]
    if "LD_PRELOAD" in env:
        env["ASAN_OPTIONS"] = "detect_leaks=0"
    code = f"""
import json
from iatk import AwsIatk, IatkException
iatk = AwsIatk()
out = iatk.invoke({EVENT!r}, state_machine={machine("Slow")!r}, name="py-1")
print(json.dumps([out.payload, out.status, out.execution_arn]))
out = iatk.invoke({EVENT!r}, state_machine={machine("Pass")!r}, sync=True)
print(json.dumps([out.payload, out.status]))
for m, t in (("Fails", None), ("Forever", 0.3)):
    try:
        iatk.invoke({EVENT!r}, state_machine="{machine("")}" + m, timeout=t)
    except IatkException as e:
        print(json.dumps([e.iatk_name, e.status, e.error_type, e.error_message]))
"""
    proc = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True,
                          text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    lines = [json.loads(ln) for ln in proc.stdout.splitlines()]
    assert lines[0] == [dict(EVENT, seen=True), "SUCCEEDED",
                        f"arn:aws:states:{REGION}:{ACCOUNT}:execution:Slow:py-1"]
    assert lines[1] == [dict(EVENT, seen=True), "SUCCEEDED"]
    assert lines[2] == ["IATK_ECONSUMER", "FAILED", "States.TaskFailed", "price must be positive"]
    assert lines[3] == ["IATK_ETIMEOUT", "RUNNING", None, None]
    checked(fake)
