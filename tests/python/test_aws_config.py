"""The AWS configuration chain through tests/tools/aws_call --show-config:
profile, region, endpoint, retry settings, CA bundle, the shared files
(paths, syntax, nested sections, long lines) and the static credential
providers.  Every run has a temporary HOME and an environment cleared of
the machine's AWS_* settings."""
import pytest

from awsfake import clean_env, error_line, show_config, write

EXIT_USAGE = 2
EXIT_AWS = 10


@pytest.fixture
def home(tmp_path):
    (tmp_path / ".aws").mkdir()
    return tmp_path


def config(home, text):
    return write(home / ".aws" / "config", text)


def credentials(home, text):
    return write(home / ".aws" / "credentials", text)


# ------------------------------------------------------------------ profile

def test_nothing_configured(home):
    cfg, proc = show_config(clean_env(home), "--no-credentials")
    assert proc.returncode == 0, proc.stderr
    assert cfg["profile"] == "default" and cfg["profile_explicit"] == "0"
    assert cfg["region"] == "-" and cfg["region_source"] == "none"
    assert cfg["endpoint"] == "-"
    assert cfg["endpoint_source"] == "no AWS region: set --region, AWS_REGION or the profile's region"
    assert cfg["max_attempts"] == "3"


def test_profile_precedence(home):
    config(home, "[profile a]\nregion = r-a\n[profile b]\nregion = r-b\n"
                 "[profile c]\nregion = r-c\n[default]\nregion = r-default\n")
    env = clean_env(home, AWS_PROFILE="b", AWS_DEFAULT_PROFILE="c")
    cfg, _ = show_config(env, "--no-credentials", "--profile", "a")
    assert (cfg["profile"], cfg["region"], cfg["profile_explicit"]) == ("a", "r-a", "2")
    cfg, _ = show_config(env, "--no-credentials")
    assert (cfg["profile"], cfg["region"], cfg["profile_explicit"]) == ("b", "r-b", "1")
    cfg, _ = show_config(clean_env(home, AWS_DEFAULT_PROFILE="c"), "--no-credentials")
    assert (cfg["profile"], cfg["region"]) == ("c", "r-c")
    cfg, _ = show_config(clean_env(home), "--no-credentials")
    assert (cfg["profile"], cfg["region"], cfg["profile_explicit"]) == ("default", "r-default", "0")


def test_named_profile_must_exist(home):
    config(home, "[profile here]\nregion = eu-west-1\n")
    for args, env in ((["--profile", "nope"], clean_env(home)),
                      ([], clean_env(home, AWS_PROFILE="nope"))):
        cfg, proc = show_config(env, "--no-credentials", *args)
        assert proc.returncode == EXIT_USAGE
        assert error_line(proc) == (
            f"the config profile (nope) could not be found in {home}/.aws/config "
            f"or {home}/.aws/credentials")


def test_default_profile_may_be_absent_unless_named(home):
    config(home, "[profile other]\n")
    _, proc = show_config(clean_env(home), "--no-credentials")
    assert proc.returncode == 0
    _, proc = show_config(clean_env(home), "--no-credentials", "--profile", "default")
    assert proc.returncode == EXIT_USAGE and "(default) could not be found" in error_line(proc)


def test_empty_sections_and_credentials_file_profiles_exist(home):
    config(home, "[profile empty]\n")
    credentials(home, "[only-creds]\naws_access_key_id = AKIDONLY\naws_secret_access_key = s\n")
    for name in ("empty", "only-creds"):
        _, proc = show_config(clean_env(home), "--no-credentials", "--profile", name)
        assert proc.returncode == 0, proc.stderr


def test_quoted_and_spaced_section_names(home):
    config(home, '[profile "with space"]\nregion = r-quoted\n[profile    spaced]\nregion = r-spaced\n'
                 "[profile]\nregion = ignored\n[profilex]\nregion = ignored\n")
    cfg, _ = show_config(clean_env(home), "--no-credentials", "--profile", "with space")
    assert cfg["region"] == "r-quoted"
    cfg, _ = show_config(clean_env(home), "--no-credentials", "--profile", "spaced")
    assert cfg["region"] == "r-spaced"
    _, proc = show_config(clean_env(home), "--no-credentials", "--profile", "x")
    assert proc.returncode == EXIT_USAGE


def test_file_locations(home, tmp_path_factory):
    other = tmp_path_factory.mktemp("elsewhere")
    write(other / "cfg", "[default]\nregion = from-env-path\n")
    write(other / "creds", "[default]\naws_access_key_id = AKIDPATH\naws_secret_access_key = s\n")
    env = clean_env(home, AWS_CONFIG_FILE=other / "cfg", AWS_SHARED_CREDENTIALS_FILE=other / "creds")
    cfg, proc = show_config(env)
    assert proc.returncode == 0, proc.stderr
    assert cfg["region"] == "from-env-path" and cfg["access_key_id"] == "AKIDPATH"
    # "~/" is the HOME directory, as the CLI expands it.
    write(home / "mine.cfg", "[default]\nregion = from-tilde\n")
    cfg, _ = show_config(clean_env(home, AWS_CONFIG_FILE="~/mine.cfg"), "--no-credentials")
    assert cfg["region"] == "from-tilde"


# ------------------------------------------------------------------- region

def test_region_precedence(home):
    config(home, "[default]\nregion = from-profile\n")
    env = clean_env(home, AWS_REGION="from-region", AWS_DEFAULT_REGION="from-default")
    cases = [
        (env, ["--region", "from-arg"], "from-arg", "argument"),
        (env, [], "from-region", "AWS_REGION"),
        (clean_env(home, AWS_DEFAULT_REGION="from-default"), [], "from-default", "AWS_DEFAULT_REGION"),
        (clean_env(home), [], "from-profile", "profile"),
        (clean_env(home, AWS_REGION=""), [], "from-profile", "profile"),  # empty = unset
    ]
    for e, args, region, source in cases:
        cfg, proc = show_config(e, "--no-credentials", *args)
        assert (cfg["region"], cfg["region_source"]) == (region, source), proc.stderr


def test_region_from_credentials_file_wins(home):
    config(home, "[default]\nregion = from-config\n")
    credentials(home, "[default]\nregion = from-credentials\n")
    cfg, _ = show_config(clean_env(home), "--no-credentials")
    assert cfg["region"] == "from-credentials"


def test_bad_region(home):
    _, proc = show_config(clean_env(home, AWS_REGION="us-east-1/evil"), "--no-credentials")
    assert proc.returncode == EXIT_USAGE
    assert error_line(proc) == "invalid region 'us-east-1/evil' (from AWS_REGION)"


# ---------------------------------------------------------------- endpoints

SERVICES_CONFIG = """\
[default]
region = us-west-2
endpoint_url = http://127.0.0.1:1001
services = local

[services local]
schemas =
  endpoint_url = http://127.0.0.1:1002/
sts =
  endpoint_url = http://127.0.0.1:1003
"""


def endpoint(env, service="schemas", *args):
    cfg, proc = show_config(env, "--no-credentials", service, *args)
    assert proc.returncode == 0, proc.stderr
    return cfg["endpoint"], cfg["endpoint_source"]


def test_endpoint_precedence(home):
    config(home, SERVICES_CONFIG)
    both = clean_env(home, AWS_ENDPOINT_URL_SCHEMAS="http://127.0.0.1:2001",
                     AWS_ENDPOINT_URL="http://127.0.0.1:2002")
    assert endpoint(both, "schemas", "--endpoint-url", "http://127.0.0.1:3000/") == (
        "http://127.0.0.1:3000", "argument")
    assert endpoint(both) == ("http://127.0.0.1:2001", "AWS_ENDPOINT_URL_SCHEMAS")
    assert endpoint(both, "sts") == ("http://127.0.0.1:2002", "AWS_ENDPOINT_URL")
    assert endpoint(clean_env(home)) == ("http://127.0.0.1:1002", "services section")
    assert endpoint(clean_env(home), "sts") == ("http://127.0.0.1:1003", "services section")
    assert endpoint(clean_env(home), "lambda") == ("http://127.0.0.1:1001", "profile endpoint_url")


def test_service_env_suffixes(home):
    for service, suffix in (("sfn", "SFN"), ("eventbridge", "EVENTBRIDGE"), ("sso", "SSO"),
                            ("lambda", "LAMBDA"), ("sqs", "SQS"), ("kinesis", "KINESIS")):
        env = clean_env(home, **{f"AWS_ENDPOINT_URL_{suffix}": "http://127.0.0.1:4000"})
        assert endpoint(env, service) == ("http://127.0.0.1:4000", f"AWS_ENDPOINT_URL_{suffix}")


def test_default_endpoints(home):
    env = clean_env(home, AWS_REGION="eu-central-1")
    assert endpoint(env) == ("https://schemas.eu-central-1.amazonaws.com", "default")
    assert endpoint(env, "sso") == ("https://portal.sso.eu-central-1.amazonaws.com", "default")
    assert endpoint(env, "sfn") == ("https://states.eu-central-1.amazonaws.com", "default")
    assert endpoint(env, "eventbridge") == ("https://events.eu-central-1.amazonaws.com", "default")
    assert endpoint(clean_env(home, AWS_REGION="cn-north-1")) == (
        "https://schemas.cn-north-1.amazonaws.com.cn", "default")
    # STS has a global endpoint for callers with no region.
    assert endpoint(clean_env(home), "sts") == ("https://sts.amazonaws.com", "default")


def test_ignore_configured_endpoint_urls(home):
    config(home, SERVICES_CONFIG)
    env = clean_env(home, AWS_ENDPOINT_URL="http://127.0.0.1:2002",
                    AWS_IGNORE_CONFIGURED_ENDPOINT_URLS="true")
    assert endpoint(env) == ("https://schemas.us-west-2.amazonaws.com", "default")
    # The caller's own override still applies.
    assert endpoint(env, "schemas", "--endpoint-url", "http://127.0.0.1:3000") == (
        "http://127.0.0.1:3000", "argument")
    config(home, SERVICES_CONFIG.replace("services = local", "services = local\n"
                                         "ignore_configured_endpoint_urls = TRUE"))
    assert endpoint(clean_env(home)) == ("https://schemas.us-west-2.amazonaws.com", "default")
    _, proc = show_config(clean_env(home, AWS_IGNORE_CONFIGURED_ENDPOINT_URLS="yes"), "--no-credentials")
    assert proc.returncode == EXIT_USAGE
    assert error_line(proc) == "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS: expected true or false"


def test_bad_endpoint_urls(home):
    _, proc = show_config(clean_env(home), "--no-credentials", "--endpoint-url", "ftp://x")
    assert proc.returncode == EXIT_USAGE
    assert error_line(proc).startswith("invalid endpoint URL 'ftp://x' (from argument)")
    cfg, _ = show_config(clean_env(home, AWS_ENDPOINT_URL="127.0.0.1:80"), "--no-credentials")
    assert cfg["endpoint"] == "-"
    assert cfg["endpoint_source"].startswith("invalid endpoint URL '127.0.0.1:80' (from AWS_ENDPOINT_URL)")


# ------------------------------------------------------- retries, CA bundle

def test_max_attempts_and_retry_mode(home):
    config(home, "[default]\nmax_attempts = 7\n[profile legacy]\nretry_mode = legacy\n"
                 "[profile bad]\nmax_attempts = many\n[profile badmode]\nretry_mode = eager\n")
    assert show_config(clean_env(home), "--no-credentials")[0]["max_attempts"] == "7"
    assert show_config(clean_env(home, AWS_MAX_ATTEMPTS="2"), "--no-credentials")[0]["max_attempts"] == "2"
    assert show_config(clean_env(home), "--no-credentials", "--profile", "legacy")[0]["max_attempts"] == "5"
    assert show_config(clean_env(home, AWS_RETRY_MODE="legacy", AWS_PROFILE="legacy"),
                       "--no-credentials")[0]["max_attempts"] == "5"
    _, proc = show_config(clean_env(home, AWS_MAX_ATTEMPTS="3x"), "--no-credentials")
    assert proc.returncode == EXIT_USAGE
    assert error_line(proc) == "AWS_MAX_ATTEMPTS: '3x' is not a whole number from 1 to 100"
    _, proc = show_config(clean_env(home, AWS_MAX_ATTEMPTS="0"), "--no-credentials")
    assert proc.returncode == EXIT_USAGE
    _, proc = show_config(clean_env(home), "--no-credentials", "--profile", "bad")
    assert error_line(proc) == (f"max_attempts of profile 'bad' in {home}/.aws/config: "
                                "'many' is not a whole number from 1 to 100")
    _, proc = show_config(clean_env(home, AWS_RETRY_MODE="eager"), "--no-credentials")
    assert error_line(proc) == "AWS_RETRY_MODE: 'eager' is not a retry mode (standard, adaptive or legacy)"
    _, proc = show_config(clean_env(home), "--no-credentials", "--profile", "badmode")
    assert error_line(proc).startswith("retry_mode of profile 'badmode' in ")


def test_ca_bundle(home):
    config(home, "[default]\nca_bundle = /etc/profile-ca.pem\n")
    assert show_config(clean_env(home), "--no-credentials")[0]["ca_bundle"] == "/etc/profile-ca.pem"
    assert show_config(clean_env(home, AWS_CA_BUNDLE="/etc/env-ca.pem"),
                       "--no-credentials")[0]["ca_bundle"] == "/etc/env-ca.pem"


# ------------------------------------------------------------ file syntax

def test_syntax_errors_name_file_and_line(home):
    path = config(home, "[default]\nregion = us-east-1\nthis line has no equals sign\n")
    _, proc = show_config(clean_env(home), "--no-credentials")
    assert proc.returncode == EXIT_USAGE
    assert error_line(proc) == (f"{path}:3: cannot parse the AWS config file: "
                                "expected [section] or key = value")
    config(home, "[default]\n")
    path = credentials(home, "aws_access_key_id = AKID\n[default]\n")
    _, proc = show_config(clean_env(home), "--no-credentials")
    assert error_line(proc) == (f"{path}:1: cannot parse the AWS credentials file: "
                                "a key before any [section]")
    path = config(home, "[services x]\nschemas =\n  endpoint_url = http://127.0.0.1:1\n  junk\n")
    credentials(home, "")
    _, proc = show_config(clean_env(home), "--no-credentials")
    assert error_line(proc) == f"{path}:2: the nested value of 'schemas' has a line without '='"


def test_unreadable_file_is_an_error(home):
    (home / ".aws" / "config").mkdir()
    _, proc = show_config(clean_env(home), "--no-credentials")
    assert proc.returncode != 0
    assert f"{home}/.aws/config" in error_line(proc)


def test_comments_crlf_bom_and_continuations(home):
    config(home, "\ufeff# comment\r\n; another\r\n[default]\r\nregion = us-east-2 ; inline\r\n"
                 "\r\n[profile multi]\r\nregion = eu-west-3\r\n"
                 "services =\r\n   first = x\r\n\r\n")
    cfg, proc = show_config(clean_env(home), "--no-credentials")
    assert proc.returncode == 0, proc.stderr
    assert cfg["region"] == "us-east-2"
    assert show_config(clean_env(home), "--no-credentials", "--profile", "multi")[0]["region"] == "eu-west-3"


def test_long_lines_survive(home):
    """Debian's libinih reads lines of 200 bytes at most; session tokens are
    about a kilobyte, and nested values may be long too."""
    token = "IQoJb3JpZ2luX2VjE" + "A" * 1500 + "=="
    long_url = "http://127.0.0.1:1/" + "p" * 400
    credentials(home, f"[default]\naws_access_key_id = AKIDLONG\n"
                      f"aws_secret_access_key = {'s' * 300}\n"
                      f"aws_session_token = {token}\n"
                      f"# {'comment ' * 60}\n")
    config(home, f"[default]\nregion = us-east-1\nservices = long\n[services long]\n"
                 f"schemas =\n    endpoint_url = {long_url}\n")
    cfg, proc = show_config(clean_env(home))
    assert proc.returncode == 0, proc.stderr
    assert cfg["session_token_length"] == str(len(token))
    assert cfg["endpoint"] == long_url


# ----------------------------------------------------- static credentials

def test_environment_credentials(home):
    env = clean_env(home, AWS_ACCESS_KEY_ID="AKIDENV", AWS_SECRET_ACCESS_KEY="secret",
                    AWS_SESSION_TOKEN="tok")
    cfg, proc = show_config(env)
    assert proc.returncode == 0, proc.stderr
    assert (cfg["credentials"], cfg["access_key_id"], cfg["session_token_length"]) == (
        "environment", "AKIDENV", "3")
    assert "secret" not in proc.stdout


def test_environment_key_without_secret(home):
    cfg, proc = show_config(clean_env(home, AWS_ACCESS_KEY_ID="AKIDENV"))
    assert proc.returncode == EXIT_AWS
    assert error_line(proc) == "AWS_ACCESS_KEY_ID is set but AWS_SECRET_ACCESS_KEY is not"


def test_environment_versus_profiles(home):
    credentials(home, "[default]\naws_access_key_id = AKIDDEFAULT\naws_secret_access_key = s\n"
                      "[dev]\naws_access_key_id = AKIDDEV\naws_secret_access_key = s\n")
    env = clean_env(home, AWS_ACCESS_KEY_ID="AKIDENV", AWS_SECRET_ACCESS_KEY="s")
    assert show_config(env)[0]["access_key_id"] == "AKIDENV"
    # AWS_PROFILE leaves the environment's keys first, as in the CLI...
    assert show_config(dict(env, AWS_PROFILE="dev"))[0]["access_key_id"] == "AKIDENV"
    # ...a profile named by the caller (--profile) does not.
    cfg, _ = show_config(env, "--profile", "dev")
    assert (cfg["access_key_id"], cfg["credentials"]) == ("AKIDDEV", "shared credentials file")


def test_shared_files(home):
    credentials(home, "[both]\naws_access_key_id = AKIDCREDS\naws_secret_access_key = s\n"
                      "[partial]\naws_access_key_id = AKIDHALF\n")
    config(home, "[profile both]\naws_access_key_id = AKIDCONFIG\naws_secret_access_key = s\n"
                 "[profile conf]\naws_access_key_id = AKIDCONF\naws_secret_access_key = s\n"
                 "aws_session_token = t0k\n")
    cfg, _ = show_config(clean_env(home), "--profile", "both")
    assert (cfg["access_key_id"], cfg["credentials"]) == ("AKIDCREDS", "shared credentials file")
    cfg, _ = show_config(clean_env(home), "--profile", "conf")
    assert (cfg["access_key_id"], cfg["credentials"], cfg["session_token_length"]) == (
        "AKIDCONF", "config file", "3")
    _, proc = show_config(clean_env(home), "--profile", "partial")
    assert proc.returncode == EXIT_AWS
    assert error_line(proc) == (f"profile 'partial' in {home}/.aws/credentials has "
                                "aws_access_key_id but no aws_secret_access_key")


def test_no_credentials_anywhere(home):
    config(home, "[default]\nregion = us-east-1\n")
    _, proc = show_config(clean_env(home))
    assert proc.returncode == EXIT_AWS
    assert error_line(proc).startswith("no AWS credentials found for profile 'default' "
                                       "(tried: environment, ")
