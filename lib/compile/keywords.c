/* Names of types and formats. */
#include <string.h>

#include "compile/plan.h"
#include "document/keywords.h"

unsigned iatk__plan_type_bit(const char *name) {
  if (!name)
    return 0;
  static const struct {
    const char *name;
    unsigned bit;
  } types[] = {{"null", JT_NULL},       {"boolean", JT_BOOLEAN},
               {"integer", JT_INTEGER}, {"number", JT_NUMBER},
               {"string", JT_STRING},   {"array", JT_ARRAY},
               {"object", JT_OBJECT}};
  for (size_t i = 0; i < sizeof types / sizeof types[0]; i++)
    if (strcmp(name, types[i].name) == 0)
      return types[i].bit;
  return 0;
}

schema_format iatk__plan_format_parse(const char *name) {
  const schema_format_row *row = iatk__schema_format_find(name);
  return row ? row->generated : FMT_NONE;
}

/* Templates are wide on purpose: generation picks a value that also fits
 * minLength/maxLength, from "a@b.io"-short to long. */
const char *iatk__plan_format_pattern(schema_format format) {
  static const char *patterns[] = {
      [FMT_DURATION] =
          "^P([1-9][0-9]{0,3}D|T[1-9][0-9]{0,3}H|[1-9][0-9]{0,3}W|[1-9]Y[1-9]M)$",
      [FMT_EMAIL] = "^[a-z][a-z0-9]{0,40}@[a-z]{1,20}\\.(com|org|net|io)$",
      [FMT_HOSTNAME] =
          "^[a-z]([a-z0-9]{0,30}[a-z0-9])?(\\.[a-z][a-z0-9]{1,30}){0,3}$",
      [FMT_IPV4] = "^([1-9]?[0-9]|1[0-9][0-9]|2[0-4][0-9]|25[0-5])"
                   "(\\.([1-9]?[0-9]|1[0-9][0-9]|2[0-4][0-9]|25[0-5])){3}$",
      [FMT_IPV6] =
          "^(::|::1|[0-9a-f]{1,4}(:[0-9a-f]{1,4}){7}|[0-9a-f]{4}(:[0-9a-f]{4}){7})$",
      [FMT_URI] =
          "^(urn:[a-z]{1,8}|https://[a-z]{1,20}\\.example\\.com(/[a-z0-9]{1,12}){0,6})$",
      [FMT_URI_REFERENCE] = "^/?[a-z0-9]{1,12}(/[a-z0-9]{1,12}){0,5}$",
      [FMT_JSON_POINTER] = "^(/[a-z0-9]{1,8}){0,6}$",
      [FMT_RELATIVE_JSON_POINTER] = "^(0|[1-9][0-9]?)(#|(/[a-z]{1,6}){0,3})$",
      [FMT_REGEX] = "^[a-z]{1,30}$",
      [FMT_URI_TEMPLATE] =
          "^(https://example\\.com/)?\\{[a-z]{1,12}\\}(/[a-z]{1,12}){0,4}$",
      [FMT_BYTE] = "^([A-Za-z0-9+/]{4}){1,8}$",
      [FMT_COLOR] = "^#([0-9a-f]{3}|[0-9a-f]{6})$",
  };
  return format < sizeof patterns / sizeof patterns[0] ? patterns[format]
                                                       : NULL;
}
