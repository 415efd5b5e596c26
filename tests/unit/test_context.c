/* Contexts: the pipeline, built-ins (eventbridge, set, merge), user
 * callbacks, and the text entry points. */
#include <stdio.h>
#include <stdlib.h>

#include "helpers.h"

static char *run_text(iatk_pipeline *p, const char *event) {
  iatk_error err;
  iatk_error_clear(&err);
  char *out = iatk_pipeline_run_text(p, event, 0, &err);
  if (!out)
    fail_msg("pipeline failed: %s", err.message);
  return out;
}

static void test_set_and_append(void **state) {
  (void)state;
  iatk_pipeline *p = iatk_pipeline_new(NULL);
  assert_int_equal(
      iatk_pipeline_add_set(p, "/address=\"99 Some Street\"", NULL), 0);
  assert_int_equal(
      iatk_pipeline_add_set(p, "/orderItems/-={\"count\":1}", NULL), 0);
  assert_int_equal(iatk_pipeline_add_set(p, "/orderItems/0/count=2", NULL), 0);
  assert_int_equal(iatk_pipeline_add_set(p, "/new/deep/a~1b=true", NULL), 0);
  assert_int_equal(iatk_pipeline_add_set(p, "/fresh/-=3", NULL), 0);
  char *out = run_text(p, "{\"address\":\"\",\"orderItems\":[]}");
  assert_string_equal(
      out, "{\"address\":\"99 Some Street\",\"orderItems\":"
           "[{\"count\":2}],\"new\":{\"deep\":{\"a/b\":true}},\"fresh\":[3]}");
  iatk_free(out);
  iatk_pipeline_free(p);
}

static void test_set_errors(void **state) {
  (void)state;
  iatk_pipeline *p = iatk_pipeline_new(NULL);
  iatk_error err;
  iatk_error_clear(&err);
  assert_int_equal(iatk_pipeline_add_set(p, "address=1", &err), IATK_EPOINTER);
  assert_string_equal(
      err.message,
      "invalid --set 'address=1': the JSON pointer must start with '/'");
  iatk_error_clear(&err);
  assert_int_equal(iatk_pipeline_add_set(p, "/a=not json", &err), IATK_EINVAL);
  iatk_error_clear(&err);
  assert_int_equal(iatk_pipeline_add_set(p, "/a~2=1", &err), IATK_EPOINTER);
  iatk_error_clear(&err);
  assert_int_equal(iatk_pipeline_add_set(p, "/list/5=1", &err), IATK_OK);
  assert_null(iatk_pipeline_run_text(p, "{\"list\":[]}", 0, &err));
  assert_int_equal(err.code, IATK_ECONTEXT);
  assert_string_equal(err.message,
                      "context 'set' failed: cannot set /list/5: "
                      "array index out of range (use '-' to append)");
  iatk_pipeline_free(p);
}

static void test_merge_patch(void **state) {
  (void)state;
  iatk_pipeline *p = iatk_pipeline_new(NULL);
  assert_int_equal(iatk_pipeline_add_merge(
                       p, "{\"a\":{\"b\":null,\"c\":1},\"d\":[1]}", NULL),
                   0);
  char *out = run_text(p, "{\"a\":{\"b\":2,\"x\":0},\"d\":{}}");
  assert_string_equal(out, "{\"a\":{\"x\":0,\"c\":1},\"d\":[1]}");
  iatk_free(out);
  iatk_error err;
  iatk_error_clear(&err);
  assert_int_equal(iatk_pipeline_add_merge(p, "[1]", &err), IATK_EINVAL);
  assert_string_equal(err.message, "merge patch must be a JSON object");
  iatk_pipeline_free(p);
}

static int count_calls(json_t *event, void *userdata, iatk_error *err) {
  (void)err;
  int *calls = userdata;
  json_object_set_new(event, "calls", json_integer(++*calls));
  return 0;
}

static int refuse(json_t *event, void *userdata, iatk_error *err) {
  (void)event;
  (void)userdata;
  (void)err;
  return 1;
}

static void test_user_contexts_run_in_order(void **state) {
  (void)state;
  int calls = 0;
  iatk_pipeline *p = iatk_pipeline_new(NULL);
  iatk_pipeline_add(p, "counter", count_calls, &calls, NULL);
  iatk_pipeline_add_set(p, "/calls=100", NULL);
  iatk_pipeline_add(p, "counter", count_calls, &calls, NULL);
  char *out = run_text(p, "{}");
  assert_string_equal(out, "{\"calls\":2}");
  iatk_free(out);
  iatk_pipeline_add(p, "refuser", refuse, NULL, NULL);
  iatk_error err;
  iatk_error_clear(&err);
  assert_null(iatk_pipeline_run_text(p, "{}", 0, &err));
  assert_int_equal(err.code, IATK_ECONTEXT);
  assert_string_equal(err.message, "context 'refuser' failed (it returned 1)");
  iatk_pipeline_free(p);
}

static void test_eventbridge_fills_only_empty_members(void **state) {
  (void)state;
  setenv("AWS_REGION", "eu-west-1", 1);
  iatk_error err;
  iatk_error_clear(&err);
  char *out = iatk_eventbridge_context_text(
      "{\"id\":\"6A7E8FEB-b491-4cf7-a9f1-bf3703467718\",\"source\":\"\","
      "\"detail\":{\"x\":1},\"resources\":[\"arn:aws:s3:::b\"]}",
      "Thing Happened", "my.source", &err);
  assert_non_null(out);
  json_t *e = json_loads(out, 0, NULL);
  assert_string_equal(json_string_value(json_object_get(e, "id")),
                      "6A7E8FEB-b491-4cf7-a9f1-bf3703467718");
  assert_string_equal(
      json_string_value(json_array_get(json_object_get(e, "resources"), 0)),
      "arn:aws:s3:::b");
  assert_string_equal(json_string_value(json_object_get(e, "source")),
                      "my.source");
  assert_string_equal(json_string_value(json_object_get(e, "detail-type")),
                      "Thing Happened");
  assert_string_equal(json_string_value(json_object_get(e, "version")), "0");
  assert_string_equal(json_string_value(json_object_get(e, "region")),
                      "eu-west-1");
  assert_int_equal(strlen(json_string_value(json_object_get(e, "account"))),
                   12);
  const char *time = json_string_value(json_object_get(e, "time"));
  assert_int_equal(strlen(time), 20);
  assert_int_equal(time[19], 'Z');
  assert_true(json_is_array(json_object_get(e, "resources")));
  assert_int_equal(
      json_integer_value(json_object_get(json_object_get(e, "detail"), "x")),
      1);
  json_decref(e);
  iatk_free(out);
  unsetenv("AWS_REGION");
}

/* Values a generator makes up from plain string types, in forms
 * EventBridge never delivers, are replaced. */
static void test_eventbridge_replaces_malformed_members(void **state) {
  (void)state;
  char *out = iatk_eventbridge_context_text(
      "{\"account\":\"PbjV\",\"region\":\"a-b-1\",\"time\":\"soon\","
      "\"version\":\"1\",\"id\":\"mine\",\"detail-type\":5,\"source\":\"\","
      "\"resources\":[\"ok\",1],\"detail\":\"text\"}",
      NULL, NULL, NULL);
  json_t *e = json_loads(out, 0, NULL);
  const char *account = json_string_value(json_object_get(e, "account"));
  assert_int_equal(strspn(account, "0123456789"), 12);
  assert_string_equal(json_string_value(json_object_get(e, "region")),
                      "us-east-1");
  assert_string_equal(json_string_value(json_object_get(e, "version")), "0");
  const char *id = json_string_value(json_object_get(e, "id"));
  assert_int_equal(strlen(id), 36);
  assert_int_equal(strspn(id, "0123456789abcdef-"), 36);
  /* No x-amazon-events-*: AWS IATK's placeholders, never empty. */
  assert_string_equal(json_string_value(json_object_get(e, "detail-type")),
                      "detail-type");
  assert_string_equal(json_string_value(json_object_get(e, "source")),
                      "source");
  assert_int_equal(json_array_size(json_object_get(e, "resources")), 0);
  assert_true(json_is_object(json_object_get(e, "detail")));
  assert_int_equal(json_string_value(json_object_get(e, "time"))[19], 'Z');
  json_decref(e);
  iatk_free(out);
}

/* Regions EventBridge delivers pass the shape check and are kept. */
static void test_eventbridge_keeps_real_regions(void **state) {
  (void)state;
  static const char *const regions[] = {"us-east-1",      "eu-central-2",
                                        "us-gov-west-1",  "cn-northwest-1",
                                        "ap-southeast-4", "il-central-1"};
  for (size_t i = 0; i < sizeof regions / sizeof *regions; i++) {
    char in[64];
    snprintf(in, sizeof in, "{\"region\":\"%s\"}", regions[i]);
    char *out = iatk_eventbridge_context_text(in, NULL, NULL, NULL);
    json_t *e = json_loads(out, 0, NULL);
    assert_string_equal(json_string_value(json_object_get(e, "region")),
                        regions[i]);
    json_decref(e);
    iatk_free(out);
  }
}

/* The `time` the eventbridge context writes for an event whose time is
 * `given` (a JSON value), with the clock pinned to PINNED_NOW. */
static char *eventbridge_time_for(const char *given) {
  iatk_pipeline *p = iatk_pipeline_new(NULL);
  assert_int_equal(iatk_pipeline_set_now(p, PINNED_NOW, NULL), 0);
  assert_int_equal(iatk_pipeline_add_builtin(p, "eventbridge", NULL, NULL), 0);
  char in[128];
  snprintf(in, sizeof in, "{\"time\":%s}", given);
  char *out = run_text(p, in);
  json_t *e = json_loads(out, 0, NULL);
  char *time = strdup(json_string_value(json_object_get(e, "time")));
  json_decref(e);
  iatk_free(out);
  iatk_pipeline_free(p);
  return time;
}

static void expect_eventbridge_time(const char *given, const char *expected) {
  char *got = eventbridge_time_for(given);
  assert_string_equal(got, expected);
  free(got);
}

/* EventBridge writes `time` in UTC with whole seconds and "Z".  A date-time
 * keeps its instant in that form; anything else takes the clock's. */
static void test_eventbridge_time_is_written_as_eventbridge_does(void **state) {
  (void)state;
  expect_eventbridge_time("\"" PINNED_NOW "\"", "2023-10-19T04:08:04Z");
  expect_eventbridge_time("\"2019-11-30T09:02:36Z\"", "2019-11-30T09:02:36Z");
  expect_eventbridge_time("\"2026-11-29T11:21:50.555472+00:00\"",
                          "2026-11-29T11:21:50Z");
  expect_eventbridge_time("\"2024-02-29t23:59:59.999999+05:30\"",
                          "2024-02-29T18:29:59Z");
  expect_eventbridge_time("\"1969-12-31T23:59:59.5Z\"", "1969-12-31T23:59:59Z");
  /* No value, not a date-time, or not writable with four-digit years. */
  expect_eventbridge_time("null", "2023-10-19T04:08:04Z");
  expect_eventbridge_time("\"\"", "2023-10-19T04:08:04Z");
  expect_eventbridge_time("\"soon\"", "2023-10-19T04:08:04Z");
  expect_eventbridge_time("1700000000", "2023-10-19T04:08:04Z");
  expect_eventbridge_time("\"9999-12-31T23:00:00-05:00\"",
                          "2023-10-19T04:08:04Z");
  expect_eventbridge_time("\"0000-01-01T00:30:00+01:00\"",
                          "2023-10-19T04:08:04Z");
}

/* An event straight from the generator (barebone, pinned clock, a schema
 * with the whole envelope) comes out exactly as EventBridge writes one. */
static void test_eventbridge_envelope_from_the_generator(void **state) {
  (void)state;
  const char *schema =
      "{\"type\":\"object\",\"x-amazon-events-detail-type\":\"Thing Happened\","
      "\"x-amazon-events-source\":\"my.app\",\"properties\":{"
      "\"version\":{\"type\":\"string\"},\"id\":{\"type\":\"string\"},"
      "\"detail-type\":{\"type\":\"string\"},\"source\":{\"type\":\"string\"},"
      "\"account\":{\"type\":\"string\"},"
      "\"time\":{\"type\":\"string\",\"format\":\"date-time\"},"
      "\"region\":{\"type\":\"string\"},"
      "\"resources\":{\"type\":\"array\",\"items\":{\"type\":\"string\"}},"
      "\"detail\":{\"type\":\"object\"}}}";
  iatk_error err;
  iatk_plan *plan = compile_text(schema, NULL, &err);
  char *event = generate_text(schema, NULL, IATK_MODE_BAREBONE, 0, 0,
                              IATK_SKIP_OPTIONAL_OFF);
  iatk_pipeline *p = iatk_pipeline_new(NULL);
  iatk_pipeline_set_seed(p, 1);
  assert_int_equal(iatk_pipeline_set_now(p, PINNED_NOW, NULL), 0);
  assert_int_equal(iatk_pipeline_add_builtin(p, "eventbridge", plan, NULL), 0);
  char *out = run_text(p, event);
  json_t *e = json_loads(out, 0, NULL);
  assert_string_equal(json_string_value(json_object_get(e, "time")),
                      "2023-10-19T04:08:04Z");
  assert_string_equal(json_string_value(json_object_get(e, "version")), "0");
  assert_string_equal(json_string_value(json_object_get(e, "detail-type")),
                      "Thing Happened");
  assert_string_equal(json_string_value(json_object_get(e, "source")),
                      "my.app");
  assert_string_equal(json_string_value(json_object_get(e, "region")),
                      "us-east-1");
  assert_int_equal(strlen(json_string_value(json_object_get(e, "id"))), 36);
  assert_int_equal(
      strspn(json_string_value(json_object_get(e, "account")), "0123456789"),
      12);
  json_decref(e);
  iatk_free(out);
  iatk_pipeline_free(p);
  free(event);
  iatk_plan_free(plan);
}

static void test_eventbridge_seeded_is_reproducible(void **state) {
  (void)state;
  char *outs[2];
  for (int i = 0; i < 2; i++) {
    iatk_pipeline *p = iatk_pipeline_new(NULL);
    iatk_pipeline_set_seed(p, 5);
    assert_int_equal(iatk_pipeline_set_now(p, PINNED_NOW, NULL), 0);
    assert_int_equal(iatk_pipeline_add_builtin(p, "eventbridge", NULL, NULL),
                     0);
    outs[i] = run_text(p, "{}");
    iatk_pipeline_free(p);
  }
  assert_string_equal(outs[0], outs[1]);
  assert_non_null(strstr(outs[0], "\"time\":\"2023-10-19T04:08:04Z\""));
  iatk_free(outs[0]);
  iatk_free(outs[1]);
}

static void test_unknown_builtin_and_bad_event(void **state) {
  (void)state;
  iatk_pipeline *p = iatk_pipeline_new(NULL);
  iatk_error err;
  iatk_error_clear(&err);
  assert_int_equal(iatk_pipeline_add_builtin(p, "kafka", NULL, &err),
                   IATK_EINVAL);
  assert_string_equal(err.message,
                      "unknown context 'kafka' (known contexts: eventbridge)");
  iatk_error_clear(&err);
  assert_null(iatk_pipeline_run_text(p, "{oops", 0, &err));
  assert_int_equal(err.code, IATK_EJSON);
  iatk_pipeline_free(p);
}

static void test_clock_round_trip(void **state) {
  (void)state;
  /* The pinned instant is printed back exactly in its own offset. */
  char *got = generate_text("{\"type\":\"string\",\"format\":\"date-time\"}",
                            NULL, IATK_MODE_BAREBONE, 0, 0, 0);
  assert_string_equal(got, "\"" PINNED_NOW "\"");
  free(got);
  got = generate_text("{\"type\":\"string\",\"format\":\"date\"}", NULL,
                      IATK_MODE_BAREBONE, 0, 0, 0);
  assert_string_equal(got, "\"2023-10-18\"");
  free(got);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_set_and_append),
      cmocka_unit_test(test_set_errors),
      cmocka_unit_test(test_merge_patch),
      cmocka_unit_test(test_user_contexts_run_in_order),
      cmocka_unit_test(test_eventbridge_fills_only_empty_members),
      cmocka_unit_test(test_eventbridge_replaces_malformed_members),
      cmocka_unit_test(test_eventbridge_keeps_real_regions),
      cmocka_unit_test(test_eventbridge_time_is_written_as_eventbridge_does),
      cmocka_unit_test(test_eventbridge_envelope_from_the_generator),
      cmocka_unit_test(test_eventbridge_seeded_is_reproducible),
      cmocka_unit_test(test_unknown_builtin_and_bad_event),
      cmocka_unit_test(test_clock_round_trip),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
