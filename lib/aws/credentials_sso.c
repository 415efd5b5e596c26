/* IAM Identity Center (SSO) profiles: sso_account_id and sso_role_name,
 * with sso_start_url and sso_region from the profile's [sso-session NAME]
 * or (the legacy form) from the profile itself.  `aws sso login` leaves an
 * access token in ~/.aws/sso/cache/<sha1 of the session name, or of the
 * start URL>.json; the portal's GetRoleCredentials turns it into role
 * credentials.  We never log in or refresh the token ourselves: when it is
 * missing or expired, the message says to run `aws sso login`. */
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "aws/aws_private.h"

#define MAX_CACHE_FILE (1024u * 1024u)

typedef struct sso_config {
  const char *profile;
  const char *session; /* NULL for a legacy profile */
  const char *start_url, *region, *account, *role;
} sso_config;

/* ------------------------------------------------------------- config */

/* A key of the sso-session, which must agree with the profile's own. */
static int session_key(const iatk__aws_chain *chain, sso_config *c,
                       const char *key, const char **value, iatk_error *err) {
  char section[512];
  snprintf(section, sizeof section, "sso-session %s", c->session);
  const char *v = iatk__aws_config_section_get(chain->cfg, section, key);
  if (v && *value && strcmp(v, *value) != 0)
    return iatk__fail(err, IATK_ECREDENTIALS,
                      "%s differs between profile "
                      "'%s' (%s) and sso-session '%s' (%s)",
                      key, c->profile, *value, c->session, v);
  if (v)
    *value = v;
  return IATK_OK;
}

static int read_session(const iatk__aws_chain *chain, sso_config *c,
                        iatk_error *err) {
  char section[512];
  snprintf(section, sizeof section, "sso-session %s", c->session);
  if (!iatk__aws_ini_has_section(chain->cfg->files, IATK__AWS_CONFIG_FILE,
                                 section))
    return iatk__fail(err, IATK_ECREDENTIALS,
                      "profile '%s' names sso-session "
                      "'%s', which does not exist",
                      c->profile, c->session);
  int rc = session_key(chain, c, "sso_start_url", &c->start_url, err);
  return rc == IATK_OK ? session_key(chain, c, "sso_region", &c->region, err)
                       : rc;
}

static int missing_key(const sso_config *c, iatk_error *err) {
  const char *missing = !c->account     ? "sso_account_id"
                        : !c->role      ? "sso_role_name"
                        : !c->start_url ? "sso_start_url"
                                        : "sso_region";
  return iatk__fail(err, IATK_ECREDENTIALS,
                    "profile '%s' is configured for "
                    "SSO but has no %s",
                    c->profile, missing);
}

/* 0 and c->account NULL when the profile is not an SSO profile. */
static int read_config(const iatk__aws_chain *chain, sso_config *c,
                       iatk_error *err) {
  const iatk__aws_config *cfg = chain->cfg;
  const char *p = chain->profile;
  memset(c, 0, sizeof *c);
  c->profile = p;
  c->account = iatk__aws_config_get(cfg, p, "sso_account_id");
  c->role = iatk__aws_config_get(cfg, p, "sso_role_name");
  if (!c->account && !c->role)
    return IATK_OK;
  c->session = iatk__aws_config_get(cfg, p, "sso_session");
  c->start_url = iatk__aws_config_get(cfg, p, "sso_start_url");
  c->region = iatk__aws_config_get(cfg, p, "sso_region");
  int rc = c->session ? read_session(chain, c, err) : IATK_OK;
  if (rc == IATK_OK && (!c->account || !c->role || !c->start_url || !c->region))
    rc = missing_key(c, err);
  return rc;
}

/* -------------------------------------------------------- token cache */

static void login_hint(const sso_config *c, iatk_buf *out) {
  iatk__buf_printf(out, "run aws sso login --profile %s", c->profile);
}

/* HOME/.aws/sso/cache/<sha1 hex of the session name or start URL>.json */
static int cache_path(const sso_config *c, iatk_buf *path, iatk_error *err) {
  const char *home = iatk__aws_env("HOME");
  const char *key = c->session ? c->session : c->start_url;
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int n = 0;
  if (!home)
    return iatk__fail(err, IATK_ECREDENTIALS,
                      "SSO: HOME is not set, so the "
                      "token cache ~/.aws/sso/cache cannot be found");
  if (!EVP_Digest(key, strlen(key), digest, &n, EVP_sha1(), NULL))
    return iatk__fail(err, IATK_ECREDENTIALS, "SSO: SHA-1 is not available");
  iatk__buf_printf(path, "%s/.aws/sso/cache/", home);
  for (unsigned int i = 0; i < n; i++)
    iatk__buf_printf(path, "%02x", digest[i]);
  iatk__buf_puts(path, ".json");
  return path->failed ? iatk__fail(err, IATK_ENOMEM, "out of memory") : IATK_OK;
}

static int token_failure(const sso_config *c, const char *path, const char *why,
                         iatk_error *err) {
  iatk_buf hint;
  iatk__buf_init(&hint);
  login_hint(c, &hint);
  int rc = iatk__fail(err, IATK_ECREDENTIALS,
                      "SSO session of profile '%s' "
                      "(%s): %s: %s",
                      c->profile, path, why,
                      hint.failed ? "run aws sso login" : hint.data);
  iatk__buf_release(&hint);
  return rc;
}

/* The cached access token, checked for expiry. */
static int check_token(const sso_config *c, const char *path, const json_t *doc,
                       iatk_buf *token, iatk_error *err) {
  const char *access = json_string_value(json_object_get(doc, "accessToken"));
  const char *expires = json_string_value(json_object_get(doc, "expiresAt"));
  time_t at = 0;
  if (!access || !access[0] || !expires)
    return token_failure(c, path,
                         "the cached token has no accessToken or "
                         "expiresAt",
                         err);
  if (iatk__aws_parse_time(expires, &at) != 0 || at <= time(NULL))
    return token_failure(c, path, "the cached token has expired", err);
  iatk__buf_puts(token, access);
  return IATK_OK;
}

static int cached_token(const sso_config *c, iatk_buf *token, iatk_error *err) {
  iatk_buf path;
  iatk__buf_init(&path);
  int rc = cache_path(c, &path, err);
  size_t len = 0;
  char *text = NULL;
  if (rc == IATK_OK && access(path.data, F_OK) != 0)
    rc = token_failure(c, path.data, "no cached token", err);
  else if (rc == IATK_OK &&
           !(text = iatk__read_file(path.data, MAX_CACHE_FILE, &len, err)))
    rc = iatk__error_code(err, IATK_EIO);
  json_t *doc = text ? json_loadb(text, len, 0, NULL) : NULL;
  if (rc == IATK_OK && !json_is_object(doc))
    rc = token_failure(c, path.data, "the cached token is not JSON", err);
  else if (rc == IATK_OK)
    rc = check_token(c, path.data, doc, token, err);
  json_decref(doc);
  free(text);
  iatk__buf_release(&path);
  return rc;
}

/* ------------------------------------------------------------- portal */

static int read_role_credentials(const iatk_buf *body, iatk__aws_creds *out,
                                 iatk_error *err) {
  json_t *doc = json_loadb(body->data ? body->data : "", body->len, 0, NULL);
  json_t *rc_obj = json_object_get(doc, "roleCredentials");
  const char *id = json_string_value(json_object_get(rc_obj, "accessKeyId"));
  const char *secret =
      json_string_value(json_object_get(rc_obj, "secretAccessKey"));
  const char *token =
      json_string_value(json_object_get(rc_obj, "sessionToken"));
  json_t *ms = json_object_get(rc_obj, "expiration"); /* epoch milliseconds */
  int rc =
      !id || !secret
          ? iatk__fail(err, IATK_ECREDENTIALS,
                       "the SSO portal answered "
                       "without roleCredentials")
          : iatk__aws_creds_set(
                out, id, secret, token,
                json_is_number(ms) ? (time_t)(json_number_value(ms) / 1000) : 0,
                "sso", err);
  json_decref(doc);
  return rc;
}

static int portal_failure(const sso_config *c, const iatk__aws_response *resp,
                          const iatk_error *local, iatk_error *err) {
  int refused = resp->http.status == 401 || resp->http.status == 403;
  if (!refused)
    return iatk__fail(
        err, local->code == IATK_EAWS ? IATK_ECREDENTIALS : local->code,
        "SSO role credentials for profile '%s': %s", c->profile,
        local->message);
  iatk_buf hint;
  iatk__buf_init(&hint);
  login_hint(c, &hint);
  int rc = iatk__fail(err, IATK_ECREDENTIALS,
                      "the SSO portal refused the "
                      "token of profile '%s' (%s): %s",
                      c->profile, local->message, hint.failed ? "" : hint.data);
  iatk__buf_release(&hint);
  return rc;
}

static int get_role_credentials(const iatk__aws_chain *chain,
                                const sso_config *c, const char *token,
                                iatk__aws_creds *out, iatk_error *err) {
  iatk_error local;
  iatk_error_clear(&local);
  char *endpoint = iatk__aws_endpoint_for(chain->cfg, IATK__AWS_SSO, c->region,
                                          0, NULL, err);
  if (!endpoint)
    return iatk__error_code(err, IATK_EINVAL);
  iatk_buf query;
  iatk__buf_init(&query);
  iatk__buf_puts(&query, "account_id=");
  iatk__aws_uri_encode(&query, c->account, strlen(c->account), 0);
  iatk__buf_puts(&query, "&role_name=");
  iatk__aws_uri_encode(&query, c->role, strlen(c->role), 0);
  iatk__http_header bearer = {"x-amz-sso_bearer_token", token};
  iatk__aws_request req = {.service = IATK__AWS_SSO,
                           .method = "GET",
                           .path = "/federation/credentials",
                           .query = query.data,
                           .headers = &bearer,
                           .header_count = 1,
                           .anonymous = 1};
  iatk__aws_target target = {endpoint, c->region, NULL};
  iatk__aws_response resp;
  int rc = iatk__aws_send_to(chain->cfg, &target, &req, &resp, &local);
  rc = rc == IATK_OK ? read_role_credentials(&resp.http.body, out, err)
                     : portal_failure(c, &resp, &local, err);
  iatk__aws_response_release(&resp);
  iatk__buf_release(&query);
  free(endpoint);
  return rc;
}

int iatk__aws_creds_sso(const iatk__aws_chain *chain, iatk__aws_creds *out,
                        iatk_error *err) {
  sso_config c;
  int rc = read_config(chain, &c, err);
  if (rc != IATK_OK || !c.account)
    return rc;
  iatk_buf token;
  iatk__buf_init(&token);
  rc = cached_token(&c, &token, err);
  if (rc == IATK_OK)
    rc = get_role_credentials(chain, &c, token.data, out, err);
  iatk__buf_release(&token);
  return rc;
}
