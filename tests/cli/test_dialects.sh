#!/usr/bin/env bash
# Dialect differences the CLI must honour, checked over many random events
# with Debian's python3-jsonschema as the judge:
#  - `nullable` is an OpenAPI 3.0 keyword: it lets an OpenApi3 member be
#    null, and means nothing in a JSON Schema draft-04 document (a draft-04
#    "type": "number" member is never null, whatever `nullable` says);
#  - draft-04's boolean exclusiveMinimum/exclusiveMaximum are honoured;
#  - a type array admits each of its types.
. "$(dirname "${BASH_SOURCE[0]}")/common.sh" dialects
cd "$tmp" || exit 2

if ! "$PYTHON" -c 'import jsonschema' 2>/dev/null; then
    echo "skip: python3-jsonschema is not installed (apt-get install python3-jsonschema)"
    exit 0
fi

cat >draft4.json <<'EOF'
{"$schema": "http://json-schema.org/draft-04/schema#",
 "type": "object", "required": ["amount", "ratio", "id", "label"],
 "properties": {
  "amount": {"type": "number", "nullable": true},
  "ratio": {"type": "number", "minimum": 0, "exclusiveMinimum": true,
            "maximum": 1, "exclusiveMaximum": true},
  "id": {"type": ["integer", "string"]},
  "label": {"type": "string", "nullable": true, "minLength": 1}}}
EOF
cat >openapi.json <<'EOF'
{"openapi": "3.0.0", "info": {"title": "t", "version": "1"}, "paths": {},
 "components": {"schemas": {"Reading": {
   "type": "object", "required": ["amount", "label"],
   "properties": {
     "amount": {"type": "number", "nullable": true},
     "label": {"type": "string", "nullable": true, "minLength": 1}}}}}}
EOF

# judge SCHEMA EVENTS DRAFT — validates every line, prints a summary as
# JSON: {"invalid": [...], "nulls": {member: count}, "types": {...}}.
judge() {
    "$PYTHON" - "$@" <<'PY'
import json, sys
import jsonschema
schema = json.load(open(sys.argv[1]))
events = [json.loads(l) for l in open(sys.argv[2]) if l.strip()]
if sys.argv[3] == "openapi":
    # OpenAPI 3.0 nullable, spelled as JSON Schema for the judge.
    schema = schema["components"]["schemas"]["Reading"]
    for p in schema["properties"].values():
        if p.pop("nullable", False):
            p["type"] = [p["type"], "null"]
validator = jsonschema.Draft4Validator(schema)
invalid = [e for e in events if not validator.is_valid(e)]
nulls, types = {}, {}
for e in events:
    for k, v in e.items():
        if v is None:
            nulls[k] = nulls.get(k, 0) + 1
        types.setdefault(k, set()).add(type(v).__name__)
print(json.dumps({"count": len(events), "invalid": invalid[:3], "n_invalid": len(invalid),
                  "nulls": nulls, "types": {k: sorted(v) for k, v in types.items()}}))
PY
}

field() { "$PYTHON" -c 'import json,sys; d=json.loads(sys.argv[1]); print(eval(sys.argv[2], {}, {"d": d}))' "$1" "$2"; }

for mode in barebone sample random; do
    if ! "$IATK" generate --file draft4.json --mode "$mode" --seed 5 --count 300 >d4.ndjson 2>err.txt; then
        fail "draft-04 ($mode): $(cat err.txt)"
        continue
    fi
    summary=$(judge draft4.json d4.ndjson draft4)
    n=$(field "$summary" 'd["n_invalid"]')
    if [[ $n != 0 ]]; then
        fail "draft-04 ($mode): $n of 300 events are invalid, e.g. $(field "$summary" 'd["invalid"]')"
    else
        ok "draft-04 ($mode): 300 events valid (nullable ignored, exclusive bounds kept)"
    fi
done

"$IATK" generate --file draft4.json --mode random --seed 5 --count 300 >d4.ndjson 2>/dev/null
summary=$(judge draft4.json d4.ndjson draft4)
if [[ $(field "$summary" 'sorted(d["types"].get("id", []))') != "['int', 'str']" ]]; then
    fail "draft-04 random: type [integer, string] gave only $(field "$summary" 'd["types"].get("id")')"
else
    ok "draft-04 random: a type array yields each of its types"
fi

"$IATK" generate --file openapi.json --mode random --seed 5 --count 300 >oa.ndjson 2>err.txt ||
    fail "OpenApi3 random: $(cat err.txt)"
summary=$(judge openapi.json oa.ndjson openapi)
n=$(field "$summary" 'd["n_invalid"]')
nulls=$(field "$summary" 'd["nulls"].get("amount", 0)')
if [[ $n != 0 ]]; then
    fail "OpenApi3 random: $n of 300 events are invalid, e.g. $(field "$summary" 'd["invalid"]')"
elif ((nulls == 0 || nulls == 300)); then
    fail "OpenApi3 random: nullable amount was null in $nulls of 300 events (expected some, not all)"
else
    ok "OpenApi3 random: nullable members are sometimes null ($nulls of 300), all valid"
fi

if ((failures)); then
    echo "$failures failure(s)"
    exit 1
fi
echo "all passed"
