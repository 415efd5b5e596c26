"""The AWS schema source end to end, on loopback only: `iatk registry serve`
with SigV4 verification on plays the EventBridge Schemas API, and the CLI,
the JSON-RPC mode and the Python package read it through the whole AWS
layer (configuration, credentials chain, signing, retries, errors, cache).

The oracle is the local source: what `--source aws` gives must be what the
served tree gives read directly, byte for byte.  Every subprocess gets an
environment built from scratch (awsfake.clean_env) and a timeout; nothing
is ever sent anywhere but 127.0.0.1."""
import datetime
import hashlib
import json
import os
import shutil
import socket
import subprocess
import sys
import time

import pytest

import iatk as iatk_package
from awsfake import (Answer, Fake, StsFake, botocore_authorization, clean_env,
                     json_answer, sequence, write)
from servefixture import EXAMPLE_REGISTRY, IATK, Server, reap

TIMEOUT = 60
REGION = "us-east-1"
NOW = "2023-10-18T21:08:04.782196-07:00"
AT_SCHEMA = "aws.autoscaling@EC2InstanceLaunchSuccessful"
MY = ("MyRegistry-local", "MySchema-local")
MY_ARGS = ["--registry", MY[0], "--schema", MY[1], "--event-ref", "MyEvent"]
MY_PATH = "/v1/registries/name/MyRegistry-local/schemas/name/MySchema-local"

# The keys the server accepts, one per link of the credentials chain, so
# that a success names the link that signed.
KEYS = {"env": ("AKIDE2EENV", "env-secret"),
        "profile": ("AKIDE2EPROFILE", "profile-secret"),
        "process": ("AKIDE2EPROCESS", "process-secret"),
        "container": ("AKIDE2ECONTAINER", "container-secret"),
        "imds": ("AKIDE2EIMDS", "imds-secret"),
        # what the loopback STS fake issues (StsFake's prefix + counter)
        "assume-role": ("ASIAE2EROLE000001", "issued-secret-1"),
        "web-identity": ("ASIAE2EWEB000001", "issued-secret-1"),
        "sso": ("ASIAE2ESSO", "sso-secret")}
BASE_KEY, BASE_SECRET = "AKIDE2EBASE", "base-secret"  # STS knows it, the server does not

# A schema with three versions: JSON Schema text kept exactly as written
# (spacing, key order, non-ASCII, no final newline on the last).
VERSIONED = [
    '{"$schema": "http://json-schema.org/draft-04/schema#",\n'
    ' "type": "object", "required": ["n"],\n'
    ' "properties": {"n": {"type": "integer", "enum": [1]}}}\n',
    '{ "type" : "object",  "required": ["n", "s"],\n'
    '  "properties": {"n": {"type": "integer", "enum": [2]},\n'
    '                 "s": {"type": "string", "minLength": 3}}}\n',
    '{"type":"object","required":["n","caf\u00e9"],"properties":{"n":{"type":"integer",'
    '"enum":[3]},"caf\u00e9":{"type":"string","enum":["cr\u00e8me \u2615"]}}}',
]


# ----------------------------------------------------------------- helpers

def env_for(home, cache, **extra):
    """A fresh environment: no AWS setting of the machine, no local tree,
    no source preference, the cache in `cache`; `extra` as for clean_env."""
    settings = {"IATK_REGISTRY_DIR": None, "IATK_SOURCE": None, "XDG_CACHE_HOME": None,
                "IATK_CACHE_DIR": cache}
    settings.update(extra)
    return clean_env(home, **settings)


def keys_env(name="env"):
    key_id, secret = KEYS[name]
    return {"AWS_ACCESS_KEY_ID": key_id, "AWS_SECRET_ACCESS_KEY": secret}


def iatk(env, *args, stdin=None, timeout=TIMEOUT):
    return subprocess.run([IATK, *args], env=env, input=stdin, capture_output=True,
                          timeout=timeout)


def ok(run):
    assert run.returncode == 0, run.stderr.decode()
    return run.stdout


def error_line(run):
    """The last 'iatk: error: ' line, without the prefix."""
    lines = [ln for ln in run.stderr.decode().splitlines() if ln.startswith("iatk: error: ")]
    assert lines, run.stderr.decode()
    return lines[-1][len("iatk: error: "):]


def aws_args(url, *args):
    return ["--source", "aws", "--endpoint-url", url, "--region", REGION, *args]


# Ports held for the whole run: bound and never listening, a connection to
# them is refused, and no server of a test running in parallel (ctest -j)
# can be given them.  A port merely released could be taken by one.
_held_ports = []


def hold_port(port=0):
    """Binds loopback `port` (0: any free one) without listening and keeps
    it bound; returns its number."""
    sock = socket.socket()
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", port))
    _held_ports.append(sock)
    return sock.getsockname()[1]


def closed_port():
    """A loopback port nothing listens on, held for the run."""
    return hold_port()


def port_of(url):
    return int(url.rsplit(":", 1)[1].split("/", 1)[0])


def wait_for(predicate, seconds=5):
    """The server logs a request after answering it: give it a moment."""
    deadline = time.monotonic() + seconds
    while not predicate() and time.monotonic() < deadline:
        time.sleep(0.01)
    return predicate()


def served_ok(server, path, before):
    """Whether the server logged one more `GET path 200` than `before`."""
    return wait_for(lambda: len(server.log_with("GET %s 200" % path)) > before)


def iso(seconds_from_now):
    t = datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(seconds=seconds_from_now)
    return t.strftime("%Y-%m-%dT%H:%M:%SZ")


def fetched_creds(name, token_key="Token"):
    key_id, secret = KEYS[name]
    return {"AccessKeyId": key_id, "SecretAccessKey": secret, token_key: name + "-session",
            "Expiration": iso(3600)}


def local_env(home):
    """For the local source: no AWS, no tree or source from the caller."""
    return clean_env(home, IATK_REGISTRY_DIR=None, IATK_SOURCE=None)


def put_versions(tree, registry, schema, texts, tmp):
    """`iatk registry put` of each text (UTF-8) as the schema's next version."""
    tmp.mkdir(parents=True, exist_ok=True)
    for i, text in enumerate(texts):
        source = tmp / ("v%d.json" % i)
        source.write_bytes(text.encode())
        ok(iatk(local_env(tmp), "registry", "put", "--registry-dir", str(tree), "--registry",
                registry, "--schema", schema, "--type", "JSONSchemaDraft4", str(source)))


def schema_bytes(tree, registry, schema, version):
    return (tree / registry / schema / str(version) / "schema.json").read_bytes()


def tree_files(root):
    """{relative path: bytes} of every schema.json under root."""
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("schema.json"))}


def credentials_file(path):
    return write(path, "".join("[%s]\naws_access_key_id = %s\naws_secret_access_key = %s\n"
                               % (name, key_id, secret)
                               for name, (key_id, secret) in KEYS.items()))


def start_server(tree, home):
    creds = credentials_file(home / "server-credentials")
    return Server(tree, "--verify-sigv4", "--credentials", str(creds), env=clean_env(home))


# ---------------------------------------------------------------- fixtures

MANY_SCHEMAS, MANY_VERSIONS = 230, 205  # the server's pages hold 100


def add_many(tree):
    """Registry `many`: schemas S001..S230, and schema `V` with versions
    1..205 (copies of the seed's version directory, made without iatk)."""
    seed = tree / "MyRegistry-local" / "MySchema-local" / "1"
    for i in range(1, MANY_SCHEMAS + 1):
        shutil.copytree(seed, tree / "many" / ("S%03d" % i) / "1")
    for v in range(1, MANY_VERSIONS + 1):
        shutil.copytree(seed, tree / "many" / "V" / str(v))


class Served:
    """The module's server: the seed example's registry plus `multi`
    (schema `Versioned`, versions 1..3) and `many` (listings of several
    pages), SigV4 checked against KEYS."""

    def __init__(self, root):
        self.tree = root / "tree"
        shutil.copytree(EXAMPLE_REGISTRY, self.tree)
        put_versions(self.tree, "multi", "Versioned", VERSIONED, root)
        add_many(self.tree)
        self.server = start_server(self.tree, root)
        self.url = self.server.url

    def local(self, *args):
        """`iatk ARGS --registry-dir TREE`: the oracle."""
        return ok(iatk(local_env(self.tree.parent), *args, "--registry-dir", str(self.tree)))


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    srv = Served(tmp_path_factory.mktemp("served"))
    try:
        yield srv
        rc, _ = srv.server.stop()
        assert rc == 0, srv.server.lines
    finally:
        reap()


@pytest.fixture
def home(tmp_path):
    (tmp_path / "home" / ".aws").mkdir(parents=True)
    return tmp_path / "home"


@pytest.fixture
def cache(tmp_path):
    return tmp_path / "cache"


@pytest.fixture
def run_aws(served, home, cache):
    """`iatk ARGS --source aws ...` against the module's server with
    environment keys (or the settings given)."""
    def run(*args, url=None, creds="env", stdin=None, **extra):
        settings = keys_env(creds) if creds else {}
        settings.update(extra)
        return iatk(env_for(home, cache, **settings), *args,
                    *aws_args(url or served.url), stdin=stdin)
    return run


# ----------------------------------------------- 1. the same as the tree

@pytest.mark.parametrize("registry,schema,ref,version", [
    ("MyRegistry-local", "MySchema-local", "MyEvent", None),
    ("aws.events", AT_SCHEMA, "AWSEvent", None),
    ("aws.events", AT_SCHEMA, "AWSEvent", "1"),
    ("multi", "Versioned", None, "3"),
], ids=["seed", "aws.events-latest", "aws.events-v1", "multi-v3"])
def test_generate_equals_the_local_tree(served, run_aws, registry, schema, ref, version):
    args = ["generate", "--registry", registry, "--schema", schema, "--now", NOW,
            "--seed", "7", "--count", "3"]
    args += ["--event-ref", ref] if ref else []
    args += ["--schema-version", version] if version else []
    for mode in ("barebone", "sample", "random"):
        from_aws = ok(run_aws(*args, "--mode", mode))
        assert from_aws == served.local(*args, "--mode", mode), mode
        assert len(from_aws.splitlines()) == 3


def test_validate(served, run_aws):
    events = served.local("generate", *MY_ARGS, "--mode", "random", "--seed", "3",
                          "--count", "5", "--now", NOW)
    ok(run_aws("validate", *MY_ARGS, "-", stdin=events))
    bad = b'{"customerId": 5, "datetime": "x", "membershipType": "Z"}\n'
    run = run_aws("validate", *MY_ARGS, "-", stdin=bad)
    oracle = iatk(local_env(served.tree.parent), "validate", *MY_ARGS, "-",
                  "--registry-dir", str(served.tree), stdin=bad)
    assert run.returncode == oracle.returncode == 8
    assert run.stderr == oracle.stderr and run.stderr


def test_registry_list_show_versions(served, run_aws):
    assert ok(run_aws("registry", "list")) == served.local("registry", "list")
    for registry in ("MyRegistry-local", "aws.events", "multi"):
        assert ok(run_aws("registry", "list", registry)) == \
            served.local("registry", "list", registry)
    for registry, schema in (MY, ("aws.events", AT_SCHEMA), ("multi", "Versioned")):
        names = ["--registry", registry, "--schema", schema]
        assert ok(run_aws("registry", "versions", *names)) == \
            served.local("registry", "versions", *names)
        assert ok(run_aws("registry", "show", *names)) == \
            served.local("registry", "show", *names)
    for version in ("1", "2", "3"):
        names = ["--registry", "multi", "--schema", "Versioned", "--schema-version", version]
        shown = ok(run_aws("registry", "show", *names))
        assert shown == VERSIONED[int(version) - 1].encode()
        assert shown == schema_bytes(served.tree, "multi", "Versioned", version)
    assert ok(run_aws("registry", "versions", "--registry", "multi", "--schema",
                      "Versioned")).split() == [b"1", b"2", b"3"]


def test_listings_of_several_pages(served, run_aws):
    listing = ok(run_aws("registry", "list", "many"))
    assert listing == served.local("registry", "list", "many")
    assert len(listing.split()) == MANY_SCHEMAS + 1
    versions = ok(run_aws("registry", "versions", "--registry", "many", "--schema", "V"))
    assert versions == served.local("registry", "versions", "--registry", "many", "--schema", "V")
    assert versions.split()[-1] == str(MANY_VERSIONS).encode()
    # Followed the server's NextToken: three pages of schemas.
    assert len(served.server.log_with("GET /v1/registries/name/many/schemas?nextToken=")) >= 2
    run = run_aws("generate", "--registry", "many", "--schema", "V", "--event-ref", "MyEvent",
                  "-v")
    assert "schema many/V (version %d, OpenApi3)" % MANY_VERSIONS in run.stderr.decode()


def test_verbose_names_the_source(served, run_aws):
    run = run_aws("generate", *MY_ARGS, "-v")
    assert run.returncode == 0
    assert run.stderr.decode().splitlines()[0] == (
        "iatk: source: AWS Schemas API at %s (endpoint from argument), region us-east-1 "
        "(from argument), profile default" % served.url)


# --------------------------------------------- 2. the credentials chain

class ImdsFake:
    """IMDSv2: a PUT /latest/api/token (with a TTL) gives the token every
    metadata GET must carry; without it a GET is 401."""

    TOKEN = "imds-e2e-token"

    def __call__(self, request):
        if request.method == "PUT" and request.path == "/latest/api/token":
            if "x-aws-ec2-metadata-token-ttl-seconds" not in request.headers:
                return Answer(400, "")
            return Answer(200, self.TOKEN)
        if request.headers.get("x-aws-ec2-metadata-token") != self.TOKEN:
            return Answer(401, "")
        base = "/latest/meta-data/iam/security-credentials/"
        if request.path == base:
            return Answer(200, "e2e-role\n")
        if request.path == base + "e2e-role":
            return json_answer(200, dict(fetched_creds("imds"), Code="Success",
                                         Type="AWS-HMAC"))
        return Answer(404, "")


def container_fake(token):
    def handler(request):
        if request.headers.get("authorization") != token:
            return json_answer(401, {"code": "AccessDenied", "message": "bad token"})
        return json_answer(200, fetched_creds("container"))
    return handler


def assert_signed_and_served(served, run, expected):
    """`run()` exits 0 with the seed's event, and the server logged one
    more DescribeSchema it answered 200 (so it checked the signature)."""
    before = len(served.server.log_with("GET %s 200" % MY_PATH))
    assert ok(run()) == expected
    assert served_ok(served.server, MY_PATH, before)


@pytest.fixture
def seed_event(served):
    return served.local("generate", *MY_ARGS, "--now", NOW)


def generate_seed(run_aws, **kw):
    return lambda: run_aws("generate", *MY_ARGS, "--now", NOW, **kw)


def test_credentials_from_the_environment(served, run_aws, seed_event):
    assert_signed_and_served(served, generate_seed(run_aws), seed_event)


def test_credentials_from_a_shared_credentials_profile(served, run_aws, home, seed_event):
    key_id, secret = KEYS["profile"]
    write(home / ".aws" / "credentials",
          "[default]\naws_access_key_id = AKIDNOTTHISONE\naws_secret_access_key = x\n"
          "[e2e]\naws_access_key_id = %s\naws_secret_access_key = %s\n" % (key_id, secret))
    def with_option():
        return run_aws("generate", *MY_ARGS, "--now", NOW, "--profile", "e2e", creds=None)
    assert_signed_and_served(served, with_option, seed_event)
    assert_signed_and_served(served, generate_seed(run_aws, creds=None, AWS_PROFILE="e2e"),
                             seed_event)
    # The default profile's key is not one the server knows: the profile
    # really was the one used above.
    run = run_aws("generate", *MY_ARGS, creds=None)
    assert run.returncode == 10 and error_line(run).startswith("UnrecognizedClientException: ")


def test_credentials_from_credential_process(served, run_aws, home, seed_event):
    doc = dict(fetched_creds("process", token_key="SessionToken"), Version=1)
    script = write(home / "creds.py", "import json\nprint(json.dumps(%r))\n" % doc)
    write(home / ".aws" / "config",
          '[profile proc]\ncredential_process = "%s" "%s"\n' % (sys.executable, script))
    assert_signed_and_served(served, generate_seed(run_aws, creds=None, AWS_PROFILE="proc"),
                             seed_event)


def test_credentials_from_the_container_endpoint(served, run_aws, seed_event):
    token = "Bearer e2e-container-token"
    with Fake(container_fake(token)) as fake:
        run = generate_seed(run_aws, creds=None,
                            AWS_CONTAINER_CREDENTIALS_FULL_URI=fake.url + "/v2/credentials/e2e",
                            AWS_CONTAINER_AUTHORIZATION_TOKEN=token)
        assert_signed_and_served(served, run, seed_event)
    (request,) = fake.requests
    assert (request.method, request.path) == ("GET", "/v2/credentials/e2e")
    assert request.headers["authorization"] == token


def test_credentials_from_imds_v2(served, run_aws, seed_event):
    with Fake(ImdsFake()) as fake:
        run = generate_seed(run_aws, creds=None, AWS_EC2_METADATA_DISABLED=None,
                            AWS_EC2_METADATA_SERVICE_ENDPOINT=fake.url)
        assert_signed_and_served(served, run, seed_event)
    assert [(r.method, r.path) for r in fake.requests] == [
        ("PUT", "/latest/api/token"),
        ("GET", "/latest/meta-data/iam/security-credentials/"),
        ("GET", "/latest/meta-data/iam/security-credentials/e2e-role")]
    assert all(r.headers.get("x-aws-ec2-metadata-token") == ImdsFake.TOKEN
               for r in fake.requests[1:])


def test_credentials_from_assume_role(served, run_aws, home, seed_event):
    write(home / ".aws" / "config",
          "[profile role]\nrole_arn = arn:aws:iam::123456789012:role/E2E\n"
          "source_profile = base\n")
    write(home / ".aws" / "credentials", "[base]\naws_access_key_id = %s\n"
                                         "aws_secret_access_key = %s\n" % (BASE_KEY, BASE_SECRET))
    with Fake(StsFake({BASE_KEY: BASE_SECRET}, prefix="ASIAE2EROLE")) as sts:
        run = generate_seed(run_aws, creds=None, AWS_PROFILE="role",
                            AWS_ENDPOINT_URL_STS=sts.url)
        assert_signed_and_served(served, run, seed_event)
    ((action, form, key, region),) = sts.handler.calls
    assert (action, form["RoleArn"], key, region) == (
        "AssumeRole", "arn:aws:iam::123456789012:role/E2E", BASE_KEY, REGION)


def test_credentials_from_web_identity(served, run_aws, home, seed_event):
    token_file = write(home / "web-token", "eyJ.e2e-web-identity.token")
    with Fake(StsFake(web_token="eyJ.e2e-web-identity.token", prefix="ASIAE2EWEB")) as sts:
        run = generate_seed(run_aws, creds=None, AWS_ENDPOINT_URL_STS=sts.url,
                            AWS_WEB_IDENTITY_TOKEN_FILE=token_file,
                            AWS_ROLE_ARN="arn:aws:iam::123456789012:role/E2EWeb")
        assert_signed_and_served(served, run, seed_event)
    ((action, form, key, _),) = sts.handler.calls
    assert (action, form["RoleArn"], key) == (
        "AssumeRoleWithWebIdentity", "arn:aws:iam::123456789012:role/E2EWeb", None)


class SsoPortal:
    """GetRoleCredentials of the IAM Identity Center portal: the bearer
    token `aws sso login` cached must come in x-amz-sso_bearer_token."""

    TOKEN = "aoaAAAAAGZ-e2e-sso-token"

    def __call__(self, request):
        if not request.path.startswith("/federation/credentials?"):
            return json_answer(404, {"message": "not found"})
        if request.headers.get("x-amz-sso_bearer_token") != self.TOKEN:
            return json_answer(401, {"message": "Session token not found or invalid"},
                               {"x-amzn-ErrorType": "UnauthorizedException"})
        key_id, secret = KEYS["sso"]
        return json_answer(200, {"roleCredentials": {
            "accessKeyId": key_id, "secretAccessKey": secret,
            "sessionToken": "sso-session-token", "expiration": 1924992000000}})


def test_credentials_from_sso(served, run_aws, home, seed_event):
    write(home / ".aws" / "config",
          "[profile sso]\nsso_session = corp\nsso_account_id = 111122223333\n"
          "sso_role_name = Dev\n"
          "[sso-session corp]\nsso_start_url = https://corp.awsapps.com/start\n"
          "sso_region = eu-west-1\n")
    write(home / ".aws" / "sso" / "cache" / (hashlib.sha1(b"corp").hexdigest() + ".json"),
          json.dumps({"startUrl": "https://corp.awsapps.com/start", "region": "eu-west-1",
                      "accessToken": SsoPortal.TOKEN, "expiresAt": iso(3600)}))
    with Fake(SsoPortal()) as portal:
        run = generate_seed(run_aws, creds=None, AWS_PROFILE="sso",
                            AWS_ENDPOINT_URL_SSO=portal.url)
        assert_signed_and_served(served, run, seed_event)
    (request,) = portal.requests
    assert request.path == "/federation/credentials?account_id=111122223333&role_name=Dev"


def test_wrong_secret(run_aws):
    run = run_aws("generate", *MY_ARGS, creds=None, AWS_ACCESS_KEY_ID=KEYS["env"][0],
                  AWS_SECRET_ACCESS_KEY="not-the-secret")
    assert run.returncode == 10
    assert error_line(run).startswith("InvalidSignatureException: The request signature we "
                                      "calculated does not match"), run.stderr


def test_unknown_key(run_aws):
    run = run_aws("generate", *MY_ARGS, creds=None, AWS_ACCESS_KEY_ID="AKIDNOBODYKNOWS",
                  AWS_SECRET_ACCESS_KEY="whatever")
    assert run.returncode == 10
    assert error_line(run).startswith("UnrecognizedClientException: "), run.stderr


def test_no_credentials_at_all(served, run_aws):
    before = len(served.server.lines)
    run = run_aws("generate", *MY_ARGS, creds=None)
    assert run.returncode == 10
    assert error_line(run) == (
        "no AWS credentials found for profile 'default' (tried: environment, assume role, web "
        "identity, sso, shared credentials file, credential_process, config file, container, "
        "instance metadata)")
    time.sleep(0.1)
    assert len(served.server.lines) == before  # nothing was sent unsigned


# ------------------------------------------------------------ 3. errors

@pytest.mark.parametrize("args,message", [
    (["generate", "--registry", "Nope", "--schema", "MySchema-local"],
     "NotFoundException: registry 'Nope' not found"),
    (["generate", "--registry", "MyRegistry-local", "--schema", "Nope"],
     "NotFoundException: schema 'Nope' not found in registry 'MyRegistry-local'"),
    (["generate", "--registry", "MyRegistry-local", "--schema", "MySchema-local",
      "--schema-version", "7"],
     "NotFoundException: version 7 of schema 'MySchema-local' not found in registry "
     "'MyRegistry-local' (latest is 1)"),
    (["registry", "list", "Nope"], "NotFoundException: registry 'Nope' not found"),
    (["registry", "versions", "--registry", "MyRegistry-local", "--schema", "Nope"],
     "NotFoundException: schema 'Nope' not found in registry 'MyRegistry-local'"),
    (["registry", "show", "--registry", "multi", "--schema", "Versioned",
      "--schema-version", "4"],
     "NotFoundException: version 4 of schema 'Versioned' not found in registry 'multi' "
     "(latest is 3)"),
], ids=["registry", "schema", "version", "list", "versions", "show"])
def test_not_found_is_exit_4_with_aws_message(served, run_aws, args, message):
    run = run_aws(*args)
    assert run.returncode == 4, run.stderr
    assert error_line(run) == message
    # The local source fails the same way (its own words).
    oracle = iatk(local_env(served.tree.parent), *args, "--registry-dir", str(served.tree))
    assert oracle.returncode == 4


def test_server_down_is_exit_11_within_bounded_time(run_aws):
    port = closed_port()
    started = time.monotonic()
    run = run_aws("generate", *MY_ARGS, url="http://127.0.0.1:%d" % port)
    elapsed = time.monotonic() - started
    assert run.returncode == 11, run.stderr
    message = error_line(run)
    assert message.startswith("cannot reach 127.0.0.1:%d: " % port), message
    assert message.endswith("(after 3 attempts)"), message
    assert elapsed < 10  # three attempts, at most 1 + 2 s of backoff


def test_automatic_choice_without_region_names_the_local_tree(home, cache):
    # Keys are there, the endpoint is a closed loopback port: only the
    # missing region can stop it, and nothing may leave the machine.
    env = env_for(home, cache, AWS_ENDPOINT_URL="http://127.0.0.1:%d" % closed_port(),
                  **keys_env())
    run = iatk(env, "generate", *MY_ARGS)
    assert run.returncode == 2, run.stderr
    message = error_line(run)
    assert message.startswith("no AWS region: "), message
    assert "--registry-dir DIR" in message and "IATK_REGISTRY_DIR" in message
    verbose = iatk(env, "registry", "list", "-v")
    assert verbose.returncode == 2 and "IATK_REGISTRY_DIR" in error_line(verbose)


def test_unknown_source_is_exit_2(served, home, cache):
    env = env_for(home, cache, **keys_env())
    run = iatk(env, "generate", *MY_ARGS, "--source", "bogus", "--registry-dir",
               str(served.tree))
    assert run.returncode == 2
    assert error_line(run) == "unknown schema source 'bogus': expected local or aws"
    run = iatk(env_for(home, cache, IATK_SOURCE="bogus"), "registry", "list")
    assert run.returncode == 2
    assert error_line(run) == ("unknown schema source 'bogus' (from IATK_SOURCE): "
                               "expected local or aws")


# ------------------------------------------------- 4. retries, end to end

def describe_answer(tree, registry, schema, version):
    """DescribeSchema's answer for a version of the tree, as AWS gives it."""
    path = tree / registry / schema / str(version)
    meta = json.loads((path / "meta.json").read_text())
    return json_answer(200, {
        "Content": (path / "schema.json").read_text(),
        "LastModified": "2026-11-29T15:51:07Z", "SchemaArn":
        "arn:aws:schemas:us-east-1:123456789012:schema/%s/%s" % (registry, schema),
        "SchemaName": schema, "SchemaVersion": str(version), "Type": meta["type"],
        "VersionCreatedDate": "2026-11-29T15:51:07Z", "tags": {}})


def aws_error_answer(status, code, message):
    return json_answer(status, {"Code": code, "Message": message},
                       {"x-amzn-ErrorType": code})


def test_throttling_and_503_are_retried(served, run_aws, seed_event):
    answers = sequence(aws_error_answer(429, "ThrottlingException", "Rate exceeded"),
                       aws_error_answer(503, "ServiceUnavailableException", "resting"),
                       describe_answer(served.tree, *MY, 1))
    with Fake(answers) as fake:
        assert ok(run_aws("generate", *MY_ARGS, "--now", NOW, url=fake.url)) == seed_event
    assert [(r.method, r.path) for r in fake.requests] == [("GET", MY_PATH)] * 3
    # Each attempt is signed afresh, as botocore signs it.
    for request in fake.requests:
        assert request.headers["authorization"] == botocore_authorization(
            request, *KEYS["env"], None, REGION, "schemas")


def test_always_503_gives_up_after_max_attempts(run_aws):
    answer = aws_error_answer(503, "ServiceUnavailableException", "the service is resting")
    with Fake(lambda request: answer) as fake:
        run = run_aws("generate", *MY_ARGS, url=fake.url, AWS_MAX_ATTEMPTS="2")
    assert run.returncode == 10, run.stderr
    assert error_line(run) == ("ServiceUnavailableException: the service is resting "
                               "(after 2 attempts)")
    assert len(fake.requests) == 2


def test_not_found_whose_probe_is_throttled_says_so(run_aws):
    """A version NotFound is narrowed by asking for the schema; when that
    question is throttled past the retries, the error keeps AWS's words,
    names the narrowest thing asked for and says why it is not settled."""
    answers = sequence(aws_error_answer(404, "NotFoundException", "version 7 not found"),
                       aws_error_answer(429, "ThrottlingException", "Rate exceeded"))
    with Fake(answers) as fake:
        run = run_aws("generate", *MY_ARGS, "--schema-version", "7", url=fake.url,
                      AWS_MAX_ATTEMPTS="2")
    assert run.returncode == 4, run.stderr
    assert error_line(run) == (
        "NotFoundException: version 7 not found (whether the registry or schema exists "
        "could not be settled: ThrottlingException: Rate exceeded (after 2 attempts))")
    # the read, then the probe of the schema twice
    assert [r.path for r in fake.requests] == [MY_PATH + "?schemaVersion=7"] + [MY_PATH] * 2


# ---------------------------------------------------------------- 5. cache

def test_versions_are_cached_latest_is_always_asked(tmp_path, home, cache):
    tree = tmp_path / "tree"
    shutil.copytree(EXAMPLE_REGISTRY, tree)
    server = start_server(tree, tmp_path)
    try:
        env = env_for(home, cache, **keys_env())
        pinned = ["generate", *MY_ARGS, "--now", NOW, "--schema-version", "1"]
        first = ok(iatk(env, *pinned, *aws_args(server.url)))
        assert wait_for(lambda: server.log_with("GET %s?schemaVersion=1 200" % MY_PATH))
        # The second run is answered from the cache: no request at all.
        assert ok(iatk(env, *pinned, *aws_args(server.url))) == first
        time.sleep(0.1)
        assert len(server.log_with("GET %s" % MY_PATH)) == 1
        # The second server starts while the first still holds its port, so
        # the two endpoints differ (see below); the first port is then held
        # so that "gone" stays gone while other tests start servers.
        other_tree = tmp_path / "other"
        shutil.copytree(EXAMPLE_REGISTRY, other_tree)
        schema_file = other_tree / "MyRegistry-local" / "MySchema-local" / "1" / "schema.json"
        schema_file.write_text(schema_file.read_text().replace('"A"', '"Gold"', 1))
        other = start_server(other_tree, tmp_path / "other-home")
    finally:
        assert server.stop()[0] == 0
    hold_port(port_of(server.url))
    (key_dir,) = (cache / "aws").iterdir()
    assert tree_files(key_dir) == {
        "MyRegistry-local/MySchema-local/1/schema.json": schema_bytes(tree, *MY, 1)}

    # The server is gone: the pinned version still comes from the cache...
    env["AWS_MAX_ATTEMPTS"] = "1"  # (retries are test_*_retried's business)
    assert ok(iatk(env, *pinned, *aws_args(server.url))) == first
    # ... "latest" is asked of AWS every time, so it fails ...
    latest = iatk(env, "generate", *MY_ARGS, *aws_args(server.url), "--now", NOW)
    assert latest.returncode == 11 and error_line(latest).startswith("cannot reach ")
    # ... and so does the same version for another identity at that endpoint.
    other_key = env_for(home, cache, AWS_MAX_ATTEMPTS="1", **keys_env("profile"))
    assert iatk(other_key, *pinned, *aws_args(server.url)).returncode == 11

    # Another endpoint never sees this endpoint's cache: a second server
    # whose version 1 differs answers with its own.
    try:
        theirs = ok(iatk(env, *pinned, *aws_args(other.url)))
    finally:
        assert other.stop()[0] == 0
    assert json.loads(theirs)["membershipType"] == "Gold" != json.loads(first)["membershipType"]
    assert len(list((cache / "aws").iterdir())) == 2


# ------------------------------------------------------- 6. pull and push

def sync(env, url, action, tree, registry, *more):
    return iatk(env, "registry", action, "--registry", registry, *more,
                "--registry-dir", str(tree), "--endpoint-url", url, "--region", REGION)


def summary(run):
    """The last stderr line: 'iatk: pulled N versions (M already there)'."""
    return run.stderr.decode().splitlines()[-1]


def test_pull_into_an_empty_tree(served, tmp_path, home, cache):
    env = env_for(home, cache, **keys_env())
    mine = tmp_path / "pulled"
    for registry in ("multi", "aws.events"):
        assert summary(ok_run(sync(env, served.url, "pull", mine, registry))) == \
            "iatk: pulled %d versions (0 already there)" % (3 if registry == "multi" else 2)
    # AWS's numbers, AWS's bytes.
    assert tree_files(mine) == {k: v for k, v in tree_files(served.tree).items()
                                if k.startswith(("multi/", "aws.events/"))}
    assert ok(iatk(local_env(tmp_path), "registry", "versions", "--registry", "multi",
                   "--schema", "Versioned", "--registry-dir", str(mine))).split() == \
        [b"1", b"2", b"3"]
    # Again: nothing to copy.
    again = ok_run(sync(env, served.url, "pull", mine, "multi"))
    assert summary(again) == "iatk: pulled 0 versions (3 already there)"
    # One schema only.
    single = tmp_path / "single"
    run = ok_run(sync(env, served.url, "pull", single, "aws.events", "--schema", AT_SCHEMA))
    assert summary(run) == "iatk: pulled 2 versions (0 already there)"


def ok_run(run):
    assert run.returncode == 0, run.stderr.decode()
    return run


def test_pull_never_overwrites_a_different_local_version(served, tmp_path, home, cache):
    env = env_for(home, cache, **keys_env())
    mine = tmp_path / "mine"
    put_versions(mine, "multi", "Versioned", [VERSIONED[0], '{"type": "object"}'], tmp_path)
    before = tree_files(mine)
    run = sync(env, served.url, "pull", mine, "multi")
    assert run.returncode == 2, run.stderr
    assert error_line(run) == ("version 2 already exists in %s with other content"
                               % (mine / "multi" / "Versioned"))
    assert {k: v for k, v in tree_files(mine).items() if k in before} == before
    assert not (mine / "multi" / "Versioned" / "3").exists()


def schema_writes(server):
    """CreateSchema and UpdateSchema calls the server accepted."""
    path = " /v1/registries/name/multi/schemas/name/Versioned "
    return len(server.log_with("POST" + path + "201")) + len(server.log_with("PUT" + path + "200"))


def test_sync_of_what_the_source_lacks_writes_nothing(served, tmp_path, home, cache):
    env = env_for(home, cache, **keys_env())
    mine = tmp_path / "mine"
    run = sync(env, served.url, "pull", mine, "MyRegistry-local", "--schema", "Nope")
    assert run.returncode == 4 and error_line(run).startswith("NotFoundException: ")
    run = sync(env, served.url, "pull", mine, "Nope")
    assert run.returncode == 4 and error_line(run).startswith("NotFoundException: ")
    assert not mine.exists()
    # A push of a registry the local tree lacks creates nothing on AWS.
    mine.mkdir()
    for more in (["--schema", "Typo"], []):
        run = sync(env, served.url, "push", mine, "Typo", *more)
        assert run.returncode == 4, run.stderr
        assert error_line(run) == "registry 'Typo' not found in %s" % mine
    time.sleep(0.1)
    assert not served.server.log_with("POST /v1/registries/name/Typo")
    assert not (served.tree / "Typo").exists()


def test_push_into_an_empty_served_tree(tmp_path, home, cache):
    served_tree = tmp_path / "empty"
    server = start_server(served_tree, tmp_path)
    try:
        env = env_for(home, cache, **keys_env())
        mine = tmp_path / "mine"
        put_versions(mine, "multi", "Versioned", VERSIONED, tmp_path)
        run = ok_run(sync(env, server.url, "push", mine, "multi"))
        assert summary(run) == "iatk: pushed 3 versions (0 already there)"
        assert tree_files(served_tree) == tree_files(mine)
        assert wait_for(lambda: schema_writes(server) == 3)
        run = ok_run(sync(env, server.url, "push", mine, "multi"))
        assert summary(run) == "iatk: pushed 0 versions (3 already there)"
        time.sleep(0.1)
        writes = schema_writes(server)
        assert writes == 3
        put_versions(mine, "multi", "Versioned", ['{"type": "object", "title": "v4"}'],
                     tmp_path / "v4")
        run = ok_run(sync(env, server.url, "push", mine, "multi"))
        assert summary(run) == "iatk: pushed 1 version (3 already there)"
        assert wait_for(lambda: schema_writes(server) == writes + 1)
        assert tree_files(served_tree) == tree_files(mine)
    finally:
        assert server.stop()[0] == 0


# ------------------------------------------------------------- 7. Python

@pytest.fixture
def py_env(monkeypatch, home, cache):
    """This process's environment as a user's with keys and no tree: the
    AWS settings ctest sets (a closed default endpoint, no files) are
    replaced, and restored afterwards by monkeypatch."""
    for name in list(os.environ):
        if name.startswith("AWS_"):
            monkeypatch.delenv(name)
    for name in ("IATK_REGISTRY_DIR", "IATK_SOURCE", "XDG_CACHE_HOME"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("IATK_CACHE_DIR", str(cache))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    monkeypatch.setenv("AWS_ENDPOINT_URL", "http://127.0.0.1:%d" % closed_port())
    return monkeypatch


def without_clock(event):
    return {k: v for k, v in event.items() if k != "datetime"}


@pytest.fixture
def seed_dict(served):
    return without_clock(json.loads(served.local("generate", *MY_ARGS, "--now", NOW)))


def test_python_generate_mock_event(served, py_env, seed_dict):
    for name, value in keys_env().items():
        py_env.setenv(name, value)
    client = iatk_package.AwsIatk(region=REGION, endpoint_url=served.url)
    before = len(served.server.log_with("GET %s 200" % MY_PATH))
    out = client.generate_mock_event(registry_name=MY[0], schema_name=MY[1],
                                     event_ref="MyEvent")
    assert without_clock(out.event) == seed_dict
    assert served_ok(served.server, MY_PATH, before)
    pinned = client.generate_mock_event(registry_name="aws.events", schema_name=AT_SCHEMA,
                                        schema_version="1", event_ref="AWSEvent", now=NOW,
                                        mode="random", seed=5)
    assert pinned.event == json.loads(served.local(
        "generate", "--registry", "aws.events", "--schema", AT_SCHEMA, "--schema-version", "1",
        "--event-ref", "AWSEvent", "--now", NOW, "--mode", "random", "--seed", "5"))
    with pytest.raises(iatk_package.IatkException) as caught:
        client.generate_mock_event(registry_name=MY[0], schema_name="Nope",
                                   event_ref="MyEvent")
    assert caught.value.message == ("NotFoundException: schema 'Nope' not found in registry "
                                    "'MyRegistry-local'")
    assert caught.value.error_code == 10 and caught.value.iatk_name == "IATK_ENOSCHEMA"


def test_python_aws_iatk_call_shape(served, py_env, seed_dict):
    """AWS IATK's own call: no endpoint argument, the endpoint from
    AWS_ENDPOINT_URL_SCHEMAS (set here, restored by monkeypatch)."""
    for name, value in keys_env().items():
        py_env.setenv(name, value)
    py_env.setenv("AWS_ENDPOINT_URL_SCHEMAS", served.url)
    out = iatk_package.AwsIatk(region=REGION).generate_mock_event(
        registry_name=MY[0], schema_name=MY[1], event_ref="MyEvent")
    assert without_clock(out.event) == seed_dict


def test_python_registry(served, py_env):
    for name, value in keys_env().items():
        py_env.setenv(name, value)
    with iatk_package.Registry(source="aws", region=REGION, endpoint_url=served.url) as reg:
        assert reg.root is None and reg.description.startswith(
            "AWS Schemas API at %s (endpoint from argument), region us-east-1" % served.url)
        assert reg.list() == ["MyRegistry-local", "aws.events", "many", "multi"]
        assert reg.list("aws.events") == [AT_SCHEMA]
        assert reg.versions("multi", "Versioned") == ["1", "2", "3"]
        for version in (1, 2, 3):
            assert reg.read("multi", "Versioned", version) == \
                (VERSIONED[version - 1], "JSONSchemaDraft4", version)
        content, kind, number = reg.read("aws.events", AT_SCHEMA)
        assert (kind, number) == ("OpenApi3", 2)
        assert content.encode() == schema_bytes(served.tree, "aws.events", AT_SCHEMA, 2)


def test_python_two_identities_at_one_endpoint(py_env, cache):
    """Two accounts reached with different keys through one endpoint hold
    different schemas under one name: neither may get the other's plan."""
    def content(who):
        return json.dumps({"type": "object", "required": ["who"],
                           "properties": {"who": {"type": "string", "enum": [who]}}})

    def handler(request):
        who = "A" if "Credential=AKIDACCOUNTA/" in request.headers["authorization"] else "B"
        return json_answer(200, {"Content": content(who), "SchemaName": "S",
                                 "SchemaVersion": "1", "Type": "JSONSchemaDraft4",
                                 "SchemaArn": "arn:aws:schemas:us-east-1:1:schema/R/S",
                                 "tags": {}})

    with Fake(handler) as fake:
        for who in ("A", "B", "A"):
            py_env.setenv("AWS_ACCESS_KEY_ID", "AKIDACCOUNT" + who)
            py_env.setenv("AWS_SECRET_ACCESS_KEY", "secret-" + who)
            client = iatk_package.AwsIatk(region=REGION, endpoint_url=fake.url)
            for version in (None, "1"):
                event = client.generate_mock_event(registry_name="R", schema_name="S",
                                                   schema_version=version).event
                assert event == {"who": who}, (who, version)
    # The on-disk cache is kept apart per identity too.
    assert len(list((cache / "aws").iterdir())) == 2


def test_python_reuses_credentials(served, py_env, seed_dict):
    token = "Bearer e2e-python-token"
    with Fake(container_fake(token)) as fake:
        py_env.setenv("AWS_CONTAINER_CREDENTIALS_FULL_URI", fake.url + "/creds")
        py_env.setenv("AWS_CONTAINER_AUTHORIZATION_TOKEN", token)
        client = iatk_package.AwsIatk(region=REGION, endpoint_url=served.url)
        before = len(served.server.log_with("GET %s 200" % MY_PATH))
        for _ in range(20):
            out = client.generate_mock_event(registry_name=MY[0], schema_name=MY[1],
                                             event_ref="MyEvent")
            assert without_clock(out.event) == seed_dict
    assert len(fake.requests) == 1
    # Every call asked the server for the latest version, signed.
    assert wait_for(lambda: len(served.server.log_with("GET %s 200" % MY_PATH)) == before + 20)


# ----------------------------------------------------------- 8. JSON-RPC

def rpc(env, params):
    """One request on `iatk`'s stdin, as AWS IATK's client sends it."""
    request = {"jsonrpc": "2.0", "id": 1, "method": "mock.generate_barebone_event",
               "params": params, "metadata": {"client": "python", "caller": "generate_mock_event"}}
    run = iatk(env, stdin=json.dumps(request).encode())
    assert run.returncode == 0 and run.stderr == b"", run.stderr
    (line,) = run.stdout.decode().splitlines()
    response = json.loads(line)
    assert response["jsonrpc"] == "2.0" and response["id"] == 1
    return response


def test_jsonrpc_reads_aws(served, home, cache, seed_dict):
    env = env_for(home, cache, AWS_ENDPOINT_URL_SCHEMAS=served.url, **keys_env())
    params = {"RegistryName": MY[0], "SchemaName": MY[1], "EventRef": "MyEvent",
              "Region": REGION}
    before = len(served.server.log_with("GET %s 200" % MY_PATH))
    response = rpc(env, params)
    assert set(response) == {"jsonrpc", "id", "result"}, response
    assert without_clock(json.loads(response["result"]["output"])) == seed_dict
    assert served_ok(served.server, MY_PATH, before)
    # A pinned version, with AWS IATK's nulls for what it was not given.
    response = rpc(env, {"RegistryName": "multi", "SchemaName": "Versioned",
                         "SchemaVersion": "2", "EventRef": None, "SkipOptional": None,
                         "Region": REGION, "Profile": None})
    assert response["result"]["output"] == served.local(
        "generate", "--registry", "multi", "--schema", "Versioned", "--schema-version", "2"
    ).decode().rstrip("\n") == '{"n":2,"s":"aaa"}'


def test_jsonrpc_honours_profile(served, home, cache, seed_dict):
    key_id, secret = KEYS["profile"]
    write(home / ".aws" / "credentials",
          "[e2e]\naws_access_key_id = %s\naws_secret_access_key = %s\n" % (key_id, secret))
    env = env_for(home, cache, AWS_ENDPOINT_URL_SCHEMAS=served.url)
    params = {"RegistryName": MY[0], "SchemaName": MY[1], "EventRef": "MyEvent",
              "Region": REGION, "Profile": "e2e"}
    assert without_clock(json.loads(rpc(env, params)["result"]["output"])) == seed_dict
    params["Profile"] = "missing"
    assert "missing" in rpc(env, params)["error"]["message"]


def test_jsonrpc_error_carries_the_aws_message(served, home, cache):
    env = env_for(home, cache, AWS_ENDPOINT_URL_SCHEMAS=served.url, **keys_env())
    response = rpc(env, {"RegistryName": MY[0], "SchemaName": "Nope", "EventRef": "MyEvent",
                         "Region": REGION})
    assert response["error"] == {
        "code": 10,
        "message": "NotFoundException: schema 'Nope' not found in registry 'MyRegistry-local'"}
    # A signature the server refuses is an error answer too, with its words.
    wrong = env_for(home, cache, AWS_ENDPOINT_URL_SCHEMAS=served.url,
                    AWS_ACCESS_KEY_ID=KEYS["env"][0], AWS_SECRET_ACCESS_KEY="wrong")
    response = rpc(wrong, {"RegistryName": MY[0], "SchemaName": MY[1], "Region": REGION})
    assert response["error"]["code"] == 10
    assert response["error"]["message"].startswith("InvalidSignatureException: ")
    # No tree and no region: the answer says how to read a local tree.
    response = rpc(env, {"RegistryName": MY[0], "SchemaName": MY[1]})
    assert response["error"]["code"] == 10
    assert response["error"]["message"].startswith("no AWS region: ")
    assert "IATK_REGISTRY_DIR" in response["error"]["message"]
