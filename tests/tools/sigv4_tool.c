/* sigv4_tool: the SigV4 signer and verifier on JSON lines, so that
 * tests/python/test_sigv4_botocore.py can hold them against botocore.
 *
 * Each input line is one request:
 *   {"mode": "sign" | "verify", "method": "GET", "host": "h", "path": "/p",
 *    "query": "a=1" | null, "headers": [["Name", "value"], ...],
 *    "body": "..." (UTF-8, NUL allowed), "access_key": "...",
 *    "secret_key": "...", "session_token": "..." | null,
 *    "region": "...", "service": "...", "time": epoch seconds,
 *    verify only: "now": epoch (default: time), "max_skew": 300,
 *                 "keys": {"AKID": "secret", ...} (default: the one key)}
 * and each output line answers it:
 *   sign:   {"canonical_request", "string_to_sign", "signature",
 *            "authorization", "amz_date"}
 *   verify: {"ok": true|false, "aws_code": "..." | null, "message": "..."}
 *   either: {"error": "...", "code": "IATK_E..."} when the call failed
 *           outside what it reports. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "aws/aws_internal.h"

typedef struct parsed {
  iatk__sigv4_request req;
  iatk__http_header *headers;
  iatk__aws_creds creds;
  const char *region, *service;
  time_t time;
} parsed;

static const char *str_or(const json_t *obj, const char *key,
                          const char *fallback) {
  const json_t *v = json_object_get(obj, key);
  return json_is_string(v) ? json_string_value(v) : fallback;
}

/* Fills p from `in`; strings stay owned by `in`.  0 or -1. */
static int parse_request(const json_t *in, parsed *p) {
  memset(p, 0, sizeof *p);
  const json_t *headers = json_object_get(in, "headers");
  size_t n = json_array_size(headers);
  p->headers = calloc(n ? n : 1, sizeof *p->headers);
  if (!p->headers)
    return -1;
  for (size_t i = 0; i < n; i++) {
    const json_t *h = json_array_get(headers, i);
    p->headers[i].name = json_string_value(json_array_get(h, 0));
    p->headers[i].value = json_string_value(json_array_get(h, 1));
    if (!p->headers[i].name || !p->headers[i].value)
      return -1;
  }
  const json_t *body = json_object_get(in, "body");
  p->req = (iatk__sigv4_request){.method = str_or(in, "method", "GET"),
                                 .host = str_or(in, "host", NULL),
                                 .path = str_or(in, "path", ""),
                                 .query = str_or(in, "query", NULL),
                                 .headers = p->headers,
                                 .header_count = n,
                                 .payload = json_string_value(body),
                                 .payload_len = json_string_length(body)};
  p->creds.access_key_id = (char *)str_or(in, "access_key", NULL);
  p->creds.secret_access_key = (char *)str_or(in, "secret_key", NULL);
  p->creds.session_token = (char *)str_or(in, "session_token", NULL);
  p->region = str_or(in, "region", "us-east-1");
  p->service = str_or(in, "service", "schemas");
  p->time = (time_t)json_integer_value(json_object_get(in, "time"));
  return 0;
}

static json_t *error_object(const iatk_error *err) {
  return json_pack("{s:s, s:s}", "error", err->message, "code",
                   iatk_err_name(err->code));
}

static json_t *do_sign(const parsed *p) {
  iatk__sigv4_signature sig;
  iatk_error err;
  iatk_error_clear(&err);
  json_t *out;
  if (iatk__sigv4_sign(&p->req, &p->creds, p->region, p->service, p->time, &sig,
                       &err) != IATK_OK)
    out = error_object(&err);
  else
    out = json_pack("{s:s, s:s, s:s, s:s, s:s}", "canonical_request",
                    sig.canonical_request, "string_to_sign", sig.string_to_sign,
                    "signature", sig.signature, "authorization",
                    sig.authorization, "amz_date", sig.amz_date);
  iatk__sigv4_signature_release(&sig);
  return out;
}

/* The verifier's key store: the line's "keys" object. */
static int lookup_key(const char *access_key_id, const char **secret,
                      void *userdata) {
  const json_t *v = json_object_get((const json_t *)userdata, access_key_id);
  if (!json_is_string(v))
    return 0;
  *secret = json_string_value(v);
  return 1;
}

static json_t *do_verify(const json_t *in, const parsed *p) {
  json_t *keys = json_incref(json_object_get(in, "keys"));
  if (!keys && p->creds.access_key_id && p->creds.secret_access_key)
    keys =
        json_pack("{s:s}", p->creds.access_key_id, p->creds.secret_access_key);
  if (!keys)
    keys = json_object();
  const json_t *now = json_object_get(in, "now");
  const json_t *skew = json_object_get(in, "max_skew");
  const char *code = NULL;
  iatk_error err;
  iatk_error_clear(&err);
  int rc = iatk__sigv4_verify(&p->req, p->service,
                              now ? (time_t)json_integer_value(now) : p->time,
                              skew ? (int)json_integer_value(skew) : 300,
                              lookup_key, keys, &code, &err);
  json_t *out;
  if (rc != IATK_OK && rc != IATK_ESIGNATURE)
    out = error_object(&err);
  else
    out = json_pack("{s:b, s:s?, s:s}", "ok", rc == IATK_OK, "aws_code", code,
                    "message", rc == IATK_OK ? "" : err.message);
  json_decref(keys);
  return out;
}

static json_t *answer(const char *line, size_t len) {
  json_error_t jerr;
  json_t *in = json_loadb(line, len, JSON_ALLOW_NUL, &jerr);
  if (!in)
    return json_pack("{s:s, s:s}", "error", jerr.text, "code", "IATK_EJSON");
  parsed p;
  json_t *out;
  if (parse_request(in, &p) != 0)
    out = json_pack("{s:s, s:s}", "error", "malformed request line", "code",
                    "IATK_EINVAL");
  else if (strcmp(str_or(in, "mode", "sign"), "verify") == 0)
    out = do_verify(in, &p);
  else
    out = do_sign(&p);
  free(p.headers);
  json_decref(in);
  return out;
}

int main(void) {
  char *line = NULL;
  size_t cap = 0;
  ssize_t n;
  while ((n = getline(&line, &cap, stdin)) > 0) {
    json_t *out = answer(line, (size_t)n);
    char *text = out ? json_dumps(out, JSON_COMPACT) : NULL;
    printf("%s\n", text ? text : "{\"error\":\"cannot write the answer\"}");
    fflush(stdout);
    free(text);
    json_decref(out);
  }
  free(line);
  return 0;
}
