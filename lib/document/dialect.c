/* Which JSON Schema dialect a document is written in, decided once when it
 * is loaded, and which keywords each dialect has.  The compiler and the
 * validator both read the decision from the schema, so they can never
 * disagree about what a keyword means. */
#include <string.h>

#include "document/document.h"
#include "document/keywords.h"

/* Names accepted by --dialect and iatk_schema_set_dialect. */
#define DIALECT_NAMES(XX)                                                      \
  XX("draft4", DIALECT_DRAFT4)                                                 \
  XX("draft6", DIALECT_DRAFT6)                                                 \
  XX("draft7", DIALECT_DRAFT7)                                                 \
  XX("2019-09", DIALECT_2019)                                                  \
  XX("2020-12", DIALECT_2020)                                                  \
  XX("openapi-3.0", DIALECT_OAS30)                                             \
  XX("openapi-3.1", DIALECT_OAS31)

const char *iatk__schema_dialect_name(dialect d) {
#define XX(name, value)                                                        \
  if (d == value)                                                              \
    return name;
  DIALECT_NAMES(XX)
#undef XX
  return "";
}

dialect iatk__schema_dialect_parse(const char *name) {
#define XX(text, value)                                                        \
  if (name && strcmp(name, text) == 0)                                         \
    return value;
  DIALECT_NAMES(XX)
#undef XX
  return DIALECT_NONE;
}

/* $schema URIs, matched without scheme and trailing '#'. */
static dialect dialect_of_uri(const char *uri) {
  static const struct {
    const char *uri;
    dialect d;
  } known[] = {
      {"json-schema.org/draft-04/schema", DIALECT_DRAFT4},
      {"json-schema.org/draft-06/schema", DIALECT_DRAFT6},
      {"json-schema.org/draft-07/schema", DIALECT_DRAFT7},
      {"json-schema.org/draft/2019-09/schema", DIALECT_2019},
      {"json-schema.org/draft/2020-12/schema", DIALECT_2020},
  };
  const char *rest = strstr(uri, "://");
  rest = rest ? rest + 3 : uri;
  size_t len = strcspn(rest, "#");
  for (size_t i = 0; i < sizeof known / sizeof known[0]; i++)
    if (strlen(known[i].uri) == len && strncmp(rest, known[i].uri, len) == 0)
      return known[i].d;
  return DIALECT_NONE;
}

/* OpenAPI's version decides; then a recognised $schema; then the registry
 * type the caller gave (AWS's JSONSchemaDraft4 means draft-04); then the
 * latest draft, as JSON Schema itself recommends for schemas that do not
 * say.  An unrecognised $schema also gets the default. */
dialect iatk__schema_dialect_detect(const json_t *doc, const char *given_type) {
  const char *openapi = json_string_value(json_object_get(doc, "openapi"));
  if (openapi)
    return strncmp(openapi, "3.0", 3) == 0 ? DIALECT_OAS30 : DIALECT_OAS31;
  if (given_type && strcmp(given_type, IATK_TYPE_OPENAPI3) == 0)
    return DIALECT_OAS30; /* the registry's type without a version: 3.0 */
  const char *uri = json_string_value(json_object_get(doc, "$schema"));
  dialect d = uri ? dialect_of_uri(uri) : DIALECT_NONE;
  if (d != DIALECT_NONE)
    return d;
  if (given_type && !uri &&
      strcmp(given_type, IATK_TYPE_JSONSCHEMA_DRAFT4) == 0)
    return DIALECT_DRAFT4;
  return DIALECT_DEFAULT;
}

dialect iatk__schema_validation_dialect(dialect d) {
  return d == DIALECT_OAS31 ? DIALECT_2020 : d;
}

/* The JSON Schema draft a dialect's keywords come from. */
static int draft_of(dialect d) {
  switch (d) {
  case DIALECT_OAS30: return 4; /* OpenAPI 3.0: draft-04 plus nullable */
  case DIALECT_OAS31: return 2020;
  default: return (int)d;
  }
}

/* Only keywords missing from some drafts are in question; the validator
 * asks for every keyword it reads. */
int iatk__schema_keyword_active(dialect d, const char *keyword) {
  const schema_keyword *k = iatk__schema_keyword_find(keyword);
  int draft = draft_of(d);
  return !k || (draft >= k->first && draft <= k->last);
}

/* Whether an object has a keyword its dialect does not have. */
int iatk__schema_has_inactive_keyword(dialect d, const json_t *s) {
  if (draft_of(d) == 2020 && !json_object_get(s, "dependencies") &&
      !json_object_get(s, "$recursiveRef") &&
      !json_object_get(s, "$recursiveAnchor"))
    return 0; /* the common case, without a table walk per key */
  const char *key;
  json_t *value;
  json_object_foreach((json_t *)s, key,
                      value) if (!iatk__schema_keyword_active(d, key)) return 1;
  return 0;
}

int iatk__schema_accepts_everything(dialect d, const json_t *s,
                                    const char **ignored) {
  if (json_is_true(s))
    return 1;
  if (!json_is_object(s))
    return 0;
  const char *key;
  json_t *value;
  json_object_foreach((json_t *)s, key, value) {
    if (!iatk__schema_keyword_active(d, key)) {
      if (ignored && !*ignored)
        *ignored = key;
    } else if (!iatk__schema_keyword_describes(key)) {
      return 0;
    }
  }
  return 1;
}
