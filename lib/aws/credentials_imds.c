/* EC2 instance metadata, the last link of the chain: IMDSv2 (PUT a session
 * token, then GET the role name and its credentials with it), IMDSv1 when
 * the token call is not understood (403/404/405) unless that is disabled.
 * Short timeouts (1 s by default), so a machine without IMDS is barely
 * slowed; and on such a machine every failure only means "no
 * credentials here" — unless AWS_EC2_METADATA_SERVICE_ENDPOINT (or the
 * profile's ec2_metadata_service_endpoint) named the endpoint, in which
 * case the user wants to hear why it failed. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "aws/aws_private.h"

#define ENDPOINT_V4 "http://169.254.169.254"
#define ENDPOINT_V6 "http://[fd00:ec2::254]"
#define TOKEN_PATH "/latest/api/token"
#define ROLE_PATH "/latest/meta-data/iam/security-credentials/"
#define TOKEN_TTL_SECONDS "21600"
#define MAX_ANSWER (64u * 1024u)

typedef struct imds {
  const iatk__aws_chain *chain;
  const char *endpoint; /* borrowed */
  int configured;       /* named by the user */
  int timeout_ms;
  int attempts;
  int v1_disabled;
  char token[1024]; /* "" for IMDSv1 */
} imds;

/* ------------------------------------------------------------ settings */

/* The environment variable, else the profile's key. */
static const char *setting(const imds *m, const char *env, const char *key) {
  const char *v = iatk__aws_env(env);
  return v ? v : iatk__aws_config_get(m->chain->cfg, m->chain->profile, key);
}

static int read_settings(imds *m, iatk_error *err) {
  const char *endpoint = setting(m, "AWS_EC2_METADATA_SERVICE_ENDPOINT",
                                 "ec2_metadata_service_endpoint");
  const char *mode = setting(m, "AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE",
                             "ec2_metadata_service_endpoint_mode");
  const char *timeout =
      setting(m, "AWS_METADATA_SERVICE_TIMEOUT", "metadata_service_timeout");
  const char *attempts = setting(m, "AWS_METADATA_SERVICE_NUM_ATTEMPTS",
                                 "metadata_service_num_attempts");
  const char *v1 =
      setting(m, "AWS_EC2_METADATA_V1_DISABLED", "ec2_metadata_v1_disabled");
  int seconds = 1, rc = IATK_OK;
  m->configured = endpoint != NULL;
  m->endpoint = endpoint                                ? endpoint
                : mode && strcasecmp(mode, "IPv6") == 0 ? ENDPOINT_V6
                                                        : ENDPOINT_V4;
  m->attempts = 1;
  m->v1_disabled = iatk__aws_parse_bool(v1) == 1;
  if (timeout)
    rc = iatk__aws_parse_int(timeout, "metadata service timeout", 1, 60,
                             &seconds, err);
  if (rc == IATK_OK && attempts)
    rc = iatk__aws_parse_int(attempts, "metadata service attempts", 1, 10,
                             &m->attempts, err);
  m->timeout_ms = seconds * 1000;
  return rc;
}

/* ------------------------------------------------------------ requests */

static int imds_call(const imds *m, const char *method, const char *path,
                     iatk__http_response *resp, iatk_error *err) {
  memset(resp, 0, sizeof *resp);
  iatk_buf url;
  iatk__buf_init(&url);
  size_t n = strlen(m->endpoint);
  while (n > 0 && m->endpoint[n - 1] == '/')
    n--;
  iatk__buf_printf(&url, "%.*s%s", (int)n, m->endpoint, path);
  iatk__http_header headers[1];
  size_t count = 0;
  if (strcmp(method, "PUT") == 0)
    headers[count++] = (iatk__http_header){
        "X-aws-ec2-metadata-token-ttl-seconds", TOKEN_TTL_SECONDS};
  else if (m->token[0])
    headers[count++] =
        (iatk__http_header){"X-aws-ec2-metadata-token", m->token};
  iatk__http_request req = {
      method, url.data,      headers,           count,      NULL, 0,
      NULL,   m->timeout_ms, 2 * m->timeout_ms, MAX_ANSWER, 0};
  int rc = url.failed ? iatk__fail(err, IATK_ENOMEM, "out of memory")
                      : iatk__aws_fetch(&req, m->attempts, resp, err);
  iatk__buf_release(&url);
  return rc;
}

static int status_failure(const char *what, const iatk__http_response *resp,
                          iatk_error *err) {
  return iatk__fail(err, IATK_ECREDENTIALS,
                    "instance metadata: %s answered "
                    "HTTP %ld",
                    what, resp->status);
}

static int usable_token(const iatk_buf *body, size_t size) {
  return body->len > 0 && body->len < size && !strpbrk(body->data, "\r\n");
}

/* IMDSv2's session token; none (IMDSv1) when the service does not know
 * the call (403, 404, 405), as botocore falls back. */
static int get_token(imds *m, iatk_error *err) {
  iatk__http_response resp;
  m->token[0] = '\0';
  int rc = imds_call(m, "PUT", TOKEN_PATH, &resp, err);
  int v1 = resp.status == 403 || resp.status == 404 || resp.status == 405;
  if (rc == IATK_OK && resp.status == 200 &&
      usable_token(&resp.body, sizeof m->token))
    memcpy(m->token, resp.body.data, resp.body.len + 1);
  else if (rc == IATK_OK && !(v1 && !m->v1_disabled))
    rc = status_failure("the token request (PUT " TOKEN_PATH ")", &resp, err);
  iatk__http_response_release(&resp);
  return rc;
}

/* The instance profile's role name: the first line of the listing. */
static int get_role(const imds *m, iatk_buf *role, iatk_error *err) {
  iatk__http_response resp;
  int rc = imds_call(m, "GET", ROLE_PATH, &resp, err);
  if (rc == IATK_OK && resp.status == 200 && resp.body.len) {
    const char *body = resp.body.data;
    size_t n = strcspn(body, "\r\n");
    iatk__buf_append(role, body, n);
  } else if (rc == IATK_OK && resp.status != 404) {
    rc = status_failure("GET " ROLE_PATH, &resp, err);
  }
  iatk__http_response_release(&resp);
  return rc;
}

static int get_credentials(const imds *m, const char *role,
                           iatk__aws_creds *out, iatk_error *err) {
  iatk_buf path;
  iatk__buf_init(&path);
  iatk__buf_puts(&path, ROLE_PATH);
  iatk__aws_uri_encode(&path, role, strlen(role), 0);
  iatk__http_response resp;
  int rc = imds_call(m, "GET", path.data, &resp, err);
  if (rc == IATK_OK && resp.status != 200)
    rc = status_failure("the role's credentials", &resp, err);
  json_t *doc = rc == IATK_OK ? json_loadb(resp.body.data ? resp.body.data : "",
                                           resp.body.len, 0, NULL)
                              : NULL;
  const char *code = json_string_value(json_object_get(doc, "Code"));
  if (rc == IATK_OK && code && strcmp(code, "Success") != 0)
    rc = iatk__fail(err, IATK_ECREDENTIALS,
                    "instance metadata: the role's "
                    "credentials are not available (Code %s)",
                    code);
  else if (rc == IATK_OK)
    rc = iatk__aws_creds_from_json(doc, "Token", "imds", "instance metadata",
                                   out, err);
  json_decref(doc);
  iatk__http_response_release(&resp);
  iatk__buf_release(&path);
  return rc;
}

static int fetch(imds *m, iatk__aws_creds *out, iatk_error *err) {
  iatk_buf role;
  iatk__buf_init(&role);
  int rc = get_token(m, err);
  if (rc == IATK_OK)
    rc = get_role(m, &role, err);
  if (rc == IATK_OK && role.len)
    rc = get_credentials(m, role.data, out, err);
  iatk__buf_release(&role);
  return rc;
}

int iatk__aws_creds_imds(const iatk__aws_chain *chain, iatk__aws_creds *out,
                         iatk_error *err) {
  if (iatk__aws_parse_bool(iatk__aws_env("AWS_EC2_METADATA_DISABLED")) == 1)
    return IATK_OK;
  imds m = {.chain = chain};
  int rc = read_settings(&m, err);
  if (rc != IATK_OK)
    return rc;
  iatk_error local;
  iatk_error_clear(&local);
  rc = fetch(&m, out, &local);
  if (rc == IATK_OK || !m.configured)
    return IATK_OK; /* no IMDS here: nothing found, not a failure */
  if (local.code == IATK_ENETWORK)
    return iatk__fail(err, IATK_ECREDENTIALS, "instance metadata at %s: %s",
                      m.endpoint, local.message);
  return iatk__fail(err, local.code, "%s", local.message);
}
