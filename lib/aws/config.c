/* The configuration chain: which files, which profile, which region, which
 * endpoint, how many attempts — each from the caller, then the
 * environment, then the profile, as the AWS CLI and SDKs resolve them. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "aws/aws_private.h"

#define DEFAULT_TIMEOUT_MS 60000
#define MAX_ATTEMPTS_LIMIT 100
#define NO_REGION                                                              \
  "no AWS region: set --region, AWS_REGION or the profile's region"

const iatk__aws_service iatk__aws_services[IATK__AWS_SERVICE_COUNT] = {
#define IATK__XX_SERVICE_ROW(id, env, key, host, signing)                      \
  [IATK__AWS_##id] = {env, key, host, signing},
    IATK__AWS_SERVICES(IATK__XX_SERVICE_ROW)
#undef IATK__XX_SERVICE_ROW
};

/* AWS_ENDPOINT_URL_<suffix> of each service, static so it can be a source. */
static const char *const endpoint_env[IATK__AWS_SERVICE_COUNT] = {
#define IATK__XX_SERVICE_ENV(id, env, key, host, signing)                      \
  [IATK__AWS_##id] = "AWS_ENDPOINT_URL_" env,
    IATK__AWS_SERVICES(IATK__XX_SERVICE_ENV)
#undef IATK__XX_SERVICE_ENV
};

/* -------------------------------------------------------------- helpers */

const char *iatk__aws_env(const char *name) {
  const char *v = getenv(name);
  return v && v[0] ? v : NULL;
}

int iatk__aws_parse_bool(const char *text) {
  if (text && strcasecmp(text, "true") == 0)
    return 1;
  if (text && strcasecmp(text, "false") == 0)
    return 0;
  return -1;
}

int iatk__aws_parse_int(const char *value, const char *what, int min, int max,
                        int *out, iatk_error *err) {
  long n = 0;
  const char *p = value;
  while (*p >= '0' && *p <= '9' && n <= max)
    n = n * 10 + (*p++ - '0');
  if (p == value || *p || n < min || n > max)
    return iatk__fail(err, IATK_EINVAL,
                      "%s: '%s' is not a whole number "
                      "from %d to %d",
                      what, value, min, max);
  *out = (int)n;
  return IATK_OK;
}

const char *iatk__aws_profile_get(const iatk__aws_config *cfg,
                                  iatk__aws_file file, const char *profile,
                                  const char *key) {
  iatk_buf section;
  iatk__buf_init(&section);
  iatk__buf_printf(&section, "profile %s", profile);
  const char *v = section.failed
                      ? NULL
                      : iatk__aws_ini_get(cfg->files, file, section.data, key);
  iatk__buf_release(&section);
  return v;
}

/* The credentials file wins over the config file for every key, as the
 * CLI merges them. */
static const char *profile_value(const iatk__aws_config *cfg,
                                 const char *profile, const char *key,
                                 iatk__aws_file *from) {
  for (int f = IATK__AWS_CREDENTIALS_FILE; f >= 0; f--) {
    const char *v = iatk__aws_profile_get(cfg, (iatk__aws_file)f, profile, key);
    if (v) {
      if (from)
        *from = (iatk__aws_file)f;
      return v;
    }
  }
  return NULL;
}

const char *iatk__aws_config_get(const iatk__aws_config *cfg,
                                 const char *profile, const char *key) {
  return profile_value(cfg, profile, key, NULL);
}

const char *iatk__aws_config_section_get(const iatk__aws_config *cfg,
                                         const char *section, const char *key) {
  return iatk__aws_ini_get(cfg->files, IATK__AWS_CONFIG_FILE, section, key);
}

/* "max_attempts of profile 'dev' in /home/u/.aws/config", for messages. */
static void describe_key(const iatk__aws_config *cfg, const char *key,
                         iatk_buf *out) {
  iatk__aws_file from = IATK__AWS_CONFIG_FILE;
  profile_value(cfg, cfg->profile, key, &from);
  iatk__buf_printf(out, "%s of profile '%s' in %s", key, cfg->profile,
                   iatk__aws_ini_path(cfg->files, from));
}

/* The environment variable `env`, else the profile's `key`; *what names the
 * one used, for messages. */
static const char *setting(const iatk__aws_config *cfg, const char *env,
                           const char *key, iatk_buf *what) {
  const char *v = iatk__aws_env(env);
  if (v) {
    iatk__buf_puts(what, env);
    return v;
  }
  v = iatk__aws_config_get(cfg, cfg->profile, key);
  if (v)
    describe_key(cfg, key, what);
  return v;
}

/* ---------------------------------------------------------------- files */

/* AWS_CONFIG_FILE (with ~ expanded, like the CLI), else ~/.aws/<name>. */
static char *file_path(const char *env, const char *name) {
  const char *set = iatk__aws_env(env), *home = iatk__aws_env("HOME");
  iatk_buf path;
  iatk__buf_init(&path);
  if (set && set[0] == '~' && (set[1] == '/' || !set[1]) && home)
    iatk__buf_printf(&path, "%s%s", home, set + 1);
  else if (set)
    iatk__buf_puts(&path, set);
  else if (home)
    iatk__buf_printf(&path, "%s/.aws/%s", home, name);
  else
    return NULL; /* no home, no default files */
  return path.failed ? (iatk__buf_release(&path), NULL)
                     : iatk__buf_steal(&path);
}

static int load_files(iatk__aws_config *cfg, iatk_error *err) {
  char *config = file_path("AWS_CONFIG_FILE", "config");
  char *credentials = file_path("AWS_SHARED_CREDENTIALS_FILE", "credentials");
  int rc = iatk__aws_ini_load(&cfg->files, config, credentials, err);
  free(config);
  free(credentials);
  return rc;
}

/* -------------------------------------------------------------- profile */

int iatk__aws_profile_exists(const iatk__aws_config *cfg, const char *name) {
  iatk_buf section;
  iatk__buf_init(&section);
  iatk__buf_printf(&section, "profile %s", name);
  int found = !section.failed &&
              (iatk__aws_ini_has_section(cfg->files, IATK__AWS_CONFIG_FILE,
                                         section.data) ||
               iatk__aws_ini_has_section(cfg->files, IATK__AWS_CREDENTIALS_FILE,
                                         section.data));
  iatk__buf_release(&section);
  return found;
}

/* The caller's profile, else AWS_PROFILE, else AWS_DEFAULT_PROFILE (which
 * botocore reads first, but the CLI's documentation and the other SDKs
 * know AWS_PROFILE), else "default".  A profile someone named must exist,
 * even "default". */
static int choose_profile(iatk__aws_config *cfg, const char *profile,
                          iatk_error *err) {
  const char *name = profile && profile[0] ? profile : NULL;
  cfg->profile_explicit = name ? 2 : 0;
  if (!name && (name = iatk__aws_env("AWS_PROFILE")))
    cfg->profile_explicit = 1;
  if (!name && (name = iatk__aws_env("AWS_DEFAULT_PROFILE")))
    cfg->profile_explicit = 1;
  cfg->profile = strdup(name ? name : "default");
  if (!cfg->profile)
    return iatk__fail(err, IATK_ENOMEM, "out of memory");
  if (cfg->profile_explicit && !iatk__aws_profile_exists(cfg, cfg->profile))
    return iatk__fail(
        err, IATK_EINVAL,
        "the config profile (%s) could not be "
        "found in %s or %s",
        cfg->profile, iatk__aws_ini_path(cfg->files, IATK__AWS_CONFIG_FILE),
        iatk__aws_ini_path(cfg->files, IATK__AWS_CREDENTIALS_FILE));
  return IATK_OK;
}

/* --------------------------------------------------------------- region */

/* A region ends up in host names: a DNS label, as botocore checks. */
static int valid_region(const char *r) {
  size_t n = strlen(r);
  if (n == 0 || n > 63 || r[0] == '-' || r[n - 1] == '-')
    return 0;
  for (size_t i = 0; i < n; i++)
    if (!isalnum((unsigned char)r[i]) && r[i] != '-')
      return 0;
  return 1;
}

static int choose_region(iatk__aws_config *cfg, const char *region,
                         iatk_error *err) {
  const char *r = NULL;
  if (region && region[0])
    r = region, cfg->region_source = "argument";
  else if ((r = iatk__aws_env("AWS_REGION")))
    cfg->region_source = "AWS_REGION";
  else if ((r = iatk__aws_env("AWS_DEFAULT_REGION")))
    cfg->region_source = "AWS_DEFAULT_REGION";
  else if ((r = iatk__aws_config_get(cfg, cfg->profile, "region")))
    cfg->region_source = "profile";
  else
    cfg->region_source = "none";
  if (r && !valid_region(r))
    return iatk__fail(err, IATK_EINVAL, "invalid region '%s' (from %s)", r,
                      cfg->region_source);
  if (r && !(cfg->region = strdup(r)))
    return iatk__fail(err, IATK_ENOMEM, "out of memory");
  return IATK_OK;
}

/* ------------------------------------------------------- retries and TLS */

static int choose_retry_mode(iatk__aws_config *cfg, int *legacy,
                             iatk_error *err) {
  iatk_buf what;
  iatk__buf_init(&what);
  const char *mode = setting(cfg, "AWS_RETRY_MODE", "retry_mode", &what);
  int rc = IATK_OK;
  *legacy = mode && strcmp(mode, "legacy") == 0;
  if (mode && !*legacy && strcmp(mode, "standard") != 0 &&
      strcmp(mode, "adaptive") != 0)
    rc = iatk__fail(err, IATK_EINVAL,
                    "%s: '%s' is not a retry mode (standard, "
                    "adaptive or legacy)",
                    what.data, mode);
  iatk__buf_release(&what);
  return rc;
}

/* Attempts in all, first one included; legacy mode's default is 5.  The
 * adaptive mode's client-side rate limiting is not implemented: it retries
 * as the standard mode does. */
static int choose_retries(iatk__aws_config *cfg, iatk_error *err) {
  int legacy = 0;
  int rc = choose_retry_mode(cfg, &legacy, err);
  cfg->max_attempts = legacy ? 5 : 3;
  iatk_buf what;
  iatk__buf_init(&what);
  const char *v = setting(cfg, "AWS_MAX_ATTEMPTS", "max_attempts", &what);
  if (rc == IATK_OK && v)
    rc = iatk__aws_parse_int(v, what.data, 1, MAX_ATTEMPTS_LIMIT,
                             &cfg->max_attempts, err);
  iatk__buf_release(&what);
  return rc;
}

static int choose_ca_bundle(iatk__aws_config *cfg, iatk_error *err) {
  const char *v = iatk__aws_env("AWS_CA_BUNDLE");
  if (!v)
    v = iatk__aws_config_get(cfg, cfg->profile, "ca_bundle");
  if (v && !(cfg->ca_bundle = strdup(v)))
    return iatk__fail(err, IATK_ENOMEM, "out of memory");
  return IATK_OK;
}

/* botocore's disable_host_prefix_injection (AWS_DISABLE_HOST_PREFIX_
 * INJECTION): an operation's host prefix ("sync-" for StartSyncExecution)
 * is put before the endpoint's host, an explicit endpoint's too, unless
 * this is true.  A loopback endpoint needs it: sync-127.0.0.1 resolves to
 * nothing. */
static int choose_host_prefix(iatk__aws_config *cfg, iatk_error *err) {
  iatk_buf what;
  iatk__buf_init(&what);
  const char *v = setting(cfg, "AWS_DISABLE_HOST_PREFIX_INJECTION",
                          "disable_host_prefix_injection", &what);
  int disable = v ? iatk__aws_parse_bool(v) : 0;
  int rc = disable < 0 ? iatk__fail(err, IATK_EINVAL,
                                    "%s: expected true or false", what.data)
                       : IATK_OK;
  cfg->inject_host_prefix = disable != 1;
  iatk__buf_release(&what);
  return rc;
}

/* ------------------------------------------------------------ endpoints */

/* 1 when configured endpoints are to be ignored, 0 when not, -1 when the
 * setting is neither true nor false (what names it). */
static int ignore_configured(const iatk__aws_config *cfg, iatk_buf *what) {
  const char *v = setting(cfg, "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS",
                          "ignore_configured_endpoint_urls", what);
  return v ? iatk__aws_parse_bool(v) : 0;
}

static int check_ignore_setting(const iatk__aws_config *cfg, iatk_error *err) {
  iatk_buf what;
  iatk__buf_init(&what);
  int rc = ignore_configured(cfg, &what) < 0
               ? iatk__fail(err, IATK_EINVAL, "%s: expected true or false",
                            what.data)
               : IATK_OK;
  iatk__buf_release(&what);
  return rc;
}

/* The profile's `services = NAME` names a [services NAME] section whose
 * nested `<service> = \n endpoint_url = ...` applies. */
static const char *services_endpoint(const iatk__aws_config *cfg,
                                     iatk__aws_service_id id) {
  const char *name = iatk__aws_config_get(cfg, cfg->profile, "services");
  if (!name)
    return NULL;
  iatk_buf section, key;
  iatk__buf_init(&section);
  iatk__buf_init(&key);
  iatk__buf_printf(&section, "services %s", name);
  iatk__buf_printf(&key, "%s.endpoint_url", iatk__aws_services[id].config_key);
  const char *url =
      section.failed || key.failed
          ? NULL
          : iatk__aws_config_section_get(cfg, section.data, key.data);
  iatk__buf_release(&section);
  iatk__buf_release(&key);
  return url;
}

static const char *configured_endpoint(const iatk__aws_config *cfg,
                                       iatk__aws_service_id id,
                                       const char **source) {
  const char *url;
  if ((url = iatk__aws_env(endpoint_env[id])))
    *source = endpoint_env[id];
  else if ((url = iatk__aws_env("AWS_ENDPOINT_URL")))
    *source = "AWS_ENDPOINT_URL";
  else if ((url = services_endpoint(cfg, id)))
    *source = "services section";
  else if ((url = iatk__aws_config_get(cfg, cfg->profile, "endpoint_url")))
    *source = "profile endpoint_url";
  return url;
}

static int http_url(const char *url) {
  return strncasecmp(url, "http://", 7) == 0 ||
         strncasecmp(url, "https://", 8) == 0;
}

/* A copy without trailing slashes, so a path can be appended. */
static char *endpoint_copy(const char *url, const char *source,
                           iatk_error *err) {
  if (!http_url(url) || strpbrk(url, " \t\r\n?#")) {
    iatk__fail(err, IATK_EINVAL,
               "invalid endpoint URL '%s' (from %s): "
               "expected http://host[:port] or https://...",
               url, source);
    return NULL;
  }
  size_t n = strlen(url);
  while (n > 0 && url[n - 1] == '/')
    n--;
  char *copy = strndup(url, n);
  if (!copy)
    iatk__fail(err, IATK_ENOMEM, "out of memory");
  return copy;
}

static char *default_endpoint(iatk__aws_service_id id, const char *region,
                              const char **source, iatk_error *err) {
  iatk_buf url;
  iatk__buf_init(&url);
  *source = "default";
  if (!region && id == IATK__AWS_STS)
    iatk__buf_puts(&url, "https://sts.amazonaws.com");
  else if (!region) {
    iatk__fail(err, IATK_EINVAL, NO_REGION);
    return NULL;
  } else
    iatk__buf_printf(&url, "https://%s.%s.amazonaws.com%s",
                     iatk__aws_services[id].host_prefix, region,
                     strncmp(region, "cn-", 3) == 0 ? ".cn" : "");
  if (url.failed) {
    iatk__buf_release(&url);
    iatk__fail(err, IATK_ENOMEM, "out of memory");
    return NULL;
  }
  return iatk__buf_steal(&url);
}

char *iatk__aws_endpoint_for(const iatk__aws_config *cfg,
                             iatk__aws_service_id id, const char *region,
                             int use_override, const char **source,
                             iatk_error *err) {
  const char *url = NULL, *from = NULL;
  iatk_buf what;
  iatk__buf_init(&what);
  if (use_override && cfg->endpoint_url)
    url = cfg->endpoint_url, from = "argument";
  else if (ignore_configured(cfg, &what) != 1)
    url = configured_endpoint(cfg, id, &from);
  iatk__buf_release(&what);
  const char *ignored;
  char *result = url ? endpoint_copy(url, from, err)
                     : default_endpoint(id, region, &from, err);
  *(source ? source : &ignored) = from;
  return result;
}

char *iatk__aws_endpoint(const iatk__aws_config *cfg, iatk__aws_service_id id,
                         const char **source, iatk_error *err) {
  return iatk__aws_endpoint_for(cfg, id, cfg->region, 1, source, err);
}

/* ------------------------------------------------------------ load/free */

int iatk__aws_config_load(iatk__aws_config *cfg, const char *profile,
                          const char *region, const char *endpoint_url,
                          iatk_error *err) {
  memset(cfg, 0, sizeof *cfg);
  cfg->connect_timeout_ms = DEFAULT_TIMEOUT_MS;
  cfg->read_timeout_ms = DEFAULT_TIMEOUT_MS;
  int rc = load_files(cfg, err);
  if (rc == IATK_OK)
    rc = choose_profile(cfg, profile, err);
  if (rc == IATK_OK)
    rc = choose_region(cfg, region, err);
  if (rc == IATK_OK)
    rc = choose_retries(cfg, err);
  if (rc == IATK_OK)
    rc = choose_ca_bundle(cfg, err);
  if (rc == IATK_OK)
    rc = check_ignore_setting(cfg, err);
  if (rc == IATK_OK)
    rc = choose_host_prefix(cfg, err);
  if (rc == IATK_OK && endpoint_url && endpoint_url[0] &&
      !(cfg->endpoint_url = endpoint_copy(endpoint_url, "argument", err)))
    rc = iatk__error_code(err, IATK_EINVAL);
  if (rc != IATK_OK)
    iatk__aws_config_release(cfg);
  return rc;
}

void iatk__aws_config_release(iatk__aws_config *cfg) {
  if (!cfg)
    return;
  free(cfg->profile);
  free(cfg->region);
  free(cfg->endpoint_url);
  free(cfg->ca_bundle);
  iatk__aws_ini_free(cfg->files);
  memset(cfg, 0, sizeof *cfg);
}
