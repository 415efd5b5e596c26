/* The credential provider chain, in the order of botocore's
 * create_credential_resolver: the first provider that is configured
 * answers, and one that is configured but fails stops the search (a
 * broken credential_process must not silently give way to an instance
 * role). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "aws/aws_private.h"

typedef struct provider {
  const char *name;
  iatk__aws_provider fn;
} provider;

static const provider chain_providers[] = {
    {"environment", iatk__aws_creds_env},
    {"assume role", iatk__aws_creds_assume_role},
    {"web identity", iatk__aws_creds_web_identity},
    {"sso", iatk__aws_creds_sso},
    {"shared credentials file", iatk__aws_creds_shared_file},
    {"credential_process", iatk__aws_creds_process},
    {"config file", iatk__aws_creds_config_file},
    {"container", iatk__aws_creds_container},
    {"instance metadata", iatk__aws_creds_imds},
};

/* What a source_profile may use: its own keys, never the environment. */
static const provider profile_providers[] = {
    {"web identity", iatk__aws_creds_web_identity},
    {"sso", iatk__aws_creds_sso},
    {"shared credentials file", iatk__aws_creds_shared_file},
    {"credential_process", iatk__aws_creds_process},
    {"config file", iatk__aws_creds_config_file},
};

#define COUNT(a) (sizeof(a) / sizeof *(a))
#define METADATA_PAUSE_MS 100

/* ------------------------------------------------------------ the creds */

void iatk__aws_creds_release(iatk__aws_creds *c) {
  if (!c)
    return;
  free(c->access_key_id);
  free(c->secret_access_key);
  free(c->session_token);
  memset(c, 0, sizeof *c);
}

int iatk__aws_creds_set(iatk__aws_creds *out, const char *key_id,
                        const char *secret, const char *token,
                        time_t expiration, const char *source,
                        iatk_error *err) {
  iatk__aws_creds_release(out);
  out->access_key_id = strdup(key_id);
  out->secret_access_key = strdup(secret);
  out->session_token = token && token[0] ? strdup(token) : NULL;
  out->expiration = expiration;
  out->source = source;
  if (out->access_key_id && out->secret_access_key &&
      (!token || !token[0] || out->session_token))
    return IATK_OK;
  iatk__aws_creds_release(out);
  return iatk__fail(err, IATK_ENOMEM, "out of memory");
}

int iatk__aws_creds_copy(iatk__aws_creds *dst, const iatk__aws_creds *src,
                         iatk_error *err) {
  memset(dst, 0, sizeof *dst);
  return iatk__aws_creds_set(dst, src->access_key_id, src->secret_access_key,
                             src->session_token, src->expiration, src->source,
                             err);
}

/* RFC 3339, and the "...UTC" suffix older `aws sso login` caches wrote. */
int iatk__aws_parse_time(const char *text, time_t *out) {
  char fixed[64];
  size_t n = strlen(text);
  if (n > 3 && n < sizeof fixed && strcmp(text + n - 3, "UTC") == 0) {
    snprintf(fixed, sizeof fixed, "%.*sZ", (int)(n - 3), text);
    text = fixed;
  }
  iatk_instant t;
  if (iatk__instant_parse(text, &t, NULL) != IATK_OK)
    return -1;
  int64_t s = t.epoch_us / 1000000;
  *out = (time_t)s;
  return 0;
}

/* The shape the container endpoint, IMDS and credential_process share:
 * AccessKeyId, SecretAccessKey, a session token under `token_key`, an
 * optional Expiration.  Nothing of the document goes into messages. */
int iatk__aws_creds_from_json(const json_t *doc, const char *token_key,
                              const char *source, const char *what,
                              iatk__aws_creds *out, iatk_error *err) {
  const char *id = json_string_value(json_object_get(doc, "AccessKeyId"));
  const char *secret =
      json_string_value(json_object_get(doc, "SecretAccessKey"));
  const char *token = json_string_value(json_object_get(doc, token_key));
  const char *expires = json_string_value(json_object_get(doc, "Expiration"));
  time_t expiration = 0;
  if (!json_is_object(doc))
    return iatk__fail(err, IATK_ECREDENTIALS,
                      "%s: the answer is not a JSON "
                      "object",
                      what);
  if (!id || !id[0] || !secret || !secret[0])
    return iatk__fail(err, IATK_ECREDENTIALS,
                      "%s: the answer has no "
                      "AccessKeyId and SecretAccessKey",
                      what);
  if (expires && iatk__aws_parse_time(expires, &expiration) != 0)
    return iatk__fail(err, IATK_ECREDENTIALS,
                      "%s: Expiration '%s' is not an "
                      "RFC 3339 time",
                      what, expires);
  return iatk__aws_creds_set(out, id, secret, token, expiration, source, err);
}

/* Metadata endpoints (container agent, IMDS) are local and fast: a short
 * fixed pause between attempts, retried on no answer and on 5xx only. */
int iatk__aws_fetch(const iatk__http_request *req, int attempts,
                    iatk__http_response *resp, iatk_error *err) {
  for (int i = 1;; i++) {
    iatk_error local;
    iatk_error_clear(&local);
    int rc = iatk__http_perform(req, resp, &local);
    int again = (rc == IATK_ENETWORK || (rc == IATK_OK && resp->status >= 500));
    if (!again || i >= attempts) {
      if (rc != IATK_OK)
        iatk__fail(err, rc, "%s", local.message);
      return rc;
    }
    iatk__http_response_release(resp);
    struct timespec pause = {0, METADATA_PAUSE_MS * 1000000L};
    nanosleep(&pause, NULL);
  }
}

/* ------------------------------------------------------------ the chain */

static int run(const provider *list, size_t count, const iatk__aws_chain *chain,
               iatk_buf *tried, iatk__aws_creds *out, iatk_error *err) {
  for (size_t i = 0; i < count; i++) {
    /* A profile named by the caller (as with --profile) outranks the
     * environment's keys; AWS_PROFILE does not, as in the CLI. */
    if (list[i].fn == iatk__aws_creds_env &&
        (!chain->use_env || chain->cfg->profile_explicit == 2))
      continue;
    int rc = list[i].fn(chain, out, err);
    if (rc != IATK_OK || out->access_key_id)
      return rc;
    iatk__buf_printf(tried, "%s%s", tried->len ? ", " : "", list[i].name);
  }
  return IATK_OK;
}

int iatk__aws_profile_credentials(const iatk__aws_chain *chain,
                                  iatk__aws_creds *out, iatk_error *err) {
  iatk_buf tried;
  iatk__buf_init(&tried);
  int rc =
      run(profile_providers, COUNT(profile_providers), chain, &tried, out, err);
  iatk__buf_release(&tried);
  return rc;
}

int iatk__aws_resolve_credentials(const iatk__aws_config *cfg,
                                  iatk__aws_creds *out, iatk_error *err) {
  memset(out, 0, sizeof *out);
  iatk_strlist *visited = iatk__strlist_new();
  if (!visited)
    return iatk__fail(err, IATK_ENOMEM, "out of memory");
  iatk__aws_chain chain = {cfg, cfg->profile, 1, visited};
  iatk_buf tried;
  iatk__buf_init(&tried);
  int rc =
      run(chain_providers, COUNT(chain_providers), &chain, &tried, out, err);
  if (rc == IATK_OK && !out->access_key_id)
    rc = iatk__fail(err, IATK_ECREDENTIALS,
                    "no AWS credentials found for "
                    "profile '%s' (tried: %s)",
                    cfg->profile, tried.failed ? "all providers" : tried.data);
  iatk__buf_release(&tried);
  iatk_strlist_free(visited);
  return rc;
}
