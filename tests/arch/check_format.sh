#!/usr/bin/env bash
# The C sources follow .clang-format (clang-format 14, Debian's): a file
# that does not is named with the first lines it would change.  Fix with
#   clang-format-14 -i FILE
set -euo pipefail
root=${1:?usage: check_format.sh SOURCE_ROOT}
cd "$root"
fmt=$(command -v clang-format-14 || command -v clang-format) ||
  { echo "check_format: clang-format-14 is not installed (scripts/install-deps.sh)" >&2; exit 1; }
mapfile -t files < <(git ls-files 'lib/*.c' 'lib/*.h' 'src/*.c' 'src/*.h' 'include/*.h' \
  'tests/unit/*.c' 'tests/unit/*.h' 'tests/tools/*.c' 'fuzz/*.c' 'fuzz/*.h' 'bench/*.c' 2>/dev/null ||
  find lib src include tests/unit tests/tools fuzz bench -name '*.[ch]')
bad=0
for f in "${files[@]}"; do
  if ! "$fmt" --dry-run --Werror "$f" >/dev/null 2>&1; then
    echo "check_format: $f does not follow .clang-format:" >&2
    diff <("$fmt" "$f") "$f" | head -8 >&2 || true
    bad=$((bad + 1))
  fi
done
echo "check_format: ${#files[@]} files, $bad not formatted"
[ "$bad" -eq 0 ]
