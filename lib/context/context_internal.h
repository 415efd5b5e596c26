/* Private pieces of the context pipeline. */
#ifndef IATK_CONTEXT_INTERNAL_H
#define IATK_CONTEXT_INTERNAL_H

#include "common/internal.h"

/* What built-in contexts read about the current run: the clock and, when
 * seeded, the key that makes their random values reproducible. */
typedef struct context_env {
  iatk_clock clock;
  int seeded;
  uint64_t seed;
  uint64_t index; /* number of the event being processed */
} context_env;

/* The RNG a built-in context should draw from for the current event. */
void context_env_rng(const context_env *env, uint64_t stream, iatk_rng *rng);

/* Built-ins: each returns userdata for iatk_context_fn plus its destructor. */
typedef struct builtin_context {
  iatk_context_fn fn;
  void *userdata;
  void (*free_userdata)(void *);
} builtin_context;

int eventbridge_context_make(const context_env *env, const char *detail_type,
                             const char *source, builtin_context *out,
                             iatk_error *err);
int set_context_make(const char *assignment, builtin_context *out,
                     iatk_error *err);
int merge_context_make(const char *patch_json, builtin_context *out,
                       iatk_error *err);

/* eventbridge_form.c: whether a string (n bytes) is in the form
 * EventBridge delivers the member in. */
int eventbridge_form_version(const char *s, size_t n);
int eventbridge_form_account(const char *s, size_t n);
int eventbridge_form_uuid(const char *s, size_t n);
int eventbridge_form_region(const char *s, size_t n);

/* Applies an RFC 6901 assignment to `doc` (used by set contexts). */
int pointer_set(json_t *doc, const char *pointer, json_t *value,
                iatk_error *err);

#endif
