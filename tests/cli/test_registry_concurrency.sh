#!/usr/bin/env bash
# Parallel `iatk registry put` into one schema gives the distinct versions
# 1..N, each holding exactly the content its put printed; parallel puts into
# fresh registries and schemas all succeed; readers running meanwhile never
# see half a version; nothing temporary is left in the tree.
. "$(dirname "${BASH_SOURCE[0]}")/common.sh" concurrency
cd "$tmp" || exit 2
N=24
reg=(--registry-dir "$tmp/tree")

# N schemas that differ, so each version can be traced to its put.
for i in $(seq 1 $N); do
    printf '{"type": "object", "required": ["n"], "properties": {"n": {"enum": [%d]}}}\n' "$i" >"s$i.json"
done

# --------------------------------------------- N puts into one schema
pids=()
for i in $(seq 1 $N); do
    "$IATK" registry put "${reg[@]}" --registry orders --schema Placed "s$i.json" \
        >"put$i.out" 2>"put$i.err" &
    pids+=($!)
done
for i in $(seq 1 $N); do
    if ! wait "${pids[$((i - 1))]}"; then
        fail "put $i failed: $(cat "put$i.err")"
    fi
done

versions=$(cat put*.out | sort -n | tr '\n' ' ')
want=$(seq 1 $N | tr '\n' ' ')
if [[ $versions != "$want" ]]; then
    fail "parallel puts printed versions [$versions], expected [$want]"
else
    ok "$N parallel puts printed the distinct versions 1..$N"
fi

listed=$("$IATK" registry versions "${reg[@]}" --registry orders --schema Placed | tr '\n' ' ')
if [[ $listed != "$want" ]]; then
    fail "registry versions lists [$listed], expected [$want]"
else
    ok "registry versions lists 1..$N in numeric order"
fi

# Each version holds exactly the bytes of the put that printed its number.
mismatch=0
for i in $(seq 1 $N); do
    v=$(cat "put$i.out")
    [[ -n $v ]] || continue
    "$IATK" registry show "${reg[@]}" --registry orders --schema Placed --schema-version "$v" >shown.json 2>/dev/null
    if ! cmp -s shown.json "s$i.json"; then
        fail "version $v does not hold the content of the put that printed it (s$i.json)"
        mismatch=1
    fi
    event=$("$IATK" generate "${reg[@]}" --registry orders --schema Placed --schema-version "$v" 2>&1)
    if [[ $event != "{\"n\":$i}" ]]; then
        fail "generate from version $v gave '$event', expected {\"n\":$i}"
        mismatch=1
    fi
done
((mismatch)) || ok "every version holds its own put's content, byte for byte"

# --------------------------- puts into fresh registries and schemas at once
pids=()
for i in $(seq 1 $N); do
    r=reg$((i % 3))
    s=Schema$((i % 4))
    "$IATK" registry put "${reg[@]}" --registry "$r" --schema "$s" "s$i.json" \
        >"fresh$i.out" 2>"fresh$i.err" &
    pids+=($!)
    if ((i % 6 == 0)); then
        "$IATK" registry create "${reg[@]}" "new$i" >/dev/null 2>"create$i.err" &
        pids+=($!)
    fi
done
fresh_failed=0
for p in "${pids[@]}"; do
    wait "$p" || fresh_failed=1
done
if ((fresh_failed)); then
    fail "parallel puts into fresh registries/schemas failed: $(cat fresh*.err create*.err 2>/dev/null | sort -u | head -n 5)"
else
    total=0
    for r in reg0 reg1 reg2; do
        for s in Schema0 Schema1 Schema2 Schema3; do
            n=$("$IATK" registry versions "${reg[@]}" --registry "$r" --schema "$s" 2>/dev/null | wc -l)
            total=$((total + n))
        done
    done
    if ((total != N)); then
        fail "parallel puts into fresh registries stored $total versions, expected $N"
    else
        ok "parallel puts creating registries and schemas on the fly all landed"
    fi
fi

# ------------------------------------------- readers while writers write
big=$(
    printf '{"type": "object", "properties": {'
    for i in $(seq 1 3000); do
        ((i > 1)) && printf ', '
        printf '"p%d": {"type": "string", "description": "%s"}' "$i" "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
    done
    printf '}}\n'
)
printf '%s\n' "$big" >big.json
(
    for i in $(seq 1 15); do
        "$IATK" registry put "${reg[@]}" --registry live --schema Big big.json >/dev/null 2>>writer.err
    done
) &
writer=$!
bad_reads=0
reads=0
while kill -0 "$writer" 2>/dev/null; do
    if "$IATK" registry show "${reg[@]}" --registry live --schema Big >read.json 2>read.err; then
        reads=$((reads + 1))
        cmp -s read.json big.json || bad_reads=$((bad_reads + 1))
    elif ! grep -q -E "not found" read.err; then
        bad_reads=$((bad_reads + 1))
        echo "  reader error: $(cat read.err)"
    fi
done
wait "$writer"
if ((bad_reads)); then
    fail "$bad_reads of the reads during writes saw a partial or broken version"
elif [[ -s writer.err ]]; then
    fail "the writer failed: $(head -n 3 writer.err)"
else
    ok "$reads reads during 15 writes all saw complete versions"
fi

# ------------------------------------------------------------ leftovers
junk=$(find "$tmp/tree" -name '.*' -o -name '*.tmp*' | head -n 5)
if [[ -n $junk ]]; then
    fail "temporary files left in the tree: $junk"
else
    ok "no temporary files left in the tree"
fi
incomplete=$(find "$tmp/tree" -mindepth 3 -maxdepth 3 -type d | while read -r d; do
    [[ -f $d/schema.json && -f $d/meta.json ]] || echo "$d"
done)
if [[ -n $incomplete ]]; then
    fail "versions without schema.json or meta.json: $incomplete"
else
    ok "every version directory has schema.json and meta.json"
fi

if ((failures)); then
    echo "$failures failure(s)"
    exit 1
fi
echo "all passed"
