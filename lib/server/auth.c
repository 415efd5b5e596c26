/* SigV4 verification of a request, when the server has keys.  The check
 * itself is lib/aws's (iatk__sigv4_verify); this file hands it the request
 * exactly as received (the path still percent-encoded, every header) and
 * turns its verdict into the answer AWS gives: 403 with
 * MissingAuthenticationTokenException, IncompleteSignatureException,
 * UnrecognizedClientException or InvalidSignatureException. */
#include <string.h>
#include <strings.h>
#include <time.h>

#include "server/server_internal.h"

/* iatk__sigv4_secret_lookup over the server's keys, fixed since listen. */
static int lookup(const char *access_key_id, const char **secret,
                  void *userdata) {
  const iatk_server *srv = userdata;
  for (size_t i = 0; i < srv->key_count; i++) {
    if (strcmp(srv->keys[i].id, access_key_id) == 0) {
      *secret = srv->keys[i].secret;
      return 1;
    }
  }
  return 0;
}

static const char *host_of(const iatk__srv_request *req) {
  for (size_t i = 0; i < req->header_count; i++)
    if (strcasecmp(req->headers[i].name, "host") == 0)
      return req->headers[i].value;
  return "";
}

int iatk__srv_authorize(const iatk_server *srv, const iatk__srv_request *req,
                        iatk__srv_reply *reply) {
  if (srv->key_count == 0)
    return 0;
  iatk__sigv4_request signed_req = {
      req->method,  host_of(req),      req->path, req->query,
      req->headers, req->header_count, req->body, req->body_len};
  const char *code = NULL;
  iatk_error err;
  iatk_error_clear(&err);
  if (iatk__sigv4_verify(&signed_req, "schemas", time(NULL),
                         IATK__SRV_MAX_SKEW_SECONDS, lookup, (void *)srv, &code,
                         &err) == IATK_OK)
    return 0;
  iatk__srv_fail(reply, iatk__srv_error_named(code), "%s",
                 err.message[0] ? err.message : "request signature rejected");
  return -1;
}
