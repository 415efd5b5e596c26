"""Consumers on AWS for ``AwsIatk.invoke``: a Lambda function
(``iatk_lambda_invoke``) or a Step Functions state machine
(``iatk_sfn_run``), through one ``iatk_aws`` handle per ``AwsIatk``
(thread-safe in C, so concurrent invokes share it and its credentials)."""
import ctypes
import dataclasses
import json
import threading

from . import _lib
from .exceptions import IatkException, from_error, invalid, new_error

DEFAULT_TIMEOUT = 60  # seconds a state machine is waited for, as the CLI


@dataclasses.dataclass
class InvokeOutput:
    """What a consumer answered.  ``payload`` is its answer read as JSON
    (None for an asynchronous invoke, or when it is not JSON: then see
    ``text``).  Lambda fills ``status_code``, ``log_tail`` and
    ``executed_version``; a state machine ``execution_arn`` and
    ``status``."""

    payload: object = None
    text: str = ""
    status_code: int = 0
    log_tail: str = None
    executed_version: str = None
    execution_arn: str = None
    status: str = None


class AwsHandle:
    """``iatk_aws`` handles made on first use and freed with the object: one
    per read timeout asked for (a handle's timeout is set before it sends,
    so a call with its own timeout never changes another call's)."""

    def __init__(self, profile, region, endpoint_url):
        self._args = (profile, region, endpoint_url)
        self._ptrs = {}  # read timeout in ms (0: the default) -> iatk_aws *
        self._lock = threading.Lock()

    def get(self, read_timeout_ms=0):
        with self._lock:
            ptr = self._ptrs.get(read_timeout_ms)
            if not ptr:
                err, perr = new_error()
                ptr = _lib.lib().iatk_aws_new(*(_lib.encode(a) for a in self._args), perr)
                if not ptr:
                    raise from_error(err)
                if read_timeout_ms:
                    _lib.lib().iatk_aws_set_read_timeout(ptr, read_timeout_ms)
                self._ptrs[read_timeout_ms] = ptr
            return ptr

    def __del__(self):
        for ptr in getattr(self, "_ptrs", {}).values():
            _lib.lib().iatk_aws_free(ptr)
        self._ptrs = {}


def event_text(event):
    """The event as JSON bytes: a dict/list is serialised, text is sent
    as it is (bytes too)."""
    if isinstance(event, (bytes, bytearray)):
        return bytes(event)
    if isinstance(event, str):
        return event.encode("utf-8")
    try:
        return json.dumps(event).encode("utf-8")
    except (TypeError, ValueError) as e:
        raise invalid(f"the event is not JSON-serialisable: {e}") from None


def _parsed(text):
    try:
        return json.loads(text) if text else None
    except ValueError:
        return None


def _lambda_error(err, result, text):
    """The IatkException of a failed invoke; a function error carries
    ``error_type``, ``error_message`` and the error object in ``payload``."""
    exc = from_error(err)
    payload = _parsed(text) if result.function_error else None
    exc.payload = payload
    exc.error_type = payload.get("errorType") if isinstance(payload, dict) else None
    exc.error_message = payload.get("errorMessage") if isinstance(payload, dict) else None
    return exc


def invoke_lambda(aws, event, function, *, qualifier=None, asynchronous=False,
                  log_tail=False, timeout=None):
    """Lambda Invoke of ``function`` (name or ARN, optionally ":QUALIFIER";
    ``qualifier`` appends one), waiting at most ``timeout`` seconds for the
    answer (None: as long as a function may run, 15.5 minutes)."""
    if not isinstance(function, str) or not function:
        raise invalid("lambda_ must be a function name or ARN")
    read_timeout_ms = 0
    if timeout is not None:
        if (isinstance(timeout, bool) or not isinstance(timeout, (int, float))
                or not 0 < timeout <= 86400):
            raise invalid("timeout must be a number of seconds in (0, 86400]")
        read_timeout_ms = max(1, int(timeout * 1000))
    if qualifier is not None:
        function = f"{function}:{qualifier}"
    flags = (_lib.LAMBDA_ASYNC if asynchronous else 0) | (_lib.LAMBDA_LOG_TAIL if log_tail else 0)
    result = _lib.LambdaResult()
    err, perr = new_error()
    rc = _lib.lib().iatk_lambda_invoke(aws.get(read_timeout_ms), _lib.encode(function),
                                       event, len(event),
                                       flags, ctypes.byref(result), perr)
    try:
        raw = ctypes.string_at(result.payload, result.payload_len) if result.payload else b""
        text = raw.decode("utf-8", "replace")
        if rc != 0:
            raise _lambda_error(err, result, text)
        return InvokeOutput(payload=_parsed(text), text=text, status_code=result.status_code,
                            log_tail=_lib.decode(result.log_tail),
                            executed_version=_lib.decode(result.executed_version))
    finally:
        _lib.lib().iatk_lambda_result_release(ctypes.byref(result))


def run_state_machine(aws, event, arn, *, name=None, sync=False, timeout=None):
    """StartExecution and wait (or StartSyncExecution with ``sync``)."""
    if not isinstance(arn, str) or not arn:
        raise invalid("state_machine must be a state machine ARN")
    seconds = DEFAULT_TIMEOUT if timeout is None else timeout
    if not isinstance(seconds, (int, float)) or seconds < 0 or seconds > 86400:
        raise invalid("timeout must be a number of seconds between 0 and 86400")
    result = _lib.SfnResult()
    err, perr = new_error()
    rc = _lib.lib().iatk_sfn_run(aws.get(), _lib.encode(arn), _lib.encode(name), event,
                                 len(event), _lib.SFN_SYNC if sync else 0,
                                 int(seconds * 1000), ctypes.byref(result), perr)
    try:
        if rc != 0:
            exc = from_error(err)
            exc.execution_arn = _lib.decode(result.execution_arn)
            exc.status = _lib.decode(result.status)
            exc.error_type = _lib.decode(result.error)
            exc.error_message = _lib.decode(result.cause)
            raise exc
        text = _lib.decode(result.output) or ""
        return InvokeOutput(payload=_parsed(text), text=text,
                            execution_arn=_lib.decode(result.execution_arn),
                            status=_lib.decode(result.status))
    finally:
        _lib.lib().iatk_sfn_result_release(ctypes.byref(result))


__all__ = ["InvokeOutput", "IatkException"]
