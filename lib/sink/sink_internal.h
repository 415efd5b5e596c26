/* Sinks on AWS (lib/sink/): the consumers iatk delivers events to through
 * the AWS request layer.  Nothing here knows about HTTP.  Not installed.
 *
 * One event at a time, through iatk__aws_send:
 *   lambda_name.c  a function name, partial or full ARN split as Lambda does
 *   lambda.c       Lambda Invoke (REST-JSON)
 *   sfn.c          Step Functions StartExecution + DescribeExecution,
 *                  StartSyncExecution (JSON 1.0)
 *
 * Many events, many requests in flight (iatk_sender, on lib/aws/multi.c):
 *   sender.c       the public handle, its settings and counters
 *   deliver.c      batching, the rate, requests in flight, retries of
 *                  failed entries, stopping
 *   eventbridge.c  PutEvents: envelope -> entry, results
 *   sqs.c          SendMessageBatch (JSON protocol)
 *   kinesis.c      PutRecords, partition keys
 *   lambda_async.c asynchronous Invoke, one event per request
 * A batching sink describes its limits, turns one event into the text of
 * its entry, builds a request body from entries, and reads per-entry
 * results from a 2xx answer; deliver.c does everything else the same way
 * for all of them.
 */
#ifndef IATK_SINK_INTERNAL_H
#define IATK_SINK_INTERNAL_H

#include <signal.h>
#include <stddef.h>
#include <stdint.h>

#include "aws/aws_internal.h"

/* A function reference split into what Lambda's FunctionName and
 * Qualifier get: "NAME", "ACCOUNT:function:NAME" or
 * "arn:PARTITION:lambda:REGION:ACCOUNT:function:NAME", each with an
 * optional ":QUALIFIER".  `function_len` is the length of the part before
 * the qualifier; `qualifier` points into the text, or is NULL.  EINVAL
 * for anything else (empty parts, characters Lambda refuses). */
typedef struct iatk__lambda_ref {
  size_t function_len;
  const char *qualifier;
} iatk__lambda_ref;

int iatk__lambda_split(const char *function, iatk__lambda_ref *out,
                       iatk_error *err);

/* One event on its way. */
typedef struct iatk__entry {
  struct iatk__entry *next;
  char *text; /* as added (owned), NUL-terminated for convenience */
  size_t len;
  uint64_t line;
  char *encoded; /* its entry in a batch body (owned; NULL for Lambda) */
  size_t encoded_len;
  size_t size;  /* what AWS counts against the batch and entry limits */
  int attempts; /* requests it went out in as an entry */
  double due;   /* retry: monotonic seconds before which it waits */
} iatk__entry;

/* One entry's fate in a 2xx answer. */
typedef struct iatk__entry_result {
  int failed;
  int retryable;
  char code[96];
  char message[256];
} iatk__entry_result;

typedef struct iatk__sink iatk__sink;
struct iatk__sink {
  const char *name; /* for messages: "PutEvents" */
  iatk__aws_service_id service;
  size_t max_entries;     /* per request */
  size_t max_batch_bytes; /* sum of entry sizes per request */
  size_t max_entry_bytes; /* one entry's size */
  /* The request's fixed parts (path, X-Amz-Target...) from the target. */
  int (*setup)(iatk_sender *s, iatk_error *err);
  /* Fills e->encoded and e->size from the parsed event; EINVAL (or
   * another code) with the reason when the event is refused. */
  int (*encode)(iatk_sender *s, const json_t *event, iatk__entry *e,
                iatk_error *err);
  /* The body of a request carrying entries[0..n). */
  void (*body)(const iatk_sender *s, iatk__entry *const *entries, size_t n,
               iatk_buf *out);
  /* Per-entry results of a 2xx answer into out[0..n) (zeroed by the
   * caller); -1 when the answer cannot be read. */
  int (*results)(const char *body, size_t len, size_t n,
                 iatk__entry_result *out);
};

extern const iatk__sink iatk__sink_eventbridge;
extern const iatk__sink iatk__sink_sqs;
extern const iatk__sink iatk__sink_kinesis;
extern const iatk__sink iatk__sink_lambda;

#define IATK__SINK_MAX_HEADERS 4

struct iatk_sender {
  iatk_aws *aws;
  const iatk__sink *sink;
  char *target;
  char *partition_key; /* Kinesis: a JSON pointer, or NULL */
  int concurrency;
  double rate;      /* events per second, 0: none */
  int max_attempts; /* per entry */
  /* The request's fixed parts, made by sink->setup. */
  char *path;
  iatk__http_header headers[IATK__SINK_MAX_HEADERS];
  size_t header_count;
  /* Delivery state (deliver.c). */
  iatk__aws_multi *multi;
  iatk__entry *batch, *batch_tail; /* being filled */
  size_t batch_count, batch_bytes;
  double batch_since;       /* when its first entry came */
  iatk__entry *retries;     /* waiting for their backoff */
  size_t requests;          /* in flight */
  double tokens, tokens_at; /* the rate's bucket */
  volatile sig_atomic_t stop_asked;
  int stopped; /* the stop was acted on */
  int finished;
  iatk_rng rng;
  iatk_buf body;
  /* Counters and callbacks. */
  iatk_send_stats stats;
  uint64_t failed_kind[6]; /* by iatk_send_failure */
  char *first_failure[6];  /* the first failure's message, by kind: named
                            * in the run's error (NULL: none, or no memory) */
  double started;
  iatk_send_failure_fn on_failure;
  void *failure_data;
  iatk_send_progress_fn on_progress;
  void *progress_data;
  double progress_interval, progress_at;
};

/* deliver.c */
double iatk__sink_now(void);
int iatk__sink_add(iatk_sender *s, iatk__entry *e, iatk_error *err);
int iatk__sink_finish(iatk_sender *s, iatk_error *err);
int iatk__sink_idle(iatk_sender *s, int timeout_ms, iatk_error *err);
void iatk__sink_cancel(iatk_sender *s);
/* Reports an entry as failed and frees it. */
void iatk__sink_fail(iatk_sender *s, iatk__entry *e, int why, const char *code,
                     const char *message);
void iatk__entry_free(iatk__entry *e);
/* Whether an entry-level error code is worth sending the entry again:
 * throttling and the service's internal errors. */
int iatk__sink_code_retryable(const char *code);
/* A JSON answer parsed, or NULL when it is not a JSON object. */
json_t *iatk__sink_parse_answer(const char *body, size_t len);
/* Sets up a sink of a JSON-protocol service: POST / with `content_type`
 * and X-Amz-Target `target` (EventBridge, SQS and Kinesis are all so). */
int iatk__sink_json_protocol(iatk_sender *s, const char *content_type,
                             const char *target, iatk_error *err);

#endif
