#!/usr/bin/env python3
"""The example's consumer: a local stand-in for the seed's calculator Lambda.

Reads one JSON event (a MyEvent) on stdin and prints the order total, the sum
over orderItems of unitPrice * count, as a bare number on one line: an
integer when the total is integral ("110"), otherwise a decimal.

An item without unitPrice or count (or with null there) adds 0, and so does
an event without orderItems: a barebone event costs nothing.  Anything that
is not such an event (not JSON, not an object, orderItems not a list, a price
that is not a number, ...) is reported on stderr and exits 1, so that
`iatk invoke` reports the consumer as failed.
"""
import json
import math
import sys


class BadEvent(Exception):
    pass


def reject_constant(name):
    # json accepts NaN and Infinity by default; real JSON does not.
    raise BadEvent(f"invalid JSON: {name} is not a JSON value")


def number(item, key, index):
    value = item.get(key)
    if value is None:
        return 0
    # bool is an int in Python but not a number in JSON.
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise BadEvent(f"orderItems[{index}].{key} is not a number: {value!r}")
    return value


def total(event):
    if not isinstance(event, dict):
        raise BadEvent("the event is not a JSON object")
    items = event.get("orderItems")
    if items is None:
        return 0
    if not isinstance(items, list):
        raise BadEvent("orderItems is not an array")
    result = 0
    for index, item in enumerate(items):
        if not isinstance(item, dict):
            raise BadEvent(f"orderItems[{index}] is not an object")
        result += number(item, "unitPrice", index) * number(item, "count", index)
    if isinstance(result, float) and not math.isfinite(result):
        raise BadEvent("the total is not a finite number")
    return result


def render(value):
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return repr(value) if isinstance(value, float) else str(value)


def main():
    try:
        text = sys.stdin.read()
        if not text.strip():
            raise BadEvent("no event on stdin")
        event = json.loads(text, parse_constant=reject_constant)
        print(render(total(event)))
    except BadEvent as e:
        print(f"calculator: {e}", file=sys.stderr)
        return 1
    except (ValueError, UnicodeDecodeError) as e:
        print(f"calculator: invalid JSON: {e}", file=sys.stderr)
        return 1
    except (OverflowError, RecursionError) as e:
        print(f"calculator: cannot compute the total: {e}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
