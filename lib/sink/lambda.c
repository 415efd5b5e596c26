/* Lambda Invoke: POST /2015-03-31/functions/{FunctionName}/invocations
 * with the event as the raw body (no Content-Type: botocore sends none for
 * a blob payload).  The answer's headers say whether the function failed
 * (X-Amz-Function-Error) and carry the log tail (X-Amz-Log-Result,
 * base64); the body is the function's answer or its error object. */
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "sink/sink_internal.h"

#define MAX_ERROR_SHOWN 512 /* bytes of a payload quoted in a message */

/* ------------------------------------------------------------- request */

static void build_path(iatk_buf *path, const char *function,
                       const iatk__lambda_ref *ref) {
  iatk__buf_puts(path, "/2015-03-31/functions/");
  iatk__aws_uri_encode(path, function, ref->function_len, 0);
  iatk__buf_puts(path, "/invocations");
}

static void build_query(iatk_buf *query, const iatk__lambda_ref *ref) {
  if (!ref->qualifier)
    return;
  iatk__buf_puts(query, "Qualifier=");
  iatk__aws_uri_encode(query, ref->qualifier, strlen(ref->qualifier), 0);
}

/* The invocation type, and LogType Tail when asked (synchronous only:
 * Lambda returns no log for a queued event). */
static size_t build_headers(iatk__http_header h[2], int flags) {
  int async = (flags & IATK_LAMBDA_ASYNC) != 0;
  h[0] = (iatk__http_header){"X-Amz-Invocation-Type",
                             async ? "Event" : "RequestResponse"};
  if (async || !(flags & IATK_LAMBDA_LOG_TAIL))
    return 1;
  h[1] = (iatk__http_header){"X-Amz-Log-Type", "Tail"};
  return 2;
}

/* -------------------------------------------------------------- answer */

/* Base64 with libcrypto.  EVP_DecodeBlock counts the bytes the '='
 * padding stands for, so those are taken off again. */
static char *decode_base64(const char *text) {
  size_t n = strlen(text);
  while (n &&
         (text[n - 1] == '\r' || text[n - 1] == '\n' || text[n - 1] == ' '))
    n--;
  unsigned char *out = malloc(n / 4 * 3 + 4);
  int len = out && n % 4 == 0
                ? EVP_DecodeBlock(out, (const unsigned char *)text, (int)n)
                : -1;
  if (len < 0) {
    free(out);
    return NULL;
  }
  for (size_t i = n; i > 0 && text[i - 1] == '=' && len > 0; i--)
    len--;
  out[len] = '\0';
  return (char *)out;
}

static int copy_header(char **dst, const iatk__http_response *http,
                       const char *name) {
  const char *v = iatk__http_header_get(http, name);
  return !v || (*dst = strdup(v)) != NULL;
}

static int fill_result(iatk_lambda_result *out, iatk__http_response *http,
                       iatk_error *err) {
  out->status_code = (int)http->status;
  out->payload_len = http->body.len;
  out->payload = http->body.data ? iatk__buf_steal(&http->body) : strdup("");
  const char *log = iatk__http_header_get(http, "X-Amz-Log-Result");
  if (log && !(out->log_tail = decode_base64(log)))
    return iatk__fail(err, IATK_EAWS,
                      "Lambda sent a log tail that is not base64");
  if (!out->payload ||
      !copy_header(&out->function_error, http, "X-Amz-Function-Error") ||
      !copy_header(&out->executed_version, http, "X-Amz-Executed-Version"))
    return iatk__fail(err, IATK_ENOMEM, "out of memory");
  return IATK_OK;
}

/* "errorType: errorMessage" from the error object Lambda returns, or the
 * X-Amz-Function-Error value and the payload when it is not one. */
static int function_failure(const iatk_lambda_result *r, iatk_error *err) {
  json_t *doc = json_loadb(r->payload, r->payload_len, JSON_DECODE_ANY, NULL);
  const char *type = json_string_value(json_object_get(doc, "errorType"));
  const char *message = json_string_value(json_object_get(doc, "errorMessage"));
  int rc;
  if (type || message)
    rc = iatk__fail(err, IATK_ECONSUMER, "%s: %s",
                    type ? type : r->function_error, message ? message : "");
  else
    rc = iatk__fail(err, IATK_ECONSUMER, "%s: %.*s", r->function_error,
                    (int)(r->payload_len < MAX_ERROR_SHOWN ? r->payload_len
                                                           : MAX_ERROR_SHOWN),
                    r->payload);
  json_decref(doc);
  return rc;
}

/* -------------------------------------------------------------- invoke */

/* Lambda's longest run (its 900-second timeout), and the time its answer
 * may take to come back after that. */
#define LAMBDA_MAX_RUN_MS (900 * 1000)
#define LAMBDA_ANSWER_MARGIN_MS (30 * 1000)

static int send_invoke(iatk_aws *aws, const char *function,
                       const iatk__lambda_ref *ref, const char *payload,
                       size_t len, int flags, iatk__aws_response *resp,
                       iatk_error *err) {
  iatk_buf path, query;
  iatk__buf_init(&path);
  iatk__buf_init(&query);
  build_path(&path, function, ref);
  build_query(&query, ref);
  iatk__http_header headers[2];
  size_t count = build_headers(headers, flags);
  iatk__aws_request req = {.service = IATK__AWS_LAMBDA,
                           .method = "POST",
                           .path = path.data,
                           .query = query.data,
                           .headers = headers,
                           .header_count = count,
                           .body = payload,
                           .body_len = len};
  /* A function runs for up to 15 minutes before it answers; and once the
   * request is out, sending it again could run the function twice. */
  if (!(flags & IATK_LAMBDA_ASYNC))
    req.read_timeout_ms = LAMBDA_MAX_RUN_MS + LAMBDA_ANSWER_MARGIN_MS;
  req.acts_once = 1;
  int rc = path.failed || query.failed
               ? iatk__fail(err, IATK_ENOMEM, "out of memory")
               : iatk__aws_send(aws, &req, resp, err);
  iatk__buf_release(&path);
  iatk__buf_release(&query);
  return rc;
}

int iatk_lambda_invoke(iatk_aws *aws, const char *function, const char *payload,
                       size_t len, int flags, iatk_lambda_result *out,
                       iatk_error *err) {
  iatk_lambda_result local;
  iatk_lambda_result *r = out ? out : &local;
  memset(r, 0, sizeof *r);
  iatk__lambda_ref ref;
  if (!aws || (!payload && len))
    return iatk__fail(err, IATK_EINVAL,
                      "iatk_lambda_invoke: no client or no payload");
  int rc = iatk__lambda_split(function, &ref, err);
  if (rc != IATK_OK)
    return rc;
  iatk__aws_response resp;
  memset(&resp, 0, sizeof resp);
  rc = send_invoke(aws, function, &ref, payload ? payload : "", len, flags,
                   &resp, err);
  if (rc == IATK_OK)
    rc = fill_result(r, &resp.http, err);
  if (rc == IATK_OK && r->function_error)
    rc = function_failure(r, err);
  iatk__aws_response_release(&resp);
  if (!out)
    iatk_lambda_result_release(&local);
  return rc;
}

void iatk_lambda_result_release(iatk_lambda_result *r) {
  if (!r)
    return;
  free(r->payload);
  free(r->function_error);
  free(r->log_tail);
  free(r->executed_version);
  memset(r, 0, sizeof *r);
}
