/* iatk_error: the struct agrees with IATK_ERROR_*_SIZE and with what
 * iatk_error_layout() reports to bindings, and the buffers are filled up
 * to exactly those sizes. */
#include <stdlib.h>

#include "helpers.h"

#include "internal.h"

/* Caught at compile time too, so a mismatch cannot even build the tests. */
_Static_assert(sizeof((iatk_error *)0)->where == IATK_ERROR_WHERE_SIZE,
               "where is IATK_ERROR_WHERE_SIZE bytes");
_Static_assert(sizeof((iatk_error *)0)->message == IATK_ERROR_MESSAGE_SIZE,
               "message is IATK_ERROR_MESSAGE_SIZE bytes");

static void test_struct_uses_the_constants(void **state) {
  (void)state;
  iatk_error err;
  assert_int_equal(sizeof err.where, IATK_ERROR_WHERE_SIZE);
  assert_int_equal(sizeof err.message, IATK_ERROR_MESSAGE_SIZE);
  /* The texts follow the three ints: bindings declare it in this order. */
  assert_true(offsetof(iatk_error, where) >= 3 * sizeof(int));
  assert_true(offsetof(iatk_error, message) ==
              offsetof(iatk_error, where) + IATK_ERROR_WHERE_SIZE);
}

static void test_layout_reports_the_struct(void **state) {
  (void)state;
  size_t where_offset = 0, where_size = 0, message_offset = 0, message_size = 0;
  size_t size = iatk_error_layout(&where_offset, &where_size, &message_offset,
                                  &message_size);
  assert_int_equal(size, sizeof(iatk_error));
  assert_int_equal(where_offset, offsetof(iatk_error, where));
  assert_int_equal(where_size, IATK_ERROR_WHERE_SIZE);
  assert_int_equal(message_offset, offsetof(iatk_error, message));
  assert_int_equal(message_size, IATK_ERROR_MESSAGE_SIZE);
}

static void test_layout_accepts_null(void **state) {
  (void)state;
  size_t message_size = 0;
  assert_int_equal(iatk_error_layout(NULL, NULL, NULL, NULL),
                   sizeof(iatk_error));
  assert_int_equal(iatk_error_layout(NULL, NULL, NULL, &message_size),
                   sizeof(iatk_error));
  assert_int_equal(message_size, IATK_ERROR_MESSAGE_SIZE);
}

/* A text far longer than either buffer is elided to fill it exactly, so the
 * constants are the real capacities, terminating NUL included. */
static void test_long_texts_fill_the_buffers(void **state) {
  (void)state;
  enum { LONG = 4 * IATK_ERROR_MESSAGE_SIZE };
  char *text = malloc(LONG + 1);
  assert_non_null(text);
  memset(text, 'x', LONG);
  text[LONG] = '\0';
  iatk_error err;
  iatk_error_clear(&err);
  assert_int_equal(iatk__fail_at(&err, IATK_EINVAL, text, "%s", text),
                   IATK_EINVAL);
  assert_int_equal(strlen(err.where), IATK_ERROR_WHERE_SIZE - 1);
  assert_int_equal(strlen(err.message), IATK_ERROR_MESSAGE_SIZE - 1);
  assert_non_null(strstr(err.where, "x...x"));
  assert_non_null(strstr(err.message, "x...x"));
  free(text);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_struct_uses_the_constants),
      cmocka_unit_test(test_layout_reports_the_struct),
      cmocka_unit_test(test_layout_accepts_null),
      cmocka_unit_test(test_long_texts_fill_the_buffers),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
