/* SigV4 signing like botocore's SigV4Auth (botocore/auth.py): which
 * headers are signed, the string to sign, the key derivation, the
 * Authorization header.  The canonical request is sigv4_canonical.c's,
 * verifying is sigv4_verify.c's. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "aws/sigv4_private.h"

/* botocore's SIGNED_HEADERS_BLACKLIST as of 1.43 (1.29 had only expect,
 * user-agent and x-amzn-trace-id): headers that proxies add, drop or
 * rewrite, so a signature over them would break on the way. */
static const char *const unsigned_headers[] = {
    "connection",
    "expect",
    "keep-alive",
    "proxy-authenticate",
    "proxy-authorization",
    "te",
    "trailer",
    "transfer-encoding",
    "upgrade",
    "user-agent",
    "x-amzn-trace-id",
};

/* ------------------------------------------------------------- primitives */

static void to_hex(const unsigned char *bytes, size_t n, char *hex) {
  static const char digits[] = "0123456789abcdef";
  for (size_t i = 0; i < n; i++) {
    hex[2 * i] = digits[bytes[i] >> 4];
    hex[2 * i + 1] = digits[bytes[i] & 15];
  }
  hex[2 * n] = '\0';
}

void iatk__sigv4_sha256_hex(const void *data, size_t n, char hex[65]) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  if (!EVP_Digest(data ? data : "", n, md, &len, EVP_sha256(), NULL) ||
      len != 32) {
    hex[0] = '\0'; /* cannot happen with a working libcrypto */
    return;
  }
  to_hex(md, 32, hex);
}

/* out = HMAC-SHA256(key, msg); 0 or -1. */
static int hmac(const void *key, size_t key_len, const char *msg,
                unsigned char out[32]) {
  unsigned int len = 0;
  if (!HMAC(EVP_sha256(), key, (int)key_len, (const unsigned char *)msg,
            strlen(msg), out, &len))
    return -1;
  return len == 32 ? 0 : -1;
}

/* kSigning = HMAC(HMAC(HMAC(HMAC("AWS4" + secret, date), region),
 * service), "aws4_request"). */
static int signing_key(const iatk__sigv4_input *in, unsigned char key[32]) {
  iatk_buf k;
  iatk__buf_init(&k);
  iatk__buf_puts(&k, "AWS4");
  iatk__buf_puts(&k, in->secret_key);
  char date[9];
  memcpy(date, in->amz_date, 8);
  date[8] = '\0';
  int rc = k.failed ? -1 : hmac(k.data, k.len, date, key);
  if (k.data)
    OPENSSL_cleanse(k.data, k.len); /* the secret does not linger */
  iatk__buf_release(&k);
  if (rc == 0)
    rc = hmac(key, 32, in->region, key);
  if (rc == 0)
    rc = hmac(key, 32, in->service, key);
  if (rc == 0)
    rc = hmac(key, 32, IATK__SIGV4_TERMINATOR, key);
  return rc;
}

/* ----------------------------------------------------------- computation */

static void string_to_sign(iatk_buf *out, const iatk__sigv4_input *in,
                           const char *canonical, size_t canonical_len) {
  char hash[65];
  iatk__sigv4_sha256_hex(canonical, canonical_len, hash);
  iatk__buf_printf(out, "%s\n%s\n%.8s/%s/%s/%s\n%s", IATK__SIGV4_ALGORITHM,
                   in->amz_date, in->amz_date, in->region, in->service,
                   IATK__SIGV4_TERMINATOR, hash);
}

int iatk__sigv4_compute(const iatk__sigv4_input *in, iatk__sigv4_signature *out,
                        iatk_error *err) {
  iatk__sigv4_headers_sort(in->headers);
  snprintf(out->amz_date, sizeof out->amz_date, "%s", in->amz_date);
  iatk_buf creq, sts;
  iatk__buf_init(&creq);
  iatk__buf_init(&sts);
  iatk__sigv4_canonical_request(&creq, in);
  if (!creq.failed)
    string_to_sign(&sts, in, creq.data, creq.len);
  int failed = creq.failed || sts.failed;
  out->canonical_request = iatk__buf_steal(&creq);
  out->string_to_sign = iatk__buf_steal(&sts);
  if (failed || !out->canonical_request || !out->string_to_sign)
    return iatk__fail(err, IATK_ENOMEM, "out of memory signing a request");
  unsigned char key[32], sig[32];
  int rc = signing_key(in, key);
  if (rc == 0)
    rc = hmac(key, sizeof key, out->string_to_sign, sig);
  OPENSSL_cleanse(key, sizeof key);
  if (rc != 0)
    return iatk__fail(err, IATK_ESIGNATURE, "HMAC-SHA256 failed in libcrypto");
  to_hex(sig, sizeof sig, out->signature);
  return IATK_OK;
}

/* ---------------------------------------------------------------- signing */

static int is_unsigned_header(const char *name) {
  for (size_t i = 0; i < sizeof unsigned_headers / sizeof *unsigned_headers;
       i++)
    if (iatk__sigv4_name_is(name, unsigned_headers[i]))
      return 1;
  return 0;
}

/* Whether botocore would drop the caller's header before signing: it
 * removes Authorization, replaces X-Amz-Date, and replaces
 * X-Amz-Security-Token when the credentials have a token. */
static int is_replaced_header(const char *name, int has_token) {
  return iatk__sigv4_name_is(name, "authorization") ||
         iatk__sigv4_name_is(name, "x-amz-date") ||
         (has_token && iatk__sigv4_name_is(name, "x-amz-security-token"));
}

/* botocore's headers_to_sign(), in the order botocore's HTTPHeaders holds
 * them: the caller's, then X-Amz-Date and the token, host last unless the
 * caller sent one. */
static int pick_headers(iatk__sigv4_headers *h, const iatk__sigv4_request *req,
                        const iatk__aws_creds *creds, const char *amz_date,
                        iatk_error *err) {
  int has_token = creds->session_token && *creds->session_token;
  int has_host = 0, rc = IATK_OK;
  for (size_t i = 0; rc == IATK_OK && i < req->header_count; i++) {
    const iatk__http_header *hd = &req->headers[i];
    if (is_unsigned_header(hd->name) || is_replaced_header(hd->name, has_token))
      continue;
    has_host |= iatk__sigv4_name_is(hd->name, "host");
    rc = iatk__sigv4_headers_add(h, hd->name, hd->value, err);
  }
  if (rc == IATK_OK)
    rc = iatk__sigv4_headers_add(h, "x-amz-date", amz_date, err);
  if (rc == IATK_OK && has_token)
    rc = iatk__sigv4_headers_add(h, "x-amz-security-token",
                                 creds->session_token, err);
  if (rc == IATK_OK && !has_host)
    rc = iatk__sigv4_headers_add(h, "host", req->host ? req->host : "", err);
  return rc;
}

/* The caller's X-Amz-Content-SHA256 when it sent one (botocore signs its
 * value as given, e.g. UNSIGNED-PAYLOAD), else the body's SHA-256. */
static const char *payload_hash(const iatk__sigv4_request *req, char hex[65]) {
  for (size_t i = 0; i < req->header_count; i++)
    if (iatk__sigv4_name_is(req->headers[i].name, "x-amz-content-sha256"))
      return req->headers[i].value ? req->headers[i].value : "";
  iatk__sigv4_sha256_hex(req->payload, req->payload_len, hex);
  return hex;
}

static int authorization(iatk__sigv4_signature *out,
                         const iatk__aws_creds *creds, const char *region,
                         const char *service, const iatk__sigv4_headers *h,
                         iatk_error *err) {
  iatk_buf b;
  iatk__buf_init(&b);
  iatk__buf_printf(&b, "%s Credential=%s/%.8s/%s/%s/%s, SignedHeaders=",
                   IATK__SIGV4_ALGORITHM, creds->access_key_id, out->amz_date,
                   region, service, IATK__SIGV4_TERMINATOR);
  iatk__sigv4_signed_headers(&b, h);
  iatk__buf_printf(&b, ", Signature=%s", out->signature);
  int failed = b.failed;
  out->authorization = iatk__buf_steal(&b);
  if (failed || !out->authorization)
    return iatk__fail(err, IATK_ENOMEM, "out of memory signing a request");
  return IATK_OK;
}

static int check_sign_args(const iatk__sigv4_request *req,
                           const iatk__aws_creds *creds, const char *region,
                           const char *service, iatk_error *err) {
  if (!req || !req->method || !region || !*region || !service || !*service)
    return iatk__fail(err, IATK_EINVAL,
                      "signing needs a request, a region and a service");
  int has_host = req->host && *req->host;
  for (size_t i = 0; !has_host && i < req->header_count; i++)
    has_host = iatk__sigv4_name_is(req->headers[i].name, "host");
  if (!has_host)
    return iatk__fail(err, IATK_EINVAL, "signing needs the request's host");
  if (!creds || !creds->access_key_id || !*creds->access_key_id ||
      !creds->secret_access_key)
    return iatk__fail(err, IATK_ECREDENTIALS,
                      "signing needs an access key id and a secret key");
  return IATK_OK;
}

int iatk__sigv4_sign(const iatk__sigv4_request *req,
                     const iatk__aws_creds *creds, const char *region,
                     const char *service, time_t now,
                     iatk__sigv4_signature *out, iatk_error *err) {
  memset(out, 0, sizeof *out);
  int rc = check_sign_args(req, creds, region, service, err);
  if (rc != IATK_OK)
    return rc;
  char amz_date[17], hex[65];
  if (iatk__sigv4_amz_date(now, amz_date) != 0)
    return iatk__fail(err, IATK_EINVAL, "time %lld is out of range",
                      (long long)now);
  iatk__sigv4_headers h = {0};
  rc = pick_headers(&h, req, creds, amz_date, err);
  iatk__sigv4_input in = {req->method,
                          req->path,
                          req->query,
                          &h,
                          payload_hash(req, hex),
                          amz_date,
                          creds->secret_access_key,
                          region,
                          service};
  if (rc == IATK_OK)
    rc = iatk__sigv4_compute(&in, out, err);
  if (rc == IATK_OK)
    rc = authorization(out, creds, region, service, &h, err);
  iatk__sigv4_headers_release(&h);
  return rc;
}

void iatk__sigv4_signature_release(iatk__sigv4_signature *s) {
  if (!s)
    return;
  free(s->authorization);
  free(s->canonical_request);
  free(s->string_to_sign);
  memset(s, 0, sizeof *s);
}
