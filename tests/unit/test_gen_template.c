/* lib/gen/template.c replays events that draw no randomness: a replayed
 * event must be exactly the event a full generation writes, whatever the
 * clock says, and events that draw or compare must never be replayed.
 * White-box: the clock is moved without forgetting the template, and a
 * second generator forgets it before every event, so it generates in full. */
#include <stdio.h>
#include <stdlib.h>

#include "helpers.h"
#include "gen/gen_internal.h"

enum { READY = 2 }; /* template.c's TEMPLATE_READY */

/* Generates events 0..count-1 with both generators under moving clocks;
 * returns whether `replaying` ended with a template. */
static int compare_runs(const char *schema, const char *ref, iatk_mode mode,
                        iatk_skip_optional skip, int count) {
  iatk_error err;
  iatk_plan *plan = compile_text(schema, ref, &err);
  if (!plan)
    fail_msg("compile failed: %s", err.message);
  iatk_gen *replaying = iatk_gen_new(plan, &err),
           *full = iatk_gen_new(plan, &err);
  iatk_gen *gens[2] = {replaying, full};
  for (int k = 0; k < 2; k++) {
    iatk_gen_set_mode(gens[k], mode);
    iatk_gen_set_skip_optional(gens[k], skip);
    assert_int_equal(iatk_gen_set_now(gens[k], PINNED_NOW, &err), IATK_OK);
  }
  for (int i = 0; i < count; i++) {
    /* microseconds, seconds, days and offsets all move */
    iatk_instant t = {1697688484782196LL + (int64_t)i * 3700123457LL,
                      (i % 7 - 3) * 90};
    replaying->clock.instant = full->clock.instant = t;
    iatk__template_forget(&full->tpl);
    const char *a, *b;
    size_t alen, blen;
    assert_int_equal(iatk_gen_event(replaying, (uint64_t)i, &a, &alen, &err),
                     IATK_OK);
    char *copy = strdup(a);
    assert_int_equal(iatk_gen_event(full, (uint64_t)i, &b, &blen, &err),
                     IATK_OK);
    assert_int_equal(alen, blen);
    assert_string_equal(copy, b);
    free(copy);
  }
  int ready = replaying->tpl.state == READY;
  iatk_gen_free(replaying);
  iatk_gen_free(full);
  iatk_plan_free(plan);
  return ready;
}

static void test_seed_event_is_replayed(void **state) {
  (void)state;
  assert_true(compare_runs(seed_schema, "MyEvent", IATK_MODE_BAREBONE, 0, 40));
  assert_true(compare_runs(seed_schema, "MyEvent", IATK_MODE_SAMPLE, 0, 40));
  assert_true(compare_runs(seed_schema, "MyEvent", IATK_MODE_BAREBONE,
                           IATK_SKIP_OPTIONAL_SCHEMA, 10));
}

static void test_every_time_format_is_a_slot(void **state) {
  (void)state;
  static const char schema[] =
      "{\"type\":\"object\",\"required\":[\"list\"],\"properties\":{"
      "\"d\":{\"type\":\"string\",\"format\":\"date\"},"
      "\"t\":{\"type\":\"string\",\"format\":\"time\"},"
      "\"u\":{\"type\":\"string\",\"format\":\"uuid\"},"
      "\"list\":{\"type\":\"array\",\"minItems\":3,\"items\":"
      "{\"type\":\"object\",\"properties\":{\"at\":{\"type\":\"string\","
      "\"format\":\"date-time\"},\"n\":{\"type\":\"number\",\"minimum\":2.5}}}}}}";
  assert_true(compare_runs(schema, NULL, IATK_MODE_BAREBONE, 0, 40));
  assert_true(compare_runs(schema, NULL, IATK_MODE_SAMPLE, 0, 40));
}

static void test_what_is_never_replayed(void **state) {
  (void)state;
  /* a length bound reads the clock's text; uniqueItems compares items */
  static const char bounded[] =
      "{\"type\":\"string\",\"format\":\"date-time\",\"maxLength\":20}";
  static const char unique[] =
      "{\"type\":\"array\",\"minItems\":2,\"uniqueItems\":true,"
      "\"items\":{\"type\":\"string\",\"format\":\"date\"}}";
  assert_false(compare_runs(bounded, NULL, IATK_MODE_BAREBONE, 0, 20));
  assert_false(compare_runs(unique, NULL, IATK_MODE_BAREBONE, 0, 20));
  assert_false(compare_runs(seed_schema, "MyEvent", IATK_MODE_RANDOM, 0, 20));
}

static void test_patterns_replay_only_without_draws(void **state) {
  (void)state;
  static const char fixed[] = "{\"type\":\"string\",\"pattern\":\"^ab+c$\"}";
  static const char needs_retries[] =
      "{\"type\":\"string\",\"pattern\":\"^[a-z]+$\",\"minLength\":40}";
  compare_runs(fixed, NULL, IATK_MODE_BAREBONE, 0, 10);
  compare_runs(needs_retries, NULL, IATK_MODE_BAREBONE, 0, 10);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_seed_event_is_replayed),
      cmocka_unit_test(test_every_time_format_is_a_slot),
      cmocka_unit_test(test_what_is_never_replayed),
      cmocka_unit_test(test_patterns_replay_only_without_draws),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
