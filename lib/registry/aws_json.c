/* The JSON shapes of the Schemas API that the AWS source reads and
 * writes.  An answer that lacks what the API promises is an EAWS error
 * naming the member, never a crash or a silently empty result. */
#include <stdlib.h>
#include <string.h>

#include "registry/registry_aws.h"

static int malformed(iatk_error *err, const char *what) {
  return iatk__fail(err, IATK_EAWS,
                    "the Schemas API's answer is not as documented: %s", what);
}

static int collect_one(const json_t *item, const char *field,
                       iatk_strlist *names, iatk_error *err) {
  const char *name = json_string_value(json_object_get(item, field));
  if (!name)
    return iatk__fail(err, IATK_EAWS,
                      "the Schemas API's answer is not as documented: an "
                      "entry without %s",
                      field);
  return iatk__strlist_push(names, name) == IATK_OK
             ? IATK_OK
             : iatk__fail(err, IATK_ENOMEM, "out of memory");
}

int iatk__aws_collect(const json_t *answer, const char *member,
                      const char *field, iatk_strlist *names, char **next_token,
                      iatk_error *err) {
  const json_t *items = json_object_get(answer, member);
  if (items && !json_is_array(items))
    return malformed(err, member);
  size_t i;
  const json_t *item;
  json_array_foreach(items, i, item) {
    int rc = collect_one(item, field, names, err);
    if (rc != IATK_OK)
      return rc;
  }
  const char *token = json_string_value(json_object_get(answer, "NextToken"));
  *next_token = token && *token ? strdup(token) : NULL;
  if (token && *token && !*next_token)
    return iatk__fail(err, IATK_ENOMEM, "out of memory");
  return IATK_OK;
}

/* SchemaVersion is a string of digits in the API ("3"). */
static int parse_version(const json_t *v, int *out) {
  const char *text = json_string_value(v);
  int n = text ? iatk__registry_parse_version(text) : -1;
  if (json_is_integer(v) && json_integer_value(v) > 0 &&
      json_integer_value(v) <= 0x7fffffff)
    n = (int)json_integer_value(v);
  *out = n;
  return n > 0;
}

int iatk__aws_version_of(const json_t *answer, int *version, iatk_error *err) {
  int n;
  if (!parse_version(json_object_get(answer, "SchemaVersion"), &n))
    return malformed(err, "no valid SchemaVersion");
  if (version)
    *version = n;
  return IATK_OK;
}

char *iatk__aws_schema_content(const json_t *answer, const char *registry,
                               const char *schema, size_t *len,
                               const char **type, int *version,
                               iatk_error *err) {
  const json_t *content = json_object_get(answer, "Content");
  const char *known = iatk__registry_known_type(
      json_string_value(json_object_get(answer, "Type")));
  if (!json_is_string(content) || !known) {
    iatk__fail(err, IATK_EAWS,
               "the Schemas API described schema '%s' of registry '%s' "
               "without %s",
               schema, registry,
               !json_is_string(content) ? "its Content"
                                        : "a Type iatk knows (OpenApi3 or "
                                          "JSONSchemaDraft4)");
    return NULL;
  }
  if (iatk__aws_version_of(answer, version, err) != IATK_OK)
    return NULL;
  size_t n = json_string_length(content);
  char *text = malloc(n + 1);
  if (!text) {
    iatk__fail(err, IATK_ENOMEM, "out of memory");
    return NULL;
  }
  memcpy(text, json_string_value(content), n);
  text[n] = '\0';
  *len = n;
  *type = known;
  return text;
}

char *iatk__aws_schema_body(const char *type, const char *content, size_t len,
                            iatk_error *err) {
  json_t *body = json_pack("{s:s%,s:s}", "Content", content, len, "Type", type);
  char *text = body ? json_dumps(body, JSON_COMPACT) : NULL;
  json_decref(body);
  if (!text)
    iatk__fail(err, IATK_EINVAL,
               "the schema content is not valid UTF-8 text, which the Schemas "
               "API requires");
  return text;
}
