"""`iatk registry serve`: the EventBridge Schemas REST API over a local tree,
driven by the real clients — the AWS CLI (the first `aws` in PATH, or
$IATK_TEST_AWS), botocore's `schemas` client, and raw http.client requests
for what a well-behaved client never sends.  Every server listens on
127.0.0.1 with a port the kernel picks; every subprocess call is bounded."""
import concurrent.futures
import datetime
import http.client
import json
import os
import pathlib
import shutil
import signal
import socket
import subprocess
import time
from unittest import mock

import botocore.auth
import botocore.awsrequest
import botocore.credentials
import botocore.exceptions
import botocore.session
import pytest

from servefixture import Server, reap, serve_env as clean_env

SOURCE = pathlib.Path(os.environ.get("IATK_SOURCE_DIR", pathlib.Path(__file__).parents[2]))
IATK = os.environ.get("IATK", str(SOURCE / "build" / "iatk"))
EXAMPLE_REGISTRY = SOURCE / "examples" / "04-event_generation" / "registry"
AWS = os.environ.get("IATK_TEST_AWS") or shutil.which("aws")
KEY_ID, SECRET = "AKIDSERVETEST", "serve-test-secret"
OTHER_KEY_ID = "AKIDUNKNOWN"
AT_SCHEMA = "aws.autoscaling@EC2InstanceLaunchSuccessful"
TIMEOUT = 60


# ------------------------------------------------------------------ server

@pytest.fixture(autouse=True)
def isolated_aws_settings(monkeypatch):
    """botocore in this process sees no AWS settings but the test's own (an
    empty AWS_PROFILE, as ctest sets to hide the user's, names a profile)."""
    for name in [k for k in os.environ if k.startswith("AWS_")]:
        monkeypatch.delenv(name)
    for name, value in clean_env().items():
        if name.startswith("AWS_"):
            monkeypatch.setenv(name, value)


@pytest.fixture(autouse=True)
def no_server_left_behind():
    yield
    reap()


@pytest.fixture
def tree(tmp_path):
    root = tmp_path / "tree"
    shutil.copytree(EXAMPLE_REGISTRY, root)
    return root


@pytest.fixture
def server(tree):
    srv = Server(tree)
    yield srv
    rc, _ = srv.stop()
    assert rc == 0, srv.lines


@pytest.fixture
def credentials_file(tmp_path):
    path = tmp_path / "server-credentials"
    path.write_text("[default]\naws_access_key_id = %s\naws_secret_access_key = %s\n"
                    "[other]\naws_access_key_id = AKIDSECOND\n"
                    "aws_secret_access_key = second\n" % (KEY_ID, SECRET))
    return path


@pytest.fixture
def signed_server(tree, credentials_file):
    srv = Server(tree, "--verify-sigv4", "--credentials", str(credentials_file))
    yield srv
    rc, _ = srv.stop()
    assert rc == 0, srv.lines


# ------------------------------------------------------------------ clients

def aws_major():
    assert AWS, "no AWS CLI: install awscli (Debian) or set IATK_TEST_AWS"
    out = subprocess.run([AWS, "--version"], capture_output=True, timeout=TIMEOUT,
                         env=clean_env())
    return 2 if (out.stdout + out.stderr).startswith(b"aws-cli/2") else 1


AWS_MAJOR = None


def aws(srv, *args, key_id=KEY_ID, secret=SECRET):
    """Runs `aws schemas ARGS` against the server: (exit status, JSON or
    None, stderr)."""
    global AWS_MAJOR
    if AWS_MAJOR is None:
        AWS_MAJOR = aws_major()
    common = ["--endpoint-url", srv.url, "--region", "us-east-1", "--output", "json"]
    if AWS_MAJOR == 2:
        common.append("--no-cli-pager")  # v1 has no pager and no such option
    run = subprocess.run([AWS, "schemas", *args, *common], capture_output=True,
                         timeout=TIMEOUT,
                         env=clean_env(AWS_ACCESS_KEY_ID=key_id, AWS_SECRET_ACCESS_KEY=secret))
    out = run.stdout.decode()
    return run.returncode, json.loads(out) if out.strip() else None, run.stderr.decode()


def aws_ok(srv, *args, **kw):
    rc, out, err = aws(srv, *args, **kw)
    assert rc == 0, err
    return out


def aws_error(srv, code, *args, **kw):
    """Asserts that the CLI fails with AWS error `code`; returns stderr."""
    rc, _, err = aws(srv, *args, **kw)
    assert rc != 0
    assert "(%s)" % code in err, err
    return err


def raw(srv, method, target, body=None, headers=None):
    """One request with http.client, target sent exactly as given:
    (status, headers, parsed JSON body)."""
    conn = http.client.HTTPConnection("127.0.0.1", srv.port, timeout=TIMEOUT)
    try:
        conn.request(method, target, body=body, headers=headers or {})
        resp = conn.getresponse()
        data = resp.read()
        is_json = resp.getheader("Content-Type") == "application/json"
        return resp.status, resp, json.loads(data) if is_json else data
    finally:
        conn.close()


def assert_aws_error(status, resp, body, want_status, code):
    """The error shape of the REST-JSON protocol: status, x-amzn-ErrorType
    and {"Code", "Message"}."""
    assert status == want_status, body
    assert resp.getheader("x-amzn-ErrorType") == code
    assert resp.getheader("Content-Type") == "application/json"
    assert set(body) == {"Code", "Message"} and body["Code"] == code and body["Message"]


def botocore_client(srv, key_id=KEY_ID, secret=SECRET):
    session = botocore.session.get_session()
    return session.create_client("schemas", endpoint_url=srv.url, region_name="us-east-1",
                                 aws_access_key_id=key_id, aws_secret_access_key=secret)


def signed_request(srv, method, path, body=b"", when=None, key_id=KEY_ID, secret=SECRET):
    """A request signed by botocore's SigV4Auth, at `when` (UTC) if given."""
    request = botocore.awsrequest.AWSRequest(method=method, url=srv.url + path, data=body)
    auth = botocore.auth.SigV4Auth(botocore.credentials.Credentials(key_id, secret),
                                   "schemas", "us-east-1")

    class Pinned(datetime.datetime):
        @classmethod
        def utcnow(cls):
            return when

        @classmethod
        def now(cls, tz=None):
            return when.replace(tzinfo=tz)

    if when is None:
        auth.add_auth(request)
    else:
        with mock.patch.object(botocore.auth.datetime, "datetime", Pinned):
            auth.add_auth(request)
    return raw(srv, method, path, body=body or None, headers=dict(request.headers))


# ------------------------------------------------------------ the AWS CLI

def test_cli_create_update_describe(server, tree):
    reg = aws_ok(server, "create-registry", "--registry-name", "orders")
    assert reg["RegistryArn"] == "arn:aws:schemas:us-east-1:123456789012:registry/orders"
    aws_error(server, "ConflictException", "create-registry", "--registry-name", "orders")

    v1 = '{"type": "object", "properties": {"id": {"type": "string"}}}'
    created = aws_ok(server, "create-schema", "--registry-name", "orders", "--schema-name",
                     "Placed", "--type", "JSONSchemaDraft4", "--content", v1)
    assert created["SchemaVersion"] == "1" and created["Type"] == "JSONSchemaDraft4"
    assert created["SchemaArn"] == "arn:aws:schemas:us-east-1:123456789012:schema/orders/Placed"
    aws_error(server, "ConflictException", "create-schema", "--registry-name", "orders",
              "--schema-name", "Placed", "--type", "JSONSchemaDraft4", "--content", v1)

    v2 = '{"type": "object", "required": ["id"]}'
    updated = aws_ok(server, "update-schema", "--registry-name", "orders", "--schema-name",
                     "Placed", "--type", "JSONSchemaDraft4", "--content", v2)
    assert updated["SchemaVersion"] == "2"
    # The same content again is not a new version (docs/registry-serve.md).
    again = aws_ok(server, "update-schema", "--registry-name", "orders", "--schema-name",
                   "Placed", "--content", v2)
    assert again["SchemaVersion"] == "2"

    latest = aws_ok(server, "describe-schema", "--registry-name", "orders", "--schema-name",
                    "Placed")
    assert latest["Content"] == v2 and latest["SchemaVersion"] == "2"
    first = aws_ok(server, "describe-schema", "--registry-name", "orders", "--schema-name",
                   "Placed", "--schema-version", "1")
    assert first["Content"] == v1 and first["SchemaVersion"] == "1"
    for answer in (latest, first):
        for member in ("LastModified", "VersionCreatedDate"):
            parsed = datetime.datetime.fromisoformat(answer[member].replace("Z", "+00:00"))
            assert abs((parsed - datetime.datetime.now(datetime.timezone.utc)).total_seconds()) < 600
    assert first["LastModified"] == latest["LastModified"]  # the schema's, i.e. version 2's

    versions = aws_ok(server, "list-schema-versions", "--registry-name", "orders",
                      "--schema-name", "Placed")["SchemaVersions"]
    assert [(v["SchemaVersion"], v["Type"]) for v in versions] == \
        [("1", "JSONSchemaDraft4"), ("2", "JSONSchemaDraft4")]
    schemas = aws_ok(server, "list-schemas", "--registry-name", "orders")["Schemas"]
    assert [(s["SchemaName"], s["VersionCount"]) for s in schemas] == [("Placed", 2)]
    registries = aws_ok(server, "list-registries")["Registries"]
    assert [r["RegistryName"] for r in registries] == ["MyRegistry-local", "aws.events", "orders"]
    described = aws_ok(server, "describe-registry", "--registry-name", "orders")
    assert described["RegistryName"] == "orders"

    # What the API stored is what the tree holds, byte for byte.
    show = subprocess.run([IATK, "registry", "show", "--registry-dir", str(tree), "--registry",
                           "orders", "--schema", "Placed", "--schema-version", "1"],
                          capture_output=True, timeout=TIMEOUT)
    assert show.returncode == 0 and show.stdout.decode() == v1


def test_cli_reads_the_example_tree(server):
    described = aws_ok(server, "describe-schema", "--registry-name", "aws.events",
                       "--schema-name", AT_SCHEMA, "--schema-version", "2")
    assert described["SchemaName"] == AT_SCHEMA and described["Type"] == "OpenApi3"
    assert json.loads(described["Content"])["openapi"].startswith("3.")
    assert server.log_with("GET /v1/registries/name/aws.events/schemas/name/"
                           "aws.autoscaling%40EC2InstanceLaunchSuccessful?schemaVersion=2 200")


def test_cli_pagination(server):
    for i in range(7):
        aws_ok(server, "create-registry", "--registry-name", "pg-%d" % i)
    everything = aws_ok(server, "list-registries", "--registry-name-prefix", "pg-",
                        "--page-size", "2")
    assert [r["RegistryName"] for r in everything["Registries"]] == ["pg-%d" % i for i in range(7)]
    # The CLI followed the server's NextToken: four requests of two.
    assert len(server.log_with("GET /v1/registries?") ) >= 4
    assert server.log_with("limit=2")

    head = aws_ok(server, "list-registries", "--registry-name-prefix", "pg-", "--max-items", "3",
                  "--page-size", "2")
    assert [r["RegistryName"] for r in head["Registries"]] == ["pg-0", "pg-1", "pg-2"]
    rest = aws_ok(server, "list-registries", "--registry-name-prefix", "pg-",
                  "--starting-token", head["NextToken"], "--page-size", "2")
    assert [r["RegistryName"] for r in rest["Registries"]] == ["pg-%d" % i for i in range(3, 7)]

    content = '{"type": "object", "title": "v%d"}'
    aws_ok(server, "create-schema", "--registry-name", "pg-0", "--schema-name", "S",
           "--type", "JSONSchemaDraft4", "--content", content % 1)
    for i in range(2, 6):
        aws_ok(server, "update-schema", "--registry-name", "pg-0", "--schema-name", "S",
               "--content", content % i)
    versions = aws_ok(server, "list-schema-versions", "--registry-name", "pg-0",
                      "--schema-name", "S", "--page-size", "2")["SchemaVersions"]
    assert [v["SchemaVersion"] for v in versions] == ["1", "2", "3", "4", "5"]
    page = aws_ok(server, "list-schema-versions", "--registry-name", "pg-0", "--schema-name",
                  "S", "--max-items", "2")
    assert [v["SchemaVersion"] for v in page["SchemaVersions"]] == ["1", "2"]
    assert page["NextToken"]


def test_cli_errors(server):
    aws_error(server, "NotFoundException", "describe-registry", "--registry-name", "nope")
    aws_error(server, "NotFoundException", "list-schemas", "--registry-name", "nope")
    aws_error(server, "NotFoundException", "describe-schema", "--registry-name",
              "MyRegistry-local", "--schema-name", "Nope")
    err = aws_error(server, "NotFoundException", "describe-schema", "--registry-name",
                    "MyRegistry-local", "--schema-name", "MySchema-local",
                    "--schema-version", "99")
    assert "version 99" in err
    aws_error(server, "NotFoundException", "update-schema", "--registry-name",
              "MyRegistry-local", "--schema-name", "Nope", "--content", "{}")
    # Names the tree refuses: the CLI encodes them, the server decodes once.
    for name in ("bad/name", "..", "a b", ".hidden"):
        aws_error(server, "BadRequestException", "create-registry", "--registry-name", name)
    aws_error(server, "BadRequestException", "describe-schema", "--registry-name",
              "MyRegistry-local", "--schema-name", "../MyRegistry-local")
    # Content the tree refuses, with the position.
    err = aws_error(server, "BadRequestException", "create-schema", "--registry-name",
                    "MyRegistry-local", "--schema-name", "Broken", "--type", "OpenApi3",
                    "--content", '{"openapi": "3.0.0",')
    assert "Content:1:" in err
    aws_error(server, "BadRequestException", "create-schema", "--registry-name",
              "MyRegistry-local", "--schema-name", "Broken", "--type", "Avro",
              "--content", "{}")
    # What the tree cannot store is refused, not dropped.
    err = aws_error(server, "BadRequestException", "create-registry", "--registry-name", "d",
                    "--description", "a registry")
    assert "descriptions" in err
    aws_error(server, "BadRequestException", "create-schema", "--registry-name",
              "MyRegistry-local", "--schema-name", "Tagged", "--type", "JSONSchemaDraft4",
              "--content", "{}", "--tags", "team=x")
    aws_error(server, "NotFoundException", "describe-registry", "--registry-name", "d")


# ---------------------------------------------------------- raw requests

def test_encoded_traversal_never_reaches_the_tree(server, tree):
    targets = ["/v1/registries/name/..%2F..%2Fescape",
               "/v1/registries/name/..%2f..%2fescape",
               "/v1/registries/name/escape%00x",
               "/v1/registries/name/%2Ftmp%2Fescape",
               "/v1/registries/name/MyRegistry-local/schemas/name/..%2F..%2Fescape",
               "/v1/registries/name/MyRegistry-local/schemas/name/%2e%2e"]
    for target in targets:
        body = json.dumps({"Type": "JSONSchemaDraft4", "Content": "{}"})
        for method in ("POST", "GET"):
            status, resp, answer = raw(server, method, target, body=body if method == "POST" else None)
            assert_aws_error(status, resp, answer, 400, "BadRequestException")
    assert not (tree.parent / "escape").exists() and not pathlib.Path("/tmp/escape").exists()
    assert sorted(p.name for p in tree.iterdir()) == ["MyRegistry-local", "aws.events"]


def test_protocol_errors(server):
    status, resp, body = raw(server, "PATCH", "/v1/registries/name/MyRegistry-local")
    assert_aws_error(status, resp, body, 405, "MethodNotAllowedException")
    assert resp.getheader("Allow") == "GET, POST, PUT, DELETE"
    status, resp, body = raw(server, "GET", "/v2/anything")
    assert_aws_error(status, resp, body, 404, "UnknownOperationException")
    status, resp, body = raw(server, "DELETE", "/v1/registries/name/MyRegistry-local")
    assert_aws_error(status, resp, body, 501, "NotImplementedException")
    status, resp, body = raw(server, "POST", "/v1/registries/name/x", body="{not json")
    assert_aws_error(status, resp, body, 400, "BadRequestException")
    status, resp, body = raw(server, "GET", "/v1/registries?limit=0")
    assert_aws_error(status, resp, body, 400, "BadRequestException")
    status, resp, body = raw(server, "GET", "/v1/registries?nextToken=0123456789abcdef")
    assert_aws_error(status, resp, body, 400, "BadRequestException")
    status, resp, body = raw(server, "GET", "/v1/registries")
    assert status == 200 and resp.getheader("x-amzn-RequestId")


def test_body_limit_answered_before_the_body(server, tree):
    """A 2 MiB Content-Length is refused from the headers alone."""
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=TIMEOUT)
    try:
        conn.putrequest("POST", "/v1/registries/name/MyRegistry-local/schemas/name/Big")
        conn.putheader("Content-Length", str(2 * 1024 * 1024))
        conn.putheader("Content-Type", "application/json")
        conn.endheaders()
        conn.send(b'{"Content": "')  # and nothing more
        resp = conn.getresponse()
        body = json.loads(resp.read())
        assert_aws_error(resp.status, resp, body, 413, "RequestEntityTooLargeException")
    finally:
        conn.close()
    # A chunked body has no length to check first: past 1 MiB the server
    # closes the connection without answering.
    with socket.create_connection(("127.0.0.1", server.port), timeout=TIMEOUT) as sock:
        sock.sendall(b"POST /v1/registries/name/chunked HTTP/1.1\r\nHost: x\r\n"
                     b"Transfer-Encoding: chunked\r\n\r\n")
        chunk = b"a" * 65536
        answer = b""
        try:
            for _ in range(40):
                sock.sendall(b"%x\r\n%s\r\n" % (len(chunk), chunk))
            answer = sock.recv(4096)
        except (BrokenPipeError, ConnectionResetError):
            pass
        assert answer == b""
    assert not (tree / "chunked").exists()
    # A body of 100001 characters fits the request limit but not the API's.
    big = json.dumps({"Type": "JSONSchemaDraft4", "Content": " " * 99999 + "{}"})
    status, resp, body = raw(server, "POST",
                             "/v1/registries/name/MyRegistry-local/schemas/name/Big", body=big)
    assert_aws_error(status, resp, body, 400, "BadRequestException")


def test_huge_url_refused_and_server_survives(server):
    """libmicrohttpd refuses a request line or headers beyond the
    connection's 64 KiB itself (its own HTML page, not an AWS error)."""
    status, _, _ = raw(server, "GET", "/v1/registries/name/" + "a" * 100000)
    assert status in (414, 431)
    status, _, _ = raw(server, "GET", "/v1/registries", headers={"X-Big": "b" * 100000})
    assert status in (413, 431)
    status, _, _ = raw(server, "GET", "/v1/registries")
    assert status == 200


# --------------------------------------------------------------- botocore

def test_botocore_client(server):
    client = botocore_client(server)
    names = [r["RegistryName"] for r in client.list_registries()["Registries"]]
    assert names == ["MyRegistry-local", "aws.events"]
    described = client.describe_schema(RegistryName="aws.events", SchemaName=AT_SCHEMA)
    assert described["SchemaVersion"] == "2"
    assert isinstance(described["LastModified"], datetime.datetime)
    assert described["ResponseMetadata"]["HTTPStatusCode"] == 200
    with pytest.raises(botocore.exceptions.ClientError) as caught:
        client.describe_schema(RegistryName="aws.events", SchemaName="Nope")
    error = caught.value.response
    assert error["Error"]["Code"] == "NotFoundException"
    assert error["ResponseMetadata"]["HTTPStatusCode"] == 404
    assert isinstance(caught.value, client.exceptions.NotFoundException)
    pages = client.get_paginator("list_schemas").paginate(
        RegistryName="aws.events", PaginationConfig={"PageSize": 1})
    assert [s["SchemaName"] for page in pages for s in page["Schemas"]] == [AT_SCHEMA]


def test_concurrent_requests(server):
    client = botocore_client(server)
    client.describe_registry(RegistryName="aws.events")  # settle the client first

    def one(i):
        if i % 2:
            return raw(server, "GET", "/v1/registries/name/MyRegistry-local/schemas/name/"
                                      "MySchema-local")[0]
        return client.describe_schema(RegistryName="aws.events", SchemaName=AT_SCHEMA)[
            "ResponseMetadata"]["HTTPStatusCode"]

    with concurrent.futures.ThreadPoolExecutor(50) as pool:
        statuses = list(pool.map(one, range(50), timeout=TIMEOUT))
    assert statuses == [200] * 50


# ------------------------------------------------------------------ SigV4

def test_sigv4_cli_signed_requests_accepted(signed_server):
    names = [r["RegistryName"] for r in aws_ok(signed_server, "list-registries")["Registries"]]
    assert "aws.events" in names
    # A path label with '@' (encoded once on the wire, twice when signed).
    described = aws_ok(signed_server, "describe-schema", "--registry-name", "aws.events",
                       "--schema-name", AT_SCHEMA)
    assert described["SchemaName"] == AT_SCHEMA
    created = aws_ok(signed_server, "create-schema", "--registry-name", "aws.events",
                     "--schema-name", "Signed", "--type", "JSONSchemaDraft4", "--content", "{}")
    assert created["SchemaVersion"] == "1"
    # Every key of the credentials file is accepted.
    aws_ok(signed_server, "list-registries", key_id="AKIDSECOND", secret="second")


def test_sigv4_refusals(signed_server):
    aws_error(signed_server, "InvalidSignatureException", "list-registries",
              secret="not-the-secret")
    aws_error(signed_server, "UnrecognizedClientException", "list-registries",
              key_id=OTHER_KEY_ID)
    status, resp, body = raw(signed_server, "GET", "/v1/registries")
    assert_aws_error(status, resp, body, 403, "MissingAuthenticationTokenException")


def test_sigv4_date_window(signed_server):
    now = datetime.datetime.utcnow()
    status, _, _ = signed_request(signed_server, "GET", "/v1/registries", when=now)
    assert status == 200
    for skew in (datetime.timedelta(minutes=6), -datetime.timedelta(minutes=6)):
        status, resp, body = signed_request(signed_server, "GET", "/v1/registries",
                                            when=now - skew)
        assert_aws_error(status, resp, body, 403, "InvalidSignatureException")
    status, _, _ = signed_request(signed_server, "GET", "/v1/registries",
                                  when=now - datetime.timedelta(minutes=4))
    assert status == 200


def test_sigv4_body_is_signed(signed_server):
    path = "/v1/registries/name/aws.events/schemas/name/Tampered"
    body = json.dumps({"Type": "JSONSchemaDraft4", "Content": "{}"}).encode()
    request = botocore.awsrequest.AWSRequest(method="POST", url=signed_server.url + path,
                                             data=body)
    botocore.auth.SigV4Auth(botocore.credentials.Credentials(KEY_ID, SECRET), "schemas",
                            "us-east-1").add_auth(request)
    tampered = body.replace(b"{}", b"[]")
    status, resp, answer = raw(signed_server, "POST", path, body=tampered,
                               headers=dict(request.headers))
    assert_aws_error(status, resp, answer, 403, "InvalidSignatureException")


def test_sigv4_botocore_client_and_env_keys(tree):
    srv = Server(tree, "--verify-sigv4",
                 env=clean_env(AWS_ACCESS_KEY_ID=KEY_ID, AWS_SECRET_ACCESS_KEY=SECRET))
    try:
        client = botocore_client(srv)
        assert client.list_schemas(RegistryName="aws.events")["Schemas"]
        with pytest.raises(botocore.exceptions.ClientError) as caught:
            botocore_client(srv, secret="wrong").list_registries()
        assert caught.value.response["Error"]["Code"] == "InvalidSignatureException"
        assert caught.value.response["ResponseMetadata"]["HTTPStatusCode"] == 403
    finally:
        rc, _ = srv.stop()
    assert rc == 0


def test_iatk_aws_source_against_the_server(signed_server, tmp_path):
    """iatk's own AWS source (signer, request layer, cache) against the
    server, signatures checked."""
    env = clean_env(AWS_ACCESS_KEY_ID=KEY_ID, AWS_SECRET_ACCESS_KEY=SECRET,
                    AWS_REGION="us-east-1", IATK_CACHE_DIR=str(tmp_path / "cache"))

    def iatk(*args):
        run = subprocess.run([IATK, *args, "--source", "aws", "--endpoint-url", signed_server.url],
                             capture_output=True, timeout=TIMEOUT, env=env)
        assert run.returncode == 0, run.stderr
        return run.stdout.decode()

    event = json.loads(iatk("generate", "--registry", "aws.events", "--schema", AT_SCHEMA,
                            "--event-ref", "AWSEvent"))
    assert "detail" in event
    assert iatk("registry", "list").split() == ["MyRegistry-local", "aws.events"]
    schema = tmp_path / "pushed.json"
    schema.write_text('{"type": "object"}')
    assert iatk("registry", "put", "--registry", "MyRegistry-local", "--schema", "Pushed",
                str(schema)).strip() == "1"
    assert iatk("registry", "show", "--registry", "MyRegistry-local", "--schema",
                "Pushed") == '{"type": "object"}'


# -------------------------------------------------------- the command itself

@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
def test_signal_stops_cleanly(tree, sig):
    srv = Server(tree)
    assert raw(srv, "GET", "/v1/registries")[0] == 200
    rc, seconds = srv.stop(sig)
    assert rc == 0 and seconds < 5, (rc, seconds, srv.lines)
    assert srv.log_with("GET /v1/registries 200")


def test_stop_lets_a_request_in_flight_finish(tree):
    """SIGTERM while a request's body is still coming: it is answered."""
    srv = Server(tree)
    conn = http.client.HTTPConnection("127.0.0.1", srv.port, timeout=TIMEOUT)
    try:
        body = b'{"Description": ""}'
        conn.putrequest("POST", "/v1/registries/name/late")
        conn.putheader("Content-Length", str(len(body)))
        conn.endheaders()
        conn.send(body[:5])
        time.sleep(0.3)
        srv.proc.send_signal(signal.SIGTERM)
        time.sleep(0.3)
        conn.send(body[5:])
        resp = conn.getresponse()
        assert resp.status == 201, resp.read()
    finally:
        conn.close()
    assert srv.proc.wait(timeout=10) == 0
    assert (tree / "late").is_dir()


def test_command_line_errors(tree, credentials_file):
    def run(*args, env=None):
        return subprocess.run([IATK, "registry", "serve", "--registry-dir", str(tree), *args],
                              capture_output=True, timeout=TIMEOUT,
                              env=env if env is not None else clean_env())
    help_run = subprocess.run([IATK, "registry", "serve", "--help"], capture_output=True,
                              timeout=TIMEOUT)
    assert help_run.returncode == 0 and help_run.stdout.startswith(b"usage: iatk registry serve")
    for args in (["--listen", "nowhere"], ["--listen", "example.com:80"],
                 ["--credentials", str(credentials_file)], ["--secret-access-key", "x"],
                 ["--verify-sigv4"], ["--verify-sigv4", "--access-key-id", "AKID"],
                 ["--account", "12"], ["extra"], ["--bogus"]):
        result = run(*args)
        assert result.returncode == 2, (args, result.stderr)
        assert result.stderr.startswith(b"iatk: error: "), result.stderr
    missing = run("--verify-sigv4", "--credentials", str(tree / "missing"))
    assert missing.returncode == 7 and b"missing" in missing.stderr
    # A port in use is an I/O error naming the address.
    srv = Server(tree)
    try:
        busy = run("--listen", "127.0.0.1:%d" % srv.port)
        assert busy.returncode == 7 and b"in use" in busy.stderr
    finally:
        assert srv.stop()[0] == 0


def test_secret_on_the_command_line_is_wiped(tree):
    srv = Server(tree, "--verify-sigv4", "--access-key-id", KEY_ID,
                 "--secret-access-key", SECRET)
    try:
        cmdline = pathlib.Path("/proc/%d/cmdline" % srv.proc.pid).read_bytes()
        assert SECRET.encode() not in cmdline and KEY_ID.encode() in cmdline
        assert aws_ok(srv, "list-registries")["Registries"]
    finally:
        assert srv.stop()[0] == 0
