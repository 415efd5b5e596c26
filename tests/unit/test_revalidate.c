/* The revalidator (lib/validate/revalidate.c): its verdict on every text of
 * a stream is iatk_validate_text's, with the same message when invalid;
 * the fast path is taken where it may be (a generator's stream, only the
 * clock text changing) and not where the schema looks at a string from
 * above (enum/const/uniqueItems), judges it quietly (anyOf, oneOf, not,
 * if, contains), or uses $dynamicRef; and a change it cannot vouch for
 * (length, a member name, a number, an escape, whitespace) is validated
 * in full. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>

#include "helpers.h"
#include "common/internal.h"
#include "validate/validate_internal.h"

static iatk_validator *validator_for(const char *schema) {
  iatk_error err;
  iatk_error_clear(&err);
  iatk_schema *s =
      iatk_schema_load(schema, strlen(schema), NULL, "t.json", &err);
  if (!s)
    fail_msg("schema does not load: %s", err.message);
  iatk_validator *v = iatk_validator_new(s, NULL, &err);
  iatk_schema_free(s);
  if (!v)
    fail_msg("no validator: %s", err.message);
  return v;
}

/* The revalidator's verdict on `text` next to the full validator's: the
 * same code, and the same message when it is not IATK_OK. */
static int judge(iatk__revalidator *r, iatk_validator *v, const char *text,
                 size_t len) {
  iatk_error quick, full;
  iatk_error_clear(&quick);
  iatk_error_clear(&full);
  int rq = iatk__revalidate(r, v, text, len, NULL, &quick);
  int rf = iatk_validate_text(v, text, len, &full);
  if (rq != rf || (rf != IATK_OK && strcmp(quick.message, full.message)))
    fail_msg("on %.*s: revalidator %s (%s), full validator %s (%s)", (int)len,
             text, iatk_err_name(rq), quick.message, iatk_err_name(rf),
             full.message);
  return rf;
}

static uint64_t fast_count(const iatk__revalidator *r) {
  uint64_t fast;
  iatk__revalidator_stats(r, &fast, NULL);
  return fast;
}

/* One stream: each text's verdict (IATK_OK or not, in `verdicts`: 'v'
 * valid, 'i' invalid, 'j' not JSON) and whether the fast path gave it
 * ('f' in `paths`, '-' not). */
static void stream(const char *schema, const char *const *texts,
                   const char *verdicts, const char *paths) {
  iatk_validator *v = validator_for(schema);
  iatk__revalidator *r = iatk__revalidator_new();
  assert_non_null(r);
  for (size_t i = 0; texts[i]; i++) {
    uint64_t before = fast_count(r);
    int rc = judge(r, v, texts[i], strlen(texts[i]));
    char got = rc == IATK_OK ? 'v' : rc == IATK_EINVALID ? 'i' : 'j';
    if (got != verdicts[i])
      fail_msg("text %zu (%s): expected '%c', got '%c'", i, texts[i],
               verdicts[i], got);
    char path = fast_count(r) > before ? 'f' : '-';
    if (path != paths[i])
      fail_msg("text %zu (%s): expected path '%c', got '%c'", i, texts[i],
               paths[i], path);
  }
  iatk__revalidator_free(r);
  iatk_validator_free(v);
}

/* ------------------------------------------------------- the plain case */

static const char plain_schema[] =
    "{\"type\":\"object\",\"required\":[\"time\"],\"properties\":{"
    "\"time\":{\"type\":\"string\",\"format\":\"date-time\"},"
    "\"id\":{\"type\":\"string\",\"pattern\":\"^[a-f0-9]{4}$\"},"
    "\"name\":{\"type\":\"string\",\"minLength\":2,\"maxLength\":3},"
    "\"kind\":{\"$ref\":\"#/definitions/kind\"},"
    "\"free\":{},"
    "\"list\":{\"type\":\"array\",\"items\":{\"type\":\"string\","
    "\"maxLength\":2}}},"
    "\"definitions\":{\"kind\":{\"type\":\"string\",\"enum\":[\"aa\",\"bb\"]}}}";

#define EV(time, id, name, kind)                                               \
  "{\"time\":\"" time "\",\"id\":\"" id "\",\"name\":\"" name                  \
  "\",\"kind\":\"" kind "\",\"free\":\"x\",\"list\":[\"ab\",\"cd\"]}"

static void test_changed_strings_are_rechecked(void **state) {
  (void)state;
  const char *texts[] = {
      EV("2023-10-18T21:08:04.782196-07:00", "ab12", "abc", "aa"),
      EV("2023-10-18T21:08:04.782197-07:00", "ab12", "abc", "aa"),
      EV("2023-10-18T21:08:05.000001-07:00", "cd34", "xyz", "bb"),
      /* a date-time that breaks the format: month 13 */
      EV("2023-13-18T21:08:05.000001-07:00", "cd34", "xyz", "bb"),
      /* the reference is still the last valid one */
      EV("2023-10-18T21:08:06.000001-07:00", "cd34", "xyz", "bb"),
      /* pattern */
      EV("2023-10-18T21:08:06.000001-07:00", "cdx4", "xyz", "bb"),
      /* enum of the string, through $ref */
      EV("2023-10-18T21:08:06.000001-07:00", "cd34", "xyz", "cc"),
      /* a time that is not one: 25 o'clock */
      EV("2023-10-18T25:08:06.000001-07:00", "cd34", "xyz", "bb"),
      /* a length change (maxLength): validated in full */
      EV("2023-10-18T21:08:06.000001-07:00", "cd34", "xyzw", "bb"),
      /* ... and minLength */
      EV("2023-10-18T21:08:06.000001-07:00", "cd34", "x", "bb"),
      /* back to the reference: no change at all */
      EV("2023-10-18T21:08:06.000001-07:00", "cd34", "xyz", "bb"),
      /* a string nothing looks at */
      "{\"time\":\"2023-10-18T21:08:06.000001-07:00\",\"id\":\"cd34\","
      "\"name\":\"xyz\",\"kind\":\"bb\",\"free\":\"~\",\"list\":[\"ab\","
      "\"cd\"]}",
      /* items of an array */
      "{\"time\":\"2023-10-18T21:08:06.000001-07:00\",\"id\":\"cd34\","
      "\"name\":\"xyz\",\"kind\":\"bb\",\"free\":\"~\",\"list\":[\"zz\","
      "\"cd\"]}",
      NULL};
  stream(plain_schema, texts, "vvviviiiiivvv", "-ff-f-----fff");
}

static void test_changes_the_fast_path_cannot_vouch_for(void **state) {
  (void)state;
  const char *texts[] = {
      EV("2023-10-18T21:08:04.782196-07:00", "ab12", "abc", "aa"),
      /* a member name */
      "{\"tyme\":\"2023-10-18T21:08:04.782196-07:00\",\"id\":\"ab12\","
      "\"name\":\"abc\",\"kind\":\"aa\",\"free\":\"x\",\"list\":[\"ab\","
      "\"cd\"]}",
      /* a number in place of a string, same length */
      "{\"time\":\"2023-10-18T21:08:04.782196-07:00\",\"id\":\"ab12\","
      "\"name\":\"abc\",\"kind\":\"aa\",\"free\":123,\"list\":[\"ab\","
      "\"cd\"]}",
      /* an escape appears (same length): "a\nc", three characters */
      "{\"time\":\"2023-10-18T21:08:04.782196-07:00\",\"id\":\"ab12\","
      "\"name\":\"a\\nc\",\"kind\":\"aa\",\"free\":\"x\",\"list\":[\"ab\","
      "\"cd\"]}",
      /* a quote: the text is no longer JSON */
      "{\"time\":\"2023-10-18T21:08:04.782196-07:00\",\"id\":\"ab12\","
      "\"name\":\"a\"c\",\"kind\":\"aa\",\"free\":\"x\",\"list\":[\"ab\","
      "\"cd\"]}",
      /* whitespace: never the fast path */
      "{\"time\": \"2023-10-18T21:08:04.782196-07:00\",\"id\":\"ab12\","
      "\"name\":\"abc\",\"kind\":\"aa\",\"free\":\"x\",\"list\":[\"ab\","
      "\"cd\"]}",
      /* a structural byte */
      "{\"time\":\"2023-10-18T21:08:04.782196-07:00\",\"id\":\"ab12\","
      "\"name\":\"abc\",\"kind\":\"aa\",\"free\":\"x\",\"list\":{\"ab\","
      "\"cd\"]}",
      EV("2023-10-18T21:08:04.782196-07:00", "ab12", "abc", "aa"),
      EV("2023-10-18T21:08:04.782199-07:00", "ab12", "abc", "aa"), NULL};
  stream(plain_schema, texts, "vivvjvjvv", "--------f");
}

static void test_number_changes_are_validated_in_full(void **state) {
  (void)state;
  const char *texts[] = {"{\"n\":10,\"s\":\"a\"}", "{\"n\":11,\"s\":\"a\"}",
                         "{\"n\":99,\"s\":\"a\"}", "{\"n\":12,\"s\":\"b\"}",
                         NULL};
  stream("{\"properties\":{\"n\":{\"maximum\":50}}}", texts, "vviv", "----");
}

/* A byte of a multi-byte character replaced: not UTF-8, never fast. */
static void test_non_ascii_bytes_are_validated_in_full(void **state) {
  (void)state;
  const char *texts[] = {"{\"s\":\"\xc3\xa9\"}",
                         "{\"s\":\"\xc3x\"}",
                         "{\"s\":\"ab\"}",
                         "{\"s\":\"\xc3\xa9\"}",
                         "{\"s\":\"\\u00e9x\"}",
                         "{\"s\":\"\\u00e9y\"}",
                         NULL};
  stream("{\"properties\":{\"s\":{\"type\":\"string\"}}}", texts, "vjvvvv",
         "------");
}

/* ------------------------------------------- looked at from above */

static void test_enum_and_const_above_a_string(void **state) {
  (void)state;
  const char *texts[] = {"{\"o\":{\"a\":\"x\"}}", "{\"o\":{\"a\":\"y\"}}",
                         "{\"o\":{\"a\":\"z\"}}", "{\"o\":{\"a\":\"x\"}}",
                         NULL};
  stream("{\"properties\":{\"o\":{\"enum\":[{\"a\":\"x\"},{\"a\":\"y\"}]}}}",
         texts, "vviv", "----");
  const char *texts2[] = {"[[\"ab\"]]", "[[\"ab\"]]", "[[\"ac\"]]", NULL};
  stream("{\"const\":[[\"ab\"]]}", texts2, "vvi", "-f-");
}

static void test_unique_items_above_a_string(void **state) {
  (void)state;
  const char *texts[] = {"{\"l\":[\"ab\",\"cd\"]}", "{\"l\":[\"ab\",\"ce\"]}",
                         "{\"l\":[\"ab\",\"ab\"]}",
                         "{\"l\":[[\"ab\"],[\"ab\"]]}", NULL};
  stream("{\"properties\":{\"l\":{\"type\":\"array\",\"uniqueItems\":true}}}",
         texts, "vvii", "----");
}

static void test_quiet_applicators(void **state) {
  (void)state;
  const char *any[] = {"{\"s\":\"a1\"}", "{\"s\":\"b1\"}", "{\"s\":\"c1\"}",
                       "{\"s\":\"a2\"}", NULL};
  stream("{\"properties\":{\"s\":{\"anyOf\":[{\"pattern\":\"^a\"},"
         "{\"pattern\":\"^b\"}]}}}",
         any, "vviv", "----");
  const char *one[] = {"{\"s\":\"a2\"}", "{\"s\":\"a1\"}", "{\"s\":\"b1\"}",
                       NULL};
  stream("{\"properties\":{\"s\":{\"oneOf\":[{\"pattern\":\"^a\"},"
         "{\"pattern\":\"^.1\"}]}}}",
         one, "viv", "---");
  const char *cond[] = {"{\"k\":\"y\"}", "{\"k\":\"x\"}", "{\"k\":\"z\"}",
                        NULL};
  stream("{\"if\":{\"properties\":{\"k\":{\"const\":\"x\"}}},"
         "\"then\":{\"required\":[\"t\"]}}",
         cond, "viv", "---");
  /* then/else themselves are plain: fast */
  const char *branch[] = {"{\"k\":\"x\",\"t\":\"ab\"}",
                          "{\"k\":\"x\",\"t\":\"ac\"}",
                          "{\"k\":\"x\",\"t\":\"bc\"}", NULL};
  stream("{\"if\":{\"required\":[\"k\"]},"
         "\"then\":{\"properties\":{\"t\":{\"pattern\":\"^a\"}}}}",
         branch, "vvi", "-f-");
  const char *
      not [] = {"{\"s\":\"bbb\"}", "{\"s\":\"bad\"}", "{\"s\":\"bbc\"}", NULL};
  stream("{\"properties\":{\"s\":{\"not\":{\"const\":\"bad\"}}}}", not, "viv",
         "---");
  const char *contains[] = {"[\"ab\",\"x\"]", "[\"ab\",\"y\"]",
                            "[\"cb\",\"y\"]", NULL};
  stream("{\"contains\":{\"pattern\":\"^a\"}}", contains, "vvi", "---");
}

static void test_unevaluated_properties_after_any_of(void **state) {
  (void)state;
  const char *texts[] = {"{\"a\":\"1\",\"b\":\"x\"}",
                         "{\"a\":\"1\",\"b\":\"y\"}",
                         "{\"a\":\"2\",\"b\":\"y\"}", NULL};
  stream("{\"$schema\":\"https://json-schema.org/draft/2020-12/schema\","
         "\"anyOf\":[{\"properties\":{\"a\":{\"const\":\"1\"}}},"
         "{\"properties\":{\"c\":true}}],\"unevaluatedProperties\":"
         "{\"pattern\":\"^[a-z]$\"}}",
         texts, "vvi", "-f-");
}

static void test_dynamic_ref_is_never_revalidated(void **state) {
  (void)state;
  const char *texts[] = {"{\"s\":\"ab\",\"c\":{\"s\":\"ac\"}}",
                         "{\"s\":\"ab\",\"c\":{\"s\":\"ad\"}}",
                         "{\"s\":\"ab\",\"c\":{\"s\":\"bd\"}}", NULL};
  stream("{\"$schema\":\"https://json-schema.org/draft/2020-12/schema\","
         "\"$id\":\"https://example.com/t\",\"$dynamicAnchor\":\"node\","
         "\"type\":\"object\",\"properties\":{\"s\":{\"pattern\":\"^a\"},"
         "\"c\":{\"$dynamicRef\":\"#node\"}}}",
         texts, "vvi", "---");
}

/* Another validator (or the same one with another budget) starts afresh. */
static void test_reference_belongs_to_one_validator(void **state) {
  (void)state;
  iatk_validator *a =
      validator_for("{\"properties\":{\"s\":{\"pattern\":\"^a\"}}}");
  iatk_validator *b =
      validator_for("{\"properties\":{\"s\":{\"pattern\":\"^b\"}}}");
  iatk__revalidator *r = iatk__revalidator_new();
  const char *t1 = "{\"s\":\"a1\"}", *t2 = "{\"s\":\"b1\"}";
  assert_int_equal(judge(r, a, t1, strlen(t1)), IATK_OK);
  assert_int_equal(judge(r, b, t2, strlen(t2)), IATK_OK);
  assert_int_equal(judge(r, a, t2, strlen(t2)), IATK_EINVALID);
  assert_int_equal(fast_count(r), 0);
  assert_int_equal(judge(r, a, t1, strlen(t1)), IATK_OK);
  assert_int_equal(judge(r, a, t1, strlen(t1)), IATK_OK);
  assert_int_equal(fast_count(r), 1);
  iatk__validator_set_budget(a, 0, 0);
  assert_int_equal(judge(r, a, t1, strlen(t1)), IATK_OK);
  assert_int_equal(fast_count(r), 1);
  iatk__revalidator_free(r);
  iatk_validator_free(a);
  iatk_validator_free(b);
}

/* A stream the fast path keeps missing is validated in full untraced,
 * but for one valid event in 64: once only fast-path changes are left, the
 * fast path comes back within that many events. */
static void test_fast_path_comes_back_after_misses(void **state) {
  (void)state;
  iatk_validator *v = validator_for(
      "{\"properties\":{\"s\":{\"anyOf\":[{\"pattern\":\"^[0-9]+$\"}]},"
      "\"t\":{\"pattern\":\"^[0-9]+$\"}}}");
  iatk__revalidator *r = iatk__revalidator_new();
  char text[64];
  for (int i = 0; i < 300; i++) { /* s changes: never fast */
    snprintf(text, sizeof text, "{\"s\":\"%04d\",\"t\":\"0000\"}", i);
    assert_int_equal(judge(r, v, text, strlen(text)), IATK_OK);
  }
  assert_int_equal(fast_count(r), 0);
  int first_fast = -1;
  for (int i = 0; i < 200; i++) { /* only t changes */
    snprintf(text, sizeof text, "{\"s\":\"9999\",\"t\":\"%04d\"}", i);
    assert_int_equal(judge(r, v, text, strlen(text)), IATK_OK);
    if (first_fast < 0 && fast_count(r) > 0)
      first_fast = i;
  }
  assert_true(first_fast > 0 && first_fast <= 65);
  assert_true(fast_count(r) >= 200 - 66);
  iatk__revalidator_free(r);
  iatk_validator_free(v);
}

/* ----------------------------------------------------- random streams */

static uint64_t rng = 88172645463325252ull;
static uint32_t next_random(void) {
  rng ^= rng << 13;
  rng ^= rng >> 7;
  rng ^= rng << 17;
  return (uint32_t)rng;
}

static const char *const random_schemas[] = {
    plain_schema,
    "{\"properties\":{\"o\":{\"properties\":{\"a\":{\"pattern\":\"^[0-9]+$\"},"
    "\"b\":{\"enum\":[\"xy\",\"xz\",\"10\"]}},\"additionalProperties\":"
    "{\"format\":\"date\"}},\"l\":{\"uniqueItems\":true,\"items\":"
    "{\"maxLength\":2}},\"c\":{\"const\":{\"k\":\"12\"}},\"t\":{\"anyOf\":"
    "[{\"pattern\":\"1\"},{\"pattern\":\"2\"}]},\"u\":{\"not\":{\"pattern\":"
    "\"^9\"}}},\"patternProperties\":{\"^p\":{\"minLength\":2,"
    "\"pattern\":\"[a-c]\"}},\"propertyNames\":{\"maxLength\":4},"
    "\"if\":{\"properties\":{\"q\":{\"const\":\"11\"}}},\"then\":{\"required\":"
    "[\"c\"]},\"else\":{\"properties\":{\"p1\":{\"pattern\":\"^a\"}}}}",
    "{\"$schema\":\"https://json-schema.org/draft/2020-12/schema\","
    "\"type\":\"object\",\"prefixItems\":[],\"properties\":{\"o\":"
    "{\"oneOf\":[{\"properties\":{\"a\":{\"pattern\":\"^1\"}}},"
    "{\"properties\":{\"a\":{\"pattern\":\"^2\"}}}]},\"l\":{\"contains\":"
    "{\"const\":\"10\"},\"maxContains\":1},\"q\":{\"format\":\"time\"}},"
    "\"dependentSchemas\":{\"q\":{\"properties\":{\"t\":{\"maxLength\":3}}}},"
    "\"unevaluatedProperties\":{\"pattern\":\"^[^ ]*$\"}}",
};

static const char random_base[] =
    "{\"o\":{\"a\":\"12\",\"b\":\"xy\",\"d\":\"2020-01-02\"},"
    "\"l\":[\"10\",\"ab\"],\"c\":{\"k\":\"12\"},\"t\":\"12\",\"u\":\"11\","
    "\"p1\":\"ab\",\"q\":\"12:00:00Z\",\"t2\":\"123\","
    "\"time\":\"2023-10-18T21:08:04.782196-07:00\",\"id\":\"ab12\","
    "\"name\":\"abc\",\"kind\":\"aa\",\"list\":[\"ab\",\"cd\"]}";

/* Streams of texts that differ from the last in a byte or two, mostly in
 * string values: every verdict is the full validator's. */
static void test_random_streams(void **state) {
  (void)state;
  static const char alphabet[] = "0123456789abcxyzT:-.Z \"\\{}";
  for (size_t k = 0; k < sizeof random_schemas / sizeof *random_schemas; k++) {
    iatk_validator *v = validator_for(random_schemas[k]);
    iatk__revalidator *r = iatk__revalidator_new();
    size_t len = strlen(random_base);
    char *text = strdup(random_base);
    int valid = 0;
    for (int i = 0; i < 3000; i++) {
      char *next = strdup(i % 50 ? text : random_base);
      for (int n = 1 + (int)(next_random() % 2); n > 0; n--) {
        size_t at = next_random() % len;
        /* inside a string mostly: a letter or digit next to letters */
        next[at] = next_random() % 8 ? alphabet[next_random() % 19]
                                     : alphabet[next_random() % 26];
      }
      int rc = judge(r, v, next, len);
      valid += rc == IATK_OK;
      if (rc == IATK_OK) { /* walk on from valid texts only */
        free(text);
        text = next;
      } else {
        free(next);
      }
    }
    uint64_t fast, full;
    iatk__revalidator_stats(r, &fast, &full);
    printf("schema %zu: %d valid, %" PRIu64 " fast, %" PRIu64 " full\n", k,
           valid, fast, full);
    assert_true(fast > 0);
    free(text);
    iatk__revalidator_free(r);
    iatk_validator_free(v);
  }
}

/* ------------------------------------------------ the event catalogue */

/* The closing quote of the string that opens at text[i]. */
static size_t string_end(const char *text, size_t i) {
  for (i++; text[i] != '"'; i++)
    if (text[i] == '\\')
      i++;
  return i;
}

/* Random events of catalogue schemas (one in `step`), then streams where
 * bytes inside their string values change: the verdicts of the full
 * validator, on real schemas (formats, patterns, enums, $refs). */
static void catalogue_streams(size_t step, int mutations) {
  static const char alphabet[] = "0123456789abcdefxyzAZT:-._ /\"\\\x7f";
  FILE *list = popen("ls -d ../../data/aws.events/*/*/schema.json", "r");
  assert_non_null(list);
  char path[1024];
  size_t n = 0, schemas = 0;
  uint64_t fast_total = 0;
  while (fgets(path, sizeof path, list)) {
    if (n++ % step)
      continue;
    path[strcspn(path, "\n")] = '\0';
    iatk_error err;
    iatk_error_clear(&err);
    iatk_schema *schema = iatk_schema_load_file(path, NULL, &err);
    iatk_plan *plan = schema ? iatk_compile(schema, "AWSEvent", &err) : NULL;
    iatk_validator *v =
        plan ? iatk_validator_new(schema, "AWSEvent", &err) : NULL;
    iatk_gen *gen = v ? iatk_gen_new(plan, &err) : NULL;
    if (gen) {
      schemas++;
      iatk_gen_set_mode(gen, IATK_MODE_RANDOM);
      iatk_gen_set_seed(gen, n);
      iatk__revalidator *r = iatk__revalidator_new();
      const char *event;
      size_t len;
      assert_int_equal(iatk_gen_event(gen, 0, &event, &len, &err), IATK_OK);
      char *base = strdup(event);
      /* the string values' contents */
      size_t spans[512][2], count = 0;
      for (size_t i = 0; i < len && count < 512; i++) {
        if (base[i] != '"')
          continue;
        size_t end = string_end(base, i);
        if (base[end + 1] != ':' && end > i + 1) {
          spans[count][0] = i + 1;
          spans[count++][1] = end;
        }
        i = end;
      }
      char *text = strdup(base);
      for (int m = 0; m < mutations && count; m++) {
        char *next = strdup(m % 20 ? text : base);
        for (int k = 1 + (int)(next_random() % 3); k > 0; k--) {
          size_t *span = spans[next_random() % count];
          size_t at = span[0] + next_random() % (span[1] - span[0]);
          next[at] = next_random() % 10 ? alphabet[next_random() % 28]
                                        : alphabet[next_random() % 31];
        }
        if (judge(r, v, next, len) == IATK_OK) {
          free(text);
          text = next;
        } else {
          free(next);
        }
      }
      uint64_t fast;
      iatk__revalidator_stats(r, &fast, NULL);
      fast_total += fast;
      free(text);
      free(base);
      iatk__revalidator_free(r);
    }
    iatk_gen_free(gen);
    iatk_validator_free(v);
    iatk_plan_free(plan);
    iatk_schema_free(schema);
  }
  pclose(list);
  printf("catalogue: %zu schemas, %" PRIu64 " fast verdicts\n", schemas,
         fast_total);
  assert_true(schemas > 0 && fast_total > 0);
}

static void test_catalogue_streams(void **state) {
  (void)state;
  const char *all = getenv("IATK_REVALIDATE_ALL");
  catalogue_streams(all ? 1 : 16, all ? 400 : 60);
}

/* ------------------------------------------------- a generator's stream */

/* The generator's own stream (barebone, the clock changing): every event
 * after the first is judged by the fast path. */
static void test_generated_stream_takes_the_fast_path(void **state) {
  (void)state;
  iatk_error err;
  iatk_error_clear(&err);
  iatk_schema *schema = iatk_schema_load_file(
      "../../data/aws.events/aws.autoscaling@EC2InstanceLaunchSuccessful/2/"
      "schema.json",
      NULL, &err);
  if (!schema)
    fail_msg("schema: %s", err.message);
  iatk_plan *plan = iatk_compile(schema, "AWSEvent", &err);
  iatk_validator *v = iatk_validator_new(schema, "AWSEvent", &err);
  assert_non_null(plan);
  assert_non_null(v);
  iatk_gen *gen = iatk_gen_new(plan, &err);
  iatk_gen_set_mode(gen, IATK_MODE_BAREBONE);
  iatk_gen_set_seed(gen, 1);
  iatk__revalidator *r = iatk__revalidator_new();
  char times[2][64] = {"", ""};
  for (uint64_t i = 0; i < 50; i++) {
    const char *text;
    size_t len;
    assert_int_equal(iatk_gen_event(gen, i, &text, &len, &err), IATK_OK);
    assert_int_equal(judge(r, v, text, len), IATK_OK);
    const char *t = strstr(text, "\"time\":\"");
    if (t)
      snprintf(times[i > 0], sizeof times[0], "%.40s", t);
  }
  uint64_t fast, full;
  iatk__revalidator_stats(r, &fast, &full);
  assert_int_equal(full, 1);
  assert_int_equal(fast, 49);
  /* ... and the clock did change, so something was re-checked */
  assert_string_not_equal(times[0], times[1]);
  iatk__revalidator_free(r);
  iatk_gen_free(gen);
  iatk_validator_free(v);
  iatk_plan_free(plan);
  iatk_schema_free(schema);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_changed_strings_are_rechecked),
      cmocka_unit_test(test_changes_the_fast_path_cannot_vouch_for),
      cmocka_unit_test(test_number_changes_are_validated_in_full),
      cmocka_unit_test(test_non_ascii_bytes_are_validated_in_full),
      cmocka_unit_test(test_enum_and_const_above_a_string),
      cmocka_unit_test(test_unique_items_above_a_string),
      cmocka_unit_test(test_quiet_applicators),
      cmocka_unit_test(test_unevaluated_properties_after_any_of),
      cmocka_unit_test(test_dynamic_ref_is_never_revalidated),
      cmocka_unit_test(test_reference_belongs_to_one_validator),
      cmocka_unit_test(test_fast_path_comes_back_after_misses),
      cmocka_unit_test(test_random_streams),
      cmocka_unit_test(test_catalogue_streams),
      cmocka_unit_test(test_generated_stream_takes_the_fast_path),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
