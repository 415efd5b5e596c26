/* iatk__array_grow: doubling, the item limit, overflow, and arrays left as
 * they were when growing fails; iatk_buf's limit, which rests on it. */
#include <stdlib.h>

#include "helpers.h"

#include "internal.h"

static void test_grows_by_doubling(void **state) {
  (void)state;
  int *items = NULL;
  size_t cap = 0;
  assert_int_equal(IATK_ARRAY_GROW(items, cap, 1, SIZE_MAX), IATK_OK);
  assert_non_null(items);
  size_t first = cap;
  assert_true(first >= 1);
  for (size_t i = 0; i < first; i++)
    items[i] = (int)i;
  assert_int_equal(IATK_ARRAY_GROW(items, cap, first + 1, SIZE_MAX), IATK_OK);
  assert_int_equal(cap, 2 * first);
  for (size_t i = 0; i < first; i++) /* kept across the realloc */
    assert_int_equal(items[i], (int)i);
  free(items);
}

static void test_enough_room_changes_nothing(void **state) {
  (void)state;
  char *items = malloc(16), *before = items;
  size_t cap = 16;
  assert_int_equal(IATK_ARRAY_GROW(items, cap, 16, SIZE_MAX), IATK_OK);
  assert_ptr_equal(items, before);
  assert_int_equal(cap, 16);
  free(items);
}

static void test_limit_is_an_error_and_caps_growth(void **state) {
  (void)state;
  double *items = NULL;
  size_t cap = 0;
  assert_int_equal(IATK_ARRAY_GROW(items, cap, 11, 10), IATK_ELIMIT);
  assert_null(items);
  assert_int_equal(cap, 0);
  assert_int_equal(IATK_ARRAY_GROW(items, cap, 9, 10), IATK_OK);
  assert_true(cap >= 9 && cap <= 10); /* never past the limit */
  free(items);
}

static void test_overflow_is_out_of_memory(void **state) {
  (void)state;
  struct big {
    char bytes[1 << 20];
  } *items = NULL;
  size_t cap = 0;
  assert_int_equal(IATK_ARRAY_GROW(items, cap, SIZE_MAX / 2, SIZE_MAX),
                   IATK_ENOMEM);
  assert_null(items);
  assert_int_equal(cap, 0);
}

static void test_buffer_limit_is_sticky_elimit(void **state) {
  (void)state;
  iatk_buf b;
  iatk__buf_init_limited(&b, 10);
  iatk__buf_puts(&b, "0123456789");
  assert_int_equal(b.failed, 0);
  assert_string_equal(b.data, "0123456789");
  iatk__buf_putc(&b, 'x');
  assert_int_equal(b.failed, IATK_ELIMIT);
  assert_int_equal(b.len, 10); /* nothing half-written */
  iatk__buf_putc(&b, 'y');     /* sticky */
  assert_int_equal(b.len, 10);
  iatk__buf_reset(&b); /* reuse keeps the limit */
  iatk__buf_puts(&b, "01234567890");
  assert_int_equal(b.failed, IATK_ELIMIT);
  iatk__buf_release(&b);
}

static void test_unlimited_buffer_grows_past_first_capacity(void **state) {
  (void)state;
  iatk_buf b;
  iatk__buf_init(&b);
  for (int i = 0; i < 1000; i++)
    iatk__buf_puts(&b, "abcdefghij");
  assert_int_equal(b.failed, 0);
  assert_int_equal(b.len, 10000);
  assert_int_equal(b.data[b.len], '\0');
  iatk__buf_release(&b);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_grows_by_doubling),
      cmocka_unit_test(test_enough_room_changes_nothing),
      cmocka_unit_test(test_limit_is_an_error_and_caps_growth),
      cmocka_unit_test(test_overflow_is_out_of_memory),
      cmocka_unit_test(test_buffer_limit_is_sticky_elimit),
      cmocka_unit_test(test_unlimited_buffer_grows_past_first_capacity),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
