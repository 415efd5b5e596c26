#!/usr/bin/env bash
# iatk invoke --handler --runtime nodejs: Lambda's Node.js runtime, locally.
. "$(dirname "${BASH_SOURCE[0]}")/common.sh" invoke-handler-node
. "$(dirname "${BASH_SOURCE[0]}")/invoke_handler_lib.sh"
command -v node >/dev/null || { echo "SKIP: no node"; exit 0; }
cjs=$HANDLERS/node/cjs/index

# ------------------------------------------------------ calling styles
invoke 0 --handler "$cjs.asyncHandler" --runtime nodejs &&
    expect "async handler" 'out == "110\n"' 'err == ""'
invoke 0 --handler "$cjs.promiseHandler" --runtime nodejs && expect "promise handler" 'r == 110'
invoke 0 --handler "$cjs.callbackHandler" --runtime nodejs && expect "callback handler" 'r == {"total": 110}'
invoke 0 --handler "$cjs.syncCallbackHandler" --runtime nodejs &&
    expect "sync handler calling back" 'r == 110'
invoke 0 --handler "$cjs.syncReturnHandler" --runtime nodejs &&
    expect "sync return value ignored, as on Lambda" 'r is None'
invoke 0 --handler "$cjs.waitsHandler" --runtime nodejs &&
    expect "callback waits for the event loop" 'r == "waited"' '"timer ran" in err'
# "timer ran" would be on stderr had the runtime waited for the 5 s timer
invoke 0 --handler "$cjs.noWaitHandler" --runtime nodejs &&
    expect "callbackWaitsForEmptyEventLoop=false answers at once" 'r == "did not wait"' '"timer ran" not in err'
invoke 0 --handler "$cjs.succeedHandler" --runtime nodejs && expect "context.succeed" 'r == {"legacy": True}'
invoke 0 --handler "$cjs.doneHandler" --runtime nodejs && expect "context.done" 'r == "done"'
invoke 0 --handler "$cjs.nested.handler" --runtime nodejs && expect "nested handler path" 'r == "nested"'
invoke 0 --handler "$HANDLERS/node/esm/index.lambdaHandler" --runtime nodejs &&
    expect "ES module (.mjs)" 'r == 110'
invoke 0 --handler "$HANDLERS/node/esm/index.importMeta" --runtime nodejs20.x &&
    expect "ES module, runtime name with a version" 'r is True'
invoke 0 --handler "$HANDLERS/node/typemodule/index.lambdaHandler" --runtime nodejs &&
    expect 'ES module (.js under "type": "module")' 'r == {"esm": True, "items": 5}'
invoke 0 --handler "$cjs.undefinedHandler" --runtime nodejs && expect "undefined result is null" 'out == "null\n"'

# --------------------------------------------------------------- output
invoke 0 --handler "$cjs.noisyHandler" --runtime nodejs &&
    expect "console output on stderr only" 'out == "\"quiet result\"\n"' \
        'all(s in err for s in ["console.log line", "console.info line", "console.error line", "raw stdout write", "raw stderr write"])'

# ---------------------------------------------------------------- context
invoke 0 --handler "$cjs.contextHandler" --runtime nodejs --timeout 5 --function-name calc \
    --memory-size 256 --region eu-west-1 --account 210987654321 --env MY_SETTING=on &&
    expect "context fields" \
        'r["fields"]["functionName"] == "calc"' \
        'r["fields"]["functionVersion"] == "$LATEST"' \
        'r["fields"]["invokedFunctionArn"] == "arn:aws:lambda:eu-west-1:210987654321:function:calc"' \
        'r["fields"]["memoryLimitInMB"] == "256"' \
        'r["fields"]["awsRequestId"] == "'$RID'"' \
        'r["fields"]["logGroupName"] == "/aws/lambda/calc"' \
        '__import__("re").fullmatch(r"\d{4}/\d\d/\d\d/\[\$LATEST\][0-9a-f]{32}", r["fields"]["logStreamName"])' \
        'r["fields"]["callbackWaitsForEmptyEventLoop"] is True' \
        'all(r["fields"][k] == "function" for k in ["getRemainingTimeInMillis", "done", "succeed", "fail"])' \
        '0 < r["second"] < r["first"] <= 5000' 'r["first"] - r["second"] >= 40' \
        'r["env"] == "on"' \
        'r["cwd"].endswith("/tests/handlers/node/cjs")'
invoke 0 --handler "$cjs.contextHandler" --runtime nodejs &&
    expect "a fresh request id and the default name" \
        'r["fields"]["functionName"] == "cjs"' 'r["first"] <= 3000' \
        'r["fields"]["invokedFunctionArn"] == "arn:aws:lambda:us-east-1:123456789012:function:cjs"'

# ----------------------------------------------------------------- errors
node_error() {  # node_error WHAT TYPE MESSAGE FIRST_TRACE_LINE
    expect "$1" 'list(r) == ["errorType", "errorMessage", "trace"]' \
        "r['errorType'] == '$2'" "r['errorMessage'] == '$3'" \
        "r['trace'][0] == '$4'" \
        "err.endswith('iatk: error: $2: $3\n')"
}
invoke 9 --handler "$cjs.throwsHandler" --runtime nodejs &&
    node_error "async throw" TypeError "price is not a number" "TypeError: price is not a number"
invoke 9 --handler "$cjs.syncThrowsHandler" --runtime nodejs &&
    node_error "sync throw" RangeError "sync failure" "RangeError: sync failure"
invoke 9 --handler "$cjs.customErrorHandler" --runtime nodejs &&
    node_error "custom error class" OrderError "order 42 is empty" "OrderError: order 42 is empty"
invoke 9 --handler "$cjs.plainSubclassHandler" --runtime nodejs &&
    node_error "subclass without a name of its own" Error "no name of its own" "Error: no name of its own"
invoke 9 --handler "$cjs.callbackErrorHandler" --runtime nodejs &&
    node_error "callback(err)" Error "callback failed" "Error: callback failed"
invoke 9 --handler "$cjs.failHandler" --runtime nodejs &&
    node_error "context.fail" Error "legacy failure" "Error: legacy failure"
invoke 9 --handler "$cjs.uncaughtHandler" --runtime nodejs &&
    node_error "uncaught exception in a timer" Error "thrown in a timer" "Error: thrown in a timer"
invoke 9 --handler "$cjs.rejectStringHandler" --runtime nodejs &&
    expect "rejecting with a string" \
        'out == "{\"errorType\":\"string\",\"errorMessage\":\"just a string\",\"trace\":[]}\n"' \
        'err.endswith("iatk: error: string: just a string\n")'
invoke 9 --handler "$cjs.rejectObjectHandler" --runtime nodejs &&
    expect "throwing a plain object" \
        'r == {"errorType": "object", "errorMessage": "[object Object]", "trace": []}'
invoke 9 --handler "$cjs.bigintHandler" --runtime nodejs &&
    node_error "result not serialisable" Error "Unable to stringify response body" "Error: Unable to stringify response body"
invoke 9 --handler "$HANDLERS/node/cjs/missing.handler" --runtime nodejs &&
    expect "missing module" 'r["errorType"] == "Runtime.ImportModuleError"' \
        'r["errorMessage"].startswith("Error: Cannot find module '"'missing'"'\nRequire stack:")' \
        'r["trace"][0] == "Runtime.ImportModuleError: Error: Cannot find module '"'missing'"'"' \
        'err.endswith("iatk: error: Runtime.ImportModuleError: Error: Cannot find module '"'missing'"'\n")'
invoke 9 --handler "$cjs.nope" --runtime nodejs &&
    node_error "missing export" Runtime.HandlerNotFound "index.nope is undefined or not exported" \
        "Runtime.HandlerNotFound: index.nope is undefined or not exported"
invoke 9 --handler "$cjs.notAFunction" --runtime nodejs &&
    node_error "export not a function" Runtime.HandlerNotFound "index.notAFunction is not a function" \
        "Runtime.HandlerNotFound: index.notAFunction is not a function"

# ---------------------------------------------------------------- timeout
start=$(date +%s%N)
invoke 9 --handler "$cjs.slowHandler" --runtime nodejs --timeout 1 &&
    expect "timeout" \
        'out == "{\"errorType\":\"Sandbox.Timedout\",\"errorMessage\":\"RequestId: '$RID' Error: Task timed out after 1.00 seconds\"}\n"' \
        'err.endswith("iatk: error: Sandbox.Timedout: RequestId: '$RID' Error: Task timed out after 1.00 seconds\n")'
elapsed=$((($(date +%s%N) - start) / 1000000))
((elapsed >= 1000 && elapsed < 10000)) && ok "killed after ${elapsed} ms" || fail "timeout took ${elapsed} ms"
invoke 9 --handler "$cjs.slowHandler" --runtime nodejs --timeout 0.5 &&
    expect "fractional timeout" '"Task timed out after 0.50 seconds" in r["errorMessage"]'

# ------------------------------------------------------------ usage errors
invoke 2 --handler "$cjs.asyncHandler"
[[ $err == *"--runtime"* ]] && ok "--runtime required" || fail "no --runtime: $err"
invoke 2 --handler "$cjs.asyncHandler" --runtime ruby
[[ $err == *"runtime 'ruby' is not nodejs or python"* ]] && ok "unknown runtime" || fail "ruby: $err"
invoke 2 --handler "$HANDLERS/node/cjs/index" --runtime nodejs
[[ $err == *"is not DIR/MODULE.FUNCTION"* ]] && ok "malformed handler" || fail "malformed: $err"
invoke 7 --handler "$tmp/no/such/dir/index.handler" --runtime nodejs
[[ $err == *"handler directory"* ]] && ok "missing directory" || fail "missing dir: $err"
invoke 2 --handler "$cjs.asyncHandler" --runtime nodejs --timeout 0
[[ $err == *"timeout '0'"* ]] && ok "timeout 0 refused" || fail "timeout 0: $err"
invoke 2 --handler "$cjs.asyncHandler" --runtime nodejs --memory-size 64
[[ $err == *"memory size"* ]] && ok "memory size checked" || fail "memory: $err"
EVENT='not json' invoke 3 --handler "$cjs.asyncHandler" --runtime nodejs
[[ $out == "" ]] && ok "an event that is not JSON runs nothing" || fail "bad event: $out"
invoke 7 --handler "$cjs.asyncHandler" --runtime nodejs --runtime-dir "$tmp"
[[ $err == *"runtime-dir $tmp has no readable node/bootstrap.mjs"* ]] && ok "runtime dir checked" || fail "runtime-dir: $err"
invoke 0 --handler "$cjs.asyncHandler" --runtime nodejs --runtime-dir "$SOURCE_DIR/runtime" && ok "--runtime-dir"
"$IATK" invoke --help | grep -q -- "--handler DIR/MODULE.FUNCTION" && ok "invoke --help shows --handler" || fail "help"

exit $((failures > 0))
