# Set-up shared by the CLI test scripts, sourced first thing:
#   . "$(dirname "${BASH_SOURCE[0]}")/common.sh" NAME
# It finds the binary ($IATK, default build/iatk), clears the environment
# variables that would change iatk's behaviour, makes a temporary directory
# $tmp (removed at exit), and defines fail/ok, which count into $failures.
set -u

here=$(cd "$(dirname "${BASH_SOURCE[1]}")" && pwd -P)
IATK=${IATK:-$here/../../build/iatk}
[[ $IATK == /* ]] || IATK=$PWD/$IATK
[[ -x $IATK ]] || { echo "no iatk binary at $IATK (set IATK)"; exit 2; }
PYTHON=${PYTHON:-/usr/bin/python3}
SOURCE_DIR=${IATK_SOURCE_DIR:-$here/../..}
unset IATK_REGISTRY_DIR AWS_REGION AWS_DEFAULT_REGION
export LC_ALL=C TZ=UTC
NOW=2023-10-18T21:08:04.782196-07:00

tmp=$(mktemp -d "${TMPDIR:-/tmp}/iatk-${1:-test}.XXXXXX") || exit 2
trap 'rm -rf "$tmp"' EXIT
failures=0
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }
ok() { echo "ok: $*"; }
