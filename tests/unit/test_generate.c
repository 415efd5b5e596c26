/* Generation: barebone parity with the seed, modes, determinism, bounds. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

#include "helpers.h"

static void test_seed_barebone(void **state) {
  (void)state;
  assert_generates(
      seed_schema, "MyEvent", IATK_MODE_BAREBONE,
      "{\"customerId\":\"\",\"datetime\":\"" PINNED_NOW "\","
      "\"membershipType\":\"A\",\"address\":\"\",\"orderItems\":[]}");
}

static void test_skip_optional(void **state) {
  (void)state;
  const char *schema =
      "{\"type\":\"object\",\"required\":[\"b\"],\"properties\":"
      "{\"a\":{\"type\":\"string\"},\"b\":{\"type\":\"integer\"}}}";
  char *got = generate_text(schema, NULL, IATK_MODE_BAREBONE, 0, 0,
                            IATK_SKIP_OPTIONAL_SCHEMA);
  assert_string_equal(got, "{\"b\":0}");
  free(got);
}

static void expect_skip(const char *schema, iatk_skip_optional skip,
                        const char *expected) {
  char *got = generate_text(schema, NULL, IATK_MODE_BAREBONE, 0, 0, skip);
  assert_string_equal(got, expected);
  free(got);
}

/* AWS IATK's skip_optional drops optional properties only in objects that
 * have a `required` list; each nested object decides for itself. */
static void test_skip_optional_aws(void **state) {
  (void)state;
  const char *nested =
      "{\"type\":\"object\",\"required\":[\"a\",\"list\"],\"properties\":{"
      "\"c\":{\"type\":\"string\"},"
      "\"a\":{\"type\":\"object\",\"properties\":{\"b\":{\"type\":\"string\"}}},"
      "\"list\":{\"type\":\"array\",\"minItems\":1,\"items\":{\"type\":\"object\","
      "\"required\":[\"k\"],\"properties\":{\"k\":{\"type\":\"integer\"},"
      "\"opt\":{\"type\":\"boolean\"}}}}}}";
  expect_skip(nested, IATK_SKIP_OPTIONAL_AWS,
              "{\"a\":{\"b\":\"\"},\"list\":[{\"k\":0}]}");
  expect_skip(nested, IATK_SKIP_OPTIONAL_SCHEMA,
              "{\"a\":{},\"list\":[{\"k\":0}]}");
  expect_skip(
      nested, IATK_SKIP_OPTIONAL_OFF,
      "{\"c\":\"\",\"a\":{\"b\":\"\"},\"list\":[{\"k\":0,\"opt\":false}]}");
  /* No `required` at all: AWS keeps everything, SCHEMA keeps nothing. */
  const char *none =
      "{\"type\":\"object\",\"properties\":{\"x\":{\"type\":\"string\"}}}";
  expect_skip(none, IATK_SKIP_OPTIONAL_AWS, "{\"x\":\"\"}");
  expect_skip(none, IATK_SKIP_OPTIONAL_SCHEMA, "{}");
  /* An empty list is a `required` list (AWS IATK tests for presence). */
  expect_skip("{\"type\":\"object\",\"required\":[],\"properties\":"
              "{\"x\":{\"type\":\"string\"}}}",
              IATK_SKIP_OPTIONAL_AWS, "{}");
  /* allOf: the merged object has a list when any part has one. */
  expect_skip(
      "{\"allOf\":[{\"type\":\"object\",\"properties\":{\"x\":{\"type\":"
      "\"string\"},\"y\":{\"type\":\"string\"}}},{\"required\":[\"y\"]}]}",
      IATK_SKIP_OPTIONAL_AWS, "{\"y\":\"\"}");
}

/* Where no object has a `required` list, AWS is OFF, draw for draw. */
static void test_skip_optional_aws_random_matches_off(void **state) {
  (void)state;
  const char *schema =
      "{\"type\":\"object\",\"properties\":{\"a\":{\"type\":\"string\"},"
      "\"o\":{\"type\":\"object\",\"properties\":{\"b\":{\"type\":\"integer\"},"
      "\"c\":{\"type\":\"boolean\"}}}}}";
  for (uint64_t seed = 0; seed < 20; seed++) {
    char *aws = generate_text(schema, NULL, IATK_MODE_RANDOM, seed, seed,
                              IATK_SKIP_OPTIONAL_AWS);
    char *off = generate_text(schema, NULL, IATK_MODE_RANDOM, seed, seed,
                              IATK_SKIP_OPTIONAL_OFF);
    assert_string_equal(aws, off);
    free(aws);
    free(off);
  }
}

/* Unknown values leave the setting alone; NULL is ignored. */
static void test_skip_optional_setter_ignores_unknown(void **state) {
  (void)state;
  iatk_error err;
  iatk_plan *plan = compile_text("{\"type\":\"object\",\"properties\":{\"x\":"
                                 "{\"type\":\"integer\"}}}",
                                 NULL, &err);
  iatk_gen *gen = iatk_gen_new(plan, &err);
  iatk_gen_set_skip_optional(gen, IATK_SKIP_OPTIONAL_SCHEMA);
  iatk_gen_set_skip_optional(gen, (iatk_skip_optional)7);
  iatk_gen_set_skip_optional(NULL, IATK_SKIP_OPTIONAL_AWS);
  const char *text = NULL;
  assert_int_equal(iatk_gen_event(gen, 0, &text, NULL, &err), IATK_OK);
  assert_string_equal(text, "{}");
  iatk_gen_free(gen);
  iatk_plan_free(plan);
}

static void test_smallest_valid_values(void **state) {
  (void)state;
  assert_generates("{\"type\":\"string\",\"minLength\":3}", NULL,
                   IATK_MODE_BAREBONE, "\"aaa\"");
  assert_generates(
      "{\"type\":\"array\",\"minItems\":2,\"items\":{\"type\":\"boolean\"}}",
      NULL, IATK_MODE_BAREBONE, "[false,false]");
  assert_generates("{\"type\":\"integer\",\"minimum\":5}", NULL,
                   IATK_MODE_BAREBONE, "5");
  assert_generates("{\"type\":\"integer\",\"exclusiveMinimum\":5}", NULL,
                   IATK_MODE_BAREBONE, "6");
  assert_generates(
      "{\"type\":\"integer\",\"minimum\":5,\"exclusiveMinimum\":true}", NULL,
      IATK_MODE_BAREBONE, "6");
  assert_generates("{\"type\":\"number\",\"maximum\":-2.5}", NULL,
                   IATK_MODE_BAREBONE, "-2.5");
  assert_generates("{\"type\":\"integer\",\"minimum\":1,\"multipleOf\":7}",
                   NULL, IATK_MODE_BAREBONE, "7");
}

static void test_types_const_enum_nullable(void **state) {
  (void)state;
  assert_generates("{\"type\":[\"null\",\"string\"]}", NULL, IATK_MODE_BAREBONE,
                   "null");
  assert_generates("{\"type\":[\"string\",\"null\"]}", NULL, IATK_MODE_BAREBONE,
                   "\"\"");
  assert_generates("{\"const\":{\"k\":[1,2]}}", NULL, IATK_MODE_BAREBONE,
                   "{\"k\":[1,2]}");
  assert_generates("{\"type\":\"string\",\"enum\":[1,\"x\"]}", NULL,
                   IATK_MODE_BAREBONE, "\"x\"");
  assert_generates(
      "{\"openapi\":\"3.0.0\",\"components\":{\"schemas\":{\"E\":"
      "{\"type\":\"string\",\"nullable\":true,\"enum\":[null,\"a\"]}}}}",
      "E", IATK_MODE_BAREBONE, "null");
}

static void test_allof_merges_objects(void **state) {
  (void)state;
  assert_generates(
      "{\"definitions\":{\"base\":{\"type\":\"object\",\"properties\":{\"id\":"
      "{\"type\":\"string\"}}}},\"allOf\":[{\"$ref\":\"#/definitions/base\"},"
      "{\"properties\":{\"n\":{\"type\":\"integer\",\"minimum\":2}},"
      "\"required\":[\"n\"]}]}",
      NULL, IATK_MODE_BAREBONE, "{\"id\":\"\",\"n\":2}");
}

/* d0 -> d1 twice -> d2 twice ... : 2^40 paths to the bottom, but each
 * shared member is merged once, so it compiles at once; and a member that
 * refers back to its own allOf adds nothing (A and A is A). */
static void test_allof_diamonds_and_self_reference(void **state) {
  (void)state;
  enum { LEVELS = 40 };
  char *text = malloc(LEVELS * 160 + 256);
  size_t n = (size_t)sprintf(text, "{\"$ref\":\"#/$defs/d0\",\"$defs\":{");
  for (int i = 0; i < LEVELS; i++)
    n += (size_t)sprintf(text + n,
                         "\"d%d\":{\"allOf\":[{\"$ref\":\"#/$defs/d%d\"},"
                         "{\"$ref\":\"#/$defs/d%d\"}],\"required\":[\"p%d\"]},",
                         i, i + 1, i + 1, i % 3);
  sprintf(text + n,
          "\"d%d\":{\"type\":\"object\",\"properties\":{\"p0\":"
          "{\"minimum\":4,\"type\":\"integer\"}}}}}",
          LEVELS);
  char *event = generate_text(text, NULL, IATK_MODE_BAREBONE, 0, 0, 0);
  assert_string_equal(event, "{\"p0\":4,\"p1\":null,\"p2\":null}");
  free(event);
  free(text);
  assert_generates(
      "{\"$defs\":{\"a\":{\"allOf\":[{\"$ref\":\"#/$defs/a\"}],"
      "\"type\":\"string\",\"minLength\":2}},\"$ref\":\"#/$defs/a\"}",
      NULL, IATK_MODE_BAREBONE, "\"aa\"");
}

static void test_optional_recursion_stops(void **state) {
  (void)state;
  assert_generates(
      "{\"definitions\":{\"tree\":{\"type\":\"object\",\"properties\":{"
      "\"name\":{\"type\":\"string\"},\"child\":{\"$ref\":\"#/definitions/tree\"}}}},"
      "\"$ref\":\"#/definitions/tree\"}",
      NULL, IATK_MODE_BAREBONE, "{\"name\":\"\"}");
}

static void test_sample_mode(void **state) {
  (void)state;
  assert_generates(
      "{\"type\":\"object\",\"properties\":{"
      "\"e\":{\"type\":\"string\",\"format\":\"email\"},"
      "\"x\":{\"type\":\"integer\",\"examples\":[42]},"
      "\"d\":{\"type\":\"string\",\"default\":\"dflt\"},"
      "\"s\":{\"type\":\"string\"}}}",
      NULL, IATK_MODE_SAMPLE,
      "{\"e\":\"user@example.com\",\"x\":42,\"d\":\"dflt\",\"s\":\"string\"}");
}

static void test_random_is_a_function_of_seed_and_index(void **state) {
  (void)state;
  const char *schema =
      "{\"type\":\"object\",\"properties\":{"
      "\"s\":{\"type\":\"string\",\"maxLength\":8},"
      "\"n\":{\"type\":\"integer\",\"minimum\":-5,\"maximum\":5},"
      "\"a\":{\"type\":\"array\",\"items\":{\"enum\":[1,2,3]}}}}";
  char *a = generate_text(schema, NULL, IATK_MODE_RANDOM, 7, 3, 0);
  char *b = generate_text(schema, NULL, IATK_MODE_RANDOM, 7, 3, 0);
  assert_string_equal(a, b);
  int differs = 0;
  for (uint64_t i = 0; i < 8 && !differs; i++) {
    char *c = generate_text(schema, NULL, IATK_MODE_RANDOM, 7, i + 10, 0);
    differs = strcmp(a, c) != 0;
    free(c);
  }
  assert_true(differs);
  free(a);
  free(b);
}

static void test_random_respects_bounds(void **state) {
  (void)state;
  const char *schema = "{\"type\":\"integer\",\"minimum\":-5,\"maximum\":5}";
  for (uint64_t i = 0; i < 200; i++) {
    char *got = generate_text(schema, NULL, IATK_MODE_RANDOM, 1, i, 0);
    long v = strtol(got, NULL, 10);
    assert_true(v >= -5 && v <= 5);
    free(got);
  }
}

static void test_pretty(void **state) {
  (void)state;
  iatk_error err;
  iatk_plan *plan = compile_text(
      "{\"type\":\"object\",\"properties\":{\"a\":{\"type\":\"integer\"}}}",
      NULL, &err);
  iatk_gen *gen = iatk_gen_new(plan, &err);
  iatk_gen_set_pretty(gen, 1);
  const char *text;
  size_t len;
  assert_int_equal(iatk_gen_event(gen, 0, &text, &len, &err), IATK_OK);
  assert_string_equal(text, "{\n  \"a\": 0\n}");
  iatk_gen_free(gen);
  iatk_plan_free(plan);
}

static void test_bad_now(void **state) {
  (void)state;
  iatk_error err;
  iatk_plan *plan = compile_text("{}", NULL, &err);
  iatk_gen *gen = iatk_gen_new(plan, &err);
  iatk_error_clear(&err);
  assert_int_equal(iatk_gen_set_now(gen, "yesterday", &err), IATK_EINVAL);
  assert_string_equal(err.message,
                      "'yesterday' is not an RFC 3339 date-time (expected e.g. "
                      "2023-10-18T21:08:04.782196-07:00)");
  iatk_gen_free(gen);
  iatk_plan_free(plan);
}

static void test_two_generators_share_one_plan(void **state) {
  (void)state;
  /* Two generators over one plan must not disturb each other. */
  iatk_error err;
  iatk_plan *plan = compile_text(seed_schema, "MyEvent", &err);
  iatk_gen *g1 = iatk_gen_new(plan, &err), *g2 = iatk_gen_new(plan, &err);
  iatk_gen_set_mode(g2, IATK_MODE_RANDOM);
  const char *t1, *t2;
  size_t l1, l2;
  assert_int_equal(iatk_gen_event(g1, 0, &t1, &l1, &err), IATK_OK);
  assert_int_equal(iatk_gen_event(g2, 0, &t2, &l2, &err), IATK_OK);
  assert_string_not_equal(t1, t2);
  iatk_gen_free(g1);
  iatk_gen_free(g2);
  iatk_plan_free(plan);
}

typedef struct thread_job {
  const iatk_plan *plan;
  uint64_t hash;
} thread_job;

static uint64_t hash_events(const iatk_plan *plan) {
  iatk_gen *gen = iatk_gen_new(plan, NULL);
  iatk_gen_set_mode(gen, IATK_MODE_RANDOM);
  iatk_gen_set_seed(gen, 99);
  iatk_gen_set_now(gen, PINNED_NOW, NULL);
  uint64_t h = 1469598103934665603ULL;
  for (uint64_t i = 0; i < 2000; i++) {
    const char *text;
    size_t len;
    if (iatk_gen_event(gen, i, &text, &len, NULL) != IATK_OK)
      return 0;
    for (size_t k = 0; k < len; k++)
      h = (h ^ (unsigned char)text[k]) * 1099511628211ULL;
  }
  iatk_gen_free(gen);
  return h;
}

static void *thread_main(void *arg) {
  thread_job *job = arg;
  job->hash = hash_events(job->plan);
  return NULL;
}

static void test_plan_is_thread_safe(void **state) {
  (void)state;
  iatk_error err;
  iatk_plan *plan = compile_text(seed_schema, "MyEvent", &err);
  uint64_t expected = hash_events(plan);
  pthread_t threads[4];
  thread_job jobs[4];
  for (int i = 0; i < 4; i++) {
    jobs[i] = (thread_job){plan, 0};
    pthread_create(&threads[i], NULL, thread_main, &jobs[i]);
  }
  for (int i = 0; i < 4; i++) {
    pthread_join(threads[i], NULL);
    assert_true(jobs[i].hash == expected);
  }
  iatk_plan_free(plan);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_seed_barebone),
      cmocka_unit_test(test_skip_optional),
      cmocka_unit_test(test_skip_optional_aws),
      cmocka_unit_test(test_skip_optional_aws_random_matches_off),
      cmocka_unit_test(test_skip_optional_setter_ignores_unknown),
      cmocka_unit_test(test_smallest_valid_values),
      cmocka_unit_test(test_types_const_enum_nullable),
      cmocka_unit_test(test_allof_merges_objects),
      cmocka_unit_test(test_allof_diamonds_and_self_reference),
      cmocka_unit_test(test_optional_recursion_stops),
      cmocka_unit_test(test_sample_mode),
      cmocka_unit_test(test_random_is_a_function_of_seed_and_index),
      cmocka_unit_test(test_random_respects_bounds),
      cmocka_unit_test(test_pretty),
      cmocka_unit_test(test_bad_now),
      cmocka_unit_test(test_two_generators_share_one_plan),
      cmocka_unit_test(test_plan_is_thread_safe),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
