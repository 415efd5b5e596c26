# shellcheck shell=bash disable=SC2034  # sets variables for the sourcing script
# How a golden case folder (tests/cases/<name>/, format in
# tests/cases/README.md) becomes one iatk run: sourced by run_case.sh and
# regen_case.sh so that both run a case the same way.  The sourcing script
# defines die MESSAGE (exits 2 when the case itself is broken).
#
#   case_prepare CASE_DIR SCRATCH
#
# makes SCRATCH/tmp and sets
#   case_dir      the case folder, absolute, symlinks resolved     (@DIR@)
#   tmp_dir       SCRATCH/tmp: empty but for a copy of the registry (@TMP@)
#   registry_dir  the case's source registry: CASE_DIR/registry, or the
#                 fixture that registry_fixture names, or ""  (@REGISTRY@)
#   case_args     the arguments, tokens replaced
#   case_env      env(1) arguments: the variables unset and set for the run
#   case_stdin    the file fed to standard input
# The source registry is copied to @TMP@/registry so that a case can write
# into it (registry put) without touching the source tree.

# Shared registry trees, for cases that name one in registry_fixture.
fixtures_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")/../cases/_fixtures" 2>/dev/null && pwd -P) ||
    fixtures_dir=$(dirname "${BASH_SOURCE[0]}")/../cases/_fixtures

case_prepare() {
    case_dir=$(cd "$1" && pwd -P) || die "cannot enter $1"
    local name scratch=$2 fixture
    name=$(basename "$case_dir")
    [[ -f $case_dir/args ]] || die "$name: no args file"
    tmp_dir=$scratch/tmp
    mkdir "$tmp_dir" || die "cannot make $tmp_dir"

    registry_dir=
    if [[ -e $case_dir/registry_fixture ]]; then
        [[ -e $case_dir/registry ]] &&
            die "$name: has both registry/ and registry_fixture; keep one"
        fixture=$(tr -d ' \t\r\n' <"$case_dir/registry_fixture")
        [[ $fixture =~ ^[A-Za-z0-9_-][A-Za-z0-9._-]*$ ]] ||
            die "$name: registry_fixture should hold one fixture name, got '$fixture'"
        [[ -d $fixtures_dir/$fixture ]] ||
            die "$name: no fixture $fixture in $fixtures_dir"
        registry_dir=$fixtures_dir/$fixture
    elif [[ -d $case_dir/registry ]]; then
        registry_dir=$case_dir/registry
    fi
    if [[ -n $registry_dir ]]; then
        cp -R "$registry_dir" "$tmp_dir/registry" || die "cannot copy $registry_dir"
    else
        ! grep -qs '@REGISTRY@' "$case_dir"/args "$case_dir"/env "$case_dir"/expected_* ||
            die "$name: uses @REGISTRY@ but has neither registry/ nor registry_fixture"
    fi

    local raw a line
    mapfile -t raw <"$case_dir/args"
    case_args=()
    for a in "${raw[@]+"${raw[@]}"}"; do
        case_args+=("$(expand "$a")")
    done

    case_stdin=/dev/null
    [[ -f $case_dir/stdin ]] && case_stdin=$case_dir/stdin

    # No registry or AWS settings leak in from the caller; an optional env
    # file adds NAME=VALUE lines (tokens replaced).
    case_env=(-u IATK_REGISTRY_DIR -u AWS_REGION -u AWS_DEFAULT_REGION
              -u AWS_PROFILE -u AWS_CONFIG_FILE -u AWS_SHARED_CREDENTIALS_FILE
              LC_ALL=C TZ="${TZ:-UTC}")
    if [[ -f $case_dir/env ]]; then
        while IFS= read -r line || [[ -n $line ]]; do
            [[ -z $line || $line == \#* ]] && continue
            case_env+=("$(expand "$line")")
        done <"$case_dir/env"
    fi
    return 0
}

# Replaces @DIR@, @TMP@ and @REGISTRY@ in a string.
expand() {
    local s=${1//@DIR@/$case_dir}
    s=${s//@REGISTRY@/$registry_dir}
    printf '%s' "${s//@TMP@/$tmp_dir}"
}

# Writes a copy of an expected_* file with the tokens replaced.
expand_file() {
    local out
    # Read byte-exactly, including a last line without a newline.
    out=$(cat "$1"; printf x)
    out=${out%x}
    out=${out//@DIR@/$case_dir}
    out=${out//@REGISTRY@/$registry_dir}
    printf '%s' "${out//@TMP@/$tmp_dir}" >"$2"
}
