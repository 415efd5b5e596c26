"""AwsIatk: AWS IATK's ``generate_mock_event`` over libiatk.

Each call finds the schema (a local registry tree, or a schema file/text),
compiles it into a plan (cached: plans are immutable and thread-safe),
generates an event with a fresh C generator and applies the Python contexts
in order.  Nothing is shared between calls but the plan cache, so calls may
run concurrently from any number of threads.
"""
import collections
import dataclasses
import json
import os
import threading
import time

from . import _lib
from .context_generation import eventbridge_event_context, run_eventbridge
from .exceptions import (CONTEXT_EMPTY, CONTEXT_NOT_SERIALIZABLE, IatkException,
                         check_ptr, invalid, new_error)
from .registry import Registry, _strings, opened
from .schema import Generator, Schema, _check_seed, _parse_mode, format_now

__all__ = ["AwsIatk", "GenerateMockEventOutput", "clear_plan_cache"]


@dataclasses.dataclass
class GenerateMockEventOutput:
    """What ``generate_mock_event`` returns: ``event`` is the mock event."""

    event: dict


class _PlanCache:
    """A bounded LRU of compiled plans.  Registry versions are immutable, so a
    (root, registry, schema, version, event_ref) key never goes stale."""

    def __init__(self, size=128):
        self._size = size
        self._plans = collections.OrderedDict()
        self._lock = threading.Lock()

    def get(self, key, build):
        with self._lock:
            plan = self._plans.get(key)
            if plan is not None:
                self._plans.move_to_end(key)
                return plan
        plan = build()  # outside the lock: compiling may take a while
        with self._lock:
            plan = self._plans.setdefault(key, plan)
            while len(self._plans) > self._size:
                self._plans.popitem(last=False)  # users keep their own references
        return plan

    def clear(self):
        with self._lock:
            self._plans.clear()


_plans = _PlanCache()


def clear_plan_cache():
    """Forgets every compiled plan and every remembered latest version (e.g.
    after editing a schema version in place, which the registry never does)."""
    _plans.clear()
    _latest.clear()


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
    directory = os.path.join(root, registry, schema)
    try:
        mtime = os.stat(directory).st_mtime_ns
        settled = time.time_ns() - mtime > _RACY_NS
    except (OSError, ValueError):
        mtime, settled = None, False
    remembered = _latest.get(directory)
    if settled and remembered and remembered[0] == mtime:
        return remembered[1]
    version = _list_latest(reg, registry, schema)
    if settled and version is not None:
        if len(_latest) > 4096:
            _latest.clear()
        _latest[directory] = (mtime, version)
    return version


def _root_key(reg):
    root = _lib.decode(_lib.lib().iatk_registry_root(reg))
    return root if os.path.isabs(root) else os.path.abspath(root)


def _load_and_compile(reg, registry, schema, version, event_ref):
    err, perr = new_error()
    handle = _lib.lib().iatk_registry_load(reg, _lib.encode(registry), _lib.encode(schema),
                                           _lib.encode(version), perr)
    with Schema(check_ptr(handle, err)) as document:
        return document.compile(event_ref)


def _registry_plan(root_dir, registry, schema, version, event_ref):
    with opened(root_dir) as reg:
        root = _root_key(reg)
        if version is None:
            version = _latest_version(reg, root, registry, schema)
        if version is None:
            return _load_and_compile(reg, registry, schema, None, event_ref)
        key = ("registry", root, registry, schema, version, event_ref)
        return _plans.get(key, lambda: _load_and_compile(reg, registry, schema, version,
                                                         event_ref))


def _text_plan(text, schema_type, event_ref):
    key = ("text", schema_type, text, event_ref)
    return _plans.get(key, lambda: Schema.from_text(text, schema_type).compile(event_ref))


def _file_plan(path, schema_type, event_ref):
    # Files change under our feet: compiled afresh every time.
    with Schema.from_file(path, schema_type) as document:
        return document.compile(event_ref)


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


@dataclasses.dataclass
class _Request:
    """One generate call, checked; ``plan`` is filled by ``compile``."""

    source: tuple
    mode: object = None
    seed: object = None
    skip_optional: bool = False
    now: object = None
    contexts: list = dataclasses.field(default_factory=list)
    plan: object = None

    def check(self):
        _parse_mode(self.mode)
        _check_seed(self.seed)
        format_now(self.now)
        self.contexts = _check_contexts(self.contexts)
        return self

    def compile(self):
        kind, *args = self.source
        build = {"registry": _registry_plan, "text": _text_plan, "file": _file_plan}[kind]
        self.plan = build(*args)
        return self

    def events(self, start, count):
        with Generator(self.plan, mode=self.mode, seed=self.seed,
                       skip_optional=self.skip_optional, now=self.now) as gen:
            index = start
            while count is None or index < start + count:
                yield self.enrich(json.loads(gen.text(index)), index)
                index += 1

    def enrich(self, event, index):
        now = format_now(self.now)
        for ctx in self.contexts:
            if ctx is eventbridge_event_context:
                event = run_eventbridge(event, self.plan, now, self.seed, index)
            else:
                event = ctx(event)
            _check_context_result(event, ctx)
        return event


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


def _source(registry_dir, registry_name, schema_name, schema_version, event_ref,
            schema_file, schema_text, schema_type):
    """Where the schema comes from, as ("registry"|"text"|"file", args...)."""
    if schema_file is not None and schema_text is not None:
        raise invalid("give schema_file or schema_text, not both")
    if schema_file is not None or schema_text is not None:
        if registry_name is not None or schema_name is not None:
            raise invalid("give registry_name/schema_name or schema_file/schema_text, not both")
        if schema_text is not None:
            return ("text", schema_text, schema_type, event_ref)
        return ("file", os.fspath(schema_file), schema_type, event_ref)
    for name, value in (("registry_name", registry_name), ("schema_name", schema_name)):
        if not isinstance(value, str) or not value:
            raise invalid(f"{name} is required (a non-empty string)")
    return ("registry", registry_dir, registry_name, schema_name,
            _version_text(schema_version), event_ref)


class AwsIatk:
    """AWS IATK's entry point, answered by libiatk.

    ``region`` and ``profile`` are accepted for compatibility and kept as
    attributes; schemas come from the local registry tree ``registry_dir``
    (None: ``$IATK_REGISTRY_DIR``), so they are not used.
    """

    def __init__(self, region=None, profile=None, registry_dir=None):
        self.region = region
        self.profile = profile
        self.registry_dir = os.fspath(registry_dir) if registry_dir is not None else None

    def generate_mock_event(self, registry_name=None, schema_name=None, schema_version=None,
                            event_ref=None, skip_optional=None, contexts=None, *,
                            mode=None, seed=None, now=None, index=0, registry_dir=None,
                            schema_file=None, schema_text=None, schema_type=None):
        """Generates one mock event; returns ``GenerateMockEventOutput``.

        AWS IATK's parameters first.  iatk's: ``mode`` ("barebone" default,
        "sample", "random"), ``seed`` (random mode), ``now`` (pins the clock:
        RFC 3339 text or a datetime), ``index`` (which event of the seeded
        sequence), ``registry_dir`` (overrides the instance's),
        ``schema_file``/``schema_text`` with ``schema_type`` (a schema outside
        any registry, instead of registry_name/schema_name).
        """
        request = self._request(locals())
        for event in request.events(_check_index("index", index), 1):
            return GenerateMockEventOutput(event=event)

    def generate_mock_events(self, registry_name=None, schema_name=None, schema_version=None,
                             event_ref=None, skip_optional=None, contexts=None, *,
                             count=None, start=0, mode=None, seed=None, now=None,
                             registry_dir=None, schema_file=None, schema_text=None,
                             schema_type=None):
        """Yields the events ``start``, ``start + 1``, … (``count`` of them, or
        without end when None) as dicts, contexts applied to each.  The schema
        is compiled once, before the first event is asked for."""
        if count is not None:
            _check_index("count", count)
        return self._request(locals()).events(_check_index("start", start), count)

    def _request(self, args):
        registry_dir = args["registry_dir"]
        if registry_dir is None:
            registry_dir = self.registry_dir
        source = _source(registry_dir, args["registry_name"], args["schema_name"],
                         args["schema_version"], args["event_ref"], args["schema_file"],
                         args["schema_text"], args["schema_type"])
        request = _Request(source=source, mode=args["mode"], seed=args["seed"],
                           skip_optional=bool(args["skip_optional"]), now=args["now"],
                           contexts=args["contexts"])
        return request.check().compile()

    def registry(self):
        """The local registry this instance reads, as a :class:`Registry`."""
        return Registry(self.registry_dir)
