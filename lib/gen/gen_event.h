/* What the context layer asks of a generator (generate.c). */
#ifndef IATK_GEN_EVENT_H
#define IATK_GEN_EVENT_H

#include "common/internal.h"

/* iatk_gen_event, always compact (the generator's pretty setting aside). */
int iatk__gen_event_compact(iatk_gen *g, uint64_t index, const char **text,
                            size_t *len, iatk_error *err);
/* Whether the generator's self-check validated its last event with a
 * validator set up as `v` is (same document, dialect, event, budget): then
 * `v` gives that text the same verdict, which was "valid". */
int iatk__gen_checked_like(const iatk_gen *g, const iatk_validator *v);

#endif
