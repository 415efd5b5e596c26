"""Schema documents, compiled plans and event generation over libiatk.

A :class:`Schema` is a parsed schema document (OpenAPI 3 or JSON Schema).
Compiling it for one event gives a :class:`Plan`: immutable, shareable by
any number of threads, and fast to generate from.  Each generation call uses
its own C generator, so concurrent calls on one plan are safe.
"""
import ctypes
import datetime
import json
import os

from . import _lib
from .exceptions import IATK_EINVALID, IatkException, check_ptr, check_rc, invalid, new_error

MODES = ("barebone", "sample", "random")
# skip_optional by name: iatk_skip_optional's values (include/iatk/iatk.h).
# "schema": JSON Schema's meaning, every optional property is dropped (an
# object without a `required` list is {}); "aws": AWS IATK's, only objects
# that have a `required` list drop theirs.
SKIP_OPTIONAL = {"schema": _lib.HEADER["IATK_SKIP_OPTIONAL_SCHEMA"],
                 "aws": _lib.HEADER["IATK_SKIP_OPTIONAL_AWS"]}


def _parse_mode(mode):
    """None or a name in MODES -> the C enum value."""
    if mode is None:
        return 0
    value = _lib.lib().iatk_mode_parse(_lib.encode(mode)) if isinstance(mode, str) else -1
    if value < 0:
        raise invalid(f"unknown mode {mode!r}: expected one of {', '.join(MODES)}")
    return value


def skip_optional_rule(value, default="schema"):
    """skip_optional -> the name of its rule, or None to keep optional
    properties.  A name in SKIP_OPTIONAL picks that rule; any other truthy
    value picks ``default``, the calling surface's meaning of ``True``."""
    if isinstance(value, (str, bytes)) and value:
        name = value.decode("utf-8", "replace") if isinstance(value, bytes) else value
        if name not in SKIP_OPTIONAL:
            raise invalid(f"unknown skip_optional {value!r}: expected True, False, "
                          f"or one of {', '.join(SKIP_OPTIONAL)}")
        return name
    return default if value else None


def format_now(now):
    """None, an RFC 3339 string or a datetime -> RFC 3339 bytes (or None).

    A naive datetime is taken as local time, as Python does elsewhere."""
    if now is None:
        return None
    if isinstance(now, datetime.datetime):
        if now.tzinfo is None:
            now = now.astimezone()
        return now.isoformat().encode("ascii")
    if isinstance(now, bytes):
        return now
    if isinstance(now, str):
        return now.encode("utf-8")
    raise invalid(f"now must be an RFC 3339 string or a datetime, not {type(now).__name__}")


def _check_seed(seed):
    if seed is None:
        return None
    if isinstance(seed, bool) or not isinstance(seed, int) or not 0 <= seed < 2**64:
        raise invalid(f"seed must be an integer in [0, 2**64), not {seed!r}")
    return seed


class Schema(_lib.Owned):
    """A parsed schema document.  Use :meth:`from_text` or :meth:`from_file`,
    or :meth:`iatk.Registry.load`."""

    _free = "iatk_schema_free"

    def __init__(self, handle):
        self._handle = handle

    @classmethod
    def from_text(cls, text, type=None, origin=None):
        """Parses JSON text (str or bytes).  ``type`` is "OpenApi3",
        "JSONSchemaDraft4" or None to detect it."""
        data = _lib.encode(text)
        err, perr = new_error()
        handle = _lib.lib().iatk_schema_load(data, len(data), _lib.encode(type),
                                             _lib.encode(origin), perr)
        return cls(check_ptr(handle, err))

    @classmethod
    def from_file(cls, path, type=None):
        """Reads and parses a schema file ("-" is standard input)."""
        err, perr = new_error()
        handle = _lib.lib().iatk_schema_load_file(_lib.encode(os.fspath(path)),
                                                  _lib.encode(type), perr)
        return cls(check_ptr(handle, err))

    @property
    def type(self):
        """"OpenApi3" or "JSONSchemaDraft4"."""
        return _lib.decode(_lib.lib().iatk_schema_type(self._live()))

    @property
    def origin(self):
        return _lib.decode(_lib.lib().iatk_schema_origin(self._live()))

    def compile(self, event_ref=None):
        """Compiles the event named ``event_ref`` into a :class:`Plan`."""
        err, perr = new_error()
        handle = _lib.lib().iatk_compile(self._live(), _lib.encode(event_ref), perr)
        return Plan(check_ptr(handle, err))

    def validator(self, event_ref=None):
        """A :class:`Validator` for the event named ``event_ref``."""
        return Validator(self, event_ref)

    def _live(self):
        if not self._handle:
            raise invalid("the schema is closed")
        return self._handle


class Plan:
    """A compiled, immutable plan for one event; thread-safe.

    Generators borrow the plan: it stays alive as long as any
    :meth:`events` iterator over it does."""

    def __init__(self, handle):
        self._handle = handle

    @property
    def detail_type(self):
        """The event's ``x-amazon-events-detail-type``, or None."""
        return _lib.decode(_lib.lib().iatk_plan_detail_type(self._handle))

    @property
    def source(self):
        """The event's ``x-amazon-events-source``, or None."""
        return _lib.decode(_lib.lib().iatk_plan_source(self._handle))

    @property
    def pointer(self):
        """JSON pointer of the event schema in its document."""
        return _lib.decode(_lib.lib().iatk_plan_pointer(self._handle))

    def event_text(self, index=0, *, mode=None, seed=None, skip_optional=False, now=None):
        """Event number ``index`` as compact JSON text.  ``skip_optional``:
        False, True or "schema" (JSON Schema's meaning, as ``iatk generate
        --skip-optional``), or "aws" (AWS IATK's, see :class:`Generator`)."""
        with Generator(self, mode=mode, seed=seed, skip_optional=skip_optional, now=now) as gen:
            return gen.text(index)

    def event(self, index=0, **options):
        """Event number ``index`` as a dict (options as :meth:`event_text`)."""
        return json.loads(self.event_text(index, **options))

    def events(self, count=None, start=0, **options):
        """Yields events ``start``, ``start + 1``, … as dicts; ``count`` None
        means without end.  Random mode: event i is a pure function of
        (plan, seed, i), so index ranges can be split across processes."""
        with Generator(self, **options) as gen:
            index = start
            while count is None or index < start + count:
                yield json.loads(gen.text(index))
                index += 1

    def __del__(self):
        try:
            handle, self._handle = self._handle, None
            if handle:
                _lib.lib().iatk_plan_free(handle)
        except Exception:  # interpreter shutdown: the library may be gone
            pass


class Generator(_lib.Owned):
    """One C generator over a plan: per-thread state, not shareable.

    ``skip_optional``: False keeps optional properties; True or "schema"
    drops every property an object's ``required`` list leaves out (an
    object without the list comes out as {}); "aws" is AWS IATK's rule,
    where only objects that have a ``required`` list drop the others."""

    _free = "iatk_gen_free"

    def __init__(self, plan, *, mode=None, seed=None, skip_optional=False, now=None):
        self._handle = None
        c_mode, c_seed, c_now = _parse_mode(mode), _check_seed(seed), format_now(now)
        c_skip = SKIP_OPTIONAL.get(skip_optional_rule(skip_optional), 0)
        self._plan = plan  # keeps the plan alive while the generator lives
        err, perr = new_error()
        self._handle = check_ptr(_lib.lib().iatk_gen_new(plan._handle, perr), err)
        try:
            self._configure(c_mode, c_seed, c_skip, c_now)
        except BaseException:
            self.close()
            raise

    def _configure(self, mode, seed, skip_optional, now):
        lib = _lib.lib()
        lib.iatk_gen_set_mode(self._handle, mode)
        if seed is not None:
            lib.iatk_gen_set_seed(self._handle, seed)
        lib.iatk_gen_set_skip_optional(self._handle, skip_optional)
        if now is not None:
            err, perr = new_error()
            check_rc(lib.iatk_gen_set_now(self._handle, now, perr), err)

    def text(self, index=0):
        """Event number ``index`` as JSON text."""
        if isinstance(index, bool) or not isinstance(index, int) or not 0 <= index < 2**64:
            raise invalid(f"index must be an integer in [0, 2**64), not {index!r}")
        text, length = ctypes.c_void_p(), ctypes.c_size_t()
        err, perr = new_error()
        rc = _lib.lib().iatk_gen_event(self._handle, index, ctypes.byref(text),
                                       ctypes.byref(length), perr)
        check_rc(rc, err)
        return ctypes.string_at(text.value, length.value).decode("utf-8")


class Validator(_lib.Owned):
    """Checks events against one event schema, by a code path independent of
    generation.  Not thread-safe: use one per thread."""

    _free = "iatk_validator_free"

    def __init__(self, schema, event_ref=None):
        self._handle = None
        err, perr = new_error()
        handle = _lib.lib().iatk_validator_new(schema._live(), _lib.encode(event_ref), perr)
        self._handle = check_ptr(handle, err)  # keeps its own copy of the document

    def validate(self, event):
        """Returns None when ``event`` (a JSON value, or JSON text as str or
        bytes) is valid; otherwise raises IatkException (``IATK_EINVALID``,
        ``where`` = the pointer into the event and the schema location)."""
        if isinstance(event, (str, bytes)):
            text = _lib.encode(event)
        else:
            try:
                text = json.dumps(event, allow_nan=False).encode("utf-8")
            except (TypeError, ValueError) as e:
                raise invalid(f"the event is not JSON-serializable: {e}") from None
        if not self._handle:
            raise invalid("the validator is closed")
        err, perr = new_error()
        check_rc(_lib.lib().iatk_validate_text(self._handle, text, len(text), perr), err)

    def is_valid(self, event):
        """True when :meth:`validate` would pass."""
        try:
            self.validate(event)
            return True
        except IatkException as e:
            if e.iatk_code != IATK_EINVALID:
                raise
            return False

