# Helpers of the `iatk invoke --handler` tests, sourced after common.sh.
#   invoke RC ARGS...   runs iatk invoke --handler ARGS... with $EVENT on
#                       stdin; fills $out, $err; fails unless the exit is RC
#   expect WHAT EXPR... each Python expression, with the parsed stdout as
#                       `r`, its text as `out` and stderr as `err`, must hold
HANDLERS=$SOURCE_DIR/tests/handlers
EVENT='{"orderItems":[{"unitPrice":2,"count":1},{"unitPrice":4,"count":2},{"unitPrice":6,"count":3},{"unitPrice":8,"count":4},{"unitPrice":10,"count":5}]}'
RID=11111111-2222-4333-8444-555555555555

invoke() {
    local want=$1 rc=0
    shift
    printf '%s' "$EVENT" | "$IATK" invoke --request-id "$RID" "$@" >"$tmp/out" 2>"$tmp/err" || rc=$?
    out=$(cat "$tmp/out")
    err=$(cat "$tmp/err")
    if [[ $rc != "$want" ]]; then
        fail "invoke $* exited $rc, not $want; stdout: $out; stderr: $err"
        return 1
    fi
}

expect() {
    local what=$1
    shift
    if "$PYTHON" - "$tmp/out" "$tmp/err" "$@" <<'PY'; then ok "$what"; else fail "$what"; fi
import json, sys
out = open(sys.argv[1]).read()
err = open(sys.argv[2]).read()
try:
    r = json.loads(out)
except ValueError as e:
    print(f"  stdout is not JSON ({e}): {out!r}")
    sys.exit(1)
good = True
for expr in sys.argv[3:]:
    try:
        holds = eval(expr)
    except Exception as e:
        holds = False
        print(f"  {expr}: {type(e).__name__}: {e}")
    if not holds:
        print(f"  does not hold: {expr}\n  stdout: {out!r}\n  stderr: {err!r}")
        good = False
sys.exit(0 if good else 1)
PY
}
