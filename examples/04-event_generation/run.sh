#!/usr/bin/env bash
# The seed's three tests (tests/python/test_example_04.py), run through the
# iatk command-line tool.  It starts where the seed starts, from the stack:
# cdk/example-schemaStack.template.json (what the seed's CDK stack
# synthesises) is imported into a fresh registry tree, which writes the
# stack's outputs as `cdk deploy --outputs-file` would (into a temporary
# copy of outputs.json, so CalculatorFunction keeps its local value and the
# committed file is left alone).  The tests then run against that tree and
# the local consumer in ./consumer; then once more through the AWS path: the
# same registry served over the EventBridge Schemas API by
# `iatk registry serve` (with SigV4 checked), read with --source aws.
# `make demo` runs this script.
#
# Environment:
#   IATK    the iatk binary      (default: <repo>/build/iatk)
#   PYTHON  the Python 3 to use  (default: /usr/bin/python3)
#
# Clocks are real: no --now is given, so every run shows the current time.
# Exits 0 when all three tests pass, 1 when any fails, 2 when it cannot start.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/../.." && pwd)
IATK=${IATK:-$repo/build/iatk}
PYTHON=${PYTHON:-/usr/bin/python3}
template="$here/cdk/example-schemaStack.template.json"
work_dir=$(mktemp -d "${TMPDIR:-/tmp}/iatk-demo.XXXXXX")
registry_dir="$work_dir/registry"
outputs_file="$work_dir/outputs.json"
trap 'rm -rf "$work_dir"' EXIT

if [[ ! -x $IATK ]]; then
    echo "run.sh: no iatk binary at $IATK: build it with 'make build' or set IATK" >&2
    exit 2
fi
if ! "$PYTHON" -c 'import sys; sys.exit(sys.version_info < (3, 7))' 2>/dev/null; then
    echo "run.sh: $PYTHON is not a Python 3.7 or later: set PYTHON" >&2
    exit 2
fi

# ---------------------------------------------------------------- helpers

# The checker evaluates each Python expression given as an argument with the
# event bound to `e` (and its raw text to `raw`), and prints one line per
# expression.  It exits 1 if any expression is false or raises.
read -r -d '' CHECKER <<'PY' || true
import datetime, json, re, sys

RFC3339 = re.compile(
    r"(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(\.\d+)?([Zz]|([+-])(\d{2}):(\d{2}))")

def rfc3339(s, fraction=False):
    """True if s is an RFC 3339 date-time (with a fraction when asked)."""
    m = RFC3339.fullmatch(s) if isinstance(s, str) else None
    if not m or (fraction and not m.group(7)):
        return False
    y, mo, d, h, mi, sec = (int(m.group(i)) for i in range(1, 7))
    try:
        datetime.date(y, mo, d)
    except ValueError:
        return False
    if h > 23 or mi > 59 or sec > 60:
        return False
    return m.group(9) is None or (int(m.group(10)) < 24 and int(m.group(11)) < 60)

def eventbridge_time(s):
    """True if s is written as EventBridge writes `time`: UTC, whole seconds,
    "Z" (2019-11-30T09:02:36Z)."""
    return rfc3339(s) and re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", s) is not None

raw = sys.stdin.read()
try:
    e = json.loads(raw)
except ValueError as err:
    print(f"    FAIL  the output is not JSON: {err}")
    sys.exit(1)
ok = True
for expr in sys.argv[1:]:
    try:
        good = bool(eval(expr, {"e": e, "raw": raw, "rfc3339": rfc3339, "re": re,
                                "eventbridge_time": eventbridge_time}))
        why = ""
    except Exception as err:
        good, why = False, f"  ({type(err).__name__}: {err})"
    print(f"    {'ok  ' if good else 'FAIL'}  {expr}{why}")
    ok = ok and good
sys.exit(0 if ok else 1)
PY

check() {  # check EVENT EXPR...
    local event=$1
    shift
    printf '%s' "$event" | "$PYTHON" -c "$CHECKER" "$@"
}

show() {  # show EVENT: print it the way a person reads it
    printf '%s' "$1" | "$PYTHON" -c '
import json, sys
raw = sys.stdin.read()
try:
    text = json.dumps(json.loads(raw), indent=2, ensure_ascii=False)
except ValueError as err:
    print(f"FAIL  iatk printed something that is not JSON ({err}):\n{raw!r}")
    sys.exit(1)
print(text)' | sed 's/^/    /'
}

say() {  # say ARGS...: print the iatk command line about to run, ready to paste
    local arg line='  $ iatk'
    for arg in "$@"; do
        if [[ $arg =~ ^[A-Za-z0-9_./@:=+-]+$ ]]; then
            line+=" $arg"
        else
            line+=" '${arg//\'/\'\\\'\'}'"
        fi
    done
    printf '%s\n' "$line"
}

output() {  # output KEY: one value of the stack's outputs, as the seed reads them
    "$PYTHON" - "$outputs_file" "$1" <<'PY'
import json, sys
with open(sys.argv[1]) as f:
    outputs = json.load(f)
stack = outputs.get("example-schemaStack") or outputs.get("cdk-example-schemaStack") or {}
print(stack[sys.argv[2]])
PY
}

# ---------------------------------------------------------------- the stack
# The stack's registry and schema, imported from its template (names are
# generated as CloudFormation makes them, stable across runs), and its
# outputs; the seed's third test reads the aws.events registry, copied in
# from ./registry.
echo "iatk example 04-event_generation"
echo "  Import the stack's template into a fresh registry tree:"
say registry import --registry-dir registry --stack-name cdk-example-schemaStack \
    --outputs outputs.json cdk/example-schemaStack.template.json
cp "$here/outputs.json" "$outputs_file"
mkdir -p "$registry_dir"
cp -R "$here/registry/aws.events" "$registry_dir/"
if ! "$IATK" registry import --registry-dir "$registry_dir" \
        --stack-name cdk-example-schemaStack --outputs "$outputs_file" "$template" 2>&1 |
        sed 's/^/    /'; then
    echo "run.sh: iatk registry import failed" >&2
    exit 2
fi

registry_name=$(output RegistryName)
schema_name=$(output SchemaName)
function_name=$(output CalculatorFunction)
# The seed's consumer, a Node.js Lambda handler, run locally by iatk as
# Lambda runs it (docs/handlers.md); consumer/calculator.py is the same
# calculator as a plain stdin program (see README.md).
handler="$here/consumer/$function_name/index.lambdaHandler"

# The keys every MyEvent has, barebone or not (the seed's first assertion).
myevent_keys='all(k in e for k in ["address", "customerId", "datetime", "membershipType", "orderItems"])'

# Functions below run as `if test_...`, where bash ignores `set -e`: every
# step that can fail says `|| return 1` itself.

# ---------------------------------------------------------------- test 1
test_generate_barebone_event() {
    local event
    echo "  Generate a barebone MyEvent from $registry_name/$schema_name:"
    say generate "${source_args[@]}" --registry "$registry_name" \
        --schema "$schema_name" --event-ref MyEvent
    event=$("$IATK" generate "${source_args[@]}" --registry "$registry_name" \
        --schema "$schema_name" --event-ref MyEvent) || return 1
    show "$event" || return 1
    check "$event" \
        '"\n" not in raw.strip()' \
        "$myevent_keys" \
        'e["address"] == ""' \
        'e["customerId"] == ""' \
        'e["orderItems"] == []' \
        'e["membershipType"] == "A"' \
        'rfc3339(e["datetime"], fraction=True)' || return 1
}

# ---------------------------------------------------------------- test 2
test_generate_contextful_event() {
    local event result uuid i
    local -a sets
    # apply_context from the seed, as --set options: a fresh customerId, an
    # address and five order items with unitPrice (i+1)*2 and count i+1.
    uuid=$("$PYTHON" -c 'import uuid; print(uuid.uuid4())') || return 1
    sets=(--set "/customerId=\"$uuid\"" --set '/address="99 Some Street"')
    for i in 0 1 2 3 4; do
        sets+=(--set "/orderItems/-={\"unitPrice\":$(((i + 1) * 2)),\"count\":$((i + 1))}")
    done
    echo "  Generate a MyEvent with the seed's apply_context given as --set options:"
    say generate "${source_args[@]}" --registry "$registry_name" \
        --schema "$schema_name" --event-ref MyEvent "${sets[@]}"
    event=$("$IATK" generate "${source_args[@]}" --registry "$registry_name" \
        --schema "$schema_name" --event-ref MyEvent "${sets[@]}") || return 1
    show "$event" || return 1
    check "$event" \
        "$myevent_keys" \
        "e[\"customerId\"] == \"$uuid\"" \
        'e["address"] == "99 Some Street"' \
        'len(e["orderItems"]) == 5' \
        'e["orderItems"][4] == {"unitPrice": 10, "count": 5}' \
        'rfc3339(e["datetime"], fraction=True)' || return 1

    echo "  Invoke the Lambda handler of '$function_name' with it, locally (expect 110):"
    say invoke --handler "${handler#"$here/"}" --runtime nodejs --event -
    result=$(printf '%s\n' "$event" | "$IATK" invoke --handler "$handler" --runtime nodejs \
        --event -) || return 1
    if [[ $result == 110 ]]; then
        echo "    ok    the handler returned $result"
    else
        echo "    FAIL  the handler returned '$result', not 110"
        return 1
    fi

    echo "  The same calculator as a local program reading stdin (expect 110):"
    say invoke --timeout 30 --event - -- consumer/calculator.py
    result=$(printf '%s\n' "$event" | "$IATK" invoke --timeout 30 --event - -- \
        "$here/consumer/calculator.py") || return 1
    result=${result//[[:space:]]/}
    if [[ $result == 110 ]]; then
        echo "    ok    the program answered $result"
    else
        echo "    FAIL  the program answered '$result', not 110"
        return 1
    fi
}

# ---------------------------------------------------------------- test 3
test_generate_eventbridge_event() {
    local event
    local -a args=("${source_args[@]}" --registry aws.events
        --schema aws.autoscaling@EC2InstanceLaunchSuccessful --schema-version 2
        --event-ref AWSEvent --context eventbridge)
    echo "  Generate an EventBridge event, version 2 of an AWS schema, with the eventbridge context:"
    say generate "${args[@]}"
    event=$("$IATK" generate "${args[@]}") || return 1
    show "$event" || return 1
    check "$event" \
        'all(k in e for k in ["detail-type", "resources", "id", "source", "time", "detail", "region", "version", "account"])' \
        'e["id"] != ""' \
        'e["account"] != ""' \
        'e["time"] != ""' \
        'eventbridge_time(e["time"])' \
        're.fullmatch(r"[0-9a-f]{8}(-[0-9a-f]{4}){3}-[0-9a-f]{12}", e["id"])' \
        're.fullmatch(r"[0-9]{12}", e["account"])' \
        'e["version"] == "0"' \
        'e["detail-type"] == "EC2 Instance Launch Successful"' \
        'e["source"] == "aws.autoscaling"' \
        'isinstance(e["resources"], list)' \
        'isinstance(e["detail"], dict) and "Description" in e["detail"]' || return 1
}

# ---------------------------------------------------------------- main
passed=0
failed=0
run_test() {  # run_test NAME DESCRIPTION
    printf '\n=== %s: %s\n' "$1" "$2"
    if "$1"; then
        echo "PASS $1"
        passed=$((passed + 1))
    else
        echo "FAIL $1"
        failed=$((failed + 1))
    fi
}

echo "  iatk:     $IATK"
echo "  registry: $registry_dir"
echo "  outputs:  RegistryName=$registry_name SchemaName=$schema_name CalculatorFunction=$function_name"

run_all() {
    run_test test_generate_barebone_event "a barebone event from the stack's schema"
    run_test test_generate_contextful_event "an event enriched with contexts, fed to the calculator"
    run_test test_generate_eventbridge_event "an AWS EventBridge event with the eventbridge context"
}

printf '\n##### from the local registry tree\n'
source_args=(--registry-dir "$registry_dir")
run_all

# ------------------------------------------------- through the AWS path
# The same registry behind the EventBridge Schemas REST API, on loopback,
# refusing any request not signed with this (made-up) key: iatk's AWS
# source signs with SigV4 and reads it as it would read AWS.
serve_log=$(mktemp "${TMPDIR:-/tmp}/iatk-demo-serve.XXXXXX")
cache_dir=$(mktemp -d "${TMPDIR:-/tmp}/iatk-demo-cache.XXXXXX")
server_pid=
stop_server() {
    [[ -n $server_pid ]] && kill "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null
    rm -rf "$serve_log" "$cache_dir" "$work_dir"
}
trap stop_server EXIT
export AWS_ACCESS_KEY_ID=AKIDIATKDEMO AWS_SECRET_ACCESS_KEY=iatk-demo-secret
export AWS_EC2_METADATA_DISABLED=true IATK_CACHE_DIR=$cache_dir
unset AWS_PROFILE AWS_SESSION_TOKEN IATK_REGISTRY_DIR
"$IATK" registry serve --registry-dir "$registry_dir" --listen 127.0.0.1:0 \
    --verify-sigv4 2>"$serve_log" &
server_pid=$!
endpoint=
for _ in $(seq 100); do
    endpoint=$(grep -o 'http://127\.0\.0\.1:[0-9]*' "$serve_log" || true)
    [[ -n $endpoint ]] && break
    sleep 0.05
done
printf '\n##### through the AWS path: iatk registry serve on %s, --source aws\n' \
    "${endpoint:-(did not start)}"
if [[ -z $endpoint ]]; then
    sed 's/^/    /' "$serve_log"
    echo "FAIL iatk registry serve did not start"
    failed=$((failed + 1))
else
    source_args=(--source aws --endpoint-url "$endpoint" --region us-east-1)
    run_all
fi

echo
echo "$passed passed, $failed failed"
[[ $failed -eq 0 ]]
