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
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)
# shellcheck source=case_lib.sh source-path=SCRIPTDIR
. "$here/case_lib.sh"
IATK=${IATK:-$here/../../build/iatk}
[[ $IATK == /* ]] || IATK=$PWD/$IATK
[[ -x $IATK ]] || die "no iatk binary at $IATK (set IATK)"
limit=${IATK_CASE_TIMEOUT:-60}

scratch=$(mktemp -d "${TMPDIR:-/tmp}/iatk-case.XXXXXX") || die "mktemp failed"
trap 'rm -rf "$scratch"' EXIT
# Sets case_dir, tmp_dir (with a copy of the registry), registry_dir,
# case_args, case_env and case_stdin; expand/expand_file replace the tokens.
case_prepare "$1" "$scratch"
name=$(basename "$case_dir")
args=("${case_args[@]+"${case_args[@]}"}")

# What the run must leave alone: the case folder and a shared fixture.
snapshot() {
    (cd "$case_dir" && find . | LC_ALL=C sort)
    if [[ $registry_dir == "$fixtures_dir"/* ]]; then
        (cd "$registry_dir" && find . | LC_ALL=C sort | sed "s|^\\.|@REGISTRY@|")
    fi
}

before=$(snapshot)
(cd "$case_dir" &&
    exec env "${case_env[@]}" timeout -k 5 "$limit" "$IATK" "${args[@]+"${args[@]}"}") \
    <"$case_stdin" >"$scratch/stdout" 2>"$scratch/stderr"
status=$?
after=$(snapshot)

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
    fail "the run changed the case folder or its fixture (write under @TMP@ instead):"
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
