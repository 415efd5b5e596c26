#!/usr/bin/env bash
# Runs one golden case folder (tests/cases/<name>/, format in
# tests/cases/README.md) and compares what iatk did with what the folder
# expects.  Exits 0 when everything matches, 1 on any mismatch (with a
# unified diff or a one-line reason per problem), 2 when the case itself
# cannot be run.
#
#   run_case.sh CASE_DIR
#
# Environment: IATK (the binary; default <repo>/build/iatk),
# IATK_CASE_TIMEOUT (seconds before a run counts as a hang; default 60).
set -u

die() { echo "run_case.sh: $*" >&2; exit 2; }

[[ $# -eq 1 && -d $1 ]] || die "usage: run_case.sh CASE_DIR"
case_dir=$(cd "$1" && pwd -P) || die "cannot enter $1"
name=$(basename "$case_dir")
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)
IATK=${IATK:-$here/../../build/iatk}
[[ $IATK == /* ]] || IATK=$PWD/$IATK
[[ -x $IATK ]] || die "no iatk binary at $IATK (set IATK)"
[[ -f $case_dir/args ]] || die "$name: no args file"
limit=${IATK_CASE_TIMEOUT:-60}

scratch=$(mktemp -d "${TMPDIR:-/tmp}/iatk-case.XXXXXX") || die "mktemp failed"
trap 'rm -rf "$scratch"' EXIT
tmp_dir=$scratch/tmp # what @TMP@ stands for
mkdir "$tmp_dir"
# A registry/ tree is also copied under @TMP@ so a case can write into it
# (registry put) without touching the source tree.
if [[ -d $case_dir/registry ]]; then
    cp -R "$case_dir/registry" "$tmp_dir/registry" || die "cannot copy registry/"
fi

# Replaces @DIR@ and @TMP@ in a string.
expand() {
    local s=${1//@DIR@/$case_dir}
    printf '%s' "${s//@TMP@/$tmp_dir}"
}

# Writes a copy of an expected_* file with the tokens replaced.
expand_file() {
    local out
    # Read byte-exactly, including a last line without a newline.
    out=$(cat "$1"; printf x)
    out=${out%x}
    out=${out//@DIR@/$case_dir}
    printf '%s' "${out//@TMP@/$tmp_dir}" >"$2"
}

mapfile -t raw_args <"$case_dir/args"
args=()
for a in "${raw_args[@]+"${raw_args[@]}"}"; do
    args+=("$(expand "$a")")
done

stdin=/dev/null
[[ -f $case_dir/stdin ]] && stdin=$case_dir/stdin

# The environment: no registry or AWS settings leak in from the caller; an
# optional env file adds NAME=VALUE lines (tokens replaced).
env_args=(-u IATK_REGISTRY_DIR -u AWS_REGION -u AWS_DEFAULT_REGION
          -u AWS_PROFILE -u AWS_CONFIG_FILE -u AWS_SHARED_CREDENTIALS_FILE
          LC_ALL=C TZ="${TZ:-UTC}")
if [[ -f $case_dir/env ]]; then
    while IFS= read -r line || [[ -n $line ]]; do
        [[ -z $line || $line == \#* ]] && continue
        env_args+=("$(expand "$line")")
    done <"$case_dir/env"
fi

before=$(cd "$case_dir" && find . | LC_ALL=C sort)
(cd "$case_dir" &&
    exec env "${env_args[@]}" timeout -k 5 "$limit" "$IATK" "${args[@]+"${args[@]}"}") \
    <"$stdin" >"$scratch/stdout" 2>"$scratch/stderr"
status=$?
after=$(cd "$case_dir" && find . | LC_ALL=C sort)

failed=0
fail() { echo "case $name: $*"; failed=1; }

expected_exit=0
if [[ -f $case_dir/expected_exit ]]; then
    expected_exit=$(tr -d ' \t\r\n' <"$case_dir/expected_exit")
    [[ $expected_exit =~ ^[0-9]+$ ]] || die "$name: expected_exit is not a number"
fi

if [[ $status -eq 124 ]]; then
    fail "iatk did not finish within ${limit}s (hang?) and was stopped"
elif [[ $status -eq 137 ]]; then
    fail "iatk was killed by SIGKILL (ignored the timeout's SIGTERM, or ran out of memory)"
elif ((status >= 128)); then
    fail "iatk was killed by signal $((status - 128)) (crash), exit status $status"
fi
if [[ $status != "$expected_exit" ]]; then
    fail "exit status $status, expected $expected_exit"
fi

# Compares one stream with its expected_* file (or with emptiness).
compare() {
    local stream=$1 expected=$case_dir/expected_$1 want=$scratch/want_$1
    if [[ -f $expected ]]; then
        expand_file "$expected" "$want"
    else
        : >"$want"
    fi
    if ! cmp -s "$want" "$scratch/$stream"; then
        if [[ -f $expected ]]; then
            fail "$stream differs from expected_$stream:"
        else
            fail "$stream should be empty:"
        fi
        diff -u --label "expected_$stream" --label "actual_$stream" \
            "$want" "$scratch/$stream"
    fi
}

compare stdout
if [[ -f $case_dir/expected_stderr || $status -eq 0 ]]; then
    compare stderr
else
    # An error with no exact text given: still one "iatk: error: " line.
    lines=$(wc -l <"$scratch/stderr")
    if [[ $lines -ne 1 ]] || ! head -n 1 "$scratch/stderr" | grep -q '^iatk: error: '; then
        fail "stderr should be exactly one 'iatk: error: ' line, got:"
        sed 's/^/    /' "$scratch/stderr"
    fi
fi

if [[ $before != "$after" ]]; then
    fail "the run changed the case folder (write under @TMP@ instead):"
    diff -u --label before --label after <(echo "$before") <(echo "$after")
fi

if ((failed)); then
    shown=iatk
    ((${#args[@]})) && shown+=$(printf ' %q' "${args[@]}")
    echo "case $name: command: $shown"
    exit 1
fi
echo "case $name: ok"
exit 0
