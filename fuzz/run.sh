#!/bin/sh
# Runs one fuzz target.
#
#   fuzz/run.sh short BINARY        the ctest run: seeded, FUZZ_RUNS inputs
#                                   (default 3000) or FUZZ_SHORT_TIME seconds
#                                   (default 10) over the seed corpus; writes
#                                   nothing outside a temporary directory
#   fuzz/run.sh long BINARY OUT     FUZZ_TIME seconds (default 600); the
#                                   corpus grows in OUT/corpus/<target>,
#                                   crashes go to OUT/crashes/<target>/, the
#                                   log to OUT/logs/<target>.log
#   fuzz/run.sh summary OUT         executions per target of the long runs
#
# The target's name (the binary's) picks its seeds, fuzz/corpus/<target>/,
# its dictionary and its input size limit.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
mode=$1

target_options() {
  case $1 in
    fuzz_pattern) echo "-max_len=256 -dict=$here/regex.dict" ;;
    fuzz_context) echo "-max_len=1024 -dict=$here/json.dict" ;;
    fuzz_registry) echo "-max_len=512 -dict=$here/registry.dict" ;;
    fuzz_sigv4) echo "-max_len=4096 -dict=$here/sigv4.dict" ;;
    fuzz_aws_config) echo "-max_len=4096 -dict=$here/aws_config.dict" ;;
    fuzz_aws_answers) echo "-max_len=4096 -dict=$here/aws_answers.dict" ;;
    fuzz_serve) echo "-max_len=4096 -dict=$here/serve.dict" ;;
    *) echo "-max_len=4096 -dict=$here/json.dict" ;;
  esac
}

# Executions in a libFuzzer log: the final statistics, else the last
# status line ("#12345 ..." in-process, "#12345: ..." in fork mode).
executions() {
  n=$(sed -n 's/^stat::number_of_executed_units: *\([0-9]*\).*/\1/p' "$1" | tail -n 1)
  [ -n "$n" ] || n=$(sed -n 's/^#\([0-9]*\)[: ].*/\1/p' "$1" | tail -n 1)
  echo "${n:-0}"
}

case $mode in
short)
  bin=$2
  t=$(basename "$bin")
  tmp=$(mktemp -d "${TMPDIR:-/tmp}/iatk-$t-XXXXXX")
  trap 'rm -rf "$tmp"' EXIT
  mkdir "$tmp/corpus"
  # shellcheck disable=SC2046  # the options are words on purpose
  if ! "$bin" $(target_options "$t") -seed=1 -runs="${FUZZ_RUNS:-3000}" \
      -max_total_time="${FUZZ_SHORT_TIME:-10}" -timeout=60 -rss_limit_mb=2048 \
      -print_final_stats=1 -artifact_prefix="$tmp/" \
      "$tmp/corpus" "$here/corpus/$t" >"$tmp/log" 2>&1; then
    tail -n 80 "$tmp/log"
    for f in "$tmp"/crash-* "$tmp"/leak-* "$tmp"/timeout-* "$tmp"/oom-*; do
      [ -f "$f" ] || continue
      echo "--- reproducer $(basename "$f") (keep it out of fuzz/corpus/$t):"
      od -c "$f" | head -n 40
    done
    exit 1
  fi
  echo "$t: $(executions "$tmp/log") executions, no failure"
  ;;
long)
  bin=$2 out=$3
  t=$(basename "$bin")
  mkdir -p "$out/corpus/$t" "$out/crashes/$t" "$out/logs"
  log=$out/logs/$t.log
  start=$(date +%s)
  # Fork mode with one job keeps going after a crash, a leak or a timeout,
  # so the whole time is used and every distinct failure is kept.
  # shellcheck disable=SC2046
  "$bin" $(target_options "$t") -max_total_time="${FUZZ_TIME:-600}" \
    -timeout="${FUZZ_TIMEOUT:-30}" -rss_limit_mb=2048 -fork=1 \
    -ignore_crashes=1 -ignore_timeouts=1 -ignore_ooms=1 -print_final_stats=1 \
    -artifact_prefix="$out/crashes/$t/" \
    "$out/corpus/$t" "$here/corpus/$t" >"$log" 2>&1 || true
  echo "$(( $(date +%s) - start ))" >"$out/logs/$t.seconds"
  echo "$t: $(executions "$log") executions; log $log"
  ;;
summary)
  out=$2
  printf '%-14s %12s %8s %8s %8s %8s\n' target executions seconds exec/s corpus crashes
  for log in "$out"/logs/*.log; do
    [ -f "$log" ] || continue
    t=$(basename "$log" .log)
    n=$(executions "$log")
    s=$(cat "$out/logs/$t.seconds" 2>/dev/null || echo 0)
    rate=$([ "$s" -gt 0 ] && echo $((n / s)) || echo -)
    corpus=$(find "$out/corpus/$t" -type f | wc -l)
    crashes=$(find "$out/crashes/$t" -type f | wc -l)
    printf '%-14s %12s %8s %8s %8s %8s\n' "$t" "$n" "$s" "$rate" "$corpus" "$crashes"
  done
  ;;
*)
  echo "usage: $0 short BINARY | long BINARY OUT | summary OUT" >&2
  exit 2
  ;;
esac
