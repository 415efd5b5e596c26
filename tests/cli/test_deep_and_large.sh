#!/usr/bin/env bash
# Hostile sizes: deep nesting (1,000 levels of objects, arrays, $ref and
# allOf; 100,000 levels of raw JSON), long $ref chains, a 50 MB schema, a
# schema over the size limit, and tiny schemas that demand huge events.
# Each run either works (exit 0, JSON lines on stdout) or fails cleanly
# (one "iatk: error: " line, an exit status below 128, nothing on stdout),
# and never crashes, hangs (60 s) or uses unbounded memory (a watchdog kills
# it above the limit).
. "$(dirname "${BASH_SOURCE[0]}")/common.sh" large

# Sanitizer builds use several times the memory: scale the limits.
scale=1
if ldd "$IATK" 2>/dev/null | grep -q 'libasan'; then
    scale=4
fi
# The time limit catches hangs, not slowness: sanitizers run several times slower.
TIME_LIMIT=$((60 * scale))
MEM_LIMIT_KB=$((1024 * 1024 * scale)) # 1 GiB
# Under the memory limit but still bounded: a 50 MB schema may use this much.
BIG_MEM_KB=$((768 * 1024 * scale))

# run_bounded OUT ERR ARGS... — runs iatk (stdin from $stdin_file) with a
# watchdog.  Sets `status`, `peak_kb` and `killed_for` ("", "time", "memory").
stdin_file=/dev/null
run_bounded() {
    local out=$1 err=$2 hwm start=$SECONDS
    shift 2
    (exec "$IATK" "$@" <"$stdin_file" >"$out" 2>"$err") &
    local pid=$!
    peak_kb=0
    killed_for=""
    while kill -0 "$pid" 2>/dev/null; do
        hwm=$(awk '/^VmHWM:/ {print $2}' "/proc/$pid/status" 2>/dev/null)
        if [[ -n $hwm ]] && ((hwm > peak_kb)); then
            peak_kb=$hwm
        fi
        if ((peak_kb > MEM_LIMIT_KB)); then
            killed_for=memory
        elif ((SECONDS - start >= TIME_LIMIT)); then
            killed_for="time"
        fi
        if [[ -n $killed_for ]]; then
            kill -KILL "$pid" 2>/dev/null
            break
        fi
        sleep 0.05
    done
    { wait "$pid"; } 2>/dev/null
    status=$?
}

# check NAME [--mem KB] [--stdin FILE] ARGS... — runs and judges one input.
check() {
    local name=$1
    shift
    local limit_kb=$MEM_LIMIT_KB
    if [[ $1 == --mem ]]; then
        limit_kb=$2
        shift 2
    fi
    stdin_file=/dev/null
    if [[ $1 == --stdin ]]; then
        stdin_file=$2
        shift 2
    fi
    local out=$tmp/out err=$tmp/err
    run_bounded "$out" "$err" "$@"
    local what="exit $status, peak ${peak_kb} KB"
    if [[ $killed_for == time ]]; then
        fail "$name: still running after ${TIME_LIMIT}s (hang), killed; peak ${peak_kb} KB"
        return
    elif [[ $killed_for == memory ]]; then
        fail "$name: used more than ${MEM_LIMIT_KB} KB of memory, killed"
        return
    elif ((status >= 128)); then
        fail "$name: killed by signal $((status - 128)) (crash); stderr: $(head -c 300 "$err")"
        return
    fi
    if ((peak_kb > limit_kb)); then
        fail "$name: peak memory ${peak_kb} KB is above ${limit_kb} KB"
    fi
    if ((status == 0)); then
        if [[ -s $err ]]; then
            fail "$name: exit 0 but stderr is not empty: $(head -c 300 "$err")"
        elif ! "$PYTHON" - "$out" <<'PY'; then
import json, sys
sys.setrecursionlimit(200000)
with open(sys.argv[1], encoding="utf-8") as f:
    text = f.read()
assert text.endswith("\n"), "output does not end with a newline"
# One JSON value per event: one per line, or pretty-printed over several.
decoder, i, n = json.JSONDecoder(), 0, 0
while text[i:].strip():
    while text[i].isspace():
        i += 1
    _, i = decoder.raw_decode(text, i)
    n += 1
assert n > 0
PY
            fail "$name: exit 0 but stdout is not a sequence of JSON values"
        else
            echo "ok: $name works ($what)"
        fi
        return
    fi
    local lines
    lines=$(wc -l <"$err")
    if [[ -s $out ]]; then
        fail "$name: exit $status but stdout is not empty"
    elif [[ $lines -ne 1 ]] || ! grep -q '^iatk: error: ' "$err"; then
        fail "$name: exit $status but stderr is not one 'iatk: error: ' line: $(head -c 300 "$err")"
    elif ((${#CHECK_MESSAGE_NOT[@]})) && grep -q -E "${CHECK_MESSAGE_NOT[0]}" "$err"; then
        fail "$name: misleading message (${CHECK_MESSAGE_NOT[1]}): $(head -c 300 "$err")"
    else
        echo "ok: $name fails cleanly ($what): $(head -c 200 "$err")"
    fi
}
CHECK_MESSAGE_NOT=()

# ------------------------------------------------------------ the inputs

"$PYTHON" - "$tmp" <<'PY' || { echo "FAIL: cannot write the inputs"; exit 1; }
import json, os, sys
d = sys.argv[1]
def write(name, text):
    with open(os.path.join(d, name), "w", encoding="utf-8") as f:
        f.write(text)
N = 1000
# 1,000 nested objects, each with a required member.
write("deep_objects.json",
      '{"type":"object","required":["c"],"properties":{"c":' * N
      + '{"type":"string"}' + '}}' * N)
# 1,000 nested arrays with at least one item each.
write("deep_arrays.json",
      '{"type":"array","minItems":1,"items":' * N + '{"type":"integer"}' + '}' * N)
# 1,000 nested allOf.
write("deep_allof.json",
      '{"allOf":[' * N + '{"type":"object","properties":{"a":{"type":"string"}}}' + ']}' * N)
# 1,000 levels of objects through $ref (shallow JSON, deep event).
defs = {"D%d" % i: {"type": "object", "required": ["n"],
                    "properties": {"n": {"$ref": "#/definitions/D%d" % (i + 1)}}}
        for i in range(N)}
defs["D%d" % N] = {"type": "string"}
write("deep_refs.json", json.dumps({"$ref": "#/definitions/D0", "definitions": defs}))
# A chain of 1,000 refs to refs, no cycle: D0 -> D1 -> ... -> D1000 (a string).
defs = {"D%d" % i: {"$ref": "#/definitions/D%d" % (i + 1)} for i in range(N)}
defs["D%d" % N] = {"type": "string"}
write("ref_chain.json", json.dumps({"type": "object", "required": ["x"],
                                     "properties": {"x": {"$ref": "#/definitions/D0"}},
                                     "definitions": defs}))
# 100,000 levels of raw JSON nesting.
write("deep_json.json", '{"a":' * 100000 + '1' + '}' * 100000)
# A 50 MB schema: many properties with long descriptions.
def big(name, size):
    with open(os.path.join(d, name), "w", encoding="utf-8") as f:
        f.write('{"type":"object","properties":{')
        n = i = 0
        while n < size:
            s = ('' if i == 0 else ',') + '"p%07d":{"type":"string","description":"%s"}' % (i, "x" * 400)
            f.write(s)
            n += len(s)
            i += 1
        f.write('}}')
big("big_50mb.json", 50 * 1024 * 1024)
big("big_70mb.json", 70 * 1024 * 1024)
# One enum with a million values.
write("big_enum.json", json.dumps({"type": "object", "required": ["e"],
                                    "properties": {"e": {"enum": ["v%d" % i for i in range(1000000)]}}}))
# Tiny schemas whose smallest event is huge: minItems multiply.
write("huge_product.json", json.dumps(
    {"type": "array", "minItems": 1000, "items":
     {"type": "array", "minItems": 1000, "items":
      {"type": "array", "minItems": 1000, "items": {"type": "integer"}}}}))
write("huge_min_length.json", json.dumps(
    {"type": "object", "required": ["s"],
     "properties": {"s": {"type": "string", "minLength": 1000000000}}}))
PY

t=$tmp
for mode in barebone sample random; do
    check "1,000 nested objects ($mode)" generate --file "$t/deep_objects.json" --mode "$mode" --seed 1 --count 3
    check "1,000 nested arrays ($mode)" generate --file "$t/deep_arrays.json" --mode "$mode" --seed 1 --count 3
    check "1,000 nested allOf ($mode)" generate --file "$t/deep_allof.json" --mode "$mode" --seed 1
    check "1,000 levels through \$ref ($mode)" generate --file "$t/deep_refs.json" --mode "$mode" --seed 1 --count 3
done
check "1,000 nested objects, pretty, with contexts" generate --file "$t/deep_objects.json" --pretty --set /x=1 --context eventbridge
check "1,000 levels through \$ref, pretty, with contexts" generate --file "$t/deep_refs.json" --pretty --set /x=1 --context eventbridge

# A long chain of refs to refs is not a cycle: it works, or it is refused
# as too long — never reported as a "cycle".
CHECK_MESSAGE_NOT=("cycle" "an acyclic \$ref chain reported as a cycle")
check "chain of 1,000 refs to refs" generate --file "$t/ref_chain.json"
CHECK_MESSAGE_NOT=()

check "100,000 levels of raw JSON" generate --file "$t/deep_json.json"
check "100,000 levels of raw JSON (registry put)" registry put --registry-dir "$t/reg" --registry R --schema Deep "$t/deep_json.json"

check "50 MB schema" --mem "$BIG_MEM_KB" generate --file "$t/big_50mb.json"
check "50 MB schema (random, 2 events)" --mem "$BIG_MEM_KB" generate --file "$t/big_50mb.json" --mode random --seed 3 --count 2
check "50 MB schema (stdin)" --mem "$BIG_MEM_KB" --stdin "$t/big_50mb.json" generate --file - --skip-optional
check "50 MB schema (registry put)" --mem "$BIG_MEM_KB" registry put --registry-dir "$t/reg" --registry R --schema Big "$t/big_50mb.json"
if [[ -f $t/reg/R/Big/1/schema.json ]]; then
    check "50 MB schema (from the registry)" --mem "$BIG_MEM_KB" generate --registry-dir "$t/reg" --registry R --schema Big --skip-optional
    cmp -s "$t/big_50mb.json" "$t/reg/R/Big/1/schema.json" || fail "50 MB schema: the stored copy differs"
fi
check "70 MB schema" --mem "$BIG_MEM_KB" generate --file "$t/big_70mb.json"
check "enum of a million values" generate --file "$t/big_enum.json" --mode random --count 3

check "minItems 1000 x 1000 x 1000 (barebone)" generate --file "$t/huge_product.json"
check "minItems 1000 x 1000 x 1000 (random)" generate --file "$t/huge_product.json" --mode random
check "minLength 1,000,000,000" generate --file "$t/huge_min_length.json"

if ((failures)); then
    echo "$failures failure(s)"
    exit 1
fi
echo "all passed"
