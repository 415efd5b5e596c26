/* Replaying events that draw no randomness.  In barebone and sample modes
 * most events are the same text every time but for the clock (a
 * date-time is "now"), so after the first one is generated its text is
 * kept, with the places where the clock was written, and later events are
 * that text with the clock written again: a copy instead of a walk of the
 * plan.
 *
 * Whether an event may be replayed is observed, not predicted.  The
 * generator is a function of the plan, its settings, the RNG (keyed by
 * seed and index), the clock, and nothing else; so an event that drew
 * nothing from the RNG and read the clock only to write it out (no length
 * check, no comparison) took the same path and wrote the same bytes for
 * every index and every instant, and so will every later event.  An event
 * that draws, reads the clock for a decision, or compares items
 * (uniqueItems) is generated in full every time.  Changing a setting
 * forgets the template. */
#include <stdatomic.h>
#include <stdlib.h>

#include "gen/gen_internal.h"

enum { TEMPLATE_UNKNOWN = 0, TEMPLATE_NONE, TEMPLATE_READY };

/* Far below the event limit, so that clock texts of another length could
 * never bring a replayed event near it. */
#define MAX_TEMPLATE_BYTES (1024u * 1024u)

/* Serials outlive generators: a pipeline that follows one template must
 * never take another's (a new generator at the same address) for it. */
static _Atomic uint64_t last_serial;

void iatk__template_forget(gen_template *t) {
  iatk__buf_release(&t->text);
  free(t->slots);
  free(t->replay_at);
  memset(t, 0, sizeof *t);
}

/* Whether this event should be recorded: the first one of a mode that has
 * no randomness, with no self-check (whose retries draw). */
void iatk__template_begin(iatk_gen *g) {
  gen_template *t = &g->tpl;
  t->recording =
      t->state == TEMPLATE_UNKNOWN && g->mode != IATK_MODE_RANDOM && !g->check;
  t->clock_reads = 0;
  t->slot_count = 0;
  t->impure = 0;
  t->replayed = 0;
}

void iatk__template_note_impure(iatk_gen *g) {
  if (g->tpl.recording)
    g->tpl.impure = 1;
}

void iatk__template_note_clock(iatk_gen *g) {
  if (g->tpl.recording)
    g->tpl.clock_reads++;
}

void iatk__template_note_slot(iatk_gen *g, size_t at, size_t len,
                              schema_format format) {
  gen_template *t = &g->tpl;
  if (!t->recording)
    return;
  if (IATK_ARRAY_GROW(t->slots, t->slot_cap, t->slot_count + 1, SIZE_MAX) !=
      IATK_OK) {
    t->impure = 1;
    return;
  }
  t->slots[t->slot_count++] = (gen_slot){at, len, format};
}

/* Keeps the recorded event with its clock texts cut out; each slot's `at`
 * becomes its place in that text. */
static void keep(iatk_gen *g) {
  gen_template *t = &g->tpl;
  iatk__buf_reset(&t->text);
  size_t from = 0;
  for (size_t i = 0; i < t->slot_count; i++) {
    gen_slot *s = &t->slots[i];
    iatk__buf_append(&t->text, g->out.data + from, s->at - from);
    from = s->at + s->len;
    s->at = t->text.len;
  }
  iatk__buf_append(&t->text, g->out.data + from, g->out.len - from);
  t->replay_at = calloc(t->slot_count + 1, sizeof *t->replay_at);
  t->state = t->text.failed || !t->replay_at ? TEMPLATE_NONE : TEMPLATE_READY;
  t->serial = atomic_fetch_add(&last_serial, 1) + 1;
}

void iatk__template_finish(iatk_gen *g, int rc) {
  gen_template *t = &g->tpl;
  if (!t->recording)
    return;
  t->recording = 0;
  if (rc != IATK_OK || g->out.failed)
    return; /* no verdict: try again with the next event */
  int pure = !t->impure && g->rng.counter == 0 &&
             t->clock_reads == t->slot_count &&
             g->out.len <= MAX_TEMPLATE_BYTES;
  if (pure)
    keep(g);
  else
    t->state = TEMPLATE_NONE;
}

static time_text_part slot_part(schema_format format) {
  return format == FMT_DATE   ? TIME_TEXT_DATE
         : format == FMT_TIME ? TIME_TEXT_TIME
                              : TIME_TEXT_ALL;
}

int iatk__template_replay(iatk_gen *g) {
  gen_template *t = &g->tpl;
  if (t->state != TEMPLATE_READY || g->mode == IATK_MODE_RANDOM || g->check)
    return 0;
  iatk__buf_reset(&g->out);
  if (iatk__buf_reserve(&g->out, t->text.len + 40 * t->slot_count) != 0)
    return 0;            /* generate_once reports the failure */
  char *w = g->out.data; /* copies into the space reserved */
  size_t from = 0;
  for (size_t i = 0; i < t->slot_count; i++) {
    memcpy(w, t->text.data + from, t->slots[i].at - from);
    w += t->slots[i].at - from;
    size_t n = iatk__time_text_local_put(&g->now_text, &g->now,
                                         slot_part(t->slots[i].format), w);
    t->replay_at[i] = (gen_clock_text){(size_t)(w - g->out.data), n};
    w += n;
    from = t->slots[i].at;
  }
  memcpy(w, t->text.data + from, t->text.len - from);
  w += t->text.len - from;
  *w = '\0';
  g->out.len = (size_t)(w - g->out.data);
  t->replayed = 1;
  return 1;
}

uint64_t iatk__gen_replayed(const iatk_gen *g, const gen_clock_text **texts,
                            size_t *count) {
  const gen_template *t = &g->tpl;
  if (!t->replayed || g->out.failed)
    return 0;
  *texts = t->replay_at;
  *count = t->slot_count;
  return t->serial;
}

iatk_instant iatk__gen_now(const iatk_gen *g) { return g->now; }

uint64_t iatk__gen_replay_instant(iatk_gen *g, iatk_instant *now) {
  gen_template *t = &g->tpl;
  if (t->state != TEMPLATE_READY || g->mode == IATK_MODE_RANDOM || g->check)
    return 0;
  g->now = iatk__clock_read(&g->clock);
  t->replayed = 0; /* g->out does not hold this event */
  *now = g->now;
  return t->serial;
}
