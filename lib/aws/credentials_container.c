/* Container credentials (ECS task roles, EKS Pod Identity, local tools
 * that imitate them): AWS_CONTAINER_CREDENTIALS_RELATIVE_URI on the ECS
 * agent's address, or AWS_CONTAINER_CREDENTIALS_FULL_URI, which the SDKs
 * accept over https, or over http only to a loopback address or the
 * ECS/EKS agents — credentials must not cross a network in clear.  The
 * token in AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE (read at each fetch: it
 * rotates) or AWS_CONTAINER_AUTHORIZATION_TOKEN goes in Authorization. */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "aws/aws_private.h"

#define ECS_AGENT "http://169.254.170.2"
#define CONNECT_TIMEOUT_MS 1000
#define TIMEOUT_MS 2000
#define ATTEMPTS 3
#define MAX_ANSWER (64u * 1024u)
#define MAX_TOKEN_FILE (16u * 1024u)

/* ------------------------------------------------------------- the URL */

/* The host of an http(s) URL, without brackets, port or user info. */
static void url_host(const char *url, char *host, size_t size) {
  const char *p = strstr(url, "://") + 3;
  size_t n = strcspn(p, "/?#");
  const char *at = memchr(p, '@', n);
  if (at)
    n -= (size_t)(at + 1 - p), p = at + 1;
  const char *end = p + n;
  if (*p == '[') {
    const char *close = memchr(p, ']', n);
    end = close ? close : end;
    p++;
  } else {
    const char *colon = memchr(p, ':', n);
    end = colon ? colon : end;
  }
  snprintf(host, size, "%.*s", (int)(end - p), p);
}

static int loopback(const char *host) {
  unsigned char addr[16];
  static const unsigned char v6_loopback[16] = {[15] = 1};
  if (strcasecmp(host, "localhost") == 0)
    return 1;
  if (inet_pton(AF_INET, host, addr) == 1)
    return addr[0] == 127;
  return inet_pton(AF_INET6, host, addr) == 1 &&
         memcmp(addr, v6_loopback, 16) == 0;
}

int iatk__aws_container_url_allowed(const char *url) {
  static const char *const agents[] = {"169.254.170.2", "169.254.170.23",
                                       "fd00:ec2::23", NULL};
  int https = strncasecmp(url, "https://", 8) == 0;
  if (!https && strncasecmp(url, "http://", 7) != 0)
    return 0;
  char host[256];
  url_host(url, host, sizeof host);
  if (!host[0])
    return 0;
  if (https || loopback(host))
    return 1;
  for (size_t i = 0; agents[i]; i++)
    if (strcasecmp(host, agents[i]) == 0)
      return 1;
  return 0;
}

/* The URL to ask; "" when neither variable is set. */
static int container_url(iatk_buf *url, iatk_error *err) {
  const char *relative =
      iatk__aws_env("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI");
  const char *full = iatk__aws_env("AWS_CONTAINER_CREDENTIALS_FULL_URI");
  if (relative)
    iatk__buf_printf(url, "%s%s%s", ECS_AGENT, relative[0] == '/' ? "" : "/",
                     relative);
  else if (full && !iatk__aws_container_url_allowed(full))
    return iatk__fail(
        err, IATK_ECREDENTIALS,
        "AWS_CONTAINER_CREDENTIALS_FULL_URI "
        "'%s' must be https, or http to a loopback address or the "
        "ECS/EKS credential agent",
        full);
  else if (full)
    iatk__buf_puts(url, full);
  iatk__buf_reserve(url, 1);
  return url->failed ? iatk__fail(err, IATK_ENOMEM, "out of memory") : IATK_OK;
}

/* ------------------------------------------------------------ the token */

static int token_from_file(const char *path, iatk_buf *token, iatk_error *err) {
  iatk_error local;
  iatk_error_clear(&local);
  size_t len = 0;
  char *text = iatk__read_file(path, MAX_TOKEN_FILE, &len, &local);
  if (!text)
    return iatk__fail(err, IATK_ECREDENTIALS,
                      "AWS_CONTAINER_AUTHORIZATION_"
                      "TOKEN_FILE: %s",
                      local.message);
  while (len > 0 && strchr(" \t\r\n", text[len - 1]))
    len--; /* a file written with echo ends with a newline */
  iatk__buf_append(token, text, len);
  free(text);
  return IATK_OK;
}

static int authorization(iatk_buf *token, iatk_error *err) {
  const char *file = iatk__aws_env("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE");
  const char *value = iatk__aws_env("AWS_CONTAINER_AUTHORIZATION_TOKEN");
  int rc = IATK_OK;
  if (file)
    rc = token_from_file(file, token, err);
  else if (value)
    iatk__buf_puts(token, value);
  if (rc == IATK_OK && token->data && strpbrk(token->data, "\r\n"))
    rc = iatk__fail(err, IATK_ECREDENTIALS,
                    "the container authorization token "
                    "holds a line break: not a valid header value");
  return rc;
}

/* ----------------------------------------------------------- the fetch */

static int answer_failure(const char *url, const iatk__http_response *resp,
                          iatk_error *err) {
  char code[128];
  iatk_buf message;
  iatk__buf_init(&message);
  iatk__aws_error_parse(resp, code, sizeof code, &message);
  int rc = iatk__fail(err, IATK_ECREDENTIALS,
                      "the container credentials "
                      "endpoint %s answered HTTP %ld%s%s%s%s",
                      url, resp->status, code[0] ? ": " : "", code,
                      message.len ? ": " : "", message.len ? message.data : "");
  iatk__buf_release(&message);
  return rc;
}

static int fetch(const iatk__aws_chain *chain, const char *url,
                 const char *token, iatk__aws_creds *out, iatk_error *err) {
  iatk__http_header headers[2] = {{"Accept", "application/json"},
                                  {"Authorization", token}};
  iatk__http_request req = {"GET",
                            url,
                            headers,
                            token ? 2 : 1,
                            NULL,
                            0,
                            chain->cfg->ca_bundle,
                            CONNECT_TIMEOUT_MS,
                            TIMEOUT_MS,
                            MAX_ANSWER,
                            0};
  iatk__http_response resp;
  iatk_error local;
  iatk_error_clear(&local);
  int rc = iatk__aws_fetch(&req, ATTEMPTS, &resp, &local);
  if (rc != IATK_OK)
    rc = iatk__fail(err, IATK_ECREDENTIALS,
                    "cannot get container credentials: "
                    "%s",
                    local.message);
  else if (resp.status != 200)
    rc = answer_failure(url, &resp, err);
  else {
    json_t *doc = json_loadb(resp.body.data ? resp.body.data : "",
                             resp.body.len, 0, NULL);
    rc = iatk__aws_creds_from_json(doc, "Token", "container",
                                   "the container credentials endpoint", out,
                                   err);
    json_decref(doc);
  }
  iatk__http_response_release(&resp);
  return rc;
}

int iatk__aws_creds_container(const iatk__aws_chain *chain,
                              iatk__aws_creds *out, iatk_error *err) {
  iatk_buf url, token;
  iatk__buf_init(&url);
  iatk__buf_init(&token);
  int rc = container_url(&url, err);
  if (rc == IATK_OK && url.len)
    rc = authorization(&token, err);
  if (rc == IATK_OK && url.len)
    rc = fetch(chain, url.data, token.len ? token.data : NULL, out, err);
  iatk__buf_release(&url);
  iatk__buf_release(&token);
  return rc;
}
