"""Signed calls through iatk__aws_send: what a loopback fake receives is
checked with botocore's SigV4Auth (the oracle), with credentials from the
environment and from the shared files, retries re-signed."""
import pytest

from awsfake import (Answer, Fake, aws_call, botocore_authorization, clean_env,
                     json_answer, sequence, write)

OK = json_answer(200, {})
KEY, SECRET = "AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"


@pytest.fixture
def home(tmp_path):
    (tmp_path / ".aws").mkdir()
    return tmp_path


def assert_botocore_agrees(request, token, region="eu-west-1", service="schemas"):
    expected = botocore_authorization(request, KEY, SECRET, token, region, service)
    assert request.headers["authorization"] == expected
    if token:
        assert request.headers["x-amz-security-token"] == token
    else:
        assert "x-amz-security-token" not in request.headers


def test_get_with_environment_credentials(home):
    env = clean_env(home, AWS_ACCESS_KEY_ID=KEY, AWS_SECRET_ACCESS_KEY=SECRET,
                    AWS_REGION="eu-west-1")
    with Fake(lambda r: OK) as fake:
        proc = aws_call(env, "--endpoint-url", fake.url, "--query",
                        "limit=10&schemaNamePrefix=a%20b", "schemas", "GET",
                        "/v1/registries/name/my%40registry/schemas")
    assert proc.returncode == 0, proc.stderr
    (req,) = fake.requests
    assert req.path == "/v1/registries/name/my%40registry/schemas?limit=10&schemaNamePrefix=a%20b"
    assert "/eu-west-1/schemas/aws4_request" in req.headers["authorization"]
    assert_botocore_agrees(req, None)


def test_post_with_body_headers_and_session_token(home):
    env = clean_env(home, AWS_ACCESS_KEY_ID=KEY, AWS_SECRET_ACCESS_KEY=SECRET,
                    AWS_SESSION_TOKEN="FwoGZXIvYXdzEXAMPLE//token+=", AWS_REGION="eu-west-1")
    with Fake(lambda r: OK) as fake:
        proc = aws_call(env, "--endpoint-url", fake.url, "-H", "Content-Type: application/x-amz-json-1.1",
                        "-H", "X-Amz-Target: AWSEvents.PutEvents", "--body", '{"Entries":[]}',
                        "eventbridge", "POST", "/")
    assert proc.returncode == 0, proc.stderr
    (req,) = fake.requests
    signed = req.headers["authorization"].split("SignedHeaders=")[1].split(",")[0]
    assert "x-amz-target" in signed and "content-type" in signed
    assert "/eu-west-1/events/aws4_request" in req.headers["authorization"]
    assert_botocore_agrees(req, "FwoGZXIvYXdzEXAMPLE//token+=", service="events")


def test_long_session_token_from_the_credentials_file(home):
    token = "IQoJb3JpZ2luX2VjE" + "Ab+/" * 300 + "=="
    write(home / ".aws" / "credentials",
          f"[default]\naws_access_key_id = {KEY}\naws_secret_access_key = {SECRET}\n"
          f"aws_session_token = {token}\n")
    write(home / ".aws" / "config", "[default]\nregion = eu-west-1\n")
    with Fake(lambda r: OK) as fake:
        proc = aws_call(clean_env(home), "--endpoint-url", fake.url, "schemas", "GET", "/v1/registries")
    assert proc.returncode == 0, proc.stderr
    assert_botocore_agrees(fake.requests[0], token)


def test_every_attempt_is_signed_afresh(home):
    env = clean_env(home, AWS_ACCESS_KEY_ID=KEY, AWS_SECRET_ACCESS_KEY=SECRET,
                    AWS_REGION="eu-west-1")
    with Fake(sequence(Answer(503, ""), OK)) as fake:
        proc = aws_call(env, "--endpoint-url", fake.url, "schemas", "GET", "/v1/registries")
    assert proc.returncode == 0, proc.stderr
    assert len(fake.requests) == 2
    for req in fake.requests:
        assert_botocore_agrees(req, None)


def test_anonymous_calls_are_not_signed(home):
    env = clean_env(home, AWS_ACCESS_KEY_ID=KEY, AWS_SECRET_ACCESS_KEY=SECRET,
                    AWS_REGION="eu-west-1")
    with Fake(lambda r: OK) as fake:
        proc = aws_call(env, "--endpoint-url", fake.url, "--anonymous", "sso", "GET", "/x")
    assert proc.returncode == 0, proc.stderr
    assert "authorization" not in fake.requests[0].headers
    assert "x-amz-date" not in fake.requests[0].headers


def test_sts_without_a_region_signs_for_us_east_1(home):
    env = clean_env(home, AWS_ACCESS_KEY_ID=KEY, AWS_SECRET_ACCESS_KEY=SECRET)
    with Fake(lambda r: OK) as fake:
        proc = aws_call(env, "--endpoint-url", fake.url, "--body",
                        "Action=GetCallerIdentity&Version=2011-06-15", "-H",
                        "Content-Type: application/x-www-form-urlencoded; charset=utf-8",
                        "sts", "POST", "/")
    assert proc.returncode == 0, proc.stderr
    assert "/us-east-1/sts/aws4_request" in fake.requests[0].headers["authorization"]
    assert_botocore_agrees(fake.requests[0], None, region="us-east-1", service="sts")
