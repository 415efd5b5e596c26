#!/usr/bin/env bash
# iatk generate --shard: N shards of a --start/--count run, concatenated in
# order, are byte for byte the single run (random mode with contexts, so
# the envelope's id and time come from (seed, index) too); uneven splits,
# more shards than events (empty shards), --shard auto from the Kubernetes
# and AWS Batch variables, and the usage errors.
. "$(dirname "${BASH_SOURCE[0]}")/common.sh" shards
cd "$tmp" || exit 2

cat >order.json <<'EOF2'
{"$schema": "http://json-schema.org/draft-04/schema#",
 "type": "object", "required": ["id", "lines"],
 "properties": {
  "id": {"type": "string", "format": "uuid"},
  "lines": {"type": "array", "minItems": 1, "maxItems": 3,
            "items": {"type": "object", "required": ["sku", "qty"],
                      "properties": {"sku": {"type": "string"},
                                     "qty": {"type": "integer", "minimum": 1}}}}}}
EOF2
args=(generate --file order.json --now "$NOW" --mode random --seed 5 --context eventbridge)

# check_shards COUNT START N — N shards of --start START --count COUNT.
check_shards() {
    local count=$1 start=$2 n=$3 i
    "$IATK" "${args[@]}" --start "$start" --count "$count" >whole.json || { fail "whole run"; return; }
    : >joined.json
    for ((i = 0; i < n; i++)); do
        "$IATK" "${args[@]}" --start "$start" --count "$count" --shard "$i/$n" >>joined.json ||
            { fail "shard $i/$n"; return; }
    done
    if cmp -s whole.json joined.json; then
        ok "$n shards of --start $start --count $count == one run"
    else
        fail "$n shards of --start $start --count $count differ from one run"
        diff whole.json joined.json | head -n 5
    fi
}

check_shards 100 0 4
check_shards 101 7 3
check_shards 5 0 8      # three shards are empty
check_shards 1 3 1

# auto: Kubernetes gives the index, the count comes from /N or IATK_SHARD_COUNT
"$IATK" "${args[@]}" --count 10 --shard 2/3 >expected.json
got=$(JOB_COMPLETION_INDEX=2 "$IATK" "${args[@]}" --count 10 --shard auto/3)
[[ $got == "$(cat expected.json)" ]] && ok "auto/3 with JOB_COMPLETION_INDEX" || fail "auto/3"
got=$(JOB_COMPLETION_INDEX=2 IATK_SHARD_COUNT=3 "$IATK" "${args[@]}" --count 10 --shard auto)
[[ $got == "$(cat expected.json)" ]] && ok "auto with IATK_SHARD_COUNT" || fail "auto + IATK_SHARD_COUNT"
got=$(AWS_BATCH_JOB_ARRAY_INDEX=2 AWS_BATCH_JOB_ARRAY_SIZE=3 "$IATK" "${args[@]}" --count 10 --shard auto)
[[ $got == "$(cat expected.json)" ]] && ok "auto with AWS Batch" || fail "auto + AWS Batch"

# usage errors: exit 2 with a message
for bad in "3/3" "1" "a/2" "0/0" "-1/2" "auto"; do
    if JOB_COMPLETION_INDEX=0 "$IATK" "${args[@]}" --count 10 --shard "$bad" >/dev/null 2>err.txt; then
        fail "--shard $bad accepted"
    elif [[ $? -eq 2 ]] && grep -q 'shard' err.txt; then
        ok "--shard $bad refused"
    else
        fail "--shard $bad: $(cat err.txt)"
    fi
done
if "$IATK" "${args[@]}" --shard auto/2 >/dev/null 2>err.txt; then
    fail "--shard auto without an index accepted"
else
    grep -q JOB_COMPLETION_INDEX err.txt && ok "auto without an index names the variables" ||
        fail "auto without index: $(cat err.txt)"
fi

exit $((failures > 0))
