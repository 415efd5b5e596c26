/* The validator: limits are errors and never verdicts (work budget, depth,
 * PCRE2), JSON the generator can write is readable (integers beyond int64,
 * "\u0000"), the dialect, and $dynamicRef through the dynamic scope. */
#include <stdio.h>
#include <stdlib.h>

#include "helpers.h"
#include "common/internal.h"
#include "validate/validate_internal.h"

/* A validator for `schema` (registry type `type`, NULL: detected). */
static iatk_validator *validator_for(const char *schema, const char *type,
                                     const char *event_ref) {
  iatk_error err;
  iatk_error_clear(&err);
  iatk_schema *s =
      iatk_schema_load(schema, strlen(schema), type, "t.json", &err);
  if (!s)
    fail_msg("schema does not load: %s", err.message);
  iatk_validator *v = iatk_validator_new(s, event_ref, &err);
  iatk_schema_free(s);
  if (!v)
    fail_msg("no validator: %s", err.message);
  return v;
}

/* The iatk code of validating `event` (JSON text) against `schema`. */
static int check(const char *schema, const char *event, iatk_error *err) {
  iatk_validator *v = validator_for(schema, NULL, NULL);
  iatk_error_clear(err);
  int rc = iatk_validate_text(v, event, strlen(event), err);
  iatk_validator_free(v);
  return rc;
}

#define assert_verdict(schema, event, code)                                    \
  do {                                                                         \
    iatk_error e_;                                                             \
    int rc_ = check((schema), (event), &e_);                                   \
    if (rc_ != (code))                                                         \
      fail_msg("%.60s on %.300s: expected %s, got %s: %.300s", (event),        \
               (schema), iatk_err_name(code), iatk_err_name(rc_), e_.message); \
  } while (0)

/* ------------------------------------------------------- work budget */

/* Level k is {"allOf": [L(k+1), L(k+1)]} behind not/not, so nothing can
 * be skipped: validation does 2^levels work.  Malloc'd. */
static char *fan_out(int levels, const char *wrap_open,
                     const char *wrap_close) {
  iatk_buf b;
  iatk__buf_init(&b);
  iatk__buf_printf(&b, "{%s\"$ref\":\"#/definitions/L0\"%s,\"definitions\":{",
                   wrap_open, wrap_close);
  for (int k = 0; k < levels; k++)
    iatk__buf_printf(
        &b,
        "\"L%d\":{\"not\":{\"not\":{\"allOf\":[{\"$ref\":\"#/definitions/L%d\"},"
        "{\"$ref\":\"#/definitions/L%d\"}]}}},",
        k, k + 1, k + 1);
  iatk__buf_printf(&b, "\"L%d\":{\"type\":\"integer\"}}}", levels);
  return iatk__buf_steal(&b);
}

static void test_fan_out_stops_at_the_work_budget(void **state) {
  (void)state;
  /* 2^60 applications without the budget: ending at all is the point (a
   * hang fails the test at ctest's TIMEOUT, not at a wall-clock guess
   * that a loaded machine or a sanitizer could miss) */
  char *schema = fan_out(60, "", "");
  iatk_error err;
  assert_int_equal(check(schema, "1", &err), IATK_ELIMIT);
  assert_non_null(strstr(err.message, "work limit"));
  free(schema);
}

static void test_work_limit_under_not_is_no_verdict(void **state) {
  (void)state;
  char *schema = fan_out(60, "\"not\":{", "}");
  iatk_error err;
  assert_int_equal(check(schema, "1", &err), IATK_ELIMIT);
  /* a string fails at the first leaf: no blow-up, a verdict */
  assert_int_equal(check(schema, "\"s\"", &err), IATK_OK);
  free(schema);
}

static void test_small_fan_out_is_judged(void **state) {
  (void)state;
  char *schema = fan_out(8, "", "");
  assert_verdict(schema, "1", IATK_OK);
  assert_verdict(schema, "\"s\"", IATK_EINVALID);
  free(schema);
}

static void test_budget_is_configurable_and_grows_with_the_event(void **state) {
  (void)state;
  iatk_validator *v = validator_for(
      "{\"type\":\"array\",\"items\":{\"type\":\"integer\"}}", NULL, NULL);
  iatk_buf event;
  iatk__buf_init(&event);
  iatk__buf_putc(&event, '[');
  for (int i = 0; i < 100000; i++)
    iatk__buf_printf(&event, "%s%d", i ? "," : "", i);
  iatk__buf_putc(&event, ']');
  iatk_error err;
  iatk_error_clear(&err);
  iatk__validator_set_budget(v, 1000, 0);
  assert_int_equal(iatk_validate_text(v, event.data, event.len, &err),
                   IATK_ELIMIT);
  iatk_error_clear(&err);
  iatk__validator_set_budget(v, 1000, 2); /* an item and its schema: 2 steps */
  assert_int_equal(iatk_validate_text(v, event.data, event.len, &err), IATK_OK);
  iatk__validator_set_budget(v, 0, 0);
  assert_int_equal(iatk_validate_text(v, event.data, event.len, &err), IATK_OK);
  iatk__buf_release(&event);
  iatk_validator_free(v);
}

/* ------------------------------------------------------ depth limit */

/* `depth` arrays around 1. */
static char *nested_arrays(int depth) {
  iatk_buf b;
  iatk__buf_init(&b);
  for (int i = 0; i < depth; i++)
    iatk__buf_putc(&b, '[');
  iatk__buf_putc(&b, '1');
  for (int i = 0; i < depth; i++)
    iatk__buf_putc(&b, ']');
  return iatk__buf_steal(&b);
}

static const char deep_schema[] =
    "{\"anyOf\":[{\"type\":\"integer\"},{\"type\":\"array\",\"items\":{\"$ref\":\"#\"}}]}";
static const char not_deep_schema[] =
    "{\"not\":{\"$ref\":\"#/definitions/deep\"},\"definitions\":{\"deep\":"
    "{\"anyOf\":[{\"type\":\"integer\"},{\"type\":\"array\",\"items\":"
    "{\"$ref\":\"#/definitions/deep\"}}]}}}";

static void test_depth_limit_is_an_error_through_any_of(void **state) {
  (void)state;
  char *event = nested_arrays(700);
  iatk_error err;
  assert_int_equal(check(deep_schema, event, &err), IATK_ELIMIT);
  assert_non_null(strstr(err.message, "nest deeper"));
  free(event);
  event = nested_arrays(10);
  assert_verdict(deep_schema, event, IATK_OK);
  free(event);
}

static void test_depth_limit_is_not_inverted_by_not(void **state) {
  (void)state;
  char *event = nested_arrays(700);
  assert_verdict(not_deep_schema, event, IATK_ELIMIT);
  free(event);
  event = nested_arrays(10);
  assert_verdict(not_deep_schema, event, IATK_EINVALID);
  free(event);
  assert_verdict(not_deep_schema, "\"s\"", IATK_OK);
}

static void test_limits_propagate_through_every_applicator(void **state) {
  (void)state;
  char *event = nested_arrays(700);
  static const char *const wrappers[] = {
      "{\"oneOf\":[%s,{\"type\":\"string\"}]}",
      "{\"$schema\":\"http://json-schema.org/draft-07/schema#\","
      "\"if\":%s,\"then\":true,\"else\":true}",
      "{\"allOf\":[%s]}",
      "{\"type\":\"array\",\"contains\":{\"anyOf\":[{\"const\":0},%s]}}",
  };
  char schema[600];
  for (size_t i = 0; i < sizeof wrappers / sizeof *wrappers; i++) {
    snprintf(schema, sizeof schema, wrappers[i],
             "{\"$ref\":\"#/definitions/deep\"}");
    size_t n = strlen(schema) - 1; /* add the definitions before the last } */
    snprintf(
        schema + n, sizeof schema - n,
        ",\"definitions\":{\"deep\":{\"anyOf\":[{\"type\":\"integer\"},"
        "{\"type\":\"array\",\"items\":{\"$ref\":\"#/definitions/deep\"}}]}}}");
    char *wrapped = event, in_array[4000];
    if (i == 3) { /* contains looks at the items of an array */
      snprintf(in_array, sizeof in_array, "[%s]", event);
      wrapped = in_array;
    }
    assert_verdict(schema, wrapped, IATK_ELIMIT);
  }
  free(event);
}

/* ----------------------------------------------------------- PCRE2 */

/* PCRE2 gives up on "(a+)+c" before it reaches the "b" that matches. */
static const char *const backtracking_text =
    "\"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaab\"";

static void test_pcre2_limit_is_no_verdict(void **state) {
  (void)state;
  assert_verdict("{\"pattern\":\"(a+)+c|b\"}", backtracking_text, IATK_ELIMIT);
  assert_verdict("{\"not\":{\"pattern\":\"(a+)+c|b\"}}", backtracking_text,
                 IATK_ELIMIT);
  assert_verdict(
      "{\"patternProperties\":{\"(a+)+c|b\":{\"type\":\"integer\"}}}",
      "{\"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaab\":1}", IATK_ELIMIT);
  assert_verdict("{\"pattern\":\"(a+)+c|b\"}", "\"ab\"", IATK_OK);
  assert_verdict("{\"pattern\":\"(a+)+c|b\"}", "\"aa\"", IATK_EINVALID);
}

static void test_broken_pattern_is_a_schema_error(void **state) {
  (void)state;
  assert_verdict("{\"pattern\":\"(\"}", "\"x\"", IATK_ESCHEMA);
  assert_verdict("{\"anyOf\":[{\"pattern\":\"(\"},true]}", "\"x\"",
                 IATK_ESCHEMA);
}

/* ------------------------------------------------- wide integers, NUL */

static void test_wide_integers_are_read(void **state) {
  (void)state;
  const char *schema =
      "{\"type\":\"integer\",\"maximum\":18446744073709551615}";
  assert_verdict(schema, "18446744073709551615", IATK_OK);
  assert_verdict(schema, "-99999999999999999999", IATK_OK);
  assert_verdict(schema, "18446744073709551616000", IATK_EINVALID);
  assert_verdict("{\"minimum\":-1e30}", "[-1000000000000000000000000000000]",
                 IATK_OK);
  assert_verdict("{\"items\":{\"minimum\":-1e29}}",
                 "[-1000000000000000000000000000000]", IATK_EINVALID);
}

static void test_wide_integers_stay_integers(void **state) {
  (void)state;
  /* draft-04: written in digits is an integer, 1e30 and 1.0 are not */
#define DRAFT4_INTEGER                                                         \
  "{\"$schema\":\"http://json-schema.org/draft-04/schema#\","                  \
  "\"type\":\"integer\"}"
  assert_verdict(DRAFT4_INTEGER, "1000000000000000000000000000000", IATK_OK);
  assert_verdict(DRAFT4_INTEGER, "1e30", IATK_EINVALID);
  assert_verdict(DRAFT4_INTEGER, "1.0", IATK_EINVALID);
  /* (the one case read wrongly: the same value written both ways in one
   * event, where 1e30 passes as an integer too) */
  /* draft-06 on: a number without a fraction is an integer */
  assert_verdict("{\"$schema\":\"http://json-schema.org/draft-06/schema#\","
                 "\"type\":\"integer\"}",
                 "1e30", IATK_OK);
}

static void test_schema_with_wide_maximum_loads(void **state) {
  (void)state;
  const char *text = "{\"type\":\"integer\",\"maximum\":18446744073709551615,"
                     "\"minimum\":-18446744073709551615}";
  iatk_error err;
  iatk_error_clear(&err);
  iatk_schema *s = iatk_schema_load(text, strlen(text), NULL, "t.json", &err);
  assert_non_null(s);
  const json_t *max = json_object_get(iatk_schema_document(s), "maximum");
  assert_true(json_is_number(max));
  assert_true(json_number_value(max) == 18446744073709551615.0);
  iatk_schema_free(s);
}

static void test_json_errors_point_into_the_original_text(void **state) {
  (void)state;
  iatk_error err;
  assert_int_equal(
      check("{}", "[18446744073709551615, 18446744073709551615, x]", &err),
      IATK_EJSON);
  assert_non_null(strstr(err.message, "1:46:")); /* where the x is */
  assert_int_equal(check("{}", "[1e400]", &err), IATK_EJSON);
}

static void test_pretty_keeps_wide_integers(void **state) {
  (void)state;
  const char *text = "{\"a\":18446744073709551615,\"b\":\"x\\u0000y\"}";
  iatk_error err;
  iatk_error_clear(&err);
  char *pretty = iatk_format_json(text, strlen(text), 1, &err);
  assert_non_null(pretty);
  assert_string_equal(
      pretty, "{\n  \"a\": 18446744073709551615,\n  \"b\": \"x\\u0000y\"\n}");
  iatk_free(pretty);
}

static void test_strings_with_nul(void **state) {
  (void)state;
  assert_verdict("{\"const\":\"a\\u0000b\"}", "\"a\\u0000b\"", IATK_OK);
  assert_verdict("{\"const\":\"a\\u0000b\"}", "\"a\\u0000c\"", IATK_EINVALID);
  assert_verdict("{\"const\":\"a\\u0000b\"}", "\"a\"", IATK_EINVALID);
  assert_verdict("{\"enum\":[\"a\",\"a\\u0000\"]}", "\"a\\u0000\"", IATK_OK);
  assert_verdict("{\"enum\":[\"a\"]}", "\"a\\u0000\"", IATK_EINVALID);
  assert_verdict("{\"maxLength\":3}", "\"a\\u0000b\"", IATK_OK);
  assert_verdict("{\"maxLength\":3}", "\"a\\u0000bc\"", IATK_EINVALID);
  assert_verdict("{\"pattern\":\"^a.b$\"}", "\"a\\u0000b\"", IATK_OK);
  assert_verdict("{\"pattern\":\"^a$\"}", "\"a\\u0000b\"", IATK_EINVALID);
  assert_verdict("{\"uniqueItems\":true}", "[\"a\\u0000b\",\"a\\u0000c\"]",
                 IATK_OK);
}

/* Names built through the API may hold NUL too (jansson reads none). */
static void test_member_names_with_nul(void **state) {
  (void)state;
  iatk_validator *v = validator_for(
      "{\"propertyNames\":{\"maxLength\":2},\"required\":[\"a\\u0000b\"]}",
      NULL, NULL);
  json_t *event = json_object();
  json_object_setn_new(event, "a\0b", 3, json_true());
  iatk_error err;
  iatk_error_clear(&err);
  assert_int_equal(iatk_validate(v, event, &err), IATK_EINVALID);
  assert_non_null(strstr(err.message, "propertyNames"));
  json_decref(event);
  event = json_object();
  json_object_setn_new(event, "a\0", 2, json_true());
  iatk_error_clear(&err);
  assert_int_equal(iatk_validate(v, event, &err), IATK_EINVALID);
  assert_non_null(strstr(err.message, "required"));
  json_decref(event);
  iatk_validator_free(v);
}

/* ----------------------------------------------------------- dialect */

/* The registry type says OpenAPI 3 and the document does not say which:
 * 3.0, where nullable lets null in, as compile reads it. */
static void test_dialect_follows_the_registry_type(void **state) {
  (void)state;
  const char *doc = "{\"components\":{\"schemas\":{\"E\":"
                    "{\"type\":\"string\",\"nullable\":true}}}}";
  iatk_validator *v = validator_for(doc, "OpenApi3", "E");
  iatk_error err;
  iatk_error_clear(&err);
  assert_int_equal(iatk_validate_text(v, "null", 4, &err), IATK_OK);
  iatk_validator_free(v);
  json_t *bare = json_object();
  assert_int_equal(iatk__schema_dialect_detect(bare, NULL), DIALECT_2020);
  assert_int_equal(iatk__schema_dialect_detect(bare, "JSONSchemaDraft4"),
                   DIALECT_DRAFT4);
  assert_int_equal(iatk__schema_dialect_detect(bare, "OpenApi3"),
                   DIALECT_OAS30);
  json_decref(bare);
}

/* ------------------------------------------------------- $dynamicRef */

#define D2020 "\"$schema\":\"https://json-schema.org/draft/2020-12/schema\","

/* A list whose items an outer resource chooses: the outermost dynamic
 * anchor in scope wins, wherever it stands in its resource. */
static const char extended_list[] =
    "{" D2020
    "\"$id\":\"https://example.com/app/strings\",\"$ref\":\"lib/list\","
    "\"$defs\":{\"item\":{\"$dynamicAnchor\":\"item\",\"type\":\"string\"},"
    "\"list\":{\"$id\":\"lib/list\",\"type\":\"array\",\"items\":{\"$dynamicRef\":\"#item\"},"
    "\"$defs\":{\"any\":{\"$dynamicAnchor\":\"item\"}}}}}";

static void test_dynamic_ref_takes_the_outermost_anchor(void **state) {
  (void)state;
  assert_verdict(extended_list, "[\"a\",\"b\"]", IATK_OK);
  assert_verdict(extended_list, "[\"a\",1]", IATK_EINVALID);
}

/* Relative ids nest: "lib/wrapper" then "../lib2/list" is app/lib2/list.
 * The root is an array of lists whose items are the root's items. */
static const char relative_ids[] =
    "{" D2020
    "\"$id\":\"https://example.com/app/root\",\"$dynamicAnchor\":\"item\","
    "\"type\":[\"array\",\"integer\"],\"items\":{\"$ref\":\"lib/wrapper\"},"
    "\"$defs\":{\"wrapper\":{\"$id\":\"lib/wrapper\",\"$ref\":\"../lib2/list\","
    "\"$defs\":{\"list\":{\"$id\":\"../lib2/list\",\"type\":\"array\","
    "\"items\":{\"$dynamicRef\":\"#item\"},"
    "\"$defs\":{\"any\":{\"$dynamicAnchor\":\"item\"}}}}}}}";

static void test_dynamic_ref_through_relative_ids(void **state) {
  (void)state;
  assert_verdict(relative_ids, "[[1,2],[]]", IATK_OK);
  assert_verdict(relative_ids, "[[1,\"x\"]]", IATK_EINVALID);
}

/* The target has an $anchor, not a $dynamicAnchor: a plain $ref. */
static const char static_anchor[] =
    "{" D2020
    "\"$id\":\"https://example.com/app/strings\",\"$ref\":\"lib/list\","
    "\"$defs\":{\"item\":{\"$dynamicAnchor\":\"item\",\"type\":\"string\"},"
    "\"list\":{\"$id\":\"lib/list\",\"type\":\"array\",\"items\":{\"$dynamicRef\":\"#item\"},"
    "\"$defs\":{\"int\":{\"$anchor\":\"item\",\"type\":\"integer\"}}}}}";

static void test_dynamic_ref_without_dynamic_anchor_is_a_ref(void **state) {
  (void)state;
  assert_verdict(static_anchor, "[1,2]", IATK_OK);
  assert_verdict(static_anchor, "[\"a\"]", IATK_EINVALID);
}

/* No "#item" in the list's resource at all: the document root's dynamic
 * anchor, as the generator resolves it (a list of lists of strings). */
static const char no_local_anchor[] =
    "{" D2020
    "\"$id\":\"https://example.com/app/strings\",\"$dynamicAnchor\":\"item\","
    "\"type\":[\"string\",\"array\"],\"items\":{\"$ref\":\"lib/list\"},"
    "\"$defs\":{\"list\":{\"$id\":\"lib/list\",\"type\":\"array\","
    "\"items\":{\"$dynamicRef\":\"#item\"}}}}";

static void test_dynamic_ref_without_local_anchor(void **state) {
  (void)state;
  assert_verdict(no_local_anchor, "[[\"a\",\"b\"]]", IATK_OK);
  assert_verdict(no_local_anchor, "[[1]]", IATK_EINVALID);
  char *event = generate_text(no_local_anchor, NULL, IATK_MODE_RANDOM, 3, 0, 0);
  assert_verdict(no_local_anchor, event, IATK_OK);
  free(event);
}

/* 2019-09: $recursiveRef "#" goes to the outermost resource that sets
 * $recursiveAnchor. */
static const char recursive_tree[] =
    "{\"$schema\":\"https://json-schema.org/draft/2019-09/schema\","
    "\"$id\":\"https://example.com/app/int-tree\",\"$recursiveAnchor\":true,"
    "\"$ref\":\"tree\",\"type\":[\"array\",\"integer\"],"
    "\"$defs\":{\"tree\":{\"$id\":\"tree\",\"$recursiveAnchor\":true,"
    "\"type\":[\"array\",\"integer\",\"string\"],\"items\":{\"$recursiveRef\":\"#\"}}}}";

static void test_recursive_ref_takes_the_outermost_resource(void **state) {
  (void)state;
  assert_verdict(recursive_tree, "[1,[2,[3]]]", IATK_OK);
  assert_verdict(recursive_tree, "[1,[2,[\"x\"]]]", IATK_EINVALID);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_fan_out_stops_at_the_work_budget),
      cmocka_unit_test(test_work_limit_under_not_is_no_verdict),
      cmocka_unit_test(test_small_fan_out_is_judged),
      cmocka_unit_test(test_budget_is_configurable_and_grows_with_the_event),
      cmocka_unit_test(test_depth_limit_is_an_error_through_any_of),
      cmocka_unit_test(test_depth_limit_is_not_inverted_by_not),
      cmocka_unit_test(test_limits_propagate_through_every_applicator),
      cmocka_unit_test(test_pcre2_limit_is_no_verdict),
      cmocka_unit_test(test_broken_pattern_is_a_schema_error),
      cmocka_unit_test(test_wide_integers_are_read),
      cmocka_unit_test(test_wide_integers_stay_integers),
      cmocka_unit_test(test_schema_with_wide_maximum_loads),
      cmocka_unit_test(test_json_errors_point_into_the_original_text),
      cmocka_unit_test(test_pretty_keeps_wide_integers),
      cmocka_unit_test(test_strings_with_nul),
      cmocka_unit_test(test_member_names_with_nul),
      cmocka_unit_test(test_dialect_follows_the_registry_type),
      cmocka_unit_test(test_dynamic_ref_takes_the_outermost_anchor),
      cmocka_unit_test(test_dynamic_ref_through_relative_ids),
      cmocka_unit_test(test_dynamic_ref_without_dynamic_anchor_is_a_ref),
      cmocka_unit_test(test_dynamic_ref_without_local_anchor),
      cmocka_unit_test(test_recursive_ref_takes_the_outermost_resource),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
