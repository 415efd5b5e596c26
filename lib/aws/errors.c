/* AWS error answers read the way botocore's parsers read them: the code
 * from the x-amzn-query-error or x-amzn-ErrorType header, or from the body
 * (JSON `__type`/`code`/`Code`, XML <Error><Code>), the message from the
 * body.  Anything else (an HTML page from a proxy, an empty body) yields
 * no code, and the caller says "HTTP <status> from <host>" instead of
 * dumping it. */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "aws/aws_private.h"

/* Copies the code, cut at `stop` characters and after the last '#'
 * ("aws.protocols#ThrottlingException" is a JSON 1.1 __type). */
static void set_code(char *code, size_t size, const char *text,
                     const char *stop) {
  size_t n = strcspn(text, stop);
  const char *hash = memchr(text, '#', n);
  while (hash) {
    n -= (size_t)(hash + 1 - text);
    text = hash + 1;
    hash = memchr(text, '#', n);
  }
  if (n >= size)
    n = size - 1; /* cut first, so that no blank is left at the end */
  while (n > 0 && (text[n - 1] == ' ' || text[n - 1] == '\t'))
    n--;
  memcpy(code, text, n);
  code[n] = '\0';
}

static const char *json_text(const json_t *obj, const char *const keys[]) {
  for (size_t i = 0; keys[i]; i++) {
    const char *s = json_string_value(json_object_get(obj, keys[i]));
    if (s && s[0])
      return s;
  }
  return NULL;
}

/* JSON 1.0/1.1 and REST-JSON bodies, and the {"Error": {...}} shape. */
static void parse_json(const char *body, size_t len, char *code, size_t size,
                       iatk_buf *message) {
  static const char *const code_keys[] = {"__type", "code", "Code", NULL};
  static const char *const message_keys[] = {"message", "Message",
                                             "errorMessage", NULL};
  json_t *doc = json_loadb(body, len, 0, NULL);
  const json_t *obj = doc;
  if (json_is_object(json_object_get(doc, "Error")))
    obj = json_object_get(doc, "Error");
  if (json_is_object(obj)) {
    const char *c = json_text(obj, code_keys),
               *m = json_text(obj, message_keys);
    if (c)
      set_code(code, size, c, ":");
    if (m)
      iatk__buf_puts(message, m);
  }
  json_decref(doc);
}

/* Query and REST-XML bodies: <ErrorResponse><Error><Code>, S3's <Error>,
 * EC2's <Response><Errors><Error>. */
static void parse_xml(const char *body, size_t len, char *code, size_t size,
                      iatk_buf *message) {
  xmlDoc *doc = iatk__aws_xml_read(body, len);
  const xmlNode *error = iatk__aws_xml_find(iatk__aws_xml_root(doc), "Error");
  char *c = iatk__aws_xml_child_text(error, "Code");
  char *m = iatk__aws_xml_child_text(error, "Message");
  if (c && c[0])
    set_code(code, size, c, "");
  if (m)
    iatk__buf_puts(message, m);
  free(c);
  free(m);
  iatk__aws_xml_free(doc);
}

/* Header codes win, as in botocore: x-amzn-query-error ("Code;Sender")
 * for query-compatible JSON services, then x-amzn-ErrorType
 * ("Code:http://internal.amazon.com/..."). */
static void header_code(const iatk__http_response *resp, char *code,
                        size_t size) {
  const char *query = iatk__http_header_get(resp, "x-amzn-query-error");
  const char *type = iatk__http_header_get(resp, "x-amzn-ErrorType");
  if (query && query[0] && query[0] != ';')
    set_code(code, size, query, ";");
  else if (type && type[0] && type[0] != ':')
    set_code(code, size, type, ":");
}

void iatk__aws_error_parse(const iatk__http_response *resp, char *code,
                           size_t code_size, iatk_buf *message) {
  code[0] = '\0';
  iatk__buf_reset(message);
  const char *body = resp->body.data ? resp->body.data : "";
  size_t len = resp->body.len, skip = strspn(body, " \t\r\n");
  if (skip < len && body[skip] == '{')
    parse_json(body, len, code, code_size, message);
  else if (skip < len && body[skip] == '<')
    parse_xml(body, len, code, code_size, message);
  header_code(resp, code, code_size);
}
