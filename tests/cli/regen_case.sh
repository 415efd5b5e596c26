#!/usr/bin/env bash
# Rewrites a golden case's expected_stdout from the current binary: for
# cases whose output is deliberately allowed to change (random mode), after
# a generator change that alters the random draws.  Review the diff!
# The case runs exactly as run_case.sh runs it (case_lib.sh: tokens, env
# file, registry copy under @TMP@); the output is written as printed, so a
# case whose stdout shows a path needs its token put back by hand.
#   regen_case.sh CASE_DIR...
set -eu
die() { echo "regen_case.sh: $*" >&2; exit 2; }
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)
# shellcheck source=case_lib.sh source-path=SCRIPTDIR
. "$here/case_lib.sh"
IATK=${IATK:-$here/../../build/iatk}
[[ $IATK == /* ]] || IATK=$PWD/$IATK
for dir in "$@"; do
  scratch=$(mktemp -d "${TMPDIR:-/tmp}/iatk-regen.XXXXXX")
  case_prepare "$dir" "$scratch"
  (cd "$case_dir" && env "${case_env[@]}" "$IATK" "${case_args[@]+"${case_args[@]}"}" \
     <"$case_stdin" >"$case_dir/expected_stdout") || true
  rm -rf "$scratch"
  echo "regenerated $(basename "$case_dir")"
done
