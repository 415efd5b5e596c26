/* What one AWS call needs whichever way it is sent (iatk__aws_send's
 * blocking loop in request.c, or a libcurl multi handle in multi.c): the
 * URL, Host and path it is signed with, the signed headers of an attempt,
 * the judgement of an answer (done, or retry by the standard retry mode)
 * and the error made of a final failure.  Keeping them in one place keeps
 * the two paths from drifting apart. */
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "aws/aws_private.h"

#define MAX_RESPONSE (64u * 1024u * 1024u)

/* ----------------------------------------------------------------- URLs */

static int ends_with(const char *s, size_t n, const char *suffix) {
  size_t k = strlen(suffix);
  return n >= k && memcmp(s + n - k, suffix, k) == 0;
}

/* The authority of the endpoint without a default port, as botocore
 * signs it and as we send it in Host. */
static void split_endpoint(iatk__aws_call *c) {
  const char *e = c->target->endpoint, *auth = strstr(e, "://") + 3;
  size_t n = strcspn(auth, "/");
  const char *port = strncasecmp(e, "https", 5) == 0 ? ":443" : ":80";
  /* botocore prepends the prefix to an explicit endpoint too. */
  if (c->req->host_prefix && c->cfg->inject_host_prefix)
    iatk__buf_puts(&c->host, c->req->host_prefix);
  iatk__buf_append(&c->host, auth,
                   ends_with(auth, n, port) ? n - strlen(port) : n);
  iatk__buf_puts(&c->path, auth + n);
  iatk__buf_puts(&c->path, c->req->path ? c->req->path : "");
  if (c->path.len == 0)
    iatk__buf_puts(&c->path, "/");
}

int iatk__aws_call_prepare(iatk__aws_call *c, const iatk__aws_config *cfg,
                           const iatk__aws_target *target,
                           const iatk__aws_request *req, iatk_error *err) {
  memset(c, 0, sizeof *c);
  c->cfg = cfg;
  c->target = target;
  c->req = req;
  iatk__buf_init(&c->url);
  iatk__buf_init(&c->host);
  iatk__buf_init(&c->path);
  split_endpoint(c);
  const char *e = c->target->endpoint;
  iatk__buf_append(&c->url, e, (size_t)(strstr(e, "://") + 3 - e));
  iatk__buf_puts(&c->url, c->host.data ? c->host.data : "");
  iatk__buf_puts(&c->url, c->path.data ? c->path.data : "/");
  if (c->req->query && c->req->query[0])
    iatk__buf_printf(&c->url, "?%s", c->req->query);
  if (c->url.failed || c->host.failed || c->path.failed)
    return iatk__fail(err, IATK_ENOMEM, "out of memory");
  return IATK_OK;
}

void iatk__aws_call_release(iatk__aws_call *c) {
  iatk__buf_release(&c->url);
  iatk__buf_release(&c->host);
  iatk__buf_release(&c->path);
}

/* ------------------------------------------------------------- attempts */

static int add_signature(const iatk__aws_call *c, iatk__aws_headers *h,
                         iatk_error *err) {
  const iatk__aws_request *r = c->req;
  const iatk__aws_creds *creds = c->target->creds;
  iatk__sigv4_request s = {r->method, c->host.data, c->path.data,
                           r->query,  r->headers,   r->header_count,
                           r->body,   r->body_len};
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

int iatk__aws_call_sign(const iatk__aws_call *c, iatk__aws_headers *h,
                        iatk_error *err) {
  memset(h, 0, sizeof *h);
  h->items = calloc(c->req->header_count + 4, sizeof *h->items);
  if (!h->items)
    return iatk__fail(err, IATK_ENOMEM, "out of memory");
  for (size_t i = 0; i < c->req->header_count; i++)
    h->items[h->count++] = c->req->headers[i];
  h->items[h->count++] = (iatk__http_header){"Host", c->host.data};
  return c->target->creds ? add_signature(c, h, err) : IATK_OK;
}

void iatk__aws_headers_release(iatk__aws_headers *h) {
  iatk__sigv4_signature_release(&h->sig);
  free(h->items);
  memset(h, 0, sizeof *h);
}

static int read_timeout_ms(const iatk__aws_call *c) {
  return !c->cfg->read_timeout_explicit &&
                 c->req->read_timeout_ms > c->cfg->read_timeout_ms
             ? c->req->read_timeout_ms
             : c->cfg->read_timeout_ms;
}

void iatk__aws_call_http(const iatk__aws_call *c, const iatk__aws_headers *h,
                         iatk__http_request *out) {
  *out = (iatk__http_request){c->req->method,
                              c->url.data,
                              h->items,
                              h->count,
                              c->req->body,
                              c->req->body_len,
                              c->cfg->ca_bundle,
                              c->cfg->connect_timeout_ms,
                              c->cfg->connect_timeout_ms + read_timeout_ms(c),
                              MAX_RESPONSE,
                              read_timeout_ms(c)};
}

/* -------------------------------------------------------------- judging */

int iatk__aws_call_judge(const iatk__aws_call *c, iatk__aws_response *resp,
                         int rc, iatk_buf *message) {
  if (rc != IATK_OK)
    return rc == IATK_ENETWORK && resp->attempts < c->cfg->max_attempts &&
           !(c->req->acts_once && resp->http.sent);
  if (resp->http.status >= 200 && resp->http.status < 300)
    return 0;
  iatk__aws_error_parse(&resp->http, resp->error_code, sizeof resp->error_code,
                        message);
  return resp->attempts < c->cfg->max_attempts &&
         iatk__aws_retryable(resp->http.status, resp->error_code,
                             c->req->service);
}

static void attempts_note(iatk_buf *m, int attempts) {
  if (attempts > 1)
    iatk__buf_printf(m, " (after %d attempts)", attempts);
}

/* EAWS "Code: Message", or "HTTP 503 from host" when the body says
 * nothing we can read. */
static int service_failure(const iatk__aws_call *c, iatk__aws_response *resp,
                           const iatk_buf *message, iatk_error *err) {
  iatk_buf m;
  iatk__buf_init(&m);
  if (resp->error_code[0] && message->len)
    iatk__buf_printf(&m, "%s: %s", resp->error_code, message->data);
  else if (resp->error_code[0])
    iatk__buf_printf(&m, "%s (HTTP %ld from %s)", resp->error_code,
                     resp->http.status, c->host.data);
  else
    iatk__buf_printf(&m, "HTTP %ld from %s", resp->http.status, c->host.data);
  attempts_note(&m, resp->attempts);
  if (!resp->error_code[0])
    snprintf(resp->error_code, sizeof resp->error_code, "%ld",
             resp->http.status);
  int rc = iatk__fail(err, IATK_EAWS, "%s", m.failed ? "AWS error" : m.data);
  iatk__buf_release(&m);
  return rc;
}

static int network_failure(const iatk__aws_call *c,
                           const iatk__aws_response *resp,
                           const iatk_error *last, iatk_error *err) {
  iatk_buf m;
  iatk__buf_init(&m);
  iatk__buf_puts(&m, last->message);
  attempts_note(&m, resp->attempts);
  if (last->code == IATK_ENETWORK && c->req->acts_once && resp->http.sent)
    iatk__buf_puts(&m, "; not sent again: the request went out and may have "
                       "run (it is not idempotent)");
  int rc = iatk__fail(err, last->code, "%s", m.failed ? last->message : m.data);
  iatk__buf_release(&m);
  return rc;
}

int iatk__aws_call_result(const iatk__aws_call *c, iatk__aws_response *resp,
                          int rc, const iatk_error *last,
                          const iatk_buf *message, iatk_error *err) {
  if (rc != IATK_OK)
    return network_failure(c, resp, last, err);
  if (resp->http.status < 200 || resp->http.status >= 300)
    return service_failure(c, resp, message, err);
  return IATK_OK;
}
