/* fuzz_sigv4: SigV4 as `iatk registry serve` checks it (lib/aws/
 * sigv4_verify.c, iatk__sigv4_verify) and as iatk signs (sigv4.c), with the
 * canonical forms both share (sigv4_canonical.c).  The input is a request
 * (fuzz_http.h): method, path, query, headers (the Authorization header
 * among them), body.  The clock is pinned at 20150830T123600Z and one key
 * is known, AKIDEXAMPLE, so requests botocore signed at that instant (the
 * seeds) verify.
 *
 * Checks:
 *  - verifying the input as received answers IATK_OK, or ESIGNATURE with
 *    one of AWS's four codes and a message; a request accepted as received
 *    is refused once its body changes (the payload is signed);
 *  - the same request signed by iatk itself (without, then with a session
 *    token) and received with the headers the signer adds is ACCEPTED,
 *    whenever every header name is one an HTTP server can receive (an
 *    RFC 9110 token) and no X-Amz-Content-SHA256 differs from the body's
 *    hash; and it is refused with InvalidSignatureException once one
 *    digit of its signature, or its body, changes. */
#include <stdio.h>

#include "fuzz_common.h"
#include "fuzz_http.h"

#include "aws/sigv4_private.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define AKID "AKIDEXAMPLE"
#define SECRET "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"
#define TOKEN                                                                  \
  "AQoDYXdzEPT//////////wEXAMPLEtc764bNrC9SAPBSM22wDOk4x4HIZ8j4FZTwdQ"
#define NOW ((time_t)1440938160) /* 20150830T123600Z */
#define SKEW 300
#define SERVICE "schemas"
#define REGION "us-east-1"
#define DEFAULT_HOST "schemas.us-east-1.amazonaws.com"
/* The input's headers plus Host, X-Amz-Date, the token and Authorization. */
#define MAX_RECEIVED (FUZZ_HTTP_MAX_HEADERS + 4)

static int lookup(const char *access_key_id, const char **secret,
                  void *userdata) {
  (void)userdata;
  if (strcmp(access_key_id, AKID) != 0)
    return 0;
  *secret = SECRET;
  return 1;
}

/* ------------------------------------------------------------ verifying */

typedef struct verdict {
  int rc;
  const char *code; /* AWS's error code, NULL when accepted */
  iatk_error err;
} verdict;

static const char *const aws_codes[] = {
    "MissingAuthenticationTokenException", "IncompleteSignatureException",
    "UnrecognizedClientException", "InvalidSignatureException", NULL};

/* Verifies and checks that the answer is one the server can send on. */
static verdict verify(const iatk__sigv4_request *req, const char *what) {
  verdict v;
  iatk_error_clear(&v.err);
  v.code = "unset";
  v.rc = iatk__sigv4_verify(req, SERVICE, NOW, SKEW, lookup, NULL, &v.code,
                            &v.err);
  if (fuzz_verbose())
    fprintf(stderr, "%s: %s %s\n", what, v.code ? v.code : "accepted",
            v.err.message);
  if (v.rc == IATK_OK) {
    if (v.code)
      fuzz_die("%s: accepted, yet the AWS code is %s", what, v.code);
    return v;
  }
  fuzz_check_error("iatk__sigv4_verify", v.rc, &v.err);
  if (v.rc != IATK_ESIGNATURE)
    fuzz_die("%s: failed with %s: %s", what, iatk_err_name(v.rc),
             v.err.message);
  int known = 0;
  for (int i = 0; aws_codes[i] && !known; i++)
    known = v.code && strcmp(v.code, aws_codes[i]) == 0;
  if (!known)
    fuzz_die("%s: refused with the AWS code %s", what,
             v.code ? v.code : "(null)");
  return v;
}

/* The same request with one more byte of body must be refused. */
static void expect_body_signed(iatk__sigv4_request req, const char *what) {
  char *longer = malloc(req.payload_len + 1);
  if (!longer)
    abort();
  if (req.payload_len)
    memcpy(longer, req.payload, req.payload_len);
  longer[req.payload_len] = 'x';
  req.payload = longer;
  req.payload_len++;
  verdict v = verify(&req, what);
  free(longer);
  if (v.rc == IATK_OK || strcmp(v.code, "InvalidSignatureException") != 0)
    fuzz_die("%s: a changed body is %s", what,
             v.rc == IATK_OK ? "accepted" : v.code);
}

/* ----------------------------------------------------- our own signature */

/* Characters of an RFC 9110 token, the only header names a server sees. */
static int is_token(const char *name) {
  static const char chars[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRS"
                              "TUVWXYZ0123456789!#$%&'*+-.^_`|~";
  return name[0] && strspn(name, chars) == strlen(name);
}

/* Whether verification must accept what iatk signs for this request. */
static int must_accept(const fuzz_http *h, const char *body_hash) {
  for (size_t i = 0; i < h->header_count; i++)
    if (!is_token(h->headers[i].name))
      return 0;
  const char *claimed = fuzz_http_get(h, "x-amz-content-sha256");
  return !claimed || strcmp(claimed, body_hash) == 0;
}

/* Headers the signer replaces with its own: botocore's rule, sigv4.c. */
static int replaced(const char *name, int has_token) {
  return strcasecmp(name, "authorization") == 0 ||
         strcasecmp(name, "x-amz-date") == 0 ||
         (has_token && strcasecmp(name, "x-amz-security-token") == 0);
}

/* What the server receives: the request's own headers but those the
 * signer replaced, then Host (when the request had none), X-Amz-Date,
 * the token and Authorization. */
static size_t received_headers(const fuzz_http *h, const char *host,
                               const iatk__sigv4_signature *sig,
                               const char *token, iatk__http_header *out) {
  size_t n = 0;
  for (size_t i = 0; i < h->header_count; i++)
    if (!replaced(h->headers[i].name, token != NULL))
      out[n++] = h->headers[i];
  if (!fuzz_http_get(h, "host"))
    out[n++] = (iatk__http_header){"Host", host};
  out[n++] = (iatk__http_header){"X-Amz-Date", sig->amz_date};
  if (token)
    out[n++] = (iatk__http_header){"X-Amz-Security-Token", token};
  out[n++] = (iatk__http_header){"Authorization", sig->authorization};
  return n;
}

/* The Authorization header with the signature's last digit changed. */
static char *tampered(const char *authorization) {
  char *copy = strdup(authorization);
  if (!copy)
    abort();
  size_t n = strlen(copy);
  copy[n - 1] = copy[n - 1] == '0' ? '1' : '0';
  return copy;
}

static void sign_and_verify(const fuzz_http *h, const char *token, int accept) {
  const char *host = fuzz_http_get(h, "host");
  host = host ? host : DEFAULT_HOST;
  iatk__sigv4_request req = {h->method, host,       h->path,
                             h->query,  h->headers, h->header_count,
                             h->body,   h->body_len};
  iatk__aws_creds creds = {(char *)AKID, (char *)SECRET, (char *)token, 0,
                           "fuzz"};
  iatk__sigv4_signature sig;
  iatk_error err;
  iatk_error_clear(&err);
  int rc = iatk__sigv4_sign(&req, &creds, REGION, SERVICE, NOW, &sig, &err);
  if (rc != IATK_OK)
    fuzz_die("signing failed: %s: %s", iatk_err_name(rc), err.message);
  iatk__http_header received[MAX_RECEIVED];
  req.headers = received;
  req.header_count = received_headers(h, host, &sig, token, received);
  const char *what = token ? "own signature with a token" : "own signature";
  verdict v = verify(&req, what);
  if (accept && v.rc != IATK_OK)
    fuzz_die("%s refused (%s: %s)\n  authorization: %s\n  canonical "
             "request:\n%s",
             what, v.code, v.err.message, sig.authorization,
             sig.canonical_request);
  if (v.rc == IATK_OK) {
    expect_body_signed(req, what);
    char *bad = tampered(sig.authorization);
    received[req.header_count - 1].value = bad;
    v = verify(&req, "a changed signature");
    if (v.rc == IATK_OK || strcmp(v.code, "InvalidSignatureException") != 0)
      fuzz_die("a changed signature is %s",
               v.rc == IATK_OK ? "accepted" : v.code);
    free(bad);
  }
  iatk__sigv4_signature_release(&sig);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size > FUZZ_MAX_INPUT)
    return -1;
  fuzz_http h;
  if (fuzz_http_parse(&h, data, size) != 0)
    abort();
  const char *host = fuzz_http_get(&h, "host");
  iatk__sigv4_request req = {h.method,  host ? host : "", h.path, h.query,
                             h.headers, h.header_count,   h.body, h.body_len};
  if (verify(&req, "the request as received").rc == IATK_OK)
    expect_body_signed(req, "the request as received");
  char hash[65];
  iatk__sigv4_sha256_hex(h.body, h.body_len, hash);
  int accept = must_accept(&h, hash);
  sign_and_verify(&h, NULL, accept);
  sign_and_verify(&h, TOKEN, accept);
  fuzz_http_release(&h);
  return 0;
}
