/* Reading JSON text, including what iatk itself writes.  jansson refuses
 * two things JSON allows: integers beyond int64 ("too big integer") and
 * "\u0000" in strings (unless JSON_ALLOW_NUL).  Schemas and events have
 * both: a schema's "maximum": 18446744073709551615 and the generator's
 * value for it, a "const" holding a NUL.  So every input path reads through
 * iatk__json_read: NUL is allowed, and an integer literal jansson cannot hold
 * becomes a real (the nearest double).  Its value is noted in an
 * iatk_wide_ints set, so the validator can still tell an integer written
 * in digits (an integer in every draft) from 1e30 (not one in draft-04). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

/* Where ".0" was inserted into the text, to map error positions back. */
typedef struct insertion {
  size_t offset; /* in the rewritten text */
  int line;
} insertion;

typedef struct rewrite {
  iatk_buf out;
  insertion *at;
  size_t count, cap;
  int line;
  iatk_wide_ints *wide;
} rewrite;

void iatk__wide_ints_release(iatk_wide_ints *w) {
  if (!w)
    return;
  free(w->values);
  memset(w, 0, sizeof *w);
}

static int compare_doubles(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

int iatk__wide_ints_has(const iatk_wide_ints *w, double v) {
  return w && w->count &&
         bsearch(&v, w->values, w->count, sizeof v, compare_doubles) != NULL;
}

static int wide_add(iatk_wide_ints *w, double v) {
  if (!w)
    return 0;
  if (IATK_ARRAY_GROW(w->values, w->cap, w->count + 1, SIZE_MAX) != IATK_OK)
    return -1;
  w->values[w->count++] = v;
  return 0;
}

static int note_insertion(rewrite *r) {
  if (IATK_ARRAY_GROW(r->at, r->cap, r->count + 1, SIZE_MAX) != IATK_OK)
    return -1;
  r->at[r->count++] = (insertion){r->out.len, r->line};
  return 0;
}

/* Copies the string literal at text[i] (a '"'); returns the index after it. */
static size_t copy_string(rewrite *r, const char *text, size_t len, size_t i) {
  size_t start = i++;
  while (i < len && text[i] != '"') {
    r->line += text[i] == '\n';
    i += text[i] == '\\' ? 2 : 1;
  }
  i = i < len ? i + 1 : len;
  iatk__buf_append(&r->out, text + start, i - start);
  return i;
}

/* Whether text[0..n) is "-?[0-9]+" beyond int64; *value is its double. */
static int is_wide_integer(const char *text, size_t n, double *value) {
  size_t sign = n > 0 && text[0] == '-';
  if (n == sign)
    return 0;
  for (size_t k = sign; k < n; k++) /* the text is not NUL-terminated at n */
    if (text[k] < '0' || text[k] > '9')
      return 0;
  char *copy = malloc(n + 1), *end;
  if (!copy)
    return 0; /* jansson then reports the integer as too big */
  memcpy(copy, text, n);
  copy[n] = '\0';
  errno = 0;
  (void)strtoll(copy, &end, 10);
  int wide = errno == ERANGE && *end == '\0';
  *value = strtod(copy, NULL);
  free(copy);
  return wide;
}

/* Copies the number-like token at text[i]; a wide integer gets ".0" so
 * jansson reads it as a real.  Returns the index after it, or 0 when out
 * of memory. */
static size_t copy_number(rewrite *r, const char *text, size_t len, size_t i) {
  size_t end = i;
  while (end < len && text[end] && strchr("+-0123456789.eE", text[end]))
    end++;
  iatk__buf_append(&r->out, text + i, end - i);
  double value;
  if (is_wide_integer(text + i, end - i, &value)) {
    if (note_insertion(r) || wide_add(r->wide, value))
      return 0;
    iatk__buf_append(&r->out, ".0", 2);
  }
  return end;
}

/* The text with every wide integer made a real; -1 when out of memory. */
static int rewrite_wide_integers(rewrite *r, const char *text, size_t len) {
  r->line = 1;
  for (size_t i = 0; i < len;) {
    char ch = text[i];
    if (ch == '"') {
      i = copy_string(r, text, len, i);
    } else if (ch == '-' || (ch >= '0' && ch <= '9')) {
      if ((i = copy_number(r, text, len, i)) == 0)
        return -1;
    } else {
      r->line += ch == '\n';
      iatk__buf_putc(&r->out, ch);
      i++;
    }
  }
  return r->out.failed ? -1 : 0;
}

/* An error in the rewritten text, moved to where it is in the original. */
static void map_error_back(const rewrite *r, json_error_t *jerr) {
  int shift = 0, column_shift = 0;
  for (size_t k = 0; k < r->count; k++) {
    if (r->at[k].offset >= (size_t)jerr->position)
      break;
    shift += 2;
    column_shift += r->at[k].line == jerr->line ? 2 : 0;
  }
  jerr->position -= shift;
  jerr->column -= column_shift;
}

/* The second reading, of the rewritten text; NULL with `jerr` untouched
 * when there was nothing to rewrite (a real overflowed) or no memory. */
static json_t *read_rewritten(const char *text, size_t len, size_t flags,
                              json_error_t *jerr, iatk_wide_ints *wide) {
  rewrite r = {.wide = wide};
  iatk__buf_init(&r.out);
  json_t *doc = NULL;
  if (rewrite_wide_integers(&r, text, len) == 0 && r.count > 0) {
    json_error_t again;
    doc = json_loadb(r.out.data, r.out.len, flags, &again);
    if (!doc) {
      map_error_back(&r, &again);
      *jerr = again;
    }
  }
  iatk__buf_release(&r.out);
  free(r.at);
  if (wide && wide->count)
    qsort(wide->values, wide->count, sizeof *wide->values, compare_doubles);
  return doc;
}

json_t *iatk__json_read(const char *text, size_t len, size_t flags,
                        json_error_t *jerr, iatk_wide_ints *wide) {
  json_error_t local;
  jerr = jerr ? jerr : &local;
  if (wide)
    memset(wide, 0, sizeof *wide);
  flags |= JSON_ALLOW_NUL;
  json_t *doc = json_loadb(text, len, flags, jerr);
  /* The rewrite costs a second pass: only for text that needs it. */
  if (doc || json_error_code(jerr) != json_error_numeric_overflow)
    return doc;
  return read_rewritten(text, len, flags, jerr, wide);
}
