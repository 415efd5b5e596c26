/* SQS SendMessageBatch over SQS's JSON protocol (AmazonSQS.
 * SendMessageBatch, application/x-amz-json-1.0): the event's text is the
 * message body; up to 10 messages and 256 KB of bodies a request.  Entry
 * Ids are the positions in the batch.  A failed entry whose SenderFault is
 * false is AWS's own trouble and is sent again. */
#include <stdlib.h>
#include <string.h>

#include "sink/sink_internal.h"

static int setup(iatk_sender *s, iatk_error *err) {
  if (strncmp(s->target, "https://", 8) != 0 &&
      strncmp(s->target, "http://", 7) != 0)
    return iatk__fail(err, IATK_EINVAL,
                      "'%s' is not a queue URL "
                      "(https://sqs.REGION.amazonaws.com/ACCOUNT/NAME)",
                      s->target);
  return iatk__sink_json_protocol(s, "application/x-amz-json-1.0",
                                  "AmazonSQS.SendMessageBatch", err);
}

static int encode(iatk_sender *s, const json_t *event, iatk__entry *e,
                  iatk_error *err) {
  iatk_buf b;
  iatk__buf_init(&b);
  iatk__buf_json_string(&b, e->text, e->len);
  if (b.failed)
    return iatk__fail(err, IATK_ENOMEM, "out of memory");
  e->size = e->len;
  e->encoded_len = b.len;
  e->encoded = iatk__buf_steal(&b);
  return IATK_OK;
}

static void body(const iatk_sender *s, iatk__entry *const *entries, size_t n,
                 iatk_buf *out) {
  iatk__buf_puts(out, "{\"QueueUrl\":");
  iatk__buf_json_string(out, s->target, strlen(s->target));
  iatk__buf_puts(out, ",\"Entries\":[");
  for (size_t i = 0; i < n; i++) {
    iatk__buf_printf(out, "%s{\"Id\":\"%zu\",\"MessageBody\":", i ? "," : "",
                     i);
    iatk__buf_append(out, entries[i]->encoded, entries[i]->encoded_len);
    iatk__buf_putc(out, '}');
  }
  iatk__buf_puts(out, "]}");
}

/* Successful and Failed name entries by Id; an entry in neither was not
 * acknowledged and counts as failed (AWS should never do that). */
static int results(const char *text, size_t len, size_t n,
                   iatk__entry_result *out) {
  json_t *doc = iatk__sink_parse_answer(text, len);
  if (!doc)
    return -1;
  char *seen = calloc(n ? n : 1, 1);
  size_t i;
  json_t *r;
  json_array_foreach(json_object_get(doc, "Successful"), i, r) {
    const char *id = json_string_value(json_object_get(r, "Id"));
    char *end;
    unsigned long k = id ? strtoul(id, &end, 10) : n;
    if (seen && id && !*end && k < n)
      seen[k] = 1;
  }
  json_array_foreach(json_object_get(doc, "Failed"), i, r) {
    const char *id = json_string_value(json_object_get(r, "Id"));
    const char *code = json_string_value(json_object_get(r, "Code"));
    const char *msg = json_string_value(json_object_get(r, "Message"));
    char *end;
    unsigned long k = id ? strtoul(id, &end, 10) : n;
    if (!seen || !id || *end || k >= n)
      continue;
    seen[k] = 2;
    out[k].failed = 1;
    out[k].retryable = !json_is_true(json_object_get(r, "SenderFault")) ||
                       iatk__sink_code_retryable(code);
    snprintf(out[k].code, sizeof out[k].code, "%s", code ? code : "Failed");
    snprintf(out[k].message, sizeof out[k].message, "%s", msg ? msg : "");
  }
  for (i = 0; seen && i < n; i++)
    if (!seen[i]) {
      out[i].failed = 1;
      snprintf(out[i].code, sizeof out[i].code, "NotAcknowledged");
      snprintf(out[i].message, sizeof out[i].message,
               "the answer names the entry neither successful nor failed");
    }
  int rc = seen ? 0 : -1;
  free(seen);
  json_decref(doc);
  return rc;
}

const iatk__sink iatk__sink_sqs = {"SendMessageBatch",
                                   IATK__AWS_SQS,
                                   10,
                                   256 * 1024,
                                   256 * 1024,
                                   setup,
                                   encode,
                                   body,
                                   results};
