/* The intrinsic-function evaluator of lib/template: each function on
 * static values, what needs a deployed stack, malformed calls, and the
 * YAML reader's short-form tags and limits. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "template/template_internal.h"

static const char *template_text =
    "{\"Parameters\": {\"Env\": {\"Type\": \"String\", \"Default\": \"dev\"},"
    "  \"Zones\": {\"Type\": \"CommaDelimitedList\", \"Default\": \"a,b\"},"
    "  \"NoDefault\": {\"Type\": \"String\"}},"
    " \"Mappings\": {\"M\": {\"dev\": {\"Size\": 2}}},"
    " \"Conditions\": {\"IsDev\": {\"Fn::Equals\": [{\"Ref\": \"Env\"}, \"dev\"]}},"
    " \"Resources\": {\"Topic\": {\"Type\": \"AWS::SNS::Topic\"}}}";

/* Evaluates the JSON text `expr` and compares the compact result. */
static void check(const char *expr, const char *want_json) {
  json_t *t = json_loads(template_text, 0, NULL);
  json_t *params = json_pack("{ss}", "Env", "dev");
  iatk__eval ev;
  iatk__eval_init(&ev, t, params);
  ev.stack = "st";
  iatk__eval_begin(&ev, "output O", "Value");
  json_t *in = json_loads(expr, JSON_DECODE_ANY, NULL);
  assert_non_null(in);
  iatk_error err;
  iatk_error_clear(&err);
  json_t *out = iatk__eval_value(&ev, in, &err);
  if (!out)
    fail_msg("%s: %s", expr, err.message);
  json_t *want = json_loads(want_json, JSON_DECODE_ANY, NULL);
  if (!json_equal(out, want)) {
    char *got = json_dumps(out, JSON_COMPACT | JSON_ENCODE_ANY);
    fail_msg("%s gave %s, expected %s", expr, got, want_json);
  }
  json_decref(want);
  json_decref(out);
  json_decref(in);
  iatk__eval_release(&ev);
  json_decref(params);
  json_decref(t);
}

/* Evaluating `expr` fails with `code` and a message containing `part`. */
static void check_fails(const char *expr, int code, const char *part) {
  json_t *t = json_loads(template_text, 0, NULL);
  iatk__eval ev;
  iatk__eval_init(&ev, t, NULL);
  ev.source = "t.json";
  iatk__eval_begin(&ev, "resource 'S'", "Properties/Content");
  json_t *in = json_loads(expr, JSON_DECODE_ANY, NULL);
  iatk_error err;
  iatk_error_clear(&err);
  json_t *out = iatk__eval_value(&ev, in, &err);
  assert_null(out);
  assert_int_equal(err.code, code);
  if (!strstr(err.message, part))
    fail_msg("%s: message '%s' lacks '%s'", expr, err.message, part);
  json_decref(in);
  iatk__eval_release(&ev);
  json_decref(t);
}

static void test_ref(void **state) {
  (void)state;
  check("{\"Ref\": \"Env\"}", "\"dev\"");
  check("{\"Ref\": \"Zones\"}", "[\"a\", \"b\"]");
  check("{\"Ref\": \"AWS::Region\"}", "\"us-east-1\"");
  check("{\"Ref\": \"AWS::StackName\"}", "\"st\"");
  check("{\"Ref\": \"AWS::Partition\"}", "\"aws\"");
  check("[1, {\"Ref\": \"AWS::NoValue\"}, 2]", "[1, 2]");
  check("{\"a\": {\"Ref\": \"AWS::NoValue\"}, \"b\": 1}", "{\"b\": 1}");
}

static void test_sub(void **state) {
  (void)state;
  check("{\"Fn::Sub\": \"${Env}-${AWS::AccountId}-${!Literal}-${ Env }\"}",
        "\"dev-123456789012-${Literal}-dev\"");
  check(
      "{\"Fn::Sub\": [\"${A}/${B}\", {\"A\": \"x\", \"B\": {\"Ref\": \"Env\"}}]}",
      "\"x/dev\"");
  check("{\"Fn::Sub\": \"no variables, ${ unclosed\"}",
        "\"no variables, ${ unclosed\"");
}

static void test_lists(void **state) {
  (void)state;
  check("{\"Fn::Join\": [\"-\", [\"a\", 1, true]]}", "\"a-1-true\"");
  check("{\"Fn::Join\": [\",\", {\"Ref\": \"Zones\"}]}", "\"a,b\"");
  check("{\"Fn::Select\": [\"1\", [\"a\", \"b\"]]}", "\"b\"");
  check("{\"Fn::Split\": [\"::\", \"a::b::\"]}", "[\"a\", \"b\", \"\"]");
  check("{\"Fn::Length\": [1, 2]}", "2");
  check("{\"Fn::GetAZs\": \"\"}",
        "[\"us-east-1a\", \"us-east-1b\", \"us-east-1c\"]");
  check("{\"Fn::Cidr\": [\"192.168.0.0/24\", 2, 6]}",
        "[\"192.168.0.0/26\", \"192.168.0.64/26\"]");
}

static void test_values(void **state) {
  (void)state;
  check("{\"Fn::Base64\": \"ab\"}", "\"YWI=\"");
  check("{\"Fn::Base64\": \"abc\"}", "\"YWJj\"");
  check("{\"Fn::ToJsonString\": {\"b\": [1.5, null], \"a\": \"x\"}}",
        "\"{\\\"b\\\":[1.5,null],\\\"a\\\":\\\"x\\\"}\"");
  check("{\"Fn::FindInMap\": [\"M\", {\"Ref\": \"Env\"}, \"Size\"]}", "2");
}

static void test_conditions(void **state) {
  (void)state;
  check("{\"Fn::If\": [\"IsDev\", \"yes\", \"no\"]}", "\"yes\"");
  check("{\"Fn::Equals\": [\"1\", 1]}", "true");
  check("{\"Fn::Not\": [{\"Condition\": \"IsDev\"}]}", "false");
  check(
      "{\"Fn::And\": [true, {\"Fn::Or\": [false, {\"Condition\": \"IsDev\"}]}]}",
      "true");
  /* The branch not taken is never evaluated. */
  check("{\"Fn::If\": [\"IsDev\", \"ok\", {\"Fn::ImportValue\": \"x\"}]}",
        "\"ok\"");
}

static void test_needs_stack(void **state) {
  (void)state;
  check_fails(
      "{\"Fn::GetAtt\": [\"Topic\", \"TopicName\"]}", IATK_EUNSUPPORTED,
      "t.json: resource 'S', at Properties/Content/Fn::GetAtt: "
      "Fn::GetAtt Topic.TopicName needs a deployed stack (Topic is an AWS::SNS::Topic)");
  check_fails(
      "{\"Fn::Join\": [\"\", [{\"Fn::ImportValue\": \"e\"}]]}",
      IATK_EUNSUPPORTED,
      "at Properties/Content/Fn::Join/1/0/Fn::ImportValue: Fn::ImportValue needs a deployed stack");
  check_fails("{\"Ref\": \"AWS::StackId\"}", IATK_EUNSUPPORTED,
              "Ref AWS::StackId needs a deployed stack");
  check_fails("{\"Ref\": \"NoDefault\"}", IATK_EUNSUPPORTED,
              "--parameter NoDefault=VALUE");
  check_fails("{\"Fn::Sub\": \"${Topic.Arn}\"}", IATK_EUNSUPPORTED,
              "Fn::GetAtt Topic.Arn needs a deployed stack");
}

static void test_malformed(void **state) {
  (void)state;
  check_fails("{\"Fn::Nope\": 1}", IATK_EJSON,
              "unknown intrinsic function Fn::Nope");
  check_fails("{\"Ref\": \"Missing\"}", IATK_EJSON,
              "no parameter, pseudo parameter or resource");
  check_fails("{\"Fn::Select\": [5, [1]]}", IATK_EJSON,
              "index 5 is out of range");
  check_fails("{\"Fn::Join\": [\",\", [[1]]]}", IATK_EJSON,
              "item 0 is not a string");
  check_fails("{\"Fn::If\": [\"Nope\", 1, 2]}", IATK_EJSON,
              "no condition named 'Nope'");
  check_fails("{\"Fn::Sub\": \"${Zones}\"}", IATK_EJSON, "${Zones} is a list");
}

/* Deep nesting of functions is refused, not a stack overflow. */
static void test_depth(void **state) {
  (void)state;
  iatk_buf b;
  iatk__buf_init(&b);
  for (int i = 0; i < 1000; i++)
    iatk__buf_puts(&b, "{\"Fn::Base64\": ");
  iatk__buf_puts(&b, "\"x\"");
  for (int i = 0; i < 1000; i++)
    iatk__buf_putc(&b, '}');
  check_fails(b.data, IATK_ELIMIT, "nested too deeply");
  iatk__buf_release(&b);
}

static void check_yaml(const char *yaml, const char *want_json) {
  iatk_error err;
  iatk_error_clear(&err);
  json_t *got = iatk__yaml_parse(yaml, strlen(yaml), "t.yaml", &err);
  if (!got)
    fail_msg("%s: %s", yaml, err.message);
  json_t *want = json_loads(want_json, 0, NULL);
  assert_non_null(want);
  if (!json_equal(got, want))
    fail_msg("%s gave %s", yaml, json_dumps(got, JSON_COMPACT));
  json_decref(got);
  json_decref(want);
}

static void test_yaml(void **state) {
  (void)state;
  check_yaml(
      "a: !Ref X\nb: !GetAtt A.B.C\nc: !GetAtt [A, B]\nd: !Condition C\n",
      "{\"a\": {\"Ref\": \"X\"}, \"b\": {\"Fn::GetAtt\": [\"A\", \"B.C\"]},"
      " \"c\": {\"Fn::GetAtt\": [\"A\", \"B\"]}, \"d\": {\"Condition\": \"C\"}}");
  check_yaml("a: !Sub ['${x}', {x: !Ref Y}]\nb: !If [C, 1, 2]\n",
             "{\"a\": {\"Fn::Sub\": [\"${x}\", {\"x\": {\"Ref\": \"Y\"}}]},"
             " \"b\": {\"Fn::If\": [\"C\", 1, 2]}}");
  check_yaml("a: 1\nb: 1.5\nc: true\nd: ~\ne: '1'\nf: 0x1F\ng: 1.0.0\n",
             "{\"a\": 1, \"b\": 1.5, \"c\": true, \"d\": null, \"e\": \"1\","
             " \"f\": \"0x1F\", \"g\": \"1.0.0\"}");
  check_yaml("a: &x [1, 2]\nb: *x\n", "{\"a\": [1, 2], \"b\": [1, 2]}");
}

static void yaml_fails(const char *yaml, int code, const char *part) {
  iatk_error err;
  iatk_error_clear(&err);
  json_t *got = iatk__yaml_parse(yaml, strlen(yaml), "t.yaml", &err);
  assert_null(got);
  assert_int_equal(err.code, code);
  if (!strstr(err.message, part))
    fail_msg("message '%s' lacks '%s'", err.message, part);
}

static void test_yaml_errors(void **state) {
  (void)state;
  yaml_fails("a: 1\na: 2\n", IATK_EJSON, "t.yaml:2:4: duplicate key 'a'");
  yaml_fails("a: *nope\n", IATK_EJSON,
             "alias '*nope' names no finished anchor");
  yaml_fails("a: &x [*x]\n", IATK_EJSON, "names no finished anchor");
  yaml_fails("a: !Bad 1\n", IATK_EJSON, "unknown tag '!Bad'");
  yaml_fails("a: 1\n---\nb: 2\n", IATK_EJSON, "second one");
  yaml_fails("[1]: x\n", IATK_EJSON, "a mapping key must be a string");
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_ref),        cmocka_unit_test(test_sub),
      cmocka_unit_test(test_lists),      cmocka_unit_test(test_values),
      cmocka_unit_test(test_conditions), cmocka_unit_test(test_needs_stack),
      cmocka_unit_test(test_malformed),  cmocka_unit_test(test_depth),
      cmocka_unit_test(test_yaml),       cmocka_unit_test(test_yaml_errors),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
