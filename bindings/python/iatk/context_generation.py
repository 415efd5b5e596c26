"""Contexts that enrich generated events.

A context is any callable ``dict -> dict``.  The one provided here fills an
Amazon EventBridge envelope; it is the C library's implementation (the same
one ``iatk generate --context eventbridge`` runs), not a Python copy.
"""
import json

from . import _lib
from .exceptions import CONTEXT_NOT_SERIALIZABLE, IatkException, check_ptr, check_rc, new_error

__all__ = ["eventbridge_event_context"]


def _dumps(event, who):
    try:
        return json.dumps(event, allow_nan=False)
    except (TypeError, ValueError, RecursionError) as e:
        raise IatkException(f"{who}: the event is not JSON-serializable: {e}",
                            CONTEXT_NOT_SERIALIZABLE) from None


def _merge_into(event, result):
    """Makes ``event`` equal to ``result`` in place when both are dicts, so
    callers holding the dict see the change (members left alone keep their
    identity); otherwise returns ``result``."""
    if not isinstance(event, dict) or not isinstance(result, dict):
        return result
    for key, value in result.items():
        if key not in event or event[key] != value:
            event[key] = value
    for key in [k for k in event if k not in result]:
        del event[key]
    return event


def eventbridge_event_context(event, *, detail_type=None, source=None):
    """Makes the EventBridge envelope of ``event`` look as EventBridge
    delivers it, and returns it.

    Members already in EventBridge's form are kept; missing ones (missing,
    null and "" count as no value) and malformed ones are filled: ``version``
    "0", a fresh UUID ``id``, a 12-digit ``account``, ``region``
    ($AWS_REGION, $AWS_DEFAULT_REGION or us-east-1), ``resources`` [] and
    ``detail`` {}, and ``detail-type``/``source`` (the arguments, else AWS
    IATK's placeholders "detail-type" and "source").  ``time`` is written in
    UTC with whole seconds and "Z" ("2019-11-30T09:02:36Z"): a date-time
    already there keeps its instant, anything else becomes now.  Used in
    ``generate_mock_event(contexts=[...])``, detail-type and source come from
    the schema's ``x-amazon-events-detail-type`` and ``x-amazon-events-source``.

    The dict is updated in place and also returned.
    """
    text = _dumps(event, "eventbridge_event_context")
    err, perr = new_error()
    out = _lib.lib().iatk_eventbridge_context_text(
        text.encode("utf-8"), _lib.encode(detail_type), _lib.encode(source), perr)
    result = json.loads(_lib.take_string(check_ptr(out, err)))
    return _merge_into(event, result)


def run_eventbridge(event, plan, now=None, seed=None, index=0, region=None):
    """The EventBridge context as generate_mock_event runs it: detail-type and
    source from the plan, the clock pinned by ``now`` (RFC 3339 bytes),
    ``region`` (default: $AWS_REGION, $AWS_DEFAULT_REGION, us-east-1) and,
    with a seed, ``id``/``account`` a pure function of (seed, index)."""
    lib = _lib.lib()
    err, perr = new_error()
    pipeline = check_ptr(lib.iatk_pipeline_new(perr), err)
    try:
        if region is not None:
            check_rc(lib.iatk_pipeline_set_region(pipeline, _lib.encode(region), perr), err)
        check_rc(lib.iatk_pipeline_add_builtin(pipeline, b"eventbridge", plan._handle, perr), err)
        if now is not None:
            check_rc(lib.iatk_pipeline_set_now(pipeline, now, perr), err)
        if seed is not None:
            lib.iatk_pipeline_set_seed(pipeline, seed)
        text = _dumps(event, "eventbridge_event_context").encode("utf-8")
        out = lib.iatk_pipeline_run_text(pipeline, text, index, perr)
        return _merge_into(event, json.loads(_lib.take_string(check_ptr(out, err))))
    finally:
        lib.iatk_pipeline_free(pipeline)
