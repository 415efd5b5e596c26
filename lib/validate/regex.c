/* Regular expressions of schemas (ECMA-262) matched with PCRE2.  The
 * compile options bring PCRE2 close to ECMA semantics: "$" only at the very
 * end, "\uHHHH" escapes, empty classes "[]" and "[^]". */
#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#include <stdlib.h>
#include <string.h>

#include "validate/validate_internal.h"

typedef struct regex_entry {
  char *pattern;
  pcre2_code *code; /* NULL when the pattern does not compile */
} regex_entry;

struct regex_cache {
  regex_entry *entries;
  size_t count, cap;
  pcre2_match_data *match;
};

regex_cache *regex_cache_new(void) { return calloc(1, sizeof(regex_cache)); }

void regex_cache_free(regex_cache *rc) {
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

static const uint32_t ECMA_OPTIONS = PCRE2_UTF | PCRE2_DOLLAR_ENDONLY |
                                     PCRE2_ALT_BSUX | PCRE2_ALLOW_EMPTY_CLASS |
                                     PCRE2_MATCH_UNSET_BACKREF;

static regex_entry *find_or_compile(regex_cache *rc, const char *pattern) {
  for (size_t i = 0; i < rc->count; i++)
    if (strcmp(rc->entries[i].pattern, pattern) == 0)
      return &rc->entries[i];
  if (rc->count == rc->cap) {
    size_t cap = rc->cap ? rc->cap * 2 : 8;
    regex_entry *e = realloc(rc->entries, cap * sizeof *e);
    if (!e)
      return NULL;
    rc->entries = e;
    rc->cap = cap;
  }
  int errcode;
  PCRE2_SIZE offset;
  regex_entry *e = &rc->entries[rc->count];
  e->pattern = strdup(pattern);
  if (!e->pattern)
    return NULL;
  e->code = pcre2_compile((PCRE2_SPTR)pattern, PCRE2_ZERO_TERMINATED,
                          ECMA_OPTIONS, &errcode, &offset, NULL);
  rc->count++;
  return e;
}

int regex_search(regex_cache *rc, const char *pattern, const char *text,
                 size_t len) {
  regex_entry *e = find_or_compile(rc, pattern);
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
