"""AWS IATK's ``aws_iatk.context_generation``: iatk's contexts."""
from iatk.context_generation import *  # noqa: F401,F403
from iatk.context_generation import __all__  # noqa: F401
