"""iatk__aws_send against loopback fakes: the URL and headers sent, the
standard retry mode (which answers are retried, how many attempts, how
long the backoff waits) and the errors made of AWS error bodies."""
import time

import pytest

from awsfake import (Answer, Fake, aws_call, clean_env, error_line, json_answer,
                     sequence, stderr_field)

EXIT_USAGE = 2
EXIT_AWS = 10
EXIT_NETWORK = 11
SLACK = 0.5  # seconds of process and scheduling overhead allowed per wait

OK = json_answer(200, {"Registries": []})
UNAVAILABLE = Answer(503, "")
THROTTLED = json_answer(400, {"__type": "com.amazonaws.schemas#ThrottlingException",
                              "message": "Rate exceeded"})


@pytest.fixture
def env(tmp_path):
    return clean_env(tmp_path)


def call(env, fake, *extra, method="GET", path="/v1/registries"):
    return aws_call(env, "--region", "us-east-1", "--endpoint-url", fake.url,
                    "--anonymous", *extra, "schemas", method, path)


def attempts(proc):
    field = stderr_field(proc, "attempts")
    if field is not None:
        return int(field)
    return int(proc.stdout.split("attempts: ")[1].split("\n")[0])


def gaps(fake):
    times = [r.time for r in fake.requests]
    return [b - a for a, b in zip(times, times[1:])]


# ------------------------------------------------------------------ request

def test_request_as_sent(env):
    with Fake(lambda r: OK) as fake:
        proc = call(env, fake, "--query", "limit=5&next=a%2Fb", "-H", "X-Amz-Target: x.y",
                    "--body", '{"a":1}', method="POST", path="/v1/registries/name/a%40b")
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == 'status: 200\nattempts: 1\n\n{"Registries": []}'
    (req,) = fake.requests
    assert (req.method, req.path) == ("POST", "/v1/registries/name/a%40b?limit=5&next=a%2Fb")
    assert req.headers["host"] == fake.host
    assert req.headers["x-amz-target"] == "x.y"
    assert req.body == b'{"a":1}'
    assert "expect" not in req.headers
    assert "content-type" not in req.headers  # curl made none up
    assert req.headers["user-agent"].startswith("iatk/")


def test_endpoint_path_prefix_is_kept(env):
    with Fake(lambda r: OK) as fake:
        proc = aws_call(env, "--region", "us-east-1", "--endpoint-url", fake.url + "/prefix/",
                        "--anonymous", "schemas", "GET", "/v1/registries")
    assert proc.returncode == 0, proc.stderr
    assert fake.requests[0].path == "/prefix/v1/registries"


def test_no_region(env):
    with Fake(lambda r: OK) as fake:
        proc = aws_call(env, "--endpoint-url", fake.url, "--anonymous", "schemas", "GET", "/")
    assert proc.returncode == EXIT_USAGE
    assert error_line(proc) == "no AWS region: set --region, AWS_REGION or the profile's region"
    assert fake.requests == []


# ------------------------------------------------------------------ retries

@pytest.mark.parametrize("failure", [
    UNAVAILABLE,
    Answer(500, "oops"), Answer(502, "<html>bad gateway</html>"), Answer(504, ""),
    Answer(429, ""),
    THROTTLED,
    json_answer(400, {"message": "slow down"},
                {"x-amzn-ErrorType": "TooManyRequestsException:http://internal.amazon.com/"}),
    Answer(400, "<ErrorResponse><Error><Type>Sender</Type><Code>Throttling</Code>"
                "<Message>Rate exceeded</Message></Error></ErrorResponse>"),
    Answer(400, "<Error><Code>SlowDown</Code><Message>Reduce your rate</Message></Error>"),
    json_answer(400, {"code": "RequestTimeoutException", "message": "late"}),
    json_answer(400, {"__type": "ProvisionedThroughputExceededException"}),
    Answer(0, drop=True),
], ids=["503", "500", "502", "504", "429", "json-throttling", "header-toomany",
        "xml-throttling", "s3-slowdown", "timeout-code", "provisioned", "dropped"])
def test_retried_until_success(env, failure):
    with Fake(sequence(failure, OK)) as fake:
        proc = call(env, fake)
    assert proc.returncode == 0, proc.stderr
    assert attempts(proc) == 2 and len(fake.requests) == 2
    assert gaps(fake)[0] < 1 + SLACK  # random(0,1) * 2^0 seconds


def test_two_failures_then_success(env):
    with Fake(sequence(UNAVAILABLE, THROTTLED, OK)) as fake:
        started = time.monotonic()
        proc = call(env, fake)
        elapsed = time.monotonic() - started
    assert proc.returncode == 0, proc.stderr
    assert attempts(proc) == 3 and len(fake.requests) == 3
    # Backoff: random(0,1) * 2^(attempt-1) seconds: at most 1 s, then 2 s.
    g = gaps(fake)
    assert g[0] < 1 + SLACK and g[1] < 2 + SLACK, g
    assert elapsed < 3 + 3 * SLACK


@pytest.mark.parametrize("answer", [
    json_answer(400, {"__type": "ValidationException", "message": "bad input"}),
    json_answer(404, {"Code": "NotFoundException", "Message": "not here"}),
    json_answer(403, {"__type": "UnrecognizedClientException",
                      "message": "The security token included in the request is invalid."}),
    Answer(301, "", {"Location": "http://127.0.0.1:1/elsewhere"}),
    Answer(400, "not an AWS body"),
], ids=["validation", "not-found", "unrecognized-client", "redirect", "garbage-400"])
def test_not_retried(env, answer):
    with Fake(lambda r: answer) as fake:
        proc = call(env, fake)
    assert proc.returncode == EXIT_AWS
    assert attempts(proc) == 1 and len(fake.requests) == 1


def test_max_attempts_bounds_retries(env):
    for setting, expected in (("1", 1), ("2", 2)):  # 4: the timing test below
        with Fake(lambda r: UNAVAILABLE) as fake:
            proc = call(dict(env, AWS_MAX_ATTEMPTS=setting), fake)
        assert proc.returncode == EXIT_AWS
        assert attempts(proc) == expected and len(fake.requests) == expected
        assert error_line(proc).startswith(f"HTTP 503 from {fake.host}")


def test_retry_timing_over_many_attempts(env):
    """Four attempts wait at most 1 + 2 + 4 seconds in all; the draws are
    random, so across the waits some are well below their bound."""
    with Fake(lambda r: UNAVAILABLE) as fake:
        started = time.monotonic()
        proc = call(dict(env, AWS_MAX_ATTEMPTS="4"), fake)
        elapsed = time.monotonic() - started
    assert attempts(proc) == 4
    g = gaps(fake)
    for i, gap in enumerate(g):
        assert gap < 2 ** i + SLACK, g
    assert elapsed < 7 + 4 * SLACK


# ------------------------------------------------------------------- errors

def test_final_error_after_throttling(env):
    with Fake(lambda r: THROTTLED) as fake:
        proc = call(env, fake)
    assert proc.returncode == EXIT_AWS
    assert error_line(proc) == "ThrottlingException: Rate exceeded (after 3 attempts)"
    assert stderr_field(proc, "error_code") == "ThrottlingException"


def test_final_error_without_a_body(env):
    with Fake(lambda r: Answer(502, "<html><body>Bad Gateway from a proxy</body></html>")) as fake:
        proc = call(env, fake)
    assert error_line(proc) == f"HTTP 502 from {fake.host} (after 3 attempts)"
    assert stderr_field(proc, "error_code") == "502"


@pytest.mark.parametrize("answer,message,code", [
    (json_answer(400, {"__type": "com.amazon.coral.validate#ValidationException",
                       "message": "1 validation error"}),
     "ValidationException: 1 validation error", "ValidationException"),
    (json_answer(404, {"Code": "NotFoundException", "Message": "Schema not found"},
                 {"x-amzn-ErrorType": "NotFoundException:http://internal.amazon.com/coral/"}),
     "NotFoundException: Schema not found", "NotFoundException"),
    (json_answer(404, {"message": "Function not found"},
                 {"x-amzn-ErrorType": "ResourceNotFoundException"}),
     "ResourceNotFoundException: Function not found", "ResourceNotFoundException"),
    (json_answer(400, {"__type": "QueueDoesNotExist", "message": "no queue"},
                 {"x-amzn-query-error": "AWS.SimpleQueueService.NonExistentQueue;Sender"}),
     "AWS.SimpleQueueService.NonExistentQueue: no queue", "AWS.SimpleQueueService.NonExistentQueue"),
    (Answer(403, "<ErrorResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\"><Error>"
                 "<Type>Sender</Type><Code>ExpiredToken</Code><Message>The security token "
                 "included in the request is expired</Message></Error></ErrorResponse>"),
     "ExpiredToken: The security token included in the request is expired", "ExpiredToken"),
    (json_answer(403, {"__type": "InvalidSignatureException"}),
     "InvalidSignatureException (HTTP 403 from HOST)", "InvalidSignatureException"),
    (Answer(400, ""), "HTTP 400 from HOST", "400"),
    (Answer(400, "{not json"), "HTTP 400 from HOST", "400"),
    (Answer(400, "<unclosed"), "HTTP 400 from HOST", "400"),
], ids=["json11", "restjson-header", "header-only-code", "query-compatible", "xml-expired",
        "code-no-message", "empty", "bad-json", "bad-xml"])
def test_error_bodies(env, answer, message, code):
    with Fake(lambda r: answer) as fake:
        proc = call(env, fake)
    assert proc.returncode == EXIT_AWS
    assert error_line(proc) == message.replace("HOST", fake.host)
    assert stderr_field(proc, "error_code") == code


def test_dropped_connections_give_a_network_error(env):
    with Fake(lambda r: Answer(drop=True)) as fake:
        proc = call(env, fake)
    assert proc.returncode == EXIT_NETWORK
    assert attempts(proc) == 3
    assert error_line(proc) == (f"cannot reach {fake.host}: Empty reply from server "
                                "(after 3 attempts)")


def test_connection_refused(env):
    with Fake(lambda r: OK) as fake:
        url = fake.url
    proc = aws_call(dict(env, AWS_MAX_ATTEMPTS="2"), "--region", "us-east-1",
                    "--endpoint-url", url, "--anonymous", "schemas", "GET", "/")
    assert proc.returncode == EXIT_NETWORK
    assert attempts(proc) == 2
    line = error_line(proc)
    assert line.startswith(f"cannot reach 127.0.0.1:{url.rsplit(':', 1)[1]}: ")
    # curl says "Connection refused" or, since 7.80, "Couldn't connect to server".
    assert "onnect" in line and line.endswith("(after 2 attempts)")


def test_ca_bundle_reaches_libcurl(env):
    """An https endpoint with AWS_CA_BUNDLE naming a missing file: libcurl
    says so before any handshake, which shows the bundle is the one used."""
    with Fake(lambda r: OK) as fake:
        proc = aws_call(dict(env, AWS_CA_BUNDLE="/nonexistent/ca.pem", AWS_MAX_ATTEMPTS="1"),
                        "--region", "us-east-1", "--endpoint-url", f"https://{fake.host}",
                        "--anonymous", "schemas", "GET", "/")
    assert proc.returncode == EXIT_NETWORK
    assert error_line(proc) == (f"cannot reach {fake.host}: error setting certificate file: "
                                "/nonexistent/ca.pem")
