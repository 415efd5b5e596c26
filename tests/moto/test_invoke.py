"""iatk invoke --lambda and --state-machine against moto (IAM checks on)."""
import json

from motoharness import limit

EVENT = {"detail-type": "OrderPlaced", "source": "shop",
         "detail": {"orderId": "o-1", "items": [{"unitPrice": 10, "count": 11}]}}
PASS_ADDS = {"P": {"Type": "Pass", "Result": {"checked": True}, "ResultPath": "$.pass",
                   "End": True}}


def one_error_line(stderr):
    lines = stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("iatk: error: "), \
        f"expected one 'iatk: error:' line, got {stderr!r}"
    return lines[0]


def test_lambda_invoke_prints_moto_answer(moto):
    """RequestResponse Invoke: iatk prints the payload moto answers.  moto's
    Lambda without Docker answers the request's payload, or the next result
    queued with /moto-api/static/lambda-simple/response: the queued one
    shows that what iatk prints is the answer, not its own input."""
    moto.lambda_function("calculator")
    text = json.dumps(EVENT)
    p = moto.iatk("invoke", "--lambda", "calculator", text=text)
    assert p.returncode == 0, p.stderr
    assert json.loads(p.stdout) == EVENT, p.stdout
    print(f"    echo: exit 0, {p.seconds * 1000:.0f} ms, printed {p.stdout.strip()[:60]}...")

    answer = '{"total":110,"currency":"EUR"}'
    moto.moto_api("static/lambda-simple/response", {"results": [answer], "region": "us-east-1"})
    p = moto.iatk("invoke", "--lambda", "calculator", text=text)
    assert p.returncode == 0, p.stderr
    assert p.stdout.strip() == answer, p.stdout
    print(f"    queued answer: printed {p.stdout.strip()}")


@limit(90)
def test_state_machine_pass(moto):
    """StartExecution of a Pass state that adds to its input, waited for
    with DescribeExecution: iatk prints the execution's output.  (moto
    5.2.1 runs one execution per server in this mode: a second
    StartExecution fails in moto deep-copying a lock, boto3's as well.)"""
    role = moto.role()
    sfn = moto.client("stepfunctions")
    definition = json.dumps({"StartAt": "P", "States": PASS_ADDS})
    arn = sfn.create_state_machine(name="orders-pass", definition=definition,
                                   roleArn=role)["stateMachineArn"]
    p = moto.iatk("invoke", "--state-machine", arn, "--name", "run-1", "--timeout", "30",
                  text=json.dumps(EVENT))
    assert p.returncode == 0, p.stderr
    assert json.loads(p.stdout) == dict(EVENT, **{"pass": {"checked": True}}), p.stdout
    execs = sfn.list_executions(stateMachineArn=arn)["executions"]
    assert [(e["name"], e["status"]) for e in execs] == [("run-1", "SUCCEEDED")], execs
    print(f"    Pass state: exit 0 in {p.seconds:.2f} s, output {p.stdout.strip()[:70]}...")

    # A state machine that does not exist: AWS's code, exit 10.
    p = moto.iatk("invoke", "--state-machine", arn.replace("orders-pass", "missing"),
                  text=json.dumps(EVENT))
    assert p.returncode == 10, (p.returncode, p.stderr)
    assert "StateMachineDoesNotExist" in one_error_line(p.stderr)
    assert p.stdout == ""


@limit(90)
def test_state_machine_sync_express(moto):
    """--sync (StartSyncExecution) on an EXPRESS machine.  moto 5.2.1 does
    not implement it and answers HTTP 500 (boto3 gets the same): iatk must
    report that in one line, exit 10, print nothing on stdout.  Should a
    later moto implement it, the output must be the Pass state's."""
    role = moto.role()
    sfn = moto.client("stepfunctions")
    definition = json.dumps({"StartAt": "P", "States": PASS_ADDS})
    arn = sfn.create_state_machine(name="orders-express", definition=definition,
                                   roleArn=role, type="EXPRESS")["stateMachineArn"]
    before = moto.requests()
    p = moto.iatk("invoke", "--state-machine", arn, "--sync", text=json.dumps(EVENT),
                  env=moto.env(AWS_MAX_ATTEMPTS=2))
    requests = moto.requests() - before
    if p.returncode == 0:
        assert json.loads(p.stdout) == dict(EVENT, **{"pass": {"checked": True}}), p.stdout
        print(f"    moto runs StartSyncExecution: output {p.stdout.strip()[:70]}")
        return
    line = one_error_line(p.stderr)
    assert p.returncode == 10, (p.returncode, p.stderr)
    assert p.stdout == ""
    assert "HTTP 500" in line and "after 2 attempts" in line, line
    assert "<html" not in p.stderr.lower()
    assert requests == 2, f"{requests} requests for AWS_MAX_ATTEMPTS=2"
    # The same call from boto3 fails too: it is moto's limitation.
    try:
        boto = moto.client("stepfunctions", inject_host_prefix=False)
        boto.start_sync_execution(stateMachineArn=arn, input=json.dumps(EVENT))
        raise AssertionError("boto3's StartSyncExecution succeeded where iatk's failed")
    except AssertionError:
        raise
    except Exception as e:  # noqa: BLE001 - botocore's ClientError
        assert "500" in str(e), e
    print(f"    moto has no StartSyncExecution: iatk exit 10 after {requests} requests "
          f"in {p.seconds:.2f} s: {line}")
