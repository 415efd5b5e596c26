/* Request bodies: a JSON object whose members are the operation's input
 * (Content, Type, Description, tags, ...).  Unknown members are ignored,
 * as AWS ignores them; members the local tree cannot keep are refused
 * rather than dropped, so nobody believes a description was stored. */
#include <string.h>

#include "server/server_internal.h"

json_t *iatk__srv_body_object(const iatk__srv_call *call,
                              iatk__srv_reply *reply) {
  if (call->body_len == 0)
    return json_object();
  json_error_t jerr;
  /* JSON_ALLOW_NUL: a "\u0000" in Content is the schema check's to judge,
   * not the body parser's. */
  json_t *body = json_loadb(call->body, call->body_len,
                            JSON_REJECT_DUPLICATES | JSON_ALLOW_NUL, &jerr);
  if (!body) {
    iatk__srv_fail(reply, IATK__SRV_BAD_REQUEST,
                   "the request body is not valid JSON: %s (line %d, column "
                   "%d)",
                   jerr.text, jerr.line, jerr.column);
    return NULL;
  }
  if (!json_is_object(body)) {
    json_decref(body);
    iatk__srv_fail(reply, IATK__SRV_BAD_REQUEST,
                   "the request body must be a JSON object");
    return NULL;
  }
  return body;
}

int iatk__srv_body_string(const json_t *body, const char *member,
                          const char **out, size_t *len,
                          iatk__srv_reply *reply) {
  const json_t *value = json_object_get(body, member);
  if (!value || json_is_null(value))
    return 0;
  if (!json_is_string(value)) {
    iatk__srv_fail(reply, IATK__SRV_BAD_REQUEST, "%s must be a string", member);
    return -1;
  }
  *out = json_string_value(value);
  *len = json_string_length(value);
  return 1;
}

int iatk__srv_body_refuse_unstored(const json_t *body, iatk__srv_reply *reply) {
  const char *text;
  size_t len = 0;
  int rc = iatk__srv_body_string(body, "Description", &text, &len, reply);
  if (rc < 0)
    return -1;
  if (rc > 0 && len > 0) {
    iatk__srv_fail(reply, IATK__SRV_BAD_REQUEST,
                   "a local registry tree does not store descriptions: send "
                   "no Description (or an empty one)");
    return -1;
  }
  const json_t *tags = json_object_get(body, "tags");
  if (tags && !json_is_null(tags) && !json_is_object(tags)) {
    iatk__srv_fail(reply, IATK__SRV_BAD_REQUEST, "tags must be an object");
    return -1;
  }
  if (json_object_size(tags) > 0) {
    iatk__srv_fail(reply, IATK__SRV_BAD_REQUEST,
                   "a local registry tree does not store tags: send no tags "
                   "(or an empty map)");
    return -1;
  }
  return 0;
}
