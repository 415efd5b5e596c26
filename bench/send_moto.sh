#!/usr/bin/env bash
# A measurement, not a test (it needs moto, which `make test` must not):
#   1. moto_server (from the PATH's python) on 127.0.0.1: an event bus, an
#      SQS queue and a rule routing the bus to the queue (boto3);
#   2. 10,000 events from `iatk generate` sent with `iatk send --event-bus`
#      while a boto3 consumer drains the queue: all 10,000 arrived, none
#      twice (counted by the detail's orderId).  moto 5 spends ~0.13 s per
#      routed event (whichever client sends), so this step takes ~25 min at
#      N=10000; N=1000 gives the same verdict in ~3 min;
#   3. events/s of `iatk send` next to a boto3 put_events loop (batches of
#      10), in the same run: on the routed bus (moto's rule -> SQS delivery
#      costs it ~0.13 s per matched event, whichever client sends, so boto3
#      sends a sample of ROUTED_SAMPLE events there) and on a bus with no
#      rule (where moto answers fast and the clients' own speed shows);
#   4. the peak RSS of `iatk send` at 1,000,000 events against a fast local
#      PutEvents fake (asyncio, keep-alive, no checks) with /usr/bin/time -v.
# Usage: bench/send_moto.sh [BUILD_DIR]   (default build/)
# Nothing is contacted but 127.0.0.1.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
build=${1:-$here/../build}
IATK=$(cd "$build" && pwd)/iatk
PY=${PYTHON:-python3}   # the PATH's python: the one with moto and boto3
N=${N:-10000}
BIG=${BIG:-1000000}
tmp=$(mktemp -d /tmp/iatk-send-bench.XXXXXX)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$tmp"; }
trap cleanup EXIT

free_port() { "$PY" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
wait_port() {
    for _ in $(seq 100); do
        "$PY" -c "import socket,sys; socket.create_connection(('127.0.0.1',$1),0.2)" 2>/dev/null && return 0
        sleep 0.1
    done
    echo "nothing listens on $1" >&2; return 1
}

export AWS_ACCESS_KEY_ID=testing AWS_SECRET_ACCESS_KEY=testing AWS_REGION=us-east-1
export AWS_DEFAULT_REGION=us-east-1 AWS_EC2_METADATA_DISABLED=true NO_PROXY='*'
unset AWS_PROFILE AWS_SESSION_TOKEN AWS_ENDPOINT_URL || true

port=$(free_port)
moto_server -H 127.0.0.1 -p "$port" >"$tmp/moto.log" 2>&1 &
pids+=($!)
wait_port "$port"
MOTO=http://127.0.0.1:$port

# ------------------------------------------------------------- events
cat >"$tmp/order.json" <<'JSON'
{"type": "object", "required": ["detail"], "properties": {"detail": {
  "type": "object", "required": ["orderId", "amount", "items"],
  "properties": {"orderId": {"type": "string", "format": "uuid"},
                 "amount": {"type": "integer", "minimum": 1, "maximum": 1000},
                 "items": {"type": "array", "minItems": 1, "maxItems": 3,
                           "items": {"type": "string", "maxLength": 12}}}}}}
JSON
gen() { "$IATK" generate --file "$tmp/order.json" --mode random --seed 7 --count "$1" \
          --now 2024-05-01T00:00:00Z --context eventbridge \
          --set '/source="bench.orders"' --set '/detail-type="OrderPlaced"'; }
gen "$N" >"$tmp/events.ndjson"

"$PY" - "$MOTO" <<'PY'
import json, sys, boto3
url = sys.argv[1]
ev = boto3.client("events", endpoint_url=url)
sqs = boto3.client("sqs", endpoint_url=url)
ev.create_event_bus(Name="bench")
ev.create_event_bus(Name="bench-boto3")   # no rule: boto3's events stay out of the queue
q = sqs.create_queue(QueueName="bench-q")["QueueUrl"]
arn = sqs.get_queue_attributes(QueueUrl=q, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
ev.put_rule(Name="to-q", EventBusName="bench", EventPattern=json.dumps({"source": ["bench.orders"]}))
ev.put_targets(Rule="to-q", EventBusName="bench", Targets=[{"Id": "q", "Arn": arn}])
PY

# ------------------------------------------------- iatk send -> moto
# The queue is drained while iatk sends (moto's cost per routed event grows
# with the queue's depth), into a list of the detail's orderIds.
"$PY" - "$MOTO" "$N" "$tmp/sending" >"$tmp/drained.txt" 2>"$tmp/drain.err" <<'PY' &
import json, os, sys, time, boto3
url, n, flag = sys.argv[1], int(sys.argv[2]), sys.argv[3]
sqs = boto3.client("sqs", endpoint_url=url)
q = sqs.get_queue_url(QueueName="bench-q")["QueueUrl"]
total, idle = 0, 0
while total < n and idle < 20:
    msgs = sqs.receive_message(QueueUrl=q, MaxNumberOfMessages=10, WaitTimeSeconds=1).get("Messages", [])
    if not msgs:
        idle = idle + 1 if not os.path.exists(flag) else 0
        continue
    for m in msgs:
        print(json.loads(m["Body"])["detail"]["orderId"], flush=True)
        total += 1
    sqs.delete_message_batch(QueueUrl=q, Entries=[{"Id": str(i), "ReceiptHandle": m["ReceiptHandle"]}
                                                  for i, m in enumerate(msgs)])
PY
drainer=$!
echo "== iatk send --event-bus: $N events to moto (bus -> rule -> SQS)"
touch "$tmp/sending"
"$IATK" send --event-bus bench --endpoint-url "$MOTO" --concurrency 8 \
    --failed "$tmp/failed.ndjson" <"$tmp/events.ndjson" 2>"$tmp/send.err" || true
rm -f "$tmp/sending"
cat "$tmp/send.err"
iatk_rate=$(sed -n 's/.*(\([0-9]*\) events\/s).*/\1/p' "$tmp/send.err" | tail -1)
wait "$drainer" || true
total=$(wc -l <"$tmp/drained.txt")
distinct=$(sort -u "$tmp/drained.txt" | wc -l)
verdict=MISMATCH
[[ $total -eq $N && $distinct -eq $N ]] && verdict=OK
echo "queue: $total messages received, $distinct distinct, $((total - distinct)) twice; expected $N: $verdict"

# ------------------------------------------------ boto3 loop -> moto
# boto3_loop BUS COUNT: events/s of a put_events loop, batches of 10.
boto3_loop() {
    "$PY" - "$MOTO" "$tmp/events.ndjson" "$1" "$2" <<'PY'
import json, sys, time, boto3
url, path, bus, count = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
ev = boto3.client("events", endpoint_url=url)
events = [json.loads(line) for line in open(path)][:count]
entries = [{"Source": e["source"], "DetailType": e["detail-type"], "Detail": json.dumps(e["detail"]),
            "Resources": e["resources"], "Time": e["time"], "EventBusName": bus} for e in events]
start = time.monotonic()
failed = 0
for i in range(0, len(entries), 10):
    failed += ev.put_events(Entries=entries[i:i + 10])["FailedEntryCount"]
secs = time.monotonic() - start
print(f"{len(entries) / secs:.0f}", end="")
print(f"boto3 to {bus}: {len(entries)} events in {secs:.2f} s, {failed} failed", file=sys.stderr)
PY
}
SAMPLE=${ROUTED_SAMPLE:-500}
echo "== boto3 put_events loop (batches of 10): $SAMPLE events to the routed bus"
# (the queue was counted already: these do not change the count)
boto_routed=$(boto3_loop bench "$SAMPLE")
echo "== both clients, $N events to a bus with no rule"
"$IATK" send --event-bus bench-boto3 --endpoint-url "$MOTO" --concurrency 8 \
    <"$tmp/events.ndjson" 2>"$tmp/send2.err" || true
cat "$tmp/send2.err"
iatk_plain=$(sed -n 's/.*(\([0-9]*\) events\/s).*/\1/p' "$tmp/send2.err" | tail -1)
boto_plain=$(boto3_loop bench-boto3 "$N")
echo "events/s against moto, routed bus (rule -> SQS): iatk send ${iatk_rate:-?}, boto3 loop ${boto_routed}"
echo "events/s against moto, bus without rule:         iatk send ${iatk_plain:-?}, boto3 loop ${boto_plain}"

# ---------------------------------------- 1M events, fast fake, peak RSS
fport=$(free_port)
/usr/bin/python3 - "$fport" >"$tmp/fake.log" 2>&1 <<'PY' &
import asyncio, sys
async def serve(reader, writer):
    try:
        while True:
            head = await reader.readuntil(b"\r\n\r\n")
            length = 0
            for line in head.split(b"\r\n"):
                if line.lower().startswith(b"content-length:"):
                    length = int(line.split(b":")[1])
            body = await reader.readexactly(length)
            n = body.count(b'"Source":')
            out = b'{"FailedEntryCount":0,"Entries":[' + b",".join([b'{"EventId":"x"}'] * n) + b"]}"
            writer.write(b"HTTP/1.1 200 OK\r\nContent-Type: application/x-amz-json-1.1\r\n"
                         b"Content-Length: " + str(len(out)).encode() + b"\r\n\r\n" + out)
            await writer.drain()
    except (asyncio.IncompleteReadError, ConnectionError):
        writer.close()
async def main():
    server = await asyncio.start_server(serve, "127.0.0.1", int(sys.argv[1]), backlog=256)
    async with server:
        await server.serve_forever()
asyncio.run(main())
PY
pids+=($!)
wait_port "$fport"
echo "== iatk send: $BIG events to a fast local fake, under /usr/bin/time -v"
gen "$BIG" >"$tmp/big.ndjson"
/usr/bin/time -v "$IATK" send --event-bus bench --endpoint-url "http://127.0.0.1:$fport" \
    --concurrency 8 <"$tmp/big.ndjson" 2>"$tmp/big.err" || true
grep -E '^iatk: sent|Maximum resident|Elapsed' "$tmp/big.err"
