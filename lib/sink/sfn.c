/* Step Functions through its JSON 1.0 protocol (POST / with X-Amz-Target
 * AWSStepFunctions.<Operation>): StartExecution, then DescribeExecution
 * until the execution is no longer RUNNING; or StartSyncExecution, which
 * answers with the end state at once (Express workflows only). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "sink/sink_internal.h"

#define FIRST_POLL_MS 100
#define MAX_POLL_MS 5000
#define TARGET_PREFIX "AWSStepFunctions."

/* --------------------------------------------------------------- calls */

/* One JSON 1.0 call: `body` is consumed; *answer is the parsed reply. */
static int json_call(iatk_aws *aws, const char *operation, json_t *body,
                     const char *host_prefix, json_t **answer,
                     iatk_error *err) {
  char target[64];
  snprintf(target, sizeof target, TARGET_PREFIX "%s", operation);
  iatk__http_header headers[2] = {
      {"Content-Type", "application/x-amz-json-1.0"}, {"X-Amz-Target", target}};
  char *text = body ? json_dumps(body, JSON_COMPACT) : NULL;
  json_decref(body);
  if (!text)
    return iatk__fail(err, IATK_ENOMEM, "out of memory");
  iatk__aws_request req = {.service = IATK__AWS_SFN,
                           .method = "POST",
                           .path = "/",
                           .headers = headers,
                           .header_count = 2,
                           .body = text,
                           .body_len = strlen(text),
                           .host_prefix = host_prefix};
  iatk__aws_response resp;
  int rc = iatk__aws_send(aws, &req, &resp, err);
  free(text);
  if (rc == IATK_OK) {
    *answer = json_loadb(resp.http.body.data ? resp.http.body.data : "",
                         resp.http.body.len, 0, NULL);
    if (!json_is_object(*answer))
      rc = iatk__fail(err, IATK_EAWS,
                      "Step Functions %s answered with no JSON object",
                      operation);
  }
  iatk__aws_response_release(&resp);
  return rc;
}

/* Replaces *dst with a copy of a string member (NULL when absent). */
static int take(char **dst, const json_t *doc, const char *key) {
  const char *v = json_string_value(json_object_get(doc, key));
  free(*dst);
  *dst = v ? strdup(v) : NULL;
  return !v || *dst;
}

/* The members of a DescribeExecution or StartSyncExecution answer. */
static int read_state(iatk_sfn_result *r, const json_t *doc, iatk_error *err) {
  if (!take(&r->status, doc, "status") || !take(&r->output, doc, "output") ||
      !take(&r->error, doc, "error") || !take(&r->cause, doc, "cause") ||
      (json_object_get(doc, "executionArn") &&
       !take(&r->execution_arn, doc, "executionArn")))
    return iatk__fail(err, IATK_ENOMEM, "out of memory");
  if (!r->status)
    return iatk__fail(err, IATK_EAWS,
                      "Step Functions answered without a status");
  return IATK_OK;
}

static json_t *start_body(const char *arn, const char *name, const char *input,
                          size_t len) {
  json_t *body = json_object();
  json_object_set_new(body, "stateMachineArn", json_string(arn));
  json_object_set_new(body, "input", json_stringn(input, len));
  if (name)
    json_object_set_new(body, "name", json_string(name));
  return body;
}

/* ----------------------------------------------------------------- wait */

static int64_t now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void sleep_ms(int64_t ms) {
  struct timespec left = {(time_t)(ms / 1000), (long)(ms % 1000) * 1000000L};
  while (nanosleep(&left, &left) != 0 && errno == EINTR)
    ;
}

static int describe(iatk_aws *aws, iatk_sfn_result *r, iatk_error *err) {
  json_t *body = json_pack("{s:s}", "executionArn", r->execution_arn);
  json_t *answer = NULL;
  int rc = json_call(aws, "DescribeExecution", body, NULL, &answer, err);
  r->polls++;
  if (rc == IATK_OK)
    rc = read_state(r, answer, err);
  json_decref(answer);
  return rc;
}

/* Polls right away (a short execution is often done), then after 100 ms,
 * 200 ms, ... 5 s; never sleeps past the deadline. */
static int wait_for_end(iatk_aws *aws, int timeout_ms, iatk_sfn_result *r,
                        iatk_error *err) {
  int64_t deadline = now_ms() + timeout_ms, delay = FIRST_POLL_MS;
  for (;;) {
    int rc = describe(aws, r, err);
    if (rc != IATK_OK || strcmp(r->status, "RUNNING") != 0)
      return rc;
    int64_t left = deadline - now_ms();
    if (timeout_ms > 0 && left <= 0)
      return iatk__fail(err, IATK_ETIMEOUT,
                        "execution %s still RUNNING after %.1f s; it was left "
                        "running (StopExecution ends it)",
                        r->execution_arn, timeout_ms / 1000.0);
    sleep_ms(timeout_ms > 0 && left < delay ? left : delay);
    delay = delay * 2 < MAX_POLL_MS ? delay * 2 : MAX_POLL_MS;
  }
}

/* ------------------------------------------------------------------ run */

/* "STATUS: error: cause", leaving out what the execution did not say. */
static int outcome(const iatk_sfn_result *r, iatk_error *err) {
  if (strcmp(r->status, "SUCCEEDED") == 0)
    return IATK_OK;
  return iatk__fail(err, IATK_ECONSUMER, "%s%s%s%s%s", r->status,
                    r->error ? ": " : "", r->error ? r->error : "",
                    r->cause ? ": " : "", r->cause ? r->cause : "");
}

static int start(iatk_aws *aws, const char *arn, const char *name,
                 const char *input, size_t len, int flags, int timeout_ms,
                 iatk_sfn_result *r, iatk_error *err) {
  int sync = (flags & IATK_SFN_SYNC) != 0;
  json_t *answer = NULL;
  int rc = json_call(aws, sync ? "StartSyncExecution" : "StartExecution",
                     start_body(arn, name, input, len), sync ? "sync-" : NULL,
                     &answer, err);
  if (rc == IATK_OK && !take(&r->execution_arn, answer, "executionArn"))
    rc = iatk__fail(err, IATK_ENOMEM, "out of memory");
  if (rc == IATK_OK && !r->execution_arn)
    rc = iatk__fail(err, IATK_EAWS,
                    "Step Functions answered without an executionArn");
  if (rc == IATK_OK)
    rc = sync ? read_state(r, answer, err)
              : wait_for_end(aws, timeout_ms, r, err);
  json_decref(answer);
  return rc;
}

int iatk_sfn_run(iatk_aws *aws, const char *state_machine_arn, const char *name,
                 const char *input, size_t len, int flags, int timeout_ms,
                 iatk_sfn_result *out, iatk_error *err) {
  iatk_sfn_result local;
  iatk_sfn_result *r = out ? out : &local;
  memset(r, 0, sizeof *r);
  if (!aws || !state_machine_arn || !state_machine_arn[0] || (!input && len))
    return iatk__fail(err, IATK_EINVAL,
                      "iatk_sfn_run: no client, state machine or input");
  int rc = start(aws, state_machine_arn, name, input ? input : "", len, flags,
                 timeout_ms, r, err);
  if (rc == IATK_OK)
    rc = outcome(r, err);
  if (!out)
    iatk_sfn_result_release(&local);
  return rc;
}

void iatk_sfn_result_release(iatk_sfn_result *r) {
  if (!r)
    return;
  free(r->execution_arn);
  free(r->status);
  free(r->output);
  free(r->error);
  free(r->cause);
  memset(r, 0, sizeof *r);
}
