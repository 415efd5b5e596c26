"""iatk: generate mock events from event schemas, over libiatk (ctypes).

The AWS IATK surface, so tests written for it run unchanged::

    import iatk                      # or: import aws_iatk
    from iatk.context_generation import eventbridge_event_context

    event = iatk.AwsIatk(registry_dir="registry").generate_mock_event(
        registry_name="MyRegistry", schema_name="MySchema", event_ref="MyEvent",
        contexts=[eventbridge_event_context],
    ).event

plus what AWS IATK lacks: generation modes and seeds, many events from one
compiled plan, a pinned clock, schemas from files or text, and the local
registry tree.  See docs/python.md.
"""
from . import _lib, context_generation
from .client import AwsIatk, GenerateMockEventOutput, clear_plan_cache
from .exceptions import IatkException
from .registry import Registry
from .schema import MODES, Generator, Plan, Schema, Validator

__version__ = "0.1.0"

__all__ = [
    "AwsIatk",
    "GenerateMockEventOutput",
    "IatkException",
    "Registry",
    "Schema",
    "Plan",
    "Generator",
    "Validator",
    "MODES",
    "clear_plan_cache",
    "context_generation",
    "library_version",
]


def library_version():
    """Version of the loaded libiatk ("MAJOR.MINOR.PATCH")."""
    return _lib.decode(_lib.lib().iatk_version())
