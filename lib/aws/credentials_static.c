/* Long-term (or pasted temporary) keys: the environment and the two
 * shared files.  A key id without its secret is an error, not a reason to
 * look further: it is a typo the user wants to hear about. */
#include <string.h>

#include "aws/aws_private.h"

int iatk__aws_creds_env(const iatk__aws_chain *chain, iatk__aws_creds *out,
                        iatk_error *err) {
  (void)chain;
  const char *id = iatk__aws_env("AWS_ACCESS_KEY_ID");
  const char *secret = iatk__aws_env("AWS_SECRET_ACCESS_KEY");
  const char *token = iatk__aws_env("AWS_SESSION_TOKEN");
  const char *expires = iatk__aws_env("AWS_CREDENTIAL_EXPIRATION");
  if (!id)
    return IATK_OK;
  if (!secret)
    return iatk__fail(err, IATK_ECREDENTIALS,
                      "AWS_ACCESS_KEY_ID is set but "
                      "AWS_SECRET_ACCESS_KEY is not");
  if (!token)
    token = iatk__aws_env("AWS_SECURITY_TOKEN"); /* boto2's name */
  time_t expiration = 0;
  if (expires && iatk__aws_parse_time(expires, &expiration) != 0)
    return iatk__fail(err, IATK_ECREDENTIALS,
                      "AWS_CREDENTIAL_EXPIRATION: "
                      "'%s' is not an RFC 3339 time",
                      expires);
  return iatk__aws_creds_set(out, id, secret, token, expiration, "environment",
                             err);
}

static int from_file(const iatk__aws_chain *chain, iatk__aws_file file,
                     const char *source, iatk__aws_creds *out,
                     iatk_error *err) {
  const iatk__aws_config *cfg = chain->cfg;
  const char *p = chain->profile;
  const char *id = iatk__aws_profile_get(cfg, file, p, "aws_access_key_id");
  const char *secret =
      iatk__aws_profile_get(cfg, file, p, "aws_secret_access_key");
  const char *token = iatk__aws_profile_get(cfg, file, p, "aws_session_token");
  if (!token)
    token = iatk__aws_profile_get(cfg, file, p, "aws_security_token");
  if (!id || !id[0])
    return IATK_OK;
  if (!secret || !secret[0])
    return iatk__fail(err, IATK_ECREDENTIALS,
                      "profile '%s' in %s has "
                      "aws_access_key_id but no aws_secret_access_key",
                      p, iatk__aws_ini_path(cfg->files, file));
  return iatk__aws_creds_set(out, id, secret, token, 0, source, err);
}

int iatk__aws_creds_shared_file(const iatk__aws_chain *chain,
                                iatk__aws_creds *out, iatk_error *err) {
  return from_file(chain, IATK__AWS_CREDENTIALS_FILE, "shared credentials file",
                   out, err);
}

int iatk__aws_creds_config_file(const iatk__aws_chain *chain,
                                iatk__aws_creds *out, iatk_error *err) {
  return from_file(chain, IATK__AWS_CONFIG_FILE, "config file", out, err);
}
