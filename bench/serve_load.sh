#!/usr/bin/env bash
# Load on `iatk registry serve`: DescribeSchema (latest version) of the
# example registry, with wrk, and the figures that matter: requests per
# second and the 99th percentile latency.
#
#   bench/serve_load.sh            # 5 s, 2 threads, 32 connections
#   DURATION=30s CONNECTIONS=64 bench/serve_load.sh
#
# IATK names the binary (default build/iatk).  The server runs on a copy of
# examples/04-event_generation/registry on 127.0.0.1, a port of its choice.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)
IATK=${IATK:-$here/build/iatk}
DURATION=${DURATION:-5s}
THREADS=${THREADS:-2}
CONNECTIONS=${CONNECTIONS:-32}
command -v wrk >/dev/null || { echo "serve_load: wrk is not installed (apt-get install wrk)" >&2; exit 2; }
[[ -x $IATK ]] || { echo "serve_load: no iatk binary at $IATK (set IATK)" >&2; exit 2; }

tmp=$(mktemp -d "${TMPDIR:-/tmp}/iatk-serve-load.XXXXXX")
pid=
cleanup() {
    [[ -n $pid ]] && kill -TERM "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
    rm -rf "$tmp"
}
trap cleanup EXIT
cp -r "$here/examples/04-event_generation/registry" "$tmp/tree"

"$IATK" registry serve --registry-dir "$tmp/tree" --listen 127.0.0.1:0 2>"$tmp/log" &
pid=$!
for _ in $(seq 100); do
    grep -q 'serving' "$tmp/log" && break
    sleep 0.05
done
port=$(sed -n 's/^iatk: serving .* on http:\/\/127\.0\.0\.1:\([0-9]*\)$/\1/p' "$tmp/log")
[[ -n $port ]] || { echo "serve_load: the server did not start:" >&2; cat "$tmp/log" >&2; exit 1; }

url="http://127.0.0.1:$port/v1/registries/name/MyRegistry-local/schemas/name/MySchema-local"
echo "serve_load: DescribeSchema $url"
echo "serve_load: wrk -t$THREADS -c$CONNECTIONS -d$DURATION --latency ($(nproc) CPUs)"
wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" --latency "$url" | tee "$tmp/wrk.txt"

# Non-2xx answers would make the rate meaningless.
if grep -q 'Non-2xx' "$tmp/wrk.txt"; then
    echo "serve_load: some answers were errors" >&2
    exit 1
fi
rps=$(awk '/^Requests\/sec:/ {print $2}' "$tmp/wrk.txt")
p99=$(awk '$1 == "99%" {print $2}' "$tmp/wrk.txt")
echo "serve_load: $rps requests/s, p99 latency $p99"
kill -TERM "$pid"
wait "$pid"
status=$?
pid=
[[ $status -eq 0 ]] || { echo "serve_load: the server exited $status" >&2; exit 1; }
