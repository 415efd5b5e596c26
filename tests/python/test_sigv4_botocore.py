"""SigV4: iatk's signer and verifier held against botocore's SigV4Auth.

Thousands of requests generated with a fixed seed (registry and schema
names full of characters that need encoding, unsorted and repeated query
keys, messy headers, session tokens or not, bodies or not) are signed by
botocore with a pinned clock and by iatk (tests/tools/sigv4_tool), and the
canonical request, string to sign, signature and Authorization header must
be identical.  Then iatk verifies what botocore signed, untouched (accept)
and tampered with (reject, with the error code AWS would answer).

botocore is the oracle, so its absence is a failure, never a skip.  Runs
under pytest (Debian's python3-botocore) and as a script, for a botocore
that has no pytest beside it: `python3 tests/python/test_sigv4_botocore.py`.
"""
import datetime
import hashlib
import json
import os
import pathlib
import random
import subprocess
import sys
import types
from unittest import mock

import botocore  # the oracle: an ImportError here must fail the test
import botocore.auth
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials
from botocore.utils import percent_encode, percent_encode_sequence

SEED = 20150830
COUNT = 2400
TOOL = pathlib.Path(os.environ.get("IATK_TEST_TOOLS", "build/tests/tools")) / "sigv4_tool"

# --------------------------------------------------------------- generation

NAME_CHARS = list("abcXYZ019-_.") + list("@:% ~+=&/") + ["é", "ü", "日本", "🎉", "ß"]
VALUE_CHARS = list("abcXYZ019-_.") + list(" +~*/=:@,;!'()$") + ["é", "日", "🎉"]
RAW_QUERY_CHARS = list("abc019-_.~") + list("+*/:@!'()$,;=") + ["é", "%20", "%2B", "%2a"]
HOSTS = [
    ("https", "schemas.us-east-1.amazonaws.com"),
    ("https", "events.eu-west-1.amazonaws.com"),
    ("http", "127.0.0.1:8080"),
    ("http", "localhost:4010"),
]
SERVICES = ["schemas", "events", "lambda", "sqs", "states", "sts", "iam"]
REGIONS = ["us-east-1", "eu-west-1", "ap-southeast-2", "us-gov-west-1"]
SPACES = [" ", "  ", "\t", " \t ", "\u00a0", "\u2003", "\u3000", "\x0b", "\x1c"]


def some(rng, chars, lo, hi):
    return "".join(rng.choice(chars) for _ in range(rng.randint(lo, hi)))


def gen_segment(rng):
    """One path segment as on the wire."""
    kind = rng.random()
    if kind < 0.35:
        return rng.choice(["v1", "registries", "name", "schemas", "versions", "events"])
    if kind < 0.85:  # a label, encoded once like botocore's REST serializer
        return percent_encode(some(rng, NAME_CHARS, 1, 12), safe="")
    if kind < 0.93:  # characters a path may carry unencoded
        return some(rng, list("ab9") + list("@:!$'()*+,;=~"), 1, 6)
    return rng.choice([".", "..", "", "%2E", "%2e%2e"])


def gen_path(rng):
    kind = rng.random()
    if kind < 0.04:
        return ""
    if kind < 0.08:
        return "/"
    path = "/" + "/".join(gen_segment(rng) for _ in range(rng.randint(1, 7)))
    if rng.random() < 0.15:
        path += "/"
    if rng.random() < 0.05:
        path = path.replace("/", "//", 1)
    return path


def gen_query(rng):
    kind = rng.random()
    if kind < 0.25:
        return None
    keys = [some(rng, NAME_CHARS, 1, 6) for _ in range(rng.randint(1, 4))]
    pairs = []
    for _ in range(rng.randint(1, 6)):
        value = "" if rng.random() < 0.2 else some(rng, VALUE_CHARS, 1, 10)
        pairs.append((rng.choice(keys), value))
    if kind < 0.75:  # as botocore's serializers write a query
        return percent_encode_sequence(pairs)
    # written by hand: bare keys, raw sub-delimiters, '=' inside values,
    # lower-case escapes, empty pairs; botocore signs them as they are
    parts = []
    for key, value in pairs:
        key = percent_encode(key)
        raw = some(rng, RAW_QUERY_CHARS, 0, 6)
        parts.append(rng.choice([key, f"{key}=", f"{key}={raw}", f"{key}={raw}={raw}"]))
    if rng.random() < 0.1:
        parts.insert(rng.randrange(len(parts) + 1), "")
    return "&".join(parts)


def messy(rng, text):
    """`text` with runs of white space around and inside it."""
    words = text.split(" ")
    out = rng.choice(["", ""] + SPACES)
    for i, word in enumerate(words):
        out += (rng.choice(SPACES) if i else "") + word
    return out + rng.choice(["", ""] + SPACES)


def gen_headers(rng, host, body_hash):
    headers = []
    if rng.random() < 0.6:
        headers.append(("Content-Type", rng.choice([
            "application/json", "application/x-amz-json-1.1",
            "application/x-www-form-urlencoded; charset=utf-8"])))
    if rng.random() < 0.3:
        headers.append(("X-Amz-Target", "AWSEvents.PutEvents"))
    for _ in range(rng.randint(0, 3)):
        name = rng.choice(["X-Custom-Header", "x-CUSTOM-header", "My-Header1", "x-dup", "X-Dup"])
        headers.append((name, messy(rng, some(rng, VALUE_CHARS, 0, 12))))
    extras = [
        ("User-Agent", "aws-cli/2.15 Python/3.11"), ("Expect", "100-continue"),
        ("X-Amzn-Trace-Id", "Root=1-5759e988-bd862e3fe1be46a994272793"),
        ("Authorization", "stale"), ("X-Amz-Date", "20000101T000000Z"),
        ("X-Amz-Security-Token", "old-token"), ("Host", host),
        ("X-Amz-Content-SHA256", rng.choice(["UNSIGNED-PAYLOAD", body_hash])),
    ]
    newer = [n for n in ("Connection", "Keep-Alive", "TE", "Transfer-Encoding", "Upgrade")
             if n.lower() in botocore.auth.SIGNED_HEADERS_BLACKLIST]
    extras += [(n, "x") for n in newer]  # unsigned only since botocore 1.3x
    for header in rng.sample(extras, rng.randint(0, 3)):
        headers.append(header)
    rng.shuffle(headers)
    return headers


def gen_body(rng, method):
    if method in ("GET", "DELETE") and rng.random() < 0.8:
        return None
    return rng.choice([
        "", '{"Name":"aws.a@B","Content":"{}"}', "Action=ListUsers&Version=2010-05-08",
        "héllo wörld 🎉", some(rng, VALUE_CHARS, 0, 200), "nul\x00inside"])


def gen_request(rng):
    scheme, host = rng.choice(HOSTS)
    method = rng.choice(["GET", "POST", "PUT", "DELETE"])
    body = gen_body(rng, method)
    body_hash = hashlib.sha256((body or "").encode()).hexdigest()
    return {
        "method": method, "scheme": scheme, "host": host,
        "path": gen_path(rng), "query": gen_query(rng),
        "headers": gen_headers(rng, host, body_hash), "body": body,
        "access_key": "AKID" + some(rng, list("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"), 12, 16),
        "secret_key": some(rng, list("abcdefghijklmnopqrstuvwxyzABCDEFGH0123456789/+"), 40, 40),
        "session_token": some(rng, list("AQoDYXdzEPT/+=wEXAMPLE0123"), 20, 80)
        if rng.random() < 0.5 else None,
        "region": rng.choice(REGIONS), "service": rng.choice(SERVICES),
        "time": rng.randint(946684800, 2145916800),  # 2000 to 2037
    }


def generate(count=COUNT, seed=SEED):
    rng = random.Random(seed)
    return [gen_request(rng) for _ in range(count)]

# ------------------------------------------------------------------ botocore


class RecordingSigV4Auth(SigV4Auth):
    """SigV4Auth that keeps the texts it signs."""

    def canonical_request(self, request):
        self.recorded_canonical = super().canonical_request(request)
        return self.recorded_canonical

    def string_to_sign(self, request, canonical_request):
        self.recorded_sts = super().string_to_sign(request, canonical_request)
        return self.recorded_sts


class PinnedClock:
    """botocore's clock pinned: 1.29 calls datetime.datetime.utcnow() in
    botocore.auth, newer versions botocore.auth.get_current_datetime()."""

    def __init__(self):
        self.now = None
        clock = self

        class Frozen(datetime.datetime):
            @classmethod
            def utcnow(cls):
                return clock.now

        if hasattr(botocore.auth, "get_current_datetime"):
            self.patch = mock.patch.object(botocore.auth, "get_current_datetime",
                                           lambda *a, **k: clock.now)
        else:
            fake = types.SimpleNamespace(datetime=Frozen)
            self.patch = mock.patch.object(botocore.auth, "datetime", fake)

    def set(self, epoch):
        self.now = datetime.datetime(1970, 1, 1) + datetime.timedelta(seconds=epoch)

    def __enter__(self):
        self.patch.start()
        return self

    def __exit__(self, *exc):
        self.patch.stop()


def url_of(r):
    url = f"{r['scheme']}://{r['host']}{r['path']}"
    return url + ("?" + r["query"] if r["query"] is not None else "")


def botocore_sign(r, clock):
    request = AWSRequest(method=r["method"], url=url_of(r),
                         data=r["body"].encode() if r["body"] is not None else None)
    for name, value in r["headers"]:
        request.headers[name] = value  # HTTPHeaders appends: repeats survive
    creds = Credentials(r["access_key"], r["secret_key"], r["session_token"])
    auth = RecordingSigV4Auth(creds, r["service"], r["region"])
    clock.set(r["time"])
    auth.add_auth(request)
    authorization = request.headers["Authorization"]
    return {
        "canonical_request": auth.recorded_canonical,
        "string_to_sign": auth.recorded_sts,
        "signature": authorization.rsplit("Signature=", 1)[1],
        "authorization": authorization,
        "amz_date": request.headers["X-Amz-Date"],
        "sent_headers": list(request.headers.items()),
    }

# ---------------------------------------------------------------- the tool


def tool_line(r, **extra):
    line = {k: r[k] for k in ("method", "host", "path", "query", "headers", "body",
                              "access_key", "secret_key", "session_token", "region",
                              "service", "time")}
    line["body"] = r["body"] or ""
    line.update(extra)
    return json.dumps(line)


def run_tool(lines):
    assert TOOL.exists(), f"{TOOL} is not built"
    proc = subprocess.run([str(TOOL)], input="\n".join(lines) + "\n", capture_output=True,
                          text=True, timeout=120, check=True)
    answers = [json.loads(line) for line in proc.stdout.splitlines()]
    assert len(answers) == len(lines), proc.stderr
    return answers


def received(r, sent_headers):
    """The headers a server receives: what botocore set, plus Host, which
    the HTTP client adds when botocore did not."""
    headers = [[n, v] for n, v in sent_headers]
    if not any(n.lower() == "host" for n, _ in headers):
        headers.append(["Host", r["host"]])
    return headers


def claims_wrong_payload(r):
    """A caller's X-Amz-Content-SHA256 that is not the body's hash, which
    iatk's verifier refuses even when botocore signed it."""
    real = hashlib.sha256((r["body"] or "").encode()).hexdigest()
    return any(n.lower() == "x-amz-content-sha256" and v != real for n, v in r["headers"])

# -------------------------------------------------------------------- tests


def sign_both(requests):
    with PinnedClock() as clock:
        expected = [botocore_sign(r, clock) for r in requests]
    return expected, run_tool([tool_line(r) for r in requests])


def test_signatures_match_botocore():
    requests = generate()
    expected, got = sign_both(requests)
    keys = ("canonical_request", "string_to_sign", "signature", "authorization", "amz_date")
    mismatches = []
    for r, want, have in zip(requests, expected, got):
        diff = [k for k in keys if want[k] != have.get(k)]
        if diff:
            mismatches.append((r, diff, want, have))
    for r, diff, want, have in mismatches[:3]:
        print("request:", json.dumps(r, ensure_ascii=False))
        for k in diff:
            print(f"  {k}:\n    botocore: {want[k]!r}\n    iatk:     {have.get(k)!r}")
    compared = len(requests) - len(mismatches)
    print(f"{compared} of {len(requests)} requests match botocore {botocore.__version__}")
    assert not mismatches, f"{len(mismatches)} requests differ from botocore"
    assert len(requests) >= 2000


def test_verifier_accepts_what_botocore_signs():
    requests = generate()
    with PinnedClock() as clock:
        signed = [botocore_sign(r, clock) for r in requests]
    lines = [tool_line(r, mode="verify", headers=received(r, s["sent_headers"]))
             for r, s in zip(requests, signed)]
    answers = run_tool(lines)
    accepted = 0
    for r, answer in zip(requests, answers):
        if claims_wrong_payload(r):
            assert answer["aws_code"] == "InvalidSignatureException", answer
            continue
        assert answer["ok"], (json.dumps(r, ensure_ascii=False), answer)
        accepted += 1
    print(f"iatk verified {accepted} botocore-signed requests")
    assert accepted > len(requests) // 2


def tamper_cases(r, s):
    """(what, tool line, expected aws_code) for one signed request."""
    headers = received(r, s["sent_headers"])
    auth_at = next(i for i, (n, _) in enumerate(headers) if n == "Authorization")
    auth = headers[auth_at][1]

    def with_auth(value):
        h = [list(x) for x in headers]
        if value is None:
            del h[auth_at]
        else:
            h[auth_at][1] = value
        return h

    def with_header(name, change):
        h = [list(x) for x in headers]
        for x in h:
            if x[0].lower() == name:
                x[1] = change(x[1])
                break
        return h

    flipped = auth[:-1] + ("0" if auth[-1] != "0" else "1")
    other_path = (r["path"] or "/") + "x"
    cases = [
        ("body", tool_line(r, mode="verify", headers=headers, body=(r["body"] or "") + "!"),
         "InvalidSignatureException"),
        ("path", tool_line(r, mode="verify", headers=headers, path=other_path),
         "InvalidSignatureException"),
        ("query", tool_line(r, mode="verify", headers=headers,
                            query=(r["query"] or "") + "&tampered=1"),
         "InvalidSignatureException"),
        ("host header", tool_line(r, mode="verify",
                                  headers=with_header("host", lambda v: "evil." + v)),
         "InvalidSignatureException"),
        ("signature", tool_line(r, mode="verify", headers=with_auth(flipped)),
         "InvalidSignatureException"),
        ("unknown key", tool_line(r, mode="verify", headers=headers, keys={}),
         "UnrecognizedClientException"),
        ("skew", tool_line(r, mode="verify", headers=headers, now=r["time"] + 301),
         "InvalidSignatureException"),
        ("service", tool_line(r, mode="verify", headers=headers, service="other"),
         "InvalidSignatureException"),
        ("no Authorization", tool_line(r, mode="verify", headers=with_auth(None)),
         "MissingAuthenticationTokenException"),
        ("malformed", tool_line(r, mode="verify",
                                headers=with_auth(auth.replace("/aws4_request", ""))),
         "IncompleteSignatureException"),
        ("no SignedHeaders", tool_line(r, mode="verify",
                                       headers=with_auth(auth.replace("SignedHeaders=", "X="))),
         "IncompleteSignatureException"),
    ]
    signed = auth.split("SignedHeaders=")[1].split(",")[0].split(";")
    custom = [n for n in signed if n not in ("host", "x-amz-date", "x-amz-security-token")]
    if custom:
        cases.append(("signed header " + custom[0],
                      tool_line(r, mode="verify",
                                headers=with_header(custom[0], lambda v: v + "!")),
                      "InvalidSignatureException"))
    return cases


def test_verifier_rejects_tampered_requests():
    requests = [r for r in generate(300, SEED + 1) if not claims_wrong_payload(r)]
    with PinnedClock() as clock:
        signed = [botocore_sign(r, clock) for r in requests]
    cases = [c for r, s in zip(requests, signed) for c in tamper_cases(r, s)]
    answers = run_tool([line for _, line, _ in cases])
    wrong = [(what, want, answer) for (what, _, want), answer in zip(cases, answers)
             if answer.get("ok") is not False or answer.get("aws_code") != want]
    assert not wrong, wrong[:5]
    skews = [a for (what, _, _), a in zip(cases, answers) if what == "skew"]
    assert all(a["message"].startswith("Signature expired: ") for a in skews), skews[:2]
    print(f"iatk rejected {len(cases)} tampered requests with AWS's error codes")


if __name__ == "__main__":
    for name, test in list(globals().items()):
        if name.startswith("test_") and callable(test):
            test()
    print("ok: botocore", botocore.__version__, "from", botocore.__file__)
    sys.exit(0)
