/* One event from the generator through the contexts and the validator to
 * its text, parsed at most once and written once (iatk_pipeline_generate).
 *
 * The generator writes text.  Built-in contexts edit that text directly
 * (event_text.c) for as long as they can; the first context that cannot
 * (a user callback, a merge patch, an edit the text form leaves to the
 * parsed event) has the text parsed once, and it and every context after
 * it work on the parsed event, which is then written once.  Either way
 * the bytes are those of iatk_gen_event, iatk_pipeline_run_text and
 * iatk_format_json in turn, and the verdict that of iatk_validate_text on
 * them. */
#include <math.h>

#include "context/context_internal.h"
#include "gen/gen_event.h"

/* Marks the generator's clock texts for a recording (pipeline_replay.c). */
static void mark_clocks(event_text *e, const replay_event *rec) {
  e->marking = 1;
  for (size_t i = 0; i < rec->clocks_n; i++)
    iatk__event_text_mark(e, rec->clocks[i].at, rec->clocks[i].len,
                          MARK_GEN_CLOCK, i);
}

/* Runs the leading contexts that have a text form on the generator's text;
 * returns how many ran.  None when the text is not in the form that makes
 * an edit of it the edit of the parsed event (iatk__event_text_load).
 * With `rec` (the text replays a generator template), the edits are
 * recorded for replay when every context made them. */
static size_t run_text_contexts(iatk_pipeline *p, const replay_event *rec,
                                const char **text, size_t *len) {
  if (!p->count || !p->entries[0].text_fn ||
      !iatk__event_text_load(&p->text, *text, *len))
    return 0;
  if (rec)
    mark_clocks(&p->text, rec);
  size_t i = 0;
  while (i < p->count && p->entries[i].text_fn &&
         p->entries[i].text_fn(&p->text, &p->env,
                               p->entries[i].text_userdata) == TEXT_DONE &&
         !p->text.failed)
    i++;
  if (rec && i == p->count)
    iatk__replay_keep(&p->replay, rec->serial, &p->text);
  p->text.marking = 0;
  *text = p->text.text;
  *len = p->text.len;
  return i;
}

/* Whether writing `v` and reading the text back gives `v` again.  It does
 * but for reals with an integral value from 1e15 on, which the writer
 * prints in digits that read back as integers (draft-04's "integer" and
 * multipleOf tell them apart). */
static int reads_back_as_is(const json_t *v) {
  const char *key;
  json_t *child;
  size_t i;
  switch (json_typeof(v)) {
  case JSON_REAL:
    return fabs(json_real_value(v)) < 1e15 ||
           json_real_value(v) != floor(json_real_value(v));
  case JSON_OBJECT:
    json_object_foreach((json_t *)v, key,
                        child) if (!reads_back_as_is(child)) return 0;
    return 1;
  case JSON_ARRAY:
    json_array_foreach(v, i, child) if (!reads_back_as_is(child)) return 0;
    return 1;
  default: return 1;
  }
}

/* The validator's verdict on the written text, from the parsed event when
 * that is the same thing. */
static int validate_parsed(iatk_validator *v, const json_t *event,
                           const iatk_buf *written, iatk_error *err) {
  if (reads_back_as_is(event))
    return iatk_validate(v, event, err);
  return iatk_validate_text(v, written->data, written->len, err);
}

/* Parses the text, runs contexts from..count-1 on it, writes the result
 * into p->compact and validates it. */
static int finish_parsed(iatk_pipeline *p, size_t from, const char *text,
                         iatk_validator *v, iatk_error *err) {
  json_t *event = iatk__pipeline_parse_event(text, err);
  if (!event)
    return iatk__error_code(err, IATK_EJSON);
  int rc = iatk__pipeline_run_from(p, from, event, err);
  if (rc == IATK_OK) {
    iatk__buf_reset(&p->compact);
    iatk__json_write(&p->compact, event);
    if (p->compact.failed)
      rc = iatk__fail(err, IATK_ENOMEM, "out of memory writing the event");
  }
  if (rc == IATK_OK && v)
    rc = validate_parsed(v, event, &p->compact, err);
  json_decref(event);
  return rc;
}

/* The validator's verdict on event text.  The pipeline's revalidator
 * re-checks only the strings that changed since the last event it validated
 * in full, when that is enough to tell (validator.h).  Otherwise: text the
 * contexts edited was checked by iatk__event_text_load; the generator's own
 * is checked now.  Such text gives its document without jansson's parser,
 * which read it a byte at a time at a cost near the validation's own. */
static int validate_text(iatk_pipeline *p, iatk_validator *v, const char *text,
                         size_t len, int loaded, iatk_error *err) {
  if (!p->revalidator)
    p->revalidator = iatk__revalidator_new(); /* NULL: full validations */
  if (iatk__revalidator_quick(p->revalidator, v, text, len))
    return IATK_OK;
  json_t *event = loaded || iatk__event_text_load(&p->text, text, len)
                      ? iatk__event_text_document(text)
                      : NULL;
  int rc = iatk__revalidator_full(p->revalidator, v, text, len, event, err);
  json_decref(event);
  return rc;
}

/* The event's text after the contexts, validated; *text and *len name it. */
static int run_contexts(iatk_pipeline *p, const replay_event *rec,
                        iatk_validator *v, int checked, const char **text,
                        size_t *len, iatk_error *err) {
  size_t done = run_text_contexts(p, rec, text, len);
  if (p->text.failed)
    return iatk__fail(err, IATK_ENOMEM, "out of memory applying the contexts");
  if (done < p->count) {
    int rc = finish_parsed(p, done, *text, v, err);
    *text = p->compact.data;
    *len = p->compact.len;
    return rc;
  }
  /* The generator's self-check already gave an untouched event this
   * verdict, with a validator set up the same way. */
  if (!v || (p->count == 0 && checked))
    return IATK_OK;
  return validate_text(p, v, *text, *len, done > 0, err);
}

/* The event's text, indented when asked, as *text and *len. */
static int finish(iatk_pipeline *p, const char *event, size_t n, int pretty,
                  const char **text, size_t *len, iatk_error *err) {
  if (pretty) { /* indenting compact text changes no number */
    iatk__buf_reset(&p->out);
    iatk__json_indent(&p->out, event, n);
    if (p->out.failed)
      return iatk__fail(err, IATK_ENOMEM, "out of memory formatting the event");
    event = p->out.data;
    n = p->out.len;
  }
  *text = event;
  if (len)
    *len = n;
  return IATK_OK;
}

static int process(iatk_pipeline *p, const char *event, size_t n,
                   const replay_event *rec, iatk_validator *validator,
                   int checked, int pretty, const char **text, size_t *len,
                   iatk_error *err) {
  int rc = run_contexts(p, rec, validator, checked, &event, &n, err);
  return rc == IATK_OK ? finish(p, event, n, pretty, text, len, err) : rc;
}

int iatk__pipeline_process_text(iatk_pipeline *p, const char *event, size_t n,
                                uint64_t index, iatk_validator *validator,
                                int checked, int pretty, const char **text,
                                size_t *len, iatk_error *err) {
  p->env.index = index;
  return process(p, event, n, NULL, validator, checked, pretty, text, len, err);
}

/* The contexts' output for a replayed generator event, written by replay
 * when the pipeline keeps it (pipeline_replay.c): validated and indented
 * as the contexts' own would be.  0 when the contexts must run. */
static int replayed(iatk_pipeline *p, const replay_event *ev, iatk_validator *v,
                    int pretty, const char **text, size_t *len, iatk_error *err,
                    int *rc) {
  if (!p->count || !iatk__replay_write(&p->replay, ev, &p->compact))
    return 0;
  *rc = v ? validate_text(p, v, p->compact.data, p->compact.len, 0, err)
          : IATK_OK;
  if (*rc == IATK_OK)
    *rc = finish(p, p->compact.data, p->compact.len, pretty, text, len, err);
  return 1;
}

/* The same when the kept output needs none of the generator's text: then
 * the generator only reads the clock for the event. */
static int replayed_alone(iatk_pipeline *p, iatk_gen *gen, iatk_validator *v,
                          int pretty, const char **text, size_t *len,
                          iatk_error *err, int *rc) {
  if (!p->replay.serial || p->replay.clocks_needed)
    return 0;
  replay_event ev = {0, NULL, NULL, 0, {0, 0}, &p->env};
  ev.serial = iatk__gen_replay_instant(gen, &ev.gen_now);
  return iatk__replay_follows(&p->replay, ev.serial) &&
         replayed(p, &ev, v, pretty, text, len, err, rc);
}

int iatk_pipeline_generate(iatk_pipeline *p, iatk_gen *gen, uint64_t index,
                           iatk_validator *validator, int pretty,
                           const char **text, size_t *len, iatk_error *err) {
  if (!p || !gen || !text)
    return iatk__fail(err, IATK_EINVAL,
                      "no pipeline, generator or output given");
  const char *event;
  size_t n;
  int rc;
  p->env.index = index;
  if (replayed_alone(p, gen, validator, pretty, text, len, err, &rc))
    return rc;
  if ((rc = iatk__gen_event_compact(gen, index, &event, &n, err)) != IATK_OK)
    return rc;
  replay_event ev = {0, event, NULL, 0, {0, 0}, &p->env};
  ev.serial = iatk__gen_replayed(gen, &ev.clocks, &ev.clocks_n);
  if (ev.serial) {
    ev.gen_now = iatk__gen_now(gen);
    if (replayed(p, &ev, validator, pretty, text, len, err, &rc))
      return rc;
  }
  return process(p, event, n, ev.serial ? &ev : NULL, validator,
                 iatk__gen_checked_like(gen, validator), pretty, text, len,
                 err);
}

uint64_t iatk__pipeline_replays(const iatk_pipeline *p) {
  return p ? p->replay.replays : 0;
}
