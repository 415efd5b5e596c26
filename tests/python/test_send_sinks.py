"""iatk send --queue-url / --stream / --lambda --async against loopback
fakes (sinkfake.py: botocore signature and model checks): SQS's 10 and
256 KB per batch, Kinesis's 500, 5 MB per request and 1 MB per record,
partition keys, per-entry failures sent again alone, one asynchronous
Invoke per event."""
import base64
import hashlib
import json
import os
import subprocess

import pytest

from awsfake import Fake, clean_env
from sinkfake import Faults, KinesisFake, LambdaFake, SqsFake, env_for

IATK = os.environ.get("IATK", "iatk")
QUEUE = "https://sqs.us-east-1.amazonaws.com/123456789012/q"


def send(env, *args, text="", timeout=300):
    return subprocess.run([IATK, "send", *args], input=text, env=env,
                          capture_output=True, text=True, timeout=timeout)


def lines(n, pad=0, start=0):
    return [json.dumps({"n": i, "detail": {"k": f"key-{i % 3}"}, "pad": "p" * pad})
            for i in range(start, start + n)]


def ndjson(ls):
    return "".join(x + "\n" for x in ls)


@pytest.fixture
def home(tmp_path):
    return tmp_path


# ------------------------------------------------------------------- SQS

def test_slow_producer_events_are_not_held_back(home):
    """Three events, then silence with the input still open: they are
    sent within a linger, not kept until ten more come or the input ends."""
    import time
    fake = SqsFake()
    events = lines(3)
    with Fake(fake) as f:
        proc = subprocess.Popen([IATK, "send", "--queue-url", QUEUE],
                                stdin=subprocess.PIPE, text=True,
                                env=env_for(clean_env(home), f.url),
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        try:
            proc.stdin.write(ndjson(events))
            proc.stdin.flush()
            deadline = time.monotonic() + 5
            while len(fake.delivered) < 3 and time.monotonic() < deadline:
                time.sleep(0.02)
            delivered_while_open = list(fake.delivered)
            proc.stdin.close()
            proc.wait(timeout=30)
        finally:
            proc.kill()
    assert delivered_while_open == events
    assert proc.returncode == 0, proc.stderr.read()
    assert fake.batches == [3]


def test_sqs_batches_of_10(home):
    fake = SqsFake()
    events = lines(25)
    with Fake(fake) as f:
        proc = send(env_for(clean_env(home), f.url), "--queue-url", QUEUE,
                    "--concurrency", "1", text=ndjson(events))
    assert proc.returncode == 0, proc.stderr
    assert fake.violations == []
    assert fake.batches == [10, 10, 5]
    assert fake.delivered == events  # the body is the event's text, unchanged


def test_sqs_batches_keep_256kb(home):
    fake = SqsFake()
    events = lines(7, pad=100 * 1024)
    with Fake(fake) as f:
        proc = send(env_for(clean_env(home), f.url), "--queue-url", QUEUE,
                    "--concurrency", "1", text=ndjson(events))
    assert proc.returncode == 0, proc.stderr
    assert fake.violations == []
    assert fake.batches == [2, 2, 2, 1]


def test_sqs_failed_entries_retried_or_recorded(home):
    events = lines(200)
    events[17] = json.dumps({"n": 17, "poison": True})
    fake = SqsFake(Faults(seed=3, entry_internal=0.3))
    failed = home / "failed"
    with Fake(fake) as f:
        proc = send(env_for(clean_env(home), f.url), "--queue-url", QUEUE,
                    "--max-attempts", "8", "--failed", str(failed), text=ndjson(events))
    assert fake.violations == []
    got = fake.delivered
    assert len(got) == len(set(got))
    lost = failed.read_text().splitlines()
    assert sorted(got + lost) == sorted(events)
    assert events[17] in lost  # SenderFault: not sent again
    assert proc.returncode == 10


def test_sqs_wants_a_url(home):
    proc = send(clean_env(home, AWS_REGION="us-east-1"), "--queue-url", "q", text="{}\n")
    assert proc.returncode == 2 and "not a queue URL" in proc.stderr


# --------------------------------------------------------------- Kinesis

def test_kinesis_batches_of_500(home):
    fake = KinesisFake()
    events = lines(1200)
    with Fake(fake) as f:
        proc = send(env_for(clean_env(home), f.url), "--stream", "s",
                    "--concurrency", "1", text=ndjson(events))
    assert proc.returncode == 0, proc.stderr
    assert fake.violations == []
    assert fake.batches == [500, 500, 200]
    assert [d for d, _ in fake.delivered] == events


def test_kinesis_5mb_requests_and_1mb_records(home):
    fake = KinesisFake()
    events = lines(12, pad=900 * 1024) + lines(1, pad=1024 * 1024, start=99)
    failed = home / "failed"
    with Fake(fake) as f:
        proc = send(env_for(clean_env(home), f.url), "--stream", "s", "--concurrency", "1",
                    "--failed", str(failed), text=ndjson(events))
    assert proc.returncode == 3, proc.stderr
    assert fake.violations == []
    assert fake.batches == [5, 5, 2]
    assert "<stdin>:13: refused" in proc.stderr
    assert failed.read_text().splitlines() == [events[12]]


def test_kinesis_partition_keys(home):
    fake = KinesisFake()
    events = lines(6)
    with Fake(fake) as f:
        proc = send(env_for(clean_env(home), f.url), "--stream", "s",
                    "--partition-key", "/detail/k", text=ndjson(events))
        assert proc.returncode == 0, proc.stderr
        keys = [k for _, k in fake.delivered]
        assert keys == [f"key-{i % 3}" for i in range(6)]
        fake.delivered.clear()
        proc = send(env_for(clean_env(home), f.url), "--stream", "s",
                    text=ndjson(events + events[:1]))
        assert proc.returncode == 0, proc.stderr
        keys = [k for _, k in fake.delivered]
        assert len(set(keys[:6])) == 6 and keys[6] == keys[0]  # a hash of the text
        proc = send(env_for(clean_env(home), f.url), "--stream", "s",
                    "--partition-key", "/missing", text=ndjson(events[:2]))
        assert proc.returncode == 3 and "no partition key at /missing" in proc.stderr


def test_kinesis_throughput_exceeded_retried_alone(home):
    fake = KinesisFake(Faults(seed=5, entry_throttle=0.3))
    events = lines(300)
    failed = home / "failed"
    with Fake(fake) as f:
        proc = send(env_for(clean_env(home), f.url), "--stream",
                    "arn:aws:kinesis:us-east-1:1:stream/s", "--max-attempts", "10",
                    "--failed", str(failed), text=ndjson(events))
    assert fake.violations == []
    got = [d for d, _ in fake.delivered]
    lost = failed.read_text().splitlines()
    assert len(got) == len(set(got))
    assert sorted(got + lost) == sorted(events)
    assert max(fake.batches[1:]) == 1  # the retries went alone
    assert proc.returncode == (0 if not lost else 10)


# ---------------------------------------------------------------- Lambda

def test_lambda_async_one_invoke_per_event(home):
    fake = LambdaFake()
    events = lines(20)
    arn = "arn:aws:lambda:us-east-1:123456789012:function:calc:live"
    with Fake(fake) as f:
        proc = send(env_for(clean_env(home), f.url), "--lambda", arn, "--async",
                    text=ndjson(events))
    assert proc.returncode == 0, proc.stderr
    assert fake.violations == []
    assert fake.requests == 20
    assert sorted(body for _, body in fake.delivered) == sorted(events)
    assert {name for name, _ in fake.delivered} == {arn}
