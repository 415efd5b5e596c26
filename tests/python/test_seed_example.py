"""The seed's test file (examples/04-event_generation/tests/python/
test_example_04.py) under pytest, as a user runs it, so `make test` runs it."""
import os
import pathlib
import subprocess
import sys

SOURCE = pathlib.Path(os.environ.get("IATK_SOURCE_DIR", pathlib.Path(__file__).parents[2]))
EXAMPLE = SOURCE / "examples" / "04-event_generation"


def run_pytest(*extra):
    env = dict(os.environ)
    env.pop("IATK_REGISTRY_DIR", None)  # the test finds the example's registry itself
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-rA", *extra,
         "tests/python/test_example_04.py"],
        cwd=EXAMPLE, env=env, capture_output=True, text=True, timeout=300)


def test_the_seeds_three_tests_pass():
    run = run_pytest()
    report = run.stdout + run.stderr
    assert run.returncode == 0, report
    for name in ["test_generate_barebone_event", "test_generate_contextful_event",
                 "test_generate_eventbridge_event"]:
        assert f"PASSED tests/python/test_example_04.py::{name}" in report, report
    assert "3 passed" in report, report


def test_the_seed_file_uses_only_the_aws_iatk_surface():
    """The example imports what the seed imports (no iatk-only names), so the
    same file runs against AWS IATK once boto3 and a deployed stack are back."""
    text = (EXAMPLE / "tests" / "python" / "test_example_04.py").read_text()
    assert "import aws_iatk\n" in text
    assert "from aws_iatk.context_generation import eventbridge_event_context\n" in text
    assert "import iatk" not in text.replace("import aws_iatk", "")
    assert text.count("generate_mock_event(") == 3
