/* Lambda Invoke with InvocationType Event: one event per request, its text
 * the payload (256 KB at most for an asynchronous invocation).  AWS
 * answers 202 once the event is queued for the function; a function's own
 * failure is not seen here (that is what its destinations are for). */
#include <stdio.h>
#include <string.h>

#include "sink/sink_internal.h"

static int setup(iatk_sender *s, iatk_error *err) {
  iatk_buf path;
  iatk__buf_init(&path);
  iatk__buf_puts(&path, "/2015-03-31/functions/");
  iatk__aws_uri_encode(&path, s->target, strlen(s->target), 0);
  iatk__buf_puts(&path, "/invocations");
  s->headers[0] = (iatk__http_header){"X-Amz-Invocation-Type", strdup("Event")};
  s->header_count = 1;
  if (path.failed || !s->headers[0].value) {
    iatk__buf_release(&path);
    return iatk__fail(err, IATK_ENOMEM, "out of memory");
  }
  s->path = iatk__buf_steal(&path);
  return IATK_OK;
}

static int encode(iatk_sender *s, const json_t *event, iatk__entry *e,
                  iatk_error *err) {
  e->size = e->len;
  return IATK_OK;
}

static void body(const iatk_sender *s, iatk__entry *const *entries, size_t n,
                 iatk_buf *out) {
  iatk__buf_append(out, entries[0]->text, entries[0]->len);
}

/* A 2xx answer is the acknowledgement. */
static int results(const char *text, size_t len, size_t n,
                   iatk__entry_result *out) {
  return 0;
}

const iatk__sink iatk__sink_lambda = {
    "Invoke", IATK__AWS_LAMBDA, 1,    256 * 1024, 256 * 1024,
    setup,    encode,           body, results};
