#!/usr/bin/env bash
# iatk invoke --handler --runtime python: Lambda's Python runtime, locally.
. "$(dirname "${BASH_SOURCE[0]}")/common.sh" invoke-handler-python
. "$(dirname "${BASH_SOURCE[0]}")/invoke_handler_lib.sh"
app=$HANDLERS/python/app

invoke 0 --handler "$app.handler" --runtime python &&
    expect "sync handler" 'out == "110\n"' 'err == ""'
invoke 0 --handler "$app.handler" --runtime python3.12 && expect "runtime name with a version" 'r == 110'
invoke 0 --handler "$app.none" --runtime python && expect "None is null" 'out == "null\n"'
invoke 0 --handler "$app.noisy" --runtime python &&
    expect "print goes to stderr only" 'out == "\"quiet result\"\n"' \
        'all(s in err for s in ["print line", "stderr line", "raw stdout write"])'
invoke 0 --handler "$app.context_fields" --runtime python --timeout 4 --function-name calc \
    --memory-size 512 --function-version 7 &&
    expect "context attributes" \
        'r["fields"]["function_name"] == "calc"' \
        'r["fields"]["function_version"] == "7"' \
        'r["fields"]["invoked_function_arn"] == "arn:aws:lambda:us-east-1:123456789012:function:calc:7"' \
        'r["fields"]["memory_limit_in_mb"] == "512"' \
        'r["fields"]["aws_request_id"] == "'$RID'"' \
        'r["fields"]["log_group_name"] == "/aws/lambda/calc"' \
        'r["fields"]["log_stream_name"].split("/")[3].startswith("[7]")' \
        '0 < r["second"] < r["first"] <= 4000' 'r["first"] - r["second"] >= 40'

py_error() {  # py_error WHAT TYPE MESSAGE: the exact document, trace aside
    expect "$1" 'list(r) == ["errorMessage", "errorType", "requestId", "stackTrace"]' \
        "r['errorType'] == '$2'" "r['errorMessage'] == \"\"\"$3\"\"\"" "r['requestId'] == '$RID'" \
        "err.endswith(\"\"\"iatk: error: $2: $3\n\"\"\")"
}
invoke 9 --handler "$app.raises" --runtime python &&
    py_error "raising" ValueError "price is not a number" &&
    expect "stack trace of the handler's frames only" \
        "r['stackTrace'] == ['  File \"$HANDLERS/python/app.py\", line 19, in raises\n    raise ValueError(\"price is not a number\")\n']"
invoke 9 --handler "$app.custom" --runtime python && py_error "custom exception" OrderError "order 42 is empty"
invoke 9 --handler "$app.unserialisable" --runtime python &&
    py_error "result not serialisable" Runtime.MarshalError "Unable to marshal response: {1, 2} is not JSON serializable"
invoke 9 --handler "$HANDLERS/python/missing.handler" --runtime python &&
    py_error "missing module" Runtime.ImportModuleError "Unable to import module 'missing': No module named 'missing'" &&
    expect "no trace for a missing module" 'r["stackTrace"] == []'
invoke 9 --handler "$app.nope" --runtime python &&
    py_error "missing function" Runtime.HandlerNotFound "Handler 'nope' missing on module 'app'"

start=$(date +%s%N)
invoke 9 --handler "$app.slow" --runtime python --timeout 1 &&
    expect "timeout" \
        'r == {"errorType": "Sandbox.Timedout", "errorMessage": "RequestId: '$RID' Error: Task timed out after 1.00 seconds"}'
elapsed=$((($(date +%s%N) - start) / 1000000))
((elapsed >= 1000 && elapsed < 10000)) && ok "killed after ${elapsed} ms" || fail "timeout took ${elapsed} ms"

# a runtime that dies without answering: Lambda's Runtime.ExitError
invoke 9 --handler "$app.handler" --runtime python --interpreter false &&
    expect "runtime exit" 'r == {"errorType": "Runtime.ExitError", "errorMessage": "RequestId: '$RID' Error: Runtime exited with error: exit status 1"}'

exit $((failures > 0))
