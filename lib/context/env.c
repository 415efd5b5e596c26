/* What built-in contexts read about the current run (context_env): kept
 * apart from the pipeline, which owns an env, so that contexts and the
 * pipeline depend on it and never on each other both ways. */
#include "context/context_internal.h"

void iatk__context_env_rng(const context_env *env, uint64_t stream,
                           iatk_rng *rng) {
  if (env->seeded)
    iatk__rng_init(rng, env->seed ^ (stream * 0x9e3779b97f4a7c15ULL),
                   env->index);
  else
    iatk__rng_init_fresh(rng);
}
