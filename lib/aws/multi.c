/* Many AWS calls at once on one libcurl multi handle (see aws_internal.h).
 * A call is a heap "job" that owns copies of its request, so callers may
 * build requests in reusable buffers.  A job waits in a queue until a slot
 * is free and its retry timer (if any) has run out; then an attempt is
 * signed with fresh credentials and handed to libcurl.  When libcurl
 * reports it done, call.c judges it exactly as iatk__aws_send does. */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "aws/aws_private.h"
#include "aws/http_private.h"

#define NO_REGION                                                              \
  "no AWS region: set --region, AWS_REGION or the profile's region"

typedef struct job {
  struct job *next;                /* in the queue */
  struct job *fly_prev, *fly_next; /* among the exchanges in flight */
  iatk__aws_multi *multi;
  iatk__aws_request req; /* points into the copies below */
  char *method, *path, *query, *body, *host_prefix;
  iatk__http_header *headers;
  iatk__aws_creds creds;
  iatk__aws_target target;
  iatk__aws_call call;
  iatk__aws_headers signed_headers;
  iatk__http_request http;
  iatk__http_exchange x;
  iatk__aws_response resp;
  iatk_buf message;
  iatk_error last;
  double due; /* monotonic seconds before which it must not start */
  iatk__aws_multi_done done;
  void *userdata;
} job;

struct iatk__aws_multi {
  iatk_aws *aws;
  const iatk__aws_config *cfg;
  iatk__aws_service_id service;
  char *endpoint;
  CURLM *curl;
  int max_in_flight;
  int in_flight;
  int stop_retrying;
  job *queue, *queue_tail;
  job *flying; /* attached to the multi handle */
  size_t pending;
  iatk_rng rng;
};

static double now_seconds(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

/* ------------------------------------------------------------------ jobs */

static void job_free(job *j) {
  iatk__aws_call_release(&j->call);
  iatk__aws_headers_release(&j->signed_headers);
  iatk__aws_creds_release(&j->creds);
  iatk__aws_response_release(&j->resp);
  iatk__buf_release(&j->message);
  for (size_t i = 0; j->headers && i < j->req.header_count; i++) {
    free((char *)j->headers[i].name);
    free((char *)j->headers[i].value);
  }
  free(j->headers);
  free(j->method);
  free(j->path);
  free(j->query);
  free(j->host_prefix);
  free(j->body);
  free(j);
}

static char *dup_or_null(const char *s, int *nomem) {
  char *d = s ? strdup(s) : NULL;
  *nomem |= s && !d;
  return d;
}

static int copy_request(job *j, const iatk__aws_request *req) {
  int nomem = 0;
  j->req = *req;
  j->method = dup_or_null(req->method, &nomem);
  j->path = dup_or_null(req->path, &nomem);
  j->query = dup_or_null(req->query, &nomem);
  j->host_prefix = dup_or_null(req->host_prefix, &nomem);
  j->body = malloc(req->body_len + 1);
  j->headers = calloc(req->header_count + 1, sizeof *j->headers);
  if (nomem || !j->body || !j->headers)
    return -1;
  if (req->body_len)
    memcpy(j->body, req->body, req->body_len);
  for (size_t i = 0; i < req->header_count; i++) {
    j->headers[i].name = dup_or_null(req->headers[i].name, &nomem);
    j->headers[i].value = dup_or_null(req->headers[i].value, &nomem);
  }
  j->req.method = j->method;
  j->req.path = j->path;
  j->req.query = j->query;
  j->req.host_prefix = j->host_prefix;
  j->req.body = j->body;
  j->req.headers = j->headers;
  return nomem ? -1 : 0;
}

static void enqueue(iatk__aws_multi *m, job *j) {
  j->next = NULL;
  if (m->queue_tail)
    m->queue_tail->next = j;
  else
    m->queue = j;
  m->queue_tail = j;
}

/* Takes the first job whose timer has run out, or NULL. */
static job *dequeue_due(iatk__aws_multi *m, double now) {
  job *prev = NULL;
  for (job *j = m->queue; j; prev = j, j = j->next) {
    if (j->due > now && !m->stop_retrying)
      continue;
    if (prev)
      prev->next = j->next;
    else
      m->queue = j->next;
    if (m->queue_tail == j)
      m->queue_tail = prev;
    j->next = NULL;
    return j;
  }
  return NULL;
}

/* Reports a finished job and frees it. */
static void complete(iatk__aws_multi *m, job *j, int rc,
                     const iatk_error *err) {
  m->pending--;
  j->done(j->userdata, rc, &j->resp, err);
  job_free(j);
}

/* ------------------------------------------------------------- attempts */

/* Fresh credentials (the cache refreshes them before they expire), a new
 * signature, and the exchange handed to libcurl. */
static int start_attempt(iatk__aws_multi *m, job *j, iatk_error *err) {
  iatk__aws_creds_release(&j->creds);
  iatk__aws_headers_release(&j->signed_headers);
  iatk__http_response_release(&j->resp.http);
  j->resp.error_code[0] = '\0';
  iatk__buf_reset(&j->message);
  iatk_error_clear(&j->last);
  int rc = j->req.anonymous ? IATK_OK
                            : iatk__aws_credentials(m->aws, &j->creds, err);
  if (rc == IATK_OK)
    rc = iatk__aws_call_sign(&j->call, &j->signed_headers, err);
  if (rc != IATK_OK)
    return rc;
  iatk__aws_call_http(&j->call, &j->signed_headers, &j->http);
  rc = iatk__http_exchange_start(&j->x, &j->http, &j->resp.http, err);
  if (rc != IATK_OK)
    return rc;
  curl_easy_setopt(j->x.curl, CURLOPT_PRIVATE, j);
  if (curl_multi_add_handle(m->curl, j->x.curl) != CURLM_OK) {
    iatk__http_exchange_end(&j->x, CURLE_OUT_OF_MEMORY, NULL);
    return iatk__fail(err, IATK_ENOMEM, "out of memory");
  }
  m->in_flight++;
  j->fly_prev = NULL;
  j->fly_next = m->flying;
  if (m->flying)
    m->flying->fly_prev = j;
  m->flying = j;
  return IATK_OK;
}

static void start_due(iatk__aws_multi *m) {
  double now = now_seconds();
  job *j;
  while (m->in_flight < m->max_in_flight && (j = dequeue_due(m, now))) {
    if (j->resp.attempts > 0 && m->stop_retrying) {
      /* A retry that will not happen: report the failure it waited on. */
      iatk_error err;
      iatk_error_clear(&err);
      int rc = iatk__aws_call_result(&j->call, &j->resp, j->last.code, &j->last,
                                     &j->message, &err);
      complete(m, j, rc, &err);
      continue;
    }
    iatk_error err;
    iatk_error_clear(&err);
    int rc = start_attempt(m, j, &err);
    if (rc != IATK_OK)
      complete(m, j, rc, &err);
  }
}

/* Takes a job off the multi handle and the list in flight. */
static void land(iatk__aws_multi *m, job *j) {
  curl_multi_remove_handle(m->curl, j->x.curl);
  m->in_flight--;
  if (j->fly_prev)
    j->fly_prev->fly_next = j->fly_next;
  else
    m->flying = j->fly_next;
  if (j->fly_next)
    j->fly_next->fly_prev = j->fly_prev;
}

/* An attempt libcurl finished: retry after the backoff, or report. */
static void finish_attempt(iatk__aws_multi *m, job *j, CURLcode result) {
  land(m, j);
  int rc = iatk__http_exchange_end(&j->x, result, &j->last);
  j->resp.attempts++;
  int again = iatk__aws_call_judge(&j->call, &j->resp, rc, &j->message);
  if (again && !m->stop_retrying) {
    double r = (double)(iatk__rng_next(&m->rng) >> 11) * 0x1p-53;
    j->due = now_seconds() + iatk__aws_backoff(j->resp.attempts, r);
    j->last.code = rc;
    enqueue(m, j);
    return;
  }
  iatk_error err;
  iatk_error_clear(&err);
  rc = iatk__aws_call_result(&j->call, &j->resp, rc, &j->last, &j->message,
                             &err);
  complete(m, j, rc, &err);
}

static void reap(iatk__aws_multi *m) {
  CURLMsg *msg;
  int left;
  while ((msg = curl_multi_info_read(m->curl, &left))) {
    if (msg->msg != CURLMSG_DONE)
      continue;
    job *j = NULL;
    curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE, (char **)&j);
    finish_attempt(m, j, msg->data.result);
  }
}

/* ---------------------------------------------------------------- handle */

iatk__aws_multi *iatk__aws_multi_new(iatk_aws *aws,
                                     iatk__aws_service_id service,
                                     int max_in_flight, iatk_error *err) {
  const iatk__aws_config *cfg = iatk__aws_config_of(aws);
  if (!cfg->region) {
    iatk__fail(err, IATK_EINVAL, NO_REGION);
    return NULL;
  }
  iatk__aws_multi *m = calloc(1, sizeof *m);
  if (!m) {
    iatk__fail(err, IATK_ENOMEM, "out of memory");
    return NULL;
  }
  m->aws = aws;
  m->cfg = cfg;
  m->service = service;
  m->max_in_flight = max_in_flight > 0 ? max_in_flight : 1;
  iatk__rng_init_fresh(&m->rng);
  m->endpoint = iatk__aws_endpoint(cfg, service, NULL, err);
  int started = m->endpoint && iatk__http_global_init(err) == IATK_OK;
  m->curl = started ? curl_multi_init() : NULL;
  if (!m->curl) {
    if (started)
      iatk__fail(err, IATK_ENOMEM, "out of memory");
    iatk__aws_multi_free(m);
    return NULL;
  }
  curl_multi_setopt(m->curl, CURLMOPT_MAX_HOST_CONNECTIONS,
                    (long)m->max_in_flight);
  return m;
}

/* A call the handle drops unfinished is still reported, so its caller
 * can account for it. */
static void abandon(iatk__aws_multi *m, job *j) {
  iatk_error err;
  iatk_error_clear(&err);
  iatk__fail(&err, IATK_EIO, "abandoned: the request was still pending");
  complete(m, j, IATK_EIO, &err);
}

void iatk__aws_multi_free(iatk__aws_multi *m) {
  if (!m)
    return;
  while (m->queue) {
    job *j = m->queue;
    m->queue = j->next;
    abandon(m, j);
  }
  while (m->curl && m->flying) {
    job *j = m->flying;
    land(m, j);
    iatk__http_exchange_end(&j->x, CURLE_ABORTED_BY_CALLBACK, NULL);
    abandon(m, j);
  }
  if (m->curl)
    curl_multi_cleanup(m->curl);
  free(m->endpoint);
  free(m);
}

int iatk__aws_multi_add(iatk__aws_multi *m, const iatk__aws_request *req,
                        iatk__aws_multi_done done, void *userdata,
                        iatk_error *err) {
  job *j = calloc(1, sizeof *j);
  if (!j)
    return iatk__fail(err, IATK_ENOMEM, "out of memory");
  iatk__buf_init(&j->message);
  iatk__buf_init(&j->resp.http.body);
  j->multi = m;
  j->done = done;
  j->userdata = userdata;
  j->target = (iatk__aws_target){m->endpoint, m->cfg->region,
                                 req->anonymous ? NULL : &j->creds};
  if (copy_request(j, req) != 0) {
    job_free(j);
    return iatk__fail(err, IATK_ENOMEM, "out of memory");
  }
  int rc = iatk__aws_call_prepare(&j->call, m->cfg, &j->target, &j->req, err);
  if (rc != IATK_OK) {
    job_free(j);
    return rc;
  }
  enqueue(m, j);
  m->pending++;
  return IATK_OK;
}

static double next_due(const iatk__aws_multi *m) {
  double due = -1;
  for (const job *j = m->queue; j; j = j->next)
    if (due < 0 || j->due < due)
      due = j->due;
  return due;
}

void iatk__aws_multi_run(iatk__aws_multi *m, int timeout_ms) {
  int running;
  start_due(m);
  curl_multi_perform(m->curl, &running);
  reap(m);
  start_due(m);
  if (m->pending == 0)
    return;
  int wait = timeout_ms;
  double due = next_due(m);
  if (due >= 0 && m->in_flight < m->max_in_flight) {
    double ms = (due - now_seconds()) * 1000.0;
    wait = ms <= 0 ? 0 : ms < wait ? (int)ms + 1 : wait;
  }
  curl_multi_poll(m->curl, NULL, 0, wait, NULL);
  curl_multi_perform(m->curl, &running);
  reap(m);
  start_due(m);
}

size_t iatk__aws_multi_pending(const iatk__aws_multi *m) { return m->pending; }

void iatk__aws_multi_stop_retrying(iatk__aws_multi *m) { m->stop_retrying = 1; }
