/* Matching with compiled patterns, each pattern compiled once per cache
 * (a validator, a generator or a compile holds one). */
#include <stdlib.h>
#include <string.h>

#include "regex/regex.h"

typedef struct regex_entry {
  char *pattern;
  size_t len;
  pcre2_code *code; /* NULL when the pattern does not compile */
} regex_entry;

struct regex_cache {
  regex_entry *entries;
  size_t count, cap;
  pcre2_match_data *match;
};

regex_cache *iatk__regex_cache_new(void) {
  return calloc(1, sizeof(regex_cache));
}

void iatk__regex_cache_free(regex_cache *rc) {
  if (!rc)
    return;
  for (size_t i = 0; i < rc->count; i++) {
    free(rc->entries[i].pattern);
    pcre2_code_free(rc->entries[i].code);
  }
  free(rc->entries);
  pcre2_match_data_free(rc->match);
  free(rc);
}

static regex_entry *find_or_compile(regex_cache *rc, const char *pattern,
                                    size_t len) {
  for (size_t i = 0; i < rc->count; i++)
    if (rc->entries[i].len == len &&
        memcmp(rc->entries[i].pattern, pattern, len) == 0)
      return &rc->entries[i];
  if (IATK_ARRAY_GROW(rc->entries, rc->cap, rc->count + 1, SIZE_MAX) != IATK_OK)
    return NULL;
  regex_entry *e = &rc->entries[rc->count];
  e->pattern = malloc(len + 1);
  if (!e->pattern)
    return NULL;
  memcpy(e->pattern, pattern, len);
  e->pattern[len] = '\0';
  e->len = len;
  e->code = iatk__regex_compile(pattern, len, NULL, NULL);
  rc->count++;
  return e;
}

int iatk__regex_search_n(regex_cache *rc, const char *pattern,
                         size_t pattern_len, const char *text, size_t len) {
  regex_entry *e = find_or_compile(rc, pattern, pattern_len);
  if (!e)
    return -2; /* out of memory */
  if (!e->code)
    return -1;
  if (!rc->match && !(rc->match = pcre2_match_data_create(1, NULL)))
    return -2;
  int rcm = pcre2_match(e->code, (PCRE2_SPTR)text, len, 0, 0, rc->match, NULL);
  /* Only NOMATCH is "no match": a limit or bad UTF is no answer at all. */
  return rcm >= 0 ? 1 : rcm == PCRE2_ERROR_NOMATCH ? 0 : -2;
}

int iatk__regex_search(regex_cache *rc, const char *pattern, const char *text,
                       size_t len) {
  return iatk__regex_search_n(rc, pattern, strlen(pattern), text, len);
}
