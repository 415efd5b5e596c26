"""AwsIatk.send_events through libiatk (ctypes) against the loopback
PutEvents and SQS fakes (sinkfake.py): a summary with the failed events,
their positions and reasons."""
import json

import pytest

from awsfake import Fake, clean_env
from sinkfake import REGION, EventBridgeFake, Faults, SqsFake, env_for


@pytest.fixture
def aws_env(tmp_path, monkeypatch):
    def apply(url):
        for k, v in env_for(clean_env(tmp_path), url).items():
            monkeypatch.setenv(k, v)
    for k in list(__import__("os").environ):
        if k.startswith("AWS_"):
            monkeypatch.delenv(k)
    return apply


def test_send_events_to_a_bus(aws_env):
    from iatk import AwsIatk
    events = [{"source": "s", "detail-type": "t", "detail": {"n": i}} for i in range(30)]
    events[4] = {"source": "s", "detail": {"n": 4}}               # refused
    events[7] = {"source": "s", "detail-type": "t", "detail": {"n": 7, "poison": True}}
    fake = EventBridgeFake()
    with Fake(fake) as f:
        aws_env(f.url)
        out = AwsIatk(region=REGION).send_events(events, event_bus="orders", concurrency=3)
    assert fake.violations == []
    assert out.sent == 28 and not out.ok
    assert [(x.index, x.why) for x in out.failed] == [(4, "refused"), (7, "aws")]
    assert json.loads(out.failed[0].event) == events[4]
    assert out.failed[1].code == "MalformedDetail"
    assert sorted(json.loads(e["Detail"])["n"] for e in fake.delivered) == \
        [i for i in range(30) if i not in (4, 7)]


def test_send_events_to_a_queue_with_retries(aws_env):
    from iatk import AwsIatk
    texts = [json.dumps({"n": i}) for i in range(40)]
    fake = SqsFake(Faults(seed=2, entry_internal=0.3))
    with Fake(fake) as f:
        aws_env(f.url)
        out = AwsIatk(region=REGION).send_events(
            texts, queue_url="https://sqs.us-east-1.amazonaws.com/1/q", max_attempts=10)
    assert out.ok and out.sent == 40 and out.retried > 0
    assert sorted(fake.delivered) == sorted(texts)


def test_send_events_needs_one_target():
    from iatk import AwsIatk
    from iatk.exceptions import IatkException
    with pytest.raises(IatkException):
        AwsIatk(region=REGION).send_events([], event_bus="b", stream="s")
