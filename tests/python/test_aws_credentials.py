"""Credential providers beyond static keys, each against a loopback fake or
a script: credential_process, container credentials (FULL_URI rules,
authorization token), EC2 instance metadata (IMDSv2 token, v1 fallback,
timeouts), and the credential cache of one iatk_aws handle."""
import datetime
import json
import sys
import time

import pytest

from awsfake import (Answer, Fake, aws_call, clean_env, error_line, json_answer,
                     sequence, show_config, write)

EXIT_AWS = 10
PY = sys.executable


@pytest.fixture
def home(tmp_path):
    (tmp_path / ".aws").mkdir()
    return tmp_path


def iso(seconds_from_now):
    t = datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(seconds=seconds_from_now)
    return t.strftime("%Y-%m-%dT%H:%M:%SZ")


def creds_doc(key="AKIDFETCHED", token_key="Token", expires_in=3600, **extra):
    doc = {"AccessKeyId": key, "SecretAccessKey": "fetched-secret", token_key: "fetched-token",
           "Expiration": iso(expires_in)}
    doc.update(extra)
    return doc


# -------------------------------------------------------- credential_process

def process_script(home, body):
    """A credential_process command running `body` as a Python script."""
    script = write(home / "proc.py", "import json, sys, pathlib\n" + body)
    return f'"{PY}" "{script}"'


def test_credential_process(home):
    doc = creds_doc(token_key="SessionToken", Version=1)
    command = process_script(home, f"print(json.dumps({doc!r}))\n")
    write(home / ".aws" / "config", f"[default]\ncredential_process = {command}\n")
    cfg, proc = show_config(clean_env(home))
    assert proc.returncode == 0, proc.stderr
    assert (cfg["credentials"], cfg["access_key_id"], cfg["session_token_length"]) == (
        "credential_process", "AKIDFETCHED", str(len("fetched-token")))
    assert abs(int(cfg["expiration"]) - (time.time() + 3600)) < 60


def test_credential_process_words_are_split_like_shlex(home):
    command = process_script(home, "print(json.dumps({'Version': 1, 'AccessKeyId': sys.argv[1],"
                                   " 'SecretAccessKey': 'x'}))\n")
    write(home / ".aws" / "config", f"[default]\ncredential_process = {command} 'AKID WITH SPACE'\n")
    cfg, proc = show_config(clean_env(home))
    assert proc.returncode == 0, proc.stderr
    assert cfg["access_key_id"] == "AKID WITH SPACE"


@pytest.mark.parametrize("body,message", [
    ("sys.stderr.write('starting\\nError: the SSO session expired, log in again\\n'); sys.exit(3)\n",
     "credential_process of profile 'default' exited with status 3: starting Error: the SSO "
     "session expired, log in again"),
    ("print('SECRETSTUFF is not json')\n",
     "credential_process of profile 'default' printed no JSON credentials "
     "('[' or '{' expected near 'SECRETSTUFF' at line 1)"),
    ("print(json.dumps({'Version': 2, 'AccessKeyId': 'a', 'SecretAccessKey': 'b'}))\n",
     "credential_process of profile 'default' printed an unsupported Version (only 1 is)"),
    ("print(json.dumps({'Version': 1, 'AccessKeyId': 'a'}))\n",
     "credential_process of profile 'default': the answer has no AccessKeyId and SecretAccessKey"),
    ("print(json.dumps({'Version': 1, 'AccessKeyId': 'a', 'SecretAccessKey': 'b', "
     "'Expiration': 'tomorrow'}))\n",
     "credential_process of profile 'default': Expiration 'tomorrow' is not an RFC 3339 time"),
    ("import os, signal; os.kill(os.getpid(), signal.SIGKILL)\n",
     "credential_process of profile 'default' was killed by a signal: (nothing on stderr)"),
], ids=["exit-status", "not-json", "version", "no-secret", "bad-expiration", "signal"])
def test_credential_process_failures(home, body, message):
    write(home / ".aws" / "config", f"[default]\ncredential_process = {process_script(home, body)}\n")
    _, proc = show_config(clean_env(home))
    assert proc.returncode == EXIT_AWS
    assert error_line(proc) == message
    assert "SECRETSTUFF is" not in proc.stderr  # stdout is never echoed


def test_credential_process_that_cannot_start(home):
    write(home / ".aws" / "config", "[default]\ncredential_process = /nonexistent/helper --x\n"
                                    "[profile quote]\ncredential_process = helper 'open\n")
    _, proc = show_config(clean_env(home))
    assert error_line(proc) == ("credential_process of profile 'default': cannot run "
                                "'/nonexistent/helper': No such file or directory")
    _, proc = show_config(clean_env(home), "--profile", "quote")
    assert error_line(proc) == ("credential_process of profile 'quote': "
                                "unclosed quote, or a backslash at the end, in the command")


def test_credential_process_outranks_config_keys_but_not_credentials_file(home):
    command = process_script(home, "print(json.dumps({'Version': 1, 'AccessKeyId': 'AKIDPROC',"
                                   " 'SecretAccessKey': 'x'}))\n")
    write(home / ".aws" / "config", f"[default]\ncredential_process = {command}\n"
                                    "aws_access_key_id = AKIDCONFIG\naws_secret_access_key = s\n")
    assert show_config(clean_env(home))[0]["access_key_id"] == "AKIDPROC"
    write(home / ".aws" / "credentials", "[default]\naws_access_key_id = AKIDCREDS\n"
                                         "aws_secret_access_key = s\n")
    assert show_config(clean_env(home))[0]["access_key_id"] == "AKIDCREDS"


# ------------------------------------------------------------------- cache

def counting_process(home, expires_in):
    count = home / "count"
    doc = creds_doc(token_key="SessionToken", expires_in=expires_in, Version=1)
    return count, process_script(home, f"p = pathlib.Path({str(count)!r})\n"
                                       "p.write_text(str(int(p.read_text() or 0) + 1) if p.exists() else '1')\n"
                                       f"print(json.dumps({doc!r}))\n")


@pytest.mark.parametrize("expires_in,runs", [(3600, 1), (120, 3)], ids=["cached", "near-expiry"])
def test_credentials_are_cached_until_five_minutes_before_expiry(home, expires_in, runs):
    count, command = counting_process(home, expires_in)
    write(home / ".aws" / "config", f"[default]\nregion = eu-west-1\ncredential_process = {command}\n")
    with Fake(lambda r: json_answer(200, {})) as service:
        proc = aws_call(clean_env(home), "--endpoint-url", service.url, "--repeat", "3",
                        "schemas", "GET", "/v1/registries")
    assert proc.returncode == 0, proc.stderr
    assert len(service.requests) == 3
    assert int(count.read_text()) == runs


def test_threads_share_one_fetch(home):
    count, command = counting_process(home, 3600)
    write(home / ".aws" / "config", f"[default]\nregion = eu-west-1\ncredential_process = {command}\n")
    with Fake(lambda r: json_answer(200, {})) as service:
        proc = aws_call(clean_env(home), "--endpoint-url", service.url, "--threads", "8",
                        "--repeat", "2", "schemas", "GET", "/v1/registries")
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == "ok: 16 calls\n"
    assert len(service.requests) == 16
    assert int(count.read_text()) == 1


# --------------------------------------------------------------- container

def container_fake(token="Bearer s3cr3t-token", answers=None):
    def handler(request):
        if request.headers.get("authorization") != token:
            return json_answer(401, {"code": "AccessDenied", "message": "bad token"})
        return answers(request) if answers else json_answer(200, creds_doc("AKIDCONTAINER"))
    return handler


def test_container_full_uri_with_token(home):
    with Fake(container_fake()) as fake:
        env = clean_env(home, AWS_CONTAINER_CREDENTIALS_FULL_URI=fake.url + "/v2/credentials/abc",
                        AWS_CONTAINER_AUTHORIZATION_TOKEN="Bearer s3cr3t-token")
        cfg, proc = show_config(env)
    assert proc.returncode == 0, proc.stderr
    assert (cfg["credentials"], cfg["access_key_id"]) == ("container", "AKIDCONTAINER")
    (req,) = fake.requests
    assert req.path == "/v2/credentials/abc"
    assert req.headers["accept"] == "application/json"


def test_container_token_file_wins_and_is_trimmed(home):
    token_file = write(home / "token", "Bearer from-file\n")
    with Fake(container_fake("Bearer from-file")) as fake:
        env = clean_env(home, AWS_CONTAINER_CREDENTIALS_FULL_URI=f"http://localhost:{fake.port}/c",
                        AWS_CONTAINER_AUTHORIZATION_TOKEN="Bearer ignored",
                        AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE=token_file)
        cfg, proc = show_config(env)
    assert proc.returncode == 0, proc.stderr
    assert cfg["access_key_id"] == "AKIDCONTAINER"


def test_container_wrong_token(home):
    with Fake(container_fake()) as fake:
        url = fake.url + "/creds"
        env = clean_env(home, AWS_CONTAINER_CREDENTIALS_FULL_URI=url,
                        AWS_CONTAINER_AUTHORIZATION_TOKEN="Bearer wrong")
        _, proc = show_config(env)
    assert proc.returncode == EXIT_AWS
    assert error_line(proc) == (f"the container credentials endpoint {url} answered "
                                "HTTP 401: AccessDenied: bad token")
    assert len(fake.requests) == 1  # 4xx is not retried


def test_container_retries_server_errors(home):
    answers = sequence(Answer(500, ""), Answer(503, ""), json_answer(200, creds_doc("AKIDTHIRD")))
    with Fake(container_fake("t", answers)) as fake:
        env = clean_env(home, AWS_CONTAINER_CREDENTIALS_FULL_URI=fake.url,
                        AWS_CONTAINER_AUTHORIZATION_TOKEN="t")
        cfg, proc = show_config(env)
    assert proc.returncode == 0, proc.stderr
    assert cfg["access_key_id"] == "AKIDTHIRD" and len(fake.requests) == 3


@pytest.mark.parametrize("url", ["http://192.0.2.10/creds", "http://169.254.169.254/x",
                                 "http://127.0.0.1.example.com/x", "ftp://127.0.0.1/x",
                                 "http://[fd00:ec2::24]/x"])
def test_container_full_uri_must_be_local_or_https(home, url):
    _, proc = show_config(clean_env(home, AWS_CONTAINER_CREDENTIALS_FULL_URI=url))
    assert proc.returncode == EXIT_AWS
    assert error_line(proc) == (f"AWS_CONTAINER_CREDENTIALS_FULL_URI '{url}' must be https, or "
                                "http to a loopback address or the ECS/EKS credential agent")


def test_container_unreachable(home):
    with Fake(lambda r: Answer()) as fake:
        url = fake.url
    _, proc = show_config(clean_env(home, AWS_CONTAINER_CREDENTIALS_FULL_URI=url))
    assert proc.returncode == EXIT_AWS
    assert error_line(proc).startswith(f"cannot get container credentials: cannot reach {fake.host}: ")


def test_container_answer_size_is_bounded(home):
    huge = json_answer(200, dict(creds_doc(), Padding="x" * 100_000))
    with Fake(lambda r: huge) as fake:
        _, proc = show_config(clean_env(home, AWS_CONTAINER_CREDENTIALS_FULL_URI=fake.url))
    assert proc.returncode == EXIT_AWS
    assert error_line(proc) == (f"cannot get container credentials: the answer from {fake.host} "
                                "is larger than 65536 bytes")
    assert len(fake.requests) == 1  # not retried


def test_container_token_with_line_break(home):
    token_file = write(home / "token", "Bearer a\nInjected: yes\n")
    _, proc = show_config(clean_env(home, AWS_CONTAINER_CREDENTIALS_FULL_URI="http://127.0.0.1:9/",
                                    AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE=token_file))
    assert error_line(proc) == ("the container authorization token holds a line break: "
                                "not a valid header value")


# -------------------------------------------------------------------- IMDS

class ImdsFake:
    """IMDSv2: PUT /latest/api/token with a TTL header gives a token; the
    metadata GETs need it.  `v1` lets GETs through without one."""

    def __init__(self, token_status=200, v1=False, role="iatk-test-role", doc=None):
        self.token_status, self.v1, self.role = token_status, v1, role
        self.doc = doc or dict(creds_doc("AKIDIMDS"), Code="Success", Type="AWS-HMAC")

    def __call__(self, request):
        if request.method == "PUT" and request.path == "/latest/api/token":
            if "x-aws-ec2-metadata-token-ttl-seconds" not in request.headers:
                return Answer(400, "")
            return Answer(self.token_status, "imds-session-token" if self.token_status == 200 else "")
        if request.headers.get("x-aws-ec2-metadata-token") != "imds-session-token" and not self.v1:
            return Answer(401, "")
        base = "/latest/meta-data/iam/security-credentials/"
        if request.path == base:
            return Answer(200, self.role + "\n") if self.role else Answer(404, "")
        if request.path == base + self.role:
            return json_answer(200, self.doc)
        return Answer(404, "")


def imds_env(home, fake, **extra):
    settings = {"AWS_EC2_METADATA_DISABLED": None,
                "AWS_EC2_METADATA_SERVICE_ENDPOINT": fake.url + "/"}
    settings.update(extra)
    return clean_env(home, **settings)


def test_imds_v2(home):
    with Fake(ImdsFake()) as fake:
        cfg, proc = show_config(imds_env(home, fake))
    assert proc.returncode == 0, proc.stderr
    assert (cfg["credentials"], cfg["access_key_id"]) == ("imds", "AKIDIMDS")
    assert [(r.method, r.path) for r in fake.requests] == [
        ("PUT", "/latest/api/token"),
        ("GET", "/latest/meta-data/iam/security-credentials/"),
        ("GET", "/latest/meta-data/iam/security-credentials/iatk-test-role")]
    assert fake.requests[0].headers["x-aws-ec2-metadata-token-ttl-seconds"] == "21600"


def test_imds_v1_fallback(home):
    with Fake(ImdsFake(token_status=405, v1=True)) as fake:
        cfg, proc = show_config(imds_env(home, fake))
    assert proc.returncode == 0, proc.stderr
    assert cfg["access_key_id"] == "AKIDIMDS"
    assert "x-aws-ec2-metadata-token" not in fake.requests[1].headers
    with Fake(ImdsFake(token_status=405, v1=True)) as fake:
        _, proc = show_config(imds_env(home, fake, AWS_EC2_METADATA_V1_DISABLED="true"))
    assert proc.returncode == EXIT_AWS
    assert error_line(proc) == ("instance metadata: the token request (PUT /latest/api/token) "
                                "answered HTTP 405")


def test_imds_without_a_role(home):
    with Fake(ImdsFake(role="")) as fake:
        _, proc = show_config(imds_env(home, fake))
    assert proc.returncode == EXIT_AWS
    assert error_line(proc) == (
        "no AWS credentials found for profile 'default' (tried: environment, assume role, "
        "web identity, sso, shared credentials file, credential_process, config file, container, "
        "instance metadata)")


def test_imds_failed_code(home):
    with Fake(ImdsFake(doc={"Code": "AssumeRoleUnauthorizedAccess"})) as fake:
        _, proc = show_config(imds_env(home, fake))
    assert error_line(proc) == ("instance metadata: the role's credentials are not available "
                                "(Code AssumeRoleUnauthorizedAccess)")


def test_imds_that_hangs_is_bounded(home):
    with Fake(lambda r: Answer(200, "late", delay=5)) as fake:
        started = time.monotonic()
        _, proc = show_config(imds_env(home, fake))
        elapsed = time.monotonic() - started
    assert proc.returncode == EXIT_AWS
    assert error_line(proc).startswith(f"instance metadata at {fake.url}/: cannot reach {fake.host}: ")
    assert "imed out" in error_line(proc)
    assert elapsed < 4  # 1 s timeout, one attempt


def test_imds_disabled_is_never_asked(home):
    with Fake(ImdsFake()) as fake:
        env = imds_env(home, fake, AWS_EC2_METADATA_DISABLED="TRUE")
        _, proc = show_config(env)
    assert proc.returncode == EXIT_AWS
    assert fake.requests == []


def test_container_comes_before_imds(home):
    with Fake(container_fake("t")) as container, Fake(ImdsFake()) as imds:
        env = imds_env(home, imds, AWS_CONTAINER_CREDENTIALS_FULL_URI=container.url,
                       AWS_CONTAINER_AUTHORIZATION_TOKEN="t")
        cfg, proc = show_config(env)
    assert cfg["credentials"] == "container"
    assert imds.requests == []
