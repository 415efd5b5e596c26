/* The public iatk_sender: settings, counters, and the way in for events
 * (parse, encode by the sink, refuse with a reason) before deliver.c takes
 * them on. */
#include <stdlib.h>
#include <string.h>

#include "sink/sink_internal.h"

#define DEFAULT_CONCURRENCY 8
#define MAX_CONCURRENCY 256

static const iatk__sink *sink_of(int kind) {
  switch (kind) {
  case IATK_SINK_EVENTBRIDGE: return &iatk__sink_eventbridge;
  case IATK_SINK_SQS: return &iatk__sink_sqs;
  case IATK_SINK_KINESIS: return &iatk__sink_kinesis;
  case IATK_SINK_LAMBDA_ASYNC: return &iatk__sink_lambda;
  default: return NULL;
  }
}

iatk_sender *iatk_sender_new(iatk_aws *aws, int kind, const char *target,
                             iatk_error *err) {
  const iatk__sink *sink = sink_of(kind);
  if (!aws || !sink || !target || !target[0]) {
    iatk__fail(err, IATK_EINVAL,
               !sink  ? "unknown sink kind %d"
               : !aws ? "no AWS client"
                      : "no target to send to",
               kind);
    return NULL;
  }
  iatk_sender *s = calloc(1, sizeof *s);
  if (!s || !(s->target = strdup(target))) {
    free(s);
    iatk__fail(err, IATK_ENOMEM, "out of memory");
    return NULL;
  }
  s->aws = aws;
  s->sink = sink;
  s->concurrency = DEFAULT_CONCURRENCY;
  s->max_attempts = iatk__aws_config_of(aws)->max_attempts;
  s->started = s->progress_at = iatk__sink_now();
  iatk__rng_init_fresh(&s->rng);
  iatk__buf_init(&s->body);
  if (sink->setup(s, err) != IATK_OK) {
    iatk_sender_free(s);
    return NULL;
  }
  s->multi = iatk__aws_multi_new(aws, sink->service, s->concurrency, err);
  if (!s->multi) {
    iatk_sender_free(s);
    return NULL;
  }
  return s;
}

void iatk_sender_free(iatk_sender *s) {
  if (!s)
    return;
  iatk__sink_cancel(s);
  iatk__aws_multi_free(s->multi);
  for (size_t i = 0; i < s->header_count; i++)
    free((char *)s->headers[i].value);
  iatk__buf_release(&s->body);
  for (size_t i = 0; i < sizeof s->first_failure / sizeof *s->first_failure;
       i++)
    free(s->first_failure[i]);
  free(s->path);
  free(s->partition_key);
  free(s->target);
  free(s);
}

/* Settings that shape requests are fixed once events flow. */
static int before_first_add(const iatk_sender *s, iatk_error *err) {
  if (s->stats.added)
    return iatk__fail(err, IATK_EINVAL,
                      "sender settings must be made before "
                      "the first event");
  return IATK_OK;
}

int iatk_sender_set_concurrency(iatk_sender *s, int n, iatk_error *err) {
  if (before_first_add(s, err) != IATK_OK)
    return IATK_EINVAL;
  if (n < 1 || n > MAX_CONCURRENCY)
    return iatk__fail(err, IATK_EINVAL, "concurrency must be 1 to %d, not %d",
                      MAX_CONCURRENCY, n);
  iatk__aws_multi *m = iatk__aws_multi_new(s->aws, s->sink->service, n, err);
  if (!m)
    return iatk__error_code(err, IATK_EINVAL);
  iatk__aws_multi_free(s->multi);
  s->multi = m;
  s->concurrency = n;
  return IATK_OK;
}

int iatk_sender_set_rate(iatk_sender *s, double rate, iatk_error *err) {
  if (before_first_add(s, err) != IATK_OK)
    return IATK_EINVAL;
  if (!(rate >= 0) || rate > 1e9)
    return iatk__fail(err, IATK_EINVAL,
                      "the rate must be a number of events "
                      "per second, 0 for no limit");
  s->rate = rate;
  return IATK_OK;
}

int iatk_sender_set_partition_key(iatk_sender *s, const char *pointer,
                                  iatk_error *err) {
  if (s->sink != &iatk__sink_kinesis)
    return iatk__fail(err, IATK_EINVAL,
                      "a partition key is for Kinesis "
                      "streams only");
  if (pointer && pointer[0] && pointer[0] != '/')
    return iatk__fail(err, IATK_EPOINTER,
                      "'%s' is not a JSON pointer (RFC "
                      "6901: empty or starting with '/')",
                      pointer);
  char *copy = pointer ? strdup(pointer) : NULL;
  if (pointer && !copy)
    return iatk__fail(err, IATK_ENOMEM, "out of memory");
  free(s->partition_key);
  s->partition_key = copy;
  return IATK_OK;
}

int iatk_sender_set_max_attempts(iatk_sender *s, int n, iatk_error *err) {
  if (n < 1 || n > 100)
    return iatk__fail(err, IATK_EINVAL, "max attempts must be 1 to 100");
  s->max_attempts = n;
  return IATK_OK;
}

void iatk_sender_on_failure(iatk_sender *s, iatk_send_failure_fn fn,
                            void *userdata) {
  s->on_failure = fn;
  s->failure_data = userdata;
}

void iatk_sender_on_progress(iatk_sender *s, iatk_send_progress_fn fn,
                             void *userdata, double interval) {
  s->on_progress = fn;
  s->progress_data = userdata;
  s->progress_interval = interval > 0 ? interval : 0;
}

void iatk_sender_stop(iatk_sender *s) {
  if (s)
    s->stop_asked = 1;
}

void iatk_sender_stats(const iatk_sender *s, iatk_send_stats *out) {
  *out = s->stats;
  out->seconds = iatk__sink_now() - s->started;
}

/* --------------------------------------------------------------- events */

static iatk__entry *entry_new(const char *text, size_t len, uint64_t line) {
  iatk__entry *e = calloc(1, sizeof *e);
  if (!e || !(e->text = malloc(len + 1))) {
    free(e);
    return NULL;
  }
  memcpy(e->text, text, len);
  e->text[len] = '\0';
  e->len = len;
  e->line = line;
  return e;
}

/* The sink's entry for the event, or the reason it is refused. */
static int encode(iatk_sender *s, iatk__entry *e, iatk_error *err) {
  json_error_t jerr;
  json_t *event = json_loadb(e->text, e->len, JSON_DECODE_ANY, &jerr);
  if (!event)
    return iatk__fail(err, IATK_EJSON, "not JSON: %s", jerr.text);
  int rc = json_is_object(event)
               ? s->sink->encode(s, event, e, err)
               : iatk__fail(err, IATK_EJSON, "not a JSON object");
  json_decref(event);
  if (rc == IATK_OK && e->size > s->sink->max_entry_bytes)
    rc = iatk__fail(err, IATK_ELIMIT,
                    "%s entry of %zu bytes, more than "
                    "the %zu AWS accepts",
                    s->sink->name, e->size, s->sink->max_entry_bytes);
  return rc;
}

int iatk_sender_add(iatk_sender *s, const char *text, size_t len, uint64_t line,
                    iatk_error *err) {
  if (s->finished)
    return iatk__fail(err, IATK_EINVAL, "the sender has finished");
  iatk__entry *e = entry_new(text ? text : "", text ? len : 0, line);
  if (!e)
    return iatk__fail(err, IATK_ENOMEM, "out of memory");
  s->stats.added++;
  s->stats.pending++;
  iatk_error why;
  iatk_error_clear(&why);
  if (encode(s, e, &why) != IATK_OK) {
    iatk__sink_fail(s, e, IATK_SEND_REFUSED, "", why.message);
    return IATK_OK;
  }
  return iatk__sink_add(s, e, err);
}

int iatk_sender_idle(iatk_sender *s, int timeout_ms, iatk_error *err) {
  if (s->finished)
    return iatk__fail(err, IATK_EINVAL, "the sender has finished");
  return iatk__sink_idle(s, timeout_ms < 0 ? 0 : timeout_ms, err);
}

int iatk_sender_finish(iatk_sender *s, iatk_error *err) {
  if (s->finished)
    return iatk__fail(err, IATK_EINVAL, "the sender has finished");
  s->finished = 1;
  return iatk__sink_finish(s, err);
}
