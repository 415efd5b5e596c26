"""Python handlers, one per behaviour the tests check."""
import sys
import time


class OrderError(Exception):
    pass


def total(event):
    return sum(i["unitPrice"] * i["count"] for i in event.get("orderItems", []))


def handler(event, context):
    return total(event)


def raises(event, context):
    raise ValueError("price is not a number")


def custom(event, context):
    raise OrderError("order 42 is empty")


def slow(event, context):
    time.sleep(30)
    return "late"


def noisy(event, context):
    print("print line")
    print("stderr line", file=sys.stderr)
    sys.stdout.write("raw stdout write\n")
    return "quiet result"


def none(event, context):
    return None


def unserialisable(event, context):
    return {1, 2}


def context_fields(event, context):
    first = context.get_remaining_time_in_millis()
    time.sleep(0.05)
    second = context.get_remaining_time_in_millis()
    fields = {k: getattr(context, k) for k in (
        "function_name", "function_version", "invoked_function_arn", "memory_limit_in_mb",
        "aws_request_id", "log_group_name", "log_stream_name")}
    return {"fields": fields, "first": first, "second": second}


not_a_function = 42
