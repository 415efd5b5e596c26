"""Loading libiatk with ctypes and declaring the prototypes of its C API.

The library is looked for, in order:

1. the path in the ``IATK_LIBRARY`` environment variable;
2. ``libiatk.so*`` (``libiatk.dylib``, ``iatk.dll``) next to this package,
   for wheels or installs that ship the library inside the package;
3. ``ctypes.util.find_library("iatk")``, i.e. the system's library path.

Every declaration mirrors ``include/iatk/iatk.h``: the header's values are
copied once, into ``HEADER``, and its structs into the classes of ``STRUCTS``;
tests/python/test_abi_layout.py checks both against the header as a C
compiler sees it.  ``iatk_error``, which every call writes into, is also
checked against the library's ``iatk_error_layout()`` when the library is
loaded.  ctypes releases the GIL
around each foreign call, so C work in one thread never blocks the others.
"""
import ctypes
import ctypes.util
import glob
import os
import threading

_c_char_p = ctypes.c_char_p
_c_void_p = ctypes.c_void_p
_c_int = ctypes.c_int
_c_size_t = ctypes.c_size_t
_c_uint64 = ctypes.c_uint64


# The values of include/iatk/iatk.h that the package uses, by their C names.
# Python cannot read the header, so this is its one copy: the other modules
# take their values from here, and tests/python/test_abi_layout.py compares
# every entry with the header as compiled (tests/tools/abi_layout.c).
HEADER = {
    # iatk_error's buffers (part of the ABI; _open() also checks them
    # against iatk_error_layout() before any call can write through a
    # wrongly sized struct)
    "IATK_ERROR_WHERE_SIZE": 512,
    "IATK_ERROR_MESSAGE_SIZE": 1024,
    # codes of the error table that the package raises or tests itself
    "IATK_EINVAL": 1,
    "IATK_ECONTEXT": 18,
    "IATK_EINVALID": 19,
    "IATK_ECONSUMER": 20,
    "IATK_ETIMEOUT": 21,
    # iatk_skip_optional
    "IATK_SKIP_OPTIONAL_SCHEMA": 1,
    "IATK_SKIP_OPTIONAL_AWS": 2,
    # iatk_sink_kind
    "IATK_SINK_EVENTBRIDGE": 1,
    "IATK_SINK_SQS": 2,
    "IATK_SINK_KINESIS": 3,
    "IATK_SINK_LAMBDA_ASYNC": 4,
    # iatk_send_failure
    "IATK_SEND_REFUSED": 1,
    "IATK_SEND_AWS": 2,
    "IATK_SEND_NETWORK": 3,
    "IATK_SEND_INTERRUPTED": 4,
    "IATK_SEND_UNSENT": 5,
    # flags of iatk_lambda_invoke and iatk_sfn_run
    "IATK_LAMBDA_ASYNC": 1,
    "IATK_LAMBDA_LOG_TAIL": 2,
    "IATK_SFN_SYNC": 1,
    # what iatk_gen_event_if_unchanged returns when the path changed
    "IATK_GEN_CHANGED": -1,
}

ERROR_WHERE_SIZE = HEADER["IATK_ERROR_WHERE_SIZE"]
ERROR_MESSAGE_SIZE = HEADER["IATK_ERROR_MESSAGE_SIZE"]


class IatkError(ctypes.Structure):
    """``iatk_error``: code, line, column, where, message."""

    _fields_ = [
        ("code", ctypes.c_int),
        ("line", ctypes.c_int),
        ("column", ctypes.c_int),
        ("where", ctypes.c_char * ERROR_WHERE_SIZE),
        ("message", ctypes.c_char * ERROR_MESSAGE_SIZE),
    ]


_ERR = ctypes.POINTER(IatkError)


class LambdaResult(ctypes.Structure):
    """``iatk_lambda_result``; release with iatk_lambda_result_release."""

    _fields_ = [
        ("status_code", ctypes.c_int),
        ("payload", ctypes.c_void_p),  # may hold NUL bytes: read payload_len
        ("payload_len", ctypes.c_size_t),
        ("function_error", ctypes.c_char_p),
        ("log_tail", ctypes.c_char_p),
        ("executed_version", ctypes.c_char_p),
    ]


class SfnResult(ctypes.Structure):
    """``iatk_sfn_result``; release with iatk_sfn_result_release."""

    _fields_ = [
        ("execution_arn", ctypes.c_char_p),
        ("status", ctypes.c_char_p),
        ("output", ctypes.c_char_p),
        ("error", ctypes.c_char_p),
        ("cause", ctypes.c_char_p),
        ("polls", ctypes.c_int),
    ]

# name: (restype, argtypes).  Handles are opaque, carried as c_void_p.
_PROTOTYPES = {
    "iatk_version": (_c_char_p, []),
    "iatk_free": (None, [_c_void_p]),
    "iatk_strerror": (_c_char_p, [_c_int]),
    "iatk_err_name": (_c_char_p, [_c_int]),
    "iatk_error_clear": (None, [_ERR]),
    "iatk_error_layout": (_c_size_t, [ctypes.POINTER(_c_size_t)] * 4),
    "iatk_strlist_count": (_c_size_t, [_c_void_p]),
    "iatk_strlist_get": (_c_char_p, [_c_void_p, _c_size_t]),
    "iatk_strlist_free": (None, [_c_void_p]),
    "iatk_schema_load": (_c_void_p, [_c_char_p, _c_size_t, _c_char_p, _c_char_p, _ERR]),
    "iatk_schema_load_file": (_c_void_p, [_c_char_p, _c_char_p, _ERR]),
    "iatk_schema_free": (None, [_c_void_p]),
    "iatk_schema_type": (_c_char_p, [_c_void_p]),
    "iatk_schema_origin": (_c_char_p, [_c_void_p]),
    "iatk_compile": (_c_void_p, [_c_void_p, _c_char_p, _ERR]),
    "iatk_plan_free": (None, [_c_void_p]),
    "iatk_plan_detail_type": (_c_char_p, [_c_void_p]),
    "iatk_plan_source": (_c_char_p, [_c_void_p]),
    "iatk_plan_pointer": (_c_char_p, [_c_void_p]),
    "iatk_mode_parse": (_c_int, [_c_char_p]),
    "iatk_gen_new": (_c_void_p, [_c_void_p, _ERR]),
    "iatk_gen_free": (None, [_c_void_p]),
    "iatk_gen_set_mode": (None, [_c_void_p, _c_int]),
    "iatk_gen_set_seed": (None, [_c_void_p, _c_uint64]),
    "iatk_gen_set_skip_optional": (None, [_c_void_p, _c_int]),
    "iatk_gen_set_pretty": (None, [_c_void_p, _c_int]),
    "iatk_gen_set_now": (_c_int, [_c_void_p, _c_char_p, _ERR]),
    "iatk_gen_event": (_c_int, [_c_void_p, _c_uint64, ctypes.POINTER(ctypes.c_void_p),
                                ctypes.POINTER(_c_size_t), _ERR]),
    "iatk_gen_event_if_unchanged": (_c_int, [_c_void_p, _c_char_p, ctypes.c_int64,
                                             ctypes.c_int64, _c_uint64,
                                             ctypes.POINTER(ctypes.c_void_p),
                                             ctypes.POINTER(_c_size_t), _ERR]),
    "iatk_pipeline_new": (_c_void_p, [_ERR]),
    "iatk_pipeline_free": (None, [_c_void_p]),
    "iatk_pipeline_add_builtin": (_c_int, [_c_void_p, _c_char_p, _c_void_p, _ERR]),
    "iatk_pipeline_set_now": (_c_int, [_c_void_p, _c_char_p, _ERR]),
    "iatk_pipeline_set_region": (_c_int, [_c_void_p, _c_char_p, _ERR]),
    "iatk_pipeline_set_seed": (None, [_c_void_p, _c_uint64]),
    # Returned char * must reach iatk_free: keep it as a raw pointer.
    "iatk_pipeline_run_text": (_c_void_p, [_c_void_p, _c_char_p, _c_uint64, _ERR]),
    "iatk_eventbridge_context_text": (_c_void_p, [_c_char_p, _c_char_p, _c_char_p, _ERR]),
    "iatk_validator_new": (_c_void_p, [_c_void_p, _c_char_p, _ERR]),
    "iatk_validator_free": (None, [_c_void_p]),
    "iatk_validate_text": (_c_int, [_c_void_p, _c_char_p, _c_size_t, _ERR]),
    "iatk_registry_open": (_c_void_p, [_c_char_p, _ERR]),
    "iatk_registry_open_source": (_c_void_p, [_c_char_p, _c_char_p, _c_char_p, _c_char_p,
                                              _c_char_p, _ERR]),
    "iatk_registry_describe": (_c_char_p, [_c_void_p]),
    "iatk_registry_served_by": (_c_char_p, [_c_void_p]),
    # Returned char * must reach iatk_free: keep it as a raw pointer.
    "iatk_registry_read": (_c_void_p, [_c_void_p, _c_char_p, _c_char_p, _c_char_p,
                                       ctypes.POINTER(_c_size_t), ctypes.POINTER(_c_char_p),
                                       ctypes.POINTER(_c_int), _ERR]),
    "iatk_registry_free": (None, [_c_void_p]),
    "iatk_registry_root": (_c_char_p, [_c_void_p]),
    "iatk_registry_check_name": (_c_int, [ctypes.c_char, _c_char_p, _ERR]),
    "iatk_registry_create": (_c_int, [_c_void_p, _c_char_p, _ERR]),
    "iatk_registry_put": (_c_int, [_c_void_p, _c_char_p, _c_char_p, _c_char_p, _c_char_p,
                                   _c_size_t, ctypes.POINTER(_c_int), _ERR]),
    "iatk_registry_list": (_c_void_p, [_c_void_p, _c_char_p, _ERR]),
    "iatk_registry_versions": (_c_void_p, [_c_void_p, _c_char_p, _c_char_p, _ERR]),
    "iatk_registry_load": (_c_void_p, [_c_void_p, _c_char_p, _c_char_p, _c_char_p, _ERR]),
    "iatk_aws_new": (_c_void_p, [_c_char_p, _c_char_p, _c_char_p, _ERR]),
    "iatk_aws_free": (None, [_c_void_p]),
    "iatk_aws_set_inject_host_prefix": (None, [_c_void_p, _c_int]),
    "iatk_aws_set_read_timeout": (None, [_c_void_p, _c_int]),
    "iatk_lambda_invoke": (_c_int, [_c_void_p, _c_char_p, _c_char_p, _c_size_t, _c_int,
                                    ctypes.POINTER(LambdaResult), _ERR]),
    "iatk_lambda_result_release": (None, [ctypes.POINTER(LambdaResult)]),
    "iatk_sfn_run": (_c_int, [_c_void_p, _c_char_p, _c_char_p, _c_char_p, _c_size_t, _c_int,
                              _c_int, ctypes.POINTER(SfnResult), _ERR]),
    "iatk_sfn_result_release": (None, [ctypes.POINTER(SfnResult)]),
    "iatk_handler_new": (_c_void_p, [_c_char_p, _c_char_p, _ERR]),
    "iatk_handler_free": (None, [_c_void_p]),
    "iatk_handler_set": (_c_int, [_c_void_p, _c_char_p, _c_char_p, _ERR]),
    # *payload must reach iatk_free: a raw pointer.
    "iatk_handler_invoke": (_c_int, [_c_void_p, _c_char_p, _c_size_t,
                                     ctypes.POINTER(_c_void_p), ctypes.POINTER(_c_size_t),
                                     _ERR]),
}

# Flags of iatk_lambda_invoke and iatk_sfn_run.
LAMBDA_ASYNC = HEADER["IATK_LAMBDA_ASYNC"]
LAMBDA_LOG_TAIL = HEADER["IATK_LAMBDA_LOG_TAIL"]
SFN_SYNC = HEADER["IATK_SFN_SYNC"]


class SendStats(ctypes.Structure):
    """``iatk_send_stats``."""
    _fields_ = [(name, ctypes.c_uint64) for name in
                ("added", "sent", "failed", "refused", "retried", "pending")] + [
        ("seconds", ctypes.c_double)]


# iatk_send_failure_fn and iatk_send_progress_fn; the event text is a
# pointer and a length (it is not NUL-terminated).
SEND_FAILURE_FN = ctypes.CFUNCTYPE(None, _c_void_p, _c_size_t, _c_uint64, _c_int, _c_char_p,
                                   _c_char_p, _c_void_p)
SEND_PROGRESS_FN = ctypes.CFUNCTYPE(None, ctypes.POINTER(SendStats), _c_void_p)

# Every class above that mirrors a C struct, by the struct's name: each one's
# size, alignment and fields (names, order, offsets, sizes) are checked
# against the header by tests/python/test_abi_layout.py.
STRUCTS = {
    "iatk_error": IatkError,
    "iatk_lambda_result": LambdaResult,
    "iatk_sfn_result": SfnResult,
    "iatk_send_stats": SendStats,
}

# Senders (bindings/python/iatk/sender.py).
_PROTOTYPES.update({
    "iatk_sender_new": (_c_void_p, [_c_void_p, _c_int, _c_char_p, _ERR]),
    "iatk_sender_free": (None, [_c_void_p]),
    "iatk_sender_set_concurrency": (_c_int, [_c_void_p, _c_int, _ERR]),
    "iatk_sender_set_rate": (_c_int, [_c_void_p, ctypes.c_double, _ERR]),
    "iatk_sender_set_partition_key": (_c_int, [_c_void_p, _c_char_p, _ERR]),
    "iatk_sender_set_max_attempts": (_c_int, [_c_void_p, _c_int, _ERR]),
    "iatk_sender_on_failure": (None, [_c_void_p, SEND_FAILURE_FN, _c_void_p]),
    "iatk_sender_on_progress": (None, [_c_void_p, SEND_PROGRESS_FN, _c_void_p,
                                       ctypes.c_double]),
    "iatk_sender_add": (_c_int, [_c_void_p, _c_char_p, _c_size_t, _c_uint64, _ERR]),
    "iatk_sender_finish": (_c_int, [_c_void_p, _ERR]),
    "iatk_sender_stop": (None, [_c_void_p]),
    "iatk_sender_stats": (None, [_c_void_p, ctypes.POINTER(SendStats)]),
})

_lock = threading.Lock()
_lib = None


def _candidates():
    """Library paths to try, best first."""
    env = os.environ.get("IATK_LIBRARY")
    if env:
        return [env]
    here = os.path.dirname(os.path.abspath(__file__))
    found = []
    for pattern in ("libiatk.so", "libiatk.so.*", "libiatk.dylib", "iatk.dll"):
        found += sorted(glob.glob(os.path.join(here, pattern)))
    system = ctypes.util.find_library("iatk")
    if system:
        found.append(system)
    return found


def _declare(lib, table):
    for name, (restype, argtypes) in table.items():
        fn = getattr(lib, name, None)
        if fn is None:
            raise OSError(f"{lib._name}: missing symbol {name}")
        fn.restype = restype
        fn.argtypes = argtypes


def error_layout(lib):
    """iatk_error's layout as the library was compiled: a dict of its size
    and the offsets and sizes of ``where`` and ``message``."""
    where_offset, where_size = _c_size_t(), _c_size_t()
    message_offset, message_size = _c_size_t(), _c_size_t()
    size = lib.iatk_error_layout(ctypes.byref(where_offset), ctypes.byref(where_size),
                                 ctypes.byref(message_offset), ctypes.byref(message_size))
    return {"size": size, "where_offset": where_offset.value,
            "where_size": where_size.value, "message_offset": message_offset.value,
            "message_size": message_size.value}


def struct_layout(struct):
    """The same dict for a ctypes declaration of iatk_error."""
    return {"size": ctypes.sizeof(struct), "where_offset": struct.where.offset,
            "where_size": struct.where.size, "message_offset": struct.message.offset,
            "message_size": struct.message.size}


def check_error_layout(lib, struct=IatkError):
    """Raises OSError unless ``struct`` matches the library's iatk_error:
    a mismatch would let C write past the buffers Python allocated."""
    theirs, ours = error_layout(lib), struct_layout(struct)
    if theirs != ours:
        raise OSError(f"{lib._name}: iatk_error layout {theirs} does not match "
                      f"the binding's {ours}; the library and the package differ")


def _open():
    errors = []
    for path in _candidates():
        try:
            lib = ctypes.CDLL(path)
            _declare(lib, _PROTOTYPES)
            check_error_layout(lib)
            return lib
        except OSError as e:
            errors.append(f"{path}: {e}")
    where = "; ".join(errors) if errors else "no candidate found"
    raise OSError("cannot load libiatk (set IATK_LIBRARY to its path): " + where)


def lib():
    """The loaded library, loaded on first use (thread-safe)."""
    global _lib
    if _lib is None:
        with _lock:
            if _lib is None:
                _lib = _open()
    return _lib


def encode(text):
    """str -> bytes for a const char * argument; None stays NULL."""
    if text is None:
        return None
    if isinstance(text, bytes):
        return text
    return str(text).encode("utf-8")


def decode(raw):
    return raw.decode("utf-8", "replace") if raw is not None else None


def take_string(ptr):
    """Copies a library-owned ``char *`` into a str and iatk_free()s it."""
    if not ptr:
        return None
    try:
        return ctypes.string_at(ptr).decode("utf-8")
    finally:
        lib().iatk_free(ptr)


class Owned:
    """Base of the classes that own a C handle: it is freed by close(), at
    the end of a ``with`` block, or when the object is collected."""

    _free = None  # name of the library's iatk_*_free function
    _handle = None

    def close(self):
        """Frees the handle now (NULL-safe, idempotent)."""
        handle, self._handle = self._handle, None
        if handle:
            getattr(lib(), self._free)(handle)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def __del__(self):
        try:
            self.close()
        except Exception:  # interpreter shutdown: the library may be gone
            pass
