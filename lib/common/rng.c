/* Counter-based randomness: each draw hashes (key, counter) with the
 * SplitMix64 finaliser, so any event's values can be recomputed from the
 * seed and its index alone, in any order and on any machine. */
#include <sys/random.h>
#include <time.h>

#include "internal.h"

#define mix64 iatk__rng_mix64

void iatk__rng_init(iatk_rng *r, uint64_t seed, uint64_t stream) {
  r->key = mix64(mix64(seed + 0x9e3779b97f4a7c15ULL) ^ mix64(~stream));
  r->counter = 0;
}

uint64_t iatk__rng_below(iatk_rng *r, uint64_t n) {
  if (n == 0)
    return 0;
  /* Rejection sampling removes modulo bias. */
  uint64_t limit = UINT64_MAX - UINT64_MAX % n;
  uint64_t x;
  do
    x = iatk__rng_next(r);
  while (x >= limit);
  return x % n;
}

void iatk__rng_init_fresh(iatk_rng *r) {
  uint64_t seed[2];
  if (getrandom(seed, sizeof seed, 0) != (ssize_t)sizeof seed) {
    /* getrandom only fails on ancient kernels; fall back to the clock. */
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    seed[0] = (uint64_t)ts.tv_nsec ^ ((uint64_t)ts.tv_sec << 20);
    seed[1] = (uint64_t)(uintptr_t)r;
  }
  iatk__rng_init(r, seed[0], seed[1]);
}

void iatk__rng_uuid4(iatk_rng *r, char out[37]) {
  uint64_t hi = iatk__rng_next(r), lo = iatk__rng_next(r);
  hi = (hi & 0xffffffffffff0fffULL) | 0x0000000000004000ULL; /* version 4 */
  lo = (lo & 0x3fffffffffffffffULL) | 0x8000000000000000ULL; /* variant 10 */
  /* "%08x-%04x-%04x-%04x-%012llx", without printf (an EventBridge
   * envelope draws one per event) */
  iatk__put_hex(out, hi >> 32, 8);
  out[8] = '-';
  iatk__put_hex(out + 9, (hi >> 16) & 0xffff, 4);
  out[13] = '-';
  iatk__put_hex(out + 14, hi & 0xffff, 4);
  out[18] = '-';
  iatk__put_hex(out + 19, lo >> 48, 4);
  out[23] = '-';
  iatk__put_hex(out + 24, lo & 0xffffffffffffULL, 12);
  out[36] = '\0';
}
