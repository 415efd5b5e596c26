"""``AwsIatk.send_events``: events delivered to EventBridge, SQS, Kinesis
or Lambda (asynchronously) by libiatk's iatk_sender (docs/send.md).

The whole delivery (batching, requests in flight, retries) runs in C; the
GIL is released around each call, and the failure callback comes back into
Python only for events that failed."""
import ctypes
import dataclasses
import json
from typing import List, Optional

from . import _lib
from .exceptions import check_ptr, check_rc, invalid, new_error

SINK_EVENTBRIDGE = _lib.HEADER["IATK_SINK_EVENTBRIDGE"]
SINK_SQS = _lib.HEADER["IATK_SINK_SQS"]
SINK_KINESIS = _lib.HEADER["IATK_SINK_KINESIS"]
SINK_LAMBDA_ASYNC = _lib.HEADER["IATK_SINK_LAMBDA_ASYNC"]
# iatk_send_failure's values, by the name a FailedEvent's `why` gives.
WHY = {_lib.HEADER["IATK_SEND_" + name.upper()]: name
       for name in ("refused", "aws", "network", "interrupted", "unsent")}


@dataclasses.dataclass
class FailedEvent:
    """An event that was not delivered: its position in ``events``
    (0-based), its JSON text as sent, why ("refused": never sent, "aws":
    AWS refused it, "network": no answer, "interrupted", "unsent": no
    request could be made, such as without credentials), the AWS error
    code ("" when none) and a message."""
    index: int
    event: str
    why: str
    code: str
    message: str


@dataclasses.dataclass
class SendEventsOutput:
    """What ``send_events`` did: events acknowledged by AWS, the failed
    ones, how many times an event was sent again, and the duration."""
    sent: int
    failed: List[FailedEvent]
    retried: int
    seconds: float

    @property
    def ok(self):
        return not self.failed


def _target(event_bus, queue_url, stream, lambda_async):
    given = [(k, v) for k, v in ((SINK_EVENTBRIDGE, event_bus), (SINK_SQS, queue_url),
                                 (SINK_KINESIS, stream), (SINK_LAMBDA_ASYNC, lambda_async))
             if v is not None]
    if len(given) != 1:
        raise invalid("give one of event_bus, queue_url, stream, lambda_async")
    return given[0]


def _text(event):
    if isinstance(event, (bytes, bytearray)):
        return bytes(event)
    if isinstance(event, str):
        return event.encode("utf-8")
    return json.dumps(event, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def _configure(lib, sender, err, ref, concurrency, rate, partition_key, max_attempts):
    if concurrency is not None:
        check_rc(lib.iatk_sender_set_concurrency(sender, int(concurrency), ref), err)
    if rate is not None:
        check_rc(lib.iatk_sender_set_rate(sender, float(rate), ref), err)
    if partition_key is not None:
        check_rc(lib.iatk_sender_set_partition_key(sender, _lib.encode(partition_key), ref),
                 err)
    if max_attempts is not None:
        check_rc(lib.iatk_sender_set_max_attempts(sender, int(max_attempts), ref), err)


def send_events(events, *, event_bus=None, queue_url=None, stream=None, lambda_async=None,
                region=None, profile=None, endpoint_url=None, partition_key=None,
                concurrency=None, rate=None, max_attempts=None) -> SendEventsOutput:
    """Delivers ``events`` (dicts, or JSON text) and returns a
    SendEventsOutput; failures are returned, not raised (a bad argument or
    an unusable AWS configuration raises IatkException)."""
    kind, target = _target(event_bus, queue_url, stream, lambda_async)
    lib = _lib.lib()
    err, ref = new_error()
    aws = check_ptr(lib.iatk_aws_new(_lib.encode(profile), _lib.encode(region),
                                     _lib.encode(endpoint_url), ref), err)
    failed: List[FailedEvent] = []

    def on_failure(ptr, length, line, why, code, message, _userdata):
        failed.append(FailedEvent(int(line), ctypes.string_at(ptr, length).decode("utf-8"),
                                  WHY.get(why, str(why)), _lib.decode(code) or "",
                                  _lib.decode(message) or ""))

    callback = _lib.SEND_FAILURE_FN(on_failure)  # kept alive until the end
    sender = None
    try:
        sender = check_ptr(lib.iatk_sender_new(aws, kind, _lib.encode(target), ref), err)
        _configure(lib, sender, err, ref, concurrency, rate, partition_key, max_attempts)
        lib.iatk_sender_on_failure(sender, callback, None)
        for index, event in enumerate(events):
            data = _text(event)
            check_rc(lib.iatk_sender_add(sender, data, len(data), index, ref), err)
        lib.iatk_sender_finish(sender, new_error()[1])  # failures are in `failed`
        stats = _lib.SendStats()
        lib.iatk_sender_stats(sender, ctypes.byref(stats))
        failed.sort(key=lambda f: f.index)
        return SendEventsOutput(int(stats.sent), failed, int(stats.retried),
                                float(stats.seconds))
    finally:
        if sender:
            lib.iatk_sender_free(sender)
        lib.iatk_aws_free(aws)


__all__ = ["send_events", "SendEventsOutput", "FailedEvent"]
