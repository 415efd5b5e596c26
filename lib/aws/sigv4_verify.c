/* Checking a received request's SigV4 Authorization header, for
 * `iatk registry serve`: parse it strictly, recompute the signature over
 * exactly the headers it lists, and answer with the error code and the
 * wording AWS uses, so SDKs and the CLI report our rejections as they
 * report AWS's. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

#include "aws/sigv4_private.h"

#define MISSING "MissingAuthenticationTokenException"
#define INCOMPLETE "IncompleteSignatureException"
#define UNRECOGNIZED "UnrecognizedClientException"
#define INVALID "InvalidSignatureException"

/* The parts of "AWS4-HMAC-SHA256 Credential=AKID/20150830/us-east-1/iam/
 * aws4_request, SignedHeaders=host;x-amz-date, Signature=5d67...". */
typedef struct auth_header {
  char *copy; /* the header's value, cut in place by the parser */
  const char *credential, *signed_headers, *signature;
  /* the credential's five elements */
  const char *access_key, *date, *region, *service, *terminator;
} auth_header;

/* Everything verify() owns, released in one place. */
typedef struct verify_state {
  const iatk__sigv4_request *req;
  const char *authorization; /* the header as received, for messages */
  const char **aws_code;
  iatk_error *err;
  auth_header auth;
  char amz_date[17];
  iatk__sigv4_headers headers;
  iatk__sigv4_signature computed;
} verify_state;

static int reject(verify_state *s, const char *code, const char *fmt, ...)
    IATK_PRINTF(3, 4);

/* Fails with ESIGNATURE and the AWS error code; the message is AWS's
 * message alone, as a server puts it in its error body. */
static int reject(verify_state *s, const char *code, const char *fmt, ...) {
  char message[IATK_ERROR_MESSAGE_SIZE];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(message, sizeof message, fmt, ap);
  va_end(ap);
  *s->aws_code = code;
  return iatk__fail(s->err, IATK_ESIGNATURE, "%s", message);
}

/* The first value of a received header, or NULL. */
static const char *find_header(const iatk__sigv4_request *req,
                               const char *lower) {
  for (size_t i = 0; i < req->header_count; i++)
    if (iatk__sigv4_name_is(req->headers[i].name, lower))
      return req->headers[i].value ? req->headers[i].value : "";
  return NULL;
}

/* ------------------------------------------------------ the Authorization */

static char *trim(char *s) {
  while (*s == ' ' || *s == '\t')
    s++;
  size_t n = strlen(s);
  while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t'))
    s[--n] = '\0';
  return s;
}

/* Stores one "Name=value" component; 0, or -1 when it is malformed,
 * unknown or repeated. */
static int store_component(auth_header *a, char *component) {
  char *eq = strchr(component, '=');
  if (!eq)
    return -1;
  *eq = '\0';
  const char *name = trim(component), *value = trim(eq + 1);
  const char **slot = strcmp(name, "Credential") == 0      ? &a->credential
                      : strcmp(name, "SignedHeaders") == 0 ? &a->signed_headers
                      : strcmp(name, "Signature") == 0     ? &a->signature
                                                           : NULL;
  if (!slot || *slot || !*value)
    return -1;
  *slot = value;
  return 0;
}

/* "AKID/20150830/us-east-1/iam/aws4_request": five non-empty elements. */
static int split_credential(auth_header *a, char *credential) {
  const char **parts[5] = {&a->access_key, &a->date, &a->region, &a->service,
                           &a->terminator};
  char *p = credential;
  for (int i = 0; i < 5; i++) {
    char *slash = strchr(p, '/');
    if ((slash == NULL) != (i == 4) || slash == p || !*p)
      return -1;
    if (slash)
      *slash = '\0';
    *parts[i] = p;
    p = slash ? slash + 1 : p;
  }
  return 0;
}

static int parse_components(verify_state *s, char *rest) {
  auth_header *a = &s->auth;
  char *save = NULL; /* strtok_r: servers verify on several threads */
  for (char *c = strtok_r(rest, ",", &save); c;
       c = strtok_r(NULL, ",", &save)) {
    char shown[256];
    snprintf(shown, sizeof shown, "%s", trim(c));
    if (store_component(a, c) == 0)
      continue;
    if (!strchr(shown, '='))
      return reject(s, INCOMPLETE,
                    "'%s' not a valid key=value pair (missing equal-sign) in "
                    "Authorization header: '%s'.",
                    shown, s->authorization);
    return reject(s, INCOMPLETE,
                  "'%s' is an unknown, repeated or empty parameter in "
                  "Authorization header: '%s'.",
                  shown, s->authorization);
  }
  const char *missing = !a->credential       ? "Credential"
                        : !a->signed_headers ? "SignedHeaders"
                        : !a->signature      ? "Signature"
                                             : NULL;
  if (missing)
    return reject(s, INCOMPLETE,
                  "Authorization header requires '%s' parameter. "
                  "Authorization=%s",
                  missing, s->authorization);
  return IATK_OK;
}

static int parse_authorization(verify_state *s) {
  size_t alg = strlen(IATK__SIGV4_ALGORITHM);
  if (strncmp(s->authorization, IATK__SIGV4_ALGORITHM, alg) != 0 ||
      s->authorization[alg] != ' ')
    return reject(s, INCOMPLETE,
                  "Authorization header requires the '%s' algorithm. "
                  "Authorization=%s",
                  IATK__SIGV4_ALGORITHM, s->authorization);
  s->auth.copy = strdup(s->authorization);
  if (!s->auth.copy)
    return iatk__fail(s->err, IATK_ENOMEM, "out of memory verifying a request");
  int rc = parse_components(s, s->auth.copy + alg + 1);
  if (rc != IATK_OK)
    return rc;
  char *credential = (char *)s->auth.credential; /* inside auth.copy */
  char given[512];
  snprintf(given, sizeof given, "%s", credential);
  if (split_credential(&s->auth, credential) != 0)
    return reject(s, INCOMPLETE,
                  "Credential must have exactly 5 slash-delimited elements, "
                  "e.g. keyid/date/region/service/term, got '%s'",
                  given);
  return IATK_OK;
}

/* RFC 9110's token characters, letters in lower case. */
#define HEADER_NAME_CHARS "abcdefghijklmnopqrstuvwxyz0123456789!#$%&'*+-.^_`|~"

/* SignedHeaders as botocore writes it: lower-case names, sorted, distinct,
 * host among them (AWS refuses a signature that does not cover it). */
static int check_signed_headers(verify_state *s) {
  const char *list = s->auth.signed_headers, *prev = NULL;
  size_t prev_len = 0;
  int has_host = 0;
  for (const char *p = list;; p++) {
    size_t n = strcspn(p, ";");
    int ok = n > 0 && strspn(p, HEADER_NAME_CHARS) >= n;
    if (ok && prev) {
      int c = memcmp(prev, p, prev_len < n ? prev_len : n);
      ok = c < 0 || (c == 0 && prev_len < n);
    }
    if (!ok)
      return reject(s, INCOMPLETE, "Invalid SignedHeaders: '%s'.", list);
    has_host |= n == 4 && memcmp(p, "host", 4) == 0;
    prev = p, prev_len = n, p += n;
    if (!*p)
      break;
  }
  if (!has_host)
    return reject(s, INCOMPLETE,
                  "'Host' or ':authority' must be a 'SignedHeader' in the AWS "
                  "Authorization.");
  return IATK_OK;
}

/* -------------------------------------------------------------- the date */

/* The request's time from X-Amz-Date, else Date, in s->amz_date. */
static int request_time(verify_state *s, time_t *t) {
  const char *amz = find_header(s->req, "x-amz-date");
  const char *date = amz ? NULL : find_header(s->req, "date");
  if (!amz && !date)
    return reject(s, INCOMPLETE,
                  "Authorization header requires existence of either a "
                  "'X-Amz-Date' or a 'Date' header. Authorization=%s",
                  s->authorization);
  int bad = amz ? iatk__sigv4_parse_amz_date(amz, t)
                : iatk__sigv4_parse_http_date(date, t);
  if (bad || iatk__sigv4_amz_date(*t, s->amz_date) != 0)
    return reject(s, INCOMPLETE,
                  "Date must be in ISO-8601 'basic format'. Got '%s'. See "
                  "http://en.wikipedia.org/wiki/ISO_8601",
                  amz ? amz : date);
  return IATK_OK;
}

static void format_skew(char *out, size_t size, int seconds) {
  if (seconds % 60 == 0)
    snprintf(out, size, "%d min.", seconds / 60);
  else
    snprintf(out, size, "%d sec.", seconds);
}

/* AWS's two messages for a request outside the allowed clock skew. */
static int check_skew(verify_state *s, time_t t, time_t now, int max_skew) {
  char bound[17] = "", now_text[17] = "", skew[32];
  format_skew(skew, sizeof skew, max_skew);
  iatk__sigv4_amz_date(now, now_text);
  if (t < now - max_skew) {
    iatk__sigv4_amz_date(now - max_skew, bound);
    return reject(s, INVALID,
                  "Signature expired: %s is now earlier than %s (%s - %s)",
                  s->amz_date, bound, now_text, skew);
  }
  if (t > now + max_skew) {
    iatk__sigv4_amz_date(now + max_skew, bound);
    return reject(s, INVALID,
                  "Signature not yet current: %s is still later than %s "
                  "(%s + %s)",
                  s->amz_date, bound, now_text, skew);
  }
  return IATK_OK;
}

/* ------------------------------------------------------------- the scope */

static int check_scope(verify_state *s, const char *service) {
  const auth_header *a = &s->auth;
  if (strcmp(a->terminator, IATK__SIGV4_TERMINATOR) != 0)
    return reject(s, INVALID,
                  "Credential should be scoped with a valid terminator: "
                  "'aws4_request', not '%s'.",
                  a->terminator);
  if (strcmp(a->service, service) != 0)
    return reject(s, INVALID,
                  "Credential should be scoped to correct service: '%s'. ",
                  service);
  if (strncmp(a->date, s->amz_date, 8) != 0 || strlen(a->date) != 8)
    return reject(s, INVALID,
                  "Date in Credential scope does not match YYYYMMDD from "
                  "ISO-8601 version of date from HTTP: '%s' != '%.8s', from "
                  "'%s'.",
                  a->date, s->amz_date, s->amz_date);
  return IATK_OK;
}

/* ----------------------------------------------------------- the headers */

/* Every received value of the header `name` (lower case), or Host from
 * the request when a server keeps it apart from the other headers. */
static int gather_one(verify_state *s, const char *name) {
  size_t before = s->headers.count;
  for (size_t i = 0; i < s->req->header_count; i++) {
    const iatk__http_header *h = &s->req->headers[i];
    if (iatk__sigv4_name_is(h->name, name) &&
        iatk__sigv4_headers_add(&s->headers, name, h->value, s->err))
      return iatk__error_code(s->err, IATK_ENOMEM);
  }
  if (s->headers.count == before && strcmp(name, "host") == 0 && s->req->host &&
      iatk__sigv4_headers_add(&s->headers, name, s->req->host, s->err))
    return iatk__error_code(s->err, IATK_ENOMEM);
  if (s->headers.count == before)
    return reject(s, INCOMPLETE,
                  "Header '%s' is listed in SignedHeaders but is not in the "
                  "request.",
                  name);
  return IATK_OK;
}

/* The received headers SignedHeaders lists, every value of each.  Names
 * are copied whole, whatever their length: a name cut short would match
 * no header, and a request signed over it would be refused. */
static int gather_headers(verify_state *s) {
  const char *p = s->auth.signed_headers;
  int rc = IATK_OK;
  while (*p && rc == IATK_OK) {
    size_t n = strcspn(p, ";");
    char *name = strndup(p, n);
    rc = name ? gather_one(s, name)
              : iatk__fail(s->err, IATK_ENOMEM,
                           "out of memory verifying a request");
    free(name);
    p += n + (p[n] == ';');
  }
  return rc;
}

/* ------------------------------------------------------------- verifying */

static int check_signature(verify_state *s, const char *secret,
                           const char *payload_hash) {
  iatk__sigv4_input in = {s->req->method, s->req->path,   s->req->query,
                          &s->headers,    payload_hash,   s->amz_date,
                          secret,         s->auth.region, s->auth.service};
  int rc = iatk__sigv4_compute(&in, &s->computed, s->err);
  if (rc != IATK_OK)
    return rc;
  const char *given = s->auth.signature;
  if (strlen(given) != 64 ||
      CRYPTO_memcmp(given, s->computed.signature, 64) != 0)
    return reject(s, INVALID,
                  "The request signature we calculated does not match the "
                  "signature you provided. Check your AWS Secret Access Key "
                  "and signing method. Consult the service documentation for "
                  "details.");
  return IATK_OK;
}

static int check_payload(verify_state *s, char hash[65]) {
  iatk__sigv4_sha256_hex(s->req->payload, s->req->payload_len, hash);
  const char *claimed = find_header(s->req, "x-amz-content-sha256");
  if (claimed && strcmp(claimed, hash) != 0)
    return reject(s, INVALID,
                  "The provided 'x-amz-content-sha256' header does not match "
                  "what was computed.");
  return IATK_OK;
}

static int run_checks(verify_state *s, const char *service, time_t now,
                      int max_skew, iatk__sigv4_secret_lookup lookup,
                      void *userdata) {
  time_t t = 0;
  const char *secret = NULL;
  char hash[65];
  int rc = parse_authorization(s);
  if (rc == IATK_OK)
    rc = check_signed_headers(s);
  if (rc == IATK_OK)
    rc = request_time(s, &t);
  if (rc == IATK_OK)
    rc = check_scope(s, service);
  if (rc == IATK_OK && !lookup(s->auth.access_key, &secret, userdata))
    rc = reject(s, UNRECOGNIZED,
                "The security token included in the request is invalid.");
  if (rc == IATK_OK)
    rc = check_skew(s, t, now, max_skew);
  if (rc == IATK_OK)
    rc = gather_headers(s);
  if (rc == IATK_OK)
    rc = check_payload(s, hash);
  if (rc == IATK_OK)
    rc = check_signature(s, secret ? secret : "", hash);
  return rc;
}

int iatk__sigv4_verify(const iatk__sigv4_request *req, const char *service,
                       time_t now, int max_skew_seconds,
                       iatk__sigv4_secret_lookup lookup, void *userdata,
                       const char **aws_code, iatk_error *err) {
  const char *ignored = NULL;
  verify_state s = {
      .req = req, .aws_code = aws_code ? aws_code : &ignored, .err = err};
  *s.aws_code = NULL;
  if (!req || !req->method || !service || !lookup)
    return iatk__fail(err, IATK_EINVAL,
                      "verifying needs a request, a service and a key lookup");
  s.authorization = find_header(req, "authorization");
  if (!s.authorization)
    return reject(&s, MISSING, "Request is missing Authentication Token");
  int rc = run_checks(&s, service, now, max_skew_seconds, lookup, userdata);
  free(s.auth.copy);
  iatk__sigv4_headers_release(&s.headers);
  iatk__sigv4_signature_release(&s.computed);
  return rc;
}
