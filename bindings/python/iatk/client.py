"""AwsIatk: AWS IATK's ``generate_mock_event`` over libiatk.

Each call finds the schema (a local registry tree, or a schema file/text),
compiles it into a plan (cached: plans are immutable and thread-safe),
generates an event with a C generator and applies the Python contexts in
order.  Threads share only the plan cache, so calls may run concurrently
from any number of threads.

A repeated ``generate_mock_event`` call is answered from a cache of prepared
calls kept for each thread (see ``_Prepared``): the arguments select the
plan and a C generator already configured for them, a ``stat`` of the
schema's directory checks that the tree has not changed, and one foreign
call produces the event text.
"""
import collections
import ctypes
import dataclasses
import datetime
import json
import os
import threading
import time

from . import _lib, consumers
from .context_generation import eventbridge_event_context, run_eventbridge
from .handler import invoke_handler, settings_of
from .exceptions import (CONTEXT_EMPTY, CONTEXT_NOT_SERIALIZABLE, IatkException,
                         check_ptr, check_rc, invalid, new_error)
from .registry import Registry, _strings, opened
from .schema import Generator, Schema, _check_seed, _parse_mode, format_now, skip_optional_rule

__all__ = ["AwsIatk", "GenerateMockEventOutput", "clear_plan_cache"]


@dataclasses.dataclass
class GenerateMockEventOutput:
    """What ``generate_mock_event`` returns: ``event`` is the mock event."""

    event: dict


class _Cache:
    """A bounded LRU.  Keys name immutable things (a registry version, a
    schema text), so an entry never goes stale."""

    def __init__(self, size=128):
        self._size = size
        self._items = collections.OrderedDict()
        self._lock = threading.Lock()

    def get(self, key, build):
        if key is None:
            return build()
        with self._lock:
            item = self._items.get(key)
            if item is not None:
                self._items.move_to_end(key)
                return item
        item = build()  # outside the lock: compiling may take a while
        with self._lock:
            item = self._items.setdefault(key, item)
            while len(self._items) > self._size:
                self._items.popitem(last=False)  # users keep their own references
        return item

    def clear(self):
        with self._lock:
            self._items.clear()


_plans = _Cache()
# Validators cache regular expressions and are not thread-safe: one per thread.
_validators = threading.local()
# Bumped by clear_plan_cache(): the caches kept for each thread (validators,
# prepared calls) that were filled under an older value are dropped when
# their thread next uses them.
_epoch = 0


def _thread_validators():
    cache = getattr(_validators, "cache", None)
    if cache is None or _validators.epoch != _epoch:
        cache = _validators.cache = _Cache(32)
        _validators.epoch = _epoch
    return cache


def clear_plan_cache():
    """Forgets every compiled plan, every remembered latest version and every
    prepared call, in every thread (e.g. after editing a schema version in
    place, which the registry never does)."""
    global _epoch
    _epoch += 1
    _plans.clear()
    _latest.clear()


# ------------------------------------------------------- finding the schema

# The latest version of a schema, remembered per schema directory with that
# directory's mtime: publishing a version renames it into the directory,
# which changes the mtime.  A directory modified in the last few seconds is
# always listed again, because a second change within one timestamp tick
# would leave the mtime as it was ("racy git").
_RACY_NS = 3 * 10**9
_latest = {}


def _list_latest(reg, registry, schema):
    """The schema's highest version from the C listing, or None when it
    cannot be told (the load that follows then reports why)."""
    err, perr = new_error()
    handle = _lib.lib().iatk_registry_versions(reg, _lib.encode(registry),
                                               _lib.encode(schema), perr)
    versions = _strings(handle) if handle else []
    return versions[-1] if versions else None


def _latest_version(reg, root, registry, schema):
    """(the latest version, the directory's mtime when it was looked up,
    whether that mtime is settled), the mtime None when it is unknown."""
    directory = os.path.join(root, registry, schema)
    try:
        mtime = os.stat(directory).st_mtime_ns
        settled = time.time_ns() - mtime > _RACY_NS
    except (OSError, ValueError):
        mtime, settled = None, False
    remembered = _latest.get(directory)
    if settled and remembered and remembered[0] == mtime:
        return remembered[1], mtime, settled
    version = _list_latest(reg, registry, schema)
    if settled and version is not None:
        if len(_latest) > 4096:
            _latest.clear()
        _latest[directory] = (mtime, version)
    return version, mtime, settled


def _registry_load(root, registry, schema, version):
    with opened(root) as reg:
        err, perr = new_error()
        handle = _lib.lib().iatk_registry_load(reg, _lib.encode(registry),
                                               _lib.encode(schema), _lib.encode(version), perr)
        return Schema(check_ptr(handle, err))


# How a prepared call (see _Prepared) tells that what it resolved still
# holds: (what, path, expected, settle_ns, cwd).
#  - "mtime": `path` must still have the mtime `expected`, and that mtime
#    must be more than `settle_ns` old.  For the latest version, `path` is
#    the schema's directory, whose mtime the version was looked up under
#    (settled, as _latest_version wants it).  For a given version, it is the
#    registry's directory (settle_ns 0): the tree still holds the registry.
#  - "dir": os.path.isdir(path) (whether the tree holds the registry) must
#    still be `expected`.
#  - "always": nothing can change (a schema text).
# `cwd` is the working directory a relative tree was resolved in, else None.
# None instead of a tuple: every call must resolve again.
_ALWAYS = ("always", None, None, 0, None)


def _resolve_local(reg, registry, schema, version):
    """(cache key, loader, freshness) for a local tree; the version is
    pinned now, so the plan and the validator of one call read the same
    version."""
    root = reg.root
    relative = not os.path.isabs(root)
    cwd = os.getcwd() if relative else None
    root = os.path.abspath(root) if relative else root
    latest = version is None
    with opened(root) as handle:
        if latest:
            version, mtime, settled = _latest_version(handle, root, registry, schema)
    # Whether the tree holds the registry: when it does not, aws.events is
    # the built-in catalogue's, a different document under the same name.
    registry_dir = os.path.join(root, registry)
    own = os.path.isdir(registry_dir)
    key = ("registry", root, own, registry, schema, version) if version is not None else None
    if key is None:
        fresh = None
    elif latest:
        # While the schema's directory keeps its mtime, the latest version is
        # the same and the tree holds the registry (own).  Modified just now,
        # or the catalogue's (no directory): looked up on every call.
        fresh = ("mtime", os.path.join(root, registry, schema), mtime, _RACY_NS, cwd) \
            if settled and own else None
    else:
        fresh = ("dir", registry_dir, own, 0, cwd)
        if own:
            try:  # cheaper to check in the C call than os.path.isdir
                fresh = ("mtime", registry_dir, os.stat(registry_dir).st_mtime_ns, 0, cwd)
            except (OSError, ValueError):
                pass
    return key, lambda: _registry_load(root, registry, schema, version), fresh


def _resolve_remote(reg, registry, schema, version):
    """(cache key, loader, None) for the AWS source: the latest version is
    asked every time (it changes), and the text read pins the version.  The
    key holds the text: the description names the endpoint and profile but
    not the identity, and two accounts reached with different keys from one
    process hold different schemas under the same names."""
    content, schema_type, number = reg.read(registry, schema, version)
    origin = f"{registry}/{schema}/{number}/schema.json"
    key = ("aws", reg.description, registry, schema, number, schema_type, content)
    return key, lambda: Schema.from_text(content, schema_type, origin), None


def _resolve_registry(reg, registry, schema, version):
    if reg.root is not None:
        return _resolve_local(reg, registry, schema, version)
    return _resolve_remote(reg, registry, schema, version)


def _resolve(source):
    """(cache key or None, a function loading the Schema, freshness: how a
    prepared call checks that this still holds, or None) for a source."""
    kind, args = source[0], source[1:]
    if kind == "registry":
        return _resolve_registry(*args)
    text_or_path, schema_type = args
    if kind == "text":
        return ("text", schema_type, text_or_path), \
            lambda: Schema.from_text(text_or_path, schema_type), _ALWAYS
    # Files change under our feet: loaded afresh every time.
    return None, lambda: Schema.from_file(text_or_path, schema_type), None


def _compile(load, event_ref):
    with load() as document:
        return document.compile(event_ref)


def _validator(load, event_ref):
    with load() as document:
        return document.validator(event_ref)


# ----------------------------------------------------------------- contexts

def _context_name(ctx):
    return getattr(ctx, "__name__", None) or repr(ctx)


def _check_context_result(event, ctx):
    if event is None:
        raise IatkException("event is empty, make sure function returns a valid event",
                            CONTEXT_EMPTY)
    try:
        json.dumps(event, allow_nan=False)
    except (TypeError, ValueError, RecursionError):
        raise IatkException(f"context applier {_context_name(ctx)} returns a "
                            "non-JSON-serializable result", CONTEXT_NOT_SERIALIZABLE) from None


def _check_contexts(contexts):
    if contexts is None:
        return []
    if callable(contexts) or isinstance(contexts, (str, bytes, dict)):
        raise invalid("contexts must be a list of callables")
    contexts = list(contexts)
    for ctx in contexts:
        if not callable(ctx):
            raise invalid(f"context {ctx!r} is not callable")
    return contexts


# ------------------------------------------------------------------ request

_OWN = object()  # _Request._finish: the request's own region


@dataclasses.dataclass
class _Request:
    """One generate (or validate) call, checked."""

    source: tuple
    event_ref: object = None
    mode: object = None
    seed: object = None
    skip_optional: object = None
    now: object = None
    contexts: list = dataclasses.field(default_factory=list)
    validate: bool = False
    region: object = None  # the client's: the EventBridge envelope's region

    def __post_init__(self):
        _parse_mode(self.mode)
        _check_seed(self.seed)
        # AwsIatk is the drop-in: True means AWS IATK's skip_optional.
        self.skip_optional = skip_optional_rule(self.skip_optional, default="aws")
        self.now = format_now(self.now)
        self.contexts = _check_contexts(self.contexts)
        self.key, self.load, self.fresh = _resolve(self.source)

    def plan(self):
        key = self.key and (*self.key, self.event_ref)
        return _plans.get(key, lambda: _compile(self.load, self.event_ref))

    def validator(self):
        key = self.key and (*self.key, self.event_ref)
        return _thread_validators().get(key, lambda: _validator(self.load, self.event_ref))

    def events(self, start, count):
        """Yields the events; the plan is compiled before the first yield."""
        plan = self.plan()
        return self._generate(plan, start, count)

    def _generate(self, plan, start, count):
        with Generator(plan, mode=self.mode, seed=self.seed,
                       skip_optional=self.skip_optional, now=self.now) as gen:
            index = start
            while count is None or index < start + count:
                yield self._finish(plan, json.loads(gen.text(index)), index)
                index += 1

    def _finish(self, plan, event, index, contexts=None, validate=None, region=_OWN):
        """Applies the contexts and the validation (the request's own, or
        those given) to a generated event; the EventBridge region is the
        request's unless given (a prepared request serves every client)."""
        region = self.region if region is _OWN else region
        for ctx in self.contexts if contexts is None else contexts:
            if ctx is eventbridge_event_context:
                event = run_eventbridge(event, plan, self.now, self.seed, index, region)
            else:
                event = ctx(event)
            _check_context_result(event, ctx)
        if self.validate if validate is None else validate:
            self.validator().validate(event)
        return event


# ---------------------------------------------------------- prepared calls

_U64 = 2**64
# The prepared calls of each thread: .calls {key: _Prepared}, filled under
# .epoch.  Shared by every AwsIatk (the key holds what an instance adds), so
# a new instance per call, as tests often write it, finds them too.  Each
# holds a C generator: all are dropped when there would be more than
# _PREPARED_PER_THREAD, and one whose event is larger than _PREPARED_TEXT,
# or whose generation failed, is not kept (its generator's buffers would be
# as large).
_prepared = threading.local()
_PREPARED_PER_THREAD = 64
_PREPARED_TEXT = 1 << 20
_NO_KEY = object()
_CHANGED = _lib.HEADER["IATK_GEN_CHANGED"]
_SETTLE = ctypes.c_int64(_RACY_NS)
_ZERO = ctypes.c_int64(0)  # mtime and settle_ns when there is no path to check
# iatk_gen_event_if_unchanged without argtypes (its own function object, so
# the library's declared one is untouched): every argument is passed as an
# object of its exact C type (c_void_p, bytes or None for the path,
# c_int64, c_uint64, byref, None), which ctypes passes without converting.
_gen_event = None
_scan = json.JSONDecoder().scan_once  # json.loads' parser, without its wrapping
# os.environ's own mapping, read without encoding the names on every call;
# None where os.environ is not CPython's (os.environ.get then).
try:
    _ENV_KEYS = (os.environ.encodekey("IATK_REGISTRY_DIR"), os.environ.encodekey("IATK_SOURCE"))
    os.environ._data  # noqa: B018 (checks that the attribute exists)
except AttributeError:
    _ENV_KEYS = None


def _env_key():
    """($IATK_REGISTRY_DIR, $IATK_SOURCE), which take part in the choice of
    the source: a part of a prepared call's key."""
    if _ENV_KEYS is not None:
        data = os.environ._data
        return data.get(_ENV_KEYS[0]), data.get(_ENV_KEYS[1])
    return os.environ.get("IATK_REGISTRY_DIR"), os.environ.get("IATK_SOURCE")


def _now_key(now):
    """``now`` as it reaches the generator (RFC 3339 bytes), or _NO_KEY when
    it is not a valid value (the call then reports it as it always did).  A
    datetime is keyed by its text: equal datetimes in two time zones give
    different events, and a naive one depends on the local time zone."""
    if not isinstance(now, datetime.datetime):
        return _NO_KEY
    try:
        return format_now(now)
    except Exception:  # noqa: BLE001 (reported by the checked path)
        return _NO_KEY


class _Prepared:
    """A generate_mock_event call made ready to repeat on one thread: the
    checked request, its plan, a C generator configured with its mode, seed,
    skip_optional and now, the output parameters of the foreign call, and
    how to check that what the request resolved still holds.

    Each thread keeps its own (_prepared is a threading.local), so a
    generator is never used by two threads.  ``busy`` keeps a call that
    re-enters on the same thread (a signal handler, a finalizer) off a
    generator whose output has not been read yet."""

    __slots__ = ("request", "plan", "gen", "handle", "index", "text", "ptext", "err", "perr",
                 "what", "path", "expected", "cwd", "stat_path", "mtime", "settle", "checked",
                 "epoch", "busy")

    def __init__(self, request, plan, gen=None):
        global _gen_event
        if _gen_event is None:
            fn = _lib.lib()["iatk_gen_event_if_unchanged"]  # a new function object
            fn.restype = ctypes.c_int
            _gen_event = fn
        self.request, self.plan = request, plan
        self.gen = gen or Generator(plan, mode=request.mode, seed=request.seed,
                                    skip_optional=request.skip_optional, now=request.now)
        self.handle = ctypes.c_void_p(self.gen._handle)
        self.index = ctypes.c_uint64()
        self.text = ctypes.c_char_p()
        self.ptext = ctypes.byref(self.text)
        self.err, self.perr = new_error()
        self.what, self.path, self.expected, settle_ns, self.cwd = request.fresh
        # The C call checks an mtime itself, in the same foreign call as the
        # event (os.stat costs more than the event).  ``checked``: that is
        # the only check to make, usable() has nothing to add.
        self.stat_path, self.mtime, self.settle = None, _ZERO, _ZERO
        if self.what == "mtime":
            self.stat_path = os.fsencode(self.path)
            self.mtime = ctypes.c_int64(self.expected)
            self.settle = _SETTLE if settle_ns == _RACY_NS else ctypes.c_int64(settle_ns)
        self.checked = self.what == "mtime" and self.cwd is None
        self.epoch = _epoch
        self.busy = False

    def usable(self):
        """Whether this call may still be answered here: not when the caches
        were cleared, when it is in use further up this thread's stack, or
        when a check the C call does not make fails (the working directory a
        relative tree was resolved in changed; the tree gained or lost the
        registry)."""
        if self.epoch != _epoch or self.busy:
            return False
        if self.cwd is not None and os.getcwd() != self.cwd:
            return False
        if self.what == "dir":
            return os.path.isdir(self.path) == self.expected
        return True

    def text_of(self, index):
        """Event number ``index`` as JSON text (str), without checking the
        tree (just resolved).  generate_mock_event writes out the call that
        checks it."""
        self.busy = True
        try:
            self.index.value = index
            rc = _gen_event(self.handle, None, _ZERO, _ZERO, self.index, self.ptext, None,
                            self.perr)
            if rc:
                self.fail(rc)
            return self.text.value.decode("utf-8")
        finally:
            self.busy = False

    def fail(self, rc):
        """Raises the error the C call filled; the next call gets a cleared
        iatk_error (the first error written to one wins)."""
        err = self.err
        self.err, self.perr = new_error()
        check_rc(rc, err)


def _check_index(name, value):
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value < 2**64:
        raise invalid(f"{name} must be an integer in [0, 2**64), not {value!r}")
    return value


def _version_text(version):
    if version is None or version == "":
        return None
    if isinstance(version, bool) or not isinstance(version, (str, int)):
        raise invalid(f"schema_version must be a string or an integer, not {version!r}")
    return str(version)


def _source(registry, registry_name, schema_name, schema_version, schema_file,
            schema_text, schema_type):
    """Where the schema comes from: ("registry"|"text"|"file", args...)."""
    if schema_file is not None and schema_text is not None:
        raise invalid("give schema_file or schema_text, not both")
    if schema_file is not None or schema_text is not None:
        if registry_name is not None or schema_name is not None:
            raise invalid("give registry_name/schema_name or schema_file/schema_text, not both")
        if schema_text is not None:
            return ("text", schema_text, schema_type)
        return ("file", os.fspath(schema_file), schema_type)
    for name, value in (("registry_name", registry_name), ("schema_name", schema_name)):
        if not isinstance(value, str) or not value:
            raise invalid(f"{name} is required (a non-empty string)")
    return ("registry", registry(), registry_name, schema_name, _version_text(schema_version))


class AwsIatk:
    """AWS IATK's entry point, answered by libiatk.

    Schemas come from the local registry tree ``registry_dir`` (None:
    ``$IATK_REGISTRY_DIR``) when one is configured, and otherwise from the
    EventBridge schema registry in ``region`` with ``profile``'s credentials
    (None: the AWS CLI's chain), as AWS IATK reads them.  ``source`` ("local"
    or "aws"; None: ``$IATK_SOURCE`` or that rule) and ``endpoint_url``
    (e.g. an ``iatk registry serve``) say otherwise.  Fetched versions are
    cached on disk; the latest version is asked of AWS on every call.
    ``region`` is also the region the EventBridge context writes into
    events (None: $AWS_REGION, $AWS_DEFAULT_REGION, else us-east-1).
    """

    def __init__(self, region=None, profile=None, registry_dir=None, *, source=None,
                 endpoint_url=None):
        self.region = region
        self.profile = profile
        self.registry_dir = os.fspath(registry_dir) if registry_dir is not None else None
        self.source = source
        self.endpoint_url = endpoint_url
        self._registries = {}
        self._registries_lock = threading.Lock()
        self._aws = consumers.AwsHandle(profile, region, endpoint_url)

    def _registry_for(self, registry_dir):
        """The Registry serving ``registry_dir`` (None: the instance's), kept
        for the instance's life so AWS credentials are resolved once."""
        if registry_dir is None:
            registry_dir = self.registry_dir
        # The environment takes part in the choice of source: a change to
        # it must reach the next call, as it did when nothing was kept.
        key = (registry_dir, os.environ.get("IATK_REGISTRY_DIR"), os.environ.get("IATK_SOURCE"))
        with self._registries_lock:
            reg = self._registries.get(key)
            if reg is None:
                reg = Registry(registry_dir, source=self.source, region=self.region,
                               profile=self.profile, endpoint_url=self.endpoint_url)
                if len(self._registries) > 64:
                    self._registries.clear()
                self._registries[key] = reg
            return reg

    def send_events(self, events, event_bus=None, queue_url=None, stream=None,
                    lambda_async=None, *, endpoint_url=None, partition_key=None,
                    concurrency=None, rate=None, max_attempts=None):
        """Delivers ``events`` (dicts or JSON text) to one target: an
        EventBridge bus (name or ARN), an SQS queue URL, a Kinesis stream,
        or a Lambda function invoked asynchronously (``lambda_async``),
        with the instance's region and profile.  Returns a
        ``SendEventsOutput`` (sent, failed: [FailedEvent], retried,
        seconds); failed events are returned, not raised.  See
        docs/send.md for batching, retries and at-least-once delivery.
        ``endpoint_url`` is where the requests go (None: the AWS chain's
        endpoint for the service; not the instance's Schemas endpoint)."""
        from .sender import send_events
        return send_events(events, event_bus=event_bus, queue_url=queue_url, stream=stream,
                           lambda_async=lambda_async, region=self.region,
                           profile=self.profile, endpoint_url=endpoint_url,
                           partition_key=partition_key, concurrency=concurrency, rate=rate,
                           max_attempts=max_attempts)

    def generate_mock_event(self, registry_name=None, schema_name=None, schema_version=None,
                            event_ref=None, skip_optional=None, contexts=None, *,
                            mode=None, seed=None, now=None, index=0, validate=False,
                            registry_dir=None, schema_file=None, schema_text=None,
                            schema_type=None):
        """Generates one mock event; returns ``GenerateMockEventOutput``.

        AWS IATK's parameters first, with its meanings: ``skip_optional=True``
        drops the properties an object's ``required`` list leaves out, and an
        object without a ``required`` list keeps all of its properties
        (``skip_optional="schema"`` gives JSON Schema's meaning instead, where
        such an object is {}).  iatk's: ``mode`` ("barebone" default,
        "sample", "random"), ``seed`` (random mode), ``now`` (pins the clock:
        RFC 3339 text or a datetime), ``index`` (which event of the seeded
        sequence), ``validate`` (check the final event, after the contexts,
        against the schema), ``registry_dir`` (overrides the instance's),
        ``schema_file``/``schema_text`` with ``schema_type`` (a schema outside
        any registry, instead of registry_name/schema_name).
        """
        # A call repeated on this thread reuses what the first one prepared.
        # The key holds every argument that decides the event but contexts
        # and validate (applied afterwards), and what else picks the source.
        # The guards keep out values that equal others of another meaning
        # (True == 1 as a seed, one instant in two time zones), so that such
        # calls are checked as they always were.
        prepared = key = text = None
        if (schema_file is None and type(index) is int and 0 <= index < _U64
                and (seed is None or type(seed) is int)
                and (event_ref is None or type(event_ref) is str)
                and (schema_version is None or type(schema_version) is str
                     or type(schema_version) is int)):
            now_key = now
            if now is not None and type(now) is not str and type(now) is not bytes:
                now_key = _now_key(now)
            try:
                if now_key is not _NO_KEY:
                    if _ENV_KEYS is None:
                        env = _env_key()
                    else:  # _env_key(), written out
                        data = os.environ._data
                        env = (data.get(_ENV_KEYS[0]), data.get(_ENV_KEYS[1]))
                    key = (registry_name, schema_name, schema_version, event_ref,
                           skip_optional, mode, seed, now_key, registry_dir, schema_text,
                           schema_type, self.registry_dir, self.source, env)
                    prepared = _prepared.calls[key]
            except (AttributeError, KeyError, TypeError):  # TypeError: unhashable
                pass
        if prepared is not None and (prepared.checked and prepared.epoch == _epoch
                                     and not prepared.busy or prepared.usable()):
            if contexts is not None:
                contexts = _check_contexts(contexts)
            # prepared.text_of(index), with the check of the tree
            prepared.busy = True
            try:
                prepared.index.value = index
                rc = _gen_event(prepared.handle, prepared.stat_path, prepared.mtime,
                                prepared.settle, prepared.index, prepared.ptext, None,
                                prepared.perr)
                if rc == 0:
                    text = prepared.text.value.decode("utf-8")
                elif rc != _CHANGED:
                    _prepared.calls.pop(key, None)  # its buffers may have grown large
                    prepared.fail(rc)
            finally:
                prepared.busy = False
        if text is None:  # a first call, or one that must be resolved again
            _check_index("index", index)
            request = self._request(locals())
            contexts = request.contexts
            prepared = self._prepare(key, request, prepared)
            if prepared is None:  # resolved again on every call
                events = request.events(index, 1)
                try:
                    return GenerateMockEventOutput(event=next(events))
                finally:
                    events.close()  # frees the C generator now
            try:
                text = prepared.text_of(index)
            except BaseException:
                _prepared.calls.pop(key, None)  # its buffers may have grown large
                raise
        try:  # json.loads(text), without its wrapping
            event, end = _scan(text, 0)
            if end != len(text):
                event = json.loads(text)  # raises as json.loads does
        except StopIteration:
            event = json.loads(text)
        if len(text) > _PREPARED_TEXT:
            _prepared.calls.pop(key, None)  # frees the generator's large buffers now
        if contexts or validate:
            event = prepared.request._finish(prepared.plan, event, index, contexts or [],
                                             bool(validate), self.region)
        return GenerateMockEventOutput(event=event)

    def _prepare(self, key, request, old):
        """A _Prepared for ``request``, kept under ``key`` for this thread;
        None when the request must be resolved on every call (a schema file,
        AWS, a directory modified in the last seconds)."""
        if key is None or request.fresh is None:
            return None
        plan = request.plan()
        reuse = old is not None and old.plan is plan and not old.busy
        prepared = _Prepared(request, plan, old.gen if reuse else None)
        # Each call passes its own contexts and validate: keep none alive.
        request.contexts, request.validate = [], False
        calls = getattr(_prepared, "calls", None)
        if calls is None or _prepared.epoch != _epoch or len(calls) >= _PREPARED_PER_THREAD:
            calls = _prepared.calls = {}
            _prepared.epoch = _epoch
        calls[key] = prepared
        return prepared

    def generate_mock_events(self, registry_name=None, schema_name=None, schema_version=None,
                             event_ref=None, skip_optional=None, contexts=None, *,
                             count=None, start=0, mode=None, seed=None, now=None,
                             validate=False, registry_dir=None, schema_file=None,
                             schema_text=None, schema_type=None):
        """Yields the events ``start``, ``start + 1``, … (``count`` of them, or
        without end when None) as dicts, contexts applied to each.  The schema
        is compiled once, before this returns."""
        if count is not None:
            _check_index("count", count)
        return self._request(locals()).events(_check_index("start", start), count)

    def validate_event(self, event, registry_name=None, schema_name=None, schema_version=None,
                       event_ref=None, *, registry_dir=None, schema_file=None,
                       schema_text=None, schema_type=None):
        """Checks ``event`` (a dict or JSON text) against the schema: returns
        None when valid, raises IatkException (``iatk_name`` IATK_EINVALID,
        ``where`` locating the failure) when not."""
        self._request(locals()).validator().validate(event)

    def _request(self, args):
        source = _source(lambda: self._registry_for(args["registry_dir"]),
                         args["registry_name"], args["schema_name"],
                         args["schema_version"], args["schema_file"], args["schema_text"],
                         args["schema_type"])
        return _Request(source=source, event_ref=args["event_ref"], mode=args.get("mode"),
                        seed=args.get("seed"), skip_optional=args.get("skip_optional"),
                        now=args.get("now"), contexts=args.get("contexts"),
                        validate=bool(args.get("validate")), region=self.region)

    def invoke(self, event, *, lambda_=None, state_machine=None, handler=None, runtime=None,
               timeout=None, qualifier=None, asynchronous=False, log_tail=False, sync=False,
               name=None, function_name=None, memory_size=None, region=None, env=None,
               handler_settings=None):
        """Delivers ``event`` (a dict, or JSON text) to one consumer and
        returns a :class:`consumers.InvokeOutput` whose ``payload`` is its
        answer read as JSON.

        * ``lambda_``: a Lambda function (name, partial or full ARN, with an
          optional ``:QUALIFIER``; ``qualifier`` appends one), invoked with
          ``asynchronous`` (InvocationType Event) and ``log_tail``; the answer
          is waited for ``timeout`` seconds (None: 15.5 minutes, as long as
          a function may run).  Past it IATK_ENETWORK is raised and the
          invoke is not sent again: the function may have run.
        * ``state_machine``: a state machine ARN; StartExecution (execution
          ``name`` optional), then DescribeExecution until it ends, at most
          ``timeout`` seconds (None: 60, 0: no limit; past it the execution
          is left running); ``sync`` uses StartSyncExecution.
        * ``handler="dir/index.lambdaHandler"`` with ``runtime="nodejs"`` or
          ``"python"``: the Lambda handler runs locally, as ``iatk invoke
          --handler`` runs it; ``timeout`` (seconds, default 3),
          ``function_name``, ``memory_size``, ``region`` (default: the
          instance's, else $AWS_REGION, else us-east-1), ``env`` (a dict added
          to the function's environment) and ``handler_settings`` (any other
          iatk_handler_set name: value) shape its context.

        The AWS settings are the instance's ``region``, ``profile`` and
        ``endpoint_url``.  A consumer that fails raises IatkException with
        ``iatk_name`` IATK_ECONSUMER (IATK_ETIMEOUT for a timeout) and
        ``error_type``/``error_message`` from the function's errorType and
        errorMessage (a local handler's also ``trace`` and ``payload``), or
        the execution's error and cause; AWS refusals raise IATK_EAWS.
        """
        chosen = [k for k, v in (("lambda_", lambda_), ("state_machine", state_machine),
                                 ("handler", handler)) if v is not None]
        if len(chosen) != 1:
            raise invalid("invoke needs exactly one consumer: lambda_=, state_machine= "
                          "or handler=")
        if handler is not None:
            return self._invoke_handler(event, handler, runtime, timeout, function_name,
                                        memory_size, region, env, handler_settings)
        text = consumers.event_text(event)
        if lambda_ is not None:
            if sync or name is not None:
                raise invalid("sync and name apply to state_machine only")
            return consumers.invoke_lambda(self._aws, text, lambda_, qualifier=qualifier,
                                           asynchronous=asynchronous, log_tail=log_tail,
                                           timeout=timeout)
        if qualifier is not None or asynchronous or log_tail:
            raise invalid("qualifier, asynchronous and log_tail apply to lambda_ only")
        return consumers.run_state_machine(self._aws, text, state_machine, name=name,
                                           sync=sync, timeout=timeout)

    def _invoke_handler(self, event, handler, runtime, timeout, function_name, memory_size,
                        region, env, handler_settings):
        if runtime is None:
            raise invalid("handler= needs runtime= ('nodejs' or 'python')")
        settings = settings_of(timeout, function_name, memory_size, region or self.region,
                               env, handler_settings)
        text = invoke_handler(event, handler, runtime, settings)
        return consumers.InvokeOutput(payload=json.loads(text), text=text)

    def registry(self):
        """The registry this instance reads, as a new :class:`Registry`."""
        return Registry(self.registry_dir, source=self.source, region=self.region,
                        profile=self.profile, endpoint_url=self.endpoint_url)
