/* Where the AWS source keeps the versions it fetched, and how it names
 * itself.  The cache is a local registry tree per endpoint and identity
 *
 *   <base>/aws/<16 hex digits of SHA-256(endpoint, identity)>/<registry>/...
 *
 * because the same registry name holds different schemas in two accounts
 * or regions, and a local test server is not AWS.  The identity is the
 * profile, or the access key id when the keys come from the environment
 * (several accounts may be used from one shell that way).  Two accounts
 * used through one profile name share a cache: versions are immutable, so
 * that can only serve another account's version N of a schema of the
 * same name; `rm -r` of the directory empties it. */
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "aws/aws_internal.h"
#include "registry/registry_aws.h"

int iatk__aws_cache_dir(const char *given, char **out, iatk_error *err) {
  const char *env = getenv("IATK_CACHE_DIR");
  const char *xdg = getenv("XDG_CACHE_HOME");
  const char *home = getenv("HOME");
  iatk_buf dir;
  iatk__buf_init(&dir);
  if (given || env)
    iatk__buf_puts(&dir, given ? given : env);
  else if (xdg && *xdg)
    iatk__buf_printf(&dir, "%s/iatk", xdg);
  else if (home && *home)
    iatk__buf_printf(&dir, "%s/.cache/iatk", home);
  *out = NULL;
  if (dir.failed)
    return iatk__fail(err, IATK_ENOMEM, "out of memory");
  if (dir.len)
    *out = iatk__buf_steal(&dir);
  iatk__buf_release(&dir);
  return IATK_OK;
}

static void hex16(const char *text, char out[17]) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int n = 0;
  EVP_Digest(text, strlen(text), md, &n, EVP_sha256(), NULL);
  for (int i = 0; i < 8; i++)
    snprintf(out + 2 * i, 3, "%02x", md[i]);
}

/* "endpoint\nidentity", or NULL when the endpoint cannot be settled.
 * The identity is decided the way the credential chain decides where keys
 * come from (the environment's keys win unless the caller named a
 * profile), without resolving them: a cache hit must not cost an STS call
 * or a credential_process run. */
static char *cache_key_text(aws_registry *a) {
  const iatk__aws_config *cfg = iatk__aws_config_of(a->aws);
  const char *source = NULL;
  char *endpoint = iatk__aws_endpoint(cfg, IATK__AWS_SCHEMAS, &source, NULL);
  if (!endpoint)
    return NULL;
  const char *env_key = iatk__aws_env("AWS_ACCESS_KEY_ID");
  iatk_buf key;
  iatk__buf_init(&key);
  if (env_key && cfg->profile_explicit != 2)
    iatk__buf_printf(&key, "%s\nkey %s", endpoint, env_key);
  else
    iatk__buf_printf(&key, "%s\nprofile %s", endpoint, cfg->profile);
  free(endpoint);
  return key.failed ? (iatk__buf_release(&key), NULL) : iatk__buf_steal(&key);
}

iatk_registry *iatk__aws_cache(aws_registry *a) {
  if (a->cache || a->cache_failed || !a->cache_dir)
    return a->cache;
  char *key = cache_key_text(a);
  char hex[17];
  iatk_buf dir;
  iatk__buf_init(&dir);
  if (key) {
    hex16(key, hex);
    iatk__buf_printf(&dir, "%s/aws/%s", a->cache_dir, hex);
  }
  free(key);
  if (key && !dir.failed)
    a->cache = iatk__local_open(dir.data, NULL);
  iatk__buf_release(&dir);
  a->cache_failed = a->cache == NULL;
  return a->cache;
}

int iatk__aws_registry_describe(aws_registry *a, iatk_error *err) {
  const iatk__aws_config *cfg = iatk__aws_config_of(a->aws);
  const char *source = NULL;
  char *endpoint = iatk__aws_endpoint(cfg, IATK__AWS_SCHEMAS, &source, NULL);
  iatk_buf d;
  iatk__buf_init(&d);
  /* e.g. "AWS Schemas API at http://127.0.0.1:4010 (endpoint from
   * argument), region us-east-1 (from AWS_REGION), profile default" */
  iatk__buf_puts(&d, "AWS Schemas API");
  if (endpoint)
    iatk__buf_printf(&d, " at %s (endpoint from %s)", endpoint, source);
  if (cfg->region)
    iatk__buf_printf(&d, ", region %s (from %s)", cfg->region,
                     cfg->region_source ? cfg->region_source : "?");
  else
    iatk__buf_puts(&d, ", no region");
  iatk__buf_printf(&d, ", profile %s", cfg->profile);
  free(endpoint);
  if (d.failed) {
    iatk__buf_release(&d);
    return iatk__fail(err, IATK_ENOMEM, "out of memory");
  }
  a->base.description = iatk__buf_steal(&d);
  return IATK_OK;
}
