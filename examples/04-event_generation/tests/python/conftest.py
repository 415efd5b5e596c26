"""Lets `pytest tests/python/test_example_04.py` run from a source checkout
with nothing installed: the iatk package comes from <repo>/bindings/python and
libiatk from <repo>/build unless PYTHONPATH / IATK_LIBRARY say otherwise."""
import importlib.util
import os
import pathlib
import sys

REPO = pathlib.Path(__file__).resolve().parents[4]

if importlib.util.find_spec("aws_iatk") is None:
    sys.path.insert(0, str(REPO / "bindings" / "python"))

if "IATK_LIBRARY" not in os.environ and (REPO / "build" / "libiatk.so").exists():
    os.environ["IATK_LIBRARY"] = str(REPO / "build" / "libiatk.so")
