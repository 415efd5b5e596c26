"""The binding's ctypes iatk_error against the library's own layout
(iatk_error_layout): a mismatch would let C write past Python's buffers."""
import ctypes

import pytest

from iatk import _lib


def test_binding_struct_matches_library():
    reported = _lib.error_layout(_lib.lib())
    assert reported["size"] == ctypes.sizeof(_lib.IatkError)
    assert reported["where_offset"] == _lib.IatkError.where.offset
    assert reported["where_size"] == _lib.IatkError.where.size
    assert reported["message_offset"] == _lib.IatkError.message.offset
    assert reported["message_size"] == _lib.IatkError.message.size


def test_binding_constants_match_library():
    reported = _lib.error_layout(_lib.lib())
    assert reported["where_size"] == _lib.ERROR_WHERE_SIZE
    assert reported["message_size"] == _lib.ERROR_MESSAGE_SIZE


def test_layout_accepts_null_pointers():
    lib = _lib.lib()
    assert lib.iatk_error_layout(None, None, None, None) == ctypes.sizeof(_lib.IatkError)


def test_mismatch_fails_loudly():
    class Shrunk(ctypes.Structure):  # `where` half its real size
        _fields_ = [("code", ctypes.c_int), ("line", ctypes.c_int),
                    ("column", ctypes.c_int),
                    ("where", ctypes.c_char * (_lib.ERROR_WHERE_SIZE // 2)),
                    ("message", ctypes.c_char * _lib.ERROR_MESSAGE_SIZE)]

    _lib.check_error_layout(_lib.lib())  # the real one passes
    with pytest.raises(OSError, match="iatk_error layout"):
        _lib.check_error_layout(_lib.lib(), Shrunk)


def test_errors_fill_the_whole_message_buffer():
    # A failure with a long message crosses the boundary intact: the text
    # read back through ctypes is the library's, elided to fit exactly.
    from iatk.exceptions import new_error
    err, perr = new_error()
    name = "x" * (4 * _lib.ERROR_MESSAGE_SIZE)
    schema = _lib.encode('{"type":"object","required":["%s"],'
                         '"additionalProperties":false}' % name)
    lib = _lib.lib()
    handle = lib.iatk_schema_load(schema, len(schema), None, None, perr)
    assert handle
    try:
        assert not lib.iatk_compile(handle, None, perr)
    finally:
        lib.iatk_schema_free(handle)
    assert err.code != 0
    assert len(err.message) == _lib.ERROR_MESSAGE_SIZE - 1
    assert b"xxx...xxx" in err.message
