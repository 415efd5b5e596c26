"""What iatk does when moto refuses: a queue or stream that does not
exist, a wrong secret, an unknown key, no credentials at all.  Each time:
the AWS error code on stderr, an `iatk: error:` summary, exit 10, every
event in --failed exactly as read, and no request sent again (a
refusal is final: the requests moto saw are counted)."""
import collections
import json
import urllib.error
import urllib.request

from motoharness import ACCOUNT, ndjson, summary


def lines(n):
    return [json.dumps({"seq": i, "detail": {"orderId": f"o-{i}", "note": "caf\u00e9"}},
                       ensure_ascii=False) for i in range(n)]


def check_refused(p, events, failed_file, code, requests, expected_requests):
    """exit 10; `code` on the failure lines; the summary and the
    `iatk: error:` line; --failed holds every event once, unchanged."""
    assert p.returncode == 10, (p.returncode, p.stderr[-2000:])
    err = p.stderr.strip().splitlines()
    assert any(f"failed: {code}" in line for line in err), p.stderr[-2000:]
    assert summary(p.stderr) == (0, len(events), 0), p.stderr[-500:]
    assert err[-1].startswith(
        f"iatk: error: {len(events)} of {len(events)} events not delivered "
        f"({len(events)} refused by AWS); the first: {code}: "), err[-1]
    assert all(line.startswith("iatk: ") for line in err), p.stderr[-2000:]
    failed = failed_file.read_text(encoding="utf-8").splitlines()
    assert len(failed) == len(events), f"{len(failed)} lines in --failed for {len(events)}"
    assert collections.Counter(failed) == collections.Counter(events), "--failed differs"
    assert requests == expected_requests, f"{requests} requests, expected {expected_requests}"
    print(f"    exit 10, {len(failed)} of {len(events)} in --failed, {requests} requests "
          f"in {p.seconds:.2f} s: {err[-1][:140]}")


def test_queue_does_not_exist(moto, tmp):
    events = lines(250)
    queue = f"{moto.url}/{ACCOUNT}/no-such-queue"
    before = moto.requests()
    p = moto.iatk("send", "--queue-url", queue, "--failed", str(tmp / "failed.ndjson"),
                  text=ndjson(events))
    # moto answers the JSON protocol with the query protocol's code.
    check_refused(p, events, tmp / "failed.ndjson", "AWS.SimpleQueueService.NonExistentQueue",
                  moto.requests() - before, 25)


def test_stream_does_not_exist(moto, tmp):
    events = lines(1200)
    before = moto.requests()
    p = moto.iatk("send", "--stream", "no-such-stream", "--partition-key", "/detail/orderId",
                  "--failed", str(tmp / "failed.ndjson"), text=ndjson(events))
    check_refused(p, events, tmp / "failed.ndjson", "ResourceNotFoundException",
                  moto.requests() - before, 3)


def test_event_bus_does_not_exist(moto, tmp):
    events = [json.dumps({"source": "moto.orders", "detail-type": "OrderPlaced",
                          "detail": {"orderId": f"o-{i}"}}) for i in range(40)]
    before = moto.requests()
    p = moto.iatk("send", "--event-bus", "no-such-bus", "--failed", str(tmp / "failed.ndjson"),
                  text=ndjson(events))
    check_refused(p, events, tmp / "failed.ndjson", "ResourceNotFoundException",
                  moto.requests() - before, 4)


def test_wrong_signature(moto, tmp):
    """A wrong secret (SignatureDoesNotMatch) and an unknown access key
    (InvalidClientTokenId): moto refuses, iatk reports it, exit 10, and
    nothing reached the queue.  With no credentials at all iatk sends
    nothing unsigned: it stops before any request."""
    sqs = moto.client("sqs")
    queue = sqs.create_queue(QueueName="orders-q")["QueueUrl"]
    events = lines(50)
    for label, env, code in [
            ("wrong secret", moto.env(AWS_SECRET_ACCESS_KEY="not-the-secret"),
             "SignatureDoesNotMatch"),
            ("unknown key", moto.env(AWS_ACCESS_KEY_ID="AKIAUNKNOWNKEY000000"),
             "InvalidClientTokenId")]:
        print(f"    send, {label}:")
        failed = tmp / f"failed-{code}.ndjson"
        before = moto.requests()
        p = moto.iatk("send", "--queue-url", queue, "--failed", str(failed),
                      text=ndjson(events), env=env)
        check_refused(p, events, failed, code, moto.requests() - before, 5)

        q = moto.iatk("invoke", "--lambda", "orders-fn", text=events[0], env=env)
        assert q.returncode == 10, (q.returncode, q.stderr)
        assert q.stdout == ""
        assert q.stderr.startswith(f"iatk: error: {code}: ") and q.stderr.count("\n") == 1, \
            q.stderr
        print(f"    invoke --lambda, {label}: exit 10: {q.stderr.strip()[:100]}")

    # moto refuses an unsigned request too (this is what iatk must never
    # send); moto 5.2.1 does so with an HTTP 500, its IAM check failing on
    # the missing Authorization header.
    req = urllib.request.Request(moto.url + "/", method="POST", data=json.dumps(
        {"QueueUrl": queue, "MessageBody": "unsigned"}).encode(), headers={
        "Content-Type": "application/x-amz-json-1.0",
        "X-Amz-Target": "AmazonSQS.SendMessage"})
    try:
        urllib.request.urlopen(req, timeout=10)
        raise AssertionError("moto accepted an unsigned SendMessage")
    except urllib.error.HTTPError as e:
        assert e.code >= 400, e.code
    depth = sqs.get_queue_attributes(QueueUrl=queue, AttributeNames=[
        "ApproximateNumberOfMessages"])["Attributes"]["ApproximateNumberOfMessages"]
    assert depth == "0", f"{depth} messages reached the queue"

    # ...and without credentials iatk sends nothing.
    before = moto.requests()
    p = moto.iatk("send", "--queue-url", queue, "--failed", str(tmp / "failed-none.ndjson"),
                  text=ndjson(events),
                  env=moto.env(AWS_ACCESS_KEY_ID=None, AWS_SECRET_ACCESS_KEY=None))
    assert moto.requests() == before, "iatk sent a request without credentials"
    assert p.returncode == 10, (p.returncode, p.stderr)
    assert p.stderr.strip().splitlines()[-1].startswith("iatk: error: ") and \
        "no AWS credentials found" in p.stderr.strip().splitlines()[-1], p.stderr
    print(f"    no credentials: exit 10, no request: {p.stderr.strip().splitlines()[-1][:100]}")
