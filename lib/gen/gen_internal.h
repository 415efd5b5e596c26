/* Generator state and the value writers shared by generate.c, values.c. */
#ifndef IATK_GEN_INTERNAL_H
#define IATK_GEN_INTERNAL_H

#include "compile/plan.h"

/* Deeper than this, generation stops with ELIMIT instead of risking the
 * stack; the schema depth limit keeps honest plans far below it. */
#define MAX_GEN_DEPTH 4000
/* An event must fit in memory: larger ones are refused with ELIMIT. */
#define MAX_EVENT_BYTES (64u * 1024u * 1024u)

struct iatk_gen {
  const iatk_plan *plan;
  iatk_mode mode;
  uint64_t seed;
  iatk_skip_optional skip_optional;
  int pretty;
  iatk_clock clock;
  iatk_buf out;
  iatk_buf pretty_out;
  uint32_t *active;  /* per node: how often it is on the generation stack */
  iatk_rng rng;      /* random mode: keyed by (seed, event index) */
  iatk_instant now;  /* read once per event so all its times agree */
  iatk_error *err;
  int depth;
  int exploring; /* a retry: also try shapes the mode would not pick */
  iatk_validator *check; /* set when the plan needs_check */
  struct regex_cache *regexes; /* matches pattern candidates */
  iatk_buf scratch;      /* candidate strings */
};

/* Scalar writers (values.c). */
void gen_string(iatk_gen *g, const plan_node *n);
void gen_number(iatk_gen *g, const plan_node *n, int integer);
/* Appends a jansson value as compact JSON. */
void gen_json(iatk_gen *g, const json_t *v);

#endif
