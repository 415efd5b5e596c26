#!/usr/bin/env bash
# Exit statuses beyond what golden cases can express: every exit status of
# the error table in include/iatk/iatk.h is documented by `iatk --help`, and
# a standard output that cannot be written (a full disk, a closed
# descriptor) is an I/O error for every command — exit 7 and one
# "iatk: error: cannot write to standard output: <reason>" line — never a
# silent success with lost output.
. "$(dirname "${BASH_SOURCE[0]}")/common.sh" exit
cd "$tmp" || exit 2

# ------------------------------------ the error table and the documentation
header=$SOURCE_DIR/include/iatk/iatk.h
if [[ -f $header ]]; then
    statuses=$(grep -o -E '^ *XX\([A-Z_]+, *[0-9]+' "$header" | sed 's/.*, *//' | sort -un)
    "$IATK" --help >help.txt
    for s in $statuses; do
        [[ $s == 0 ]] && continue
        if ! grep -q -E "(^|[ ,:])$s [a-zA-Z]" help.txt; then
            fail "exit status $s is in the error table but not explained by iatk --help"
        fi
    done
    ok "iatk --help explains the exit statuses $(echo $statuses | tr '\n' ' ')"
else
    echo "skip: no $header"
fi

# --------------------------------------------------- unwritable stdout
cat >schema.json <<'EOF'
{"type": "object", "required": ["id"], "properties": {"id": {"type": "string"}}}
EOF
echo '{"id": "x"}' >event.json
"$IATK" registry put --registry-dir tree --registry orders --schema Placed schema.json >/dev/null ||
    fail "setup: registry put failed"

commands=(
    "generate --file schema.json"
    "generate --file schema.json --count 100000"
    "generate --file schema.json --pretty --set /x=1"
    "registry list --registry-dir tree"
    "registry list --registry-dir tree orders"
    "registry versions --registry-dir tree --registry orders --schema Placed"
    "registry show --registry-dir tree --registry orders --schema Placed"
    "registry put --registry-dir tree --registry orders --schema Placed schema.json"
    "invoke --event event.json -- cat"
    "--help"
    "generate --help"
    "version"
)

# check_unwritable LABEL REASON REDIRECTION-KIND ARGS...
check_unwritable() {
    local label=$1 reason=$2 kind=$3
    shift 3
    if [[ $kind == full ]]; then
        "$IATK" "$@" </dev/null >/dev/full 2>err.txt
    else
        "$IATK" "$@" </dev/null >&- 2>err.txt
    fi
    local rc=$?
    if [[ $rc -ne 7 ]]; then
        fail "iatk $* ($label): exit $rc, expected 7; stderr: $(head -c 200 err.txt)"
    elif [[ $(wc -l <err.txt) -ne 1 ]] || ! grep -q '^iatk: error: ' err.txt; then
        fail "iatk $* ($label): stderr is not one 'iatk: error: ' line: $(head -c 300 err.txt)"
    elif ! grep -q "standard output" err.txt || ! grep -q "$reason" err.txt; then
        fail "iatk $* ($label): the message names neither standard output nor '$reason': $(cat err.txt)"
    else
        ok "iatk $* ($label): $(cat err.txt)"
    fi
}

if [[ -c /dev/full ]]; then
    for c in "${commands[@]}"; do
        # shellcheck disable=SC2086
        check_unwritable "stdout on a full disk" "No space left on device" full $c
    done
else
    echo "skip: no /dev/full"
fi
for c in "${commands[@]}"; do
    # shellcheck disable=SC2086
    check_unwritable "stdout closed" "Bad file descriptor" closed $c
done

if ((failures)); then
    echo "$failures failure(s)"
    exit 1
fi
echo "all passed"
