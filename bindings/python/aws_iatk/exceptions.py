"""``aws_iatk.exceptions``: iatk's exception."""
from iatk.exceptions import IatkException  # noqa: F401

__all__ = ["IatkException"]
