/* A template's text into a JSON object: JSON when it looks like JSON
 * (CDK and most tools write JSON), YAML otherwise. */
#include <string.h>

#include "template/template_internal.h"

/* jansson reports the same problem better than a YAML parser reading
 * JSON would, so JSON goes to jansson, with duplicate keys refused as
 * CloudFormation refuses them. */
static json_t *json_parse(const char *text, size_t len, const char *name,
                          iatk_error *err) {
  json_error_t jerr;
  json_t *v = iatk__json_read(text, len, JSON_REJECT_DUPLICATES, &jerr, NULL);
  if (v)
    return v;
  char where[IATK_ERROR_WHERE_SIZE];
  snprintf(where, sizeof where, "%s:%d:%d", name, jerr.line, jerr.column);
  iatk__fail_at(err, IATK_EJSON, where, "%s: malformed JSON: %s", where,
                jerr.text);
  if (err && err->line == 0) {
    err->line = jerr.line;
    err->column = jerr.column;
  }
  return NULL;
}

json_t *iatk__template_parse(const char *text, size_t len, const char *name,
                             iatk_error *err) {
  if (len > IATK_TEMPLATE_MAX_BYTES) {
    iatk__fail(err, IATK_ELIMIT, "%s is larger than the %u MiB limit", name,
               IATK_TEMPLATE_MAX_BYTES / (1024 * 1024));
    return NULL;
  }
  size_t i = 0;
  while (i < len && strchr(" \t\r\n", text[i]))
    i++;
  json_t *v = i < len && text[i] == '{'
                  ? json_parse(text, len, name, err)
                  : iatk__yaml_parse(text, len, name, err);
  if (v && !json_is_object(v)) {
    iatk__fail(err, IATK_EJSON,
               "%s: a template is a mapping (Resources, Outputs, ...), not a "
               "%s",
               name, json_is_array(v) ? "list" : "scalar");
    json_decref(v);
    return NULL;
  }
  return v;
}
