"""iatk send --event-bus against a loopback PutEvents fake (sinkfake.py)
that checks every request's signature with botocore and its body against
botocore's model, and injects faults: 500s, throttles, dropped
connections, failed entries.  What the tests prove: every event ends up
acknowledged exactly once or in --failed, counted exactly; batches keep
AWS's limits; refused events are named by line; SIGINT loses nothing;
--rate and --concurrency bound the sending."""
import json
import os
import signal
import subprocess
import threading
import time

import pytest

from awsfake import Fake, clean_env
from sinkfake import EventBridgeFake, Faults, env_for

IATK = os.environ.get("IATK", "iatk")
EXIT_REFUSED, EXIT_AWS, EXIT_NETWORK = 3, 10, 11


def event(i, **extra):
    e = {"version": "0", "id": f"e-{i}", "source": "com.example.orders",
         "detail-type": "OrderPlaced", "time": "2024-05-01T10:00:00Z",
         "resources": [], "detail": {"n": i}}
    e.update(extra)
    return json.dumps(e)


def ndjson(lines):
    return "".join(line + "\n" for line in lines)


def send(env, *args, text="", timeout=300):
    return subprocess.run([IATK, "send", *args], input=text, env=env,
                          capture_output=True, text=True, timeout=timeout)


def summary(proc):
    line = [ln for ln in proc.stderr.splitlines() if ln.startswith("iatk: sent ")][-1]
    words = line.replace(",", "").split()
    return int(words[2]), int(words[4]), int(words[6])  # sent, failed, retried


def delivered_ns(fake):
    return [json.loads(e["Detail"])["n"] for e in fake.delivered]


def failed_ns(path):
    if not path.exists():
        return []
    return [json.loads(line)["detail"]["n"] for line in path.read_text().splitlines()]


@pytest.fixture
def home(tmp_path):
    return tmp_path


def test_faults_nothing_lost_nothing_twice(home):
    """500s, throttles, dropped connections and failed entries: each event
    is acknowledged once or written to --failed, and the counts agree."""
    n = 1500
    lines = [event(i, detail={"n": i, "poison": True} if i % 97 == 5 else {"n": i})
             for i in range(n)]
    fake = EventBridgeFake(Faults(seed=7, status500=0.08, throttle=0.08, drop=0.05,
                                  entry_throttle=0.1, entry_internal=0.05))
    failed = home / "failed.ndjson"
    with Fake(fake) as f:
        proc = send(env_for(clean_env(home), f.url, AWS_MAX_ATTEMPTS=4),
                    "--event-bus", "orders", "--failed", str(failed), "--concurrency", "6",
                    text=ndjson(lines))
    assert fake.violations == []
    got, lost = delivered_ns(fake), failed_ns(failed)
    assert len(got) == len(set(got)), "an event was delivered twice"
    assert set(got).isdisjoint(lost)
    assert sorted(got + lost) == list(range(n))
    assert {i for i in range(n) if i % 97 == 5} <= set(lost)
    sent, nfailed, retried = summary(proc)
    assert (sent, nfailed) == (len(got), len(lost))
    assert retried > 0
    # failed lines are the input lines, unchanged
    assert set(failed.read_text().splitlines()) <= set(lines)
    assert proc.returncode in (EXIT_AWS, EXIT_NETWORK), proc.stderr
    assert fake.max_in_flight <= 6


def test_entry_mapping(home):
    e = {"source": "s.rc", "detail-type": "T", "time": "2024-05-01T10:00:00.25Z",
         "resources": ["arn:aws:x:us-east-1:1:a"], "account": "1",
         "detail": {"a": 1.1, "s": "é\u2028", "o": {"b": [1, 2]}}}
    fake = EventBridgeFake()
    with Fake(fake) as f:
        proc = send(env_for(clean_env(home), f.url), "--event-bus",
                    "arn:aws:events:us-east-1:1:event-bus/b", text=json.dumps(e) + "\n")
    assert proc.returncode == 0, proc.stderr
    assert fake.violations == []
    (entry,) = fake.delivered
    assert entry["Source"] == "s.rc" and entry["DetailType"] == "T"
    assert json.loads(entry["Detail"]) == e["detail"]
    assert entry["Resources"] == e["resources"]
    assert entry["Time"] == 1714557600.25
    assert entry["EventBusName"] == "arn:aws:events:us-east-1:1:event-bus/b"
    assert set(entry) == {"Source", "DetailType", "Detail", "Resources", "Time",
                          "EventBusName"}


def test_refused_events_named_by_line(home):
    big = event(4, detail={"n": 4, "pad": "x" * (256 * 1024)})
    lines = [event(0), json.dumps({"source": "s", "detail": {"n": 1}}), "{not json",
             "   ", big, json.dumps({"source": "s", "detail-type": "t", "detail": 5}),
             event(6)]
    failed = home / "failed.ndjson"
    fake = EventBridgeFake()
    with Fake(fake) as f:
        proc = send(env_for(clean_env(home), f.url), "--event-bus", "b",
                    "--failed", str(failed), text=ndjson(lines))
    assert proc.returncode == EXIT_REFUSED, proc.stderr
    assert delivered_ns(fake) == [0, 6]
    assert failed.read_text().splitlines() == [lines[1], lines[2], lines[4], lines[5]]
    for number in (2, 3, 5, 6):
        assert f"<stdin>:{number}: refused" in proc.stderr
    assert "no detail-type" in proc.stderr
    assert "more than the 262144" in proc.stderr
    assert summary(proc)[:2] == (2, 4)


def test_batches_keep_10_entries_and_256kb(home):
    small = [event(i) for i in range(25)]
    large = [event(100 + i, detail={"n": 100 + i, "pad": "y" * 60000}) for i in range(9)]
    fake = EventBridgeFake()
    with Fake(fake) as f:
        proc = send(env_for(clean_env(home), f.url), "--event-bus", "b",
                    "--concurrency", "1", text=ndjson(small + large))
    assert proc.returncode == 0, proc.stderr
    assert fake.violations == []
    # 25 small: 10, 10, 5 + the first large ones while they fit; 4 of
    # 60 KB fit in 256 KB, 5 do not.
    assert max(fake.batches) == 10
    assert all(b <= 4 for b in fake.batches[3:])
    assert sorted(delivered_ns(fake)) == list(range(25)) + list(range(100, 109))


def test_network_failure_records_everything(home):
    failed = home / "failed.ndjson"
    lines = [event(i) for i in range(30)]
    env = env_for(clean_env(home), "http://127.0.0.1:9", AWS_MAX_ATTEMPTS=2)
    proc = send(env, "--event-bus", "b", "--failed", str(failed), text=ndjson(lines))
    assert proc.returncode == EXIT_NETWORK, proc.stderr
    assert sorted(failed.read_text().splitlines()) == sorted(lines)
    assert "no answer" in proc.stderr


def test_no_credentials_sends_nothing_and_says_so(home):
    """No credentials: no request is made, and the error says the events
    were not sent (not that AWS refused them); all go to --failed."""
    failed = home / "failed.ndjson"
    lines = [event(i) for i in range(12)]
    with Fake(EventBridgeFake()) as f:
        env = env_for(clean_env(home), f.url)
        del env["AWS_ACCESS_KEY_ID"], env["AWS_SECRET_ACCESS_KEY"]
        env["AWS_EC2_METADATA_DISABLED"] = "true"  # no instance metadata probe
        proc = send(env, "--event-bus", "b", "--failed", str(failed), text=ndjson(lines))
        assert f.handler.requests == 0
    assert proc.returncode == EXIT_AWS, proc.stderr
    assert sorted(failed.read_text().splitlines()) == sorted(lines)
    error = proc.stderr.splitlines()[-1]
    assert error.startswith("iatk: error: 12 of 12 events not delivered (12 not sent: "
                            "no request could be made); the first: no AWS credentials found"), error
    assert "refused by AWS" not in proc.stderr
    assert ": not sent: no AWS credentials found" in proc.stderr


def test_failed_file_replays(home):
    lines = [event(i) for i in range(50)]
    failed = home / "failed.ndjson"
    throttled = EventBridgeFake(Faults(entry_throttle=1.0))
    with Fake(throttled) as f:
        proc = send(env_for(clean_env(home), f.url), "--event-bus", "b",
                    "--max-attempts", "2", "--failed", str(failed), text=ndjson(lines))
    assert proc.returncode == EXIT_AWS
    assert "ThrottlingException" in proc.stderr and "after 2 attempts" in proc.stderr
    assert sorted(failed.read_text().splitlines()) == sorted(lines)
    fine = EventBridgeFake()
    with Fake(fine) as f:
        proc = send(env_for(clean_env(home), f.url), "--event-bus", "b", str(failed))
    assert proc.returncode == 0, proc.stderr
    assert sorted(delivered_ns(fine)) == list(range(50))


def test_sigint_loses_nothing(home):
    """A stop mid-run: requests in flight finish, what was read and not
    sent goes to --failed; delivered + failed is exactly what was read."""
    n = 20000
    lines = [event(i) for i in range(n)]
    failed = home / "failed.ndjson"
    fake = EventBridgeFake(delay=0.05)
    with Fake(fake) as f:
        proc = subprocess.Popen([IATK, "send", "--event-bus", "b", "--concurrency", "2",
                                 "--failed", str(failed)], stdin=subprocess.PIPE,
                                stderr=subprocess.PIPE, text=True,
                                env=env_for(clean_env(home), f.url))
        writer = threading.Thread(target=lambda: _write_all(proc.stdin, lines), daemon=True)
        writer.start()
        time.sleep(1.5)
        proc.send_signal(signal.SIGINT)
        _, err = proc.communicate(timeout=60)
    assert proc.returncode == 128 + signal.SIGINT, err
    got, lost = delivered_ns(fake), failed_ns(failed)
    assert 0 < len(got) < n
    assert len(got) == len(set(got))
    assert set(got).isdisjoint(lost)
    # whatever was read is accounted for: a prefix of the input
    accounted = sorted(got + lost)
    assert accounted == list(range(len(accounted)))
    assert "stopped before it was sent" in err or lost == []


def _write_all(stream, lines):
    try:
        for line in lines:
            stream.write(line + "\n")
        stream.close()
    except (BrokenPipeError, ValueError, OSError):
        pass


def test_rate_bounds_throughput(home):
    lines = [event(i) for i in range(60)]
    fake = EventBridgeFake()
    with Fake(fake) as f:
        start = time.monotonic()
        proc = send(env_for(clean_env(home), f.url), "--event-bus", "b", "--rate", "20",
                    text=ndjson(lines))
        elapsed = time.monotonic() - start
    assert proc.returncode == 0, proc.stderr
    # 60 events at 20/s: the first batch goes at once, the rest wait
    assert 2.0 <= elapsed < 8, elapsed


def test_concurrency_overlaps_requests(home):
    lines = [event(i) for i in range(100)]
    fake = EventBridgeFake(delay=0.3)
    with Fake(fake) as f:
        start = time.monotonic()
        proc = send(env_for(clean_env(home), f.url), "--event-bus", "b",
                    "--concurrency", "5", text=ndjson(lines))
        elapsed = time.monotonic() - start
    assert proc.returncode == 0, proc.stderr
    assert 2 <= fake.max_in_flight <= 5
    assert elapsed < 10 * 0.3  # ten requests of 0.3 s did not run one by one


def test_usage_errors(home):
    env = clean_env(home)
    assert send(env).returncode == 2
    assert send(env, "--event-bus", "b", "--queue-url", "http://x").returncode == 2
    assert send(env, "--lambda", "f").returncode == 2
    proc = send(env, "--help")
    assert proc.returncode == 0 and "--event-bus" in proc.stdout
