/* Compile stage: documents, event_ref lookup, $ref, allOf, cycles, errors. */
#include <stdio.h>
#include <stdlib.h>

#include "helpers.h"

static void expect_compile_error(const char *text, const char *ref, int code,
                                 const char *message) {
  iatk_error err;
  iatk_plan *plan = compile_text(text, ref, &err);
  assert_null(plan);
  assert_int_equal(err.code, code);
  if (message)
    assert_string_equal(err.message, message);
}

static void test_detects_types(void **state) {
  (void)state;
  iatk_error err;
  iatk_schema *s =
      iatk_schema_load(seed_schema, strlen(seed_schema), NULL, NULL, &err);
  assert_non_null(s);
  assert_string_equal(iatk_schema_type(s), IATK_TYPE_OPENAPI3);
  assert_string_equal(iatk_schema_origin(s), "<schema>");
  iatk_schema_free(s);
  s = iatk_schema_load("{\"type\":\"object\"}", 17, NULL, NULL, &err);
  assert_string_equal(iatk_schema_type(s), IATK_TYPE_JSONSCHEMA_DRAFT4);
  iatk_schema_free(s);
}

static void test_malformed_json_has_position(void **state) {
  (void)state;
  iatk_error err;
  iatk_error_clear(&err);
  const char *text = "{\n  \"type\": \"object\",\n  oops\n}";
  assert_null(iatk_schema_load(text, strlen(text), NULL, "bad.json", &err));
  assert_int_equal(err.code, IATK_EJSON);
  assert_int_equal(err.line, 3);
  assert_int_equal(err.column, 6); /* jansson points past the bad token */
  assert_string_equal(err.where, "bad.json:3:6");
  assert_non_null(strstr(err.message, "bad.json:3:6: "));
}

static void test_empty_and_non_object(void **state) {
  (void)state;
  iatk_error err;
  iatk_error_clear(&err);
  assert_null(iatk_schema_load("", 0, NULL, "e.json", &err));
  assert_string_equal(err.message, "e.json is empty");
  iatk_error_clear(&err);
  assert_null(iatk_schema_load("[1]", 3, NULL, "a.json", &err));
  assert_int_equal(err.code, IATK_ESCHEMA);
  iatk_error_clear(&err);
  assert_null(iatk_schema_load("{}", 2, "Swagger2", "a.json", &err));
  assert_int_equal(err.code, IATK_EINVAL);
}

static void test_event_ref_forms(void **state) {
  (void)state;
  iatk_error err;
  iatk_plan *p = compile_text(seed_schema, "MyEvent", &err);
  assert_non_null(p);
  assert_string_equal(iatk_plan_pointer(p), "#/components/schemas/MyEvent");
  iatk_plan_free(p);
  p = compile_text(seed_schema, "#/components/schemas/Item", &err);
  assert_non_null(p);
  iatk_plan_free(p);
  p = compile_text(seed_schema, "/components/schemas/Item", &err);
  assert_non_null(p);
  assert_string_equal(iatk_plan_pointer(p), "#/components/schemas/Item");
  iatk_plan_free(p);
}

static void test_event_ref_errors(void **state) {
  (void)state;
  expect_compile_error(seed_schema, "Nope", IATK_ENOEVENT,
                       "event_ref 'Nope' not found: no schema named so under "
                       "#/components/schemas (available: MyEvent, Item)");
  expect_compile_error(seed_schema, NULL, IATK_ENOEVENT,
                       "no event_ref given and the document defines 2 schemas "
                       "(MyEvent, Item): name one");
  expect_compile_error(
      seed_schema, "#/components/schemas/Nope", IATK_ENOEVENT,
      "event_ref '#/components/schemas/Nope' not found: "
      "#/components/schemas/Nope does not exist in the document");
}

static void test_unsupported_type(void **state) {
  (void)state;
  expect_compile_error("{\"type\":\"file\"}", NULL, IATK_EUNSUPPORTED,
                       "unsupported type 'file' at # (expected null, boolean, "
                       "integer, number, string, array or object)");
}

static void test_unresolvable_and_external_refs(void **state) {
  (void)state;
  expect_compile_error(
      "{\"properties\":{\"a\":{\"$ref\":\"#/definitions/x\"}}}", NULL,
      IATK_EREF, "$ref '#/definitions/x' at #/properties/a does not resolve");
  expect_compile_error("{\"$ref\":\"other.json#/x\"}", NULL, IATK_EREF, NULL);
}

static void test_ref_to_ref_cycle(void **state) {
  (void)state;
  expect_compile_error(
      "{\"definitions\":{\"a\":{\"$ref\":\"#/definitions/b\"},"
      "\"b\":{\"$ref\":\"#/definitions/a\"}},\"$ref\":\"#/definitions/a\"}",
      NULL, IATK_ECYCLE,
      "$ref cycle with no schema in it: #/definitions/a -> #/definitions/b -> "
      "#/definitions/a");
}

static void test_required_cycle_is_an_error(void **state) {
  (void)state;
  expect_compile_error(
      "{\"definitions\":{\"node\":{\"type\":\"object\",\"required\":[\"next\"],"
      "\"properties\":{\"next\":{\"$ref\":\"#/definitions/node\"}}}},"
      "\"$ref\":\"#/definitions/node\"}",
      NULL, IATK_ECYCLE,
      "required members form a $ref cycle, so no finite event exists: "
      "#/definitions/node -> #/definitions/node");
}

static void test_required_cycle_with_escape_compiles(void **state) {
  (void)state;
  const char *schema =
      "{\"definitions\":{\"node\":{\"type\":\"object\",\"required\":[\"next\"],"
      "\"properties\":{\"next\":{\"anyOf\":[{\"$ref\":\"#/definitions/node\"},"
      "{\"type\":\"null\"}]}}}},\"$ref\":\"#/definitions/node\"}";
  char *got = generate_text(schema, NULL, IATK_MODE_BAREBONE, 0, 0, 0);
  assert_string_equal(got, "{\"next\":{\"next\":null}}");
  free(got);
}

static void test_allof_contradictions(void **state) {
  (void)state;
  expect_compile_error(
      "{\"allOf\":[{\"type\":\"string\"},{\"type\":\"integer\"}]}", NULL,
      IATK_EUNSAT,
      "schema at # allows no value: allOf member #/allOf/1 "
      "shares no type with the members before it");
  expect_compile_error(
      "{\"type\":\"string\",\"const\":3}", NULL, IATK_EUNSAT,
      "schema at # allows no value: its const contradicts its type");
  expect_compile_error("{\"type\":\"object\",\"required\":[\"a\"],"
                       "\"additionalProperties\":false}",
                       NULL, IATK_EUNSAT,
                       "schema at # allows no value: required property 'a' is "
                       "forbidden by additionalProperties: false");
}

/* A contradiction rules out its own node; it empties the schema only when
 * that node is required. */
static void test_contradictions_are_local(void **state) {
  (void)state;
  static const char *satisfiable[] = {
      "{\"properties\":{\"a\":{\"allOf\":[{\"type\":\"string\"},{\"type\":\"integer\"}]}}}",
      "{\"type\":\"array\",\"items\":{\"type\":\"string\",\"const\":1}}",
      "{\"required\":[\"x\"],\"additionalProperties\":false}",
      "{\"additionalProperties\":{\"enum\":[1],\"type\":\"string\"},\"minProperties\":0}",
      "{\"anyOf\":[{\"type\":[]},{\"type\":\"null\"}]}",
  };
  for (size_t i = 0; i < sizeof satisfiable / sizeof *satisfiable; i++) {
    iatk_error err;
    iatk_plan *plan = compile_text(satisfiable[i], NULL, &err);
    if (!plan)
      fail_msg("%s: %s", satisfiable[i], err.message);
    iatk_plan_free(plan);
  }
  expect_compile_error(
      "{\"type\":\"object\",\"properties\":{\"a\":{\"type\":[]}},"
      "\"required\":[\"a\"]}",
      NULL, IATK_EUNSAT,
      "schema at #/properties/a allows no value: its type list is "
      "empty (it is required: # -> #/properties/a)");
  expect_compile_error("{\"type\":\"array\",\"contains\":false}", NULL,
                       IATK_EUNSAT, NULL);
}

/* A message longer than iatk_error's buffer loses its middle, never the
 * reason at its end. */
static void test_long_messages_keep_their_reason(void **state) {
  (void)state;
  enum { NAME = 5000 };
  char *text = malloc(NAME + 128);
  int n = sprintf(text, "{\"type\":\"object\",\"required\":[\"");
  memset(text + n, 'x', NAME);
  strcpy(text + n + NAME, "\"],\"additionalProperties\":false}");
  iatk_error err;
  assert_null(compile_text(text, NULL, &err));
  assert_int_equal(err.code, IATK_EUNSAT);
  const char *tail = "' is forbidden by additionalProperties: false";
  size_t len = strlen(err.message);
  assert_true(len < sizeof err.message);
  assert_string_equal(err.message + len - strlen(tail), tail);
  assert_non_null(strstr(err.message, "xxx...xxx"));
  assert_memory_equal(err.message, "schema at # allows no value", 27);
  free(text);
}

static void test_absurd_sizes_are_refused(void **state) {
  (void)state;
  expect_compile_error("{\"type\":\"array\",\"minItems\":1e12}", NULL,
                       IATK_ELIMIT, NULL);
  expect_compile_error("{\"type\":\"string\",\"minLength\":999999999999}", NULL,
                       IATK_ELIMIT, NULL);
}

static void test_deep_nesting_is_bounded(void **state) {
  (void)state;
  enum { DEPTH = 3000 };
  char *text = malloc(DEPTH * 20 + 64);
  size_t n = 0;
  for (int i = 0; i < DEPTH; i++)
    n += (size_t)sprintf(text + n, "{\"items\":");
  n += (size_t)sprintf(text + n, "{}");
  for (int i = 0; i < DEPTH; i++)
    text[n++] = '}';
  text[n] = '\0';
  iatk_error err;
  iatk_error_clear(&err);
  assert_null(iatk_schema_load(text, n, NULL, "deep.json", &err));
  assert_true(err.code == IATK_EJSON || err.code == IATK_ELIMIT);
  free(text);
}

static void test_error_table(void **state) {
  (void)state;
  assert_string_equal(iatk_err_name(IATK_EJSON), "IATK_EJSON");
  assert_string_equal(iatk_strerror(IATK_ENOSCHEMA), "schema not found");
  assert_int_equal(iatk_err_exit_status(IATK_ENOSCHEMA), 4);
  assert_int_equal(iatk_err_exit_status(IATK_OK), 0);
  assert_string_equal(iatk_strerror(9999), "unknown error");
  assert_string_equal(iatk_version(), IATK_VERSION_STRING);
}

static void test_first_error_wins(void **state) {
  (void)state;
  iatk_error err;
  iatk_error_clear(&err);
  iatk_schema *s = iatk_schema_load("{", 1, NULL, "x", &err);
  assert_null(s);
  int code = err.code;
  assert_null(iatk_compile(NULL, NULL, &err));
  assert_int_equal(err.code, code); /* the later EINVAL did not overwrite */
  iatk_schema_free(NULL);           /* NULL-safe frees */
  iatk_plan_free(NULL);
  iatk_gen_free(NULL);
  iatk_pipeline_free(NULL);
  iatk_registry_free(NULL);
  iatk_strlist_free(NULL);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_detects_types),
      cmocka_unit_test(test_malformed_json_has_position),
      cmocka_unit_test(test_empty_and_non_object),
      cmocka_unit_test(test_event_ref_forms),
      cmocka_unit_test(test_event_ref_errors),
      cmocka_unit_test(test_unsupported_type),
      cmocka_unit_test(test_unresolvable_and_external_refs),
      cmocka_unit_test(test_ref_to_ref_cycle),
      cmocka_unit_test(test_required_cycle_is_an_error),
      cmocka_unit_test(test_required_cycle_with_escape_compiles),
      cmocka_unit_test(test_allof_contradictions),
      cmocka_unit_test(test_contradictions_are_local),
      cmocka_unit_test(test_long_messages_keep_their_reason),
      cmocka_unit_test(test_absurd_sizes_are_refused),
      cmocka_unit_test(test_deep_nesting_is_bounded),
      cmocka_unit_test(test_error_table),
      cmocka_unit_test(test_first_error_wins),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
