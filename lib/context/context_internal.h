/* Private pieces of the context pipeline. */
#ifndef IATK_CONTEXT_INTERNAL_H
#define IATK_CONTEXT_INTERNAL_H

#include "common/internal.h"
#include "context/event_text.h"
#include "context/pipeline_replay.h"
#include "validate/validator.h"

/* What built-in contexts read about the current run: the clock and, when
 * seeded, the key that makes their random values reproducible. */
typedef struct context_env {
  iatk_clock clock;
  int seeded;
  uint64_t seed;
  uint64_t index; /* number of the event being processed */
  char *region;   /* the EventBridge region, NULL: from the environment */
} context_env;

/* The RNG a built-in context should draw from for the current event. */
void iatk__context_env_rng(const context_env *env, uint64_t stream,
                           iatk_rng *rng);
/* The stream of the EventBridge context's id and account. */
enum { STREAM_EVENTBRIDGE = 0xEB };

/* A built-in context on event text (event_text.h): TEXT_DONE with the
 * text edited exactly as the context edits the parsed event, or TEXT_DOM,
 * untouched, when this event needs the parsed event (the context's
 * iatk_context_fn then gives the result or the error). */
typedef int (*context_text_fn)(event_text *e, const context_env *env,
                               void *userdata);

/* Built-ins: each returns userdata for iatk_context_fn plus its destructor,
 * and those of its text form when it has one. */
typedef struct builtin_context {
  iatk_context_fn fn;
  void *userdata;
  void (*free_userdata)(void *);
  context_text_fn text_fn;
  void *text_userdata;
  void (*free_text_userdata)(void *);
} builtin_context;

/* One context of a pipeline, applied in order. */
typedef struct context_entry {
  char *name;
  iatk_context_fn fn;
  void *userdata;
  void (*free_userdata)(void *);
  context_text_fn text_fn; /* NULL: user contexts and merge patches */
  void *text_userdata;
  void (*free_text_userdata)(void *);
} context_entry;

struct iatk_pipeline {
  context_entry *entries;
  size_t count;
  size_t cap;
  context_env env;
  /* iatk_pipeline_generate's per-event state (pipeline_event.c) */
  event_text text;
  iatk_buf compact, out;
  pipeline_replay replay;         /* the contexts' edits, kept for replay */
  iatk__revalidator *revalidator; /* validate_text's, made on first use */
};

/* pipeline.c: parses an event as iatk_pipeline_run_text does (EJSON at
 * "<event>"), and runs contexts from..count-1 of `p` on it. */
json_t *iatk__pipeline_parse_event(const char *text, iatk_error *err);
int iatk__pipeline_run_from(iatk_pipeline *p, size_t from, json_t *event,
                            iatk_error *err);

/* pipeline_event.c: event text as iatk's generator writes it, through the
 * contexts, the validator (when not NULL, and unless `checked`: an
 * identical validator found this very text valid) and indentation. */
int iatk__pipeline_process_text(iatk_pipeline *p, const char *text, size_t len,
                                uint64_t index, iatk_validator *validator,
                                int checked, int pretty, const char **out,
                                size_t *out_len, iatk_error *err);

/* How many events iatk_pipeline_generate wrote by replaying the
 * contexts' edits (pipeline_replay.c): for tests. */
uint64_t iatk__pipeline_replays(const iatk_pipeline *p);

/* Text forms of the built-ins (set_text.c, eventbridge_text.c). */
typedef struct set_text set_text;
set_text *iatk__set_text_new(const char *pointer, const json_t *value);
int iatk__set_text_apply(event_text *e, const context_env *env, void *userdata);
void iatk__set_text_free(void *userdata);
typedef struct eventbridge_text eventbridge_text;
eventbridge_text *iatk__eventbridge_text_new(const char *detail_type,
                                             const char *source,
                                             const char *region);
int iatk__eventbridge_text_apply(event_text *e, const context_env *env,
                                 void *userdata);
/* The EventBridge context's account: 12 digits from `rng` (one draw). */
void iatk__eventbridge_account(iatk_rng *rng, char out[12]);
/* What the EventBridge context makes for each event, for replay: the id
 * and account it draws (unquoted), and the clock it reads. */
void iatk__eventbridge_draw(const context_env *env, char id[36],
                            char account[12]);
iatk_instant iatk__eventbridge_clock_now(const iatk_clock *c);
void iatk__eventbridge_text_free(void *userdata);

int iatk__eventbridge_context_make(const context_env *env,
                                   const char *detail_type, const char *source,
                                   builtin_context *out, iatk_error *err);
int iatk__set_context_make(const char *assignment, builtin_context *out,
                           iatk_error *err);
int iatk__merge_context_make(const char *patch_json, builtin_context *out,
                             iatk_error *err);

/* eventbridge_form.c: whether a string (n bytes) is in the form
 * EventBridge delivers the member in. */
int iatk__eventbridge_form_version(const char *s, size_t n);
int iatk__eventbridge_form_account(const char *s, size_t n);
int iatk__eventbridge_form_uuid(const char *s, size_t n);
int iatk__eventbridge_form_region(const char *s, size_t n);

/* Applies an RFC 6901 assignment to `doc` (used by set contexts). */
int iatk__pointer_set(json_t *doc, const char *pointer, json_t *value,
                      iatk_error *err);

#endif
