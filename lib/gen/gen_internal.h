/* Generator state and the value writers shared by generate.c, values.c. */
#ifndef IATK_GEN_INTERNAL_H
#define IATK_GEN_INTERNAL_H

#include <string.h>

#include "compile/plan.h"
#include "gen/gen_event.h"
#include "gen/time_text.h"

/* Deeper than this, generation stops with ELIMIT instead of risking the
 * stack; the schema depth limit keeps honest plans far below it. */
#define MAX_GEN_DEPTH 4000
/* An event must fit in memory: larger ones are refused with ELIMIT. */
#define MAX_EVENT_BYTES (64u * 1024u * 1024u)

/* A place in a replayed event where the clock is written (template.c). */
typedef struct gen_slot {
  size_t at, len;       /* where and how long (len: in the recorded event) */
  schema_format format; /* date-time, date or time */
} gen_slot;

/* The text of events that draw no randomness, kept for replay. */
typedef struct gen_template {
  int state; /* unknown (record the next event), none, ready */
  int recording;
  int impure; /* the recorded event made a choice replay cannot */
  size_t clock_reads;
  iatk_buf text; /* the event without its clock texts */
  gen_slot *slots;
  size_t slot_count, slot_cap;
  uint64_t serial;           /* process-unique, given when the text is kept */
  int replayed;              /* the last event is a replay of the text */
  gen_clock_text *replay_at; /* where its clock texts stand in that event */
} gen_template;

struct iatk_gen {
  const iatk_plan *plan;
  iatk_mode mode;
  uint64_t seed;
  iatk_skip_optional skip_optional;
  int pretty;
  iatk_clock clock;
  iatk_buf out;
  iatk_buf pretty_out;
  uint32_t *active; /* per node: how often it is on the generation stack */
  iatk_rng rng;     /* random mode: keyed by (seed, event index) */
  iatk_instant now; /* read once per event so all its times agree */
  time_text_cache now_text; /* `now` as text, reused within a second */
  iatk_error *err;
  int depth;
  int exploring;         /* a retry: also try shapes the mode would not pick */
  iatk_validator *check; /* set when the plan needs_check */
  struct regex_cache *regexes; /* matches pattern candidates */
  iatk_buf scratch;            /* candidate strings */
  gen_template tpl;
};

/* Appends to the event.  Most appends are a few bytes into a buffer that
 * has room: those are a copy here, and iatk_buf's checks (growth, the
 * sticky failure) run only when it has none. */
static inline void out_append(iatk_gen *g, const char *s, size_t n) {
  iatk_buf *b = &g->out;
  if (b->cap - b->len > n) {
    memcpy(b->data + b->len, s, n);
    b->len += n;
    b->data[b->len] = '\0';
  } else {
    iatk__buf_append(b, s, n);
  }
}

static inline void out_putc(iatk_gen *g, char c) { out_append(g, &c, 1); }

/* A string that needs no escaping (times, UUIDs, format samples). */
static inline void out_plain_string(iatk_gen *g, const char *s, size_t n) {
  out_putc(g, '"');
  out_append(g, s, n);
  out_putc(g, '"');
}

/* template.c: see there.  The generator notes, while the first event
 * is recorded, each clock read, each clock text written as it is (a slot)
 * and anything that makes replay impossible. */
void iatk__template_begin(iatk_gen *g);
void iatk__template_note_clock(iatk_gen *g);
void iatk__template_note_slot(iatk_gen *g, size_t at, size_t len,
                              schema_format format);
void iatk__template_note_impure(iatk_gen *g);
void iatk__template_finish(iatk_gen *g, int rc);
/* Writes the event from the template into g->out; 0 when there is none. */
int iatk__template_replay(iatk_gen *g);
void iatk__template_forget(gen_template *t);

/* Scalar writers (values.c). */
void iatk__gen_string(iatk_gen *g, const plan_node *n);
void iatk__gen_number(iatk_gen *g, const plan_node *n, int integer);

#endif
