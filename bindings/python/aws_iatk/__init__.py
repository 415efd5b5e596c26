"""aws_iatk: AWS IATK's import name for the iatk package.

``import aws_iatk`` and ``from aws_iatk.context_generation import
eventbridge_event_context`` give iatk's implementations, so test files written
for AWS IATK run unchanged with the schemas in a local registry
(``AwsIatk(registry_dir=...)`` or ``IATK_REGISTRY_DIR``).
"""
from iatk import *  # noqa: F401,F403
from iatk import __all__, __version__, context_generation  # noqa: F401
