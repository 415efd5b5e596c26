"""Writes never reach AWS by default: a Registry that reads AWS only because
no local tree is configured refuses create and put before sending anything,
and names how to publish on purpose."""
import os

import pytest

import iatk

SCHEMA = '{"type": "object"}'


@pytest.fixture
def nothing_configured(monkeypatch, tmp_path):
    # ctest hides the user's AWS settings; these make a request possible,
    # to a closed loopback port, so only the guard can stop it cleanly.
    for name in ("IATK_REGISTRY_DIR", "IATK_SOURCE", "AWS_PROFILE", "AWS_DEFAULT_PROFILE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIDGUARD")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "secret")
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    monkeypatch.setenv("AWS_MAX_ATTEMPTS", "1")
    monkeypatch.setenv("IATK_CACHE_DIR", os.fspath(tmp_path / "cache"))


def test_automatic_aws_refuses_writes(nothing_configured):
    reg = iatk.Registry(region="us-east-1", endpoint_url="http://127.0.0.1:9")
    assert reg.root is None
    assert reg.description.startswith("AWS Schemas API")
    for write in (lambda: reg.create("r"), lambda: reg.put("r", "s", SCHEMA)):
        with pytest.raises(iatk.IatkException) as caught:
            write()
        assert caught.value.iatk_name == "IATK_EINVAL"
        assert "refusing to" in caught.value.message
        assert "--source aws" in caught.value.message


def test_named_aws_sends_the_write(nothing_configured):
    # Named explicitly, the write is attempted: the closed port answers.
    reg = iatk.Registry(source="aws", region="us-east-1", endpoint_url="http://127.0.0.1:9")
    with pytest.raises(iatk.IatkException) as caught:
        reg.put("r", "s", SCHEMA)
    assert caught.value.iatk_name == "IATK_ENETWORK"


def test_reads_follow_the_automatic_choice(nothing_configured):
    reg = iatk.Registry(region="us-east-1", endpoint_url="http://127.0.0.1:9")
    with pytest.raises(iatk.IatkException) as caught:
        reg.list()
    assert caught.value.iatk_name == "IATK_ENETWORK"
