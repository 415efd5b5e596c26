/* Lookups in the keyword and format tables of keywords.h. */
#include <pthread.h>
#include <stdint.h>
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

/* The validator asks for every keyword it reads, so lookups go through a
 * hash table (FNV-1a, open addressing), built once, not a walk of the
 * rows. */
#define KEYWORD_SLOTS 256 /* a power of two, over three times the rows */
static const schema_keyword *keyword_slots[KEYWORD_SLOTS];
static pthread_once_t keyword_slots_once = PTHREAD_ONCE_INIT;

static uint32_t fnv1a(const char *s) {
  uint32_t h = 2166136261u;
  for (; *s; s++)
    h = (h ^ (unsigned char)*s) * 16777619u;
  return h;
}

static void fill_keyword_slots(void) {
  for (size_t i = 0; i < sizeof keywords / sizeof keywords[0]; i++) {
    uint32_t at = fnv1a(keywords[i].name) & (KEYWORD_SLOTS - 1);
    while (keyword_slots[at])
      at = (at + 1) & (KEYWORD_SLOTS - 1);
    keyword_slots[at] = &keywords[i];
  }
}

const schema_keyword *iatk__schema_keyword_find(const char *name) {
  pthread_once(&keyword_slots_once, fill_keyword_slots);
  for (uint32_t at = fnv1a(name) & (KEYWORD_SLOTS - 1); keyword_slots[at];
       at = (at + 1) & (KEYWORD_SLOTS - 1))
    if (strcmp(keyword_slots[at]->name, name) == 0)
      return keyword_slots[at];
  return NULL;
}

_Static_assert(sizeof keywords / sizeof keywords[0] * 3 < KEYWORD_SLOTS,
               "the keyword table stays sparse");

static int is_extension(const char *name) {
  return strncmp(name, "x-", 2) == 0;
}

int iatk__schema_keyword_describes(const char *name) {
  const schema_keyword *k = iatk__schema_keyword_find(name);
  return k ? (k->flags & KW_DESCRIBES) != 0 : is_extension(name);
}

int iatk__schema_keyword_generated(const char *name) {
  const schema_keyword *k = iatk__schema_keyword_find(name);
  return k ? (k->flags & KW_GENERATED) != 0 : is_extension(name);
}

const schema_format_row *iatk__schema_format_find(const char *name) {
  for (size_t i = 0; i < sizeof formats / sizeof formats[0]; i++)
    if (strcmp(name, formats[i].name) == 0)
      return &formats[i];
  return NULL;
}

const char *iatk__schema_format_name(schema_format format) {
  for (size_t i = 0; i < sizeof formats / sizeof formats[0]; i++)
    if (formats[i].generated == format)
      return formats[i].name;
  return "";
}
