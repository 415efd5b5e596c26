"""The validity oracle: run iatk, parse its NDJSON, judge every event.

iatk promises that every event it emits is valid against its schema.  This
module checks that promise with a code path that shares nothing with the
generator: Debian's python3-jsonschema, driven with the validator class of the
schema's dialect and a format checker, so `format` is judged too.

Used by tests/validity/test_*.py and bench/validity_rate.py.  Only the
standard library and jsonschema are needed (run it with /usr/bin/python3).
"""

import copy
import datetime
import glob
import decimal
import json
import math
import os
import re
import shlex
import subprocess
import tempfile
from concurrent import futures

import jsonschema
from jsonschema import FormatChecker, RefResolver
from jsonschema.exceptions import best_match, relevance

HERE = os.path.dirname(os.path.abspath(__file__))
# Debian's copy of the suite; IATK_SUITE_DIR names another checkout (for
# measurements against a newer suite: see bench/validity_rate.py).
SUITE_DIR = os.environ.get("IATK_SUITE_DIR", "/usr/share/json-schema-test-suite/tests")
MODES = ("barebone", "sample", "random")
RUN_TIMEOUT = 10.0  # seconds for one iatk process; a hang is an error


# ---------------------------------------------------------------------------
# Locations


def jsonschema_version():
    try:
        from importlib.metadata import version
        return version("jsonschema")
    except Exception:
        return "?"


def source_dir():
    """The repository: $IATK_SOURCE_DIR, else two levels above this file."""
    return os.environ.get("IATK_SOURCE_DIR") or os.path.dirname(os.path.dirname(HERE))


def iatk_binary():
    """The iatk executable: $IATK, else <repo>/build/iatk."""
    return os.environ.get("IATK") or os.path.join(source_dir(), "build", "iatk")


# ---------------------------------------------------------------------------
# Dialects

# name -> ($schema URI injected into suite schemas, validator class name)
DIALECTS = {
    "draft4": ("http://json-schema.org/draft-04/schema#", "Draft4Validator"),
    "draft6": ("http://json-schema.org/draft-06/schema#", "Draft6Validator"),
    "draft7": ("http://json-schema.org/draft-07/schema#", "Draft7Validator"),
    "draft2019-09": ("https://json-schema.org/draft/2019-09/schema", "Draft201909Validator"),
    "draft2020-12": ("https://json-schema.org/draft/2020-12/schema", "Draft202012Validator"),
}
# OpenAPI 3.0 schema objects are judged as converted draft-04 (see
# openapi30_to_json_schema); OpenAPI 3.1 schema objects are 2020-12 schemas.
OPENAPI_VALIDATOR = {"openapi3.0": "Draft4Validator", "openapi3.1": "Draft202012Validator"}


def validator_class(dialect):
    """The jsonschema class for a dialect name (None if this jsonschema lacks it)."""
    name = OPENAPI_VALIDATOR.get(dialect) or DIALECTS[dialect][1]
    return getattr(jsonschema, name, None)


def supported_dialects():
    return [d for d in DIALECTS if validator_class(d) is not None]


def dialect_of_uri(uri):
    """Map a "$schema" value to a dialect name, None if unknown."""
    u = uri.rstrip("#").replace("https://", "http://")
    for name, (canon, _) in DIALECTS.items():
        if u == canon.rstrip("#").replace("https://", "http://"):
            return name
    return None


def detect_dialect(doc, file_type=None):
    """Dialect of a schema document, the way iatk is meant to pick it.

    OpenAPI documents by their "openapi" version; JSON Schema by a recognised
    "$schema"; otherwise --type JSONSchemaDraft4 means draft4, and anything
    else the latest draft, 2020-12."""
    if isinstance(doc, dict) and isinstance(doc.get("openapi"), str):
        return "openapi3.1" if doc["openapi"].startswith("3.1") else "openapi3.0"
    if file_type == "OpenApi3":
        return "openapi3.0"
    has_uri = isinstance(doc, dict) and isinstance(doc.get("$schema"), str)
    if has_uri and dialect_of_uri(doc["$schema"]):
        return dialect_of_uri(doc["$schema"])
    if file_type == "JSONSchemaDraft4" and not has_uri:
        return "draft4"
    return "draft2020-12"  # iatk's documented default (docs/design-notes.md)


def with_schema_uri(schema, dialect):
    """The schema with "$schema" set for the dialect (booleans unchanged)."""
    if not isinstance(schema, dict) or dialect not in DIALECTS:
        return schema
    out = {"$schema": DIALECTS[dialect][0]}
    out.update((k, v) for k, v in schema.items() if k != "$schema")
    return out


# ---------------------------------------------------------------------------
# Formats.  jsonschema's own checkers are used where it has a good one; the
# formats it leaves unchecked for lack of optional packages (date-time, time,
# hostname, duration, uri-template) and the ones it checks loosely (date via
# Python 3.11's permissive fromisoformat, email as "contains @") are checked
# here, strictly, after the RFCs.  A format iatk knows is judged in every
# dialect: a generator that emits "uuid" values must emit UUIDs.

_DATE = re.compile(r"^([0-9]{4})-([0-9]{2})-([0-9]{2})$", re.ASCII)
_TIME = re.compile(
    r"^([0-9]{2}):([0-9]{2}):([0-9]{2})(\.[0-9]+)?"
    r"([Zz]|([+-])([0-9]{2}):([0-9]{2}))$", re.ASCII)


def _valid_date(text):
    m = _DATE.match(text)
    if not m:
        return False
    try:
        datetime.date(int(m[1]), int(m[2]), int(m[3]))
    except ValueError:
        return False
    return True


def _valid_time(text):
    """RFC 3339 full-time (offset required); leap second only at 23:59:60Z."""
    m = _TIME.match(text)
    if not m:
        return False
    h, mi, s = int(m[1]), int(m[2]), int(m[3])
    if h > 23 or mi > 59 or s > 60:
        return False
    off = 0
    if m[6]:
        oh, om = int(m[7]), int(m[8])
        if oh > 23 or om > 59:
            return False
        off = (oh * 60 + om) * (1 if m[6] == "+" else -1)
    if s == 60:
        utc = (h * 60 + mi - off) % (24 * 60)
        return utc == 23 * 60 + 59
    return True


def is_date_time(v):
    if not isinstance(v, str):
        return True
    parts = re.split(r"[Tt]", v)
    return len(parts) == 2 and _valid_date(parts[0]) and _valid_time(parts[1])


def is_date(v):
    return not isinstance(v, str) or _valid_date(v)


def is_time(v):
    return not isinstance(v, str) or _valid_time(v)


_LABEL = re.compile(r"^[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?$", re.ASCII)


def _valid_hostname(v):
    if not v or len(v) > 253:
        return False
    return all(_LABEL.match(label) for label in v.split("."))


def is_hostname(v):
    """RFC 1123 host name: dot-separated labels of letters, digits, '-'."""
    return not isinstance(v, str) or _valid_hostname(v)


# RFC 3339 Appendix A duration, exactly as its ABNF (so "P1Y2D" is invalid).
_DUR_TIME = r"T([0-9]+H([0-9]+M([0-9]+S)?)?|[0-9]+M([0-9]+S)?|[0-9]+S)"
_DUR_DATE = r"([0-9]+D|[0-9]+M([0-9]+D)?|[0-9]+Y([0-9]+M([0-9]+D)?)?)"
_DURATION = re.compile(r"^P(%s(%s)?|%s|[0-9]+W)$" % (_DUR_DATE, _DUR_TIME, _DUR_TIME), re.ASCII)


def is_duration(v):
    return not isinstance(v, str) or bool(_DURATION.match(v))


_UUID = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")


def is_uuid(v):
    return not isinstance(v, str) or bool(_UUID.match(v))


# RFC 6570 URI Template syntax.
_PCT = r"%[0-9A-Fa-f]{2}"
_VARCHAR = r"(?:[A-Za-z0-9_]|%s)" % _PCT
_VARSPEC = r"%s(?:\.?%s)*(?::[1-9][0-9]{0,3}|\*)?" % (_VARCHAR, _VARCHAR)
_EXPR = r"\{[+#./;?&=,!@|]?%s(?:,%s)*\}" % (_VARSPEC, _VARSPEC)
_LITERAL = r"(?:[!#$&()*+,\-./0-9:;=?@A-Z\[\]_a-z~]|[^\x00-\x7f]|%s)" % _PCT
_URI_TEMPLATE = re.compile(r"^(?:%s|%s)*$" % (_LITERAL, _EXPR))


def is_uri_template(v):
    return not isinstance(v, str) or bool(_URI_TEMPLATE.match(v))


# RFC 5321 Mailbox: dot-atom or quoted local part; host name or address literal.
_ATEXT = r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]"
_DOT_ATOM = r"%s+(?:\.%s+)*" % (_ATEXT, _ATEXT)
_QUOTED = r'"(?:[\x20\x21\x23-\x5b\x5d-\x7e]|\\[\x20-\x7e])*"'
_LOCAL = re.compile(r"^(?:%s|%s)$" % (_DOT_ATOM, _QUOTED), re.ASCII)
_ULOCAL = re.compile(r"^(?:(?:[A-Za-z0-9!#$%%&'*+/=?^_`{|}~-]|[^\x00-\x7f])+"
                     r"(?:\.(?:[A-Za-z0-9!#$%%&'*+/=?^_`{|}~-]|[^\x00-\x7f])+)*|%s)$" % _QUOTED)


def _valid_address_literal(dom):
    import ipaddress
    inner = dom[1:-1]
    try:
        if inner.lower().startswith("ipv6:"):
            ipaddress.IPv6Address(inner[5:])
        else:
            ipaddress.IPv4Address(inner)
    except ValueError:
        return False
    return True


def _split_mailbox(v):
    at = v.rfind("@")
    if at <= 0:
        return None
    return v[:at], v[at + 1:]


def is_email(v):
    if not isinstance(v, str):
        return True
    parts = _split_mailbox(v)
    if not parts or not _LOCAL.match(parts[0]) or len(parts[0]) > 64:
        return False
    dom = parts[1]
    if dom.startswith("[") and dom.endswith("]"):
        return _valid_address_literal(dom)
    return _valid_hostname(dom)


def _valid_idn_hostname(dom):
    import idna  # python3-idna; require_format_checkers() has vouched for it
    try:
        idna.encode(dom)
        return True
    except (idna.IDNAError, UnicodeError, ValueError):
        return _valid_hostname(dom)


def is_idn_email(v):
    if not isinstance(v, str):
        return True
    parts = _split_mailbox(v)
    if not parts or not _ULOCAL.match(parts[0]):
        return False
    dom = parts[1]
    if dom.startswith("[") and dom.endswith("]"):
        return _valid_address_literal(dom)
    return _valid_idn_hostname(dom)


# OpenAPI 3.0 data-type formats.
def _is_number(v):
    return isinstance(v, (int, float)) and not isinstance(v, bool)


def is_int32(v):
    return not _is_number(v) or -2**31 <= v <= 2**31 - 1


def is_int64(v):
    return not _is_number(v) or -2**63 <= v <= 2**63 - 1


def is_float(v):
    if not _is_number(v):
        return True
    return math.isfinite(float(v)) and abs(float(v)) <= 3.4028234663852886e38


def is_double(v):
    return not _is_number(v) or math.isfinite(float(v))


_BASE64 = re.compile(r"^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$")


def is_byte(v):
    return not isinstance(v, str) or bool(_BASE64.match(v))


OWN_FORMATS = {
    "date-time": is_date_time, "date": is_date, "time": is_time,
    "hostname": is_hostname, "duration": is_duration, "uuid": is_uuid,
    "uri-template": is_uri_template, "email": is_email, "idn-email": is_idn_email,
}
OPENAPI_FORMATS = {
    "int32": is_int32, "int64": is_int64, "float": is_float, "double": is_double,
    "byte": is_byte,
}


# Formats whose jsonschema checker exists only when an optional Debian package
# is installed.  Without it jsonschema silently accepts every string, so the
# oracle would judge less than it claims: refuse to run instead.
REQUIRED_CHECKERS = {
    "uri": "python3-rfc3987", "uri-reference": "python3-rfc3987",
    "iri": "python3-rfc3987", "iri-reference": "python3-rfc3987",
    "idn-hostname": "python3-idna", "json-pointer": "python3-json-pointer",
    "relative-json-pointer": "python3-json-pointer", "color": "python3-webcolors",
}


class OracleIncomplete(SystemExit):
    """The oracle cannot judge every format it relies on."""


def require_format_checkers(available=None):
    """Raise OracleIncomplete naming the missing Debian packages, if any."""
    if available is None:
        available = FormatChecker().checkers
    missing = sorted({pkg for fmt, pkg in REQUIRED_CHECKERS.items() if fmt not in available})
    if missing:
        raise OracleIncomplete(
            "oracle: python3-jsonschema cannot check every format it is relied on for; "
            "install %s (apt-get install %s)" % (", ".join(missing), " ".join(missing)))


def format_checker(dialect):
    """A FormatChecker with every format this oracle can judge."""
    require_format_checkers()
    fc = FormatChecker()  # all of jsonschema's checkers, across drafts
    for name, fn in OWN_FORMATS.items():
        fc.checks(name)(fn)
    if dialect.startswith("openapi"):
        for name, fn in OPENAPI_FORMATS.items():
            fc.checks(name)(fn)
    return fc


# ---------------------------------------------------------------------------
# OpenAPI 3.0 -> JSON Schema (draft-04 semantics)

_SUBSCHEMA = ("items", "additionalProperties", "not", "additionalItems")
_SUBSCHEMA_LISTS = ("allOf", "anyOf", "oneOf")
_SUBSCHEMA_MAPS = ("properties", "patternProperties")
_OPENAPI_ONLY = ("nullable", "example", "discriminator", "xml", "externalDocs",
                 "readOnly", "writeOnly", "deprecated")


def openapi30_to_json_schema(schema):
    """Convert an OpenAPI 3.0 Schema Object to a draft-04 JSON Schema.

    nullable: true adds "null" to `type` -- only when `type` is present, as
    OpenAPI 3.0.3 clarifies; `enum` and other constraints keep their meaning,
    so a nullable enum admits null only if null is listed.  `example` and the
    other OpenAPI-only annotations are dropped.  `$ref` is kept as is (siblings
    of `$ref` are ignored by draft-04, as OpenAPI 3.0 says)."""
    if not isinstance(schema, dict):
        return schema
    out = {}
    for key, value in schema.items():
        if key in _OPENAPI_ONLY or key.startswith("x-"):
            continue
        if key in _SUBSCHEMA:
            out[key] = openapi30_to_json_schema(value)
        elif key in _SUBSCHEMA_LISTS and isinstance(value, list):
            out[key] = [openapi30_to_json_schema(s) for s in value]
        elif key in _SUBSCHEMA_MAPS and isinstance(value, dict):
            out[key] = {k: openapi30_to_json_schema(s) for k, s in value.items()}
        else:
            out[key] = copy.deepcopy(value)
    if schema.get("nullable") is True and "type" in out:
        t = out["type"]
        types = list(t) if isinstance(t, list) else [t]
        if "null" not in types:
            types.append("null")
        out["type"] = types
    return out


def openapi30_document(doc):
    """The OpenAPI document with every components/schemas entry converted."""
    out = dict(doc)
    comps = dict(doc.get("components") or {})
    comps["schemas"] = {k: openapi30_to_json_schema(v)
                        for k, v in (comps.get("schemas") or {}).items()}
    out["components"] = comps
    return out


def _resolve_pointer(doc, ref):
    if not ref.startswith("#"):
        ref = "#/components/schemas/" + ref.replace("~", "~0").replace("/", "~1")
    node = doc
    for tok in ref[1:].split("/")[1:]:
        tok = tok.replace("~1", "/").replace("~0", "~")
        node = node[int(tok)] if isinstance(node, list) else node[tok]
    return node


def _json_schema_ref(doc, event_ref):
    """--event-ref for JSON Schema: a pointer, or a name under definitions/$defs."""
    if event_ref.startswith("#"):
        return event_ref
    for where in ("definitions", "$defs"):
        if isinstance(doc.get(where), dict) and event_ref in doc[where]:
            return "#/%s/%s" % (where, event_ref.replace("~", "~0").replace("/", "~1"))
    return "#/definitions/" + event_ref


# ---------------------------------------------------------------------------
# Judges


class LocalRefResolver(RefResolver):
    """Resolves references inside the document only: a reference jsonschema
    cannot place in it is an error, never a network request (tests must
    not reach beyond loopback)."""

    def resolve_remote(self, uri):
        raise jsonschema.exceptions.RefResolutionError(
            "remote reference %r refused: the oracle never fetches" % uri)


class Judge:
    """Validates instances against one schema of one dialect."""

    def __init__(self, doc, dialect, event_ref=None):
        self.dialect = dialect
        cls = validator_class(dialect)
        if cls is None:
            raise RuntimeError("this jsonschema has no validator for " + dialect)
        if dialect == "openapi3.0":
            root = openapi30_document(doc)
            schema = _resolve_pointer(root, event_ref)
        elif dialect == "openapi3.1":
            root = doc
            schema = _resolve_pointer(root, event_ref)
        else:
            root = doc
            schema = _resolve_pointer(doc, _json_schema_ref(doc, event_ref)) if event_ref else doc
        resolver = LocalRefResolver.from_schema(root, id_of=cls.ID_OF) if isinstance(root, dict) else None
        self.validator = cls(schema, resolver=resolver, format_checker=format_checker(dialect))

    def problem(self, instance):
        """None if valid, else a dict describing the most relevant error.

        `keyword` is the failing keyword where validation failed (for anyOf /
        oneOf the combinator itself); `leaf_keyword` and `message` come from
        the deepest, most relevant error beneath it."""
        errors = list(self.validator.iter_errors(instance))
        if not errors:
            return None
        top = max(errors, key=relevance)
        leaf = best_match([top])
        msg = top.message
        if leaf is not top:
            msg = "%s; deepest: %s at %s" % (msg, leaf.message, _pointer(leaf.absolute_path) or "(root)")
        if leaf.validator == "multipleOf":
            msg += _float_note(leaf.instance, leaf.validator_value)
        return {
            "keyword": _keyword(top),
            "leaf_keyword": _keyword(leaf),
            "instance_path": _pointer(top.absolute_path),
            "schema_path": _pointer(top.absolute_schema_path),
            "message": _clip(msg, 400),
        }


def _keyword(error):
    # jsonschema reports a `false` schema with no keyword.
    return error.validator if error.validator is not None else "false"


def _pointer(parts):
    return "".join("/" + str(p).replace("~", "~0").replace("/", "~1") for p in parts)


def _float_note(instance, divisor):
    try:
        q = decimal.Decimal(repr(instance)) % decimal.Decimal(repr(divisor))
    except (decimal.InvalidOperation, TypeError, ValueError):
        return ""
    if q == 0:
        return " (exact decimal arithmetic says it is a multiple; binary floating point disagrees)"
    return ""


def _clip(text, n):
    return text if len(text) <= n else text[: n - 3] + "..."


# ---------------------------------------------------------------------------
# Running iatk


class BadJSON(ValueError):
    pass


def _pairs(pairs):
    seen = set()
    for k, _ in pairs:
        if k in seen:
            raise BadJSON("duplicate member name %r" % k)
        seen.add(k)
    return dict(pairs)


def _const(name):
    raise BadJSON("non-JSON number %s" % name)


def _float(text):
    v = float(text)
    if not math.isfinite(v):
        raise BadJSON("number %s overflows a double" % text)
    return v


def parse_event(line):
    """Strict JSON parse: no NaN/Infinity, no duplicate names, finite numbers."""
    return json.loads(line, object_pairs_hook=_pairs, parse_constant=_const, parse_float=_float)


class Run:
    """The outcome of one `iatk generate` process."""

    def __init__(self, argv, rc, stdout, stderr, timed_out=False):
        self.argv = argv
        self.rc = rc
        self.stdout = stdout
        self.stderr = stderr
        self.timed_out = timed_out

    def command(self):
        return " ".join(shlex.quote(a) for a in self.argv)

    def abnormal(self):
        """A reason the failure is not a clean refusal, or None."""
        if self.timed_out:
            return "timeout after %gs" % RUN_TIMEOUT
        if self.rc < 0:
            return "killed by signal %d" % -self.rc
        if self.rc == 1:
            return "internal error (exit 1)"
        if self.rc != 0 and not (2 <= self.rc <= 9):
            return "exit status %d outside 2..9" % self.rc
        if self.rc != 0:
            lines = self.stderr.decode("utf-8", "replace").strip().split("\n")
            if len(lines) != 1 or not lines[0].startswith("iatk: error: "):
                return "stderr is not one 'iatk: error: ...' line"
        return None

    def error_line(self):
        return self.stderr.decode("utf-8", "replace").strip().split("\n")[-1][:300]


def generate(schema_path, mode="barebone", seed=None, count=1, start=None,
             file_type=None, event_ref=None, now=None, extra=(), timeout=RUN_TIMEOUT):
    """Run `iatk generate --file schema_path ...` and return a Run."""
    argv = [iatk_binary(), "generate", "--file", schema_path, "--mode", mode]
    if file_type:
        argv += ["--type", file_type]
    if event_ref:
        argv += ["--event-ref", event_ref]
    if seed is not None:
        argv += ["--seed", str(seed)]
    if count != 1:
        argv += ["--count", str(count)]
    if start is not None:
        argv += ["--start", str(start)]
    if now:
        argv += ["--now", now]
    argv += list(extra)
    try:
        p = subprocess.run(argv, stdin=subprocess.DEVNULL, capture_output=True, timeout=timeout)
    except subprocess.TimeoutExpired as e:
        return Run(argv, -999, e.stdout or b"", e.stderr or b"", timed_out=True)
    return Run(argv, p.returncode, p.stdout, p.stderr)


def parse_ndjson(stdout, count):
    """(events, problem): the events, or a description of malformed output."""
    try:
        text = stdout.decode("utf-8")
    except UnicodeDecodeError as e:
        return [], "output is not UTF-8: %s" % e
    if not text.endswith("\n"):
        return [], "output does not end with a newline"
    lines = text[:-1].split("\n")
    events = []
    for i, line in enumerate(lines):
        try:
            events.append(parse_event(line))
        except (ValueError, BadJSON) as e:
            return events, "line %d is not JSON: %s: %s" % (i + 1, e, _clip(line, 200))
    if len(events) != count:
        return events, "%d events for --count %d" % (len(events), count)
    return events, None


class Verdict:
    """One run judged: status 'pass', 'invalid' or 'error'."""

    def __init__(self, status, run, detail=None, event=None, index=None):
        self.status = status
        self.run = run
        self.detail = detail  # problem dict (invalid) or text (error)
        self.event = event
        self.index = index
        self.events = 0  # events emitted
        self.valid_events = 0


def judge_run(run, judge, count):
    """Judge one run: every event must parse and validate."""
    if run.rc != 0 or run.timed_out:
        return Verdict("error", run, run.abnormal() or run.error_line())
    events, malformed = parse_ndjson(run.stdout, count)
    verdict = None
    valid = 0
    for i, ev in enumerate(events):
        prob = judge.problem(ev)
        if prob is None:
            valid += 1
        elif verdict is None:
            verdict = Verdict("invalid", run, prob, ev, i)
    if verdict is None and malformed:
        verdict = Verdict("invalid", run, {"keyword": "(output)", "leaf_keyword": "(output)",
                                           "instance_path": "", "schema_path": "",
                                           "message": malformed})
    verdict = verdict or Verdict("pass", run)
    verdict.events = len(events)
    verdict.valid_events = valid
    return verdict


def write_temp_schema(doc, directory=None):
    fd, path = tempfile.mkstemp(suffix=".json", prefix="iatk-oracle-", dir=directory)
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        json.dump(doc, f, ensure_ascii=False)
    return path


def check_schema(doc, dialect, mode, seeds, count=3, file_type=None, event_ref=None,
                 schema_path=None, extra=()):
    """Generate from one schema in one mode over `seeds`; judge every event.

    Returns a dict: status ('pass' | 'fail' | 'error'), the verdict that
    decided it (worst first: invalid, then error), and event counts.
    Stops early on a timeout (a hung generator would stall every seed)."""
    judge = Judge(doc, dialect, event_ref)
    own = schema_path is None
    path = write_temp_schema(doc) if own else schema_path
    try:
        verdicts = []
        for seed in seeds:
            run = generate(path, mode=mode, seed=seed, count=count,
                           file_type=file_type, event_ref=event_ref, extra=extra)
            v = judge_run(run, judge, count)
            v.seed = seed
            verdicts.append(v)
            if run.timed_out:
                break
    finally:
        if own:
            os.unlink(path)
    invalid = [v for v in verdicts if v.status == "invalid"]
    errors = [v for v in verdicts if v.status == "error"]
    if invalid:
        status, worst = "fail", invalid[0]
    elif errors:
        status, worst = "error", errors[0]
    else:
        status, worst = "pass", None
    return {
        "status": status,
        "worst": worst,
        "bad_seeds": [v.seed for v in (invalid or errors)],
        "runs": len(verdicts),
        "events": sum(v.events for v in verdicts),
        "valid_events": sum(v.valid_events for v in verdicts),
    }


def outcome_summary(result):
    """A plain dict of a check_schema result (picklable, JSON-able)."""
    w = result["worst"]
    out = {k: result[k] for k in ("status", "bad_seeds", "runs", "events", "valid_events")}
    if w is not None:
        out["command"] = w.run.command()
        out["detail"] = w.detail
        out["abnormal"] = w.run.abnormal() if w.status == "error" else None
        if w.event is not None or w.status == "invalid":
            out["event"] = w.event
            out["index"] = w.index
    return out


# ---------------------------------------------------------------------------
# The JSON Schema Test Suite


def _has_remote_ref(node):
    if isinstance(node, dict):
        for k, v in node.items():
            if k == "$ref" and isinstance(v, str) and not v.startswith("#"):
                return True
            if _has_remote_ref(v):
                return True
    elif isinstance(node, list):
        return any(_has_remote_ref(x) for x in node)
    return False


def suite_groups(drafts=("draft4", "draft6", "draft7"), suite_dir=SUITE_DIR):
    """Eligible test groups: (key, dialect, schema with "$schema" injected).

    Skips optional/, groups whose schema has a "$ref" not starting with "#",
    and groups without a valid test (no instance to generate)."""
    out = []
    for draft in drafts:
        d = os.path.join(suite_dir, draft)
        if not os.path.isdir(d):
            continue
        for name in sorted(os.listdir(d)):
            if not name.endswith(".json"):
                continue
            with open(os.path.join(d, name), encoding="utf-8") as f:
                groups = json.load(f)
            for i, g in enumerate(groups):
                if _has_remote_ref(g["schema"]):
                    continue
                if not any(t.get("valid") for t in g["tests"]):
                    continue
                key = "%s/%s#%d %s" % (draft, name, i, g["description"])
                out.append((key, draft, with_schema_uri(g["schema"], draft)))
    return out


def _suite_task(args):
    key, dialect, schema, mode, seeds, count = args
    try:
        res = check_schema(schema, dialect, mode, seeds, count=count)
        return key, mode, outcome_summary(res)
    except Exception as e:  # the oracle itself failed: say so, loudly
        return key, mode, _oracle_failure(e)


def _oracle_failure(exc):
    """A result that says the harness, not iatk, failed (e.g. the binary was
    being relinked and could not be executed).  Never recorded as a verdict."""
    return {"status": "error", "oracle_failure": True, "bad_seeds": [], "runs": 0,
            "events": 0, "valid_events": 0, "detail": "oracle failure: %r" % (exc,),
            "abnormal": "oracle failure: %r" % (exc,), "command": ""}


def binary_identity(path=None):
    """(inode, size, mtime) of the iatk binary, to notice a rebuild mid-run."""
    try:
        st = os.stat(path or iatk_binary())
    except OSError:
        return None
    return (st.st_ino, st.st_size, st.st_mtime_ns)


def run_suite(groups, modes=MODES, seeds=range(10), count=3, jobs=2, progress=None):
    """Run every (group, mode); returns {key: {mode: summary}}."""
    tasks = [(key, dialect, schema, mode, list(seeds), count)
             for key, dialect, schema in groups for mode in modes]
    results = {}
    with futures.ProcessPoolExecutor(max_workers=jobs) as pool:
        for n, (key, mode, summary) in enumerate(pool.map(_suite_task, tasks, chunksize=4)):
            results.setdefault(key, {})[mode] = summary
            if progress:
                progress(n + 1, len(tasks))
    return results


def _check_task(task):
    try:
        res = check_schema(task["doc"], task["dialect"], task["mode"], task["seeds"],
                           count=task.get("count", 3), file_type=task.get("file_type"),
                           event_ref=task.get("event_ref"), schema_path=task.get("schema_path"),
                           extra=task.get("extra", ()))
        return outcome_summary(res)
    except Exception as e:
        return _oracle_failure(e)


def run_checks(tasks, jobs=2):
    """check_schema over a list of task dicts (keys: doc, dialect, mode, seeds,
    and optionally count, file_type, event_ref, schema_path, extra), in
    parallel; returns the summaries in task order."""
    with futures.ProcessPoolExecutor(max_workers=jobs) as pool:
        return list(pool.map(_check_task, tasks))


def tabulate(results, modes=MODES):
    """Rows (draft, mode, groups, passed, errors, invalid, events, valid_events)."""
    rows = {}
    for key, per_mode in results.items():
        draft = key.split("/", 1)[0]
        for mode in modes:
            s = per_mode.get(mode)
            if s is None:
                continue
            r = rows.setdefault((draft, mode), [0, 0, 0, 0, 0, 0])
            r[0] += 1
            r[1] += s["status"] == "pass"
            r[2] += s["status"] == "error"
            r[3] += s["status"] == "fail"
            r[4] += s["events"]
            r[5] += s["valid_events"]
    order = {d: i for i, d in enumerate(list(DIALECTS))}
    return [(d, m) + tuple(v) for (d, m), v in
            sorted(rows.items(), key=lambda kv: (order.get(kv[0][0], 99), modes.index(kv[0][1])))]


def format_table(rows):
    lines = ["%-8s %-9s %6s %6s %8s %6s %8s %14s" %
             ("dialect", "mode", "groups", "pass", "valid %", "errors", "invalid", "events valid")]
    tot = [0] * 6
    for d, m, g, p, e, inv, ev, vev in rows:
        lines.append("%-8s %-9s %6d %6d %7.1f%% %6d %8d %7d/%-7d" %
                     (d, m, g, p, 100.0 * p / g if g else 0, e, inv, vev, ev))
        tot = [a + b for a, b in zip(tot, (g, p, e, inv, ev, vev))]
    g, p, e, inv, ev, vev = tot
    lines.append("%-8s %-9s %6d %6d %7.1f%% %6d %8d %7d/%-7d" %
                 ("all", "", g, p, 100.0 * p / g if g else 0, e, inv, vev, ev))
    return "\n".join(lines)


def read_json_file(path):
    with open(path, encoding="utf-8") as f:
        return json.load(f)


def self_check(drafts=("draft4", "draft6", "draft7"), suite_dir=SUITE_DIR):
    """Judge the suite's own test instances: the oracle must agree with every
    expected result (main groups with local refs, and optional/format/).
    Returns the disagreements as strings; an empty list means the judge, the
    "$schema" injection and the format checkers are sound."""
    out = []
    for draft in drafts:
        files = sorted(glob.glob(os.path.join(suite_dir, draft, "*.json")))
        files += sorted(glob.glob(os.path.join(suite_dir, draft, "optional", "format", "*.json")))
        for path in files:
            groups = read_json_file(path)
            for i, g in enumerate(groups):
                if _has_remote_ref(g["schema"]):
                    continue
                judge = Judge(with_schema_uri(g["schema"], draft), draft)
                for t in g["tests"]:
                    try:
                        agrees = (judge.problem(t["data"]) is None) == bool(t["valid"])
                    except Exception as e:  # the judge itself fails on this group
                        agrees, t = False, dict(t, valid="%s (%s)" % (t["valid"], e))
                    if not agrees:
                        out.append("%s#%d %s / %s: suite says valid=%s" % (
                            os.path.relpath(path, suite_dir), i, g["description"],
                            t["description"], t["valid"]))
    return out


def unsound_group_keys(disagreements):
    """suite_groups() keys ("draft/file.json#i") of the groups the judge got
    wrong, from self_check()'s lines."""
    return {d.split(" ", 1)[0] for d in disagreements}
