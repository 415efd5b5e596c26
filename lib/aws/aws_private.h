/* What lib/aws's own files share and nothing above them needs: the parsed
 * shared files, requests to an explicit endpoint with explicit credentials
 * (the credential providers call STS and the SSO portal while the client's
 * own credentials are being resolved), the pieces of the retry policy that
 * unit tests check one by one, and the credential providers.  The layers
 * above use aws_internal.h only. */
#ifndef IATK_AWS_PRIVATE_H
#define IATK_AWS_PRIVATE_H

#include "aws/aws_internal.h"

/* ---------------------------------------------------------------- shlex.c */

/* Splits `text` into words the way Python's shlex.split(text) does (POSIX
 * mode, no comments): blanks separate words, '...' is literal, "..."
 * honours only the \\ and \" escapes, a backslash outside quotes escapes
 * the next character.  Pushes the words onto `words`.  0, -1 for an
 * unclosed quote or a backslash at the very end (where shlex raises
 * ValueError), -2 when out of memory. */
int iatk__aws_shell_split(const char *text, iatk_strlist *words);

/* ---------------------------------------------------------- config_file.c */

/* The two shared files. */
typedef enum iatk__aws_file {
  IATK__AWS_CONFIG_FILE = 0,      /* ~/.aws/config, AWS_CONFIG_FILE */
  IATK__AWS_CREDENTIALS_FILE = 1, /* ~/.aws/credentials */
  IATK__AWS_FILE_COUNT
} iatk__aws_file;

typedef struct iatk__aws_ini iatk__aws_ini;

/* Parses both files; a path that does not exist is an empty file, one that
 * cannot be read or parsed is an error naming it (and the line).  Section
 * names are kept canonical: the config file's [default] and
 * [profile NAME] become "profile default" and "profile NAME", every
 * section of the credentials file "profile <its name>"; [sso-session N]
 * and [services N] stay as written with single spaces.  A key whose value
 * is an indented block of `sub = value` lines (the AWS nested syntax) is
 * also stored as keys "key.sub". */
int iatk__aws_ini_load(iatk__aws_ini **out, const char *config_path,
                       const char *credentials_path, iatk_error *err);
/* Parses one file's text (for unit tests and the loader). */
int iatk__aws_ini_parse_text(iatk__aws_ini *ini, iatk__aws_file file,
                             const char *text, size_t len, iatk_error *err);
iatk__aws_ini *iatk__aws_ini_new(void);
void iatk__aws_ini_free(iatk__aws_ini *ini);
/* The last value of `key` in canonical `section` of `file`, or NULL. */
const char *iatk__aws_ini_get(const iatk__aws_ini *ini, iatk__aws_file file,
                              const char *section, const char *key);
/* Whether `file` has the canonical section (even an empty one). */
int iatk__aws_ini_has_section(const iatk__aws_ini *ini, iatk__aws_file file,
                              const char *section);
/* The path a file was read from ("" before loading). */
const char *iatk__aws_ini_path(const iatk__aws_ini *ini, iatk__aws_file file);

/* --------------------------------------------------------------- config.c */

/* Whether either file has the profile's section, even an empty one. */
int iatk__aws_profile_exists(const iatk__aws_config *cfg, const char *name);
/* A key of `profile` in one of the files only (NULL when absent). */
const char *iatk__aws_profile_get(const iatk__aws_config *cfg,
                                  iatk__aws_file file, const char *profile,
                                  const char *key);
/* iatk__aws_endpoint for an explicit region (NULL: none), with or without
 * the caller's --endpoint-url, which addresses the caller's own calls and
 * not the STS and SSO calls made for credentials.  STS without a region
 * goes to its global endpoint, as the SDKs do. */
char *iatk__aws_endpoint_for(const iatk__aws_config *cfg,
                             iatk__aws_service_id id, const char *region,
                             int use_override, const char **source,
                             iatk_error *err);
/* "true"/"false" in any case; -1 for anything else. */
int iatk__aws_parse_bool(const char *text);
/* `value` as a decimal in [min, max], else EINVAL naming `what`. */
int iatk__aws_parse_int(const char *value, const char *what, int min, int max,
                        int *out, iatk_error *err);

/* ---------------------------------------------------------------- xml.c */

/* libxml2's types, declared here so users need not include libxml2. */
typedef struct _xmlDoc xmlDoc;
typedef struct _xmlNode xmlNode;

/* Parses XML text without network access, entity expansion or messages;
 * NULL when it is not well-formed.  Free with iatk__aws_xml_free. */
xmlDoc *iatk__aws_xml_read(const char *text, size_t len);
void iatk__aws_xml_free(xmlDoc *doc);
const xmlNode *iatk__aws_xml_root(const xmlDoc *doc);
/* The first element named `name` (local name) at or below `from` and its
 * following siblings, depth first; NULL when none. */
const xmlNode *iatk__aws_xml_find(const xmlNode *from, const char *name);
/* The text of the first child element `name` of `parent` (caller frees),
 * or NULL. */
char *iatk__aws_xml_child_text(const xmlNode *parent, const char *name);

/* ------------------------------------------------------------- errors.c */

/* The error code and message of an AWS error response: the
 * x-amzn-ErrorType header, a JSON body's __type/code/Code and
 * message/Message, or an XML body's <Error><Code>/<Message>.  `code` gets
 * "" when none is found; `message` is reset and gets "" when none. */
void iatk__aws_error_parse(const iatk__http_response *resp, char *code,
                           size_t code_size, iatk_buf *message);

/* ------------------------------------------------------------ request.c */

/* Whether the standard retry mode retries an answer: `status` (0 when
 * none arrived, i.e. a connection error) and the parsed error `code`. */
int iatk__aws_retryable(long status, const char *code,
                        iatk__aws_service_id service);

/* Where and as whom one call goes. */
typedef struct iatk__aws_target {
  const char *endpoint;         /* "https://host[:port][/prefix]" */
  const char *region;           /* signing region */
  const iatk__aws_creds *creds; /* NULL: unsigned */
} iatk__aws_target;

/* iatk__aws_send to an explicit target, with cfg's retries, timeouts and
 * CA bundle. */
int iatk__aws_send_to(const iatk__aws_config *cfg,
                      const iatk__aws_target *target,
                      const iatk__aws_request *req, iatk__aws_response *resp,
                      iatk_error *err);

/* --------------------------------------------------------------- call.c */

/* One call's fixed parts: the URL, and the Host and path it is signed
 * with (an endpoint may carry a path prefix: http://host:port/prefix).
 * Borrows cfg, target and req, which must outlive it. */
typedef struct iatk__aws_call {
  const iatk__aws_config *cfg;
  const iatk__aws_target *target;
  const iatk__aws_request *req;
  iatk_buf url, host, path;
} iatk__aws_call;

int iatk__aws_call_prepare(iatk__aws_call *c, const iatk__aws_config *cfg,
                           const iatk__aws_target *target,
                           const iatk__aws_request *req, iatk_error *err);
void iatk__aws_call_release(iatk__aws_call *c);

/* An attempt's headers: the request's own, Host, and what signing adds. */
typedef struct iatk__aws_headers {
  iatk__http_header *items;
  size_t count;
  iatk__sigv4_signature sig;
} iatk__aws_headers;

/* The headers of an attempt signed now.  Release `h` in every case. */
int iatk__aws_call_sign(const iatk__aws_call *c, iatk__aws_headers *h,
                        iatk_error *err);
void iatk__aws_headers_release(iatk__aws_headers *h);
/* The HTTP exchange of an attempt (borrows from c and h). */
void iatk__aws_call_http(const iatk__aws_call *c, const iatk__aws_headers *h,
                         iatk__http_request *out);
/* After attempt resp->attempts ended with `rc` (the exchange's result):
 * 1 when the standard retry mode tries again, else 0.  Parses an error
 * body into resp->error_code and `message`. */
int iatk__aws_call_judge(const iatk__aws_call *c, iatk__aws_response *resp,
                         int rc, iatk_buf *message);
/* The call's result once judged done: IATK_OK for a 2xx answer, else the
 * error (`last` is the exchange's own error when rc != IATK_OK). */
int iatk__aws_call_result(const iatk__aws_call *c, iatk__aws_response *resp,
                          int rc, const iatk_error *last,
                          const iatk_buf *message, iatk_error *err);

/* --------------------------------------------------------- credentials*.c */

/* Where a provider looks.  Each provider fills `out` and returns IATK_OK
 * when it found credentials, returns IATK_OK with `out` left empty when it
 * is not configured, and fails when it is configured but broken (which
 * stops the chain, as in the SDKs). */
typedef struct iatk__aws_chain {
  const iatk__aws_config *cfg;
  const char *profile;         /* whose keys apply */
  int use_env;                 /* environment variables apply (not for a
                               * source_profile) */
  const iatk_strlist *visited; /* profiles on the assume-role path */
} iatk__aws_chain;

typedef int (*iatk__aws_provider)(const iatk__aws_chain *chain,
                                  iatk__aws_creds *out, iatk_error *err);

/* credentials.c: the whole chain for cfg's profile. */
int iatk__aws_resolve_credentials(const iatk__aws_config *cfg,
                                  iatk__aws_creds *out, iatk_error *err);
/* credentials.c: the providers that read a profile's own keys (web
 * identity, SSO, shared files, credential_process), for a source_profile. */
int iatk__aws_profile_credentials(const iatk__aws_chain *chain,
                                  iatk__aws_creds *out, iatk_error *err);
/* credentials.c: fills `out` from borrowed strings; expiration may be 0. */
int iatk__aws_creds_set(iatk__aws_creds *out, const char *key_id,
                        const char *secret, const char *token,
                        time_t expiration, const char *source, iatk_error *err);
/* credentials.c: an RFC 3339 instant ("2024-05-01T10:00:00Z") as time_t. */
int iatk__aws_parse_time(const char *text, time_t *out);
/* credentials.c: one exchange with a metadata endpoint, tried up to
 * `attempts` times when no answer or a 5xx comes back. */
int iatk__aws_fetch(const iatk__http_request *req, int attempts,
                    iatk__http_response *resp, iatk_error *err);
/* credentials.c: AccessKeyId, SecretAccessKey, the session token under
 * `token_key` and Expiration of a JSON object; `what` names its origin in
 * messages. */
int iatk__aws_creds_from_json(const json_t *doc, const char *token_key,
                              const char *source, const char *what,
                              iatk__aws_creds *out, iatk_error *err);

/* credentials_static.c */
int iatk__aws_creds_env(const iatk__aws_chain *chain, iatk__aws_creds *out,
                        iatk_error *err);
int iatk__aws_creds_shared_file(const iatk__aws_chain *chain,
                                iatk__aws_creds *out, iatk_error *err);
int iatk__aws_creds_config_file(const iatk__aws_chain *chain,
                                iatk__aws_creds *out, iatk_error *err);

/* credentials_process.c: the profile's credential_process. */
int iatk__aws_creds_process(const iatk__aws_chain *chain, iatk__aws_creds *out,
                            iatk_error *err);
/* A finished child: its exit status (-1 when killed by a signal), and
 * whether it was killed for running past the deadline. */
typedef struct iatk__aws_child {
  int exit_status;
  int timed_out;
} iatk__aws_child;
/* Runs argv (PATH searched) with stdout and stderr captured (each up to
 * `limit` bytes), killed after timeout_ms.  Fails only when it cannot
 * start (or out of memory); the child's fate is in *child. */
int iatk__aws_run_process(char *const argv[], int timeout_ms, size_t limit,
                          iatk_buf *out, iatk_buf *errout,
                          iatk__aws_child *child, iatk_error *err);

/* credentials_sts.c: one STS call that answers <Credentials>: `params`
 * (NULL values skipped) form-encoded after Action and Version, signed
 * with `signer` or sent unsigned when it is NULL.  `what` starts the
 * messages ("assume role arn:... for profile 'dev'"); AWS refusals fail
 * with ECREDENTIALS. */
typedef struct iatk__aws_sts_param {
  const char *name;
  const char *value;
} iatk__aws_sts_param;
int iatk__aws_sts_credentials(const iatk__aws_config *cfg, const char *action,
                              const iatk__aws_sts_param *params, size_t count,
                              const iatk__aws_creds *signer, const char *source,
                              const char *what, iatk__aws_creds *out,
                              iatk_error *err);
/* credentials_sts.c: the <Credentials> of an STS answer (XML text, len
 * bytes, NULL for none) into `out`; ECREDENTIALS when they are missing or
 * their Expiration is not an RFC 3339 time.  Separate from the call so
 * that the reader can be fuzzed without a server. */
int iatk__aws_sts_read_credentials(const char *answer, size_t len,
                                   const char *source, const char *what,
                                   iatk__aws_creds *out, iatk_error *err);
/* The given session name, else "iatk-session-<epoch seconds>". */
void iatk__aws_session_name(const char *given, char *out, size_t size);

/* credentials_role.c: role_arn with source_profile or credential_source. */
int iatk__aws_creds_assume_role(const iatk__aws_chain *chain,
                                iatk__aws_creds *out, iatk_error *err);
/* credentials_web_identity.c: AWS_WEB_IDENTITY_TOKEN_FILE + AWS_ROLE_ARN,
 * or the profile's web_identity_token_file + role_arn. */
int iatk__aws_creds_web_identity(const iatk__aws_chain *chain,
                                 iatk__aws_creds *out, iatk_error *err);

/* credentials_sso.c: sso_account_id + sso_role_name with an sso-session
 * (or legacy sso_start_url + sso_region), from `aws sso login`'s token. */
int iatk__aws_creds_sso(const iatk__aws_chain *chain, iatk__aws_creds *out,
                        iatk_error *err);

/* credentials_container.c: AWS_CONTAINER_CREDENTIALS_RELATIVE_URI or
 * _FULL_URI (https, or http to a loopback or the ECS/EKS agent). */
int iatk__aws_creds_container(const iatk__aws_chain *chain,
                              iatk__aws_creds *out, iatk_error *err);
/* Whether a full URI may be asked for credentials. */
int iatk__aws_container_url_allowed(const char *url);

/* credentials_imds.c: EC2 instance metadata, IMDSv2 (v1 as fallback). */
int iatk__aws_creds_imds(const iatk__aws_chain *chain, iatk__aws_creds *out,
                         iatk_error *err);

#endif
