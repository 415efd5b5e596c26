/* An AWS call: endpoint + path + query, signed, sent with the SDKs'
 * standard retry mode (botocore's retries/standard.py: throttling and
 * transient error codes, 5xx statuses and connection failures are retried
 * after min(r * 2^(attempt-1), 20) seconds, r uniform in [0, 1), up to
 * max_attempts in all), and an error answer turned into EAWS "Code:
 * Message". */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "aws/aws_private.h"

#define MAX_RESPONSE (64u * 1024u * 1024u)
#define MAX_BACKOFF_SECONDS 20.0
#define NO_REGION                                                              \
  "no AWS region: set --region, AWS_REGION or the profile's region"

/* --------------------------------------------------------------- policy */

/* botocore's ThrottledRetryableChecker and TransientRetryableChecker. */
static const char *const retryable_codes[] = {
    "Throttling", "ThrottlingException", "ThrottledException",
    "RequestThrottledException", "TooManyRequestsException",
    "ProvisionedThroughputExceededException", "TransactionInProgressException",
    "RequestLimitExceeded", "BandwidthLimitExceeded", "LimitExceededException",
    "RequestThrottled", "SlowDown", "PriorRequestNotComplete",
    "EC2ThrottledException", "RequestTimeout", "RequestTimeoutException",
    NULL};

int iatk__aws_retryable(long status, const char *code,
                        iatk__aws_service_id service) {
  if (status == 0)
    return 1; /* no answer: connection refused, reset, timed out */
  for (size_t i = 0; code && retryable_codes[i]; i++)
    if (strcmp(code, retryable_codes[i]) == 0)
      return 1;
  /* botocore's special case for STS web identity calls. */
  if (service == IATK__AWS_STS && code && strcmp(code, "IDPCommunicationError") == 0)
    return 1;
  /* 429 without a code: Java and JavaScript SDKs treat it as throttling. */
  return status == 429 || status == 500 || status == 502 || status == 503 ||
         status == 504;
}

double iatk__aws_backoff(int attempt, double r) {
  double delay = r * ldexp(1.0, attempt - 1 < 30 ? attempt - 1 : 30);
  return delay < MAX_BACKOFF_SECONDS ? delay : MAX_BACKOFF_SECONDS;
}

static void sleep_seconds(double seconds) {
  struct timespec left = {(time_t)seconds,
                          (long)((seconds - floor(seconds)) * 1e9)};
  while (nanosleep(&left, &left) != 0 && errno == EINTR)
    ;
}

/* ----------------------------------------------------------------- URLs */

/* One call's fixed parts: the URL, and the Host and path it is signed
 * with (an endpoint may carry a path prefix: http://host:port/prefix). */
typedef struct call {
  const iatk__aws_config *cfg;
  const iatk__aws_target *target;
  const iatk__aws_request *req;
  iatk_buf url, host, path;
} call;

static int ends_with(const char *s, size_t n, const char *suffix) {
  size_t k = strlen(suffix);
  return n >= k && memcmp(s + n - k, suffix, k) == 0;
}

/* The authority of the endpoint without a default port, as botocore
 * signs it and as we send it in Host. */
static void split_endpoint(call *c) {
  const char *e = c->target->endpoint, *auth = strstr(e, "://") + 3;
  size_t n = strcspn(auth, "/");
  const char *port = strncasecmp(e, "https", 5) == 0 ? ":443" : ":80";
  /* botocore prepends the prefix to an explicit endpoint too. */
  if (c->req->host_prefix && c->cfg->inject_host_prefix)
    iatk_buf_puts(&c->host, c->req->host_prefix);
  iatk_buf_append(&c->host, auth, ends_with(auth, n, port) ? n - strlen(port) : n);
  iatk_buf_puts(&c->path, auth + n);
  iatk_buf_puts(&c->path, c->req->path ? c->req->path : "");
  if (c->path.len == 0)
    iatk_buf_puts(&c->path, "/");
}

static int prepare_call(call *c, iatk_error *err) {
  iatk_buf_init(&c->url);
  iatk_buf_init(&c->host);
  iatk_buf_init(&c->path);
  split_endpoint(c);
  const char *e = c->target->endpoint;
  iatk_buf_append(&c->url, e, (size_t)(strstr(e, "://") + 3 - e));
  iatk_buf_puts(&c->url, c->host.data ? c->host.data : "");
  iatk_buf_puts(&c->url, c->path.data ? c->path.data : "/");
  if (c->req->query && c->req->query[0])
    iatk_buf_printf(&c->url, "?%s", c->req->query);
  if (c->url.failed || c->host.failed || c->path.failed)
    return iatk_fail(err, IATK_ENOMEM, "out of memory");
  return IATK_OK;
}

static void release_call(call *c) {
  iatk_buf_release(&c->url);
  iatk_buf_release(&c->host);
  iatk_buf_release(&c->path);
}

/* ------------------------------------------------------------- attempts */

/* The request's own headers, Host, and what signing adds. */
typedef struct header_set {
  iatk__http_header *items;
  size_t count;
  iatk__sigv4_signature sig;
} header_set;

static int add_signature(const call *c, header_set *h, iatk_error *err) {
  const iatk__aws_request *r = c->req;
  const iatk__aws_creds *creds = c->target->creds;
  iatk__sigv4_request s = {r->method, c->host.data, c->path.data, r->query,
                           r->headers, r->header_count, r->body, r->body_len};
  int rc = iatk__sigv4_sign(&s, creds, c->target->region,
                            iatk__aws_services[r->service].signing_name,
                            time(NULL), &h->sig, err);
  if (rc != IATK_OK)
    return rc;
  h->items[h->count++] = (iatk__http_header){"X-Amz-Date", h->sig.amz_date};
  if (creds->session_token)
    h->items[h->count++] =
        (iatk__http_header){"X-Amz-Security-Token", creds->session_token};
  h->items[h->count++] =
      (iatk__http_header){"Authorization", h->sig.authorization};
  return IATK_OK;
}

static int build_headers(const call *c, header_set *h, iatk_error *err) {
  memset(h, 0, sizeof *h);
  h->items = calloc(c->req->header_count + 4, sizeof *h->items);
  if (!h->items)
    return iatk_fail(err, IATK_ENOMEM, "out of memory");
  for (size_t i = 0; i < c->req->header_count; i++)
    h->items[h->count++] = c->req->headers[i];
  h->items[h->count++] = (iatk__http_header){"Host", c->host.data};
  return c->target->creds ? add_signature(c, h, err) : IATK_OK;
}

static void release_headers(header_set *h) {
  iatk__sigv4_signature_release(&h->sig);
  free(h->items);
}

static int attempt_once(const call *c, iatk__http_response *http,
                        iatk_error *err) {
  header_set h;
  int rc = build_headers(c, &h, err);
  if (rc == IATK_OK) {
    iatk__http_request hr = {
        c->req->method,         c->url.data,
        h.items,                h.count,
        c->req->body,           c->req->body_len,
        c->cfg->ca_bundle,      c->cfg->connect_timeout_ms,
        c->cfg->connect_timeout_ms + c->cfg->read_timeout_ms,
        MAX_RESPONSE};
    rc = iatk__http_perform(&hr, http, err);
  }
  release_headers(&h);
  return rc;
}

/* --------------------------------------------------------------- errors */

static void attempts_note(iatk_buf *m, int attempts) {
  if (attempts > 1)
    iatk_buf_printf(m, " (after %d attempts)", attempts);
}

/* EAWS "Code: Message", or "HTTP 503 from host" when the body says
 * nothing we can read. */
static int service_failure(const call *c, iatk__aws_response *resp,
                           const iatk_buf *message, iatk_error *err) {
  iatk_buf m;
  iatk_buf_init(&m);
  if (resp->error_code[0] && message->len)
    iatk_buf_printf(&m, "%s: %s", resp->error_code, message->data);
  else if (resp->error_code[0])
    iatk_buf_printf(&m, "%s (HTTP %ld from %s)", resp->error_code,
                    resp->http.status, c->host.data);
  else
    iatk_buf_printf(&m, "HTTP %ld from %s", resp->http.status, c->host.data);
  attempts_note(&m, resp->attempts);
  if (!resp->error_code[0])
    snprintf(resp->error_code, sizeof resp->error_code, "%ld",
             resp->http.status);
  int rc = iatk_fail(err, IATK_EAWS, "%s", m.failed ? "AWS error" : m.data);
  iatk_buf_release(&m);
  return rc;
}

static int network_failure(const iatk_error *last, int attempts,
                           iatk_error *err) {
  iatk_buf m;
  iatk_buf_init(&m);
  iatk_buf_puts(&m, last->message);
  attempts_note(&m, attempts);
  int rc = iatk_fail(err, last->code, "%s", m.failed ? last->message : m.data);
  iatk_buf_release(&m);
  return rc;
}

/* ----------------------------------------------------------------- send */

/* One attempt's outcome: 0 done (success or final failure in *rc), 1 to
 * retry. */
static int judge(const call *c, iatk__aws_response *resp, int rc,
                 iatk_buf *message) {
  if (rc != IATK_OK)
    return rc == IATK_ENETWORK && resp->attempts < c->cfg->max_attempts;
  if (resp->http.status >= 200 && resp->http.status < 300)
    return 0;
  iatk__aws_error_parse(&resp->http, resp->error_code,
                        sizeof resp->error_code, message);
  return resp->attempts < c->cfg->max_attempts &&
         iatk__aws_retryable(resp->http.status, resp->error_code,
                             c->req->service);
}

static int send_loop(const call *c, iatk__aws_response *resp,
                     iatk_error *err) {
  iatk_rng rng;
  iatk_rng_init_fresh(&rng);
  iatk_buf message;
  iatk_buf_init(&message);
  iatk_error last;
  int rc, again;
  do {
    iatk__http_response_release(&resp->http);
    resp->error_code[0] = '\0';
    iatk_error_clear(&last);
    resp->attempts++;
    rc = attempt_once(c, &resp->http, &last);
    again = judge(c, resp, rc, &message);
    if (again)
      sleep_seconds(iatk__aws_backoff(
          resp->attempts, (double)(iatk_rng_next(&rng) >> 11) * 0x1p-53));
  } while (again);
  if (rc != IATK_OK)
    rc = network_failure(&last, resp->attempts, err);
  else if (resp->http.status < 200 || resp->http.status >= 300)
    rc = service_failure(c, resp, &message, err);
  iatk_buf_release(&message);
  return rc;
}

int iatk__aws_send_to(const iatk__aws_config *cfg,
                      const iatk__aws_target *target,
                      const iatk__aws_request *req, iatk__aws_response *resp,
                      iatk_error *err) {
  memset(resp, 0, sizeof *resp);
  call c = {cfg, target, req, {0}, {0}, {0}};
  int rc = prepare_call(&c, err);
  if (rc == IATK_OK)
    rc = send_loop(&c, resp, err);
  release_call(&c);
  return rc;
}

int iatk__aws_send(iatk_aws *aws, const iatk__aws_request *req,
                   iatk__aws_response *resp, iatk_error *err) {
  memset(resp, 0, sizeof *resp);
  const iatk__aws_config *cfg = iatk__aws_config_of(aws);
  const char *region = cfg->region;
  if (!region && req->service == IATK__AWS_STS)
    region = "us-east-1"; /* STS's global endpoint */
  if (!region)
    return iatk_fail(err, IATK_EINVAL, NO_REGION);
  char *endpoint = iatk__aws_endpoint(cfg, req->service, NULL, err);
  if (!endpoint)
    return iatk_error_code(err, IATK_EINVAL);
  iatk__aws_creds creds = {0};
  int rc = req->anonymous ? IATK_OK : iatk__aws_credentials(aws, &creds, err);
  iatk__aws_target target = {endpoint, region, req->anonymous ? NULL : &creds};
  if (rc == IATK_OK)
    rc = iatk__aws_send_to(cfg, &target, req, resp, err);
  iatk__aws_creds_release(&creds);
  free(endpoint);
  return rc;
}

void iatk__aws_response_release(iatk__aws_response *resp) {
  if (!resp)
    return;
  iatk__http_response_release(&resp->http);
}
