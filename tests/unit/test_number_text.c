/* lib/gen/number_text.c writes numbers without printf: its text must be
 * byte for byte what the printf forms wrote (golden outputs depend on it),
 * for every double, so it is compared with them on millions of values:
 * the generator's own draws, random bit patterns, ties, powers of two and
 * the edges of the hand-written range. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "helpers.h"
#include "common/internal.h"
#include "gen/number_text.h"

static iatk_buf got, want;

static void check_double(double v) {
  iatk__buf_reset(&got);
  iatk__buf_reset(&want);
  iatk__number_text_double(&got, v);
  iatk__buf_double(&want, v);
  if (strcmp(got.data, want.data) != 0)
    fail_msg("double %.17g: wrote %s, printf wrote %s", v, got.data, want.data);
}

static void check_integer(double v) {
  iatk__buf_reset(&got);
  iatk__buf_reset(&want);
  iatk__number_text_integer(&got, v);
  iatk__buf_printf(&want, "%.0f", v == 0 ? 0.0 : v);
  if (strcmp(got.data, want.data) != 0)
    fail_msg("integer %.17g: wrote %s, printf wrote %s", v, got.data,
             want.data);
}

static void check_both(double v) {
  check_double(v);
  check_double(-v);
  check_integer(v);
  check_integer(-v);
}

static double from_bits(uint64_t bits) {
  double v;
  memcpy(&v, &bits, sizeof v);
  return v;
}

static void test_generator_draws(void **state) {
  (void)state;
  iatk_rng rng;
  iatk__rng_init(&rng, 7, 1);
  for (int i = 0; i < 100000; i++) {
    double u = (double)(iatk__rng_next(&rng) >> 11) / 9007199254740992.0;
    check_both(-1000 + 2000 * u); /* random_in's default range */
    check_both(u);
    check_both(u * 1e-3);
    check_both(u * 1e14);
    check_both(floor(u * 1e6) / 100); /* two decimals: short forms */
  }
}

static void test_bit_patterns(void **state) {
  (void)state;
  iatk_rng rng;
  iatk__rng_init(&rng, 11, 2);
  for (int i = 0; i < 150000; i++) {
    double v = from_bits(iatk__rng_next(&rng));
    if (!isnan(v))
      check_both(v);
  }
  /* exponents of the hand-written range, any significand */
  for (int i = 0; i < 300000; i++) {
    uint64_t exp = 1023 - 15 + iatk__rng_below(&rng, 66);
    check_both(from_bits(exp << 52 | (iatk__rng_next(&rng) >> 12)));
  }
}

static void test_edges(void **state) {
  (void)state;
  static const double values[] = {0.0,
                                  -0.0,
                                  0.5,
                                  0.1,
                                  0.2,
                                  0.3,
                                  1.5,
                                  2.5,
                                  0.125,
                                  0.375,
                                  1e-4,
                                  1e-5,
                                  9.99999999999999e-5,
                                  1e15,
                                  1e15 - 0.125,
                                  999999999999999.9,
                                  9007199254740992.0,
                                  9007199254740993.0,
                                  4503599627370495.5,
                                  1e16,
                                  1e17,
                                  1e22,
                                  1e23,
                                  9.2233720368547758e18,
                                  1e300,
                                  5e-324,
                                  2.2250738585072014e-308,
                                  1.7976931348623157e308,
                                  0.1 + 0.2,
                                  1.0 / 3,
                                  2.0 / 3,
                                  123456.789,
                                  0.000123456789,
                                  100.0 / 7,
                                  3.0e-4,
                                  9.5,
                                  99.5,
                                  0.95,
                                  0.995,
                                  INFINITY};
  for (size_t i = 0; i < sizeof values / sizeof values[0]; i++) {
    double v = values[i];
    check_both(v);
    for (int k = 1; k <= 4; k++) {
      check_both(nextafter(v, INFINITY));
      check_both(nextafter(v, -INFINITY));
      v = nextafter(v, INFINITY);
    }
  }
  for (int e = -20; e <= 60; e++) { /* powers of two and their neighbours */
    double p = ldexp(1, e);
    check_both(p);
    check_both(nextafter(p, 0));
    check_both(nextafter(p, INFINITY));
  }
  for (int e = -6; e <= 17; e++) /* powers of ten, decimals around them */
    for (int m = 1; m < 1000; m++) {
      check_both(m * pow(10, e));
      check_both(m / pow(10, -e + 3));
    }
  for (int i = 0; i < 20000; i++) { /* exact ties at 15 to 17 digits */
    double v = ldexp((double)(2 * i + 1), -3) + 1e5;
    check_both(v);
  }
}

static void test_int64(void **state) {
  (void)state;
  static const int64_t values[] = {
      0, 1, -1, 9, 10, -10, 123456789, INT64_MAX, INT64_MIN, INT64_MIN + 1};
  char text[32];
  for (size_t i = 0; i < sizeof values / sizeof values[0]; i++) {
    iatk__buf_reset(&got);
    iatk__number_text_int64(&got, values[i]);
    snprintf(text, sizeof text, "%lld", (long long)values[i]);
    assert_string_equal(got.data, text);
  }
}

int main(void) {
  iatk__buf_init(&got);
  iatk__buf_init(&want);
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_generator_draws),
      cmocka_unit_test(test_bit_patterns),
      cmocka_unit_test(test_edges),
      cmocka_unit_test(test_int64),
  };
  int rc = cmocka_run_group_tests(tests, NULL, NULL);
  iatk__buf_release(&got);
  iatk__buf_release(&want);
  return rc;
}
