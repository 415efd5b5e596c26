"""`iatk registry serve` for tests: start it on 127.0.0.1 with a port the
kernel picks, read the port from its first line, collect its -v log, stop
it with a signal.  Every process started is remembered so that none
outlives the tests, whatever fails (`reap`, also run at exit).

Shared by test_registry_serve.py and test_aws_source.py."""
import atexit
import os
import pathlib
import signal
import subprocess
import threading
import time

SOURCE = pathlib.Path(os.environ.get("IATK_SOURCE_DIR", pathlib.Path(__file__).parents[2]))
IATK = os.environ.get("IATK", str(SOURCE / "build" / "iatk"))
EXAMPLE_REGISTRY = SOURCE / "examples" / "04-event_generation" / "registry"

STARTED = []  # every server process not yet reaped


def reap():
    """Kills every server process still running."""
    while STARTED:
        proc = STARTED.pop()
        if proc.poll() is None:
            proc.kill()
            proc.wait(timeout=10)


atexit.register(reap)


def serve_env(**extra):
    """The environment without the caller's AWS settings."""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith("AWS_") and k != "IATK_REGISTRY_DIR"}
    env.update({"AWS_CONFIG_FILE": "/nonexistent/config",
                "AWS_SHARED_CREDENTIALS_FILE": "/nonexistent/credentials",
                "AWS_EC2_METADATA_DISABLED": "true", "AWS_PAGER": ""})
    env.update(extra)
    return env


class Server:
    """`iatk registry serve` on 127.0.0.1:0; its stderr is collected."""

    def __init__(self, tree, *options, env=None):
        self.tree = tree
        self.lines = []
        self.ready = threading.Event()
        self.proc = subprocess.Popen(
            [IATK, "registry", "serve", "--registry-dir", str(tree),
             "--listen", "127.0.0.1:0", "-v", *options],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
            env=env if env is not None else serve_env())
        STARTED.append(self.proc)
        threading.Thread(target=self._read, daemon=True).start()
        if not self.ready.wait(20):
            self.proc.kill()
            raise AssertionError("no 'serving' line: %r" % self.lines)
        first = self.lines[0]
        assert first.startswith("iatk: serving %s on http://127.0.0.1:" % tree), first
        self.port = int(first.rsplit(":", 1)[1])
        self.url = "http://127.0.0.1:%d" % self.port

    def _read(self):
        for raw in self.proc.stderr:
            self.lines.append(raw.decode(errors="replace").rstrip("\n"))
            self.ready.set()
        self.ready.set()

    def stop(self, sig=signal.SIGTERM):
        """Sends `sig`; returns (exit status, seconds it took to exit)."""
        start = time.monotonic()
        self.proc.send_signal(sig)
        try:
            rc = self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(timeout=10)
            raise AssertionError("server did not stop within 10 s of %s" % sig)
        return rc, time.monotonic() - start

    def log_with(self, text):
        return [line for line in self.lines if text in line]
