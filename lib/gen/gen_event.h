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

/* Where the generator wrote the clock in an event replayed from its
 * template (template.c): a byte span of the event's text. */
typedef struct gen_clock_text {
  size_t at, len;
} gen_clock_text;

/* When the last event was a replay of the generator's template: that
 * template's serial (unique in the process, never 0; every replay of one
 * template has it, and such events differ only in their clock texts),
 * with the clock texts' places in *texts (count *count).  0 when the last
 * event was generated in full. */
uint64_t iatk__gen_replayed(const iatk_gen *g, const gen_clock_text **texts,
                            size_t *count);
/* The instant the last event's clock texts were written from. */
iatk_instant iatk__gen_now(const iatk_gen *g);
/* When the next event would be a replay of the template: reads the clock
 * for it, as iatk__gen_event_compact would, into *now and returns the
 * template's serial, without writing the event (for a caller that keeps
 * its own text for the template and needs none of the generator's).
 * 0, having done nothing, otherwise. */
uint64_t iatk__gen_replay_instant(iatk_gen *g, iatk_instant *now);

#endif
