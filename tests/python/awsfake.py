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
