/* Small helpers shared by the C unit tests. */
#ifndef IATK_TEST_HELPERS_H
#define IATK_TEST_HELPERS_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "iatk/iatk.h"

/* The seed document's schema (its CDK stack's MyEvent and Item). */
static const char seed_schema[] __attribute__((unused)) =
    "{\"openapi\":\"3.0.0\",\"info\":{\"version\":\"1.0.0\",\"title\":\"my-event\"},"
    "\"paths\":{},\"components\":{\"schemas\":{"
    "\"MyEvent\":{\"type\":\"object\",\"properties\":{"
    "\"customerId\":{\"type\":\"string\"},"
    "\"datetime\":{\"type\":\"string\",\"format\":\"date-time\"},"
    "\"membershipType\":{\"type\":\"string\",\"enum\":[\"A\",\"B\",\"C\"]},"
    "\"address\":{\"type\":\"string\"},"
    "\"orderItems\":{\"type\":\"array\",\"items\":{\"$ref\":\"#/components/schemas/Item\"}}}},"
    "\"Item\":{\"type\":\"object\",\"properties\":{\"sku\":{\"type\":\"string\"},"
    "\"unitPrice\":{\"type\":\"number\"},\"count\":{\"type\":\"integer\"}}}}}}";

#define PINNED_NOW "2023-10-18T21:08:04.782196-07:00"

/* Compiles `text` (type detected) at `ref`; NULL and *err filled on failure. */
static inline iatk_plan *compile_text(const char *text, const char *ref,
                                      iatk_error *err) {
  iatk_error_clear(err);
  iatk_schema *schema =
      iatk_schema_load(text, strlen(text), NULL, "t.json", err);
  iatk_plan *plan = schema ? iatk_compile(schema, ref, err) : NULL;
  iatk_schema_free(schema);
  return plan;
}

/* Generates event `index` in `mode` with the clock pinned; returns a copy. */
static inline char *generate_text(const char *schema, const char *ref,
                                  iatk_mode mode, uint64_t seed, uint64_t index,
                                  iatk_skip_optional skip_optional) {
  iatk_error err;
  iatk_plan *plan = compile_text(schema, ref, &err);
  if (!plan)
    fail_msg("compile failed: %s", err.message);
  iatk_gen *gen = iatk_gen_new(plan, &err);
  iatk_gen_set_mode(gen, mode);
  iatk_gen_set_seed(gen, seed);
  iatk_gen_set_skip_optional(gen, skip_optional);
  assert_int_equal(iatk_gen_set_now(gen, PINNED_NOW, &err), IATK_OK);
  const char *text = NULL;
  size_t len = 0;
  if (iatk_gen_event(gen, index, &text, &len, &err) != IATK_OK)
    fail_msg("generate failed: %s", err.message);
  char *copy = strdup(text);
  assert_int_equal(strlen(copy), len);
  iatk_gen_free(gen);
  iatk_plan_free(plan);
  return copy;
}

#define assert_generates(schema, ref, mode, expected)                          \
  do {                                                                         \
    char *got_ = generate_text((schema), (ref), (mode), 0, 0, 0);              \
    assert_string_equal(got_, (expected));                                     \
    free(got_);                                                                \
  } while (0)

#endif
