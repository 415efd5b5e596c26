/* Replaying the built-in contexts' edits of a replayed generator event
 * (pipeline_replay.c). */
#ifndef IATK_CONTEXT_PIPELINE_REPLAY_H
#define IATK_CONTEXT_PIPELINE_REPLAY_H

#include "context/event_text.h"
#include "gen/gen_event.h"
#include "gen/time_text.h"

typedef struct pipeline_replay {
  uint64_t serial;  /* the generator template it follows; 0: none kept */
  iatk_buf text;    /* the contexts' output with the marks cut out */
  text_mark *marks; /* in text order; `at` is a place in `text` */
  size_t count;
  size_t clocks_needed; /* 1 + the highest number of a generator's clock
                         * text among the marks; 0: none is needed */
  time_text_cache utc;  /* EventBridge time text, kept for the second */
  char id[36], account[12];
  int drawn;        /* id and account drawn for the current event */
  uint64_t replays; /* events written by replay (tests read it) */
} pipeline_replay;

/* The generator's event a replay writes from. */
typedef struct replay_event {
  uint64_t serial; /* iatk__gen_replayed's */
  const char *gen_text;
  const gen_clock_text *clocks;
  size_t clocks_n;
  iatk_instant gen_now;
  const struct context_env *env; /* index set to the event's */
} replay_event;

void iatk__replay_init(pipeline_replay *r);
/* Forgets what was kept (a context added, the clock or seed changed). */
void iatk__replay_forget(pipeline_replay *r);
/* Whether `r` keeps the contexts' output for the template `serial`. */
int iatk__replay_follows(const pipeline_replay *r, uint64_t serial);
/* Keeps the marked output of every context of the pipeline on an event
 * of template `serial`, unless a context made it unreplayable. */
void iatk__replay_keep(pipeline_replay *r, uint64_t serial, event_text *e);
/* Writes the contexts' output for `ev` into out: 1, or 0 when `r` does
 * not follow its template (the contexts must run). */
int iatk__replay_write(pipeline_replay *r, const replay_event *ev,
                       iatk_buf *out);

#endif
