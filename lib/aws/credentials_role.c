/* Assume role: a profile with role_arn and either source_profile (whose
 * own credentials sign the AssumeRole call — its static keys, its
 * credential_process, its web identity, or another role) or
 * credential_source (Environment, Ec2InstanceMetadata, EcsContainer).
 * Chains of source profiles follow botocore's rules: a profile may be its
 * own source only when it has static keys; any other loop is an error. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "aws/aws_private.h"

typedef struct role_config {
  const char *arn, *source_profile, *credential_source;
  const char *session_name, *external_id, *duration, *mfa_serial;
} role_config;

static void read_role(const iatk__aws_config *cfg, const char *profile,
                      role_config *r) {
  r->arn = iatk__aws_config_get(cfg, profile, "role_arn");
  r->source_profile = iatk__aws_config_get(cfg, profile, "source_profile");
  r->credential_source =
      iatk__aws_config_get(cfg, profile, "credential_source");
  r->session_name = iatk__aws_config_get(cfg, profile, "role_session_name");
  r->external_id = iatk__aws_config_get(cfg, profile, "external_id");
  r->duration = iatk__aws_config_get(cfg, profile, "duration_seconds");
  r->mfa_serial = iatk__aws_config_get(cfg, profile, "mfa_serial");
}

static int has_static_keys(const iatk__aws_config *cfg, const char *profile) {
  return iatk__aws_config_get(cfg, profile, "aws_access_key_id") != NULL;
}

/* A profile this provider handles; one with a web identity token file is
 * the web identity provider's, even with role_arn. */
static int is_role_profile(const iatk__aws_config *cfg, const char *profile) {
  return iatk__aws_config_get(cfg, profile, "role_arn") &&
         !iatk__aws_config_get(cfg, profile, "web_identity_token_file");
}

static int contains(const iatk_strlist *list, const char *s) {
  for (size_t i = 0; i < iatk_strlist_count(list); i++)
    if (strcmp(iatk_strlist_get(list, i), s) == 0)
      return 1;
  return 0;
}

/* ------------------------------------------------------ source profile */

static int loop_failure(const iatk_strlist *path, const char *next,
                        iatk_error *err) {
  iatk_buf text;
  iatk__buf_init(&text);
  for (size_t i = 0; i < iatk_strlist_count(path); i++)
    iatk__buf_printf(&text, "%s -> ", iatk_strlist_get(path, i));
  iatk__buf_puts(&text, next);
  int rc = iatk__fail(err, IATK_ECREDENTIALS,
                      "source_profile loop: %s (a "
                      "profile may be its own source only with static keys)",
                      text.failed ? next : text.data);
  iatk__buf_release(&text);
  return rc;
}

/* The profiles met so far, this one included. */
static iatk_strlist *path_with(const iatk__aws_chain *chain) {
  iatk_strlist *path = iatk__strlist_new();
  for (size_t i = 0; path && i < iatk_strlist_count(chain->visited); i++)
    iatk__strlist_push(path, iatk_strlist_get(chain->visited, i));
  if (path && iatk__strlist_push(path, chain->profile) != IATK_OK) {
    iatk_strlist_free(path);
    path = NULL;
  }
  return path;
}

static int check_loop(const iatk__aws_chain *chain, const char *source,
                      const iatk_strlist *path, iatk_error *err) {
  int self = strcmp(source, chain->profile) == 0;
  if (self ? !has_static_keys(chain->cfg, source) : contains(path, source))
    return loop_failure(path, source, err);
  return IATK_OK;
}

static int from_source_profile(const iatk__aws_chain *chain, const char *source,
                               iatk__aws_creds *src, iatk_error *err) {
  const iatk__aws_config *cfg = chain->cfg;
  if (!iatk__aws_profile_exists(cfg, source))
    return iatk__fail(err, IATK_ECREDENTIALS,
                      "source_profile '%s' of profile "
                      "'%s' does not exist",
                      source, chain->profile);
  iatk_strlist *path = path_with(chain);
  if (!path)
    return iatk__fail(err, IATK_ENOMEM, "out of memory");
  iatk__aws_chain next = {cfg, source, 0, path};
  int rc = check_loop(chain, source, path, err);
  int static_first =
      has_static_keys(cfg, source) || !is_role_profile(cfg, source);
  if (rc == IATK_OK && static_first)
    rc = iatk__aws_profile_credentials(&next, src, err);
  else if (rc == IATK_OK)
    rc = iatk__aws_creds_assume_role(&next, src, err);
  if (rc == IATK_OK && !src->access_key_id)
    rc = iatk__fail(err, IATK_ECREDENTIALS,
                    "source_profile '%s' of profile "
                    "'%s' has no credentials",
                    source, chain->profile);
  iatk_strlist_free(path);
  return rc;
}

/* --------------------------------------------------- credential_source */

static int from_credential_source(const iatk__aws_chain *chain,
                                  const char *name, iatk__aws_creds *src,
                                  iatk_error *err) {
  static const struct {
    const char *name;
    iatk__aws_provider fn;
  } sources[] = {{"Environment", iatk__aws_creds_env},
                 {"Ec2InstanceMetadata", iatk__aws_creds_imds},
                 {"EcsContainer", iatk__aws_creds_container}};
  for (size_t i = 0; i < sizeof sources / sizeof *sources; i++) {
    if (strcmp(name, sources[i].name) != 0)
      continue;
    int rc = sources[i].fn(chain, src, err);
    if (rc == IATK_OK && !src->access_key_id)
      rc = iatk__fail(err, IATK_ECREDENTIALS,
                      "credential_source %s of profile "
                      "'%s' found no credentials",
                      name, chain->profile);
    return rc;
  }
  return iatk__fail(err, IATK_ECREDENTIALS,
                    "credential_source '%s' of profile "
                    "'%s' is not Environment, Ec2InstanceMetadata or "
                    "EcsContainer",
                    name, chain->profile);
}

/* ------------------------------------------------------------ provider */

static int check_role(const iatk__aws_chain *chain, const role_config *r,
                      int *duration, iatk_error *err) {
  const char *p = chain->profile;
  if (r->source_profile && r->credential_source)
    return iatk__fail(err, IATK_ECREDENTIALS,
                      "profile '%s' has both "
                      "source_profile and credential_source",
                      p);
  if (!r->source_profile && !r->credential_source)
    return iatk__fail(err, IATK_ECREDENTIALS,
                      "profile '%s' has role_arn but "
                      "neither source_profile nor credential_source",
                      p);
  if (r->mfa_serial)
    return iatk__fail(err, IATK_ECREDENTIALS,
                      "profile '%s' needs an MFA code "
                      "(mfa_serial), which iatk cannot prompt for: use "
                      "temporary credentials from `aws configure "
                      "export-credentials`",
                      p);
  char what[128];
  snprintf(what, sizeof what, "duration_seconds of profile '%s'", p);
  return r->duration
             ? iatk__aws_parse_int(r->duration, what, 900, 43200, duration, err)
             : IATK_OK;
}

static int assume(const iatk__aws_chain *chain, const role_config *r,
                  int duration, const iatk__aws_creds *src,
                  iatk__aws_creds *out, iatk_error *err) {
  char session[128], seconds[16];
  iatk__aws_session_name(r->session_name, session, sizeof session);
  snprintf(seconds, sizeof seconds, "%d", duration);
  iatk__aws_sts_param params[] = {
      {"RoleArn", r->arn},
      {"RoleSessionName", session},
      {"ExternalId", r->external_id},
      {"DurationSeconds", duration ? seconds : NULL}};
  iatk_buf what;
  iatk__buf_init(&what);
  iatk__buf_printf(&what, "assume role %s for profile '%s'", r->arn,
                   chain->profile);
  int rc = iatk__aws_sts_credentials(
      chain->cfg, "AssumeRole", params, 4, src, "assume role",
      what.failed ? "assume role" : what.data, out, err);
  iatk__buf_release(&what);
  return rc;
}

int iatk__aws_creds_assume_role(const iatk__aws_chain *chain,
                                iatk__aws_creds *out, iatk_error *err) {
  if (!is_role_profile(chain->cfg, chain->profile))
    return IATK_OK;
  role_config r;
  read_role(chain->cfg, chain->profile, &r);
  int duration = 0;
  iatk__aws_creds src = {0};
  int rc = check_role(chain, &r, &duration, err);
  if (rc == IATK_OK && r.source_profile)
    rc = from_source_profile(chain, r.source_profile, &src, err);
  else if (rc == IATK_OK)
    rc = from_credential_source(chain, r.credential_source, &src, err);
  if (rc == IATK_OK)
    rc = assume(chain, &r, duration, &src, out, err);
  iatk__aws_creds_release(&src);
  return rc;
}
