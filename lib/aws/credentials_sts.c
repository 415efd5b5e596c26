/* STS calls that yield credentials (AssumeRole, AssumeRoleWithWebIdentity):
 * the query protocol — a form-encoded POST, an XML answer whose
 * <Credentials> element holds the keys.  STS goes to its regional
 * endpoint when the client has a region, else to the global one, and
 * AWS_ENDPOINT_URL_STS and friends apply; the caller's --endpoint-url
 * does not, since it addresses the caller's own service. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "aws/aws_private.h"

#define STS_VERSION "2011-06-15"

static void form_body(const char *action, const iatk__aws_sts_param *params,
                      size_t count, iatk_buf *body) {
  iatk__buf_printf(body, "Action=%s&Version=%s", action, STS_VERSION);
  for (size_t i = 0; i < count; i++) {
    if (!params[i].value)
      continue;
    iatk__buf_printf(body, "&%s=", params[i].name);
    iatk__aws_uri_encode(body, params[i].value, strlen(params[i].value), 0);
  }
}

int iatk__aws_sts_read_credentials(const char *answer, size_t len,
                                   const char *source, const char *what,
                                   iatk__aws_creds *out, iatk_error *err) {
  xmlDoc *doc = iatk__aws_xml_read(answer ? answer : "", len);
  const xmlNode *c = iatk__aws_xml_find(iatk__aws_xml_root(doc), "Credentials");
  char *id = iatk__aws_xml_child_text(c, "AccessKeyId");
  char *secret = iatk__aws_xml_child_text(c, "SecretAccessKey");
  char *token = iatk__aws_xml_child_text(c, "SessionToken");
  char *expires = iatk__aws_xml_child_text(c, "Expiration");
  time_t expiration = 0;
  int rc;
  if (!id || !id[0] || !secret || !secret[0])
    rc = iatk__fail(err, IATK_ECREDENTIALS,
                    "%s: STS answered without "
                    "Credentials",
                    what);
  else if (expires && iatk__aws_parse_time(expires, &expiration) != 0)
    rc = iatk__fail(err, IATK_ECREDENTIALS,
                    "%s: STS answered an Expiration "
                    "that is not an RFC 3339 time",
                    what);
  else
    rc = iatk__aws_creds_set(out, id, secret, token, expiration, source, err);
  free(id), free(secret), free(token), free(expires);
  iatk__aws_xml_free(doc);
  return rc;
}

/* A refusal is a credentials failure (ECREDENTIALS) with AWS's words; no
 * answer at all stays a network failure. */
static int call_failure(const char *what, const iatk_error *local,
                        iatk_error *err) {
  int code = local->code == IATK_EAWS ? IATK_ECREDENTIALS : local->code;
  return iatk__fail(err, code, "%s: %s", what, local->message);
}

int iatk__aws_sts_credentials(const iatk__aws_config *cfg, const char *action,
                              const iatk__aws_sts_param *params, size_t count,
                              const iatk__aws_creds *signer, const char *source,
                              const char *what, iatk__aws_creds *out,
                              iatk_error *err) {
  static const iatk__http_header form = {
      "Content-Type", "application/x-www-form-urlencoded; charset=utf-8"};
  iatk_error local;
  iatk_error_clear(&local);
  char *endpoint =
      iatk__aws_endpoint_for(cfg, IATK__AWS_STS, cfg->region, 0, NULL, &local);
  if (!endpoint)
    return call_failure(what, &local, err);
  iatk_buf body;
  iatk__buf_init(&body);
  form_body(action, params, count, &body);
  iatk__aws_request req = {.service = IATK__AWS_STS,
                           .method = "POST",
                           .path = "/",
                           .headers = &form,
                           .header_count = 1,
                           .body = body.data,
                           .body_len = body.len,
                           .anonymous = signer == NULL};
  iatk__aws_target target = {endpoint, cfg->region ? cfg->region : "us-east-1",
                             signer};
  iatk__aws_response resp;
  memset(&resp, 0, sizeof resp);
  int rc = body.failed ? iatk__fail(&local, IATK_ENOMEM, "out of memory")
                       : iatk__aws_send_to(cfg, &target, &req, &resp, &local);
  if (rc == IATK_OK)
    rc = iatk__aws_sts_read_credentials(resp.http.body.data, resp.http.body.len,
                                        source, what, out, err);
  else
    rc = call_failure(what, &local, err);
  iatk__aws_response_release(&resp);
  iatk__buf_release(&body);
  free(endpoint);
  return rc;
}

void iatk__aws_session_name(const char *given, char *out, size_t size) {
  if (given && given[0])
    snprintf(out, size, "%s", given);
  else
    snprintf(out, size, "iatk-session-%lld", (long long)time(NULL));
}
