#!/usr/bin/python3
"""Writes the botocore-made seeds of fuzz_sigv4 and fuzz_serve.

Each seed is a request exactly as botocore builds and signs it for the
Schemas API (its REST serializer and SigV4Auth), captured before it is
sent, written in the format of fuzz/fuzz_http.h:

    METHOD PATH?QUERY
    Name: value
    ...

    body

fuzz_sigv4's seeds are signed with the AKIDEXAMPLE key at the instant its
clock is pinned to (20150830T123600Z), so they verify.  fuzz_serve's are
the same operations on the names of its tree, unsigned (its '!' and '~'
prefixes are added here for a few).  Run it with Debian's botocore:

    /usr/bin/python3 fuzz/make_aws_seeds.py
"""
import datetime
import pathlib
import types
import uuid
from unittest import mock

import botocore.auth
import botocore.session
from botocore import UNSIGNED
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest, AWSResponse
from botocore.config import Config
from botocore.credentials import Credentials

HERE = pathlib.Path(__file__).resolve().parent
AKID = "AKIDEXAMPLE"
SECRET = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"
TOKEN = "AQoDYXdzEPT//////////wEXAMPLEtc764bNrC9SAPBSM22wDOk4x4HIZ8j4FZTwdQ"
USER_AGENT = "Botocore/1.29.27 Python/3.11.2 Linux/6.1.0"
PINNED = datetime.datetime(2015, 8, 30, 12, 36, 0)

DRAFT4 = ('{"$schema": "http://json-schema.org/draft-04/schema#", "type": '
          '"object", "properties": {"id": {"type": "string"}}}')
OPENAPI = ('{"openapi": "3.0.0", "info": {"title": "Order", "version": '
           '"1.0.0"}, "paths": {}, "components": {"schemas": {"Order": '
           '{"type": "object", "properties": {"id": {"type": "string"}}}}}}')


class Frozen(datetime.datetime):
    @classmethod
    def utcnow(cls):
        return PINNED


def pinned_clock():
    """botocore 1.29 reads datetime.datetime.utcnow() in botocore.auth,
    newer ones botocore.auth.get_current_datetime()."""
    if hasattr(botocore.auth, "get_current_datetime"):
        return mock.patch.object(botocore.auth, "get_current_datetime",
                                 lambda: PINNED)
    return mock.patch.object(botocore.auth, "datetime",
                             types.SimpleNamespace(datetime=Frozen))


def capture(calls, endpoint, token=None, service="schemas"):
    """The requests botocore makes for calls [(operation, params)], signed
    by botocore's own SigV4Auth (not the CRT signer a botocore with awscrt
    would pick) with the clock pinned."""
    session = botocore.session.get_session()
    client = session.create_client(
        service, region_name="us-east-1", endpoint_url=endpoint,
        config=Config(signature_version=UNSIGNED, user_agent=USER_AGENT))
    captured = []

    def before_send(request, **kwargs):
        headers = {k: v.decode() if isinstance(v, bytes) else v
                   for k, v in request.headers.items()}
        signed = AWSRequest(method=request.method, url=request.url,
                            headers=headers, data=request.body)
        with pinned_clock():
            SigV4Auth(Credentials(AKID, SECRET, token), service,
                      "us-east-1").add_auth(signed)
        captured.append(signed.prepare())
        return AWSResponse(request.url, 200, {}, None)

    client.meta.events.register("before-send", before_send)
    # The same seeds on every run: fixed invocation ids, fixed User-Agent.
    ids = (uuid.UUID(int=0x5eed0000 + i) for i in range(1000))
    with mock.patch("uuid.uuid4", lambda: next(ids)):
        for operation, params in calls:
            call(client, operation, params)
    return captured


def call(client, operation, params):
    try:
        getattr(client, operation)(**params)
    except Exception:  # the empty answer may not parse: no matter
        pass


def http_text(request, keep_headers=True, prefix=""):
    """The request in fuzz_http.h's format, Host first as on the wire."""
    url = request.url.split("://", 1)[1]
    host, _, target = url.partition("/")
    lines = [f"{prefix}{request.method} /{target}"]
    if keep_headers:
        lines.append(f"Host: {host}")
        for name, value in request.headers.items():
            if isinstance(value, bytes):
                value = value.decode()
            lines.append(f"{name}: {value}")
    body = request.body or b""
    if isinstance(body, str):
        body = body.encode()
    return ("\n".join(lines) + "\n\n").encode() + body


def write(target, name, data):
    d = HERE / "corpus" / target
    d.mkdir(parents=True, exist_ok=True)
    (d / name).write_bytes(data)


SIGV4_CALLS = [
    ("list-registries", "list_registries", {"Limit": 10, "Scope": "LOCAL"}),
    ("describe-schema-version", "describe_schema",
     {"RegistryName": "discovered-schemas", "SchemaName": "aws.events@MyEvent",
      "SchemaVersion": "2"}),
    ("create-schema", "create_schema",
     {"RegistryName": "reg", "SchemaName": "order created",
      "Type": "JSONSchemaDraft4", "Content": DRAFT4}),
    ("update-schema", "update_schema",
     {"RegistryName": "reg", "SchemaName": "sch", "Type": "OpenApi3",
      "Content": OPENAPI}),
    ("list-schemas-page", "list_schemas",
     {"RegistryName": "reg", "SchemaNamePrefix": "aws.", "Limit": 1,
      "NextToken": "a+b/c=="}),
]


def sigv4_seeds():
    for name, operation, params in SIGV4_CALLS:
        (req,) = capture([(operation, params)], "https://schemas.us-east-1.amazonaws.com")
        write("fuzz_sigv4", name + ".http", http_text(req))
    (req,) = capture([SIGV4_CALLS[0][1:]], "http://127.0.0.1:4010", token=TOKEN)
    write("fuzz_sigv4", "list-registries-token-local.http", http_text(req))
    (req,) = capture([("put_events", {"Entries": [{
        "Source": "com.example", "DetailType": "Order", "Detail": "{}"}]})],
        "https://events.us-east-1.amazonaws.com", service="events")
    write("fuzz_sigv4", "events-put-events.http", http_text(req))


SERVE_CALLS = [
    ("list-registries", [("list_registries", {})]),
    ("list-registries-aws", [("list_registries", {"Scope": "AWS", "RegistryNamePrefix": "aws"})]),
    ("describe-registry", [("describe_registry", {"RegistryName": "reg"})]),
    ("create-registry", [("create_registry", {"RegistryName": "new-reg"})]),
    ("update-registry", [("update_registry", {"RegistryName": "reg", "Description": ""})]),
    ("describe-schema", [("describe_schema", {"RegistryName": "reg", "SchemaName": "sch"})]),
    ("describe-schema-at", [("describe_schema",
                             {"RegistryName": "aws.events", "SchemaName": "aws.s3@ObjectCreated",
                              "SchemaVersion": "1"})]),
    ("create-schema", [("create_schema", {"RegistryName": "reg", "SchemaName": "new",
                                          "Type": "OpenApi3", "Content": OPENAPI})]),
    ("update-schema", [("update_schema", {"RegistryName": "reg", "SchemaName": "sch",
                                          "Type": "JSONSchemaDraft4", "Content": DRAFT4})]),
    ("update-schema-same", [("update_schema", {"RegistryName": "reg", "SchemaName": "sch",
                                               "Type": "OpenApi3", "Content": OPENAPI})]),
    ("list-schema-versions", [("list_schema_versions", {"RegistryName": "reg", "SchemaName": "sch"})]),
    ("delete-schema-version", [("delete_schema_version",
                                {"RegistryName": "reg", "SchemaName": "sch", "SchemaVersion": "1"})]),
    ("create-then-describe", [
        ("create_schema", {"RegistryName": "reg", "SchemaName": "made",
                           "Type": "JSONSchemaDraft4", "Content": DRAFT4}),
        ("update_schema", {"RegistryName": "reg", "SchemaName": "made",
                           "Content": OPENAPI, "Type": "OpenApi3"}),
        ("describe_schema", {"RegistryName": "reg", "SchemaName": "made",
                             "SchemaVersion": "2"})]),
]


def serve_seeds():
    endpoint = "http://127.0.0.1:4010"
    for name, calls in SERVE_CALLS:
        reqs = capture(calls, endpoint)
        write("fuzz_serve", name + ".http",
              b"\n%%\n".join(http_text(r, keep_headers=False) for r in reqs))
    # Pages: one name each, the next pages through the previous NextToken.
    (first,) = capture([("list_schemas", {"RegistryName": "reg", "Limit": 1})], endpoint)
    page = http_text(first, keep_headers=False).replace(b"?limit=1", b"?limit=1&nextToken=$NEXT")
    write("fuzz_serve", "list-schemas-pages.http",
          http_text(first, keep_headers=False) + b"\n%%\n" + page + b"\n%%\n" + page)
    (first,) = capture([("list_schema_versions", {"RegistryName": "reg", "SchemaName": "sch",
                                                  "Limit": 1})], endpoint)
    page = http_text(first, keep_headers=False).replace(b"?limit=1", b"?limit=1&nextToken=$NEXT")
    write("fuzz_serve", "list-versions-pages.http",
          http_text(first, keep_headers=False) + b"\n%%\n" + page)
    # To the server that checks SigV4: signed by the harness ('!'), and
    # as botocore signed it in 2015 ('~': refused, the date is old).
    (req,) = capture([("describe_schema", {"RegistryName": "reg", "SchemaName": "sch"})], endpoint)
    write("fuzz_serve", "signed-describe.http", http_text(req, keep_headers=False, prefix="!"))
    (req,) = capture([("create_schema", {"RegistryName": "reg", "SchemaName": "signed",
                                         "Type": "OpenApi3", "Content": OPENAPI})], endpoint)
    write("fuzz_serve", "signed-create.http", http_text(req, prefix="!"))
    write("fuzz_serve", "botocore-signed-old.http", http_text(req, prefix="~"))


if __name__ == "__main__":
    sigv4_seeds()
    serve_seeds()
