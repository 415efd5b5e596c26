/* Lookups in the keyword and format tables of keywords.h. */
#include <string.h>

#include "document/keywords.h"

static const schema_keyword keywords[] = {
#define X(name, first, last, flags, merge) {name, first, last, flags, merge},
    SCHEMA_KEYWORDS(X)
#undef X
};

static const schema_format_row formats[] = {
#define X(name, generated, check) {name, generated, check},
    SCHEMA_FORMATS(X)
#undef X
};

const schema_keyword *schema_keyword_find(const char *name) {
  for (size_t i = 0; i < sizeof keywords / sizeof keywords[0]; i++)
    if (strcmp(name, keywords[i].name) == 0)
      return &keywords[i];
  return NULL;
}

static int is_extension(const char *name) { return strncmp(name, "x-", 2) == 0; }

int schema_keyword_describes(const char *name) {
  const schema_keyword *k = schema_keyword_find(name);
  return k ? (k->flags & KW_DESCRIBES) != 0 : is_extension(name);
}

int schema_keyword_generated(const char *name) {
  const schema_keyword *k = schema_keyword_find(name);
  return k ? (k->flags & KW_GENERATED) != 0 : is_extension(name);
}

const schema_format_row *schema_format_find(const char *name) {
  for (size_t i = 0; i < sizeof formats / sizeof formats[0]; i++)
    if (strcmp(name, formats[i].name) == 0)
      return &formats[i];
  return NULL;
}

const char *schema_format_name(schema_format format) {
  for (size_t i = 0; i < sizeof formats / sizeof formats[0]; i++)
    if (formats[i].generated == format)
      return formats[i].name;
  return "";
}
