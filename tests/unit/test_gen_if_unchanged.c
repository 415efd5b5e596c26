/* iatk_gen_event_if_unchanged: an event only while a path keeps the
 * modification time the caller cached something under, and then exactly
 * iatk_gen_event's event. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "helpers.h"
#include "iatk/iatk.h"
#include "temp_dir.h"

#define SETTLE_NS 3000000000LL

static int64_t mtime_of(const char *path) {
  struct stat st;
  assert_int_equal(stat(path, &st), 0);
  return (int64_t)st.st_mtim.tv_sec * 1000000000 + st.st_mtim.tv_nsec;
}

/* Sets the path's modification time `seconds_ago` seconds in the past. */
static void age(const char *path, int seconds_ago) {
  struct timespec now, times[2];
  clock_gettime(CLOCK_REALTIME, &now);
  times[0] = times[1] = now;
  times[1].tv_sec -= seconds_ago;
  assert_int_equal(utimensat(AT_FDCWD, path, times, 0), 0);
}

static void test_generates_while_unchanged(void **state) {
  (void)state;
  char dir[64];
  assert_int_equal(temp_dir_make(dir, sizeof dir, "unchanged"), 0);
  iatk_error err;
  iatk_plan *plan = compile_text(seed_schema, "MyEvent", &err);
  assert_non_null(plan);
  iatk_gen *gen = iatk_gen_new(plan, &err), *plain = iatk_gen_new(plan, &err);
  iatk_gen *gens[] = {gen, plain};
  for (int i = 0; i < 2; i++) {
    iatk_gen_set_mode(gens[i], IATK_MODE_RANDOM);
    iatk_gen_set_seed(gens[i], 7);
    assert_int_equal(iatk_gen_set_now(gens[i], PINNED_NOW, &err), IATK_OK);
  }
  age(dir, 3600);
  int64_t mtime = mtime_of(dir);
  const char *text = NULL, *expected = NULL;
  size_t len = 0, expected_len = 0;
  for (uint64_t index = 0; index < 20; index++) {
    iatk_error_clear(&err);
    assert_int_equal(iatk_gen_event_if_unchanged(gen, dir, mtime, SETTLE_NS,
                                                 index, &text, &len, &err),
                     IATK_OK);
    assert_int_equal(
        iatk_gen_event(plain, index, &expected, &expected_len, &err), IATK_OK);
    assert_int_equal(len, expected_len);
    assert_string_equal(text, expected);
  }
  /* NULL path: iatk_gen_event itself. */
  assert_int_equal(
      iatk_gen_event_if_unchanged(gen, NULL, 0, 0, 3, &text, &len, &err),
      IATK_OK);
  assert_int_equal(iatk_gen_event(plain, 3, &expected, NULL, &err), IATK_OK);
  assert_string_equal(text, expected);

  /* Another mtime, a path that is gone, a change too recent to trust:
   * IATK_GEN_CHANGED, with the outputs and the error untouched. */
  const char *untouched = "untouched";
  text = untouched;
  len = 12345;
  iatk_error_clear(&err);
  assert_int_equal(iatk_gen_event_if_unchanged(gen, dir, mtime + 1, SETTLE_NS,
                                               0, &text, &len, &err),
                   IATK_GEN_CHANGED);
  char sub[128];
  snprintf(sub, sizeof sub, "%s/gone", dir);
  assert_int_equal(iatk_gen_event_if_unchanged(gen, sub, mtime, SETTLE_NS, 0,
                                               &text, &len, &err),
                   IATK_GEN_CHANGED);
  assert_int_equal(mkdir(sub, 0700), 0); /* changes dir's mtime */
  assert_int_equal(iatk_gen_event_if_unchanged(gen, dir, mtime, SETTLE_NS, 0,
                                               &text, &len, &err),
                   IATK_GEN_CHANGED);
  int64_t recent = mtime_of(dir);
  assert_int_equal(iatk_gen_event_if_unchanged(gen, dir, recent, SETTLE_NS, 0,
                                               &text, &len, &err),
                   IATK_GEN_CHANGED);
  assert_ptr_equal(text, untouched);
  assert_int_equal(len, 12345);
  assert_int_equal(err.code, IATK_OK);
  /* settle_ns 0: a recent time is trusted. */
  assert_int_equal(
      iatk_gen_event_if_unchanged(gen, dir, recent, 0, 0, &text, &len, &err),
      IATK_OK);

  iatk_gen_free(gen);
  iatk_gen_free(plain);
  iatk_plan_free(plan);
  temp_dir_remove(dir);
}

static void test_generation_errors_are_iatk_gen_events(void **state) {
  (void)state;
  iatk_error err;
  const char *text = NULL;
  iatk_error_clear(&err);
  assert_int_equal(
      iatk_gen_event_if_unchanged(NULL, NULL, 0, 0, 0, &text, NULL, &err),
      IATK_EINVAL);
  assert_int_equal(err.code, IATK_EINVAL);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_generates_while_unchanged),
      cmocka_unit_test(test_generation_errors_are_iatk_gen_events),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
