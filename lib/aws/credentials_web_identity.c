/* Web identity (EKS IRSA, GitHub Actions OIDC, ...): an OIDC token in a
 * file, exchanged by an unsigned AssumeRoleWithWebIdentity call.  The
 * environment (AWS_WEB_IDENTITY_TOKEN_FILE, AWS_ROLE_ARN,
 * AWS_ROLE_SESSION_NAME) comes before the profile's
 * web_identity_token_file, role_arn and role_session_name, as in botocore;
 * for a source_profile only the profile's keys count.  The file is read
 * at each fetch: the platform rotates it. */
#include <stdlib.h>
#include <string.h>

#include "aws/aws_private.h"

#define MAX_TOKEN (64u * 1024u)

static const char *setting(const iatk__aws_chain *chain, const char *env,
                           const char *key) {
  const char *v = chain->use_env ? iatk__aws_env(env) : NULL;
  return v ? v : iatk__aws_config_get(chain->cfg, chain->profile, key);
}

static char *read_token(const char *path, iatk_error *err) {
  iatk_error local;
  iatk_error_clear(&local);
  size_t len = 0;
  char *token = iatk__read_file(path, MAX_TOKEN, &len, &local);
  if (!token) {
    iatk__fail(err, IATK_ECREDENTIALS, "web identity token: %s", local.message);
    return NULL;
  }
  while (len > 0 && strchr(" \t\r\n", token[len - 1]))
    token[--len] = '\0';
  if (len == 0 || strlen(token) != len) {
    free(token);
    iatk__fail(err, IATK_ECREDENTIALS,
               "web identity token file %s is empty "
               "or not text",
               path);
    return NULL;
  }
  return token;
}

int iatk__aws_creds_web_identity(const iatk__aws_chain *chain,
                                 iatk__aws_creds *out, iatk_error *err) {
  const char *file =
      setting(chain, "AWS_WEB_IDENTITY_TOKEN_FILE", "web_identity_token_file");
  if (!file)
    return IATK_OK;
  const char *arn = setting(chain, "AWS_ROLE_ARN", "role_arn");
  if (!arn)
    return iatk__fail(err, IATK_ECREDENTIALS,
                      "a web identity token file is "
                      "set but no role to assume (AWS_ROLE_ARN or role_arn)");
  char *token = read_token(file, err);
  if (!token)
    return iatk__error_code(err, IATK_ECREDENTIALS);
  char session[128];
  iatk__aws_session_name(
      setting(chain, "AWS_ROLE_SESSION_NAME", "role_session_name"), session,
      sizeof session);
  iatk__aws_sts_param params[] = {{"RoleArn", arn},
                                  {"RoleSessionName", session},
                                  {"WebIdentityToken", token}};
  iatk_buf what;
  iatk__buf_init(&what);
  iatk__buf_printf(&what, "assume role %s with web identity", arn);
  int rc = iatk__aws_sts_credentials(
      chain->cfg, "AssumeRoleWithWebIdentity", params, 3, NULL, "web identity",
      what.failed ? "web identity" : what.data, out, err);
  iatk__buf_release(&what);
  free(token);
  return rc;
}
