"""Assume role (role_arn + source_profile / credential_source) and web
identity against a loopback STS fake (tests/python/awsfake.py StsFake),
which answers the documented query-protocol XML and checks every signed
AssumeRole with botocore.  No moto needed: the fake covers the two calls
and checks more (signatures, unsigned web identity calls)."""
import re

import pytest

from awsfake import (Fake, StsFake, aws_call, botocore_authorization, clean_env,
                     error_line, json_answer, show_config, write)

EXIT_AWS = 10
EXIT_NETWORK = 11
BASE_KEY, BASE_SECRET = "AKIDBASE", "base-secret"


@pytest.fixture
def home(tmp_path):
    (tmp_path / ".aws").mkdir()
    return tmp_path


def files(home, config, credentials=f"[base]\naws_access_key_id = {BASE_KEY}\n"
                                    f"aws_secret_access_key = {BASE_SECRET}\n"):
    write(home / ".aws" / "config", config)
    write(home / ".aws" / "credentials", credentials)


def sts_env(home, sts, **extra):
    return clean_env(home, AWS_ENDPOINT_URL_STS=sts.url, **extra)


def form(call):
    return call[1]


# -------------------------------------------------------------- assume role

def test_assume_role_with_source_profile(home):
    files(home, "[profile r]\nrole_arn = arn:aws:iam::123456789012:role/Reader\n"
                "source_profile = base\nregion = eu-west-1\n")
    with Fake(StsFake({BASE_KEY: BASE_SECRET})) as fake:
        sts = fake.handler
        cfg, proc = show_config(sts_env(home, fake), "--profile", "r")
    assert proc.returncode == 0, proc.stderr
    assert (cfg["credentials"], cfg["access_key_id"], cfg["session_token_length"]) == (
        "assume role", "ASIAISSUED000001", str(len("issued-token-1")))
    assert cfg["expiration"] == "1924992000"  # 2031-01-01T00:00:00Z
    ((action, f, key, region),) = sts.calls
    assert (action, key, region) == ("AssumeRole", BASE_KEY, "eu-west-1")
    assert f["RoleArn"] == "arn:aws:iam::123456789012:role/Reader"
    assert re.fullmatch(r"iatk-session-\d+", f["RoleSessionName"])
    assert "ExternalId" not in f and "DurationSeconds" not in f
    assert fake.requests[0].headers["content-type"] == (
        "application/x-www-form-urlencoded; charset=utf-8")


def test_assume_role_options(home):
    files(home, "[profile r]\nrole_arn = arn:aws:iam::123456789012:role/Reader\n"
                "source_profile = base\nrole_session_name = my session\n"
                "external_id = ext+id/1\nduration_seconds = 1800\n")
    with Fake(StsFake({BASE_KEY: BASE_SECRET})) as fake:
        _, proc = show_config(sts_env(home, fake), "--profile", "r")
    assert proc.returncode == 0, proc.stderr
    f = form(fake.handler.calls[0])
    assert (f["RoleSessionName"], f["ExternalId"], f["DurationSeconds"]) == (
        "my session", "ext+id/1", "1800")
    # No region anywhere: STS's global endpoint's signing region.
    assert fake.handler.calls[0][3] == "us-east-1"


def test_role_chain(home):
    files(home, "[profile c]\nrole_arn = arn:aws:iam::3:role/C\nsource_profile = b\n"
                "[profile b]\nrole_arn = arn:aws:iam::2:role/B\nsource_profile = base\n")
    with Fake(StsFake({BASE_KEY: BASE_SECRET})) as fake:
        cfg, proc = show_config(sts_env(home, fake), "--profile", "c")
    assert proc.returncode == 0, proc.stderr
    calls = fake.handler.calls
    assert [(form(c)["RoleArn"], c[2]) for c in calls] == [
        ("arn:aws:iam::2:role/B", BASE_KEY),
        ("arn:aws:iam::3:role/C", "ASIAISSUED000001")]  # signed with B's session
    assert cfg["access_key_id"] == "ASIAISSUED000002"


def test_profile_may_be_its_own_source_with_static_keys(home):
    files(home, "[profile self]\nrole_arn = arn:aws:iam::1:role/S\nsource_profile = self\n",
          "[self]\naws_access_key_id = AKIDSELF\naws_secret_access_key = self-secret\n")
    with Fake(StsFake({"AKIDSELF": "self-secret"})) as fake:
        cfg, proc = show_config(sts_env(home, fake), "--profile", "self")
    assert proc.returncode == 0, proc.stderr
    assert fake.handler.calls[0][2] == "AKIDSELF"
    assert cfg["credentials"] == "assume role"


@pytest.mark.parametrize("config,message", [
    ("[profile a]\nrole_arn = arn:aws:iam::1:role/A\nsource_profile = b\n"
     "[profile b]\nrole_arn = arn:aws:iam::1:role/B\nsource_profile = a\n",
     "source_profile loop: a -> b -> a (a profile may be its own source only with static keys)"),
    ("[profile a]\nrole_arn = arn:aws:iam::1:role/A\nsource_profile = a\n",
     "source_profile loop: a -> a (a profile may be its own source only with static keys)"),
    ("[profile a]\nrole_arn = arn:aws:iam::1:role/A\nsource_profile = ghost\n",
     "source_profile 'ghost' of profile 'a' does not exist"),
    ("[profile a]\nrole_arn = arn:aws:iam::1:role/A\nsource_profile = empty\n[profile empty]\n",
     "source_profile 'empty' of profile 'a' has no credentials"),
    ("[profile a]\nrole_arn = arn:aws:iam::1:role/A\n",
     "profile 'a' has role_arn but neither source_profile nor credential_source"),
    ("[profile a]\nrole_arn = arn:aws:iam::1:role/A\nsource_profile = base\n"
     "credential_source = Environment\n",
     "profile 'a' has both source_profile and credential_source"),
    ("[profile a]\nrole_arn = arn:aws:iam::1:role/A\nsource_profile = base\nmfa_serial = arn:mfa\n",
     "profile 'a' needs an MFA code (mfa_serial), which iatk cannot prompt for: use temporary "
     "credentials from `aws configure export-credentials`"),
    ("[profile a]\nrole_arn = arn:aws:iam::1:role/A\nsource_profile = base\n"
     "duration_seconds = 60\n",
     "duration_seconds of profile 'a': '60' is not a whole number from 900 to 43200"),
    ("[profile a]\nrole_arn = arn:aws:iam::1:role/A\ncredential_source = Laptop\n",
     "credential_source 'Laptop' of profile 'a' is not Environment, Ec2InstanceMetadata or "
     "EcsContainer"),
    ("[profile a]\nrole_arn = arn:aws:iam::1:role/A\ncredential_source = Environment\n",
     "credential_source Environment of profile 'a' found no credentials"),
], ids=["loop", "self-loop", "missing-source", "empty-source", "no-source", "two-sources",
        "mfa", "duration", "bad-credential-source", "empty-environment"])
def test_role_configuration_errors(home, config, message):
    files(home, config)
    with Fake(StsFake({BASE_KEY: BASE_SECRET})) as fake:
        _, proc = show_config(sts_env(home, fake), "--profile", "a")
    # A value that cannot be right is a usage error, like a bad max_attempts.
    assert proc.returncode == (2 if "duration_seconds" in message else EXIT_AWS)
    assert error_line(proc) == message
    assert fake.handler.calls == []


def test_credential_source_environment_and_container(home):
    files(home, "[profile env]\nrole_arn = arn:aws:iam::1:role/E\ncredential_source = Environment\n"
                "[profile ecs]\nrole_arn = arn:aws:iam::1:role/C\ncredential_source = EcsContainer\n")
    container = json_answer(200, {"AccessKeyId": "AKIDECS", "SecretAccessKey": "ecs-secret",
                                  "Token": "ecs-token", "Expiration": "2031-01-01T00:00:00Z"})
    with Fake(StsFake({"AKIDENV": "env-secret"})) as fake, Fake(lambda r: container) as ecs:
        fake.handler.keys["AKIDECS"] = ("ecs-secret", "ecs-token")
        env = sts_env(home, fake, AWS_ACCESS_KEY_ID="AKIDENV", AWS_SECRET_ACCESS_KEY="env-secret",
                      AWS_CONTAINER_CREDENTIALS_FULL_URI=ecs.url)
        # --profile skips the environment's own keys, not credential_source's.
        cfg, proc = show_config(env, "--profile", "env")
        assert proc.returncode == 0, proc.stderr
        cfg, proc = show_config(env, "--profile", "ecs")
        assert proc.returncode == 0, proc.stderr
    assert [c[2] for c in fake.handler.calls] == ["AKIDENV", "AKIDECS"]


def test_sts_refusal(home):
    files(home, "[profile a]\nrole_arn = arn:aws:iam::1:role/denied\nsource_profile = base\n")
    with Fake(StsFake({BASE_KEY: BASE_SECRET})) as fake:
        _, proc = show_config(sts_env(home, fake), "--profile", "a")
    assert proc.returncode == EXIT_AWS
    assert error_line(proc) == (
        "assume role arn:aws:iam::1:role/denied for profile 'a': AccessDenied: User: AKIDBASE "
        "is not authorized to perform: sts:AssumeRole on resource: arn:aws:iam::1:role/denied")


def test_sts_unreachable(home):
    files(home, "[profile a]\nrole_arn = arn:aws:iam::1:role/A\nsource_profile = base\n")
    with Fake(StsFake()) as fake:
        pass
    _, proc = show_config(sts_env(home, fake, AWS_MAX_ATTEMPTS="1"), "--profile", "a")
    assert proc.returncode == EXIT_NETWORK
    assert error_line(proc).startswith(f"assume role arn:aws:iam::1:role/A for profile 'a': "
                                       f"cannot reach {fake.host}: ")


def test_assumed_credentials_sign_the_call(home):
    """End to end: the caller's --endpoint-url addresses the service only;
    STS comes from AWS_ENDPOINT_URL_STS; the call is signed with the role's
    session, as botocore would sign it."""
    files(home, "[profile r]\nrole_arn = arn:aws:iam::1:role/R\nsource_profile = base\n"
                "region = ap-southeast-2\n")
    with Fake(StsFake({BASE_KEY: BASE_SECRET})) as sts, \
            Fake(lambda r: json_answer(200, {"ok": True})) as service:
        proc = aws_call(sts_env(home, sts), "--profile", "r", "--endpoint-url", service.url,
                        "schemas", "GET", "/v1/registries")
    assert proc.returncode == 0, proc.stderr
    assert len(sts.handler.calls) == 1 and sts.handler.calls[0][3] == "ap-southeast-2"
    (req,) = service.requests
    assert req.headers["x-amz-security-token"] == "issued-token-1"
    assert req.headers["authorization"] == botocore_authorization(
        req, "ASIAISSUED000001", "issued-secret-1", "issued-token-1", "ap-southeast-2", "schemas")


# ------------------------------------------------------------- web identity

def test_web_identity_from_environment(home):
    token_file = write(home / "token", "eyJhbGciOiJSUzI1NiJ9.payload.sig\n")
    with Fake(StsFake(web_token="eyJhbGciOiJSUzI1NiJ9.payload.sig")) as fake:
        env = sts_env(home, fake, AWS_WEB_IDENTITY_TOKEN_FILE=token_file,
                      AWS_ROLE_ARN="arn:aws:iam::1:role/Pod", AWS_ROLE_SESSION_NAME="pod-7")
        cfg, proc = show_config(env)
    assert proc.returncode == 0, proc.stderr
    assert (cfg["credentials"], cfg["access_key_id"]) == ("web identity", "ASIAISSUED000001")
    ((action, f, _, _),) = fake.handler.calls
    assert action == "AssumeRoleWithWebIdentity"
    assert (f["RoleArn"], f["RoleSessionName"]) == ("arn:aws:iam::1:role/Pod", "pod-7")
    assert "authorization" not in fake.requests[0].headers


def test_web_identity_from_profile(home):
    token_file = write(home / "token", "profile-token")
    files(home, f"[profile w]\nweb_identity_token_file = {token_file}\n"
                "role_arn = arn:aws:iam::1:role/W\n")
    with Fake(StsFake(web_token="profile-token")) as fake:
        cfg, proc = show_config(sts_env(home, fake), "--profile", "w")
    assert proc.returncode == 0, proc.stderr
    assert cfg["credentials"] == "web identity"
    assert re.fullmatch(r"iatk-session-\d+", form(fake.handler.calls[0])["RoleSessionName"])


def test_web_identity_as_a_source_profile(home):
    token_file = write(home / "token", "profile-token")
    files(home, f"[profile w]\nweb_identity_token_file = {token_file}\nrole_arn = arn:aws:iam::1:role/W\n"
                "[profile r]\nrole_arn = arn:aws:iam::2:role/R\nsource_profile = w\n")
    with Fake(StsFake(web_token="profile-token")) as fake:
        cfg, proc = show_config(sts_env(home, fake), "--profile", "r")
    assert proc.returncode == 0, proc.stderr
    calls = fake.handler.calls
    assert [c[0] for c in calls] == ["AssumeRoleWithWebIdentity", "AssumeRole"]
    assert calls[1][2] == "ASIAISSUED000001"
    assert cfg["access_key_id"] == "ASIAISSUED000002"


@pytest.mark.parametrize("extra,message", [
    ({"AWS_ROLE_ARN": None}, "a web identity token file is set but no role to assume "
                             "(AWS_ROLE_ARN or role_arn)"),
    ({"AWS_WEB_IDENTITY_TOKEN_FILE": "/nonexistent/token"},
     "web identity token: cannot open /nonexistent/token: No such file or directory"),
], ids=["no-role", "no-file"])
def test_web_identity_configuration_errors(home, extra, message):
    token_file = write(home / "token", "t")
    with Fake(StsFake(web_token="t")) as fake:
        settings = {"AWS_WEB_IDENTITY_TOKEN_FILE": token_file, "AWS_ROLE_ARN": "arn:aws:iam::1:role/P"}
        settings.update(extra)
        _, proc = show_config(sts_env(home, fake, **settings))
    assert proc.returncode == EXIT_AWS
    assert error_line(proc).startswith(message)
    assert fake.handler.calls == []


def test_web_identity_refused(home):
    token_file = write(home / "token", "stale-token")
    with Fake(StsFake(web_token="fresh-token")) as fake:
        _, proc = show_config(sts_env(home, fake, AWS_WEB_IDENTITY_TOKEN_FILE=token_file,
                                      AWS_ROLE_ARN="arn:aws:iam::1:role/P"))
    assert proc.returncode == EXIT_AWS
    assert error_line(proc) == (
        "assume role arn:aws:iam::1:role/P with web identity: InvalidIdentityToken: Couldn't "
        "retrieve verification key from your identity provider")
