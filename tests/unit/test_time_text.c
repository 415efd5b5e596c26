/* lib/gen/time_text.c formats instants without snprintf or gmtime_r: its
 * text must be byte for byte what common/clock.c writes, for every instant
 * and offset, cached or not. */
#include <stdio.h>

#include "helpers.h"
#include "common/internal.h"
#include "gen/time_text.h"

#define US 1000000LL
#define FIRST (-62167219200LL * US) /* 0000-01-01T00:00:00Z */
#define END (253402300800LL * US)   /* 10000-01-01T00:00:00Z */

static void check(const iatk_instant *t) {
  char got[40], want[40];
  size_t n = iatk__time_text_local(t, got),
         m = iatk__instant_format_local(t, want);
  if (n != m || strcmp(got, want) != 0)
    fail_msg("local %lld %+d: wrote %s, clock.c wrote %s",
             (long long)t->epoch_us, t->offset_minutes, got, want);
  n = iatk__time_text_utc(t, got);
  m = iatk__instant_format_utc(t, want);
  if (n != m || strcmp(got, want) != 0)
    fail_msg("utc %lld: wrote %s, clock.c wrote %s", (long long)t->epoch_us,
             got, want);
}

static void test_random_instants(void **state) {
  (void)state;
  iatk_rng rng;
  iatk__rng_init(&rng, 5, 3);
  for (int i = 0; i < 300000; i++) {
    /* a day beyond both ends, so the fallbacks are crossed too */
    iatk_instant t = {FIRST - 86400 * US +
                          (int64_t)iatk__rng_below(
                              &rng, (uint64_t)(END - FIRST + 2 * 86400 * US)),
                      (int)iatk__rng_below(&rng, 2 * 1439 + 1) - 1439};
    check(&t);
  }
}

static void test_edges(void **state) {
  (void)state;
  static const int64_t seconds[] = {0,
                                    -1,
                                    1,
                                    86399,
                                    86400,
                                    -86400,
                                    951782400 /* 2000-02-29 */,
                                    4107542400 /* 2100-03-01 */,
                                    -62167219200LL,
                                    253402300799LL,
                                    253402300800LL,
                                    -62167219201LL};
  static const int offsets[] = {0, 1, -1, 59, -59, 60, 330, -420, 1439, -1439};
  for (size_t i = 0; i < sizeof seconds / sizeof seconds[0]; i++)
    for (size_t j = 0; j < sizeof offsets / sizeof offsets[0]; j++)
      for (int64_t us = -1; us <= 1; us++) {
        iatk_instant t = {seconds[i] * US + us, offsets[j]};
        check(&t);
      }
}

static void test_cache(void **state) {
  (void)state;
  time_text_cache local = {0}, utc = {0};
  iatk_rng rng;
  iatk__rng_init(&rng, 9, 4);
  iatk_instant t = {1697688484782196LL, -420};
  for (int i = 0; i < 200000; i++) {
    /* mostly small steps (the clock), sometimes a jump or a new offset */
    uint64_t r = iatk__rng_below(&rng, 100);
    t.epoch_us +=
        r < 90 ? (int64_t)iatk__rng_below(&rng, 300000) - 1000
               : (int64_t)iatk__rng_below(&rng, 1ULL << 50) - (1LL << 49);
    if (r == 99)
      t.offset_minutes = (int)iatk__rng_below(&rng, 2 * 1439 + 1) - 1439;
    if (t.epoch_us < FIRST - 86400 * US || t.epoch_us > END + 86400 * US)
      t.epoch_us = 0;
    char got[40], want[40];
    size_t n = iatk__time_text_local_cached(&local, &t, got);
    iatk__instant_format_local(&t, want);
    if (n != strlen(want) || strcmp(got, want) != 0)
      fail_msg("cached local %lld: %s, clock.c %s", (long long)t.epoch_us, got,
               want);
    n = iatk__time_text_utc_cached(&utc, &t, got);
    iatk__instant_format_utc(&t, want);
    if (n != strlen(want) || strcmp(got, want) != 0)
      fail_msg("cached utc %lld: %s, clock.c %s", (long long)t.epoch_us, got,
               want);
  }
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_random_instants),
      cmocka_unit_test(test_edges),
      cmocka_unit_test(test_cache),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
