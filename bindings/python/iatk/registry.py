"""Schema registries: a local tree (the offline counterpart of the
EventBridge schema registry, see docs/registry.md for its layout) or the
EventBridge schema registry itself, through the AWS Schemas API."""
import contextlib
import ctypes
import os
import threading

from . import _lib
from .exceptions import check_ptr, check_rc, invalid, new_error
from .schema import Schema


def _strings(handle):
    """Copies an iatk_strlist into a Python list and frees it."""
    lib = _lib.lib()
    try:
        return [_lib.decode(lib.iatk_strlist_get(handle, i))
                for i in range(lib.iatk_strlist_count(handle))]
    finally:
        lib.iatk_strlist_free(handle)


def _open(root_dir):
    """A new C handle on the local tree ``root_dir`` (None means
    ``$IATK_REGISTRY_DIR``), with the built-in aws.events catalogue layered
    over it as iatk_registry_open_source layers it."""
    return _open_source("local", root_dir, None, None, None)


def _open_source(source, root_dir, profile, region, endpoint_url):
    """A C handle on the source iatk_registry_open_source picks: ``source``
    "local" or "aws"; None means ``$IATK_SOURCE``, else the local tree when
    one is configured and AWS when none is."""
    root = os.fspath(root_dir) if root_dir is not None else None
    err, perr = new_error()
    handle = _lib.lib().iatk_registry_open_source(
        _lib.encode(source), _lib.encode(root), _lib.encode(profile), _lib.encode(region),
        _lib.encode(endpoint_url), perr)
    return check_ptr(handle, err)


@contextlib.contextmanager
def opened(root_dir=None):
    """A C registry handle for the duration of a ``with`` block."""
    handle = _open(root_dir)
    try:
        yield handle
    finally:
        _lib.lib().iatk_registry_free(handle)


class Registry(_lib.Owned):
    """A schema registry: a local tree ``ROOT/<registry>/<schema>/<version>/``
    or, with ``source="aws"``, the EventBridge schema registry.

    ``root_dir`` None means ``$IATK_REGISTRY_DIR``.  The root need not exist:
    creating a registry or putting a schema creates it.  ``source`` None
    keeps the local tree when ``root_dir`` or ``$IATK_REGISTRY_DIR`` names
    one, and reads AWS otherwise (``$IATK_SOURCE`` overrides);
    ``region``, ``profile`` and ``endpoint_url`` configure the AWS client
    (None: the AWS CLI's chain).  Methods may be called from several threads
    (calls on one object are serialised)."""

    _free = "iatk_registry_free"

    def __init__(self, root_dir=None, *, source=None, region=None, profile=None,
                 endpoint_url=None):
        self._lock = threading.Lock()
        self._handle = None
        self._handle = _open_source(source, root_dir, profile, region, endpoint_url)

    @property
    def root(self):
        """The local tree's root directory, as given; None for AWS."""
        with self._lock:
            return _lib.decode(_lib.lib().iatk_registry_root(self._live()))

    @property
    def description(self):
        """Where this registry reads and writes ("local registry DIR",
        "AWS Schemas API at URL ...")."""
        with self._lock:
            return _lib.decode(_lib.lib().iatk_registry_describe(self._live()))

    @property
    def served_by(self):
        """What answered the last read: the description, or for aws.events
        served by the built-in catalogue "the built-in aws.events catalogue
        in DIR"."""
        with self._lock:
            return _lib.decode(_lib.lib().iatk_registry_served_by(self._live()))

    def read(self, registry, schema, version=None):
        """A version (None: the latest) exactly as stored: returns
        ``(content, type, version)`` with content as str."""
        version = None if version is None else str(version)
        size, kind, number = ctypes.c_size_t(), ctypes.c_char_p(), ctypes.c_int()
        err, perr = new_error()
        with self._lock:
            ptr = _lib.lib().iatk_registry_read(
                self._live(), _lib.encode(registry), _lib.encode(schema), _lib.encode(version),
                ctypes.byref(size), ctypes.byref(kind), ctypes.byref(number), perr)
            check_ptr(ptr, err)
        try:
            content = ctypes.string_at(ptr, size.value).decode("utf-8")
        finally:
            _lib.lib().iatk_free(ptr)
        return content, _lib.decode(kind.value), number.value

    def create(self, registry):
        """Creates an empty registry; IatkException (EEXIST) if it exists."""
        self._call_rc(_lib.lib().iatk_registry_create, _lib.encode(registry))

    def put(self, registry, schema, content, type=None):
        """Stores ``content`` (str or bytes) as the schema's next version and
        returns its number.  ``type`` None means detect."""
        data = _lib.encode(content)
        version = ctypes.c_int()
        self._call_rc(_lib.lib().iatk_registry_put, _lib.encode(registry), _lib.encode(schema),
                      _lib.encode(type), data, len(data), ctypes.byref(version))
        return version.value

    def list(self, registry=None):
        """The registries (``registry`` None) or a registry's schemas, sorted."""
        return _strings(self._call_ptr(_lib.lib().iatk_registry_list, _lib.encode(registry)))

    def versions(self, registry, schema):
        """A schema's versions, as strings in ascending numeric order."""
        return _strings(self._call_ptr(_lib.lib().iatk_registry_versions,
                                       _lib.encode(registry), _lib.encode(schema)))

    def load(self, registry, schema, version=None):
        """Loads a version (None: the latest) as a :class:`Schema`."""
        version = None if version is None else str(version)
        return Schema(self._call_ptr(_lib.lib().iatk_registry_load, _lib.encode(registry),
                                     _lib.encode(schema), _lib.encode(version)))

    def _call_ptr(self, fn, *args):
        err, perr = new_error()
        with self._lock:
            return check_ptr(fn(self._live(), *args, perr), err)

    def _call_rc(self, fn, *args):
        err, perr = new_error()
        with self._lock:
            check_rc(fn(self._live(), *args, perr), err)

    def _live(self):
        if self._handle is None:
            raise invalid("the registry is closed")
        return self._handle

