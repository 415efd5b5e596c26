#!/usr/bin/env bash
# `iatk registry put` refuses an input over the 64 MiB document limit
# without reading it into memory: a regular file by its size, before
# reading anything; a pipe by reading no more than one byte past the limit.
# Either way the error is the size limit (exit 3) and nothing is written.
. "$(dirname "${BASH_SOURCE[0]}")/common.sh" put-size
cd "$tmp" || exit 2
LIMIT=$((64 * 1024 * 1024))
put=("$IATK" registry put --registry-dir "$tmp/tree" --registry orders --schema Big)

# Runs a bash command line; prints its exit status and the peak resident
# memory (KiB) of the biggest process it ran.
run_peak() {
    "$PYTHON" -c '
import resource, subprocess, sys
status = subprocess.call(["bash", "-c", sys.argv[1]])
print(status, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
' "$1"
}

# check NAME "STATUS PEAK" WANT_STATUS MAX_PEAK_KIB WANT_STDERR
check() {
    local name=$1 status=${2% *} peak=${2#* } want=$3 max_peak=$4 want_err=$5
    local got_err
    got_err=$(cat err)
    if [[ $status != "$want" ]]; then
        fail "$name: exit status $status, expected $want ($got_err)"
    elif [[ $got_err != "$want_err" ]]; then
        fail "$name: stderr '$got_err', expected '$want_err'"
    elif ((peak > max_peak)); then
        fail "$name: peak memory ${peak} KiB, expected at most ${max_peak} KiB"
    else
        ok "$name (exit $status, peak ${peak} KiB)"
    fi
}

# ------------------------------------------- a 2.3 GB file, size known
# Sparse, so the test costs no disk; iatk must not read it to find out.
truncate -s 2300M huge.json
out=$(run_peak "$(printf '%q ' "${put[@]}") huge.json 2>err")
check "2.3 GB regular file" "$out" 3 65536 \
    "iatk: error: huge.json is larger than the 64 MiB limit (2411724800 bytes)"

# One byte over the limit is over it; the size alone decides.
truncate -s $((LIMIT + 1)) over.json
out=$(run_peak "$(printf '%q ' "${put[@]}") over.json 2>err")
check "limit + 1 byte regular file" "$out" 3 65536 \
    "iatk: error: over.json is larger than the 64 MiB limit ($((LIMIT + 1)) bytes)"

# ----------------------------------------------- a pipe, size unknown
# 1 GiB of JSON whitespace: reading it all would take 1 GiB of memory;
# reading one byte past the limit takes 64 MiB (twice that, and then some,
# under AddressSanitizer, which copies on realloc and keeps freed memory).
out=$(run_peak "head -c 1G /dev/zero | tr '\\0' ' ' | $(printf '%q ' "${put[@]}") /dev/stdin 2>err")
check "1 GiB through a pipe" "$out" 3 300000 \
    "iatk: error: /dev/stdin is larger than the 64 MiB limit"

if [[ -e $tmp/tree ]]; then
    fail "a refused put wrote into the tree: $(find "$tmp/tree" | head -n 5)"
else
    ok "refused puts wrote nothing"
fi

# ------------------------------------------------ exactly at the limit
# The limit itself is allowed, through a pipe as from a file.
{ printf '{}'; head -c $((LIMIT - 2)) /dev/zero | tr '\0' ' '; } >limit.json
if v=$("${put[@]}" /dev/stdin <limit.json 2>err) && [[ $v == 1 ]]; then
    ok "a document of exactly 64 MiB through a pipe is stored"
else
    fail "a document of exactly 64 MiB through a pipe: exit $?, '$(cat err)'"
fi
if "$IATK" registry show --registry-dir "$tmp/tree" --registry orders --schema Big 2>err |
    cmp -s - limit.json; then
    ok "it is stored byte for byte"
else
    fail "the 64 MiB document was not stored byte for byte ($(cat err))"
fi

if ((failures)); then
    echo "$failures failure(s)"
    exit 1
fi
echo "all passed"
