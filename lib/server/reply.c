/* Answers as the Schemas service sends them.  It is a REST-JSON service:
 * a success is the operation's status with a JSON body; an error is its
 * status, the code in the x-amzn-ErrorType header and the body
 * {"Code": "...", "Message": "..."}, which is what botocore and the SDKs
 * read to raise NotFoundException and friends. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "server/server_internal.h"

static const struct {
  int status;
  const char *code;
} errors[IATK__SRV_ERROR_COUNT] = {
#define IATK__XX_SRV_ROW(id, status, code) {status, code},
    IATK__SRV_ERRORS(IATK__XX_SRV_ROW)
#undef IATK__XX_SRV_ROW
};

void iatk__srv_reply_init(iatk__srv_reply *r) {
  memset(r, 0, sizeof *r);
  iatk__buf_init(&r->body);
}

void iatk__srv_reply_release(iatk__srv_reply *r) {
  iatk__buf_release(&r->body);
}

iatk__srv_error iatk__srv_error_named(const char *code) {
  for (int i = 0; code && i < IATK__SRV_ERROR_COUNT; i++)
    if (strcmp(errors[i].code, code) == 0)
      return (iatk__srv_error)i;
  return IATK__SRV_INTERNAL;
}

/* Messages carry names from the request; bytes that are not printable
 * ASCII become '?' so the body is always valid JSON in one line. */
static void put_message(iatk_buf *b, const char *message) {
  char clean[IATK_ERROR_MESSAGE_SIZE + 64];
  size_t n = 0;
  for (; message[n] && n + 1 < sizeof clean; n++) {
    unsigned char c = (unsigned char)message[n];
    clean[n] = c >= 0x20 && c < 0x7f ? (char)c : '?';
  }
  iatk__buf_json_string(b, clean, n);
}

void iatk__srv_fail(iatk__srv_reply *r, iatk__srv_error id, const char *fmt,
                    ...) {
  if (r->status != 0)
    return; /* the first answer wins */
  char message[IATK_ERROR_MESSAGE_SIZE + 64];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(message, sizeof message, fmt, ap);
  va_end(ap);
  r->status = errors[id].status;
  r->error_code = errors[id].code;
  iatk__buf_reset(&r->body);
  iatk__buf_puts(&r->body, "{\"Code\":");
  iatk__buf_json_string(&r->body, r->error_code, strlen(r->error_code));
  iatk__buf_puts(&r->body, ",\"Message\":");
  put_message(&r->body, message);
  iatk__buf_putc(&r->body, '}');
}

void iatk__srv_ok(iatk__srv_reply *r, int status, json_t *body) {
  if (r->status != 0) {
    json_decref(body);
    return;
  }
  iatk__buf_reset(&r->body);
  if (body)
    iatk__json_write(&r->body, body);
  json_decref(body);
  if (!body || r->body.failed) {
    iatk__buf_reset(&r->body);
    iatk__srv_fail(r, IATK__SRV_INTERNAL, "out of memory");
    return;
  }
  r->status = status;
}

/* What an error of the registry library means to a client.  Content the
 * client sent is checked (and refused with BadRequestException) before
 * the library sees it, so a content error here (ESCHEMA: a symbolic link
 * or a damaged meta.json; ELIMIT: a stored file over the limit) is the
 * tree's fault, not the request's. */
static iatk__srv_error aws_error_of(int code) {
  switch (code) {
  case IATK_ENAME: return IATK__SRV_BAD_REQUEST;
  case IATK_ENOREGISTRY:
  case IATK_ENOSCHEMA:
  case IATK_ENOVERSION: return IATK__SRV_NOT_FOUND;
  case IATK_EEXIST: return IATK__SRV_CONFLICT;
  default: return IATK__SRV_INTERNAL;
  }
}

void iatk__srv_fail_iatk(iatk__srv_reply *r, const iatk__srv_call *call,
                         const iatk_error *err) {
  int code = err ? err->code : IATK_ENOMEM;
  /* The library's message names the tree's directory; a client has no
   * business with the server's paths. */
  if (code == IATK_ENOREGISTRY && call->registry) {
    iatk__srv_fail(r, IATK__SRV_NOT_FOUND, "registry '%s' not found",
                   call->registry);
    return;
  }
  const char *message =
      err && err->message[0] ? err->message : iatk_strerror(code);
  iatk__srv_fail(r, aws_error_of(code), "%s", message);
}

/* ----------------------------------------------------- response members */

/* json_object_set_new that takes NULL for out of memory. */
static int set_new(json_t *obj, const char *member, json_t *value) {
  return value ? json_object_set_new(obj, member, value) : -1;
}

int iatk__srv_set_arn(json_t *obj, const char *member, const iatk_server *srv,
                      const char *registry, const char *schema) {
  iatk_buf arn;
  iatk__buf_init(&arn);
  iatk__buf_printf(&arn, "arn:aws:schemas:%s:%s:%s/%s", srv->region,
                   srv->account, schema ? "schema" : "registry", registry);
  if (schema)
    iatk__buf_printf(&arn, "/%s", schema);
  int rc =
      arn.failed ? -1 : set_new(obj, member, json_stringn(arn.data, arn.len));
  iatk__buf_release(&arn);
  return rc;
}

int iatk__srv_set_time(json_t *obj, const char *member, int64_t epoch_us) {
  iatk_instant t = {epoch_us, 0};
  char text[40];
  size_t n = iatk__instant_format_utc(&t, text);
  return set_new(obj, member, json_stringn(text, n));
}

int iatk__srv_set_text(json_t *obj, const char *member, const char *text,
                       size_t len) {
  /* json_stringn checks UTF-8: a hand-edited file might not be. */
  return set_new(obj, member, json_stringn(text, len));
}
