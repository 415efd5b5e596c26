/* fuzz_validate: hostile events against one rich, fixed schema (draft
 * 2020-12: $ref and $anchor, allOf/anyOf/oneOf/not, if-then-else,
 * dependent*, patternProperties, propertyNames, formats, prefixItems,
 * contains, unevaluated*, uniqueItems, multipleOf ...).
 * Checks: iatk_validate_text answers OK, EINVALID, EJSON or ELIMIT with an
 * ordinary error; the same event gives the same answer twice, as a parsed
 * value and after a round trip through jansson's encoder. */
#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

/* clang-format off */
static const char schema_text[] =
    "{\"$schema\": \"https://json-schema.org/draft/2020-12/schema\",\n"
    " \"$id\": \"https://example.com/order\",\n"
    " \"type\": \"object\",\n"
    " \"required\": [\"id\", \"kind\", \"items\"],\n"
    " \"properties\": {\n"
    "  \"id\": {\"type\": \"string\", \"format\": \"uuid\"},\n"
    "  \"kind\": {\"enum\": [\"order\", \"refund\", \"note\", null, 1.5, {\"k\": [1]}]},\n"
    "  \"at\": {\"type\": \"string\", \"format\": \"date-time\"},\n"
    "  \"day\": {\"format\": \"date\"},\n"
    "  \"clock\": {\"format\": \"time\"},\n"
    "  \"email\": {\"type\": \"string\", \"format\": \"email\"},\n"
    "  \"mail2\": {\"format\": \"idn-email\"},\n"
    "  \"host\": {\"format\": \"hostname\"},\n"
    "  \"ip\": {\"format\": \"ipv4\"},\n"
    "  \"uri\": {\"format\": \"uri\"},\n"
    "  \"iri\": {\"format\": \"iri\"},\n"
    "  \"ptr\": {\"format\": \"json-pointer\"},\n"
    "  \"blob\": {\"type\": \"string\", \"format\": \"byte\"},\n"
    "  \"code\": {\"type\": \"string\", \"pattern\": \"^[A-Z]{2}-\\\\d{3,5}(?:-[a-z]+)?$\",\n"
    "           \"minLength\": 6, \"maxLength\": 20},\n"
    "  \"word\": {\"type\": \"string\", \"pattern\": \"\\\\p{L}+|\\\\bx\\\\B\"},\n"
    "  \"amount\": {\"type\": \"number\", \"exclusiveMinimum\": 0, \"maximum\": 1e6,\n"
    "             \"multipleOf\": 0.01},\n"
    "  \"count\": {\"type\": \"integer\", \"minimum\": -5, \"exclusiveMaximum\": 100},\n"
    "  \"big\": {\"type\": \"integer\", \"multipleOf\": 1e-3, \"maximum\": 9007199254740993},\n"
    "  \"items\": {\"type\": \"array\", \"minItems\": 1, \"maxItems\": 8,\n"
    "            \"items\": {\"$ref\": \"#/$defs/item\"}, \"uniqueItems\": true,\n"
    "            \"contains\": {\"properties\": {\"qty\": {\"minimum\": 10}}},\n"
    "            \"minContains\": 1, \"maxContains\": 3},\n"
    "  \"tuple\": {\"type\": \"array\",\n"
    "            \"prefixItems\": [{\"type\": \"string\"}, {\"type\": \"integer\"},\n"
    "                            {\"const\": {\"a\": [1, 2.0, null]}}],\n"
    "            \"unevaluatedItems\": {\"type\": \"boolean\"}},\n"
    "  \"tree\": {\"$ref\": \"#node\"},\n"
    "  \"meta\": {\"type\": \"object\",\n"
    "           \"patternProperties\": {\"^x-[a-z]+$\": {\"type\": [\"string\", \"null\"]},\n"
    "                                 \"^n[0-9]+$\": {\"type\": \"number\"}},\n"
    "           \"propertyNames\": {\"maxLength\": 12, \"not\": {\"const\": \"x-no\"}},\n"
    "           \"additionalProperties\": false, \"maxProperties\": 5},\n"
    "  \"choice\": {\"oneOf\": [{\"type\": \"string\", \"maxLength\": 3},\n"
    "                         {\"type\": \"string\", \"pattern\": \"^a\"},\n"
    "                         {\"type\": \"integer\", \"multipleOf\": 3}]},\n"
    "  \"either\": {\"anyOf\": [{\"type\": \"null\"}, {\"$ref\": \"#/$defs/money\"},\n"
    "                         {\"type\": \"array\", \"items\": false}]},\n"
    "  \"notthis\": {\"not\": {\"anyOf\": [{\"type\": \"string\", \"minLength\": 1},\n"
    "                                  {\"const\": 0}]}},\n"
    "  \"flags\": {\"type\": \"array\", \"items\": {\"type\": \"boolean\"}, \"maxItems\": 4},\n"
    "  \"loose\": {\"type\": \"array\", \"items\": {\"$ref\": \"#/$defs/money\"},\n"
    "            \"contains\": {\"const\": 1}, \"minContains\": 0}\n"
    " },\n"
    " \"allOf\": [\n"
    "  {\"if\": {\"properties\": {\"kind\": {\"const\": \"refund\"}}, \"required\": [\"kind\"]},\n"
    "   \"then\": {\"required\": [\"amount\", \"reason\"],\n"
    "            \"properties\": {\"reason\": {\"type\": \"string\", \"minLength\": 1}}},\n"
    "   \"else\": {\"properties\": {\"reason\": false}}},\n"
    "  {\"dependentRequired\": {\"email\": [\"at\"]}},\n"
    "  {\"dependentSchemas\": {\"ip\": {\"required\": [\"host\"]}}},\n"
    "  {\"properties\": {\"extra\": true}}\n"
    " ],\n"
    " \"unevaluatedProperties\": {\"type\": \"string\", \"maxLength\": 8},\n"
    " \"$defs\": {\n"
    "  \"item\": {\"type\": \"object\", \"required\": [\"sku\", \"qty\"],\n"
    "           \"properties\": {\"sku\": {\"type\": \"string\", \"pattern\": \"^[A-Z0-9]{4,8}$\"},\n"
    "                          \"qty\": {\"type\": \"integer\", \"minimum\": 1},\n"
    "                          \"price\": {\"$ref\": \"#/$defs/money\"}},\n"
    "           \"additionalProperties\": false},\n"
    "  \"money\": {\"type\": \"object\", \"required\": [\"value\", \"currency\"],\n"
    "            \"properties\": {\"value\": {\"type\": \"number\"},\n"
    "                           \"currency\": {\"enum\": [\"EUR\", \"USD\"]}},\n"
    "            \"unevaluatedProperties\": false},\n"
    "  \"node\": {\"$anchor\": \"node\", \"type\": \"object\", \"required\": [\"value\"],\n"
    "           \"properties\": {\"value\": {\"type\": \"integer\"},\n"
    "                          \"kids\": {\"type\": \"array\", \"items\": {\"$ref\": \"#node\"},\n"
    "                                   \"maxItems\": 3}},\n"
    "           \"additionalProperties\": false}\n"
    " }\n"
    "}\n";
/* clang-format on */

static iatk_validator *validator;

int LLVMFuzzerInitialize(int *argc, char ***argv) {
  iatk_error err;
  iatk_error_clear(&err);
  iatk_schema *schema = iatk_schema_load(schema_text, sizeof schema_text - 1,
                                         NULL, "rich.json", &err);
  if (schema)
    validator = iatk_validator_new(schema, NULL, &err);
  if (!validator) {
    fprintf(stderr, "fuzz_validate: the fixed schema does not load: %s (%s)\n",
            err.message, err.where);
    abort();
  }
  /* Its generated events must validate too: the fuzz_schema check, once. */
  fuzz_check_ref(schema, NULL);
  iatk_schema_free(schema);
  return 0;
}

static int verdict(int rc, const iatk_error *err, const char *call) {
  if (rc == IATK_OK)
    return rc;
  fuzz_check_error(call, rc, err);
  if (rc != IATK_EINVALID && rc != IATK_EJSON && rc != IATK_ELIMIT)
    fuzz_die("%s answered %s: %s (%s)", call, iatk_err_name(rc), err->message,
             err->where);
  return rc;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size > FUZZ_MAX_INPUT)
    return -1;
  iatk_error e1, e2;
  iatk_error_clear(&e1);
  int rc1 =
      verdict(iatk_validate_text(validator, (const char *)data, size, &e1), &e1,
              "iatk_validate_text");
  iatk_error_clear(&e2);
  int rc2 =
      verdict(iatk_validate_text(validator, (const char *)data, size, &e2), &e2,
              "iatk_validate_text (again)");
  if (rc1 != rc2 || strcmp(e1.message, e2.message) ||
      strcmp(e1.where, e2.where))
    fuzz_die("the same event, validated twice: %s '%s' then %s '%s'",
             iatk_err_name(rc1), e1.message, iatk_err_name(rc2), e2.message);
  if (rc1 == IATK_EJSON)
    return 0;
  json_error_t jerr;
  json_t *event = json_loadb((const char *)data, size,
                             JSON_DECODE_ANY | JSON_ALLOW_NUL, &jerr);
  if (!event && strstr(jerr.text, "too big"))
    return 0; /* iatk reads integers beyond int64; a jansson DOM cannot hold them */
  if (!event)
    fuzz_die("iatk_validate_text parsed an event that jansson does not: %s",
             jerr.text);
  iatk_error_clear(&e2);
  rc2 = verdict(iatk_validate(validator, event, &e2), &e2, "iatk_validate");
  if (rc1 != rc2)
    fuzz_die("text and parsed event disagree: %s then %s (%s)",
             iatk_err_name(rc1), iatk_err_name(rc2), e2.message);
  char *again = json_dumps(event, JSON_COMPACT | JSON_ENCODE_ANY);
  json_decref(event);
  if (!again)
    return 0; /* too deep for jansson's encoder */
  iatk_error_clear(&e2);
  rc2 = verdict(iatk_validate_text(validator, again, strlen(again), &e2), &e2,
                "iatk_validate_text (re-encoded)");
  if (rc1 != rc2)
    fuzz_die("the re-encoded event %.2000s is judged %s (%s), the original %s",
             again, iatk_err_name(rc2), e2.message, iatk_err_name(rc1));
  free(again);
  return 0;
}
