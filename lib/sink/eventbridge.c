/* EventBridge PutEvents (JSON 1.1, AWSEvents.PutEvents): the envelope's
 * members become the entry's (source -> Source, detail-type -> DetailType,
 * detail -> Detail as a JSON string, resources -> Resources, time -> Time),
 * EventBusName is the target.  Up to 10 entries and 256 KB a request,
 * with an entry's size counted as AWS documents it ("Calculating
 * PutEvents event entry size"): 14 bytes for a Time, plus the UTF-8 bytes
 * of Source, DetailType, Detail and each resource. */
#include <string.h>

#include "sink/sink_internal.h"

#define TIME_BYTES 14

static int setup(iatk_sender *s, iatk_error *err) {
  return iatk__sink_json_protocol(s, "application/x-amz-json-1.1",
                                  "AWSEvents.PutEvents", err);
}

static const char *string_member(const json_t *event, const char *name) {
  const char *v = json_string_value(json_object_get(event, name));
  return v && v[0] ? v : NULL;
}

static void put_string(iatk_buf *b, const char *key, const char *value,
                       size_t len) {
  iatk__buf_printf(b, "%s\"%s\":", b->len > 1 ? "," : "", key);
  iatk__buf_json_string(b, value, len);
}

/* Resources: a list of strings (ARNs), counted byte for byte. */
static int put_resources(iatk_buf *b, const json_t *resources, size_t *size,
                         iatk_error *err) {
  if (!resources)
    return IATK_OK;
  if (!json_is_array(resources))
    return iatk__fail(err, IATK_EINVAL, "resources is not an array");
  iatk__buf_puts(b, ",\"Resources\":[");
  size_t i;
  json_t *r;
  json_array_foreach(resources, i, r) {
    if (!json_is_string(r))
      return iatk__fail(err, IATK_EINVAL, "resources[%zu] is not a string", i);
    if (i)
      iatk__buf_putc(b, ',');
    iatk__buf_json_string(b, json_string_value(r), json_string_length(r));
    *size += json_string_length(r);
  }
  iatk__buf_putc(b, ']');
  return IATK_OK;
}

/* Time: an RFC 3339 instant, sent as the epoch seconds botocore sends for a
 * JSON-protocol timestamp. */
static int put_time(iatk_buf *b, const json_t *t, size_t *size,
                    iatk_error *err) {
  if (!t)
    return IATK_OK;
  iatk_instant at;
  if (!json_is_string(t) ||
      iatk__instant_parse(json_string_value(t), &at, NULL) != IATK_OK)
    return iatk__fail(err, IATK_EINVAL, "time is not an RFC 3339 date-time");
  if (at.epoch_us % 1000000 == 0)
    iatk__buf_printf(b, ",\"Time\":%lld", (long long)(at.epoch_us / 1000000));
  else
    iatk__buf_printf(b, ",\"Time\":%.6f", (double)at.epoch_us / 1e6);
  *size += TIME_BYTES;
  return IATK_OK;
}

static int encode(iatk_sender *s, const json_t *event, iatk__entry *e,
                  iatk_error *err) {
  const char *source = string_member(event, "source");
  const char *type = string_member(event, "detail-type");
  const json_t *detail = json_object_get(event, "detail");
  if (!source || !type || !detail)
    return iatk__fail(err, IATK_EINVAL,
                      "no %s: an EventBridge event needs "
                      "source, detail-type and detail",
                      !source ? "source"
                      : !type ? "detail-type"
                              : "detail");
  if (!json_is_object(detail))
    return iatk__fail(err, IATK_EINVAL, "detail is not a JSON object");
  iatk_buf b, d;
  iatk__buf_init(&b);
  iatk__buf_init(&d);
  iatk__json_write(&d, detail);
  iatk__buf_putc(&b, '{');
  put_string(&b, "Source", source, strlen(source));
  put_string(&b, "DetailType", type, strlen(type));
  put_string(&b, "Detail", d.data ? d.data : "{}", d.len);
  size_t size = strlen(source) + strlen(type) + d.len;
  int rc = put_resources(&b, json_object_get(event, "resources"), &size, err);
  if (rc == IATK_OK)
    rc = put_time(&b, json_object_get(event, "time"), &size, err);
  put_string(&b, "EventBusName", s->target, strlen(s->target));
  iatk__buf_putc(&b, '}');
  iatk__buf_release(&d);
  if (rc == IATK_OK && (b.failed || d.failed))
    rc = iatk__fail(err, IATK_ENOMEM, "out of memory");
  if (rc != IATK_OK) {
    iatk__buf_release(&b);
    return rc;
  }
  e->size = size;
  e->encoded_len = b.len;
  e->encoded = iatk__buf_steal(&b);
  return IATK_OK;
}

static void body(const iatk_sender *s, iatk__entry *const *entries, size_t n,
                 iatk_buf *out) {
  iatk__buf_puts(out, "{\"Entries\":[");
  for (size_t i = 0; i < n; i++) {
    if (i)
      iatk__buf_putc(out, ',');
    iatk__buf_append(out, entries[i]->encoded, entries[i]->encoded_len);
  }
  iatk__buf_puts(out, "]}");
}

/* Result entries come in the order of the request's; one with an
 * ErrorCode failed.  FailedEntryCount 0 with no list means all went. */
static int results(const char *text, size_t len, size_t n,
                   iatk__entry_result *out) {
  json_t *doc = iatk__sink_parse_answer(text, len);
  if (!doc)
    return -1;
  json_t *list = json_object_get(doc, "Entries");
  json_int_t failed =
      json_integer_value(json_object_get(doc, "FailedEntryCount"));
  int rc = 0;
  if (!json_is_array(list) || json_array_size(list) != n) {
    rc = failed == 0 && !list ? 0 : -1;
    json_decref(doc);
    return rc;
  }
  for (size_t i = 0; i < n; i++) {
    const json_t *r = json_array_get(list, i);
    const char *code = json_string_value(json_object_get(r, "ErrorCode"));
    const char *msg = json_string_value(json_object_get(r, "ErrorMessage"));
    if (!code || !code[0])
      continue;
    out[i].failed = 1;
    out[i].retryable = iatk__sink_code_retryable(code);
    snprintf(out[i].code, sizeof out[i].code, "%s", code);
    snprintf(out[i].message, sizeof out[i].message, "%s", msg ? msg : "");
  }
  json_decref(doc);
  return rc;
}

const iatk__sink iatk__sink_eventbridge = {"PutEvents", IATK__AWS_EVENTBRIDGE,
                                           10,          256 * 1024,
                                           256 * 1024,  setup,
                                           encode,      body,
                                           results};
