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

#define MAX_BACKOFF_SECONDS 20.0
#define NO_REGION                                                              \
  "no AWS region: set --region, AWS_REGION or the profile's region"

/* --------------------------------------------------------------- policy */

/* botocore's ThrottledRetryableChecker and TransientRetryableChecker. */
static const char *const retryable_codes[] = {
    "Throttling",
    "ThrottlingException",
    "ThrottledException",
    "RequestThrottledException",
    "TooManyRequestsException",
    "ProvisionedThroughputExceededException",
    "TransactionInProgressException",
    "RequestLimitExceeded",
    "BandwidthLimitExceeded",
    "LimitExceededException",
    "RequestThrottled",
    "SlowDown",
    "PriorRequestNotComplete",
    "EC2ThrottledException",
    "RequestTimeout",
    "RequestTimeoutException",
    NULL};

int iatk__aws_retryable(long status, const char *code,
                        iatk__aws_service_id service) {
  if (status == 0)
    return 1; /* no answer: connection refused, reset, timed out */
  for (size_t i = 0; code && retryable_codes[i]; i++)
    if (strcmp(code, retryable_codes[i]) == 0)
      return 1;
  /* botocore's special case for STS web identity calls. */
  if (service == IATK__AWS_STS && code &&
      strcmp(code, "IDPCommunicationError") == 0)
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

/* ----------------------------------------------------------------- send */

/* One attempt, signed now (a retry is signed again: X-Amz-Date moves). */
static int attempt_once(const iatk__aws_call *c, iatk__http_response *http,
                        iatk_error *err) {
  iatk__aws_headers h;
  int rc = iatk__aws_call_sign(c, &h, err);
  if (rc == IATK_OK) {
    iatk__http_request hr;
    iatk__aws_call_http(c, &h, &hr);
    rc = iatk__http_perform(&hr, http, err);
  }
  iatk__aws_headers_release(&h);
  return rc;
}

static int send_loop(const iatk__aws_call *c, iatk__aws_response *resp,
                     iatk_error *err) {
  iatk_rng rng;
  iatk__rng_init_fresh(&rng);
  iatk_buf message;
  iatk__buf_init(&message);
  iatk_error last;
  int rc, again;
  do {
    iatk__http_response_release(&resp->http);
    resp->error_code[0] = '\0';
    iatk_error_clear(&last);
    resp->attempts++;
    rc = attempt_once(c, &resp->http, &last);
    again = iatk__aws_call_judge(c, resp, rc, &message);
    if (again)
      sleep_seconds(iatk__aws_backoff(
          resp->attempts, (double)(iatk__rng_next(&rng) >> 11) * 0x1p-53));
  } while (again);
  rc = iatk__aws_call_result(c, resp, rc, &last, &message, err);
  iatk__buf_release(&message);
  return rc;
}

int iatk__aws_send_to(const iatk__aws_config *cfg,
                      const iatk__aws_target *target,
                      const iatk__aws_request *req, iatk__aws_response *resp,
                      iatk_error *err) {
  memset(resp, 0, sizeof *resp);
  iatk__aws_call c;
  int rc = iatk__aws_call_prepare(&c, cfg, target, req, err);
  if (rc == IATK_OK)
    rc = send_loop(&c, resp, err);
  iatk__aws_call_release(&c);
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
    return iatk__fail(err, IATK_EINVAL, NO_REGION);
  char *endpoint = iatk__aws_endpoint(cfg, req->service, NULL, err);
  if (!endpoint)
    return iatk__error_code(err, IATK_EINVAL);
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
