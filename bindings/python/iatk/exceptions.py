"""The one exception every iatk failure raises."""
import ctypes

from . import _lib

# AWS IATK's error codes, kept so that code written against it behaves the
# same: 10 is "the operation failed" (the code AWS IATK's service reports),
# 404 and 400 are the two context failures AWS IATK's generate_mock_event
# raises in Python.
OPERATION_FAILED = 10
CONTEXT_EMPTY = 404
CONTEXT_NOT_SERIALIZABLE = 400

# Codes of the C library's error table (include/iatk/iatk.h, append-only)
# that the Python layer raises itself.
IATK_EINVAL = _lib.HEADER["IATK_EINVAL"]
IATK_ECONTEXT = _lib.HEADER["IATK_ECONTEXT"]
IATK_EINVALID = _lib.HEADER["IATK_EINVALID"]


class IatkException(Exception):
    """Raised for every failure, with AWS IATK's ``(message, error_code)``.

    ``message`` is the C library's message (for example
    ``schema 'X' not found in registry 'R'``) and ``error_code`` follows
    AWS IATK: 10 for a failed operation, 404 for a context that returned
    None, 400 for a context whose result is not JSON-serialisable.

    iatk adds the details of the C error: ``iatk_code`` (an ``iatk_code``
    number), ``iatk_name`` (``"IATK_ENOSCHEMA"``), ``where`` (a JSON pointer
    or ``file:line:column``, ``""`` when none), ``line`` and ``column``
    (1-based position in a JSON input, 0 when none).
    """

    def __init__(self, message, error_code, *, iatk_code=0, where="", line=0, column=0):
        super().__init__(message, error_code)
        self.message = message
        self.error_code = error_code
        self.iatk_code = iatk_code
        self.where = where
        self.line = line
        self.column = column

    @property
    def iatk_name(self):
        """Symbolic name of ``iatk_code`` ("IATK_ENOSCHEMA")."""
        return _lib.decode(_lib.lib().iatk_err_name(self.iatk_code))

    def __str__(self):
        return self.message

    def __repr__(self):
        return f"IatkException({self.message!r}, {self.error_code!r})"


def from_error(err):
    """An IatkException carrying a filled ``iatk_error``."""
    code = err.code
    message = _lib.decode(err.message) or _lib.decode(_lib.lib().iatk_strerror(code))
    return IatkException(message or "unknown failure", OPERATION_FAILED, iatk_code=code,
                         where=_lib.decode(err.where), line=err.line, column=err.column)


def invalid(message):
    """An IatkException for a bad argument caught before reaching C."""
    return IatkException(message, OPERATION_FAILED, iatk_code=IATK_EINVAL)


def new_error():
    """A cleared ``iatk_error`` and the pointer to pass for it."""
    err = _lib.IatkError()
    return err, ctypes.byref(err)


def check_ptr(ptr, err):
    """Returns ``ptr``, or raises the error the call filled when it is NULL."""
    if not ptr:
        raise from_error(err)
    return ptr


def check_rc(rc, err):
    """Raises the filled error when a call returned a non-zero code."""
    if rc != 0:
        if err.code == 0:
            err.code = rc
        raise from_error(err)
