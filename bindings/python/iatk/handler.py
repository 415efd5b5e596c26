"""Local Lambda handlers: ``AwsIatk().invoke(event, handler=..., runtime=...)``
runs a Node.js or Python handler with the system's node / python3, through
libiatk's ``iatk_handler_*`` calls (docs/handlers.md)."""
import ctypes
import json

from . import _lib
from .exceptions import IatkException, OPERATION_FAILED, check_ptr, check_rc, new_error

IATK_ECONSUMER = _lib.HEADER["IATK_ECONSUMER"]
IATK_ETIMEOUT = _lib.HEADER["IATK_ETIMEOUT"]


class Handler(_lib.Owned):
    """One handler with its settings (iatk_handler_set names: "timeout",
    "function-name", "memory-size", "env", ...)."""

    _free = "iatk_handler_free"

    def __init__(self, handler, runtime, settings=()):
        err, perr = new_error()
        self._handle = check_ptr(_lib.lib().iatk_handler_new(
            _lib.encode(handler), _lib.encode(runtime), perr), err)
        for name, value in settings:
            err, perr = new_error()
            check_rc(_lib.lib().iatk_handler_set(self._handle, _lib.encode(name),
                                                 _lib.encode(value), perr), err)

    def invoke_text(self, event_text):
        """(code, payload text or None, iatk_error) of one invocation."""
        data = _lib.encode(event_text)
        payload, length = ctypes.c_void_p(), ctypes.c_size_t()
        err, perr = new_error()
        rc = _lib.lib().iatk_handler_invoke(self._handle, data, len(data), ctypes.byref(payload),
                                            ctypes.byref(length), perr)
        text = None
        if payload.value:
            try:
                text = ctypes.string_at(payload.value, length.value).decode("utf-8")
            finally:
                _lib.lib().iatk_free(payload.value)
        return rc, text, err


def function_error(payload, err):
    """An IatkException for a handler's error document (Node: errorType,
    errorMessage, trace; Python: errorMessage, errorType, requestId,
    stackTrace), with them as attributes."""
    doc = json.loads(payload)
    exc = IatkException(_lib.decode(err.message), OPERATION_FAILED, iatk_code=err.code)
    exc.error_type = doc.get("errorType")
    exc.error_message = doc.get("errorMessage")
    exc.trace = doc.get("trace", doc.get("stackTrace"))
    exc.payload = doc
    return exc


def settings_of(timeout, function_name, memory_size, region, env, extra):
    """The iatk_handler_set pairs for invoke()'s keyword arguments."""
    pairs = []
    if timeout is not None:
        pairs.append(("timeout", repr(float(timeout))))
    for name, value in (("function-name", function_name), ("memory-size", memory_size),
                        ("region", region)):
        if value is not None:
            pairs.append((name, str(value)))
    for key, value in (env or {}).items():
        pairs.append(("env", f"{key}={value}"))
    for name, value in (extra or {}).items():
        pairs.append((name.replace("_", "-"), str(value)))
    return pairs


def invoke_handler(event, handler, runtime, settings):
    """Runs the handler once; its result as JSON text, or IatkException."""
    text = event if isinstance(event, (str, bytes)) else json.dumps(event)
    with Handler(handler, runtime, settings) as h:
        rc, payload, err = h.invoke_text(text)
    if rc == 0:
        return payload
    if payload is not None and rc in (IATK_ECONSUMER, IATK_ETIMEOUT):
        raise function_error(payload, err)
    check_rc(rc, err)
