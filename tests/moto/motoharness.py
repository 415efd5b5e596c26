"""The moto suite's harness: a moto server per test, iatk run against it,
and the boto3 readers that count what arrived.

Each test gets its own `python -m moto.server` on a free port of
127.0.0.1, started with INITIAL_NO_AUTH_ACTION_COUNT=3: the first three
actions create an IAM user, an allow-all policy and the user's access key
(as bench/invoke_moto.sh does), and from then on moto checks every
request's SigV4 signature with botocore and refuses unknown keys, wrong
secrets and unsigned requests.  iatk signs with that key.  A server per
test keeps the tests apart: moto 5.2.1 runs one Step Functions execution
per server in its execute_state_machine mode, and its SQS SendMessage
costs time in proportion to the queue's depth.

Every wait here is bounded (a deadline and a number of polls), every
iatk run has a timeout, and nothing but 127.0.0.1 is contacted: the
environment iatk and boto3 see has no AWS_* setting of the machine, no
proxy, no instance metadata, and AWS_DISABLE_HOST_PREFIX_INJECTION=true
(so --sync goes to 127.0.0.1, not to a sync-127.0.0.1 host name)."""
import io
import json
import os
import pathlib
import re
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
import zipfile

import boto3
import botocore.config

REGION = "us-east-1"
ACCOUNT = "123456789012"
IATK = os.environ.get("IATK", str(pathlib.Path(__file__).resolve().parents[2] / "build" / "iatk"))
IATK_TIMEOUT = 120          # seconds, any one iatk run
START_TIMEOUT = 30          # seconds for moto to listen
BOTO_CONFIG = botocore.config.Config(retries={"max_attempts": 2, "mode": "standard"},
                                     connect_timeout=5, read_timeout=30)


def limit(seconds):
    """Decorator: the test's time limit in seconds (run.py's default 60)."""
    def set_limit(fn):
        fn.timeout = seconds
        return fn
    return set_limit


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def clean_env(home, **extra):
    """The environment of this process without the machine's AWS settings
    and proxies; `extra` adds (or with None removes) variables."""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith("AWS_") and "proxy" not in k.lower()}
    env.update(HOME=str(home), NO_PROXY="*", AWS_EC2_METADATA_DISABLED="true",
               AWS_REGION=REGION, AWS_DISABLE_HOST_PREFIX_INJECTION="true",
               AWS_CONFIG_FILE=str(pathlib.Path(home) / "no-config"),
               AWS_SHARED_CREDENTIALS_FILE=str(pathlib.Path(home) / "no-credentials"))
    for k, v in extra.items():
        if v is None:
            env.pop(k, None)
        else:
            env[k] = str(v)
    return env


class Moto:
    """One moto server, IAM checks on, and the access key iatk signs with."""

    def __init__(self, workdir):
        self.dir = pathlib.Path(workdir)
        self.dir.mkdir(parents=True, exist_ok=True)
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log_path = self.dir / "moto.log"
        self.proc = None
        self.key = self.secret = None

    # ------------------------------------------------------------ lifecycle
    def start(self):
        env = clean_env(self.dir, INITIAL_NO_AUTH_ACTION_COUNT=3, AWS_REGION=None)
        self._log = open(self.log_path, "w")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(self.port)],
            env=env, stdout=self._log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
        deadline = time.monotonic() + START_TIMEOUT
        while True:
            if self.proc.poll() is not None:
                raise RuntimeError(f"moto.server exited with {self.proc.returncode}: "
                                   f"{self.log_tail()}")
            try:
                urllib.request.urlopen(self.url + "/moto-api/", timeout=1).read()
                break
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                if time.monotonic() > deadline:
                    raise RuntimeError(f"moto.server did not listen on {self.url} "
                                       f"within {START_TIMEOUT} s")
                time.sleep(0.05)
        # Lambda without Docker (Invoke answers the payload, or what
        # /moto-api/static/lambda-simple/response queued), Step Functions
        # running the definition.  moto-api calls are no IAM actions.
        self.moto_api("config", {"lambda": {"use_docker": False},
                                 "stepfunctions": {"execute_state_machine": True}})
        self._bootstrap()
        return self

    def _bootstrap(self):
        boot = dict(endpoint_url=self.url, region_name=REGION, config=BOTO_CONFIG,
                    aws_access_key_id="AKIDBOOTSTRAP", aws_secret_access_key="bootstrap")
        iam = boto3.client("iam", **boot)
        iam.create_user(UserName="iatk")                                       # action 1
        iam.put_user_policy(UserName="iatk", PolicyName="all",                 # action 2
                            PolicyDocument=json.dumps({"Version": "2012-10-17", "Statement": [
                                {"Effect": "Allow", "Action": "*", "Resource": "*"}]}))
        key = iam.create_access_key(UserName="iatk")["AccessKey"]             # action 3
        self.key, self.secret = key["AccessKeyId"], key["SecretAccessKey"]
        # The checks are on: the same key with a wrong secret is refused.
        try:
            self.client("sqs", secret="wrong").list_queues()
        except Exception as e:  # noqa: BLE001 - botocore's ClientError
            if "SignatureDoesNotMatch" not in str(e):
                raise
        else:
            raise RuntimeError("moto accepted a wrong signature: its IAM checks are off")

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(10)
        if self.proc:
            self._log.close()

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()

    # -------------------------------------------------------------- helpers
    def moto_api(self, path, doc):
        req = urllib.request.Request(f"{self.url}/moto-api/{path}", method="POST",
                                     data=json.dumps(doc).encode(),
                                     headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(req, timeout=10) as r:
            return r.status

    def client(self, service, secret=None, key=None, **config):
        return boto3.client(service, endpoint_url=self.url, region_name=REGION,
                            config=BOTO_CONFIG.merge(botocore.config.Config(**config)),
                            aws_access_key_id=key or self.key,
                            aws_secret_access_key=secret or self.secret)

    def requests(self):
        """How many HTTP requests moto has answered (its werkzeug log)."""
        with open(self.log_path, errors="replace") as f:
            return sum(1 for line in f if re.search(r'"(GET|POST|PUT|DELETE|HEAD) ', line))

    def log_tail(self, n=30):
        try:
            return "".join(open(self.log_path, errors="replace").readlines()[-n:])
        except OSError:
            return ""

    def env(self, **extra):
        base = dict(AWS_ACCESS_KEY_ID=self.key, AWS_SECRET_ACCESS_KEY=self.secret,
                    AWS_ENDPOINT_URL=self.url)
        return clean_env(self.dir, **dict(base, **extra))

    def iatk(self, *args, text="", env=None, timeout=IATK_TIMEOUT):
        """Run iatk against this server; returns the CompletedProcess with
        .seconds, how long it took."""
        t0 = time.monotonic()
        proc = subprocess.run([IATK, *args], input=text, env=env or self.env(),
                              capture_output=True, text=True, timeout=timeout)
        proc.seconds = time.monotonic() - t0
        return proc

    def lambda_function(self, name):
        """A function for moto's Lambda without Docker (its code never runs)."""
        code = io.BytesIO()
        with zipfile.ZipFile(code, "w") as z:
            z.writestr("index.py", "def handler(event, context):\n    return event\n")
        return self.client("lambda").create_function(
            FunctionName=name, Runtime="python3.12", Role=self.role(),
            Handler="index.handler", Code={"ZipFile": code.getvalue()})["FunctionArn"]

    def iatk_fed(self, args, lines, may_write, chunk=10, timeout=IATK_TIMEOUT):
        """Run iatk with `lines` written to its standard input a chunk at a
        time, each chunk once may_write(lines written so far) is true (a
        pipe that goes quiet: iatk sends what it has after 20 ms of
        silence).  Bounded by `timeout` in all."""
        out, err = self.dir / "iatk.out", self.dir / "iatk.err"
        t0 = time.monotonic()
        deadline = t0 + timeout
        with open(out, "w") as fo, open(err, "w") as fe:
            proc = subprocess.Popen([IATK, *args], stdin=subprocess.PIPE, stdout=fo,
                                    stderr=fe, env=self.env(), text=True)
            try:
                for i in range(0, len(lines), chunk):
                    while not may_write(i):
                        assert time.monotonic() < deadline, \
                            f"iatk_fed: {i} of {len(lines)} lines written in {timeout} s"
                        time.sleep(0.01)
                    proc.stdin.write("".join(x + "\n" for x in lines[i:i + chunk]))
                    proc.stdin.flush()
                proc.stdin.close()
                proc.wait(max(1.0, deadline - time.monotonic()))
            finally:
                if proc.poll() is None:
                    proc.kill()
                    proc.wait()
        done = subprocess.CompletedProcess(args, proc.returncode, out.read_text(),
                                           err.read_text())
        done.seconds = time.monotonic() - t0
        return done

    def role(self):
        trust = json.dumps({"Version": "2012-10-17", "Statement": [{
            "Effect": "Allow", "Action": "sts:AssumeRole",
            "Principal": {"Service": ["lambda.amazonaws.com", "states.amazonaws.com"]}}]})
        iam = self.client("iam")
        try:
            return iam.get_role(RoleName="iatk-moto")["Role"]["Arn"]
        except iam.exceptions.NoSuchEntityException:
            pass
        return iam.create_role(
            RoleName="iatk-moto", AssumeRolePolicyDocument=trust)["Role"]["Arn"]


# --------------------------------------------------------------- readers

class SqsDrainer(threading.Thread):
    """Receives and deletes every message of a queue while a sender runs
    (moto's SendMessage costs in proportion to the queue's depth, so
    keeping it shallow keeps the test fast), until `expected` arrived, or
    the sender is done and `idle_polls` receives in a row came back empty,
    or `deadline` seconds passed.  At most `max_polls` receives."""

    def __init__(self, moto, queue_url, expected, deadline=120, idle_polls=3,
                 max_polls=None):
        super().__init__(daemon=True)
        self.sqs = moto.client("sqs")
        self.queue_url = queue_url
        self.expected = expected
        self.deadline = time.monotonic() + deadline
        self.idle_polls = idle_polls
        self.max_polls = max_polls or (expected + 300)
        self.sender_done = threading.Event()
        self.bodies = []
        self.message_ids = []
        self.polls = 0
        self.error = None

    def run(self):
        try:
            idle = 0
            while (len(self.bodies) < self.expected and self.polls < self.max_polls
                   and time.monotonic() < self.deadline):
                self.polls += 1
                msgs = self.sqs.receive_message(QueueUrl=self.queue_url,
                                                MaxNumberOfMessages=10,
                                                WaitTimeSeconds=1).get("Messages", [])
                if not msgs:
                    idle = idle + 1 if self.sender_done.is_set() else 0
                    if idle >= self.idle_polls:
                        break
                    continue
                idle = 0
                for m in msgs:
                    self.bodies.append(m["Body"])
                    self.message_ids.append(m["MessageId"])
                self.sqs.delete_message_batch(QueueUrl=self.queue_url, Entries=[
                    {"Id": str(i), "ReceiptHandle": m["ReceiptHandle"]}
                    for i, m in enumerate(msgs)])
            # One more look once the sender is done: nothing may arrive past
            # the expected count (moto routes and enqueues within the call).
            if len(self.bodies) >= self.expected and self.polls < self.max_polls:
                self.sender_done.wait(max(0.0, self.deadline - time.monotonic()))
                self.polls += 1
                extra = self.sqs.receive_message(QueueUrl=self.queue_url,
                                                 MaxNumberOfMessages=10,
                                                 WaitTimeSeconds=1).get("Messages", [])
                self.bodies.extend(m["Body"] for m in extra)
        except Exception as e:  # noqa: BLE001 - reported by the test
            self.error = e

    def finish(self, timeout=150):
        self.sender_done.set()
        self.join(timeout)
        assert not self.is_alive(), "the SQS drainer did not finish"
        if self.error:
            raise self.error
        return self.bodies


def kinesis_read_all(kinesis, stream, max_calls=400):
    """Every record of every shard of `stream`, from TRIM_HORIZON, with
    GetRecords until a shard answers no records and MillisBehindLatest 0.
    Returns {shard_id: [record, ...]} and the number of GetRecords calls."""
    shards = kinesis.list_shards(StreamName=stream)["Shards"]
    out, calls = {}, 0
    for shard in shards:
        it = kinesis.get_shard_iterator(StreamName=stream, ShardId=shard["ShardId"],
                                        ShardIteratorType="TRIM_HORIZON")["ShardIterator"]
        recs = out.setdefault(shard["ShardId"], [])
        while it:
            calls += 1
            assert calls <= max_calls, f"more than {max_calls} GetRecords calls"
            r = kinesis.get_records(ShardIterator=it, Limit=1000)
            recs.extend(r["Records"])
            if not r["Records"] and r.get("MillisBehindLatest", 0) == 0:
                break
            it = r.get("NextShardIterator")
    return shards, out, calls


def wait_stream_active(kinesis, name, timeout=30):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if kinesis.describe_stream_summary(StreamName=name)[
                "StreamDescriptionSummary"]["StreamStatus"] == "ACTIVE":
            return
        time.sleep(0.1)
    raise AssertionError(f"stream {name} not ACTIVE after {timeout} s")


def ndjson(lines):
    return "".join(line + "\n" for line in lines)


def summary(stderr):
    """iatk send's summary line: (sent, failed, retried) or None."""
    m = re.search(r"iatk: sent (\d+), failed (\d+), retried (\d+)", stderr)
    return tuple(int(x) for x in m.groups()) if m else None
