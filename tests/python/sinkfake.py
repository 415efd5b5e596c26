"""Loopback fakes of the APIs `iatk send` delivers to (PutEvents,
SendMessageBatch, PutRecords, asynchronous Invoke).  Every request is
checked before it is answered: its SigV4 signature recomputed with
botocore (awsfake.botocore_authorization), its X-Amz-Target an operation
of botocore's service model, its JSON body valid against the operation's
input shape (members, required, list and string lengths, types).  A
request that fails a check is answered 400 and recorded in `violations`,
which every test asserts empty.  Faults (5xx, throttles, dropped
connections, failed entries) come from a seeded generator, so a run can
be replayed.  Nothing here talks to anything but 127.0.0.1."""
import base64
import json
import random
import threading
import urllib.parse

import botocore.loaders

from awsfake import Answer, Fake, botocore_authorization, json_answer

KEY, SECRET, REGION = "AKIDSENDTEST", "send-test-secret", "us-east-1"
_loader = botocore.loaders.Loader()
_models = {}


def model(service):
    """botocore's model, brought up to date where Debian bookworm's
    botocore (1.29) predates what iatk uses: SQS's JSON protocol (botocore
    1.31.64: same shapes, X-Amz-Target prefix AmazonSQS) and PutRecords'
    StreamARN (StreamName no longer required), both as in botocore 1.43."""
    if service not in _models:
        m = _loader.load_service_model(service, "service-2")
        if service == "sqs":
            m["metadata"].setdefault("targetPrefix", "AmazonSQS")
        if service == "kinesis":
            shape = m["shapes"]["PutRecordsInput"]
            if "StreamARN" not in shape["members"]:
                shape["members"]["StreamARN"] = {"shape": "StreamName"}
                m["shapes"]["StreamName"].pop("pattern", None)
                m["shapes"]["StreamName"]["max"] = 2048
                shape["required"] = ["Records"]
        _models[service] = m
    return _models[service]


def check_shape(m, shape_name, value, path, problems):
    shape = m["shapes"][shape_name]
    t = shape["type"]
    if t == "structure":
        if not isinstance(value, dict):
            problems.append(f"{path}: not an object")
            return
        for k in value:
            if k not in shape["members"]:
                problems.append(f"{path}.{k}: not a member of {shape_name}")
        for k in shape.get("required", []):
            if k not in value:
                problems.append(f"{path}.{k}: required")
        for k, v in value.items():
            if k in shape["members"]:
                check_shape(m, shape["members"][k]["shape"], v, f"{path}.{k}", problems)
    elif t == "list":
        if not isinstance(value, list):
            problems.append(f"{path}: not a list")
            return
        if len(value) < shape.get("min", 0) or len(value) > shape.get("max", 10**9):
            problems.append(f"{path}: {len(value)} items, outside {shape_name}'s limits")
        for i, v in enumerate(value):
            check_shape(m, shape["member"]["shape"], v, f"{path}[{i}]", problems)
    elif t == "string":
        if not isinstance(value, str):
            problems.append(f"{path}: not a string")
        elif not shape.get("min", 0) <= len(value) <= shape.get("max", 10**9):
            problems.append(f"{path}: length {len(value)} outside {shape_name}'s limits")
    elif t == "blob":
        try:
            base64.b64decode(value, validate=True)
        except Exception:
            problems.append(f"{path}: not base64")
    elif t == "timestamp":
        if not isinstance(value, (int, float)):
            problems.append(f"{path}: not epoch seconds")
    elif t in ("integer", "long"):
        if not isinstance(value, int):
            problems.append(f"{path}: not an integer")
    elif t == "boolean":
        if not isinstance(value, bool):
            problems.append(f"{path}: not a boolean")


def check_request(request, service, signing_name, problems):
    """Signature and (for JSON APIs) target and body against the model."""
    auth = request.headers.get("authorization", "")
    if "Credential=" not in auth:
        problems.append("not signed")
        return None
    expected = botocore_authorization(request, KEY, SECRET, None, REGION, signing_name)
    if auth != expected:
        problems.append("signature differs from botocore's")
    m = model(service)
    if service == "lambda":
        return None
    target = request.headers.get("x-amz-target", "")
    prefix, _, op = target.partition(".")
    if prefix != m["metadata"]["targetPrefix"] or op not in m["operations"]:
        problems.append(f"unknown target {target}")
        return None
    try:
        body = json.loads(request.body)
    except ValueError:
        problems.append("body is not JSON")
        return None
    check_shape(m, m["operations"][op]["input"]["shape"], body, op, problems)
    return body


class Faults:
    """Probabilities of each fault, drawn from one seeded generator."""

    def __init__(self, seed=1, status500=0.0, throttle=0.0, drop=0.0,
                 entry_throttle=0.0, entry_internal=0.0):
        self.rng = random.Random(seed)
        self.lock = threading.Lock()
        self.p = dict(status500=status500, throttle=throttle, drop=drop,
                      entry_throttle=entry_throttle, entry_internal=entry_internal)

    def draw(self):
        with self.lock:
            return self.rng.random()

    def request_fault(self):
        r = self.draw()
        for name in ("status500", "throttle", "drop"):
            if r < self.p[name]:
                return name
            r -= self.p[name]
        return None

    def entry_fault(self):
        r = self.draw()
        if r < self.p["entry_throttle"]:
            return "ThrottlingException"
        if r < self.p["entry_throttle"] + self.p["entry_internal"]:
            return "InternalFailure"
        return None


class SinkFake:
    """One API's fake; `delivered` holds what it acknowledged, in order."""

    service = signing = None

    def __init__(self, faults=None, delay=0.0):
        self.faults = faults or Faults()
        self.delay = delay
        self.delivered = []
        self.violations = []
        self.requests = 0
        self.batches = []   # per acknowledged request: entries in it
        self.lock = threading.Lock()
        self.in_flight = 0
        self.max_in_flight = 0

    def __call__(self, request):
        with self.lock:
            self.requests += 1
            self.in_flight += 1
            self.max_in_flight = max(self.max_in_flight, self.in_flight)
        try:
            if self.delay:
                import time
                time.sleep(self.delay)
            return self._answer(request)
        finally:
            with self.lock:
                self.in_flight -= 1

    def _answer(self, request):
        problems = []
        body = check_request(request, self.service, self.signing, problems)
        if problems:
            with self.lock:
                self.violations.extend(problems)
            return json_answer(400, {"__type": "ValidationException",
                                     "message": "; ".join(problems)})
        fault = self.faults.request_fault()
        if fault == "status500":
            return json_answer(500, {"__type": "InternalFailure", "message": "boom"})
        if fault == "throttle":
            return json_answer(400, {"__type": "ThrottlingException",
                                     "message": "Rate exceeded"})
        if fault == "drop":
            return Answer(drop=True)
        return self.handle(request, body)

    def permanent(self, event_text):
        """An event the fake always refuses: one marked "poison"."""
        return '"poison"' in event_text

    def accept(self, items):
        with self.lock:
            self.delivered.extend(items)
            self.batches.append(len(items))


class EventBridgeFake(SinkFake):
    service, signing = "events", "events"

    @staticmethod
    def entry_size(e):
        """AWS's "Calculating PutEvents event entry size"."""
        size = 14 if "Time" in e else 0
        for k in ("Source", "DetailType", "Detail"):
            size += len(e.get(k, "").encode())
        return size + sum(len(r.encode()) for r in e.get("Resources", []))

    def handle(self, request, body):
        total = sum(self.entry_size(e) for e in body["Entries"])
        if total > 262144:
            self.violations.append(f"PutEvents of {total} bytes")
        results, ok = [], []
        for e in body["Entries"]:
            fault = self.faults.entry_fault()
            if self.permanent(e.get("Detail", "")):
                results.append({"ErrorCode": "MalformedDetail", "ErrorMessage": "poison"})
            elif fault:
                results.append({"ErrorCode": fault, "ErrorMessage": "try again"})
            else:
                ok.append(e)
                results.append({"EventId": f"id-{len(ok)}"})
        self.accept(ok)
        failed = sum(1 for r in results if "ErrorCode" in r)
        return json_answer(200, {"FailedEntryCount": failed, "Entries": results})


class SqsFake(SinkFake):
    service, signing = "sqs", "sqs"

    def handle(self, request, body):
        if request.headers.get("content-type") != "application/x-amz-json-1.0":
            self.violations.append("SQS JSON protocol wants application/x-amz-json-1.0")
        total = sum(len(e["MessageBody"].encode()) for e in body["Entries"])
        if total > 262144:
            self.violations.append(f"batch of {total} bytes")
            return json_answer(400, {"__type": "AWS.SimpleQueueService.BatchRequestTooLong",
                                     "message": "too long"})
        ok, failed = [], []
        for e in body["Entries"]:
            fault = self.faults.entry_fault()
            if self.permanent(e["MessageBody"]):
                failed.append({"Id": e["Id"], "SenderFault": True, "Code": "InvalidMessageContents",
                               "Message": "poison"})
            elif fault:
                failed.append({"Id": e["Id"], "SenderFault": False, "Code": "InternalError",
                               "Message": "try again"})
            else:
                ok.append(e)
        self.accept([e["MessageBody"] for e in ok])
        return json_answer(200, {"Successful": [{"Id": e["Id"], "MessageId": "m",
                                                 "MD5OfMessageBody": "x"} for e in ok],
                                 "Failed": failed})


class KinesisFake(SinkFake):
    service, signing = "kinesis", "kinesis"

    def handle(self, request, body):
        records = body["Records"]
        total = sum(len(base64.b64decode(r["Data"])) + len(r["PartitionKey"].encode())
                    for r in records)
        if total > 5 * 1024 * 1024:
            self.violations.append(f"request of {total} bytes")
        results, ok = [], []
        for r in records:
            data = base64.b64decode(r["Data"]).decode()
            fault = self.faults.entry_fault()
            if fault:
                results.append({"ErrorCode": "ProvisionedThroughputExceededException",
                                "ErrorMessage": "slow down"})
            else:
                ok.append((data, r["PartitionKey"]))
                results.append({"SequenceNumber": "1", "ShardId": "shardId-0"})
        self.accept(ok)
        return json_answer(200, {"FailedRecordCount": len(records) - len(ok),
                                 "Records": results})


class LambdaFake(SinkFake):
    service, signing = "lambda", "lambda"

    def handle(self, request, body):
        path = urllib.parse.urlsplit(request.path).path
        parts = path.split("/")
        if parts[1:3] != ["2015-03-31", "functions"] or parts[-1] != "invocations":
            self.violations.append(f"path {path}")
        if request.headers.get("x-amz-invocation-type") != "Event":
            self.violations.append("not an asynchronous invocation")
        name = urllib.parse.unquote(parts[3])
        self.accept([(name, request.body.decode())])
        return Answer(202, b"")


def env_for(clean, fake_url, service_env="AWS_ENDPOINT_URL", **extra):
    clean.update({"AWS_ACCESS_KEY_ID": KEY, "AWS_SECRET_ACCESS_KEY": SECRET,
                  "AWS_REGION": REGION, service_env: fake_url})
    clean.update({k: str(v) for k, v in extra.items()})
    return clean
