/* Delivery, the same for every sink: events gather into a batch until the
 * sink's limits (entries, bytes) would be passed; a full batch becomes one
 * request on the multi handle (lib/aws/multi.c, which retries a request
 * that got no answer or a throttling/5xx answer); per-entry failures in a
 * 2xx answer that are worth retrying (throttling, internal errors) are
 * sent again alone after a backoff, the others reported.  At most
 * `concurrency` requests are in flight and, with a rate, the token bucket
 * decides when the next request may start.  Nothing here blocks except
 * pump(), which waits on the network or a timer for at most a fraction of
 * a second, so a stop is seen quickly. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "sink/sink_internal.h"

#define PUMP_MS 100 /* longest wait before a stop or a timer is looked at */
/* While the producer is quiet, a batch being filled is sent once its
 * first event has waited this long: a slow producer's events do not sit
 * unsent until ten more come. */
#define LINGER_MS 20

typedef struct batch {
  iatk_sender *s;
  size_t n;
  iatk__entry *entries[];
} batch;

double iatk__sink_now(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

static void sleep_ms(int ms) {
  struct timespec t = {ms / 1000, (long)(ms % 1000) * 1000000L};
  nanosleep(&t, NULL); /* a signal cutting it short is fine: we look again */
}

/* --------------------------------------------------------------- fates */

void iatk__entry_free(iatk__entry *e) {
  if (!e)
    return;
  free(e->text);
  free(e->encoded);
  free(e);
}

void iatk__sink_fail(iatk_sender *s, iatk__entry *e, int why, const char *code,
                     const char *message) {
  s->stats.failed++;
  s->stats.pending--;
  s->failed_kind[why]++;
  if (!s->first_failure[why] && message && *message)
    s->first_failure[why] = strdup(message);
  if (why == IATK_SEND_REFUSED)
    s->stats.refused++;
  if (s->on_failure)
    s->on_failure(e->text, e->len, e->line, why, code ? code : "",
                  message ? message : "", s->failure_data);
  iatk__entry_free(e);
}

static void delivered(iatk_sender *s, iatk__entry *e) {
  s->stats.sent++;
  s->stats.pending--;
  iatk__entry_free(e);
}

static void fail_list(iatk_sender *s, iatk__entry *list, int why,
                      const char *message) {
  while (list) {
    iatk__entry *next = list->next;
    iatk__sink_fail(s, list, why, "", message);
    list = next;
  }
}

static void progress(iatk_sender *s, int force) {
  if (!s->on_progress)
    return;
  double now = iatk__sink_now();
  if (!force && now - s->progress_at < s->progress_interval)
    return;
  s->progress_at = now;
  iatk_send_stats st;
  iatk_sender_stats(s, &st);
  s->on_progress(&st, s->progress_data);
}

/* ---------------------------------------------------------------- rate */

/* The bucket holds at most a tenth of a second of events (and at least
 * one), so a burst after a pause stays small; a request takes all its
 * events at once once a single token is there, which may leave the
 * bucket in debt: the average still holds, and a batch larger than the
 * bucket never waits forever. */
static double bucket_size(const iatk_sender *s) {
  double b = s->rate / 10.0;
  return b < 1.0 ? 1.0 : b;
}

static void refill(iatk_sender *s, double now) {
  if (s->tokens_at == 0) {
    s->tokens = 1.0;
    s->tokens_at = now;
  }
  s->tokens += (now - s->tokens_at) * s->rate;
  s->tokens_at = now;
  if (s->tokens > bucket_size(s))
    s->tokens = bucket_size(s);
}

/* Milliseconds until the rate lets a request start (0: now). */
static int rate_wait_ms(iatk_sender *s) {
  if (s->rate <= 0)
    return 0;
  refill(s, iatk__sink_now());
  if (s->tokens >= 1.0)
    return 0;
  return (int)((1.0 - s->tokens) / s->rate * 1000.0) + 1;
}

static int room(iatk_sender *s) {
  return s->requests < (size_t)s->concurrency && rate_wait_ms(s) == 0;
}

/* ------------------------------------------------------------- requests */

static void request_done(void *userdata, int rc, const iatk__aws_response *resp,
                         const iatk_error *err);

/* One request for entries[0..n), which it takes over. */
static int launch(iatk_sender *s, iatk__entry **entries, size_t n,
                  iatk_error *err) {
  batch *b = malloc(sizeof *b + n * sizeof *entries);
  if (!b) {
    for (size_t i = 0; i < n; i++)
      iatk__sink_fail(s, entries[i], IATK_SEND_AWS, "", "out of memory");
    return iatk__fail(err, IATK_ENOMEM, "out of memory");
  }
  b->s = s;
  b->n = n;
  for (size_t i = 0; i < n; i++) {
    b->entries[i] = entries[i];
    entries[i]->attempts++;
  }
  if (s->rate > 0)
    s->tokens -= (double)n;
  iatk__buf_reset(&s->body);
  s->sink->body(s, b->entries, n, &s->body);
  iatk__aws_request req = {.service = s->sink->service,
                           .method = "POST",
                           .path = s->path,
                           .headers = s->headers,
                           .header_count = s->header_count,
                           .body = s->body.data ? s->body.data : "",
                           .body_len = s->body.len};
  int rc = s->body.failed
               ? iatk__fail(err, IATK_ENOMEM, "out of memory")
               : iatk__aws_multi_add(s->multi, &req, request_done, b, err);
  if (rc != IATK_OK) {
    for (size_t i = 0; i < n; i++)
      iatk__sink_fail(s, b->entries[i], IATK_SEND_AWS, "", "out of memory");
    free(b);
    return rc;
  }
  s->requests++;
  return IATK_OK;
}

/* A retryable entry waits alone for its backoff (full jitter, as the
 * standard retry mode). */
static void schedule_retry(iatk_sender *s, iatk__entry *e) {
  double r = (double)(iatk__rng_next(&s->rng) >> 11) * 0x1p-53;
  e->due = iatk__sink_now() + iatk__aws_backoff(e->attempts, r);
  e->next = s->retries;
  s->retries = e;
  s->stats.retried++;
}

static void entry_result(iatk_sender *s, iatk__entry *e,
                         const iatk__entry_result *r) {
  if (!r->failed) {
    delivered(s, e);
    return;
  }
  if (r->retryable && e->attempts < s->max_attempts && !s->stopped) {
    schedule_retry(s, e);
    return;
  }
  iatk_buf m;
  iatk__buf_init(&m);
  iatk__buf_printf(&m, "%s: %s", r->code, r->message);
  if (e->attempts > 1)
    iatk__buf_printf(&m, " (after %d attempts)", e->attempts);
  int why = r->retryable && s->stopped ? IATK_SEND_INTERRUPTED : IATK_SEND_AWS;
  iatk__sink_fail(s, e, why, r->code, m.failed ? r->code : m.data);
  iatk__buf_release(&m);
}

static void answered(iatk_sender *s, batch *b, const iatk__aws_response *resp) {
  iatk__entry_result *results = calloc(b->n, sizeof *results);
  if (!results || s->sink->results(resp->http.body.data, resp->http.body.len,
                                   b->n, results) != 0) {
    for (size_t i = 0; i < b->n; i++)
      iatk__sink_fail(s, b->entries[i], IATK_SEND_AWS, "",
                      results ? "the answer could not be read"
                              : "out of memory");
  } else {
    for (size_t i = 0; i < b->n; i++)
      entry_result(s, b->entries[i], &results[i]);
  }
  free(results);
}

static void request_done(void *userdata, int rc, const iatk__aws_response *resp,
                         const iatk_error *err) {
  batch *b = userdata;
  iatk_sender *s = b->s;
  s->requests--;
  if (resp->attempts > 1)
    s->stats.retried += (uint64_t)(resp->attempts - 1) * b->n;
  if (rc == IATK_OK) {
    answered(s, b, resp);
  } else {
    /* Credentials are found before a request is signed: none went out. */
    int why = rc == IATK_ENETWORK       ? IATK_SEND_NETWORK
              : rc == IATK_EIO          ? IATK_SEND_INTERRUPTED
              : rc == IATK_ECREDENTIALS ? IATK_SEND_UNSENT
                                        : IATK_SEND_AWS;
    for (size_t i = 0; i < b->n; i++)
      iatk__sink_fail(s, b->entries[i], why, resp->error_code, err->message);
  }
  free(b);
}

/* ------------------------------------------------------------- the loop */

/* Acts on iatk_sender_stop: what is not in a request in flight fails. */
static void act_on_stop(iatk_sender *s) {
  if (s->stopped)
    return;
  s->stopped = 1;
  iatk__aws_multi_stop_retrying(s->multi);
  iatk__entry *b = s->batch, *r = s->retries;
  s->batch = s->batch_tail = s->retries = NULL;
  s->batch_count = s->batch_bytes = 0;
  fail_list(s, b, IATK_SEND_INTERRUPTED, "stopped before it was sent");
  fail_list(s, r, IATK_SEND_INTERRUPTED,
            "stopped while it waited to be sent again");
}

/* Starts the retries whose backoff is over, as room allows. */
static void start_retries(iatk_sender *s) {
  double now = iatk__sink_now();
  iatk__entry **p = &s->retries;
  while (*p && room(s)) {
    iatk__entry *e = *p;
    if (e->due > now) {
      p = &e->next;
      continue;
    }
    *p = e->next;
    e->next = NULL;
    iatk_error ignored;
    iatk_error_clear(&ignored);
    launch(s, &e, 1, &ignored); /* a failure is reported per entry */
  }
}

static int next_retry_ms(const iatk_sender *s, int limit) {
  double now = iatk__sink_now();
  for (const iatk__entry *e = s->retries; e; e = e->next) {
    double ms = (e->due - now) * 1000.0;
    if (ms < limit)
      limit = ms <= 0 ? 0 : (int)ms + 1;
  }
  return limit;
}

/* Waits at most `ms` for answers or timers and acts on what happened. */
static void pump(iatk_sender *s, int ms) {
  /* A retry that is due but has no free slot waits for an answer, not
   * for its timer: looking at the timer would spin. */
  int wait = s->requests < (size_t)s->concurrency ? next_retry_ms(s, ms) : ms;
  int rate = rate_wait_ms(s);
  if (rate > 0 && rate < wait)
    wait = rate;
  if (iatk__aws_multi_pending(s->multi))
    iatk__aws_multi_run(s->multi, wait);
  else if (wait > 0)
    sleep_ms(wait);
  if (s->stop_asked)
    act_on_stop(s);
  start_retries(s);
  progress(s, 0);
}

static int flush(iatk_sender *s, iatk_error *err) {
  while (s->batch_count && !s->stop_asked && !room(s))
    pump(s, PUMP_MS);
  if (s->stop_asked)
    act_on_stop(s);
  if (!s->batch_count)
    return IATK_OK;
  size_t n = s->batch_count;
  iatk__entry **entries = malloc(n * sizeof *entries);
  if (!entries)
    return iatk__fail(err, IATK_ENOMEM, "out of memory");
  size_t i = 0;
  for (iatk__entry *e = s->batch; e; e = e->next)
    entries[i++] = e;
  for (i = 0; i < n; i++)
    entries[i]->next = NULL;
  s->batch = s->batch_tail = NULL;
  s->batch_count = s->batch_bytes = 0;
  int rc = launch(s, entries, n, err);
  free(entries);
  return rc;
}

int iatk__sink_add(iatk_sender *s, iatk__entry *e, iatk_error *err) {
  if (s->stop_asked)
    act_on_stop(s);
  if (s->stopped) {
    iatk__sink_fail(s, e, IATK_SEND_INTERRUPTED, "",
                    "stopped before it was sent");
    return IATK_OK;
  }
  int rc = IATK_OK;
  const iatk__sink *k = s->sink;
  if (s->batch_count && (s->batch_count + 1 > k->max_entries ||
                         s->batch_bytes + e->size > k->max_batch_bytes))
    rc = flush(s, err);
  if (s->stopped) {
    iatk__sink_fail(s, e, IATK_SEND_INTERRUPTED, "",
                    "stopped before it was sent");
    return rc;
  }
  e->next = NULL;
  if (!s->batch_count)
    s->batch_since = iatk__sink_now();
  if (s->batch_tail)
    s->batch_tail->next = e;
  else
    s->batch = e;
  s->batch_tail = e;
  s->batch_count++;
  s->batch_bytes += e->size;
  if (rc == IATK_OK && s->batch_count >= k->max_entries)
    rc = flush(s, err);
  if (s->retries && room(s))
    start_retries(s);
  progress(s, 0);
  return rc;
}

int iatk__sink_idle(iatk_sender *s, int timeout_ms, iatk_error *err) {
  int waited_ms =
      s->batch_count ? (int)((iatk__sink_now() - s->batch_since) * 1000.0) : 0;
  if (s->batch_count && waited_ms >= LINGER_MS && room(s))
    return flush(s, err);
  int linger_left = s->batch_count ? LINGER_MS - waited_ms : timeout_ms;
  pump(s, timeout_ms < linger_left ? timeout_ms : linger_left);
  return IATK_OK;
}

/* "; the first: CAUSE" for the run's error, or "". */
static const char *first_cause(const iatk_sender *s, int why, iatk_buf *b) {
  const char *m = s->first_failure[why];
  if (!m)
    return "";
  iatk__buf_printf(b, "; the first: %s", m);
  return b->failed ? "" : b->data;
}

/* The result of a whole run: the most serious kind of failure, with the
 * first failure of that kind's cause (AWS's code and message), so that the
 * error says why even when the failure lines were not shown. */
static int outcome(const iatk_sender *s, iatk_error *err) {
  const uint64_t *k = s->failed_kind;
  unsigned long long failed = (unsigned long long)s->stats.failed,
                     added = (unsigned long long)s->stats.added;
  if (!failed)
    return IATK_OK;
  /* the kinds with a cause worth naming, most serious first */
  static const struct {
    int why, code;
    const char *what;
  } kinds[] = {
      {IATK_SEND_NETWORK, IATK_ENETWORK, "got no answer"},
      {IATK_SEND_AWS, IATK_EAWS, "refused by AWS"},
      /* only missing credentials leave events with no request */
      {IATK_SEND_UNSENT, IATK_ECREDENTIALS,
       "not sent: no request could be made"},
  };
  iatk_buf cause;
  iatk__buf_init(&cause);
  int rc = IATK_OK;
  for (size_t i = 0; rc == IATK_OK && i < sizeof kinds / sizeof *kinds; i++)
    if (k[kinds[i].why])
      rc = iatk__fail(err, kinds[i].code,
                      "%llu of %llu events not delivered (%llu %s)%s", failed,
                      added, (unsigned long long)k[kinds[i].why], kinds[i].what,
                      first_cause(s, kinds[i].why, &cause));
  iatk__buf_release(&cause);
  if (rc != IATK_OK)
    return rc;
  if (k[IATK_SEND_INTERRUPTED])
    return iatk__fail(err, IATK_EIO,
                      "%llu of %llu events not delivered "
                      "(interrupted)",
                      failed, added);
  return iatk__fail(err, IATK_EJSON, "%llu of %llu events refused", failed,
                    added);
}

int iatk__sink_finish(iatk_sender *s, iatk_error *err) {
  iatk_error local;
  iatk_error_clear(&local);
  int rc = flush(s, &local);
  while (s->requests || s->retries)
    pump(s, PUMP_MS);
  progress(s, 1);
  if (rc != IATK_OK) {
    if (err && err->code == IATK_OK)
      *err = local;
    return rc;
  }
  return outcome(s, err);
}

void iatk__sink_cancel(iatk_sender *s) {
  s->stop_asked = 1;
  if (s->multi)
    act_on_stop(s);
}

int iatk__sink_code_retryable(const char *code) {
  static const char *const codes[] = {"ThrottlingException",
                                      "Throttling",
                                      "ProvisionedThroughputExceededException",
                                      "InternalFailure",
                                      "InternalException",
                                      "InternalError",
                                      "InternalServerError",
                                      "ServiceUnavailable",
                                      "ServiceUnavailableException",
                                      "KMSThrottlingException",
                                      "TooManyRequestsException",
                                      NULL};
  for (size_t i = 0; code && codes[i]; i++)
    if (strcmp(code, codes[i]) == 0)
      return 1;
  return 0;
}

json_t *iatk__sink_parse_answer(const char *body, size_t len) {
  json_t *doc = body ? json_loadb(body, len, 0, NULL) : NULL;
  if (doc && !json_is_object(doc)) {
    json_decref(doc);
    return NULL;
  }
  return doc;
}

int iatk__sink_json_protocol(iatk_sender *s, const char *content_type,
                             const char *target, iatk_error *err) {
  s->headers[0] = (iatk__http_header){"Content-Type", strdup(content_type)};
  s->headers[1] = (iatk__http_header){"X-Amz-Target", strdup(target)};
  s->header_count = 2;
  s->path = strdup("/");
  if (!s->headers[0].value || !s->headers[1].value || !s->path)
    return iatk__fail(err, IATK_ENOMEM, "out of memory");
  return IATK_OK;
}
