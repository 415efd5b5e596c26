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
