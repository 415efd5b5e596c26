"""Helpers for the tests of lib/aws: loopback HTTP fakes in a thread, a
clean environment (no real AWS_* settings, no proxies, no instance
metadata), and a runner for tests/tools/aws_call.

Nothing here ever talks to anything but 127.0.0.1."""
import http.server
import json
import os
import pathlib
import subprocess
import threading
import time

TOOLS = pathlib.Path(os.environ.get("IATK_TEST_TOOLS", ""))
AWS_CALL = str(TOOLS / "aws_call")
CALL_TIMEOUT = 60  # seconds; every run of aws_call is bounded


class Request:
    """What a fake received."""

    def __init__(self, handler, body):
        self.method = handler.command
        self.path = handler.path
        self.headers = {k.lower(): v for k, v in handler.headers.items()}
        self.body = body
        self.time = time.monotonic()

    def json(self):
        return json.loads(self.body)


class Answer:
    def __init__(self, status=200, body=b"", headers=None, drop=False, delay=0.0):
        self.status = status
        self.body = body.encode() if isinstance(body, str) else body
        self.headers = headers or {}
        self.drop = drop    # close the connection without answering
        self.delay = delay  # seconds to wait before answering


def json_answer(status, doc, headers=None):
    h = {"Content-Type": "application/json"}
    h.update(headers or {})
    return Answer(status, json.dumps(doc), h)


class _Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):  # keep pytest output clean
        pass

    def _serve(self):
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        request = Request(self, body)
        fake = self.server.fake
        with fake.lock:
            fake.requests.append(request)
        answer = fake.handler(request)
        if answer.delay:
            time.sleep(answer.delay)
        if answer.drop:
            self.close_connection = True
            return
        self.send_response(answer.status)
        for name, value in answer.headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(answer.body)))
        self.send_header("Connection", "close")
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(answer.body)
        self.close_connection = True

    do_GET = do_POST = do_PUT = do_DELETE = do_HEAD = do_PATCH = _serve


class Fake:
    """An HTTP server on 127.0.0.1 and a random port; `handler` maps a
    Request to an Answer.  Use as a context manager."""

    def __init__(self, handler):
        self.handler = handler
        self.requests = []
        self.lock = threading.Lock()
        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        self.server.daemon_threads = True
        self.server.fake = self
        self.port = self.server.server_address[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self.host = f"127.0.0.1:{self.port}"
        self.thread = threading.Thread(target=self.server.serve_forever,
                                       kwargs={"poll_interval": 0.05}, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(5)


def sequence(*answers):
    """A handler giving the answers in turn, then repeating the last one."""
    state = {"i": 0}
    lock = threading.Lock()

    def handler(request):
        with lock:
            i = min(state["i"], len(answers) - 1)
            state["i"] += 1
        return answers[i]
    return handler


def clean_env(home, **extra):
    """An environment with no AWS_* settings of the machine running the
    tests, no proxies, and instance metadata off unless a test turns it
    on.  `extra` adds or (with None) removes variables."""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith("AWS_") and "proxy" not in k.lower()}
    if "ASAN_OPTIONS" in env:
        # aws_call is instrumented itself: no preload, and leaks count (the
        # python running the tests is not instrumented, so they are off
        # for it).
        env.pop("LD_PRELOAD", None)
        env["ASAN_OPTIONS"] = "detect_leaks=1"
    env["HOME"] = str(home)
    env["AWS_EC2_METADATA_DISABLED"] = "true"
    env["NO_PROXY"] = "*"
    for k, v in extra.items():
        if v is None:
            env.pop(k, None)
        else:
            env[k] = str(v)
    return env


def aws_call(env, *args, timeout=CALL_TIMEOUT):
    return subprocess.run([AWS_CALL, *args], env=env, capture_output=True,
                          text=True, timeout=timeout)


def show_config(env, *args):
    """The --show-config lines as a dict (and the completed process)."""
    proc = aws_call(env, "--show-config", *args)
    lines = [ln.split(": ", 1) for ln in proc.stdout.splitlines() if ": " in ln]
    return dict(lines), proc


def error_line(proc):
    lines = [ln for ln in proc.stderr.splitlines() if ln.startswith("iatk: error: ")]
    return lines[-1][len("iatk: error: "):] if lines else ""


def stderr_field(proc, name):
    for ln in proc.stderr.splitlines():
        if ln.startswith(name + ": "):
            return ln[len(name) + 2:]
    return None


def write(path, text):
    path = pathlib.Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


def botocore_authorization(request, access_key, secret_key, session_token,
                           region, service):
    """The Authorization header botocore's SigV4Auth computes for what a
    fake received, at the X-Amz-Date it carries, over the headers iatk
    says it signed."""
    import datetime
    import types
    from unittest import mock

    import botocore.auth
    from botocore.auth import SigV4Auth
    from botocore.awsrequest import AWSRequest
    from botocore.credentials import Credentials

    h = request.headers
    signed = h["authorization"].split("SignedHeaders=")[1].split(",")[0].split(";")
    added_by_signer = ("host", "x-amz-date", "x-amz-security-token")
    aws_request = AWSRequest(method=request.method, url=f"http://{h['host']}{request.path}",
                             data=request.body or None)
    for name in signed:
        if name not in added_by_signer:
            aws_request.headers[name] = h[name]
    now = datetime.datetime.strptime(h["x-amz-date"], "%Y%m%dT%H%M%SZ")

    class Frozen(datetime.datetime):
        @classmethod
        def utcnow(cls):
            return now

    if hasattr(botocore.auth, "get_current_datetime"):
        patch = mock.patch.object(botocore.auth, "get_current_datetime", lambda *a, **k: now)
    else:
        patch = mock.patch.object(botocore.auth, "datetime", types.SimpleNamespace(datetime=Frozen))
    with patch:
        SigV4Auth(Credentials(access_key, secret_key, session_token), service,
                  region).add_auth(aws_request)
    return aws_request.headers["Authorization"]


# ---------------------------------------------------------------------- STS

STS_NS = "https://sts.amazonaws.com/doc/2011-06-15/"


def sts_error(status, code, message):
    return Answer(status, f'<ErrorResponse xmlns="{STS_NS}"><Error><Type>Sender</Type>'
                          f"<Code>{code}</Code><Message>{message}</Message></Error>"
                          "<RequestId>4fc9e0f1-0000-0000-0000-000000000000</RequestId>"
                          "</ErrorResponse>", {"Content-Type": "text/xml"})


class StsFake:
    """AssumeRole and AssumeRoleWithWebIdentity as documented: a form POST,
    an XML answer.  AssumeRole must be signed (checked with botocore) by a
    key it knows: `keys` to start with, then every key it issued (with its
    session token).  Web identity calls must be unsigned and carry
    `web_token`.  `calls` records (action, form, signing key, region).
    Issued keys are `prefix` and a counter from 000001, their secrets
    issued-secret-1, -2, ..."""

    def __init__(self, keys=None, web_token=None, expiration="2031-01-01T00:00:00Z",
                 prefix="ASIAISSUED"):
        self.keys = {k: (v, None) for k, v in (keys or {}).items()}
        self.web_token = web_token
        self.expiration = expiration
        self.prefix = prefix
        self.calls = []
        self.issued = 0
        self.lock = threading.Lock()

    def __call__(self, request):
        import urllib.parse
        form = dict(urllib.parse.parse_qsl(request.body.decode(), keep_blank_values=True))
        if form.get("Version") != "2011-06-15":
            return sts_error(400, "InvalidAction", "unknown version")
        if form.get("Action") == "AssumeRole":
            return self._assume_role(request, form)
        if form.get("Action") == "AssumeRoleWithWebIdentity":
            return self._web_identity(request, form)
        return sts_error(400, "InvalidAction", "unknown action")

    def _caller(self, request):
        auth = request.headers.get("authorization", "")
        if "Credential=" not in auth:
            return None, None, sts_error(403, "MissingAuthenticationToken", "not signed")
        key, _, region = auth.split("Credential=")[1].split(",")[0].split("/")[:3]
        if key not in self.keys:
            return None, None, sts_error(403, "InvalidClientTokenId", "unknown key")
        secret, token = self.keys[key]
        if request.headers.get("x-amz-security-token") != token:
            return None, None, sts_error(403, "InvalidClientTokenId", "bad session token")
        expected = botocore_authorization(request, key, secret, token, region, "sts")
        if request.headers["authorization"] != expected:
            return None, None, sts_error(403, "SignatureDoesNotMatch", "bad signature")
        return key, region, None

    def _assume_role(self, request, form):
        key, region, refusal = self._caller(request)
        if refusal:
            return refusal
        with self.lock:
            self.calls.append(("AssumeRole", form, key, region))
        if "denied" in form.get("RoleArn", ""):
            return sts_error(403, "AccessDenied", f"User: {key} is not authorized to "
                                                  f"perform: sts:AssumeRole on resource: {form['RoleArn']}")
        return self._issue("AssumeRole", form)

    def _web_identity(self, request, form):
        if "authorization" in request.headers:
            return sts_error(400, "InvalidAction", "web identity calls are not signed")
        with self.lock:
            self.calls.append(("AssumeRoleWithWebIdentity", form, None, None))
        if form.get("WebIdentityToken") != self.web_token:
            return sts_error(400, "InvalidIdentityToken", "Couldn't retrieve verification key "
                                                          "from your identity provider")
        return self._issue("AssumeRoleWithWebIdentity", form)

    def _issue(self, action, form):
        with self.lock:
            self.issued += 1
            key = f"{self.prefix}{self.issued:06d}"
            secret, token = f"issued-secret-{self.issued}", f"issued-token-{self.issued}"
            self.keys[key] = (secret, token)
        role = form.get("RoleArn", "")
        return Answer(200, f'<{action}Response xmlns="{STS_NS}"><{action}Result>'
                           f"<AssumedRoleUser><Arn>{role}/{form.get('RoleSessionName')}</Arn>"
                           "<AssumedRoleId>AROA:x</AssumedRoleId></AssumedRoleUser>"
                           f"<Credentials><AccessKeyId>{key}</AccessKeyId>"
                           f"<SecretAccessKey>{secret}</SecretAccessKey>"
                           f"<SessionToken>{token}</SessionToken>"
                           f"<Expiration>{self.expiration}</Expiration></Credentials>"
                           f"</{action}Result><ResponseMetadata><RequestId>r</RequestId>"
                           f"</ResponseMetadata></{action}Response>",
                      {"Content-Type": "text/xml"})


# ------------------------------------------------- service model and signing

class ModelError(Exception):
    """A request botocore's model of the service would not have produced."""


class ServiceModel:
    """botocore's model of `service` (the Debian package's data), used by
    fakes to check that a request is a well-formed call of an operation:
    found by X-Amz-Target (JSON protocol) or by method and request URI
    (REST protocols), every required member present, enum values known,
    no member the input shape does not have."""

    def __init__(self, service):
        # The loader, not a Session: a session reads the AWS_* settings
        # ctest hides with empty values (AWS_PROFILE=""), which it rejects.
        import botocore.loaders
        import botocore.model
        data = botocore.loaders.create_loader().load_service_model(service, "service-2")
        self.model = botocore.model.ServiceModel(data, service_name=service)
        self.protocol = self.model.metadata["protocol"]

    def check(self, request):
        """(operation name, params) of a request, or ModelError."""
        if self.protocol == "json":
            return self._check_json(request)
        return self._check_rest(request)

    # JSON 1.0 / 1.1: POST / with X-Amz-Target PREFIX.Operation.
    def _check_json(self, request):
        meta = self.model.metadata
        target = request.headers.get("x-amz-target", "")
        prefix, _, name = target.partition(".")
        if prefix != meta["targetPrefix"] or name not in self.model.operation_names:
            raise ModelError(f"unknown X-Amz-Target {target!r}")
        want = f"application/x-amz-json-{meta['jsonVersion']}"
        if request.headers.get("content-type") != want:
            raise ModelError(f"Content-Type {request.headers.get('content-type')!r}, not {want}")
        if (request.method, local_path(request)) != ("POST", "/"):
            raise ModelError(f"{request.method} {local_path(request)}: JSON calls are POST /")
        params = json.loads(request.body or b"{}")
        op = self.model.operation_model(name)
        self._check_members(op.input_shape, params)
        return name, params

    # REST-JSON: the operation whose method and URI template match.
    def _check_rest(self, request):
        import urllib.parse
        path, _, query = local_path(request).partition("?")
        for name in self.model.operation_names:
            op = self.model.operation_model(name)
            labels = _match_uri(op.http["requestUri"].split("?")[0], path)
            if op.http["method"] != request.method or labels is None:
                continue
            params = dict(labels)
            qs = dict(urllib.parse.parse_qsl(query, keep_blank_values=True))
            for member, shape in op.input_shape.members.items():
                where = shape.serialization.get("location")
                wire = shape.serialization.get("name", member)
                if where == "header" and wire.lower() in request.headers:
                    params[member] = request.headers[wire.lower()]
                elif where == "querystring" and wire in qs:
                    params[member] = qs[wire]
            unknown = set(qs) - {s.serialization.get("name", m)
                                 for m, s in op.input_shape.members.items()
                                 if s.serialization.get("location") == "querystring"}
            if unknown:
                raise ModelError(f"{name}: unknown query parameters {sorted(unknown)}")
            payload = op.input_shape.serialization.get("payload")
            if payload and request.body:
                params[payload] = request.body
            self._check_members(op.input_shape, params)
            return name, params
        raise ModelError(f"no operation for {request.method} {path}")

    def _check_members(self, shape, params):
        if not isinstance(params, dict):
            raise ModelError("the input is not an object")
        unknown = set(params) - set(shape.members)
        if unknown:
            raise ModelError(f"unknown members {sorted(unknown)}")
        missing = [m for m in shape.required_members if m not in params]
        if missing:
            raise ModelError(f"required members missing: {missing}")
        for member, value in params.items():
            sub = shape.members[member]
            if sub.type_name == "string" and not isinstance(value, str):
                raise ModelError(f"{member} is not a string")
            enum = getattr(sub, "enum", None)
            if enum and value not in enum:
                raise ModelError(f"{member}: {value!r} not one of {enum}")


def _match_uri(template, path):
    """The labels of `path` under a URI template ("/a/{B}/c"), unquoted,
    or None when it does not match."""
    import re
    import urllib.parse
    pattern = re.sub(r"\\\{(\w+)(\\\+)?\\\}",
                     lambda m: f"(?P<{m.group(1)}>{'.+' if m.group(2) else '[^/]+'})",
                     re.escape(template))
    m = re.fullmatch(pattern, path)
    return None if m is None else {k: urllib.parse.unquote(v) for k, v in m.groupdict().items()}


def local_path(request):
    """The request target without scheme and authority (a request sent
    through a proxy carries an absolute URL)."""
    path = request.path
    if path.startswith("http://"):
        path = "/" + path.split("/", 3)[3] if path.count("/") >= 3 else "/"
    return path


def check_signature(request, keys, service):
    """None when `request` is signed by one of `keys` ({id: secret}) for
    `service` with botocore's SigV4 (else the reason), and the region of
    its scope."""
    auth = request.headers.get("authorization", "")
    if "Credential=" not in auth:
        return "not signed", None
    key, _, region, scope_service = auth.split("Credential=")[1].split(",")[0].split("/")[:4]
    if scope_service != service:
        return f"signed for {scope_service}, not {service}", region
    if key not in keys:
        return f"unknown key {key}", region
    proxied = Request.__new__(Request)
    proxied.__dict__.update(request.__dict__)
    proxied.path = local_path(request)
    expected = botocore_authorization(proxied, key, keys[key],
                                      request.headers.get("x-amz-security-token"),
                                      region, service)
    return (None if auth == expected else f"signature mismatch: {auth} != {expected}"), region


class ServiceFake:
    """A fake AWS service: every request's signature is checked with
    botocore and its shape against botocore's model before the subclass's
    op_<Operation>(request, params) answers.  `calls` records (operation,
    params, region) of the requests that passed."""

    service = signing_name = None

    def __init__(self, keys):
        self.keys = keys
        self.model = ServiceModel(self.service)
        self.calls = []
        self.refused = []
        self.lock = threading.Lock()

    def __call__(self, request):
        problem, region = check_signature(request, self.keys, self.signing_name)
        if problem:
            with self.lock:
                self.refused.append(problem)
            return self.error(403, "InvalidSignatureException", problem)
        try:
            name, params = self.model.check(request)
        except ModelError as e:
            with self.lock:
                self.refused.append(str(e))
            return self.error(400, "ValidationException", str(e))
        with self.lock:
            self.calls.append((name, params, region))
        return getattr(self, "op_" + name)(request, params)

    def operations(self):
        with self.lock:
            return [c[0] for c in self.calls]
