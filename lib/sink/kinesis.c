/* Kinesis PutRecords (JSON 1.1, Kinesis_20131202.PutRecords): the event's
 * text is the record's data (base64 on the wire), the partition key comes
 * from a JSON pointer into the event or, by default, a hash of its text
 * (so equal events land on one shard and different ones spread).  Up to
 * 500 records and 5 MB a request, 1 MB a record, data and key counted. */
#include <limits.h>
#include <openssl/evp.h>
#include <stdint.h>
#include <string.h>

#include "sink/sink_internal.h"

#define MAX_KEY_CHARS 256

static int setup(iatk_sender *s, iatk_error *err) {
  return iatk__sink_json_protocol(s, "application/x-amz-json-1.1",
                                  "Kinesis_20131202.PutRecords", err);
}

/* Kinesis takes a record's Data as base64; libcrypto writes it. */
static void base64(iatk_buf *b, const unsigned char *p, size_t n) {
  size_t need = (n + 2) / 3 * 4;
  if (n > INT_MAX)
    b->failed = 1; /* records are at most 1 MB: never in practice */
  if (b->failed || iatk__buf_reserve(b, need + 1) != 0)
    return; /* a failed buffer is reported by the caller */
  EVP_EncodeBlock((unsigned char *)b->data + b->len, p, (int)n);
  b->len += need;
  b->data[b->len] = '\0';
}

/* FNV-1a: fast, stable across runs and machines. */
static void hash_key(iatk_buf *key, const char *text, size_t len) {
  uint64_t h = 0xcbf29ce484222325ULL;
  for (size_t i = 0; i < len; i++)
    h = (h ^ (unsigned char)text[i]) * 0x100000001b3ULL;
  iatk__buf_printf(key, "%016llx", (unsigned long long)h);
}

static size_t utf8_chars(const char *s, size_t n) {
  size_t chars = 0;
  for (size_t i = 0; i < n; i++)
    chars += ((unsigned char)s[i] & 0xC0) != 0x80;
  return chars;
}

static int pointer_key(const iatk_sender *s, const json_t *event, iatk_buf *key,
                       iatk_error *err) {
  const json_t *v = iatk__pointer_get(event, s->partition_key, 0);
  if (!v)
    return iatk__fail(err, IATK_EINVAL, "no partition key at %s",
                      s->partition_key);
  if (json_is_string(v))
    iatk__buf_append(key, json_string_value(v), json_string_length(v));
  else
    iatk__json_write(key, v);
  size_t chars = utf8_chars(key->data ? key->data : "", key->len);
  if (chars == 0 || chars > MAX_KEY_CHARS)
    return iatk__fail(err, IATK_EINVAL,
                      "the partition key at %s has %zu "
                      "characters (Kinesis takes 1 to %d)",
                      s->partition_key, chars, MAX_KEY_CHARS);
  return IATK_OK;
}

static int encode(iatk_sender *s, const json_t *event, iatk__entry *e,
                  iatk_error *err) {
  iatk_buf key, b;
  iatk__buf_init(&key);
  iatk__buf_init(&b);
  int rc = IATK_OK;
  if (s->partition_key)
    rc = pointer_key(s, event, &key, err);
  else
    hash_key(&key, e->text, e->len);
  if (rc == IATK_OK) {
    iatk__buf_puts(&b, "{\"Data\":\"");
    base64(&b, (const unsigned char *)e->text, e->len);
    iatk__buf_puts(&b, "\",\"PartitionKey\":");
    iatk__buf_json_string(&b, key.data, key.len);
    iatk__buf_putc(&b, '}');
    if (b.failed || key.failed)
      rc = iatk__fail(err, IATK_ENOMEM, "out of memory");
  }
  e->size = e->len + key.len;
  iatk__buf_release(&key);
  if (rc != IATK_OK) {
    iatk__buf_release(&b);
    return rc;
  }
  e->encoded_len = b.len;
  e->encoded = iatk__buf_steal(&b);
  return IATK_OK;
}

static void body(const iatk_sender *s, iatk__entry *const *entries, size_t n,
                 iatk_buf *out) {
  iatk__buf_puts(out, "{\"Records\":[");
  for (size_t i = 0; i < n; i++) {
    if (i)
      iatk__buf_putc(out, ',');
    iatk__buf_append(out, entries[i]->encoded, entries[i]->encoded_len);
  }
  iatk__buf_puts(out, strncmp(s->target, "arn:", 4) == 0 ? "],\"StreamARN\":"
                                                         : "],\"StreamName\":");
  iatk__buf_json_string(out, s->target, strlen(s->target));
  iatk__buf_putc(out, '}');
}

static int results(const char *text, size_t len, size_t n,
                   iatk__entry_result *out) {
  json_t *doc = iatk__sink_parse_answer(text, len);
  json_t *list = doc ? json_object_get(doc, "Records") : NULL;
  if (!json_is_array(list) || json_array_size(list) != n) {
    json_decref(doc);
    return -1;
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
  return 0;
}

const iatk__sink iatk__sink_kinesis = {"PutRecords", IATK__AWS_KINESIS,
                                       500,          5 * 1024 * 1024,
                                       1024 * 1024,  setup,
                                       encode,       body,
                                       results};
