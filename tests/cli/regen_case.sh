#!/usr/bin/env bash
# Rewrites a golden case's expected_stdout from the current binary: for
# cases whose output is deliberately allowed to change (random mode), after
# a generator change that alters the random draws.  Review the diff!
#   regen_case.sh CASE_DIR...
set -eu
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)
IATK=${IATK:-$here/../../build/iatk}
for dir in "$@"; do
  dir=$(cd "$dir" && pwd -P)
  mapfile -t args <"$dir/args"
  args=("${args[@]//@DIR@/$dir}")
  stdin=/dev/null
  [[ -f $dir/stdin ]] && stdin=$dir/stdin
  (cd "$dir" && env -u IATK_REGISTRY_DIR -u AWS_REGION -u AWS_DEFAULT_REGION \
     LC_ALL=C TZ=UTC "$IATK" "${args[@]}" <"$stdin" >expected_stdout) || true
  echo "regenerated $(basename "$dir")"
done
