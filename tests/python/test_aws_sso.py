"""SSO (IAM Identity Center) profiles against a loopback portal fake: the
token `aws sso login` cached in ~/.aws/sso/cache/<sha1>.json goes to
GET /federation/credentials in x-amz-sso_bearer_token, unsigned; a missing,
expired or refused token says to run `aws sso login`."""
import datetime
import hashlib
import json
import urllib.parse

import pytest

from awsfake import (Fake, StsFake, clean_env, error_line, json_answer, show_config,
                     write)

EXIT_AWS = 10
TOKEN = "aoaAAAAAGZ-sso-access-token"
EXPIRES_MS = 1924992000000  # 2031-01-01T00:00:00Z


@pytest.fixture
def home(tmp_path):
    (tmp_path / ".aws").mkdir()
    return tmp_path


def iso(seconds_from_now):
    t = datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(seconds=seconds_from_now)
    return t.strftime("%Y-%m-%dT%H:%M:%SZ")


def cache_token(home, key, token=TOKEN, expires_in=3600, **extra):
    doc = {"startUrl": "https://corp.awsapps.com/start", "region": "eu-west-1",
           "accessToken": token, "expiresAt": iso(expires_in)}
    doc.update(extra)
    name = hashlib.sha1(key.encode()).hexdigest()
    return write(home / ".aws" / "sso" / "cache" / f"{name}.json", json.dumps(doc))


class Portal:
    """GetRoleCredentials: the bearer token must match; the account and
    role come back in the key id so tests can see what was asked."""

    def __call__(self, request):
        url = urllib.parse.urlsplit(request.path)
        q = dict(urllib.parse.parse_qsl(url.query))
        if url.path != "/federation/credentials":
            return json_answer(404, {"message": "not found"})
        if request.headers.get("x-amz-sso_bearer_token") != TOKEN:
            return json_answer(401, {"message": "Session token not found or invalid"},
                               {"x-amzn-ErrorType": "UnauthorizedException"})
        return json_answer(200, {"roleCredentials": {
            "accessKeyId": f"ASIASSO{q['account_id']}{q['role_name']}",
            "secretAccessKey": "sso-secret", "sessionToken": "sso-session-token",
            "expiration": EXPIRES_MS}})


SESSION_CONFIG = """\
[profile dev]
sso_session = corp
sso_account_id = 111122223333
sso_role_name = Dev
region = us-west-2

[sso-session corp]
sso_start_url = https://corp.awsapps.com/start
sso_region = eu-west-1
sso_registration_scopes = sso:account:access
"""


def sso_env(home, portal, **extra):
    return clean_env(home, AWS_ENDPOINT_URL_SSO=portal.url, **extra)


def test_sso_session_profile(home):
    write(home / ".aws" / "config", SESSION_CONFIG)
    cache_token(home, "corp")
    with Fake(Portal()) as portal:
        cfg, proc = show_config(sso_env(home, portal), "--profile", "dev")
    assert proc.returncode == 0, proc.stderr
    assert (cfg["credentials"], cfg["access_key_id"]) == ("sso", "ASIASSO111122223333Dev")
    assert cfg["session_token_length"] == str(len("sso-session-token"))
    assert cfg["expiration"] == str(EXPIRES_MS // 1000)
    (req,) = portal.requests
    assert req.method == "GET"
    assert req.path == "/federation/credentials?account_id=111122223333&role_name=Dev"
    assert "authorization" not in req.headers


def test_legacy_sso_profile(home):
    write(home / ".aws" / "config", "[default]\nsso_start_url = https://legacy.awsapps.com/start\n"
                                    "sso_region = us-east-1\nsso_account_id = 444455556666\n"
                                    "sso_role_name = Admin Role\n")
    cache_token(home, "https://legacy.awsapps.com/start", expires_in=7200)
    with Fake(Portal()) as portal:
        cfg, proc = show_config(sso_env(home, portal))
    assert proc.returncode == 0, proc.stderr
    assert cfg["access_key_id"] == "ASIASSO444455556666Admin Role"
    assert portal.requests[0].path.endswith("role_name=Admin%20Role")


def test_old_cli_expiry_format(home):
    write(home / ".aws" / "config", SESSION_CONFIG)
    cache_token(home, "corp", expiresAt=(datetime.datetime.now(datetime.timezone.utc) +
                                         datetime.timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M:%SUTC"))
    with Fake(Portal()) as portal:
        _, proc = show_config(sso_env(home, portal), "--profile", "dev")
    assert proc.returncode == 0, proc.stderr


def test_expired_token(home):
    write(home / ".aws" / "config", SESSION_CONFIG)
    path = cache_token(home, "corp", expires_in=-60)
    with Fake(Portal()) as portal:
        _, proc = show_config(sso_env(home, portal), "--profile", "dev")
    assert proc.returncode == EXIT_AWS
    assert error_line(proc) == (f"SSO session of profile 'dev' ({path}): the cached token has "
                                "expired: run aws sso login --profile dev")
    assert portal.requests == []


def test_no_cached_token(home):
    write(home / ".aws" / "config", SESSION_CONFIG)
    with Fake(Portal()) as portal:
        _, proc = show_config(sso_env(home, portal), "--profile", "dev")
    name = hashlib.sha1(b"corp").hexdigest()
    assert error_line(proc) == (f"SSO session of profile 'dev' ({home}/.aws/sso/cache/{name}.json): "
                                "no cached token: run aws sso login --profile dev")


def test_token_refused_by_the_portal(home):
    write(home / ".aws" / "config", SESSION_CONFIG)
    cache_token(home, "corp", token="revoked-token")
    with Fake(Portal()) as portal:
        _, proc = show_config(sso_env(home, portal), "--profile", "dev")
    assert proc.returncode == EXIT_AWS
    assert error_line(proc) == (
        "the SSO portal refused the token of profile 'dev' (UnauthorizedException: Session "
        "token not found or invalid): run aws sso login --profile dev")
    assert len(portal.requests) == 1  # a refusal is not retried


@pytest.mark.parametrize("config,message", [
    ("[profile dev]\nsso_session = nowhere\nsso_account_id = 1\nsso_role_name = R\n",
     "profile 'dev' names sso-session 'nowhere', which does not exist"),
    ("[profile dev]\nsso_session = corp\nsso_account_id = 1\nsso_role_name = R\n"
     "[sso-session corp]\nsso_start_url = https://x/start\n",
     "profile 'dev' is configured for SSO but has no sso_region"),
    ("[profile dev]\nsso_account_id = 1\nsso_start_url = https://x\nsso_region = eu-west-1\n",
     "profile 'dev' is configured for SSO but has no sso_role_name"),
    ("[profile dev]\nsso_session = corp\nsso_account_id = 1\nsso_role_name = R\n"
     "sso_region = us-east-1\n[sso-session corp]\nsso_start_url = https://x\nsso_region = eu-west-1\n",
     "sso_region differs between profile 'dev' (us-east-1) and sso-session 'corp' (eu-west-1)"),
], ids=["no-session", "no-region", "no-role", "inconsistent"])
def test_configuration_errors(home, config, message):
    write(home / ".aws" / "config", config)
    with Fake(Portal()) as portal:
        _, proc = show_config(sso_env(home, portal), "--profile", "dev")
    assert proc.returncode == EXIT_AWS
    assert error_line(proc) == message


def test_sso_profile_as_a_source_profile(home):
    write(home / ".aws" / "config", SESSION_CONFIG + "[profile admin]\n"
                                    "role_arn = arn:aws:iam::111122223333:role/Admin\n"
                                    "source_profile = dev\n")
    cache_token(home, "corp")
    with Fake(Portal()) as portal, Fake(StsFake()) as sts:
        sts.handler.keys["ASIASSO111122223333Dev"] = ("sso-secret", "sso-session-token")
        cfg, proc = show_config(sso_env(home, portal, AWS_ENDPOINT_URL_STS=sts.url),
                                "--profile", "admin")
    assert proc.returncode == 0, proc.stderr
    assert sts.handler.calls[0][2] == "ASIASSO111122223333Dev"
    assert (cfg["credentials"], cfg["access_key_id"]) == ("assume role", "ASIAISSUED000001")


def test_the_callers_endpoint_is_not_the_portal(home):
    write(home / ".aws" / "config", SESSION_CONFIG)
    cache_token(home, "corp")
    with Fake(Portal()) as portal, Fake(lambda r: json_answer(500, {})) as service:
        _, proc = show_config(sso_env(home, portal), "--profile", "dev",
                              "--endpoint-url", service.url)
    assert proc.returncode == 0, proc.stderr
    assert len(portal.requests) == 1 and service.requests == []
