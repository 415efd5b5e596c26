/* The context pipeline: an ordered list of (function, userdata) applied to
 * each event.  Built-in contexts are registered through the same list. */
#include <stdlib.h>
#include <string.h>

#include "context/context_internal.h"

iatk_pipeline *iatk_pipeline_new(iatk_error *err) {
  iatk_pipeline *p = calloc(1, sizeof *p);
  if (!p)
    iatk__fail(err, IATK_ENOMEM, "out of memory");
  else {
    iatk__event_text_init(&p->text);
    iatk__replay_init(&p->replay);
  }
  return p;
}

static void free_context(const builtin_context *ctx) {
  if (ctx->free_userdata)
    ctx->free_userdata(ctx->userdata);
  if (ctx->free_text_userdata)
    ctx->free_text_userdata(ctx->text_userdata);
}

void iatk_pipeline_free(iatk_pipeline *p) {
  if (!p)
    return;
  for (size_t i = 0; i < p->count; i++) {
    const context_entry *e = &p->entries[i];
    free(e->name);
    free_context(&(builtin_context){e->fn, e->userdata, e->free_userdata,
                                    e->text_fn, e->text_userdata,
                                    e->free_text_userdata});
  }
  free(p->entries);
  iatk__event_text_release(&p->text);
  iatk__buf_release(&p->compact);
  iatk__buf_release(&p->out);
  iatk__replay_forget(&p->replay);
  free(p->env.region);
  iatk__revalidator_free(p->revalidator);
  free(p);
}

static int append(iatk_pipeline *p, const char *name, builtin_context ctx,
                  iatk_error *err) {
  iatk__replay_forget(&p->replay); /* its output had no such context */
  if (IATK_ARRAY_GROW(p->entries, p->cap, p->count + 1, SIZE_MAX) != IATK_OK)
    goto oom;
  char *copy = strdup(name ? name : "context");
  if (!copy)
    goto oom;
  p->entries[p->count++] = (context_entry){copy,
                                           ctx.fn,
                                           ctx.userdata,
                                           ctx.free_userdata,
                                           ctx.text_fn,
                                           ctx.text_userdata,
                                           ctx.free_text_userdata};
  return IATK_OK;
oom:
  free_context(&ctx);
  return iatk__fail(err, IATK_ENOMEM, "out of memory");
}

int iatk_pipeline_add(iatk_pipeline *p, const char *name, iatk_context_fn fn,
                      void *userdata, iatk_error *err) {
  if (!p || !fn)
    return iatk__fail(err, IATK_EINVAL,
                      "no pipeline or context function given");
  builtin_context ctx = {fn, userdata, NULL, NULL, NULL, NULL};
  return append(p, name, ctx, err);
}

int iatk_pipeline_add_builtin(iatk_pipeline *p, const char *name,
                              const iatk_plan *plan, iatk_error *err) {
  if (!p || !name)
    return iatk__fail(err, IATK_EINVAL, "no pipeline or context name given");
  if (strcmp(name, "eventbridge") != 0)
    return iatk__fail(err, IATK_EINVAL,
                      "unknown context '%s' (known contexts: eventbridge)",
                      name);
  builtin_context ctx;
  int rc = iatk__eventbridge_context_make(&p->env, iatk_plan_detail_type(plan),
                                          iatk_plan_source(plan), &ctx, err);
  return rc == IATK_OK ? append(p, name, ctx, err) : rc;
}

int iatk_pipeline_add_set(iatk_pipeline *p, const char *assignment,
                          iatk_error *err) {
  builtin_context ctx;
  int rc = p ? iatk__set_context_make(assignment, &ctx, err)
             : iatk__fail(err, IATK_EINVAL, "no pipeline given");
  return rc == IATK_OK ? append(p, "set", ctx, err) : rc;
}

int iatk_pipeline_add_merge(iatk_pipeline *p, const char *patch_json,
                            iatk_error *err) {
  builtin_context ctx;
  int rc = p ? iatk__merge_context_make(patch_json, &ctx, err)
             : iatk__fail(err, IATK_EINVAL, "no pipeline given");
  return rc == IATK_OK ? append(p, "merge", ctx, err) : rc;
}

int iatk_pipeline_set_now(iatk_pipeline *p, const char *rfc3339,
                          iatk_error *err) {
  if (!p)
    return iatk__fail(err, IATK_EINVAL, "no pipeline given");
  iatk__replay_forget(&p->replay);
  return iatk__clock_pin(&p->env.clock, rfc3339, err);
}

int iatk_pipeline_set_region(iatk_pipeline *p, const char *region,
                             iatk_error *err) {
  if (!p || !region)
    return iatk__fail(err, IATK_EINVAL, "no pipeline or region given");
  if (!iatk__eventbridge_form_region(region, strlen(region)))
    return iatk__fail(err, IATK_EINVAL,
                      "'%s' is not an AWS region name (such as us-east-1)",
                      region);
  for (size_t i = 0; i < p->count; i++)
    if (p->entries[i].text_fn == iatk__eventbridge_text_apply)
      return iatk__fail(err, IATK_EINVAL,
                        "set the region before adding the eventbridge "
                        "context (context %zu is one)",
                        i + 1);
  char *copy = strdup(region);
  if (!copy)
    return iatk__fail(err, IATK_ENOMEM, "out of memory");
  free(p->env.region);
  p->env.region = copy;
  return IATK_OK;
}

void iatk_pipeline_set_seed(iatk_pipeline *p, uint64_t seed) {
  if (!p)
    return;
  p->env.seeded = 1;
  p->env.seed = seed;
  iatk__replay_forget(&p->replay);
}

size_t iatk_pipeline_count(const iatk_pipeline *p) { return p ? p->count : 0; }

static int run_entry(const context_entry *e, json_t *event, iatk_error *err) {
  iatk_error local;
  iatk_error_clear(&local);
  int rc = e->fn(event, e->userdata, &local);
  if (rc == IATK_OK)
    return IATK_OK;
  /* Whatever went wrong inside, the step that failed is a context. */
  int code = IATK_ECONTEXT;
  if (local.message[0])
    return iatk__fail_at(err, code, local.where[0] ? local.where : NULL,
                         "context '%s' failed: %s", e->name, local.message);
  return iatk__fail(err, code, "context '%s' failed (it returned %d)", e->name,
                    rc);
}

int iatk__pipeline_run_from(iatk_pipeline *p, size_t from, json_t *event,
                            iatk_error *err) {
  for (size_t i = from; i < p->count; i++) {
    int rc = run_entry(&p->entries[i], event, err);
    if (rc != IATK_OK)
      return rc;
  }
  return IATK_OK;
}

int iatk_pipeline_run(iatk_pipeline *p, json_t *event, uint64_t index,
                      iatk_error *err) {
  if (!p || !event)
    return iatk__fail(err, IATK_EINVAL, "no pipeline or event given");
  p->env.index = index;
  return iatk__pipeline_run_from(p, 0, event, err);
}

json_t *iatk__pipeline_parse_event(const char *text, iatk_error *err) {
  json_error_t jerr;
  json_t *event =
      text ? json_loads(text, JSON_REJECT_DUPLICATES | JSON_ALLOW_NUL, &jerr)
           : NULL;
  if (!event)
    iatk__fail_at(err, IATK_EJSON, "<event>",
                  "event is not valid JSON: %d:%d: %s", text ? jerr.line : 0,
                  text ? jerr.column : 0, text ? jerr.text : "no text");
  return event;
}

static char *dump_and_free(json_t *event, iatk_error *err) {
  iatk_buf b;
  iatk__buf_init(&b);
  iatk__json_write(&b, event);
  json_decref(event);
  if (b.failed) {
    iatk__buf_release(&b);
    iatk__fail(err, IATK_ENOMEM, "out of memory");
    return NULL;
  }
  return iatk__buf_steal(&b);
}

char *iatk_pipeline_run_text(iatk_pipeline *p, const char *event_json,
                             uint64_t index, iatk_error *err) {
  json_t *event = iatk__pipeline_parse_event(event_json, err);
  if (!event)
    return NULL;
  if (iatk_pipeline_run(p, event, index, err) != IATK_OK) {
    json_decref(event);
    return NULL;
  }
  return dump_and_free(event, err);
}

char *iatk_eventbridge_context_text(const char *event_json,
                                    const char *detail_type, const char *source,
                                    iatk_error *err) {
  iatk_pipeline *p = iatk_pipeline_new(err);
  builtin_context ctx;
  char *out = NULL;
  if (p &&
      iatk__eventbridge_context_make(&p->env, detail_type, source, &ctx, err) ==
          IATK_OK &&
      append(p, "eventbridge", ctx, err) == IATK_OK)
    out = iatk_pipeline_run_text(p, event_json, 0, err);
  iatk_pipeline_free(p);
  return out;
}
