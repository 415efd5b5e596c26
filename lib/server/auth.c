/* SigV4 verification of a request, when the server has keys.  The check
 * itself is lib/aws's (iatk__sigv4_verify); this file hands it the request
 * exactly as received (the path still percent-encoded, every header) and
 * turns its verdict into the answer AWS gives: 403 with
 * MissingAuthenticationTokenException, IncompleteSignatureException,
 * UnrecognizedClientException or InvalidSignatureException. */
#include "server/server_internal.h"

int iatk__srv_authorize(const iatk_server *srv, const iatk__srv_request *req,
                        iatk__srv_reply *reply) {
  (void)req;
  if (srv->key_count == 0)
    return 0;
  /* Until lib/aws/sigv4.c's verifier is in: fail closed. */
  iatk__srv_fail(reply, IATK__SRV_INVALID_SIGNATURE,
                 "signature verification is not available in this build");
  return -1;
}
