"""iatk send to each sink of moto (IAM checks on): every event arrives,
none twice, unchanged."""
import collections
import hashlib
import json
import subprocess
import time

from motoharness import (IATK, SqsDrainer, kinesis_read_all, limit, ndjson, summary,
                         wait_stream_active)

# The EventBridge test's events come from iatk generate, as a user's would.
ORDER_SCHEMA = {"type": "object", "required": ["detail"], "properties": {"detail": {
    "type": "object", "required": ["orderId", "amount", "items"],
    "properties": {"orderId": {"type": "string", "format": "uuid"},
                   "amount": {"type": "integer", "minimum": 1, "maximum": 1000},
                   "items": {"type": "array", "minItems": 1, "maxItems": 3,
                             "items": {"type": "string", "maxLength": 12}}}}}}
N_EVENTBRIDGE = 300   # moto costs ~0.13 s per routed event (bench/send_moto.sh: 10,000)
N_SQS = 2000
# moto's SendMessage and ReceiveMessage cost in proportion to the queue's
# depth (each computes the queue's attributes over every message): sent
# faster than a consumer empties it, the queue deepens and both slow down
# without end (all 2,000 at once: 460 drained in 2 min; --rate 150 held on
# an idle machine, not under load).  So the test feeds iatk's standard
# input no more than SQS_WINDOW events ahead of what was drained, as a
# producer on a pipe would, whatever the machine's speed (iatk sends what
# it holds once the pipe is quiet for 20 ms).  A window of 200 keeps the
# queue ~200 deep: 45 s; 50: ~19 s.
SQS_WINDOW = 50
N_KINESIS = 2000
N_LAMBDA = 100


def generate(tmp, count):
    schema = tmp / "order.json"
    schema.write_text(json.dumps(ORDER_SCHEMA))
    p = subprocess.run([IATK, "generate", "--file", str(schema), "--mode", "random",
                        "--seed", "7", "--count", str(count), "--now", "2024-05-01T00:00:00Z",
                        "--context", "eventbridge", "--set", '/source="moto.orders"',
                        "--set", '/detail-type="OrderPlaced"'],
                       capture_output=True, text=True, timeout=60)
    assert p.returncode == 0, p.stderr
    lines = p.stdout.splitlines()
    assert len(lines) == count
    return lines


def varied_lines(count):
    """Events whose text a sink must keep byte for byte: non-ASCII, escapes,
    blanks inside the line, members in no particular order, and every 50th
    orderId a number (a partition key of compact JSON, "17")."""
    words = ["plain", "caf\u00e9", "\u65e5\u672c\u8a9e", "emoji \U0001F680", 'quote \\" in',
             "tab\\tand\\nnewline", "\u00fcber\u00df", "<xml>&amp;</xml>"]
    out = []
    for i in range(count):
        order = i if i % 50 == 0 else f"order-{i:05d}-{words[i % len(words)][:5]}"
        detail = json.dumps({"orderId": order, "n": i}, ensure_ascii=False)
        out.append('{"detail": %s,  "note" : "%s", "seq": %d}' % (detail, words[i % len(words)], i))
    for line in out:
        json.loads(line)  # each is a JSON object
    return out


def drained_report(label, n, bodies, seconds, rate_note=""):
    counts = collections.Counter(bodies)
    twice = sum(c - 1 for c in counts.values() if c > 1)
    print(f"    {label}: sent {n} in {seconds:.2f} s{rate_note}; received {len(bodies)}, "
          f"{len(counts)} distinct, {twice} twice")
    return counts


@limit(240)
def test_eventbridge_rule_to_sqs(moto, tmp):
    """PutEvents to a bus whose rule routes to an SQS queue: N sent = N
    received, none twice, each envelope's source, detail-type, time and
    detail as sent."""
    events = generate(tmp, N_EVENTBRIDGE)
    sent = {json.loads(e)["detail"]["orderId"]: json.loads(e) for e in events}
    assert len(sent) == N_EVENTBRIDGE, "iatk generate repeated an orderId"

    ev, sqs = moto.client("events"), moto.client("sqs")
    ev.create_event_bus(Name="orders")
    queue = sqs.create_queue(QueueName="orders-q")["QueueUrl"]
    arn = sqs.get_queue_attributes(QueueUrl=queue, AttributeNames=["QueueArn"])[
        "Attributes"]["QueueArn"]
    ev.put_rule(Name="to-q", EventBusName="orders",
                EventPattern=json.dumps({"source": ["moto.orders"]}))
    ev.put_targets(Rule="to-q", EventBusName="orders", Targets=[{"Id": "q", "Arn": arn}])

    drain = SqsDrainer(moto, queue, N_EVENTBRIDGE, deadline=220)
    drain.start()
    p = moto.iatk("send", "--event-bus", "orders", "--failed", str(tmp / "failed.ndjson"),
                  text=ndjson(events))
    bodies = drain.finish()
    assert p.returncode == 0, p.stderr
    assert summary(p.stderr) == (N_EVENTBRIDGE, 0, 0), p.stderr
    assert (tmp / "failed.ndjson").read_text() == ""

    got = [json.loads(b) for b in bodies]
    ids = drained_report("EventBridge -> rule -> SQS", N_EVENTBRIDGE,
                         [g["detail"]["orderId"] for g in got], p.seconds,
                         f" ({N_EVENTBRIDGE / p.seconds:.0f} events/s, {drain.polls} "
                         "ReceiveMessage)")
    assert len(got) == N_EVENTBRIDGE, f"{len(got)} of {N_EVENTBRIDGE} arrived"
    assert set(ids) == set(sent) and max(ids.values()) == 1
    for g in got:
        want = sent[g["detail"]["orderId"]]
        assert g["detail"] == want["detail"], (g, want)
        assert (g["source"], g["detail-type"], g["time"]) == \
            (want["source"], want["detail-type"], want["time"]), (g, want)
        assert g["resources"] == want["resources"], (g, want)


@limit(180)
def test_sqs_queue_url(moto, tmp):
    """SendMessageBatch, iatk reading a pipe that a producer feeds while a
    boto3 consumer drains the queue: every body received once, byte for
    byte."""
    events = varied_lines(N_SQS)
    sqs = moto.client("sqs")
    queue = sqs.create_queue(QueueName="orders-q")["QueueUrl"]
    drain = SqsDrainer(moto, queue, N_SQS, deadline=160)
    drain.start()
    p = moto.iatk_fed(["send", "--queue-url", queue, "--failed", str(tmp / "failed.ndjson")],
                      events, lambda written: written - len(drain.bodies) < SQS_WINDOW,
                      timeout=150)
    t0 = time.monotonic()
    at_end = len(drain.bodies)
    bodies = drain.finish()
    print(f"    when iatk finished, {at_end} were drained; the rest took "
          f"{time.monotonic() - t0:.1f} s more ({drain.polls} ReceiveMessage in all)")
    assert p.returncode == 0, p.stderr
    assert summary(p.stderr) == (N_SQS, 0, 0), p.stderr
    counts = drained_report("SQS", N_SQS, bodies, p.seconds,
                            f" ({N_SQS / p.seconds:.0f} events/s, at most {SQS_WINDOW} "
                            "ahead of the consumer)")
    assert len(bodies) == N_SQS, f"{len(bodies)} of {N_SQS} arrived"
    assert max(counts.values()) == 1, "a message arrived twice"
    assert sorted(bodies) == sorted(events), "bodies changed"
    assert len(set(drain.message_ids)) == N_SQS
    assert (tmp / "failed.ndjson").read_text() == ""


@limit(120)
def test_kinesis_two_shards(moto, tmp):
    """PutRecords to a 2-shard stream with --partition-key /detail/orderId:
    every record read back across the shards once, its data the event's
    text, its key the orderId (a number as compact JSON), on the shard
    whose hash key range holds MD5(key)."""
    events = varied_lines(N_KINESIS)
    kinesis = moto.client("kinesis")
    kinesis.create_stream(StreamName="orders", ShardCount=2)
    wait_stream_active(kinesis, "orders")
    before = moto.requests()
    # One request at a time: moto's Shard.put_record "is not safe for
    # concurrency" (it numbers a record after the shard's last one), and
    # concurrent PutRecords lose records in moto (1997 of 2000 read back
    # with iatk's default 8).  The fakes of make test cover concurrency.
    p = moto.iatk("send", "--stream", "orders", "--partition-key", "/detail/orderId",
                  "--concurrency", "1", "--failed", str(tmp / "failed.ndjson"),
                  text=ndjson(events))
    requests = moto.requests() - before
    assert p.returncode == 0, p.stderr
    assert summary(p.stderr) == (N_KINESIS, 0, 0), p.stderr
    assert requests == N_KINESIS // 500, f"{requests} PutRecords for {N_KINESIS} records"

    shards, per_shard, calls = kinesis_read_all(kinesis, "orders")
    assert len(shards) == 2
    records = [r for recs in per_shard.values() for r in recs]
    data = [r["Data"].decode() for r in records]
    counts = drained_report("Kinesis", N_KINESIS, data, p.seconds,
                            f" in {requests} PutRecords")
    assert len(records) == N_KINESIS, f"{len(records)} of {N_KINESIS} read back"
    assert max(counts.values()) == 1, "a record arrived twice"
    assert sorted(data) == sorted(events), "data changed"
    for shard in shards:
        lo = int(shard["HashKeyRange"]["StartingHashKey"])
        hi = int(shard["HashKeyRange"]["EndingHashKey"])
        for r in per_shard[shard["ShardId"]]:
            order = json.loads(r["Data"])["detail"]["orderId"]
            key = order if isinstance(order, str) else json.dumps(order)
            assert r["PartitionKey"] == key, (r["PartitionKey"], key)
            assert lo <= int(hashlib.md5(key.encode()).hexdigest(), 16) <= hi
    print(f"    read back with {calls} GetRecords: "
          + ", ".join(f"{s} {len(r)}" for s, r in sorted(per_shard.items())))
    assert all(per_shard.values()), "a shard got no record"


def test_lambda_async(moto, tmp):
    """One asynchronous Invoke per event, each answered 202.  moto's Lambda
    without Docker runs no code, but each Invoke takes the next result
    queued with /moto-api/static/lambda-simple/response: with N results
    and a sentinel queued, a synchronous Invoke after the send answers the
    sentinel only if exactly N Invokes reached moto."""
    moto.lambda_function("orders-fn")
    events = varied_lines(N_LAMBDA)
    moto.moto_api("static/lambda-simple/response", {
        "results": [f"r{i}" for i in range(N_LAMBDA)] + ['"sentinel"'], "region": "us-east-1"})
    before = moto.requests()
    p = moto.iatk("send", "--lambda", "orders-fn", "--async",
                  "--failed", str(tmp / "failed.ndjson"), text=ndjson(events))
    requests = moto.requests() - before
    assert p.returncode == 0, p.stderr
    assert summary(p.stderr) == (N_LAMBDA, 0, 0), p.stderr
    assert requests == N_LAMBDA, f"{requests} Invokes for {N_LAMBDA} events"
    q = moto.iatk("invoke", "--lambda", "orders-fn", text="{}")
    assert q.returncode == 0, q.stderr
    assert q.stdout.strip() == '"sentinel"', f"moto had {q.stdout.strip()} left: not N Invokes"
    print(f"    Lambda async: {N_LAMBDA} events, {requests} Invokes in {p.seconds:.2f} s, "
          f"all 202")

