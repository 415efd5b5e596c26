"""Local schema registries: the offline counterpart of the EventBridge
schema registry (see docs/registry.md for the tree's layout)."""
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
    """A new C registry handle; ``root_dir`` None means ``$IATK_REGISTRY_DIR``."""
    root = _lib.encode(os.fspath(root_dir)) if root_dir is not None else None
    err, perr = new_error()
    return check_ptr(_lib.lib().iatk_registry_open(root, perr), err)


@contextlib.contextmanager
def opened(root_dir=None):
    """A C registry handle for the duration of a ``with`` block."""
    handle = _open(root_dir)
    try:
        yield handle
    finally:
        _lib.lib().iatk_registry_free(handle)


class Registry(_lib.Owned):
    """A local registry tree: ``ROOT/<registry>/<schema>/<version>/``.

    ``root_dir`` None means ``$IATK_REGISTRY_DIR``.  The root need not exist:
    creating a registry or putting a schema creates it.  Methods may be
    called from several threads (calls on one object are serialised)."""

    _free = "iatk_registry_free"

    def __init__(self, root_dir=None):
        self._lock = threading.Lock()
        self._handle = None
        self._handle = _open(root_dir)

    @property
    def root(self):
        """The tree's root directory, as given."""
        with self._lock:
            return _lib.decode(_lib.lib().iatk_registry_root(self._live()))

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

