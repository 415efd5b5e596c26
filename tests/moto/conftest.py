"""pytest fixtures for the moto suite, for a python that has pytest as well
as moto[server] and boto3 (`python -m pytest tests/moto`).  make test-moto
runs the same tests with run.py, which needs no pytest."""
import signal

import pytest

from motoharness import Moto
from run import DEFAULT_TIMEOUT, _alarm


@pytest.fixture
def tmp(tmp_path):
    return tmp_path


@pytest.fixture
def moto(tmp_path):
    with Moto(tmp_path / "moto") as server:
        yield server


@pytest.fixture(autouse=True)
def _time_limit(request):
    """The test's `limit` (run.py's default otherwise), with SIGALRM."""
    old = signal.signal(signal.SIGALRM, _alarm)
    signal.alarm(getattr(request.function, "timeout", DEFAULT_TIMEOUT))
    yield
    signal.alarm(0)
    signal.signal(signal.SIGALRM, old)

