"""The binding's copy of the C header against the header itself.

bindings/python/iatk/_lib.py declares the public structs again as ctypes
classes (STRUCTS) and copies the header's values it needs (HEADER).  A C
compiler's view of include/iatk/iatk.h comes from tests/tools/abi_layout.c
(sizeof, alignof and offsetof of every field, and the values of the macros
and enums): every struct must have the same size, alignment and fields
(names, order, offsets, sizes), and every copied value the header's.  A
struct the binding got wrong lets C write past the memory Python allocated,
and the library's own check (iatk_error_layout, test_error_layout.py) only
covers iatk_error.
"""
import ctypes
import json
import os
import pathlib
import subprocess

import pytest

from iatk import _lib

TOOL = pathlib.Path(os.environ.get("IATK_TEST_TOOLS", "build/tests/tools")) / "abi_layout"


@pytest.fixture(scope="module")
def abi():
    out = subprocess.run([str(TOOL)], check=True, capture_output=True, text=True).stdout
    return json.loads(out)


def ctypes_layout(struct):
    """The same shape as the tool's, for a ctypes.Structure."""
    return {
        "size": ctypes.sizeof(struct),
        "align": ctypes.alignment(struct),
        "fields": [{"name": name, "offset": getattr(struct, name).offset,
                    "size": getattr(struct, name).size}
                   for name, *_ in struct._fields_],
    }


@pytest.mark.parametrize("name", sorted(_lib.STRUCTS))
def test_struct_matches_header(abi, name):
    assert name in abi["structs"], f"tests/tools/abi_layout.c does not describe {name}"
    assert ctypes_layout(_lib.STRUCTS[name]) == abi["structs"][name]


def test_every_ctypes_struct_is_checked():
    # A struct class added to _lib without an entry in STRUCTS would escape
    # the comparison above.
    declared = {value for value in vars(_lib).values()
                if isinstance(value, type) and issubclass(value, ctypes.Structure)}
    assert declared == set(_lib.STRUCTS.values())


@pytest.mark.parametrize("name", sorted(_lib.HEADER))
def test_constant_matches_header(abi, name):
    assert name in abi["constants"], f"tests/tools/abi_layout.c does not print {name}"
    assert _lib.HEADER[name] == abi["constants"][name]


def test_error_table_matches_the_library(abi):
    # The header's codes are the loaded library's: the same name per number.
    lib = _lib.lib()
    names = abi["error_names"]
    assert len(names) == abi["constants"]["IATK_ERROR_COUNT"]
    for code, name in enumerate(names):
        assert abi["constants"][name] == code
        assert _lib.decode(lib.iatk_err_name(code)) == name


def test_the_tool_sees_the_declared_buffers(abi):
    # The tool and the struct agree on the constants the struct is built from.
    fields = {f["name"]: f for f in abi["structs"]["iatk_error"]["fields"]}
    assert fields["where"]["size"] == abi["constants"]["IATK_ERROR_WHERE_SIZE"]
    assert fields["message"]["size"] == abi["constants"]["IATK_ERROR_MESSAGE_SIZE"]
