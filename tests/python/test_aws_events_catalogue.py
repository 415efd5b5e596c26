"""The built-in aws.events catalogue as a source (docs/catalogue.md).

Precedence: a local tree's own aws.events wins over the catalogue; --source
aws (an `iatk registry serve` plays AWS here) goes to AWS only; nothing
configured serves aws.events from the catalogue, offline; `registry pull`
makes the tree's own copy, which then wins.  Writes into the catalogue are
refused; `registry list` shows it; -v names it."""
import json
import os
import pathlib
import shutil
import subprocess

import pytest

import iatk as iatk_package
from servefixture import IATK, SOURCE, Server, serve_env

CATALOGUE = SOURCE / "data"
SCHEMA = "aws.autoscaling@EC2InstanceLaunchSuccessful"
OTHER = "aws.a4b@RoomStateChange"
# A document that is not the catalogue's: the tree's own, or AWS's.
OWN = {"openapi": "3.0.0", "info": {"version": "1.0.0", "title": "Own"}, "paths": {},
       "components": {"schemas": {"AWSEvent": {
           "type": "object", "required": ["mine"],
           "properties": {"mine": {"type": "string", "enum": ["tree"]}}}}}}


def env(**extra):
    """Nothing configured: no tree, no source, no AWS settings."""
    e = serve_env(IATK_CATALOGUE_DIR=str(CATALOGUE), AWS_ACCESS_KEY_ID="AKIDCAT",
                  AWS_SECRET_ACCESS_KEY="secret")
    e.pop("IATK_SOURCE", None)
    e.pop("AWS_ENDPOINT_URL", None)
    e.update(extra)
    return e


def run(*args, **extra):
    return subprocess.run([IATK, *args], env=env(**extra), capture_output=True, text=True,
                          timeout=60)


def ok(*args, **extra):
    p = run(*args, **extra)
    assert p.returncode == 0, p.stderr
    return p


def own_tree(root, content=OWN):
    """A tree with its own aws.events holding SCHEMA (version 1)."""
    path = root.parent / ("%s-own.json" % root.name)
    path.write_text(json.dumps(content))
    ok("registry", "create", "aws.events", "--registry-dir", str(root))
    ok("registry", "put", "--registry-dir", str(root), "--registry", "aws.events",
       "--schema", SCHEMA, str(path))
    return root


def catalogue_text(version="2"):
    return (CATALOGUE / "aws.events" / SCHEMA / version / "schema.json").read_text()


def generate(*args, **extra):
    p = ok("generate", "--registry", "aws.events", "--schema", SCHEMA, "--event-ref",
           "AWSEvent", *args, **extra)
    return json.loads(p.stdout), p.stderr


# ------------------------------------------------------------- nothing configured

def test_nothing_configured_serves_the_catalogue_offline():
    # No region, no reachable AWS: the catalogue alone answers.
    event, log = generate("--context", "eventbridge", "--schema-version", "2", "-v",
                          AWS_ENDPOINT_URL="http://127.0.0.1:9")
    assert event["source"] == "aws.autoscaling"
    assert event["detail-type"] == "EC2 Instance Launch Successful"
    assert "from the built-in aws.events catalogue in %s" % CATALOGUE.resolve() in log
    shown = ok("registry", "show", "--registry", "aws.events", "--schema", SCHEMA).stdout
    assert shown == catalogue_text()


def test_nothing_configured_lists_and_versions():
    names = ok("registry", "list", "aws.events").stdout.split()
    assert SCHEMA in names and OTHER in names and len(names) > 300
    assert ok("registry", "versions", "--registry", "aws.events",
              "--schema", SCHEMA).stdout.split() == ["2"]


def test_other_registries_still_follow_the_aws_rule():
    p = run("generate", "--registry", "orders", "--schema", "x")
    assert p.returncode != 0
    assert "no local registry is configured" in p.stderr


def test_unknown_version_of_the_catalogue_is_an_error():
    p = run("generate", "--registry", "aws.events", "--schema", SCHEMA,
            "--schema-version", "1")
    assert p.returncode != 0 and "version" in p.stderr


# ------------------------------------------------------------- a local tree

def test_tree_without_aws_events_reads_the_catalogue(tmp_path):
    tree = tmp_path / "tree"
    event, log = generate("--registry-dir", str(tree), "--schema-version", "2", "-v")
    assert "detail" in event
    assert "iatk: source: local registry %s\n" % tree in log
    assert "from the built-in aws.events catalogue" in log


def test_registry_list_shows_aws_events(tmp_path):
    tree = tmp_path / "tree"
    ok("registry", "create", "orders", "--registry-dir", str(tree))
    assert ok("registry", "list", "--registry-dir", str(tree)).stdout.split() == \
        ["aws.events", "orders"]


def test_tree_own_aws_events_wins(tmp_path):
    tree = own_tree(tmp_path / "tree")
    event, log = generate("--registry-dir", str(tree), "-v")
    assert event == {"mine": "tree"}
    assert "catalogue" not in log
    # ... for every schema: the catalogue's others are not mixed in.
    assert ok("registry", "list", "aws.events", "--registry-dir", str(tree)).stdout.split() \
        == [SCHEMA]
    assert run("generate", "--registry-dir", str(tree), "--registry", "aws.events",
               "--schema", OTHER).returncode != 0
    assert ok("registry", "list", "--registry-dir", str(tree)).stdout.split() == ["aws.events"]


def test_put_into_the_catalogue_is_refused(tmp_path):
    tree = tmp_path / "tree"
    path = tmp_path / "own.json"
    path.write_text(json.dumps(OWN))
    p = run("registry", "put", "--registry-dir", str(tree), "--registry", "aws.events",
            "--schema", SCHEMA, str(path))
    assert p.returncode != 0
    assert "read-only catalogue" in p.stderr
    assert "iatk registry create aws.events" in p.stderr
    assert not (tree / "aws.events").exists()


def test_python_put_with_nothing_configured_is_refused():
    os.environ.pop("IATK_REGISTRY_DIR", None)
    with iatk_package.Registry() as reg:
        with pytest.raises(iatk_package.IatkException) as e:
            reg.put("aws.events", SCHEMA, json.dumps(OWN))
    assert "read-only catalogue" in str(e.value)
    assert "local tree's own aws.events may be made instead" in str(e.value)


# ------------------------------------------------------------- AWS

@pytest.fixture
def aws(tmp_path):
    """`iatk registry serve` over a tree whose aws.events is not the
    catalogue's: what --source aws reads must be that."""
    served = own_tree(tmp_path / "aws")
    server = Server(served)
    yield server
    server.stop()


def test_source_aws_goes_to_aws(aws, tmp_path):
    event, log = generate("--source", "aws", "--endpoint-url", aws.url, "--region", "us-east-1",
                          "-v", IATK_CACHE_DIR="")
    assert event == {"mine": "tree"}
    assert "catalogue" not in log


def test_pull_makes_the_tree_own_copy(aws, tmp_path):
    tree = tmp_path / "tree"
    ok("registry", "pull", "--registry", "aws.events", "--registry-dir", str(tree),
       "--endpoint-url", aws.url, "--region", "us-east-1", IATK_CACHE_DIR="")
    event, _ = generate("--registry-dir", str(tree))
    assert event == {"mine": "tree"}


# ------------------------------------------------------------- Python

def test_python_generate_with_nothing_configured(monkeypatch):
    for name in ("IATK_REGISTRY_DIR", "IATK_SOURCE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("IATK_CATALOGUE_DIR", str(CATALOGUE))
    from aws_iatk.context_generation import eventbridge_event_context
    event = iatk_package.AwsIatk().generate_mock_event(
        registry_name="aws.events", schema_name=SCHEMA, schema_version="2",
        event_ref="AWSEvent", contexts=[eventbridge_event_context]).event
    assert event["source"] == "aws.autoscaling" and event["id"]
    with iatk_package.Registry() as reg:
        content, kind, number = reg.read("aws.events", SCHEMA)
        assert (content, kind, number) == (catalogue_text(), "OpenApi3", 2)
        assert reg.served_by == "the built-in aws.events catalogue in %s" % CATALOGUE.resolve()


def test_python_tree_without_aws_events(tmp_path):
    tree = tmp_path / "tree"
    tree.mkdir()
    event = iatk_package.AwsIatk(registry_dir=tree).generate_mock_event(
        registry_name="aws.events", schema_name=SCHEMA, event_ref="AWSEvent").event
    assert "Details" in event["detail"]
    own_tree(tree)
    event = iatk_package.AwsIatk(registry_dir=tree).generate_mock_event(
        registry_name="aws.events", schema_name=SCHEMA, event_ref="AWSEvent").event
    assert event == {"mine": "tree"}


def test_catalogue_dir_that_lacks_it_is_an_error(tmp_path):
    p = run("registry", "list", "aws.events", IATK_CATALOGUE_DIR=str(tmp_path))
    assert p.returncode != 0
    assert "IATK_CATALOGUE_DIR %s has no readable aws.events" % tmp_path in p.stderr


def test_listings_say_the_catalogue_served_them():
    """-v names the catalogue for listings too, not only the source line."""
    listed = run("registry", "list", "aws.events", "-v")
    assert listed.returncode == 0, listed.stderr
    assert "schemas of aws.events from the built-in aws.events catalogue in " \
        in listed.stderr, listed.stderr
    versions = run("registry", "versions", "--registry", "aws.events",
                   "--schema", "aws.autoscaling@EC2InstanceLaunchSuccessful", "-v")
    assert versions.returncode == 0, versions.stderr
    assert "from the built-in aws.events catalogue in " in versions.stderr, versions.stderr
