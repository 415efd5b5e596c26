"""iatk's local stand-in for Lambda's Python runtime.

Loads MODULE.FUNCTION from the task root the way Lambda's Python runtime
does, calls it once with the event and a LambdaContext, and answers the way
Lambda's Invoke does.

Protocol with iatk (lib/invoke/handler.c, docs/handlers.md):
  stdin            the event (JSON text)
  environment      Lambda's variables (AWS_LAMBDA_FUNCTION_NAME, _HANDLER,
                   LAMBDA_TASK_ROOT, ...) and IATK_LAMBDA_* (request id,
                   function ARN, deadline, result fd)
  fd IATK_LAMBDA_RESULT_FD (3)
                   "ok\\n" + the result as JSON, or "error\\n" + Lambda's
                   error document; nothing else is ever written there
  stdout, stderr   the handler's output: iatk points our stdout at its
                   stderr, so a print can never be mistaken for the answer
The working directory is the task root, as on Lambda.
"""
import decimal
import importlib
import json
import os
import sys
import time
import traceback

ENV = os.environ
REQUEST_ID = ENV.get("IATK_LAMBDA_REQUEST_ID", "")


def _take_result_fd():
    # A private, non-inheritable copy: processes the handler starts must not
    # hold (or write to) the answer's pipe.
    fd = int(ENV.get("IATK_LAMBDA_RESULT_FD", "3"))
    private = os.dup(fd)
    os.close(fd)
    return private


RESULT_FD = _take_result_fd()


class FaultException(Exception):
    """A failure of the runtime's own (import, handler lookup, marshalling)."""

    def __init__(self, exception_type, msg, trace=None):
        super().__init__(msg)
        self.exception_type = exception_type
        self.msg = msg
        self.trace = trace


class CognitoIdentity:
    cognito_identity_id = None
    cognito_identity_pool_id = None


class LambdaContext:
    """The context object of Lambda's Python runtime, attribute for attribute."""

    def __init__(self, invoke_id, deadline_ms, invoked_function_arn):
        self.aws_request_id = invoke_id
        self.log_group_name = ENV.get("AWS_LAMBDA_LOG_GROUP_NAME")
        self.log_stream_name = ENV.get("AWS_LAMBDA_LOG_STREAM_NAME")
        self.function_name = ENV.get("AWS_LAMBDA_FUNCTION_NAME")
        self.memory_limit_in_mb = ENV.get("AWS_LAMBDA_FUNCTION_MEMORY_SIZE")
        self.function_version = ENV.get("AWS_LAMBDA_FUNCTION_VERSION")
        self.invoked_function_arn = invoked_function_arn
        self.client_context = None
        self.identity = CognitoIdentity()
        self._epoch_deadline_time_in_ms = deadline_ms

    def get_remaining_time_in_millis(self):
        delta_ms = self._epoch_deadline_time_in_ms - int(time.time() * 1000)
        return delta_ms if delta_ms > 0 else 0

    def __repr__(self):
        return (f"LambdaContext([aws_request_id={self.aws_request_id},"
                f"function_name={self.function_name},"
                f"function_version={self.function_version},"
                f"invoked_function_arn={self.invoked_function_arn}])")


def answer(status, body):
    data = f"{status}\n{body}".encode("utf-8")
    while data:
        data = data[os.write(RESULT_FD, data):]
    os.close(RESULT_FD)


def make_error(error_message, error_type, stack_trace, invoke_id):
    return {
        "errorMessage": error_message if error_message else "",
        "errorType": error_type if error_type else "",
        "requestId": invoke_id if invoke_id is not None else "",
        "stackTrace": stack_trace if stack_trace else [],
    }


def fault_result(exc_info):
    """Lambda's document for an exception the handler raised: the frames of
    this bootstrap are cut from the top of the stack trace."""
    etype, value, tb = exc_info
    frames = traceback.extract_tb(tb)
    for i, frame in enumerate(frames):
        if "/bootstrap.py" not in frame.filename:
            frames = frames[i:]
            break
    return make_error(str(value), etype.__name__, traceback.format_list(frames), REQUEST_ID)


def get_handler(handler):
    try:
        modname, fname = handler.rsplit(".", 1)
    except ValueError as e:
        raise FaultException("Runtime.MalformedHandlerName", f"Bad handler '{handler}': {e}")
    try:
        if modname.split(".")[0] in sys.builtin_module_names:
            raise FaultException("Runtime.BuiltInModuleConflict",
                                 f"Cannot use built-in module {modname} as a handler module")
        module = importlib.import_module(modname.replace("/", "."))
    except ImportError as e:
        raise FaultException("Runtime.ImportModuleError",
                             f"Unable to import module '{modname}': {e}")
    except SyntaxError as e:
        trace = [f'  File "{e.filename}" Line {e.lineno}\n    {e.text}']
        raise FaultException("Runtime.UserCodeSyntaxError",
                             f"Syntax error in module '{modname}': {e}", trace)
    try:
        return getattr(module, fname)
    except AttributeError:
        raise FaultException("Runtime.HandlerNotFound",
                             f"Handler '{fname}' missing on module '{modname}'")


def decimal_serializer(o):
    if isinstance(o, decimal.Decimal):
        return float(o)
    raise TypeError(repr(o) + " is not JSON serializable")


def to_json(obj):
    try:
        return json.dumps(obj, default=decimal_serializer)
    except (TypeError, ValueError) as e:
        raise FaultException("Runtime.MarshalError", f"Unable to marshal response: {e}")


def main():
    # The task root replaces this script's folder at the head of the path.
    task_root = ENV.get("LAMBDA_TASK_ROOT") or os.getcwd()
    if sys.path and os.path.abspath(sys.path[0]) == os.path.dirname(os.path.abspath(__file__)):
        del sys.path[0]
    sys.path.insert(0, task_root)
    context = LambdaContext(REQUEST_ID, int(ENV.get("IATK_LAMBDA_DEADLINE_MS", "0")),
                            ENV.get("IATK_LAMBDA_FUNCTION_ARN"))
    try:
        event = json.loads(sys.stdin.read())
        handler = get_handler(ENV.get("_HANDLER", ""))
        result = to_json(handler(event, context))
    except FaultException as e:
        return answer("error", json.dumps(make_error(e.msg, e.exception_type, e.trace, REQUEST_ID)))
    except Exception:
        return answer("error", json.dumps(fault_result(sys.exc_info())))
    answer("ok", result)


if __name__ == "__main__":
    main()
    # Like Lambda freezing the sandbox: threads left behind do not delay
    # the answer's delivery (iatk waits for this process to end).
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(0)
