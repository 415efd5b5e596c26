/* The AWS request layer (lib/aws/): SigV4, the configuration chain,
 * transport with the SDKs' standard retries, AWS error bodies turned into
 * iatk_errors.  Used by the Schemas source and every AWS sink; nothing
 * above this layer knows about HTTP.  Not installed.
 *
 *   sigv4.c        signing and verifying (HMAC-SHA256 with libcrypto)
 *   config.c       shared config/credentials files (libinih), profile,
 *                  region, endpoints, retry and timeout settings
 *   credentials*.c the credential provider chain and its cache
 *   http.c         one HTTP exchange with libcurl
 *   call.c         what one call needs: URL, signed headers, judgement
 *   request.c      endpoint + signing + retries + error bodies, blocking
 *   multi.c        the same for many calls at once (libcurl multi)
 *   client.c       the public iatk_aws handle
 */
#ifndef IATK_AWS_INTERNAL_H
#define IATK_AWS_INTERNAL_H

#include <stddef.h>
#include <time.h>

#include "common/internal.h"

/* --------------------------------------------------------------- services */

/* The services iatk talks to: XX(ID, endpoint env suffix, key in a config
 * file's `services` section, endpoint host prefix, SigV4 signing name).
 * The default endpoint is https://<host prefix>.<region>.amazonaws.com. */
#define IATK__AWS_SERVICES(XX)                                                 \
  XX(SCHEMAS, "SCHEMAS", "schemas", "schemas", "schemas")                      \
  XX(STS, "STS", "sts", "sts", "sts")                                          \
  XX(SSO, "SSO", "sso", "portal.sso", "awsssoportal")                          \
  XX(LAMBDA, "LAMBDA", "lambda", "lambda", "lambda")                           \
  XX(SFN, "SFN", "sfn", "states", "states")                                    \
  XX(EVENTBRIDGE, "EVENTBRIDGE", "eventbridge", "events", "events")            \
  XX(SQS, "SQS", "sqs", "sqs", "sqs")                                          \
  XX(KINESIS, "KINESIS", "kinesis", "kinesis", "kinesis")

typedef enum iatk__aws_service_id {
#define IATK__XX_SERVICE_ENUM(id, env, key, host, signing) IATK__AWS_##id,
  IATK__AWS_SERVICES(IATK__XX_SERVICE_ENUM)
#undef IATK__XX_SERVICE_ENUM
      IATK__AWS_SERVICE_COUNT
} iatk__aws_service_id;

typedef struct iatk__aws_service {
  const char *env_suffix;   /* AWS_ENDPOINT_URL_<env_suffix> */
  const char *config_key;   /* key of a `services` section */
  const char *host_prefix;  /* <host_prefix>.<region>.amazonaws.com */
  const char *signing_name; /* the service in the credential scope */
} iatk__aws_service;

/* The table above, indexed by iatk__aws_service_id. */
extern const iatk__aws_service iatk__aws_services[IATK__AWS_SERVICE_COUNT];

/* ------------------------------------------------------------ credentials */

typedef struct iatk__aws_creds {
  char *access_key_id;
  char *secret_access_key;
  char *session_token; /* NULL for long-term keys */
  time_t expiration;   /* 0 for credentials that do not expire */
  const char *source;  /* static, for -v: "environment", "shared credentials
                        * file", "credential_process", "assume role",
                        * "web identity", "sso", "container", "imds" */
} iatk__aws_creds;

void iatk__aws_creds_release(iatk__aws_creds *c);
int iatk__aws_creds_copy(iatk__aws_creds *dst, const iatk__aws_creds *src,
                         iatk_error *err);

/* ----------------------------------------------------------------- headers */

/* One HTTP header: name in any case, value as sent or received. */
typedef struct iatk__http_header {
  const char *name;
  const char *value;
} iatk__http_header;

/* ------------------------------------------------------------------ sigv4.c */

/* A request as the signer (and the verifier) sees it. */
typedef struct iatk__sigv4_request {
  const char *method; /* "GET", "POST", ... */
  const char *host;   /* the Host header as sent: "schemas.us-east-1.
                       * amazonaws.com" or "127.0.0.1:8080" */
  const char *path;   /* the path as on the wire, each segment percent-
                       * encoded once ("/v1/.../schemas/name/aws.a%40B");
                       * "" means "/" */
  const char *query;  /* the query string as on the wire, without '?';
                       * NULL or "" when there is none */
  /* Signing: headers to sign besides the ones the signer adds (host,
   * x-amz-date, x-amz-security-token), e.g. Content-Type, X-Amz-Target.
   * Verifying: every header as received (Authorization included). */
  const iatk__http_header *headers;
  size_t header_count;
  const void *payload;
  size_t payload_len;
} iatk__sigv4_request;

/* What signing produced.  The two texts are kept for tests and -vv. */
typedef struct iatk__sigv4_signature {
  char amz_date[17];       /* X-Amz-Date: "20150830T123600Z" */
  char signature[65];      /* lower-case hex */
  char *authorization;     /* the Authorization header's value */
  char *canonical_request; /* as botocore prints it */
  char *string_to_sign;
} iatk__sigv4_signature;

/* Signs `req` like botocore's SigV4Auth for `service` in `region` at
 * `now`.  The caller sends Host, X-Amz-Date (out->amz_date),
 * X-Amz-Security-Token (when creds has a session token) and Authorization
 * along with the request's own headers.  Release `out` in every case. */
int iatk__sigv4_sign(const iatk__sigv4_request *req,
                     const iatk__aws_creds *creds, const char *region,
                     const char *service, time_t now,
                     iatk__sigv4_signature *out, iatk_error *err);
void iatk__sigv4_signature_release(iatk__sigv4_signature *s);

/* The secret key of `access_key_id` in *secret (borrowed), or 0 when the
 * key is unknown. */
typedef int (*iatk__sigv4_secret_lookup)(const char *access_key_id,
                                         const char **secret, void *userdata);

/* Checks the Authorization header of a received request: the scope's
 * service must be `service`, X-Amz-Date within `max_skew_seconds` of
 * `now`, the key known to `lookup`, the signature right.  Fails with
 * ESIGNATURE and sets *aws_code (static) to the error code AWS answers
 * with: "MissingAuthenticationTokenException", "IncompleteSignatureException",
 * "UnrecognizedClientException", "InvalidSignatureException". */
int iatk__sigv4_verify(const iatk__sigv4_request *req, const char *service,
                       time_t now, int max_skew_seconds,
                       iatk__sigv4_secret_lookup lookup, void *userdata,
                       const char **aws_code, iatk_error *err);

/* Appends s[0..n) percent-encoded as SigV4 wants it: unreserved characters
 * (A-Z a-z 0-9 - . _ ~) kept, every other byte %XX with upper-case hex, and
 * '/' kept when keep_slash.  Used for path labels and query values. */
void iatk__aws_uri_encode(iatk_buf *out, const char *s, size_t n,
                          int keep_slash);

/* --------------------------------------------------------------- config.c */

/* The SDKs' connect and read timeouts. */
#define IATK__AWS_DEFAULT_TIMEOUT_MS 60000

/* The resolved configuration of one client.  Strings are owned. */
typedef struct iatk__aws_config {
  char *profile;               /* the selected profile ("default" if none) */
  int profile_explicit;        /* named by the caller (2) or AWS_PROFILE (1);
                           * only the caller's naming skips the
                           * environment's credentials, as in the CLI */
  char *region;                /* NULL when nothing names one */
  const char *region_source;   /* static, for -v */
  char *endpoint_url;          /* the caller's override (--endpoint-url) */
  char *ca_bundle;             /* AWS_CA_BUNDLE or the profile's ca_bundle */
  int max_attempts;            /* AWS_MAX_ATTEMPTS / max_attempts; default 3 */
  int connect_timeout_ms;      /* default 60 s, like the SDKs */
  int read_timeout_ms;         /* default 60 s */
  int read_timeout_explicit;   /* set by the caller: it wins over an
                              * operation's own longer wait */
  int inject_host_prefix;      /* put an operation's host prefix before the
                           * endpoint's host (botocore's default); off
                           * with disable_host_prefix_injection */
  struct iatk__aws_ini *files; /* parsed ~/.aws/config and credentials */
} iatk__aws_config;

/* getenv, with an empty value taken as unset (as a shell `export X=`). */
const char *iatk__aws_env(const char *name);

/* Resolves everything but credentials.  NULL arguments mean "follow the
 * chain" (AWS_PROFILE, AWS_REGION, ...). */
int iatk__aws_config_load(iatk__aws_config *cfg, const char *profile,
                          const char *region, const char *endpoint_url,
                          iatk_error *err);
void iatk__aws_config_release(iatk__aws_config *cfg);

/* A key of a profile: the credentials file's [NAME] first for credential
 * keys, then the config file's [profile NAME] ([default] for "default").
 * NULL when absent.  Borrowed from cfg. */
const char *iatk__aws_config_get(const iatk__aws_config *cfg,
                                 const char *profile, const char *key);
/* A key of a named section of the config file ("sso-session NAME",
 * "services NAME"); NULL when absent. */
const char *iatk__aws_config_section_get(const iatk__aws_config *cfg,
                                         const char *section, const char *key);

/* The endpoint URL for a service, first of: the caller's override,
 * AWS_ENDPOINT_URL_<SERVICE>, AWS_ENDPOINT_URL, the profile's `services`
 * section, the profile's endpoint_url, the default host for the region.
 * *source (static) says which, for -v.  Caller frees. */
char *iatk__aws_endpoint(const iatk__aws_config *cfg, iatk__aws_service_id id,
                         const char **source, iatk_error *err);

/* ---------------------------------------------------------------- http.c */

typedef struct iatk__http_request {
  const char *method;
  const char *url;
  const iatk__http_header *headers;
  size_t header_count;
  const char *body;
  size_t body_len;
  const char *ca_bundle; /* NULL: the system's */
  int connect_timeout_ms;
  int timeout_ms;      /* whole exchange */
  size_t max_response; /* ELIMIT past it */
  int read_timeout_ms; /* silence allowed once connected (the SDKs'
                           * read timeout); 0: only timeout_ms bounds it */
} iatk__http_request;

typedef struct iatk__http_response {
  long status; /* 0 when no response arrived */
  int sent;    /* the request went out before the exchange failed:
                        * the service may have acted on it */
  iatk_buf body;
  iatk_strlist *headers; /* "name: value" lines as received */
} iatk__http_response;

/* One exchange, no retries.  A connection failure or timeout fails with
 * ENETWORK (the response's status stays 0); any HTTP status is IATK_OK. */
int iatk__http_perform(const iatk__http_request *req, iatk__http_response *resp,
                       iatk_error *err);
/* A response header's value (case-insensitive name), or NULL. */
const char *iatk__http_header_get(const iatk__http_response *resp,
                                  const char *name);
void iatk__http_response_release(iatk__http_response *resp);

/* ------------------------------------------------------------- request.c */

/* An AWS API call, before endpoint, signing and retries. */
typedef struct iatk__aws_request {
  iatk__aws_service_id service;
  const char *method;
  const char *path;  /* percent-encoded once, see iatk__aws_uri_encode */
  const char *query; /* percent-encoded, without '?'; NULL when none */
  const iatk__http_header *headers; /* Content-Type, X-Amz-Target, ... */
  size_t header_count;
  const char *body;
  size_t body_len;
  int anonymous; /* send unsigned (AssumeRoleWithWebIdentity, SSO portal) */
  const char *host_prefix; /* the operation's endpoint.hostPrefix in
                            * botocore's model ("sync-"), or NULL */
  int read_timeout_ms;     /* the answer's wait when longer than the
                        * configuration's (a Lambda function may run for
                        * 15 minutes); 0: the configuration's */
  int acts_once;           /* not idempotent (Lambda's Invoke): a request that
                        * went out and got no answer is not sent again,
                        * since it may have run */
} iatk__aws_request;

typedef struct iatk__aws_response {
  iatk__http_response http;
  char error_code[128]; /* the AWS error code when the call failed */
  int attempts;         /* how many were made */
} iatk__aws_response;

/* Sends `req` with the standard retry mode (throttling, 5xx, transient
 * connection errors; exponential backoff with full jitter, at most
 * cfg.max_attempts attempts).  A 2xx status is IATK_OK; anything else
 * fails with EAWS "Code: Message" from the service's error body (JSON,
 * REST-JSON or XML) and sets resp->error_code; no answer at all fails with
 * ENETWORK.  Release `resp` in every case. */
int iatk__aws_send(iatk_aws *aws, const iatk__aws_request *req,
                   iatk__aws_response *resp, iatk_error *err);
void iatk__aws_response_release(iatk__aws_response *resp);
/* The standard retry mode's delay in seconds before attempt `attempt` + 1 (attempt is 1-based)
 * for a random draw r in [0, 1): min(r * 2^(attempt-1), 20). */
double iatk__aws_backoff(int attempt, double r);

/* --------------------------------------------------------------- multi.c */

/* Many calls to one service at once on a libcurl multi handle: at most
 * `max_in_flight` exchanges open, the others queued.  Each call is signed,
 * retried and judged exactly as iatk__aws_send does it (call.c), except
 * that a retry's backoff is a timer instead of a sleep, so the other calls
 * go on meanwhile.  Single-threaded: everything happens inside
 * iatk__aws_multi_run, on the caller's thread. */
typedef struct iatk__aws_multi iatk__aws_multi;

/* A finished call: rc and err as iatk__aws_send would have returned them,
 * resp (borrowed for the call only) with the last answer.  Called from
 * iatk__aws_multi_run; it may add calls. */
typedef void (*iatk__aws_multi_done)(void *userdata, int rc,
                                     const iatk__aws_response *resp,
                                     const iatk_error *err);

/* EINVAL when no region or endpoint can be found for `service`. */
iatk__aws_multi *iatk__aws_multi_new(iatk_aws *aws,
                                     iatk__aws_service_id service,
                                     int max_in_flight, iatk_error *err);
/* Frees the handle; a call still pending is reported to its callback
 * first, failed with EIO ("abandoned"). */
void iatk__aws_multi_free(iatk__aws_multi *m);
/* Queues a call (req->service must be the handle's).  Everything `req`
 * points to is copied.  ENOMEM only. */
int iatk__aws_multi_add(iatk__aws_multi *m, const iatk__aws_request *req,
                        iatk__aws_multi_done done, void *userdata,
                        iatk_error *err);
/* Moves the calls on: starts queued ones, waits at most `timeout_ms` for
 * network activity or a retry timer, and reports every finished call to
 * its callback.  Returns at once when nothing is pending. */
void iatk__aws_multi_run(iatk__aws_multi *m, int timeout_ms);
/* Calls added and not yet reported. */
size_t iatk__aws_multi_pending(const iatk__aws_multi *m);
/* From now on no call is retried: one waiting for its backoff is reported
 * with its last failure at the next run, one in flight with its answer. */
void iatk__aws_multi_stop_retrying(iatk__aws_multi *m);

/* -------------------------------------------------------------- client.c */

/* The resolved configuration of `aws` (borrowed). */
const iatk__aws_config *iatk__aws_config_of(const iatk_aws *aws);
/* Current credentials through the chain and the cache (thread-safe);
 * the caller releases *out. */
int iatk__aws_credentials(iatk_aws *aws, iatk__aws_creds *out, iatk_error *err);

#endif
